import Foundation
import UserHash

// Where these tests meet the shape of today's generated API. The uniffi layer
// is being reshaped (signed 64-bit integers, uniffi enums for Field, Cause and
// Diagnosis, one error enum with Display exported, stores as objects); when
// it lands, this file is most of the port:
//
// - `Millis`: UInt64 today, Int64 after;
// - `utf8Data`: text crosses as bytes (`Data`) today; delete `.utf8Data` at
//   the call sites if the generated functions take `String`;
// - `variantName`, `fieldName`, `text`: the variant's name, its `field`
//   (a String today, a `Field` enum after: compare its name) and the
//   core's message (a `message` field today, `String(describing:)` through
//   the exported Display after);
// - `memoryStore(capacity:)`: a function returning a protocol today, a
//   `MemoryNonceStore` object after.

/// Unix milliseconds as the generated API types them.
typealias Millis = UInt64

func millis(_ value: Int64) -> Millis { Millis(value) }

extension String {
    /// The UTF-8 bytes the generated functions take for text.
    var utf8Data: Data { Data(self.utf8) }
}

extension UserHashError {
    /// The variant's name as SPEC.md and the vectors spell it.
    var variantName: String {
        switch self {
        case .WeakSecret: return "WeakSecret"
        case .Malformed: return "Malformed"
        case .Missing: return "Missing"
        case .Duplicate: return "Duplicate"
        case .WrongOrg: return "WrongOrg"
        case .Mismatch: return "Mismatch"
        case .Expired: return "Expired"
        case .FromFuture: return "FromFuture"
        case .Replayed: return "Replayed"
        case .StoreFull: return "StoreFull"
        case .TooLarge: return "TooLarge"
        case .StoreUnavailable: return "StoreUnavailable"
        }
    }

    /// The API's field name, for the variants that have one.
    var fieldName: String? {
        switch self {
        case .WeakSecret(let field, _, _), .Malformed(let field, _, _), .Missing(let field, _),
            .Duplicate(let field, _), .WrongOrg(let field, _, _, _):
            return field
        default:
            return nil
        }
    }

    /// The core's message, which says what to fix.
    var text: String {
        switch self {
        case .WeakSecret(_, _, let m), .Malformed(_, _, let m), .Missing(_, let m), .Duplicate(_, let m),
            .WrongOrg(_, _, _, let m), .Mismatch(let m), .Expired(_, _, _, let m), .FromFuture(_, _, let m),
            .Replayed(let m), .StoreFull(_, let m), .TooLarge(_, _, let m), .StoreUnavailable(_, let m):
            return m
        }
    }

    /// The variant's own fields that verify.json's `fields` may name, as text.
    var namedFields: [String: String] {
        switch self {
        case .WrongOrg(_, let expected, let actual, _): return ["expected": expected, "actual": actual]
        case .Expired(let age, let tolerance, let timestamp, _):
            return ["age_ms": "\(age)", "tolerance_ms": "\(tolerance)", "timestamp_ms": "\(timestamp)"]
        case .FromFuture(let ahead, let tolerance, _): return ["ahead_ms": "\(ahead)", "tolerance_ms": "\(tolerance)"]
        case .StoreFull(let capacity, _): return ["capacity": "\(capacity)"]
        case .TooLarge(let limit, let max, _): return ["limit": limit, "max": "\(max)"]
        default: return [:]
        }
    }
}

/// The embedded in-memory nonce store.
func memoryStore(capacity: Int64? = nil) -> NonceStore {
    memoryNonceStore(capacity: capacity.map { UInt64($0) })
}

func signer(_ s: Signing) throws -> IdentitySigner {
    try IdentitySigner(secret: s.secret.utf8Data, orgId: s.orgId.utf8Data)
}

func sign(_ s: Signing) throws -> SignedIdentity {
    try signer(s).signAt(email: s.email.utf8Data, timestampMs: millis(Int64(s.timestamp)!), nonce: s.nonce.utf8Data)
}

func verifier(
    _ secrets: [String], _ orgId: String, toleranceMs: Int64? = nil, store: NonceStore? = nil,
    maxUrlLen: Int64? = nil, maxParams: Int64? = nil
) throws -> Verifier {
    try Verifier(
        secrets: secrets.map(\.utf8Data), orgId: orgId.utf8Data, toleranceMs: toleranceMs.map(millis),
        nonceStore: store, maxUrlLen: maxUrlLen.map { UInt64($0) }, maxParams: maxParams.map { UInt64($0) })
}
