package example

import dev.userhash.IdentitySigner
import dev.userhash.SignedIdentity
import dev.userhash.sign

/**
 * The app's backend, which signs the logged-in user (in production this runs
 * on your server: the secret never ships in an app). One signer for the life
 * of the process: the secret's key state is computed once.
 */
class Backend(secret: String, orgId: String) {
    private val signer = IdentitySigner(secret, orgId)

    /** What the app's `GET /support/identity` would answer: sign now, with a fresh nonce. */
    fun signedIdentity(user: User): SignedIdentity = signer.sign(user.email)
}

/** Signs a demo user as the backend would and prints the URL the WebView loads. */
fun main() {
    val secret = System.getenv("USERHASH_SECRET") ?: "dev-only-secret-0123456789abcdef"
    val user = User("alice+support@example.com", "Alice", avatarUrl = null)
    val identity = Backend(secret, "org_123").signedIdentity(user)
    println(supportWidgetUrl(identity, user, colorScheme = "dark", locale = "en-GB"))
}
