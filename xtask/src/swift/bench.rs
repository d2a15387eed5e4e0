//! `cargo xtask bench-swift`: each call's cost from Swift beside the
//! core's own time for the same work, in one run.

use std::collections::HashMap;
use std::fs;

use super::package::{prepare_local, Layout};
use super::{in_swift, toolchain};
use crate::files::io;
use crate::run::{cmd, path_str, status, target_dir, Profile};

/// The core's benchmarks (`core/benches/userhash.rs`) that do the same work
/// as the Swift calls, as criterion names them.
const CORE_BENCHES: &[&str] = &[
    "identifier/sign_fresh_key",
    "identifier/sign_precomputed_key",
    "identifier/verify_fresh_key",
    "identity/sign_at",
    "identity/sign_with_fresh_uuid_and_clock",
    "identity/widget_url",
    "identity/verify_url_memory_store",
    "identity/verify_url_replayed",
];

/// Each Swift measurement (`Bench/UserHashBench`'s name), what it calls, and
/// the core benchmarks whose sum is the same work in Rust (none: no work).
const SWIFT_BENCHES: &[(&str, &str, &[&str])] = &[
    ("version", "`version()`: one crossing, a String back", &[]),
    (
        "sign_identifier_data",
        "`signIdentifier(secret: Data, identifier: Data)` (generated)",
        &["identifier/sign_fresh_key"],
    ),
    ("sign_identifier_string", "`signIdentifier(secret: String, identifier: String)`", &["identifier/sign_fresh_key"]),
    (
        "verify_identifier_data",
        "`verifyIdentifier(secret:identifier:hash:)`, `Data` (generated)",
        &["identifier/verify_fresh_key"],
    ),
    (
        "verify_identifier_string",
        "`verifyIdentifier(secret:identifier:hash:)`, `String`",
        &["identifier/verify_fresh_key"],
    ),
    ("identifier_signer_sign", "`IdentifierSigner.sign(identifier:)`", &["identifier/sign_precomputed_key"]),
    (
        "sign_identifiers_100_per_identifier",
        "`signIdentifiers`, 100 in one call, per identifier",
        &["identifier/sign_precomputed_key"],
    ),
    ("identity_sign_at", "`IdentitySigner.signAt(email:timestampMs:nonce:)`", &["identity/sign_at"]),
    (
        "identity_sign_now",
        "`IdentitySigner.sign(email:)` (UUID v4 and clock in Rust)",
        &["identity/sign_with_fresh_uuid_and_clock"],
    ),
    ("widget_url", "`widgetUrl(baseUrl:identity:name:params:)`", &["identity/widget_url"]),
    (
        "signer_widget_url",
        "`IdentitySigner.widgetUrl(baseUrl:email:name:)` (sign now + URL)",
        &["identity/sign_with_fresh_uuid_and_clock", "identity/widget_url"],
    ),
    (
        "verify_url_memory_store",
        "`Verifier.verifyUrlAt(url:nowMs:)`, memory store, accepted",
        &["identity/verify_url_memory_store"],
    ),
    (
        "verify_url_replayed",
        "`Verifier.verifyUrlAt(url:nowMs:)`, `Replayed` (thrown)",
        &["identity/verify_url_replayed"],
    ),
    ("data_from_string_utf8", "taken apart: `Data(text.utf8)`, 37 bytes (each `String` form, per argument)", &[]),
    (
        "signed_identity_lower_lift",
        "taken apart: a `SignedIdentity` written, sent to Rust and read back; no userhash work",
        &[],
    ),
    ("verified_identity_lower_lift", "taken apart: the same for a `VerifiedIdentity` (one extra param)", &[]),
];

/// `cargo xtask bench-swift`: in one run, the core's own time for each
/// operation (criterion, release profile) and then the cost of the same
/// call from Swift (`Bench/UserHashBench`, a release build of the package
/// over a release build of the library), side by side.
pub fn bench() -> Result<(), String> {
    let toolchain = toolchain()?.map_err(|reason| format!("the Swift benchmark cannot run here: {reason}"))?;
    let mut filter = String::new();
    for name in CORE_BENCHES {
        filter.push_str(&format!("{}^{name}$", if filter.is_empty() { "" } else { "|" }));
    }
    status(&mut cmd(
        "cargo",
        &[
            "bench",
            "-p",
            "userhash",
            "--bench",
            "userhash",
            "--",
            "--warm-up-time",
            "1",
            "--measurement-time",
            "3",
            &filter,
        ],
    ))?;
    let mut core = HashMap::new();
    for name in CORE_BENCHES {
        core.insert(*name, criterion_median_ns(name)?);
    }

    prepare_local(Profile::Release)?;
    let script = format!(
        "exec 2>&1; set -e; cd '{}'; swift build -c release --product UserHashBench; .build/release/UserHashBench",
        path_str(&Layout::new().package)?
    );
    let out = in_swift(&toolchain, &script)?.output().map_err(|e| format!("cannot start swift: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    print!("{text}");
    if !out.status.success() {
        return Err(format!("the Swift benchmark failed ({})", out.status));
    }
    let swift: HashMap<&str, f64> = text
        .lines()
        .filter_map(|l| l.strip_prefix("swift-bench "))
        .filter_map(|l| l.split_once(' '))
        .filter_map(|(name, ns)| ns.trim().parse().ok().map(|ns| (name, ns)))
        .collect();

    println!("\n| call from Swift | Swift, per call | core, same work | Swift - core | Swift / core |");
    println!("|---|---:|---:|---:|---:|");
    for (name, what, core_names) in SWIFT_BENCHES {
        let ns = *swift.get(name).ok_or_else(|| format!("the Swift benchmark printed no `{name}`"))?;
        if core_names.is_empty() {
            println!("| {what} | {ns:.0} ns | | | |");
            continue;
        }
        let same: f64 = core_names.iter().map(|c| core[c]).sum();
        println!("| {what} | {ns:.0} ns | {same:.0} ns | {:.0} ns | {:.2}x |", ns - same, ns / same);
    }
    println!("\n(core: criterion medians of {}; Swift: medians of 11 rounds)", CORE_BENCHES.join(", "));
    Ok(())
}

/// The median of a criterion benchmark just run, in ns, from its
/// `target/criterion/GROUP/NAME/new/estimates.json`.
fn criterion_median_ns(name: &str) -> Result<f64, String> {
    let path = target_dir().join("criterion").join(name).join("new").join("estimates.json");
    let text = io(&path, fs::read_to_string(&path))?;
    let estimates: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON ({e})", path.display()))?;
    let value = estimates["median"]["point_estimate"].as_f64();
    value.ok_or_else(|| format!("{}: no median point estimate", path.display()))
}
