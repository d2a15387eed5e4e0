package dev.userhash

import dev.userhash.ffi.IdentitySigner as FfiSigner

/**
 * Signs identities for one organization (SPEC §1.2): a customer's backend
 * signs its logged-in user. The secret's key state is computed once; keep one
 * signer for the life of the process and share it between threads.
 * [toString] never shows the secret. [close] frees the Rust side at once
 * (otherwise a cleaner does, once the signer is unreachable).
 *
 * @param secret the organization's current secret, at least 16 bytes
 * @throws UserHashException.WeakSecret or [UserHashException.Malformed] (`org_id`)
 */
class IdentitySigner private constructor(private val inner: FfiSigner) : AutoCloseable {
    @Throws(UserHashException::class)
    constructor(secret: String, orgId: String) : this(utf8(secretText(secret), orgId) { s, o -> rust { FfiSigner(s, o) } })

    /** The secret as bytes, which (unlike a String) you can wipe once the signer is made. */
    @Throws(UserHashException::class)
    constructor(secret: ByteArray, orgId: String) : this(
        scratch((secret.size + 2) / 3L + orgId.length) { b ->
            val s = b.put(secret)
            rust { FfiSigner(s, b.put(orgId)) }
        },
    )

    /** The organization this signer signs for. */
    val orgId: String
        get() = inner.orgId()

    /** Signs [email] now, with a fresh random nonce (a UUID v4 from the OS's CSPRNG). */
    @Throws(UserHashException::class)
    fun sign(email: String): SignedIdentity = utf8(email) { e -> rust { inner.sign(e) } }.lift()

    /**
     * Signs [email] at [timestampMs] (Unix milliseconds) with [nonce]: for
     * tests, and for signers with their own clock.
     */
    @Throws(UserHashException::class)
    fun signAt(email: String, timestampMs: Long, nonce: String): SignedIdentity =
        utf8(email, nonce) { e, n -> rust { inner.signAt(e, timestampMs.toU64("timestampMs"), n) } }.lift()

    override fun toString(): String = inner.toString()

    override fun close() = inner.close()
}
