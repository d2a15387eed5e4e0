package dev.userhash.bench;

import dev.userhash.IdentifierHash;
import dev.userhash.IdentitySigner;
import dev.userhash.RustBuffer;
import dev.userhash.SignedIdentity;
import dev.userhash.UserHash;
import dev.userhash.UserHashException;
import dev.userhash.Userhash_ffiKt;
import dev.userhash.VerifiedIdentity;
import dev.userhash.Verifier;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-call cost of the Kotlin binding beside javax.crypto.Mac (HmacSHA256)
 * and a pure-Java verifier, in the same JVM. `cargo xtask bench-kotlin` runs
 * it (BENCHMARKS.md).
 *
 * The `mac_*` and `java_*` rows are the baselines; the `ffi_*`, `jna_*` and
 * `jdk_*` rows take the binding apart: the generated layer alone, and the
 * JNA and JDK pieces each call pays for.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UserHashBench {
    static final String SECRET = "whsec_9f2c4e7a1b3d5f60a8c2e4b6d8f0a1c3";
    static final String IDENTIFIER = "jane@example.com";
    static final String ORG = "org_123";
    static final String BASE = "https://widget.example.com/";
    static final int RING = 1 << 16;

    final byte[] secretBytes = SECRET.getBytes(StandardCharsets.UTF_8);
    final HexFormat hex = HexFormat.of();
    Mac mac;
    String hash;
    IdentitySigner signer;
    Verifier verifier;
    Verifier replayVerifier;
    Verifier ffiVerifier;
    JavaVerifier javaVerifier;
    String[] urls;
    int next;
    int nextJava;
    long now;
    String replayed;
    List<String> batch;
    List<IdentifierHash> pairs;
    ByteBuffer secretDirect;
    ByteBuffer identifierDirect;
    ByteBuffer hashDirect;
    ByteBuffer keyDirect;
    ByteBuffer msgDirect;
    ByteBuffer tagDirect;
    ByteBuffer urlDirect;

    @Setup
    public void setup() throws Exception {
        mac = Mac.getInstance("HmacSHA256");
        hash = UserHash.signIdentifier(SECRET, IDENTIFIER);
        signer = UserHash.identitySigner(SECRET, ORG);
        now = System.currentTimeMillis();
        urls = new String[RING];
        for (int i = 0; i < RING; i++) {
            SignedIdentity id = UserHash.signAt(signer, "jane+" + (i % 10) + "@example.com", now, String.format("nonce-%08d", i));
            urls[i] = Userhash_ffiKt.widgetUrl(BASE, id, null, null);
        }
        batch = new ArrayList<>();
        pairs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String id = "user" + i + "@example.com";
            batch.add(id);
            pairs.add(new IdentifierHash(id, UserHash.signIdentifier(SECRET, id)));
        }
        replayed = urls[0];
        verifier = freshVerifier();
        replayVerifier = freshVerifier();
        UserHash.verifyUrlAt(replayVerifier, replayed, now);
        secretDirect = direct(secretBytes);
        identifierDirect = direct(IDENTIFIER.getBytes(StandardCharsets.UTF_8));
        hashDirect = direct(hash.getBytes(StandardCharsets.UTF_8));
        keyDirect = secretDirect;
        msgDirect = identifierDirect;
        tagDirect = direct(UserHash.hmacSha256(secretBytes, IDENTIFIER.getBytes(StandardCharsets.UTF_8)));
        urlDirect = direct(replayed.getBytes(StandardCharsets.UTF_8));
        ffiVerifier = new Verifier(List.of(secretBytes), direct(ORG.getBytes(StandardCharsets.UTF_8)), null, null, null, null);
        ffiVerifier.verifyUrl(urlDirect.duplicate());
        javaVerifier = new JavaVerifier(List.of(SECRET), ORG, 300_000L);
        if (!javaVerifier.verifyUrlAt(urls[0], now).email().equals(UserHash.verifyUrlAt(freshVerifier(), urls[0], now).getEmail())) {
            throw new AssertionError("the pure-Java verifier disagrees");
        }
        javaVerifier = new JavaVerifier(List.of(SECRET), ORG, 300_000L);
    }

    Verifier freshVerifier() throws Exception {
        return UserHash.verifier(List.of(SECRET), ORG, 300_000L, Userhash_ffiKt.memoryNonceStore((long) RING));
    }

    static ByteBuffer direct(byte[] bytes) {
        ByteBuffer b = ByteBuffer.allocateDirect(bytes.length);
        b.put(bytes).flip();
        return b;
    }

    // --- the baselines: javax.crypto.Mac, a pure-Java verifier ----------------------

    /** What a vendor snippet does: a Mac per call, key, doFinal, hex. */
    @Benchmark
    public String mac_getInstance_init_doFinal_hex() throws Exception {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(secretBytes, "HmacSHA256"));
        return hex.formatHex(m.doFinal(IDENTIFIER.getBytes(StandardCharsets.UTF_8)));
    }

    /** The same with the Mac kept: init (the key's two blocks), doFinal, hex. */
    @Benchmark
    public String mac_init_doFinal_hex() throws Exception {
        mac.init(new SecretKeySpec(secretBytes, "HmacSHA256"));
        return hex.formatHex(mac.doFinal(IDENTIFIER.getBytes(StandardCharsets.UTF_8)));
    }

    /** The same checks as Verifier.verifyUrlAt in plain Java (JavaVerifier below), on the same ring of fresh URLs. */
    @Benchmark
    public Object java_verifier_verifyUrlAt_accepted() throws Exception {
        if (nextJava == RING) {
            nextJava = 0;
            javaVerifier = new JavaVerifier(List.of(SECRET), ORG, 300_000L);
        }
        return javaVerifier.verifyUrlAt(urls[nextJava++], now);
    }

    // --- the binding, as users call it ---------------------------------------

    @Benchmark
    public String signIdentifier() throws Exception {
        return UserHash.signIdentifier(SECRET, IDENTIFIER);
    }

    @Benchmark
    public boolean verifyIdentifier() throws Exception {
        return UserHash.verifyIdentifier(SECRET, IDENTIFIER, hash);
    }

    @Benchmark
    public SignedIdentity identitySigner_sign() throws Exception {
        return UserHash.sign(signer, IDENTIFIER);
    }

    @Benchmark
    public SignedIdentity identitySigner_signAt() throws Exception {
        return UserHash.signAt(signer, IDENTIFIER, now, "550e8400-e29b-41d4-a716-446655440000");
    }

    /** The widget URL for a user, signed now: one call (IdentitySigner.widgetUrl). */
    @Benchmark
    public String identitySigner_widgetUrl() throws Exception {
        return UserHash.widgetUrl(signer, BASE, IDENTIFIER, "Jane");
    }

    /** The same in two calls: sign, then the generated widgetUrl with the record. */
    @Benchmark
    public String identitySigner_sign_then_widgetUrl() throws Exception {
        return Userhash_ffiKt.widgetUrl(BASE, UserHash.sign(signer, IDENTIFIER), "Jane", null);
    }

    /** Accepted: a fresh URL each call (a ring of 65 536; a new verifier and store when it wraps). */
    @Benchmark
    public Object verifier_verifyUrl_accepted() throws Exception {
        if (next == RING) {
            next = 0;
            verifier = freshVerifier();
        }
        return UserHash.verifyUrlAt(verifier, urls[next++], now);
    }

    /** The same URL again: everything up to the store, which answers Replayed (an exception). */
    @Benchmark
    public Object verifier_verifyUrl_replayed() throws Exception {
        try {
            return UserHash.verifyUrlAt(replayVerifier, replayed, now);
        } catch (UserHashException.Replayed e) {
            return e;
        }
    }

    /** 100 identifiers in one call (signIdentifiers); the score is per batch: divide by 100. */
    @Benchmark
    public List<String> signIdentifiers_batch_of_100() throws Exception {
        return UserHash.signIdentifiers(SECRET, batch);
    }

    /** 100 (identifier, hash) pairs in one call; the score is per batch: divide by 100. */
    @Benchmark
    public List<Boolean> verifyIdentifiers_batch_of_100() throws Exception {
        return UserHash.verifyIdentifiers(SECRET, pairs);
    }

    /** The baseline for the batches: 100 × (init, doFinal, hex) on a kept Mac. */
    @Benchmark
    public String[] mac_init_doFinal_hex_batch_of_100() throws Exception {
        String[] out = new String[100];
        for (int i = 0; i < 100; i++) {
            mac.init(new SecretKeySpec(secretBytes, "HmacSHA256"));
            out[i] = hex.formatHex(mac.doFinal(batch.get(i).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    // --- taken apart -------------------------------------------------------------

    /** The generated layer alone: direct buffers made once, call + free of the returned String. */
    @Benchmark
    public String ffi_signIdentifier_prepared_buffers() throws Exception {
        return Userhash_ffiKt.signIdentifier(secretDirect.duplicate(), identifierDirect.duplicate());
    }

    /** One crossing, a bool back, no returned buffer. */
    @Benchmark
    public boolean ffi_verifyIdentifier_prepared_buffers() throws Exception {
        return Userhash_ffiKt.verifyIdentifier(secretDirect.duplicate(), identifierDirect.duplicate(), hashDirect.duplicate());
    }

    /**
     * The generated Verifier.verifyUrl with its direct buffer made once, on
     * the replayed URL (the store answers Replayed, so every call does the
     * same work): clone the handle, the call, lift the error.
     */
    @Benchmark
    public Object ffi_verifyUrl_replayed_prepared_buffer() throws Exception {
        try {
            return ffiVerifier.verifyUrl(urlDirect.duplicate());
        } catch (UserHashException.Replayed e) {
            return e;
        }
    }

    /** One crossing with no argument, a String back (call + free). */
    @Benchmark
    public String ffi_version() throws Exception {
        return Userhash_ffiKt.version();
    }

    /** The raw MAC over prepared buffers: one crossing, a bool back. */
    @Benchmark
    public boolean ffi_verifyHmacSha256_prepared_buffers() throws Exception {
        return Userhash_ffiKt.verifyHmacSha256(keyDirect.duplicate(), msgDirect.duplicate(), tagDirect.duplicate());
    }

    /** One JNA Structure (what each argument, the call status and each returned buffer cost to make). */
    @Benchmark
    public Object jna_new_structure() throws Exception {
        return new RustBuffer.ByValue();
    }

    /** Encoding a String into a direct ByteBuffer the naive way (a new direct buffer per argument). */
    @Benchmark
    public ByteBuffer jdk_allocateDirect_per_argument() throws Exception {
        byte[] b = IDENTIFIER.getBytes(StandardCharsets.UTF_8);
        ByteBuffer d = ByteBuffer.allocateDirect(b.length);
        d.put(b).flip();
        return d;
    }

    /**
     * signIdentifier with the one-liner a facade could use, the JDK's encoder
     * into a new direct buffer per argument (what the package's thread's
     * buffer replaces).
     */
    @Benchmark
    public String jdk_encoder_new_direct_buffer_per_argument_signIdentifier() throws Exception {
        return Userhash_ffiKt.signIdentifier(newDirect(SECRET), newDirect(IDENTIFIER));
    }

    static ByteBuffer newDirect(String s) throws Exception {
        ByteBuffer heap = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(s));
        ByteBuffer d = ByteBuffer.allocateDirect(heap.remaining());
        d.put(heap).flip();
        return d;
    }
}
