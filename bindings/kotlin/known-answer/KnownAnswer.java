import dev.userhash.UserHash;

/**
 * SPEC §1.1's known answer from Java, with nothing on the classpath but the
 * standalone JAR (userhash, kotlin-stdlib, the native library) and JNA:
 *
 *   java -cp userhash-0.1.0-standalone.jar:jna-5.17.0.jar:. KnownAnswer
 *
 * prints 959217e5001533694e1f8ac122e7c24eef04409d31f9e9b5227cf2165b6e6d82.
 * `cargo xtask test kotlin` compiles and runs it.
 */
public final class KnownAnswer {
    public static void main(String[] args) throws Exception {
        System.out.println(UserHash.signIdentifier("<widget-hmac-token>", "<identifier>"));
    }
}
