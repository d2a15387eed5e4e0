//! Property tests: the URL encoder and parser round-trip anything the field
//! rules allow, and the rules reject what they must.

use proptest::prelude::*;
use userhash::{check_email, check_nonce, check_org_id, check_timestamp, widget_url, Error, IdentitySigner, Verifier};

const SECRET: &str = "whsec_9f2c4e7a1b3d5f60a8c2e4b6d8f0a1c3";
const T: u64 = 1_712_345_678_901;

/// Emails the rules allow: any printable text without `|`, trimmed.
fn email() -> impl Strategy<Value = String> {
    "[^|\\p{Cc}]{1,80}".prop_filter_map("trimmed and non-empty", |s| {
        let t = s.trim();
        (!t.is_empty() && t == s).then(|| s.clone())
    })
}

fn org_id() -> impl Strategy<Value = String> {
    "[^|\\s\\p{Cc}]{1,40}"
}

fn nonce() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._~-]{8,128}"
}

/// Names and values with everything the encoder must escape.
fn text() -> impl Strategy<Value = String> {
    "[^\\p{Cc}]{1,60}"
}

fn param_key() -> impl Strategy<Value = String> {
    "[^\\p{Cc}]{1,20}".prop_filter("not a reserved name nor the base URL's `v`", |k| {
        !userhash::RESERVED_PARAMS.contains(&k.as_str()) && k != "v"
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn widget_url_round_trips_through_the_verifier(
        email in email(),
        org in org_id(),
        nonce in nonce(),
        name in proptest::option::of(text()),
        params in proptest::collection::btree_map(param_key(), "[^\\p{Cc}]{0,40}", 0..5),
        ts in 0u64..10_000_000_000_000_000,
    ) {
        let signer = IdentitySigner::new(SECRET, &org).unwrap();
        let id = signer.sign_at(&email, ts, &nonce).unwrap();
        let url = widget_url("https://widget.example.com/?v=1#chat", &id, name.as_deref(), &params).unwrap();
        let verifier = Verifier::new([SECRET], &org).unwrap();
        let got = verifier.verify_url_at(&url, ts).unwrap();
        prop_assert_eq!(&got.email, &email);
        prop_assert_eq!(&got.org_id, &org);
        prop_assert_eq!(got.timestamp_ms, ts);
        prop_assert_eq!(&got.nonce, &nonce);
        prop_assert_eq!(&got.name, &name);
        let mut want = params.clone();
        want.insert("v".into(), "1".into());
        prop_assert_eq!(&got.params, &want);
        // The URL's query is plain ASCII: everything else was escaped.
        prop_assert!(url.is_ascii());
        prop_assert!(!url.contains(' '));
    }

    #[test]
    fn whatever_widget_url_returns_the_verifier_accepts(
        base_query in "[a-z=&%+0-9A-F]{0,16}",
        keys in proptest::collection::vec("[a-z]{1,2}|email|name", 0..4),
        name in proptest::option::of("[a-z ]{0,3}"),
    ) {
        let signer = IdentitySigner::new(SECRET, "org_123").unwrap();
        let id = signer.sign_at("jane@example.com", T, "nonce-0000000001").unwrap();
        let params: Vec<(String, String)> = keys.into_iter().map(|k| (k, "x".to_owned())).collect();
        let base = format!("https://w.example/?{base_query}");
        match widget_url(&base, &id, name.as_deref(), params) {
            Ok(url) => {
                let verifier = Verifier::new([SECRET], "org_123").unwrap();
                prop_assert!(verifier.verify_url_at(&url, T).is_ok(), "{url}");
            }
            Err(e) => prop_assert_eq!(e.variant_name(), "Malformed"),
        }
    }

    #[test]
    fn any_change_to_a_signed_field_is_a_mismatch(email in email(), other in email(), nonce in nonce()) {
        prop_assume!(email != other);
        let signer = IdentitySigner::new(SECRET, "org_123").unwrap();
        let id = signer.sign_at(&email, T, &nonce).unwrap();
        let mut forged = id.clone();
        forged.email = other;
        let url = widget_url("https://w.example/", &forged, None, Vec::<(String, String)>::new()).unwrap();
        let verifier = Verifier::new([SECRET], "org_123").unwrap();
        prop_assert_eq!(verifier.verify_url_at(&url, T).unwrap_err(), Error::Mismatch);
    }

    #[test]
    fn a_pipe_anywhere_is_rejected(prefix in "[a-z]{0,10}", suffix in "[a-z]{0,10}") {
        let s = format!("{prefix}|{suffix}");
        prop_assert!(check_email(&s).is_err());
        prop_assert!(check_org_id(&s).is_err());
        let nonce = format!("{s}abcdefgh");
        prop_assert!(check_nonce(&nonce).is_err());
    }

    #[test]
    fn timestamp_rule_is_exactly_1_to_16_ascii_digits(s in "\\PC{0,20}") {
        let rule = !s.is_empty() && s.len() <= 16 && s.bytes().all(|b| b.is_ascii_digit());
        prop_assert_eq!(check_timestamp(&s).is_ok(), rule);
        if rule {
            prop_assert_eq!(check_timestamp(&s).unwrap(), s.parse::<u64>().unwrap());
        }
    }

    #[test]
    fn nonce_rule_is_exactly_the_allowed_alphabet_and_length(s in "\\PC{0,140}") {
        let rule = (8..=128).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b));
        prop_assert_eq!(check_nonce(&s).is_ok(), rule);
    }

    #[test]
    fn email_rule(s in "\\PC{0,30}|[ \\t\\n|a-z@]{0,12}") {
        let rule = !s.is_empty() && s.len() <= 320 && !s.contains('|')
            && !s.bytes().any(|b| b.is_ascii_control())
            && s.trim() == s;
        prop_assert_eq!(check_email(&s).is_ok(), rule);
    }

    #[test]
    fn verifier_never_panics_on_arbitrary_input(s in "\\PC{0,200}", now in any::<u64>()) {
        let verifier = Verifier::new([SECRET], "org_123").unwrap();
        prop_assert!(verifier.verify_url_at(&s, now).is_err());
    }
}
