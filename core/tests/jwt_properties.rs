//! Property tests for JWT identity tokens (SPEC §8): any token userhash
//! signs verifies exactly once under single use with the claims it was
//! given; any changed byte is refused; any HS256 signing input is refused as
//! an identifier; and no input makes the verifier panic.

// Test code: a panic is the failure report (clippy.toml allows unwrap in #[test] functions only).
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use proptest::prelude::*;
use userhash::jwt::{
    Ed25519PrivateKey, Profile, SignerOptions, TokenKey, TokenSigner, TokenSubject, TokenVerifier, VerifierOptions,
};
use userhash::{cross_scheme, sign_identifier, Error, MemoryNonceStore};

const SECRET: &str = "tok_5c0e7b2a9d4f6183e2a7c9b1d3f5e7a9";

fn profile() -> impl Strategy<Value = Profile> {
    prop::sample::select(Profile::ALL.to_vec())
}

/// User ids, emails, names: any text without control characters.
fn text() -> impl Strategy<Value = String> {
    "[^\\p{Cc}]{1,40}"
}

fn email() -> impl Strategy<Value = String> {
    text().prop_filter("trimmed", |s| s.trim() == s)
}

fn jti() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._~-]{8,64}"
}

/// Extra claims with names no profile or RFC 7519 uses.
fn extra() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop::collection::btree_map("x_[a-z]{1,8}", text(), 0..4))
        .prop_map(|m| m.map(|m| serde_json::to_string(&m).unwrap()))
}

#[derive(Debug, Clone)]
struct Case {
    profile: Profile,
    eddsa: bool,
    kid: Option<String>,
    subject: TokenSubject,
    lifetime_s: u64,
    jti: String,
    now_ms: u64,
}

fn case() -> impl Strategy<Value = Case> {
    (
        profile(),
        any::<bool>(),
        prop::option::of("[a-z0-9_-]{1,20}"),
        text(),
        prop::option::of(email()),
        prop::option::of(text()),
        prop::option::of(any::<bool>()),
        extra(),
        1u64..=3600,
        jti(),
        1_000_000_000_000u64..2_000_000_000_000,
    )
        .prop_map(|(profile, eddsa, kid, user_id, email, name, verified, extra, lifetime_s, jti, now_ms)| {
            let subject = TokenSubject {
                user_id,
                email: email.filter(|_| profile.has_email()),
                name: name.filter(|_| profile.has_name()),
                email_verified: verified.filter(|_| profile.has_name()),
                extra_claims_json: extra,
            };
            Case { profile, eddsa, kid, subject, lifetime_s, jti, now_ms }
        })
}

fn key() -> Ed25519PrivateKey {
    Ed25519PrivateKey::from_seed(&[42; 32]).unwrap()
}

fn org(profile: Profile) -> Option<String> {
    (profile == Profile::Userhash).then(|| "org_123".to_owned())
}

fn sign(c: &Case) -> String {
    let options = SignerOptions {
        kid: c.kid.clone(),
        org: org(c.profile),
        lifetime_s: c.lifetime_s,
        ..SignerOptions::new(c.profile)
    };
    let signer = if c.eddsa { TokenSigner::ed25519(&key(), options) } else { TokenSigner::hs256(SECRET, options) };
    signer.unwrap().sign_at(&c.subject, c.now_ms, &c.jti).unwrap()
}

fn verifier(c: &Case) -> TokenVerifier {
    let key = if c.eddsa {
        TokenKey::ed25519(&key().public_key(), c.kid.as_deref())
    } else {
        TokenKey::hs256(SECRET, c.kid.as_deref())
    };
    let options = VerifierOptions { org: org(c.profile), single_use: true, ..VerifierOptions::new(c.profile) };
    TokenVerifier::new([key.unwrap()], options).unwrap().with_nonce_store(Arc::new(MemoryNonceStore::new(10)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_signed_token_verifies_exactly_once_with_its_claims(c in case(), later_ms in 0u64..30_000) {
        let token = sign(&c);
        let verifier = verifier(&c);
        let now = c.now_ms + later_ms;
        let user = verifier.verify_at(&token, now).unwrap();
        prop_assert_eq!(&user.user_id, &c.subject.user_id);
        prop_assert_eq!(&user.email, &c.subject.email);
        prop_assert_eq!(&user.name, &c.subject.name);
        prop_assert_eq!(user.email_verified, c.subject.email_verified);
        prop_assert_eq!(&user.kid, &c.kid);
        prop_assert_eq!(user.issued_at, Some(c.now_ms / 1000));
        prop_assert_eq!(user.expires_at, c.now_ms / 1000 + c.lifetime_s);
        prop_assert_eq!(user.jti.as_deref(), Some(c.jti.as_str()));
        let claims: serde_json::Value = serde_json::from_str(&user.claims_json).unwrap();
        if let Some(extra) = &c.subject.extra_claims_json {
            let extra: serde_json::Map<String, serde_json::Value> = serde_json::from_str(extra).unwrap();
            for (name, value) in extra {
                prop_assert_eq!(&claims[&name], &value);
            }
        }
        prop_assert_eq!(verifier.verify_at(&token, now), Err(Error::Replayed));
    }

    #[test]
    fn any_changed_byte_is_refused(c in case(), position in any::<prop::sample::Index>(), byte in 0x20u8..0x7f) {
        let token = sign(&c);
        let i = position.index(token.len());
        prop_assume!(token.as_bytes()[i] != byte);
        let mut changed = token.into_bytes();
        changed[i] = byte;
        let changed = String::from_utf8(changed).unwrap();
        prop_assert!(verifier(&c).verify_at(&changed, c.now_ms).is_err(), "accepted {}", changed);
    }

    #[test]
    fn any_hs256_signing_input_is_refused_as_an_identifier(c in case()) {
        let token = sign(&Case { eddsa: false, ..c });
        let (input, _) = token.rsplit_once('.').unwrap();
        prop_assert!(cross_scheme::is_jws_signing_input(input));
        let refused = matches!(sign_identifier(SECRET, input), Err(Error::Malformed { .. }));
        prop_assert!(refused);
        prop_assert!(!userhash::verify_identifier(SECRET, input, &"0".repeat(64)).unwrap());
    }

    #[test]
    fn no_input_makes_the_verifier_panic(
        input in prop_oneof!["[A-Za-z0-9_.=+/ {}\"-]{0,300}", "(Bearer|bearer)?.{0,40}", ".{0,300}"],
        c in case(),
    ) {
        let _ = verifier(&c).verify_at(&input, c.now_ms);
        let _ = verifier(&c).diagnose_at(&input, c.now_ms);
    }
}
