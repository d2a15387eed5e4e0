// The web view itself: only where WebKit exists (iOS, macOS). This file is
// compiled there and nowhere else; on Linux, where `cargo xtask test` runs
// the example's tests, it is empty. It has not been compiled by this
// project's CI (README.md).

#if canImport(WebKit)
import UserHash
import WebKit

/// Loads the signed widget URL into `webView`: what the React Native
/// example's `<WebView source={{ uri }} />` does. Fetch a fresh identity from
/// your backend each time the support screen opens.
@MainActor
public func loadSupportWidget(in webView: WKWebView, identity: SignedIdentity, user: User, colorScheme: String,
                              locale: String) throws {
    let url = try supportWidgetUrl(identity: identity, user: user, colorScheme: colorScheme, locale: locale)
    webView.load(URLRequest(url: url))
}

#if canImport(SwiftUI) && canImport(UIKit)
import SwiftUI

/// The support screen in SwiftUI on iOS, as `SupportWebView.tsx` is in React Native.
public struct SupportWebView: UIViewRepresentable {
    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    public func makeUIView(context: Context) -> WKWebView {
        let webView = WKWebView()
        webView.load(URLRequest(url: url))
        return webView
    }

    public func updateUIView(_ webView: WKWebView, context: Context) {}
}
#endif
#endif
