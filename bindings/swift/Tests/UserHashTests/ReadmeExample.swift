import Foundation
import UserHash

/// The top-level README's Swift example, as it is printed there (the lines
/// between the markers, less this function's indentation); ReadmeTests
/// checks that the README shows exactly these lines, and runs them.
func readmeExample() throws -> [String] {
    var printed: [String] = []
    func print(_ items: Any...) {
        printed.append(items.map { "\($0)" }.joined(separator: " "))
    }
    // README start
    let secret = ProcessInfo.processInfo.environment["USERHASH_SECRET"] ?? "dev-only-secret-0123456789abcdef"

    let hash = try signIdentifier(secret: "<widget-hmac-token>", identifier: "<identifier>")   // "959217e5...6d82"

    let signer = try IdentitySigner(secret: secret, orgId: "org_123")             // in the customer's backend
    let url = try signer.widgetUrl(baseUrl: "https://widget.example.com/", email: "a+b@example.com", name: "Alice")

    let verifier = try Verifier(secrets: [secret], orgId: "org_123")              // in the widget's server
    do {
        print("verified as", try verifier.verifyUrl(url: url).email)
    } catch UserHashError.Replayed {                                              // each rejection is its own case
        print("this URL was already used")
    } catch let error as UserHashError {                                          // its description says what to fix
        print("refused:", error)
    }
    // README end
    printed.append(hash)
    return printed
}
