//! How a command ends: what it prints on stderr and which exit code it gives.

use std::io::Write;
use std::process::ExitCode;

/// Exit code 1: the hash, URL or identity was rejected.
pub const REJECTED: u8 = 1;
/// Exit code 2: a usage or input error (a bad flag, a weak secret, a malformed field).
pub const USAGE: u8 = 2;

/// A command that did not succeed: one line on stderr, variant name first.
#[derive(Debug)]
pub struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    /// A usage problem of the CLI's own (no secret, an unreadable file): exit 2.
    pub fn usage(message: impl std::fmt::Display) -> Self {
        Failure { code: USAGE, message: format!("error: {message}") }
    }

    /// A core error met while reading the inputs or the configuration: exit 2.
    #[must_use]
    pub fn input(err: userhash::Error) -> Self {
        Failure { code: USAGE, message: describe(&err) }
    }

    /// A core error that rejects what was checked: exit 1.
    #[must_use]
    pub fn rejection(err: userhash::Error) -> Self {
        Failure { code: REJECTED, message: describe(&err) }
    }

    /// The exit code: [`USAGE`] or [`REJECTED`].
    #[must_use]
    pub fn code(&self) -> u8 {
        self.code
    }

    /// The line for stderr (no secret is ever in it).
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    #[must_use]
    pub fn report(self) -> ExitCode {
        to_stderr(&self.message);
        ExitCode::from(self.code)
    }
}

/// fd 1's state: its `F_GETFL` flags, or minus the errno when it has none
/// (closed). Allocates nothing and takes no lock, so that the binary can
/// call it before Rust's runtime starts (see `main.rs`).
#[must_use]
pub fn stdout_state() -> i32 {
    // SAFETY: F_GETFL only reads the flags of a descriptor number; no
    // pointer is passed and no memory is touched.
    let flags = unsafe { libc::fcntl(libc::STDOUT_FILENO, libc::F_GETFL) };
    if flags == -1 {
        -std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EBADF)
    } else {
        flags
    }
}

/// Exit 2 before any work when stdout cannot take what the command prints:
/// closed (`>&-`) or open for reading only (`1</dev/null`). `at_start` is
/// [`stdout_state`] as the process started: Rust's runtime reopens a closed
/// fd 1 on /dev/null before `main`, so the command would print nothing and
/// exit 0, and a write to a read-only fd 1 fails with EBADF, which std drops
/// silently. Without `at_start` (no probe before the runtime), fd 1 is
/// checked now.
pub fn check_stdout(at_start: Option<i32>) -> Result<(), Failure> {
    let state = at_start.unwrap_or_else(stdout_state);
    if state < 0 {
        let err = std::io::Error::from_raw_os_error(-state);
        return Err(Failure::usage(format!(
            "cannot write to stdout: {err}; run the command with stdout open (not `>&-`)"
        )));
    }
    if state & libc::O_ACCMODE == libc::O_RDONLY {
        return Err(Failure::usage(
            "cannot write to stdout: it is open for reading only; redirect it to a file, a pipe or /dev/null with `>`",
        ));
    }
    Ok(())
}

/// One line on stderr. A closed stderr (`2>&1 | head -c1`) is ignored: the
/// exit code still says what happened, where `eprintln!` would panic (101).
pub fn to_stderr(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// `Expired: the signature is ...`: the variant's name first, for scripts.
#[must_use]
pub fn describe(err: &userhash::Error) -> String {
    format!("{}: {err}", err.variant_name())
}
