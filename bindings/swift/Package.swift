// swift-tools-version:6.0
// (Tools 6.0: every target builds in the Swift 6 language mode.)

// The UserHash package: the Swift that uniffi generates from the userhash-ffi
// crate, over its C header and module map, linking the Rust library
// statically, plus one hand-written file (Sources/UserHash/Text.swift: the
// `String` forms of the calls that take text as `Data`). Everything under
// Generated/ and Sources/UserHash/Generated/, and UserHashFFI.xcframework, is
// made by `cargo xtask` and never edited by hand (README.md).

import Foundation
import PackageDescription

let here = Context.packageDirectory

// `cargo xtask swift-test` (and the `swift` suite of `cargo xtask test`) puts a
// static library built for this machine in Generated/lib. `cargo xtask
// xcframework` (a Mac) makes UserHashFFI.xcframework for iOS devices, the iOS
// simulator and macOS, and removes Generated/lib. The package links whichever
// is there, the library for this machine first.
let localLibrary = FileManager.default.fileExists(atPath: "\(here)/Generated/lib/libuserhash_ffi.a")

let ffi: Target = localLibrary
    ? .systemLibrary(name: "UserHashFFI", path: "Generated/UserHashFFI")
    : .binaryTarget(name: "UserHashFFI", path: "UserHashFFI.xcframework")

let package = Package(
    name: "UserHash",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [
        .library(name: "UserHash", targets: ["UserHash"]),
    ],
    targets: [
        ffi,
        // The generated Swift (Sources/UserHash/Generated/, made by xtask) and
        // the one hand-written file beside it.
        .target(
            name: "UserHash",
            dependencies: ["UserHashFFI"],
            path: "Sources/UserHash",
            linkerSettings: localLibrary
                ? [.linkedLibrary("userhash_ffi"), .unsafeFlags(["-L\(here)/Generated/lib"])]
                : []
        ),
        .testTarget(
            name: "UserHashTests",
            dependencies: ["UserHash"],
            path: "Tests/UserHashTests"
        ),
        // `cargo xtask bench-swift`: the cost of each call from Swift (release build).
        .executableTarget(
            name: "UserHashBench",
            dependencies: ["UserHash"],
            path: "Bench/UserHashBench"
        ),
    ]
)
