@file:JvmName("UserHash")

package dev.userhash

import java.nio.Buffer
import java.nio.ByteBuffer
import java.nio.CharBuffer
import java.nio.charset.CharacterCodingException
import java.nio.charset.StandardCharsets

// The one hand-written file of the Kotlin binding: String and ByteArray
// arguments for the generated API (userhash_ffi.kt, same package), which
// takes text as Rust's `&[u8]`, that is as a *direct* ByteBuffer. Everything
// else (classes, records, enums, the exception, the stores) is the generated
// code, used as it is. Why each piece is here: bindings/kotlin/README.md.
//
// From Java these are static methods of `UserHash` (`UserHash.signIdentifier`,
// `UserHash.verifier(...)`, `UserHash.verifyUrlAt(verifier, url, nowMs)`).

// --- the identifier hash (SPEC §1.1) ------------------------------------------

/**
 * `hex(HMAC-SHA256(secret, identifier))`: the identifier hash, 64 lowercase
 * hex characters.
 *
 * @throws UserHashException.WeakSecret for a secret under 16 bytes
 * @throws UserHashException.Malformed for an identifier outside 1..=4096 bytes, or a String UTF-8 cannot encode
 */
@Throws(UserHashException::class)
fun signIdentifier(secret: String, identifier: String): String =
    args(3L * (secret.length + identifier.length)) { a ->
        signIdentifier(a.text(secret, Field.SECRET), a.text(identifier, Field.IDENTIFIER))
    }

/** [signIdentifier] with the secret as bytes (which, unlike a String, you can wipe after use). */
@Throws(UserHashException::class)
fun signIdentifier(secret: ByteArray, identifier: String): String =
    args(secret.size + 3L * identifier.length) { a -> signIdentifier(a.bytes(secret), a.text(identifier, Field.IDENTIFIER)) }

/**
 * Whether [hash] is the identifier's hash under [secret], compared in
 * constant time. False for any mismatch or malformed identifier or hash
 * (a String UTF-8 cannot encode included).
 *
 * @throws UserHashException.WeakSecret for a weak secret (a configuration mistake, not a request's)
 */
@Throws(UserHashException::class)
fun verifyIdentifier(secret: String, identifier: String, hash: String): Boolean =
    args(3L * (secret.length + identifier.length + hash.length)) { a ->
        verifyText(a, a.text(secret, Field.SECRET), identifier, hash) { s, i, h -> verifyIdentifier(s, i, h) }
    }

/** [verifyIdentifier] with the secret as bytes. */
@Throws(UserHashException::class)
fun verifyIdentifier(secret: ByteArray, identifier: String, hash: String): Boolean =
    args(secret.size + 3L * (identifier.length + hash.length)) { a ->
        verifyText(a, a.bytes(secret), identifier, hash) { s, i, h -> verifyIdentifier(s, i, h) }
    }

/**
 * [signIdentifier] for many identifiers under one secret, in one call into
 * Rust (a fraction of the cost of signing them one by one: BENCHMARKS.md).
 * The first identifier outside the rules fails the whole batch.
 */
@Throws(UserHashException::class)
fun signIdentifiers(secret: String, identifiers: List<String>): List<String> =
    args(3L * secret.length) { a -> signIdentifiers(a.text(secret, Field.SECRET), identifiers) }

/** [signIdentifiers] with the secret as bytes. */
@Throws(UserHashException::class)
fun signIdentifiers(secret: ByteArray, identifiers: List<String>): List<String> =
    args(secret.size.toLong()) { a -> signIdentifiers(a.bytes(secret), identifiers) }

/** [verifyIdentifier] for many pairs under one secret, in one call into Rust; one Boolean per pair, in order. */
@Throws(UserHashException::class)
fun verifyIdentifiers(secret: String, pairs: List<IdentifierHash>): List<Boolean> =
    args(3L * secret.length) { a -> verifyIdentifiers(a.text(secret, Field.SECRET), pairs) }

/** [verifyIdentifiers] with the secret as bytes. */
@Throws(UserHashException::class)
fun verifyIdentifiers(secret: ByteArray, pairs: List<IdentifierHash>): List<Boolean> =
    args(secret.size.toLong()) { a -> verifyIdentifiers(a.bytes(secret), pairs) }

/** An [IdentifierSigner] for [secret]: its key state is computed once, for a server that signs many users. */
@JvmName("identifierSigner")
@Throws(UserHashException::class)
fun IdentifierSigner(secret: String): IdentifierSigner = args(3L * secret.length) { a -> IdentifierSigner(a.text(secret, Field.SECRET)) }

/** An [IdentifierSigner] with the secret as bytes. */
@JvmName("identifierSigner")
@Throws(UserHashException::class)
fun IdentifierSigner(secret: ByteArray): IdentifierSigner = args(secret.size.toLong()) { a -> IdentifierSigner(a.bytes(secret)) }

/** See [signIdentifier]. */
@Throws(UserHashException::class)
fun IdentifierSigner.sign(identifier: String): String =
    args(3L * identifier.length) { a -> sign(a.text(identifier, Field.IDENTIFIER)) }

/** See [verifyIdentifier]: false for any mismatch or malformed input. */
fun IdentifierSigner.verify(identifier: String, hash: String): Boolean =
    args(3L * (identifier.length + hash.length)) { a ->
        val (i, h) = a.textOrNull(identifier) to a.textOrNull(hash)
        i != null && h != null && verify(i, h)
    }

// --- the signed identity (SPEC §1.2, §2) ---------------------------------------

/**
 * An [IdentitySigner] for one organization: keep one for the life of the
 * process and share it between threads.
 *
 * @throws UserHashException.WeakSecret or [UserHashException.Malformed] (`org_id`, or a secret UTF-8 cannot encode)
 */
@JvmName("identitySigner")
@Throws(UserHashException::class)
fun IdentitySigner(secret: String, orgId: String): IdentitySigner =
    args(3L * (secret.length + orgId.length)) { a -> IdentitySigner(a.text(secret, Field.SECRET), a.text(orgId, Field.ORG_ID)) }

/** An [IdentitySigner] with the secret as bytes, which you can wipe once the signer is made. */
@JvmName("identitySigner")
@Throws(UserHashException::class)
fun IdentitySigner(secret: ByteArray, orgId: String): IdentitySigner =
    args(secret.size + 3L * orgId.length) { a -> IdentitySigner(a.bytes(secret), a.text(orgId, Field.ORG_ID)) }

/** Signs [email] now, with a fresh random nonce (a UUID v4 from the OS's CSPRNG). */
@Throws(UserHashException::class)
fun IdentitySigner.sign(email: String): SignedIdentity = args(3L * email.length) { a -> sign(a.text(email, Field.EMAIL)) }

/** Signs [email] at [timestampMs] (Unix ms) with [nonce]: for tests, and for signers with their own clock. */
@Throws(UserHashException::class)
fun IdentitySigner.signAt(email: String, timestampMs: Long, nonce: String): SignedIdentity =
    args(3L * (email.length + nonce.length)) { a -> signAt(a.text(email, Field.EMAIL), timestampMs, a.text(nonce, Field.NONCE)) }

/**
 * The widget URL for [email], signed now, in one call: what a page that
 * embeds the widget needs. [name] (the display name, not signed) is left out
 * when null or empty. For extra parameters, sign and call [widgetUrl].
 */
@JvmOverloads
@Throws(UserHashException::class)
fun IdentitySigner.widgetUrl(baseUrl: String, email: String, name: String? = null): String =
    args(3L * (baseUrl.length + email.length + (name?.length ?: 0))) { a ->
        widgetUrl(a.text(baseUrl, Field.BASE_URL), a.text(email, Field.EMAIL), a.text(name ?: "", Field.NAME))
    }

// --- the verifier (SPEC §3) ------------------------------------------------------

/**
 * A [Verifier] for one organization. [secrets]: the current one first, then
 * previous ones still accepted during a rotation. Left out (null), the other
 * arguments are the core's defaults: [toleranceMs] 300 000, a memory
 * [nonceStore] of its own, [maxUrlLen] 65 536 bytes, [maxParams] 1000. A
 * negative number is [UserHashException.Malformed] naming it.
 */
@JvmName("verifier")
@JvmOverloads
@Throws(UserHashException::class)
fun Verifier(
    secrets: List<String>,
    orgId: String,
    toleranceMs: Long? = null,
    nonceStore: NonceStore? = null,
    maxUrlLen: Long? = null,
    maxParams: Long? = null,
): Verifier = withSecrets(secrets) { keys ->
    args(3L * orgId.length) { a -> Verifier(keys, a.text(orgId, Field.ORG_ID), toleranceMs, nonceStore, maxUrlLen, maxParams) }
}

/** Verifies a widget URL (or its query string) now: the [UserHashException] subclass names the first check that failed. */
@Throws(UserHashException::class)
fun Verifier.verifyUrl(url: String): VerifiedIdentity = args(3L * url.length) { a -> verifyUrl(a.text(url, Field.PARAMS)) }

/** Verifies a widget URL as if the time were [nowMs] (Unix ms). */
@Throws(UserHashException::class)
fun Verifier.verifyUrlAt(url: String, nowMs: Long): VerifiedIdentity =
    args(3L * url.length) { a -> verifyUrlAt(a.text(url, Field.PARAMS), nowMs) }

/** The `orgId` a widget URL claims, unverified: to route the request to that organization's [Verifier]. */
@Throws(UserHashException::class)
fun orgIdOf(url: String): String = args(3L * url.length) { a -> orgIdOf(a.text(url, Field.PARAMS)) }

/**
 * A nonce store from a lambda (the generated [NonceStore] is an interface,
 * not a `fun interface`). Whatever [check] throws refuses the
 * request: a [UserHashException] as it is, anything else, `Error`s included,
 * as `StoreUnavailable` naming the class and message.
 */
@JvmSynthetic
fun NonceStore(check: (orgId: String, nonce: String, expiresAtMs: Long) -> Boolean): NonceStore =
    object : NonceStore {
        override fun checkAndInsert(orgId: String, nonce: String, expiresAtMs: Long): Boolean =
            try {
                check(orgId, nonce, expiresAtMs)
            } catch (e: UserHashException) {
                throw e
            } catch (e: Throwable) {
                throw UserHashException.StoreUnavailable("${e.javaClass.name}: ${e.message}")
            }
    }

// --- identity tokens (SPEC §8) ----------------------------------------------------------

/**
 * An HS256 [TokenSigner]: a secret of at least 32 bytes, its own (never the
 * identifier hash's or the signed identity's). Left out (null), the rest
 * are the core's defaults (a lifetime of 300 s, no kid, org, audience or
 * issuer). The generated `hs256` takes the secret as a direct ByteBuffer.
 */
@JvmOverloads
@Throws(UserHashException::class)
fun TokenSigner.Companion.hs256(
    secret: String,
    profile: Profile,
    kid: String? = null,
    org: String? = null,
    audience: String? = null,
    issuer: String? = null,
    lifetimeS: Long? = null,
): TokenSigner = args(3L * secret.length) { a -> hs256(a.text(secret, Field.SECRET), profile, kid, org, audience, issuer, lifetimeS) }

/** An HS256 [TokenSigner] with the secret as bytes, which you can wipe once the signer is made. */
@JvmOverloads
@Throws(UserHashException::class)
fun TokenSigner.Companion.hs256(
    secret: ByteArray,
    profile: Profile,
    kid: String? = null,
    org: String? = null,
    audience: String? = null,
    issuer: String? = null,
    lifetimeS: Long? = null,
): TokenSigner = args(secret.size.toLong()) { a -> hs256(a.bytes(secret), profile, kid, org, audience, issuer, lifetimeS) }

/** An HS256 [TokenKey] for a [TokenVerifier]: the secret (at least 32 bytes) and its `kid` if tokens name one. */
@JvmOverloads
@Throws(UserHashException::class)
fun TokenKey.Companion.hs256(secret: String, kid: String? = null): TokenKey =
    args(3L * secret.length) { a -> hs256(a.text(secret, Field.SECRET), kid) }

/** An HS256 [TokenKey] with the secret as bytes. */
@JvmOverloads
@Throws(UserHashException::class)
fun TokenKey.Companion.hs256(secret: ByteArray, kid: String? = null): TokenKey =
    args(secret.size.toLong()) { a -> hs256(a.bytes(secret), kid) }

/** Verifies an identity token now: the [UserHashException] subclass names the first check that failed. */
@Throws(UserHashException::class)
fun TokenVerifier.verify(token: String): VerifiedToken = args(3L * token.length) { a -> verify(a.text(token, Field.TOKEN)) }

/** Verifies an identity token as if the time were [nowMs] (Unix ms). */
@Throws(UserHashException::class)
fun TokenVerifier.verifyAt(token: String, nowMs: Long): VerifiedToken =
    args(3L * token.length) { a -> verifyAt(a.text(token, Field.TOKEN), nowMs) }

// --- diagnose (SPEC §6) and the bare MAC -------------------------------------------

/**
 * Why [hash] is not the hash of [input] under the first of [secrets] (the one
 * the signer should use; then any others you have). Never shows a secret.
 */
@Throws(UserHashException::class)
fun diagnose(secrets: List<String>, input: SignedInput, hash: String): Diagnosis =
    withSecrets(secrets) { keys -> diagnose(keys, input, hash) }

/** [diagnose] for a widget URL rejected with `Mismatch`: its signed fields, and its own `user_hash` unless [hash] is given. */
@JvmOverloads
@Throws(UserHashException::class)
fun diagnoseUrl(secrets: List<String>, url: String, hash: String? = null): Diagnosis =
    withSecrets(secrets) { keys -> diagnoseUrl(keys, url, hash) }

/** The bare HMAC-SHA256 both schemes are built on, for peer test suites; sign users with [signIdentifier] or [IdentitySigner]. */
fun hmacSha256(key: ByteArray, message: ByteArray): ByteArray =
    args(key.size.toLong() + message.size) { a -> hmacSha256(a.bytes(key), a.bytes(message)) }

/** Whether [tag] is the full 32-byte HMAC-SHA256 of [message] under [key], compared in constant time. */
fun verifyHmacSha256(key: ByteArray, message: ByteArray, tag: ByteArray): Boolean =
    args(key.size.toLong() + message.size + tag.size) { a -> verifyHmacSha256(a.bytes(key), a.bytes(message), a.bytes(tag)) }

// --- text into direct buffers ---------------------------------------------------------

/**
 * One call's arguments in one direct buffer, each a slice of it: text by the
 * JDK's UTF-8 encoder, which reports a String that is not valid UTF-16 (a
 * lone surrogate) instead of writing `?` for it. The encoder writes into a
 * heap buffer, from a char array, where the JDK has its fast path (five to
 * twenty times faster than encoding into the direct buffer itself), and the
 * bytes are copied over; both arrays are zeroed at once. The direct buffer
 * is the thread's, taken out of its slot for the call, so a call made from
 * inside one (a Kotlin [NonceStore] that calls userhash) gets another and
 * never overwrites bytes Rust is reading; it is zeroed after each call, so
 * no secret stays in it. A direct buffer per argument would cost more than
 * the call: BENCHMARKS.md.
 */
internal class Args private constructor(private val buffer: ByteBuffer) {
    private val encoder = StandardCharsets.UTF_8.newEncoder() // malformed input: REPORT, the default
    private var chars = CharArray(256)
    private var encoded = ByteBuffer.allocate(3 * 256)

    /** [value] as UTF-8, or `Malformed` naming [field] (never the value; for a secret, not where in it either). */
    fun text(value: String, field: Field): ByteBuffer {
        val n = value.length
        if (chars.size < n) {
            chars = CharArray(n)
            encoded = ByteBuffer.allocate(3 * n)
        }
        value.toCharArray(chars, 0, 0, n)
        val input = CharBuffer.wrap(chars, 0, n)
        (encoded as Buffer).clear()
        val result = encoder.reset().encode(input, encoded, true)
        val start = buffer.position()
        val written = encoded.position()
        if (!result.isError) buffer.put(encoded.array(), 0, written)
        chars.fill('\u0000', 0, n)
        encoded.array().fill(0, 0, written)
        if (result.isError) {
            throw UserHashException.Malformed(field, if (field == Field.SECRET) secretNotUtf16("secret") else notUtf16(input.position()))
        }
        check(result.isUnderflow) { "the argument buffer was sized too small" }
        return slice(start)
    }

    /** [value] as UTF-8, or null when UTF-8 cannot encode it. */
    fun textOrNull(value: String): ByteBuffer? =
        try {
            text(value, Field.PARAMS)
        } catch (e: UserHashException.Malformed) {
            null
        }

    fun bytes(value: ByteArray): ByteBuffer {
        val start = buffer.position()
        buffer.put(value)
        return slice(start)
    }

    private fun slice(start: Int): ByteBuffer {
        val view = buffer.duplicate()
        // Through Buffer: the covariant ByteBuffer.limit(Int) and position(Int) are Java 9+, not on older Android.
        (view as Buffer).limit(buffer.position())
        (view as Buffer).position(start)
        return view.slice()
    }

    fun release() {
        var used = buffer.position()
        (buffer as Buffer).clear()
        while (used > 0) {
            val n = minOf(used, ZEROS.size)
            buffer.put(ZEROS, 0, n)
            used -= n
        }
        (buffer as Buffer).clear()
        if (buffer.capacity() <= KEEP) slot.set(this)
    }

    companion object {
        private const val KEEP = 64 * 1024
        private val ZEROS = ByteArray(4096)
        private val slot = ThreadLocal<Args?>()

        fun take(bytes: Long): Args {
            val kept = slot.get()
            if (kept != null && kept.buffer.capacity() >= bytes) {
                slot.set(null)
                return kept
            }
            require(bytes < Int.MAX_VALUE) { "arguments too long to pass: $bytes bytes" }
            return Args(ByteBuffer.allocateDirect(maxOf(bytes.toInt(), 1024)))
        }
    }
}

private val NOTHING: ByteBuffer = ByteBuffer.allocateDirect(0)

private inline fun <R> args(bytes: Long, block: (Args) -> R): R {
    val a = Args.take(bytes)
    try {
        return block(a)
    } finally {
        a.release()
    }
}

/** An identifier or hash UTF-8 cannot encode is not what was signed: false, once Rust has checked the secret. */
private inline fun verifyText(a: Args, secret: ByteBuffer, identifier: String, hash: String, verify: (ByteBuffer, ByteBuffer, ByteBuffer) -> Boolean): Boolean {
    val (i, h) = a.textOrNull(identifier) to a.textOrNull(hash)
    if (i != null && h != null) return verify(secret, i, h)
    verify(secret, NOTHING, NOTHING) // throws for a weak secret
    return false
}

/** [secrets] as bytes for the call of [block], each encoded by the JDK, then zeroed. */
private inline fun <R> withSecrets(secrets: List<String>, block: (List<ByteArray>) -> R): R {
    val keys = secrets.mapIndexed { n, secret ->
        val out = try {
            StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(secret))
        } catch (e: CharacterCodingException) {
            throw UserHashException.Malformed(Field.SECRET, secretNotUtf16("secrets[$n]"))
        }
        out.array().copyOf(out.limit()).also { out.array().fill(0) }
    }
    try {
        return block(keys)
    } finally {
        keys.forEach { it.fill(0) }
    }
}

/** Why a secret String was refused: without the secret or where in it the bad character is, and how to pass it instead. */
private fun secretNotUtf16(name: String) =
    "$name is a String with a lone surrogate (not valid UTF-16), which UTF-8 cannot encode; pass the secret as " +
        "a ByteArray (signIdentifier, verifyIdentifier, IdentitySigner and IdentifierSigner take one), or fix " +
        "where the String was made (a surrogate pair cut in two, a \\uD800 escape in JSON)"

/** Why another String argument was refused: where, not what. */
private fun notUtf16(at: Int) =
    "it is a String with a lone surrogate at index $at (not valid UTF-16), which UTF-8 cannot encode; fix where " +
        "the String was made (a surrogate pair cut in two, a \\uD800 escape in JSON)"
