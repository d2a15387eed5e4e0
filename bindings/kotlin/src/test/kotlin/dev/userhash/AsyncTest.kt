package dev.userhash

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.util.concurrent.ConcurrentHashMap

/**
 * The suspend checks, `Verifier.verifyUrlAsync` and `verifyUrlAtAsync`
 * (generated from the uniffi crate's async methods): many coroutines on one
 * URL with exactly one accepted (memory, Kotlin and Redis stores), the
 * rejections as the blocking calls give them, and Redis down.
 */
class AsyncTest {
    private val secret = "whsec_kotlin_async_0123456789abcdef"
    private val org = "org_async"
    private val signer = IdentitySigner(secret, org)
    private val servers = mutableListOf<RedisServer>()

    @AfterEach
    fun stopServers() = servers.forEach { it.close() }

    private fun url(nonce: String, at: Long = System.currentTimeMillis()) =
        widgetUrl("https://widget.example.com/", signer.signAt("a+b@example.com", at, nonce))

    private suspend fun outcome(block: suspend () -> VerifiedIdentity): Any =
        try {
            block()
        } catch (e: UserHashException) {
            e
        }

    /** 64 coroutines on the default dispatcher (threads), each verifying the same URL: exactly one accepted. */
    private fun raceOneUrl(verifier: Verifier, nonce: String) {
        val shared = url(nonce)
        val results = runBlocking(Dispatchers.Default) {
            List(64) { async { outcome { verifier.verifyUrlAsync(shared) } } }.awaitAll()
        }
        val accepted = results.filterIsInstance<VerifiedIdentity>()
        assertEquals(1, accepted.size, "$results")
        assertEquals(nonce, accepted.single().nonce)
        assertEquals(63, results.count { it is UserHashException.Replayed }, "$results")
    }

    @Test
    fun `many coroutines on one URL, exactly one accepted, with the verifier's own store`() {
        raceOneUrl(Verifier(listOf(secret), org), "kt-async-own-0001")
    }

    @Test
    fun `many coroutines on one URL, exactly one accepted, with a memory store`() {
        raceOneUrl(Verifier(listOf(secret), org, nonceStore = memoryNonceStore()), "kt-async-mem-0001")
    }

    @Test
    fun `many coroutines on one URL, exactly one accepted, with a Kotlin store`() {
        val seen = ConcurrentHashMap.newKeySet<String>()
        val store = NonceStore { o, n, _ -> seen.add("$o:$n") }
        raceOneUrl(Verifier(listOf(secret), org, nonceStore = store), "kt-async-kt-0001")
        assertEquals(setOf("$org:kt-async-kt-0001"), seen)
    }

    @Test
    fun `many coroutines on one URL, exactly one accepted, over Redis`() {
        val redis = RedisServer().also { servers += it }
        raceOneUrl(Verifier(listOf(secret), org, nonceStore = redisNonceStore(redis.url)), "kt-async-redis-0001")
        assertEquals(":1", redis.command("EXISTS", "userhash:nonce:$org:kt-async-redis-0001"))
    }

    @Test
    fun `suspend and blocking share one Redis store`() {
        val redis = RedisServer().also { servers += it }
        val verifier = Verifier(listOf(secret), org, nonceStore = redisNonceStore(redis.url))
        val first = url("kt-shared-0001")
        assertEquals("kt-shared-0001", runBlocking { verifier.verifyUrlAsync(first) }.nonce)
        assertThrows(UserHashException.Replayed::class.java) { verifier.verifyUrl(first) }
        val second = url("kt-shared-0002")
        assertEquals("kt-shared-0002", verifier.verifyUrl(second).nonce)
        assertTrue(runBlocking { outcome { verifier.verifyUrlAsync(second) } } is UserHashException.Replayed)
    }

    @Test
    fun `Redis down refuses every suspended verification, then works again`() {
        val redis = RedisServer().also { servers += it }
        val verifier = Verifier(listOf(secret), org, nonceStore = redisNonceStore(redis.url))
        redis.stop()
        val results = runBlocking(Dispatchers.Default) {
            List(20) { i -> async { outcome { verifier.verifyUrlAsync(url("kt-down-nonce-%02d".format(i))) } } }.awaitAll()
        }
        assertTrue(results.all { it is UserHashException.StoreUnavailable }, "$results")
        redis.start()
        assertEquals("kt-down-nonce-00", runBlocking { verifier.verifyUrlAsync(url("kt-down-nonce-00")) }.nonce)
    }

    @Test
    fun `verifyUrlAtAsync rejects as verifyUrlAt does, and records nothing it refuses`() {
        val t0 = 1_712_345_678_901L
        val verifier = Verifier(listOf(secret), org)
        val signed = url("kt-at-async-0001", t0)
        runBlocking {
            val expired = outcome { verifier.verifyUrlAtAsync(signed, t0 + 300_001) }
            assertTrue(expired is UserHashException.Expired && expired.ageMs == 300_001L, "$expired")
            val ahead = outcome { verifier.verifyUrlAtAsync(signed, t0 - 300_001) }
            assertTrue(ahead is UserHashException.FromFuture, "$ahead")
            val tampered = outcome { verifier.verifyUrlAtAsync(signed.replace("a%2Bb", "a%2Bc"), t0) }
            assertTrue(tampered is UserHashException.Mismatch, "$tampered")
            val negative = outcome { verifier.verifyUrlAtAsync(signed, -1) }
            assertTrue(negative is UserHashException.Malformed, "$negative")
            // None of those used the nonce up.
            assertEquals("a+b@example.com", verifier.verifyUrlAtAsync(signed, t0).email)
            assertTrue(outcome { verifier.verifyUrlAtAsync(signed, t0) } is UserHashException.Replayed)
        }
    }

    @Test
    fun `fifty verifications suspended on one thread all complete there`() {
        // runBlocking's event loop is one thread: the fifty are in flight together and each resumes on it.
        val redis = RedisServer().also { servers += it }
        val verifier = Verifier(listOf(secret), org, nonceStore = redisNonceStore(redis.url))
        val urls = List(50) { url("kt-one-thread-%03d".format(it)) }
        val nonces = runBlocking {
            val thread = Thread.currentThread()
            urls.map { u ->
                async {
                    val got = verifier.verifyUrlAsync(u)
                    assertEquals(thread, Thread.currentThread(), "resumed on the caller's dispatcher")
                    got.nonce
                }
            }.awaitAll()
        }
        assertEquals(urls.indices.map { "kt-one-thread-%03d".format(it) }, nonces)
        val again = runBlocking { withContext(Dispatchers.IO) { outcome { verifier.verifyUrlAsync(urls[0]) } } }
        assertTrue(again is UserHashException.Replayed, "$again")
    }
}
