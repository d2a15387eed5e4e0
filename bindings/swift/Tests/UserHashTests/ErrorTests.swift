import Foundation
import UserHash
import XCTest

/// The one generated error: every case's `description` is the core's
/// message (the exported Rust `Display`), and so is what `print`, string
/// interpolation and `localizedDescription` show.
final class ErrorTests: XCTestCase {
    /// Every case, each with the start of the core's message for it (core/src/error.rs).
    static let every: [(UserHashError, String)] = [
        (.WeakSecret(len: 5), "the secret is 5 bytes long; at least 16 are required"),
        (.Malformed(field: .email, reason: "it is empty"), "email is malformed: it is empty"),
        (.Missing(field: .userHash), "the URL has no `user_hash` parameter"),
        (.Duplicate(field: .orgId), "the `orgId` parameter appears more than once"),
        (.WrongOrg(expected: "org_1", actual: "org_2"), "the URL is for org `org_2`, but this verifier is for org `org_1`"),
        (.Mismatch, "the signature does not match under any configured secret or key"),
        (.Expired(ageMs: 321_099, toleranceMs: 300_000, timestampMs: 1_712_345_678_901),
         "the signature is 321099 ms old, beyond the 300000 ms tolerance; sign a fresh one for each page load"),
        (.FromFuture(aheadMs: 5000, toleranceMs: 1000), "the timestamp is 5000 ms in the future, beyond the 1000 ms tolerance"),
        (.Replayed, "this nonce was already used"),
        (.StoreFull(capacity: 7), "the nonce store is full (7 live nonces)"),
        (.StoreUnavailable(reason: "db down"), "the nonce store is unavailable (db down); the request was refused (fail closed)"),
        (.TooLarge(limit: .paramCount, max: 10), "the URL has more than 10 parameters, this verifier's max_params"),
        (.UnknownKey(kid: "k-9"), "the token's kid `k-9` names no key of this verifier"),
        (.AlgorithmRefused(alg: "none", expected: "this key is HS256"), "the token's header says alg `none`, but this key is HS256"),
        (.MissingClaim(claim: "exp"), "the token has no `exp` claim; a token without an expiry"),
        (.WrongAudience(claim: "aud", expected: "a", actual: "b"), "the token's `aud` is `b`, but this verifier is for `a`"),
        (.LifetimeTooLong(lifetimeS: 7200, maxLifetimeS: 3600), "the token lives 7200 s (exp - iat), more than this verifier's max_lifetime of 3600 s"),
    ]

    func testEveryCaseDescribesItselfWithTheCoresMessage() {
        XCTAssertEqual(Set(Self.every.map(\.0.variantName)).count, 17, "one of each case")
        for (error, start) in Self.every {
            let message = error.description
            XCTAssertTrue(message.hasPrefix(start), "\(error.variantName): \(message)")
            XCTAssertEqual(message, errorMessage(error: error), error.variantName)
            XCTAssertEqual("\(error)", message, error.variantName)
            XCTAssertEqual(String(describing: error), message, error.variantName)
            XCTAssertEqual(error.localizedDescription, message, error.variantName)
            XCTAssertEqual((error as Error).localizedDescription, message, error.variantName)
        }
    }

    /// The errors the core raises carry the same message, fields included.
    func testAnErrorFromTheCoreDescribesItself() throws {
        let verifier = try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId)
        let url = try Fixture.url()
        let error = rejection("old") { try verifier.verifyUrlAt(url: url, nowMs: Fixture.timestamp + 321_099) }
        XCTAssertEqual(error, .Expired(ageMs: 321_099, toleranceMs: 300_000, timestampMs: Fixture.timestamp))
        XCTAssertEqual(
            error?.description,
            "the signature is 321099 ms old, beyond the 300000 ms tolerance; sign a fresh one for each page load")
        let seconds = rejection("seconds") {
            try verifier.verifyUrlAt(url: try Fixture.url(timestamp: Fixture.timestamp / 1000), nowMs: Fixture.timestamp)
        }
        XCTAssertTrue("\(seconds!)".contains("looks like seconds"), "\(seconds!)")
    }

    /// Cases compare by value, and match in `catch` by case.
    func testCasesMatchInCatch() throws {
        let verifier = try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId)
        let url = try Fixture.url()
        _ = try verifier.verifyUrlAt(url: url, nowMs: Fixture.timestamp)
        var caught = ""
        do {
            _ = try verifier.verifyUrlAt(url: url, nowMs: Fixture.timestamp)
        } catch UserHashError.Replayed {
            caught = "Replayed"
        } catch {
            caught = "\(error)"
        }
        XCTAssertEqual(caught, "Replayed")
        XCTAssertNotEqual(UserHashError.Expired(ageMs: 1, toleranceMs: 0, timestampMs: 0),
                          .Expired(ageMs: 2, toleranceMs: 0, timestampMs: 0))
    }

    /// The enums of the layer carry the core's names.
    func testEnumNames() {
        XCTAssertEqual(Field.orgId.asStr(), "org_id")
        XCTAssertEqual("\(Field.userHash)", "user_hash")
        XCTAssertEqual(Limit.urlLength.asStr(), "max_url_len")
        XCTAssertEqual(SecretEdit.trailingCrlf.asStr(), "trailing_crlf")
        XCTAssertEqual(Profile.zendesk.asStr(), "zendesk")
        XCTAssertEqual(Algorithm.edDsa.asStr(), "EdDSA")
        XCTAssertFalse(version().isEmpty)
    }
}
