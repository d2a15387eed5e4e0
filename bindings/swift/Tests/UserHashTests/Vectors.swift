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

struct DiagnoseVectors: Decodable {
    /// What was signed: the generated `SignedInput`'s fields, or a widget URL.
    struct Input: Decodable {
        let identifier, email, timestamp, orgId, nonce, url: String?
        enum CodingKeys: String, CodingKey { case identifier, email, timestamp, orgId = "org_id", nonce, url }
        var signedInput: SignedInput {
            SignedInput(identifier: identifier, email: email, timestamp: timestamp, orgId: orgId, nonce: nonce)
        }
    }
    /// A cause as the vectors spell it: its name and the fields it has.
    struct ExpectedCause: Decodable {
        let cause: String
        let field, signed, given, edit: String?
        let keyIndex: Int64?
        enum CodingKeys: String, CodingKey { case cause, field, signed, given, edit, keyIndex = "key_index" }
    }
    struct Expect: Decodable {
        let diagnosis: String
        let causes: [ExpectedCause]?
    }
    struct Case: Decodable {
        let name: String
        let secrets: [String]
        let input: Input
        let hash: String?
        let expect: Expect
    }
    struct Failure: Decodable {
        let name: String
        let secrets: [String]
        let input: Input
        let hash: String?
        let error: String
        let field: String?
    }
    let cases: [Case]
    let errors: [Failure]
}

/// Any JSON value: a token's claims, compared as JSON rather than as text.
enum JSON: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])
    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSON].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSON].self))
        }
    }
    static func parse(_ text: String) throws -> JSON {
        try JSONDecoder().decode(JSON.self, from: Data(text.utf8))
    }
}

/// tests/vectors/jwt.json (SPEC §8).
struct JwtVectors: Decodable {
    struct Defaults: Decodable {
        let lifetimeS, leewayS, maxLifetimeS, maxTokenLen: Int64
        enum CodingKeys: String, CodingKey {
            case lifetimeS = "lifetime_s", leewayS = "leeway_s", maxLifetimeS = "max_lifetime_s"
            case maxTokenLen = "max_token_len"
        }
    }
    struct Keys: Decodable {
        let hs256Secret, ed25519SeedHex, ed25519PrivatePem, ed25519PrivateJwk: String
        enum CodingKeys: String, CodingKey {
            case hs256Secret = "hs256_secret", ed25519SeedHex = "ed25519_seed_hex"
            case ed25519PrivatePem = "ed25519_private_pem", ed25519PrivateJwk = "ed25519_private_jwk"
        }
    }
    /// A signer's key: `{"hs256"}` or `{"seed_hex", "private_pem", "private_jwk"}`.
    struct SigningKey: Decodable {
        let hs256, privatePem, privateJwk: String?
        enum CodingKeys: String, CodingKey { case hs256, privatePem = "private_pem", privateJwk = "private_jwk" }
    }
    /// A verifier's key: `{"hs256", "kid"}`, `{"public_pem", "kid"}`, `{"public_jwk"}` or `{"jwks"}`.
    struct VerifyKey: Decodable {
        let hs256, publicPem, publicJwk, jwks, kid: String?
        enum CodingKeys: String, CodingKey {
            case hs256, publicPem = "public_pem", publicJwk = "public_jwk", jwks, kid
        }
    }
    /// A signer's or a verifier's options; absent means the core's default.
    struct Options: Decodable {
        let profile: String
        let kid, org, audience, issuer: String?
        let lifetimeS, leewayS, maxLifetimeS, maxTokenLen: Int64?
        let singleUse: Bool?
        enum CodingKeys: String, CodingKey {
            case profile, kid, org, audience, issuer, lifetimeS = "lifetime_s", leewayS = "leeway_s"
            case maxLifetimeS = "max_lifetime_s", maxTokenLen = "max_token_len", singleUse = "single_use"
        }
    }
    struct Subject: Decodable {
        let userId: String
        let email, name: String?
        let emailVerified: Bool?
        let extraClaimsJson: String?
        enum CodingKeys: String, CodingKey {
            case userId = "user_id", email, name, emailVerified = "email_verified"
            case extraClaimsJson = "extra_claims_json"
        }
        var tokenSubject: TokenSubject {
            TokenSubject(
                userId: userId, email: email, name: name, emailVerified: emailVerified,
                extraClaimsJson: extraClaimsJson)
        }
    }
    struct Verified: Decodable {
        let userId: String
        let email, name: String?
        let emailVerified: Bool?
        let org: String?
        let issuedAt: Int64?
        let expiresAt: Int64
        let jti, kid: String?
        let keyIndex: Int64
        let algorithm: String
        let claims: JSON
        enum CodingKeys: String, CodingKey {
            case userId = "user_id", email, name, emailVerified = "email_verified", org, issuedAt = "issued_at"
            case expiresAt = "expires_at", jti, kid, keyIndex = "key_index", algorithm, claims
        }
    }
    struct Expect: Decodable {
        let ok: Verified?
        let error, field, messageContains: String?
        let fields: [String: Scalar]?
        enum CodingKeys: String, CodingKey { case ok, error, field, messageContains = "message_contains", fields }
    }
    struct Sign: Decodable {
        let name: String
        let key: SigningKey
        let options: Options
        let subject: Subject
        let nowMs: Int64
        let jti, alg, token: String
        let verifyKeys: [VerifyKey]
        let verifyOptions: Options
        let verified: Expect
        enum CodingKeys: String, CodingKey {
            case name, key, options, subject, nowMs = "now_ms", jti, alg, token, verifyKeys = "verify_keys"
            case verifyOptions = "verify_options", verified
        }
    }
    struct SignError: Decodable {
        let name: String
        let key: SigningKey
        let options: Options
        let subject: Subject
        let nowMs: Int64
        let jti, error: String
        let field: String?
        enum CodingKeys: String, CodingKey { case name, key, options, subject, nowMs = "now_ms", jti, error, field }
    }
    struct Check: Decodable {
        let token: String
        let nowMs: Int64
        let expect: Expect
        enum CodingKeys: String, CodingKey { case token, nowMs = "now_ms", expect }
    }
    struct Verify: Decodable {
        let name: String
        let keys: [VerifyKey]
        let options: Options
        let checks: [Check]
    }
    struct ConfigError: Decodable {
        let name: String
        let keys: [VerifyKey]
        let options: Options
        let error: String
        let field: String?
    }
    struct Diagnose: Decodable {
        struct Cause: Decodable {
            let cause: String
            let keyIndex: Int64?
            enum CodingKeys: String, CodingKey { case cause, keyIndex = "key_index" }
        }
        struct Expect: Decodable {
            let result: String
            let causes: [Cause]
        }
        let name: String
        let keys: [VerifyKey]
        let options: Options
        let token: String
        let nowMs: Int64
        let expect: Expect
        enum CodingKeys: String, CodingKey { case name, keys, options, token, nowMs = "now_ms", expect }
    }
    struct Library: Decodable {
        let name: String
        let tokens: [String: String]
        let keys: [VerifyKey]
        let options: Options
        let nowMs: Int64
        let expect: Expect
        enum CodingKeys: String, CodingKey { case name, tokens, keys, options, nowMs = "now_ms", expect }
    }
    let defaults: Defaults
    let keys: Keys
    let sign: [Sign]
    let signErrors: [SignError]
    let verify: [Verify]
    let configErrors: [ConfigError]
    let diagnose: [Diagnose]
    let library: [Library]
    enum CodingKeys: String, CodingKey {
        case defaults, keys, sign, signErrors = "sign_errors", verify, configErrors = "config_errors", diagnose
        case library
    }
}
