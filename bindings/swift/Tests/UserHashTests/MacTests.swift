import Foundation
import UserHash
import XCTest

/// RFC 4231 and Wycheproof through the bare MAC (`hmacSha256`,
/// `verifyHmacSha256`): full 32-byte tags only, a truncated one never verifies.
final class MacTests: XCTestCase {
    func testRfc4231() throws {
        let vectors: Rfc4231Vectors = try Vectors.load("rfc4231_hmac_sha256.json")
        XCTAssertEqual(vectors.cases.count, 7)
        for c in vectors.cases {
            let label = "RFC 4231 case \(c.number)"
            let (key, message) = (hex(c.keyHex), hex(c.msgHex))
            let tag = hmacSha256(key: key, message: message)
            XCTAssertEqual(tag.count, 32, label)
            if let bits = c.truncatedBits {
                XCTAssertEqual(hexString(tag.prefix(bits / 8)), c.tagHex, label)
                XCTAssertFalse(verifyHmacSha256(key: key, message: message, tag: hex(c.tagHex)), "\(label): truncated")
            } else {
                XCTAssertEqual(hexString(tag), c.tagHex, label)
                XCTAssertTrue(verifyHmacSha256(key: key, message: message, tag: tag), label)
            }
        }
    }

    func testWycheproof() throws {
        let vectors: WycheproofVectors = try Vectors.load("wycheproof_hmac_sha256_test.json")
        var ran = 0
        for group in vectors.testGroups {
            for t in group.tests {
                ran += 1
                let label = "Wycheproof tcId \(t.tcId) (\(t.comment))"
                let (key, message, expected) = (hex(t.key), hex(t.msg), hex(t.tag))
                let tag = hmacSha256(key: key, message: message)
                let accepted = verifyHmacSha256(key: key, message: message, tag: expected)
                if group.tagSize == 256 {
                    XCTAssertEqual(accepted, t.result == "valid", label)
                    XCTAssertEqual(tag == expected, t.result == "valid", label)
                } else {
                    // A truncated tag: ours begins with it when it is valid, and it never verifies.
                    XCTAssertFalse(accepted, "\(label): a \(group.tagSize)-bit tag was accepted")
                    if t.result == "valid" {
                        XCTAssertEqual(tag.prefix(group.tagSize / 8), expected, label)
                    }
                }
            }
        }
        XCTAssertEqual(ran, vectors.numberOfTests)
    }
}
