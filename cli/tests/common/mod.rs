//! Running the built `userhash` binary, and the rule every run is checked
//! against: no configured secret appears in anything it prints.

// Test code: a panic is the failure report (clippy.toml allows unwrap in #[test] functions only).
#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

/// Every secret the CLI tests configure, from the vectors and their own.
pub const SECRET: &str = "whsec_9f2c4e7a1b3d5f60a8c2e4b6d8f0a1c3";
pub const OLD_SECRET: &str = "whsec_old_4b1e7d0c9a8f6e5d4c3b2a19";
pub const OTHER_ORG_SECRET: &str = "whsec_other_org_5a6b7c8d9e0f1a2b";
pub const CLI_SECRET: &str = "cli-test-secret-7e3a9c1f5b2d8e4a";

/// What a run gave back.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The signed identity's secret and the identifier hash's: one per scheme.
pub const IDENTITY_ENV: &str = "USERHASH_SECRET";
pub const IDENTIFIER_ENV: &str = "USERHASH_IDENTIFIER_SECRET";
/// The HS256 token secret (SPEC §8).
pub const TOKEN_ENV: &str = "USERHASH_TOKEN_SECRET";
/// The token secret of tests/vectors/jwt.json.
pub const TOKEN_SECRET: &str = "tok_5c0e7b2a9d4f6183e2a7c9b1d3f5e7a9";

/// The binary with a clean environment: no secret unless a test gives one.
pub fn userhash(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_userhash"));
    clean(&mut c).args(args);
    c
}

/// The binary run by `sh` with a redirection of its own (`>&-` closes
/// stdout, `2>&-` stderr), as a shell user would: a `Command` cannot close a
/// child's standard descriptors by itself.
pub fn userhash_redirected(redirection: &str, args: &[&str]) -> Command {
    let mut c = Command::new("sh");
    c.args(["-c", &format!("exec \"$0\" \"$@\" {redirection}"), env!("CARGO_BIN_EXE_userhash")]).args(args);
    clean(&mut c);
    c
}

fn clean(c: &mut Command) -> &mut Command {
    c.env_remove(IDENTITY_ENV)
        .env_remove(IDENTIFIER_ENV)
        .env_remove(TOKEN_ENV)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
}

/// Runs to completion and checks that no secret it was given, nor any of the
/// suite's, shows on stdout or stderr.
pub fn run(c: &mut Command) -> Out {
    let output = c.output().expect("the userhash binary runs");
    let out = Out {
        code: output.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    };
    let mut secrets: Vec<String> =
        [SECRET, OLD_SECRET, OTHER_ORG_SECRET, CLI_SECRET, TOKEN_SECRET].map(String::from).to_vec();
    for (name, value) in c.get_envs() {
        if let (true, Some(value)) = (name == IDENTITY_ENV || name == IDENTIFIER_ENV || name == TOKEN_ENV, value) {
            secrets.push(value.to_string_lossy().into_owned());
        }
    }
    assert_no_secret(&out, &secrets);
    out
}

pub fn assert_no_secret(out: &Out, secrets: &[String]) {
    for secret in secrets.iter().map(|s| s.trim()).filter(|s| s.len() >= 8) {
        assert!(!out.stdout.contains(secret), "stdout shows a secret: {out:?}");
        assert!(!out.stderr.contains(secret), "stderr shows a secret: {out:?}");
    }
}

/// A secret file under the test's own temporary directory.
pub fn secret_file(name: &str, contents: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-secrets");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

pub fn vectors(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

pub fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("expected a string, got {v}"))
}

/// `userhash demo` on a free port, killed when the test ends, pass or fail.
pub struct DemoRun {
    pub child: std::process::Child,
    pub stdout: Option<BufReader<std::process::ChildStdout>>,
    pub first_line: String,
    /// `127.0.0.1:PORT`
    pub addr: String,
}

impl DemoRun {
    pub fn start() -> DemoRun {
        Self::start_with(&[])
    }

    /// With more arguments (`--redis URL`).
    pub fn start_with(extra: &[&str]) -> DemoRun {
        let mut args = vec!["demo", "--addr", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut child = userhash(&args)
            .env("USERHASH_SECRET", CLI_SECRET)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first_line = String::new();
        stdout.read_line(&mut first_line).unwrap();
        let addr = first_line
            .trim_end()
            .strip_prefix("userhash demo: listening on http://")
            .unwrap_or_else(|| panic!("{first_line:?}"))
            .to_owned();
        DemoRun { child, stdout: Some(stdout), first_line, addr }
    }

    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops it; returns the rest of its stdout and its stderr.
    pub fn stop(mut self) -> (String, String) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        let mut rest = String::new();
        if let Some(mut stdout) = self.stdout.take() {
            stdout.read_to_string(&mut rest).unwrap();
        }
        let mut stderr = String::new();
        self.child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
        (rest, stderr)
    }
}

impl Drop for DemoRun {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The customer page's widget URL, as a path (`/widget?...`), unescaped.
pub fn widget_path(page: &str, origin: &str) -> String {
    let src = page.split("<iframe id=\"widget\" title=\"Support widget\" src=\"").nth(1).expect(page);
    let url = src.split('"').next().unwrap().replace("&amp;", "&");
    url.strip_prefix(origin).unwrap_or_else(|| panic!("{url} is not on {origin}")).to_owned()
}

/// One request over a plain socket: enough for a test of a server on loopback.
pub fn http(origin: &str, method: &str, path: &str) -> String {
    let host = origin.strip_prefix("http://").unwrap();
    http_to(host, method, path, &[("Host", host)])
}

/// A request to `addr` with these headers (Host among them, or not at all).
pub fn http_to(addr: &str, method: &str, path: &str, headers: &[(&str, &str)]) -> String {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("Content-Length: 0\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}
