import Foundation
import UserHash
import XCTest

/// verify.json (SPEC §3): each case builds one verifier and runs its checks in
/// order on it, so replays and a full store show.
final class VerifyTests: XCTestCase {
    let vectors: VerifyVectors = try! Vectors.load("verify.json")

    /// The rejections SPEC §3 names; each must appear in the vectors.
    static let rejections: Set<String> = [
        "Missing", "Malformed", "Duplicate", "WrongOrg", "Mismatch", "Expired", "FromFuture", "Replayed",
        "StoreFull", "StoreUnavailable",
    ]

    private func makeVerifier(for c: VerifyVectors.Case) throws -> Verifier {
        let store: NonceStore? =
            switch c.store?.kind {
            case nil: nil
            case "memory": memoryStore(capacity: c.store?.capacity)
            // A store written in Swift that is always down: the verifier fails closed.
            case "failing": FailingStore()
            case let kind?: throw VectorError.unknownStore(kind)
            }
        return try verifier(
            c.secrets, c.orgId, toleranceMs: c.toleranceMs, store: store, maxUrlLen: c.maxUrlLen,
            maxParams: c.maxParams)
    }

    /// Runs one case; returns the outcomes seen (`ok` or a variant's name).
    private func run(_ c: VerifyVectors.Case) throws -> Set<String> {
        let verifier = try makeVerifier(for: c)
        var seen = Set<String>()
        for (step, check) in c.checks.enumerated() {
            let label = "\(c.name) (check \(step))"
            let result = Result { try verifier.verifyUrlAt(url: check.url.utf8Data, nowMs: millis(check.nowMs)) }
            switch (result, check.expect.ok) {
            case (.success(let got), let ok?):
                XCTAssertEqual(got.email, ok.email, label)
                XCTAssertEqual(got.orgId, ok.orgId, label)
                XCTAssertEqual(got.timestampMs, millis(ok.timestampMs), label)
                XCTAssertEqual(got.nonce, ok.nonce, label)
                XCTAssertEqual(got.name, ok.name, label)
                XCTAssertEqual(got.params, ok.params, label)
                XCTAssertEqual(Int64(got.keyIndex), ok.keyIndex, label)
                seen.insert("ok")
            case (.success(let got), nil):
                XCTFail("\(label): accepted \(got.email), expected \(check.expect.error ?? "?")")
            case (.failure(let error), _):
                guard let error = error as? UserHashError else {
                    XCTFail("\(label): threw \(error), not a UserHashError")
                    continue
                }
                guard let expected = check.expect.error else {
                    XCTFail("\(label): rejected (\(error.variantName): \(error.text)), expected it accepted")
                    continue
                }
                assertVariant(error, expected, field: check.expect.field, label)
                assertNoSecret(c.secrets, in: error, label)
                if let text = check.expect.messageContains {
                    XCTAssertTrue(error.text.contains(text), "\(label): \(error.text)")
                }
                for (name, value) in check.expect.fields ?? [:] {
                    XCTAssertEqual(error.namedFields[name], value.description, "\(label): \(name)")
                }
                seen.insert(error.variantName)
            }
        }
        return seen
    }

    func testCases() throws {
        var seen = Set<String>()
        for c in vectors.cases {
            seen.formUnion(try run(c))
        }
        XCTAssertTrue(seen.contains("ok"))
        XCTAssertEqual(Self.rejections.subtracting(seen), [], "rejections with no vector")
    }

    func testDefaults() throws {
        let v = try verifier(["whsec_9f2c4e7a1b3d5f60a8c2e4b6d8f0a1c3"], "org_123")
        XCTAssertEqual(v.toleranceMs(), millis(vectors.defaultToleranceMs))
        XCTAssertEqual(v.maxUrlLen(), UInt64(vectors.defaultMaxUrlLen))
        XCTAssertEqual(v.maxParams(), UInt64(vectors.defaultMaxParams))
    }

    func testConfigErrors() {
        XCTAssertFalse(vectors.configErrors.isEmpty)
        for c in vectors.configErrors {
            guard let error = rejection(c.name, { try verifier(c.secrets, c.orgId) }) else { continue }
            assertVariant(error, c.error, field: c.field, c.name)
            assertNoSecret(c.secrets, in: error, c.name)
        }
    }

    func testOrgIdOf() {
        XCTAssertFalse(vectors.orgIdOf.isEmpty)
        for c in vectors.orgIdOf {
            if let orgId = c.orgId {
                XCTAssertEqual(try orgIdOf(url: c.url.utf8Data), orgId, c.url)
            } else if let error = rejection(c.url, { try orgIdOf(url: c.url.utf8Data) }) {
                assertVariant(error, c.error!, field: c.field, c.url)
            }
        }
    }
}

enum VectorError: Error {
    case unknownStore(String)
}

/// A store that is always down.
final class FailingStore: NonceStore {
    func checkAndInsert(orgId: String, nonce: String, expiresAtMs: Millis) throws -> Bool {
        throw UserHashError.StoreUnavailable(reason: "test store is down", message: "test store is down")
    }
}
