package example

import dev.userhash.Ed25519KeyPair
import dev.userhash.memoryNonceStore
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The widget's server, suspended: each signed URL and each token is accepted once. */
class WidgetServerTest {
    private val secret = "test-only-secret-0123456789abcdef"
    private val keys = Ed25519KeyPair.generate()
    private val backend = Backend(secret, "org_123", keys.privatePem())
    private val user = User("alice+support@example.com", "Alice", avatarUrl = null)

    private fun server() = WidgetServer(listOf(secret), "org_123", keys.publicPem(), WidgetServer.nonceStore { null })

    @Test
    fun `a signed widget URL opens the widget once`() = runBlocking {
        val server = server()
        val url = supportWidgetUrl(backend.signedIdentity(user), user, colorScheme = "dark", locale = "en-GB")
        assertEquals("verified as alice+support@example.com", server.openWidget(url))
        val again = server.openWidget(url)
        assertTrue(again.startsWith("Replayed: "), again)
    }

    @Test
    fun `an identity token is accepted once, and a tampered one never`() = runBlocking {
        val server = server()
        val token = backend.identityToken(user)
        assertEquals("verified as alice+support@example.com", server.me("Bearer $token"))
        assertTrue(server.me("Bearer $token").startsWith("Replayed: "))
        val other = backend.identityToken(user)
        val tampered = other.dropLast(2) + if (other.endsWith("AA")) "BA" else "AA"
        assertTrue(server.me("Bearer $tampered").startsWith("Mismatch: "), server.me("Bearer $tampered"))
        assertEquals("verified as alice+support@example.com", server.me("Bearer $other"))
    }

    @Test
    fun `many requests with one URL at once, one opens the widget`() = runBlocking {
        val server = WidgetServer(listOf(secret), "org_123", keys.publicJwk(), memoryNonceStore())
        val url = supportWidgetUrl(backend.signedIdentity(user), user, colorScheme = "light", locale = "fr-FR")
        val answers = List(32) { async { server.openWidget(url) } }.awaitAll()
        assertEquals(1, answers.count { it.startsWith("verified as ") }, "$answers")
        assertEquals(31, answers.count { it.startsWith("Replayed: ") }, "$answers")
    }
}
