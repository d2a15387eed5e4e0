//! `cargo xtask lint`, and suite `lint`, the first of `cargo xtask test`:
//! every language's formatter and linters, each compiler's warnings as
//! errors.
//!
//! - `rustfmt`: `cargo fmt --all -- --check` (the repository's rustfmt.toml);
//! - `clippy`: `cargo clippy --workspace --all-targets --all-features -- -D
//!   warnings`, with the lints of `[workspace.lints]` in Cargo.toml (the
//!   `fuzz/` crate is a workspace of its own, built by `cargo xtask fuzz`);
//! - `python`: mypy `--strict` and ruff, pinned, in the Python suite's virtual
//!   environment, over the package, its tests and `examples/python`
//!   (python.rs);
//! - `kotlin`: the binding and its tests compiled with the Kotlin compiler's
//!   warnings as errors (kotlin.rs);
//! - `swift`: the package, its tests and the example built with `swiftc
//!   -warnings-as-errors` (swift/).
//!
//! Each check installs what it needs, as the suites do. All of them run even
//! when one fails, so one run shows every finding.

use std::time::Instant;

use crate::run::{cmd, status, Counts};
use crate::suites::Outcome;

type Check = (&'static str, fn() -> Result<Outcome, String>);

const CHECKS: &[Check] = &[
    ("rustfmt", || status(&mut rustfmt()).map(|()| Outcome::Ran(Counts::ONE))),
    ("clippy", || status(&mut clippy()).map(|()| Outcome::Ran(Counts::ONE))),
    ("python", || crate::python::lint().map(Outcome::Ran)),
    ("kotlin", || crate::kotlin::lint().map(Outcome::Ran)),
    ("swift", crate::swift::lint),
];

/// `cargo fmt --all -- --check`: a diff fails.
fn rustfmt() -> std::process::Command {
    cmd("cargo", &["fmt", "--all", "--", "--check"])
}

/// Clippy over every target and feature of the workspace, any warning an error.
fn clippy() -> std::process::Command {
    cmd("cargo", &["clippy", "--workspace", "--all-targets", "--all-features", "--", "-D", "warnings"])
}

/// `cargo xtask lint [CHECK...]`
pub fn command(only: &[String]) -> Result<(), String> {
    match run(only)? {
        Outcome::Ran(_) => Ok(()),
        Outcome::Skipped(reason) => Err(format!("a check could not run here: {reason}")),
    }
}

/// Suite `lint` of `cargo xtask test`: every check, one count each.
pub fn suite() -> Result<Outcome, String> {
    run(&[])
}

/// Runs the checks named in `only` (all when empty); a failure or a skip of
/// any is the result, after all have run.
fn run(only: &[String]) -> Result<Outcome, String> {
    for name in only {
        if !CHECKS.iter().any(|(n, _)| n == name) {
            let names: Vec<&str> = CHECKS.iter().map(|(n, _)| *n).collect();
            return Err(format!("unknown check `{name}`; the checks are {}", names.join(", ")));
        }
    }
    let mut total = Counts::default();
    let (mut failed, mut skipped, mut summary) = (Vec::new(), Vec::new(), Vec::new());
    for (name, check) in CHECKS.iter().filter(|(n, _)| only.is_empty() || only.iter().any(|o| o == n)) {
        println!("\n--- xtask lint: {name}");
        let start = Instant::now();
        let took = || start.elapsed().as_secs_f64();
        match check() {
            Ok(Outcome::Ran(c)) => {
                total += c;
                summary.push(format!("  {name:<8} ok       {:>6.1}s", took()));
            }
            Ok(Outcome::Skipped(reason)) => {
                summary.push(format!("  {name:<8} SKIPPED  {:>6.1}s  {reason}", took()));
                skipped.push(format!("{name}: {reason}"));
            }
            Err(e) => {
                summary.push(format!("  {name:<8} FAILED   {:>6.1}s  {e}", took()));
                failed.push(*name);
            }
        }
    }
    println!("\n--- xtask lint: summary");
    for line in &summary {
        println!("{line}");
    }
    if !failed.is_empty() {
        return Err(format!("lint failed: {} (the output above says where)", failed.join(", ")));
    }
    if !skipped.is_empty() {
        return Ok(Outcome::Skipped(skipped.join("; ")));
    }
    Ok(Outcome::Ran(total))
}

#[cfg(test)]
mod tests {
    use super::{clippy, rustfmt};

    fn line(c: &std::process::Command) -> String {
        let args: Vec<String> = c.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
        format!("{} {}", c.get_program().to_string_lossy(), args.join(" "))
    }

    #[test]
    fn rust_checks_fail_on_any_finding() {
        assert_eq!(line(&rustfmt()), "cargo fmt --all -- --check");
        assert_eq!(line(&clippy()), "cargo clippy --workspace --all-targets --all-features -- -D warnings");
    }
}
