//! `cargo xtask bench-parse`: what a verifier spends on a URL before the MAC
//! (SPEC §3: linear in the input, and bounded). Each URL is refused with
//! `Mismatch` after a full parse, so the nonce store is never reached and
//! the same URL can be verified again and again.
//!
//! - `by_length`: one long unsigned parameter, 1 KB to 10 MB, limits raised;
//! - `by_params`: 10 to 100 000 unsigned parameters, limits raised;
//! - `default_limits`: the 10 MB and 100 000-parameter URLs against a
//!   verifier with the default limits, refused unread (`TooLarge`).
//!
//! Criterion reports throughput (bytes per second): flat means linear.

// A benchmark's setup that fails has nothing to measure: its panic is the report.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use userhash::{InputLimits, Verifier};

const SECRET: &str = "whsec_9f2c4e7a1b3d5f60a8c2e4b6d8f0a1c3";
const NOW: u64 = 1_712_345_678_901;
const HEAD: &str = "https://widget.example.com/?orgId=org_123&email=jane%40example.com&timestamp=1712345678901\
                    &nonce=550e8400-e29b-41d4-a716-446655440000";
const WRONG_HASH: &str = "&user_hash=0000000000000000000000000000000000000000000000000000000000000000";

fn url_of_length(len: usize) -> String {
    let mut url = format!("{HEAD}&pad=");
    let pad = len.saturating_sub(url.len() + WRONG_HASH.len());
    url.extend(std::iter::repeat_n('x', pad));
    url.push_str(WRONG_HASH);
    url
}

fn url_with_params(count: usize) -> String {
    let mut url = String::from(HEAD);
    for i in 0..count {
        url.push_str(&format!("&p{i}=x"));
    }
    url.push_str(WRONG_HASH);
    url
}

fn unlimited() -> Verifier {
    Verifier::new([SECRET], "org_123")
        .unwrap()
        .with_limits(InputLimits { max_url_len: usize::MAX, max_params: usize::MAX })
}

fn by_length(c: &mut Criterion) {
    let verifier = unlimited();
    let mut g = c.benchmark_group("parse/by_length");
    g.sample_size(10);
    for len in [1_000, 10_000, 100_000, 1_000_000, 10_000_000] {
        let url = url_of_length(len);
        assert!(matches!(verifier.verify_url_at(&url, NOW), Err(userhash::Error::Mismatch)));
        g.throughput(Throughput::Bytes(url.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(len), &url, |b, url| {
            b.iter(|| verifier.verify_url_at(black_box(url), NOW))
        });
    }
    g.finish();
}

fn by_params(c: &mut Criterion) {
    let verifier = unlimited();
    let mut g = c.benchmark_group("parse/by_params");
    g.sample_size(10);
    for count in [10, 100, 1_000, 10_000, 100_000] {
        let url = url_with_params(count);
        assert!(matches!(verifier.verify_url_at(&url, NOW), Err(userhash::Error::Mismatch)));
        g.throughput(Throughput::Bytes(url.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(count), &url, |b, url| {
            b.iter(|| verifier.verify_url_at(black_box(url), NOW))
        });
    }
    g.finish();
}

fn default_limits(c: &mut Criterion) {
    let verifier = Verifier::new([SECRET], "org_123").unwrap();
    let mut g = c.benchmark_group("parse/default_limits");
    let long = url_of_length(10_000_000);
    let many = url_with_params(100_000);
    for (name, url) in [("10MB_url", &long), ("100000_params", &many)] {
        assert!(matches!(verifier.verify_url_at(url, NOW), Err(userhash::Error::TooLarge { .. })));
        g.bench_function(name, |b| b.iter(|| verifier.verify_url_at(black_box(url), NOW)));
    }
    g.finish();
}

criterion_group!(benches, by_length, by_params, default_limits);
criterion_main!(benches);
