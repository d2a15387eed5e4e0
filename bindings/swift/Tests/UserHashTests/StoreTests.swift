import Foundation
import UserHash
import XCTest

/// A nonce store written in Swift. The generated `NonceStore` protocol is
/// `Sendable` (a verifier calls it from any thread), so a class with mutable
/// state guards it with a lock and says so with `@unchecked Sendable`.
final class SwiftNonceStore: NonceStore, @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [String: Millis] = [:]
    private(set) var calls: [(orgId: String, nonce: String, expiresAtMs: Millis)] = []

    func checkAndInsert(orgId: String, nonce: String, expiresAtMs: Millis) throws -> Bool {
        lock.lock()
        defer { lock.unlock() }
        calls.append((orgId, nonce, expiresAtMs))
        let key = "\(orgId):\(nonce)"
        if seen[key] != nil { return false }
        seen[key] = expiresAtMs
        return true
    }

    var callCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return calls.count
    }
}

/// A store that throws an error of its own, not a UserHashError.
final class BrokenStore: NonceStore {
    struct DatabaseDown: Error {}
    func checkAndInsert(orgId: String, nonce: String, expiresAtMs: Millis) throws -> Bool {
        throw DatabaseDown()
    }
}

final class SwiftStoreTests: XCTestCase {
    let secret = "whsec_9f2c4e7a1b3d5f60a8c2e4b6d8f0a1c3"
    let timestamp: Int64 = 1_712_345_678_901

    private func signedUrl(nonce: String = "550e8400-e29b-41d4-a716-446655440000") throws -> String {
        let signer = try IdentitySigner(secret: secret.utf8Data, orgId: "org_123".utf8Data)
        let identity = try signer.signAt(email: "a+b@example.com".utf8Data, timestampMs: millis(timestamp), nonce: nonce.utf8Data)
        return try widgetUrl(baseUrl: "https://widget.example.com/", identity: identity, name: "Alice")
    }

    func testAcceptsOnceThenReplayed() throws {
        let store = SwiftNonceStore()
        let v = try verifier([secret], "org_123", store: store)
        let url = try signedUrl()
        let user = try v.verifyUrlAt(url: url.utf8Data, nowMs: millis(timestamp + 1000))
        XCTAssertEqual(user.email, "a+b@example.com")
        XCTAssertEqual(user.name, "Alice")
        let error = rejection("the same URL again") { try v.verifyUrlAt(url: url.utf8Data, nowMs: millis(timestamp + 2000)) }
        XCTAssertEqual(error?.variantName, "Replayed")
        // The store saw the org, the nonce and the end of the window: timestamp + tolerance.
        XCTAssertEqual(store.calls.count, 2)
        XCTAssertEqual(store.calls.first?.orgId, "org_123")
        XCTAssertEqual(store.calls.first?.nonce, "550e8400-e29b-41d4-a716-446655440000")
        XCTAssertEqual(store.calls.first?.expiresAtMs, millis(timestamp) + v.toleranceMs())
    }

    func testMismatchNeverReachesTheStore() throws {
        let store = SwiftNonceStore()
        let other = try verifier(["another-secret-of-32-bytes-000000"], "org_123", store: store)
        let error = rejection("another secret") { try other.verifyUrlAt(url: try signedUrl().utf8Data, nowMs: millis(timestamp)) }
        XCTAssertEqual(error?.variantName, "Mismatch")
        XCTAssertEqual(store.callCount, 0)
    }

    func testAStoreThatThrowsItsOwnErrorRefusesTheRequest() throws {
        let v = try verifier([secret], "org_123", store: BrokenStore())
        let error = rejection("a broken store") { try v.verifyUrlAt(url: try signedUrl().utf8Data, nowMs: millis(timestamp)) }
        XCTAssertEqual(error?.variantName, "StoreUnavailable")
    }

    /// Many threads verify one URL through one verifier: exactly one is
    /// accepted, every other is Replayed, with the memory store and with a
    /// store written in Swift.
    func testConcurrentVerificationsAcceptExactlyOne() throws {
        let url = try signedUrl(nonce: "9b2d6f0e-3c1a-4e8b-9f7d-2a5c8e1b4d60")
        for store in [memoryStore(), SwiftNonceStore()] as [NonceStore] {
            let v = try verifier([secret], "org_123", store: store)
            let (outcomes, now) = (Outcomes(), millis(timestamp))
            DispatchQueue.concurrentPerform(iterations: 64) { _ in
                do {
                    _ = try v.verifyUrlAt(url: url.utf8Data, nowMs: now)
                    outcomes.add("ok")
                } catch let error as UserHashError {
                    outcomes.add(error.variantName)
                } catch {
                    outcomes.add("\(error)")
                }
            }
            XCTAssertEqual(outcomes.counts, ["ok": 1, "Replayed": 63], "\(type(of: store))")
        }
    }
}

/// Outcomes counted from many threads.
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
