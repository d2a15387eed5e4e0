//! The Python artifacts as a user gets them: the sdist's contents, and each
//! wheel's Python suite, installed from the file where no Rust toolchain
//! is (x86_64), or under Debian's arm64 Python in qemu (aarch64).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::toolchain::{Tools, PIP_INSTALL};
use super::{output, work_dir, Dist, GLIBC};
use crate::deps;
use crate::files::{file_name, fresh_dir, io};
use crate::run::{cmd, counted, path_str, root, status, Counts};

/// The sdist holds what a build from it needs: the package, the uniffi
/// crate, the core it depends on, and the lock file.
pub(super) fn sdist_contents(tools: &Tools, dist: &Dist) -> Result<Counts, String> {
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
        Ok(Counts::ONE)
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
pub(super) fn python_x86_64(dist: &Dist) -> Result<Counts, String> {
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
    let mut install = PIP_INSTALL.to_vec();
    install.push(&requirement);
    status(&mut run(&install)?)?;
    let site = output(&mut run(&["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])?)?;
    let guard = pytest_guard()?;
    let tests = root().join("bindings/python/tests");
    let mut pytest =
        run(&["-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "userhash_dist_guard", path_str(&tests)?])?;
    pytest.env("PYTHONPATH", &guard).env("USERHASH_DIST_EXPECT", site.trim());
    counts += counted(&mut pytest)?;
    Ok(counts)
}

/// The aarch64 wheel's Python suite under Debian's arm64 Python (qemu):
/// the wheel, pytest and mypy installed by pip for that Python's platform
/// into a folder on its PYTHONPATH.
pub(super) fn python_aarch64(tools: &Tools, dist: &Dist, sysroot: &Path) -> Result<Counts, String> {
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
    let mut install = PIP_INSTALL.to_vec();
    install.extend(["--target", path_str(&site)?, "--python-version", version, "--implementation", "cp", &requirement]);
    install.extend(platforms.iter().flat_map(|p| ["--platform", p.as_str()]));
    status(&mut cmd(path_str(&tools.python)?, &install))?;
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
