//! The Python package: pip builds the wheel (maturin, uniffi) into a fresh
//! virtual environment, then pytest runs its suite and the example's test.

use std::path::Path;

use crate::deps::{self, Tool};
use crate::run::{cmd, counted, root, status, Counts};

/// Where the suite's virtual environment lives; made anew on every run.
const VENV: &str = "target/python-venv";

pub fn suite() -> Result<Counts, String> {
    // openssl makes the TLS tests' certificates (tests/test_redis.py).
    deps::ensure(&[Tool { program: "python3", package: "python3" }, Tool { program: "openssl", package: "openssl" }])?;
    deps::ensure(deps::REDIS_TOOLS)?;
    deps::ensure_probe(&["python3", "-c", "import ensurepip, venv"], "python3-venv")?;
    let python = fresh_venv()?;
    // Exactly what the README tells a user to run; pip fetches maturin and
    // pytest from PyPI.
    status(&mut cmd(&python, &["-m", "pip", "install", "--quiet", "./bindings/python[test]"]))?;
    counted(&mut cmd(
        &python,
        &["-m", "pytest", "-q", "-p", "no:cacheprovider", "bindings/python/tests", "examples/python"],
    ))
}

/// `cargo xtask bench-python`: per-call times against pure Python doing the
/// same work (a verifier, the vendor's snippet, `hmac`), in the same run, and
/// where `verify_url`'s microseconds go (BENCHMARKS.md). Run it on an idle
/// machine: the tables print the load average and each row's spread.
pub fn bench() -> Result<(), String> {
    deps::ensure_probe(&["python3", "-c", "import ensurepip, venv"], "python3-venv")?;
    let python = fresh_venv()?;
    status(&mut cmd(&python, &["-m", "pip", "install", "--quiet", "./bindings/python"]))?;
    status(&mut cmd(&python, &["bindings/python/bench/bench.py"]))
}

fn fresh_venv() -> Result<String, String> {
    let venv = root().join(VENV);
    if venv.exists() {
        std::fs::remove_dir_all(&venv).map_err(|e| format!("cannot remove {}: {e}", venv.display()))?;
    }
    status(&mut cmd("python3", &["-m", "venv", VENV]))?;
    Ok(Path::new(VENV).join("bin/python").to_string_lossy().into_owned())
}
