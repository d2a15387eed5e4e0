package dev.userhash

import dev.userhash.ffi.IdentifierHash
import dev.userhash.ffi.SignedInput
import dev.userhash.ffi.diagnose as ffiDiagnose
import dev.userhash.ffi.diagnoseUrl as ffiDiagnoseUrl
import dev.userhash.ffi.hmacSha256 as ffiHmacSha256
import dev.userhash.ffi.orgIdOf as ffiOrgIdOf
import dev.userhash.ffi.signIdentifier as ffiSignIdentifier
import dev.userhash.ffi.signIdentifiers as ffiSignIdentifiers
import dev.userhash.ffi.verifyHmacSha256 as ffiVerifyHmacSha256
import dev.userhash.ffi.verifyIdentifier as ffiVerifyIdentifier
import dev.userhash.ffi.verifyIdentifiers as ffiVerifyIdentifiers
import dev.userhash.ffi.version as ffiVersion
import dev.userhash.ffi.widgetUrl as ffiWidgetUrl

/**
 * The free functions of userhash: the identifier hash (SPEC §1.1), the
 * widget URL (§2), `orgIdOf` for routing, `diagnose` (§6) and the bare
 * HMAC-SHA256. From Kotlin, `import dev.userhash.UserHash.signIdentifier`
 * lets you call them unqualified; from Java they are static methods.
 *
 * Every function is the Rust core's, through uniffi; this facade only
 * converts types (String to UTF-8 bytes, ULong to Long, the generated
 * exceptions to [UserHashException]) and holds no logic of its own.
 */
object UserHash {
    /** The library's version, the same as the Rust crate's. */
    @JvmStatic
    val version: String
        get() = ffiVersion()

    /**
     * `hex(HMAC-SHA256(secret, identifier))`: the identifier hash (SPEC §1.1),
     * 64 lowercase hex characters.
     *
     * @throws UserHashException.WeakSecret for a secret under 16 bytes
     * @throws UserHashException.Malformed for an identifier outside 1..=4096 bytes
     */
    @JvmStatic
    @Throws(UserHashException::class)
    fun signIdentifier(secret: String, identifier: String): String =
        utf8(secretText(secret), identifier) { s, i -> rust { ffiSignIdentifier(s, i) } }

    /** [signIdentifier] with the secret as bytes (which, unlike a String, you can wipe after use). */
    @JvmStatic
    @Throws(UserHashException::class)
    fun signIdentifier(secret: ByteArray, identifier: String): String =
        scratch((secret.size + 2) / 3L + identifier.length) { b ->
            val s = b.put(secret)
            rust { ffiSignIdentifier(s, b.put(identifier)) }
        }

    /**
     * Whether [hash] is the identifier's hash under [secret], compared in
     * constant time. False for any mismatch or malformed hash or identifier.
     *
     * @throws UserHashException.WeakSecret for a secret under 16 bytes (a configuration mistake, not a request's)
     */
    @JvmStatic
    @Throws(UserHashException::class)
    fun verifyIdentifier(secret: String, identifier: String, hash: String): Boolean =
        utf8(secretText(secret), identifier, hash) { s, i, h -> rust { ffiVerifyIdentifier(s, i, h) } }

    /** [verifyIdentifier] with the secret as bytes. */
    @JvmStatic
    @Throws(UserHashException::class)
    fun verifyIdentifier(secret: ByteArray, identifier: String, hash: String): Boolean =
        scratch((secret.size + 2) / 3L + identifier.length + hash.length) { b ->
            val s = b.put(secret)
            val i = b.put(identifier)
            rust { ffiVerifyIdentifier(s, i, b.put(hash)) }
        }

    /**
     * [signIdentifier] for many identifiers under one secret, in one call into
     * Rust: each call through JNA costs tens of times the HMAC (BENCHMARKS.md),
     * so signing a list this way costs a fraction of signing it one by one.
     * The hashes come back in order.
     *
     * @throws UserHashException.WeakSecret for a weak secret
     * @throws UserHashException.Malformed for the first identifier outside 1..=4096 bytes (the whole batch fails)
     */
    @JvmStatic
    @Throws(UserHashException::class)
    fun signIdentifiers(secret: String, identifiers: List<String>): List<String> =
        utf8(secretText(secret)) { s -> rust { ffiSignIdentifiers(s, identifiers) } }

    /**
     * [verifyIdentifier] for many (identifier, hash) pairs under one secret, in
     * one call into Rust; one Boolean per pair, in order.
     *
     * @throws UserHashException.WeakSecret for a weak secret
     */
    @JvmStatic
    @Throws(UserHashException::class)
    fun verifyIdentifiers(secret: String, pairs: List<Pair<String, String>>): List<Boolean> =
        utf8(secretText(secret)) { s -> rust { ffiVerifyIdentifiers(s, pairs.map { (i, h) -> IdentifierHash(i, h) }) } }

    /**
     * The hosted widget's URL for a signed identity (SPEC §2): [baseUrl] with
     * `orgId`, `email`, `name`, the extra [params] sorted by key, `timestamp`,
     * `nonce` and `user_hash`, form-encoded as a browser's `URLSearchParams`
     * does (a `+` in an email survives). [name] and [params] are not signed.
     *
     * @throws UserHashException.Malformed for a reserved or repeated parameter, a bad base URL or name
     */
    @JvmStatic
    @JvmOverloads
    @Throws(UserHashException::class)
    fun widgetUrl(
        baseUrl: String,
        identity: SignedIdentity,
        name: String? = null,
        params: Map<String, String> = emptyMap(),
    ): String = rust { ffiWidgetUrl(baseUrl, identity.lower(), name, params) }

    /**
     * The `orgId` a widget URL claims, unverified: to route the request to
     * that organization's [Verifier] before verifying it.
     */
    @JvmStatic
    @Throws(UserHashException::class)
    fun orgIdOf(url: String): String = utf8(url) { u -> rust { ffiOrgIdOf(u) } }

    /**
     * Why [hash] is not the hash of what was signed (SPEC §6): tries the usual
     * mistakes (whitespace, email case, `+` read as a space, seconds for
     * milliseconds, hex case, base64, the other scheme, another configured
     * secret) and names the one that reproduces it, with how to fix it.
     *
     * [secrets]: the one the signer should use first, then any others you
     * have. Give [identifier] (the identifier hash) or [email], [timestamp],
     * [orgId] and [nonce] (the signed identity), exactly as received.
     */
    @JvmStatic
    @JvmOverloads
    @Throws(UserHashException::class)
    fun diagnose(
        secrets: List<String>,
        hash: String,
        identifier: String? = null,
        email: String? = null,
        timestamp: String? = null,
        orgId: String? = null,
        nonce: String? = null,
    ): Diagnosis = rust {
        ffiDiagnose(secretBytes(secrets), SignedInput(identifier, email, timestamp, orgId, nonce), hash).lift()
    }

    /**
     * [diagnose] for a widget URL that was rejected with `Mismatch`: its signed
     * fields, and its own `user_hash` unless [hash] is given.
     */
    @JvmStatic
    @JvmOverloads
    @Throws(UserHashException::class)
    fun diagnoseUrl(secrets: List<String>, url: String, hash: String? = null): Diagnosis =
        rust { ffiDiagnoseUrl(secretBytes(secrets), url, hash).lift() }

    /**
     * The bare HMAC-SHA256 both schemes are built on, the 32-byte tag. No field
     * or strength rule applies: it is here for peer test suites (RFC 4231,
     * Wycheproof). Sign users with [signIdentifier] or [IdentitySigner].
     */
    @JvmStatic
    fun hmacSha256(key: ByteArray, message: ByteArray): ByteArray = direct(key, message) { k, m -> ffiHmacSha256(k, m) }

    /** Whether [tag] is the full 32-byte HMAC-SHA256 of [message] under [key], compared in constant time. */
    @JvmStatic
    fun verifyHmacSha256(key: ByteArray, message: ByteArray, tag: ByteArray): Boolean =
        direct(key, message, tag) { k, m, t -> ffiVerifyHmacSha256(k, m, t) }
}
