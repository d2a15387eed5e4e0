//! The C library (`bindings/c`): its test suites, `install-c`, `c-header`
//! and `bench-c`.
//!
//! - suite `c`: builds `libuserhash` (with the `test-hooks` feature), checks
//!   that the committed `userhash.h` is what cbindgen makes now and that a
//!   C++17 program (`g++ -Wall -Wextra -Werror -pedantic`) includes it and
//!   links, and runs the C suite three times: plain, under valgrind memcheck,
//!   and built with `-fsanitize=address,undefined`;
//! - suite `c-examples`: installs the library into `target/c-install` as a
//!   user would (`install-c`), then builds against it only: the known-answer
//!   program (`-luserhash` and `userhash.h`, nothing else), `examples/c` via
//!   `pkg-config`, and `examples/go` via cgo, whose `go test` runs;
//! - `install-c`, `c-header` and `bench-c`: one file each (`install.rs`,
//!   `header.rs`, `bench.rs`); the suites are `suite.rs` and `examples.rs`.

mod bench;
mod examples;
mod header;
mod install;
mod suite;

use std::path::PathBuf;
use std::process::Command;

use crate::deps;
use crate::run::{cmd, status, target_dir, Profile};

pub use self::bench::bench;
pub use self::examples::examples;
pub use self::header::write_header;
pub use self::install::{install_command, pkg_config_file, shared_library, soname};
pub use self::suite::{suite, test_sources};

/// The C suites' and examples' warnings, all errors.
pub const WARNINGS: &[&str] = &["-std=c11", "-Wall", "-Wextra", "-Werror"];

/// `cargo build -p userhash-c`; returns the folder with libuserhash.so and .a.
fn build_library(profile: Profile, test_hooks: bool) -> Result<PathBuf, String> {
    let mut args = vec!["build", "-p", "userhash-c"];
    if profile == Profile::Release {
        args.push("--release");
    }
    if test_hooks {
        args.extend(["--features", "test-hooks"]);
    }
    status(&mut cmd("cargo", &args))?;
    Ok(target_dir().join(profile.dir()))
}

/// `pkg-config ARGS`' words.
fn pkg_config(args: &[&str]) -> Result<Vec<String>, String> {
    let out = cmd("pkg-config", args).output().map_err(|e| format!("cannot run pkg-config: {e}"))?;
    if !out.status.success() {
        return Err(format!("pkg-config {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).split_whitespace().map(str::to_owned).collect())
}

/// C libraries, seen through pkg-config, installed with apt-get when missing.
fn ensure_libraries(libs: &[(&str, &str)]) -> Result<(), String> {
    let present = |module: &str| pkg_config(&["--exists", module]).is_ok();
    let missing: Vec<&str> = libs.iter().filter(|(m, _)| !present(m)).map(|(_, p)| *p).collect();
    if missing.is_empty() {
        return Ok(());
    }
    deps::apt_install(&missing)?;
    match libs.iter().find(|(m, _)| !present(m)) {
        Some((module, package)) => Err(format!("pkg-config still finds no `{module}` after installing {package}")),
        None => Ok(()),
    }
}

/// `gcc ARGS`, from the workspace root.
pub fn gcc(args: &[String]) -> Result<(), String> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    status(&mut cmd("gcc", &args))
}

/// `items` as owned strings, for an argument list that grows.
pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// A program that finds libuserhash through its rpath. `cargo run` (so
/// `cargo xtask`) puts target/debug on LD_LIBRARY_PATH, which would win over
/// the rpath and load another build of the library.
fn linked(mut c: Command) -> Command {
    c.env_remove("LD_LIBRARY_PATH");
    c
}
