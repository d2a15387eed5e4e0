//! The test suites, one function each, and the commands built from them.

use std::time::Instant;

use crate::deps::{self, INTEROP_TOOLS};
use crate::python;
use crate::run::{cmd, counted, root, status, Counts};

/// What a suite did: ran its tests, or could not run on this machine (the
/// reason says what is missing). A skipped suite is never counted as passed.
pub enum Outcome {
    Ran(Counts),
    Skipped(String),
}

type Suite = (&'static str, fn() -> Result<Outcome, String>);

const SUITES: &[Suite] = &[
    // First: a formatting slip or a warning fails before the long suites run.
    ("lint", crate::lint::suite),
    ("vectors", || vectors_fresh().map(Outcome::Ran)),
    ("rust", || rust().map(Outcome::Ran)),
    ("ffi-names", || crate::ffi_names::suite().map(Outcome::Ran)),
    ("interop", || interop().map(Outcome::Ran)),
    ("python", || python::suite().map(Outcome::Ran)),
    ("c", || crate::c::suite().map(Outcome::Ran)),
    ("c-examples", || crate::c::examples().map(Outcome::Ran)),
    ("fuzz", || crate::fuzz::suite().map(Outcome::Ran)),
    ("kotlin", || crate::kotlin::suite().map(Outcome::Ran)),
    ("swift", crate::swift::suite),
    ("browser", || crate::browser::suite().map(Outcome::Ran)),
    ("dist", || crate::dist::suite().map(Outcome::Ran)),
];

/// `cargo xtask test [SUITE...]`
pub fn test_all(only: &[String]) -> Result<(), String> {
    for name in only {
        if !SUITES.iter().any(|(n, _)| n == name) {
            let names: Vec<&str> = SUITES.iter().map(|(n, _)| *n).collect();
            return Err(format!("unknown suite `{name}`; the suites are {}", names.join(", ")));
        }
    }
    let mut total = Counts::default();
    let mut failures = Vec::new();
    let mut summary = Vec::new();
    let mut skipped = Vec::new();
    for (name, suite) in SUITES.iter().filter(|(n, _)| only.is_empty() || only.iter().any(|o| o == n)) {
        println!("\n=== xtask test: {name}");
        let start = Instant::now();
        match suite() {
            Ok(Outcome::Ran(c)) => {
                total += c;
                summary.push(format!("  {name:<8} {:>5} passed  {:>6.1}s", c.passed, start.elapsed().as_secs_f64()));
            }
            // CI's machine can run every suite: there a skip would hide a
            // suite that never ran behind a green run, so it fails.
            Ok(Outcome::Skipped(reason)) if in_ci() => {
                println!("xtask: {name} cannot run here: {reason}");
                summary.push(format!(
                    "  {name:<8} FAILED   {:>6.1}s  cannot run here, and CI=true allows no skip: {reason}",
                    start.elapsed().as_secs_f64()
                ));
                failures.push(name.to_string());
            }
            Ok(Outcome::Skipped(reason)) => {
                println!("xtask: {name} SKIPPED: {reason}");
                summary.push(format!("  {name:<8} SKIPPED  {:>6.1}s  {reason}", start.elapsed().as_secs_f64()));
                skipped.push(name.to_string());
            }
            Err(e) => {
                summary.push(format!("  {name:<8} FAILED   {:>6.1}s  {e}", start.elapsed().as_secs_f64()));
                failures.push(name.to_string());
            }
        }
    }
    println!("\n=== xtask test: summary");
    for line in &summary {
        println!("{line}");
    }
    // One plain closing line for the whole run: suites that failed count as
    // failures even where their runner could not report a number.
    let failed = total.failed + failures.len() as u64;
    if skipped.is_empty() {
        println!("xtask-test: {} passed, {failed} failed", total.passed);
    } else {
        // A skipped suite's tests are not counted as passed; the count here is of suites.
        println!("xtask-test: {} passed, {failed} failed, {} skipped", total.passed, skipped.len());
        println!("xtask: suite(s) skipped on this machine: {}", skipped.join(", "));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("failed: {}", failures.join(", ")))
    }
}

/// `CI` set to anything but empty or `false`, as CI services and .ci/run set it.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// The committed vectors are what generate.py makes now.
fn vectors_fresh() -> Result<Counts, String> {
    deps::ensure(&[deps::Tool { program: "python3", package: "python3" }])?;
    status(&mut cmd("python3", &["tests/vectors/generate.py", "--check"]))?;
    Ok(Counts::ONE)
}

/// Every Rust test of the workspace, doc tests included. The workspace build
/// turns on the core's `redis` feature (the bindings and the CLI enable it),
/// so the Redis nonce store's tests run here, against a real redis-server.
fn rust() -> Result<Counts, String> {
    deps::ensure(deps::REDIS_TOOLS)?;
    counted(&mut cmd("cargo", &["test", "--workspace", "--color", "never"]))
}

/// The vectors recomputed by six other languages' own HMAC, and the JWT
/// vectors checked by PyJWT, jose, golang-jwt, `cryptography`, PHP and Ruby.
fn interop() -> Result<Counts, String> {
    deps::ensure(INTEROP_TOOLS)?;
    let mut total = Counts::default();
    let mut errors = Vec::new();
    let runs: [Checker; 6] = [
        ("php", &["tests/interop/php/check.php", "tests/vectors"], None),
        ("node", &["tests/interop/node/check.js", "tests/vectors"], None),
        ("ruby", &["tests/interop/ruby/check.rb", "tests/vectors"], None),
        ("elixir", &["tests/interop/elixir/check.exs", "tests/vectors"], None),
        ("go", &["run", ".", "../../vectors"], Some("tests/interop/go")),
        ("python3", &["tests/interop/python/check.py", "tests/vectors"], None),
    ];
    run_checkers(&runs, &mut total, &mut errors);
    // The JWT tokens (jwt.json) with PyJWT, jose, golang-jwt, PHP and Ruby.
    crate::interop_jwt::run(&mut total, &mut errors);
    if errors.is_empty() {
        Ok(total)
    } else {
        Err(errors.join("; "))
    }
}

/// A checker of `tests/interop`: the program, its arguments, and the folder
/// it runs in (the workspace root when `None`).
pub type Checker<'a> = (&'a str, &'a [&'a str], Option<&'a str>);

/// Runs every checker, adding its counts to `total` or its failure to
/// `errors`: one that fails does not stop the others.
pub fn run_checkers(checkers: &[Checker], total: &mut Counts, errors: &mut Vec<String>) {
    for (program, args, dir) in checkers {
        let mut c = cmd(program, args);
        if let Some(dir) = dir {
            c.current_dir(root().join(dir));
        }
        // Never let `go` fetch a toolchain: the machine's own must do.
        c.env("GOTOOLCHAIN", "local");
        match counted(&mut c) {
            Ok(n) => *total += n,
            Err(e) => errors.push(e),
        }
    }
}

/// `cargo xtask bench`
pub fn bench() -> Result<(), String> {
    status(&mut cmd("cargo", &["bench", "-p", "userhash", "--bench", "userhash"]))
}

/// `cargo xtask bench-redis`: verifications per second and p50/p99 latency
/// with `RedisNonceStore` on loopback (one server and a six-node cluster,
/// plain and TLS, sync and async) against `MemoryNonceStore`, at 1, 8 and 32
/// callers; the benchmark starts its own servers.
pub fn bench_redis() -> Result<(), String> {
    deps::ensure(deps::REDIS_TOOLS)?;
    status(&mut cmd("cargo", &["bench", "-p", "userhash", "--features", "redis,async", "--bench", "redis_store"]))
}

/// `cargo xtask bench-parse`: the cost of a URL before the MAC, by length
/// and by parameter count (BENCHMARKS.md, "Parsing before the MAC").
pub fn bench_parse() -> Result<(), String> {
    status(&mut cmd("cargo", &["bench", "-p", "userhash", "--bench", "parse_cost"]))
}

/// `cargo xtask bench-timing`: the dudect-style timing measurement of the tag
/// comparison (core/benches/timing.rs), in the release profile; `args` go to
/// it (`--measurements N`, `--seed S`).
pub fn bench_timing(args: &[String]) -> Result<(), String> {
    let mut command = vec!["bench", "-p", "userhash", "--bench", "timing", "--"];
    command.extend(args.iter().map(String::as_str));
    status(&mut cmd("cargo", &command))
}

/// `cargo xtask vectors`
pub fn regenerate_vectors() -> Result<(), String> {
    status(&mut cmd("python3", &["tests/vectors/generate.py"]))
}
