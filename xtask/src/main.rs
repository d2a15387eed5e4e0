//! `cargo xtask <command>`: the project's build and test orchestration, in Rust
//! rather than shell scripts.
//!
//! - `cargo xtask test`: every test suite of every language, after installing
//!   what is missing (this is the README's test command and what CI runs);
//! - `cargo xtask lint`: formatters, linters and compilers' warnings as errors,
//!   in every language (lint.rs; also the first suite of `test`);
//! - `cargo xtask bench`, `bench-python`, `bench-c`, `bench-kotlin`, `bench-redis`,
//!   `bench-timing`, `bench-swift`: the benchmarks behind BENCHMARKS.md;
//! - `cargo xtask fuzz [SECONDS]`: every fuzz target of fuzz/ for SECONDS each;
//! - `cargo xtask vectors`: regenerate tests/vectors/*.json;
//! - `cargo xtask demo`: the `userhash demo` of SPEC §7, built in release mode;
//! - `cargo xtask swift-test`, `xcframework`: the Swift package's suite alone,
//!   and its XCFramework for iOS and macOS (on a Mac).
//! - `cargo xtask dist`: the wheels, JARs and C archives for Linux x86_64 and
//!   aarch64 in `target/dist/` (dist/).
//!
//! The command line is clap's (`Xtask` below); each command is one function
//! of the module of its concern.

mod bindgen;
mod browser;
mod c;
mod deps;
mod dist;
mod ffi_names;
mod files;
mod fuzz;
mod interop_jwt;
mod kotlin;
mod lint;
mod python;
mod run;
mod suites;
mod surefire;
mod swift;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::run::Profile;

/// The build and test orchestration of userhash.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", arg_required_else_help = true)]
struct Xtask {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check formatting and lints, every compiler's warnings as errors (or the
    /// named checks only): rustfmt --check; clippy -D warnings on all targets and
    /// features; mypy --strict and ruff on the Python package, its tests and
    /// examples/python; the Kotlin binding and its tests with warnings as errors;
    /// the Swift package, its tests and example with -warnings-as-errors
    #[command(verbatim_doc_comment)]
    Lint {
        /// The checks to run (all by default): rustfmt, clippy, python, kotlin, swift
        #[arg(value_name = "CHECK")]
        checks: Vec<String>,
    },
    /// Run every test suite (or the named ones: lint, vectors, rust, ffi-names, interop,
    /// python, c, c-examples, fuzz, kotlin, swift, browser, dist), installing missing
    /// interpreters, libraries, the JDK, Maven, redis-server and Chromium with apt-get,
    /// and Rust nightly and cargo-fuzz (fuzz); without `swift` on PATH, on Debian as
    /// root, Swift runs in a Debian 13 root made once under /var/cache/userhash
    #[command(verbatim_doc_comment)]
    Test {
        /// The suites to run (all by default)
        #[arg(value_name = "SUITE")]
        suites: Vec<String>,
    },
    /// Run the Rust benchmarks recorded in BENCHMARKS.md
    Bench,
    /// Run the Python benchmark recorded in BENCHMARKS.md
    BenchPython,
    /// The C benchmark: userhash_sign_identifier against OpenSSL's HMAC()
    BenchC,
    /// verify_url and verify_url_async with RedisNonceStore (one server and a
    /// six-node cluster of its own on loopback, plain and TLS) against
    /// MemoryNonceStore, at 1, 8 and 32 concurrent callers
    #[command(verbatim_doc_comment)]
    BenchRedis,
    /// What verify_url spends before the MAC: URLs of 1 KB to 10 MB and of
    /// 10 to 100 000 parameters (limits raised), and the default limits' refusal
    #[command(verbatim_doc_comment)]
    BenchParse,
    /// dudect-style timing of the tag comparison (verify_identifier,
    /// Verifier::verify_url_at): Welch's t between a wrong tag's first
    /// difference at hex position 0 and at 63
    #[command(verbatim_doc_comment)]
    BenchTiming {
        /// Measurements per comparison (at least 1000000 for the record)
        #[arg(long, value_name = "N")]
        measurements: Option<String>,
        /// The random seed (default: from the clock)
        #[arg(long, value_name = "S")]
        seed: Option<String>,
        /// Only the comparisons whose name contains TEXT
        #[arg(long, value_name = "TEXT")]
        only: Option<String>,
    },
    /// Run each fuzz target of fuzz/ (verify_url, widget_roundtrip, diagnose,
    /// c_api, secret_file; all by default) for SECONDS (60 by default), after
    /// the fuzz crate's unit tests; prints executions and coverage per target
    #[command(verbatim_doc_comment)]
    Fuzz {
        /// SECONDS per target, and the TARGETs to run
        #[arg(value_name = "SECONDS|TARGET")]
        args: Vec<String>,
    },
    /// Rewrite the seed corpora fuzz/corpus/ from tests/vectors/*.json
    FuzzSeeds,
    /// Regenerate tests/vectors/*.json from tests/vectors/generate.py
    Vectors,
    /// Run the end-to-end demo (userhash demo) on http://127.0.0.1:8080
    Demo {
        /// `userhash demo`'s own options: --addr IP:PORT, --redis URL, ...
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "DEMO ARGS")]
        args: Vec<String>,
    },
    /// Build libuserhash (release unless --debug) and install userhash.h,
    /// libuserhash.so/.a and lib/pkgconfig/userhash.pc under DIR
    #[command(verbatim_doc_comment)]
    InstallC {
        /// The folder to install under (relative to the current one)
        #[arg(long, value_name = "DIR")]
        prefix: PathBuf,
        /// Install a debug build instead of a release build
        #[arg(long)]
        debug: bool,
    },
    /// Regenerate bindings/c/include/userhash.h with the pinned cbindgen
    CHeader,
    /// Build the Kotlin JAR with a release build of the library inside and
    /// install it into the local Maven repository (dev.userhash:userhash)
    #[command(verbatim_doc_comment)]
    InstallKotlin,
    /// The artifacts a user installs without Rust, in target/dist/: Python
    /// wheels (manylinux_2_17, x86_64 and aarch64) and sdist, the JAR with
    /// both architectures' libraries and its standalone twin, C archives
    /// userhash-VERSION-linux-{x86_64,aarch64}.tar.gz, and SHA256SUMS
    #[command(verbatim_doc_comment)]
    Dist,
    /// The Kotlin benchmark (JMH): signIdentifier, verifyIdentifier,
    /// Verifier.verifyUrl, IdentitySigner.sign against javax.crypto.Mac
    #[command(verbatim_doc_comment)]
    BenchKotlin {
        /// JMH's own arguments
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, value_name = "JMH ARGS")]
        args: Vec<String>,
    },
    /// The `swift` suite alone: generate the Swift package, swift test (fails
    /// where Swift cannot run, rather than skip)
    #[command(verbatim_doc_comment)]
    SwiftTest,
    /// The Swift benchmark: each call's cost from Swift (release builds) beside
    /// the core's own time for the same work (criterion), in one run
    #[command(verbatim_doc_comment)]
    BenchSwift,
    /// (macOS with Xcode only) bindings/swift/UserHashFFI.xcframework for iOS
    /// devices, the iOS simulator and macOS, and a zip of it with its checksum
    #[command(verbatim_doc_comment)]
    Xcframework,
}

fn main() -> ExitCode {
    let result = match Xtask::parse().command {
        Command::Lint { checks } => lint::command(&checks),
        Command::Test { suites } => suites::test_all(&suites),
        Command::Bench => suites::bench(),
        Command::BenchPython => python::bench(),
        Command::BenchRedis => suites::bench_redis(),
        Command::BenchParse => suites::bench_parse(),
        Command::BenchTiming { measurements, seed, only } => {
            let options = [("--measurements", measurements), ("--seed", seed), ("--only", only)];
            let args: Vec<String> =
                options.into_iter().filter_map(|(flag, value)| value.map(|v| [flag.to_owned(), v])).flatten().collect();
            suites::bench_timing(&args)
        }
        Command::Vectors => suites::regenerate_vectors(),
        Command::Fuzz { args } => fuzz::command(&args),
        Command::FuzzSeeds => fuzz::write_seeds(),
        Command::Demo { args } => browser::demo(&args),
        Command::InstallC { prefix, debug } => {
            c::install_command(&prefix, if debug { Profile::Debug } else { Profile::Release })
        }
        Command::CHeader => c::write_header(),
        Command::BenchC => c::bench(),
        Command::InstallKotlin => kotlin::install(),
        Command::Dist => dist::command(),
        Command::BenchKotlin { args } => kotlin::bench(&args),
        Command::SwiftTest => swift::test_command(),
        Command::Xcframework => swift::xcframework(),
        Command::BenchSwift => swift::bench(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        super::Xtask::command().debug_assert();
    }
}
