//! `userhash`: the command line of SPEC §5.1, as a library that the binary
//! (`main.rs`) only calls, so that its parts can be tested and fuzzed on
//! their own ([`secrets::read_secret_file`], [`secrets::parse_secret_file`]).
//!
//! Secrets come from `USERHASH_SECRET` or `--secret-file`, never from argv.
//! Results go to stdout (JSON where the spec says so), reasons to stderr with
//! the variant name first. Exit 0: signed or valid; 1: rejected; 2: a usage
//! or input error.

pub mod cli;
mod demo;
pub mod output;
pub mod secrets;

use std::process::ExitCode;

use clap::Parser;

/// The whole command: parses argv, runs, reports.
pub fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(failure) => failure.report(),
    }
}
