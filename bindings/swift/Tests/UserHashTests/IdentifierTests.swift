import Foundation
import UserHash
import XCTest

/// identifier.json: scheme 1, the identifier hash (SPEC §1.1), through the
/// free functions (`String` and `Data`), the batches and `IdentifierSigner`.
final class IdentifierTests: XCTestCase {
    let vectors: IdentifierVectors = try! Vectors.load("identifier.json")

    func testKnownAnswerOfSpec11() throws {
        let spec = "959217e5001533694e1f8ac122e7c24eef04409d31f9e9b5227cf2165b6e6d82"
        XCTAssertEqual(try signIdentifier(secret: "<widget-hmac-token>", identifier: "<identifier>"), spec)
        XCTAssertEqual(
            try signIdentifier(secret: Data("<widget-hmac-token>".utf8), identifier: Data("<identifier>".utf8)), spec)
    }

    func testSign() throws {
        XCTAssertFalse(vectors.sign.isEmpty)
        for c in vectors.sign {
            let got = try signIdentifier(secret: c.secret, identifier: c.identifier)
            XCTAssertEqual(got, c.hash, c.name)
            XCTAssertTrue(try verifyIdentifier(secret: c.secret, identifier: c.identifier, hash: got), c.name)
            let signer = try IdentifierSigner(secret: c.secret)
            XCTAssertEqual(try signer.sign(identifier: c.identifier), c.hash, c.name)
            XCTAssertTrue(signer.verify(identifier: c.identifier, hash: c.hash), c.name)
        }
    }

    func testVerify() throws {
        XCTAssertFalse(vectors.verify.isEmpty)
        for c in vectors.verify {
            XCTAssertEqual(try verifyIdentifier(secret: c.secret, identifier: c.identifier, hash: c.hash), c.valid, c.name)
            XCTAssertEqual(try IdentifierSigner(secret: c.secret).verify(identifier: c.identifier, hash: c.hash), c.valid, c.name)
        }
    }

    func testSignAndVerifyBatched() throws {
        for (secret, cases) in Dictionary(grouping: vectors.sign, by: \.secret) {
            XCTAssertEqual(try signIdentifiers(secret: secret, identifiers: cases.map(\.identifier)), cases.map(\.hash))
        }
        for (secret, cases) in Dictionary(grouping: vectors.verify, by: \.secret) {
            let pairs = cases.map { IdentifierHash(identifier: $0.identifier, hash: $0.hash) }
            XCTAssertEqual(try verifyIdentifiers(secret: secret, pairs: pairs), cases.map(\.valid))
        }
    }

    func testErrors() {
        XCTAssertFalse(vectors.errors.isEmpty)
        for c in vectors.errors {
            let error = rejection(c.name) {
                if c.operation == "sign" {
                    return try signIdentifier(secret: c.secret, identifier: c.identifier)
                }
                return String(try verifyIdentifier(secret: c.secret, identifier: c.identifier, hash: c.hash ?? ""))
            }
            guard let error else { continue }
            assertVariant(error, c.error, field: c.field, c.name)
            assertNoSecret([c.secret], in: error, c.name)
        }
    }

    /// Bytes that are not UTF-8 (only `Data` can carry them) are `Malformed`
    /// naming the field when signing, and never valid when verifying.
    func testBytesThatAreNotUtf8() throws {
        let secret = Data(Fixture.secret.utf8)
        let notText = Data([0x75, 0xff, 0x42])
        let error = rejection("not UTF-8") { try signIdentifier(secret: secret, identifier: notText) }
        XCTAssertEqual(error?.fieldName, "identifier")
        XCTAssertEqual(error?.variantName, "Malformed")
        XCTAssertFalse(try verifyIdentifier(secret: secret, identifier: notText, hash: Data(repeating: 0x30, count: 64)))
    }

    /// Neither signer shows its secret.
    func testSignersDoNotShowTheirSecret() throws {
        let shown = [
            String(reflecting: try IdentifierSigner(secret: Fixture.secret)),
            String(reflecting: try IdentitySigner(secret: Fixture.secret, orgId: Fixture.orgId)),
            String(reflecting: try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId)),
        ]
        for text in shown {
            XCTAssertFalse(text.isEmpty)
            assertNoSecret([Fixture.secret], in: text, "debugDescription")
        }
    }
}
