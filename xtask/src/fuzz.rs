//! The fuzz targets of `fuzz/` (cargo-fuzz, libFuzzer, AddressSanitizer):
//! briefly in `cargo xtask test fuzz`, longer with `cargo xtask fuzz`.
//!
//! The targets are built once (`cargo +nightly fuzz build`, release with
//! debug assertions and overflow checks, into `target/fuzz/`) and each
//! binary is run for a fixed time, as many at once as there are cores.
//! Each starts from its committed seeds (`fuzz/corpus/<target>/`, read
//! only) and a working corpus of its own under `target/fuzz/corpus/`, where
//! libFuzzer writes what it finds, so a run never dirties the repository
//! and a later run on the same machine goes on from where the last one got.
//! A crash, a panic, a leak, an out-of-memory or a slow input fails the run
//! and names the input libFuzzer saved under `fuzz/artifacts/<target>/`
//! (ignored by git).
//!
//! The nightly toolchain and cargo-fuzz are installed when missing.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::Instant;

use crate::deps::{self, Tool};
use crate::run::{cmd, path_str, root, status, target_dir, Counts};

/// The targets, as `fuzz/Cargo.toml` names them.
pub const TARGETS: &[&str] = &["verify_url", "widget_roundtrip", "diagnose", "c_api", "secret_file"];

/// Seconds per target in `cargo xtask test fuzz`.
const SUITE_SECONDS: u64 = 15;

/// Seconds per target in `cargo xtask fuzz` without an argument.
const DEFAULT_SECONDS: u64 = 60;

/// The cargo-fuzz installed when it is missing (`cargo install --locked`).
const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// An input that takes longer than this (seconds) is a finding.
const INPUT_TIMEOUT: u64 = 10;

/// The `fuzz` suite of `cargo xtask test`: the seeds are what
/// `fuzz/seeds.py` makes from the vectors, then every target runs
/// `SUITE_SECONDS`; one passed per target that ran its time without a finding.
pub fn suite() -> Result<Counts, String> {
    deps::ensure(&[Tool { program: "python3", package: "python3" }])?;
    status(&mut cmd("python3", &["fuzz/seeds.py", "--check"]))?;
    let runs = fuzz(TARGETS, SUITE_SECONDS)?;
    Ok(Counts { passed: runs.len() as u64, failed: 0 })
}

/// `cargo xtask fuzz [SECONDS] [TARGET...]`: the fuzz crate's own unit tests,
/// then each target (all by default) for SECONDS (60 by default), with a
/// line per target: executions, coverage (libFuzzer's `cov`, edges, and
/// `ft`, features) and the corpus size.
pub fn command(args: &[String]) -> Result<(), String> {
    let mut seconds = DEFAULT_SECONDS;
    let mut targets: Vec<&str> = Vec::new();
    for arg in args {
        if let Ok(n) = arg.parse::<u64>() {
            seconds = n;
        } else if let Some(t) = TARGETS.iter().find(|t| **t == arg) {
            targets.push(t);
        } else {
            return Err(format!("`{arg}` is neither a number of seconds nor a target ({})", TARGETS.join(", ")));
        }
    }
    if targets.is_empty() {
        targets = TARGETS.to_vec();
    }
    ensure_tools()?;
    status(&mut cmd("cargo", &["+nightly", "test", "--quiet", "--manifest-path", "fuzz/Cargo.toml", "--lib"]))?;
    let runs = fuzz(&targets, seconds)?;
    println!("\ncargo xtask fuzz: {seconds} s per target, no finding");
    for run in &runs {
        println!("  {run}");
    }
    Ok(())
}

/// `cargo xtask fuzz-seeds`: rewrite `fuzz/corpus/` from the vectors.
pub fn write_seeds() -> Result<(), String> {
    status(&mut cmd("python3", &["fuzz/seeds.py"]))
}

/// What one target's run came to.
struct Run {
    target: String,
    executions: u64,
    seconds: f64,
    cov: u64,
    ft: u64,
    corpus: u64,
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:<17} {:>10} executions in {:>4.0} s  cov {:>5}  ft {:>6}  corpus {:>5}",
            self.target, self.executions, self.seconds, self.cov, self.ft, self.corpus
        )
    }
}

/// Builds every target, then runs `targets` for `seconds` each, as many at
/// once as there are cores. Every target runs even when one fails.
fn fuzz(targets: &[&str], seconds: u64) -> Result<Vec<Run>, String> {
    ensure_tools()?;
    let build_dir = target_dir().join("fuzz");
    let start = Instant::now();
    status(&mut cmd(
        "cargo",
        &["+nightly", "fuzz", "build", "--debug-assertions", "--target-dir", path_str(&build_dir)?],
    ))?;
    println!("fuzz: built in {:.0} s", start.elapsed().as_secs_f64());
    let binaries = build_dir.join(host_triple()?).join("release");

    let parallel = std::thread::available_parallelism().map_or(1, usize::from).min(targets.len()).max(1);
    println!("fuzz: {} targets, {seconds} s each, {parallel} at a time", targets.len());
    let queue = Mutex::new(targets.iter());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..parallel {
            scope.spawn(|| loop {
                let Some(target) = queue.lock().expect("no fuzz worker panics holding the queue").next() else { break };
                let result = run_target(&binaries, &build_dir, target, seconds);
                match &result {
                    Ok(run) => println!("fuzz: {run}"),
                    Err(e) => println!("fuzz: {target} FAILED: {e}"),
                }
                results.lock().expect("no fuzz worker panics holding the results").push((*target, result));
            });
        }
    });
    let mut results = results.into_inner().expect("no fuzz worker panicked holding the results");
    results.sort_by_key(|(t, _)| targets.iter().position(|x| x == t));
    let mut runs = Vec::new();
    let mut failures = Vec::new();
    for (target, result) in results {
        match result {
            Ok(run) => runs.push(run),
            Err(e) => failures.push(format!("{target}: {e}")),
        }
    }
    if failures.is_empty() {
        Ok(runs)
    } else {
        Err(failures.join("; "))
    }
}

/// One target for `seconds`; its output goes to `target/fuzz/logs/<target>.log`.
fn run_target(binaries: &Path, build_dir: &Path, target: &str, seconds: u64) -> Result<Run, String> {
    let seeds = root().join("fuzz/corpus").join(target);
    let corpus = build_dir.join("corpus").join(target);
    let artifacts = root().join("fuzz/artifacts").join(target);
    let logs = build_dir.join("logs");
    for dir in [&corpus, &artifacts, &logs] {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let log_path = logs.join(format!("{target}.log"));
    let mut log = fs::File::create(&log_path).map_err(|e| format!("cannot write {}: {e}", log_path.display()))?;

    // The working corpus comes first: libFuzzer adds what it finds to the
    // first folder only, so the committed seeds stay as they are.
    let binary = binaries.join(target);
    let mut c = Command::new(&binary);
    c.current_dir(root())
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-timeout={INPUT_TIMEOUT}"))
        .arg("-print_final_stats=1")
        .arg(&corpus)
        .arg(&seeds)
        .env("ASAN_OPTIONS", asan_options())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    // libFuzzer reports on stderr; its stdout is the target's own output.
    let stdout = child.stdout.take().expect("piped");
    let copy = std::thread::spawn(move || {
        let mut out = Vec::new();
        std::io::copy(&mut BufReader::new(stdout), &mut out).ok();
        out
    });
    let mut run = Run { target: target.to_owned(), executions: 0, seconds: 0.0, cov: 0, ft: 0, corpus: 0 };
    let mut artifact = None;
    let mut tail: Vec<String> = Vec::new();
    // Read to the end whatever comes (a crash report may hold any bytes).
    for line in BufReader::new(child.stderr.take().expect("piped")).split(b'\n') {
        let Ok(line) = line else { break };
        let line = String::from_utf8_lossy(&line).into_owned();
        writeln!(log, "{line}").ok();
        read_stats(&line, &mut run);
        if let Some(path) = line.split("Test unit written to ").nth(1) {
            artifact = Some(path.trim().to_owned());
        }
        tail.push(line);
        if tail.len() > 60 {
            tail.remove(0);
        }
    }
    let st = child.wait().map_err(|e| e.to_string())?;
    let out = copy.join().unwrap_or_default();
    log.write_all(&out).ok();
    if st.success() && artifact.is_none() {
        return Ok(run);
    }
    eprintln!("--- the end of {} ---\n{}", log_path.display(), tail.join("\n"));
    let found = match artifact {
        Some(path) => {
            let shown = Path::new(&path).strip_prefix(root()).map_or(PathBuf::from(&path), Path::to_path_buf);
            format!(
                "found {} (reproduce with `{} {}`; the log is {})",
                shown.display(),
                Path::new(&binary).strip_prefix(root()).unwrap_or(&binary).display(),
                shown.display(),
                log_path.display()
            )
        }
        None => format!("libFuzzer stopped ({st}) without saving an input; see {}", log_path.display()),
    };
    Err(found)
}

/// Reads libFuzzer's status lines (`#1234 NEW cov: 10 ft: 20 corp: 5/99b ...`,
/// `stat::number_of_executed_units: 1234`, `Done 1234 runs in 15 second(s)`).
fn read_stats(line: &str, run: &mut Run) {
    let number_after = |key: &str| -> Option<u64> {
        let rest = line.split(key).nth(1)?;
        rest.trim_start().split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
    };
    if line.starts_with('#') {
        if let (Some(cov), Some(ft), Some(corp)) = (number_after("cov: "), number_after("ft: "), number_after("corp: "))
        {
            (run.cov, run.ft, run.corpus) = (cov, ft, corp);
        }
    }
    if let Some(n) = number_after("stat::number_of_executed_units:") {
        run.executions = n;
    }
    if line.starts_with("Done ") {
        if let (Some(n), Some(s)) = (number_after("Done "), number_after(" runs in ")) {
            (run.executions, run.seconds) = (n, s as f64);
        }
    }
}

/// cargo-fuzz's own AddressSanitizer default (one-definition-rule reports
/// are noise for Rust), after the caller's options.
fn asan_options() -> String {
    match std::env::var("ASAN_OPTIONS") {
        Ok(o) if !o.is_empty() => format!("{o}:detect_odr_violation=0"),
        _ => "detect_odr_violation=0".to_owned(),
    }
}

/// The nightly toolchain (sanitizers and `-Z` flags need it), cargo-fuzz,
/// and a C++ compiler for libFuzzer itself (built by libfuzzer-sys).
fn ensure_tools() -> Result<(), String> {
    deps::ensure(&[Tool { program: "c++", package: "g++" }])?;
    let has_nightly = || {
        cmd("rustup", &["run", "nightly", "rustc", "--version"]).output().map(|o| o.status.success()).unwrap_or(false)
    };
    if !has_nightly() {
        if !deps::on_path("rustup") {
            return Err("fuzzing needs Rust nightly and there is no rustup to install it; install rustup".into());
        }
        status(&mut cmd("rustup", &["toolchain", "install", "nightly", "--profile", "minimal"]))?;
    }
    let has_cargo_fuzz =
        || cmd("cargo", &["+nightly", "fuzz", "--version"]).output().map(|o| o.status.success()).unwrap_or(false);
    if !has_cargo_fuzz() {
        let start = Instant::now();
        println!("xtask: installing cargo-fuzz {CARGO_FUZZ_VERSION} (a few minutes on 2 cores)");
        status(&mut cmd("cargo", &["install", "cargo-fuzz", "--locked", "--version", CARGO_FUZZ_VERSION]))?;
        println!("xtask: cargo-fuzz installed in {:.0} s", start.elapsed().as_secs_f64());
        if !has_cargo_fuzz() {
            return Err("`cargo fuzz` is still missing after installing cargo-fuzz".into());
        }
    }
    Ok(())
}

/// The host's target triple, the folder cargo-fuzz builds into.
fn host_triple() -> Result<String, String> {
    let out = cmd("rustc", &["+nightly", "-vV"]).output().map_err(|e| format!("cannot run rustc +nightly: {e}"))?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .ok_or_else(|| "rustc +nightly -vV names no host".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty() -> Run {
        Run { target: String::new(), executions: 0, seconds: 0.0, cov: 0, ft: 0, corpus: 0 }
    }

    #[test]
    fn reads_libfuzzer_status_lines() {
        let mut run = empty();
        read_stats("#65536\tpulse  cov: 1305 ft: 2107 corp: 55/11837b lim: 497 exec/s: 32768 rss: 43Mb", &mut run);
        read_stats("#70000\tNEW    cov: 1310 ft: 2110 corp: 56/12Kb lim: 497 exec/s: 30000 rss: 43Mb L: 9/9", &mut run);
        read_stats("Done 380391 runs in 11 second(s)", &mut run);
        assert_eq!((run.cov, run.ft, run.corpus, run.executions, run.seconds), (1310, 2110, 56, 380391, 11.0));
        read_stats("stat::number_of_executed_units: 380392", &mut run);
        assert_eq!(run.executions, 380392);
        read_stats("INFO: Seed: 12345", &mut run);
        assert_eq!(run.cov, 1310);
    }
}
