package dev.userhash

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.nio.charset.CharacterCodingException
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CyclicBarrier
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger

/** What the vectors cannot show: exception classes and fields, races, Kotlin stores, secrets, bad input. */
class BehaviourTest {
    private val secret = "whsec_kotlin_behaviour_0123456789"
    private val org = "org_123"
    private val t0 = 1_712_345_678_901L
    private val signer = IdentitySigner(secret, org)

    private fun url(nonce: String = "nonce-0001", email: String = "a+b@example.com", at: Long = t0, by: IdentitySigner = signer) =
        widgetUrl("https://widget.example.com/", by.signAt(email, at, nonce), "Alice", mapOf("theme" to "dark"))

    private inline fun <reified E : UserHashException> rejectedAs(block: () -> Any?): E {
        val e = rejected(E::class.simpleName!!, block)
        assertTrue(e is E, "expected ${E::class.simpleName}, got ${e::class.simpleName}: $e")
        assertTrue(e.toString().isNotBlank())
        assertNoSecret(listOf(secret), e, e.message, e.stackTraceToString())
        return e as E
    }

    // --- each rejection is its own class, with its fields ----------------------

    @Test
    fun `WeakSecret has the length`() {
        val e = rejectedAs<UserHashException.WeakSecret> { signIdentifier("short-secret", "user-42") }
        assertEquals(12L, e.len)
        assertEquals("secret", e.fieldOrNull)
        assertTrue(e.toString().startsWith("the secret is 12 bytes long"), "$e")
        assertNoSecret(listOf("short-secret"), e, e.message)
    }

    @Test
    fun `Malformed has the field and the reason`() {
        val e = rejectedAs<UserHashException.Malformed> { signer.signAt("a|b@example.com", t0, "nonce-0001") }
        assertEquals(Field.EMAIL, e.field)
        assertEquals("email", e.field.asStr())
        assertTrue(e.reason.isNotBlank() && e.reason in e.toString(), "$e")
    }

    @Test
    fun `Missing and Duplicate name the field`() {
        val missing = rejectedAs<UserHashException.Missing> { Verifier(listOf(secret), org).verifyUrlAt(url().replace("&nonce=", "&x="), t0) }
        assertEquals(Field.NONCE, missing.field)
        val duplicate = rejectedAs<UserHashException.Duplicate> { Verifier(listOf(secret), org).verifyUrlAt(url() + "&email=x%40y.z", t0) }
        assertEquals(Field.EMAIL, duplicate.field)
    }

    @Test
    fun `WrongOrg has both orgs`() {
        val e = rejectedAs<UserHashException.WrongOrg> { Verifier(listOf(secret), "org_999").verifyUrlAt(url(), t0) }
        assertEquals(Pair("org_999", org), Pair(e.expected, e.actual))
        assertEquals("org_id", e.fieldOrNull)
    }

    @Test
    fun `Mismatch for a tampered email or another secret`() {
        rejectedAs<UserHashException.Mismatch> { Verifier(listOf(secret), org).verifyUrlAt(url().replace("a%2Bb", "c%2Bd"), t0) }
        rejectedAs<UserHashException.Mismatch> { Verifier(listOf("another-secret-0123456789"), org).verifyUrlAt(url(), t0) }
    }

    @Test
    fun `Expired and FromFuture carry the times`() {
        val verifier = Verifier(listOf(secret), org, toleranceMs = 1_000)
        val expired = rejectedAs<UserHashException.Expired> { verifier.verifyUrlAt(url(), t0 + 1_001) }
        assertEquals(listOf(1_001L, 1_000L, t0), listOf(expired.ageMs, expired.toleranceMs, expired.timestampMs))
        val future = rejectedAs<UserHashException.FromFuture> { verifier.verifyUrlAt(url(), t0 - 1_002) }
        assertEquals(listOf(1_002L, 1_000L), listOf(future.aheadMs, future.toleranceMs))
        val seconds = rejectedAs<UserHashException.Expired> { verifier.verifyUrlAt(url(at = t0 / 1000), t0) }
        assertTrue("seconds" in seconds.toString(), "$seconds")
    }

    @Test
    fun `Replayed the second time, and an expired URL keeps its nonce`() {
        val verifier = Verifier(listOf(secret), org)
        assertEquals("a+b@example.com", verifier.verifyUrlAt(url(), t0).email)
        rejectedAs<UserHashException.Replayed> { verifier.verifyUrlAt(url(), t0) }
    }

    @Test
    fun `StoreFull has the capacity`() {
        val verifier = Verifier(listOf(secret), org, nonceStore = memoryNonceStore(1))
        verifier.verifyUrlAt(url("nonce-0001"), t0)
        val e = rejectedAs<UserHashException.StoreFull> { verifier.verifyUrlAt(url("nonce-0002"), t0) }
        assertEquals(1L, e.capacity)
    }

    @Test
    fun `TooLarge names the limit and refuses before the signature`() {
        val store = memoryNonceStore()
        val verifier = Verifier(listOf(secret), org, nonceStore = store, maxParams = 6)
        val e = rejectedAs<UserHashException.TooLarge> { verifier.verifyUrlAt(url() + "&a=1&b=2", t0) }
        assertEquals(Limit.PARAM_COUNT, e.limit)
        assertEquals("max_params", e.limit.asStr())
        assertEquals(6L, e.max)
        assertTrue("max_params" in e.toString())
        // Refused unread, so its nonce was not consumed: with the same store and
        // the default limits, the URL verifies.
        assertEquals("a+b@example.com", Verifier(listOf(secret), org, nonceStore = store).verifyUrlAt(url() + "&a=1&b=2", t0).email)
    }

    @Test
    fun `every variant is a UserHashException and an Exception`() {
        val all = UserHashException::class.java.declaredClasses
            .filter { UserHashException::class.java.isAssignableFrom(it) }.map { it.simpleName }.toSet()
        assertEquals(
            setOf(
                "WeakSecret", "Malformed", "Missing", "Duplicate", "WrongOrg", "Mismatch", "Expired", "FromFuture", "Replayed",
                "StoreFull", "StoreUnavailable", "TooLarge", "UnknownKey", "AlgorithmRefused", "MissingClaim",
                "WrongAudience", "LifetimeTooLong",
            ),
            all,
        )
        val e: Exception = UserHashException.Replayed()
        assertTrue(e is UserHashException)
    }

    // --- 16 threads racing one nonce: exactly one wins ---------------------------

    /** A Kotlin store over a ConcurrentHashMap, implementing the generated interface: putIfAbsent is the atomic check. */
    private class MapStore : NonceStore {
        val seen = ConcurrentHashMap<Pair<String, String>, Long>()
        val calls = AtomicInteger()

        override fun checkAndInsert(orgId: String, nonce: String, expiresAtMs: Long): Boolean {
            calls.incrementAndGet()
            return seen.putIfAbsent(orgId to nonce, expiresAtMs) == null
        }
    }

    private fun race(makeStore: () -> NonceStore?) {
        val pool = Executors.newFixedThreadPool(16)
        try {
            repeat(20) { round ->
                val verifier = Verifier(listOf(secret), org, nonceStore = makeStore())
                val target = url("race-nonce-$round")
                val barrier = CyclicBarrier(16)
                val outcomes = (1..16).map {
                    pool.submit<String> {
                        barrier.await(10, TimeUnit.SECONDS)
                        try {
                            verifier.verifyUrlAt(target, t0)
                            "ok"
                        } catch (e: UserHashException) {
                            e::class.simpleName!!
                        }
                    }
                }.map { it.get(30, TimeUnit.SECONDS) }
                assertEquals(1, outcomes.count { it == "ok" }, "round $round: $outcomes")
                assertEquals(15, outcomes.count { it == "Replayed" }, "round $round: $outcomes")
            }
        } finally {
            pool.shutdownNow()
        }
    }

    @Test
    fun `16 threads race one nonce on the default store`() = race { null }

    @Test
    fun `16 threads race one nonce on a memory store`() = race { memoryNonceStore() }

    @Test
    fun `16 threads race one nonce on a Kotlin store`() = race { MapStore() }

    // --- a NonceStore written in Kotlin -------------------------------------------

    @Test
    fun `a Kotlin store is called with the org, the nonce and the expiry`() {
        val store = MapStore()
        val verifier = Verifier(listOf(secret), org, toleranceMs = 60_000, nonceStore = store)
        verifier.verifyUrlAt(url("nonce-kotlin"), t0 + 5)
        assertEquals(mapOf((org to "nonce-kotlin") to t0 + 60_000), store.seen.toMap())
        rejectedAs<UserHashException.Replayed> { verifier.verifyUrlAt(url("nonce-kotlin"), t0 + 6) }
        // Mismatches and expired URLs never reach the store.
        rejectedAs<UserHashException.Mismatch> { verifier.verifyUrlAt(url("nonce-other").replace("a%2Bb", "x"), t0) }
        rejectedAs<UserHashException.Expired> { verifier.verifyUrlAt(url("nonce-late"), t0 + 60_001) }
        assertEquals(2, store.calls.get())
    }

    @Test
    fun `a lambda is a store`() {
        val verifier = Verifier(listOf(secret), org, nonceStore = NonceStore { _, nonce, _ -> nonce != "nonce-used" })
        verifier.verifyUrlAt(url("nonce-fresh"), t0)
        rejectedAs<UserHashException.Replayed> { verifier.verifyUrlAt(url("nonce-used"), t0) }
    }

    /** A store class that throws [fail]'s exception: the generated interface, implemented directly. */
    private class Throwing(private val fail: () -> Nothing) : NonceStore {
        override fun checkAndInsert(orgId: String, nonce: String, expiresAtMs: Long): Boolean = fail()
    }

    @Test
    fun `a Kotlin store that throws refuses the request with StoreUnavailable`() {
        val throwing = listOf<Pair<String, () -> Nothing>>(
            "RuntimeException" to { throw IllegalStateException("database is down") },
            "StoreUnavailable" to { throw UserHashException.StoreUnavailable("pool exhausted") },
            "another variant" to { throw UserHashException.Mismatch() },
        )
        for ((label, fail) in throwing) {
            for (store in listOf(NonceStore { _, _, _ -> fail() }, Throwing(fail))) {
                val verifier = Verifier(listOf(secret), org, nonceStore = store)
                val e = rejectedAs<UserHashException.StoreUnavailable> { verifier.verifyUrlAt(url(), t0) }
                assertTrue(e.reason.isNotBlank(), label)
            }
        }
        // An Error (a bug in the store) through the lambda store: refused the same way.
        val bug = Verifier(listOf(secret), org, nonceStore = NonceStore { _, _, _ -> throw AssertionError("a bug in the store") })
        assertTrue("a bug in the store" in rejectedAs<UserHashException.StoreUnavailable> { bug.verifyUrlAt(url(), t0) }.reason)
        for (store in listOf(NonceStore { _, _, _ -> throw IllegalStateException("database is down") }, Throwing { throw IllegalStateException("database is down") })) {
            val db = Verifier(listOf(secret), org, nonceStore = store)
            val e = rejectedAs<UserHashException.StoreUnavailable> { db.verifyUrlAt(url(), t0) }
            assertTrue("database is down" in e.reason, e.reason)
            assertTrue("IllegalStateException" in e.reason, e.reason)
        }
    }

    @Test
    fun `an Error thrown by a store class is never an acceptance`() {
        // The generated callback catches Exceptions only: an Error escapes into
        // JNA, which logs it and answers nothing, and Rust reads the unset
        // answer as "seen": Replayed, not StoreUnavailable (README: Nonce
        // stores). Refused either way, never accepted.
        val verifier = Verifier(listOf(secret), org, nonceStore = Throwing { throw AssertionError("a bug in the store") })
        val e = rejected("Error") { verifier.verifyUrlAt(url(), t0) }
        assertTrue(e is UserHashException.Replayed || e is UserHashException.StoreUnavailable, "$e")
    }

    @Test
    fun `a Kotlin store may report StoreFull`() {
        val verifier = Verifier(listOf(secret), org, nonceStore = NonceStore { _, _, _ -> throw UserHashException.StoreFull(7) })
        assertEquals(7L, rejectedAs<UserHashException.StoreFull> { verifier.verifyUrlAt(url(), t0) }.capacity)
    }

    @Test
    fun `a Kotlin store may call userhash while the verifier waits on it`() {
        // The URL's bytes are borrowed by Rust during the call; the nested call must not overwrite them.
        val inner = AtomicInteger()
        val store = NonceStore { _, nonce, _ ->
            signIdentifier("x".repeat(16) + "another secret", "y".repeat(500) + nonce)
            orgIdOf(url("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "z".repeat(200) + "@example.com"))
            inner.incrementAndGet()
            true
        }
        val got = Verifier(listOf(secret), org, nonceStore = store).verifyUrlAt(url("nonce-nested"), t0)
        assertEquals(listOf("a+b@example.com", "nonce-nested", "Alice"), listOf(got.email, got.nonce, got.name))
        assertEquals(1, inner.get())
    }

    @Test
    fun `a memory store can be checked directly`() {
        val store = memoryNonceStore(10)
        val future = System.currentTimeMillis() + 60_000
        assertTrue(store.checkAndInsert(org, "nonce-direct", future))
        assertFalse(store.checkAndInsert(org, "nonce-direct", future))
        assertTrue(store.checkAndInsert("org_other", "nonce-direct", future))
        (store as AutoCloseable).close()
    }

    // --- toString never shows a secret ----------------------------------------

    @Test
    fun `no object, record or exception shows a secret`() {
        val store = memoryNonceStore()
        val verifier = Verifier(listOf(secret, "previous-secret-0123456789"), org, nonceStore = store)
        val signed = signer.signAt("a+b@example.com", t0, "nonce-0001")
        val verified = verifier.verifyUrlAt(url(), t0)
        val diagnosis = diagnose(listOf(secret), SignedInput(identifier = "a+b@example.com"), signed.userHash)
        val identifierSigner = IdentifierSigner(secret)
        val errors = listOf(
            rejected("weak") { IdentitySigner("weak-secret-15b", org) },
            rejected("weak verifier") { Verifier(listOf(secret, "weak-secret-15b"), org) },
            rejected("mismatch") { Verifier(listOf("other-secret-0123456789"), org).verifyUrlAt(url(), t0) },
        )
        val shown = listOf(signer, identifierSigner, verifier, store, signed, verified, diagnosis) + errors + errors.map { it.message } +
            errors.map { it.stackTraceToString() }
        assertNoSecret(listOf(secret, "previous-secret-0123456789", "weak-secret-15b"), *shown.toTypedArray())
        assertTrue(signer.toString().contains("IdentitySigner"), signer.toString())
        assertTrue(identifierSigner.toString().contains("IdentifierSigner"), identifierSigner.toString())
        assertTrue(verifier.toString().contains("Verifier"), verifier.toString())
        assertTrue(store.toString().contains("NonceStore"), store.toString())
    }

    // --- bad input: typed exceptions, never a crash ----------------------------

    @Test
    fun `empty strings`() {
        assertEquals(0L, rejectedAs<UserHashException.WeakSecret> { signIdentifier("", "user-42") }.len)
        assertEquals(Field.IDENTIFIER, rejectedAs<UserHashException.Malformed> { signIdentifier(secret, "") }.field)
        assertFalse(verifyIdentifier(secret, "", ""))
        rejectedAs<UserHashException.WeakSecret> { verifyIdentifier("", "", "") }
        rejectedAs<UserHashException.WeakSecret> { IdentitySigner("", "") }
        rejectedAs<UserHashException.WeakSecret> { IdentifierSigner("") }
        assertEquals(Field.ORG_ID, rejectedAs<UserHashException.Malformed> { IdentitySigner(secret, "") }.field)
        assertEquals(Field.EMAIL, rejectedAs<UserHashException.Malformed> { signer.sign("") }.field)
        assertEquals(Field.NONCE, rejectedAs<UserHashException.Malformed> { signer.signAt("a@b.c", t0, "") }.field)
        assertEquals(Field.EMAIL, rejectedAs<UserHashException.Malformed> { signer.widgetUrl("https://w.example/", "") }.field)
        assertEquals(Field.BASE_URL, rejectedAs<UserHashException.Malformed> { signer.widgetUrl("", "a@b.c") }.field)
        assertEquals(Field.SECRET, rejectedAs<UserHashException.Malformed> { Verifier(emptyList<String>(), org) }.field)
        rejectedAs<UserHashException.WeakSecret> { Verifier(listOf(""), org) }
        assertEquals(Field.ORG_ID, rejectedAs<UserHashException.Malformed> { Verifier(listOf(secret), "") }.field)
        rejectedAs<UserHashException.Missing> { Verifier(listOf(secret), org).verifyUrl("") }
        rejectedAs<UserHashException.Missing> { orgIdOf("") }
        assertEquals(Field.BASE_URL, rejectedAs<UserHashException.Malformed> { widgetUrl("", signer.sign("a@b.c")) }.field)
        rejectedAs<UserHashException> { diagnose(emptyList<String>(), SignedInput(identifier = ""), "") }
        assertEquals(32, hmacSha256(ByteArray(0), ByteArray(0)).size)
        assertFalse(verifyHmacSha256(ByteArray(0), ByteArray(0), ByteArray(0)))
    }

    @Test
    fun `a 1 MiB identifier, email and URL`() {
        val mib = "x".repeat(1 shl 20)
        assertEquals(Field.IDENTIFIER, rejectedAs<UserHashException.Malformed> { signIdentifier(secret, mib) }.field)
        assertFalse(verifyIdentifier(secret, mib, "0".repeat(64)))
        assertEquals(Field.EMAIL, rejectedAs<UserHashException.Malformed> { signer.signAt(mib, t0, "nonce-0001") }.field)
        // Extra params have no length rule: a 1 MiB one comes back whole.
        // Past the default max_url_len it is refused unread; with the limit raised it verifies.
        val e = rejectedAs<UserHashException.TooLarge> { Verifier(listOf(secret), org).verifyUrlAt(url() + "&big=" + mib, t0) }
        assertEquals(Limit.URL_LENGTH, e.limit)
        val roomy = Verifier(listOf(secret), org, maxUrlLen = 2L * mib.length)
        assertEquals(mib, roomy.verifyUrlAt(url() + "&big=" + mib, t0).params["big"])
        rejectedAs<UserHashException> { orgIdOf("orgId=$mib") }
        // The longest identifier is still signed, and a 1 MiB multi-byte one refused.
        assertEquals(64, signIdentifier(secret, "y".repeat(4096)).length)
        rejectedAs<UserHashException.Malformed> { signIdentifier(secret, "é".repeat(1 shl 19)) }
    }

    @Test
    fun `text that is not valid UTF-16 is Malformed, never signed as a question mark`() {
        val lone = "user-\uD800-42"
        val e = rejectedAs<UserHashException.Malformed> { signIdentifier(secret, lone) }
        assertEquals(Field.IDENTIFIER, e.field)
        assertTrue("UTF-8" in e.reason && "index 5" in e.reason, e.reason)
        assertFalse(lone in e.toString() || lone in e.reason, "the value is not repeated")
        assertFalse(verifyIdentifier(secret, lone, signIdentifier(secret, "user-?-42")))
        assertFalse(IdentifierSigner(secret).verify(lone, signIdentifier(secret, "user-?-42")))
        assertEquals(Field.IDENTIFIER, rejectedAs<UserHashException.Malformed> { IdentifierSigner(secret).sign(lone) }.field)
        assertEquals(Field.EMAIL, rejectedAs<UserHashException.Malformed> { signer.sign("a\uDC00@example.com") }.field)
        assertEquals(Field.EMAIL, rejectedAs<UserHashException.Malformed> { signer.signAt("a\uDC00@example.com", t0, "nonce-0001") }.field)
        assertEquals(Field.NONCE, rejectedAs<UserHashException.Malformed> { signer.signAt("a@example.com", t0, "nonce-\uD800") }.field)
        assertEquals(Field.NAME, rejectedAs<UserHashException.Malformed> { signer.widgetUrl("https://w.example/", "a@example.com", "Al\uD800") }.field)
        assertEquals(Field.ORG_ID, rejectedAs<UserHashException.Malformed> { IdentitySigner(secret, "org_\uD800") }.field)
        assertEquals(Field.PARAMS, rejectedAs<UserHashException.Malformed> { Verifier(listOf(secret), org).verifyUrlAt(url() + "&x=\uD800", t0) }.field)
        assertEquals(Field.PARAMS, rejectedAs<UserHashException.Malformed> { orgIdOf("orgId=org_\uDFFF") }.field)
        // Strings the generated code lowers itself (uniffi's own encoder also reports, never replaces).
        assertThrows(CharacterCodingException::class.java) { widgetUrl("https://w.example/?a=\uD800", signer.sign("a@b.c")) }
        assertThrows(CharacterCodingException::class.java) { signIdentifiers(secret, listOf("ok", "user-\uD800")) }
        // A well-formed pair outside the BMP is ordinary text.
        assertEquals(signIdentifier(secret.toByteArray(), "\uD83D\uDE00"), signIdentifier(secret, "😀"))
    }

    @Test
    fun `a secret that is not valid UTF-16 is Malformed at every entry point, never signed and never shown`() {
        // A secret is any bytes to Rust: it is refused by the JDK's encoder
        // here, before anything is signed, and without a part of it shown.
        val bad = "Zq9Vx7Kj\uD8002Wp4Rt8Yh6Ld3Nc5"
        val good = "0".repeat(64)
        val entryPoints = listOf<Pair<String, () -> Any?>>(
            "signIdentifier" to { signIdentifier(bad, "user-42") },
            "verifyIdentifier" to { verifyIdentifier(bad, "user-42", good) },
            "signIdentifiers" to { signIdentifiers(bad, listOf("user-42")) },
            "verifyIdentifiers" to { verifyIdentifiers(bad, listOf(IdentifierHash("user-42", good))) },
            "IdentifierSigner" to { IdentifierSigner(bad) },
            "IdentitySigner" to { IdentitySigner(bad, org) },
            "Verifier, current secret" to { Verifier(listOf(bad), org) },
            "Verifier, previous secret" to { Verifier(listOf(secret, bad), org) },
            "diagnose" to { diagnose(listOf(bad), SignedInput(identifier = "user-42"), good) },
            "diagnoseUrl" to { diagnoseUrl(listOf(secret, bad), url()) },
        )
        for ((label, call) in entryPoints) {
            val e = rejected(label, call)
            assertTrue(e is UserHashException.Malformed, "$label: ${e::class.simpleName}")
            e as UserHashException.Malformed
            assertEquals(Field.SECRET, e.field, label)
            assertTrue("UTF-16" in e.reason && "ByteArray" in e.reason, "$label: ${e.reason}")
            assertEquals(null, e.cause, label)
            val shown = listOf(e.message!!, e.reason, e.toString(), e.stackTraceToString()) +
                e.suppressed.map { it.stackTraceToString() }
            for (i in 0..bad.length - 4) {
                val part = bad.substring(i, i + 4)
                assertFalse(shown.any { part in it }, "$label shows '$part' of the secret: $shown")
            }
        }
        // A well-formed pair outside the BMP is an ordinary secret.
        val emoji = "whsec_\uD83D\uDE00_0123456789abcdef"
        assertEquals(signIdentifier(emoji.toByteArray(), "user-42"), signIdentifier(emoji, "user-42"))
    }

    @Test
    fun `invalid values`() {
        assertEquals(Field.EMAIL, rejectedAs<UserHashException.Malformed> { signer.sign(" a@b.c") }.field)
        assertEquals(Field.NONCE, rejectedAs<UserHashException.Malformed> { signer.signAt("a@b.c", t0, "bad nonce!") }.field)
        assertEquals(Field.TIMESTAMP, rejectedAs<UserHashException.Malformed> { signer.signAt("a@b.c", Long.MAX_VALUE, "nonce-0001") }.field)
        assertEquals(Field.ORG_ID, rejectedAs<UserHashException.Malformed> { IdentitySigner(secret, "org 1") }.field)
        assertEquals(Field.PARAMS, rejectedAs<UserHashException.Malformed> { widgetUrl("https://w.example/", signer.sign("a@b.c"), null, mapOf("email" to "x")) }.field)
        rejectedAs<UserHashException.Malformed> { Verifier(listOf(secret), org).verifyUrlAt("orgId=org_123&email=%FF", t0) }
    }

    @Test
    fun `a negative Long is Malformed naming the field, from Rust`() {
        val negative = listOf<Triple<Field, String, () -> Any?>>(
            Triple(Field.TOLERANCE_MS, "tolerance_ms", { Verifier(listOf(secret), org, toleranceMs = -1) }),
            Triple(Field.MAX_URL_LEN, "max_url_len", { Verifier(listOf(secret), org, maxUrlLen = -1) }),
            Triple(Field.MAX_PARAMS, "max_params", { Verifier(listOf(secret), org, maxParams = -1) }),
            Triple(Field.TIMESTAMP, "now_ms", { Verifier(listOf(secret), org).verifyUrlAt(url(), -1) }),
            Triple(Field.TIMESTAMP, "timestamp_ms", { signer.signAt("a@b.c", -1, "nonce-0001") }),
            Triple(Field.TIMESTAMP, "timestamp_ms", { widgetUrl("https://w.example/", signer.sign("a@b.c").copy(timestampMs = -1)) }),
            Triple(Field.NONCE_STORE, "capacity", { memoryNonceStore(-1) }),
            Triple(Field.NONCE_STORE, "connect_timeout_ms", { redisNonceStore("redis://127.0.0.1:6379", connectTimeoutMs = -1) }),
            Triple(Field.NONCE_STORE, "command_timeout_ms", { redisNonceStore("redis://127.0.0.1:6379", commandTimeoutMs = -1) }),
            Triple(Field.TIMESTAMP, "expires_at_ms", { memoryNonceStore().checkAndInsert(org, "nonce-0001", -1) }),
        )
        for ((field, name, call) in negative) {
            val e = rejectedAs<UserHashException.Malformed> { call() }
            assertEquals(field, e.field, name)
            // Rust's range check says which argument and what it must be.
            assertEquals("$name is -1; it must be 0 or more", e.reason, name)
        }
        // Long.MIN_VALUE is refused the same way; 0 is a value.
        assertEquals(Field.TOLERANCE_MS, rejectedAs<UserHashException.Malformed> { Verifier(listOf(secret), org, toleranceMs = Long.MIN_VALUE) }.field)
        assertEquals(0L, Verifier(listOf(secret), org, toleranceMs = 0).toleranceMs())
    }

    @Test
    fun `a closed object says so`() {
        val verifier = Verifier(listOf(secret), org)
        verifier.close()
        assertThrows(IllegalStateException::class.java) { verifier.verifyUrlAt(url(), t0) }
        IdentitySigner(secret, org).use { assertEquals(org, it.orgId()) }
    }

    @Test
    fun `sign now gives a fresh UUID v4 nonce and the current time`() {
        val before = System.currentTimeMillis()
        val a = signer.sign("a@b.c")
        val b = signer.sign("a@b.c")
        assertTrue(a.nonce != b.nonce)
        assertTrue(Regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}").matches(a.nonce), a.nonce)
        assertTrue(a.timestampMs in before..System.currentTimeMillis())
        assertEquals("a@b.c", Verifier(listOf(secret), org).verifyUrl(widgetUrl("https://w.example/", a)).email)
    }

    @Test
    fun `key rotation reports which secret matched`() {
        val old = IdentitySigner("previous-secret-0123456789", org)
        val verifier = Verifier(listOf(secret, "previous-secret-0123456789"), org)
        assertEquals(0L, verifier.verifyUrlAt(url("nonce-new"), t0).keyIndex)
        assertEquals(1L, verifier.verifyUrlAt(url("nonce-old", by = old), t0).keyIndex)
    }

    @Test
    fun `batches - empty, a bad identifier fails the batch, a weak secret is an error`() {
        assertEquals(emptyList<String>(), signIdentifiers(secret, emptyList()))
        assertEquals(emptyList<Boolean>(), verifyIdentifiers(secret, emptyList()))
        val hashes = signIdentifiers(secret, listOf("a", "b"))
        assertEquals(listOf(signIdentifier(secret, "a"), signIdentifier(secret, "b")), hashes)
        val pairs = listOf(IdentifierHash("a", hashes[0]), IdentifierHash("b", hashes[0]), IdentifierHash("", ""))
        assertEquals(listOf(true, false, false), verifyIdentifiers(secret, pairs))
        assertEquals(Field.IDENTIFIER, rejectedAs<UserHashException.Malformed> { signIdentifiers(secret, listOf("a", "")) }.field)
        rejectedAs<UserHashException.WeakSecret> { signIdentifiers("weak", listOf("a")) }
        rejectedAs<UserHashException.WeakSecret> { verifyIdentifiers("weak", emptyList()) }
    }

    @Test
    fun `version is the crate's`() {
        assertTrue(Regex("""\d+\.\d+\.\d+.*""").matches(version()), version())
    }
}
