//! Running commands: echo them, stream their output, keep their counts.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is inside the workspace").to_path_buf()
}

/// The workspace's version (`[workspace.package]` in Cargo.toml, which
/// xtask's own manifest inherits): the libraries', the wheel's and the JAR's.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Which cargo profile a library is built in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Debug,
    Release,
}

impl Profile {
    /// The folder of `target/` it builds into.
    pub fn dir(self) -> &'static str {
        match self {
            Profile::Debug => "debug",
            Profile::Release => "release",
        }
    }
}

/// Cargo's target folder (`CARGO_TARGET_DIR`, else `target/`).
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

/// A path as the `&str` an argument list needs.
pub fn path_str(p: &Path) -> Result<&str, String> {
    p.to_str().ok_or_else(|| format!("{} is not UTF-8", p.display()))
}

/// A command with no standard input (CI has none, and nothing may prompt).
pub fn cmd(program: &str, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args).current_dir(root()).stdin(Stdio::null());
    c
}

fn describe(c: &Command) -> String {
    let mut s = c.get_program().to_string_lossy().into_owned();
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Runs `c` to completion; an error names the command when it fails.
pub fn status(c: &mut Command) -> Result<(), String> {
    println!("$ {}", describe(c));
    let st = c.status().map_err(|e| format!("cannot start `{}`: {e}", describe(c)))?;
    if st.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({st})", describe(c)))
    }
}

/// What a test run printed, reduced to its counts.
#[derive(Default, Debug, Clone, Copy)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
}

impl Counts {
    /// One check that passed.
    pub const ONE: Counts = Counts { passed: 1, failed: 0 };
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, n: Counts) {
        self.passed += n.passed;
        self.failed += n.failed;
    }
}

/// Runs `c`, streaming its stdout and stderr, and adds up every line of the
/// form `... N passed; M failed` (cargo test) or `... N passed, M failed`
/// (our interop programs and the other runners).
pub fn counted(c: &mut Command) -> Result<Counts, String> {
    println!("$ {}", describe(c));
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start `{}`: {e}", describe(c)))?;
    let mut counts = Counts::default();
    let stdout = child.stdout.take().expect("piped");
    let mut out = std::io::stdout();
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        writeln!(out, "{line}").ok();
        if let Some((p, f)) = parse_counts(&line) {
            counts.passed += p;
            counts.failed += f;
        }
    }
    let st = child.wait().map_err(|e| e.to_string())?;
    if !st.success() {
        return Err(format!("`{}` failed ({st})", describe(c)));
    }
    if counts.passed == 0 {
        return Err(format!("`{}` ran no test", describe(c)));
    }
    Ok(counts)
}

/// `N passed` and `M failed` from one line, if it has both.
fn parse_counts(line: &str) -> Option<(u64, u64)> {
    let number_before = |word: &str| -> Option<u64> {
        let words: Vec<&str> = line.split(|c: char| c.is_whitespace() || c == ',' || c == ';').collect();
        let i = words.iter().position(|w| *w == word)?;
        words[..i].iter().rev().find(|w| !w.is_empty())?.parse().ok()
    };
    Some((number_before("passed")?, number_before("failed")?))
}

#[cfg(test)]
mod tests {
    use super::parse_counts;

    #[test]
    fn reads_cargo_and_plain_closing_lines() {
        assert_eq!(
            parse_counts("test result: ok. 7 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out"),
            Some((7, 0))
        );
        assert_eq!(parse_counts("interop-php: 63 passed, 2 failed"), Some((63, 2)));
        assert_eq!(parse_counts("test foo ... ok"), None);
        assert_eq!(parse_counts("FAIL identity.json: passed"), None);
    }
}
