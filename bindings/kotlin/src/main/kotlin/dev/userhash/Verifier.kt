package dev.userhash

import dev.userhash.ffi.Verifier as FfiVerifier

/**
 * Verifies signed widget URLs for one organization (SPEC §3): parse, org,
 * signature under each configured secret, freshness, replay. Share one
 * verifier between threads. [toString] never shows a secret.
 *
 * @param secrets the current secret first, then previous ones still accepted during a rotation
 * @param toleranceMs how far a timestamp may be from now (default 300 000)
 * @param nonceStore a [MemoryNonceStore], a [RedisNonceStore] (several processes) or your own [NonceStore] (default: a memory store of its own)
 * @throws UserHashException.WeakSecret or [UserHashException.Malformed] (`org_id`)
 */
class Verifier @Throws(UserHashException::class) @JvmOverloads constructor(
    secrets: List<String>,
    orgId: String,
    toleranceMs: Long? = null,
    nonceStore: NonceStore? = null,
    maxUrlLen: Long? = null,
    maxParams: Long? = null,
) : AutoCloseable {
    private val inner: FfiVerifier =
        utf8(orgId) { o ->
            rust {
                FfiVerifier(
                    secretBytes(secrets), o, toleranceMs?.toU64("toleranceMs"), nonceStore?.lower(),
                    maxUrlLen?.toU64("maxUrlLen"), maxParams?.toU64("maxParams"),
                )
            }
        }

    /** The organization this verifier accepts. */
    val orgId: String
        get() = inner.orgId()

    /** How far a timestamp may be from the verifier's clock, in ms. */
    val toleranceMs: Long
        get() = inner.toleranceMs().toLong()

    /** The longest URL this verifier reads, in bytes (longer: [UserHashException.TooLarge]). */
    val maxUrlLen: Long
        get() = inner.maxUrlLen().toLong()

    /** The most query parameters this verifier reads. */
    val maxParams: Long
        get() = inner.maxParams().toLong()

    /**
     * Verifies a widget URL (or its query string) now.
     *
     * @throws UserHashException the subclass naming the first check that failed
     */
    @Throws(UserHashException::class)
    fun verifyUrl(url: String): VerifiedIdentity = utf8(url) { u -> rust { inner.verifyUrl(u) } }.lift()

    /** Verifies a widget URL as if the time were [nowMs] (Unix ms). */
    @Throws(UserHashException::class)
    fun verifyUrlAt(url: String, nowMs: Long): VerifiedIdentity =
        utf8(url) { u -> rust { inner.verifyUrlAt(u, nowMs.toU64("nowMs")) } }.lift()

    override fun toString(): String = inner.toString()

    override fun close() = inner.close()
}
