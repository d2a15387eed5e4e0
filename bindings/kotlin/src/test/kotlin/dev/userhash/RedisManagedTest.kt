package dev.userhash

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File
import java.net.InetAddress
import java.net.ServerSocket
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/**
 * What managed Redis asks for (SPEC §3.1), against a real `redis-server`:
 * an ACL user and its password, TLS under a CA made here by the openssl
 * CLI, WAIT for replicas, the settings refused when they would weaken or
 * contradict, the cluster factory, and single-use tokens in Redis.
 */
class RedisManagedTest {
    private val secret = "whsec_kotlin_managed_0123456789abcdef"
    private val org = "org_managed"
    private val password = "kt-acl-pa55word-4b7d9e21"
    private val signer = IdentitySigner(secret, org)
    private val servers = mutableListOf<RedisServer>()
    private val dirs = mutableListOf<File>()

    private fun server(vararg extra: String) = RedisServer(*extra).also { servers += it }

    private fun tempDir() = Files.createTempDirectory("userhash-tls-kt").toFile().also { dirs += it }

    @AfterEach
    fun cleanUp() {
        servers.forEach { it.close() }
        dirs.forEach { it.deleteRecursively() }
    }

    private fun url(nonce: String) = widgetUrl("https://widget.example.com/", signer.signAt("a+b@example.com", System.currentTimeMillis(), nonce))

    private fun refusal(verifier: Verifier, url: String): UserHashException.StoreUnavailable =
        assertThrows(UserHashException.StoreUnavailable::class.java) { verifier.verifyUrl(url) }

    private fun assertNoPassword(vararg shown: Any) {
        for (obj in shown) {
            val text = "$obj ${(obj as? Throwable)?.message}"
            assertFalse(password in text || password.substring(4) in text, text)
        }
    }

    // --- ACL users ---------------------------------------------------------------------------------

    @Test
    fun `an ACL user with the right password is accepted, a wrong one refused`() {
        val redis = server()
        for ((user, rules) in listOf("verifier" to "+set +echo +wait", "reader" to "+get")) {
            assertEquals("+OK", redis.command("ACL", "SETUSER", user, "on", ">$password", "~userhash:nonce:*", *rules.split(" ").toTypedArray()))
        }
        // Off for the default user: only the ACL users get in.
        assertEquals("+OK", redis.command("ACL", "SETUSER", "default", "off"))
        val good = redisNonceStore(redis.url, username = "verifier", password = password)
        val signed = url("kt-acl-0001")
        assertEquals("kt-acl-0001", Verifier(listOf(secret), org, nonceStore = good).verifyUrl(signed).nonce)
        // The same user named in the URL, its password given apart.
        val inUrl = redisNonceStore("redis://verifier@127.0.0.1:${redis.port}", password = password)
        assertThrows(UserHashException.Replayed::class.java) { Verifier(listOf(secret), org, nonceStore = inUrl).verifyUrl(signed) }

        val fresh = url("kt-acl-0002")
        val shown = mutableListOf<Any>(good, inUrl)
        for ((store, says) in listOf(
            redisNonceStore(redis.url, username = "verifier", password = "not-$password") to "authentication",
            redisNonceStore(redis.url, password = password) to "authentication", // the default user, off
            redisNonceStore(redis.url, username = "reader", password = password) to "SET", // may not SET
        )) {
            val e = refusal(Verifier(listOf(secret), org, nonceStore = store), fresh)
            assertTrue(says in e.reason, e.reason)
            shown.addAll(listOf(store, e))
        }
        // None of the refusals recorded it.
        assertEquals("kt-acl-0002", Verifier(listOf(secret), org, nonceStore = good).verifyUrl(fresh).nonce)
        assertNoPassword(*shown.toTypedArray())
    }

    // --- WAIT ----------------------------------------------------------------------------------------

    @Test
    fun `WAIT for a replica that is not there refuses`() {
        val redis = server()
        val alone = redisNonceStore(redis.url, waitReplicas = 1, waitTimeoutMs = 50)
        val e = refusal(Verifier(listOf(secret), org, nonceStore = alone), url("kt-wait-alone-01"))
        assertTrue("WAIT counted 0 of the 1 replicas" in e.reason, e.reason)
    }

    // --- settings --------------------------------------------------------------------------------------

    @Test
    fun `settings that weaken or contradict are Malformed nonce_store`() {
        val local = "redis://127.0.0.1:6379"
        val cases = listOf<Pair<(Boolean) -> NonceStore, String>>(
            { c: Boolean -> store(c, local, waitReplicas = -1) } to "wait_replicas is -1; it must be 0 or more",
            { c: Boolean -> store(c, local, waitReplicas = 1, waitTimeoutMs = -5) } to "wait_timeout_ms is -5; it must be 0 or more",
            { c: Boolean -> store(c, local, waitTimeoutMs = 100) } to "wait_timeout_ms is given without wait_replicas",
            { c: Boolean -> store(c, local, username = "verifier") } to "`verifier` is given without a password",
            { c: Boolean -> store(c, "redis://verifier@127.0.0.1:6379") } to "`verifier` is given without a password",
            { c: Boolean -> store(c, local, caFile = "/etc/hostname", password = password) } to "not rediss://",
            { c: Boolean -> store(c, "rediss://localhost:6380", caFile = "/nonexistent/ca.pem", password = password) } to "cannot be read",
            { c: Boolean -> store(c, "rediss://localhost:6380/#insecure", password = password) } to "#insecure",
            { c: Boolean -> store(c, local, connectTimeoutMs = 0, password = password) } to "connect timeout is 0 ms",
        )
        for ((make, says) in cases) for (cluster in listOf(false, true)) {
            val e = assertThrows(UserHashException.Malformed::class.java) { make(cluster) }
            assertEquals(Field.NONCE_STORE, e.field)
            assertEquals(Field.NONCE_STORE, e.inputField())
            assertTrue(says in e.toString(), "$e")
            assertNoPassword(e)
        }
    }

    private fun store(
        cluster: Boolean,
        url: String,
        connectTimeoutMs: Long? = null,
        username: String? = null,
        password: String? = null,
        caFile: String? = null,
        waitReplicas: Long? = null,
        waitTimeoutMs: Long? = null,
    ): NonceStore =
        if (cluster) {
            redisClusterNonceStore(listOf(url), null, connectTimeoutMs, null, username, password, caFile, waitReplicas, waitTimeoutMs)
        } else {
            redisNonceStore(url, null, connectTimeoutMs, null, username, password, caFile, waitReplicas, waitTimeoutMs)
        }

    @Test
    fun `the cluster factory checks its nodes and connects to none when made`() {
        val e = assertThrows(UserHashException.Malformed::class.java) { redisClusterNonceStore(emptyList()) }
        assertTrue("no Redis Cluster node given" in e.toString(), "$e")
        val made = redisClusterNonceStore(listOf("redis://127.0.0.1:1", "redis://127.0.0.1:2"), prefix = "app:nonce", username = "verifier", password = password)
        assertNoPassword(made)
    }

    // --- single-use tokens ---------------------------------------------------------------------------

    @Test
    fun `a single-use token is accepted once across verifiers sharing Redis`() {
        val redis = server()
        val tokenSecret = "tok_kt_redis_" + "5".repeat(32)
        val token = TokenSigner.hs256(tokenSecret, Profile.USERHASH, org = org).sign(TokenSubject("user-42"))
        val verifiers = List(2) {
            TokenVerifier(listOf(TokenKey.hs256(tokenSecret)), Profile.USERHASH, org = org, singleUse = true, nonceStore = redisNonceStore(redis.url))
        }
        val jti = verifiers[0].verify(token).jti
        for (v in verifiers) assertThrows(UserHashException.Replayed::class.java) { v.verify(token) }
        // Apart from the signed identity's nonces: under `jwt:` and the org.
        assertEquals(":1", redis.command("EXISTS", "userhash:nonce:jwt:$org:$jti"))
    }

    // --- TLS, under a CA the openssl CLI makes here ------------------------------------------------------

    private fun openssl(dir: File, vararg args: String) {
        val p = try {
            ProcessBuilder(listOf("openssl") + args).directory(dir).redirectErrorStream(true).start()
        } catch (e: java.io.IOException) {
            throw AssertionError("openssl is not installed; run `cargo xtask test`, which installs it ($e)")
        }
        val out = p.inputStream.bufferedReader().readText()
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl ${args.joinToString(" ")}: $out")
    }

    private fun makeCa(dir: File, label: String): File {
        dir.mkdirs()
        openssl(
            dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
            "-subj", "/CN=userhash test CA $label", "-keyout", "ca.key", "-out", "ca.pem",
        )
        return dir
    }

    /** A Redis with TLS on a port of its own, its certificate for `localhost` under a new CA; returns it and the CA file. */
    private fun tlsServer(): Triple<RedisServer, Int, File> {
        val ca = makeCa(File(tempDir(), "ca"), "good")
        File(ca, "server.ext").writeText(
            "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
        )
        openssl(
            ca, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=userhash test server",
            "-keyout", "server.key", "-out", "server.csr",
        )
        openssl(
            ca, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1",
            "-extfile", "server.ext", "-out", "server.pem",
        )
        val tlsPort = ServerSocket(0, 1, InetAddress.getLoopbackAddress()).use { it.localPort }
        val redis = server(
            "--tls-port", "$tlsPort", "--tls-cert-file", File(ca, "server.pem").path, "--tls-key-file", File(ca, "server.key").path,
            "--tls-ca-cert-file", File(ca, "ca.pem").path, "--tls-auth-clients", "no",
        )
        return Triple(redis, tlsPort, File(ca, "ca.pem"))
    }

    @Test
    fun `TLS under the user's CA accepts once, blocking and suspended, then Replayed`() {
        val (redis, tlsPort, caFile) = tlsServer()
        val store = redisNonceStore("rediss://localhost:$tlsPort", caFile = caFile.path)
        val verifier = Verifier(listOf(secret), org, nonceStore = store)
        val signed = url("kt-tls-0001")
        assertEquals("kt-tls-0001", verifier.verifyUrl(signed).nonce)
        assertThrows(UserHashException.Replayed::class.java) { verifier.verifyUrl(signed) }
        // Awaited, over the same TLS store.
        val awaited = url("kt-tls-0002")
        assertEquals("kt-tls-0002", runBlocking { verifier.verifyUrlAsync(awaited) }.nonce)
        assertThrows(UserHashException.Replayed::class.java) { runBlocking { verifier.verifyUrlAsync(awaited) } }
        // TLS reached the real server: the keys are in it (seen on its plain port).
        for (n in 1..2) assertEquals(":1", redis.command("EXISTS", "userhash:nonce:$org:kt-tls-000$n"))
    }

    @Test
    fun `TLS refuses another CA or another name, and records nothing`() {
        val (redis, tlsPort, caFile) = tlsServer()
        val otherCa = File(makeCa(File(tempDir(), "other"), "other"), "ca.pem")
        val plain = Verifier(listOf(secret), org, nonceStore = redisNonceStore(redis.url))
        val cases = listOf(
            Triple("rediss://localhost:$tlsPort", otherCa.path, "unknown CA"),
            Triple("rediss://localhost:$tlsPort", null, "unknown CA"), // the system's roots
            Triple("rediss://127.0.0.1:$tlsPort", caFile.path, "name mismatch"), // the certificate names localhost
        )
        for ((i, case) in cases.withIndex()) {
            val (address, ca, says) = case
            val store = redisNonceStore(address, caFile = ca, connectTimeoutMs = 3000)
            val signed = url("kt-tls-refused-$i")
            val e = refusal(Verifier(listOf(secret), org, nonceStore = store), signed)
            assertTrue("TLS" in e.reason && says in e.reason, e.reason)
            assertEquals("kt-tls-refused-$i", plain.verifyUrl(signed).nonce, "never recorded")
        }
    }
}
