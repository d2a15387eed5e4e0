import Foundation
import UserHash
import XCTest

// What the tests share: the vectors' names for the generated error's cases
// and fields, and the helpers that run a call expected to be refused.

extension UserHashError {
    /// The case's name as SPEC.md and the vectors spell it. A switch, so a
    /// new case in the uniffi layer breaks this build until it is named here.
    var variantName: String {
        switch self {
        case .WeakSecret: "WeakSecret"
        case .Malformed: "Malformed"
        case .Missing: "Missing"
        case .Duplicate: "Duplicate"
        case .WrongOrg: "WrongOrg"
        case .Mismatch: "Mismatch"
        case .Expired: "Expired"
        case .FromFuture: "FromFuture"
        case .Replayed: "Replayed"
        case .StoreFull: "StoreFull"
        case .StoreUnavailable: "StoreUnavailable"
        case .TooLarge: "TooLarge"
        case .UnknownKey: "UnknownKey"
        case .AlgorithmRefused: "AlgorithmRefused"
        case .MissingClaim: "MissingClaim"
        case .WrongAudience: "WrongAudience"
        case .LifetimeTooLong: "LifetimeTooLong"
        }
    }

    /// The field the error is about, as the vectors name it: the core's
    /// `Error::field()`, which the uniffi layer does not export, so the cases
    /// without a `field` of their own are mapped here as the core maps them.
    var fieldName: String? {
        switch self {
        case .WeakSecret: "secret"
        case .Malformed(let field, _), .Missing(let field), .Duplicate(let field): field.asStr()
        case .WrongOrg: Field.orgId.asStr()
        case .UnknownKey: Field.kid.asStr()
        case .AlgorithmRefused: Field.token.asStr()
        case .MissingClaim, .WrongAudience, .LifetimeTooLong: Field.claims.asStr()
        default: nil
        }
    }

    /// The case's own fields that the vectors' `fields` may name, as text.
    var namedFields: [String: String] {
        switch self {
        case .WrongOrg(let expected, let actual): ["expected": expected, "actual": actual]
        case .Expired(let age, let tolerance, let timestamp):
            ["age_ms": "\(age)", "tolerance_ms": "\(tolerance)", "timestamp_ms": "\(timestamp)"]
        case .FromFuture(let ahead, let tolerance): ["ahead_ms": "\(ahead)", "tolerance_ms": "\(tolerance)"]
        case .StoreFull(let capacity): ["capacity": "\(capacity)"]
        case .TooLarge(let limit, let max): ["limit": limit.asStr(), "max": "\(max)"]
        case .UnknownKey(let kid): ["kid": kid]
        case .AlgorithmRefused(let alg, let expected): ["alg": alg, "expected": expected]
        case .MissingClaim(let claim): ["claim": claim]
        case .WrongAudience(let claim, let expected, let actual): ["claim": claim, "expected": expected, "actual": actual]
        case .LifetimeTooLong(let lifetime, let max): ["lifetime_s": "\(lifetime)", "max_lifetime_s": "\(max)"]
        default: [:]
        }
    }
}

/// Runs `body`, which must throw a `UserHashError`; returns it (nil, after
/// recording a failure, when it returned or threw something else).
func rejection<T>(
    _ label: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T
) -> UserHashError? {
    do {
        let value = try body()
        XCTFail("\(label): expected a UserHashError, got \(String(describing: value).prefix(200))", file: file, line: line)
    } catch let error as UserHashError {
        return error
    } catch {
        XCTFail("\(label): expected a UserHashError, got \(error)", file: file, line: line)
    }
    return nil
}

/// `rejection` for an awaited call.
func asyncRejection<T>(
    _ label: String, file: StaticString = #filePath, line: UInt = #line, _ body: () async throws -> T
) async -> UserHashError? {
    do {
        let value = try await body()
        XCTFail("\(label): expected a UserHashError, got \(String(describing: value).prefix(200))", file: file, line: line)
    } catch let error as UserHashError {
        return error
    } catch {
        XCTFail("\(label): expected a UserHashError, got \(error)", file: file, line: line)
    }
    return nil
}

/// The error is the vector's case, with its field.
func assertVariant(
    _ error: UserHashError, _ expected: String, field: String?, _ label: String,
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(error.variantName, expected, "\(label): \(error)", file: file, line: line)
    if let field {
        XCTAssertEqual(error.fieldName, field, "\(label): \(error)", file: file, line: line)
    }
}

/// Nothing shown of an error (its description, reflection, localized
/// description) contains one of `secrets`.
func assertNoSecret(
    _ secrets: [String], in error: UserHashError, _ label: String, file: StaticString = #filePath, line: UInt = #line
) {
    assertNoSecret(secrets, in: "\(error) \(String(reflecting: error)) \(error.localizedDescription)", label,
                   file: file, line: line)
}

func assertNoSecret(
    _ secrets: [String], in shown: String, _ label: String, file: StaticString = #filePath, line: UInt = #line
) {
    for secret in secrets {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        // Below 4 characters a secret is found by chance.
        if trimmed.count >= 4 {
            XCTAssertFalse(shown.contains(trimmed), "\(label): a secret is shown: \(shown)", file: file, line: line)
        }
    }
}

/// Bytes of a hex string (the vectors' keys, messages and tags).
func hex(_ s: String) -> Data {
    var bytes = Data(capacity: s.count / 2)
    var index = s.startIndex
    while index < s.endIndex {
        let next = s.index(index, offsetBy: 2)
        bytes.append(UInt8(s[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}

func hexString(_ data: Data) -> String {
    data.map { String(format: "%02x", $0) }.joined()
}

/// The signer and identity of a vector's signing fields (the timestamp is a decimal string there).
func signer(_ s: Signing) throws -> IdentitySigner {
    try IdentitySigner(secret: s.secret, orgId: s.orgId)
}

func sign(_ s: Signing) throws -> SignedIdentity {
    guard let timestamp = Int64(s.timestamp) else { throw VectorError.notANumber(s.timestamp) }
    return try signer(s).signAt(email: s.email, timestampMs: timestamp, nonce: s.nonce)
}

enum VectorError: Error {
    case unknownStore(String)
    case notANumber(String)
    case unknownKey(String)
}

/// The fixed inputs most behaviour tests sign with.
enum Fixture {
    static let secret = "whsec_9f2c4e7a1b3d5f60a8c2e4b6d8f0a1c3"
    static let previousSecret = "whsec_previous_0123456789abcdef01"
    static let orgId = "org_123"
    static let email = "a+b@example.com"
    static let timestamp: Int64 = 1_712_345_678_901
    static let nonce = "550e8400-e29b-41d4-a716-446655440000"

    /// A widget URL signed at `timestamp` with `nonce` under `secret`.
    static func url(
        nonce: String = Fixture.nonce, secret: String = Fixture.secret, timestamp: Int64 = Fixture.timestamp
    ) throws -> String {
        let identity = try IdentitySigner(secret: secret, orgId: orgId)
            .signAt(email: email, timestampMs: timestamp, nonce: nonce)
        return try widgetUrl(baseUrl: "https://widget.example.com/", identity: identity, name: "Alice")
    }
}

/// Outcomes counted from many threads or tasks.
final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var byName: [String: Int] = [:]
    func add(_ name: String) {
        lock.lock()
        defer { lock.unlock() }
        byName[name, default: 0] += 1
    }
    var counts: [String: Int] {
        lock.lock()
        defer { lock.unlock() }
        return byName
    }
}

/// What a verification came to: `ok`, or the rejection's name.
func outcome(_ body: () throws -> VerifiedIdentity) -> String {
    do {
        _ = try body()
        return "ok"
    } catch let error as UserHashError {
        return error.variantName
    } catch {
        return "\(error)"
    }
}
