//! `cargo bench -p userhash --bench tokens`: JWT identity tokens (SPEC §8),
//! each beside what a user would write instead in the same run: an HS256 JWT
//! made and checked by hand (serde_json, base64, hmac: no claim checks at
//! all), and a bare Ed25519 signature or verification of the same signing
//! input with ed25519-dalek. Results and ratios: BENCHMARKS.md.

use std::hint::black_box;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use criterion::{criterion_group, criterion_main, Criterion};
use ed25519_dalek::{Signer as _, SigningKey};
use hmac::{KeyInit, Mac};
use sha2::Sha256;
use userhash::jwt::{
    Ed25519PrivateKey, Profile, SignerOptions, TokenKey, TokenSigner, TokenSubject, TokenVerifier, VerifierOptions,
};

const SECRET: &str = "tok_0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const NOW_MS: u64 = 1_712_345_678_000;
const JTI: &str = "550e8400-e29b-41d4-a716-446655440000";
const SEED: [u8; 32] = [7; 32];

fn options() -> SignerOptions {
    SignerOptions { kid: Some("2026-01".into()), org: Some("org_123".into()), ..SignerOptions::new(Profile::Userhash) }
}

fn verifier_options() -> VerifierOptions {
    VerifierOptions { org: Some("org_123".into()), ..VerifierOptions::new(Profile::Userhash) }
}

fn subject() -> TokenSubject {
    TokenSubject::new("user-42").with_email("jane.doe@example.com")
}

/// What a user writes with serde_json, base64 and hmac: the same header and
/// claims, signed.
fn hand_hs256(secret: &[u8]) -> String {
    let header = serde_json::json!({"alg": "HS256", "typ": "JWT", "kid": "2026-01"});
    let iat = NOW_MS / 1000;
    let claims = serde_json::json!({"sub": "user-42", "email": "jane.doe@example.com", "org": "org_123",
        "iat": iat, "exp": iat + 300, "jti": JTI});
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).unwrap()),
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap())
    );
    let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(secret).unwrap();
    mac.update(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}

/// ... and checks by hand: the tag over the first two parts, then the claims
/// parsed (no check of any of them).
fn hand_hs256_check(secret: &[u8], token: &str) -> bool {
    let Some((input, tag)) = token.rsplit_once('.') else { return false };
    let Ok(tag) = URL_SAFE_NO_PAD.decode(tag) else { return false };
    let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(secret).unwrap();
    mac.update(input.as_bytes());
    if mac.verify_slice(&tag).is_err() {
        return false;
    }
    let payload = input.split('.').nth(1).unwrap_or("");
    URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|p| serde_json::from_slice::<serde_json::Value>(&p).ok())
        .is_some()
}

fn hs256(c: &mut Criterion) {
    let mut g = c.benchmark_group("token_hs256");
    let signer = TokenSigner::hs256(SECRET, options()).unwrap();
    let token = signer.sign_at(&subject(), NOW_MS, JTI).unwrap();
    let verifier = TokenVerifier::new(vec![TokenKey::hs256(SECRET, Some("2026-01")).unwrap()], verifier_options())
        .unwrap();
    assert!(hand_hs256_check(SECRET.as_bytes(), &token), "the hand-written check reads userhash's token");
    assert!(verifier.verify_at(&hand_hs256(SECRET.as_bytes()), NOW_MS).is_ok(), "userhash reads the hand-made one");

    g.bench_function("hand_sign", |b| b.iter(|| hand_hs256(black_box(SECRET.as_bytes()))));
    g.bench_function("sign_at", |b| b.iter(|| signer.sign_at(black_box(&subject()), NOW_MS, JTI)));
    g.bench_function("hand_check", |b| b.iter(|| hand_hs256_check(black_box(SECRET.as_bytes()), black_box(&token))));
    g.bench_function("verify_at", |b| b.iter(|| verifier.verify_at(black_box(&token), NOW_MS)));
    g.finish();
}

fn eddsa(c: &mut Criterion) {
    let mut g = c.benchmark_group("token_eddsa");
    let private = Ed25519PrivateKey::from_seed(&SEED).unwrap();
    let signer = TokenSigner::ed25519(&private, options()).unwrap();
    let token = signer.sign_at(&subject(), NOW_MS, JTI).unwrap();
    let keys = TokenKey::parse_public(&private.public_key().to_pem(), Some("2026-01")).unwrap();
    let verifier = TokenVerifier::new(keys, verifier_options()).unwrap();
    assert!(verifier.verify_at(&token, NOW_MS).is_ok());

    let dalek = SigningKey::from_bytes(&SEED);
    let public = dalek.verifying_key();
    let (input, _) = token.rsplit_once('.').unwrap();
    let signature = dalek.sign(input.as_bytes());
    g.bench_function("dalek_sign", |b| b.iter(|| dalek.sign(black_box(input.as_bytes()))));
    g.bench_function("sign_at", |b| b.iter(|| signer.sign_at(black_box(&subject()), NOW_MS, JTI)));
    g.bench_function("dalek_verify_strict", |b| {
        b.iter(|| public.verify_strict(black_box(input.as_bytes()), black_box(&signature)))
    });
    g.bench_function("verify_at", |b| b.iter(|| verifier.verify_at(black_box(&token), NOW_MS)));
    g.finish();
}

criterion_group!(benches, hs256, eddsa);
criterion_main!(benches);
