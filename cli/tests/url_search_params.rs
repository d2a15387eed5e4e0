//! `userhash widget-url` is byte for byte what JavaScript's
//! `new URLSearchParams(pairs).toString()` makes for the same pairs in the
//! same order (SPEC §2), checked against Node.js itself.
//!
//! Node is required, not optional: `cargo xtask test` installs it (Debian's
//! `nodejs`), so a machine without it fails here instead of passing silently.

// Test code: a panic is the failure report (clippy.toml allows unwrap in #[test] functions only).
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{run, s, userhash, vectors, SECRET};
use serde_json::{json, Value};

const BASE: &str = "https://widget.example.com/chat";
const TIMESTAMP: &str = "1712345678901";
const NONCE: &str = "550e8400-e29b-41d4-a716-446655440000";

/// What a user of the SDK may put in a widget URL: every character class the
/// form encoder treats differently (space, `+`, `@`, `*-._`, `~`, `%`, quotes,
/// reserved URL characters, non-ASCII, a character above U+FFFF).
/// An email, a display name and extra params.
type Case = (String, Option<String>, Vec<(String, String)>);

fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = vec![
        ("jane@example.com".into(), None, vec![]),
        ("a+b@x.com".into(), Some("Alice".into()), vec![("theme".into(), "dark".into())]),
        (
            "Zoë Smith <zoe@exämple.com>".into(),
            Some("Zoë \"Z\" O'Neil & Co.".into()),
            vec![
                ("q".into(), "a b+c/d?e=f&g#h;i:j,k".into()),
                ("emoji".into(), "😀 ✓".into()),
                ("marks".into(), "~*-._!'()".into()),
                ("percent".into(), "100% %41".into()),
                ("my key".into(), "v".into()),
                ("clé".into(), "été".into()),
                ("empty".into(), "".into()),
                ("eq".into(), "a=b=c".into()),
            ],
        ),
        ("x@y.z".into(), Some("tab\tand\u{7f}".replace(['\t', '\u{7f}'], " ")), vec![("z".into(), "[]{}|\\^`".into())]),
    ];
    // And every widget_url.json case without a query in its base URL.
    for case in vectors("widget_url.json")["cases"].as_array().unwrap() {
        if !s(&case["base_url"]).contains('?') {
            let params =
                case["params"].as_array().unwrap().iter().map(|p| (s(&p[0]).into(), s(&p[1]).into())).collect();
            cases.push((s(&case["email"]).into(), case["display_name"].as_str().map(String::from), params));
        }
    }
    cases
}

fn node() -> &'static str {
    let found = Command::new("node").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status();
    assert!(
        found.is_ok_and(|s| s.success()),
        "node is not on PATH: this test compares with JavaScript's URLSearchParams and needs Node.js \
         (`cargo xtask test` installs it; or `apt-get install nodejs`)"
    );
    "node"
}

#[test]
fn widget_url_is_byte_identical_to_url_search_params() {
    let node = node();
    let mut ours = Vec::new();
    let mut inputs = Vec::new();
    for (email, name, params) in cases() {
        let mut args: Vec<String> = ["widget-url", "--base", BASE, "--org", "org_123", "--email", &email]
            .into_iter()
            .map(String::from)
            .collect();
        args.extend(["--timestamp", TIMESTAMP, "--nonce", NONCE].map(String::from));
        if let Some(name) = &name {
            args.extend(["--name".to_owned(), name.clone()]);
        }
        for (k, v) in &params {
            args.extend(["--param".to_owned(), format!("{k}={v}")]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(userhash(&args).env("USERHASH_SECRET", SECRET));
        assert_eq!(out.code, 0, "{out:?}");
        let url = out.stdout.trim_end().to_owned();
        let user_hash = url.rsplit_once("user_hash=").unwrap().1.to_owned();

        // The same pairs, in the order SPEC §2 gives (extra params by key).
        let mut sorted = params.clone();
        sorted.sort();
        let mut pairs = vec![("orgId".to_owned(), "org_123".to_owned()), ("email".to_owned(), email.clone())];
        pairs.extend(name.map(|n| ("name".to_owned(), n)));
        pairs.extend(sorted);
        pairs.extend([
            ("timestamp".to_owned(), TIMESTAMP.to_owned()),
            ("nonce".to_owned(), NONCE.to_owned()),
            ("user_hash".to_owned(), user_hash),
        ]);
        inputs.push(json!({ "base": BASE, "pairs": pairs }));
        ours.push(url);
    }

    let script = "let input = '';\n\
        process.stdin.on('data', (d) => (input += d));\n\
        process.stdin.on('end', () => {\n\
          const urls = JSON.parse(input).map((c) => c.base + '?' + new URLSearchParams(c.pairs).toString());\n\
          process.stdout.write(JSON.stringify(urls));\n\
        });";
    let mut child = Command::new(node)
        .args(["-e", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node starts");
    child.stdin.take().unwrap().write_all(Value::Array(inputs).to_string().as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "node failed");
    let theirs: Vec<String> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(theirs.len(), ours.len());
    for (ours, theirs) in ours.iter().zip(&theirs) {
        assert_eq!(ours, theirs, "userhash widget-url vs URLSearchParams");
    }
    assert!(ours.len() >= 6, "checked {} URLs", ours.len());
}
