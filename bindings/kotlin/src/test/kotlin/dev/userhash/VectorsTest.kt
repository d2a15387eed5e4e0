package dev.userhash

import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import java.net.URLDecoder
import java.util.concurrent.ConcurrentHashMap

/** Every vector of tests/vectors/ through the Kotlin package, one JUnit test per case. */
class VectorsTest {
    private val identifier = Vectors.load("identifier.json")
    private val identity = Vectors.load("identity.json")
    private val widget = Vectors.load("widget_url.json")
    private val verify = Vectors.load("verify.json")
    private val diagnose = Vectors.load("diagnose.json")
    private val rfc4231 = Vectors.load("rfc4231_hmac_sha256.json")
    private val wycheproof = Vectors.load("wycheproof_hmac_sha256_test.json")

    private fun cases(root: JSONObject, key: String, label: String = "name", test: (JSONObject) -> Unit): List<DynamicTest> =
        root.getJSONArray(key).objects().map { case -> dynamicTest(case.get(label).toString()) { test(case) } }

    private fun signCase(case: JSONObject): SignedIdentity =
        IdentitySigner(case.getString("secret"), case.getString("org_id"))
            .signAt(case.getString("email"), case.getString("timestamp").toLong(), case.getString("nonce"))

    // --- identifier.json ----------------------------------------------------

    @Test
    fun `known answer of SPEC 1_1`() {
        assertEquals(
            "959217e5001533694e1f8ac122e7c24eef04409d31f9e9b5227cf2165b6e6d82",
            signIdentifier("<widget-hmac-token>", "<identifier>"),
        )
    }

    @TestFactory
    fun `identifier sign`() = cases(identifier, "sign") { case ->
        val (secret, id) = case.getString("secret") to case.getString("identifier")
        val got = signIdentifier(secret, id)
        assertEquals(case.getString("hash"), got)
        assertTrue(verifyIdentifier(secret, id, got))
        assertEquals(got, signIdentifier(secret.toByteArray(), id), "the secret as bytes")
        assertTrue(verifyIdentifier(secret.toByteArray(), id, got))
        IdentifierSigner(secret).use { signer ->
            assertEquals(got, signer.sign(id), "IdentifierSigner")
            assertTrue(signer.verify(id, got))
        }
        assertEquals(got, IdentifierSigner(secret.toByteArray()).sign(id), "IdentifierSigner, the secret as bytes")
    }

    @Test
    fun `identifier sign and verify, batched`() {
        val sign = identifier.getJSONArray("sign").objects()
        for ((secret, cases) in sign.groupBy { it.getString("secret") }) {
            val ids = cases.map { it.getString("identifier") }
            assertEquals(cases.map { it.getString("hash") }, signIdentifiers(secret, ids))
            assertEquals(cases.map { it.getString("hash") }, signIdentifiers(secret.toByteArray(), ids))
        }
        val verify = identifier.getJSONArray("verify").objects()
        for ((secret, cases) in verify.groupBy { it.getString("secret") }) {
            val pairs = cases.map { IdentifierHash(it.getString("identifier"), it.getString("hash")) }
            assertEquals(cases.map { it.getBoolean("valid") }, verifyIdentifiers(secret, pairs))
            assertEquals(cases.map { it.getBoolean("valid") }, verifyIdentifiers(secret.toByteArray(), pairs))
        }
    }

    @TestFactory
    fun `identifier verify`() = cases(identifier, "verify") { case ->
        val (secret, id, hash) = listOf("secret", "identifier", "hash").map { case.getString(it) }
        assertEquals(case.getBoolean("valid"), verifyIdentifier(secret, id, hash))
        assertEquals(case.getBoolean("valid"), IdentifierSigner(secret).verify(id, hash), "IdentifierSigner")
    }

    @TestFactory
    fun `identifier errors`() = cases(identifier, "errors") { case ->
        val e = rejected(case.getString("name")) {
            if (case.getString("operation") == "sign") {
                signIdentifier(case.getString("secret"), case.getString("identifier"))
            } else {
                verifyIdentifier(case.getString("secret"), case.getString("identifier"), case.getString("hash"))
            }
        }
        assertVariant(case, e)
        assertNoSecret(listOf(case.getString("secret")), e, e.message)
        // The same through IdentifierSigner: the secret refused when it is made, the identifier when signed.
        val again = rejected(case.getString("name") + ", IdentifierSigner") {
            val signer = IdentifierSigner(case.getString("secret"))
            if (case.getString("operation") == "sign") signer.sign(case.getString("identifier")) else signer
        }
        assertVariant(case, again)
    }

    // --- identity.json ------------------------------------------------------

    @TestFactory
    fun `identity sign`() = cases(identity, "sign") { case ->
        val got = signCase(case)
        assertEquals(case.getString("user_hash"), got.userHash)
        assertEquals(case.getString("message"), listOf(got.email, got.timestampMs.toString(), got.orgId, got.nonce).joinToString("|"))
        assertEquals(case.getString("timestamp"), got.timestampMs.toString())
    }

    @TestFactory
    fun `identity errors`() = cases(identity, "errors") { case ->
        val e = rejected(case.getString("name")) { signCase(case) }
        assertVariant(case, e)
        assertNoSecret(listOf(case.getString("secret")), e, e.message)
    }

    // --- widget_url.json ----------------------------------------------------

    private fun params(case: JSONObject): List<Pair<String, String>> =
        case.getJSONArray("params").map { p -> (p as org.json.JSONArray).let { it.getString(0) to it.getString(1) } }

    private fun baseQuery(baseUrl: String): Map<String, String> {
        val query = baseUrl.substringAfter('?', "").substringBefore('#')
        if (query.isEmpty()) return emptyMap()
        // Like a form decoder: empty pairs (`a=1&&b=2`, a trailing `&`) are no parameter.
        return query.split('&').filter { it.isNotEmpty() }.associate { kv ->
            val (k, v) = (kv.split('=', limit = 2) + "").take(2)
            URLDecoder.decode(k, Charsets.UTF_8) to URLDecoder.decode(v, Charsets.UTF_8)
        }
    }

    @TestFactory
    fun `widget url`() = cases(widget, "cases") { case ->
        val signed = signCase(case)
        assertEquals(case.getString("user_hash"), signed.userHash)
        val extra = params(case).toMap()
        val url = widgetUrl(case.getString("base_url"), signed, case.stringOrNull("display_name"), extra)
        assertEquals(case.getString("url"), url)
        // What widgetUrl makes, the verifier accepts, with the same fields back.
        val got = Verifier(listOf(case.getString("secret")), case.getString("org_id"))
            .verifyUrlAt(url, case.getString("timestamp").toLong())
        assertEquals(case.getString("email"), got.email)
        assertEquals(case.stringOrNull("display_name"), got.name)
        assertEquals(extra + baseQuery(case.getString("base_url")), got.params)
    }

    @Test
    fun `only the repeated key vector does not apply to a map`() {
        val repeated = widget.getJSONArray("errors").objects().filter { c -> params(c).map { it.first }.toSet().size < params(c).size }
        assertEquals(listOf("the same extra param twice"), repeated.map { it.getString("name") })
    }

    @TestFactory
    fun `widget url errors`() = widget.getJSONArray("errors").objects()
        .filter { c -> params(c).map { it.first }.toSet().size == params(c).size }
        .map { case ->
            dynamicTest(case.getString("name")) {
                val signed = signCase(case)
                val e = rejected(case.getString("name")) {
                    widgetUrl(case.getString("base_url"), signed, case.stringOrNull("display_name"), params(case).toMap())
                }
                assertVariant(case, e)
            }
        }

    // --- verify.json --------------------------------------------------------

    /** A store that is always down: the verifier must fail closed. */
    private class FailingStore : NonceStore {
        override fun checkAndInsert(orgId: String, nonce: String, expiresAtMs: Long): Boolean =
            throw UserHashException.StoreUnavailable("test store is down")
    }

    private fun verifierFor(case: JSONObject): Verifier {
        val store = case.optJSONObject("store")
        val nonceStore: NonceStore? = when (store?.getString("kind")) {
            null -> null
            "memory" -> memoryNonceStore(store.getLong("capacity"))
            "failing" -> FailingStore()
            else -> error("unknown store kind ${store.getString("kind")}")
        }
        return Verifier(
            case.getJSONArray("secrets").strings(), case.getString("org_id"), case.longOrNull("tolerance_ms"), nonceStore,
            case.longOrNull("max_url_len"), case.longOrNull("max_params"),
        )
    }

    /** Runs one case's checks in order on one verifier; returns the outcomes seen (`ok` or a variant). */
    private fun runCase(case: JSONObject): Set<String> {
        val verifier = verifierFor(case)
        val secrets = case.getJSONArray("secrets").strings()
        return case.getJSONArray("checks").objects().mapIndexed { step, check ->
            val label = "${case.getString("name")} (check $step)"
            val expect = check.getJSONObject("expect")
            val outcome: Any = try {
                verifier.verifyUrlAt(check.getString("url"), check.getLong("now_ms"))
            } catch (e: UserHashException) {
                e
            }
            if (expect.has("ok")) {
                val ok = expect.getJSONObject("ok")
                check(outcome is VerifiedIdentity) { "$label: $outcome" }
                assertEquals(ok.getString("email"), outcome.email, label)
                assertEquals(ok.getString("org_id"), outcome.orgId, label)
                assertEquals(ok.getLong("timestamp_ms"), outcome.timestampMs, label)
                assertEquals(ok.getString("nonce"), outcome.nonce, label)
                assertEquals(ok.stringOrNull("name"), outcome.name, label)
                assertEquals(ok.getJSONObject("params").stringMap(), outcome.params, label)
                assertEquals(ok.getLong("key_index"), outcome.keyIndex, label)
                "ok"
            } else {
                check(outcome is UserHashException) { "$label: accepted $outcome, expected ${expect.getString("error")}" }
                assertVariant(expect, outcome, label)
                assertNoSecret(secrets, outcome, outcome.message)
                if (expect.has("message_contains")) assertTrue(expect.getString("message_contains") in outcome.toString(), label)
                val fields = expect.optJSONObject("fields") ?: JSONObject()
                for (key in fields.keySet()) {
                    val got: Any = when (key) {
                        "expected" -> (outcome as UserHashException.WrongOrg).expected
                        "actual" -> (outcome as UserHashException.WrongOrg).actual
                        "age_ms" -> (outcome as UserHashException.Expired).ageMs
                        "tolerance_ms" -> when (outcome) {
                            is UserHashException.Expired -> outcome.toleranceMs
                            else -> (outcome as UserHashException.FromFuture).toleranceMs
                        }
                        "timestamp_ms" -> (outcome as UserHashException.Expired).timestampMs
                        "ahead_ms" -> (outcome as UserHashException.FromFuture).aheadMs
                        "capacity" -> (outcome as UserHashException.StoreFull).capacity
                        "limit" -> (outcome as UserHashException.TooLarge).limit.asStr()
                        "max" -> (outcome as UserHashException.TooLarge).max
                        else -> error("$label: no such field $key in the test")
                    }
                    assertEquals(fields.get(key).toString(), got.toString(), "$label: $key")
                }
                outcome::class.simpleName!!
            }
        }.toSet()
    }

    @Test
    fun `default tolerance and limits`() {
        val verifier = Verifier(listOf("0123456789abcdef"), "org_1")
        assertEquals(verify.getLong("default_tolerance_ms"), verifier.toleranceMs())
        assertEquals(verify.getLong("default_max_url_len"), verifier.maxUrlLen())
        assertEquals(verify.getLong("default_max_params"), verifier.maxParams())
    }

    @TestFactory
    fun verify() = cases(verify, "cases") { runCase(it) }

    @Test
    fun `every rejection of SPEC 3 has a vector`() {
        val seen = verify.getJSONArray("cases").objects().flatMap { runCase(it) }.toSet()
        assertEquals(
            setOf("ok", "Missing", "Malformed", "Duplicate", "WrongOrg", "Mismatch", "Expired", "FromFuture", "Replayed", "StoreFull", "StoreUnavailable", "TooLarge"),
            seen,
        )
    }

    @TestFactory
    fun `verifier config errors`() = cases(verify, "config_errors") { case ->
        val e = rejected(case.getString("name")) { verifierFor(case) }
        assertVariant(case, e)
        assertNoSecret(case.getJSONArray("secrets").strings(), e, e.message)
    }

    @TestFactory
    fun `org id of`() = cases(verify, "org_id_of", label = "url") { case ->
        if (case.has("error")) {
            assertVariant(case, rejected(case.getString("url")) { orgIdOf(case.getString("url")) })
        } else {
            assertEquals(case.getString("org_id"), orgIdOf(case.getString("url")))
        }
    }

    // --- diagnose.json ------------------------------------------------------

    private fun diagnoseCase(case: JSONObject): Diagnosis {
        val input = case.getJSONObject("input")
        val secrets = case.getJSONArray("secrets").strings()
        val hash = case.stringOrNull("hash")
        if (input.has("url")) return diagnoseUrl(secrets, input.getString("url"), hash)
        fun given(key: String) = if (input.has(key)) input.getString(key) else null
        return diagnose(secrets, SignedInput(given("identifier"), given("email"), given("timestamp"), given("org_id"), given("nonce")), hash!!)
    }

    /** A cause's field as the vectors name it (`signed` and `given` are `signedValue` and `givenValue`). */
    private fun Cause.fieldOf(key: String): Any? = when (key) {
        "field" -> inputField()?.asStr()
        "signed" -> when (this) {
            is Cause.Whitespace -> signedValue
            is Cause.EmailCase -> signedValue
            is Cause.PlusAsSpace -> signedValue
            is Cause.SecondsInsteadOfMilliseconds -> signedValue
            else -> null
        }
        "given" -> when (this) {
            is Cause.Whitespace -> givenValue
            is Cause.EmailCase -> givenValue
            is Cause.PlusAsSpace -> givenValue
            is Cause.SecondsInsteadOfMilliseconds -> givenValue
            else -> null
        }
        "key_index" -> when (this) {
            is Cause.SecretWhitespace -> keyIndex
            is Cause.OtherSecret -> keyIndex
            else -> null
        }
        "edit" -> (this as? Cause.SecretWhitespace)?.edit?.asStr()
        else -> error("no such cause field $key in the test")
    }

    @TestFactory
    fun diagnose() = cases(diagnose, "cases") { case ->
        val got = diagnoseCase(case)
        val expect = case.getJSONObject("expect")
        assertEquals(expect.getString("diagnosis"), got.name(), "$got")
        val causes = (got as? Diagnosis.Explained)?.causes ?: emptyList()
        val want = expect.optJSONArray("causes")?.objects() ?: emptyList()
        assertEquals(want.map { it.getString("cause") }, causes.map { it.name() }, "$got")
        for ((cause, w) in causes.zip(want)) {
            for (key in w.keySet()) {
                if (key == "cause") continue
                assertEquals(w.get(key).toString(), cause.fieldOf(key).toString(), "${cause.name()}.$key: $got")
            }
            assertTrue(cause.toString().isNotEmpty() && cause.toString() in got.toString())
        }
        assertNoSecret(case.getJSONArray("secrets").strings(), got, causes)
    }

    @TestFactory
    fun `diagnose errors`() = cases(diagnose, "errors") { case ->
        val e = rejected(case.getString("name")) { diagnoseCase(case) }
        assertVariant(case, e)
    }

    @Test
    fun `every cause of SPEC 6 has a vector`() {
        val seen = diagnose.getJSONArray("cases").objects()
            .flatMap { it.getJSONObject("expect").optJSONArray("causes")?.objects() ?: emptyList() }
            .map { it.getString("cause") }.toSet()
        assertTrue(
            seen.containsAll(
                setOf(
                    "Whitespace", "SecretWhitespace", "EmailCase", "PlusAsSpace", "SecondsInsteadOfMilliseconds",
                    "UpperCaseHex", "Base64Tag", "IdentifierHashForIdentity", "IdentityForIdentifierHash", "OtherSecret",
                ),
            ),
            "$seen",
        )
    }

    // --- peer suites: RFC 4231 and Wycheproof ---------------------------------

    @TestFactory
    fun `rfc 4231`() = cases(rfc4231, "cases", label = "case") { case ->
        val (key, msg, want) = listOf("key_hex", "msg_hex", "tag_hex").map { hex(case.getString(it)) }
        val tag = hmacSha256(key, msg)
        if (case.isNull("truncated_bits")) {
            assertArrayEquals(want, tag)
            assertTrue(verifyHmacSha256(key, msg, want))
        } else {
            assertArrayEquals(want, tag.copyOf(case.getInt("truncated_bits") / 8))
            assertFalse(verifyHmacSha256(key, msg, want), "a truncated tag is never accepted")
        }
    }

    private val wycheproofTests = wycheproof.getJSONArray("testGroups").objects()
        .flatMap { g -> g.getJSONArray("tests").objects().map { g.getInt("tagSize") to it } }

    @Test
    fun `wycheproof count`() {
        assertEquals(wycheproof.getInt("numberOfTests"), wycheproofTests.size)
    }

    @TestFactory
    fun wycheproof() = wycheproofTests.map { (tagBits, t) ->
        dynamicTest("tc${t.getInt("tcId")}") {
            val (key, msg, tag) = listOf("key", "msg", "tag").map { hex(t.getString(it)) }
            val valid = t.getString("result") == "valid"
            val ours = hmacSha256(key, msg)
            if (tagBits == 256) {
                assertEquals(valid, verifyHmacSha256(key, msg, tag))
                assertEquals(valid, ours.contentEquals(tag))
            } else {
                // A valid truncated tag is our tag's prefix; the verifier accepts full tags only.
                assertEquals(valid, ours.copyOf(tagBits / 8).contentEquals(tag))
                assertFalse(verifyHmacSha256(key, msg, tag))
            }
        }
    }
}
