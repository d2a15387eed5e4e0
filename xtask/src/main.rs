//! `cargo xtask <command>`: the project's build and test orchestration, in Rust
//! rather than shell scripts.
//!
//! - `cargo xtask test`: every test suite of every language, after installing
//!   what is missing (this is the README's test command and what CI runs);
//! - `cargo xtask bench`, `bench-python`, `bench-c`, `bench-kotlin`, `bench-redis`,
//!   `bench-timing`, `bench-swift`: the benchmarks behind BENCHMARKS.md;
//! - `cargo xtask fuzz [SECONDS]`: every fuzz target of fuzz/ for SECONDS each;
//! - `cargo xtask vectors`: regenerate tests/vectors/*.json;
//! - `cargo xtask demo`: the `userhash demo` of SPEC §7, built in release mode;
//! - `cargo xtask swift-test`, `xcframework`: the Swift package's suite alone,
//!   and its XCFramework for iOS and macOS (on a Mac).
//! - `cargo xtask dist`: the wheels, JARs and C archives for Linux x86_64 and
//!   aarch64 in `target/dist/` (dist.rs).

mod browser;
mod c;
mod deps;
mod dist;
mod ffi_names;
mod fuzz;
mod interop_jwt;
mod kotlin;
mod python;
mod run;
mod suites;
mod swift;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => suites::test_all(&args[1..]),
        Some("bench") => suites::bench(),
        Some("bench-python") => python::bench(),
        Some("bench-redis") => suites::bench_redis(),
        Some("bench-parse") => suites::bench_parse(),
        Some("bench-timing") => suites::bench_timing(&args[1..]),
        Some("vectors") => suites::regenerate_vectors(),
        Some("fuzz") => fuzz::command(&args[1..]),
        Some("fuzz-seeds") => fuzz::write_seeds(),
        Some("demo") => browser::demo(&args[1..]),
        Some("install-c") => c::install_command(&args[1..]),
        Some("c-header") => c::write_header(),
        Some("bench-c") => c::bench(),
        Some("install-kotlin") => kotlin::install(),
        Some("dist") => dist::command(&args[1..]),
        Some("bench-kotlin") => kotlin::bench(&args[1..]),
        Some("swift-test") => swift::test_command(),
        Some("xcframework") => swift::xcframework(),
        Some("bench-swift") => swift::bench(),
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
  test [SUITE...]  run every test suite (or the named ones: vectors, rust, ffi-names, interop,
                   python, c, c-examples, fuzz, kotlin, swift, browser, dist), installing missing
                   interpreters, libraries, the JDK, Maven, redis-server and
                   Chromium with apt-get, and Rust nightly and cargo-fuzz (fuzz);
                   without `swift` on PATH, on Debian as root,
                   Swift runs in a Debian 13 root made once under /var/cache/userhash
  bench            run the Rust benchmarks recorded in BENCHMARKS.md
  bench-python     run the Python benchmark recorded in BENCHMARKS.md
  bench-c          the C benchmark: userhash_sign_identifier against OpenSSL's HMAC()
  bench-redis      verify_url and verify_url_async with RedisNonceStore (one server and a
                   six-node cluster of its own on loopback, plain and TLS) against
                   MemoryNonceStore, at 1, 8 and 32 concurrent callers
  bench-parse      what verify_url spends before the MAC: URLs of 1 KB to 10 MB and of
                   10 to 100 000 parameters (limits raised), and the default limits' refusal
  bench-timing [--measurements N] [--seed S]
                   dudect-style timing of the tag comparison (verify_identifier,
                   Verifier::verify_url_at): Welch's t between a wrong tag's first
                   difference at hex position 0 and at 63
  fuzz [SECONDS] [TARGET...]
                   run each fuzz target of fuzz/ (verify_url, widget_roundtrip, diagnose,
                   c_api; all by default) for SECONDS (60 by default), after the fuzz
                   crate's unit tests; prints executions and coverage per target
  fuzz-seeds       rewrite the seed corpora fuzz/corpus/ from tests/vectors/*.json
  vectors          regenerate tests/vectors/*.json from tests/vectors/generate.py
  demo [--addr A]  run the end-to-end demo (userhash demo) on http://127.0.0.1:8080
  install-c --prefix DIR [--debug]
                   build libuserhash (release unless --debug) and install userhash.h,
                   libuserhash.so/.a and lib/pkgconfig/userhash.pc under DIR
  c-header         regenerate bindings/c/include/userhash.h with the pinned cbindgen
  install-kotlin   build the Kotlin JAR with a release build of the library inside and
                   install it into the local Maven repository (dev.userhash:userhash)
  dist             the artifacts a user installs without Rust, in target/dist/: Python
                   wheels (manylinux_2_17, x86_64 and aarch64) and sdist, the JAR with
                   both architectures' libraries and its standalone twin, C archives
                   userhash-VERSION-linux-{x86_64,aarch64}.tar.gz, and SHA256SUMS
  bench-kotlin [JMH ARGS...]
                   the Kotlin benchmark (JMH): signIdentifier, verifyIdentifier,
                   Verifier.verifyUrl, IdentitySigner.sign against javax.crypto.Mac
  swift-test       the `swift` suite alone: generate the Swift package, swift test (fails
                   where Swift cannot run, rather than skip)
  bench-swift      the Swift benchmark: each call's cost from Swift (release builds) beside
                   the core's own time for the same work (criterion), in one run
  xcframework      (macOS with Xcode only) bindings/swift/UserHashFFI.xcframework for iOS
                   devices, the iOS simulator and macOS, and a zip of it with its checksum
";
