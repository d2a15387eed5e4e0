//! Sign an identity, build its widget URL, verify it.
//!
//! Input (the layout of `userhash_fuzz`, in this order): `secret` and
//! `old_secret` (bytes), `sign_with_old` (byte, odd: sign with the previous
//! secret), `org_id`, `email` (text), `timestamp_ms` (u64), `nonce`,
//! `base_url` (text), `name` (maybe text), the params' count (byte, modulo
//! 8) and each `key`, `value` (text), `clock_offset` (u64, folded into
//! -tolerance..=tolerance), `mutate_field` (byte: 0 to 4 a signed field's
//! value, `orgId`, `email`, `timestamp`, `nonce`, `user_hash`; else any
//! byte of the URL), `mutate_at` (u16), `mutate_to` (byte, taken as ASCII).
//!
//! Invariants: signing fails exactly when a field breaks its rule; a URL
//! that `widget_url` makes is accepted once, within the tolerance either
//! way, under the secret that signed it, and the identity, name and params
//! come back as given; the second time it is `Replayed`; with one byte of
//! the URL changed it is never accepted as anything else: a changed signed
//! value is rejected, unless the change only swaps the case of a hex digit
//! (`%2b` for `%2B`, or in `user_hash`), which decodes to the same value.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use userhash::mac;
use userhash::{
    check_email, check_nonce, check_org_id, check_timestamp_ms, identity_message, org_id_of, widget_url, Error,
    IdentitySigner, VerifiedIdentity, Verifier, DEFAULT_TOLERANCE_MS, MIN_SECRET_LEN,
};
use userhash_fuzz::{byte, bytes, maybe_text, text, u16_le, u64_le};

#[derive(Debug)]
struct Input {
    secret: Vec<u8>,
    old_secret: Vec<u8>,
    sign_with_old: bool,
    org_id: String,
    email: String,
    timestamp_ms: u64,
    nonce: String,
    base_url: String,
    name: Option<String>,
    params: Vec<(String, String)>,
    clock_offset: i64,
    mutate_field: u8,
    mutate_at: u16,
    mutate_to: u8,
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Input {
            secret: bytes(u).to_vec(),
            old_secret: bytes(u).to_vec(),
            sign_with_old: byte(u) % 2 == 1,
            org_id: text(u),
            email: text(u),
            timestamp_ms: u64_le(u),
            nonce: text(u),
            base_url: text(u),
            name: maybe_text(u),
            params: (0..byte(u) % 8).map(|_| (text(u), text(u))).collect(),
            clock_offset: {
                let span = 2 * DEFAULT_TOLERANCE_MS + 1;
                (u64_le(u) % span) as i64 - DEFAULT_TOLERANCE_MS as i64
            },
            mutate_field: byte(u),
            mutate_at: u16_le(u),
            mutate_to: byte(u),
        })
    }
}

/// The signed URL parameters, in the order `mutate_field` counts them.
const SIGNED: [&str; 5] = ["orgId", "email", "timestamp", "nonce", "user_hash"];

fuzz_target!(|input: Input| check(input));

fn check(input: Input) {
    let signing = if input.sign_with_old { &input.old_secret } else { &input.secret };
    let signer = match IdentitySigner::new(signing.as_slice(), &input.org_id) {
        Ok(signer) => signer,
        Err(e) => {
            assert!(signing.len() < MIN_SECRET_LEN || check_org_id(&input.org_id).is_err(), "refused: {e:?}");
            return;
        }
    };
    let identity = match signer.sign_at(&input.email, input.timestamp_ms, &input.nonce) {
        Ok(identity) => identity,
        Err(e) => {
            assert!(
                check_email(&input.email).is_err()
                    || check_timestamp_ms(input.timestamp_ms).is_err()
                    || check_nonce(&input.nonce).is_err(),
                "sign_at refused valid fields: {e:?}"
            );
            return;
        }
    };
    assert_eq!(
        (identity.email.as_str(), identity.timestamp_ms, identity.org_id.as_str(), identity.nonce.as_str()),
        (input.email.as_str(), input.timestamp_ms, input.org_id.as_str(), input.nonce.as_str())
    );
    let message = identity_message(&identity.email, &identity.timestamp(), &identity.org_id, &identity.nonce);
    assert_eq!(identity.user_hash, mac::to_hex(&mac::hmac_sha256(signing, message.as_bytes())));

    let params = input.params.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let url = match widget_url(&input.base_url, &identity, input.name.as_deref(), params) {
        Ok(url) => url,
        Err(e) => {
            assert!(matches!(e, Error::Malformed { .. } | Error::TooLarge { .. }), "widget_url: {e:?}");
            return;
        }
    };

    // The verifier takes the current secret, then the previous one, leaving
    // out one too weak to configure (only the signing one must be strong).
    let secrets: Vec<&[u8]> = [&input.secret, &input.old_secret]
        .into_iter()
        .map(Vec::as_slice)
        .filter(|s| s.len() >= MIN_SECRET_LEN)
        .collect();
    let expected_key = secrets.iter().position(|s| *s == signing.as_slice()).expect("the signing secret is strong");
    let verifier = || Verifier::new(secrets.iter().copied(), &input.org_id).expect("a valid configuration");
    let now = input.timestamp_ms.saturating_add_signed(input.clock_offset);

    let first = verifier();
    let verified = first
        .verify_url_at(&url, now)
        .unwrap_or_else(|e| panic!("widget_url made a URL its verifier rejects at {now}: {e:?}\n{url}"));
    assert_same_identity(&verified, &identity.email, &identity.org_id, identity.timestamp_ms, &identity.nonce);
    assert_eq!(verified.key_index, expected_key);
    assert_eq!(verified.name, input.name);
    for (key, value) in &input.params {
        assert_eq!(verified.params.get(key), Some(value), "param {key:?} in {url}");
    }
    match first.verify_url_at(&url, now) {
        Err(Error::Replayed) => {}
        other => panic!("the same URL verified twice gave {other:?}\n{url}"),
    }
    assert_eq!(org_id_of(&url).as_deref(), Ok(input.org_id.as_str()));

    // One byte changed, checked by a verifier that has not seen the nonce.
    let Some((mutated, field, old, new)) = mutate(&url, input.mutate_field, input.mutate_at, input.mutate_to) else {
        return;
    };
    if let Ok(v) = verifier().verify_url_at(&mutated, now) {
        assert_same_identity(&v, &identity.email, &identity.org_id, identity.timestamp_ms, &identity.nonce);
        if let Some(field) = field {
            assert!(
                old.is_ascii_hexdigit() && new.is_ascii_hexdigit() && old.eq_ignore_ascii_case(&new),
                "{field} changed from {:?} to {:?} and still accepted:\n{url}\n{mutated}",
                old as char,
                new as char
            );
        }
    }
}

fn assert_same_identity(v: &VerifiedIdentity, email: &str, org_id: &str, timestamp_ms: u64, nonce: &str) {
    assert_eq!(
        (v.email.as_str(), v.org_id.as_str(), v.timestamp_ms, v.nonce.as_str()),
        (email, org_id, timestamp_ms, nonce)
    );
}

/// `url` with one byte replaced by a different ASCII byte: inside the value
/// of signed parameter `field` (when it is 0 to 4), else anywhere. Returns
/// the new URL, the signed parameter changed (if that was asked), and the
/// old and new byte.
fn mutate(url: &str, field: u8, at: u16, to: u8) -> Option<(String, Option<&'static str>, u8, u8)> {
    let (range, name) = match SIGNED.get(usize::from(field)) {
        Some(name) => (value_range(url, name)?, Some(*name)),
        None => (0..url.len(), None),
    };
    if range.is_empty() {
        return None;
    }
    let i = range.start + usize::from(at) % range.len();
    let mut bytes = url.as_bytes().to_vec();
    let old = bytes[i];
    let mut new = to & 0x7f;
    if new == old {
        new ^= 1;
    }
    bytes[i] = new;
    // A URL's query is form-encoded ASCII; a byte elsewhere (a base URL's
    // path) may be part of a wider character and cannot be swapped alone.
    let mutated = String::from_utf8(bytes).ok()?;
    Some((mutated, name, old, new))
}

/// Where the raw value of parameter `name` lies in `url`'s query.
fn value_range(url: &str, name: &str) -> Option<std::ops::Range<usize>> {
    let end = url.find('#').unwrap_or(url.len());
    let start = url[..end].find('?').map_or(0, |q| q + 1);
    let mut pos = start;
    for pair in url[start..end].split('&') {
        if let Some(value) = pair.strip_prefix(name).and_then(|rest| rest.strip_prefix('=')) {
            let value_start = pos + pair.len() - value.len();
            return Some(value_start..value_start + value.len());
        }
        pos += pair.len() + 1;
    }
    None
}
