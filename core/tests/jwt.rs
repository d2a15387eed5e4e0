//! JWT identity tokens (SPEC §8) through the public API: the rejections
//! jwt.json cannot express as data (the algorithm fixed by the key under
//! attack, keys from every format, single use across verifiers and over a
//! real Redis), the system clock, and that no secret or private key is ever
//! shown.

// Test code: a panic is the failure report (clippy.toml allows unwrap in #[test] functions only).
#![allow(clippy::unwrap_used)]

#[path = "support/redis_server.rs"]
#[cfg(feature = "redis")]
mod redis_server;

use std::sync::Arc;

use userhash::jwt::{
    Ed25519KeyPair, Ed25519PrivateKey, Profile, SignerOptions, TokenKey, TokenSigner, TokenSubject, TokenVerifier,
    VerifierOptions, DEFAULT_MAX_TOKEN_LEN,
};
use userhash::{cross_scheme, sign_identifier, verify_identifier, Error, Field, MemoryNonceStore, NonceStore};

const SECRET: &str = "tok_5c0e7b2a9d4f6183e2a7c9b1d3f5e7a9";
const OLD_SECRET: &str = "tok_old_8e1d4c7b0a3f6e9d2c5b8a1f4e7d";
const ORG: &str = "org_123";
const NOW_MS: u64 = 1_712_345_678_901;
const JTI: &str = "7c1e9a52-3b4d-4f6e-8a9b-0c1d2e3f4a5b";

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn b64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).unwrap()
}

fn userhash_options(kid: Option<&str>) -> SignerOptions {
    SignerOptions { kid: kid.map(str::to_owned), org: Some(ORG.into()), ..SignerOptions::new(Profile::Userhash) }
}

fn verifier_options() -> VerifierOptions {
    VerifierOptions { org: Some(ORG.into()), ..VerifierOptions::new(Profile::Userhash) }
}

fn subject() -> TokenSubject {
    TokenSubject::new("user-42").with_email("a+b@example.com")
}

fn seed(n: u8) -> Ed25519PrivateKey {
    Ed25519PrivateKey::from_seed(&[n; 32]).unwrap()
}

/// A token with any header and payload JSON, HMAC-signed under `key`.
fn hs256_raw(key: &[u8], header: &str, payload: &str) -> String {
    let input = format!("{}.{}", b64(header.as_bytes()), b64(payload.as_bytes()));
    let tag = userhash::mac::hmac_sha256(key, input.as_bytes());
    format!("{input}.{}", b64(&tag))
}

fn payload() -> String {
    let iat = NOW_MS / 1000;
    format!(r#"{{"sub":"user-42","org":"{ORG}","iat":{iat},"exp":{}}}"#, iat + 300)
}

#[test]
fn the_algorithm_is_the_keys_never_the_tokens() {
    let key = seed(1);
    let public_pem = key.public_key().to_pem();
    // The classic attack: the public key, which everyone has, as an HMAC secret.
    let forged = hs256_raw(public_pem.as_bytes(), r#"{"alg":"HS256","typ":"JWT"}"#, &payload());
    let forged_raw = hs256_raw(key.public_key().as_bytes(), r#"{"alg":"HS256"}"#, &payload());
    let ed_only = TokenVerifier::new(TokenKey::parse_public(&public_pem, None).unwrap(), verifier_options()).unwrap();
    for token in [&forged, &forged_raw] {
        let err = ed_only.verify_at(token, NOW_MS).unwrap_err();
        assert!(matches!(&err, Error::AlgorithmRefused { alg, .. } if alg == "HS256"), "{err}");
        assert!(err.to_string().contains("fixed by the key"), "{err}");
    }
    // A verifier with both kinds of key still ties each to its own algorithm:
    // the forgery is tried against the HS256 secret only, and fails there.
    let both = TokenVerifier::new(
        [TokenKey::parse_public(&public_pem, Some("ed")).unwrap().remove(0), TokenKey::hs256(SECRET, None).unwrap()],
        verifier_options(),
    )
    .unwrap();
    assert_eq!(both.verify_at(&forged_raw, NOW_MS).unwrap_err(), Error::Mismatch);
    let with_kid = hs256_raw(public_pem.as_bytes(), r#"{"alg":"HS256","kid":"ed"}"#, &payload());
    assert!(matches!(both.verify_at(&with_kid, NOW_MS), Err(Error::AlgorithmRefused { .. })));
    // And the other way: an EdDSA token for an HS256 key.
    let signer = TokenSigner::ed25519(&key, userhash_options(None)).unwrap();
    let eddsa = signer.sign_at(&subject(), NOW_MS, JTI).unwrap();
    let hs_only = TokenVerifier::new([TokenKey::hs256(SECRET, None).unwrap()], verifier_options()).unwrap();
    assert!(matches!(hs_only.verify_at(&eddsa, NOW_MS), Err(Error::AlgorithmRefused { alg, .. }) if alg == "EdDSA"));
}

#[test]
fn none_is_refused_however_it_is_spelled_and_whatever_follows() {
    let verifier = TokenVerifier::new([TokenKey::hs256(SECRET, None).unwrap()], verifier_options()).unwrap();
    for alg in ["none", "None", "NONE"] {
        for signature in ["", "AAAA", "x"] {
            let token = format!(
                "{}.{}.{signature}",
                b64(format!(r#"{{"alg":"{alg}"}}"#).as_bytes()),
                b64(payload().as_bytes())
            );
            assert!(matches!(verifier.verify_at(&token, NOW_MS), Err(Error::AlgorithmRefused { .. })), "{token}");
        }
    }
}

#[test]
fn keys_arrive_in_every_format_and_a_kid_selects_one() {
    let (new, old) = (seed(1), seed(2));
    let pair = Ed25519KeyPair::of(&old, Some("2023")).unwrap();
    let jwks = format!(r#"{{"keys":[{},{}]}}"#, new.public_key().to_jwk(Some("2024")).unwrap(), pair.public_jwk);
    let from_set = TokenKey::parse_public(&jwks, None).unwrap();
    let from_pem = TokenKey::parse_public(&pair.public_pem, Some("2023")).unwrap();
    let from_jwk = TokenKey::parse_public(&pair.public_jwk, None).unwrap();
    assert_eq!(from_set.len(), 2);
    assert_eq!((from_pem[0].kid(), from_jwk[0].kid()), (Some("2023"), Some("2023")));
    let verifier = TokenVerifier::new(from_set, verifier_options()).unwrap();
    for (key, kid, index) in [(&new, "2024", 0), (&old, "2023", 1)] {
        let signer = TokenSigner::ed25519(key, userhash_options(Some(kid))).unwrap();
        let token = signer.sign_at(&subject(), NOW_MS, JTI).unwrap();
        let user = verifier.verify_at(&token, NOW_MS).unwrap();
        assert_eq!((user.kid.as_deref(), user.key_index), (Some(kid), index));
    }
    // The private key's own PEM and JWK sign the same tokens.
    for text in [pair.private_pem.as_str(), pair.private_jwk.as_str()] {
        let signer = TokenSigner::ed25519_from_text(text, userhash_options(Some("2023"))).unwrap();
        assert_eq!(verifier.verify_at(&signer.sign_at(&subject(), NOW_MS, JTI).unwrap(), NOW_MS).unwrap().key_index, 1);
    }
    // A kid no key has, and the right key under a wrong kid.
    let signer = TokenSigner::ed25519(&new, userhash_options(Some("2099"))).unwrap();
    let err = verifier.verify_at(&signer.sign_at(&subject(), NOW_MS, JTI).unwrap(), NOW_MS).unwrap_err();
    assert_eq!(err, Error::UnknownKey { kid: "2099".into() });
    assert_eq!(err.field(), Some(Field::Kid));
    let signer = TokenSigner::ed25519(&new, userhash_options(Some("2023"))).unwrap();
    assert_eq!(verifier.verify_at(&signer.sign_at(&subject(), NOW_MS, JTI).unwrap(), NOW_MS), Err(Error::Mismatch));
}

#[test]
fn rotation_without_kids_tries_each_secret_and_says_which_matched() {
    let verifier = TokenVerifier::new(
        [TokenKey::hs256(SECRET, None).unwrap(), TokenKey::hs256(OLD_SECRET, None).unwrap()],
        verifier_options(),
    )
    .unwrap();
    for (secret, index) in [(SECRET, 0), (OLD_SECRET, 1)] {
        let token =
            TokenSigner::hs256(secret, userhash_options(None)).unwrap().sign_at(&subject(), NOW_MS, JTI).unwrap();
        assert_eq!(verifier.verify_at(&token, NOW_MS).unwrap().key_index, index);
    }
    let other = TokenSigner::hs256("tok_someone_else_entirely_0000000000", userhash_options(None)).unwrap();
    assert_eq!(verifier.verify_at(&other.sign_at(&subject(), NOW_MS, JTI).unwrap(), NOW_MS), Err(Error::Mismatch));
}

#[test]
fn single_use_records_the_jti_until_exp_and_shares_stores() {
    let signer = TokenSigner::hs256(SECRET, userhash_options(None)).unwrap();
    let token = signer.sign_at(&subject(), NOW_MS, JTI).unwrap();
    let store = MemoryNonceStore::new(10);
    let options = VerifierOptions { single_use: true, ..verifier_options() };
    let a = TokenVerifier::new([TokenKey::hs256(SECRET, None).unwrap()], options.clone())
        .unwrap()
        .with_nonce_store(Arc::new(store.clone()));
    let b = TokenVerifier::new([TokenKey::hs256(SECRET, None).unwrap()], options)
        .unwrap()
        .with_nonce_store(Arc::new(store.clone()));
    assert!(a.verify_at(&token, NOW_MS).is_ok());
    assert_eq!(b.verify_at(&token, NOW_MS + 1), Err(Error::Replayed), "a shared store refuses it in every verifier");
    assert_eq!(store.len(), 1);
    // It is kept until exp plus the leeway: a later check at exp + leeway still sees it.
    let exp_ms = (NOW_MS / 1000 + 300) * 1000;
    assert_eq!(a.verify_at(&token, exp_ms + 29_999), Err(Error::Replayed));
    // A token that failed a check never reaches the store.
    let fresh = signer.sign_at(&subject(), NOW_MS, "another-jti-0001").unwrap();
    assert!(matches!(a.verify_at(&fresh, NOW_MS + 400_000), Err(Error::Expired { .. })));
    assert_eq!(store.len(), 1);
    assert!(a.verify_at(&fresh, NOW_MS).is_ok());
    // The token's jti lives in its own namespace: the signed identity's nonce of
    // the same text in the same org does not collide with it.
    assert!(store.check_and_insert(ORG, "another-jti-0001", u64::MAX, NOW_MS).unwrap());
}

#[test]
fn a_full_memory_store_refuses_rather_than_forgets() {
    let signer = TokenSigner::hs256(SECRET, userhash_options(None)).unwrap();
    let options = VerifierOptions { single_use: true, ..verifier_options() };
    let verifier = TokenVerifier::new([TokenKey::hs256(SECRET, None).unwrap()], options)
        .unwrap()
        .with_nonce_store(Arc::new(MemoryNonceStore::new(1)));
    assert!(verifier.verify_at(&signer.sign_at(&subject(), NOW_MS, "jti-number-1").unwrap(), NOW_MS).is_ok());
    let second = signer.sign_at(&subject(), NOW_MS, "jti-number-2").unwrap();
    assert_eq!(verifier.verify_at(&second, NOW_MS), Err(Error::StoreFull { capacity: 1 }));
}

#[cfg(feature = "redis")]
#[test]
fn single_use_over_a_real_redis_is_shared_by_two_verifiers() {
    let server = redis_server::RedisServer::start();
    let signer = TokenSigner::hs256(SECRET, userhash_options(None)).unwrap();
    let options = VerifierOptions { single_use: true, ..verifier_options() };
    let verifier = || {
        TokenVerifier::new([TokenKey::hs256(SECRET, None).unwrap()], options.clone())
            .unwrap()
            .with_nonce_store(Arc::new(userhash::RedisNonceStore::new(&server.url()).unwrap()))
    };
    let (a, b) = (verifier(), verifier());
    let now = userhash::now_ms();
    let token = signer.sign_at(&subject(), now, JTI).unwrap();
    assert!(a.verify_at(&token, now).is_ok());
    assert_eq!(b.verify_at(&token, now), Err(Error::Replayed));
}

#[test]
fn sign_and_verify_on_the_system_clock() {
    let signer = TokenSigner::hs256(SECRET, userhash_options(Some("k1"))).unwrap();
    let verifier = TokenVerifier::new(
        [TokenKey::hs256(SECRET, Some("k1")).unwrap()],
        VerifierOptions { single_use: true, ..verifier_options() },
    )
    .unwrap();
    let (first, second) = (signer.sign(&subject()).unwrap(), signer.sign(&subject()).unwrap());
    assert_ne!(first, second, "each token has a fresh jti");
    for token in [&first, &second] {
        let user = verifier.verify(token).unwrap();
        assert_eq!(user.expires_at - user.issued_at.unwrap(), 300, "the default lifetime is 5 minutes");
        assert_eq!(user.jti.as_ref().map(String::len), Some(36), "a UUID v4");
    }
    assert_eq!(verifier.verify(&first), Err(Error::Replayed));
}

#[test]
fn every_limit_is_the_verifiers_and_the_signer_never_writes_past_the_default() {
    let signer = TokenSigner::hs256(SECRET, userhash_options(None)).unwrap();
    let token = signer.sign_at(&subject(), NOW_MS, JTI).unwrap();
    let limited = |max_token_len| {
        TokenVerifier::new(
            [TokenKey::hs256(SECRET, None).unwrap()],
            VerifierOptions { max_token_len, ..verifier_options() },
        )
        .unwrap()
    };
    assert!(limited(token.len()).verify_at(&token, NOW_MS).is_ok());
    let err = limited(token.len() - 1).verify_at(&token, NOW_MS).unwrap_err();
    assert!(err.to_string().contains("max_token_len"), "{err}");
    // 8 KiB of junk is refused before anything is decoded.
    let junk = "A".repeat(DEFAULT_MAX_TOKEN_LEN + 1);
    assert!(matches!(limited(DEFAULT_MAX_TOKEN_LEN).verify_at(&junk, NOW_MS), Err(Error::TooLarge { .. })));
    let huge = TokenSubject {
        extra_claims_json: Some(format!(r#"{{"blob":"{}"}}"#, "x".repeat(DEFAULT_MAX_TOKEN_LEN))),
        ..subject()
    };
    assert!(matches!(signer.sign_at(&huge, NOW_MS, JTI), Err(Error::TooLarge { .. })));
}

#[test]
fn an_identifier_hash_of_a_signing_input_would_be_the_tokens_signature_so_it_is_refused() {
    // One secret for both schemes (the mistake SPEC §1.4 guards against).
    let signer = TokenSigner::hs256(SECRET, userhash_options(None)).unwrap();
    let token = signer.sign_at(&subject(), NOW_MS, JTI).unwrap();
    let (input, signature) = token.rsplit_once('.').unwrap();
    // Without the rule, sign_identifier(SECRET, input) in hex is the signature.
    assert_eq!(
        userhash::mac::to_hex(&userhash::mac::hmac_sha256(SECRET.as_bytes(), input.as_bytes())),
        const_hex(&b64_decode(signature))
    );
    assert!(cross_scheme::is_jws_signing_input(input));
    let err = sign_identifier(SECRET, input).unwrap_err();
    assert!(matches!(&err, Error::Malformed { field: Field::Identifier, reason } if reason.contains("JWS")), "{err}");
    assert!(!verify_identifier(SECRET, input, &const_hex(&b64_decode(signature))).unwrap());
}

fn const_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn no_secret_or_private_key_is_ever_shown() {
    let key = seed(9);
    let pair = Ed25519KeyPair::of(&key, Some("k")).unwrap();
    let pem_body: String = pair.private_pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let d = b64(&[9; 32]);
    let hs_signer = TokenSigner::hs256(SECRET, userhash_options(None)).unwrap();
    let ed_signer = TokenSigner::ed25519(&key, userhash_options(None)).unwrap();
    let hs_key = TokenKey::hs256(SECRET, None).unwrap();
    let verifier = TokenVerifier::new([hs_key.clone()], verifier_options()).unwrap();
    let mut shown = vec![
        format!("{key:?}"),
        format!("{pair:?}"),
        format!("{hs_signer:?}"),
        format!("{ed_signer:?}"),
        format!("{hs_key:?}"),
        format!("{verifier:?}"),
    ];
    // Errors around keys: a private key where a public one belongs, a weak secret, a bad PEM.
    for err in [
        TokenKey::parse_public(&pair.private_pem, None).unwrap_err(),
        TokenKey::parse_public(&pair.private_jwk, None).unwrap_err(),
        TokenKey::hs256(&SECRET[..31], None).unwrap_err(),
        Ed25519PrivateKey::parse(&pair.private_pem.replace('A', "*")).unwrap_err(),
        TokenSigner::ed25519_from_text(
            &pair.private_jwk.replace("\"kty\"", "\"kty\":\"oct\",\"x_\""),
            userhash_options(None),
        )
        .unwrap_err(),
    ] {
        shown.push(format!("{err} {err:?}"));
    }
    let wrong =
        TokenSigner::hs256(OLD_SECRET, userhash_options(None)).unwrap().sign_at(&subject(), NOW_MS, JTI).unwrap();
    let err = verifier.verify_at(&wrong, NOW_MS).unwrap_err();
    shown.push(format!("{err} {err:?}"));
    let diagnosis = verifier.diagnose_at(&wrong, NOW_MS);
    shown.push(format!("{diagnosis} {diagnosis:?}"));
    for text in shown {
        for secret in [SECRET, &SECRET[..31], OLD_SECRET, &pem_body, &d] {
            assert!(!text.contains(secret), "shows key material: {text}");
        }
    }
}

#[test]
fn options_are_checked_where_they_are_given() {
    let weak = TokenSigner::hs256("x".repeat(31), userhash_options(None)).unwrap_err();
    assert_eq!(weak, Error::WeakSecret { len: 31 });
    assert!(weak.to_string().contains("at least 32"), "{weak}");
    let weak = TokenSigner::hs256("x".repeat(10), userhash_options(None)).unwrap_err();
    assert!(weak.to_string().contains("at least 16") && weak.to_string().contains("32"), "{weak}");
    let no_org = SignerOptions::new(Profile::Userhash);
    assert!(matches!(TokenSigner::hs256(SECRET, no_org), Err(Error::Malformed { field: Field::OrgId, .. })));
    let bad_org = SignerOptions { org: Some("org 1".into()), ..SignerOptions::new(Profile::Userhash) };
    assert!(matches!(TokenSigner::hs256(SECRET, bad_org), Err(Error::Malformed { field: Field::OrgId, .. })));
    let verifier = TokenVerifier::new(Vec::<TokenKey>::new(), verifier_options());
    assert!(matches!(verifier, Err(Error::Malformed { field: Field::Key, .. })));
}

/// A refusal names the part and says what is wrong with it in one sentence:
/// "its header is not a JSON object", never "its header it is not ...".
#[test]
fn refusals_of_a_parts_encoding_read_as_one_sentence() {
    let verifier = TokenVerifier::new(vec![TokenKey::hs256(SECRET, None).unwrap()], verifier_options()).unwrap();
    let deep = format!("{{\"alg\":\"HS256\",\"x\":{}{}}}", "[".repeat(500), "]".repeat(500));
    let cases = [
        (hs256_raw(SECRET.as_bytes(), &deep, &payload()), "its header is not a JSON object"),
        (hs256_raw(SECRET.as_bytes(), r#"["HS256"]"#, &payload()), "its header is JSON but not an object"),
        (format!("eyJhbGciOiJIUzI1NiJ9.e30=.{}", b64(&[0; 32])), "its payload is not base64url without padding"),
    ];
    for (token, says) in cases {
        let message = verifier.verify_at(&token, NOW_MS).unwrap_err().to_string();
        assert!(message.contains(says), "{message}");
        assert!(!message.contains(" it is "), "{message}");
    }
    let keys = TokenKey::parse_public("{\"kty\":", None).unwrap_err().to_string();
    assert!(keys.contains("the JWK is not a JSON object"), "{keys}");
    assert!(!keys.contains(" it is "), "{keys}");
}
