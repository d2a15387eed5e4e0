//! The Python package: pip builds the wheel (maturin, uniffi) into a fresh
//! virtual environment, then pytest runs its suite and the example's test.
//! Its lint (`cargo xtask lint python`): mypy `--strict` and ruff, pinned, in
//! the same virtual environment.

use std::path::Path;

use crate::deps::{self, Tool};
use crate::run::{cmd, counted, root, status, Counts};

/// Where the suite's virtual environment lives; made anew on every run.
const VENV: &str = "target/python-venv";

/// The linters, pinned: a release's new rules arrive with a commit that
/// fixes what they find, never in the middle of someone's run. pytest is
/// there for its types, which the tests use.
const LINTERS: &[&str] = &["mypy==2.4.1", "ruff==0.17.6", "pytest==9.2.0"];

/// Wrong on purpose: `test_typing.py` checks that mypy flags each of its lines.
const WRONG_ON_PURPOSE: &str = "bindings/python/tests/typing/misuses_api.py";

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

/// `cargo xtask lint python`: mypy `--strict` over the package's facade as
/// installed from this tree (`-m`: the generated layer below it is uniffi's)
/// and over `examples/python` (which imports that facade, as a user's code
/// would); ruff (`ruff.toml`) over the package, its tests, its benchmark and
/// `examples/python`. Each runs even when another failed. The package's
/// tests are not yet annotated for mypy `--strict`.
pub fn lint() -> Result<Counts, String> {
    deps::ensure(&[Tool { program: "python3", package: "python3" }])?;
    deps::ensure_probe(&["python3", "-c", "import ensurepip, venv"], "python3-venv")?;
    let python = venv()?;
    // The package again, so the facade mypy reads is this tree's (cargo's
    // build of the library is incremental).
    let mut install = vec!["-m", "pip", "install", "--quiet", "./bindings/python"];
    install.extend_from_slice(LINTERS);
    status(&mut cmd(&python, &install))?;
    let mypy = |args: &[&str]| {
        let mut all = vec!["-m", "mypy", "--strict", "--no-incremental", "--cache-dir", "/dev/null"];
        all.extend_from_slice(args);
        cmd(&python, &all)
    };
    let ruff = [
        "-m",
        "ruff",
        "check",
        "--no-cache",
        "--extend-exclude",
        WRONG_ON_PURPOSE,
        "bindings/python",
        "examples/python",
    ];
    let runs = [mypy(&["-m", "userhash"]), mypy(&["examples/python"]), cmd(&python, &ruff)];
    let mut counts = Counts::default();
    let mut errors = Vec::new();
    for mut run in runs {
        match status(&mut run) {
            Ok(()) => counts += Counts::ONE,
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(counts)
    } else {
        Err(errors.join("; "))
    }
}

/// The suite's virtual environment as it is, or a new one if there is none.
fn venv() -> Result<String, String> {
    let python = Path::new(VENV).join("bin/python");
    if root().join(&python).is_file() {
        Ok(python.to_string_lossy().into_owned())
    } else {
        fresh_venv()
    }
}

fn fresh_venv() -> Result<String, String> {
    let venv = root().join(VENV);
    if venv.exists() {
        std::fs::remove_dir_all(&venv).map_err(|e| format!("cannot remove {}: {e}", venv.display()))?;
    }
    status(&mut cmd("python3", &["-m", "venv", VENV]))?;
    Ok(Path::new(VENV).join("bin/python").to_string_lossy().into_owned())
}
