//! `swift test` in the package and the example, and XCTest's lines counted.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Instant;

use super::{in_swift, Toolchain, EXAMPLE, PACKAGE};
use crate::run::{path_str, root, Counts};

/// `swift test` in the package, then in the example, each built with
/// warnings as errors, counted together.
pub(super) fn swift_test(toolchain: &Toolchain) -> Result<Counts, String> {
    // Swift Testing would close with its own "0 tests" line: the suites are XCTest only.
    let mut script = String::from("exec 2>&1; set -e");
    for package in [PACKAGE, EXAMPLE] {
        let dir = root().join(package);
        script.push_str(&format!(
            "; echo 'swift: testing {package}'; cd '{}'; swift build --build-tests -Xswiftc -warnings-as-errors; \
             swift test --skip-build --disable-swift-testing",
            path_str(&dir)?
        ));
    }
    let start = Instant::now();
    let counts = counted(&mut in_swift(toolchain, &script)?);
    println!("swift: build and test took {:.1}s", start.elapsed().as_secs_f64());
    counts
}

/// Runs `c`, streaming its output, and counts XCTest's `Test Case '...'
/// passed|failed|skipped` lines: a skipped case, or none at all, fails.
pub(super) fn counted(c: &mut Command) -> Result<Counts, String> {
    let mut child = c.stdout(Stdio::piped()).spawn().map_err(|e| format!("cannot start swift: {e}"))?;
    let stdout = child.stdout.take().expect("piped");
    let (mut counts, mut skipped) = (Counts::default(), 0u64);
    let mut out = std::io::stdout();
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        writeln!(out, "{line}").ok();
        match xctest_result(&line) {
            Some("passed") => counts.passed += 1,
            Some("failed") => counts.failed += 1,
            Some(_) => skipped += 1,
            None => {}
        }
    }
    let st = child.wait().map_err(|e| e.to_string())?;
    println!("swift: {} passed, {} failed, {skipped} skipped", counts.passed, counts.failed);
    if skipped > 0 {
        return Err(format!("{skipped} Swift test(s) skipped; every test must run"));
    }
    if counts.failed > 0 {
        return Err(format!("{} of {} Swift tests failed", counts.failed, counts.passed + counts.failed));
    }
    if !st.success() {
        return Err(format!("`swift build` or `swift test` failed ({st})"));
    }
    if counts.passed + counts.failed == 0 {
        return Err("swift test ran no test".into());
    }
    Ok(counts)
}

/// `passed`, `failed` or `skipped` from one XCTest line about a test case
/// (`Test Case 'VectorsTests.testSign' passed (0.002 seconds)` on Linux,
/// `Test Case '-[UserHashTests.VectorsTests testSign]' passed (...)` on macOS).
fn xctest_result(line: &str) -> Option<&'static str> {
    let rest = line.trim_start().strip_prefix("Test Case '")?;
    let (_, after) = rest.split_once("' ")?;
    ["passed", "failed", "skipped"].into_iter().find(|word| after.starts_with(&format!("{word} (")))
}

#[cfg(test)]
mod tests {
    use super::xctest_result;

    #[test]
    fn reads_xctest_case_lines() {
        assert_eq!(xctest_result("Test Case 'VectorsTests.testSign' passed (0.002 seconds)"), Some("passed"));
        assert_eq!(
            xctest_result("Test Case '-[UserHashTests.VectorsTests testSign]' failed (0.1 seconds)"),
            Some("failed")
        );
        assert_eq!(xctest_result("Test Case 'A.b' skipped (0.000 seconds)"), Some("skipped"));
        assert_eq!(xctest_result("Test Case 'A.b' started at 2025-01-01 00:00:00.000"), None);
        assert_eq!(xctest_result("Test Suite 'All tests' passed at 2025-01-01"), None);
    }
}
