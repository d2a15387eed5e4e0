//! `cargo xtask bench-timing`: does the time a verification takes depend on
//! how much of a wrong tag is right? A dudect-style measurement (Reparaz,
//! Balasch and Verbauwhede, "Dude, is my code constant time?", 2017): two
//! classes of input, interleaved at random, each call timed on its own, and
//! Welch's t-test between the two classes' times, on all of them and on those
//! under each of dudect's 100 cropping thresholds (crops drop the slow tail
//! that interrupts and the other processes of the machine put there).
//! dudect's threshold: |t| over 4.5 means the times differ.
//!
//! The classes: the right tag's hex with one character changed, at position 0
//! (the first 0 characters right) or at position 63 (the first 63 right).
//! Nothing else differs: same length, same number of wrong characters, the
//! same change (the nibble's top bit flipped), the input written into the
//! same buffer before each call from both classes' inputs (`select_into`). A
//! comparison that stops at the first difference takes longer for class 63; a
//! constant-time one cannot tell them apart, and |t| stays small however many
//! measurements are taken.
//!
//! Measured: `verify_identifier` (key setup, hex decoding, HMAC, comparison),
//! `Verifier::verify_url_at` (both classes rejected as `Mismatch`, so the
//! nonce store is not reached and one URL can be verified over and over), and
//! `mac::tags_equal` alone; then the one input-dependent step found, hex
//! decoding (see the comment in `main`); a null control (one hash in both
//! classes: the |t| the machine's noise reaches alone) and a control that must
//! fail (an early-exit comparison of the hex strings: a leak of that size is
//! seen). Not a test: timing has no place in the tests. Results:
//! BENCHMARKS.md.
//!
//! `cargo bench -p userhash --bench timing -- [--measurements N] [--seed S]
//! [--only TEXT]` (N per comparison, both classes together; default
//! 4 000 000; `--only` runs the comparisons whose name contains TEXT).

// A benchmark's setup that fails has nothing to measure: its panic is the report.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::time::Instant;

use userhash::mac::{self, TAG_LEN};
use userhash::{widget_url, Error, IdentitySigner, Verifier};

const SECRET: &str = "whsec_9f2c4e7a1b3d5f60a8c2e4b6d8f0a1c3";
/// Its tag starts with `6` (see `no_zero_first`).
const IDENTIFIER: &str = "jane@example.com";
/// Its tag starts with `0`.
const IDENTIFIER_ZERO: &str = "jane.doe@example.com";
const ORG: &str = "org_123";
const NOW_MS: u64 = 1_712_345_678_901;
const DEFAULT_MEASUREMENTS: usize = 4_000_000;
/// dudect's threshold.
const T_THRESHOLD: f64 = 4.5;
/// Measurements taken first to place the cropping thresholds, then discarded.
const CALIBRATION: usize = 20_000;
/// Measurements timed before the statistics are updated with them.
const BATCH: usize = 50_000;

fn main() {
    let (measurements, seed, only) = options();
    let mut bench = Bench { measurements, rng: SplitMix64(seed), only };
    println!("dudect-style timing: {measurements} measurements per comparison, seed {seed}, {} CPUs", cpus());
    println!("classes: the wrong tag's first difference at hex position 0 (class 0) or 63 (class 63)");
    println!();

    let right_hash = userhash::sign_identifier(SECRET, IDENTIFIER).unwrap();
    assert!(no_zero_first(&right_hash), "pick an identifier whose tag starts with neither 0 nor 8");
    let hashes = [wrong_at(&right_hash, 0), wrong_at(&right_hash, 63)];
    let zero_hash = userhash::sign_identifier(SECRET, IDENTIFIER_ZERO).unwrap();
    assert!(zero_hash.starts_with('0'), "{IDENTIFIER_ZERO}'s tag starts with 0");

    let results: Vec<Option<Report>> = vec![
        // The identifier scheme's one-shot check: key setup, hex, HMAC, compare.
        bench.run("verify_identifier", &hashes, |hash| {
            let ok = userhash::verify_identifier(SECRET, IDENTIFIER, hash).unwrap();
            assert!(!ok, "a wrong hash was accepted");
        }),
        {
            // A URL with a wrong user_hash: parsed, its org checked, its tag
            // computed and compared, and rejected as Mismatch before the
            // freshness check and the nonce store.
            let (url, user_hash) = signed_url();
            let base = &url[..url.len() - user_hash.len()];
            let urls = [0, 63].map(|at| format!("{base}{}", wrong_at(&user_hash, at)));
            let verifier = Verifier::new([SECRET], ORG).unwrap();
            assert!(verifier.verify_url_at(&url, NOW_MS).is_ok(), "the right URL verifies");
            bench.run("Verifier::verify_url_at", &urls, |url| {
                assert_eq!(verifier.verify_url_at(url, NOW_MS).unwrap_err(), Error::Mismatch);
            })
        },
        {
            let right = mac::from_hex(&right_hash).unwrap();
            bench.run_tags("mac::tags_equal, the comparison alone", &hashes, |received| {
                assert!(!mac::tags_equal(black_box(&right), received));
            })
        },
        // Hex decoding reads the received hash, never the right tag, so its
        // time tells the sender only about what they sent. But it is not the
        // same for every hash: const-hex first looks for a `0x` prefix, so a
        // hash starting with `0` takes another path. With a tag starting
        // with `0`, class 63 starts with `0` and class 0 does not, and the
        // t-test sees the prefix check (that is why the tags above start
        // with neither 0 nor 8, which the flip turns into 0).
        bench.run(
            "verify_identifier, a tag starting with 0",
            &[wrong_at(&zero_hash, 0), wrong_at(&zero_hash, 63)],
            |hash| {
                let ok = userhash::verify_identifier(SECRET, IDENTIFIER_ZERO, hash).unwrap();
                assert!(!ok, "a wrong hash was accepted");
            },
        ),
        bench.run(
            "mac::from_hex, a hash starting 0 or 8, the rest equal",
            &first_char(&zero_hash, ['0', '8']),
            |hash| {
                black_box(mac::from_hex(hash).unwrap());
            },
        ),
        bench.run("mac::from_hex, the classes of verify_identifier", &hashes, |hash| {
            black_box(mac::from_hex(hash).unwrap());
        }),
        // The null control: the same hash in both classes. Whatever |t| this
        // reaches, the machine's noise reaches without any difference.
        bench.run(
            "null control: verify_identifier, one hash in both classes",
            &[hashes[0].clone(), hashes[0].clone()],
            |hash| {
                let ok = userhash::verify_identifier(SECRET, IDENTIFIER, hash).unwrap();
                assert!(!ok, "a wrong hash was accepted");
            },
        ),
        // The control: an early-exit comparison must be caught.
        bench.run("control: early-exit == of the hex strings", &hashes, |hash| {
            assert!(!early_exit_eq(black_box(right_hash.as_bytes()), hash.as_bytes()));
        }),
    ];

    println!(
        "| what | N (class 0 / class 63) | median ns (class 0 / 63) | |t|, all | max |t| over the crops (crop pct) \
         | mean difference there (ns) | verdict |"
    );
    println!("|---|---|---:|---:|---:|---:|---|");
    for r in results.iter().flatten() {
        println!(
            "| {} | {} ({} / {}) | {} / {} | {:.2} | {:.2} ({:.1}) | {:+.3} | {} |",
            r.name,
            r.n[0] + r.n[1],
            r.n[0],
            r.n[1],
            r.median[0],
            r.median[1],
            r.t_all.abs(),
            r.t_max.abs(),
            r.t_max_pct,
            r.difference_ns,
            if r.t_max.abs() < T_THRESHOLD { "no difference found" } else { "**differs**" }
        );
    }
}

struct Report {
    name: &'static str,
    n: [u64; 2],
    median: [u64; 2],
    t_all: f64,
    t_max: f64,
    t_max_pct: f64,
    /// Class 63's mean minus class 0's, in the test of `t_max`.
    difference_ns: f64,
}

/// How many measurements, the class draws, and which comparisons to run.
struct Bench {
    measurements: usize,
    rng: SplitMix64,
    only: Option<String>,
}

impl Bench {
    /// `call` on `inputs[class]` for random classes, each call timed. The
    /// input is first written into one buffer from both inputs (see
    /// [`select_into`]), so that nothing but its bytes depends on the class.
    /// `None` when `--only` leaves this one out.
    fn run(&mut self, name: &'static str, inputs: &[String; 2], mut call: impl FnMut(&str)) -> Option<Report> {
        let inputs = [inputs[0].as_bytes(), inputs[1].as_bytes()];
        let mut buffer = vec![0u8; inputs[0].len()];
        self.measure(name, |class| {
            select_into(&mut buffer, inputs, class);
            let text = std::str::from_utf8(&buffer).unwrap();
            let start = Instant::now();
            call(black_box(text));
            u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX)
        })
    }

    /// [`Self::run`] for raw tags: each input is the hex of a 32-byte tag, decoded once.
    fn run_tags(&mut self, name: &'static str, inputs: &[String; 2], mut call: impl FnMut(&[u8])) -> Option<Report> {
        let tags = inputs.clone().map(|hex| mac::from_hex(&hex).unwrap());
        let mut buffer = [0u8; TAG_LEN];
        self.measure(name, |class| {
            select_into(&mut buffer, [&tags[0], &tags[1]], class);
            let start = Instant::now();
            call(black_box(&buffer));
            u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX)
        })
    }

    /// Calibrates the crops, then takes the timings of `time(class)` with the
    /// classes drawn at random, and the t-tests over them.
    fn measure(&mut self, name: &'static str, mut time: impl FnMut(usize) -> u64) -> Option<Report> {
        if self.only.as_ref().is_some_and(|only| !name.contains(only.as_str())) {
            return None;
        }
        eprint!("{name}: ");
        let rng = &mut self.rng;
        // Warm up (caches, branch predictors, the CPU's clock) and place the crops.
        let mut calibration: Vec<u64> = (0..CALIBRATION).map(|_| time(rng.class())).collect();
        calibration.sort_unstable();
        let crops = dudect_crops(&calibration);
        let mut all = Welch::default();
        let mut cropped = vec![Welch::default(); crops.len()];
        let mut times: [Vec<u64>; 2] = [Vec::new(), Vec::new()];
        let mut batch = Vec::with_capacity(BATCH);
        let mut done = 0;
        while done < self.measurements {
            let size = BATCH.min(self.measurements - done);
            batch.clear();
            batch.extend((0..size).map(|_| rng.class()));
            let timings: Vec<u64> = batch.iter().map(|&class| time(class)).collect();
            for (&class, &ns) in batch.iter().zip(&timings) {
                all.push(class, ns as f64);
                for ((threshold, _), test) in crops.iter().zip(cropped.iter_mut()) {
                    if ns < *threshold {
                        test.push(class, ns as f64);
                    }
                }
                times[class].push(ns);
            }
            done += size;
        }
        let median = times.map(|mut v| {
            v.sort_unstable();
            v[v.len() / 2]
        });
        // dudect's rule: the largest |t| of any test with enough measurements.
        let (t_max, t_max_pct, difference_ns) = cropped
            .iter()
            .zip(&crops)
            .filter(|(test, _)| test.n[0] + test.n[1] > 10_000)
            .map(|(test, &(_, pct))| (test, pct))
            .chain([(&all, 100.0)])
            .map(|(test, pct)| (test.t(), pct, test.mean[1] - test.mean[0]))
            .max_by(|a, b| a.0.abs().total_cmp(&b.0.abs()))
            .unwrap();
        eprintln!("|t| = {:.2}, max |t| over crops = {:.2}", all.t().abs(), t_max.abs());
        Some(Report { name, n: all.n, median, t_all: all.t(), t_max, t_max_pct, difference_ns })
    }
}

/// dudect's cropping thresholds: the times at the percentiles
/// 100 * (1 - 0.5^(10 (k + 1) / 100)) for k in 0..100 (from 6.7 to 99.9),
/// each with its percentile.
fn dudect_crops(sorted: &[u64]) -> Vec<(u64, f64)> {
    (0..100)
        .map(|k| {
            let pct = 100.0 * (1.0 - 0.5f64.powf(f64::from(10 * (k + 1)) / 100.0));
            // pct is below 100, so the index is in 0..len: the cast cannot wrap or lose a sign.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let index = ((sorted.len() - 1) as f64 * pct / 100.0).round() as usize;
            (sorted[index], pct)
        })
        .collect()
}

/// Welch's t-test between two classes, updated one measurement at a time
/// (Welford's running mean and variance).
#[derive(Clone, Default)]
struct Welch {
    n: [u64; 2],
    mean: [f64; 2],
    m2: [f64; 2],
}

impl Welch {
    fn push(&mut self, class: usize, x: f64) {
        self.n[class] += 1;
        let delta = x - self.mean[class];
        self.mean[class] += delta / self.n[class] as f64;
        self.m2[class] += delta * (x - self.mean[class]);
    }

    fn t(&self) -> f64 {
        if self.n[0] < 2 || self.n[1] < 2 {
            return 0.0;
        }
        let var = |c: usize| self.m2[c] / (self.n[c] - 1) as f64;
        let se = (var(0) / self.n[0] as f64 + var(1) / self.n[1] as f64).sqrt();
        if se == 0.0 {
            return 0.0;
        }
        (self.mean[0] - self.mean[1]) / se
    }
}

/// Writes `inputs[class]` into `buffer`, reading both inputs byte by byte
/// whatever the class. A plain copy of one input loads only that input's
/// memory just before the clock starts, and on a busy machine (other
/// processes running between calls, most likely evicting the caches) that
/// alone made two copies of one hash, at two addresses, time differently: a
/// null control reached |t| = 16 at 4 000 000 measurements.
fn select_into(buffer: &mut [u8], inputs: [&[u8]; 2], class: usize) {
    assert!(inputs[0].len() == buffer.len() && inputs[1].len() == buffer.len());
    // class is 0 or 1; a branch-free cast keeps the selection free of a data-dependent branch.
    #[allow(clippy::cast_possible_truncation)]
    let second = (black_box(class) as u8).wrapping_neg(); // 0x00 or 0xff
    for ((out, &a), &b) in buffer.iter_mut().zip(inputs[0]).zip(inputs[1]) {
        *out = (a & !second) | (b & second);
    }
}

/// `right` with the character at `at` changed (its nibble's top bit flipped),
/// still lowercase hex.
fn wrong_at(right: &str, at: usize) -> String {
    let mut bytes = right.as_bytes().to_vec();
    let nibble = (bytes[at] as char).to_digit(16).unwrap() ^ 0x8;
    bytes[at] = char::from_digit(nibble, 16).unwrap() as u8;
    let wrong = String::from_utf8(bytes).unwrap();
    assert_eq!(wrong.len(), right.len());
    assert_eq!(wrong.bytes().zip(right.bytes()).filter(|(a, b)| a != b).count(), 1);
    wrong
}

/// Whether neither class made from `tag` by [`wrong_at`] starts with `0`.
fn no_zero_first(tag: &str) -> bool {
    !tag.starts_with(['0', '8'])
}

/// A signed widget URL and its user_hash (its last parameter), with a nonce
/// chosen so that the tag passes [`no_zero_first`].
fn signed_url() -> (String, String) {
    let signer = IdentitySigner::new(SECRET, ORG).unwrap();
    (0..)
        .map(|n| signer.sign_at(IDENTIFIER, NOW_MS, &format!("550e8400-e29b-41d4-a716-{n:012}")).unwrap())
        .find(|id| no_zero_first(&id.user_hash))
        .map(|id| {
            let url = widget_url("https://w.example/", &id, Some("Jane Doe"), [("plan", "pro")]).unwrap();
            assert!(url.ends_with(&format!("user_hash={}", id.user_hash)), "user_hash comes last: {url}");
            (url, id.user_hash)
        })
        .unwrap()
}

/// `hash` with its first character replaced by each of `chars`.
fn first_char(hash: &str, chars: [char; 2]) -> [String; 2] {
    chars.map(|c| format!("{c}{}", &hash[1..]))
}

/// What the control measures: stops at the first difference.
fn early_exit_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    for i in 0..a.len() {
        if black_box(a[i]) != black_box(b[i]) {
            return false;
        }
    }
    true
}

/// SplitMix64: a small fast generator for the class draws (no secret is drawn).
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn class(&mut self) -> usize {
        (self.next() >> 63) as usize
    }
}

/// `--measurements N`, `--seed S` and `--only TEXT` (the comparisons whose
/// name contains it); `cargo bench` adds `--bench`, ignored.
fn options() -> (usize, u64, Option<String>) {
    let mut measurements = DEFAULT_MEASUREMENTS;
    let mut only = None;
    let clock = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    // Nanoseconds since 1970 fit in a u64 until 2554.
    let mut seed = u64::try_from(clock).unwrap_or(u64::MAX);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |what: &str| -> u64 {
            let text = args.next().unwrap_or_else(|| panic!("{arg} needs a value: {what}"));
            text.replace('_', "").parse().unwrap_or_else(|_| panic!("{arg} {text}: give {what}"))
        };
        match arg.as_str() {
            "--measurements" => {
                measurements = usize::try_from(value("a count, at least 1000000 for the record"))
                    .expect("a count that fits in memory")
            }
            "--seed" => seed = value("an unsigned 64-bit integer"),
            "--only" => only = Some(args.next().expect("--only needs a part of a comparison's name")),
            _ => {}
        }
    }
    (measurements, seed, only)
}

fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
