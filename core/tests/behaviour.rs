//! Behaviour the vectors cannot show: randomness, clocks, concurrency, secrecy.

// Test code: a panic is the failure report (clippy.toml allows unwrap in #[test] functions only).
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

#[path = "support/race.rs"]
mod race;
use race::race;

use userhash::{
    now_ms, widget_url, Error, IdentifierSigner, IdentitySigner, MemoryNonceStore, NonceStore, Secret, Verifier,
};

const SECRET: &str = "whsec_9f2c4e7a1b3d5f60a8c2e4b6d8f0a1c3";

#[test]
fn sign_uses_a_fresh_lowercase_uuid_v4_and_the_clock_in_milliseconds() {
    let signer = IdentitySigner::new(SECRET, "org_123").unwrap();
    let before = now_ms();
    let a = signer.sign("jane@example.com").unwrap();
    let b = signer.sign("jane@example.com").unwrap();
    let after = now_ms();
    assert_ne!(a.nonce, b.nonce);
    assert_ne!(a.user_hash, b.user_hash);
    for id in [&a, &b] {
        let n = id.nonce.as_bytes();
        assert_eq!(n.len(), 36);
        assert_eq!(n[14], b'4', "version 4: {}", id.nonce);
        assert!(b"89ab".contains(&n[19]), "RFC 4122 variant: {}", id.nonce);
        assert!(id.nonce.bytes().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c) || c == b'-'));
        assert!((before..=after).contains(&id.timestamp_ms), "milliseconds, not seconds");
    }
    // And the verifier, on the real clock, accepts it.
    let url = widget_url("https://w.example/", &a, None, Vec::<(&str, &str)>::new()).unwrap();
    let verifier = Verifier::new([SECRET], "org_123").unwrap();
    assert_eq!(verifier.verify_url(&url).unwrap().email, "jane@example.com");
    assert_eq!(verifier.verify_url(&url).unwrap_err(), Error::Replayed);
}

fn url_with_nonce(nonce: &str, t: u64) -> String {
    let signer = IdentitySigner::new(SECRET, "org_123").unwrap();
    let id = signer.sign_at("jane@example.com", t, nonce).unwrap();
    widget_url("https://w.example/", &id, None, Vec::<(&str, &str)>::new()).unwrap()
}

#[test]
fn sixteen_threads_racing_one_nonce_exactly_one_wins() {
    const T: u64 = 1_712_345_678_901;
    for round in 0..20 {
        let url = url_with_nonce(&format!("race-nonce-{round:04}"), T);
        let verifier = Verifier::new([SECRET], "org_123").unwrap();
        let results = race(16, || verifier.verify_url_at(&url, T));
        let accepted = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(accepted, 1, "round {round}");
        assert!(results.iter().filter_map(|r| r.as_ref().err()).all(|e| *e == Error::Replayed));
    }
}

#[test]
fn a_store_shared_by_two_verifiers_refuses_the_second_use() {
    const T: u64 = 1_712_345_678_901;
    let store = Arc::new(MemoryNonceStore::new(10));
    let a = Verifier::new([SECRET], "org_123").unwrap().with_nonce_store(store.clone());
    let b = Verifier::new([SECRET], "org_123").unwrap().with_nonce_store(store.clone());
    let url = url_with_nonce("shared-nonce-0001", T);
    assert!(a.verify_url_at(&url, T).is_ok());
    assert_eq!(b.verify_url_at(&url, T + 5).unwrap_err(), Error::Replayed);
    assert_eq!(store.len(), 1);
}

#[test]
fn memory_store_keeps_live_nonces_and_drops_expired_ones() {
    let store = MemoryNonceStore::new(2);
    assert!(store.check_and_insert("org", "nonce-aaaa", 100, 0).unwrap());
    assert!(store.check_and_insert("org", "nonce-bbbb", 200, 0).unwrap());
    // Full of live entries: refuse, and forget nothing.
    assert_eq!(store.check_and_insert("org", "nonce-cccc", 300, 100).unwrap_err(), Error::StoreFull { capacity: 2 });
    assert!(!store.check_and_insert("org", "nonce-aaaa", 100, 100).unwrap(), "live at its expiry instant");
    // Past the first's expiry there is room again, and it can be reused.
    assert!(store.check_and_insert("org", "nonce-cccc", 300, 101).unwrap());
    assert!(store.check_and_insert("org", "nonce-aaaa", 400, 250).unwrap());
    assert_eq!(store.len(), 2);
    // Same nonce, another org: another entry.
    let store = MemoryNonceStore::new(4);
    assert!(store.check_and_insert("org_a", "nonce-aaaa", 100, 0).unwrap());
    assert!(store.check_and_insert("org_b", "nonce-aaaa", 100, 0).unwrap());
}

#[test]
fn secrets_never_show_in_debug_or_errors() {
    let secret = "super-secret-value-do-not-print-0001";
    let s = Secret::from(secret);
    let shown = format!("{s:?}");
    assert!(!shown.contains(secret) && shown.contains("redacted"), "{shown}");
    let signer = IdentitySigner::new(secret, "org_123").unwrap();
    let verifier = Verifier::new([secret, "another-secret-value-0002"], "org_123").unwrap();
    let id_signer = IdentifierSigner::new(secret).unwrap();
    for shown in [format!("{signer:?}"), format!("{verifier:?}"), format!("{id_signer:?}")] {
        assert!(!shown.contains("super-secret") && !shown.contains("another-secret"), "{shown}");
    }
    let short = "short-secret";
    let err = IdentitySigner::new(short, "org_123").unwrap_err();
    assert_eq!(err, Error::WeakSecret { len: 12 });
    assert!(!err.to_string().contains(short), "{err}");
    assert!(!format!("{err:?}").contains(short));
}

#[test]
fn error_messages_say_what_to_do() {
    let verifier = Verifier::new([SECRET], "org_123").unwrap();
    let url = url_with_nonce("seconds-nonce-001", 1_712_345_678);
    let err = verifier.verify_url_at(&url, 1_712_345_678_901).unwrap_err();
    assert_eq!(err.variant_name(), "Expired");
    assert!(err.to_string().contains("seconds"), "{err}");
    let fresh = url_with_nonce("millis-nonce-0001", 1_712_345_678_901);
    let err = verifier.verify_url_at(&fresh, 1_712_345_678_901 + 400_000).unwrap_err();
    assert!(!err.to_string().contains("seconds since"), "no hint for a real millisecond timestamp: {err}");
    let err = userhash::org_id_of("email=a%40b.c").unwrap_err();
    assert!(err.to_string().contains("orgId"), "{err}");
}

#[test]
fn widget_url_checks_a_hand_built_identity() {
    let signer = IdentitySigner::new(SECRET, "org_123").unwrap();
    let good = signer.sign_at("jane@example.com", 1_712_345_678_901, "nonce-0000000001").unwrap();
    let none = Vec::<(&str, &str)>::new;
    let mut bad = good.clone();
    bad.email = "jane@example.com|1".into();
    assert_eq!(widget_url("https://w.example/", &bad, None, none()).unwrap_err().field().unwrap().as_str(), "email");
    let mut bad = good.clone();
    bad.user_hash.truncate(32);
    assert_eq!(
        widget_url("https://w.example/", &bad, None, none()).unwrap_err().field().unwrap().as_str(),
        "user_hash"
    );
    let mut bad = good.clone();
    bad.nonce = "short".into();
    assert_eq!(widget_url("https://w.example/", &bad, None, none()).unwrap_err().field().unwrap().as_str(), "nonce");
    assert!(widget_url("https://w.example/", &good, None, none()).is_ok());
}

#[test]
fn a_parameter_name_from_the_url_is_escaped_in_messages() {
    // A name with a newline must not start a new line in someone's log.
    let url = url_with_nonce("escape-nonce-0001", 1_712_345_678_901) + "&evil%0Alog=%FF";
    let verifier = Verifier::new([SECRET], "org_123").unwrap();
    let err = verifier.verify_url_at(&url, 1_712_345_678_901).unwrap_err();
    assert_eq!(err.variant_name(), "Malformed");
    let message = err.to_string();
    assert!(!message.contains('\n') && message.contains(r#""evil\nlog""#), "{message}");
}
