//! `userhash.h`: made by the pinned cbindgen (`cargo xtask c-header`), and
//! checked to be current by the `c` suite.

use std::path::PathBuf;
use std::process::Command;

use crate::run::{cmd, path_str, status, target_dir};

/// cbindgen is pinned: another version may lay the header out differently,
/// and the header is committed.
const CBINDGEN_VERSION: &str = "0.29.4";

/// The pinned cbindgen, installed into target/tools when missing.
fn cbindgen() -> Result<PathBuf, String> {
    let tools = target_dir().join("tools");
    let bin = tools.join("bin").join("cbindgen");
    let current = Command::new(&bin)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == format!("cbindgen {CBINDGEN_VERSION}"))
        .unwrap_or(false);
    if !current {
        let tools = path_str(&tools)?;
        status(&mut cmd(
            "cargo",
            &["install", "cbindgen", "--locked", "--version", CBINDGEN_VERSION, "--root", tools],
        ))?;
    }
    Ok(bin)
}

/// Runs cbindgen over bindings/c; `verify` only compares with the committed header.
pub(super) fn header(verify: bool) -> Result<(), String> {
    let bin = cbindgen()?;
    let mut args = vec![
        "--config",
        "bindings/c/cbindgen.toml",
        "--crate",
        "userhash-c",
        "--output",
        "bindings/c/include/userhash.h",
        "--quiet",
    ];
    if verify {
        args.push("--verify");
    }
    args.push("bindings/c");
    status(&mut cmd(path_str(&bin)?, &args)).map_err(|e| {
        if verify {
            format!("{e}: bindings/c/include/userhash.h is not what cbindgen makes now; run `cargo xtask c-header` and commit it")
        } else {
            e
        }
    })
}

/// `cargo xtask c-header`: rewrites bindings/c/include/userhash.h.
pub fn write_header() -> Result<(), String> {
    header(false)
}
