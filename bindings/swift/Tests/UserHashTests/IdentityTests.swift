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
            let got = try verifier([c.signing.secret], c.signing.orgId)
                .verifyUrlAt(url: url.utf8Data, nowMs: signed.timestampMs)
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
}
