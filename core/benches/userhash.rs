//! `cargo bench -p userhash`: the per-operation cost of both schemes, beside a
//! bare single-block SHA-256 (the floor: a precomputed HMAC of a short message
//! is two such compressions). Results and their ratios: BENCHMARKS.md.

// A benchmark's setup that fails has nothing to measure: its panic is the report.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use sha2::{Digest, Sha256};
use userhash::mac::{to_hex, MacKey};
use userhash::{sign_identifier, widget_url, IdentifierSigner, IdentitySigner, MemoryNonceStore, Verifier};

const SECRET: &str = "whsec_9f2c4e7a1b3d5f60a8c2e4b6d8f0a1c3";
const IDENTIFIER: &str = "jane.doe@example.com";

fn identifier(c: &mut Criterion) {
    let mut g = c.benchmark_group("identifier");
    // 32 bytes: one block once padded.
    g.bench_function("sha256_single_block", |b| b.iter(|| Sha256::digest(black_box([7u8; 32]))));
    g.bench_function("sign_fresh_key", |b| b.iter(|| sign_identifier(black_box(SECRET), black_box(IDENTIFIER))));
    let signer = IdentifierSigner::new(SECRET).unwrap();
    g.bench_function("sign_precomputed_key", |b| b.iter(|| signer.sign(black_box(IDENTIFIER))));
    let key = MacKey::new(SECRET.as_bytes());
    g.bench_function("tag_precomputed_key_no_hex", |b| b.iter(|| key.tag(black_box(IDENTIFIER.as_bytes()))));
    let tag = key.tag(IDENTIFIER.as_bytes());
    g.bench_function("hex_encode", |b| b.iter(|| to_hex(black_box(&tag))));
    let hash = signer.sign(IDENTIFIER).unwrap();
    g.bench_function("verify_precomputed_key", |b| b.iter(|| signer.verify(black_box(IDENTIFIER), black_box(&hash))));
    g.bench_function("verify_fresh_key", |b| {
        b.iter(|| userhash::verify_identifier(black_box(SECRET), black_box(IDENTIFIER), black_box(&hash)))
    });
    g.finish();
}

fn identity(c: &mut Criterion) {
    let mut g = c.benchmark_group("identity");
    let signer = IdentitySigner::new(SECRET, "org_123").unwrap();
    g.bench_function("sign_at", |b| {
        b.iter(|| {
            signer.sign_at(black_box("jane.doe@example.com"), 1_712_345_678_901, "550e8400-e29b-41d4-a716-446655440000")
        })
    });
    g.bench_function("sign_with_fresh_uuid_and_clock", |b| b.iter(|| signer.sign(black_box("jane.doe@example.com"))));
    let id = signer.sign_at("jane.doe@example.com", 1_712_345_678_901, "550e8400-e29b-41d4-a716-446655440000").unwrap();
    g.bench_function("widget_url", |b| {
        b.iter(|| widget_url("https://widget.example.com/", black_box(&id), Some("Jane Doe"), [("theme", "dark")]))
    });

    // verify_url end to end with a real memory store: each URL has its own
    // nonce and its own second, so the store holds about one tolerance's worth
    // (300) of live entries, as a busy verifier would.
    let store = Arc::new(MemoryNonceStore::new(1_000_000));
    let verifier = Verifier::new([SECRET], "org_123").unwrap().with_nonce_store(store);
    let mut i: u64 = 0;
    g.bench_function("verify_url_memory_store", |b| {
        b.iter_batched(
            || {
                i += 1;
                let t = 1_712_345_678_901 + i * 1000;
                let id = signer.sign_at("jane.doe@example.com", t, &format!("nonce-{i:016}")).unwrap();
                (widget_url("https://widget.example.com/", &id, Some("Jane Doe"), [("theme", "dark")]).unwrap(), t)
            },
            |(url, t)| verifier.verify_url_at(&url, t).unwrap(),
            BatchSize::SmallInput,
        )
    });
    // The same rejected as a replay (parse + MAC + freshness + store lookup).
    let seen = signer.sign_at("jane.doe@example.com", 1_712_345_678_901, "replayed-nonce-0001").unwrap();
    let seen_url = widget_url("https://widget.example.com/", &seen, Some("Jane Doe"), [("theme", "dark")]).unwrap();
    let replay_verifier = Verifier::new([SECRET], "org_123").unwrap();
    replay_verifier.verify_url_at(&seen_url, 1_712_345_678_901).unwrap();
    g.bench_function("verify_url_replayed", |b| {
        b.iter(|| replay_verifier.verify_url_at(black_box(&seen_url), 1_712_345_678_901).unwrap_err())
    });
    g.finish();
}

criterion_group!(benches, identifier, identity);
criterion_main!(benches);
