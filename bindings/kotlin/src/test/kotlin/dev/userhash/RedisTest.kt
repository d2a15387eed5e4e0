package dev.userhash

import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.Socket
import java.nio.file.Files
import java.util.concurrent.CyclicBarrier
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/**
 * A real `redis-server` on a free loopback port, persistence off, in a
 * directory of its own; [close] kills it. Never mocked. `cargo xtask test`
 * installs Debian's redis-server when it is missing; without it these tests
 * fail, saying so, rather than skip.
 */
class RedisServer(private vararg val extra: String) : AutoCloseable {
    val port: Int = ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()).use { it.localPort }
    private val dir: File = Files.createTempDirectory("userhash-redis-kt").toFile()
    private var process: Process? = null

    val url: String get() = "redis://127.0.0.1:$port"

    init {
        start()
    }

    fun start() {
        val command = listOf(
            "redis-server", "--port", "$port", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--daemonize", "no", "--dir", dir.path, "--loglevel", "warning",
        ) + extra
        val p = try {
            ProcessBuilder(command).redirectErrorStream(true).redirectOutput(File(dir, "log")).start()
        } catch (e: java.io.IOException) {
            throw AssertionError("redis-server is not installed: run `cargo xtask test`, which installs it ($e)")
        }
        process = p
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10)
        while (System.nanoTime() < deadline) {
            if (!p.isAlive) {
                val log = File(dir, "log").readText()
                close()
                throw AssertionError("redis-server exited: $log")
            }
            if (runCatching { command("PING") }.getOrNull()?.let { it == "+PONG" || it.startsWith("-NOAUTH") } == true) return
            Thread.sleep(20)
        }
        close() // never left running by a failed start
        throw AssertionError("redis-server did not answer PING on port $port within 10 s")
    }

    /** Kills it, as a crash would; [start] brings it back, empty, on the same port. */
    fun stop() {
        process?.let {
            it.destroyForcibly()
            it.waitFor(10, TimeUnit.SECONDS)
        }
        process = null
    }

    /** One inline command over RESP; the first line of the answer. */
    fun command(vararg words: String): String =
        Socket().use { s ->
            s.connect(InetSocketAddress("127.0.0.1", port), 1000)
            s.soTimeout = 2000
            s.getOutputStream().write((words.joinToString(" ") + "\r\n").toByteArray())
            s.getInputStream().bufferedReader().readLine()
        }

    override fun close() {
        stop()
        dir.deleteRecursively()
    }
}

/** `redisNonceStore` from Kotlin, against a real Redis. */
class RedisTest {
    private val secret = "whsec_kotlin_redis_0123456789abcdef"
    private val org = "org_redis"
    private val signer = IdentitySigner(secret, org)
    private val servers = mutableListOf<RedisServer>()

    private fun server(vararg extra: String) = RedisServer(*extra).also { servers += it }

    @AfterEach
    fun stopServers() = servers.forEach { it.close() }

    private fun url(nonce: String, at: Long = System.currentTimeMillis()) =
        widgetUrl("https://widget.example.com/", signer.signAt("a+b@example.com", at, nonce))

    @Test
    fun `a nonce accepted by one verifier is Replayed on another sharing the Redis`() {
        val redis = server()
        val first = Verifier(listOf(secret), org, nonceStore = redisNonceStore(redis.url))
        val second = Verifier(listOf(secret), org, nonceStore = redisNonceStore(redis.url))
        val u = url("kotlin-shared-0001")
        assertEquals("a+b@example.com", first.verifyUrl(u).email)
        assertThrows(UserHashException.Replayed::class.java) { second.verifyUrl(u) }
        assertThrows(UserHashException.Replayed::class.java) { first.verifyUrl(u) }
    }

    @Test
    fun `the key is the prefix, org and nonce, and lives until the timestamp leaves the window`() {
        val redis = server()
        val verifier = Verifier(listOf(secret), org, toleranceMs = 60_000, nonceStore = redisNonceStore(redis.url, prefix = "kt:nonce"))
        val now = System.currentTimeMillis()
        verifier.verifyUrl(url("kotlin-ttl-0001", now))
        val pttl = redis.command("PTTL", "kt:nonce:$org:kotlin-ttl-0001").removePrefix(":").toLong()
        assertTrue(pttl in 50_000..60_000, "PTTL $pttl ms, expected about 60 000")
        assertEquals(":-2", redis.command("PTTL", "userhash:nonce:$org:kotlin-ttl-0001"), "the default prefix is unused")
    }

    @Test
    fun `sixteen threads racing one nonce through Redis, exactly one accepted`() {
        val redis = server()
        val verifier = Verifier(listOf(secret), org, nonceStore = redisNonceStore(redis.url))
        val pool = Executors.newFixedThreadPool(16)
        try {
            repeat(10) { round ->
                val u = url("kotlin-race-%04d".format(round))
                val barrier = CyclicBarrier(16)
                val results = (1..16).map {
                    pool.submit<Boolean> {
                        barrier.await()
                        try {
                            verifier.verifyUrl(u)
                            true
                        } catch (e: UserHashException.Replayed) {
                            false
                        }
                    }
                }.map { it.get(30, TimeUnit.SECONDS) }
                assertEquals(1, results.count { it }, "round $round")
            }
        } finally {
            pool.shutdownNow()
        }
    }

    @Test
    fun `Redis stopped refuses every verification, then works again with the same verifier`() {
        val redis = server()
        val verifier = Verifier(listOf(secret), org, nonceStore = redisNonceStore(redis.url, commandTimeoutMs = 200))
        verifier.verifyUrl(url("kotlin-before-0001"))
        redis.stop()
        repeat(20) { i ->
            val e = assertThrows(UserHashException.StoreUnavailable::class.java) { verifier.verifyUrl(url("kotlin-down-%04d".format(i))) }
            assertTrue(e.reason.contains("127.0.0.1:${redis.port}"), e.reason)
        }
        redis.start()
        assertEquals(org, verifier.verifyUrl(url("kotlin-after-0001")).orgId)
    }

    @Test
    fun `no message or toString shows the password of the URL`() {
        val password = "kotlin-redis-password-9f3b"
        val redis = server("--requirepass", password)
        val good = redisNonceStore("redis://:$password@127.0.0.1:${redis.port}")
        Verifier(listOf(secret), org, nonceStore = good).verifyUrl(url("kotlin-auth-0001"))
        val wrong = "wrong-password-71c2"
        val bad = redisNonceStore("redis://:$wrong@127.0.0.1:${redis.port}")
        val verifier = Verifier(listOf(secret), org, nonceStore = bad)
        val e = assertThrows(UserHashException.StoreUnavailable::class.java) { verifier.verifyUrl(url("kotlin-auth-0002")) }
        for (text in listOf(e.message!!, e.reason, e.toString(), good.toString(), bad.toString(), verifier.toString())) {
            assertFalse(text.contains(password) || text.contains(wrong), text)
        }
        assertTrue(e.reason.contains("authentication"), e.reason)
    }

    @Test
    fun `a configuration that cannot work is Malformed nonce_store`() {
        for (build in listOf<() -> Any>(
            { redisNonceStore("http://127.0.0.1:6379") },
            { redisNonceStore("redis://127.0.0.1:6379", prefix = "") },
            { redisNonceStore("redis://127.0.0.1:6379", commandTimeoutMs = 0) },
            { redisNonceStore("redis://127.0.0.1:6379", connectTimeoutMs = 0) },
        )) {
            val e = assertThrows(UserHashException.Malformed::class.java) { build() }
            assertEquals(Field.NONCE_STORE, e.field)
            assertEquals("nonce_store", e.field.asStr())
        }
    }
}
