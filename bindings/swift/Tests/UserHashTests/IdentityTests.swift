import Foundation
import UserHash
import XCTest

/// identity.json (SPEC §1.2, §1.3) and widget_url.json (SPEC §2).
final class IdentityTests: XCTestCase {
    let identity: IdentityVectors = try! Vectors.load("identity.json")
    let widget: WidgetUrlVectors = try! Vectors.load("widget_url.json")

    func testSign() throws {
        XCTAssertFalse(identity.sign.isEmpty)
        for c in identity.sign {
            let got = try sign(c.signing)
            XCTAssertEqual(got.userHash, c.userHash, c.signing.name)
            XCTAssertEqual([got.email, "\(got.timestampMs)", got.orgId, got.nonce].joined(separator: "|"), c.message)
        }
    }

    func testSignErrors() {
        XCTAssertFalse(identity.errors.isEmpty)
        for c in identity.errors {
            guard let error = rejection(c.signing.name, { try sign(c.signing) }) else { continue }
            assertVariant(error, c.error, field: c.field, c.signing.name)
            assertNoSecret([c.signing.secret], in: error, c.signing.name)
        }
    }

    func testWidgetUrl() throws {
        XCTAssertFalse(widget.cases.isEmpty)
        for c in widget.cases {
            let label = c.signing.name
            let signed = try sign(c.signing)
            XCTAssertEqual(signed.userHash, c.userHash, label)
            let url = try widgetUrl(baseUrl: c.baseUrl, identity: signed, name: c.displayName, params: c.paramMap)
            XCTAssertEqual(url, c.url, label)
            // What widgetUrl makes, the verifier accepts, with the same fields back.
            let got = try Verifier(secrets: [c.signing.secret], orgId: c.signing.orgId)
                .verifyUrlAt(url: url, nowMs: signed.timestampMs)
            XCTAssertEqual(got.email, c.signing.email, label)
            XCTAssertEqual(got.name, c.displayName, label)
            for (key, value) in c.paramMap {
                XCTAssertEqual(got.params[key], value, label)
            }
        }
    }

    /// `widgetUrl` takes a map, so a key given twice cannot be expressed:
    /// that vector alone applies to the Rust API only.
    func testOnlyTheRepeatedKeyVectorDoesNotApplyToAMap() {
        XCTAssertEqual(widget.errors.filter(\.repeatsAKey).map(\.signing.name), ["the same extra param twice"])
    }

    func testWidgetUrlErrors() throws {
        for c in widget.errors where !c.repeatsAKey {
            let label = c.signing.name
            let signed = try sign(c.signing)
            let error = rejection(label) {
                try widgetUrl(baseUrl: c.baseUrl, identity: signed, name: c.displayName, params: c.paramMap)
            }
            guard let error else { continue }
            assertVariant(error, c.error!, field: c.field, label)
        }
    }

    /// `IdentitySigner.widgetUrl` signs now and builds the URL in one call;
    /// an empty or absent name is left out.
    func testSignerWidgetUrlSignsNow() throws {
        let signer = try IdentitySigner(secret: Fixture.secret, orgId: Fixture.orgId)
        XCTAssertEqual(signer.orgId(), Fixture.orgId)
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        let url = try signer.widgetUrl(baseUrl: "https://widget.example.com/", email: Fixture.email, name: "Alice")
        XCTAssertTrue(url.hasPrefix("https://widget.example.com/?orgId=org_123&email=a%2Bb%40example.com&name=Alice&"), url)
        let verifier = try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId)
        let user = try verifier.verifyUrl(url: url)
        XCTAssertEqual(user.email, Fixture.email)
        XCTAssertEqual(user.name, "Alice")
        XCTAssertEqual(user.keyIndex, 0)
        XCTAssertGreaterThanOrEqual(user.timestampMs, before - 1000)
        XCTAssertEqual(user.nonce.count, 36, "a UUID v4: \(user.nonce)")

        for name in [nil, ""] as [String?] {
            let plain = try signer.widgetUrl(baseUrl: "https://widget.example.com/", email: Fixture.email, name: name)
            XCTAssertFalse(plain.contains("name="), plain)
            XCTAssertNil(try verifier.verifyUrl(url: plain).name)
        }
        // The generated form, with Data, agrees.
        let bytes = try signer.widgetUrl(
            baseUrl: Data("https://widget.example.com/".utf8), email: Data(Fixture.email.utf8), name: Data())
        XCTAssertEqual(try verifier.verifyUrl(url: Data(bytes.utf8)).email, Fixture.email)
        let error = rejection("a bad base URL") {
            try signer.widgetUrl(baseUrl: "https://widget.example.com/a b", email: Fixture.email)
        }
        XCTAssertEqual(error?.fieldName, "base_url")
    }

    /// `sign` makes a fresh nonce each time.
    func testSignNowUsesAFreshNonce() throws {
        let signer = try IdentitySigner(secret: Fixture.secret, orgId: Fixture.orgId)
        let (a, b) = (try signer.sign(email: Fixture.email), try signer.sign(email: Fixture.email))
        XCTAssertNotEqual(a.nonce, b.nonce)
        XCTAssertNotEqual(a.userHash, b.userHash)
        XCTAssertEqual(a.userHash.count, 64)
    }
}
