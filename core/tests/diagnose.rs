//! Diagnose (SPEC §6) through tests/vectors/diagnose.json: one case per usual
//! cause, the "none explains it" case, and that no diagnosis shows a secret.

// Test code: a panic is the failure report (clippy.toml allows unwrap in #[test] functions only).
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;
use userhash::{diagnose, diagnose_url, Cause, Diagnosis, SignedInput};

fn load() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/diagnose.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn opt(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn secrets(case: &Value) -> Vec<String> {
    case["secrets"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect()
}

/// Runs one case's diagnose, from a URL or from the given fields.
fn run(case: &Value) -> userhash::Result<Diagnosis> {
    let input = &case["input"];
    let hash = case["hash"].as_str();
    if let Some(url) = input.get("url").and_then(Value::as_str) {
        return diagnose_url(secrets(case), url, hash);
    }
    let signed = SignedInput {
        identifier: opt(input, "identifier"),
        email: opt(input, "email"),
        timestamp: opt(input, "timestamp"),
        org_id: opt(input, "org_id"),
        nonce: opt(input, "nonce"),
    };
    diagnose(secrets(case), &signed, hash.expect("a hash unless the input is a URL"))
}

/// The cause's own fields, as the vectors spell them.
fn check_cause(name: &str, got: &Cause, want: &Value) {
    assert_eq!(got.name(), want["cause"].as_str().unwrap(), "{name}: {got:?}");
    let field = |k: &str| want.get(k).and_then(Value::as_str);
    match got {
        Cause::Whitespace { field: f, signed, given }
        | Cause::EmailCase { field: f, signed, given }
        | Cause::PlusAsSpace { field: f, signed, given } => {
            assert_eq!(Some(f.as_str()), field("field"), "{name}");
            assert_eq!(Some(signed.as_str()), field("signed"), "{name}");
            assert_eq!(Some(given.as_str()), field("given"), "{name}");
        }
        Cause::SecondsInsteadOfMilliseconds { signed, given } => {
            assert_eq!(Some(signed.as_str()), field("signed"), "{name}");
            assert_eq!(Some(given.as_str()), field("given"), "{name}");
        }
        Cause::SecretWhitespace { key_index, edit } => {
            assert_eq!(Some(*key_index as u64), want["key_index"].as_u64(), "{name}");
            assert_eq!(Some(edit.as_str()), field("edit"), "{name}");
        }
        Cause::OtherSecret { key_index } => assert_eq!(Some(*key_index as u64), want["key_index"].as_u64(), "{name}"),
        _ => {}
    }
}

/// No configured secret, nor its trimmed form, shows in what a person reads.
fn assert_no_secret(name: &str, shown: &str, case: &Value) {
    for secret in secrets(case).iter().map(|s| s.trim()).filter(|s| s.len() >= 4) {
        assert!(!shown.contains(secret), "{name}: shows a secret: {shown}");
    }
}

#[test]
fn every_diagnose_vector() {
    let v = load();
    let mut seen = BTreeSet::new();
    for case in v["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let got = run(case).unwrap_or_else(|e| panic!("{name}: {e}"));
        let expect = &case["expect"];
        assert_eq!(got.name(), expect["diagnosis"].as_str().unwrap(), "{name}: {got:?}");
        let want_causes = expect.get("causes").and_then(Value::as_array).cloned().unwrap_or_default();
        assert_eq!(got.causes().len(), want_causes.len(), "{name}: {got:?}");
        for (cause, want) in got.causes().iter().zip(&want_causes) {
            check_cause(name, cause, want);
            seen.insert(cause.name());
        }
        seen.insert(got.name());
        assert_no_secret(name, &format!("{got} {got:?}"), case);
        assert!(!got.to_string().is_empty(), "{name}: every diagnosis says what to do");
    }
    let spec_6 = [
        "Matches",
        "Unexplained",
        "Whitespace",
        "SecretWhitespace",
        "EmailCase",
        "PlusAsSpace",
        "SecondsInsteadOfMilliseconds",
        "UpperCaseHex",
        "Base64Tag",
        "IdentifierHashForIdentity",
        "IdentityForIdentifierHash",
        "OtherSecret",
        "MalformedHash",
    ];
    for want in spec_6 {
        assert!(seen.contains(want), "no vector shows {want}");
    }
}

#[test]
fn diagnose_errors() {
    let v = load();
    for case in v["errors"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let err = run(case).expect_err(name);
        assert_eq!(err.variant_name(), case["error"].as_str().unwrap(), "{name}: {err}");
        assert_eq!(err.field().map(|f| f.as_str()), case["field"].as_str(), "{name}: {err}");
    }
}

#[test]
fn the_messages_say_how_to_fix_it() {
    let v = load();
    let fixes = [
        ("PlusAsSpace", "%2B"),
        ("SecondsInsteadOfMilliseconds", "milliseconds"),
        ("Base64Tag", "hex"),
        ("UpperCaseHex", "lower-case"),
        ("Whitespace", "trim"),
        ("SecretWhitespace", "strip"),
        ("OtherSecret", "org"),
    ];
    for case in v["cases"].as_array().unwrap() {
        let got = run(case).unwrap();
        for cause in got.causes() {
            if let Some((_, needle)) = fixes.iter().find(|(n, _)| *n == cause.name()) {
                if matches!(cause, Cause::PlusAsSpace { signed, .. } if !signed.contains('+')) {
                    continue;
                }
                if matches!(cause, Cause::SecretWhitespace { edit: userhash::SecretEdit::Trimmed, .. }) {
                    continue;
                }
                let text = cause.to_string();
                assert!(text.contains(needle), "{}: `{text}` lacks {needle}", case["name"]);
            }
        }
    }
}
