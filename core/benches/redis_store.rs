//! `cargo xtask bench-redis`: `Verifier::verify_url` throughput and latency
//! with `RedisNonceStore` (a redis-server of its own on loopback) beside
//! `MemoryNonceStore`, at 1, 8 and 32 concurrent caller threads.
//!
//! Not criterion: criterion times one caller. Each run signs its URLs first
//! (one fresh nonce each, so every verification is accepted and reaches the
//! store), then N threads verify their share; each call is timed on its own.
//! Three runs per cell; the table shows the median run by throughput and the
//! range of the three.

#[path = "../tests/support/redis_server.rs"]
mod redis_server;

use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use redis_server::RedisServer;
use userhash::{now_ms, widget_url, IdentitySigner, MemoryNonceStore, NonceStore, RedisNonceStore, Verifier};

const SECRET: &str = "bench-secret-0123456789abcdef0123";
const ORG: &str = "org_bench";
const CALLERS: [usize; 3] = [1, 8, 32];
const RUNS: usize = 3;

struct Run {
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is taken.
    let server = RedisServer::start();
    let version = redis_version();
    println!("redis-server {version} on 127.0.0.1:{} (no persistence), {} CPUs", server.port(), cpus());
    println!();
    println!("| store | callers | verifications/s | p50 | p99 | verifications/s, 3 runs |");
    println!("|---|---:|---:|---:|---:|---|");
    for (name, count) in [("memory", 200_000), ("redis", 40_000)] {
        for callers in CALLERS {
            let mut runs: Vec<Run> = (0..RUNS)
                .map(|_| {
                    let store: Arc<dyn NonceStore> = match name {
                        "memory" => Arc::new(MemoryNonceStore::new(count * 2)),
                        _ => {
                            flush(&server);
                            Arc::new(RedisNonceStore::new(&server.url()).unwrap())
                        }
                    };
                    measure(store, callers, count)
                })
                .collect();
            runs.sort_by(|a, b| a.per_second.total_cmp(&b.per_second));
            let median = &runs[RUNS / 2];
            let all: Vec<String> = runs.iter().map(|r| format!("{:.0}", r.per_second)).collect();
            println!(
                "| {name} | {callers} | {:.0} | {} | {} | {} |",
                median.per_second,
                micros(median.p50),
                micros(median.p99),
                all.join(" / ")
            );
        }
    }
}

/// `count` verifications of fresh URLs by `callers` threads sharing one verifier.
fn measure(store: Arc<dyn NonceStore>, callers: usize, count: usize) -> Run {
    let verifier = Arc::new(Verifier::new([SECRET], ORG).unwrap().with_nonce_store(store));
    let signer = IdentitySigner::new(SECRET, ORG).unwrap();
    let t = now_ms();
    let run_id = t % 1_000_000_007;
    let urls: Vec<String> = (0..count)
        .map(|i| {
            let id = signer.sign_at("jane@example.com", t, &format!("bench-{run_id}-{i:08}")).unwrap();
            widget_url("https://w.example/", &id, None, Vec::<(&str, &str)>::new()).unwrap()
        })
        .collect();
    // Warm up: connections opened, caches filled.
    for i in 0..200 {
        let id = signer.sign_at("jane@example.com", t, &format!("warm-{run_id}-{i:06}")).unwrap();
        verifier.verify_url(&widget_url("https://w.example/", &id, None, Vec::<(&str, &str)>::new()).unwrap()).unwrap();
    }
    let urls = Arc::new(urls);
    let barrier = Arc::new(Barrier::new(callers + 1));
    let handles: Vec<_> = (0..callers)
        .map(|c| {
            let (urls, verifier, barrier) = (urls.clone(), verifier.clone(), barrier.clone());
            thread::spawn(move || {
                let mine: Vec<&String> = urls.iter().skip(c).step_by(callers).collect();
                let mut latencies = Vec::with_capacity(mine.len());
                barrier.wait();
                for url in mine {
                    let start = Instant::now();
                    verifier.verify_url(url).expect("a fresh URL is accepted");
                    latencies.push(start.elapsed());
                }
                latencies
            })
        })
        .collect();
    barrier.wait();
    let start = Instant::now();
    let mut latencies: Vec<Duration> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
    let elapsed = start.elapsed();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Run { per_second: count as f64 / elapsed.as_secs_f64(), p50: at(0.50), p99: at(0.99) }
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn flush(server: &RedisServer) {
    let mut conn = redis::Client::open(server.url()).unwrap().get_connection().unwrap();
    redis::cmd("FLUSHALL").query::<()>(&mut conn).unwrap();
}

fn redis_version() -> String {
    let out = std::process::Command::new("redis-server").arg("--version").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace().find_map(|w| w.strip_prefix("v=")).unwrap_or("?").to_owned()
}

fn cpus() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}
