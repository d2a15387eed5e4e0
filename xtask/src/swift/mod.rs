//! The Swift package (`bindings/swift`, SwiftPM): suite `swift`, `swift-test`
//! and `xcframework`.
//!
//! Suite `swift`: builds `libuserhash_ffi.a` (dev profile), generates the
//! Swift (into `bindings/swift/Sources/UserHash/Generated/`), its C header
//! and module map (into `bindings/swift/Generated/`) with the crate's own
//! `uniffi-bindgen` (both gitignored, never edited), copies the static
//! library to `Generated/lib/`, then runs `swift test` in the package with
//! warnings as errors. Every XCTest case is counted; a skipped one fails the
//! suite.
//!
//! Which Swift: `swift` on PATH where there is one (a Mac, a Linux
//! toolchain). Otherwise, on Debian as root, a Debian 13 ("trixie") root with
//! its `swiftlang` package, made once with debootstrap from the mirror this
//! machine's apt already uses and kept outside the repository (see
//! `debian_root.rs`), so a fresh clone on the same machine reuses it. It is built
//! under a temporary name and renamed when complete: an interrupted run never
//! leaves a root that looks finished, and the next run removes what it left.
//! Every command in the root runs in fresh mount and PID namespaces
//! (`unshare --mount --pid --fork --kill-child`): swift needs `/proc`, the
//! repository is bind-mounted at its own path, and when the command ends,
//! however it ends, the kernel drops those mounts and kills what it started.
//! Only where neither is possible is the suite skipped, and it says why; in CI
//! (`CI=true`) a skip is a failure, so a green run always ran Swift.
//!
//! `xcframework` builds `UserHashFFI.xcframework` for iOS devices, the iOS
//! simulator and macOS with Xcode's tools. It runs only on a Mac.
//!
//! The files: the package's generated parts (`package.rs`), `swift test` and
//! its XCTest counts (`xctest.rs`), the Debian root (`debian_root.rs`) and
//! the mirror it is made from (`mirror.rs`), the benchmark (`bench.rs`) and
//! the XCFramework (`xcframework.rs`).

mod bench;
mod debian_root;
mod mirror;
mod package;
mod xcframework;
mod xctest;

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use self::debian_root::{ensure_root, in_root, SUITE};
use crate::deps;
use crate::run::{cmd, root, status, Profile};
use crate::suites::Outcome;

pub use self::bench::bench;
pub use self::package::stage_release;
pub use self::xcframework::xcframework;

/// The package, relative to the workspace root.
const PACKAGE: &str = "bindings/swift";

/// The example package, which depends on the package by path (a folder of its
/// own: SwiftPM names a package after its folder, and the package is `swift`).
const EXAMPLE: &str = "examples/swift/SupportWidget";

/// Where `swift` runs.
enum Toolchain {
    /// `swift` on PATH.
    Host,
    /// A complete Debian root with Swift inside.
    Root(PathBuf),
}

/// Suite `swift`.
pub fn suite() -> Result<Outcome, String> {
    let toolchain = match toolchain()? {
        Ok(t) => t,
        Err(reason) => return Ok(Outcome::Skipped(reason)),
    };
    let start = Instant::now();
    package::prepare_local(Profile::Debug)?;
    println!("swift: the package is ready ({:.1}s)", start.elapsed().as_secs_f64());
    xctest::swift_test(&toolchain).map(Outcome::Ran)
}

/// `cargo xtask lint swift`: the package with its tests, and the example,
/// built with `swiftc -warnings-as-errors` (the generated Swift included),
/// where the suite would run them; skipped where it would be.
pub fn lint() -> Result<Outcome, String> {
    let toolchain = match toolchain()? {
        Ok(t) => t,
        Err(reason) => return Ok(Outcome::Skipped(reason)),
    };
    package::prepare_local(Profile::Debug)?;
    let mut script = String::from("set -e");
    for package in [PACKAGE, EXAMPLE] {
        let dir = root().join(package);
        script.push_str(&format!(
            "; echo 'swift: building {package} with warnings as errors'; cd '{}'; \
             swift build --build-tests -Xswiftc -warnings-as-errors",
            crate::run::path_str(&dir)?
        ));
    }
    status(&mut in_swift(&toolchain, &script)?)?;
    Ok(Outcome::Ran(crate::run::Counts::ONE))
}

/// `cargo xtask swift-test`: the suite alone, saying what it did.
pub fn test_command() -> Result<(), String> {
    match suite()? {
        Outcome::Ran(_) => Ok(()),
        Outcome::Skipped(reason) => Err(format!("the Swift suite cannot run here: {reason}")),
    }
}

/// `swift build` with warnings as errors and `swift test` in `package`, a
/// package outside `bindings/swift` (dist's copy of the example, which
/// depends on an unpacked release archive), its XCTest cases counted. Where
/// Swift cannot run, the reason is an error: dist promises the archive works.
pub fn test_package_at(package: &std::path::Path) -> Result<crate::run::Counts, String> {
    let toolchain = toolchain()?.map_err(|reason| format!("cannot test the Swift archive: {reason}"))?;
    let script = format!(
        "exec 2>&1; set -e; cd '{}'; swift build --build-tests -Xswiftc -warnings-as-errors; \
         swift test --skip-build --disable-swift-testing",
        crate::run::path_str(package)?
    );
    xctest::counted(&mut in_swift(&toolchain, &script)?)
}

/// `swift` on PATH, else the Debian root (made now if missing), else why
/// neither can be had (the outer error is a failure, the inner one a skip).
fn toolchain() -> Result<Result<Toolchain, String>, String> {
    if deps::on_path("swift") {
        status(&mut cmd("swift", &["--version"]))?;
        return Ok(Ok(Toolchain::Host));
    }
    if !cfg!(target_os = "linux") {
        return Ok(Err("no `swift` on PATH: install Xcode (macOS) or a Swift toolchain".into()));
    }
    if !deps::on_path("apt-get") {
        return Ok(Err("no `swift` on PATH, and this is not Debian (no apt-get) to make a Debian 13 root with \
                       Swift: install a Swift 6 toolchain from swift.org"
            .into()));
    }
    if !deps::is_root() {
        return Ok(Err("no `swift` on PATH, and making and entering a Debian 13 root with Swift needs root: \
                       run as root, or install a Swift 6 toolchain"
            .into()));
    }
    for program in ["unshare", "chroot", "mount"] {
        if !deps::on_path(program) {
            return Ok(Err(format!("no `swift` on PATH, and no `{program}` to enter a Debian 13 root with Swift")));
        }
    }
    // A container without CAP_SYS_ADMIN cannot make namespaces: then no root either.
    let probe = cmd("unshare", &["--mount", "--pid", "--fork", "--kill-child", "true"]).output();
    if !probe.as_ref().is_ok_and(|o| o.status.success()) {
        let why = probe.map(|o| String::from_utf8_lossy(&o.stderr).trim().to_owned()).unwrap_or_else(|e| e.to_string());
        return Ok(Err(format!(
            "no `swift` on PATH, and this machine does not allow mount and PID namespaces (`unshare` says: {why}), \
             which entering a Debian 13 root with Swift needs"
        )));
    }
    Ok(Ok(Toolchain::Root(ensure_root()?)))
}

/// `script` run by `sh` where Swift is: here, or inside the Debian root
/// (with the repository at its own path), saying which.
fn in_swift(toolchain: &Toolchain, script: &str) -> Result<Command, String> {
    match toolchain {
        Toolchain::Host => {
            println!("$ {script}");
            Ok(cmd("sh", &["-c", script]))
        }
        Toolchain::Root(dir) => {
            println!("$ (in the Debian {SUITE} root at {}) {script}", dir.display());
            in_root(dir, Some(&root()), script)
        }
    }
}
