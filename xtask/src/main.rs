//! `cargo xtask <command>`: the project's build and test orchestration, in Rust
//! rather than shell scripts.
//!
//! - `cargo xtask test`: every test suite of every language, after installing
//!   what is missing (this is the README's test command and what CI runs);
//! - `cargo xtask bench`: the benchmarks behind BENCHMARKS.md;
//! - `cargo xtask vectors`: regenerate tests/vectors/*.json.

mod c;
mod deps;
mod run;
mod suites;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => suites::test_all(&args[1..]),
        Some("bench") => suites::bench(),
        Some("vectors") => suites::regenerate_vectors(),
        Some("install-c") => c::install_command(&args[1..]),
        Some("c-header") => c::write_header(),
        Some("bench-c") => c::bench(),
        Some("-h" | "--help" | "help") | None => {
            print!("{USAGE}");
            return if args.is_empty() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  test [SUITE...]  run every test suite (or the named ones: rust, vectors, interop),
                   installing missing interpreters with apt-get
                   (C library: `c` and `c-examples`)
  bench            run the benchmarks recorded in BENCHMARKS.md
  vectors          regenerate tests/vectors/*.json from tests/vectors/generate.py
  install-c --prefix DIR [--debug]
                   build libuserhash (release unless --debug) and install userhash.h,
                   libuserhash.so/.a and lib/pkgconfig/userhash.pc under DIR
  c-header         regenerate bindings/c/include/userhash.h with the pinned cbindgen
  bench-c          the C benchmark: userhash_sign_identifier against OpenSSL's HMAC()
";
