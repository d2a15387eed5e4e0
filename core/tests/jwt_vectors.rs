//! tests/vectors/jwt.json (SPEC §8) through the Rust core: tokens userhash
//! must write byte for byte, tokens made by PyJWT, jose and golang-jwt it
//! must accept, and every rejection.

// Test code: a panic is the failure report (clippy.toml allows unwrap in #[test] functions only).
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;
use userhash::jwt::{
    Profile, SignerOptions, TokenKey, TokenSigner, TokenSubject, TokenVerifier, VerifiedToken, VerifierOptions,
};
use userhash::{Error, TokenDiagnosis};

fn load() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/jwt.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("expected a string, got {v}"))
}

fn opt_s(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

fn items<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v[key].as_array().unwrap_or_else(|| panic!("no array `{key}`"))
}

fn profile(v: &Value) -> Profile {
    s(v).parse().unwrap()
}

/// A key entry of the vectors: `{"hs256"}`, `{"public_pem"}`, `{"public_jwk"}` or `{"jwks"}`, with `kid`.
fn keys(list: &Value) -> userhash::Result<Vec<TokenKey>> {
    let mut out = Vec::new();
    for entry in list.as_array().unwrap() {
        let kid = entry["kid"].as_str();
        if let Some(secret) = entry.get("hs256") {
            out.push(TokenKey::hs256(s(secret), kid)?);
        } else if let Some(text) = entry.get("public_pem").or(entry.get("public_jwk")).or(entry.get("jwks")) {
            out.extend(TokenKey::parse_public(s(text), kid)?);
        } else {
            panic!("unknown key entry {entry}");
        }
    }
    Ok(out)
}

fn verifier_options(o: &Value, defaults: &Value) -> VerifierOptions {
    let num = |name: &str| o.get(name).and_then(Value::as_u64).unwrap_or_else(|| defaults[name].as_u64().unwrap());
    VerifierOptions {
        profile: profile(&o["profile"]),
        org: o.get("org").and_then(opt_s),
        audience: o.get("audience").and_then(opt_s),
        issuer: o.get("issuer").and_then(opt_s),
        leeway_s: num("leeway_s"),
        max_lifetime_s: num("max_lifetime_s"),
        max_token_len: usize::try_from(num("max_token_len")).unwrap(),
        single_use: o.get("single_use").and_then(Value::as_bool).unwrap_or(false),
    }
}

fn verifier(case: &Value, keys_key: &str, options_key: &str, defaults: &Value) -> userhash::Result<TokenVerifier> {
    TokenVerifier::new(keys(&case[keys_key])?, verifier_options(&case[options_key], defaults))
}

fn signer(case: &Value) -> userhash::Result<TokenSigner> {
    let o = &case["options"];
    let options = SignerOptions {
        profile: profile(&o["profile"]),
        kid: o.get("kid").and_then(opt_s),
        org: o.get("org").and_then(opt_s),
        audience: o.get("audience").and_then(opt_s),
        issuer: o.get("issuer").and_then(opt_s),
        lifetime_s: o.get("lifetime_s").and_then(Value::as_u64).unwrap_or(300),
    };
    let key = &case["key"];
    match key.get("hs256") {
        Some(secret) => TokenSigner::hs256(s(secret), options),
        None => TokenSigner::ed25519_from_text(s(&key["private_pem"]), options),
    }
}

fn subject(v: &Value) -> TokenSubject {
    TokenSubject {
        user_id: s(&v["user_id"]).to_owned(),
        email: v.get("email").and_then(opt_s),
        name: v.get("name").and_then(opt_s),
        email_verified: v.get("email_verified").and_then(Value::as_bool),
        extra_claims_json: v.get("extra_claims_json").and_then(opt_s),
    }
}

/// The verified token against an `{"ok": ...}` expectation.
fn assert_ok(name: &str, got: &VerifiedToken, want: &Value) {
    let want = &want["ok"];
    assert_eq!(got.user_id, s(&want["user_id"]), "{name}");
    assert_eq!(got.email, opt_s(&want["email"]), "{name}");
    assert_eq!(got.name, opt_s(&want["name"]), "{name}");
    assert_eq!(got.email_verified, want["email_verified"].as_bool(), "{name}");
    assert_eq!(got.org, opt_s(&want["org"]), "{name}");
    assert_eq!(got.issued_at, want["issued_at"].as_u64(), "{name}");
    assert_eq!(got.expires_at, want["expires_at"].as_u64().unwrap(), "{name}");
    assert_eq!(got.jti, opt_s(&want["jti"]), "{name}");
    assert_eq!(got.kid, opt_s(&want["kid"]), "{name}");
    assert_eq!(got.key_index as u64, want["key_index"].as_u64().unwrap(), "{name}");
    assert_eq!(got.algorithm.as_str(), s(&want["algorithm"]), "{name}");
    let claims: Value = serde_json::from_str(&got.claims_json).unwrap();
    assert_eq!(claims, want["claims"], "{name}");
}

/// The error's variant, field, fields and message against an `{"error": ...}` expectation.
fn assert_error(name: &str, err: &Error, want: &Value) {
    assert_eq!(err.variant_name(), s(&want["error"]), "{name}: {err}");
    if let Some(field) = want.get("field") {
        assert_eq!(err.field().map(|f| f.as_str()), Some(s(field)), "{name}: {err}");
    }
    if let Some(text) = want.get("message_contains") {
        assert!(err.to_string().contains(s(text)), "{name}: `{err}` lacks {text}");
    }
    if let Some(fields) = want.get("fields").and_then(Value::as_object) {
        for (field, value) in fields {
            let got: Value = match (err, field.as_str()) {
                (Error::UnknownKey { kid }, "kid") => kid.as_str().into(),
                (Error::AlgorithmRefused { alg, .. }, "alg") => alg.as_str().into(),
                (Error::MissingClaim { claim }, "claim") => claim.as_str().into(),
                (Error::WrongAudience { claim, .. }, "claim") => claim.as_str().into(),
                (Error::WrongAudience { expected, .. }, "expected") => expected.as_str().into(),
                (Error::WrongAudience { actual, .. }, "actual") => actual.as_str().into(),
                (Error::Expired { age_ms, .. }, "age_ms") => (*age_ms).into(),
                (Error::Expired { tolerance_ms, .. }, "tolerance_ms") => (*tolerance_ms).into(),
                (Error::Expired { timestamp_ms, .. }, "timestamp_ms") => (*timestamp_ms).into(),
                (Error::FromFuture { ahead_ms, .. }, "ahead_ms") => (*ahead_ms).into(),
                (Error::FromFuture { tolerance_ms, .. }, "tolerance_ms") => (*tolerance_ms).into(),
                (Error::LifetimeTooLong { lifetime_s, .. }, "lifetime_s") => (*lifetime_s).into(),
                (Error::LifetimeTooLong { max_lifetime_s, .. }, "max_lifetime_s") => (*max_lifetime_s).into(),
                (Error::TooLarge { limit, .. }, "limit") => limit.as_str().into(),
                (Error::TooLarge { max, .. }, "max") => (*max as u64).into(),
                (err, field) => panic!("{name}: no field `{field}` on {err:?}"),
            };
            assert_eq!(&got, value, "{name}: {field} of {err}");
        }
    }
}

/// No secret or private key of the vectors appears in a message or Debug form.
fn assert_no_key_material(name: &str, shown: &str, v: &Value) {
    let k = &v["keys"];
    let private_d = serde_json::from_str::<Value>(s(&k["ed25519_private_jwk"])).unwrap()["d"].clone();
    let pem_body: String = s(&k["ed25519_private_pem"]).lines().filter(|l| !l.starts_with("-----")).collect();
    for secret in [s(&k["hs256_secret"]), s(&private_d), &pem_body, s(&k["ed25519_seed_hex"])] {
        assert!(!shown.contains(secret), "{name}: shows key material: {shown}");
    }
}

#[test]
fn tokens_userhash_signs_match_byte_for_byte_and_verify() {
    let v = load();
    let cases = items(&v, "sign");
    assert!(cases.len() >= 8);
    let mut seen = BTreeSet::new();
    for case in cases {
        let name = s(&case["name"]);
        let signer = signer(case).unwrap_or_else(|e| panic!("{name}: {e}"));
        let token =
            signer.sign_at(&subject(&case["subject"]), case["now_ms"].as_u64().unwrap(), s(&case["jti"])).unwrap();
        assert_eq!(token, s(&case["token"]), "{name}");
        assert_no_key_material(name, &format!("{signer:?}"), &v);
        let verifier = verifier(case, "verify_keys", "verify_options", &v["defaults"]).unwrap();
        let verified = verifier.verify_at(&token, case["now_ms"].as_u64().unwrap() + 1000).unwrap();
        assert_ok(name, &verified, &case["verified"]);
        seen.insert((signer.algorithm().as_str(), signer.options().profile.as_str()));
        // The private JWK signs the same token (Ed25519 is deterministic).
        if let Some(jwk) = case["key"].get("private_jwk") {
            let from_jwk = TokenSigner::ed25519_from_text(s(jwk), signer.options().clone()).unwrap();
            let again = from_jwk
                .sign_at(&subject(&case["subject"]), case["now_ms"].as_u64().unwrap(), s(&case["jti"]))
                .unwrap();
            assert_eq!(again, token, "{name} (private JWK)");
        }
    }
    assert_eq!(seen.len(), 8, "every profile under both algorithms: {seen:?}");
}

#[test]
fn sign_errors() {
    let v = load();
    for case in items(&v, "sign_errors") {
        let name = s(&case["name"]);
        let err = signer(case)
            .and_then(|signer| {
                signer.sign_at(&subject(&case["subject"]), case["now_ms"].as_u64().unwrap(), s(&case["jti"]))
            })
            .expect_err(name);
        assert_error(name, &err, case);
        assert_no_key_material(name, &format!("{err} {err:?}"), &v);
    }
}

#[test]
fn verification_accepts_and_rejects_as_the_vectors_say() {
    let v = load();
    let mut errors_seen = BTreeSet::new();
    for case in items(&v, "verify") {
        let name = s(&case["name"]);
        let verifier = verifier(case, "keys", "options", &v["defaults"]).unwrap_or_else(|e| panic!("{name}: {e}"));
        for (i, check) in items(case, "checks").iter().enumerate() {
            let name = format!("{name} [check {i}]");
            let result = verifier.verify_at(s(&check["token"]), check["now_ms"].as_u64().unwrap());
            match (&result, check["expect"].get("ok")) {
                (Ok(token), Some(_)) => assert_ok(&name, token, &check["expect"]),
                (Err(err), None) => {
                    assert_error(&name, err, &check["expect"]);
                    assert_no_key_material(&name, &format!("{err} {err:?}"), &v);
                    errors_seen.insert(err.variant_name());
                }
                (Ok(token), None) => panic!("{name}: accepted {token:?}, expected {}", check["expect"]),
                (Err(err), Some(_)) => panic!("{name}: refused with {err:?}"),
            }
        }
    }
    for variant in [
        "Malformed",
        "Mismatch",
        "Expired",
        "FromFuture",
        "Replayed",
        "TooLarge",
        "UnknownKey",
        "AlgorithmRefused",
        "MissingClaim",
        "WrongAudience",
        "LifetimeTooLong",
    ] {
        assert!(errors_seen.contains(variant), "no vector shows {variant}");
    }
}

#[test]
fn configuration_errors() {
    let v = load();
    for case in items(&v, "config_errors") {
        let name = s(&case["name"]);
        let err = verifier(case, "keys", "options", &v["defaults"]).expect_err(name);
        assert_error(name, &err, case);
        assert_no_key_material(name, &format!("{err} {err:?}"), &v);
    }
}

#[test]
fn diagnose_names_the_cause() {
    let v = load();
    for case in items(&v, "diagnose") {
        let name = s(&case["name"]);
        let verifier = verifier(case, "keys", "options", &v["defaults"]).unwrap();
        let diagnosis = verifier.diagnose_at(s(&case["token"]), case["now_ms"].as_u64().unwrap());
        let want = &case["expect"];
        assert_eq!(diagnosis.name(), s(&want["result"]), "{name}: {diagnosis}");
        let causes: Vec<(&str, Option<u64>)> =
            diagnosis.causes().iter().map(|c| (c.name(), c.key_index().map(|i| i as u64))).collect();
        let wanted: Vec<(&str, Option<u64>)> =
            items(want, "causes").iter().map(|c| (s(&c["cause"]), c["key_index"].as_u64())).collect();
        assert_eq!(causes, wanted, "{name}: {diagnosis}");
        assert_no_key_material(name, &format!("{diagnosis} {diagnosis:?}"), &v);
        if let TokenDiagnosis::Unexplained { error } = &diagnosis {
            assert_eq!(error, &Error::Mismatch, "{name}");
        }
    }
}

#[test]
fn tokens_made_by_other_libraries_verify() {
    let v = load();
    let mut libraries = BTreeSet::new();
    for case in items(&v, "library") {
        let name = s(&case["name"]);
        let tokens = case["tokens"].as_object().unwrap();
        for (library, token) in tokens {
            // A verifier of its own: the libraries' tokens share a jti.
            let verifier = verifier(case, "keys", "options", &v["defaults"]).unwrap();
            let name = format!("{name} ({library})");
            let verified = verifier.verify_at(s(token), case["now_ms"].as_u64().unwrap()).unwrap_or_else(|e| {
                panic!("{name}: {e}");
            });
            assert_ok(&name, &verified, &case["expect"]);
            libraries.insert(library.clone());
        }
    }
    let want: BTreeSet<String> = ["golang-jwt", "jose", "pyjwt"].map(String::from).into();
    assert_eq!(libraries, want, "every library's tokens are pinned in jwt.json");
}
