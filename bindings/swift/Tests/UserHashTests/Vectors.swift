import Foundation
import UserHash
import XCTest

/// tests/vectors/ of the repository, found from this file's own path
/// (bindings/swift/Tests/UserHashTests/ is five levels below the root).
enum Vectors {
    static let directory: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<5 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("tests").appendingPathComponent("vectors")
    }()

    static func load<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        let url = directory.appendingPathComponent(name)
        let data = try Data(contentsOf: url)
        return try JSONDecoder().decode(T.self, from: data)
    }
}

// The files' shapes (tests/vectors/README.md). Keys are spelled out: a key
// strategy would rename the keys of `params` and `fields` too.

struct IdentifierVectors: Decodable {
    struct Sign: Decodable { let name, secret, identifier, hash: String }
    struct Verify: Decodable {
        let name, secret, identifier, hash: String
        let valid: Bool
    }
    struct Failure: Decodable {
        let name, operation, secret, identifier: String
        let hash: String?
        let error: String
        let field: String?
    }
    let sign: [Sign]
    let verify: [Verify]
    let errors: [Failure]
}

/// The signing fields every identity, widget_url case and error shares.
struct Signing: Decodable {
    let name, secret, orgId, email, timestamp, nonce: String
    enum CodingKeys: String, CodingKey {
        case name, secret, orgId = "org_id", email, timestamp, nonce
    }
}

struct IdentityVectors: Decodable {
    struct Sign: Decodable {
        let signing: Signing
        let message, userHash: String
        enum CodingKeys: String, CodingKey { case message, userHash = "user_hash" }
        init(from decoder: Decoder) throws {
            signing = try Signing(from: decoder)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            message = try c.decode(String.self, forKey: .message)
            userHash = try c.decode(String.self, forKey: .userHash)
        }
    }
    struct Failure: Decodable {
        let signing: Signing
        let error: String
        let field: String?
        enum CodingKeys: String, CodingKey { case error, field }
        init(from decoder: Decoder) throws {
            signing = try Signing(from: decoder)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            error = try c.decode(String.self, forKey: .error)
            field = try c.decodeIfPresent(String.self, forKey: .field)
        }
    }
    let sign: [Sign]
    let errors: [Failure]
}

struct WidgetUrlVectors: Decodable {
    struct Case: Decodable {
        let signing: Signing
        let baseUrl: String
        let displayName: String?
        /// Pairs in no particular order; `widgetUrl` takes a map.
        let params: [[String]]
        let url: String?
        let userHash: String?
        let error: String?
        let field: String?
        enum CodingKeys: String, CodingKey {
            case baseUrl = "base_url", displayName = "display_name", params, url, userHash = "user_hash", error, field
        }
        init(from decoder: Decoder) throws {
            signing = try Signing(from: decoder)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            baseUrl = try c.decode(String.self, forKey: .baseUrl)
            displayName = try c.decodeIfPresent(String.self, forKey: .displayName)
            params = try c.decode([[String]].self, forKey: .params)
            url = try c.decodeIfPresent(String.self, forKey: .url)
            userHash = try c.decodeIfPresent(String.self, forKey: .userHash)
            error = try c.decodeIfPresent(String.self, forKey: .error)
            field = try c.decodeIfPresent(String.self, forKey: .field)
        }
        var paramMap: [String: String] {
            Dictionary(params.map { ($0[0], $0[1]) }, uniquingKeysWith: { first, _ in first })
        }
        var repeatsAKey: Bool { Set(params.map { $0[0] }).count < params.count }
    }
    let cases: [Case]
    let errors: [Case]
}

/// A JSON number or string: the values of an expected error's `fields`.
enum Scalar: Decodable, Equatable, CustomStringConvertible {
    case number(Int64)
    case text(String)
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int64.self) { self = .number(n) } else { self = .text(try c.decode(String.self)) }
    }
    var description: String {
        switch self {
        case .number(let n): return String(n)
        case .text(let s): return s
        }
    }
}

struct VerifyVectors: Decodable {
    struct Store: Decodable {
        let kind: String
        let capacity: Int64?
    }
    struct Verified: Decodable {
        let email, orgId: String
        let timestampMs: Int64
        let nonce: String
        let name: String?
        let params: [String: String]
        let keyIndex: Int64
        enum CodingKeys: String, CodingKey {
            case email, orgId = "org_id", timestampMs = "timestamp_ms", nonce, name, params, keyIndex = "key_index"
        }
    }
    struct Expect: Decodable {
        let ok: Verified?
        let error: String?
        let field: String?
        let messageContains: String?
        let fields: [String: Scalar]?
        enum CodingKeys: String, CodingKey {
            case ok, error, field, messageContains = "message_contains", fields
        }
    }
    struct Check: Decodable {
        let url: String
        let nowMs: Int64
        let expect: Expect
        enum CodingKeys: String, CodingKey { case url, nowMs = "now_ms", expect }
    }
    struct Case: Decodable {
        let name: String
        let secrets: [String]
        let orgId: String
        let toleranceMs, maxUrlLen, maxParams: Int64?
        let store: Store?
        let checks: [Check]
        enum CodingKeys: String, CodingKey {
            case name, secrets, orgId = "org_id", toleranceMs = "tolerance_ms", maxUrlLen = "max_url_len"
            case maxParams = "max_params", store, checks
        }
    }
    struct ConfigError: Decodable {
        let name: String
        let secrets: [String]
        let orgId, error: String
        let field: String?
        enum CodingKeys: String, CodingKey { case name, secrets, orgId = "org_id", error, field }
    }
    struct OrgIdOf: Decodable {
        let url: String
        let orgId, error, field: String?
        enum CodingKeys: String, CodingKey { case url, orgId = "org_id", error, field }
    }
    let defaultToleranceMs, defaultMaxUrlLen, defaultMaxParams: Int64
    let cases: [Case]
    let configErrors: [ConfigError]
    let orgIdOf: [OrgIdOf]
    enum CodingKeys: String, CodingKey {
        case defaultToleranceMs = "default_tolerance_ms", defaultMaxUrlLen = "default_max_url_len"
        case defaultMaxParams = "default_max_params", cases, configErrors = "config_errors", orgIdOf = "org_id_of"
    }
}

struct Rfc4231Vectors: Decodable {
    struct Case: Decodable {
        let number: Int
        let keyHex, msgHex, tagHex: String
        let truncatedBits: Int?
        enum CodingKeys: String, CodingKey {
            case number = "case", keyHex = "key_hex", msgHex = "msg_hex", tagHex = "tag_hex"
            case truncatedBits = "truncated_bits"
        }
    }
    let cases: [Case]
}

struct WycheproofVectors: Decodable {
    struct Test: Decodable {
        let tcId: Int
        let comment, key, msg, tag, result: String
    }
    struct Group: Decodable {
        let tagSize: Int
        let tests: [Test]
    }
    let numberOfTests: Int
    let testGroups: [Group]
}

// --- helpers ------------------------------------------------------------------

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

/// The error is the vector's variant, with its field.
func assertVariant(
    _ error: UserHashError, _ expected: String, field: String?, _ label: String,
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertEqual(error.variantName, expected, "\(label): \(error.text)", file: file, line: line)
    if let field {
        XCTAssertEqual(error.fieldName, field, "\(label): \(error.text)", file: file, line: line)
    }
}

/// Nothing shown of an error (its message, description, debug description,
/// localized description) contains one of `secrets`.
func assertNoSecret(
    _ secrets: [String], in error: UserHashError, _ label: String, file: StaticString = #filePath, line: UInt = #line
) {
    let shown = [error.text, String(describing: error), String(reflecting: error), error.localizedDescription]
        .joined(separator: " ")
    for secret in secrets {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        // Below 4 characters a secret is found by chance.
        if trimmed.count >= 4 {
            XCTAssertFalse(shown.contains(trimmed), "\(label): a secret is shown: \(shown)", file: file, line: line)
        }
    }
}
