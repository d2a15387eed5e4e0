import Foundation
import UserHash
import XCTest

/// A nonce store written in Swift. The generated `NonceStore` protocol is
/// `Sendable` (a verifier calls it from any thread), so a class with mutable
/// state guards it with a lock and says so with `@unchecked Sendable`.
final class SwiftNonceStore: NonceStore, @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [String: Int64] = [:]
    private var calls: [(orgId: String, nonce: String, expiresAtMs: Int64)] = []

    func checkAndInsert(orgId: String, nonce: String, expiresAtMs: Int64) throws -> Bool {
        lock.lock()
        defer { lock.unlock() }
        calls.append((orgId, nonce, expiresAtMs))
        let key = "\(orgId):\(nonce)"
        if seen[key] != nil { return false }
        seen[key] = expiresAtMs
        return true
    }

    var recorded: [(orgId: String, nonce: String, expiresAtMs: Int64)] {
        lock.lock()
        defer { lock.unlock() }
        return calls
    }
}

/// A store that throws an error of its own, not a UserHashError.
final class BrokenStore: NonceStore {
    struct DatabaseDown: Error {}
    func checkAndInsert(orgId: String, nonce: String, expiresAtMs: Int64) throws -> Bool {
        throw DatabaseDown()
    }
}

/// A store that throws another case of the generated error than a store's own.
final class ConfusedStore: NonceStore {
    func checkAndInsert(orgId: String, nonce: String, expiresAtMs: Int64) throws -> Bool {
        throw UserHashError.Mismatch
    }
}

final class StoreTests: XCTestCase {
    let t = Fixture.timestamp

    func testASwiftStoreAcceptsOnceThenReplayed() throws {
        let store = SwiftNonceStore()
        let v = try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId, nonceStore: store)
        let url = try Fixture.url()
        let user = try v.verifyUrlAt(url: url, nowMs: t + 1000)
        XCTAssertEqual(user.email, Fixture.email)
        XCTAssertEqual(user.name, "Alice")
        XCTAssertEqual(rejection("the same URL again") { try v.verifyUrlAt(url: url, nowMs: t + 2000) }, .Replayed)
        // The store saw the org, the nonce and the end of the window: timestamp + tolerance.
        let calls = store.recorded
        XCTAssertEqual(calls.count, 2)
        XCTAssertEqual(calls.first?.orgId, Fixture.orgId)
        XCTAssertEqual(calls.first?.nonce, Fixture.nonce)
        XCTAssertEqual(calls.first?.expiresAtMs, t + v.toleranceMs())
    }

    func testAMismatchNeverReachesTheStore() throws {
        let store = SwiftNonceStore()
        let other = try Verifier(secrets: ["another-secret-of-32-bytes-000000"], orgId: Fixture.orgId, nonceStore: store)
        XCTAssertEqual(rejection("another secret") { try other.verifyUrlAt(url: try Fixture.url(), nowMs: self.t) }, .Mismatch)
        XCTAssertEqual(store.recorded.count, 0)
    }

    /// A store that throws anything refuses the request: `StoreUnavailable`,
    /// naming what it threw; never accepted.
    func testAStoreThatThrowsRefusesTheRequest() throws {
        let url = try Fixture.url()
        let broken = try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId, nonceStore: BrokenStore())
        guard case .StoreUnavailable(let reason)? = rejection("a broken store", { try broken.verifyUrlAt(url: url, nowMs: t) })
        else { return XCTFail("not StoreUnavailable") }
        XCTAssertTrue(reason.contains("DatabaseDown"), reason)
        let confused = try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId, nonceStore: ConfusedStore())
        guard case .StoreUnavailable(let why)? = rejection("a confused store", { try confused.verifyUrlAt(url: url, nowMs: t) })
        else { return XCTFail("not StoreUnavailable") }
        XCTAssertTrue(why.contains("Mismatch"), why)
    }

    /// The same through the awaited call, which runs a Swift store on a blocking thread.
    func testAStoreThatThrowsRefusesTheAwaitedRequest() async throws {
        let url = try Fixture.url()
        let broken = try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId, nonceStore: BrokenStore())
        let error = await asyncRejection("a broken store, awaited") {
            try await broken.verifyUrlAtAsync(url: url, nowMs: Fixture.timestamp)
        }
        XCTAssertEqual(error?.variantName, "StoreUnavailable")
    }

    /// The memory store is a Rust object: used once, then `Replayed`; full of
    /// live nonces, `StoreFull`; and the store can be used on its own.
    func testTheMemoryStore() throws {
        let store = try memoryNonceStore(capacity: 1)
        let v = try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId, nonceStore: store)
        _ = try v.verifyUrlAt(url: try Fixture.url(), nowMs: t)
        XCTAssertEqual(rejection("again") { try v.verifyUrlAt(url: try Fixture.url(), nowMs: self.t) }, .Replayed)
        XCTAssertEqual(
            rejection("full") { try v.verifyUrlAt(url: try Fixture.url(nonce: "second-nonce-01"), nowMs: self.t) },
            .StoreFull(capacity: 1))
        // Called directly, with its own clock: a nonce whose window is still open.
        let direct = try memoryNonceStore()
        let later = Int64(Date().timeIntervalSince1970 * 1000) + 60_000
        XCTAssertTrue(try direct.checkAndInsert(orgId: "org_1", nonce: "nonce-direct-1", expiresAtMs: later))
        XCTAssertFalse(try direct.checkAndInsert(orgId: "org_1", nonce: "nonce-direct-1", expiresAtMs: later))
        XCTAssertTrue(try direct.checkAndInsert(orgId: "org_2", nonce: "nonce-direct-1", expiresAtMs: later))
    }

    /// Each verifier without a store has a memory store of its own.
    func testVerifiersWithoutAStoreDoNotShareOne() throws {
        let url = try Fixture.url()
        let (a, b) = (try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId),
                      try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId))
        XCTAssertEqual(try a.verifyUrlAt(url: url, nowMs: t).email, Fixture.email)
        XCTAssertEqual(try b.verifyUrlAt(url: url, nowMs: t).email, Fixture.email)
        XCTAssertEqual(rejection("a again") { try a.verifyUrlAt(url: url, nowMs: self.t) }, .Replayed)
    }

    /// 64 threads verify one URL through one verifier: exactly one is
    /// accepted, every other is `Replayed`, with the memory store and with a
    /// store written in Swift.
    func testConcurrentThreadsAcceptExactlyOne() throws {
        let url = try Fixture.url(nonce: "9b2d6f0e-3c1a-4e8b-9f7d-2a5c8e1b4d60")
        for store in [try memoryNonceStore(), SwiftNonceStore()] as [NonceStore] {
            let v = try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId, nonceStore: store)
            let (outcomes, now) = (Outcomes(), t)
            DispatchQueue.concurrentPerform(iterations: 64) { _ in
                outcomes.add(outcome { try v.verifyUrlAt(url: url, nowMs: now) })
            }
            XCTAssertEqual(outcomes.counts, ["ok": 1, "Replayed": 63], "\(type(of: store))")
        }
    }

    /// The same with Swift concurrency: 64 child tasks of a task group await
    /// `verifyUrlAtAsync` on one URL; exactly one is accepted.
    func testConcurrentTasksAcceptExactlyOne() async throws {
        let url = try Fixture.url(nonce: "3f6a1c9e-7b2d-4e8a-9c1f-5d7b3a2e6c40")
        for store in [try memoryNonceStore(), SwiftNonceStore()] as [NonceStore] {
            let v = try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId, nonceStore: store)
            let now = Fixture.timestamp
            let counts = await withTaskGroup(of: String.self) { group in
                for _ in 0..<64 {
                    group.addTask {
                        do {
                            return try await v.verifyUrlAtAsync(url: url, nowMs: now).email
                        } catch let error as UserHashError {
                            return error.variantName
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                var counts: [String: Int] = [:]
                for await result in group { counts[result, default: 0] += 1 }
                return counts
            }
            XCTAssertEqual(counts, [Fixture.email: 1, "Replayed": 63], "\(type(of: store))")
        }
    }

    /// `verifyUrlAsync` checks now, like `verifyUrl`, and its errors are the same cases.
    func testVerifyUrlAsync() async throws {
        let signer = try IdentitySigner(secret: Fixture.secret, orgId: Fixture.orgId)
        let url = try signer.widgetUrl(baseUrl: "https://widget.example.com/", email: Fixture.email, name: "Alice")
        let v = try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId)
        let user = try await v.verifyUrlAsync(url: url)
        XCTAssertEqual(user.email, Fixture.email)
        XCTAssertEqual(user.name, "Alice")
        let again = await asyncRejection("again") { try await v.verifyUrlAsync(url: url) }
        XCTAssertEqual(again, .Replayed)
        let old = await asyncRejection("old") { try await v.verifyUrlAsync(url: try Fixture.url(nonce: "async-old-0001")) }
        XCTAssertEqual(old?.variantName, "Expired")
        let negative = await asyncRejection("negative") { try await v.verifyUrlAtAsync(url: url, nowMs: -1) }
        XCTAssertEqual(negative?.fieldName, "timestamp")
    }
}
