// swift-tools-version:6.0

// The support widget in a WKWebView, the counterpart of the vendor's React
// Native `SupportWebView.tsx`, over the UserHash package of this repository
// (`cargo xtask swift-test` builds it for this machine; ../README.md).
//
// This folder is a package of its own, not examples/swift itself: SwiftPM
// names a package after its folder, and bindings/swift is already "swift".

import PackageDescription

let package = Package(
    name: "SupportWidgetExample",
    platforms: [.macOS(.v12), .iOS(.v15)],
    dependencies: [
        .package(path: "../../../bindings/swift"),
    ],
    targets: [
        .target(
            name: "SupportWidget",
            dependencies: [.product(name: "UserHash", package: "swift")]
        ),
        .executableTarget(
            name: "support-widget-url",
            dependencies: ["SupportWidget"]
        ),
        .testTarget(
            name: "SupportWidgetTests",
            dependencies: ["SupportWidget", .product(name: "UserHash", package: "swift")]
        ),
    ]
)
