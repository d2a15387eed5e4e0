// `cargo xtask bench-swift`: what each call costs from Swift, per call, in
// a release build of this package over a release build of the library. The
// inputs are those of the core's own benchmarks (core/benches/userhash.rs),
// which xtask runs in the same command, so the two can stand side by side
// (BENCHMARKS.md). Each line: the median of `rounds` rounds of `calls` calls.

import Dispatch
import Foundation
import UserHash

let secret = "whsec_9f2c4e7a1b3d5f60a8c2e4b6d8f0a1c3"
let identifier = "jane.doe@example.com"
let email = "jane.doe@example.com"
let timestamp: Int64 = 1_712_345_678_901
let nonce = "550e8400-e29b-41d4-a716-446655440000"

let rounds = 11
let calls = 20_000

/// Keeps results alive so the optimizer cannot drop a call.
nonisolated(unsafe) var sink = 0

/// Median nanoseconds per call of `body` over `rounds` rounds of `n` calls;
/// `body` gets the call's index.
func measure(_ n: Int = calls, _ body: (Int) throws -> Int) rethrows -> Double {
    var perCall: [Double] = []
    _ = try body(0)  // warm up
    for _ in 0..<rounds {
        let start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<n {
            sink &+= try body(i)
        }
        perCall.append(Double(DispatchTime.now().uptimeNanoseconds - start) / Double(n))
    }
    return perCall.sorted()[rounds / 2]
}

/// One result line, read by xtask: `swift-bench <name> <ns per call>`.
func report(_ name: String, _ ns: Double) {
    print("swift-bench \(name) \(String(format: "%.1f", ns))")
}

let secretData = Data(secret.utf8)
let identifierData = Data(identifier.utf8)
let hash = try signIdentifier(secret: secret, identifier: identifier)
let hashData = Data(hash.utf8)

report("version", measure { _ in version().utf8.count })
report("sign_identifier_data", try measure { _ in try signIdentifier(secret: secretData, identifier: identifierData).utf8.count })
report("sign_identifier_string", try measure { _ in try signIdentifier(secret: secret, identifier: identifier).utf8.count })
report("verify_identifier_string", try measure { _ in try verifyIdentifier(secret: secret, identifier: identifier, hash: hash) ? 1 : 0 })
report("verify_identifier_data", try measure { _ in
    try verifyIdentifier(secret: secretData, identifier: identifierData, hash: hashData) ? 1 : 0
})
let identifierSigner = try IdentifierSigner(secret: secret)
report("identifier_signer_sign", try measure { _ in try identifierSigner.sign(identifier: identifier).utf8.count })
let batch = (0..<100).map { "user-\($0)@example.com" }
report("sign_identifiers_100_per_identifier", try measure(calls / 100) { _ in
    try signIdentifiers(secret: secret, identifiers: batch).count
} / 100)

let signer = try IdentitySigner(secret: secret, orgId: "org_123")
report("identity_sign_at", try measure { _ in try signer.signAt(email: email, timestampMs: timestamp, nonce: nonce).userHash.utf8.count })
report("identity_sign_now", try measure { _ in try signer.sign(email: email).userHash.utf8.count })
let identity = try signer.signAt(email: email, timestampMs: timestamp, nonce: nonce)
report("widget_url", try measure { _ in
    try widgetUrl(baseUrl: "https://widget.example.com/", identity: identity, name: "Jane Doe", params: ["theme": "dark"]).utf8.count
})
report("signer_widget_url", try measure { _ in
    try signer.widgetUrl(baseUrl: "https://widget.example.com/", email: email, name: "Jane Doe").utf8.count
})

// verifyUrlAt, accepted: as the core's benchmark, each URL has its own nonce
// and its own second, so the store holds about 300 live nonces. The URLs are
// made before the clock starts.
let verifier = try Verifier(secrets: [secret], orgId: "org_123", nonceStore: try memoryNonceStore(capacity: 1_000_000))
let urls: [(String, Int64)] = try (0..<(calls * (rounds + 1))).map { i in
    let t = timestamp + Int64(i) * 1000
    let id = try signer.signAt(email: email, timestampMs: t, nonce: String(format: "nonce-%016d", i))
    return (try widgetUrl(baseUrl: "https://widget.example.com/", identity: id, name: "Jane Doe", params: ["theme": "dark"]), t)
}
var next = 0
report("verify_url_memory_store", try measure { _ in
    let (url, t) = urls[next]
    next += 1
    return try verifier.verifyUrlAt(url: url, nowMs: t).email.utf8.count
})
let replayed = try verifier.verifyUrlAt(url: urls[next].0, nowMs: urls[next].1)
let (seenUrl, seenAt) = urls[next]
report("verify_url_replayed", measure { _ in
    do {
        _ = try verifier.verifyUrlAt(url: seenUrl, nowMs: seenAt)
        return 0
    } catch {
        return 1
    }
})

// Taken apart: the generated code's own work, with no userhash work in Rust.
// A `String` argument on its way to `Data` (what each `String` form adds):
report("data_from_string_utf8", measure { _ in Data(secret.utf8).count })
// A record written into a buffer Rust allocates, then read back and freed
// (two crossings): what passing a `SignedIdentity` to `widgetUrl` and
// getting one from `signAt` cost beyond the call, and the same for the
// `VerifiedIdentity` that `verifyUrlAt` returns.
report("signed_identity_lower_lift", try measure { _ in
    try FfiConverterTypeSignedIdentity_lift(FfiConverterTypeSignedIdentity_lower(identity)).userHash.utf8.count
})
let verified = try Verifier(secrets: [secret], orgId: "org_123").verifyUrlAt(url: urls[0].0, nowMs: urls[0].1)
report("verified_identity_lower_lift", try measure { _ in
    try FfiConverterTypeVerifiedIdentity_lift(FfiConverterTypeVerifiedIdentity_lower(verified)).email.utf8.count
})
print("swift-bench-done \(sink) \(replayed.keyIndex)")
