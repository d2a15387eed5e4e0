//! Every vector in tests/vectors/ through the Rust core.

// Test code: a panic is the failure report (clippy.toml allows unwrap in #[test] functions only).
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;
use userhash::mac::{hmac_sha256, verify_hmac_sha256};
use userhash::{
    org_id_of, sign_identifier, verify_identifier, widget_url, Error, IdentitySigner, MemoryNonceStore, NonceStore,
    Verifier,
};

fn load(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("expected a string, got {v}"))
}

fn items<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v[key].as_array().unwrap_or_else(|| panic!("no array `{key}`"))
}

/// The error's variant and field as the vectors spell them.
fn assert_error(name: &str, err: &Error, case: &Value) {
    assert_eq!(err.variant_name(), s(&case["error"]), "{name}: {err}");
    if let Some(field) = case.get("field") {
        assert_eq!(err.field().map(|f| f.as_str()), Some(s(field)), "{name}: {err}");
    }
}

/// No secret of the case appears in the error's message or its Debug form.
fn assert_no_secret(name: &str, err: &Error, case: &Value) {
    let mut secrets: Vec<&str> = case.get("secret").and_then(Value::as_str).into_iter().collect();
    secrets.extend(case.get("secrets").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str));
    let shown = format!("{err} {err:?}");
    // Below 4 characters a secret is found by chance ("" is in every string).
    for secret in secrets.into_iter().filter(|s| s.trim().len() >= 4) {
        assert!(!shown.contains(secret.trim()), "{name}: the error shows a secret: {shown}");
    }
}

#[test]
fn identifier_hashes() {
    let v = load("identifier.json");
    let sign = items(&v, "sign");
    assert!(sign.len() >= 10);
    for case in sign {
        let name = s(&case["name"]);
        let hash = sign_identifier(s(&case["secret"]), s(&case["identifier"])).unwrap();
        assert_eq!(hash, s(&case["hash"]), "{name}");
        assert!(verify_identifier(s(&case["secret"]), s(&case["identifier"]), &hash).unwrap(), "{name}");
        let signer = userhash::IdentifierSigner::new(s(&case["secret"])).unwrap();
        assert_eq!(signer.sign(s(&case["identifier"])).unwrap(), hash, "{name}");
    }
    for case in items(&v, "verify") {
        let name = s(&case["name"]);
        let want = case["valid"].as_bool().unwrap();
        let got = verify_identifier(s(&case["secret"]), s(&case["identifier"]), s(&case["hash"])).unwrap();
        assert_eq!(got, want, "{name}");
        let signer = userhash::IdentifierSigner::new(s(&case["secret"])).unwrap();
        assert_eq!(signer.verify(s(&case["identifier"]), s(&case["hash"])), want, "{name}");
    }
    for case in items(&v, "errors") {
        let name = s(&case["name"]);
        let err = match s(&case["operation"]) {
            "sign" => sign_identifier(s(&case["secret"]), s(&case["identifier"])).unwrap_err(),
            "verify" => verify_identifier(s(&case["secret"]), s(&case["identifier"]), s(&case["hash"])).unwrap_err(),
            other => panic!("unknown operation {other}"),
        };
        assert_error(name, &err, case);
        assert_no_secret(name, &err, case);
    }
}

#[test]
fn known_answer_of_spec_1_1() {
    assert_eq!(
        sign_identifier("<widget-hmac-token>", "<identifier>").unwrap(),
        "959217e5001533694e1f8ac122e7c24eef04409d31f9e9b5227cf2165b6e6d82"
    );
}

fn timestamp_ms(case: &Value) -> u64 {
    s(&case["timestamp"]).parse().unwrap()
}

/// `IdentitySigner(secret, org_id).sign_at(email, timestamp, nonce)` for a case.
fn sign_case(case: &Value) -> userhash::Result<userhash::SignedIdentity> {
    IdentitySigner::new(s(&case["secret"]), s(&case["org_id"]))?.sign_at(
        s(&case["email"]),
        timestamp_ms(case),
        s(&case["nonce"]),
    )
}

#[test]
fn signed_identities() {
    let v = load("identity.json");
    for case in items(&v, "sign") {
        let name = s(&case["name"]);
        let id = sign_case(case).unwrap();
        assert_eq!(id.user_hash, s(&case["user_hash"]), "{name}");
        assert_eq!(id.timestamp(), s(&case["timestamp"]), "{name}");
        assert_eq!(
            userhash::identity_message(&id.email, &id.timestamp(), &id.org_id, &id.nonce),
            s(&case["message"]),
            "{name}"
        );
    }
    for case in items(&v, "errors") {
        let name = s(&case["name"]);
        let err = sign_case(case).unwrap_err();
        assert_error(name, &err, case);
        assert_no_secret(name, &err, case);
    }
}

fn pairs(case: &Value) -> Vec<(String, String)> {
    items(case, "params").iter().map(|p| (s(&p[0]).to_owned(), s(&p[1]).to_owned())).collect()
}

#[test]
fn widget_urls() {
    let v = load("widget_url.json");
    for case in items(&v, "cases") {
        let name = s(&case["name"]);
        let id = sign_case(case).unwrap();
        assert_eq!(id.user_hash, s(&case["user_hash"]), "{name}");
        let url = widget_url(s(&case["base_url"]), &id, case["display_name"].as_str(), pairs(case)).unwrap();
        assert_eq!(url, s(&case["url"]), "{name}");

        // What widget_url makes, the verifier accepts, with the same fields back.
        let verifier = Verifier::new([s(&case["secret"])], s(&case["org_id"])).unwrap();
        let got = verifier.verify_url_at(&url, timestamp_ms(case)).unwrap();
        assert_eq!(got.email, s(&case["email"]), "{name}");
        assert_eq!(got.name.as_deref(), case["display_name"].as_str(), "{name}");
        let mut extra: BTreeMap<String, String> = pairs(case).into_iter().collect();
        // A base URL's own query comes back as extra params too.
        for (k, val) in form_urlencoded::parse(
            s(&case["base_url"]).split_once('?').map_or("", |(_, q)| q).split('#').next().unwrap().as_bytes(),
        ) {
            extra.insert(k.into_owned(), val.into_owned());
        }
        assert_eq!(got.params, extra, "{name}");
    }
    for case in items(&v, "errors") {
        let name = s(&case["name"]);
        let id = sign_case(case).unwrap();
        let err = widget_url(s(&case["base_url"]), &id, case["display_name"].as_str(), pairs(case)).unwrap_err();
        assert_error(name, &err, case);
    }
}

/// A store that is always down, for the fail-closed vector.
struct FailingStore;

impl NonceStore for FailingStore {
    fn check_and_insert(&self, _: &str, _: &str, _: u64, _: u64) -> userhash::Result<bool> {
        Err(Error::StoreUnavailable { reason: "test store is down".into() })
    }
}

fn verifier_for(case: &Value) -> userhash::Result<Verifier> {
    let secrets: Vec<String> = items(case, "secrets").iter().map(|x| s(x).to_owned()).collect();
    let mut verifier = Verifier::new(secrets, s(&case["org_id"]))?;
    if let Some(t) = case.get("tolerance_ms").and_then(Value::as_u64) {
        verifier = verifier.with_tolerance_ms(t);
    }
    if let Some(n) = case.get("max_url_len").and_then(Value::as_u64) {
        verifier = verifier.with_max_url_len(usize::try_from(n).unwrap());
    }
    if let Some(n) = case.get("max_params").and_then(Value::as_u64) {
        verifier = verifier.with_max_params(usize::try_from(n).unwrap());
    }
    let store: Arc<dyn NonceStore> = match case.get("store").map(|st| s(&st["kind"])) {
        None => return Ok(verifier),
        Some("memory") => {
            Arc::new(MemoryNonceStore::new(case["store"]["capacity"].as_u64().unwrap().try_into().unwrap()))
        }
        Some("failing") => Arc::new(FailingStore),
        Some(other) => panic!("unknown store kind {other}"),
    };
    Ok(verifier.with_nonce_store(store))
}

#[test]
fn verification_cases() {
    let v = load("verify.json");
    assert_eq!(v["default_tolerance_ms"].as_u64(), Some(userhash::DEFAULT_TOLERANCE_MS));
    assert_eq!(v["default_max_url_len"].as_u64(), Some(userhash::DEFAULT_MAX_URL_LEN as u64));
    assert_eq!(v["default_max_params"].as_u64(), Some(userhash::DEFAULT_MAX_PARAMS as u64));
    let mut variants_seen = BTreeSet::new();
    for case in items(&v, "cases") {
        let name = s(&case["name"]);
        let verifier = verifier_for(case).unwrap();
        for (step, check) in items(case, "checks").iter().enumerate() {
            let result = verifier.verify_url_at(s(&check["url"]), check["now_ms"].as_u64().unwrap());
            let expect = &check["expect"];
            if let Some(ok) = expect.get("ok") {
                let got = result.unwrap_or_else(|e| panic!("{name} (check {step}): {e}"));
                assert_eq!(got.email, s(&ok["email"]), "{name}");
                assert_eq!(got.org_id, s(&ok["org_id"]), "{name}");
                assert_eq!(got.timestamp_ms, ok["timestamp_ms"].as_u64().unwrap(), "{name}");
                assert_eq!(got.nonce, s(&ok["nonce"]), "{name}");
                assert_eq!(got.name.as_deref(), ok["name"].as_str(), "{name}");
                assert_eq!(got.key_index as u64, ok["key_index"].as_u64().unwrap(), "{name}");
                let params: BTreeMap<String, String> =
                    ok["params"].as_object().unwrap().iter().map(|(k, val)| (k.clone(), s(val).to_owned())).collect();
                assert_eq!(got.params, params, "{name}");
                variants_seen.insert("ok".to_owned());
            } else {
                let err = match result {
                    Ok(id) => panic!("{name} (check {step}): accepted {id:?}, expected {}", expect["error"]),
                    Err(e) => e,
                };
                assert_error(&format!("{name} (check {step})"), &err, expect);
                assert_no_secret(name, &err, case);
                if let Some(needle) = expect.get("message_contains") {
                    assert!(err.to_string().contains(s(needle)), "{name}: `{err}` lacks {needle}");
                }
                if let Some(fields) = expect.get("fields") {
                    check_error_fields(name, &err, fields);
                }
                variants_seen.insert(err.variant_name().to_owned());
            }
        }
    }
    let spec_3: BTreeSet<String> = [
        "ok",
        "Missing",
        "Malformed",
        "Duplicate",
        "WrongOrg",
        "Mismatch",
        "Expired",
        "FromFuture",
        "Replayed",
        "StoreFull",
        "StoreUnavailable",
        "TooLarge",
    ]
    .iter()
    .map(|x| x.to_string())
    .collect();
    assert_eq!(variants_seen, spec_3, "every rejection of SPEC §3 has a vector");

    for case in items(&v, "config_errors") {
        let err = verifier_for(case).unwrap_err();
        assert_error(s(&case["name"]), &err, case);
        assert_no_secret(s(&case["name"]), &err, case);
    }
    for case in items(&v, "org_id_of") {
        match org_id_of(s(&case["url"])) {
            Ok(org) => assert_eq!(org, s(&case["org_id"])),
            Err(err) => assert_error(s(&case["url"]), &err, case),
        }
    }
}

fn check_error_fields(name: &str, err: &Error, fields: &Value) {
    let want = |k: &str| fields.get(k);
    match err {
        Error::WrongOrg { expected, actual } => {
            assert_eq!(Some(expected.as_str()), want("expected").and_then(Value::as_str), "{name}");
            assert_eq!(Some(actual.as_str()), want("actual").and_then(Value::as_str), "{name}");
        }
        Error::Expired { age_ms, .. } => assert_eq!(Some(*age_ms), want("age_ms").and_then(Value::as_u64), "{name}"),
        Error::FromFuture { ahead_ms, .. } => {
            assert_eq!(Some(*ahead_ms), want("ahead_ms").and_then(Value::as_u64), "{name}")
        }
        Error::TooLarge { limit, max } => {
            assert_eq!(Some(limit.as_str()), want("limit").and_then(Value::as_str), "{name}");
            assert_eq!(Some(*max as u64), want("max").and_then(Value::as_u64), "{name}");
        }
        other => panic!("{name}: no field check for {other:?}"),
    }
}

#[test]
fn rfc_4231() {
    let v = load("rfc4231_hmac_sha256.json");
    let cases = items(&v, "cases");
    assert_eq!(cases.len(), 7);
    for case in cases {
        let key = const_hex::decode(s(&case["key_hex"])).unwrap();
        let msg = const_hex::decode(s(&case["msg_hex"])).unwrap();
        let want = const_hex::decode(s(&case["tag_hex"])).unwrap();
        let tag = hmac_sha256(&key, &msg);
        match case["truncated_bits"].as_u64() {
            None => {
                assert_eq!(tag.as_slice(), want.as_slice(), "case {}", case["case"]);
                assert!(verify_hmac_sha256(&key, &msg, &want));
            }
            Some(bits) => {
                assert_eq!(&tag[..usize::try_from(bits).unwrap() / 8], want.as_slice(), "case {}", case["case"]);
                assert!(!verify_hmac_sha256(&key, &msg, &want), "a truncated tag is never accepted");
            }
        }
    }
}

#[test]
fn wycheproof() {
    let v = load("wycheproof_hmac_sha256_test.json");
    let mut count = 0;
    for group in items(&v, "testGroups") {
        let tag_bits = group["tagSize"].as_u64().unwrap();
        for t in items(group, "tests") {
            let key = const_hex::decode(s(&t["key"])).unwrap();
            let msg = const_hex::decode(s(&t["msg"])).unwrap();
            let tag = const_hex::decode(s(&t["tag"])).unwrap();
            let valid = s(&t["result"]) == "valid";
            let ours = hmac_sha256(&key, &msg);
            let id = &t["tcId"];
            if tag_bits == 256 {
                assert_eq!(verify_hmac_sha256(&key, &msg, &tag), valid, "tcId {id}");
                assert_eq!(ours.as_slice() == tag.as_slice(), valid, "tcId {id}");
            } else {
                // Truncated tags: a valid one is our tag's prefix, but the
                // verifier accepts full 32-byte tags only.
                assert_eq!(ours[..usize::try_from(tag_bits).unwrap() / 8] == tag[..], valid, "tcId {id}");
                assert!(!verify_hmac_sha256(&key, &msg, &tag), "tcId {id}: truncated tag accepted");
            }
            count += 1;
        }
    }
    assert_eq!(count, v["numberOfTests"].as_u64().unwrap());
}
