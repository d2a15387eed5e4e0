//! Property tests: the URL encoder and parser round-trip anything the field
//! rules allow, and the rules reject what they must.

use proptest::prelude::*;
use userhash::{
    check_email, check_nonce, check_org_id, check_timestamp, cross_scheme, sign_identifier, verify_identifier,
    widget_url, Error, IdentifierSigner, IdentitySigner, Verifier,
};

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

    #[test]
    fn any_identity_widget_url_builds_verifies_exactly_once(
        email in email(),
        org in org_id(),
        nonce in nonce(),
        name in proptest::option::of(text()),
        params in proptest::collection::btree_map(param_key(), "[^\\p{Cc}]{0,40}", 0..5),
        offset in 0u64..300_000,
    ) {
        let id = IdentitySigner::new(SECRET, &org).unwrap().sign_at(&email, T, &nonce).unwrap();
        let url = widget_url("https://widget.example.com/", &id, name.as_deref(), &params).unwrap();
        let verifier = Verifier::new([SECRET], &org).unwrap();
        prop_assert!(verifier.verify_url_at(&url, T + offset).is_ok());
        for later in [T + offset, T + offset + 1, T] {
            prop_assert_eq!(verifier.verify_url_at(&url, later).unwrap_err(), Error::Replayed);
        }
    }

    /// Every byte of the signed message, changed to any other byte the field
    /// rules allow, is refused; and never accepted whatever else it breaks.
    #[test]
    fn any_change_to_a_signed_byte_is_refused(
        email in email(),
        nonce in nonce(),
        field in 0usize..4,
        position in any::<prop::sample::Index>(),
        replacement in any::<char>(),
    ) {
        let id = IdentitySigner::new(SECRET, "org_123").unwrap().sign_at(&email, T, &nonce).unwrap();
        let mut forged = id.clone();
        let timestamp = id.timestamp();
        let target: &str = [&id.email, &timestamp, &id.org_id, &id.nonce][field];
        let chars: Vec<char> = target.chars().collect();
        let i = position.index(chars.len());
        prop_assume!(chars[i] != replacement);
        let mut changed = chars.clone();
        changed[i] = replacement;
        let changed: String = changed.into_iter().collect();
        match field {
            0 => forged.email = changed,
            1 => match changed.parse() {
                Ok(ts) if changed == format!("{ts}") => forged.timestamp_ms = ts,
                _ => return Ok(()), // not a timestamp widget_url can write; see the next property
            },
            2 => forged.org_id = changed,
            _ => forged.nonce = changed,
        }
        let verifier = Verifier::new([SECRET], "org_123").unwrap().with_tolerance_ms(u64::MAX);
        if let Ok(url) = widget_url("https://w.example/", &forged, None, Vec::<(String, String)>::new()) {
            prop_assert!(verifier.verify_url_at(&url, T).is_err(), "accepted {url}");
        }
    }

    /// The same, on the received URL's bytes: any byte of a signed parameter's
    /// value replaced by another is never accepted.
    #[test]
    fn any_change_to_a_signed_url_byte_is_refused(
        email in email(),
        position in any::<prop::sample::Index>(),
        replacement in 0x21u8..0x7f,
    ) {
        let id = IdentitySigner::new(SECRET, "org_123").unwrap().sign_at(&email, T, "nonce-0000000001").unwrap();
        let url = widget_url("https://w.example/", &id, None, Vec::<(String, String)>::new()).unwrap();
        let query_start = url.find('?').unwrap() + 1;
        // The bytes of the values of orgId, email, timestamp, nonce and user_hash.
        let mut signed = Vec::new();
        let mut at = query_start;
        for pair in url[query_start..].split('&') {
            let eq = pair.find('=').unwrap();
            signed.extend(at + eq + 1..at + pair.len());
            at += pair.len() + 1;
        }
        let i = signed[position.index(signed.len())];
        prop_assume!(url.as_bytes()[i] != replacement);
        let mut bytes = url.clone().into_bytes();
        bytes[i] = replacement;
        let forged = String::from_utf8(bytes).unwrap();
        let verifier = Verifier::new([SECRET], "org_123").unwrap().with_tolerance_ms(u64::MAX);
        // A change that decodes to the same text (`%40` for `@` in another
        // case, say) is the same URL; anything else must be refused.
        if let Ok(got) = verifier.verify_url_at(&forged, T) {
            prop_assert_eq!(
                (&got.email, &got.org_id, got.timestamp_ms, &got.nonce),
                (&id.email, &id.org_id, id.timestamp_ms, &id.nonce),
                "accepted a changed identity: {}", forged
            );
        }
    }

    /// SPEC §1.4: no identifier hash that userhash signs verifies as a signed
    /// identity under the same secret, whatever the identifier.
    #[test]
    fn no_identifier_hash_userhash_signs_verifies_as_an_identity(
        email in email(),
        org in org_id(),
        nonce in nonce(),
        ts in 0u64..10_000_000_000_000_000,
        raw in "\\PC{1,200}",
        use_raw in any::<bool>(),
    ) {
        let identifier = if use_raw { raw } else { format!("{email}|{ts}|{org}|{nonce}") };
        let verifier = Verifier::new([SECRET], &org).unwrap().with_tolerance_ms(u64::MAX);
        for signed in [
            sign_identifier(SECRET, &identifier),
            IdentifierSigner::new(SECRET).unwrap().sign(&identifier),
        ] {
            let Ok(hash) = signed else {
                prop_assert!(cross_scheme::is_identity_message(&identifier) || identifier.len() > 4096);
                continue;
            };
            // Read the identifier as the verifier would read a signed identity.
            let parts: Vec<&str> = identifier.split('|').collect();
            if let [e, t, o, n] = parts[..] {
                let mut query = form_urlencoded::Serializer::new(String::new());
                query.append_pair("orgId", o).append_pair("email", e).append_pair("timestamp", t);
                query.append_pair("nonce", n).append_pair("user_hash", &hash);
                let url = query.finish();
                let now = t.parse().unwrap_or(T);
                prop_assert!(verifier.verify_url_at(&url, now).is_err(), "an identifier hash verified: {}", url);
            }
        }
        // And a signed identity's user_hash is never a valid identifier hash.
        if let Ok(id) = IdentitySigner::new(SECRET, &org).unwrap().sign_at(&email, ts, &nonce) {
            let message = format!("{}|{}|{}|{}", id.email, id.timestamp(), id.org_id, id.nonce);
            prop_assert!(!verify_identifier(SECRET, &message, &id.user_hash).unwrap());
        }
    }
}
