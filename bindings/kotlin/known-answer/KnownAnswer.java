import dev.userhash.IdentitySigner;
import dev.userhash.NonceStore;
import dev.userhash.SignedIdentity;
import dev.userhash.UserHash;
import dev.userhash.UserHashException;
import dev.userhash.Userhash_ffiKt;
import dev.userhash.VerifiedIdentity;
import dev.userhash.Verifier;
import java.util.List;

/**
 * SPEC §1.1's known answer from Java, with nothing on the classpath but the
 * standalone JAR (userhash, kotlin-stdlib, the native library) and JNA:
 *
 *   java -cp userhash-0.1.0-standalone.jar:jna-5.17.0.jar:. KnownAnswer
 *
 * prints 959217e5001533694e1f8ac122e7c24eef04409d31f9e9b5227cf2165b6e6d82.
 * `cargo xtask test kotlin` compiles and runs it. Before printing it uses
 * the API as a Java program would (the String helpers as static methods of
 * `UserHash`, the generated functions of `Userhash_ffiKt`, the checked
 * `UserHashException`s) and fails on any surprise.
 */
public final class KnownAnswer {
    public static void main(String[] args) throws Exception {
        String secret = "whsec_java_known_answer_0123456789";
        IdentitySigner signer = UserHash.identitySigner(secret, "org_123");
        SignedIdentity identity = UserHash.signAt(signer, "a+b@example.com", 1_712_345_678_901L, "nonce-java-0001");
        String url = Userhash_ffiKt.widgetUrl("https://widget.example.com/", identity, "Alice", null);

        NonceStore store = Userhash_ffiKt.memoryNonceStore(1000L);
        Verifier verifier = UserHash.verifier(List.of(secret), "org_123", 300_000L, store);
        VerifiedIdentity user = UserHash.verifyUrlAt(verifier, url, 1_712_345_678_901L);
        check(user.getEmail().equals("a+b@example.com") && "Alice".equals(user.getName()), "verified " + user);
        try {
            UserHash.verifyUrlAt(verifier, url, 1_712_345_678_901L);
            check(false, "a replayed URL was accepted");
        } catch (UserHashException.Replayed e) {
            check(e.toString().startsWith("this nonce was already used"), "Replayed says " + e);
        }
        try {
            UserHash.verifier(List.of(secret), "org_123", -1L);
            check(false, "a negative tolerance was accepted");
        } catch (UserHashException.Malformed e) {
            check(e.getField() == dev.userhash.Field.TOLERANCE_MS, "Malformed names " + e.getField());
        }
        String now = UserHash.widgetUrl(signer, "https://widget.example.com/", "a@example.com");
        check(UserHash.verifyUrl(verifier, now).getName() == null, "widgetUrl without a name");
        check(UserHash.verifyIdentifier(secret.getBytes("UTF-8"), "user-42", UserHash.signIdentifier(secret, "user-42")), "verifyIdentifier");

        System.out.println(UserHash.signIdentifier("<widget-hmac-token>", "<identifier>"));
    }

    private static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }
}
