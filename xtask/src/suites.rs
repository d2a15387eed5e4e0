//! The test suites, one function each, and the commands built from them.

use std::time::Instant;

use crate::deps::{self, INTEROP_TOOLS};
use crate::python;
use crate::run::{cmd, counted, root, status, Counts};

type Suite = (&'static str, fn() -> Result<Counts, String>);

const SUITES: &[Suite] = &[
    ("vectors", vectors_fresh),
    ("rust", rust),
    ("interop", interop),
    ("python", python::suite),
    ("c", crate::c::suite),
    ("c-examples", crate::c::examples),
    ("kotlin", crate::kotlin::suite),
    ("browser", crate::browser::suite),
    ("dist", crate::dist::suite),
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
    for (name, suite) in SUITES.iter().filter(|(n, _)| only.is_empty() || only.iter().any(|o| o == n)) {
        println!("\n=== xtask test: {name}");
        let start = Instant::now();
        match suite() {
            Ok(c) => {
                total.passed += c.passed;
                total.failed += c.failed;
                summary.push(format!("  {name:<8} {:>5} passed  {:>6.1}s", c.passed, start.elapsed().as_secs_f64()));
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
    println!("xtask-test: {} passed, {failed} failed", total.passed);
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("failed: {}", failures.join(", ")))
    }
}

/// The committed vectors are what generate.py makes now.
fn vectors_fresh() -> Result<Counts, String> {
    deps::ensure(&[deps::Tool { program: "python3", package: "python3" }])?;
    status(&mut cmd("python3", &["tests/vectors/generate.py", "--check"]))?;
    Ok(Counts { passed: 1, failed: 0 })
}

/// Every Rust test of the workspace, doc tests included. The workspace build
/// turns on the core's `redis` feature (the bindings and the CLI enable it),
/// so the Redis nonce store's tests run here, against a real redis-server.
fn rust() -> Result<Counts, String> {
    deps::ensure(deps::REDIS_TOOLS)?;
    counted(&mut cmd("cargo", &["test", "--workspace", "--color", "never"]))
}

/// The vectors recomputed by six other languages' own HMAC.
fn interop() -> Result<Counts, String> {
    deps::ensure(INTEROP_TOOLS)?;
    let mut total = Counts::default();
    let mut errors = Vec::new();
    let runs: [(&str, &[&str], Option<&str>); 6] = [
        ("php", &["tests/interop/php/check.php", "tests/vectors"], None),
        ("node", &["tests/interop/node/check.js", "tests/vectors"], None),
        ("ruby", &["tests/interop/ruby/check.rb", "tests/vectors"], None),
        ("elixir", &["tests/interop/elixir/check.exs", "tests/vectors"], None),
        ("go", &["run", ".", "../../vectors"], Some("tests/interop/go")),
        ("python3", &["tests/interop/python/check.py", "tests/vectors"], None),
    ];
    for (program, args, dir) in runs {
        let mut c = cmd(program, args);
        if let Some(dir) = dir {
            c.current_dir(root().join(dir));
        }
        // Never let `go` fetch a toolchain: the machine's own must do.
        c.env("GOTOOLCHAIN", "local");
        match counted(&mut c) {
            Ok(n) => {
                total.passed += n.passed;
                total.failed += n.failed;
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(total)
    } else {
        Err(errors.join("; "))
    }
}

/// `cargo xtask bench`
pub fn bench() -> Result<(), String> {
    status(&mut cmd("cargo", &["bench", "-p", "userhash", "--bench", "userhash"]))
}

/// `cargo xtask bench-redis`: verifications per second and p50/p99 latency
/// with `RedisNonceStore` on loopback against `MemoryNonceStore`, at 1, 8
/// and 32 callers; the benchmark starts its own redis-server.
pub fn bench_redis() -> Result<(), String> {
    deps::ensure(deps::REDIS_TOOLS)?;
    status(&mut cmd("cargo", &["bench", "-p", "userhash", "--features", "redis", "--bench", "redis_store"]))
}

/// `cargo xtask bench-parse`: the cost of a URL before the MAC, by length
/// and by parameter count (BENCHMARKS.md, "Parsing before the MAC").
pub fn bench_parse() -> Result<(), String> {
    status(&mut cmd("cargo", &["bench", "-p", "userhash", "--bench", "parse_cost"]))
}

/// `cargo xtask vectors`
pub fn regenerate_vectors() -> Result<(), String> {
    status(&mut cmd("python3", &["tests/vectors/generate.py"]))
}
