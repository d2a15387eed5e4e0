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
//! - `userhash-swift-VERSION-linux-ARCH.tar.gz`: the Swift package with its
//!   generated Swift, C header and module map, and the static library for
//!   ARCH in `Generated/lib` (see `build.rs`, `swift_archive`); Apple
//!   platforms take `UserHashFFI.xcframework` instead, which only a Mac makes;
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
//!   a test-hooks build of its library, see `c_archives.rs`), and the aarch64
//!   wheel's Python suite under Debian's arm64 Python;
//! - the Kotlin suite (`bindings/kotlin/src/test`) against the JAR in
//!   `target/dist/` (the pom's `test-jar` profile: no class of src/main is
//!   compiled), the known answer from Java with the standalone JAR, and the
//!   README's `mvn install:install-file` into a local repository of its own.
//!
//! Android is out of reach here: building for it needs the Android NDK,
//! which none of the package registries this project uses carries; no AAR
//! is made rather than one without device libraries.
//!
//! The files: the build's tools (`toolchain.rs`) and the build itself
//! (`build.rs`); the suite (`suite.rs`) and its parts: the libraries' ELF
//! facts (`libraries.rs`), the wheels and the sdist (`wheels.rs`), the C
//! archives (`c_archives.rs`), the JARs (`jars.rs`), and the arm64 sysroot
//! that the aarch64 parts run in under qemu (`arm64.rs`).

mod arm64;
mod build;
mod c_archives;
mod jars;
mod libraries;
mod suite;
mod swift_archives;
mod toolchain;
mod wheels;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::files::{file_name, io};
use crate::run::target_dir;

pub use self::suite::suite;

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
    /// The Swift archive of each architecture, in [`ARCHES`]' order.
    swift: Vec<PathBuf>,
    /// Maven's build folder of the JAR (JNA's jar is copied into `runtime/`).
    jar_build: PathBuf,
}

impl Dist {
    fn files(&self) -> Vec<&Path> {
        let mut files: Vec<&Path> = self.wheels.iter().map(PathBuf::as_path).collect();
        files.extend([self.sdist.as_path(), &self.jar, &self.standalone_jar, &self.pom]);
        files.extend(self.c_archives.iter().map(PathBuf::as_path));
        files.extend(self.swift.iter().map(PathBuf::as_path));
        files
    }
}

/// Where the build and the tests keep their work: the tools' virtual
/// environment and the arm64 sysroot stay between runs, the rest is made anew.
fn work_dir() -> PathBuf {
    target_dir().join("dist-work")
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

/// `cargo xtask dist`
pub fn command() -> Result<(), String> {
    let start = Instant::now();
    let dist = build::build()?;
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
