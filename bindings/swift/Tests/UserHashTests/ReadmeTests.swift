import Foundation
import XCTest

/// The README's Swift example is ReadmeExample.swift's, and it runs.
final class ReadmeTests: XCTestCase {
    private static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    /// The lines between the markers of ReadmeExample.swift, less the function's indentation.
    private func example() throws -> [String] {
        let source = try String(contentsOf: Self.here.appendingPathComponent("ReadmeExample.swift"), encoding: .utf8)
        let lines = source.components(separatedBy: "\n")
        let start = try XCTUnwrap(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "// README start" })
        let end = try XCTUnwrap(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "// README end" })
        return lines[(start + 1)..<end].map { $0.hasPrefix("    ") ? String($0.dropFirst(4)) : $0 }
    }

    func testTheReadmeShowsTheExampleAsItIsInReadmeExample() throws {
        // Tests/UserHashTests/ of bindings/swift/ is four levels below the root.
        var readmeURL = Self.here
        for _ in 0..<4 { readmeURL.deleteLastPathComponent() }
        readmeURL.appendPathComponent("README.md")
        let readme = try String(contentsOf: readmeURL, encoding: .utf8)
        let section = try XCTUnwrap(readme.components(separatedBy: "\n## Swift\n").dropFirst().first, "no ## Swift section")
        let block = try XCTUnwrap(section.components(separatedBy: "```swift\n").dropFirst().first, "no swift block")
        let code = block.components(separatedBy: "\n```")[0].components(separatedBy: "\n")
        let body = code.drop { $0.hasPrefix("import ") || $0.isEmpty }
        XCTAssertEqual(Array(body), try example())
    }

    func testTheReadmeExampleRuns() throws {
        XCTAssertEqual(
            try readmeExample(),
            ["verified as a+b@example.com", "959217e5001533694e1f8ac122e7c24eef04409d31f9e9b5227cf2165b6e6d82"])
    }
}
