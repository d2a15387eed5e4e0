//! The build's own tools: maturin and zig from PyPI in a virtual
//! environment of their own, rust-objcopy, each architecture's standard
//! library, and the linker script that links with zig against glibc 2.17.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{cargo_target, output, work_dir, Arch, ARCHES, GLIBC};
use crate::deps::{self, Tool};
use crate::files::{file_name, io, make_executable};
use crate::run::{cmd, path_str, status};

/// The build's tools from PyPI, pinned (installed into a virtual
/// environment of their own): maturin builds and checks the wheels, and
/// drives zig as the linker.
const PYPI_TOOLS: &[&str] = &["maturin==1.16.0", "ziglang==0.17.1"];

/// `python -m pip install` from wheels only, quietly.
pub(super) const PIP_INSTALL: &[&str] =
    &["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--only-binary", ":all:"];

/// The build's own programs.
pub(super) struct Tools {
    /// The tools' virtual environment's Python (maturin, ziglang).
    pub(super) python: PathBuf,
    pub(super) maturin: PathBuf,
    /// rust-objcopy (LLVM's objcopy, in every rustup toolchain): any architecture.
    pub(super) objcopy: PathBuf,
    /// Each architecture's linker variable and script ([`linker`]).
    pub(super) linkers: Vec<(String, PathBuf)>,
}

pub(super) fn tools() -> Result<Tools, String> {
    deps::ensure(&[Tool { program: "python3", package: "python3" }, Tool { program: "tar", package: "tar" }])?;
    deps::ensure_probe(&["python3", "-c", "import ensurepip, venv"], "python3-venv")?;
    let venv = work_dir().join("tools");
    let python = venv.join("bin").join("python");
    if !python.exists() {
        status(&mut cmd("python3", &["-m", "venv", path_str(&venv)?]))?;
    }
    let mut install = PIP_INSTALL.to_vec();
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
pub(super) fn ensure_rust_target(arch: &Arch) -> Result<(), String> {
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
         # Written by `cargo xtask dist` (xtask/src/dist/toolchain.rs): links for {rust}\n\
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
    make_executable(&path)?;
    Ok(path)
}

/// A cargo or maturin command of the dist builds: their target folder,
/// every architecture's linker (always all of them, so that cargo sees the
/// same configuration in every build and reuses what it built), and nothing
/// of the caller's flags.
pub(super) fn cross(tools: &Tools, mut c: Command) -> Command {
    c.env("CARGO_TARGET_DIR", cargo_target());
    for (var, script) in &tools.linkers {
        c.env(var, script);
    }
    for flags in ["RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS", "CARGO_BUILD_TARGET"] {
        c.env_remove(flags);
    }
    c
}
