//! `cargo xtask xcframework` (macOS with Xcode): the static library for
//! iOS devices, the iOS simulator and macOS in one XCFramework.

use std::fs;
use std::path::PathBuf;

use super::package::{generate, Layout};
use crate::deps;
use crate::files::{copy, fresh_dir, io};
use crate::run::{cmd, path_str, status, target_dir};

/// The Apple targets: (Rust target, the slice it goes into).
const APPLE_TARGETS: &[(&str, &str)] = &[
    ("aarch64-apple-ios", "ios"),
    ("aarch64-apple-ios-sim", "ios-simulator"),
    ("x86_64-apple-ios", "ios-simulator"),
    ("aarch64-apple-darwin", "macos"),
    ("x86_64-apple-darwin", "macos"),
];

/// The oldest systems the package supports (Package.swift's `platforms`).
const IOS_DEPLOYMENT_TARGET: &str = "15.0";
const MACOS_DEPLOYMENT_TARGET: &str = "12.0";

/// `cargo xtask xcframework`: `bindings/swift/UserHashFFI.xcframework` (a
/// release build of the static library for iOS devices, the iOS simulator
/// and macOS, each slice with the header and module map under
/// `Headers/UserHashFFI/`), the generated Swift in `Sources/UserHash/Generated`, and
/// `target/swift/UserHashFFI.xcframework.zip` with its SwiftPM checksum for
/// a release. Needs macOS with Xcode.
pub fn xcframework() -> Result<(), String> {
    if !cfg!(target_os = "macos") {
        return Err("`cargo xtask xcframework` needs macOS with Xcode (xcodebuild, lipo): an XCFramework for iOS \
                    and macOS can only be made there. On this machine, `cargo xtask test swift` builds and tests \
                    the Swift package against a library for this machine instead"
            .into());
    }
    for program in ["xcodebuild", "lipo", "rustup", "ditto"] {
        if !deps::on_path(program) {
            return Err(format!("no `{program}` on PATH; install Xcode (and rustup for the Rust targets)"));
        }
    }
    let mut add = vec!["target", "add"];
    add.extend(APPLE_TARGETS.iter().map(|(t, _)| *t));
    status(&mut cmd("rustup", &add))?;
    for (target, _) in APPLE_TARGETS {
        let mut build = cmd("cargo", &["build", "-p", "userhash-ffi", "--release", "--target", target]);
        build.env("IPHONEOS_DEPLOYMENT_TARGET", IOS_DEPLOYMENT_TARGET);
        build.env("MACOSX_DEPLOYMENT_TARGET", MACOS_DEPLOYMENT_TARGET);
        status(&mut build)?;
    }
    let built = |target: &str, file: &str| target_dir().join(target).join("release").join(file);
    let work = target_dir().join("swift").join("xcframework");
    fresh_dir(&work)?;

    // The Swift, header and module map, from one slice's metadata (every slice has the same).
    let generated = work.join("generated");
    generate(&built("aarch64-apple-darwin", "libuserhash_ffi.dylib"), &generated)?;
    // Each slice's headers in a folder of the module's name, so that two
    // XCFrameworks in one app do not both put a module.modulemap at the top.
    let headers = work.join("headers");
    let module_headers = headers.join("UserHashFFI");
    io(&module_headers, fs::create_dir_all(&module_headers))?;
    copy(&generated.join("UserHashFFI.h"), &module_headers.join("UserHashFFI.h"))?;
    copy(&generated.join("UserHashFFI.modulemap"), &module_headers.join("module.modulemap"))?;

    // One static library per platform: lipo joins a platform's architectures.
    let mut create = vec!["-create-xcframework".to_owned()];
    for slice in ["ios", "ios-simulator", "macos"] {
        let libs: Vec<PathBuf> =
            APPLE_TARGETS.iter().filter(|(_, s)| *s == slice).map(|(t, _)| built(t, "libuserhash_ffi.a")).collect();
        let lib = work.join(slice).join("libuserhash_ffi.a");
        io(&work.join(slice), fs::create_dir_all(work.join(slice)))?;
        let mut lipo = vec!["-create".to_owned()];
        for l in &libs {
            lipo.push(path_str(l)?.to_owned());
        }
        lipo.extend(["-output".to_owned(), path_str(&lib)?.to_owned()]);
        status(&mut cmd("lipo", &lipo.iter().map(String::as_str).collect::<Vec<_>>()))?;
        create.extend(["-library".to_owned(), path_str(&lib)?.to_owned()]);
        create.extend(["-headers".to_owned(), path_str(&headers)?.to_owned()]);
    }
    let layout = Layout::new();
    let framework = layout.package.join("UserHashFFI.xcframework");
    if framework.exists() {
        io(&framework, fs::remove_dir_all(&framework))?;
    }
    create.extend(["-output".to_owned(), path_str(&framework)?.to_owned()]);
    status(&mut cmd("xcodebuild", &create.iter().map(String::as_str).collect::<Vec<_>>()))?;

    // The package now uses the XCFramework: the generated Swift beside it,
    // and no library for this machine (Package.swift prefers that one).
    fresh_dir(&layout.swift_dir())?;
    copy(&generated.join("UserHash.swift"), &layout.swift_dir().join("UserHash.swift"))?;
    if layout.lib_dir().exists() {
        io(&layout.lib_dir(), fs::remove_dir_all(layout.lib_dir()))?;
    }

    // A zip and its checksum, for a `.binaryTarget(url:checksum:)` in a release.
    let zip = target_dir().join("swift").join("UserHashFFI.xcframework.zip");
    let _ = fs::remove_file(&zip);
    status(&mut cmd(
        "ditto",
        &["-c", "-k", "--sequesterRsrc", "--keepParent", path_str(&framework)?, path_str(&zip)?],
    ))?;
    let mut checksum = cmd("swift", &["package", "compute-checksum", path_str(&zip)?]);
    checksum.current_dir(&layout.package);
    status(&mut checksum)?;
    println!("xcframework: {}\nzip: {}", framework.display(), zip.display());
    Ok(())
}
