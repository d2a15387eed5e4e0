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
    pub fn input(err: userhash::Error) -> Self {
        Failure { code: USAGE, message: describe(&err) }
    }

    /// A core error that rejects what was checked: exit 1.
    pub fn rejection(err: userhash::Error) -> Self {
        Failure { code: REJECTED, message: describe(&err) }
    }

    /// The exit code: [`USAGE`] or [`REJECTED`].
    pub fn code(&self) -> u8 {
        self.code
    }

    /// The line for stderr (no secret is ever in it).
    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn report(self) -> ExitCode {
        to_stderr(&self.message);
        ExitCode::from(self.code)
    }
}

/// One line on stderr. A closed stderr (`2>&1 | head -c1`) is ignored: the
/// exit code still says what happened, where `eprintln!` would panic (101).
pub fn to_stderr(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// `Expired: the signature is ...`: the variant's name first, for scripts.
pub fn describe(err: &userhash::Error) -> String {
    format!("{}: {err}", err.variant_name())
}
