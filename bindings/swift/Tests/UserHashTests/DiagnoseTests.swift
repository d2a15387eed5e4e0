import Foundation
import UserHash
import XCTest

/// diagnose.json (SPEC §6): the verdict and its causes are the generated
/// `Diagnosis` and `Cause` enums, with the core's names and explanations.
final class DiagnoseTests: XCTestCase {
    let vectors: DiagnoseVectors = try! Vectors.load("diagnose.json")

    private func run(_ secrets: [String], _ input: DiagnoseVectors.Input, _ hash: String?) throws -> Diagnosis {
        if let url = input.url {
            return try diagnoseUrl(secrets: secrets, url: url, hash: hash)
        }
        return try diagnose(secrets: secrets, input: input.signedInput, hash: hash ?? "")
    }

    /// A cause's fields as the vectors spell them.
    private func fields(of cause: Cause) -> [String: String] {
        switch cause {
        case .whitespace(let field, let signed, let given), .emailCase(let field, let signed, let given),
            .plusAsSpace(let field, let signed, let given):
            ["field": field.asStr(), "signed": signed, "given": given]
        case .secretWhitespace(let keyIndex, let edit): ["key_index": "\(keyIndex)", "edit": edit.asStr()]
        case .secondsInsteadOfMilliseconds(let signed, let given): ["signed": signed, "given": given]
        case .otherSecret(let keyIndex): ["key_index": "\(keyIndex)"]
        default: [:]
        }
    }

    private func fields(of expected: DiagnoseVectors.ExpectedCause) -> [String: String] {
        var out: [String: String] = [:]
        out["field"] = expected.field
        out["signed"] = expected.signed
        out["given"] = expected.given
        out["edit"] = expected.edit
        out["key_index"] = expected.keyIndex.map { "\($0)" }
        return out
    }

    func testCases() throws {
        XCTAssertFalse(vectors.cases.isEmpty)
        var seen = Set<String>()
        for c in vectors.cases {
            let got = try run(c.secrets, c.input, c.hash)
            XCTAssertEqual(got.name(), c.expect.diagnosis, "\(c.name): \(got)")
            let causes: [Cause]
            if case .explained(let list) = got { causes = list } else { causes = [] }
            let want = c.expect.causes ?? []
            XCTAssertEqual(causes.map { $0.name() }, want.map(\.cause), "\(c.name): \(got)")
            for (cause, expected) in zip(causes, want) {
                XCTAssertEqual(fields(of: cause), fields(of: expected), "\(c.name): \(cause.name())")
                XCTAssertFalse(cause.description.isEmpty)
                XCTAssertTrue(got.description.contains(cause.description), "\(c.name): \(got)")
                if let field = expected.field {
                    XCTAssertEqual(cause.inputField()?.asStr(), field, c.name)
                }
                seen.insert(cause.name())
            }
            let shown = "\(got) \(String(reflecting: got)) \(causes.map { String(reflecting: $0) })"
            assertNoSecret(c.secrets, in: shown, c.name)
        }
        let spec: Set<String> = [
            "Whitespace", "SecretWhitespace", "EmailCase", "PlusAsSpace", "SecondsInsteadOfMilliseconds",
            "UpperCaseHex", "Base64Tag", "IdentifierHashForIdentity", "IdentityForIdentifierHash", "OtherSecret",
        ]
        XCTAssertEqual(spec.subtracting(seen), [], "causes of SPEC §6 with no vector")
    }

    func testErrors() {
        XCTAssertFalse(vectors.errors.isEmpty)
        for c in vectors.errors {
            guard let error = rejection(c.name, { try run(c.secrets, c.input, c.hash) }) else { continue }
            assertVariant(error, c.error, field: c.field, c.name)
        }
    }

    /// The verdicts as a Swift user meets them: `switch` on the generated enums.
    func testAPlusReadAsASpaceIsNamed() throws {
        let identity = try IdentitySigner(secret: Fixture.secret, orgId: Fixture.orgId)
            .signAt(email: Fixture.email, timestampMs: Fixture.timestamp, nonce: Fixture.nonce)
        // A URL built by hand, with a raw `+`.
        let url = try widgetUrl(baseUrl: "https://w.example/", identity: identity).replacingOccurrences(of: "a%2Bb", with: "a+b")
        let got = try diagnoseUrl(secrets: [Fixture.secret], url: url)
        guard case .explained(let causes) = got, case .plusAsSpace(let field, let signed, let given) = causes.first else {
            return XCTFail("\(got)")
        }
        XCTAssertEqual([field.asStr(), signed, given], ["email", Fixture.email, "a b@example.com"])
        XCTAssertTrue(causes[0].description.contains("%2B"), causes[0].description)
    }

    func testMatchesAndUnexplained() throws {
        let good = try signIdentifier(secret: Fixture.secret, identifier: "user-42")
        let input = SignedInput(identifier: "user-42")
        XCTAssertEqual(try diagnose(secrets: [Fixture.secret], input: input, hash: good), .matches)
        XCTAssertEqual(try diagnose(secrets: [Fixture.secret], input: input, hash: good.uppercased()),
                       .explained(causes: [.upperCaseHex]))
        let unexplained = try diagnose(secrets: [Fixture.secret], input: input, hash: String(repeating: "ab", count: 32))
        XCTAssertEqual(unexplained, .unexplained)
        XCTAssertEqual(unexplained.name(), "Unexplained")
        XCTAssertFalse(unexplained.description.isEmpty)
        // The generated `Data` form agrees.
        XCTAssertEqual(try diagnose(secrets: [Data(Fixture.secret.utf8)], input: input, hash: good), .matches)
    }
}
