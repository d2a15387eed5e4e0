package dev.userhash

import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import java.util.Base64
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CopyOnWriteArrayList
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

/**
 * Identity tokens (JWT, SPEC §8) through the generated Kotlin: every case of
 * tests/vectors/jwt.json (signing byte for byte, verification with every
 * rejection and its fields, configuration errors, diagnose, the tokens PyJWT,
 * jose and golang-jwt made), round trips with a generated Ed25519 key pair,
 * rotation, single use over Rust and Kotlin stores, the schemes kept apart,
 * and no secret or private key in any toString or error.
 */
class TokensTest {
    private val jwt = Vectors.load("jwt.json")
    private val profiles = Profile.entries.associateBy { it.asStr() }

    /** Every rejection a token can get, those shared with the signed identity included. */
    private val tokenRejections = setOf(
        "Malformed", "Mismatch", "Expired", "FromFuture", "Replayed", "TooLarge", "UnknownKey", "AlgorithmRefused",
        "MissingClaim", "WrongAudience", "LifetimeTooLong",
    )

    /** Every secret and private key in the vectors, as an error or a toString could show it. */
    private val keyMaterial: List<String> by lazy {
        val keys = jwt.getJSONObject("keys")
        val pemBody = keys.getString("ed25519_private_pem").lines().filterNot { it.startsWith("-----") }.joinToString("")
        val shown = mutableListOf(
            keys.getString("hs256_secret"), pemBody, JSONObject(keys.getString("ed25519_private_jwk")).getString("d"),
            keys.getString("ed25519_seed_hex"),
        )
        for (section in listOf("sign", "sign_errors", "verify", "config_errors", "diagnose", "library")) {
            for (case in jwt.getJSONArray(section).objects()) {
                val entries = listOfNotNull(case.optJSONObject("key")) +
                    listOf("keys", "verify_keys").flatMap { case.optJSONArray(it)?.objects() ?: emptyList() }
                entries.filter { it.has("hs256") }.forEach { shown += it.getString("hs256") }
            }
        }
        shown.distinct()
    }

    private fun assertNoKeyMaterial(vararg shown: Any?) {
        for (obj in shown) {
            val texts = listOfNotNull(obj.toString(), (obj as? Throwable)?.message, (obj as? Throwable)?.stackTraceToString())
            for (text in texts) for (secret in keyMaterial) {
                assertFalse(secret in text, "${obj?.javaClass?.simpleName} shows a secret or a private key: $text")
            }
        }
    }

    // --- building from the vectors --------------------------------------------------------

    private fun JSONObject.value(key: String): Any? = if (!has(key) || isNull(key)) null else get(key)

    private fun tokenKeys(entries: JSONArray): List<TokenKey> = entries.objects().flatMap { entry ->
        val kid = entry.stringOrNull("kid")
        if (entry.has("hs256")) {
            listOf(TokenKey.hs256(entry.getString("hs256"), kid))
        } else {
            val text = listOf("public_pem", "public_jwk", "jwks").firstNotNullOfOrNull { entry.value(it) as String? }
            assertNotNull(text, "$entry")
            parsePublicKeys(text!!, kid)
        }
    }

    private fun JSONObject.stringOrNull(key: String): String? = value(key) as String?

    private fun JSONObject.longOrNull(key: String): Long? = (value(key) as Number?)?.toLong()

    /** Left out in the vectors, a setting is left out here too: the core's default. */
    private fun verifier(entries: JSONArray, options: JSONObject, nonceStore: NonceStore? = null) = TokenVerifier(
        tokenKeys(entries),
        profiles.getValue(options.getString("profile")),
        org = options.stringOrNull("org"),
        audience = options.stringOrNull("audience"),
        issuer = options.stringOrNull("issuer"),
        leewayS = options.longOrNull("leeway_s"),
        maxLifetimeS = options.longOrNull("max_lifetime_s"),
        maxTokenLen = options.longOrNull("max_token_len"),
        singleUse = options.value("single_use") as Boolean?,
        nonceStore = nonceStore,
    )

    private fun signer(key: JSONObject, options: JSONObject, form: String = "private_pem"): TokenSigner {
        val profile = profiles.getValue(options.getString("profile"))
        val (kid, org, audience, issuer) = listOf("kid", "org", "audience", "issuer").map { options.stringOrNull(it) }
        val lifetime = options.longOrNull("lifetime_s")
        return if (key.has("hs256")) {
            TokenSigner.hs256(key.getString("hs256"), profile, kid, org, audience, issuer, lifetime)
        } else {
            TokenSigner.ed25519(key.getString(form), profile, kid, org, audience, issuer, lifetime)
        }
    }

    private fun subject(fields: JSONObject) = TokenSubject(
        userId = fields.getString("user_id"),
        email = fields.stringOrNull("email"),
        name = fields.stringOrNull("name"),
        emailVerified = fields.value("email_verified") as Boolean?,
        extraClaimsJson = fields.stringOrNull("extra_claims_json"),
    )

    private fun assertOk(got: VerifiedToken, want: JSONObject, profile: String, label: String) {
        assertEquals(profiles.getValue(profile), got.profile, label)
        val actual = mapOf(
            "user_id" to got.userId, "email" to got.email, "name" to got.name, "email_verified" to got.emailVerified,
            "org" to got.org, "issued_at" to got.issuedAt, "expires_at" to got.expiresAt, "jti" to got.jti,
            "kid" to got.kid, "key_index" to got.keyIndex,
        )
        for ((name, value) in actual) {
            val expected = want.value(name)
            assertEquals(if (expected is Number) expected.toLong() else expected, value, "$label: $name")
        }
        assertEquals(want.getString("algorithm"), got.algorithm.asStr(), label)
        assertTrue(JSONObject(got.claimsJson).similar(want.getJSONObject("claims")), "$label: ${got.claimsJson}")
    }

    /** A value of an error as the vectors spell it: an enum by its asStr(), a number as a Long. */
    private fun plain(value: Any?): Any? = when (value) {
        is Field -> value.asStr()
        is Limit -> value.asStr()
        is Number -> value.toLong()
        else -> value
    }

    private fun assertRefused(e: UserHashException?, expect: JSONObject, label: String) {
        assertNotNull(e, "$label: accepted, expected ${expect.getString("error")}")
        e!!
        assertEquals(expect.getString("error"), e::class.simpleName, "$label: $e")
        assertEquals(expect.getString("error"), e.name(), label)
        if (expect.has("field")) assertEquals(expect.getString("field"), e.inputField()?.asStr(), "$label: $e")
        if (expect.has("message_contains")) assertTrue(expect.getString("message_contains") in e.toString(), "$label: $e")
        val fields = expect.optJSONObject("fields") ?: JSONObject()
        for (name in fields.keySet()) {
            val getter = "get" + name.split('_').joinToString("") { it.replaceFirstChar(Char::uppercaseChar) }
            val value = e.javaClass.getMethod(getter).invoke(e)
            assertEquals(plain(fields.get(name)), plain(value), "$label: $name of $e")
        }
        assertEquals(errorMessage(e), e.toString(), label)
        assertNoKeyMaterial(e)
    }

    private inline fun outcome(block: () -> Any?): UserHashException? =
        try {
            block()
            null
        } catch (e: UserHashException) {
            e
        }

    private fun b64urlText(part: String) = String(Base64.getUrlDecoder().decode(part), Charsets.UTF_8)

    // --- sign: byte for byte, then verified ------------------------------------------------

    @TestFactory
    fun `sign byte for byte then verify`() = jwt.getJSONArray("sign").objects().map { case ->
        val label = "${case.getString("alg")}-${case.getJSONObject("options").getString("profile")}"
        DynamicTest.dynamicTest(label) {
            val key = case.getJSONObject("key")
            val forms = if (key.has("private_pem")) listOf("private_pem", "private_jwk") else listOf("hs256")
            for (form in forms) {
                val made = signer(key, case.getJSONObject("options"), form)
                assertEquals(case.getString("alg"), made.algorithm().asStr())
                val token = made.signAt(subject(case.getJSONObject("subject")), case.getLong("now_ms"), case.getString("jti"))
                assertEquals(case.getString("token"), token, form)
                val (header, payload) = token.split(".")
                assertEquals(case.getString("header_json"), b64urlText(header))
                assertEquals(case.getString("payload_json"), b64urlText(payload))
                assertNoKeyMaterial(made)
            }
            val got = verifier(case.getJSONArray("verify_keys"), case.getJSONObject("verify_options"))
                .verifyAt(case.getString("token"), case.getLong("now_ms") + 1000)
            assertOk(got, case.getJSONObject("verified").getJSONObject("ok"), case.getJSONObject("options").getString("profile"), label)
        }
    }

    @Test
    fun `every profile is signed under both algorithms`() {
        val signed = jwt.getJSONArray("sign").objects().map { it.getString("alg") to it.getJSONObject("options").getString("profile") }
        assertEquals(listOf("HS256", "EdDSA").flatMap { alg -> profiles.keys.map { alg to it } }.toSet(), signed.toSet())
    }

    @TestFactory
    fun `sign errors`() = jwt.getJSONArray("sign_errors").objects().map { case ->
        DynamicTest.dynamicTest(case.getString("name")) {
            val e = outcome {
                signer(case.getJSONObject("key"), case.getJSONObject("options"))
                    .signAt(subject(case.getJSONObject("subject")), case.getLong("now_ms"), case.getString("jti"))
            }
            val expect = JSONObject().put("error", case.getString("error")).put("field", case.getString("field"))
            assertRefused(e, expect, case.getString("name"))
        }
    }

    // --- verify: every check of every case, in order, on one verifier ------------------------

    /** Runs one verify case; returns the outcomes seen (`ok` and the variants' names). */
    private fun runVerifyCase(case: JSONObject): Set<String> {
        val made = verifier(case.getJSONArray("keys"), case.getJSONObject("options"))
        val seen = mutableSetOf<String>()
        for ((step, check) in case.getJSONArray("checks").objects().withIndex()) {
            val label = "${case.getString("name")} (check $step)"
            val expect = check.getJSONObject("expect")
            var got: VerifiedToken? = null
            val e = outcome { got = made.verifyAt(check.getString("token"), check.getLong("now_ms")) }
            if (expect.has("ok")) {
                assertNull(e, "$label: $e")
                assertOk(got!!, expect.getJSONObject("ok"), case.getJSONObject("options").getString("profile"), label)
                seen += "ok"
            } else {
                assertNull(got, "$label: accepted")
                assertRefused(e, expect, label)
                seen += e!!.name()
            }
        }
        return seen
    }

    @TestFactory
    fun verify() = jwt.getJSONArray("verify").objects().map { case ->
        DynamicTest.dynamicTest(case.getString("name")) { runVerifyCase(case) }
    }

    @Test
    fun `every token rejection has a vector`() {
        val seen = jwt.getJSONArray("verify").objects().flatMap { runVerifyCase(it) }.toSet()
        assertEquals(tokenRejections + "ok", seen)
    }

    @TestFactory
    fun `config errors`() = jwt.getJSONArray("config_errors").objects().map { case ->
        DynamicTest.dynamicTest(case.getString("name")) {
            val e = outcome { verifier(case.getJSONArray("keys"), case.getJSONObject("options")) }
            val expect = JSONObject().put("error", case.getString("error")).put("field", case.getString("field"))
            assertRefused(e, expect, case.getString("name"))
        }
    }

    @TestFactory
    fun diagnose() = jwt.getJSONArray("diagnose").objects().map { case ->
        DynamicTest.dynamicTest(case.getString("name")) {
            val made = verifier(case.getJSONArray("keys"), case.getJSONObject("options"))
            val token = case.getString("token")
            val now = case.getLong("now_ms")
            val got = made.diagnoseAt(token, now)
            val expect = case.getJSONObject("expect")
            assertEquals(expect.getString("result"), got.name(), "$got")
            val causes = (got as? TokenDiagnosis.Explained)?.causes ?: emptyList()
            val want = expect.getJSONArray("causes").objects()
            assertEquals(want.map { it.getString("cause") }, causes.map { it.name() }, "$got")
            for ((cause, w) in causes.zip(want)) {
                val keyIndex = when (cause) {
                    is TokenCause.SecretEncoding -> cause.keyIndex
                    is TokenCause.WrongKeyForKid -> cause.keyIndex
                    else -> null
                }
                assertEquals(w.longOrNull("key_index"), keyIndex, "$got")
                assertTrue(cause.toString().isNotBlank() && cause.toString() in got.toString(), "$got")
            }
            if (got is TokenDiagnosis.Unexplained) assertTrue(got.error is UserHashException.Mismatch, "$got")
            assertNoKeyMaterial(got, *causes.toTypedArray())
            // Nothing was recorded: the token verifies (or is refused) as it does on a fresh verifier.
            val fresh = verifier(case.getJSONArray("keys"), case.getJSONObject("options"))
            assertEquals(outcome { fresh.verifyAt(token, now) }?.name(), outcome { made.verifyAt(token, now) }?.name())
        }
    }

    @TestFactory
    fun `tokens other libraries made`() = jwt.getJSONArray("library").objects().flatMap { case ->
        val tokens = case.getJSONObject("tokens")
        tokens.keySet().sorted().map { library ->
            DynamicTest.dynamicTest("${case.getString("name")} ($library)") {
                // A verifier of its own for each: the libraries' tokens share a jti.
                val got = verifier(case.getJSONArray("keys"), case.getJSONObject("options"))
                    .verifyAt(tokens.getString(library), case.getLong("now_ms"))
                assertOk(got, case.getJSONObject("expect").getJSONObject("ok"), case.getJSONObject("options").getString("profile"), library)
            }
        }
    }

    @Test
    fun `the libraries are PyJWT, jose and golang-jwt`() {
        assertEquals(setOf("pyjwt", "jose", "golang-jwt"), jwt.getJSONArray("library").objects().flatMap { it.getJSONObject("tokens").keySet() }.toSet())
    }

    @Test
    fun `defaults are the core's`() {
        val defaults = jwt.getJSONObject("defaults")
        val secret = jwt.getJSONObject("keys").getString("hs256_secret")
        val shown = TokenVerifier(listOf(TokenKey.hs256(secret)), Profile.DRIFT).toString()
        for (name in listOf("leeway_s", "max_lifetime_s", "max_token_len")) {
            assertTrue("$name: ${defaults.getLong(name)}" in shown, shown)
        }
        val token = TokenSigner.hs256(secret, Profile.DRIFT).signAt(TokenSubject("42"), 1_712_345_678_901, "jti-defaults-01")
        val claims = JSONObject(b64urlText(token.split(".")[1]))
        assertEquals(defaults.getLong("lifetime_s"), claims.getLong("exp") - claims.getLong("iat"))
    }

    // --- round trips ------------------------------------------------------------------------

    private val org = "org_123"
    private val hsSecret = "tok_kt_" + "7".repeat(32)

    @Test
    fun `EdDSA round trip with a generated key pair`() {
        val pair = Ed25519KeyPair.generate("ed-kt-1")
        assertEquals("ed-kt-1", pair.kid())
        val publicJwk = JSONObject(pair.publicJwk())
        assertEquals(listOf("OKP", "Ed25519", "ed-kt-1"), listOf("kty", "crv", "kid").map { publicJwk.getString(it) })
        assertFalse(publicJwk.has("d"))
        assertEquals(publicJwk.getString("x"), JSONObject(pair.privateJwk()).getString("x"))
        val who = TokenSubject("user-42", email = "jane@example.com")
        val fromPem = TokenSigner.ed25519(pair.privatePem(), Profile.USERHASH, kid = "ed-kt-1", org = org)
        val fromJwk = TokenSigner.ed25519(pair.privateJwk(), Profile.USERHASH, kid = "ed-kt-1", org = org)
        assertEquals(Algorithm.ED_DSA, fromPem.algorithm())
        // Ed25519 is deterministic: the PEM and the JWK of one key sign the same token.
        val t = System.currentTimeMillis()
        val token = fromPem.signAt(who, t, "jti-round-trip-0001")
        assertEquals(token, fromJwk.signAt(who, t, "jti-round-trip-0001"))
        val jwks = JSONObject().put("keys", JSONArray().put(publicJwk)).toString()
        for (keys in listOf(parsePublicKeys(pair.publicPem(), "ed-kt-1"), parsePublicKeys(pair.publicJwk()), parsePublicKeys(jwks))) {
            assertEquals(listOf("ed-kt-1"), keys.map { it.kid() })
            assertEquals(Algorithm.ED_DSA, keys[0].algorithm())
            val got = TokenVerifier(keys, Profile.USERHASH, org = org).verify(fromPem.sign(who))
            assertEquals(listOf("user-42", "jane@example.com", org, "ed-kt-1"), listOf(got.userId, got.email, got.org, got.kid))
            assertEquals(Algorithm.ED_DSA, got.algorithm)
            assertEquals(jwt.getJSONObject("defaults").getLong("lifetime_s"), got.expiresAt - got.issuedAt!!)
        }
        // Another pair's public key refuses it.
        val other = parsePublicKeys(Ed25519KeyPair.generate().publicPem())
        val e = outcome { TokenVerifier(other, Profile.USERHASH, org = org).verify(token) }
        assertTrue(e is UserHashException.Mismatch || e is UserHashException.UnknownKey, "$e")
        val a = Ed25519KeyPair.generate()
        assertNull(a.kid())
        assertFalse(a.publicPem() == pair.publicPem() || a.privatePem() == pair.privatePem())
    }

    @Test
    fun `HS256 round trip, checked by javax crypto Mac`() {
        val mac = Mac.getInstance("HmacSHA256").apply { init(SecretKeySpec(hsSecret.toByteArray(), "HmacSHA256")) }
        val signers = listOf(TokenSigner.hs256(hsSecret, Profile.ZENDESK, kid = "app_1"), TokenSigner.hs256(hsSecret.toByteArray(), Profile.ZENDESK, kid = "app_1"))
        val keys = listOf(TokenKey.hs256(hsSecret, "app_1"), TokenKey.hs256(hsSecret.toByteArray(), "app_1"))
        for ((made, key) in signers.zip(keys)) {
            val token = made.sign(TokenSubject("ext-9", email = "a@example.com", emailVerified = true))
            val signingInput = token.substringBeforeLast('.')
            // The tag is HMAC-SHA256 over header.payload, as the JDK computes it.
            val tag = Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(signingInput.toByteArray()))
            assertEquals(tag, token.substringAfterLast('.'))
            assertEquals("app_1" to Algorithm.HS256, key.kid() to key.algorithm())
            val got = TokenVerifier(listOf(key), Profile.ZENDESK).verify(token)
            assertEquals(listOf("ext-9", true, "app_1", Profile.ZENDESK), listOf(got.userId, got.emailVerified, got.kid, got.profile))
            val claims = JSONObject(got.claimsJson)
            assertEquals("user" to "ext-9", claims.getString("scope") to claims.getString("external_id"))
        }
    }

    @Test
    fun `rotation by kid reports the key index`() {
        val old = Ed25519KeyPair.generate("2023")
        val new = Ed25519KeyPair.generate("2024")
        val made = TokenVerifier(parsePublicKeys(new.publicJwk()) + parsePublicKeys(old.publicJwk()), Profile.DRIFT)
        for ((pair, index) in listOf(new to 0L, old to 1L)) {
            val token = TokenSigner.ed25519(pair.privateJwk(), Profile.DRIFT, kid = pair.kid()).sign(TokenSubject("4"))
            assertEquals(index, made.verify(token).keyIndex)
        }
        val gone = TokenSigner.hs256(hsSecret, Profile.DRIFT, kid = "2099").sign(TokenSubject("4"))
        val e = outcome { made.verify(gone) }
        assertTrue(e is UserHashException.UnknownKey && e.kid == "2099" && e.inputField() == Field.KID, "$e")
    }

    // --- single use: the jti in a nonce store --------------------------------------------------

    /** A nonce store written in Kotlin, recording each call. */
    private class MapStore : NonceStore {
        val seen = ConcurrentHashMap<Pair<String, String>, Long>()
        val calls = CopyOnWriteArrayList<Triple<String, String, Long>>()

        override fun checkAndInsert(orgId: String, nonce: String, expiresAtMs: Long): Boolean {
            calls += Triple(orgId, nonce, expiresAtMs)
            return seen.putIfAbsent(orgId to nonce, expiresAtMs) == null
        }
    }

    private fun hsToken(jti: String, tokenOrg: String = org) =
        TokenSigner.hs256(hsSecret, Profile.USERHASH, org = tokenOrg).signAt(TokenSubject("user-42"), System.currentTimeMillis(), jti)

    private fun singleUse(store: NonceStore?) =
        TokenVerifier(listOf(TokenKey.hs256(hsSecret)), Profile.USERHASH, org = org, singleUse = true, nonceStore = store)

    @Test
    fun `a single-use token works once, over each kind of store`() {
        val kotlinStore = MapStore()
        for (store in listOf(null, memoryNonceStore(), kotlinStore)) {
            val made = singleUse(store)
            val token = hsToken("jti-single-use-0001")
            val first = made.verify(token)
            assertEquals("jti-single-use-0001", first.jti)
            repeat(2) { assertTrue(outcome { made.verify(token) } is UserHashException.Replayed) }
            // Another jti is another token.
            assertEquals("jti-single-use-0002", made.verify(hsToken("jti-single-use-0002")).jti)
            if (store === kotlinStore) {
                // Recorded under `jwt:` and the org (apart from the signed identity's
                // nonces), until the token expires plus the leeway, in Unix ms.
                assertEquals(
                    List(3) { "jwt:$org" to "jti-single-use-0001" } + ("jwt:$org" to "jti-single-use-0002"),
                    kotlinStore.calls.map { it.first to it.second },
                )
                val until = (first.expiresAt + jwt.getJSONObject("defaults").getLong("leeway_s")) * 1000
                assertEquals(setOf(until), kotlinStore.calls.take(3).map { it.third }.toSet())
            }
        }
    }

    @Test
    fun `without single use the store is never asked`() {
        val store = MapStore()
        val made = TokenVerifier(listOf(TokenKey.hs256(hsSecret)), Profile.USERHASH, org = org, nonceStore = store)
        val token = hsToken("jti-many-uses-0001")
        assertEquals(made.verify(token).jti, made.verify(token).jti)
        assertEquals(emptyList<Any>(), store.calls)
    }

    @Test
    fun `a refused token does not use up its jti, and a store that throws refuses`() {
        val store = MapStore()
        val made = singleUse(store)
        assertTrue(outcome { made.verify(hsToken("jti-refused-0001", tokenOrg = "org_456")) } is UserHashException.WrongAudience)
        assertEquals(emptyList<Any>(), store.calls)
        val down = singleUse(NonceStore { _, _, _ -> throw IllegalStateException("database is down") })
        val e = outcome { down.verify(hsToken("jti-store-down-01")) }
        assertTrue(e is UserHashException.StoreUnavailable && "database is down" in e.reason, "$e")
    }

    // --- one secret per scheme (SPEC §1.4, §8) ---------------------------------------------------

    @Test
    fun `the schemes stay apart`() {
        val token = TokenSigner.hs256(hsSecret, Profile.USERHASH, org = org).signAt(TokenSubject("admin"), 1_712_345_678_901, "jti-cross-scheme-1")
        val signingInput = token.substringBeforeLast('.')
        val signatureHex = Base64.getUrlDecoder().decode(token.substringAfterLast('.')).joinToString("") { "%02x".format(it) }
        // The identifier hash of a token's signing input would be its HS256 signature: never signed, never valid.
        val e = outcome { signIdentifier(hsSecret, signingInput) }
        assertTrue(e is UserHashException.Malformed && e.field == Field.IDENTIFIER, "$e")
        assertFalse(verifyIdentifier(hsSecret, signingInput, signatureHex))
        assertTrue(outcome { IdentifierSigner(hsSecret).sign(signingInput) } is UserHashException.Malformed)
        // A token is not a widget URL, and a widget URL is not a token.
        assertNotNull(outcome { Verifier(listOf(hsSecret), org).verifyUrlAt(token, 1_712_345_678_901) })
        val url = IdentitySigner(hsSecret, org).widgetUrl("https://widget.example.com/", "a@example.com")
        val refused = outcome { TokenVerifier(listOf(TokenKey.hs256(hsSecret)), Profile.USERHASH, org = org).verify(url) }
        assertTrue(refused is UserHashException.Malformed && refused.field == Field.TOKEN, "$refused")
        // An HS256 token key is at least 32 bytes, more than the other schemes' 16.
        assertTrue(outcome { TokenKey.hs256("0123456789abcdef0123") } is UserHashException.WeakSecret)
    }

    // --- no secret or private key shown ------------------------------------------------------------

    @Test
    fun `no toString or error shows a secret or a private key`() {
        val pair = Ed25519KeyPair.generate("ed-kt-secret")
        val pemBody = pair.privatePem().lines().filterNot { it.startsWith("-----") }.joinToString("")
        val d = JSONObject(pair.privateJwk()).getString("d")
        val secrets = listOf(hsSecret, hsSecret.substring(7), pemBody, pemBody.substring(20, 40), d)
        val hs = TokenSigner.hs256(hsSecret, Profile.USERHASH, org = org)
        val ed = TokenSigner.ed25519(pair.privatePem(), Profile.USERHASH, org = org)
        val key = TokenKey.hs256(hsSecret)
        val made = TokenVerifier(listOf(key) + parsePublicKeys(pair.publicPem()), Profile.USERHASH, org = org)
        val token = hs.sign(TokenSubject("user-42"))
        val shown = mutableListOf<Any?>(hs, ed, key, made, pair, made.verify(token), made.diagnose(token + "x"), made.diagnose("Bearer $token"))
        // Errors about the key: a weak secret, a private key where a public one
        // belongs, a mangled private key, a secret where a private key belongs.
        shown.addAll(listOf(
            outcome { TokenSigner.hs256(hsSecret.take(31), Profile.DRIFT) },
            outcome { TokenKey.hs256(hsSecret.take(20)) },
            outcome { parsePublicKeys(pair.privatePem()) },
            outcome { parsePublicKeys(pair.privateJwk()) },
            outcome { TokenSigner.ed25519(pair.privatePem().dropLast(40), Profile.DRIFT) },
            outcome { TokenSigner.ed25519(pair.privateJwk().replace("\"d\"", "\"e\""), Profile.DRIFT) },
            outcome { TokenSigner.ed25519(hsSecret, Profile.DRIFT) },
        ))
        assertEquals(7, shown.takeLast(7).count { it is UserHashException }, "$shown")
        assertTrue(JSONObject(pair.publicJwk()).getString("x") in pair.toString(), "$pair")
        for (obj in shown) {
            val text = listOfNotNull(obj.toString(), (obj as? Throwable)?.message).joinToString(" ")
            for (secret in secrets) assertFalse(secret in text, "${obj?.javaClass?.simpleName} shows a secret or a private key: $text")
        }
        assertTrue("redacted" in hs.toString() && "redacted" in ed.toString(), "$hs $ed")
    }

    @Test
    fun `a token String that is not valid UTF-16 is Malformed naming the token`() {
        val made = TokenVerifier(listOf(TokenKey.hs256(hsSecret)), Profile.DRIFT)
        val e = outcome { made.verify("eyJ\uD800.x.y") }
        assertTrue(e is UserHashException.Malformed && e.field == Field.TOKEN, "$e")
        if (e == null) fail<Unit>("accepted")
    }
}
