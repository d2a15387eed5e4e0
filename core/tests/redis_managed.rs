//! The Redis store on the Redis that managed services run (issue 15), every
//! server real and started here on free loopback ports: TLS with a CA made
//! at test time (and the refusals: another CA, another name, a plain port, a
//! handshake the server refuses), ACL users, `WAIT` for replicas, a six-node
//! Redis Cluster (exactly once across four processes, a master killed, a
//! replica cut off before its master dies, a cluster over TLS), and async
//! verification (many tasks on one shared connection, a store that blocks,
//! a stray reply on the shared connection).
//!
//! Built with the `redis` and `async` features, which `cargo test
//! --workspace` turns on (the CLI enables them).

// Test code: a panic is the failure report (clippy.toml allows unwrap in #[test] functions only).
#![allow(clippy::unwrap_used)]
#![cfg(all(feature = "redis", feature = "async"))]

#[path = "support/redis_cluster.rs"]
mod redis_cluster;
#[path = "support/redis_server.rs"]
mod redis_server;
#[path = "support/stray_reply_proxy.rs"]
mod stray_reply_proxy;
#[path = "support/tls_certs.rs"]
mod tls_certs;
#[path = "support/workers.rs"]
mod workers;

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use redis_cluster::{key_slot, RedisCluster};
use redis_server::RedisServer;
use stray_reply_proxy::StrayReplyProxy;
use tls_certs::TestCa;
use userhash::{
    now_ms, widget_url, Error, Field, IdentitySigner, MemoryNonceStore, NonceStore, RedisNonceStore, RedisOptions,
    Verifier,
};

const SECRET: &str = "whsec_9f2c4e7a1b3d5f60a8c2e4b6d8f0a1c3";
const ORG: &str = "org_123";

fn signed_url(nonce: &str, timestamp_ms: u64) -> String {
    let signer = IdentitySigner::new(SECRET, ORG).unwrap();
    let id = signer.sign_at("jane@example.com", timestamp_ms, nonce).unwrap();
    widget_url("https://w.example/", &id, None, Vec::<(&str, &str)>::new()).unwrap()
}

fn verifier_on(store: RedisNonceStore) -> Verifier {
    Verifier::new([SECRET], ORG).unwrap().with_nonce_store(Arc::new(store))
}

fn unavailable_reason(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(Error::StoreUnavailable { reason }) => reason,
        other => panic!("expected StoreUnavailable, got {other:?}"),
    }
}

fn short_timeouts() -> RedisOptions {
    RedisOptions::default().connect_timeout(Duration::from_millis(1500)).command_timeout(Duration::from_millis(1500))
}

// ------------------------------------------------------------------- TLS

#[test]
fn tls_with_the_users_ca_accepts_once_then_replayed() {
    let ca = TestCa::new("good");
    let cert = ca.server_cert(&["localhost", "127.0.0.1"]);
    let server = RedisServer::start_tls(&cert.cert, &cert.key, &cert.ca);
    let port = server.tls_port();
    for (i, host) in ["localhost", "127.0.0.1"].into_iter().enumerate() {
        let url = format!("rediss://{host}:{port}");
        let verifier =
            verifier_on(RedisNonceStore::with_options(&url, short_timeouts().ca_file(ca.ca_file())).unwrap());
        let signed = signed_url(&format!("tls-once-{i:04}"), now_ms());
        assert!(verifier.verify_url(&signed).is_ok(), "{url}: accepted the first time");
        assert_eq!(verifier.verify_url(&signed).unwrap_err(), Error::Replayed, "{url}");
    }
    // The key is in this server: TLS reached the real thing.
    let client = redis::Client::open(server.url()).unwrap();
    let mut conn = client.get_connection().unwrap();
    let keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut conn).unwrap();
    assert_eq!(keys.len(), 2, "{keys:?}");
}

/// Each client that must refuse: the reason names the TLS failure, and the
/// URL was not recorded (a client that trusts the server accepts it after).
fn assert_tls_refused(url: &str, options: RedisOptions, says: &str, good: &Verifier, nonce: &str) {
    let verifier = verifier_on(RedisNonceStore::with_options(url, options).unwrap());
    let signed = signed_url(nonce, now_ms());
    let reason = unavailable_reason(verifier.verify_url(&signed));
    assert!(reason.contains("TLS") && reason.contains(says), "{url}: the reason names it ({says}): {reason}");
    assert!(good.verify_url(&signed).is_ok(), "{url}: the refused URL was never recorded");
}

#[test]
fn tls_refuses_a_server_signed_by_another_ca_or_for_another_name() {
    let ca = TestCa::new("server");
    let other_ca = TestCa::new("other");
    let cert = ca.server_cert(&["localhost", "127.0.0.1"]);
    let server = RedisServer::start_tls(&cert.cert, &cert.key, &cert.ca);
    let port = server.tls_port();
    let good = verifier_on(RedisNonceStore::with_options(&server.url(), short_timeouts()).unwrap());

    let url = format!("rediss://localhost:{port}");
    // Trusts another CA only.
    assert_tls_refused(&url, short_timeouts().ca_file(other_ca.ca_file()), "unknown CA", &good, "tls-other-ca-01");
    // Trusts the system's roots, which never signed a CA made here.
    assert_tls_refused(&url, short_timeouts(), "unknown CA", &good, "tls-system-roots-01");

    // Right CA, but the certificate names another host.
    let named = ca.server_cert(&["redis.example.internal"]);
    let elsewhere = RedisServer::start_tls(&named.cert, &named.key, &named.ca);
    let url = format!("rediss://127.0.0.1:{}", elsewhere.tls_port());
    assert_tls_refused(&url, short_timeouts().ca_file(ca.ca_file()), "name mismatch", &good, "tls-name-mismatch-01");

    // TLS to a port that speaks plain Redis: refused (Redis waits for the
    // rest of what it takes for an inline command, so this times out).
    let url = format!("rediss://localhost:{}", server.port());
    let plain = RedisOptions::default().ca_file(ca.ca_file()).connect_timeout(Duration::from_millis(300));
    let plain = verifier_on(RedisNonceStore::with_options(&url, plain).unwrap());
    let signed = signed_url("tls-plain-01", now_ms());
    unavailable_reason(plain.verify_url(&signed));
    assert!(good.verify_url(&signed).is_ok(), "never recorded");
}

#[test]
fn tls_refuses_the_handshake_a_server_refuses() {
    // `--tls-auth-clients yes`: the server asks for a client certificate
    // this store does not have, and ends the handshake.
    let ca = TestCa::new("mtls");
    let cert = ca.server_cert(&["localhost"]);
    let tls_port = free_port();
    let files = [&cert.cert, &cert.key, &cert.ca].map(|p| p.to_str().unwrap().to_owned());
    let server = RedisServer::start_with(&[
        "--tls-port",
        &tls_port.to_string(),
        "--tls-cert-file",
        &files[0],
        "--tls-key-file",
        &files[1],
        "--tls-ca-cert-file",
        &files[2],
        "--tls-auth-clients",
        "yes",
    ]);
    let good = verifier_on(RedisNonceStore::with_options(&server.url(), short_timeouts()).unwrap());
    let url = format!("rediss://localhost:{tls_port}");
    assert_tls_refused(&url, short_timeouts().ca_file(ca.ca_file()), "refused the TLS handshake", &good, "tls-mtls-01");
}

#[test]
fn settings_that_weaken_or_contradict_are_refused_at_construction() {
    let ca = TestCa::new("config");
    let cases = [
        ("rediss://localhost:6380/#insecure", RedisOptions::default(), "#insecure"),
        ("redis://localhost:6379", RedisOptions::default().ca_file(ca.ca_file()), "not rediss://"),
        ("rediss://localhost:6380", RedisOptions::default().ca_file(ca.dir().join("missing.pem")), "cannot be read"),
    ];
    for (url, options, says) in cases {
        let error = RedisNonceStore::with_options(url, options).unwrap_err();
        assert_eq!(error.field(), Some(Field::NonceStore), "{error:?}");
        assert!(error.to_string().contains(says), "{url}: {error}");
    }
    // A user without a password would quietly be Redis's `default` user.
    for (url, options) in [
        ("redis://verifier@localhost:6379", RedisOptions::default()),
        ("redis://localhost:6379", RedisOptions::default().username("verifier")),
    ] {
        let error = RedisNonceStore::with_options(url, options).unwrap_err();
        assert!(error.to_string().contains("`verifier` is given without a password"), "{url}: {error}");
    }
    let not_pem = ca.dir().join("not-a-cert.pem");
    std::fs::write(&not_pem, "hello").unwrap();
    let error = RedisNonceStore::with_options("rediss://localhost:6380", RedisOptions::default().ca_file(&not_pem))
        .unwrap_err();
    assert!(error.to_string().contains("no PEM certificate"), "{error}");
}

// ------------------------------------------------------------- ACL users

#[test]
fn an_acl_user_with_the_right_password_is_accepted_and_the_wrong_one_refused() {
    const PASSWORD: &str = "verifier-Pa55word-0001";
    let server = RedisServer::start();
    let port = server.port();
    let client = redis::Client::open(server.url()).unwrap();
    let mut conn = client.get_connection().unwrap();
    for (user, rules) in [("verifier", &["+set", "+echo", "+wait"][..]), ("no-wait", &["+set", "+echo"])] {
        let _: () = redis::cmd("ACL")
            .arg("SETUSER")
            .arg(user)
            .arg("on")
            .arg(format!(">{PASSWORD}"))
            .arg("~userhash:nonce:*")
            .arg(rules)
            .query(&mut conn)
            .unwrap();
    }
    // Off for the default user: only the ACL user gets in.
    let _: () = redis::cmd("ACL").arg("SETUSER").arg("default").arg("off").query(&mut conn).unwrap();

    let by_options = RedisOptions::default().username("verifier").password(PASSWORD);
    assert!(!format!("{by_options:?}").contains(PASSWORD));
    let verifier = verifier_on(RedisNonceStore::with_options(&server.url(), by_options).unwrap());
    let url = signed_url("acl-user-0001", now_ms());
    assert!(verifier.verify_url(&url).is_ok(), "user and password given as options");
    assert_eq!(verifier.verify_url(&url).unwrap_err(), Error::Replayed);

    let in_url = verifier_on(RedisNonceStore::new(&format!("redis://verifier:{PASSWORD}@127.0.0.1:{port}")).unwrap());
    assert_eq!(in_url.verify_url(&url).unwrap_err(), Error::Replayed, "the same user, in the URL");

    let wrong = RedisOptions::default().username("verifier").password("not-the-password");
    let wrong = verifier_on(RedisNonceStore::with_options(&server.url(), wrong).unwrap());
    let fresh = signed_url("acl-user-0002", now_ms());
    let reason = unavailable_reason(wrong.verify_url(&fresh));
    assert!(reason.contains("authentication to Redis") && reason.contains("check the user and password"), "{reason}");
    assert!(!reason.contains("not-the-password") && !reason.contains(PASSWORD), "{reason}");
    let no_user = RedisOptions::default().password(PASSWORD);
    let reason = unavailable_reason(
        verifier_on(RedisNonceStore::with_options(&server.url(), no_user).unwrap()).verify_url(&fresh),
    );
    assert!(reason.contains("authentication"), "the default user is off: {reason}");
    assert!(verifier.verify_url(&fresh).is_ok(), "refused URLs were never recorded");

    // WAIT needs its own permission; the reason says which.
    let options =
        RedisOptions::default().username("no-wait").password(PASSWORD).wait_for_replicas(1, Duration::from_millis(50));
    let reason = unavailable_reason(
        verifier_on(RedisNonceStore::with_options(&server.url(), options).unwrap())
            .verify_url(&signed_url("acl-user-0003", now_ms())),
    );
    assert!(reason.contains("'wait' command") && reason.contains("+set +echo +wait"), "{reason}");
}

// ------------------------------------------------------- WAIT, one server

#[test]
fn wait_accepts_once_a_replica_has_the_nonce_and_refuses_without_one() {
    let master = RedisServer::start_with(&["--repl-diskless-sync-delay", "0"]);
    let replica = RedisServer::start_with(&["--replicaof", "127.0.0.1", &master.port().to_string()]);
    wait_for_link(&replica);
    // WAIT returns as soon as the replica confirms; the timeout is generous
    // for a busy machine.
    let options = RedisOptions::default().wait_for_replicas(1, Duration::from_millis(3000));
    let verifier = verifier_on(RedisNonceStore::with_options(&master.url(), options.clone()).unwrap());
    let url = signed_url("wait-one-0001", now_ms());
    let first = verifier.verify_url(&url);
    assert!(first.is_ok(), "the replica confirmed it: {first:?}");
    let on_replica: Option<String> = query(&replica, redis::cmd("GET").arg("userhash:nonce:org_123:wait-one-0001"));
    assert_eq!(on_replica.as_deref(), Some("1"), "and holds it");
    assert_eq!(verifier.verify_url(&url).unwrap_err(), Error::Replayed);

    // Two replicas asked for, one there: refused, named, and the URL is spent.
    let two = verifier_on(
        RedisNonceStore::with_options(&master.url(), options.wait_for_replicas(2, Duration::from_millis(100))).unwrap(),
    );
    let url = signed_url("wait-two-0001", now_ms());
    let reason = unavailable_reason(two.verify_url(&url));
    assert!(reason.contains("of the 2 replicas asked for"), "{reason}");
    assert_eq!(two.verify_url(&url).unwrap_err(), Error::Replayed, "a retry finds the nonce on the master");
}

fn wait_for_link(replica: &RedisServer) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let info: String = query(replica, redis::cmd("INFO").arg("replication"));
        if info.contains("master_link_status:up") {
            return;
        }
        assert!(Instant::now() < deadline, "the replica did not connect: {info}");
        thread::sleep(Duration::from_millis(20));
    }
}

fn query<T: redis::FromRedisValue>(server: &RedisServer, cmd: &mut redis::Cmd) -> T {
    let client = redis::Client::open(server.url()).unwrap();
    let mut conn = client.get_connection_with_timeout(Duration::from_secs(5)).unwrap();
    cmd.query(&mut conn).unwrap()
}

// ---------------------------------------------------------------- Cluster

fn cluster_store(cluster: &RedisCluster, options: RedisOptions) -> RedisNonceStore {
    RedisNonceStore::cluster(cluster.urls(), options).unwrap()
}

/// URLs with fresh nonces, each with the slot of its key.
fn urls_with_slots(prefix: &str, count: usize) -> Vec<(String, u16)> {
    let t = now_ms();
    (0..count)
        .map(|i| {
            let nonce = format!("{prefix}-{i:05}");
            (signed_url(&nonce, t), key_slot(&format!("userhash:nonce:{ORG}:{nonce}")))
        })
        .collect()
}

const URLS_ENV: &str = "USERHASH_TEST_URLS_FILE";
const NODES_ENV: &str = "USERHASH_TEST_CLUSTER_NODES";
const START_ENV: &str = "USERHASH_TEST_START_AT_MS";
const WORKER_ENV: &str = "USERHASH_TEST_WORKER";
const CLUSTER_URLS: usize = 1000;
const PROCESSES: usize = 4;

/// Four OS processes (this test binary again, as `cluster_verifier_process`),
/// each with its own verifier and cluster store, verify the same 1000 URLs
/// at once from four threads each: every URL is accepted exactly once.
#[test]
fn cluster_four_processes_accept_each_url_exactly_once() {
    if std::env::var_os(WORKER_ENV).is_some() {
        return cluster_verifier_process();
    }
    let started = Instant::now();
    let cluster = RedisCluster::start();
    let made = started.elapsed();
    let t = now_ms();
    let urls: Vec<String> = (0..CLUSTER_URLS).map(|i| signed_url(&format!("cluster-4p-{i:05}"), t)).collect();
    let slots: std::collections::HashSet<u16> =
        (0..CLUSTER_URLS).map(|i| key_slot(&format!("userhash:nonce:{ORG}:cluster-4p-{i:05}"))).collect();
    let masters_hit: std::collections::HashSet<u16> = slots.iter().map(|&s| cluster.master_of_slot(s)).collect();
    assert_eq!(masters_hit.len(), 3, "the URLs' keys spread over every master");
    let file = std::env::temp_dir().join(format!("userhash-cluster-urls-{}.txt", std::process::id()));
    std::fs::write(&file, urls.join("\n")).unwrap();
    let start_at = now_ms() + 700;
    let children: Vec<_> = (0..PROCESSES)
        .map(|worker| {
            Command::new(std::env::current_exe().unwrap())
                .args(["cluster_four_processes_accept_each_url_exactly_once", "--exact", "--nocapture"])
                .args(["--test-threads", "1"])
                .env(URLS_ENV, &file)
                .env(NODES_ENV, cluster.urls().join(","))
                .env(START_ENV, start_at.to_string())
                .env(WORKER_ENV, worker.to_string())
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let (accepted_by, replayed) = workers::tally(children, CLUSTER_URLS);
    let _ = std::fs::remove_file(&file);
    assert_eq!(accepted_by.len(), CLUSTER_URLS, "every URL accepted");
    assert!(accepted_by.values().all(|w| w.len() == 1), "none accepted twice");
    assert_eq!(replayed, CLUSTER_URLS * (PROCESSES - 1));
    let per_process: Vec<usize> = (0..PROCESSES).map(|w| accepted_by.values().filter(|v| v[0] == w).count()).collect();
    eprintln!(
        "cluster made in {made:?}; {CLUSTER_URLS} URLs x {PROCESSES} processes in {:?}; accepted per process: {per_process:?}",
        started.elapsed() - made
    );
    assert!(per_process.iter().filter(|&&n| n > 0).count() > 1, "the processes ran at the same time");
}

fn cluster_verifier_process() {
    let urls: Vec<String> =
        std::fs::read_to_string(std::env::var(URLS_ENV).unwrap()).unwrap().lines().map(str::to_owned).collect();
    let nodes: Vec<String> = std::env::var(NODES_ENV).unwrap().split(',').map(str::to_owned).collect();
    let worker: usize = std::env::var(WORKER_ENV).unwrap().parse().unwrap();
    let start_at: u64 = std::env::var(START_ENV).unwrap().parse().unwrap();
    let verifier = verifier_on(RedisNonceStore::cluster(nodes, short_timeouts()).unwrap());
    while now_ms() < start_at {
        thread::sleep(Duration::from_millis(1));
    }
    let n = urls.len();
    let lines: Vec<String> = thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let (verifier, urls) = (&verifier, &urls);
                s.spawn(move || {
                    // 7 is coprime with 1000: each worker and thread its own order.
                    let offset = worker * 331 + t * 17;
                    (0..n)
                        .map(|k| (k * 7 + offset) % n)
                        .filter(|i| i % 4 == t)
                        .map(|i| match verifier.verify_url(&urls[i]) {
                            Ok(_) => format!("RESULT {i} accepted"),
                            Err(e) => format!("RESULT {i} {}", e.variant_name()),
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let mut out = std::io::stdout().lock();
    for line in lines {
        writeln!(out, "{line}").unwrap();
    }
}

/// A master killed mid-run: checks on its slots are refused (never
/// accepted) until its replica is promoted, then accepted; checks on other
/// masters' slots go on. Every URL accepted before the kill is verified
/// again after it: how many are accepted a second time is counted, without
/// WAIT and with WAIT 1 (which must be none).
#[test]
fn cluster_master_killed_fails_closed_until_its_replica_is_promoted() {
    let started = Instant::now();
    let mut cluster = RedisCluster::start();
    let made = started.elapsed();
    // Short timeouts, so that the outage shows as many refused checks.
    let quick =
        RedisOptions::default().connect_timeout(Duration::from_millis(200)).command_timeout(Duration::from_millis(300));
    let plain = verifier_on(cluster_store(&cluster, quick.clone()));
    let waiting = verifier_on(cluster_store(&cluster, quick.wait_for_replicas(1, Duration::from_millis(500))));
    let victim = cluster.masters()[0].clone();
    let replica = cluster.replica_of(victim.port);
    let on_victim = |slot: u16| victim.slots.iter().any(|&(a, b)| (a..=b).contains(&slot));
    let all = urls_with_slots("failover", 3000);
    let (victims, others): (Vec<_>, Vec<_>) = all.iter().partition(|(_, slot)| on_victim(*slot));
    let victims: Vec<&String> = victims.iter().map(|(u, _)| u).collect();
    let others: Vec<&String> = others.iter().map(|(u, _)| u).collect();

    // Before: both stores accept, on every master, up to the kill (a
    // check that times out on this busy 2-core machine is tried again).
    let (before_plain, rest) = victims.split_at(150);
    let (before_waiting, rest) = rest.split_at(150);
    let mut victims = rest.iter().copied();
    let mut others = others.iter().copied();
    let before_others: Vec<&String> = others.by_ref().take(50).collect();
    for (verifier, urls) in [(&plain, before_plain), (&waiting, before_waiting), (&plain, &before_others[..])] {
        for url in urls {
            let mut tries = 0;
            while let Err(e) = verifier.verify_url(url) {
                tries += 1;
                assert!(matches!(e, Error::StoreUnavailable { .. }) && tries < 5, "before the kill: {e:?}");
            }
        }
    }

    cluster.kill(victim.port);
    let killed = Instant::now();
    // Until its replica is a master, the victim's slots are refused, never
    // accepted (ROLE is asked after each acceptance; promotion is one-way),
    // while the others' are served.
    let (mut refused_during, mut others_served) = (0, 0);
    loop {
        let url = victims.next().expect("enough URLs for the outage");
        match plain.verify_url(url) {
            Ok(_) => {
                assert!(cluster.role_is_master(replica), "accepted on the victim's slot before its replica took over");
                break;
            }
            Err(Error::StoreUnavailable { .. }) => refused_during += 1,
            other => panic!("a fresh URL during the outage: {other:?}"),
        }
        match plain.verify_url(others.next().expect("enough URLs")) {
            Ok(_) => others_served += 1,
            Err(Error::StoreUnavailable { .. }) => {}
            other => panic!("a fresh URL on another master during the outage: {other:?}"),
        }
        assert!(killed.elapsed() < Duration::from_secs(30), "no promotion within 30 s");
    }
    let promoted_after = killed.elapsed();
    assert!(others_served > 0, "the other masters' slots were served during the outage");
    // From then on, fresh URLs are accepted (a check that times out on this
    // busy machine is refused, never accepted wrongly).
    let mut accepted_after = 0;
    while accepted_after < 50 {
        match plain.verify_url(victims.next().expect("enough URLs after the failover")) {
            Ok(_) => accepted_after += 1,
            Err(Error::StoreUnavailable { .. }) => {}
            other => panic!("after the failover: {other:?}"),
        }
        assert!(killed.elapsed() < Duration::from_secs(40), "not served again within 40 s");
    }
    let recovered_after = killed.elapsed();
    // The new master has no replica left: WAIT 1 refuses, as it promises.
    let reason = unavailable_reason(waiting.verify_url(victims.next().unwrap()));
    assert!(reason.contains("WAIT counted 0 of the 1 replicas"), "{reason}");

    // Every URL accepted before the kill, once more, on a new store.
    let again = verifier_on(cluster_store(&cluster, short_timeouts()));
    let twice_plain = before_plain.iter().filter(|u| again.verify_url(u).is_ok()).count();
    let twice_waiting = before_waiting.iter().filter(|u| again.verify_url(u).is_ok()).count();
    eprintln!(
        "cluster made in {made:?}; master killed: {refused_during} checks on its slots refused ({others_served} \
         on other masters served meanwhile), the first accepted {promoted_after:?} after the kill, 50 more by \
         {recovered_after:?}; accepted twice across the failover: {twice_plain} of 150 without WAIT, \
         {twice_waiting} of 150 with WAIT 1"
    );
    assert!(refused_during > 0, "the outage was seen");
    assert_eq!(twice_waiting, 0, "WAIT 1: no nonce confirmed by the replica is forgotten");
}

/// The replica is cut off from its master (as by a network partition), the
/// master takes writes, then dies: the promoted replica lacks them. Without
/// WAIT those URLs are accepted a second time; with WAIT 1 they were never
/// accepted (refused while the replica was cut off), so once each.
#[test]
fn cluster_failover_after_a_replication_cut_forgets_without_wait_never_with_wait() {
    let mut cluster = RedisCluster::start();
    let plain = verifier_on(cluster_store(&cluster, short_timeouts()));
    let waiting =
        verifier_on(cluster_store(&cluster, short_timeouts().wait_for_replicas(1, Duration::from_millis(100))));
    let victim = cluster.masters()[1].clone();
    let replica = cluster.replica_of(victim.port);
    let on_victim = |slot: u16| victim.slots.iter().any(|&(a, b)| (a..=b).contains(&slot));
    let urls: Vec<String> =
        urls_with_slots("cut", 600).into_iter().filter(|(_, s)| on_victim(*s)).map(|(u, _)| u).collect();
    let (for_plain, for_waiting) = urls.split_at(40);
    let for_waiting = &for_waiting[..20];

    cluster.cut_replication(victim.port);
    let deadline = Instant::now() + Duration::from_secs(10);
    while cluster.link_status(replica) != "down" {
        assert!(Instant::now() < deadline, "the replication link did not go down");
        thread::sleep(Duration::from_millis(10));
    }
    // Without WAIT the master alone takes them (a check that times out on
    // this busy machine is left out of the count: it may or may not have run).
    let accepted_plain: Vec<&String> = for_plain.iter().filter(|u| plain.verify_url(u).is_ok()).collect();
    // With WAIT 1 each is refused after the WAIT timeout (checked at once,
    // from a thread each).
    let reasons: Vec<String> = thread::scope(|s| {
        let handles: Vec<_> =
            for_waiting.iter().map(|url| s.spawn(|| unavailable_reason(waiting.verify_url(url)))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(
        reasons.iter().any(|r| r.contains("WAIT counted 0 of the 1 replicas")),
        "the refusals name WAIT: {reasons:?}"
    );

    cluster.kill(victim.port);
    cluster.wait_until_master(replica, Duration::from_secs(30));
    let after = verifier_on(cluster_store(&cluster, short_timeouts()));
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut plain_again = 0;
    let mut waiting_accepted = 0;
    for url in accepted_plain.iter().copied().chain(for_waiting) {
        let result = loop {
            match after.verify_url(url) {
                Err(Error::StoreUnavailable { .. }) if Instant::now() < deadline => {
                    thread::sleep(Duration::from_millis(50))
                }
                other => break other,
            }
        };
        if result.is_ok() {
            if for_plain.contains(url) {
                plain_again += 1
            } else {
                waiting_accepted += 1
            }
        }
    }
    eprintln!(
        "replication cut, then failover: accepted twice {plain_again} of {} without WAIT; with WAIT 1: \
         0 accepted while cut off, {waiting_accepted} of {} accepted once after",
        accepted_plain.len(),
        for_waiting.len()
    );
    assert_eq!(waiting_accepted, for_waiting.len(), "refused URLs were never accepted before, so now once");
    // Refused means never accepted: with WAIT 1 no URL is accepted twice.
}

// ------------------------------------------------------------------ async

/// `tasks` tokio tasks each verify every URL (in an order of their own);
/// returns how many times each URL was accepted and the other outcomes.
async fn verify_concurrently(
    verifier: Arc<Verifier>,
    urls: Arc<Vec<String>>,
    tasks: usize,
) -> (Vec<usize>, Vec<String>) {
    let accepted: Arc<Vec<AtomicUsize>> = Arc::new((0..urls.len()).map(|_| AtomicUsize::new(0)).collect());
    let mut set = tokio::task::JoinSet::new();
    for t in 0..tasks {
        let (verifier, urls, accepted) = (verifier.clone(), urls.clone(), accepted.clone());
        set.spawn(async move {
            let n = urls.len();
            let mut other = Vec::new();
            for k in 0..n {
                let i = (k * 7 + t * 13) % n;
                match verifier.verify_url_async(&urls[i]).await {
                    Ok(_) => {
                        accepted[i].fetch_add(1, Ordering::SeqCst);
                    }
                    Err(Error::Replayed) => {}
                    Err(e) => other.push(format!("{e}")),
                }
            }
            other
        });
    }
    let mut other = Vec::new();
    while let Some(result) = set.join_next().await {
        other.extend(result.unwrap());
    }
    (accepted.iter().map(|a| a.load(Ordering::SeqCst)).collect(), other)
}

fn assert_exactly_once(what: &str, (accepted, other): (Vec<usize>, Vec<String>)) {
    assert!(other.is_empty(), "{what}: {other:?}");
    assert!(accepted.iter().all(|&n| n == 1), "{what}: accepted {:?}", accepted.iter().filter(|&&n| n != 1).count());
}

fn async_urls(prefix: &str, n: usize) -> Arc<Vec<String>> {
    let t = now_ms();
    Arc::new((0..n).map(|i| signed_url(&format!("{prefix}-{i:04}"), t)).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_concurrent_async_verifications_accept_each_url_exactly_once() {
    let server = RedisServer::start();
    let verifier = Arc::new(verifier_on(RedisNonceStore::new(&server.url()).unwrap()));
    assert_exactly_once("single server", verify_concurrently(verifier.clone(), async_urls("async-one", 300), 16).await);
    // The sync API on the same store sees what the async one recorded.
    let urls = async_urls("async-mixed", 50);
    for url in urls.iter() {
        verifier.verify_url_async(url).await.unwrap();
    }
    let sync_verifier = verifier.clone();
    let urls_for_sync = urls.clone();
    let replayed = tokio::task::spawn_blocking(move || {
        urls_for_sync.iter().filter(|u| sync_verifier.verify_url(u) == Err(Error::Replayed)).count()
    })
    .await
    .unwrap();
    assert_eq!(replayed, 50);

    // The memory store, and a store of the user's own that blocks (called on
    // the blocking pool), through the same async API.
    let memory =
        Arc::new(Verifier::new([SECRET], ORG).unwrap().with_nonce_store(Arc::new(MemoryNonceStore::default())));
    assert_exactly_once("memory", verify_concurrently(memory, async_urls("async-memory", 300), 16).await);
    let blocking = Arc::new(Verifier::new([SECRET], ORG).unwrap().with_nonce_store(Arc::new(SlowStore::default())));
    assert_exactly_once("a blocking store", verify_concurrently(blocking, async_urls("async-slow", 40), 8).await);
}

#[tokio::test(flavor = "current_thread")]
async fn async_verification_on_one_thread_shares_the_connection_and_blocks_nothing() {
    // On a current-thread runtime a blocked thread would stall every task:
    // the Redis store's checks run on its own runtime, the slow store on the
    // blocking pool, and a timer task keeps ticking throughout.
    let server = RedisServer::start();
    let verifier = Arc::new(verifier_on(RedisNonceStore::new(&server.url()).unwrap()));
    let ticks = Arc::new(AtomicUsize::new(0));
    let ticker = {
        let ticks = ticks.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(5)).await;
                ticks.fetch_add(1, Ordering::SeqCst);
            }
        })
    };
    assert_exactly_once("current thread", verify_concurrently(verifier.clone(), async_urls("async-ct", 200), 8).await);
    let blocking = Arc::new(Verifier::new([SECRET], ORG).unwrap().with_nonce_store(Arc::new(SlowStore::default())));
    let before = ticks.load(Ordering::SeqCst);
    assert_exactly_once("a blocking store", verify_concurrently(blocking, async_urls("async-ct-slow", 20), 4).await);
    assert!(ticks.load(Ordering::SeqCst) > before, "the timer task ran while the slow store was called");
    ticker.abort();
    let clients: String = query(&server, redis::cmd("CLIENT").arg("LIST"));
    // One connection for every async check (and this query's own).
    assert_eq!(clients.lines().count(), 2, "{clients}");
}

/// A cluster whose nodes speak TLS (`tls-cluster yes`: they name their TLS
/// ports to a client on TLS): exactly once across concurrent async checks,
/// and a client that trusts another CA refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_verification_on_a_tls_cluster_accepts_each_url_exactly_once() {
    let ca = TestCa::new("cluster");
    let cert = ca.server_cert(&["127.0.0.1"]);
    let cluster =
        tokio::task::spawn_blocking(move || RedisCluster::start_tls(&cert.cert, &cert.key, &cert.ca)).await.unwrap();
    let options = short_timeouts().ca_file(ca.ca_file());
    let verifier = Arc::new(verifier_on(RedisNonceStore::cluster(cluster.tls_urls(), options).unwrap()));
    assert_exactly_once("cluster", verify_concurrently(verifier.clone(), async_urls("async-cluster", 300), 16).await);
    let other_ca = TestCa::new("not-the-cluster's");
    let stranger = RedisNonceStore::cluster(cluster.tls_urls(), short_timeouts().ca_file(other_ca.ca_file())).unwrap();
    let url = signed_url("async-cluster-stranger", now_ms());
    let reason = unavailable_reason(verifier_on(stranger).verify_url_async(&url).await);
    assert!(reason.contains("unknown CA"), "{reason}");
    assert!(verifier.verify_url_async(&url).await.is_ok(), "never recorded");
    tokio::task::spawn_blocking(move || drop(cluster)).await.unwrap();
}

/// The ECHO token carries over to the shared multiplexed connection: a
/// reply nobody asked for, arriving ahead of a check's answers, makes that
/// check refused (never accepted on a reply not its own), and the shared
/// connection is dropped for a new one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stray_reply_on_the_shared_async_connection_accepts_nothing_on_it() {
    let server = RedisServer::start();
    let proxy = StrayReplyProxy::start(server.port());
    let verifier = verifier_on(RedisNonceStore::new(&proxy.url()).unwrap());
    verifier.verify_url_async(&signed_url("async-stray-warm", now_ms())).await.unwrap();
    let t = now_ms();
    let used: Vec<String> = (0..3)
        .map(|i| {
            let nonce = format!("async-stray-used-{i}");
            let _: () = query(&server, redis::cmd("SET").arg(format!("userhash:nonce:{ORG}:{nonce}")).arg(1));
            signed_url(&nonce, t)
        })
        .collect();
    let new: Vec<String> = (0..3).map(|i| signed_url(&format!("async-stray-new-{i}"), t)).collect();
    let order = [&used[0], &new[0], &used[1], &new[1], &used[2], &new[2], &new[0], &new[1], &new[2], &used[0]];
    proxy.inject_before_next_reply();
    let mut accepted: HashMap<&str, usize> = HashMap::new();
    let mut refused = Vec::new();
    for url in order {
        match verifier.verify_url_async(url).await {
            Ok(_) => *accepted.entry(url.as_str()).or_default() += 1,
            Err(Error::Replayed) => {}
            Err(e) => refused.push(e),
        }
    }
    assert!(!proxy.injection_pending(), "the stray reply was sent");
    for url in &used {
        assert_eq!(accepted.get(url.as_str()), None, "a used URL was accepted on a reply not its own");
    }
    for url in &new {
        assert_eq!(accepted.get(url.as_str()), Some(&1), "each new URL once: {accepted:?} {refused:?}");
    }
    assert_eq!(refused.len(), 1, "{refused:?}");
    let reason = unavailable_reason(Err::<(), _>(refused.pop().unwrap()));
    assert!(reason.contains("a reply that matches no command"), "{reason}");
    assert_eq!(proxy.opened(), 2, "the shared connection was replaced once");
}

/// A store that blocks its thread for each check, as one over a database
/// driver without async would: a mutex-guarded set, 2 ms a call.
#[derive(Default)]
struct SlowStore {
    seen: std::sync::Mutex<std::collections::HashSet<String>>,
}

impl NonceStore for SlowStore {
    fn check_and_insert(&self, org_id: &str, nonce: &str, _expires_at_ms: u64, _now_ms: u64) -> userhash::Result<bool> {
        thread::sleep(Duration::from_millis(2));
        Ok(self.seen.lock().unwrap().insert(format!("{org_id}|{nonce}")))
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}
