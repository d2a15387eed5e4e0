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
//! [`root_dir`]), so a fresh clone on the same machine reuses it. It is built
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

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::deps::{self, Tool};
use crate::run::{cmd, path_str, root, status, target_dir, Counts, Profile};
use crate::suites::Outcome;

/// The package, relative to the workspace root.
const PACKAGE: &str = "bindings/swift";

/// The Debian release whose `swiftlang` package the root installs.
const SUITE: &str = "trixie";

/// The root's name in the cache folder. Change the number whenever
/// `ROOT_PACKAGES` or the way the root is made changes: a root of another
/// name is never used, so every machine makes the new one.
const ROOT_NAME: &str = "swift-trixie-1";

/// What the root has beyond debootstrap's minimal base: Swift 6.0 (with
/// SwiftPM, Foundation, XCTest), the C library's headers (without them swift
/// warns that the C library is missing), and redis-server for the Redis
/// nonce store's tests, which start their own.
const ROOT_PACKAGES: &[&str] = &["swiftlang", "libc6-dev", "redis-server"];

/// The PATH inside the root.
const ROOT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// What making a root needs free in its folder: debootstrap's base, the
/// packages downloaded and unpacked (about 3 GB at the peak), with a margin.
const ROOT_SPACE_KB: u64 = 4 * 1024 * 1024;

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
    prepare_local(Profile::Debug)?;
    println!("swift: the package is ready ({:.1}s)", start.elapsed().as_secs_f64());
    swift_test(&toolchain).map(Outcome::Ran)
}

/// `cargo xtask swift-test`: the suite alone, saying what it did.
pub fn test_command() -> Result<(), String> {
    match suite()? {
        Outcome::Ran(_) => Ok(()),
        Outcome::Skipped(reason) => Err(format!("the Swift suite cannot run here: {reason}")),
    }
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

// --- the package ------------------------------------------------------------

/// Paths inside the package that xtask writes: `Generated/` and
/// `Sources/UserHash/Generated/`.
struct Layout {
    package: PathBuf,
    generated: PathBuf,
}

impl Layout {
    fn new() -> Self {
        let package = root().join(PACKAGE);
        let generated = package.join("Generated");
        Self { package, generated }
    }
    /// The generated source of the Swift module `UserHash`, in a folder of
    /// its own inside the module's (`Sources/UserHash`, whose one
    /// hand-written file xtask never touches).
    fn swift_dir(&self) -> PathBuf {
        self.package.join("Sources").join("UserHash").join("Generated")
    }
    /// The C module `UserHashFFI`: the generated header and module map.
    fn ffi_dir(&self) -> PathBuf {
        self.generated.join("UserHashFFI")
    }
    /// The static library the package links when it is there (Package.swift).
    fn lib_dir(&self) -> PathBuf {
        self.generated.join("lib")
    }
}

fn io<T>(what: &Path, r: std::io::Result<T>) -> Result<T, String> {
    r.map_err(|e| format!("{}: {e}", what.display()))
}

fn fresh_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        io(dir, fs::remove_dir_all(dir))?;
    }
    io(dir, fs::create_dir_all(dir))
}

/// Runs the crate's own `uniffi-bindgen` (library mode) on `lib` into `out`:
/// `UserHash.swift`, `UserHashFFI.h`, `UserHashFFI.modulemap`. The module
/// names come from `bindings/swift/uniffi.toml`.
fn generate(lib: &Path, out: &Path) -> Result<(), String> {
    fresh_dir(out)?;
    let config = root().join(PACKAGE).join("uniffi.toml");
    // The generator runs in the dev profile (it only reads the library's metadata).
    status(&mut cmd(
        "cargo",
        &[
            "run",
            "-q",
            "-p",
            "userhash-ffi",
            "--features",
            "bindgen",
            "--bin",
            "uniffi-bindgen",
            "--",
            "generate",
            "--no-format",
            "--language",
            "swift",
            "--config",
            path_str(&config)?,
            "--out-dir",
            path_str(out)?,
            path_str(lib)?,
        ],
    ))?;
    for name in ["UserHash.swift", "UserHashFFI.h", "UserHashFFI.modulemap"] {
        if !out.join(name).is_file() {
            return Err(format!(
                "uniffi-bindgen made no {name} in {}; are the module names in {PACKAGE}/uniffi.toml still read?",
                out.display()
            ));
        }
    }
    Ok(())
}

/// The package for this machine: a build of the static library in
/// `Generated/lib` (dev profile for the tests, release for the benchmark),
/// the generated Swift in `Sources/UserHash/Generated`, the header and
/// `module.modulemap` in `Generated/UserHashFFI`.
fn prepare_local(profile: Profile) -> Result<(), String> {
    let mut build = vec!["build", "-p", "userhash-ffi"];
    if profile == Profile::Release {
        build.push("--release");
    }
    status(&mut cmd("cargo", &build))?;
    let built = target_dir().join(profile.dir());
    // The metadata is read from the shared library (library mode); both come
    // from the same build.
    let out = target_dir().join("swift").join("generated");
    generate(&built.join(shared_library_name()), &out)?;
    let library = built.join("libuserhash_ffi.a");
    let stamp = out.join("Library.swift");
    io(&stamp, fs::write(&stamp, library_stamp(&library, profile)?))?;
    let layout = Layout::new();
    // Each folder holds exactly these files; one left unchanged keeps its
    // time, so SwiftPM rebuilds only what changed.
    let files = [
        (layout.swift_dir(), out.join("UserHash.swift"), "UserHash.swift"),
        (layout.swift_dir(), stamp.clone(), "Library.swift"),
        (layout.ffi_dir(), out.join("UserHashFFI.h"), "UserHashFFI.h"),
        // A system library target's module map must be called module.modulemap.
        (layout.ffi_dir(), out.join("UserHashFFI.modulemap"), "module.modulemap"),
        // Only the static library goes here, so `-luserhash_ffi` cannot pick a shared one.
        (layout.lib_dir(), library, "libuserhash_ffi.a"),
    ];
    for (dir, _, _) in &files {
        io(dir, fs::create_dir_all(dir))?;
        for entry in io(dir, fs::read_dir(dir))? {
            let path = io(dir, entry)?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !files.iter().any(|(d, _, n)| d == dir && *n == name) {
                io(&path, if path.is_dir() { fs::remove_dir_all(&path) } else { fs::remove_file(&path) })?;
            }
        }
    }
    for (dir, from, name) in &files {
        copy_if_changed(from, &dir.join(name))?;
    }
    Ok(())
}

/// A Swift file that changes whenever the static library does. SwiftPM does
/// not track a library named by `-l`: its link step has no such input, so a
/// test binary already linked would keep running the library it was first
/// linked with after the Rust code changed, when the generated Swift did
/// not. A changed constant changes an object file of the module, which is an
/// input of the link step (a comment would not: the object stays the same,
/// and nothing is linked again). Cargo rewrites the library only when it
/// rebuilds it, so its size and modification time say when it changed (and
/// the profile, whether dev or release).
fn library_stamp(library: &Path, profile: Profile) -> Result<String, String> {
    let meta = io(library, fs::metadata(library))?;
    let modified =
        io(library, meta.modified())?.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    Ok(format!(
        "// Made by `cargo xtask` (xtask/src/swift.rs, `library_stamp`); never edited. It changes whenever\n\
         // libuserhash_ffi.a does, so that SwiftPM links again against the new library.\n\
         private let libuserhashFfiBuild = \"{} profile, {} bytes, modified at {modified} ns\"\n",
        profile.dir(),
        meta.len()
    ))
}

fn copy_if_changed(from: &Path, to: &Path) -> Result<(), String> {
    let new = io(from, fs::read(from))?;
    if fs::read(to).is_ok_and(|old| old == new) {
        return Ok(());
    }
    io(to, fs::write(to, new))
}

fn shared_library_name() -> &'static str {
    if cfg!(target_os = "macos") {
        "libuserhash_ffi.dylib"
    } else {
        "libuserhash_ffi.so"
    }
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    fs::copy(from, to).map(|_| ()).map_err(|e| format!("copy {} to {}: {e}", from.display(), to.display()))
}

/// The example package, which depends on the package by path (a folder of its
/// own: SwiftPM names a package after its folder, and the package is `swift`).
const EXAMPLE: &str = "examples/swift/SupportWidget";

/// `swift test` in the package, then in the example, each built with
/// warnings as errors, counted together.
fn swift_test(toolchain: &Toolchain) -> Result<Counts, String> {
    // Swift Testing would close with its own "0 tests" line: the suites are XCTest only.
    let mut script = String::from("exec 2>&1; set -e");
    for package in [PACKAGE, EXAMPLE] {
        let dir = root().join(package);
        script.push_str(&format!(
            "; echo 'swift: testing {package}'; cd '{}'; swift build --build-tests -Xswiftc -warnings-as-errors; \
             swift test --skip-build --disable-swift-testing",
            path_str(&dir)?
        ));
    }
    let start = Instant::now();
    let counts = xctest_counted(&mut in_swift(toolchain, &script)?);
    println!("swift: build and test took {:.1}s", start.elapsed().as_secs_f64());
    counts
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

/// Runs `c`, streaming its output, and counts XCTest's `Test Case '...'
/// passed|failed|skipped` lines: a skipped case, or none at all, fails.
fn xctest_counted(c: &mut Command) -> Result<Counts, String> {
    let mut child = c.stdout(Stdio::piped()).spawn().map_err(|e| format!("cannot start swift: {e}"))?;
    let stdout = child.stdout.take().expect("piped");
    let (mut counts, mut skipped) = (Counts::default(), 0u64);
    let mut out = std::io::stdout();
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        writeln!(out, "{line}").ok();
        match xctest_result(&line) {
            Some("passed") => counts.passed += 1,
            Some("failed") => counts.failed += 1,
            Some(_) => skipped += 1,
            None => {}
        }
    }
    let st = child.wait().map_err(|e| e.to_string())?;
    println!("swift: {} passed, {} failed, {skipped} skipped", counts.passed, counts.failed);
    if skipped > 0 {
        return Err(format!("{skipped} Swift test(s) skipped; every test must run"));
    }
    if counts.failed > 0 {
        return Err(format!("{} of {} Swift tests failed", counts.failed, counts.passed + counts.failed));
    }
    if !st.success() {
        return Err(format!("`swift build` or `swift test` failed ({st})"));
    }
    if counts.passed + counts.failed == 0 {
        return Err("swift test ran no test".into());
    }
    Ok(counts)
}

/// `passed`, `failed` or `skipped` from one XCTest line about a test case
/// (`Test Case 'VectorsTests.testSign' passed (0.002 seconds)` on Linux,
/// `Test Case '-[UserHashTests.VectorsTests testSign]' passed (...)` on macOS).
fn xctest_result(line: &str) -> Option<&'static str> {
    let rest = line.trim_start().strip_prefix("Test Case '")?;
    let (_, after) = rest.split_once("' ")?;
    ["passed", "failed", "skipped"].into_iter().find(|word| after.starts_with(&format!("{word} (")))
}

// --- the benchmark ---------------------------------------------------------

/// The core's benchmarks (`core/benches/userhash.rs`) that do the same work
/// as the Swift calls, as criterion names them.
const CORE_BENCHES: &[&str] = &[
    "identifier/sign_fresh_key",
    "identifier/sign_precomputed_key",
    "identifier/verify_fresh_key",
    "identity/sign_at",
    "identity/sign_with_fresh_uuid_and_clock",
    "identity/widget_url",
    "identity/verify_url_memory_store",
    "identity/verify_url_replayed",
];

/// Each Swift measurement (`Bench/UserHashBench`'s name), what it calls, and
/// the core benchmarks whose sum is the same work in Rust (none: no work).
const SWIFT_BENCHES: &[(&str, &str, &[&str])] = &[
    ("version", "`version()`: one crossing, a String back", &[]),
    (
        "sign_identifier_data",
        "`signIdentifier(secret: Data, identifier: Data)` (generated)",
        &["identifier/sign_fresh_key"],
    ),
    ("sign_identifier_string", "`signIdentifier(secret: String, identifier: String)`", &["identifier/sign_fresh_key"]),
    (
        "verify_identifier_data",
        "`verifyIdentifier(secret:identifier:hash:)`, `Data` (generated)",
        &["identifier/verify_fresh_key"],
    ),
    (
        "verify_identifier_string",
        "`verifyIdentifier(secret:identifier:hash:)`, `String`",
        &["identifier/verify_fresh_key"],
    ),
    ("identifier_signer_sign", "`IdentifierSigner.sign(identifier:)`", &["identifier/sign_precomputed_key"]),
    (
        "sign_identifiers_100_per_identifier",
        "`signIdentifiers`, 100 in one call, per identifier",
        &["identifier/sign_precomputed_key"],
    ),
    ("identity_sign_at", "`IdentitySigner.signAt(email:timestampMs:nonce:)`", &["identity/sign_at"]),
    (
        "identity_sign_now",
        "`IdentitySigner.sign(email:)` (UUID v4 and clock in Rust)",
        &["identity/sign_with_fresh_uuid_and_clock"],
    ),
    ("widget_url", "`widgetUrl(baseUrl:identity:name:params:)`", &["identity/widget_url"]),
    (
        "signer_widget_url",
        "`IdentitySigner.widgetUrl(baseUrl:email:name:)` (sign now + URL)",
        &["identity/sign_with_fresh_uuid_and_clock", "identity/widget_url"],
    ),
    (
        "verify_url_memory_store",
        "`Verifier.verifyUrlAt(url:nowMs:)`, memory store, accepted",
        &["identity/verify_url_memory_store"],
    ),
    (
        "verify_url_replayed",
        "`Verifier.verifyUrlAt(url:nowMs:)`, `Replayed` (thrown)",
        &["identity/verify_url_replayed"],
    ),
    ("data_from_string_utf8", "taken apart: `Data(text.utf8)`, 37 bytes (each `String` form, per argument)", &[]),
    (
        "signed_identity_lower_lift",
        "taken apart: a `SignedIdentity` written, sent to Rust and read back; no userhash work",
        &[],
    ),
    ("verified_identity_lower_lift", "taken apart: the same for a `VerifiedIdentity` (one extra param)", &[]),
];

/// `cargo xtask bench-swift`: in one run, the core's own time for each
/// operation (criterion, release profile) and then the cost of the same
/// call from Swift (`Bench/UserHashBench`, a release build of the package
/// over a release build of the library), side by side.
pub fn bench() -> Result<(), String> {
    let toolchain = toolchain()?.map_err(|reason| format!("the Swift benchmark cannot run here: {reason}"))?;
    let mut filter = String::new();
    for name in CORE_BENCHES {
        filter.push_str(&format!("{}^{name}$", if filter.is_empty() { "" } else { "|" }));
    }
    status(&mut cmd(
        "cargo",
        &[
            "bench",
            "-p",
            "userhash",
            "--bench",
            "userhash",
            "--",
            "--warm-up-time",
            "1",
            "--measurement-time",
            "3",
            &filter,
        ],
    ))?;
    let mut core = std::collections::HashMap::new();
    for name in CORE_BENCHES {
        core.insert(*name, criterion_median_ns(name)?);
    }

    prepare_local(Profile::Release)?;
    let script = format!(
        "exec 2>&1; set -e; cd '{}'; swift build -c release --product UserHashBench; .build/release/UserHashBench",
        path_str(&Layout::new().package)?
    );
    let out = in_swift(&toolchain, &script)?.output().map_err(|e| format!("cannot start swift: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    print!("{text}");
    if !out.status.success() {
        return Err(format!("the Swift benchmark failed ({})", out.status));
    }
    let swift: std::collections::HashMap<&str, f64> = text
        .lines()
        .filter_map(|l| l.strip_prefix("swift-bench "))
        .filter_map(|l| l.split_once(' '))
        .filter_map(|(name, ns)| ns.trim().parse().ok().map(|ns| (name, ns)))
        .collect();

    println!("\n| call from Swift | Swift, per call | core, same work | Swift - core | Swift / core |");
    println!("|---|---:|---:|---:|---:|");
    for (name, what, core_names) in SWIFT_BENCHES {
        let ns = *swift.get(name).ok_or_else(|| format!("the Swift benchmark printed no `{name}`"))?;
        if core_names.is_empty() {
            println!("| {what} | {ns:.0} ns | | | |");
            continue;
        }
        let same: f64 = core_names.iter().map(|c| core[c]).sum();
        println!("| {what} | {ns:.0} ns | {same:.0} ns | {:.0} ns | {:.2}x |", ns - same, ns / same);
    }
    println!("\n(core: criterion medians of {}; Swift: medians of 11 rounds)", CORE_BENCHES.join(", "));
    Ok(())
}

/// The median of a criterion benchmark just run, in ns, from its
/// `target/criterion/GROUP/NAME/new/estimates.json`.
fn criterion_median_ns(name: &str) -> Result<f64, String> {
    let path = target_dir().join("criterion").join(name).join("new").join("estimates.json");
    let text = io(&path, fs::read_to_string(&path))?;
    let after = text.split_once("\"median\"").map(|(_, rest)| rest);
    let value = after
        .and_then(|rest| rest.split_once("\"point_estimate\":"))
        .and_then(|(_, rest)| rest.split([',', '}']).next())
        .and_then(|n| n.trim().parse().ok());
    value.ok_or_else(|| format!("{}: no median point estimate", path.display()))
}

// --- the Debian root --------------------------------------------------------

/// Where the root is kept: `USERHASH_SWIFT_ROOT` if set (the root's own
/// path), else `$XDG_CACHE_HOME/userhash/swift-trixie-N`, else
/// `/var/cache/userhash/swift-trixie-N`. Outside the repository, so every
/// clone and worktree on the machine shares it.
fn root_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("USERHASH_SWIFT_ROOT").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let cache = match std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir).join("userhash"),
        None => PathBuf::from("/var/cache/userhash"),
    };
    cache.join(ROOT_NAME)
}

/// The root, made first if it is not there.
fn ensure_root() -> Result<PathBuf, String> {
    let dir = root_dir();
    if !dir.is_absolute() {
        return Err(format!("USERHASH_SWIFT_ROOT must be an absolute path, not {}", dir.display()));
    }
    if dir.exists() {
        if !has_swift(&dir) {
            return Err(format!(
                "{} exists but has no usr/bin/swift: it is not a root this xtask made; remove it, or set \
                 USERHASH_SWIFT_ROOT to another path",
                dir.display()
            ));
        }
        println!("swift: using the Debian {SUITE} root at {}", dir.display());
        return Ok(dir);
    }
    let start = Instant::now();
    make_root(&dir)?;
    println!("swift: made the Debian {SUITE} root at {} in {:.0}s", dir.display(), start.elapsed().as_secs_f64());
    Ok(dir)
}

/// Removes a half-made root when dropped (an error on the way), unless disarmed.
struct Partial(Option<PathBuf>);

impl Drop for Partial {
    fn drop(&mut self) {
        if let Some(dir) = self.0.take() {
            if let Err(e) = remove_tree(&dir) {
                eprintln!("xtask: could not remove the unfinished root: {e}");
            }
        }
    }
}

fn make_root(dir: &Path) -> Result<(), String> {
    let parent = dir.parent().ok_or_else(|| format!("{} has no parent folder", dir.display()))?;
    let name = dir.file_name().and_then(|n| n.to_str()).ok_or_else(|| format!("{} is not UTF-8", dir.display()))?;
    io(parent, fs::create_dir_all(parent))?;
    remove_stale_partials(parent, name)?;
    check_free_space(parent)?;
    deps::ensure(&[Tool { program: "debootstrap", package: "debootstrap" }])?;
    let mirror = debian_mirror()?;
    println!("swift: no `swift` on PATH; making a Debian {SUITE} root with Swift (once, about 2 minutes and 3 GB)");

    let tmp = parent.join(format!("{name}.partial-{}", std::process::id()));
    let mut partial = Partial(Some(tmp.clone()));
    // debootstrap mounts /proc and /sys inside the root: in namespaces of its
    // own, those mounts go when it ends, even if it is killed.
    let mut boot = namespaced();
    boot.args(["debootstrap", "--variant=minbase", SUITE, path_str(&tmp)?, &mirror]);
    boot.env("DEBIAN_FRONTEND", "noninteractive");
    let phase = Instant::now();
    status(&mut boot)?;
    println!("swift: debootstrap took {:.0}s", phase.elapsed().as_secs_f64());
    // No service may start inside the root while packages are installed.
    let policy = tmp.join("usr/sbin/policy-rc.d");
    io(&policy, fs::write(&policy, "#!/bin/sh\nexit 101\n"))?;
    io(&policy, set_mode(&policy, 0o755))?;
    let install = format!(
        "apt-get update -qq && apt-get install -y -qq --no-install-recommends {} && apt-get clean \
         && rm -rf /var/lib/apt/lists/* && swift --version",
        ROOT_PACKAGES.join(" ")
    );
    let phase = Instant::now();
    status(&mut in_root(&tmp, None, &install)?)?;
    println!("swift: installing {} took {:.0}s", ROOT_PACKAGES.join(", "), phase.elapsed().as_secs_f64());
    if !has_swift(&tmp) {
        return Err(format!("the packages are installed but {} has no usr/bin/swift", tmp.display()));
    }
    // Complete: now it may have its name. Another run that finished first wins.
    if let Err(e) = fs::rename(&tmp, dir) {
        if !has_swift(dir) {
            return Err(format!("rename {} to {}: {e}", tmp.display(), dir.display()));
        }
    } else {
        partial.0 = None;
    }
    Ok(())
}

/// Whether a root has `usr/bin/swift`: a symbolic link into the root's own
/// `/usr/lib`, so it is looked at, not followed (from outside it points nowhere).
fn has_swift(root: &Path) -> bool {
    fs::symlink_metadata(root.join("usr/bin/swift")).is_ok()
}

fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

/// Removes what interrupted runs left: `NAME.partial-PID` folders whose
/// process is gone.
fn remove_stale_partials(parent: &Path, name: &str) -> Result<(), String> {
    let prefix = format!("{name}.partial-");
    for entry in io(parent, fs::read_dir(parent))? {
        let path = io(parent, entry)?.path();
        let Some(pid) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
            println!("swift: removing {}, left by an interrupted run", path.display());
            remove_tree(&path)?;
        }
    }
    Ok(())
}

/// `remove_dir_all`, refused when anything is mounted inside `dir` (it would
/// follow the mount into the host's files).
fn remove_tree(dir: &Path) -> Result<(), String> {
    let mounts = fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let prefix = format!("{}/", dir.display());
    // Field 5 of each line is the mount point (spaces escaped as \040).
    if let Some(point) = mounts
        .lines()
        .filter_map(|l| l.split(' ').nth(4))
        .map(|p| p.replace("\\040", " "))
        .find(|p| *p == dir.display().to_string() || p.starts_with(&prefix))
    {
        return Err(format!("{point} is mounted inside {}; unmount it, then remove the folder", dir.display()));
    }
    io(dir, fs::remove_dir_all(dir))
}

/// Free space where the root is made, from `df` (no libc binding here).
fn check_free_space(parent: &Path) -> Result<(), String> {
    let out = cmd("df", &["-Pk", path_str(parent)?]).output().map_err(|e| format!("cannot run df: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let available: Option<u64> =
        text.lines().nth(1).and_then(|l| l.split_whitespace().nth(3)).and_then(|n| n.parse().ok());
    match available {
        Some(kb) if kb < ROOT_SPACE_KB => Err(format!(
            "making the Debian {SUITE} root with Swift needs about {} GB free in {}, and it has {:.1} GB: free some, \
             or set USERHASH_SWIFT_ROOT to a path on a larger disk",
            ROOT_SPACE_KB / 1024 / 1024,
            parent.display(),
            kb as f64 / 1024.0 / 1024.0
        )),
        _ => Ok(()),
    }
}

/// The Debian mirror this machine's apt uses: `USERHASH_DEBIAN_MIRROR` if
/// set, else the first `deb` source of the main archive in
/// `/etc/apt/sources.list` and `/etc/apt/sources.list.d/` (one-line `.list`
/// or deb822 `.sources`), else deb.debian.org.
fn debian_mirror() -> Result<String, String> {
    if let Ok(mirror) = std::env::var("USERHASH_DEBIAN_MIRROR") {
        if !mirror.is_empty() {
            return Ok(mirror);
        }
    }
    let mut files = vec![PathBuf::from("/etc/apt/sources.list")];
    if let Ok(entries) = fs::read_dir("/etc/apt/sources.list.d") {
        let mut more: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        more.sort();
        files.extend(more);
    }
    for file in files {
        let name = file.to_string_lossy();
        let Ok(text) = fs::read_to_string(&file) else { continue };
        let sources = if name.ends_with(".sources") {
            deb822_sources(&text)
        } else if name.ends_with(".list") {
            one_line_sources(&text)
        } else {
            continue;
        };
        if let Some(uri) = sources.into_iter().find(|(uri, suites)| is_main_archive(uri, suites)).map(|(uri, _)| uri) {
            println!("swift: Debian mirror {uri} (from {name})");
            return Ok(uri);
        }
    }
    let fallback = "http://deb.debian.org/debian".to_owned();
    println!("swift: no Debian mirror found in /etc/apt; using {fallback}");
    Ok(fallback)
}

/// A source of Debian's main archive: a release suite (`bookworm`,
/// `bookworm-updates`, `stable`), not the security archive or a third party.
fn is_main_archive(uri: &str, suites: &[String]) -> bool {
    const RELEASES: &[&str] =
        &["bullseye", "bookworm", "trixie", "forky", "sid", "oldstable", "stable", "testing", "unstable"];
    (uri.starts_with("http://") || uri.starts_with("https://"))
        && !uri.contains("security")
        && suites.iter().any(|s| RELEASES.contains(&s.split('-').next().unwrap_or("")))
}

/// `(uri, suites)` of each `deb` line of a one-line-style list.
fn one_line_sources(text: &str) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        let Some(rest) = line.strip_prefix("deb").filter(|r| r.starts_with([' ', '\t'])) else { continue };
        let rest = rest.trim_start();
        // Options come first, in brackets: `[arch=amd64 signed-by=...]`.
        let rest = if rest.starts_with('[') { rest.split_once(']').map_or("", |(_, r)| r) } else { rest };
        let mut words = rest.split_whitespace();
        if let (Some(uri), Some(suite)) = (words.next(), words.next()) {
            found.push((uri.trim_end_matches('/').to_owned(), vec![suite.to_owned()]));
        }
    }
    found
}

/// `(first URI, suites)` of each enabled `deb` stanza of a deb822 file.
fn deb822_sources(text: &str) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    for stanza in text.split("\n\n") {
        let field = |key: &str| -> Option<String> {
            stanza.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim().eq_ignore_ascii_case(key).then(|| v.trim().to_owned())
            })
        };
        let enabled = field("Enabled").is_none_or(|v| !v.eq_ignore_ascii_case("no"));
        let is_deb = field("Types").is_some_and(|t| t.split_whitespace().any(|t| t == "deb"));
        if let (true, true, Some(uris), Some(suites)) = (enabled, is_deb, field("URIs"), field("Suites")) {
            if let Some(uri) = uris.split_whitespace().next() {
                found.push((
                    uri.trim_end_matches('/').to_owned(),
                    suites.split_whitespace().map(str::to_owned).collect(),
                ));
            }
        }
    }
    found
}

/// `unshare` into new mount and PID namespaces: every mount made inside, and
/// every process, goes when the command ends. `setpriv --pdeathsig KILL`
/// ends it when xtask ends, even killed, and `--kill-child` then ends the
/// namespace's first process, which takes every other one with it.
fn namespaced() -> Command {
    let unshare = ["unshare", "--mount", "--pid", "--fork", "--kill-child", "--propagation", "private"];
    if deps::on_path("setpriv") {
        let mut c = cmd("setpriv", &["--pdeathsig", "KILL"]);
        c.args(unshare);
        c
    } else {
        cmd(unshare[0], &unshare[1..])
    }
}

/// `script` run by `/bin/sh` inside the root, in namespaces of its own:
/// `/proc` of the new PID namespace, the machine's `/dev`, a `/tmp` of its
/// own (swiftc leaves files there), and `share` (the repository)
/// bind-mounted at its own path, so paths read the same inside and out. A
/// clean environment, plus `CI`.
fn in_root(dir: &Path, share: Option<&Path>, script: &str) -> Result<Command, String> {
    let root_path = path_str(dir)?;
    let mut setup = String::from("set -e; mount --rbind /dev \"$1/dev\"; mount -t tmpfs tmpfs \"$1/tmp\"; ");
    if let Some(share) = share {
        if !share.is_absolute() {
            return Err(format!("{} is not absolute", share.display()));
        }
        setup.push_str("mkdir -p \"$1$2\"; mount --bind \"$2\" \"$1$2\"; ");
    }
    let ci = std::env::var("CI").unwrap_or_default();
    setup.push_str(
        "exec chroot \"$1\" /usr/bin/env -i PATH=\"$3\" HOME=/root LANG=C.UTF-8 CI=\"$4\" \
         DEBIAN_FRONTEND=noninteractive /bin/sh -c \"$5\"",
    );
    let mut c = namespaced();
    let proc_arg = format!("--mount-proc={root_path}/proc");
    c.arg(proc_arg).args(["sh", "-c", &setup, "sh", root_path]);
    c.arg(share.map(path_str).transpose()?.unwrap_or(""));
    c.args([ROOT_PATH, &ci, script]);
    Ok(c)
}

// --- the XCFramework ----------------------------------------------------------

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

#[cfg(test)]
mod tests {
    use super::{deb822_sources, is_main_archive, one_line_sources, xctest_result};

    #[test]
    fn reads_xctest_case_lines() {
        assert_eq!(xctest_result("Test Case 'VectorsTests.testSign' passed (0.002 seconds)"), Some("passed"));
        assert_eq!(
            xctest_result("Test Case '-[UserHashTests.VectorsTests testSign]' failed (0.1 seconds)"),
            Some("failed")
        );
        assert_eq!(xctest_result("Test Case 'A.b' skipped (0.000 seconds)"), Some("skipped"));
        assert_eq!(xctest_result("Test Case 'A.b' started at 2025-01-01 00:00:00.000"), None);
        assert_eq!(xctest_result("Test Suite 'All tests' passed at 2025-01-01"), None);
    }

    #[test]
    fn finds_the_main_archive_in_both_formats() {
        let deb822 = "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\n\
                      Components: main\n\nTypes: deb\nURIs: http://deb.debian.org/debian-security\n\
                      Suites: bookworm-security\nComponents: main\n";
        let sources = deb822_sources(deb822);
        assert_eq!(sources.len(), 2);
        let main: Vec<_> = sources.iter().filter(|(u, s)| is_main_archive(u, s)).collect();
        assert_eq!(main.len(), 1);
        assert_eq!(main[0].0, "http://deb.debian.org/debian");

        let list = "# comment\ndeb [arch=amd64 signed-by=/k.gpg] https://packages.example.com/apt cloud-sdk main\n\
                    deb http://mirror.example.org/debian/ bookworm main\n\
                    deb-src http://mirror.example.org/debian bookworm main\n";
        let sources = one_line_sources(list);
        assert_eq!(sources.len(), 2);
        let main: Vec<_> = sources.iter().filter(|(u, s)| is_main_archive(u, s)).collect();
        assert_eq!(main, [&("http://mirror.example.org/debian".to_owned(), vec!["bookworm".to_owned()])]);
    }
}
