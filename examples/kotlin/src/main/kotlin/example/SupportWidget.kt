package example

import dev.userhash.SignedIdentity
import dev.userhash.widgetUrl

/** The logged-in user, as the app knows them. */
data class User(val email: String, val name: String, val avatarUrl: String?)

/**
 * The hosted support widget's URL for a WebView: the counterpart of the
 * vendor's React Native `SupportWebView.tsx`.
 *
 * [identity] comes from your backend (which holds the secret and calls
 * `IdentitySigner.sign`); the app only puts it in the URL. `widgetUrl` encodes
 * every value as `URLSearchParams` does, so a `+` in an email survives, and
 * puts the signed fields (`orgId`, `email`, `timestamp`, `nonce`,
 * `user_hash`) where the widget's verifier expects them. The other parameters
 * are not signed: the widget shows them but never trusts them.
 */
fun supportWidgetUrl(identity: SignedIdentity, user: User, colorScheme: String, locale: String): String =
    widgetUrl(
        "https://widget.example.com/",
        identity,
        user.name,
        mapOf(
            "avatarUrl" to (user.avatarUrl ?: ""),
            "theme" to colorScheme,
            "support_mode" to "authenticated",
            "support_locale" to locale,
            "initialScreen" to "chat",
        ),
    )
