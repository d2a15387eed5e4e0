//! `--redis URL` for `verify-url` and `demo`, against a real redis-server
//! (started and stopped by each test): separate processes refuse each
//! other's URLs, Redis down is a rejection (`StoreUnavailable`, exit 1), a
//! password never goes on the command line; TLS with a CA file and an ACL
//! user by flags; several URLs only as a cluster's nodes.

mod common;

#[path = "../../core/tests/support/redis_server.rs"]
mod redis_server;
#[path = "../../core/tests/support/tls_certs.rs"]
mod tls_certs;

use common::{http, run, userhash, widget_path, DemoRun, Out, CLI_SECRET, SECRET};
use redis_server::RedisServer;
use tls_certs::TestCa;

fn signed_url(nonce: &str) -> String {
    let t = userhash::now_ms().to_string();
    let out = run(userhash(&[
        "widget-url",
        "--base",
        "https://widget.example.com/",
        "--org",
        "org_123",
        "--email",
        "a+b@example.com",
        "--timestamp",
        &t,
        "--nonce",
        nonce,
    ])
    .env("USERHASH_SECRET", SECRET));
    assert_eq!(out.code, 0, "{out:?}");
    out.stdout.trim_end().to_owned()
}

fn verify(url: &str, redis: &str) -> Out {
    run(userhash(&["verify-url", url, "--org", "org_123", "--redis", redis]).env("USERHASH_SECRET", SECRET))
}

#[test]
fn verify_url_processes_sharing_redis_refuse_a_replay() {
    let server = RedisServer::start();
    let url = signed_url("cli-redis-0001");
    let first = verify(&url, &server.url());
    assert_eq!(first.code, 0, "{first:?}");
    assert!(first.stdout.contains("\"nonce\":\"cli-redis-0001\""), "{first:?}");
    let second = verify(&url, &server.url());
    assert_eq!(second.code, 1, "{second:?}");
    assert!(second.stderr.starts_with("Replayed:"), "{second:?}");
    // Without --redis each run has its own store, as before.
    let alone = run(userhash(&["verify-url", &url, "--org", "org_123"]).env("USERHASH_SECRET", SECRET));
    assert_eq!(alone.code, 0, "{alone:?}");
}

#[test]
fn verify_url_with_redis_down_is_refused() {
    let mut server = RedisServer::start();
    let url = server.url();
    server.stop();
    let out = verify(&signed_url("cli-redis-0002"), &url);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.starts_with("StoreUnavailable:"), "{out:?}");
    assert!(out.stderr.contains("connection refused"), "{out:?}");
    assert!(out.stdout.is_empty(), "nothing verified: {out:?}");
}

#[test]
fn a_redis_password_comes_from_the_environment_never_argv() {
    const PASSWORD: &str = "cli-redis-pa55word-1";
    let server = RedisServer::start_with(&["--requirepass", PASSWORD]);
    let with_password = format!("redis://:{PASSWORD}@127.0.0.1:{}", server.port());
    let out = verify(&signed_url("cli-redis-0003"), &with_password);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("USERHASH_REDIS_PASSWORD"), "{out:?}");
    assert!(!out.stderr.contains(PASSWORD), "{out:?}");

    let url = signed_url("cli-redis-0004");
    let no_password = verify(&url, &server.url());
    assert_eq!(no_password.code, 1, "{no_password:?}");
    assert!(no_password.stderr.starts_with("StoreUnavailable:") && no_password.stderr.contains("authentication"));

    let mut c = userhash(&["verify-url", &url, "--org", "org_123", "--redis", &server.url()]);
    c.env("USERHASH_SECRET", SECRET).env("USERHASH_REDIS_PASSWORD", PASSWORD);
    let out = run(&mut c);
    assert_eq!(out.code, 0, "{out:?}");
    let mut c = userhash(&["verify-url", &url, "--org", "org_123", "--redis", &server.url()]);
    c.env("USERHASH_SECRET", SECRET).env("USERHASH_REDIS_PASSWORD", format!("x{PASSWORD}"));
    let out = run(&mut c);
    assert!(out.code == 1 && out.stderr.contains("authentication"), "{out:?}");
    assert!(!out.stderr.contains(PASSWORD), "{out:?}");
}

#[test]
fn a_malformed_redis_url_is_an_input_error() {
    let out = verify(&signed_url("cli-redis-0005"), "http://127.0.0.1:6379");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.starts_with("Malformed: nonce_store is malformed"), "{out:?}");
}

#[test]
fn two_demos_on_one_redis_refuse_each_others_urls() {
    let server = RedisServer::start();
    let a = DemoRun::start_with(&["--redis", &server.url()]);
    let b = DemoRun::start_with(&["--redis", &server.url()]);
    let page = http(&a.origin(), "GET", "/");
    let widget = widget_path(&page, &a.origin());
    let on_a = http(&a.origin(), "GET", &widget);
    assert!(on_a.starts_with("HTTP/1.1 200") && on_a.contains("verified as"), "{on_a}");
    let on_b = http(&b.origin(), "GET", &widget);
    assert!(on_b.contains("<strong id=\"variant\">Replayed</strong>"), "demo B refuses A's URL: {on_b}");

    // Redis down: the widget refuses, it does not verify.
    drop(server);
    let page = http(&b.origin(), "GET", "/");
    let down = http(&b.origin(), "GET", &widget_path(&page, &b.origin()));
    assert!(down.starts_with("HTTP/1.1 403"), "{down}");
    assert!(down.contains("<strong id=\"variant\">StoreUnavailable</strong>"), "{down}");
    for demo in [a, b] {
        let (rest, stderr) = demo.stop();
        assert!(!rest.contains(CLI_SECRET) && !stderr.contains(CLI_SECRET));
    }
}

#[test]
fn tls_with_a_ca_file_and_an_acl_user_by_flags() {
    const PASSWORD: &str = "cli-acl-pa55word-2";
    let ca = TestCa::new("cli");
    let cert = ca.server_cert(&["localhost"]);
    let server = RedisServer::start_tls(&cert.cert, &cert.key, &cert.ca);
    let mut admin = std::net::TcpStream::connect(("127.0.0.1", server.port())).unwrap();
    std::io::Write::write_all(
        &mut admin,
        format!("ACL SETUSER widget on >{PASSWORD} ~userhash:nonce:* +set +echo\r\nACL SETUSER default off\r\n")
            .as_bytes(),
    )
    .unwrap();
    let mut reply = [0u8; 10];
    std::io::Read::read_exact(&mut admin, &mut reply).unwrap();
    assert_eq!(&reply, b"+OK\r\n+OK\r\n");

    let tls_url = format!("rediss://localhost:{}", server.tls_port());
    let ca_file = ca.ca_file().to_string_lossy().into_owned();
    let url = signed_url("cli-tls-0001");
    let verify_with = |password: &str| {
        let mut c = userhash(&["verify-url", &url, "--org", "org_123", "--redis", &tls_url]);
        c.args(["--redis-user", "widget", "--redis-ca-file", &ca_file]);
        run(c.env("USERHASH_SECRET", SECRET).env("USERHASH_REDIS_PASSWORD", password))
    };
    let mut c = userhash(&["verify-url", &url, "--org", "org_123", "--redis", &tls_url, "--redis-user", "widget"]);
    let no_password = run(c.env("USERHASH_SECRET", SECRET));
    assert!(no_password.code == 2 && no_password.stderr.contains("USERHASH_REDIS_PASSWORD"), "{no_password:?}");
    let wrong = verify_with("not-it");
    assert!(wrong.code == 1 && wrong.stderr.contains("authentication"), "{wrong:?}");
    let first = verify_with(PASSWORD);
    assert_eq!(first.code, 0, "{first:?}");
    let again = verify_with(PASSWORD);
    assert!(again.code == 1 && again.stderr.starts_with("Replayed:"), "{again:?}");

    // Without the CA file, the system's roots do not know this CA.
    let mut c = userhash(&["verify-url", &signed_url("cli-tls-0002"), "--org", "org_123", "--redis", &tls_url]);
    c.args(["--redis-user", "widget"]);
    let out = run(c.env("USERHASH_SECRET", SECRET).env("USERHASH_REDIS_PASSWORD", PASSWORD));
    assert!(out.code == 1 && out.stderr.contains("unknown CA"), "{out:?}");
    assert!(!out.stderr.contains(PASSWORD) && !first.stderr.contains(PASSWORD));
}

#[test]
fn several_redis_urls_are_a_cluster_only_with_redis_cluster() {
    let server = RedisServer::start();
    let url = signed_url("cli-cluster-0001");
    let mut c = userhash(&["verify-url", &url, "--org", "org_123", "--redis", &server.url(), "--redis", &server.url()]);
    let out = run(c.env("USERHASH_SECRET", SECRET));
    assert!(out.code == 2 && out.stderr.contains("--redis-cluster"), "{out:?}");
    // A server that is not a cluster node: the cluster client is refused.
    let mut c = userhash(&["verify-url", &url, "--org", "org_123", "--redis", &server.url(), "--redis-cluster"]);
    let out = run(c.env("USERHASH_SECRET", SECRET));
    assert!(out.code == 1 && out.stderr.starts_with("StoreUnavailable:"), "{out:?}");
    assert!(out.stderr.contains("cluster support disabled"), "{out:?}");
}
