//! `RedisNonceStore` against a real `redis-server` (started and stopped by
//! each test; see support/redis_server.rs): replay, TTL, prefix, fail closed
//! and recovery, timeouts against a hung server, a reply that answers no
//! command, no password in any message, and exactly once across four
//! verifier processes.
//!
//! Built with the `redis` feature, which `cargo test --workspace` turns on
//! (the bindings and the CLI enable it).

// Test code: a panic is the failure report (clippy.toml allows unwrap in #[test] functions only).
#![allow(clippy::unwrap_used)]
#![cfg(feature = "redis")]

#[path = "support/race.rs"]
mod race;
#[path = "support/redis_server.rs"]
mod redis_server;
#[path = "support/stray_reply_proxy.rs"]
mod stray_reply_proxy;
#[path = "support/workers.rs"]
mod workers;

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use race::race;
use redis_server::RedisServer;
use stray_reply_proxy::StrayReplyProxy;
use userhash::{now_ms, widget_url, Error, Field, IdentitySigner, NonceStore, RedisNonceStore, RedisOptions, Verifier};

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

fn store(server: &RedisServer) -> RedisNonceStore {
    RedisNonceStore::new(&server.url()).unwrap()
}

/// One command on its own connection, for looking at what the store wrote.
fn redis_query<T: redis::FromRedisValue>(server: &RedisServer, cmd: &mut redis::Cmd) -> T {
    let client = redis::Client::open(server.url()).unwrap();
    let mut conn = client.get_connection_with_timeout(Duration::from_secs(5)).unwrap();
    cmd.query(&mut conn).unwrap()
}

fn pttl(server: &RedisServer, key: &str) -> i64 {
    redis_query(server, redis::cmd("PTTL").arg(key))
}

fn unavailable_reason(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(Error::StoreUnavailable { reason }) => reason,
        other => panic!("expected StoreUnavailable, got {other:?}"),
    }
}

#[test]
fn a_nonce_is_accepted_once_then_replayed() {
    let server = RedisServer::start();
    let verifier = verifier_on(store(&server));
    let url = signed_url("redis-once-0001", now_ms());
    assert_eq!(verifier.verify_url(&url).unwrap().nonce, "redis-once-0001");
    assert_eq!(verifier.verify_url(&url).unwrap_err(), Error::Replayed);
    // A second store (another process's) on the same Redis sees it too.
    let other = verifier_on(store(&server));
    assert_eq!(other.verify_url(&url).unwrap_err(), Error::Replayed);
    // The trait directly: true once, then false.
    let s = store(&server);
    let t = now_ms();
    assert!(s.check_and_insert("org:with:colons", "direct-nonce", t + 60_000, t).unwrap());
    assert!(!s.check_and_insert("org:with:colons", "direct-nonce", t + 60_000, t).unwrap());
    // Another org that is a prefix of this one up to a `:` is another key
    // (a nonce never has a `:`, so keys split at their last one).
    assert!(s.check_and_insert("org:with", "direct-nonce", t + 60_000, t).unwrap());
}

#[test]
fn sixteen_threads_racing_one_nonce_exactly_one_wins() {
    let server = RedisServer::start();
    let verifier = verifier_on(store(&server));
    for round in 0..10 {
        let url = signed_url(&format!("redis-race-{round:04}"), now_ms());
        let results = race(16, || verifier.verify_url(&url));
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "round {round}: {results:?}");
        assert!(results.iter().filter(|r| r.is_err()).all(|r| r.as_ref().unwrap_err() == &Error::Replayed));
    }
}

#[test]
fn the_key_lives_until_the_timestamp_leaves_the_window() {
    let server = RedisServer::start();
    let verifier = verifier_on(store(&server)).with_tolerance_ms(3_000);
    // Signed 1 s ago with a 3 s tolerance: live for 2 s more.
    let t = now_ms();
    verifier.verify_url_at(&signed_url("redis-ttl-0001", t - 1_000), t).unwrap();
    let ttl = pttl(&server, "userhash:nonce:org_123:redis-ttl-0001");
    assert!((1_500..=2_000).contains(&ttl), "PTTL {ttl}, expected just under 2000");

    // A short window: the key is gone once it has passed, so memory does not grow.
    let verifier = verifier_on(store(&server)).with_tolerance_ms(300);
    let t = now_ms();
    verifier.verify_url_at(&signed_url("redis-ttl-0002", t), t).unwrap();
    let key = "userhash:nonce:org_123:redis-ttl-0002";
    let ttl = pttl(&server, key);
    assert!((1..=300).contains(&ttl), "PTTL {ttl}, expected at most 300");
    thread::sleep(Duration::from_millis(450));
    assert_eq!(pttl(&server, key), -2, "the key has expired and is gone");
    let count: i64 = redis_query(&server, &mut redis::cmd("DBSIZE"));
    assert_eq!(count, 1, "only the 2 s key is left");

    // At the edge (expires_at == now) and past it: at least 1 ms, never "no expiry".
    let s = store(&server);
    assert!(s.check_and_insert(ORG, "redis-ttl-edge", t, t).unwrap());
    assert!(s.check_and_insert(ORG, "redis-ttl-past", t - 5_000, t).unwrap());
    for key in ["userhash:nonce:org_123:redis-ttl-edge", "userhash:nonce:org_123:redis-ttl-past"] {
        let ttl = pttl(&server, key);
        // -2: already gone; 0..=1: about to go. -1 (no expiry) would fail.
        assert!(ttl == -2 || (0..=1).contains(&ttl), "{key} is not kept: PTTL {ttl}");
    }
}

#[test]
fn the_prefix_is_honoured_and_separates_stores() {
    let server = RedisServer::start();
    let a = RedisNonceStore::with_options(&server.url(), RedisOptions::default().prefix("tenant-a:nonces")).unwrap();
    let b = RedisNonceStore::with_options(&server.url(), RedisOptions::default().prefix("tenant-b")).unwrap();
    assert_eq!(a.prefix(), "tenant-a:nonces");
    let t = now_ms();
    assert!(a.check_and_insert("org:1", "prefix-nonce", t + 10_000, t).unwrap());
    assert!(b.check_and_insert("org:1", "prefix-nonce", t + 10_000, t).unwrap(), "another prefix, another namespace");
    assert!(!a.check_and_insert("org:1", "prefix-nonce", t + 10_000, t).unwrap());
    let mut keys: Vec<String> = redis_query(&server, redis::cmd("KEYS").arg("*"));
    keys.sort();
    assert_eq!(keys, ["tenant-a:nonces:org:1:prefix-nonce", "tenant-b:org:1:prefix-nonce"]);
    let value: String = redis_query(&server, redis::cmd("GET").arg("tenant-b:org:1:prefix-nonce"));
    assert_eq!(value, "1");
}

#[test]
fn redis_stopped_refuses_every_verification_then_recovers_without_a_new_verifier() {
    let mut server = RedisServer::start();
    let options = RedisOptions::default().connect_timeout(Duration::from_millis(300));
    let verifier = Arc::new(verifier_on(RedisNonceStore::with_options(&server.url(), options).unwrap()));
    let before = signed_url("redis-down-before", now_ms());
    verifier.verify_url(&before).unwrap();
    // Warm the pool with several connections, so stale ones are there when it stops.
    thread::scope(|s| {
        for i in 0..4 {
            let verifier = &verifier;
            s.spawn(move || verifier.verify_url(&signed_url(&format!("redis-down-warm-{i}"), now_ms())).unwrap());
        }
    });

    server.stop();
    let during: Vec<String> = (0..40).map(|i| signed_url(&format!("redis-down-during-{i:03}"), now_ms())).collect();
    let results: Vec<Result<_, Error>> = thread::scope(|s| {
        let handles: Vec<_> = during
            .chunks(10)
            .map(|chunk| {
                let verifier = &verifier;
                s.spawn(move || chunk.iter().map(|url| verifier.verify_url(url)).collect::<Vec<_>>())
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(results.len(), 40);
    for result in results {
        let reason = unavailable_reason(result);
        assert!(reason.contains("refused") || reason.contains("closed"), "the reason names the cause: {reason}");
        assert!(reason.contains(&format!("127.0.0.1:{}", server.port())), "and the server: {reason}");
    }
    // A replay of a URL accepted before the outage is refused too (not accepted, not "Replayed").
    let reason = unavailable_reason(verifier.verify_url(&before));
    assert!(reason.contains("connection refused"), "{reason}");

    server.restart();
    let after = signed_url("redis-down-after", now_ms());
    assert_eq!(verifier.verify_url(&after).unwrap().nonce, "redis-down-after", "works again, same verifier");
    assert_eq!(verifier.verify_url(&after).unwrap_err(), Error::Replayed);
    // The URLs refused in the outage were never recorded: each is good once now.
    assert!(verifier.verify_url(&during[0]).is_ok());
    assert_eq!(verifier.verify_url(&during[0]).unwrap_err(), Error::Replayed);
}

#[test]
fn redis_refusing_the_write_is_store_unavailable() {
    // Out of memory with no eviction: Redis answers SET with an error (as a
    // read-only replica or a missing ACL permission would). Refused, named.
    let server = RedisServer::start();
    let verifier = verifier_on(store(&server));
    let _: () = redis_query(&server, redis::cmd("CONFIG").arg("SET").arg("maxmemory-policy").arg("noeviction"));
    let _: () = redis_query(&server, redis::cmd("CONFIG").arg("SET").arg("maxmemory").arg(1));
    let url = signed_url("redis-oom-0001", now_ms());
    let reason = unavailable_reason(verifier.verify_url(&url));
    assert!(reason.contains("OOM"), "the reason says what Redis said: {reason}");
    let _: () = redis_query(&server, redis::cmd("CONFIG").arg("SET").arg("maxmemory").arg(0));
    assert!(verifier.verify_url(&url).is_ok(), "never recorded, so good once Redis takes writes");
}

#[test]
fn a_hung_redis_is_refused_within_the_timeouts() {
    let server = RedisServer::start();
    let timeout = Duration::from_millis(200);
    let options = RedisOptions::default().connect_timeout(timeout).command_timeout(timeout);
    let pooled = RedisNonceStore::with_options(&server.url(), options.clone()).unwrap();
    let t = now_ms();
    assert!(pooled.check_and_insert(ORG, "hung-warm", t + 60_000, t).unwrap(), "a connection is now pooled");

    server.pause();
    // On the pooled connection: the command's answer never comes.
    let start = Instant::now();
    let reason = unavailable_reason(pooled.check_and_insert(ORG, "hung-0001", t + 60_000, t));
    let waited = start.elapsed();
    assert!(waited >= timeout && waited < Duration::from_millis(1_000), "waited {waited:?}");
    assert!(reason.contains("timed out") && reason.contains("200 ms command timeout"), "{reason}");
    // On a new connection: TCP connects (the kernel accepts), the handshake never answers.
    let fresh = RedisNonceStore::with_options(&server.url(), options).unwrap();
    let start = Instant::now();
    let reason = unavailable_reason(fresh.check_and_insert(ORG, "hung-0002", t + 60_000, t));
    let waited = start.elapsed();
    assert!(waited < Duration::from_millis(1_000), "waited {waited:?}");
    assert!(reason.contains("timed out") && reason.contains("200 ms connect timeout"), "{reason}");

    server.resume();
    assert!(pooled.check_and_insert(ORG, "hung-0003", t + 60_000, t).unwrap(), "answers again after it resumes");
    assert!(fresh.check_and_insert(ORG, "hung-0004", t + 60_000, t).unwrap());
}

// ------------------------------------------- a reply that answers no command

/// The check that read a stray reply is refused, and its reason says so.
fn assert_refused_for_stray_reply(result: Result<impl std::fmt::Debug, Error>, proxy: &StrayReplyProxy) {
    let reason = unavailable_reason(result);
    assert!(reason.contains("a reply that matches no command"), "names the cause: {reason}");
    assert!(reason.contains("connection was closed"), "says what was done: {reason}");
    assert!(reason.contains(&proxy.url()["redis://".len()..]), "names the server: {reason}");
}

/// Issue 12, defect 10: one unsolicited `+OK` waiting in an idle pooled
/// connection. Taken for an answer, it shifts every later reply by one, and
/// each check reads the answer meant for the one before (the issue saw
/// Replayed, accepted, Replayed for three replays of one URL; here it was
/// accepted, Replayed, Replayed). The connection must be closed, and nothing
/// accepted on a reply that was not its own.
#[test]
fn a_stray_reply_in_an_idle_connection_is_never_taken_for_an_answer() {
    let server = RedisServer::start();
    let proxy = StrayReplyProxy::start(server.port());
    let verifier = verifier_on(RedisNonceStore::new(&proxy.url()).unwrap());
    let url = signed_url("stray-idle-0001", now_ms());
    verifier.verify_url(&url).unwrap();
    assert_eq!(proxy.inject_now(), 1, "the stray reply went into the one pooled connection");

    let replays: Vec<_> = (0..3).map(|_| verifier.verify_url(&url)).collect();
    assert!(replays.iter().all(Result::is_err), "a replay was accepted: {replays:?}");
    let mut replays = replays.into_iter();
    assert_refused_for_stray_reply(replays.next().unwrap(), &proxy);
    assert!(replays.all(|r| r.unwrap_err() == Error::Replayed), "then Replayed, on a new connection");
    proxy.wait_until_closed_by_client(1);
    assert_eq!(proxy.opened(), 2, "the poisoned connection was closed and one new one opened");

    for i in 0..5 {
        let url = signed_url(&format!("stray-idle-after-{i}"), now_ms());
        assert!(verifier.verify_url(&url).is_ok(), "URL {i} is new");
        assert_eq!(verifier.verify_url(&url).unwrap_err(), Error::Replayed);
    }
    assert_eq!((proxy.opened(), proxy.closed_by_client()), (2, 1), "the new connection is kept and reused");
}

/// The same reply arriving while a check waits for its answer, among URLs
/// that another verifier already accepted (their keys exist, so their only
/// right answer is Replayed) and new ones: no used URL is accepted, no new
/// one twice, and each new one once.
#[test]
fn a_stray_reply_ahead_of_an_answer_accepts_no_url_on_it() {
    let server = RedisServer::start();
    let proxy = StrayReplyProxy::start(server.port());
    let verifier = verifier_on(RedisNonceStore::new(&proxy.url()).unwrap());
    verifier.verify_url(&signed_url("stray-flight-warm", now_ms())).unwrap();
    let t = now_ms();
    let used: Vec<String> = (0..3)
        .map(|i| {
            let nonce = format!("stray-flight-used-{i}");
            let _: () = redis_query(&server, redis::cmd("SET").arg(format!("userhash:nonce:{ORG}:{nonce}")).arg(1));
            signed_url(&nonce, t)
        })
        .collect();
    let new: Vec<String> = (0..3).map(|i| signed_url(&format!("stray-flight-new-{i}"), t)).collect();
    let order = [&used[0], &new[0], &used[1], &new[1], &used[2], &new[2], &new[0], &new[1], &new[2], &used[0]];

    proxy.inject_before_next_reply();
    let mut accepted: HashMap<&str, usize> = HashMap::new();
    let mut refused = Vec::new();
    for url in order {
        match verifier.verify_url(url) {
            Ok(_) => *accepted.entry(url.as_str()).or_default() += 1,
            Err(Error::Replayed) => {}
            other => refused.push(other),
        }
    }
    assert!(!proxy.injection_pending(), "the stray reply was sent");
    for (i, url) in used.iter().enumerate() {
        assert_eq!(accepted.get(url.as_str()), None, "used URL {i} was accepted on a reply not its own");
    }
    for (i, url) in new.iter().enumerate() {
        assert_eq!(
            accepted.get(url.as_str()),
            Some(&1),
            "new URL {i}: accepted once, not {:?}",
            accepted.get(url.as_str())
        );
    }
    assert_eq!(refused.len(), 1, "only the check that met the stray reply is refused: {refused:?}");
    assert_refused_for_stray_reply(refused.pop().unwrap(), &proxy);
    proxy.wait_until_closed_by_client(1);
    assert_eq!(proxy.opened(), 2);
}

#[test]
fn no_message_shows_the_password_of_the_url() {
    const PASSWORD: &str = "s3cret-Redis-pa55word";
    let server = RedisServer::start_with(&["--requirepass", PASSWORD]);
    let port = server.port();
    let t = now_ms();

    let good = RedisNonceStore::new(&format!("redis://:{PASSWORD}@127.0.0.1:{port}")).unwrap();
    assert!(good.check_and_insert(ORG, "auth-nonce-1", t + 10_000, t).unwrap(), "the right password works");
    assert!(!format!("{good:?}").contains(PASSWORD), "{good:?}");

    let apart = RedisOptions::default().password(PASSWORD);
    assert!(!format!("{apart:?}").contains(PASSWORD), "{apart:?}");
    let apart = RedisNonceStore::with_options(&server.url(), apart).unwrap();
    assert!(apart.check_and_insert(ORG, "auth-nonce-5", t + 10_000, t).unwrap(), "a password given apart works");

    let wrong = RedisNonceStore::new(&format!("redis://:wrong-{PASSWORD}@127.0.0.1:{port}")).unwrap();
    let reason = unavailable_reason(wrong.check_and_insert(ORG, "auth-nonce-2", t + 10_000, t));
    assert!(reason.contains("authentication"), "names the cause: {reason}");
    assert!(!reason.contains(PASSWORD), "{reason}");

    let none = RedisNonceStore::new(&server.url()).unwrap();
    let reason = unavailable_reason(none.check_and_insert(ORG, "auth-nonce-3", t + 10_000, t));
    assert!(reason.contains("authentication"), "names the cause: {reason}");

    let nobody = RedisServer::start();
    let closed_port = nobody.port();
    drop(nobody);
    let refused = RedisNonceStore::new(&format!("redis://user:{PASSWORD}@127.0.0.1:{closed_port}/2")).unwrap();
    let error = refused.check_and_insert(ORG, "auth-nonce-4", t + 10_000, t).unwrap_err();
    assert!(!error.to_string().contains(PASSWORD) && !format!("{error:?}").contains(PASSWORD), "{error}");
    assert!(!format!("{refused:?}").contains(PASSWORD));

    for url in [
        format!("redis://:{PASSWORD}@127.0.0.1:notaport"),
        format!("redis://:{PASSWORD}@127.0.0.1:{port}/notadb"),
        format!("rediss://:{PASSWORD}@127.0.0.1:notaport"),
        format!("http://:{PASSWORD}@127.0.0.1:{port}"),
    ] {
        let error = RedisNonceStore::new(&url).unwrap_err();
        assert!(matches!(&error, Error::Malformed { field: Field::NonceStore, .. }), "{url}: {error:?}");
        assert!(!format!("{error} {error:?}").contains(PASSWORD), "{error:?}");
        assert!(error.to_string().contains("redis://"), "says how to write it: {error}");
    }
}

#[test]
fn an_acl_user_needs_set_and_echo_and_is_told_so() {
    // Each check is SET NX and ECHO (the ECHO proves the replies are its own).
    let server = RedisServer::start();
    let port = server.port();
    let t = now_ms();
    for (user, rules) in [("set-only", &["+set"][..]), ("set-echo", &["+set", "+echo"])] {
        let mut acl = redis::cmd("ACL");
        acl.arg("SETUSER").arg(user).arg("on").arg(">pw-of-the-user").arg("~userhash:nonce:*").arg(rules);
        let _: () = redis_query(&server, &mut acl);
    }
    let allowed = RedisNonceStore::new(&format!("redis://set-echo:pw-of-the-user@127.0.0.1:{port}")).unwrap();
    assert!(allowed.check_and_insert(ORG, "acl-nonce-1", t + 10_000, t).unwrap());
    assert!(!allowed.check_and_insert(ORG, "acl-nonce-1", t + 10_000, t).unwrap());

    let set_only = RedisNonceStore::new(&format!("redis://set-only:pw-of-the-user@127.0.0.1:{port}")).unwrap();
    let reason = unavailable_reason(set_only.check_and_insert(ORG, "acl-nonce-2", t + 10_000, t));
    assert!(reason.contains("may not run") && reason.contains("'echo' command"), "says what Redis refused: {reason}");
    assert!(reason.contains("+set +echo ~userhash:nonce:*"), "and how to allow it: {reason}");
    assert!(!reason.contains("pw-of-the-user"), "{reason}");
}

#[test]
fn a_malformed_configuration_is_refused_at_construction() {
    let cases: [(&str, RedisOptions, &str); 4] = [
        ("not a url", RedisOptions::default(), "Redis URL"),
        ("redis://127.0.0.1:6379", RedisOptions::default().prefix(""), "prefix"),
        ("redis://127.0.0.1:6379", RedisOptions::default().connect_timeout(Duration::ZERO), "connect timeout"),
        ("redis://127.0.0.1:6379", RedisOptions::default().command_timeout(Duration::ZERO), "command timeout"),
    ];
    for (url, options, says) in cases {
        let error = RedisNonceStore::with_options(url, options).unwrap_err();
        assert_eq!(error.field(), Some(Field::NonceStore), "{error:?}");
        assert!(error.to_string().contains(says), "{error}");
    }
    // Redis need not be up to make a store: a verifier starts while Redis restarts.
    assert!(RedisNonceStore::new("redis://127.0.0.1:1").is_ok());
}

// ------------------------------------------------- exactly once, four processes

const URLS_ENV: &str = "USERHASH_TEST_URLS_FILE";
const REDIS_ENV: &str = "USERHASH_TEST_REDIS_URL";
const START_ENV: &str = "USERHASH_TEST_START_AT_MS";
const WORKER_ENV: &str = "USERHASH_TEST_WORKER";
const URLS: usize = 200;
const PROCESSES: usize = 4;

/// Four separate OS processes (this test binary again, running this test
/// with `USERHASH_TEST_WORKER` set, which makes it `verifier_process`), each
/// with its own Verifier and RedisNonceStore on one Redis, verify the same 200
/// URLs at the same time, each in its own order and from four threads. Every
/// URL must be accepted exactly once in all.
#[test]
fn four_processes_accept_each_url_exactly_once() {
    if std::env::var_os(WORKER_ENV).is_some() {
        return verifier_process();
    }
    let server = RedisServer::start();
    let urls: Vec<String> = (0..URLS).map(|i| signed_url(&format!("cross-process-{i:04}"), now_ms())).collect();
    let file = std::env::temp_dir().join(format!("userhash-urls-{}.txt", std::process::id()));
    std::fs::write(&file, urls.join("\n")).unwrap();
    let start_at = now_ms() + 500; // all four start together, once spawned
    let children: Vec<_> = (0..PROCESSES)
        .map(|worker| {
            Command::new(std::env::current_exe().unwrap())
                .args(["four_processes_accept_each_url_exactly_once", "--exact", "--nocapture", "--test-threads", "1"])
                .env(URLS_ENV, &file)
                .env(REDIS_ENV, server.url())
                .env(START_ENV, start_at.to_string())
                .env(WORKER_ENV, worker.to_string())
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let (accepted_by, replayed) = workers::tally(children, URLS);
    let _ = std::fs::remove_file(&file);
    let total: usize = accepted_by.values().map(Vec::len).sum();
    assert_eq!(total, URLS, "accepted {total} times in all");
    assert_eq!(accepted_by.len(), URLS, "every URL accepted once");
    assert!(accepted_by.values().all(|w| w.len() == 1));
    assert_eq!(replayed, URLS * (PROCESSES - 1));
    let per_process: Vec<usize> = (0..PROCESSES).map(|w| accepted_by.values().filter(|v| v[0] == w).count()).collect();
    eprintln!("URLs accepted per process: {per_process:?}");
    assert!(per_process.iter().filter(|&&n| n > 0).count() > 1, "the processes ran at the same time: {per_process:?}");
}

/// One verifier process of `four_processes_accept_each_url_exactly_once`
/// (not a test of its own, so nothing is reported as ignored).
fn verifier_process() {
    let file = std::env::var(URLS_ENV).expect("run by four_processes_accept_each_url_exactly_once");
    let urls: Vec<String> = std::fs::read_to_string(file).unwrap().lines().map(str::to_owned).collect();
    let worker: usize = std::env::var(WORKER_ENV).unwrap().parse().unwrap();
    let start_at: u64 = std::env::var(START_ENV).unwrap().parse().unwrap();
    let verifier = verifier_on(RedisNonceStore::new(&std::env::var(REDIS_ENV).unwrap()).unwrap());
    while now_ms() < start_at {
        thread::sleep(Duration::from_millis(1));
    }
    let n = urls.len();
    let lines: Vec<String> = thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let (verifier, urls) = (&verifier, &urls);
                s.spawn(move || {
                    // Thread t of this worker takes every fourth URL, in an order of its own
                    // (7 is coprime with 200, so this is a permutation).
                    let offset = worker * 53 + t * 11;
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
