//! `cargo xtask dist` and the suite `dist`: what a user installs without a
//! Rust toolchain, for Linux on x86_64 and aarch64, in `target/dist/`.
//!
//! - `userhash-VERSION-py3-none-manylinux_2_17_ARCH.whl` (maturin tags it
//!   `manylinux2014_ARCH.manylinux_2_17_ARCH`, the same tag under both names)
//!   and the sdist `userhash-VERSION.tar.gz`;
//! - `userhash-VERSION.jar` with `linux-x86-64/` and `linux-aarch64/`
//!   natives (JNA's resource prefixes), `userhash-VERSION-standalone.jar`
//!   (kotlin-stdlib inside) and `userhash-VERSION.pom`;
//! - `userhash-VERSION-linux-ARCH.tar.gz`: `include/userhash.h`, `lib/`
//!   (`libuserhash.a`; `libuserhash.so.VERSION` with its SONAME link and the
//!   plain name, as `install-c` lays them out) and a relocatable
//!   `lib/pkgconfig/userhash.pc` (`prefix=${pcfiledir}/../..`);
//! - `userhash-swift-VERSION.tar.gz` once `bindings/swift/Package.swift`
//!   exists (see [`swift_archive`]);
//! - `SHA256SUMS` over all of them (`sha256sum -c SHA256SUMS`).
//!
//! Why glibc 2.17 (manylinux2014): it is the oldest glibc Rust's standard
//! library supports, so no lower tag is possible, and every glibc Linux
//! still maintained has it or a later one (CentOS 7 had 2.17). Linking against this machine's glibc would tie the
//! libraries to its version (2.36 on Debian 12: symbols such as
//! `pthread_key_create@GLIBC_2.34`). So the libraries are linked by zig
//! (`ziglang` from PyPI), which carries stubs of every glibc version, through
//! `maturin zig cc`, for both architectures alike: aarch64 is cross-compiled
//! with rustup's `aarch64-unknown-linux-gnu` standard library and needs no
//! other cross toolchain. maturin's own manylinux check (`--auditwheel
//! check`) then passes or fails the wheel; the suite checks every library of
//! every artifact again (machine, newest GLIBC symbol version).
//!
//! One release build per library and architecture: maturin builds
//! `libuserhash_ffi.so` for the wheel, and the JAR packs that same file
//! (taken out of the wheel); `cargo build -p userhash-c` builds the C
//! library with the same linker and profile, so it reuses every dependency
//! but the core (built without the Redis store, which the C API lacks).
//! Everything is built with `--locked` and without the caller's RUSTFLAGS.
//! The static library goes into its archive without the standard library's
//! debug information (`rust-objcopy --strip-debug`): 14 MB rather than 23.
//!
//! The suite `dist` makes the artifacts (cargo's cache makes a second run
//! quick), then tests what a user gets:
//! - `sha256sum -c SHA256SUMS`;
//! - every library in the wheels, JARs and C archives is an ELF for its
//!   architecture whose newest GLIBC symbol version is within the wheel's
//!   manylinux tag, and the wheel and the JAR carry the same file;
//! - the x86_64 wheel installed from the file into a fresh virtual
//!   environment whose PATH has no cargo or rustc (pip may take only
//!   wheels), and the Python suite (`bindings/python/tests`) run against it
//!   from outside the tree; a pytest plugin stops the run unless `userhash`
//!   is imported from the installed package;
//! - the x86_64 C archive unpacked into an empty prefix: `examples/c` built
//!   with `pkg-config` only (nothing else on its search path) and run, and
//!   again linked statically from a copy without the `.so`;
//! - aarch64 under `qemu-aarch64-static` (Debian's `qemu-user-static`), with
//!   Debian's arm64 packages (libc6, libjansson, python3) downloaded by a
//!   private apt configuration (its own state under `target/dist-work/`; the
//!   machine's dpkg gets no foreign architecture) and unpacked into a
//!   sysroot: the known-answer program and `examples/c` cross-compiled with
//!   Debian's `aarch64-linux-gnu-gcc` against the aarch64 archive, the C
//!   suite (`bindings/c/tests`) against its header and pkg-config file (and
//!   a test-hooks build of its library, see [`c_aarch64`]), and the aarch64
//!   wheel's Python suite under Debian's arm64 Python;
//! - the Kotlin suite (`bindings/kotlin/src/test`) against the JAR in
//!   `target/dist/` (the pom's `test-jar` profile: no class of src/main is
//!   compiled), the known answer from Java with the standalone JAR, and the
//!   README's `mvn install:install-file` into a local repository of its own.
//!
//! Android is out of reach here: building for it needs the Android NDK,
//! which none of the package registries this project uses carries; no AAR
//! is made rather than one without device libraries.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::deps::{self, Tool};
use crate::run::{cmd, counted, path_str, root, status, target_dir, Counts};
use crate::{c, kotlin};

/// The build's tools from PyPI, pinned (installed into a virtual
/// environment of their own): maturin builds and checks the wheels, and
/// drives zig as the linker.
const PYPI_TOOLS: &[&str] = &["maturin==1.16.0", "ziglang==0.17.1"];

/// The manylinux tag the wheels carry: the oldest glibc Rust supports.
const GLIBC: (u32, u32) = (2, 17);

/// A Linux architecture the artifacts are made for.
struct Arch {
    /// As in the artifacts' names (`uname -m`).
    name: &'static str,
    /// Rust's target triple.
    rust: &'static str,
    /// JNA's resource prefix.
    jna: &'static str,
    /// `readelf -h`'s name for the ELF machine.
    elf_machine: &'static str,
}

const X86_64: Arch = Arch {
    name: "x86_64",
    rust: "x86_64-unknown-linux-gnu",
    jna: "linux-x86-64",
    elf_machine: "Advanced Micro Devices X86-64",
};
const AARCH64: Arch =
    Arch { name: "aarch64", rust: "aarch64-unknown-linux-gnu", jna: "linux-aarch64", elf_machine: "AArch64" };
const ARCHES: [&Arch; 2] = [&X86_64, &AARCH64];

impl Arch {
    /// zig's target, with the glibc version to link against.
    fn zig(&self) -> String {
        format!("{}-linux-gnu.{}.{}", self.name, GLIBC.0, GLIBC.1)
    }

    /// Cargo's folder for this target's release builds.
    fn release_dir(&self) -> PathBuf {
        cargo_target().join(self.rust).join("release")
    }

    /// The variable that names the target's linker to cargo.
    fn linker_var(&self) -> String {
        format!("CARGO_TARGET_{}_LINKER", self.rust.to_uppercase().replace('-', "_"))
    }
}

/// The builds' own target folder. The x86_64 linker is this machine's target
/// too, so cargo links build scripts, proc-macros and uniffi-bindgen with it
/// as well, and a linker that differs from other builds' makes cargo build
/// again: in a folder of its own, the dist builds and the other suites'
/// never undo each other's work.
fn cargo_target() -> PathBuf {
    work_dir().join("cargo")
}

/// What `cargo xtask dist` made, all in `target/dist/`.
struct Dist {
    dir: PathBuf,
    version: String,
    /// The wheel of each architecture, in [`ARCHES`]' order.
    wheels: Vec<PathBuf>,
    sdist: PathBuf,
    jar: PathBuf,
    standalone_jar: PathBuf,
    pom: PathBuf,
    /// The C archive of each architecture, in [`ARCHES`]' order.
    c_archives: Vec<PathBuf>,
    swift: Option<PathBuf>,
    /// Maven's build folder of the JAR (JNA's jar is copied into `runtime/`).
    jar_build: PathBuf,
}

impl Dist {
    fn files(&self) -> Vec<&Path> {
        let mut files: Vec<&Path> = self.wheels.iter().map(PathBuf::as_path).collect();
        files.extend([self.sdist.as_path(), &self.jar, &self.standalone_jar, &self.pom]);
        files.extend(self.c_archives.iter().map(PathBuf::as_path));
        files.extend(self.swift.as_deref());
        files
    }
}

/// Where the build and the tests keep their work: the tools' virtual
/// environment and the arm64 sysroot stay between runs, the rest is made anew.
fn work_dir() -> PathBuf {
    target_dir().join("dist-work")
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

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    let _ = fs::remove_file(to);
    fs::copy(from, to).map(drop).map_err(|e| format!("copy {} to {}: {e}", from.display(), to.display()))
}

fn file_name(p: &Path) -> &str {
    p.file_name().and_then(|n| n.to_str()).unwrap_or("")
}

/// The one file in `dir` whose name ends with `suffix`.
fn only_file(dir: &Path, suffix: &str) -> Result<PathBuf, String> {
    let found: Vec<PathBuf> = io(dir, fs::read_dir(dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| file_name(p).ends_with(suffix))
        .collect();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(format!("expected one *{suffix} in {}, found {}", dir.display(), found.len())),
    }
}

/// A command's standard output, or an error with its standard error.
fn output(c: &mut Command) -> Result<String, String> {
    let describe = format!("{:?}", c.get_program());
    let out = c.output().map_err(|e| format!("cannot run {describe}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{describe} {:?} failed ({}): {}",
            c.get_args().collect::<Vec<_>>(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

// --- the build ------------------------------------------------------------------------

/// The build's own programs.
struct Tools {
    /// The tools' virtual environment's Python (maturin, ziglang).
    python: PathBuf,
    maturin: PathBuf,
    /// rust-objcopy (LLVM's objcopy, in every rustup toolchain): any architecture.
    objcopy: PathBuf,
    /// Each architecture's linker variable and script ([`linker`]).
    linkers: Vec<(String, PathBuf)>,
}

fn tools() -> Result<Tools, String> {
    deps::ensure(&[Tool { program: "python3", package: "python3" }, Tool { program: "tar", package: "tar" }])?;
    deps::ensure_probe(&["python3", "-c", "import ensurepip, venv"], "python3-venv")?;
    let venv = work_dir().join("tools");
    let python = venv.join("bin").join("python");
    if !python.exists() {
        status(&mut cmd("python3", &["-m", "venv", path_str(&venv)?]))?;
    }
    let mut install = vec!["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--only-binary", ":all:"];
    install.extend_from_slice(PYPI_TOOLS);
    status(&mut cmd(path_str(&python)?, &install))?;

    let sysroot = output(&mut cmd("rustc", &["--print", "sysroot"]))?;
    let host = output(&mut cmd("rustc", &["-vV"]))?
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
        .ok_or("`rustc -vV` names no host")?;
    let objcopy = Path::new(sysroot.trim()).join("lib/rustlib").join(host).join("bin/rust-objcopy");
    if !objcopy.exists() {
        return Err(format!("no {} (rustup's toolchains have it); install a rustup toolchain", objcopy.display()));
    }
    let mut tools = Tools { maturin: venv.join("bin").join("maturin"), python, objcopy, linkers: Vec::new() };
    for arch in ARCHES {
        let script = linker(&tools, arch)?;
        tools.linkers.push((arch.linker_var(), script));
    }
    Ok(tools)
}

/// rustup's standard library for `arch`, added when missing.
fn ensure_rust_target(arch: &Arch) -> Result<(), String> {
    let installed = output(&mut cmd("rustc", &["--print", "target-libdir", "--target", arch.rust]))
        .map(|dir| has_std(dir.trim()))
        .unwrap_or(false);
    if installed {
        return Ok(());
    }
    if !deps::on_path("rustup") {
        return Err(format!("no standard library for {}; install it (`rustup target add {0}`)", arch.rust));
    }
    status(&mut cmd("rustup", &["target", "add", arch.rust]))
}

fn has_std(dir: &str) -> bool {
    fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok()).any(|e| file_name(&e.path()).starts_with("libstd-")))
        .unwrap_or(false)
}

/// Writes the linker for `arch`: `maturin zig cc` for zig's target with
/// glibc 2.17. zig reads `--strip-debug` (which cargo's release profile
/// passes) as "strip everything", and that would take the symbol table,
/// where uniffi-bindgen reads the bindings' metadata; so the script takes
/// that flag out and strips the debug information itself, after linking,
/// with rust-objcopy.
fn linker(tools: &Tools, arch: &Arch) -> Result<PathBuf, String> {
    let dir = work_dir().join("linkers");
    io(&dir, fs::create_dir_all(&dir))?;
    let path = dir.join(format!("cc-{}", arch.zig()));
    let bin = tools.python.parent().expect("bin");
    let quote = |p: &Path| -> Result<String, String> {
        let s = path_str(p)?;
        if s.contains('\'') {
            return Err(format!("{s} contains a quote"));
        }
        Ok(format!("'{s}'"))
    };
    let script = format!(
        "#!/bin/sh\n\
         # Written by `cargo xtask dist` (xtask/src/dist.rs): links for {rust}\n\
         # against glibc {major}.{minor} with zig, through maturin's `zig cc`.\n\
         PATH={bin}:$PATH\n\
         export PATH\n\
         strip=\n\
         out=\n\
         next=\n\
         for arg do\n\
         \x20   shift\n\
         \x20   if [ -n \"$next\" ]; then out=$arg; next=; fi\n\
         \x20   case $arg in\n\
         \x20       -Wl,--strip-debug) strip=1; continue ;;\n\
         \x20       -o) next=1 ;;\n\
         \x20   esac\n\
         \x20   set -- \"$@\" \"$arg\"\n\
         done\n\
         {maturin} zig cc -- -target {zig} \"$@\" || exit\n\
         if [ -n \"$strip\" ]; then exec {objcopy} --strip-debug \"$out\"; fi\n",
        rust = arch.rust,
        major = GLIBC.0,
        minor = GLIBC.1,
        bin = quote(bin)?,
        maturin = quote(&tools.maturin)?,
        zig = arch.zig(),
        objcopy = quote(&tools.objcopy)?,
    );
    io(&path, fs::write(&path, script))?;
    use std::os::unix::fs::PermissionsExt;
    io(&path, fs::set_permissions(&path, fs::Permissions::from_mode(0o755)))?;
    Ok(path)
}

/// A cargo or maturin command of the dist builds: their target folder,
/// every architecture's linker (always all of them, so that cargo sees the
/// same configuration in every build and reuses what it built), and nothing
/// of the caller's flags.
fn cross(tools: &Tools, mut c: Command) -> Command {
    c.env("CARGO_TARGET_DIR", cargo_target());
    for (var, script) in &tools.linkers {
        c.env(var, script);
    }
    for flags in ["RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS", "CARGO_BUILD_TARGET"] {
        c.env_remove(flags);
    }
    c
}

/// `cargo xtask dist`
pub fn command(args: &[String]) -> Result<(), String> {
    if let Some(arg) = args.first() {
        return Err(format!("dist: unknown argument `{arg}` (it takes none)"));
    }
    let start = Instant::now();
    let dist = build()?;
    println!("\nxtask dist: {} in {:.0} s:", dist.dir.display(), start.elapsed().as_secs_f64());
    for file in dist.files().into_iter().chain([dist.dir.join("SHA256SUMS").as_path()]) {
        let size = io(file, fs::metadata(file))?.len();
        println!("  {:>10}  {}", human(size), file_name(file));
    }
    Ok(())
}

fn human(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / (1u64 << 20) as f64)
    } else if bytes >= 1 << 10 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} B")
    }
}

/// Makes every artifact in `target/dist/` (emptied first).
fn build() -> Result<Dist, String> {
    let version = c::version()?;
    kotlin::check_version()?;
    let tools = tools()?;
    let work = work_dir();
    let dir = target_dir().join("dist");
    fresh_dir(&dir)?;

    let mut wheels = Vec::new();
    let mut c_archives = Vec::new();
    let mut natives = Vec::new();
    for arch in ARCHES {
        ensure_rust_target(arch)?;
        let wheel = python_wheel(&tools, arch, &dir)?;
        natives.push(wheel_library(&tools, &wheel, &work.join("wheel-lib").join(arch.name))?);
        wheels.push(wheel);
        c_archives.push(c_archive(&tools, arch, &version, &dir)?);
    }
    let sdist = python_sdist(&tools, &dir, &version)?;
    let (jar, standalone_jar, pom, jar_build) = jar(&tools, &natives, &version, &dir)?;
    let swift = swift_archive(&version, &dir)?;
    let dist = Dist { dir, version, wheels, sdist, jar, standalone_jar, pom, c_archives, swift, jar_build };
    checksums(&dist)?;
    Ok(dist)
}

/// `maturin build` for `arch`: the wheel, checked by maturin against
/// manylinux_2_17 (it fails the build otherwise), copied into `dist`.
fn python_wheel(tools: &Tools, arch: &Arch, dist: &Path) -> Result<PathBuf, String> {
    let out = work_dir().join("wheels").join(arch.name);
    fresh_dir(&out)?;
    let tag = format!("manylinux_{}_{}", GLIBC.0, GLIBC.1);
    let mut c = cross(
        tools,
        cmd(
            path_str(&tools.maturin)?,
            &[
                "build",
                "--release",
                "--locked",
                "--target",
                arch.rust,
                "--compatibility",
                &tag,
                "--auditwheel",
                "check",
                "--out",
                path_str(&out)?,
            ],
        ),
    );
    c.current_dir(root().join("bindings/python"));
    status(&mut c)?;
    let built = only_file(&out, ".whl")?;
    let name = file_name(&built);
    if !name.contains(&format!("{tag}_{}", arch.name)) {
        return Err(format!("maturin made {name}, not a {tag}_{} wheel", arch.name));
    }
    let to = dist.join(name);
    copy(&built, &to)?;
    Ok(to)
}

/// Unpacks `zip` (a wheel or a JAR) into `into` (made anew) with Python's zipfile.
fn unzip(tools: &Tools, zip: &Path, into: &Path) -> Result<(), String> {
    fresh_dir(into)?;
    status(&mut cmd(path_str(&tools.python)?, &["-m", "zipfile", "-e", path_str(zip)?, path_str(into)?]))
}

/// The native library in `wheel`, unpacked into `into`.
fn wheel_library(tools: &Tools, wheel: &Path, into: &Path) -> Result<PathBuf, String> {
    unzip(tools, wheel, into)?;
    let lib = into.join("userhash/_native/libuserhash_ffi.so");
    if lib.is_file() {
        Ok(lib)
    } else {
        Err(format!("{} has no userhash/_native/libuserhash_ffi.so", wheel.display()))
    }
}

/// `maturin sdist`, copied into `dist`.
fn python_sdist(tools: &Tools, dist: &Path, version: &str) -> Result<PathBuf, String> {
    let out = work_dir().join("sdist");
    fresh_dir(&out)?;
    let mut c = cmd(path_str(&tools.maturin)?, &["sdist", "--out", path_str(&out)?]);
    c.current_dir(root().join("bindings/python"));
    status(&mut c)?;
    let built = only_file(&out, ".tar.gz")?;
    let expected = format!("userhash-{version}.tar.gz");
    if file_name(&built) != expected {
        return Err(format!("maturin made {}, not {expected}", built.display()));
    }
    let to = dist.join(expected);
    copy(&built, &to)?;
    Ok(to)
}

/// The time every archive's entries carry: the last commit's, so an
/// archive made twice from one commit is the same bytes.
fn archive_mtime() -> String {
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        return format!("@{epoch}");
    }
    match output(&mut cmd("git", &["log", "-1", "--format=%ct"])) {
        Ok(t) if !t.trim().is_empty() => format!("@{}", t.trim()),
        _ => "@0".to_owned(),
    }
}

/// `tar -czf archive -C dir top`, with entries in name order, owned by root.
fn tar_gz(archive: &Path, dir: &Path, top: &str) -> Result<(), String> {
    let mtime = format!("--mtime={}", archive_mtime());
    status(&mut cmd(
        "tar",
        &[
            "--sort=name",
            "--owner=0",
            "--group=0",
            "--numeric-owner",
            &mtime,
            "-czf",
            path_str(archive)?,
            "-C",
            path_str(dir)?,
            top,
        ],
    ))
}

/// The C library for `arch`, built with the wheel's linker and profile, as
/// `userhash-VERSION-linux-ARCH.tar.gz` in `dist`.
fn c_archive(tools: &Tools, arch: &Arch, version: &str, dist: &Path) -> Result<PathBuf, String> {
    status(&mut cross(
        tools,
        cmd("cargo", &["build", "--locked", "--release", "--target", arch.rust, "-p", "userhash-c"]),
    ))?;
    let built = arch.release_dir();
    let top = format!("userhash-{version}-linux-{}", arch.name);
    let stage = work_dir().join("c").join(arch.name);
    fresh_dir(&stage)?;
    let prefix = stage.join(&top);
    let (include, lib) = (prefix.join("include"), prefix.join("lib"));
    let pc = lib.join("pkgconfig");
    for d in [&include, &pc] {
        io(d, fs::create_dir_all(d))?;
    }
    copy(&root().join("bindings/c/include/userhash.h"), &include.join("userhash.h"))?;
    c::shared_library(&built, &lib)?;
    // The static library keeps its symbols, not the standard library's
    // debug information (most of its size).
    let a = lib.join("libuserhash.a");
    status(&mut cmd(
        path_str(&tools.objcopy)?,
        &["--strip-debug", path_str(&built.join("libuserhash.a"))?, path_str(&a)?],
    ))?;
    let pc_file = pc.join("userhash.pc");
    io(&pc_file, fs::write(&pc_file, c::pkg_config_file("${pcfiledir}/../..", version)))?;
    let archive = dist.join(format!("{top}.tar.gz"));
    tar_gz(&archive, &stage, &top)?;
    Ok(archive)
}

/// The JAR with both architectures' libraries (the wheels' own files), its
/// standalone twin and its pom, built by Maven in a folder of its own.
fn jar(
    tools: &Tools,
    natives: &[PathBuf],
    version: &str,
    dist: &Path,
) -> Result<(PathBuf, PathBuf, PathBuf, PathBuf), String> {
    deps::ensure(kotlin::KOTLIN_TOOLS)?;
    let out = work_dir().join("kotlin");
    fresh_dir(&out)?;
    // The generated Kotlin is the same from either architecture's library;
    // uniffi-bindgen is the one maturin built.
    status(&mut cross(tools, kotlin::generate_command(&natives[0], &out.join("generated"))?))?;
    for (arch, lib) in ARCHES.iter().zip(natives) {
        let dir = out.join("native").join(arch.jna);
        io(&dir, fs::create_dir_all(&dir))?;
        copy(lib, &dir.join("libuserhash_ffi.so"))?;
    }
    let build = out.join("build");
    let target = format!("-Duserhash.target={}", path_str(&out)?);
    let build_dir = format!("-Duserhash.build={}", path_str(&build)?);
    status(&mut kotlin::mvn("bindings/kotlin", &[&target, &build_dir, "-Dmaven.test.skip=true", "package"]))?;
    let jar = dist.join(format!("userhash-{version}.jar"));
    let standalone = dist.join(format!("userhash-{version}-standalone.jar"));
    let pom = dist.join(format!("userhash-{version}.pom"));
    copy(&build.join(file_name(&jar)), &jar)?;
    copy(&build.join(file_name(&standalone)), &standalone)?;
    copy(&root().join("bindings/kotlin/pom.xml"), &pom)?;
    Ok((jar, standalone, pom, build))
}

/// The Swift source package as `userhash-swift-VERSION.tar.gz`, once
/// `bindings/swift/Package.swift` exists: the package's files under git.
///
/// TODO(swift-dist): the package builds only with what `cargo xtask`
/// generates into `bindings/swift/Generated/` (the uniffi Swift, its C header
/// and module map; gitignored) and with `UserHashFFI.xcframework`, which only
/// a Mac makes (`cargo xtask xcframework`). When the Swift binding lands,
/// call its generator here on `natives[0]` and put `Generated/UserHash` and
/// `Generated/UserHashFFI` into the archive, and document that the
/// XCFramework comes from a Mac's CI. Until then the archive holds the
/// package's tracked files only.
fn swift_archive(version: &str, dist: &Path) -> Result<Option<PathBuf>, String> {
    let package = root().join("bindings/swift");
    if !package.join("Package.swift").is_file() {
        println!("xtask dist: no bindings/swift/Package.swift yet, so no Swift archive (TODO(swift-dist))");
        return Ok(None);
    }
    let top = format!("userhash-swift-{version}");
    let stage = work_dir().join("swift");
    fresh_dir(&stage)?;
    let files = output(&mut cmd("git", &["ls-files", "-z", "--", "bindings/swift"]))?;
    let files: Vec<&str> = files.split('\0').filter(|f| !f.is_empty()).collect();
    if !files.contains(&"bindings/swift/Package.swift") {
        return Err(
            "bindings/swift/Package.swift is not under git; add the Swift package before making its archive".into()
        );
    }
    for file in files {
        let relative = Path::new(file).strip_prefix("bindings/swift").map_err(|e| e.to_string())?;
        let to = stage.join(&top).join(relative);
        io(&to, fs::create_dir_all(to.parent().expect("a file has a folder")))?;
        copy(&root().join(file), &to)?;
    }
    let archive = dist.join(format!("{top}.tar.gz"));
    tar_gz(&archive, &stage, &top)?;
    Ok(Some(archive))
}

/// `SHA256SUMS` in `sha256sum`'s format, over every artifact.
fn checksums(dist: &Dist) -> Result<(), String> {
    deps::ensure(&[Tool { program: "sha256sum", package: "coreutils" }])?;
    let mut names: Vec<&str> = dist.files().into_iter().map(file_name).collect();
    names.sort_unstable();
    let mut c = cmd("sha256sum", &names);
    c.current_dir(&dist.dir);
    let sums = output(&mut c)?;
    let path = dist.dir.join("SHA256SUMS");
    io(&path, fs::write(&path, sums))
}

// --- the suite ------------------------------------------------------------------------

/// What the suite needs besides the build's tools.
const TEST_TOOLS: &[Tool] = &[
    Tool { program: "readelf", package: "binutils" },
    Tool { program: "qemu-aarch64-static", package: "qemu-user-static" },
    Tool { program: "aarch64-linux-gnu-gcc", package: "gcc-aarch64-linux-gnu" },
    Tool { program: "apt-get", package: "apt" },
    Tool { program: "dpkg-deb", package: "dpkg" },
];

/// Debian's arm64 packages the aarch64 tests run with (apt adds what they depend on).
const ARM64_PACKAGES: &[&str] = &["python3-minimal", "libpython3-stdlib", "libjansson-dev"];

/// Collects the results of the suite's parts; one failing part does not stop the others.
#[derive(Default)]
struct Results {
    counts: Counts,
    errors: Vec<String>,
}

impl Results {
    fn take(&mut self, what: &str, r: Result<Counts, String>) {
        match r {
            Ok(n) => {
                self.counts.passed += n.passed;
                self.counts.failed += n.failed;
            }
            Err(e) => {
                println!("dist: FAILED {what}: {e}");
                self.errors.push(format!("{what}: {e}"));
            }
        }
    }
}

fn one() -> Counts {
    Counts { passed: 1, failed: 0 }
}

/// Suite `dist`.
pub fn suite() -> Result<Counts, String> {
    deps::ensure(deps::C_TOOLS)?;
    deps::ensure(TEST_TOOLS)?;
    // The cross compiler's C library headers (only recommended by its package).
    deps::ensure_probe(&["test", "-f", "/usr/aarch64-linux-gnu/include/stdio.h"], "libc6-dev-arm64-cross")?;
    deps::ensure(deps::REDIS_TOOLS)?;
    let start = Instant::now();
    let dist = build()?;
    println!("dist: the artifacts took {:.0} s", start.elapsed().as_secs_f64());
    let tools = tools()?;
    let mut results = Results::default();

    let mut sha = cmd("sha256sum", &["--check", "--strict", "SHA256SUMS"]);
    sha.current_dir(&dist.dir);
    results.take("SHA256SUMS", status(&mut sha).map(|()| one()));
    results.take("libraries", libraries(&tools, &dist));
    results.take("sdist", sdist_contents(&tools, &dist));

    let step = Instant::now();
    results.take("x86_64 wheel", python_x86_64(&dist));
    println!("dist: the x86_64 wheel's tests took {:.0} s", step.elapsed().as_secs_f64());
    results.take("x86_64 C archive", c_x86_64(&dist));

    let step = Instant::now();
    match arm64_root() {
        Ok(sysroot) => {
            results.take("aarch64 C archive", c_aarch64(&tools, &dist, &sysroot));
            println!("dist: the aarch64 C tests took {:.0} s", step.elapsed().as_secs_f64());
            let step = Instant::now();
            results.take("aarch64 wheel", python_aarch64(&tools, &dist, &sysroot));
            println!("dist: the aarch64 wheel's tests took {:.0} s", step.elapsed().as_secs_f64());
        }
        Err(e) => results.take("arm64 sysroot", Err(e)),
    }

    let step = Instant::now();
    results.take("JAR", jar_tests(&dist));
    println!("dist: the JAR's tests took {:.0} s", step.elapsed().as_secs_f64());
    println!("dist: {:.0} s in all", start.elapsed().as_secs_f64());

    if results.errors.is_empty() {
        Ok(results.counts)
    } else {
        Err(results.errors.join("; "))
    }
}

/// The newest `GLIBC_x.y` version `lib` asks for, and its ELF machine.
fn elf_facts(lib: &Path) -> Result<(String, Option<(u32, u32)>), String> {
    let header = output(&mut cmd("readelf", &["--file-header", path_str(lib)?]))?;
    let machine = header
        .lines()
        .find_map(|l| l.trim().strip_prefix("Machine:").map(|m| m.trim().to_owned()))
        .ok_or_else(|| format!("{} is not an ELF file", lib.display()))?;
    let versions = output(&mut cmd("readelf", &["--version-info", "--wide", path_str(lib)?]))?;
    let newest = newest_glibc(&versions).map_err(|e| format!("{}: {e}", lib.display()))?;
    Ok((machine, newest))
}

/// The newest `GLIBC_x.y` in `readelf --version-info`'s output, if any.
fn newest_glibc(versions: &str) -> Result<Option<(u32, u32)>, String> {
    let mut newest = None;
    for word in versions.split(|c: char| c.is_whitespace() || c == '(' || c == ')') {
        let Some(v) = word.strip_prefix("GLIBC_") else { continue };
        let mut parts = v.split('.').map(str::parse::<u32>);
        let (Some(Ok(major)), Some(Ok(minor))) = (parts.next(), parts.next()) else {
            return Err(format!("asks for {word}, which is no glibc release"));
        };
        newest = newest.max(Some((major, minor)));
    }
    Ok(newest)
}

/// `manylinux_X_Y` in a wheel's name.
fn wheel_glibc(wheel: &Path) -> Result<(u32, u32), String> {
    let name = file_name(wheel);
    let at = name.find("manylinux_").ok_or_else(|| format!("{name} has no manylinux_X_Y tag"))?;
    let mut parts = name[at + "manylinux_".len()..].split('_').map(str::parse::<u32>);
    match (parts.next(), parts.next()) {
        (Some(Ok(x)), Some(Ok(y))) => Ok((x, y)),
        _ => Err(format!("{name}: cannot read its manylinux tag")),
    }
}

/// Every library in the wheels, the JARs and the C archives: its
/// architecture's ELF machine, no GLIBC symbol version newer than the
/// wheel's tag; the wheel and both JARs carry the same library.
fn libraries(tools: &Tools, dist: &Dist) -> Result<Counts, String> {
    let check = work_dir().join("check");
    fresh_dir(&check)?;
    let jar = check.join("jar");
    let standalone = check.join("standalone");
    unzip(tools, &dist.jar, &jar)?;
    unzip(tools, &dist.standalone_jar, &standalone)?;
    let mut counts = Counts::default();
    let mut errors = Vec::new();
    for (i, arch) in ARCHES.iter().enumerate() {
        let limit = wheel_glibc(&dist.wheels[i])?;
        if limit != GLIBC {
            errors.push(format!("{} is not tagged manylinux_{}_{}", file_name(&dist.wheels[i]), GLIBC.0, GLIBC.1));
        }
        let wheel_lib = wheel_library(tools, &dist.wheels[i], &check.join(format!("wheel-{}", arch.name)))?;
        let c_dir = check.join(format!("c-{}", arch.name));
        fresh_dir(&c_dir)?;
        status(&mut cmd("tar", &["-xzf", path_str(&dist.c_archives[i])?, "-C", path_str(&c_dir)?]))?;
        let c_lib =
            c_dir.join(format!("userhash-{}-linux-{}/lib/libuserhash.so.{}", dist.version, arch.name, dist.version));
        let libs = [
            (file_name(&dist.wheels[i]).to_owned(), wheel_lib.clone()),
            (file_name(&dist.jar).to_owned(), jar.join(arch.jna).join("libuserhash_ffi.so")),
            (file_name(&dist.standalone_jar).to_owned(), standalone.join(arch.jna).join("libuserhash_ffi.so")),
            (file_name(&dist.c_archives[i]).to_owned(), c_lib),
        ];
        for (artifact, lib) in &libs {
            let what = format!("{artifact}: {}", file_name(lib));
            match elf_facts(lib) {
                Ok((machine, newest)) if machine == arch.elf_machine && newest.is_some_and(|v| v <= limit) => {
                    let (x, y) = newest.expect("checked");
                    println!(
                        "dist: {what}: {machine}, newest symbol version GLIBC_{x}.{y} (tag: {}.{})",
                        limit.0, limit.1
                    );
                    counts.passed += 1;
                }
                Ok((machine, newest)) => {
                    errors.push(format!(
                        "{what} is {machine}, asking for glibc {newest:?}; expected {} within {limit:?}",
                        arch.elf_machine
                    ));
                    counts.failed += 1;
                }
                Err(e) => errors.push(format!("{what}: {e}")),
            }
        }
        let same = |a: &Path, b: &Path| fs::read(a).ok().is_some_and(|x| fs::read(b).ok() == Some(x));
        for (artifact, lib) in &libs[1..3] {
            if same(&wheel_lib, lib) {
                counts.passed += 1;
            } else {
                errors.push(format!("{artifact}'s {} library is not the wheel's", arch.jna));
                counts.failed += 1;
            }
        }
    }
    // Nothing but the two architectures' libraries in the JAR.
    let native_dirs: BTreeSet<String> = io(&jar, fs::read_dir(&jar))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_dir()
                && fs::read_dir(p)
                    .map(|mut d| d.any(|e| e.is_ok_and(|e| file_name(&e.path()).ends_with(".so"))))
                    .unwrap_or(false)
        })
        .map(|p| file_name(&p).to_owned())
        .collect();
    let expected: BTreeSet<String> = ARCHES.iter().map(|a| a.jna.to_owned()).collect();
    if native_dirs == expected {
        counts.passed += 1;
    } else {
        errors.push(format!("the JAR's native folders are {native_dirs:?}, not {expected:?}"));
    }
    println!("dist-libraries: {} passed, {} failed", counts.passed, counts.failed);
    if errors.is_empty() {
        Ok(counts)
    } else {
        Err(errors.join("; "))
    }
}

/// The sdist holds what a build from it needs: the package, the uniffi
/// crate, the core it depends on, and the lock file.
fn sdist_contents(tools: &Tools, dist: &Dist) -> Result<Counts, String> {
    let listing = output(&mut cmd(path_str(&tools.python)?, &["-m", "tarfile", "-l", path_str(&dist.sdist)?]))?;
    let top = format!("userhash-{}/", dist.version);
    let names: BTreeSet<&str> = listing.lines().filter_map(|l| l.split_whitespace().next()).collect();
    let required = ["pyproject.toml", "userhash/__init__.py", "Cargo.lock", "PKG-INFO"];
    let missing: Vec<&str> =
        required.iter().copied().filter(|f| !names.contains(format!("{top}{f}").as_str())).collect();
    let has = |suffix: &str| names.iter().any(|n| n.starts_with(&top) && n.ends_with(suffix));
    let mut problems: Vec<String> = missing.iter().map(|f| format!("no {top}{f}")).collect();
    for crate_file in ["bindings/uniffi/Cargo.toml", "core/Cargo.toml", "core/src/lib.rs"] {
        if !has(crate_file) {
            problems.push(format!("no …/{crate_file}"));
        }
    }
    if problems.is_empty() {
        println!("dist-sdist: 1 passed, 0 failed");
        Ok(one())
    } else {
        Err(format!("{} lacks {}", file_name(&dist.sdist), problems.join(", ")))
    }
}

/// A command with no cargo, rustc or rustup on its PATH (`first`, then the
/// rest of PATH) and none of cargo's variables (`cargo run` sets several,
/// and a library path into target/).
fn without_rust(mut c: Command, first: Option<&Path>) -> Result<Command, String> {
    let mut dirs: Vec<PathBuf> = first.into_iter().map(Path::to_path_buf).collect();
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let rust = ["cargo", "rustc", "rustup"].iter().any(|p| dir.join(p).exists());
            if !rust {
                dirs.push(dir);
            }
        }
    }
    let path = std::env::join_paths(dirs).map_err(|e| e.to_string())?;
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        if key.starts_with("CARGO") || key.starts_with("RUST") || key == "LD_LIBRARY_PATH" {
            c.env_remove(key);
        }
    }
    c.env("PATH", path).env("CI", "true");
    Ok(c)
}

/// The pytest plugin that stops a run whose `userhash` is not the one installed under
/// `USERHASH_DIST_EXPECT`; returns the folder to put on PYTHONPATH.
fn pytest_guard() -> Result<PathBuf, String> {
    let dir = work_dir().join("pytest-guard");
    fresh_dir(&dir)?;
    let plugin = dir.join("userhash_dist_guard.py");
    let text = r#""""Loaded by `cargo xtask test dist` (-p userhash_dist_guard): the tests run
against the installed package, never the source tree's bindings/python."""

import os
import pathlib
import sys

import pytest


def pytest_configure(config):
    import userhash

    where = pathlib.Path(userhash.__file__).resolve()
    expected = pathlib.Path(os.environ["USERHASH_DIST_EXPECT"]).resolve()
    native = where.parent / "_native" / "libuserhash_ffi.so"
    if expected not in where.parents or not native.is_file():
        raise pytest.UsageError(f"userhash was imported from {where}, not from the package installed in {expected}")
    print(f"userhash-dist: testing {where.parent} ({sys.implementation.name} {sys.version.split()[0]})", file=sys.stderr)
"#;
    io(&plugin, fs::write(&plugin, text))?;
    Ok(dir)
}

/// The x86_64 wheel in a fresh virtual environment whose PATH has no cargo
/// or rustc, and the Python suite against it.
fn python_x86_64(dist: &Dist) -> Result<Counts, String> {
    deps::ensure_probe(&["python3", "-c", "import ensurepip, venv"], "python3-venv")?;
    let dir = work_dir().join("test-python-x86_64");
    fresh_dir(&dir)?;
    let venv = dir.join("venv");
    status(&mut cmd("python3", &["-m", "venv", path_str(&venv)?]))?;
    let bin = venv.join("bin");
    let python = bin.join("python");
    let python = path_str(&python)?;
    let run = |args: &[&str]| -> Result<Command, String> {
        let mut c = without_rust(cmd(python, args), Some(&bin))?;
        c.current_dir(&dir);
        Ok(c)
    };
    let mut counts = Counts::default();
    status(&mut run(&[
        "-c",
        "import shutil, sys; found = [p for p in ('cargo', 'rustc', 'rustup') if shutil.which(p)]; \
         print('no cargo, rustc or rustup on PATH' if not found else f'found {found}'); sys.exit(bool(found))",
    ])?)?;
    counts.passed += 1;
    let requirement = format!("{}[test]", path_str(&dist.wheels[0])?);
    status(&mut run(&[
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--only-binary",
        ":all:",
        &requirement,
    ])?)?;
    let site = output(&mut run(&["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])?)?;
    let guard = pytest_guard()?;
    let tests = root().join("bindings/python/tests");
    let mut pytest =
        run(&["-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "userhash_dist_guard", path_str(&tests)?])?;
    pytest.env("PYTHONPATH", &guard).env("USERHASH_DIST_EXPECT", site.trim());
    let n = counted(&mut pytest)?;
    counts.passed += n.passed;
    counts.failed += n.failed;
    Ok(counts)
}

/// `tar -xzf archive -C prefix --strip-components=1` into `prefix`, made empty first.
fn unpack_prefix(archive: &Path, prefix: &Path) -> Result<(), String> {
    fresh_dir(prefix)?;
    status(&mut cmd("tar", &["-xzf", path_str(archive)?, "-C", path_str(prefix)?, "--strip-components=1"]))
}

/// `pkg-config ARGS` seeing only `prefix`'s `lib/pkgconfig`.
fn pkg_config_only(prefix: &Path, args: &[&str]) -> Result<Vec<String>, String> {
    let mut c = cmd("pkg-config", args);
    c.env("PKG_CONFIG_LIBDIR", prefix.join("lib/pkgconfig"))
        .env_remove("PKG_CONFIG_PATH")
        .env_remove("PKG_CONFIG_SYSROOT_DIR");
    Ok(output(&mut c)?.split_whitespace().map(str::to_owned).collect())
}

/// The layout `install-c` makes, in an unpacked archive: the header as
/// committed, the `.so` under its version with the SONAME and plain name as
/// links, the static library, and a relocatable pkg-config file.
fn c_layout(prefix: &Path, version: &str) -> Result<(), String> {
    let header = fs::read(prefix.join("include/userhash.h")).map_err(|e| format!("include/userhash.h: {e}"))?;
    if header != fs::read(root().join("bindings/c/include/userhash.h")).map_err(|e| e.to_string())? {
        return Err("include/userhash.h is not bindings/c/include/userhash.h".into());
    }
    let lib = prefix.join("lib");
    let soname = soname(version);
    let file = format!("libuserhash.so.{version}");
    let link = |name: &str| fs::read_link(lib.join(name)).ok().map(|p| p.to_string_lossy().into_owned());
    if link("libuserhash.so").as_deref() != Some(soname.as_str()) || link(&soname).as_deref() != Some(file.as_str()) {
        return Err(format!("lib/ does not hold libuserhash.so -> {soname} -> {file}"));
    }
    let dynamic = output(&mut cmd("readelf", &["--dynamic", path_str(&lib.join(&file))?]))?;
    if !dynamic.contains(&format!("Library soname: [{soname}]")) {
        return Err(format!("lib/{file}'s SONAME is not {soname}"));
    }
    if !lib.join("libuserhash.a").is_file() {
        return Err("no lib/libuserhash.a".into());
    }
    let pc =
        fs::read_to_string(lib.join("pkgconfig/userhash.pc")).map_err(|e| format!("lib/pkgconfig/userhash.pc: {e}"))?;
    if pc.lines().next() != Some("prefix=${pcfiledir}/../..") {
        return Err("lib/pkgconfig/userhash.pc's prefix is not ${pcfiledir}/../..".into());
    }
    Ok(())
}

/// The C library's SONAME (bindings/c/build.rs): major.minor before 1.0, then the major.
fn soname(version: &str) -> String {
    let mut parts = version.split('.');
    let (major, minor) = (parts.next().unwrap_or("0"), parts.next().unwrap_or("0"));
    if major == "0" {
        format!("libuserhash.so.0.{minor}")
    } else {
        format!("libuserhash.so.{major}")
    }
}

/// The NEEDED entries of an ELF file.
fn needed(exe: &Path) -> Result<Vec<String>, String> {
    let dynamic = output(&mut cmd("readelf", &["--dynamic", path_str(exe)?]))?;
    Ok(dynamic
        .lines()
        .filter(|l| l.contains("(NEEDED)"))
        .filter_map(|l| l.split('[').nth(1).and_then(|r| r.split(']').next()).map(str::to_owned))
        .collect())
}

/// The environment examples/c reads its secrets from.
fn app_env(c: &mut Command) {
    c.env("USERHASH_IDENTIFIER_SECRET", "example-identifier-secret-0123456789")
        .env("USERHASH_SECRET", "example-secret-0123456789abcdef");
}

/// The x86_64 archive unpacked into an empty prefix: its layout, then
/// examples/c built with pkg-config only and run; then statically, from a
/// copy without the shared library.
fn c_x86_64(dist: &Dist) -> Result<Counts, String> {
    let dir = work_dir().join("test-c-x86_64");
    fresh_dir(&dir)?;
    let prefix = dir.join("prefix");
    unpack_prefix(&dist.c_archives[0], &prefix)?;
    c_layout(&prefix, &dist.version)?;
    let mut counts = one();

    let flags = pkg_config_only(&prefix, &["--cflags", "--libs", "userhash"])?;
    let app = dir.join("app");
    let mut args: Vec<String> = c::WARNINGS.iter().map(|s| s.to_string()).collect();
    args.extend(["examples/c/app.c".into(), "-o".into(), path_str(&app)?.to_owned()]);
    args.extend(flags);
    status(&mut cmd("gcc", &args.iter().map(String::as_str).collect::<Vec<_>>()))?;
    let libdir = pkg_config_only(&prefix, &["--variable=libdir", "userhash"])?.join(" ");
    let mut run = cmd(path_str(&app)?, &[]);
    run.env("LD_LIBRARY_PATH", &libdir);
    app_env(&mut run);
    status(&mut run)?;
    if !needed(&app)?.contains(&soname(&dist.version)) {
        return Err("examples/c does not load libuserhash.so.* by its SONAME".into());
    }
    counts.passed += 1;

    // Statically: the same archive without its .so, linked as pkg-config --static says.
    let static_prefix = dir.join("static-prefix");
    unpack_prefix(&dist.c_archives[0], &static_prefix)?;
    for entry in io(&static_prefix, fs::read_dir(static_prefix.join("lib")))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if file_name(&path).starts_with("libuserhash.so") {
            io(&path, fs::remove_file(&path))?;
        }
    }
    let flags = pkg_config_only(&static_prefix, &["--static", "--cflags", "--libs", "userhash"])?;
    let app_static = dir.join("app-static");
    let mut args: Vec<String> = c::WARNINGS.iter().map(|s| s.to_string()).collect();
    args.extend(["examples/c/app.c".into(), "-o".into(), path_str(&app_static)?.to_owned()]);
    args.extend(flags);
    status(&mut cmd("gcc", &args.iter().map(String::as_str).collect::<Vec<_>>()))?;
    let mut run = cmd(path_str(&app_static)?, &[]);
    run.env_remove("LD_LIBRARY_PATH");
    app_env(&mut run);
    status(&mut run)?;
    if needed(&app_static)?.iter().any(|n| n.starts_with("libuserhash")) {
        return Err("the static examples/c still needs a libuserhash.so".into());
    }
    counts.passed += 1;
    println!("dist-c-x86_64: {} passed, 0 failed", counts.passed);
    Ok(counts)
}

/// Debian's arm64 packages ([`ARM64_PACKAGES`] and what they depend on),
/// unpacked into `target/dist-work/arm64/root`: a sysroot for
/// `qemu-aarch64-static -L`. A private apt configuration downloads them
/// (its own sources copied from the machine's, its own state and cache), so
/// the machine's dpkg gets no foreign architecture and nothing is installed.
/// Kept between runs; made again when the package list changes. Returns the root.
fn arm64_root() -> Result<PathBuf, String> {
    let dir = work_dir().join("arm64");
    let sysroot = dir.join("root");
    let marker = sysroot.join(".userhash-dist-packages");
    let wanted = ARM64_PACKAGES.join(" ");
    if fs::read_to_string(&marker).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(sysroot);
    }
    fresh_dir(&dir)?;
    let apt = dir.join("apt");
    let sources = apt.join("sources.list.d");
    for d in [sources.clone(), apt.join("state/lists/partial"), apt.join("cache/archives/partial")] {
        io(&d, fs::create_dir_all(&d))?;
    }
    io(&apt, fs::write(apt.join("status"), ""))?;
    let mut n = 0;
    if Path::new("/etc/apt/sources.list").is_file() {
        copy(Path::new("/etc/apt/sources.list"), &sources.join("system.list"))?;
        n += 1;
    }
    if let Ok(entries) = fs::read_dir("/etc/apt/sources.list.d") {
        for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            let name = file_name(&path);
            if name.ends_with(".list") || name.ends_with(".sources") {
                copy(&path, &sources.join(name))?;
                n += 1;
            }
        }
    }
    if n == 0 {
        return Err("no apt sources in /etc/apt to download Debian's arm64 packages from".into());
    }
    let a = |p: &Path| -> Result<String, String> { Ok(path_str(p)?.to_owned()) };
    let mut conf = format!(
        "Dir::Etc::SourceList \"/dev/null\";\n\
         Dir::Etc::SourceParts \"{sources}\";\n\
         Dir::Etc::Preferences \"/dev/null\";\n\
         Dir::Etc::PreferencesParts \"/dev/null\";\n\
         Dir::State \"{state}\";\n\
         Dir::State::status \"{status}\";\n\
         Dir::Cache \"{cache}\";\n\
         APT::Architecture \"arm64\";\n\
         APT::Architectures {{ \"arm64\"; }};\n\
         Acquire::Languages \"none\";\n\
         Debug::NoLocking \"true\";\n",
        sources = a(&sources)?,
        state = a(&apt.join("state"))?,
        status = a(&apt.join("status"))?,
        cache = a(&apt.join("cache"))?,
    );
    if deps::is_root() {
        // apt would download as the `_apt` user, who cannot write here.
        conf.push_str("APT::Sandbox::User \"root\";\n");
    }
    let conf_file = apt.join("apt.conf");
    io(&conf_file, fs::write(&conf_file, conf))?;
    let apt_get = |args: &[&str]| {
        let mut c = cmd("apt-get", args);
        c.env("APT_CONFIG", &conf_file).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    status(&mut apt_get(&["update", "-qq"]))?;
    let mut install = vec!["install", "--download-only", "--no-install-recommends", "-y", "-qq"];
    install.extend_from_slice(ARM64_PACKAGES);
    status(&mut apt_get(&install))?;
    let archives = apt.join("cache/archives");
    let mut debs: Vec<PathBuf> = io(&archives, fs::read_dir(&archives))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| file_name(p).ends_with(".deb"))
        .collect();
    debs.sort();
    println!("dist: unpacking {} arm64 packages into {}", debs.len(), sysroot.display());
    io(&sysroot, fs::create_dir_all(&sysroot))?;
    for deb in &debs {
        status(&mut cmd("dpkg-deb", &["--extract", path_str(deb)?, path_str(&sysroot)?]))?;
    }
    // A Python that runs itself under qemu, so `sys.executable` works in a
    // subprocess (the machine has no binfmt_misc registration for arm64):
    // argv[0] (`-0`) is this script, in the sysroot's bin/, so Python finds
    // its standard library beside it.
    let wrapper = sysroot.join("usr/bin/python3-qemu");
    let script = format!(
        "#!/bin/sh\nexec qemu-aarch64-static -L '{root}' -0 \"$0\" '{root}/usr/bin/python3' \"$@\"\n",
        root = path_str(&sysroot)?
    );
    io(&wrapper, fs::write(&wrapper, script))?;
    use std::os::unix::fs::PermissionsExt;
    io(&wrapper, fs::set_permissions(&wrapper, fs::Permissions::from_mode(0o755)))?;
    // Debian compiles the standard library when it installs python3 (which
    // unpacking does not do); without that, every Python started under qemu
    // compiles what it imports, and takes seconds to start.
    let stdlib =
        output(&mut cmd(path_str(&wrapper)?, &["-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"]))?;
    let mut compile = cmd(path_str(&wrapper)?, &["-m", "compileall", "-q", "-j", "0", stdlib.trim()]);
    compile.env_remove("PYTHONDONTWRITEBYTECODE");
    status(&mut compile)?;
    io(&marker, fs::write(&marker, wanted))?;
    Ok(sysroot)
}

/// A program for aarch64 run under qemu with the sysroot's libraries.
fn qemu(sysroot: &Path, program: &Path, args: &[&str]) -> Result<Command, String> {
    let mut all = vec!["-L", path_str(sysroot)?, path_str(program)?];
    all.extend_from_slice(args);
    let mut c = cmd("qemu-aarch64-static", &all);
    c.env_remove("LD_LIBRARY_PATH");
    Ok(c)
}

/// The exported (dynamic, defined) function names of a library.
fn exports(lib: &Path) -> Result<BTreeSet<String>, String> {
    let table = output(&mut cmd("readelf", &["--dyn-syms", "--wide", path_str(lib)?]))?;
    Ok(table
        .lines()
        .filter(|l| l.contains(" FUNC ") && l.contains(" GLOBAL ") && !l.contains(" UND "))
        .filter_map(|l| l.split_whitespace().last())
        .map(|s| s.split('@').next().unwrap_or(s).to_owned())
        .collect())
}

/// The aarch64 archive under qemu.
///
/// The known-answer program and examples/c, cross-compiled against the
/// archive as unpacked (pkg-config only), run with its library.
///
/// The C suite needs `userhash_test_panic`, which only a build with the
/// `test-hooks` feature has (it is in no shipped library), to show a Rust
/// panic becoming `USERHASH_INTERNAL`. So the suite is built against the
/// archive's header and pkg-config file and linked with the same build of
/// the library plus that feature (same profile, linker and target), put in
/// place of the archive's `.so`; and the archive's library must export
/// exactly that library's functions but `userhash_test_panic`.
fn c_aarch64(tools: &Tools, dist: &Dist, sysroot: &Path) -> Result<Counts, String> {
    let dir = work_dir().join("test-c-aarch64");
    fresh_dir(&dir)?;
    let prefix = dir.join("prefix");
    unpack_prefix(&dist.c_archives[1], &prefix)?;
    c_layout(&prefix, &dist.version)?;
    let mut counts = one();
    let gcc = |args: &[String]| {
        status(&mut cmd("aarch64-linux-gnu-gcc", &args.iter().map(String::as_str).collect::<Vec<_>>()))
    };
    let warnings = || -> Vec<String> { c::WARNINGS.iter().map(|s| s.to_string()).collect() };
    let lib = prefix.join("lib");
    let rpath = format!("-Wl,-rpath,{}", path_str(&lib)?);

    // The known answer and examples/c against the archive itself.
    let kat = dir.join("known_answer");
    let mut args = warnings();
    args.extend(["bindings/c/tests/known_answer.c".into(), "-o".into(), path_str(&kat)?.to_owned(), rpath.clone()]);
    args.extend(pkg_config_only(&prefix, &["--cflags", "--libs", "userhash"])?);
    gcc(&args)?;
    let n = counted(&mut qemu(sysroot, &kat, &[])?)?;
    counts.passed += n.passed;
    counts.failed += n.failed;
    let app = dir.join("app");
    let mut args = warnings();
    args.extend(["examples/c/app.c".into(), "-o".into(), path_str(&app)?.to_owned(), rpath]);
    args.extend(pkg_config_only(&prefix, &["--cflags", "--libs", "userhash"])?);
    gcc(&args)?;
    let mut run = qemu(sysroot, &app, &[])?;
    app_env(&mut run);
    status(&mut run)?;
    counts.passed += 1;

    // The C suite: the archive's header and pkg-config file, the library with test hooks.
    let arch = &AARCH64;
    status(&mut cross(
        tools,
        cmd(
            "cargo",
            &["build", "--locked", "--release", "--target", arch.rust, "-p", "userhash-c", "--features", "test-hooks"],
        ),
    ))?;
    let hooks_prefix = dir.join("hooks-prefix");
    unpack_prefix(&dist.c_archives[1], &hooks_prefix)?;
    let hooks_lib = hooks_prefix.join("lib");
    c::shared_library(&arch.release_dir(), &hooks_lib)?;
    let shipped = exports(&lib.join(format!("libuserhash.so.{}", dist.version)))?;
    let mut hooked = exports(&hooks_lib.join(format!("libuserhash.so.{}", dist.version)))?;
    if !hooked.remove("userhash_test_panic") || shipped.contains("userhash_test_panic") || shipped != hooked {
        return Err(format!(
            "the archive's library exports {} functions, the test build {} (userhash_test_panic only in the test build expected)",
            shipped.len(),
            hooked.len()
        ));
    }
    counts.passed += 1;
    let jansson = sysroot.join("usr");
    let suite = dir.join("userhash_tests");
    let mut args = warnings();
    args.push("-g".into());
    args.extend(c::test_sources());
    args.extend(["-o".into(), path_str(&suite)?.to_owned(), format!("-Wl,-rpath,{}", path_str(&hooks_lib)?)]);
    args.extend(pkg_config_only(&hooks_prefix, &["--cflags", "--libs", "userhash"])?);
    args.extend([
        format!("-I{}", path_str(&jansson.join("include"))?),
        format!("-L{}", path_str(&jansson.join("lib/aarch64-linux-gnu"))?),
        "-ljansson".into(),
        "-pthread".into(),
    ]);
    gcc(&args)?;
    let vectors = root().join("tests/vectors");
    let mut run = qemu(sysroot, &suite, &[path_str(&vectors)?])?;
    run.env("RUST_BACKTRACE", "0");
    let n = counted(&mut run)?;
    counts.passed += n.passed;
    counts.failed += n.failed;
    Ok(counts)
}

/// The aarch64 wheel's Python suite under Debian's arm64 Python (qemu):
/// the wheel, pytest and mypy installed by pip for that Python's platform
/// into a folder on its PYTHONPATH.
fn python_aarch64(tools: &Tools, dist: &Dist, sysroot: &Path) -> Result<Counts, String> {
    let python = sysroot.join("usr/bin/python3-qemu");
    let python = path_str(&python)?;
    let facts = output(&mut cmd(
        python,
        &[
            "-c",
            "import platform, sys; print(platform.machine(), '%d.%d' % sys.version_info[:2], platform.libc_ver()[1])",
        ],
    ))?;
    let facts: Vec<&str> = facts.split_whitespace().collect();
    let [machine, version, glibc] = facts[..] else {
        return Err(format!("the arm64 Python says {facts:?}"));
    };
    if machine != "aarch64" {
        return Err(format!("the arm64 Python runs as {machine}"));
    }
    let dir = work_dir().join("test-python-aarch64");
    fresh_dir(&dir)?;
    let site = dir.join("site");
    // Every manylinux tag that Python's glibc satisfies (pip takes the list as given).
    let newest: u32 = glibc.strip_prefix("2.").and_then(|m| m.parse().ok()).ok_or_else(|| format!("glibc {glibc}?"))?;
    let platforms: Vec<String> = (GLIBC.1..=newest).map(|m| format!("manylinux_2_{m}_aarch64")).collect();
    let requirement = format!("{}[test]", path_str(&dist.wheels[1])?);
    status(&mut cmd(
        path_str(&tools.python)?,
        &[
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--only-binary",
            ":all:",
            "--target",
            path_str(&site)?,
            "--python-version",
            version,
            "--implementation",
            "cp",
            &requirement,
        ]
        .into_iter()
        .chain(platforms.iter().flat_map(|p| ["--platform", p.as_str()]))
        .collect::<Vec<_>>(),
    ))?;
    let guard = pytest_guard()?;
    let tests = root().join("bindings/python/tests");
    let mut pytest = without_rust(
        cmd(python, &["-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "userhash_dist_guard", path_str(&tests)?]),
        None,
    )?;
    let pythonpath = std::env::join_paths([&site, &guard]).map_err(|e| e.to_string())?;
    pytest.current_dir(&dir).env("PYTHONPATH", pythonpath).env("USERHASH_DIST_EXPECT", &site);
    counted(&mut pytest)
}

/// The Kotlin suite against the JAR in target/dist, the known answer from
/// Java with the standalone JAR, and the README's install-file.
fn jar_tests(dist: &Dist) -> Result<Counts, String> {
    deps::ensure(kotlin::KOTLIN_TOOLS)?;
    let dir = work_dir().join("test-jar");
    fresh_dir(&dir)?;
    let build = dir.join("build");
    let empty = dir.join("empty");
    io(&empty, fs::create_dir_all(&empty))?;
    let defines = [
        format!("-Duserhash.testJar={}", path_str(&dist.jar)?),
        format!("-Duserhash.build={}", path_str(&build)?),
        format!("-Duserhash.target={}", path_str(&empty)?),
    ];
    let mut args: Vec<&str> = defines.iter().map(String::as_str).collect();
    args.push("test");
    let mut counts = kotlin::maven_tests(kotlin::mvn("bindings/kotlin", &args), &build.join("surefire-reports"))?;
    // Nothing of src/main was compiled or copied: the classes and the library came from the JAR.
    let classes = build.join("classes");
    let own = fs::read_dir(&classes).map(|d| d.count()).unwrap_or(0);
    if own != 0 {
        return Err(format!("{} holds {own} entries; the tests must take everything from the JAR", classes.display()));
    }
    counts.passed += 1;

    let jna = kotlin::jna_jar(&dist.jar_build.join("runtime"))?;
    kotlin::known_answer_with(&dist.standalone_jar, &jna, &dir.join("known-answer"))?;
    counts.passed += 1;

    // The README's command for Maven users, into a repository of its own.
    let repo = dir.join("m2");
    let mut install = cmd(
        "mvn",
        &[
            "-B",
            "--no-transfer-progress",
            "install:install-file",
            &format!("-Dfile={}", path_str(&dist.jar)?),
            &format!("-DpomFile={}", path_str(&dist.pom)?),
            &format!("-DlocalRepositoryPath={}", path_str(&repo)?),
        ],
    );
    install.current_dir(&empty);
    status(&mut install)?;
    let installed = repo.join(format!("dev/userhash/userhash/{0}/userhash-{0}.jar", dist.version));
    if fs::read(&installed).ok() != fs::read(&dist.jar).ok() {
        return Err(format!("install-file did not put the JAR at {}", installed.display()));
    }
    counts.passed += 1;
    println!("dist-jar: {} passed, {} failed", counts.passed, counts.failed);
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::{newest_glibc, soname, wheel_glibc};
    use std::path::Path;

    #[test]
    fn reads_the_newest_glibc_version_a_library_asks_for() {
        // readelf on a libuserhash_ffi.so linked by this machine's cc (Debian 12, glibc 2.36).
        let host = "Version needs section '.gnu.version_r' contains 3 entries:
 Addr: 0x0000000000001ac8  Offset: 0x00001ac8  Link: 6 (.dynstr)
  000000: Version: 1  File: libgcc_s.so.1  Cnt: 3
  0x0030:   Name: GCC_3.0  Flags: none  Version: 4
  0x0010: Version: 1  File: libc.so.6  Cnt: 11
  0x0060:   Name: GLIBC_2.2.5  Flags: none  Version: 2
  0x0080:   Name: GLIBC_2.3.4  Flags: none  Version: 15
  0x00a0:   Name: GLIBC_2.17  Flags: none  Version: 9
  0x00f0:   Name: GLIBC_2.33  Flags: none  Version: 10
  0x0100:   Name: GLIBC_2.34  Flags: none  Version: 5
  0x0020: Version: 1  File: ld-linux-x86-64.so.2  Cnt: 1
  0x0110:   Name: GLIBC_2.3  Flags: none  Version: 6
";
        assert_eq!(newest_glibc(host), Ok(Some((2, 34))));
        assert!(newest_glibc(host).unwrap() > Some((2, 17)), "beyond manylinux_2_17");
        assert_eq!(newest_glibc("  0x0030:   Name: GLIBC_2.17  Flags: none\n  Name: GLIBC_2.2.5"), Ok(Some((2, 17))));
        assert_eq!(newest_glibc("no version needs"), Ok(None));
        assert!(newest_glibc("Name: GLIBC_PRIVATE").is_err());
    }

    #[test]
    fn reads_a_wheels_manylinux_tag() {
        let wheel = Path::new("userhash-0.1.0-py3-none-manylinux2014_aarch64.manylinux_2_17_aarch64.whl");
        assert_eq!(wheel_glibc(wheel), Ok((2, 17)));
        assert!(wheel_glibc(Path::new("userhash-0.1.0-py3-none-linux_x86_64.whl")).is_err());
    }

    #[test]
    fn the_soname_is_build_rs_s() {
        assert_eq!(soname("0.1.0"), "libuserhash.so.0.1");
        assert_eq!(soname("1.2.3"), "libuserhash.so.1");
    }
}
