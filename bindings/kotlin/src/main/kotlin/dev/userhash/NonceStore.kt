package dev.userhash

import dev.userhash.ffi.NonceStore as FfiStore
import dev.userhash.ffi.UserHashException as FfiException
import dev.userhash.ffi.memoryNonceStore
import dev.userhash.ffi.redisNonceStore

/**
 * Where a [Verifier] remembers the nonces it accepted (SPEC §3.1). Use a
 * [MemoryNonceStore], or implement this for your own database:
 *
 * [checkAndInsert] returns true when ([orgId], [nonce]) was not seen before
 * and is now recorded until [expiresAtMs] (Unix ms), false when it was seen.
 * It must be atomic: of two callers racing on one pair, exactly one gets
 * true. Throw [UserHashException.StoreUnavailable] (or anything else) when the
 * store cannot answer: the request is then refused, never accepted.
 */
fun interface NonceStore {
    @Throws(UserHashException::class)
    fun checkAndInsert(orgId: String, nonce: String, expiresAtMs: Long): Boolean
}

/**
 * A nonce store written in Rust. A [Verifier] given one passes it to Rust as
 * it is, so each check stays in Rust with the verifier's own clock and never
 * comes back through the JVM. Each store is a subclass that hands its Rust
 * object to this constructor (Rust's factory returns `Arc<dyn NonceStore>`).
 */
abstract class RustNonceStore internal constructor(internal val inner: FfiStore) : NonceStore, AutoCloseable {
    @Throws(UserHashException::class)
    override fun checkAndInsert(orgId: String, nonce: String, expiresAtMs: Long): Boolean =
        rust { inner.checkAndInsert(orgId, nonce, expiresAtMs.toU64("expiresAtMs")) }

    override fun close() {
        (inner as? AutoCloseable)?.close()
    }
}

/**
 * The embedded nonce store (SPEC §3.1): at most [capacity] live nonces
 * (default 100 000); when full of live ones it refuses the request
 * ([UserHashException.StoreFull]) rather than forget one. Safe for
 * concurrent use; one process only.
 */
class MemoryNonceStore @JvmOverloads constructor(private val capacity: Long? = null) :
    RustNonceStore(memoryNonceStore(capacity?.toU64("capacity"))) {
    override fun toString(): String = if (capacity == null) "MemoryNonceStore()" else "MemoryNonceStore(capacity=$capacity)"
}

/**
 * Nonces in Redis (SPEC §3.1), shared by every verifier process that uses the
 * same server and [prefix]: a nonce accepted by one is refused by all. Each
 * check is one `SET <prefix>:<orgId>:<nonce> 1 NX PX <ttl>`, the TTL lasting
 * until the timestamp leaves the verifier's window.
 *
 * [url] is `redis://[[user]:password@]host[:port][/db]` or
 * `redis+unix:///path`. Nothing connects here, so a verifier starts while Redis
 * is down. While Redis cannot answer, every verification is refused with
 * [UserHashException.StoreUnavailable] (its reason names the cause, never the
 * password); it reconnects by itself when Redis is back. It never fails open.
 *
 * @param prefix the key prefix (default `userhash:nonce`)
 * @param connectTimeoutMs the longest wait for a new connection (default 1000)
 * @param commandTimeoutMs the longest wait for Redis to answer a check (default 500)
 * @throws UserHashException.Malformed (field `nonce_store`) for a URL, prefix or timeout that cannot work
 */
class RedisNonceStore @Throws(UserHashException::class) @JvmOverloads constructor(
    url: String,
    private val prefix: String? = null,
    connectTimeoutMs: Long? = null,
    commandTimeoutMs: Long? = null,
) : RustNonceStore(
    rust { redisNonceStore(url, prefix, connectTimeoutMs?.toU64("connectTimeoutMs"), commandTimeoutMs?.toU64("commandTimeoutMs")) },
) {
    // Not the URL: it may carry a password.
    override fun toString(): String = "RedisNonceStore(prefix=${prefix ?: "userhash:nonce"})"
}

/** The store as the generated layer takes it: a Rust store as itself, a Kotlin one behind an adapter. */
internal fun NonceStore.lower(): FfiStore = when (this) {
    is RustNonceStore -> inner
    else -> KotlinStore(this)
}

/**
 * A Kotlin store seen from Rust. Whatever it throws becomes an error Rust
 * refuses the request with (the generated code would let a
 * `java.lang.Error` escape into JNA, which answers false: `Replayed`).
 */
private class KotlinStore(private val store: NonceStore) : FfiStore {
    override fun checkAndInsert(orgId: String, nonce: String, expiresAtMs: ULong): Boolean =
        try {
            store.checkAndInsert(orgId, nonce, expiresAtMs.toLong())
        } catch (e: UserHashException) {
            throw e.lower()
        } catch (e: Throwable) {
            val reason = "${store.javaClass.name} threw ${e.javaClass.name}: ${e.message}"
            throw FfiException.StoreUnavailable(reason, reason)
        }

    override fun toString(): String = "KotlinStore(${store.javaClass.name})"
}
