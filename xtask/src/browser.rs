//! The CLI's demo: `cargo xtask demo` runs it, and the `browser` suite drives
//! it in headless Chromium (tests/browser/demo.mjs).

use crate::deps::{self, BROWSER_TOOLS};
use crate::run::{cmd, counted, status, target_dir, Counts};

/// The `browser` suite: installs Chromium, chromedriver and Node when missing,
/// builds the binary (the debug build the `rust` suite already made), then
/// loads the demo's pages and saves a screenshot of each state under
/// target/demo-screenshots/.
pub fn suite() -> Result<Counts, String> {
    deps::ensure(BROWSER_TOOLS)?;
    status(&mut cmd("cargo", &["build", "--quiet", "-p", "userhash-cli", "--bin", "userhash"]))?;
    let binary = target_dir().join("debug/userhash");
    let shots = target_dir().join("demo-screenshots");
    let (binary, shots) = (binary.to_string_lossy(), shots.to_string_lossy());
    counted(&mut cmd("node", &["tests/browser/demo.mjs", &binary, &shots]))
}

/// `cargo xtask demo [ARGS...]`: the README's demo command, built in release mode.
pub fn demo(args: &[String]) -> Result<(), String> {
    let mut all = vec!["run", "--release", "-p", "userhash-cli", "--", "demo"];
    all.extend(args.iter().map(String::as_str));
    let mut c = cmd("cargo", &all);
    // The demo runs until Ctrl-C: let it keep the terminal's stdin.
    c.stdin(std::process::Stdio::inherit());
    status(&mut c)
}
