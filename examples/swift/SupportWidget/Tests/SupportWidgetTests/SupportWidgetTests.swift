import Foundation
import SupportWidget
import UserHash
import XCTest

/// Signing in tests, the way an app's UI test would set up the support
/// screen: a test secret and `signAt` with a fixed time and nonce for a
/// fixture user, so the URL is the same on every run and can be compared
/// byte for byte; then the widget's side verifies it, once.
final class SupportWidgetTests: XCTestCase {
    let testSecret = "test-only-secret-0123456789abcdef"
    let user = User(email: "alice+support@example.com", name: "Alice Smith", avatarUrl: "https://cdn.example.com/a.png")
    let signedAt: Int64 = 1_712_345_678_901

    /// The fixture user, signed as the backend would, with a fixed clock and nonce.
    private func fixtureIdentity(_ email: String, nonce: String) throws -> SignedIdentity {
        try IdentitySigner(secret: testSecret, orgId: "org_123").signAt(email: email, timestampMs: signedAt, nonce: nonce)
    }

    func testTheWebViewUrlForASignedFixtureUser() throws {
        let identity = try fixtureIdentity(user.email, nonce: "550e8400-e29b-41d4-a716-446655440000")
        let url = try supportWidgetUrl(identity: identity, user: user, colorScheme: "dark", locale: "en-GB")
        XCTAssertEqual(
            url.absoluteString,
            "https://widget.example.com/?orgId=org_123&email=alice%2Bsupport%40example.com&name=Alice+Smith"
                + "&avatarUrl=https%3A%2F%2Fcdn.example.com%2Fa.png&initialScreen=chat&support_locale=en-GB"
                + "&support_mode=authenticated&theme=dark&timestamp=1712345678901"
                + "&nonce=550e8400-e29b-41d4-a716-446655440000&user_hash=\(identity.userHash)")
        // Foundation reads the same query the widget will (the `+` of the email intact).
        let query = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? []
        XCTAssertEqual(query.first { $0.name == "email" }?.value, "alice+support@example.com")
        // The widget's server accepts it once, with the `+` intact.
        let verifier = try Verifier(secrets: [testSecret], orgId: "org_123")
        let verified = try verifier.verifyUrlAt(url: url.absoluteString, nowMs: signedAt + 1_000)
        XCTAssertEqual(verified.email, "alice+support@example.com")
        XCTAssertEqual(verified.name, "Alice Smith")
        XCTAssertEqual(verified.params["theme"], "dark")
        XCTAssertThrowsError(try verifier.verifyUrlAt(url: url.absoluteString, nowMs: signedAt + 2_000)) { error in
            XCTAssertEqual(error as? UserHashError, .Replayed)
        }
    }

    func testAUserWithoutAnAvatar() throws {
        let bob = User(email: "bob@example.com", name: "Bob", avatarUrl: nil)
        let url = try supportWidgetUrl(
            identity: try fixtureIdentity(bob.email, nonce: "nonce-bob-0001"), user: bob, colorScheme: "light",
            locale: "fr-FR")
        XCTAssertTrue(url.absoluteString.contains("&avatarUrl=&"), url.absoluteString)
        let verified = try Verifier(secrets: [testSecret], orgId: "org_123").verifyUrlAt(url: url.absoluteString, nowMs: signedAt)
        XCTAssertEqual(verified.params["avatarUrl"], "")
    }

    /// A URL signed with the wrong secret, as a misconfigured test would make, is refused.
    func testAFixtureSignedWithAnotherSecretIsRefused() throws {
        let identity = try IdentitySigner(secret: "another-test-secret-0123456789ab", orgId: "org_123")
            .signAt(email: user.email, timestampMs: signedAt, nonce: "nonce-other-0001")
        let url = try supportWidgetUrl(identity: identity, user: user, colorScheme: "dark", locale: "en-GB")
        XCTAssertThrowsError(
            try Verifier(secrets: [testSecret], orgId: "org_123").verifyUrlAt(url: url.absoluteString, nowMs: signedAt)
        ) { error in
            XCTAssertEqual(error as? UserHashError, .Mismatch)
            XCTAssertTrue("\(error)".contains("does not match"), "\(error)")
        }
    }

    /// What `swift run support-widget-url` prints is a URL the widget accepts now.
    func testTheDemoUrlVerifiesNow() throws {
        let secret = "demo-secret-for-the-test-0123456789"
        let url = try demoSupportWidgetUrl(environment: ["USERHASH_SECRET": secret]).absoluteString
        XCTAssertTrue(url.hasPrefix("https://widget.example.com/?orgId=org_123&email=alice%2Bsupport%40example.com"), url)
        XCTAssertEqual(try Verifier(secrets: [secret], orgId: "org_123").verifyUrl(url: url).email, "alice+support@example.com")
    }

    /// The README shows `supportWidgetUrl` as it is in SupportWidget.swift.
    func testTheReadmeShowsTheCodeAsItIs() throws {
        // Tests/SupportWidgetTests/ of the package, whose folder is in examples/swift/ beside the README.
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let readme = try String(
            contentsOf: package.deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(
            contentsOf: package.appendingPathComponent("Sources/SupportWidget/SupportWidget.swift"), encoding: .utf8)
        let blocks = readme.components(separatedBy: "```swift\n").dropFirst().map { $0.components(separatedBy: "\n```")[0] }
        XCTAssertFalse(blocks.isEmpty)
        XCTAssertTrue(blocks[0].hasPrefix("public func supportWidgetUrl("), blocks[0])
        XCTAssertTrue(source.contains(blocks[0]), blocks[0])
    }
}
