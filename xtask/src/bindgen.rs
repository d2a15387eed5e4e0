//! The crate's own `uniffi-bindgen` (`bindings/uniffi`, feature `bindgen`),
//! which every generated binding comes from: Kotlin, Swift, and the Python
//! and Swift that the `ffi-names` suite reads.

use std::path::Path;
use std::process::Command;

use crate::run::{cmd, path_str};

/// The command that generates `language` from `lib` (library mode) into
/// `out`, with `config` (a uniffi.toml) when given. It runs in the dev
/// profile: it only reads the library's metadata, whatever the library's
/// profile or architecture.
pub fn command(language: &str, lib: &Path, out: &Path, config: Option<&Path>) -> Result<Command, String> {
    let mut args = vec![
        "run",
        "-q",
        "-p",
        "userhash-ffi",
        "--features",
        "bindgen",
        "--bin",
        "uniffi-bindgen",
        "--",
        "generate",
        "--no-format",
        "--language",
        language,
    ];
    if let Some(config) = config {
        args.extend(["--config", path_str(config)?]);
    }
    args.extend(["--out-dir", path_str(out)?, path_str(lib)?]);
    Ok(cmd("cargo", &args))
}
