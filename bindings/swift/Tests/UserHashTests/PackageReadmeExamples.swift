import Foundation
import UserHash
import XCTest

// The examples of bindings/swift/README.md, as they are printed there: each
// ```swift block of that file is the lines between one pair of markers here,
// in order, less the indentation of the function around them.
// PackageReadmeTests checks that, and runs them.

// Block 2, a nonce store of your own, is at the top level, as a user would write it.
// README block 2 start
/// One method, atomic: true when the nonce is new (and now recorded until
/// `expiresAtMs`), false when it was seen. Throw (anything) when the store
/// cannot answer: the verifier refuses the request (`StoreUnavailable`).
final class DictionaryNonceStore: NonceStore, @unchecked Sendable {
    private let lock = NSLock()
    private var expiries: [String: Int64] = [:]

    func checkAndInsert(orgId: String, nonce: String, expiresAtMs: Int64) throws -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        expiries = expiries.filter { $0.value > now }
        let key = "\(orgId):\(nonce)"
        if expiries[key] != nil { return false }
        expiries[key] = expiresAtMs
        return true
    }
}
// README block 2 end

enum PackageReadme {
    /// Block 1: a verifier and its store.
    static func stores(secret: String, previousSecret: String, redisPassword: String) throws -> [Verifier] {
        // README block 1 start
        // One process: the default, a memory store of the verifier's own (100 000 live nonces).
        let verifier = try Verifier(secrets: [secret, previousSecret], orgId: "org_123")   // current secret first

        // Several processes: one Redis (rediss:// for TLS; the password apart from the URL). Nothing
        // connects here; while Redis is down, every verification is refused (StoreUnavailable).
        let shared = try Verifier(
            secrets: [secret], orgId: "org_123",
            nonceStore: try redisNonceStore(url: "redis://127.0.0.1:6379", username: "verifier", password: redisPassword))

        // Your own store (the next example):
        let own = try Verifier(secrets: [secret], orgId: "org_123", nonceStore: DictionaryNonceStore())
        // README block 1 end
        return [verifier, shared, own]
    }

    /// Block 3: awaiting, the error's cases, diagnose.
    static func verifyAndDiagnose(verifier: Verifier, secret: String, url: String) async throws -> [String] {
        var printed: [String] = []
        func print(_ items: Any...) {
            printed.append(items.map { "\($0)" }.joined(separator: " "))
        }
        // README block 3 start
        do {
            let user = try await verifier.verifyUrlAsync(url: url)   // a Redis round trip blocks no thread
            print(user.email, user.keyIndex)
        } catch let error as UserHashError {
            switch error {
            case .Expired(let ageMs, let toleranceMs, _): print("expired: \(ageMs) ms old, \(toleranceMs) allowed")
            case .Replayed: print("already used")
            default: print(error)                                    // the core's message: what to fix
            }
        }

        // Why a hash does not match (never shows a secret):
        let diagnosis = try diagnoseUrl(secrets: [secret], url: url)
        print(diagnosis.name(), diagnosis)                           // e.g. Explained: ... a `+` was read as a space ...
        // README block 3 end
        return printed
    }

    /// Block 4: identity tokens (SPEC §8) with a key pair made here.
    static func tokens() throws -> String {
        // README block 4 start
        let keys = try Ed25519KeyPair.generate(kid: "2025-01")       // keep privatePem() secret; publish publicJwk()
        let tokenSigner = try TokenSigner.ed25519(
            privateKey: keys.privatePem(), profile: .userhash, kid: "2025-01", org: "org_123")
        let token = try tokenSigner.sign(subject: TokenSubject(userId: "user-42", email: "a+b@example.com"))

        let tokenVerifier = try TokenVerifier(
            keys: try parsePublicKeys(text: keys.publicJwk()), profile: .userhash, org: "org_123")
        let verified = try tokenVerifier.verify(token: token)        // verified.userId == "user-42"
        // README block 4 end
        return verified.userId
    }
}

final class PackageReadmeTests: XCTestCase {
    private static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    func testTheReadmeShowsTheBlocksAsTheyAreHere() throws {
        let source = try String(contentsOf: Self.here.appendingPathComponent("PackageReadmeExamples.swift"), encoding: .utf8)
            .components(separatedBy: "\n")
        var blocks: [[String]] = []
        for n in 1... {
            guard let start = source.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "// README block \(n) start" }),
                  let end = source.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "// README block \(n) end" })
            else { break }
            let indent = source[start].prefix { $0 == " " }.count
            blocks.append(source[(start + 1)..<end].map { String($0.dropFirst(min(indent, $0.prefix { $0 == " " }.count))) })
        }
        XCTAssertEqual(blocks.count, 4)
        // bindings/swift/Tests/UserHashTests/ -> bindings/swift/README.md
        let readme = try String(
            contentsOf: Self.here.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("README.md"),
            encoding: .utf8)
        let shown = readme.components(separatedBy: "```swift\n").dropFirst()
            .map { $0.components(separatedBy: "\n```")[0].components(separatedBy: "\n") }
        XCTAssertEqual(shown, blocks)
    }

    func testTheBlocksRun() async throws {
        let secret = Fixture.secret
        let verifiers = try PackageReadme.stores(
            secret: secret, previousSecret: Fixture.previousSecret, redisPassword: "not-used-here")
        XCTAssertEqual(verifiers.count, 3)
        // The URL of README.md's example, with a raw `+` as a hand-built URL would have it.
        let url = try IdentitySigner(secret: secret, orgId: "org_123")
            .widgetUrl(baseUrl: "https://widget.example.com/", email: "a+b@example.com", name: "Alice")
        let printed = try await PackageReadme.verifyAndDiagnose(verifier: verifiers[2], secret: secret, url: url)
        XCTAssertEqual(printed.first, "a+b@example.com 0")
        XCTAssertTrue(printed.last?.hasPrefix("Matches ") == true, "\(printed)")
        let broken = url.replacingOccurrences(of: "a%2Bb", with: "a+b")
        let again = try await PackageReadme.verifyAndDiagnose(verifier: verifiers[0], secret: secret, url: broken)
        XCTAssertTrue(again.first?.hasPrefix("the signature does not match") == true, "\(again)")
        XCTAssertTrue(again.last?.hasPrefix("Explained ") == true && again.last!.contains("%2B"), "\(again)")
        XCTAssertEqual(try PackageReadme.tokens(), "user-42")
    }
}
