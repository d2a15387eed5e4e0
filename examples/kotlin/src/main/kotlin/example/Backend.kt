package example

import dev.userhash.Ed25519KeyPair
import dev.userhash.IdentitySigner
import dev.userhash.Profile
import dev.userhash.SignedIdentity
import dev.userhash.TokenSigner
import dev.userhash.TokenSubject
import dev.userhash.sign

/**
 * The app's backend, which signs the logged-in user (in production this runs
 * on your server: the secret never ships in an app). One signer for the life
 * of the process: the secret's key state is computed once.
 */
class Backend(secret: String, orgId: String, tokenPrivateKey: String) {
    private val signer = IdentitySigner(secret, orgId)
    private val tokenSigner = TokenSigner.ed25519(tokenPrivateKey, Profile.USERHASH, org = orgId)

    /** What the app's `GET /support/identity` would answer: sign now, with a fresh nonce. */
    fun signedIdentity(user: User): SignedIdentity = signer.sign(user.email)

    /**
     * The same user as an identity token (JWT, EdDSA), for a widget that
     * takes one (`Authorization: Bearer ...`): five minutes, a fresh `jti`.
     * Its private key is the backend's alone; the widget's server has the
     * public key only.
     */
    fun identityToken(user: User): String = tokenSigner.sign(TokenSubject(user.email, email = user.email))
}

/** Signs a demo user as the backend would and prints the URL the WebView loads. */
fun main() {
    val secret = System.getenv("USERHASH_SECRET") ?: "dev-only-secret-0123456789abcdef"
    val user = User("alice+support@example.com", "Alice", avatarUrl = null)
    // A key pair made here for the demo; yours is made once (Ed25519KeyPair.generate) and kept as a secret.
    val identity = Backend(secret, "org_123", Ed25519KeyPair.generate().privatePem()).signedIdentity(user)
    println(supportWidgetUrl(identity, user, colorScheme = "dark", locale = "en-GB"))
}
