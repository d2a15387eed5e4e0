//! Every command of SPEC §5.1 through the built binary: stdout, stderr, exit
//! codes 0 / 1 / 2, one secret per scheme, `--secret-file` rotation and its
//! size limit, a closed stdout, and no secret in any output.

// Test code: a panic is the failure report (clippy.toml allows unwrap in #[test] functions only).
#![allow(clippy::unwrap_used)]

mod common;

use common::{
    http, http_to, run, s, secret_file, userhash, userhash_redirected, vectors, widget_path, DemoRun, Out, CLI_SECRET,
    IDENTIFIER_ENV, IDENTITY_ENV, OLD_SECRET, OTHER_ORG_SECRET, SECRET,
};
use serde_json::Value;

const NOW: &str = "1712345678901";
const NONCE: &str = "550e8400-e29b-41d4-a716-446655440000";

/// A signed identity's command with its secret in USERHASH_SECRET.
fn with_secret(args: &[&str], secret: &str) -> Out {
    run(userhash(args).env(IDENTITY_ENV, secret))
}

/// An identifier hash's command with its secret in USERHASH_IDENTIFIER_SECRET.
fn with_id_secret(args: &[&str], secret: &str) -> Out {
    run(userhash(args).env(IDENTIFIER_ENV, secret))
}

fn json(out: &Out) -> Value {
    serde_json::from_str(out.stdout.trim_end()).unwrap_or_else(|e| panic!("not JSON ({e}): {out:?}"))
}

/// A rejection or input error: the exit code, nothing on stdout, and stderr
/// starting with the variant's name.
fn assert_fails(out: &Out, code: i32, variant: &str) {
    assert_eq!(out.code, code, "{out:?}");
    assert!(out.stderr.starts_with(&format!("{variant}:")), "stderr should start with {variant}: {out:?}");
}

// ---------------------------------------------------------------- sign-identifier

#[test]
fn sign_identifier_prints_the_known_answer_of_spec_1_1() {
    let out = with_id_secret(&["sign-identifier", "--identifier", "<identifier>"], "<widget-hmac-token>");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "959217e5001533694e1f8ac122e7c24eef04409d31f9e9b5227cf2165b6e6d82\n");
    assert_eq!(out.stderr, "");
}

#[test]
fn sign_identifier_matches_every_vector() {
    let v = vectors("identifier.json");
    for case in v["sign"].as_array().unwrap() {
        let out = with_id_secret(&["sign-identifier", "--identifier", s(&case["identifier"])], s(&case["secret"]));
        assert_eq!((out.code, out.stdout.trim_end()), (0, s(&case["hash"])), "{}", case["name"]);
    }
}

#[test]
fn sign_identifier_input_errors_exit_2() {
    assert_fails(&with_id_secret(&["sign-identifier", "--identifier", "user-42"], "too-short"), 2, "WeakSecret");
    assert_fails(&with_id_secret(&["sign-identifier", "--identifier", ""], SECRET), 2, "Malformed");
}

// ---------------------------------------------------------------- verify-identifier

#[test]
fn verify_identifier_valid_invalid_and_errors() {
    let hash = with_id_secret(&["sign-identifier", "--identifier", "user-42"], SECRET).stdout.trim_end().to_owned();
    let verify = |identifier: &str, hash: &str, secret: &str| {
        with_id_secret(&["verify-identifier", "--identifier", identifier, "--hash", hash], secret)
    };
    let ok = verify("user-42", &hash, SECRET);
    assert_eq!((ok.code, ok.stdout.as_str(), ok.stderr.as_str()), (0, "valid\n", ""));
    let upper = verify("user-42", &hash.to_uppercase(), SECRET);
    assert_eq!((upper.code, upper.stdout.as_str()), (0, "valid\n"), "upper-case hex is accepted");

    let bad = verify("user-43", &hash, SECRET);
    assert_eq!(bad.stdout, "invalid\n");
    assert_fails(&bad, 1, "Mismatch");
    assert!(bad.stderr.contains("diagnose"), "the reason points to diagnose: {bad:?}");
    assert_fails(&verify("user-42", "not-a-hash", SECRET), 1, "Mismatch");
    assert_fails(&verify("user-42", &hash, "short"), 2, "WeakSecret");
}

#[test]
fn verify_identifier_matches_every_vector() {
    let v = vectors("identifier.json");
    for case in v["verify"].as_array().unwrap() {
        let out = with_id_secret(
            &["verify-identifier", "--identifier", s(&case["identifier"]), "--hash", s(&case["hash"])],
            s(&case["secret"]),
        );
        let want = if case["valid"].as_bool().unwrap() { (0, "valid\n") } else { (1, "invalid\n") };
        assert_eq!((out.code, out.stdout.as_str()), want, "{}", case["name"]);
    }
}

// ---------------------------------------------------------------- sign-identity

#[test]
fn sign_identity_prints_one_json_object_in_the_spec_order() {
    let v = vectors("identity.json");
    for case in v["sign"].as_array().unwrap() {
        let out = with_secret(
            &[
                "sign-identity",
                "--org",
                s(&case["org_id"]),
                "--email",
                s(&case["email"]),
                "--timestamp",
                s(&case["timestamp"]),
                "--nonce",
                s(&case["nonce"]),
            ],
            s(&case["secret"]),
        );
        assert_eq!(out.code, 0, "{out:?}");
        let got = json(&out);
        assert_eq!(got["user_hash"], case["user_hash"], "{}", case["name"]);
        assert_eq!(got["timestamp"], case["timestamp"], "the timestamp is a string: {}", case["name"]);
        assert_eq!(got["orgId"], case["org_id"]);
        assert_eq!(got["email"], case["email"]);
        assert_eq!(got["nonce"], case["nonce"]);
        let keys: Vec<&str> = ["\"email\"", "\"timestamp\"", "\"orgId\"", "\"nonce\"", "\"user_hash\""]
            .into_iter()
            .filter(|k| out.stdout.contains(k))
            .collect();
        assert_eq!(keys.len(), 5);
        let positions: Vec<usize> = keys.iter().map(|k| out.stdout.find(k).unwrap()).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "SPEC order: {}", out.stdout);
    }
}

#[test]
fn sign_identity_now_with_a_fresh_nonce() {
    let a = json(&with_secret(&["sign-identity", "--org", "org_123", "--email", "a+b@x.com"], SECRET));
    let b = json(&with_secret(&["sign-identity", "--org", "org_123", "--email", "a+b@x.com"], SECRET));
    assert_ne!(a["nonce"], b["nonce"]);
    assert_eq!(s(&a["nonce"]).len(), 36, "a UUID v4");
    let t: u64 = s(&a["timestamp"]).parse().unwrap();
    assert!(t > 1_600_000_000_000, "milliseconds: {t}");
}

#[test]
fn sign_identity_input_errors_exit_2() {
    let sign = |extra: &[&str]| {
        let mut args = vec!["sign-identity", "--org", "org_123"];
        args.extend_from_slice(extra);
        with_secret(&args, SECRET)
    };
    assert_fails(&sign(&["--email", "a|b@x.com"]), 2, "Malformed");
    assert_fails(&sign(&["--email", "a@x.com", "--timestamp", "12.5", "--nonce", NONCE]), 2, "Malformed");
    assert_fails(&sign(&["--email", "a@x.com", "--timestamp", NOW, "--nonce", "short"]), 2, "Malformed");
    // --timestamp and --nonce come together (SPEC §5.1): a usage error from clap.
    let alone = sign(&["--email", "a@x.com", "--timestamp", NOW]);
    assert_eq!(alone.code, 2, "{alone:?}");
    assert!(alone.stderr.contains("--nonce"), "{alone:?}");
}

// ---------------------------------------------------------------- widget-url

fn widget_url_args(case: &Value) -> Vec<String> {
    let mut args: Vec<String> =
        ["widget-url", "--base", s(&case["base_url"]), "--org", s(&case["org_id"])].map(String::from).to_vec();
    args.extend(
        ["--email", s(&case["email"]), "--timestamp", s(&case["timestamp"]), "--nonce", s(&case["nonce"])]
            .map(String::from),
    );
    if let Some(name) = case["display_name"].as_str() {
        args.extend(["--name".to_owned(), name.to_owned()]);
    }
    for pair in case["params"].as_array().unwrap() {
        args.extend(["--param".to_owned(), format!("{}={}", s(&pair[0]), s(&pair[1]))]);
    }
    args
}

#[test]
fn widget_url_matches_every_vector() {
    let v = vectors("widget_url.json");
    for case in v["cases"].as_array().unwrap() {
        let args = widget_url_args(case);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = with_secret(&args, s(&case["secret"]));
        assert_eq!((out.code, out.stdout.trim_end()), (0, s(&case["url"])), "{}: {out:?}", case["name"]);
    }
    for case in v["errors"].as_array().unwrap() {
        let args = widget_url_args(case);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = with_secret(&args, s(&case["secret"]));
        assert_fails(&out, 2, s(&case["error"]));
    }
}

#[test]
fn a_param_must_be_key_equals_value() {
    let out = with_secret(
        &["widget-url", "--base", "https://w.example/", "--org", "o1", "--email", "a@x.com", "--param", "theme"],
        SECRET,
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("KEY=VALUE"), "{out:?}");
}

// ---------------------------------------------------------------- verify-url

fn signed_url(secret: &str, email: &str) -> String {
    let out = with_secret(
        &[
            "widget-url",
            "--base",
            "https://widget.example.com/",
            "--org",
            "org_123",
            "--email",
            email,
            "--name",
            "Jane Q",
            "--param",
            "theme=dark",
            "--timestamp",
            NOW,
            "--nonce",
            NONCE,
        ],
        secret,
    );
    assert_eq!(out.code, 0, "{out:?}");
    out.stdout.trim_end().to_owned()
}

#[test]
fn verify_url_prints_the_verified_identity() {
    let url = signed_url(SECRET, "a+b@x.com");
    let out = with_secret(&["verify-url", &url, "--org", "org_123", "--now", NOW], SECRET);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stderr, "");
    let got = json(&out);
    assert_eq!(got["email"], "a+b@x.com");
    assert_eq!(got["org_id"], "org_123");
    assert_eq!(got["timestamp_ms"], 1712345678901u64);
    assert_eq!(got["nonce"], NONCE);
    assert_eq!(got["name"], "Jane Q");
    assert_eq!(got["params"]["theme"], "dark");
    assert_eq!(got["key_index"], 0);
}

#[test]
fn verify_url_rejections_exit_1_with_the_variant_first() {
    let url = signed_url(SECRET, "jane@example.com");
    let verify = |url: &str, extra: &[&str]| {
        let mut args = vec!["verify-url", url, "--org", "org_123"];
        args.extend_from_slice(extra);
        with_secret(&args, SECRET)
    };
    let later = (1712345678901u64 + 300_001).to_string();
    let expired = verify(&url, &["--now", &later]);
    assert_fails(&expired, 1, "Expired");
    assert_eq!(expired.stdout, "");
    assert_fails(&verify(&url, &["--now", "1712345378900"]), 1, "FromFuture");
    assert_eq!(verify(&url, &["--now", &later, "--tolerance-ms", "400000"]).code, 0, "a wider tolerance");
    assert_fails(&verify(&url.replace("jane%40", "eve%40"), &["--now", NOW]), 1, "Mismatch");
    assert_fails(&verify(&format!("{url}&email=x"), &["--now", NOW]), 1, "Duplicate");
    assert_fails(&verify(&url.replace("&nonce=", "&x="), &["--now", NOW]), 1, "Missing");
    // Without --now the real clock is used: a 2024 signature has expired.
    assert_fails(&verify(&url, &[]), 1, "Expired");
    let wrong_org = with_secret(&["verify-url", &url, "--org", "org_999", "--now", NOW], SECRET);
    assert_fails(&wrong_org, 1, "WrongOrg");
    // Configuration errors are input errors, not rejections.
    assert_fails(&with_secret(&["verify-url", &url, "--org", "org 1", "--now", NOW], SECRET), 2, "Malformed");
    assert_fails(&with_secret(&["verify-url", &url, "--org", "org_123"], "short"), 2, "WeakSecret");
}

#[test]
fn seconds_instead_of_milliseconds_says_so() {
    let out = with_secret(
        &["sign-identity", "--org", "org_123", "--email", "a@x.com", "--timestamp", "1712345678", "--nonce", NONCE],
        SECRET,
    );
    let id = json(&out);
    let url =
        format!("orgId=org_123&email=a%40x.com&timestamp=1712345678&nonce={NONCE}&user_hash={}", s(&id["user_hash"]));
    let rejected = with_secret(&["verify-url", &url, "--org", "org_123", "--now", NOW], SECRET);
    assert_fails(&rejected, 1, "Expired");
    assert!(rejected.stderr.contains("seconds"), "{rejected:?}");
}

// ---------------------------------------------------------------- secrets

#[test]
fn secret_file_rotation_the_second_line_verifies_with_key_index_1() {
    let file = secret_file("rotation.txt", &format!("{SECRET}\n{OLD_SECRET}\n"));
    let file = file.to_str().unwrap();
    // Signed by a signer still on the previous secret.
    let url = signed_url(OLD_SECRET, "jane@example.com");
    let out = run(&mut userhash(&["verify-url", &url, "--org", "org_123", "--now", NOW, "--secret-file", file]));
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(json(&out)["key_index"], 1);
    // The current secret is line 1: key_index 0.
    let url = signed_url(SECRET, "jane@example.com");
    let out = run(&mut userhash(&["--secret-file", file, "verify-url", &url, "--org", "org_123", "--now", NOW]));
    assert_eq!(json(&out)["key_index"], 0);
    // A secret that is in neither line: Mismatch.
    let url = signed_url(OTHER_ORG_SECRET, "jane@example.com");
    let out = run(&mut userhash(&["verify-url", &url, "--org", "org_123", "--now", NOW, "--secret-file", file]));
    assert_fails(&out, 1, "Mismatch");
}

#[test]
fn secret_file_signs_with_its_first_line_and_wins_over_the_environment() {
    let file = secret_file("sign.txt", &format!("{SECRET}\r\n\r\n{OLD_SECRET}\r\n"));
    let file = file.to_str().unwrap();
    let expected = with_id_secret(&["sign-identifier", "--identifier", "user-42"], SECRET).stdout;
    let from_file = run(userhash(&["sign-identifier", "--identifier", "user-42", "--secret-file", file])
        .env(IDENTIFIER_ENV, OTHER_ORG_SECRET));
    assert_eq!(from_file.stdout, expected, "line 1, its CRLF stripped; the file wins over the variable");
    // verify-identifier accepts a hash made with any configured secret.
    let old_hash = with_id_secret(&["sign-identifier", "--identifier", "user-42"], OLD_SECRET).stdout;
    let out = run(&mut userhash(&[
        "verify-identifier",
        "--identifier",
        "user-42",
        "--hash",
        old_hash.trim_end(),
        "--secret-file",
        file,
    ]));
    assert_eq!((out.code, out.stdout.as_str()), (0, "valid\n"));
}

#[test]
fn missing_or_bad_secrets_are_usage_errors() {
    let no_secret = run(&mut userhash(&["sign-identifier", "--identifier", "user-42"]));
    assert_eq!(no_secret.code, 2);
    assert!(
        no_secret.stderr.contains("set USERHASH_IDENTIFIER_SECRET") && no_secret.stderr.contains("--secret-file"),
        "{no_secret:?}"
    );
    let empty = secret_file("empty.txt", "\n\n");
    let out = run(&mut userhash(&["sign-identifier", "--identifier", "x", "--secret-file", empty.to_str().unwrap()]));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("no secret"), "{out:?}");
    let out = run(&mut userhash(&["sign-identifier", "--identifier", "x", "--secret-file", "/nonexistent/secret"]));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.starts_with("error: cannot read the --secret-file"), "{out:?}");
    let dir = env!("CARGO_TARGET_TMPDIR");
    let out = run(&mut userhash(&["sign-identifier", "--identifier", "x", "--secret-file", dir]));
    assert_eq!(out.code, 2, "a directory is unreadable as a secret file: {out:?}");
    // The secret where its file belongs: the error must not echo it
    // (`run` fails the test if SECRET shows on stdout or stderr).
    let out = run(&mut userhash(&["sign-identifier", "--identifier", "x", "--secret-file", SECRET]));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("--secret-file"), "{out:?}");
    let weak = secret_file("weak.txt", &format!("{SECRET}\nshort\n"));
    let weak = weak.to_str().unwrap();
    let out = run(&mut userhash(&["verify-url", "x", "--org", "o", "--secret-file", weak]));
    assert_fails(&out, 2, "WeakSecret");
    // A weak second line is a configuration error for every command, also
    // one that signs with the first line or finds a match before it.
    let hash = with_id_secret(&["sign-identifier", "--identifier", "x"], SECRET).stdout;
    for args in [
        vec!["sign-identifier", "--identifier", "x"],
        vec!["sign-identity", "--org", "o", "--email", "a@x.com"],
        vec!["verify-identifier", "--identifier", "x", "--hash", hash.trim_end()],
    ] {
        let mut args = args;
        args.extend(["--secret-file", weak]);
        let out = run(&mut userhash(&args));
        assert_fails(&out, 2, "WeakSecret");
        assert_eq!(out.stdout, "", "{out:?}");
    }
    let out = run(userhash(&["sign-identifier", "--identifier", "x"]).env(IDENTIFIER_ENV, ""));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("USERHASH_IDENTIFIER_SECRET is set but empty"), "{out:?}");
}

#[test]
fn a_secret_on_the_command_line_is_refused_and_not_echoed() {
    for args in [
        vec!["--secret", CLI_SECRET, "sign-identifier", "--identifier", "x"],
        vec!["sign-identifier", "--identifier", "x", "--secret", CLI_SECRET],
        vec!["sign-identifier", "--identifier", "x", &format!("--secret={CLI_SECRET}")],
    ] {
        let args: Vec<&str> = args.iter().map(|a| a.as_ref()).collect();
        let out = run(userhash(&args).env("USERHASH_SECRET", SECRET));
        assert_eq!(out.code, 2, "{out:?}");
        assert_eq!(out.stdout, "");
        assert!(out.stderr.contains("refused"), "{out:?}");
    }
}

// ---------------------------------------------------------------- one secret per scheme

/// The identifier hash's commands: they read USERHASH_IDENTIFIER_SECRET.
const IDENTIFIER_COMMANDS: [&[&str]; 3] = [
    &["sign-identifier", "--identifier", "user-42"],
    &["verify-identifier", "--identifier", "user-42", "--hash", ZERO_HASH],
    &["diagnose", "--identifier", "user-42", "--hash", ZERO_HASH],
];
const ZERO_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[test]
fn identifier_commands_never_fall_back_to_userhash_secret() {
    // The identifier "email|timestamp|orgId|nonce" is byte for byte a signed
    // identity's message: under the identity's secret it would sign a login.
    for args in IDENTIFIER_COMMANDS {
        let out = with_secret(args, SECRET);
        assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{args:?}: {out:?}");
        assert!(
            out.stderr.starts_with("error: no identifier hash secret: set USERHASH_IDENTIFIER_SECRET"),
            "{args:?} says which variable to set: {out:?}"
        );
        assert!(
            out.stderr.contains("one secret per scheme") && out.stderr.contains("SECURITY.md"),
            "{args:?} says why: {out:?}"
        );
    }
}

#[test]
fn each_scheme_reads_its_own_variable() {
    let hash = with_id_secret(&["sign-identifier", "--identifier", "user-42"], OLD_SECRET);
    assert_eq!(hash.code, 0, "{hash:?}");
    let hash = hash.stdout.trim_end();
    // Both variables set, to different secrets: each command takes its own.
    let both = |args: &[&str]| run(userhash(args).env(IDENTITY_ENV, SECRET).env(IDENTIFIER_ENV, OLD_SECRET));
    assert_eq!(both(&["sign-identifier", "--identifier", "user-42"]).stdout.trim_end(), hash);
    let valid = both(&["verify-identifier", "--identifier", "user-42", "--hash", hash]);
    assert_eq!((valid.code, valid.stdout.as_str()), (0, "valid\n"), "{valid:?}");
    let matches = both(&["diagnose", "--identifier", "user-42", "--hash", hash]);
    assert_eq!(matches.code, 0, "diagnose --identifier uses the identifier hash's secret: {matches:?}");
    assert!(matches.stdout.starts_with("Matches"), "{matches:?}");
    let url = signed_url(SECRET, "jane@example.com");
    let verified = both(&["verify-url", &url, "--org", "org_123", "--now", NOW]);
    assert_eq!(verified.code, 0, "verify-url uses USERHASH_SECRET: {verified:?}");
    let diagnosed = both(&["diagnose", "--url", &url]);
    assert!(diagnosed.stdout.starts_with("Matches"), "diagnose --url uses USERHASH_SECRET: {diagnosed:?}");
    // The identity's commands never read the identifier hash's secret.
    for args in [
        vec!["sign-identity", "--org", "org_123", "--email", "a@x.com"],
        vec!["widget-url", "--base", "https://w.example/", "--org", "org_123", "--email", "a@x.com"],
        vec!["verify-url", &url, "--org", "org_123", "--now", NOW],
        vec!["diagnose", "--url", &url],
    ] {
        let out = with_id_secret(&args, OLD_SECRET);
        assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{args:?}: {out:?}");
        assert!(out.stderr.starts_with("error: no secret: set USERHASH_SECRET"), "{args:?}: {out:?}");
    }
}

#[test]
fn the_same_secret_in_both_variables_is_refused_by_every_command() {
    let url = signed_url(SECRET, "jane@example.com");
    let file = secret_file("same-env.txt", &format!("{OTHER_ORG_SECRET}\n"));
    let file = file.to_str().unwrap();
    // A taken port: a demo that did not refuse first would exit (with
    // another message) instead of serving until killed.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let mut commands: Vec<Vec<&str>> = IDENTIFIER_COMMANDS.iter().map(|args| args.to_vec()).collect();
    commands.extend([
        vec!["sign-identity", "--org", "org_123", "--email", "a@x.com"],
        vec!["widget-url", "--base", "https://w.example/", "--org", "org_123", "--email", "a@x.com"],
        vec!["verify-url", &url, "--org", "org_123", "--now", NOW],
        vec!["diagnose", "--url", &url],
        vec!["demo", "--addr", &addr],
        // Also when a --secret-file is what the command would use.
        vec!["sign-identifier", "--identifier", "user-42", "--secret-file", file],
        vec!["sign-identity", "--org", "org_123", "--email", "a@x.com", "--secret-file", file],
    ]);
    for args in &commands {
        let out = run(userhash(args).env(IDENTITY_ENV, SECRET).env(IDENTIFIER_ENV, SECRET));
        assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{args:?}: {out:?}");
        assert!(
            out.stderr.starts_with("error: USERHASH_SECRET and USERHASH_IDENTIFIER_SECRET hold the same secret"),
            "{args:?}: {out:?}"
        );
        assert!(out.stderr.contains("one secret per scheme"), "{args:?}: {out:?}");
    }
}

#[test]
fn a_secret_file_holding_the_other_schemes_secret_is_refused() {
    // USERHASH_SECRET is the identity's; a file for identifier hashes that
    // holds it (on any line) would sign logins.
    let file = secret_file("other-scheme.txt", &format!("{OLD_SECRET}\n{SECRET}\n"));
    let file = file.to_str().unwrap();
    let out =
        run(userhash(&["sign-identifier", "--identifier", "user-42", "--secret-file", file]).env(IDENTITY_ENV, SECRET));
    assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{out:?}");
    assert!(out.stderr.starts_with("error: a line of the --secret-file is the secret of USERHASH_SECRET"), "{out:?}");
    assert!(out.stderr.contains("one secret per scheme"), "{out:?}");
    let out = run(userhash(&["sign-identity", "--org", "org_123", "--email", "a@x.com", "--secret-file", file])
        .env(IDENTIFIER_ENV, SECRET));
    assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{out:?}");
    assert!(out.stderr.contains("is the secret of USERHASH_IDENTIFIER_SECRET"), "{out:?}");
    // A file of other secrets is fine.
    let out = run(userhash(&["sign-identifier", "--identifier", "user-42", "--secret-file", file])
        .env(IDENTITY_ENV, OTHER_ORG_SECRET));
    assert_eq!(out.code, 0, "{out:?}");
}

// ---------------------------------------------------------------- secret file size

const LIMIT: usize = 64 * 1024;

fn sign_with_file(file: &str) -> Out {
    run(&mut userhash(&["sign-identifier", "--identifier", "user-42", "--secret-file", file]))
}

fn assert_too_large(out: &Out, what: &str) {
    assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{what}: {out:?}");
    assert!(out.stderr.starts_with("error: the --secret-file is larger than 64 KiB"), "{what}: {out:?}");
}

#[test]
fn a_secret_file_over_64_kib_is_refused_without_reading_it_all() {
    // Endless devices: reading them to the end never ends (or ends the memory).
    assert_too_large(&sign_with_file("/dev/zero"), "/dev/zero");
    assert_too_large(&sign_with_file("/dev/urandom"), "/dev/urandom");
    // A 1 GiB file (sparse: it takes no disk).
    let large = secret_file("large.bin", "");
    std::fs::OpenOptions::new().write(true).open(&large).unwrap().set_len(1 << 30).unwrap();
    let out = sign_with_file(large.to_str().unwrap());
    std::fs::remove_file(&large).unwrap();
    assert_too_large(&out, "1 GiB file");
    // One byte over: a 64 KiB secret and its line end.
    let over = secret_file("over.txt", &format!("{}\n", "k".repeat(LIMIT)));
    assert_too_large(&sign_with_file(over.to_str().unwrap()), "64 KiB + 1 byte");
}

#[test]
fn a_secret_file_of_exactly_64_kib_is_read() {
    let secret = "k".repeat(LIMIT - 1);
    let exact = secret_file("exact.txt", &format!("{secret}\n"));
    assert_eq!(std::fs::metadata(&exact).unwrap().len(), LIMIT as u64);
    let from_file = sign_with_file(exact.to_str().unwrap());
    assert_eq!(from_file.code, 0, "{from_file:?}");
    let from_env = with_id_secret(&["sign-identifier", "--identifier", "user-42"], &secret);
    assert_eq!(from_file.stdout, from_env.stdout, "the whole line is the secret");
}

// ---------------------------------------------------------------- diagnose

/// Every diagnose vector through the CLI: its secrets in a file, its input as
/// flags; the first line names the cause, the exit code says match or not.
#[test]
fn diagnose_explains_every_vector() {
    let v = vectors("diagnose.json");
    for (i, case) in v["cases"].as_array().unwrap().iter().enumerate() {
        let name = s(&case["name"]);
        let secrets: Vec<&str> = case["secrets"].as_array().unwrap().iter().map(s).collect();
        let file = secret_file(&format!("diagnose-{i}.txt"), &(secrets.join("\n") + "\n"));
        let mut args = vec!["diagnose".to_owned(), "--secret-file".to_owned(), file.to_str().unwrap().to_owned()];
        for (key, flag) in [
            ("identifier", "--identifier"),
            ("email", "--email"),
            ("timestamp", "--timestamp"),
            ("org_id", "--org"),
            ("nonce", "--nonce"),
            ("url", "--url"),
        ] {
            if let Some(value) = case["input"].get(key) {
                args.extend([flag.to_owned(), s(value).to_owned()]);
            }
        }
        if let Some(hash) = case["hash"].as_str() {
            args.extend(["--hash".to_owned(), hash.to_owned()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&mut userhash(&args));
        let expect = &case["expect"];
        let first = match expect["causes"].as_array() {
            Some(causes) => s(&causes[0]["cause"]),
            None => s(&expect["diagnosis"]),
        };
        assert!(out.stdout.starts_with(&format!("{first}: ")), "{name}: {out:?}");
        let lines = expect["causes"].as_array().map_or(1, Vec::len);
        assert_eq!(out.stdout.lines().count(), lines, "{name}: one line per cause: {out:?}");
        let code = if first == "Matches" { 0 } else { 1 };
        assert_eq!(out.code, code, "{name}: {out:?}");
        common::assert_no_secret(&out, &secrets.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    }
}

#[test]
fn diagnose_usage_errors_exit_2() {
    let diag = |args: &[&str]| {
        let mut all = vec!["diagnose"];
        all.extend_from_slice(args);
        with_secret(&all, SECRET)
    };
    let no_hash = diag(&["--identifier", "user-42"]);
    assert_eq!(no_hash.code, 2, "--hash is required without --url: {no_hash:?}");
    assert_eq!(diag(&["--identifier", "user-42", "--email", "a@x.com", "--hash", "00"]).code, 2);
    assert_fails(&diag(&["--email", "a@x.com", "--org", "o", "--timestamp", NOW, "--hash", "00"]), 2, "Missing");
    assert_fails(&diag(&["--url", "orgId=o&email=a%40x.com"]), 2, "Missing");
    assert_fails(&with_id_secret(&["diagnose", "--identifier", "x", "--hash", "00"], "short"), 2, "WeakSecret");
}

// ---------------------------------------------------------------- broken pipes, bad bytes

/// A pipe whose reading end is already closed: writing to it fails with EPIPE
/// (Rust ignores SIGPIPE), as under `userhash ... | head -c1` once head exits.
fn closed_pipe() -> std::process::Stdio {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    writer.into()
}

#[test]
fn a_closed_stdout_is_a_clean_exit_2_not_a_panic() {
    let out = run(userhash(&["sign-identity", "--org", "org_123", "--email", "a@x.com"])
        .env("USERHASH_SECRET", SECRET)
        .stdout(closed_pipe()));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.starts_with("error: cannot write to stdout"), "{out:?}");
    assert!(!out.stderr.contains("panicked"), "{out:?}");
}

#[test]
fn a_closed_stdout_is_exit_2_before_any_work_for_every_command() {
    // `userhash ... >&-`: Rust's runtime reopens a closed fd 1 on /dev/null,
    // so without a check the command prints nowhere and exits 0.
    let hash = with_id_secret(&["sign-identifier", "--identifier", "user-42"], OLD_SECRET).stdout;
    let url = signed_url(SECRET, "jane@example.com");
    // A taken port: a demo that did not check stdout first would exit (with
    // another message) instead of serving until killed.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    for args in [
        vec!["sign-identifier", "--identifier", "user-42"],
        vec!["verify-identifier", "--identifier", "user-42", "--hash", hash.trim_end()],
        vec!["sign-identity", "--org", "org_123", "--email", "a@x.com"],
        vec!["widget-url", "--base", "https://w.example/", "--org", "org_123", "--email", "a@x.com"],
        vec!["verify-url", &url, "--org", "org_123", "--now", NOW],
        vec!["diagnose", "--url", &url],
        vec!["demo", "--addr", &addr],
        vec!["--help"],
        vec!["--version"],
    ] {
        let out = run(userhash_redirected(">&-", &args).env(IDENTITY_ENV, SECRET).env(IDENTIFIER_ENV, OLD_SECRET));
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(out.stderr.starts_with("error: cannot write to stdout: "), "{args:?}: {out:?}");
        assert!(out.stderr.contains("os error 9"), "EBADF: {args:?}: {out:?}");
    }
    // Open, but for reading only: every write would fail with EBADF.
    let out = run(userhash_redirected("1</dev/null", &["sign-identifier", "--identifier", "user-42"])
        .env(IDENTIFIER_ENV, OLD_SECRET));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.starts_with("error: cannot write to stdout: it is open for reading only"), "{out:?}");
    // Sent to /dev/null on purpose is fine.
    let out = run(userhash_redirected(">/dev/null", &["sign-identifier", "--identifier", "user-42"])
        .env(IDENTIFIER_ENV, OLD_SECRET));
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{out:?}");
}

#[test]
fn a_closed_stderr_keeps_the_exit_code_of_the_command() {
    // A rejection's reason goes to stderr; with stderr gone the exit code
    // still says "rejected" (1), not "panicked" (101).
    let out = run(userhash(&["verify-identifier", "--identifier", "x", "--hash", "00"])
        .env(IDENTIFIER_ENV, SECRET)
        .stderr(closed_pipe()));
    assert_eq!((out.code, out.stdout.as_str()), (1, "invalid\n"), "{out:?}");
    // stderr closed outright (`2>&-`), not only its reader gone.
    let out = run(userhash_redirected("2>&-", &["verify-identifier", "--identifier", "x", "--hash", "00"])
        .env(IDENTIFIER_ENV, SECRET));
    assert_eq!((out.code, out.stdout.as_str()), (1, "invalid\n"), "{out:?}");
    let out =
        run(userhash(&["verify-url", "orgId=o", "--org", "o"]).env("USERHASH_SECRET", SECRET).stderr(closed_pipe()));
    assert_eq!(out.code, 1, "{out:?}");
    let out = run(userhash(&["sign-identifier", "--identifier", "x"]).stderr(closed_pipe()));
    assert_eq!(out.code, 2, "no secret: {out:?}");
}

#[test]
fn a_non_utf8_argument_is_a_usage_error() {
    use std::os::unix::ffi::OsStrExt;
    let bad = std::ffi::OsStr::from_bytes(b"user-\xff");
    for args in [["sign-identifier", "--identifier"], ["verify-url", "--org"]] {
        let mut c = userhash(&args);
        c.arg(bad).env("USERHASH_SECRET", SECRET);
        let out = run(&mut c);
        assert_eq!(out.code, 2, "{out:?}");
        assert!(out.stderr.contains("invalid UTF-8"), "{out:?}");
    }
}

// ---------------------------------------------------------------- help

#[test]
fn help_says_what_each_command_does_with_an_example() {
    let top = run(userhash(&["--help"]).env("USERHASH_SECRET", CLI_SECRET));
    assert_eq!(top.code, 0);
    for command in
        ["sign-identifier", "verify-identifier", "sign-identity", "widget-url", "verify-url", "diagnose", "demo"]
    {
        assert!(top.stdout.contains(command), "top-level help lists {command}");
        let help = run(userhash(&[command, "--help"]).env("USERHASH_SECRET", CLI_SECRET));
        assert_eq!(help.code, 0, "{command}: {help:?}");
        assert!(help.stdout.contains("Example"), "{command} --help has an example: {}", help.stdout);
        assert!(help.stdout.contains(&format!("userhash {command}")), "{command}'s example runs it");
    }
    let bare = run(&mut userhash(&[]));
    assert_eq!(bare.code, 2, "no command is a usage error");
    assert!(bare.stderr.contains("Usage"), "{bare:?}");
    assert_eq!(run(&mut userhash(&["no-such-command"])).code, 2);
}

// ---------------------------------------------------------------- demo

#[test]
fn demo_prints_its_address_and_serves_both_pages() {
    let demo = DemoRun::start();
    let origin = demo.origin();
    let page = http(&origin, "GET", "/");
    let widget = http(&origin, "GET", "/widget?orgId=org_demo");
    let missing = http(&origin, "GET", "/nope");
    let post = http(&origin, "POST", "/widget?orgId=org_demo");
    let first = demo.first_line.clone();
    let (rest, stderr) = demo.stop();

    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("<iframe id=\"widget\""), "{page}");
    assert!(page.contains("/widget?orgId=org_demo&amp;email=alice%2Bsupport%40example.com"), "escaped in HTML: {page}");
    assert!(widget.starts_with("HTTP/1.1 403"), "{widget}");
    assert!(widget.contains("<strong id=\"variant\">Missing</strong>"), "{widget}");
    assert!(missing.starts_with("HTTP/1.1 404"), "{missing}");
    assert!(post.starts_with("HTTP/1.1 405"), "GET only: {post}");
    for text in [&first, &rest, &stderr, &page, &widget] {
        assert!(!text.contains(CLI_SECRET), "the demo shows its secret: {text}");
    }
}

#[test]
fn demo_answers_only_at_its_own_host() {
    let demo = DemoRun::start();
    let (addr, origin) = (demo.addr.clone(), demo.origin());
    let port = addr.rsplit_once(':').unwrap().1;
    // DNS rebinding: another origin's name resolved to 127.0.0.1.
    let rebound = http_to(&addr, "GET", "/", &[("Host", &format!("attacker.example:{port}"))]);
    assert!(rebound.starts_with("HTTP/1.1 421"), "{rebound}");
    assert!(!rebound.contains("user_hash"), "no signed identity for another host: {rebound}");
    let no_host = http_to(&addr, "GET", "/", &[]);
    assert!(no_host.starts_with("HTTP/1.1 4"), "{no_host}");
    assert!(!no_host.contains("user_hash"), "{no_host}");
    // localhost is the demo too, and its widget is on the page's own origin
    // (the CSP's frame-src 'self' blocks a frame from 127.0.0.1 there).
    let local_origin = format!("http://localhost:{port}");
    let local = http_to(&addr, "GET", "/", &[("Host", &format!("LocalHost:{port}"))]);
    assert!(local.starts_with("HTTP/1.1 200"), "{local}");
    assert!(widget_path(&local, &local_origin).starts_with("/widget?orgId=org_demo&"), "{local}");
    let page = http(&origin, "GET", "/");
    assert!(widget_path(&page, &origin).starts_with("/widget?"), "{page}");
}

#[test]
fn demo_a_head_or_a_prefetch_does_not_use_up_the_nonce() {
    let demo = DemoRun::start();
    let (addr, origin) = (demo.addr.clone(), demo.origin());
    let widget = widget_path(&http(&origin, "GET", "/"), &origin);
    let head = http(&origin, "HEAD", &widget);
    assert!(head.starts_with("HTTP/1.1 405"), "{head}");
    for purpose in [("Sec-Purpose", "prefetch"), ("Sec-Purpose", "prefetch;prerender"), ("Purpose", "prefetch")] {
        let prefetch = http_to(&addr, "GET", &widget, &[("Host", &addr), purpose]);
        assert!(prefetch.starts_with("HTTP/1.1 503"), "{purpose:?}: {prefetch}");
        assert!(!prefetch.contains("verified as"), "{prefetch}");
    }
    let shown = http(&origin, "GET", &widget);
    assert!(shown.starts_with("HTTP/1.1 200") && shown.contains("verified as"), "the nonce is still unused: {shown}");
    let again = http(&origin, "GET", &widget);
    assert!(again.contains("<strong id=\"variant\">Replayed</strong>"), "{again}");
}

#[test]
fn demo_keeps_serving_when_its_stdout_is_closed() {
    let mut demo = DemoRun::start();
    drop(demo.stdout.take()); // `userhash demo | head -1`
    let origin = demo.origin();
    for _ in 0..2 {
        let widget = http(&origin, "GET", "/widget?orgId=org_demo");
        assert!(widget.starts_with("HTTP/1.1 403"), "the demo answers after logging to a closed stdout: {widget:?}");
    }
    assert!(demo.child.try_wait().unwrap().is_none(), "the demo is still running");
}

#[test]
fn demo_refuses_a_non_loopback_address_and_a_taken_port() {
    let out = run(&mut userhash(&["demo", "--addr", "0.0.0.0:0"]));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("loopback"), "{out:?}");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = run(&mut userhash(&["demo", "--addr", &addr]));
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("cannot listen"), "{out:?}");
}
