package dev.userhash

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.net.URI

/** The generated API as users see it: the exception's text, the enums, the diagnosis, IdentitySigner.widgetUrl. */
class GeneratedApiTest {
    private val secret = "whsec_kotlin_generated_0123456789"
    private val org = "org_123"

    @Test
    fun `toString of every variant is the core's message`() {
        val tooLong = "the URL is longer than 65536 bytes, this verifier's max_url_len; a signed widget URL is a few " +
            "hundred bytes, so it was refused unread (raise max_url_len only if your widget URLs really are this large)"
        val expected = listOf(
            UserHashException.WeakSecret(12) to
                "the secret is 12 bytes long; at least 16 are required (use 32 random bytes, e.g. `openssl rand -hex 32`; " +
                "a token's HS256 secret needs at least 32)",
            UserHashException.Malformed(Field.EMAIL, "it is empty") to "email is malformed: it is empty",
            UserHashException.Missing(Field.USER_HASH) to
                "the URL has no `user_hash` parameter; a signed widget URL carries orgId, email, timestamp, nonce and user_hash",
            UserHashException.Missing(Field.ORG_ID) to
                "the URL has no `orgId` parameter; a signed widget URL carries orgId, email, timestamp, nonce and user_hash",
            UserHashException.Duplicate(Field.EMAIL) to
                "the `email` parameter appears more than once; refusing to pick one (parameter pollution)",
            UserHashException.WrongOrg("org_123", "org_999") to
                "the URL is for org `org_999`, but this verifier is for org `org_123`; route the request by `org_id_of(url)` to that org's verifier",
            UserHashException.Mismatch() to
                "the signature does not match under any configured secret or key (a widget URL's user_hash must be " +
                "HMAC-SHA256 of email|timestamp|orgId|nonce, a token's signature must be over its header.payload); check " +
                "that the signer uses this org's current secret or key and signs the exact strings sent (`userhash " +
                "diagnose` names the usual causes)",
            UserHashException.Expired(301_000, 300_000, 1_712_345_678_901) to
                "the signature is 301000 ms old, beyond the 300000 ms tolerance; sign a fresh one for each page load",
            UserHashException.FromFuture(5_000, 300_000) to
                "the timestamp is 5000 ms in the future, beyond the 300000 ms tolerance; check the signer's clock",
            UserHashException.Replayed() to
                "this nonce was already used; a signed URL (or a single-use token, by its jti) is good for one page load " +
                "(sign a new one with a fresh nonce or jti)",
            UserHashException.StoreFull(1000) to
                "the nonce store is full (1000 live nonces); raise its capacity or share a Redis store; the request was " +
                "refused rather than forgetting a live nonce",
            UserHashException.StoreUnavailable("connection refused") to
                "the nonce store is unavailable (connection refused); the request was refused (fail closed)",
            UserHashException.TooLarge(Limit.URL_LENGTH, 65_536) to tooLong,
            UserHashException.UnknownKey("k9") to
                "the token's kid `k9` names no key of this verifier; add that public key (or secret) to the verifier, " +
                "keeping old keys until their tokens expire (rotation), or sign with a kid the verifier has",
            UserHashException.AlgorithmRefused("none", "the key is HS256") to
                "the token's header says alg `none`, but the key is HS256; the algorithm is fixed by the key, never " +
                "taken from the token (`none` and switching algorithms are refused): sign with the key's own algorithm",
            UserHashException.MissingClaim("exp") to
                "the token has no `exp` claim; a token without an expiry is good forever, so it is refused: set exp " +
                "(seconds since 1970) a few minutes ahead",
            UserHashException.WrongAudience("org", "org_123", "org_999") to
                "the token's `org` is `org_999`, but this verifier is for `org_123`; sign with the org or audience of " +
                "the server that verifies it, or route the token to that server's verifier",
            UserHashException.LifetimeTooLong(7200, 3600) to
                "the token lives 7200 s (exp - iat), more than this verifier's max_lifetime of 3600 s; sign " +
                "short-lived tokens (minutes), one per page load",
        )
        assertEquals(17, expected.map { it.first::class }.toSet().size, "every variant")
        for ((e, message) in expected) {
            assertEquals(message, e.toString(), e::class.simpleName)
            assertEquals(message, errorMessage(e), e::class.simpleName)
        }
        // An Expired timestamp in seconds says so.
        assertTrue("looks like seconds" in UserHashException.Expired(1, 1, 1_712_345_678).toString())
    }

    @Test
    fun `name and inputField are the core's, for every variant`() {
        val expected = listOf(
            UserHashException.WeakSecret(12) to Field.SECRET,
            UserHashException.Malformed(Field.EMAIL, "it is empty") to Field.EMAIL,
            UserHashException.Missing(Field.USER_HASH) to Field.USER_HASH,
            UserHashException.Duplicate(Field.NONCE) to Field.NONCE,
            UserHashException.WrongOrg("org_123", "org_999") to Field.ORG_ID,
            UserHashException.Mismatch() to null,
            UserHashException.Expired(301_000, 300_000, 1_712_345_678_901) to null,
            UserHashException.FromFuture(5_000, 300_000) to null,
            UserHashException.Replayed() to null,
            UserHashException.StoreFull(1000) to null,
            UserHashException.StoreUnavailable("down") to null,
            UserHashException.TooLarge(Limit.PARAM_COUNT, 1000) to null,
            UserHashException.UnknownKey("k9") to Field.KID,
            UserHashException.AlgorithmRefused("none", "HS256") to Field.TOKEN,
            UserHashException.MissingClaim("exp") to Field.CLAIMS,
            UserHashException.WrongAudience("aud", "a", "b") to Field.CLAIMS,
            UserHashException.LifetimeTooLong(7200, 3600) to Field.CLAIMS,
        )
        assertEquals(17, expected.map { it.first::class }.toSet().size, "every variant")
        for ((e, field) in expected) {
            assertEquals(e::class.simpleName, e.name())
            assertEquals(field, e.inputField(), e.name())
        }
    }

    @Test
    fun `an error made by Rust has the core's message too`() {
        val verifier = Verifier(listOf(secret), org)
        val e = rejected("replayed") {
            val url = IdentitySigner(secret, org).widgetUrl("https://w.example/", "a@b.c")
            verifier.verifyUrl(url)
            verifier.verifyUrl(url)
        }
        assertTrue(e is UserHashException.Replayed)
        assertEquals(errorMessage(e), e.toString())
        assertTrue(e.toString().startsWith("this nonce was already used"), "$e")
        // Printing the exception (a log, an uncaught one) shows the core's message.
        assertTrue(e.stackTraceToString().startsWith("this nonce was already used"), e.stackTraceToString())
    }

    @Test
    fun `message is uniffi's list of the fields, as documented`() {
        // uniffi 0.32's Kotlin template hard-codes `message` for errors with fields;
        // bindings/kotlin/README.md says to use toString() (or "$e") instead.
        assertEquals("len=12", UserHashException.WeakSecret(12).message)
        assertEquals("field=email, reason=it is empty", UserHashException.Malformed(Field.EMAIL, "it is empty").message)
        assertEquals("", UserHashException.Replayed().message)
    }

    @Test
    fun `Field, Limit and SecretEdit are the generated enums with the core's names`() {
        assertTrue(Field::class.java.isEnum && Limit::class.java.isEnum && SecretEdit::class.java.isEnum)
        assertEquals(
            listOf(
                "secret", "identifier", "email", "org_id", "timestamp", "nonce", "user_hash", "name", "params",
                "base_url", "nonce_store", "tolerance_ms", "max_url_len", "max_params", "token", "claims", "key", "kid",
            ),
            Field.entries.map { it.asStr() },
        )
        assertEquals(Field.entries.map { it.asStr() }, Field.entries.map { it.toString() })
        assertEquals(listOf("max_url_len", "max_params", "max_token_len"), Limit.entries.map { it.asStr() })
        assertEquals(
            listOf("trailing_newline", "trailing_crlf", "trailing_space", "leading_space", "trimmed"),
            SecretEdit.entries.map { it.asStr() },
        )
        val e = rejected("malformed") { IdentitySigner(secret, "org 1") } as UserHashException.Malformed
        assertTrue(e.field === Field.ORG_ID)
    }

    @Test
    fun `Diagnosis and Cause are the generated sealed classes`() {
        val hash = signIdentifier(secret, "a+b@example.com")
        val matches = diagnose(listOf(secret), SignedInput(identifier = "a+b@example.com"), hash)
        assertTrue(matches === Diagnosis.Matches)
        assertEquals("Matches", matches.name())

        val explained = diagnose(listOf(secret), SignedInput(identifier = "a b@example.com"), hash)
        assertTrue(explained is Diagnosis.Explained, "$explained")
        explained as Diagnosis.Explained
        assertEquals("Explained", explained.name())
        val cause = explained.causes.first()
        assertTrue(cause is Cause.PlusAsSpace, "$cause")
        cause as Cause.PlusAsSpace
        assertEquals(Triple(Field.IDENTIFIER, "a+b@example.com", "a b@example.com"), Triple(cause.field, cause.signedValue, cause.givenValue))
        assertEquals("PlusAsSpace", cause.name())
        assertEquals(Field.IDENTIFIER, cause.inputField())
        assertTrue(cause.toString().isNotBlank() && cause.toString() in explained.toString(), "$explained")
        assertEquals(Cause.PlusAsSpace(Field.IDENTIFIER, "a+b@example.com", "a b@example.com"), cause)
        fun variants(c: Class<*>) = c.declaredClasses.filter { c.isAssignableFrom(it) }.map { it.simpleName }.toSet()
        assertEquals(setOf("Matches", "Explained", "Unexplained"), variants(Diagnosis::class.java))
        assertEquals(11, variants(Cause::class.java).size)

        val other = diagnose(listOf(secret, "whsec_previous_0123456789abcdef"), SignedInput(identifier = "user-42"), signIdentifier("whsec_previous_0123456789abcdef", "user-42"))
        assertEquals(listOf(Cause.OtherSecret(1)), (other as Diagnosis.Explained).causes)
        val unexplained = diagnose(listOf(secret), SignedInput(identifier = "user-42"), signIdentifier("whsec_unknown_0123456789abcdef", "user-42"))
        assertTrue(unexplained === Diagnosis.Unexplained, "$unexplained")
        assertNoSecret(listOf(secret, "whsec_previous_0123456789abcdef"), matches, explained, other, unexplained)
    }

    private fun query(url: String): Map<String, String> =
        URI(url).rawQuery.split('&').associate { it.substringBefore('=') to it.substringAfter('=') }

    @Test
    fun `IdentitySigner widgetUrl signs now and round-trips through the verifier`() {
        val signer = IdentitySigner(secret, org)
        val verifier = Verifier(listOf(secret), org)
        val before = System.currentTimeMillis()
        val url = signer.widgetUrl("https://widget.example.com/", "a+b@example.com", "Alice Smith")
        val got = verifier.verifyUrl(url)
        assertEquals(listOf("a+b@example.com", org, "Alice Smith"), listOf(got.email, got.orgId, got.name))
        assertTrue(got.timestampMs in before..System.currentTimeMillis(), "$got")
        assertEquals(emptyMap<String, String>(), got.params)
        // The same URL as sign + widgetUrl would make from that identity.
        val identity = SignedIdentity(got.email, got.timestampMs, got.orgId, got.nonce, query(url).getValue("user_hash"))
        assertEquals(widgetUrl("https://widget.example.com/", identity, "Alice Smith"), url)
        // No name, null or empty: no name parameter; a fresh nonce each time.
        for (name in listOf(null, "")) {
            val plain = signer.widgetUrl("https://widget.example.com/?theme=dark", "bob@example.com", name)
            assertFalse("name=" in plain, plain)
            val bob = verifier.verifyUrl(plain)
            assertNull(bob.name)
            assertEquals(mapOf("theme" to "dark"), bob.params)
            assertFalse(bob.nonce == got.nonce)
        }
        assertEquals("bob@example.com", verifier.verifyUrl(signer.widgetUrl("https://w.example/", "bob@example.com")).email)
        // Under another org's verifier it is that org's error.
        assertTrue(rejected("wrong org") { Verifier(listOf(secret), "org_999").verifyUrl(signer.widgetUrl("https://w.example/", "a@b.c")) } is UserHashException.WrongOrg)
    }
}
