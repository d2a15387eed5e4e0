package dev.userhash.bench;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A verifier written in plain Java with the checks of Verifier.verifyUrlAt
 * (SPEC §3): the size limits, parse (form decoding, duplicates of a signed
 * parameter refused), each field rule of §1.3, the org, the HMAC under each
 * secret (a keyed Mac per secret, kept; compared in constant time),
 * freshness, and the nonce in an in-memory set. The baseline a JVM team
 * would write instead of calling Rust. Not thread-safe (a Mac each); errors
 * are plain exceptions with the variant's name.
 */
final class JavaVerifier {
    record Verified(String email, String orgId, long timestampMs, String nonce, String name, Map<String, String> params, int keyIndex) {}

    private static final List<String> SIGNED = List.of("orgId", "email", "timestamp", "nonce", "user_hash");
    private final Mac[] macs;
    private final String orgId;
    private final long toleranceMs;
    private final ConcurrentHashMap<String, Long> nonces = new ConcurrentHashMap<>();

    JavaVerifier(List<String> secrets, String orgId, long toleranceMs) throws Exception {
        macs = new Mac[secrets.size()];
        for (int i = 0; i < macs.length; i++) {
            byte[] key = secrets.get(i).getBytes(StandardCharsets.UTF_8);
            if (key.length < 16) throw new IllegalArgumentException("WeakSecret");
            macs[i] = Mac.getInstance("HmacSHA256");
            macs[i].init(new SecretKeySpec(key, "HmacSHA256"));
        }
        this.orgId = orgId;
        this.toleranceMs = toleranceMs;
    }

    Verified verifyUrlAt(String url, long nowMs) {
        if (url.length() > 65_536) throw new IllegalArgumentException("TooLarge");
        int q = url.indexOf('?');
        String query = q < 0 ? url : url.substring(q + 1);
        int hashMark = query.indexOf('#');
        if (hashMark >= 0) query = query.substring(0, hashMark);
        Map<String, String> all = new HashMap<>();
        int count = 0;
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) continue;
            if (++count > 1000) throw new IllegalArgumentException("TooLarge");
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (all.put(k, v) != null && (SIGNED.contains(k) || k.equals("name"))) throw new IllegalArgumentException("Duplicate");
        }
        String org = required(all, "orgId");
        String email = required(all, "email");
        String timestamp = required(all, "timestamp");
        String nonce = required(all, "nonce");
        String userHash = required(all, "user_hash");
        checkEmail(email);
        checkOrg(org);
        checkTimestamp(timestamp);
        checkNonce(nonce);
        if (userHash.length() != 64) throw new IllegalArgumentException("Malformed user_hash");
        byte[] tag;
        try {
            tag = HexFormat.of().parseHex(userHash);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Malformed user_hash");
        }
        if (!org.equals(orgId)) throw new IllegalArgumentException("WrongOrg");
        byte[] message = (email + "|" + timestamp + "|" + org + "|" + nonce).getBytes(StandardCharsets.UTF_8);
        int keyIndex = -1;
        for (int i = 0; i < macs.length && keyIndex < 0; i++) {
            if (MessageDigest.isEqual(macs[i].doFinal(message), tag)) keyIndex = i;
        }
        if (keyIndex < 0) throw new IllegalArgumentException("Mismatch");
        long ts = Long.parseLong(timestamp);
        if (nowMs > ts && nowMs - ts > toleranceMs) throw new IllegalArgumentException("Expired");
        if (ts > nowMs && ts - nowMs > toleranceMs) throw new IllegalArgumentException("FromFuture");
        if (nonces.putIfAbsent(org + ":" + nonce, ts + toleranceMs) != null) throw new IllegalArgumentException("Replayed");
        String name = all.remove("name");
        for (String k : SIGNED) all.remove(k);
        return new Verified(email, org, ts, nonce, name, all, keyIndex);
    }

    private static String required(Map<String, String> params, String key) {
        String v = params.get(key);
        if (v == null) throw new IllegalArgumentException("Missing " + key);
        return v;
    }

    private static void checkEmail(String email) {
        int n = email.getBytes(StandardCharsets.UTF_8).length;
        if (n < 1 || n > 320 || !email.strip().equals(email)) throw new IllegalArgumentException("Malformed email");
        for (int i = 0; i < email.length(); i++) {
            char c = email.charAt(i);
            if (c == '|' || c < 0x20 || c == 0x7f) throw new IllegalArgumentException("Malformed email");
        }
    }

    private static void checkOrg(String org) {
        int n = org.getBytes(StandardCharsets.UTF_8).length;
        if (n < 1 || n > 128) throw new IllegalArgumentException("Malformed org_id");
        for (int i = 0; i < org.length(); i++) {
            char c = org.charAt(i);
            if (c == '|' || Character.isWhitespace(c) || Character.isISOControl(c)) throw new IllegalArgumentException("Malformed org_id");
        }
    }

    private static void checkTimestamp(String t) {
        if (t.isEmpty() || t.length() > 16) throw new IllegalArgumentException("Malformed timestamp");
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) < '0' || t.charAt(i) > '9') throw new IllegalArgumentException("Malformed timestamp");
        }
    }

    private static void checkNonce(String nonce) {
        if (nonce.length() < 8 || nonce.length() > 128) throw new IllegalArgumentException("Malformed nonce");
        for (int i = 0; i < nonce.length(); i++) {
            char c = nonce.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
            if (!ok) throw new IllegalArgumentException("Malformed nonce");
        }
    }
}
