//! `userhash`: the command line of SPEC §5.1, as a library that the binary
//! (`main.rs`) only calls, so that its parts can be tested and fuzzed on
//! their own ([`secrets::read_secret_file`], [`secrets::parse_secret_file`]).
//!
//! Secrets come from the environment (`USERHASH_SECRET` for the signed
//! identity, `USERHASH_IDENTIFIER_SECRET` for the identifier hash,
//! `USERHASH_TOKEN_SECRET` for HS256 tokens: one secret per scheme) or
//! `--secret-file`, never from argv; an Ed25519 private key from a file. Results go to stdout
//! (JSON where the spec says so), reasons to stderr with the variant name
//! first. Exit 0: signed or valid; 1: rejected; 2: a usage or input error.

pub mod args;
pub mod commands;
mod demo;
mod keys;
pub mod output;
pub mod secrets;
mod store;
mod token_args;
mod tokens;
mod views;

use std::process::ExitCode;

use clap::Parser;

/// The whole command: checks stdout, parses argv, runs, reports.
/// `stdout_at_start` is [`output::stdout_state`] as the process started, if
/// the binary could see it (see [`output::check_stdout`]).
#[must_use]
pub fn main(stdout_at_start: Option<i32>) -> ExitCode {
    if let Err(failure) = output::check_stdout(stdout_at_start) {
        return failure.report();
    }
    let args = args::Cli::parse();
    match commands::run(args) {
        Ok(code) => code,
        Err(failure) => failure.report(),
    }
}
