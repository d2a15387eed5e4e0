package dev.userhash

import dev.userhash.ffi.UserHashException as Ffi

/**
 * Every way userhash refuses an input or a request: one subclass per
 * rejection of SPEC §1.3 and §3, with its fields. [message] is the Rust
 * core's, and says what to fix. No exception or message ever shows a secret.
 *
 * ```kotlin
 * try {
 *     verifier.verifyUrl(url)
 * } catch (e: UserHashException.Expired) {
 *     // e.ageMs, e.toleranceMs, e.timestampMs
 * } catch (e: UserHashException) {
 *     log.info("${e::class.simpleName}: ${e.message}")
 * }
 * ```
 */
sealed class UserHashException(override val message: String) : Exception(message) {
    /** A secret shorter than 16 bytes; [field] is `secret`. */
    class WeakSecret(val field: String, val len: Long, message: String) : UserHashException(message)

    /** An input breaks a field rule; [field] names it (`email`, `org_id`, ...). */
    class Malformed(val field: String, val reason: String, message: String) : UserHashException(message)

    /** A signed parameter is absent from the URL. */
    class Missing(val field: String, message: String) : UserHashException(message)

    /** A parameter appears more than once. */
    class Duplicate(val field: String, message: String) : UserHashException(message)

    /** The URL is for another organization than the verifier's; [field] is `org_id`. */
    class WrongOrg(val field: String, val expected: String, val actual: String, message: String) :
        UserHashException(message)

    /** No configured secret produces the received `user_hash`. */
    class Mismatch(message: String) : UserHashException(message)

    /** The timestamp is older than the tolerance allows. */
    class Expired(val ageMs: Long, val toleranceMs: Long, val timestampMs: Long, message: String) :
        UserHashException(message)

    /** The timestamp is further in the future than the tolerance allows. */
    class FromFuture(val aheadMs: Long, val toleranceMs: Long, message: String) : UserHashException(message)

    /** The nonce was already used within its window. */
    class Replayed(message: String) : UserHashException(message)

    /** The memory nonce store is full of live nonces. */
    class StoreFull(val capacity: Long, message: String) : UserHashException(message)

    /**
     * The URL is longer, or has more parameters, than the verifier reads before
     * checking the signature; [limit] is `max_url_len` or `max_params`, [max] its value.
     */
    class TooLarge(val limit: String, val max: Long, message: String) : UserHashException(message)

    /**
     * The nonce store could not answer; the request was refused (fail closed).
     * Throw it from your own [NonceStore] when your database is down.
     */
    class StoreUnavailable(val reason: String, message: String) : UserHashException(message) {
        constructor(reason: String) : this(reason, reason)
    }
}

/** The generated exception as the facade's (a type conversion, field for field). */
internal fun Ffi.lift(): UserHashException = when (this) {
    is Ffi.WeakSecret -> UserHashException.WeakSecret(field, len.toLong(), detail)
    is Ffi.Malformed -> UserHashException.Malformed(field, reason, detail)
    is Ffi.Missing -> UserHashException.Missing(field, detail)
    is Ffi.Duplicate -> UserHashException.Duplicate(field, detail)
    is Ffi.WrongOrg -> UserHashException.WrongOrg(field, expected, actual, detail)
    is Ffi.Mismatch -> UserHashException.Mismatch(detail)
    is Ffi.Expired -> UserHashException.Expired(ageMs.toLong(), toleranceMs.toLong(), timestampMs.toLong(), detail)
    is Ffi.FromFuture -> UserHashException.FromFuture(aheadMs.toLong(), toleranceMs.toLong(), detail)
    is Ffi.Replayed -> UserHashException.Replayed(detail)
    is Ffi.StoreFull -> UserHashException.StoreFull(capacity.toLong(), detail)
    is Ffi.StoreUnavailable -> UserHashException.StoreUnavailable(reason, detail)
    is Ffi.TooLarge -> UserHashException.TooLarge(limit, max.toLong(), detail)
}.also { it.stackTrace = stackTrace }

/** The facade's exception as the generated one, for an error a Kotlin [NonceStore] throws back into Rust. */
internal fun UserHashException.lower(): Ffi = when (this) {
    is UserHashException.WeakSecret -> Ffi.WeakSecret(field, len.toULong(), message)
    is UserHashException.Malformed -> Ffi.Malformed(field, reason, message)
    is UserHashException.Missing -> Ffi.Missing(field, message)
    is UserHashException.Duplicate -> Ffi.Duplicate(field, message)
    is UserHashException.WrongOrg -> Ffi.WrongOrg(field, expected, actual, message)
    is UserHashException.Mismatch -> Ffi.Mismatch(message)
    is UserHashException.Expired -> Ffi.Expired(ageMs.toULong(), toleranceMs.toULong(), timestampMs.toULong(), message)
    is UserHashException.FromFuture -> Ffi.FromFuture(aheadMs.toULong(), toleranceMs.toULong(), message)
    is UserHashException.Replayed -> Ffi.Replayed(message)
    is UserHashException.StoreFull -> Ffi.StoreFull(capacity.toULong(), message)
    is UserHashException.StoreUnavailable -> Ffi.StoreUnavailable(reason, message)
    is UserHashException.TooLarge -> Ffi.TooLarge(limit, max.toULong(), message)
}

/** Runs a call into the generated layer, its exceptions turned into the facade's. */
internal inline fun <R> rust(block: () -> R): R =
    try {
        block()
    } catch (e: Ffi) {
        throw e.lift()
    }
