import Foundation
import UserHash
import XCTest

/// `redisNonceStore` against a real redis-server (RedisServer.swift): the
/// store is a Rust object the verifier calls directly, never through Swift.
final class RedisTests: XCTestCase {
    private var server: RedisServer!

    override func setUpWithError() throws {
        server = try RedisServer()
        try server.start()
    }

    override func tearDown() {
        server.stop()
        server = nil
    }

    private func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    private func url(_ nonce: String) throws -> String {
        try Fixture.url(nonce: nonce, timestamp: now())
    }

    /// Two verifiers, each with its own store object on one Redis (two
    /// processes behind a load balancer): a URL is accepted once by all.
    func testANonceIsAcceptedOnceAcrossVerifiers() throws {
        let a = try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId, nonceStore: try redisNonceStore(url: server.url))
        let b = try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId, nonceStore: try redisNonceStore(url: server.url))
        let url = try url("redis-once-0001")
        XCTAssertEqual(try a.verifyUrl(url: url).nonce, "redis-once-0001")
        XCTAssertEqual(rejection("again, same verifier") { try a.verifyUrl(url: url) }, .Replayed)
        XCTAssertEqual(rejection("again, other verifier") { try b.verifyUrl(url: url) }, .Replayed)
        // The key is the prefix's, the org's and the nonce's, and lives in Redis.
        XCTAssertEqual(try server.command(["EXISTS", "userhash:nonce:org_123:redis-once-0001"]), ":1\r\n")
    }

    func testThePrefixAndTheStoreUsedDirectly() throws {
        let store = try redisNonceStore(url: server.url, prefix: "tenant-a:nonces")
        let later = now() + 60_000
        XCTAssertTrue(try store.checkAndInsert(orgId: "org:1", nonce: "direct-nonce", expiresAtMs: later))
        XCTAssertFalse(try store.checkAndInsert(orgId: "org:1", nonce: "direct-nonce", expiresAtMs: later))
        XCTAssertEqual(try server.command(["EXISTS", "tenant-a:nonces:org:1:direct-nonce"]), ":1\r\n")
        let other = try redisNonceStore(url: server.url, prefix: "tenant-b")
        XCTAssertTrue(try other.checkAndInsert(orgId: "org:1", nonce: "direct-nonce", expiresAtMs: later))
    }

    /// 64 threads, then 64 tasks awaiting `verifyUrlAsync` (the multiplexed
    /// async connection), race on one URL each: exactly one is accepted.
    func testConcurrentCallersAcceptExactlyOne() async throws {
        let v = try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId, nonceStore: try redisNonceStore(url: server.url))
        let threaded = try url("redis-race-threads-01")
        let outcomes = Outcomes()
        DispatchQueue.concurrentPerform(iterations: 64) { _ in
            outcomes.add(outcome { try v.verifyUrl(url: threaded) })
        }
        XCTAssertEqual(outcomes.counts, ["ok": 1, "Replayed": 63])

        let awaited = try url("redis-race-tasks-0001")
        let counts = await withTaskGroup(of: String.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    do {
                        return try await v.verifyUrlAsync(url: awaited).nonce
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
        XCTAssertEqual(counts, ["redis-race-tasks-0001": 1, "Replayed": 63])
    }

    /// While Redis is down every verification is refused (fail closed), and
    /// the reason names where; when it is back, verification works again
    /// with no restart.
    func testRedisDownRefusesThenRecovers() async throws {
        let v = try Verifier(
            secrets: [Fixture.secret], orgId: Fixture.orgId,
            nonceStore: try redisNonceStore(url: server.url, connectTimeoutMs: 300, commandTimeoutMs: 300))
        _ = try v.verifyUrl(url: try url("redis-before-0001"))
        server.stop()
        guard case .StoreUnavailable(let reason)? = rejection("down", { try v.verifyUrl(url: try url("redis-down-0001")) })
        else { return XCTFail("not StoreUnavailable") }
        XCTAssertTrue(reason.contains("127.0.0.1:\(server.port)"), reason)
        let awaited = await asyncRejection("down, awaited") { try await v.verifyUrlAsync(url: try self.url("redis-down-0002")) }
        XCTAssertEqual(awaited?.variantName, "StoreUnavailable")
        try server.start()
        XCTAssertEqual(try v.verifyUrl(url: try url("redis-after-0001")).nonce, "redis-after-0001")
        let after = try await v.verifyUrlAsync(url: try url("redis-after-0002"))
        XCTAssertEqual(after.nonce, "redis-after-0002")
    }

    /// An ACL user with a password given apart from the URL; a wrong password
    /// is refused, and no message or debug form shows it.
    func testAclUserAndPassword() throws {
        let password = "pw-\(UUID().uuidString)"
        XCTAssertEqual(
            try server.command(["ACL", "SETUSER", "verifier", "on", ">" + password, "~userhash:nonce:*", "+set", "+echo"]),
            "+OK\r\n")
        XCTAssertEqual(try server.command(["ACL", "SETUSER", "default", "off"]), "+OK\r\n")
        let good = try redisNonceStore(url: server.url, username: "verifier", password: password)
        let v = try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId, nonceStore: good)
        XCTAssertEqual(try v.verifyUrl(url: try url("redis-acl-0001")).nonce, "redis-acl-0001")

        let wrong = try redisNonceStore(url: server.url, username: "verifier", password: "x" + password)
        let refused = try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId, nonceStore: wrong)
        guard let error = rejection("a wrong password", { try refused.verifyUrl(url: try url("redis-acl-0002")) })
        else { return }
        XCTAssertEqual(error.variantName, "StoreUnavailable")
        assertNoSecret([password], in: error, "wrong password")
        assertNoSecret([password], in: String(reflecting: good), "the store's debug form")
        // In the URL instead, it is not shown either when the URL is refused.
        let malformed = rejection("a bad port") { try redisNonceStore(url: "redis://verifier:\(password)@127.0.0.1:notaport") }
        XCTAssertEqual(malformed?.fieldName, "nonce_store")
        if let malformed { assertNoSecret([password], in: malformed, "a malformed URL") }
    }

    /// `waitReplicas`: a nonce counts only once that many replicas have it.
    /// This Redis has none, so with one required every check is refused.
    func testWaitForReplicas() throws {
        let none = try redisNonceStore(url: server.url, waitReplicas: 0)
        XCTAssertTrue(try none.checkAndInsert(orgId: "org_1", nonce: "wait-nonce-0", expiresAtMs: now() + 60_000))
        let one = try redisNonceStore(url: server.url, waitReplicas: 1, waitTimeoutMs: 50)
        let v = try Verifier(secrets: [Fixture.secret], orgId: Fixture.orgId, nonceStore: one)
        guard case .StoreUnavailable(let reason)? = rejection("no replica", { try v.verifyUrl(url: try url("redis-wait-0001")) })
        else { return XCTFail("not StoreUnavailable") }
        XCTAssertTrue(reason.contains("replica"), reason)
    }

    /// Settings the store refuses at once, before any connection: `Malformed`, field `nonce_store`.
    func testMalformedSettings() {
        let cases: [(String, () throws -> NonceStore)] = [
            ("not a Redis URL", { try redisNonceStore(url: "http://127.0.0.1:6379") }),
            ("an empty prefix", { try redisNonceStore(url: "redis://127.0.0.1:6379", prefix: "") }),
            ("a zero timeout", { try redisNonceStore(url: "redis://127.0.0.1:6379", connectTimeoutMs: 0) }),
            ("a WAIT timeout alone", { try redisNonceStore(url: "redis://127.0.0.1:6379", waitTimeoutMs: 100) }),
            ("a CA file without TLS", { try redisNonceStore(url: "redis://127.0.0.1:6379", caFile: "/etc/hostname") }),
            ("a CA file that is not there", { try redisNonceStore(url: "rediss://127.0.0.1:6379", caFile: "/no/such/ca.pem") }),
            ("TLS without the certificate check", { try redisNonceStore(url: "rediss://127.0.0.1:6379/#insecure") }),
            ("a cluster of no node", { try redisClusterNonceStore(nodes: []) }),
        ]
        for (label, make) in cases {
            guard let error = rejection(label, make) else { continue }
            assertVariant(error, "Malformed", field: "nonce_store", label)
        }
    }
}
