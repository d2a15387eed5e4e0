import Foundation
import UserHash

/// The app's backend, which signs the logged-in user (in production this runs
/// on your server, answering the app's `GET /support/identity`: the secret
/// never ships in an app). One signer for the life of the process: the
/// secret's key state is computed once, and it is safe to share between
/// threads.
public final class Backend: Sendable {
    private let signer: IdentitySigner

    public init(secret: String, orgId: String) throws {
        signer = try IdentitySigner(secret: secret, orgId: orgId)
    }

    /// Signs `user` now, with a fresh nonce: a signed URL is good for one page load.
    public func signedIdentity(for user: User) throws -> SignedIdentity {
        try signer.sign(email: user.email)
    }
}

/// What `swift run support-widget-url` prints: the URL the web view loads for
/// a demo user, signed now with `USERHASH_SECRET` (or a development secret).
public func demoSupportWidgetUrl(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
    let secret = environment["USERHASH_SECRET"] ?? "dev-only-secret-0123456789abcdef"
    let user = User(email: "alice+support@example.com", name: "Alice", avatarUrl: nil)
    let identity = try Backend(secret: secret, orgId: "org_123").signedIdentity(for: user)
    return try supportWidgetUrl(identity: identity, user: user, colorScheme: "dark", locale: "en-GB")
}
