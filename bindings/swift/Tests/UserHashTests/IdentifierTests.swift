import Foundation
import UserHash
import XCTest

/// identifier.json: scheme 1, the identifier hash (SPEC §1.1).
final class IdentifierTests: XCTestCase {
    let vectors: IdentifierVectors = try! Vectors.load("identifier.json")

    func testKnownAnswerOfSpec11() throws {
        XCTAssertEqual(
            try signIdentifier(secret: "<widget-hmac-token>".utf8Data, identifier: "<identifier>".utf8Data),
            "959217e5001533694e1f8ac122e7c24eef04409d31f9e9b5227cf2165b6e6d82")
    }

    func testSign() throws {
        XCTAssertFalse(vectors.sign.isEmpty)
        for c in vectors.sign {
            let got = try signIdentifier(secret: c.secret.utf8Data, identifier: c.identifier.utf8Data)
            XCTAssertEqual(got, c.hash, c.name)
            XCTAssertTrue(
                try verifyIdentifier(secret: c.secret.utf8Data, identifier: c.identifier.utf8Data, hash: got.utf8Data),
                c.name)
        }
    }

    func testVerify() throws {
        XCTAssertFalse(vectors.verify.isEmpty)
        for c in vectors.verify {
            let valid = try verifyIdentifier(
                secret: c.secret.utf8Data, identifier: c.identifier.utf8Data, hash: c.hash.utf8Data)
            XCTAssertEqual(valid, c.valid, c.name)
        }
    }

    func testSignAndVerifyBatched() throws {
        for (secret, cases) in Dictionary(grouping: vectors.sign, by: \.secret) {
            XCTAssertEqual(
                try signIdentifiers(secret: secret.utf8Data, identifiers: cases.map(\.identifier)), cases.map(\.hash))
        }
        for (secret, cases) in Dictionary(grouping: vectors.verify, by: \.secret) {
            let pairs = cases.map { IdentifierHash(identifier: $0.identifier, hash: $0.hash) }
            XCTAssertEqual(try verifyIdentifiers(secret: secret.utf8Data, pairs: pairs), cases.map(\.valid))
        }
    }

    func testErrors() {
        XCTAssertFalse(vectors.errors.isEmpty)
        for c in vectors.errors {
            let error = rejection(c.name) {
                if c.operation == "sign" {
                    return try signIdentifier(secret: c.secret.utf8Data, identifier: c.identifier.utf8Data)
                }
                return String(
                    try verifyIdentifier(
                        secret: c.secret.utf8Data, identifier: c.identifier.utf8Data, hash: (c.hash ?? "").utf8Data))
            }
            guard let error else { continue }
            assertVariant(error, c.error, field: c.field, c.name)
            assertNoSecret([c.secret], in: error, c.name)
        }
    }
}
