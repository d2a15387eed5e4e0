import Foundation
import UserHash

/// The logged-in user, as the app knows them.
public struct User: Sendable {
    public let email: String
    public let name: String
    public let avatarUrl: String?

    public init(email: String, name: String, avatarUrl: String?) {
        self.email = email
        self.name = name
        self.avatarUrl = avatarUrl
    }
}

/// The hosted support widget's URL for a web view: the counterpart of the
/// vendor's React Native `SupportWebView.tsx`.
///
/// `identity` comes from your backend (which holds the secret and calls
/// `IdentitySigner.sign`); the app only puts it in the URL. `widgetUrl`
/// encodes every value as `URLSearchParams` does, so a `+` in an email
/// survives, and puts the signed fields (`orgId`, `email`, `timestamp`,
/// `nonce`, `user_hash`) where the widget's verifier expects them. The other
/// parameters are not signed: the widget shows them but never trusts them.
public func supportWidgetUrl(identity: SignedIdentity, user: User, colorScheme: String, locale: String) throws -> URL {
    let url = try widgetUrl(
        baseUrl: "https://widget.example.com/",
        identity: identity,
        name: user.name,
        params: [
            "avatarUrl": user.avatarUrl ?? "",
            "theme": colorScheme,
            "support_mode": "authenticated",
            "support_locale": locale,
            "initialScreen": "chat",
        ]
    )
    return URL(string: url)!  // widgetUrl's output is always a valid URL
}
