import Foundation
import UserHash
import XCTest

/// jwt.json (SPEC §8): tokens signed byte for byte, verified, refused and
/// diagnosed; tokens of other libraries accepted; HS256 and EdDSA round trips.
final class TokenTests: XCTestCase {
    let vectors: JwtVectors = try! Vectors.load("jwt.json")

    private func profile(_ name: String) throws -> Profile {
        guard let p = [Profile.userhash, .intercom, .zendesk, .drift].first(where: { $0.asStr() == name }) else {
            throw VectorError.unknownKey("profile \(name)")
        }
        return p
    }

    private func keys(_ entries: [JwtVectors.VerifyKey]) throws -> [TokenKey] {
        var out: [TokenKey] = []
        for entry in entries {
            if let secret = entry.hs256 {
                out.append(try TokenKey.hs256(secret: secret, kid: entry.kid))
            } else if let text = entry.publicPem ?? entry.publicJwk ?? entry.jwks {
                out += try parsePublicKeys(text: text, kid: entry.kid)
            } else {
                throw VectorError.unknownKey("\(entry)")
            }
        }
        return out
    }

    /// Left out in the vectors, a setting is left out here too: the core's default.
    private func verifier(_ keyEntries: [JwtVectors.VerifyKey], _ o: JwtVectors.Options) throws -> TokenVerifier {
        try TokenVerifier(
            keys: try keys(keyEntries), profile: try profile(o.profile), org: o.org, audience: o.audience,
            issuer: o.issuer, leewayS: o.leewayS, maxLifetimeS: o.maxLifetimeS, maxTokenLen: o.maxTokenLen,
            singleUse: o.singleUse)
    }

    private func signer(_ key: JwtVectors.SigningKey, _ o: JwtVectors.Options, pem: Bool = true) throws -> TokenSigner {
        let profile = try profile(o.profile)
        if let secret = key.hs256 {
            return try TokenSigner.hs256(
                secret: secret, profile: profile, kid: o.kid, org: o.org, audience: o.audience, issuer: o.issuer,
                lifetimeS: o.lifetimeS)
        }
        return try TokenSigner.ed25519(
            privateKey: (pem ? key.privatePem : key.privateJwk)!, profile: profile, kid: o.kid, org: o.org,
            audience: o.audience, issuer: o.issuer, lifetimeS: o.lifetimeS)
    }

    private var keyMaterial: [String] {
        let k = vectors.keys
        let pemBody = k.ed25519PrivatePem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        var d = ""
        if case .object(let jwk) = try? JSON.parse(k.ed25519PrivateJwk), case .string(let value)? = jwk["d"] { d = value }
        return [k.hs256Secret, pemBody, d, k.ed25519SeedHex]
    }

    private func assertOk(_ got: VerifiedToken, _ want: JwtVectors.Verified, _ label: String,
                          file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.userId, want.userId, label, file: file, line: line)
        XCTAssertEqual(got.email, want.email, label, file: file, line: line)
        XCTAssertEqual(got.name, want.name, label, file: file, line: line)
        XCTAssertEqual(got.emailVerified, want.emailVerified, label, file: file, line: line)
        XCTAssertEqual(got.org, want.org, label, file: file, line: line)
        XCTAssertEqual(got.issuedAt, want.issuedAt, label, file: file, line: line)
        XCTAssertEqual(got.expiresAt, want.expiresAt, label, file: file, line: line)
        XCTAssertEqual(got.jti, want.jti, label, file: file, line: line)
        XCTAssertEqual(got.kid, want.kid, label, file: file, line: line)
        XCTAssertEqual(got.keyIndex, want.keyIndex, label, file: file, line: line)
        XCTAssertEqual(got.algorithm.asStr(), want.algorithm, label, file: file, line: line)
        XCTAssertEqual(try JSON.parse(got.claimsJson), want.claims, label, file: file, line: line)
    }

    private func assertError(_ error: UserHashError, _ want: JwtVectors.Expect, _ label: String) {
        assertVariant(error, want.error ?? "ok", field: want.field, label)
        if let text = want.messageContains {
            XCTAssertTrue("\(error)".contains(text), "\(label): \(error)")
        }
        for (name, value) in want.fields ?? [:] {
            XCTAssertEqual(error.namedFields[name], value.description, "\(label): \(name) of \(error)")
        }
        assertNoSecret(keyMaterial, in: error, label)
    }

    func testSignByteForByteThenVerify() throws {
        XCTAssertGreaterThanOrEqual(vectors.sign.count, 8)
        var seen = Set<String>()
        for c in vectors.sign {
            let signer = try signer(c.key, c.options)
            let token = try signer.signAt(subject: c.subject.tokenSubject, nowMs: c.nowMs, jti: c.jti)
            XCTAssertEqual(token, c.token, c.name)
            XCTAssertEqual(signer.algorithm().asStr(), c.alg, c.name)
            assertNoSecret(keyMaterial, in: String(reflecting: signer), c.name)
            let verified = try verifier(c.verifyKeys, c.verifyOptions).verifyAt(token: token, nowMs: c.nowMs + 1000)
            assertOk(verified, c.verified.ok!, c.name)
            seen.insert("\(c.alg) \(c.options.profile)")
            if c.key.privateJwk != nil {
                // The private JWK signs the same token (Ed25519 is deterministic).
                let again = try self.signer(c.key, c.options, pem: false)
                    .signAt(subject: c.subject.tokenSubject, nowMs: c.nowMs, jti: c.jti)
                XCTAssertEqual(again, token, "\(c.name) (private JWK)")
            }
        }
        XCTAssertEqual(seen.count, 8, "every profile under both algorithms: \(seen)")
    }

    func testSignErrors() {
        XCTAssertFalse(vectors.signErrors.isEmpty)
        for c in vectors.signErrors {
            let error = rejection(c.name) {
                try signer(c.key, c.options).signAt(subject: c.subject.tokenSubject, nowMs: c.nowMs, jti: c.jti)
            }
            guard let error else { continue }
            assertVariant(error, c.error, field: c.field, c.name)
            assertNoSecret(keyMaterial, in: error, c.name)
        }
    }

    func testVerify() throws {
        var seen = Set<String>()
        for c in vectors.verify {
            let verifier = try verifier(c.keys, c.options)
            for (i, check) in c.checks.enumerated() {
                let label = "\(c.name) [check \(i)]"
                let result = Result { try verifier.verifyAt(token: check.token, nowMs: check.nowMs) }
                switch (result, check.expect.ok) {
                case (.success(let got), let want?): assertOk(got, want, label)
                case (.success(let got), nil): XCTFail("\(label): accepted \(got.userId), expected \(check.expect.error ?? "")")
                case (.failure(let error as UserHashError), _):
                    guard check.expect.ok == nil else {
                        XCTFail("\(label): refused (\(error))")
                        continue
                    }
                    assertError(error, check.expect, label)
                    seen.insert(error.variantName)
                case (.failure(let error), _): XCTFail("\(label): threw \(error)")
                }
            }
        }
        let every: Set<String> = [
            "Malformed", "Mismatch", "Expired", "FromFuture", "Replayed", "TooLarge", "UnknownKey",
            "AlgorithmRefused", "MissingClaim", "WrongAudience", "LifetimeTooLong",
        ]
        XCTAssertEqual(every.subtracting(seen), [], "rejections with no vector")
    }

    func testConfigErrors() {
        XCTAssertFalse(vectors.configErrors.isEmpty)
        for c in vectors.configErrors {
            guard let error = rejection(c.name, { try verifier(c.keys, c.options) }) else { continue }
            assertVariant(error, c.error, field: c.field, c.name)
            assertNoSecret(keyMaterial, in: error, c.name)
        }
    }

    func testDiagnose() throws {
        XCTAssertFalse(vectors.diagnose.isEmpty)
        for c in vectors.diagnose {
            let got = try verifier(c.keys, c.options).diagnoseAt(token: c.token, nowMs: c.nowMs)
            XCTAssertEqual(got.name(), c.expect.result, "\(c.name): \(got)")
            let causes: [TokenCause]
            if case .explained(let list) = got { causes = list } else { causes = [] }
            XCTAssertEqual(causes.map { $0.name() }, c.expect.causes.map(\.cause), "\(c.name): \(got)")
            for (cause, want) in zip(causes, c.expect.causes) {
                let keyIndex: Int64? =
                    switch cause {
                    case .secretEncoding(let k, _), .wrongKeyForKid(_, let k): k
                    default: nil
                    }
                XCTAssertEqual(keyIndex, want.keyIndex, c.name)
                XCTAssertTrue(got.description.contains(cause.description), c.name)
            }
            if case .unexplained(let error) = got {
                XCTAssertEqual(error, .Mismatch, c.name)
            }
            assertNoSecret(keyMaterial, in: "\(got) \(String(reflecting: got))", c.name)
        }
    }

    func testTokensOfOtherLibraries() throws {
        var libraries = Set<String>()
        for c in vectors.library {
            for (library, token) in c.tokens {
                // A verifier of its own: the libraries' tokens share a jti.
                let got = try verifier(c.keys, c.options).verifyAt(token: token, nowMs: c.nowMs)
                assertOk(got, c.expect.ok!, "\(c.name) (\(library))")
                libraries.insert(library)
            }
        }
        XCTAssertEqual(libraries, ["golang-jwt", "jose", "pyjwt"])
    }

    /// HS256 now, end to end: signed, verified once (single use), then `Replayed`.
    func testHs256RoundTrip() throws {
        let secret = "tok_" + String(repeating: "9", count: 28)
        let signer = try TokenSigner.hs256(secret: secret, profile: .userhash, kid: "k-1", org: Fixture.orgId)
        XCTAssertEqual(signer.algorithm(), .hs256)
        let token = try signer.sign(subject: TokenSubject(userId: "user-42", email: Fixture.email))
        let verifier = try TokenVerifier(
            keys: [try TokenKey.hs256(secret: secret, kid: "k-1")], profile: .userhash, org: Fixture.orgId,
            singleUse: true)
        let got = try verifier.verify(token: token)
        XCTAssertEqual([got.userId, got.email, got.org, got.kid], ["user-42", Fixture.email, Fixture.orgId, "k-1"])
        XCTAssertEqual(got.algorithm, .hs256)
        XCTAssertEqual(got.expiresAt - (got.issuedAt ?? 0), 300, "the core's default lifetime")
        XCTAssertEqual(rejection("again") { try verifier.verify(token: token) }, .Replayed)
        XCTAssertEqual(verifier.diagnose(token: "Bearer " + token).name(), "Explained")
        let weak = rejection("a 31-byte secret") { try TokenSigner.hs256(secret: String(secret.dropLast()), profile: .drift) }
        XCTAssertEqual(weak, .WeakSecret(len: 31))
        assertNoSecret([secret], in: String(reflecting: signer), "signer")
        assertNoSecret([secret], in: String(reflecting: verifier), "verifier")
    }

    /// EdDSA with a key pair generated here: the private key signs, its
    /// public key (PEM or JWK) verifies; the pair shows only its public half.
    func testEdDsaWithAGeneratedKeyPair() throws {
        let pair = try Ed25519KeyPair.generate(kid: "ed-1")
        XCTAssertEqual(pair.kid(), "ed-1")
        XCTAssertTrue(pair.privatePem().hasPrefix("-----BEGIN PRIVATE KEY-----"))
        XCTAssertTrue(pair.publicPem().hasPrefix("-----BEGIN PUBLIC KEY-----"))
        let signer = try TokenSigner.ed25519(privateKey: pair.privatePem(), profile: .intercom, kid: "ed-1")
        XCTAssertEqual(signer.algorithm(), .edDsa)
        let token = try signer.sign(subject: TokenSubject(userId: "user-7", email: "u7@example.com"))
        for keys in [try parsePublicKeys(text: pair.publicPem(), kid: "ed-1"), try parsePublicKeys(text: pair.publicJwk())] {
            XCTAssertEqual(keys.count, 1)
            XCTAssertEqual(keys[0].algorithm(), .edDsa)
            let got = try TokenVerifier(keys: keys, profile: .intercom).verify(token: token)
            XCTAssertEqual([got.userId, got.email], ["user-7", "u7@example.com"])
            XCTAssertEqual(got.algorithm, .edDsa)
        }
        // Another pair's public key does not verify it; a private key is no verifier's key.
        let other = try Ed25519KeyPair.generate()
        let refused = rejection("another key") {
            try TokenVerifier(keys: try parsePublicKeys(text: other.publicPem(), kid: "ed-1"), profile: .intercom)
                .verify(token: token)
        }
        XCTAssertEqual(refused, .Mismatch)
        XCTAssertEqual(rejection("a private key") { try parsePublicKeys(text: pair.privatePem()) }?.variantName, "Malformed")
        let privateD: String
        if case .object(let jwk) = try JSON.parse(pair.privateJwk()), case .string(let d)? = jwk["d"] {
            privateD = d
        } else {
            return XCTFail("no d in the private JWK")
        }
        let shown = String(reflecting: pair)
        XCTAssertFalse(shown.contains(privateD), shown)
        XCTAssertTrue(shown.contains("redacted"), shown)
    }
}
