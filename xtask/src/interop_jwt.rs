//! The JWT interop checks (SPEC §8, tests/vectors/jwt.json), part of the
//! `interop` suite: PyJWT and `cryptography` in a venv of their own, `jose`
//! from npm into its folder, golang-jwt through the Go module proxy, and
//! hand-written HS256 in PHP and Ruby. Each installs itself, pinned, with
//! no prompt: the library-made tokens in jwt.json are those versions'.

use crate::deps::{self, Tool};
use crate::run::{cmd, root, status, Counts};
use crate::suites::{run_checkers, Checker};

/// The venv with tests/interop/python/jwt-requirements.txt (kept between
/// runs: pip leaves pinned versions that are already there).
const VENV: &str = "target/interop-jwt-venv";
const NODE_DIR: &str = "tests/interop/node/jwt";

pub const TOOLS: &[Tool] = &[Tool { program: "npm", package: "npm" }];

/// Installs what the checks need, then runs the five of them; their counts
/// add up, and any one that fails fails the suite.
pub fn run(total: &mut Counts, errors: &mut Vec<String>) {
    if let Err(e) = install() {
        errors.push(e);
        return;
    }
    let python = format!("{VENV}/bin/python");
    let runs: [Checker; 5] = [
        (&python, &["tests/interop/python/jwt_check.py", "tests/vectors"], None),
        ("node", &["tests/interop/node/jwt/check.mjs", "tests/vectors"], None),
        ("go", &["run", ".", "../../../vectors"], Some("tests/interop/go/jwt")),
        ("php", &["tests/interop/php/jwt.php", "tests/vectors"], None),
        ("ruby", &["tests/interop/ruby/jwt.rb", "tests/vectors"], None),
    ];
    run_checkers(&runs, total, errors);
}

fn install() -> Result<(), String> {
    deps::ensure(TOOLS)?;
    deps::ensure_probe(&["python3", "-c", "import ensurepip, venv"], "python3-venv")?;
    if !root().join(VENV).join("bin/python").exists() {
        status(&mut cmd("python3", &["-m", "venv", VENV]))?;
    }
    let pip = format!("{VENV}/bin/pip");
    status(&mut cmd(
        &pip,
        &[
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-input",
            "-r",
            "tests/interop/python/jwt-requirements.txt",
        ],
    ))?;
    let mut npm = cmd("npm", &["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
    npm.current_dir(root().join(NODE_DIR));
    status(&mut npm)
}
