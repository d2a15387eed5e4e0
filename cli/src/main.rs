//! `userhash`: the command line of SPEC §5.1.
//!
//! Secrets come from `USERHASH_SECRET` or `--secret-file`, never from argv.
//! Results go to stdout (JSON where the spec says so), reasons to stderr with
//! the variant name first. Exit 0: signed or valid; 1: rejected; 2: a usage
//! or input error.

mod cli;
mod demo;
mod output;
mod secrets;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(failure) => failure.report(),
    }
}
