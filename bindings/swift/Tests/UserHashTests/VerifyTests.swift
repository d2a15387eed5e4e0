import Foundation
import UserHash
import XCTest

/// verify.json (SPEC §3): each case builds one verifier and runs its checks in
/// order on it, so replays and a full store show; then the verifier's
/// settings, rotation and the range check of every Int64 argument.
final class VerifyTests: XCTestCase {
    let vectors: VerifyVectors = try! Vectors.load("verify.json")

    /// The rejections of SPEC §3, and `TooLarge`; each must appear in the vectors.
    static let rejections: Set<String> = [
        "Missing", "Malformed", "Duplicate", "WrongOrg", "Mismatch", "Expired", "FromFuture", "Replayed",
        "StoreFull", "StoreUnavailable", "TooLarge",
    ]

    private func makeVerifier(for c: VerifyVectors.Case) throws -> Verifier {
        let store: NonceStore? =
            switch c.store?.kind {
            case nil: nil
            case "memory": try memoryNonceStore(capacity: c.store?.capacity)
            // A store written in Swift that is always down: the verifier fails closed.
            case "failing": FailingStore()
            case let kind?: throw VectorError.unknownStore(kind)
            }
        return try Verifier(
            secrets: c.secrets, orgId: c.orgId, toleranceMs: c.toleranceMs, nonceStore: store,
            maxUrlLen: c.maxUrlLen, maxParams: c.maxParams)
    }

    /// Runs one case; returns the outcomes seen (`ok` or a case's name).
    private func run(_ c: VerifyVectors.Case) throws -> Set<String> {
        let verifier = try makeVerifier(for: c)
        var seen = Set<String>()
        for (step, check) in c.checks.enumerated() {
            let label = "\(c.name) (check \(step))"
            let result = Result { try verifier.verifyUrlAt(url: check.url, nowMs: check.nowMs) }
            switch (result, check.expect.ok) {
            case (.success(let got), let ok?):
                XCTAssertEqual(got.email, ok.email, label)
                XCTAssertEqual(got.orgId, ok.orgId, label)
                XCTAssertEqual(got.timestampMs, ok.timestampMs, label)
                XCTAssertEqual(got.nonce, ok.nonce, label)
                XCTAssertEqual(got.name, ok.name, label)
                XCTAssertEqual(got.params, ok.params, label)
                XCTAssertEqual(got.keyIndex, ok.keyIndex, label)
                seen.insert("ok")
            case (.success(let got), nil):
                XCTFail("\(label): accepted \(got.email), expected \(check.expect.error ?? "?")")
            case (.failure(let error), _):
                guard let error = error as? UserHashError else {
                    XCTFail("\(label): threw \(error), not a UserHashError")
                    continue
                }
                guard let expected = check.expect.error else {
                    XCTFail("\(label): rejected (\(error.variantName): \(error)), expected it accepted")
                    continue
                }
                assertVariant(error, expected, field: check.expect.field, label)
                assertNoSecret(c.secrets, in: error, label)
                if let text = check.expect.messageContains {
                    XCTAssertTrue("\(error)".contains(text), "\(label): \(error)")
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

    /// The same cases through the generated `Data` form: the `String` one adds nothing but the encoding.
    func testCasesThroughData() throws {
        for c in vectors.cases where c.store?.kind == "memory" {
            let verifier = try Verifier(
                secrets: c.secrets.map { Data($0.utf8) }, orgId: Data(c.orgId.utf8), toleranceMs: c.toleranceMs,
                nonceStore: try memoryNonceStore(capacity: c.store?.capacity), maxUrlLen: c.maxUrlLen,
                maxParams: c.maxParams)
            for check in c.checks {
                let got = outcome { try verifier.verifyUrlAt(url: Data(check.url.utf8), nowMs: check.nowMs) }
                XCTAssertEqual(got, check.expect.error ?? "ok", c.name)
            }
        }
    }

    /// Left out, each setting is the core's default, and the getters say so.
    func testDefaults() throws {
        let v = try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId)
        XCTAssertEqual(v.orgId(), Fixture.orgId)
        XCTAssertEqual(v.toleranceMs(), vectors.defaultToleranceMs)
        XCTAssertEqual(v.maxUrlLen(), vectors.defaultMaxUrlLen)
        XCTAssertEqual(v.maxParams(), vectors.defaultMaxParams)
        let custom = try Verifier(
            secrets: [Fixture.secret], orgId: Fixture.orgId, toleranceMs: 1000, maxUrlLen: 2048, maxParams: 20)
        XCTAssertEqual([custom.toleranceMs(), custom.maxUrlLen(), custom.maxParams()], [1000, 2048, 20])
    }

    func testConfigErrors() {
        XCTAssertFalse(vectors.configErrors.isEmpty)
        for c in vectors.configErrors {
            guard let error = rejection(c.name, { try Verifier(secrets: c.secrets, orgId: c.orgId) }) else { continue }
            assertVariant(error, c.error, field: c.field, c.name)
            assertNoSecret(c.secrets, in: error, c.name)
        }
    }

    func testOrgIdOf() {
        XCTAssertFalse(vectors.orgIdOf.isEmpty)
        for c in vectors.orgIdOf {
            if let orgId = c.orgId {
                XCTAssertEqual(try orgIdOf(url: c.url), orgId, c.url)
            } else if let error = rejection(c.url, { try orgIdOf(url: c.url) }) {
                assertVariant(error, c.error!, field: c.field, c.url)
            }
        }
    }

    /// Rotation: the current secret first, the previous one still accepted
    /// (`keyIndex` says which matched); once dropped, `Mismatch`.
    func testRotation() throws {
        let both = try Verifier(secrets: [Fixture.secret, Fixture.previousSecret], orgId: Fixture.orgId)
        let old = try Fixture.url(nonce: "rotation-old-0001", secret: Fixture.previousSecret)
        let new = try Fixture.url(nonce: "rotation-new-0001")
        XCTAssertEqual(try both.verifyUrlAt(url: old, nowMs: Fixture.timestamp).keyIndex, 1)
        XCTAssertEqual(try both.verifyUrlAt(url: new, nowMs: Fixture.timestamp).keyIndex, 0)
        let rotated = try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId)
        let error = rejection("the retired secret") {
            try rotated.verifyUrlAt(url: try Fixture.url(nonce: "rotation-old-0002", secret: Fixture.previousSecret),
                                    nowMs: Fixture.timestamp)
        }
        XCTAssertEqual(error, .Mismatch)
    }

    /// Every rejection of a URL as its generated case, with its fields, and
    /// a message from the core that says what to fix.
    func testEveryRejectionIsItsOwnCase() throws {
        let t = Fixture.timestamp
        let verifier = try Verifier(
            secrets: [Fixture.secret], orgId: Fixture.orgId, nonceStore: try memoryNonceStore(capacity: 2),
            maxUrlLen: 1024, maxParams: 10)
        let url = try Fixture.url(nonce: "rejections-0001")
        func refused(_ label: String, _ url: String, at now: Int64 = t) -> UserHashError? {
            rejection(label) { try verifier.verifyUrlAt(url: url, nowMs: now) }
        }
        guard case .Missing(let field)? = refused("no user_hash", url.replacingOccurrences(of: "&user_hash=", with: "&hash="))
        else { return XCTFail("Missing") }
        XCTAssertEqual(field, .userHash)
        guard case .Duplicate(let duplicated)? = refused("two emails", url + "&email=x%40y.z") else { return XCTFail("Duplicate") }
        XCTAssertEqual(duplicated, .email)
        guard case .Malformed(let malformed, let reason)? = refused("a short nonce", url.replacingOccurrences(of: "nonce=rejections-0001", with: "nonce=short"))
        else { return XCTFail("Malformed") }
        XCTAssertEqual(malformed, .nonce)
        XCTAssertFalse(reason.isEmpty)
        guard case .WrongOrg(let expected, let actual)? = refused("another org", url.replacingOccurrences(of: "orgId=org_123", with: "orgId=org_9"))
        else { return XCTFail("WrongOrg") }
        XCTAssertEqual([expected, actual], ["org_123", "org_9"])
        XCTAssertEqual(refused("tampered", url.replacingOccurrences(of: "a%2Bb", with: "a%2Bc")), .Mismatch)
        XCTAssertEqual(refused("old", url, at: t + 300_001), .Expired(ageMs: 300_001, toleranceMs: 300_000, timestampMs: t))
        XCTAssertEqual(refused("ahead", url, at: t - 300_001), .FromFuture(aheadMs: 300_001, toleranceMs: 300_000))
        XCTAssertEqual(refused("long", url + "&pad=" + String(repeating: "x", count: 1024)), .TooLarge(limit: .urlLength, max: 1024))
        XCTAssertEqual(refused("many", url + String(repeating: "&p=1", count: 10)), .TooLarge(limit: .paramCount, max: 10))
        _ = try verifier.verifyUrlAt(url: url, nowMs: t)
        XCTAssertEqual(refused("again", url), .Replayed)
        _ = try verifier.verifyUrlAt(url: try Fixture.url(nonce: "rejections-0002"), nowMs: t)
        XCTAssertEqual(refused("a third live nonce", try Fixture.url(nonce: "rejections-0003")), .StoreFull(capacity: 2))
        XCTAssertEqual(
            rejection("weak") { try Verifier(secrets: ["0123456789abcde"], orgId: Fixture.orgId) }, .WeakSecret(len: 15))
        let down = try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId, nonceStore: FailingStore())
        XCTAssertEqual(
            rejection("store down") { try down.verifyUrlAt(url: url, nowMs: t) },
            .StoreUnavailable(reason: "test store is down"))
    }

    /// Every Int64 argument is range-checked in Rust: a negative one is
    /// `Malformed` naming its field, never wrapped into a huge unsigned value.
    func testANegativeInt64IsMalformedNamingItsField() throws {
        let signer = try IdentitySigner(secret: Fixture.secret, orgId: Fixture.orgId)
        let verifier = try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId)
        let url = try Fixture.url()
        let cases: [(String, Field, () throws -> Any)] = [
            ("toleranceMs", .toleranceMs, { try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId, toleranceMs: -1) }),
            ("maxUrlLen", .maxUrlLen, { try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId, maxUrlLen: -1) }),
            ("maxParams", .maxParams, { try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId, maxParams: -5) }),
            ("timestampMs", .timestamp, { try signer.signAt(email: Fixture.email, timestampMs: -1, nonce: Fixture.nonce) }),
            ("nowMs", .timestamp, { try verifier.verifyUrlAt(url: url, nowMs: Int64.min) }),
            ("capacity", .nonceStore, { try memoryNonceStore(capacity: -1) }),
            ("commandTimeoutMs", .nonceStore, { try redisNonceStore(url: "redis://127.0.0.1:1", commandTimeoutMs: -1) }),
            ("lifetimeS", .claims, {
                try TokenSigner.hs256(secret: String(repeating: "k", count: 32), profile: .drift, lifetimeS: -300)
            }),
            ("identity.timestampMs", .timestamp, {
                let identity = SignedIdentity(email: Fixture.email, timestampMs: -1, orgId: Fixture.orgId,
                                              nonce: Fixture.nonce, userHash: String(repeating: "0", count: 64))
                return try widgetUrl(baseUrl: "https://widget.example.com/", identity: identity)
            }),
        ]
        for (name, field, call) in cases {
            guard case .Malformed(let got, let reason)? = rejection(name, call) else {
                XCTFail("\(name): not Malformed")
                continue
            }
            XCTAssertEqual(got, field, name)
            XCTAssertTrue(reason.contains("it must be 0 or more"), "\(name): \(reason)")
        }
    }
}

/// A store written in Swift that is always down: it raises the generated
/// error's `StoreUnavailable`, whose reason reaches the caller.
final class FailingStore: NonceStore {
    func checkAndInsert(orgId: String, nonce: String, expiresAtMs: Int64) throws -> Bool {
        throw UserHashError.StoreUnavailable(reason: "test store is down")
    }
}
