package example

import dev.userhash.IdentitySigner
import dev.userhash.UserHashException
import dev.userhash.Verifier
import dev.userhash.signAt
import dev.userhash.verifyUrl
import dev.userhash.verifyUrlAt
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.ByteArrayOutputStream
import java.io.PrintStream

/**
 * Signing in tests, the way an Android instrumented test would: a test secret
 * and `signAt` with a fixed time and nonce, so the URL is the same on every
 * run and can be compared byte for byte; then the widget's side verifies it.
 */
class SupportWidgetTest {
    private val testSecret = "test-only-secret-0123456789abcdef"
    private val signer = IdentitySigner(testSecret, "org_123")
    private val user = User("alice+support@example.com", "Alice Smith", avatarUrl = "https://cdn.example.com/a.png")
    private val signedAt = 1_712_345_678_901L

    @Test
    fun `the WebView URL for a signed user`() {
        val identity = signer.signAt(user.email, signedAt, "550e8400-e29b-41d4-a716-446655440000")
        val url = supportWidgetUrl(identity, user, colorScheme = "dark", locale = "en-GB")
        assertEquals(
            "https://widget.example.com/?orgId=org_123&email=alice%2Bsupport%40example.com&name=Alice+Smith" +
                "&avatarUrl=https%3A%2F%2Fcdn.example.com%2Fa.png&initialScreen=chat&support_locale=en-GB" +
                "&support_mode=authenticated&theme=dark&timestamp=1712345678901" +
                "&nonce=550e8400-e29b-41d4-a716-446655440000&user_hash=${identity.userHash}",
            url,
        )
        // The widget's server accepts it once, with the `+` intact.
        val verifier = Verifier(listOf(testSecret), "org_123")
        val verified = verifier.verifyUrlAt(url, signedAt + 1_000)
        assertEquals("alice+support@example.com", verified.email)
        assertEquals("Alice Smith", verified.name)
        assertEquals("dark", verified.params["theme"])
        assertThrows(UserHashException.Replayed::class.java) { verifier.verifyUrlAt(url, signedAt + 2_000) }
    }

    @Test
    fun `a user without an avatar`() {
        val identity = signer.signAt("bob@example.com", signedAt, "nonce-bob-0001")
        val url = supportWidgetUrl(identity, User("bob@example.com", "Bob", null), "light", "fr-FR")
        assertTrue("&avatarUrl=&" in url, url)
        assertEquals("", Verifier(listOf(testSecret), "org_123").verifyUrlAt(url, signedAt).params["avatarUrl"])
    }

    @Test
    fun `the README shows supportWidgetUrl as it is in SupportWidget_kt`() {
        // Surefire runs in the project's folder.
        val block = java.io.File("README.md").readText().substringAfter("```kotlin\n").substringBefore("\n```")
        assertTrue(block.startsWith("fun supportWidgetUrl("), block)
        assertTrue(block in java.io.File("src/main/kotlin/example/SupportWidget.kt").readText(), block)
    }

    @Test
    fun `the example program prints a URL the widget accepts now`() {
        val out = ByteArrayOutputStream()
        val saved = System.out
        System.setOut(PrintStream(out, true, Charsets.UTF_8))
        try {
            main()
        } finally {
            System.setOut(saved)
        }
        val url = out.toString(Charsets.UTF_8).trim()
        assertTrue(url.startsWith("https://widget.example.com/?orgId=org_123&email=alice%2Bsupport%40example.com"), url)
        val secret = System.getenv("USERHASH_SECRET") ?: "dev-only-secret-0123456789abcdef"
        assertEquals("alice+support@example.com", Verifier(listOf(secret), "org_123").verifyUrl(url).email)
    }
}
