//! `cargo xtask bench-redis`: `Verifier::verify_url` and `verify_url_async`
//! throughput and latency with `RedisNonceStore` on servers of its own on
//! loopback: one server and a six-node cluster (three masters, three
//! replicas), each over plain TCP and over TLS, at 1, 8 and 32 concurrent
//! callers; `MemoryNonceStore` beside them.
//!
//! Not criterion: criterion times one caller. Each run signs its URLs first
//! (one fresh nonce each, so every verification is accepted and reaches the
//! store), then N callers verify their share; each call is timed on its own.
//! Sync callers are threads; async callers are tokio tasks on a two-worker
//! runtime. Three runs per cell; the table shows the median run by
//! throughput and the range of the three. One run makes the whole table.

// A benchmark's setup that fails has nothing to measure: its panic is the report.
#![allow(clippy::unwrap_used)]

#[path = "../tests/support/redis_cluster.rs"]
mod redis_cluster;
#[path = "../tests/support/redis_server.rs"]
mod redis_server;
#[path = "../tests/support/tls_certs.rs"]
mod tls_certs;

use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use redis_cluster::RedisCluster;
use redis_server::RedisServer;
use tls_certs::TestCa;
use userhash::{
    now_ms, widget_url, IdentitySigner, MemoryNonceStore, NonceStore, RedisNonceStore, RedisOptions, Verifier,
};

const SECRET: &str = "bench-secret-0123456789abcdef0123";
const ORG: &str = "org_bench";
const CALLERS: [usize; 3] = [1, 8, 32];
const RUNS: usize = 3;
/// Verifications per run of a Redis cell.
const COUNT: usize = 6_000;

struct Run {
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

#[derive(Clone, Copy, PartialEq)]
enum Api {
    Sync,
    Async,
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is taken.
    let ca = TestCa::new("bench");
    let cert = ca.server_cert(&["127.0.0.1", "localhost"]);
    let single = RedisServer::start_tls(&cert.cert, &cert.key, &cert.ca);
    let cluster = RedisCluster::start_tls(&cert.cert, &cert.key, &cert.ca);
    let tls = || RedisOptions::default().ca_file(ca.ca_file());
    println!(
        "redis-server {} on loopback (no persistence): one server, and a cluster of 3 masters + 3 replicas; {} CPUs; \
         load average before: {}",
        redis_version(),
        cpus(),
        load_average()
    );
    println!();
    println!("| store | transport | API | callers | verifications/s | p50 | p99 | verifications/s, 3 runs |");
    println!("|---|---|---|---:|---:|---:|---:|---|");
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    for callers in CALLERS {
        let store = || -> Arc<dyn NonceStore> { Arc::new(MemoryNonceStore::new(200_000)) };
        row("memory", "-", Api::Sync, callers, 100_000, &runtime, store);
    }
    type MakeStore<'a> = Box<dyn Fn() -> Arc<dyn NonceStore> + 'a>;
    let targets: Vec<(&str, &str, MakeStore)> = vec![
        ("one server", "plain", Box::new(|| Arc::new(RedisNonceStore::new(&single.url()).unwrap()))),
        (
            "one server",
            "TLS",
            Box::new(|| {
                let url = format!("rediss://127.0.0.1:{}", single.tls_port());
                Arc::new(RedisNonceStore::with_options(&url, tls()).unwrap())
            }),
        ),
        (
            "cluster",
            "plain",
            Box::new(|| Arc::new(RedisNonceStore::cluster(cluster.urls(), RedisOptions::default()).unwrap())),
        ),
        ("cluster", "TLS", Box::new(|| Arc::new(RedisNonceStore::cluster(cluster.tls_urls(), tls()).unwrap()))),
    ];
    for (name, transport, make) in &targets {
        for api in [Api::Sync, Api::Async] {
            for callers in CALLERS {
                row(name, transport, api, callers, COUNT, &runtime, make);
            }
        }
    }
    println!();
    println!("load average after: {}", load_average());
}

fn row(
    name: &str,
    transport: &str,
    api: Api,
    callers: usize,
    count: usize,
    runtime: &tokio::runtime::Runtime,
    store: impl Fn() -> Arc<dyn NonceStore>,
) {
    let mut runs: Vec<Run> = (0..RUNS).map(|_| measure(store(), api, callers, count, runtime)).collect();
    runs.sort_by(|a, b| a.per_second.total_cmp(&b.per_second));
    let median = &runs[RUNS / 2];
    let all: Vec<String> = runs.iter().map(|r| format!("{:.0}", r.per_second)).collect();
    let api = if api == Api::Sync { "sync" } else { "async" };
    println!(
        "| {name} | {transport} | {api} | {callers} | {:.0} | {} | {} | {} |",
        median.per_second,
        micros(median.p50),
        micros(median.p99),
        all.join(" / ")
    );
}

/// `count` verifications of fresh URLs by `callers` callers sharing one verifier.
fn measure(
    store: Arc<dyn NonceStore>,
    api: Api,
    callers: usize,
    count: usize,
    runtime: &tokio::runtime::Runtime,
) -> Run {
    let verifier = Arc::new(Verifier::new([SECRET], ORG).unwrap().with_nonce_store(store));
    let signer = IdentitySigner::new(SECRET, ORG).unwrap();
    let t = now_ms();
    let run_id = uuid_like();
    let sign = |nonce: String| {
        let id = signer.sign_at("jane@example.com", t, &nonce).unwrap();
        widget_url("https://w.example/", &id, None, Vec::<(&str, &str)>::new()).unwrap()
    };
    let urls: Vec<String> = (0..count).map(|i| sign(format!("bench-{run_id}-{i:08}"))).collect();
    // Warm up: connections opened (each node's, for a cluster), caches filled.
    let warm: Vec<String> = (0..200).map(|i| sign(format!("warm-{run_id}-{i:06}"))).collect();
    match api {
        Api::Sync => warm.iter().for_each(|u| {
            verifier.verify_url(u).unwrap();
        }),
        Api::Async => runtime.block_on(async {
            for u in &warm {
                verifier.verify_url_async(u).await.unwrap();
            }
        }),
    }
    let urls = Arc::new(urls);
    let (mut latencies, elapsed) = match api {
        Api::Sync => {
            let barrier = Arc::new(Barrier::new(callers + 1));
            let handles: Vec<_> = (0..callers)
                .map(|c| {
                    let (urls, verifier, barrier) = (urls.clone(), verifier.clone(), barrier.clone());
                    thread::spawn(move || {
                        let mut latencies = Vec::with_capacity(urls.len() / callers + 1);
                        barrier.wait();
                        for url in urls.iter().skip(c).step_by(callers) {
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
            let latencies: Vec<Duration> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
            (latencies, start.elapsed())
        }
        Api::Async => runtime.block_on(async {
            let start = Instant::now();
            let tasks: Vec<_> = (0..callers)
                .map(|c| {
                    let (urls, verifier) = (urls.clone(), verifier.clone());
                    tokio::spawn(async move {
                        let mut latencies = Vec::with_capacity(urls.len() / callers + 1);
                        for url in urls.iter().skip(c).step_by(callers) {
                            let start = Instant::now();
                            verifier.verify_url_async(url).await.expect("a fresh URL is accepted");
                            latencies.push(start.elapsed());
                        }
                        latencies
                    })
                })
                .collect();
            let mut latencies = Vec::with_capacity(count);
            for task in tasks {
                latencies.extend(task.await.unwrap());
            }
            (latencies, start.elapsed())
        }),
    };
    latencies.sort();
    // q is in 0..=1, so the index is in 0..=len: the cast cannot wrap or lose a sign.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Run { per_second: count as f64 / elapsed.as_secs_f64(), p50: at(0.50), p99: at(0.99) }
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static RUN: AtomicU64 = AtomicU64::new(0);
    format!("{}-{}", now_ms() % 1_000_000_007, RUN.fetch_add(1, Ordering::Relaxed))
}

fn micros(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

fn redis_version() -> String {
    let out = std::process::Command::new("redis-server").arg("--version").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace().find_map(|w| w.strip_prefix("v=")).unwrap_or("?").to_owned()
}

fn cpus() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map_or("?".to_owned(), |l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
}
