//! What the test suites need from the machine, installed when missing.
//!
//! The README's test command must work on a fresh Debian machine: tools that
//! are absent are installed with `apt-get` (as root, non-interactively), never
//! assumed to have been set up by hand.

use std::env;
use std::path::Path;

use crate::run::{cmd, status};

/// A program on PATH and the Debian package that provides it.
pub struct Tool {
    pub program: &'static str,
    pub package: &'static str,
}

pub const INTEROP_TOOLS: &[Tool] = &[
    Tool { program: "php", package: "php-cli" },
    Tool { program: "ruby", package: "ruby" },
    Tool { program: "elixir", package: "elixir" },
    Tool { program: "node", package: "nodejs" },
    Tool { program: "go", package: "golang-go" },
    Tool { program: "python3", package: "python3" },
];

/// The C library's suite: compilers (C, and C++ for the header), memory
/// checker, pkg-config.
pub const C_TOOLS: &[Tool] = &[
    Tool { program: "gcc", package: "gcc" },
    Tool { program: "g++", package: "g++" },
    Tool { program: "valgrind", package: "valgrind" },
    Tool { program: "pkg-config", package: "pkg-config" },
];

/// The Redis nonce store's tests and benchmark start their own redis-server
/// (Debian's package; the tests never mock Redis and never skip), and join
/// six of them into a cluster with `redis-cli --cluster create`.
/// `kill` (procps, missing from minimal Debian images) freezes and resumes it.
pub const REDIS_TOOLS: &[Tool] = &[
    Tool { program: "redis-server", package: "redis-server" },
    Tool { program: "redis-cli", package: "redis-tools" },
    Tool { program: "kill", package: "procps" },
];

/// C libraries as (pkg-config module, Debian package): the C suite reads the
/// JSON vectors with jansson.
pub const C_TEST_LIBS: &[(&str, &str)] = &[("jansson", "libjansson-dev")];

/// The C benchmark compares against OpenSSL's one-shot `HMAC()`.
pub const C_BENCH_LIBS: &[(&str, &str)] = &[("libcrypto", "libssl-dev")];

pub fn on_path(program: &str) -> bool {
    env::var_os("PATH")
        .map(|paths| env::split_paths(&paths).any(|dir| is_executable(&dir.join(program))))
        .unwrap_or(false)
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0).unwrap_or(false)
}

/// Installs the packages of the tools that are not on PATH.
pub fn ensure(tools: &[Tool]) -> Result<(), String> {
    let missing: Vec<&Tool> = tools.iter().filter(|t| !on_path(t.program)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    apt_install(&missing.iter().map(|t| t.package).collect::<Vec<_>>())?;
    for t in &missing {
        if !on_path(t.program) {
            return Err(format!("`{}` is still missing after installing {}", t.program, t.package));
        }
    }
    Ok(())
}

/// Installs `package` when `probe` fails, for what is not a program on PATH
/// (Debian's python3 has no `venv` without `python3-venv`).
pub fn ensure_probe(probe: &[&str], package: &str) -> Result<(), String> {
    let works = || cmd(probe[0], &probe[1..]).output().map(|o| o.status.success()).unwrap_or(false);
    if works() {
        return Ok(());
    }
    apt_install(&[package])?;
    if works() {
        Ok(())
    } else {
        Err(format!("`{}` still fails after installing {package}", probe.join(" ")))
    }
}

/// Installs Debian packages with apt-get (as root, or with passwordless sudo),
/// for what `ensure` cannot see on PATH (a C library and its headers).
pub fn apt_install(packages: &[&str]) -> Result<(), String> {
    println!("xtask: installing missing {} with apt-get", packages.join(", "));
    if !on_path("apt-get") {
        return Err(format!("missing {}; install them (no apt-get here to do it)", packages.join(", ")));
    }
    let sudo: &[&str] = if is_root() { &[] } else { &["sudo", "-n"] };
    let apt = |args: &[&str]| {
        let mut all: Vec<&str> = sudo.to_vec();
        all.extend_from_slice(args);
        let mut c = cmd(all[0], &all[1..]);
        c.env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    status(&mut apt(&["apt-get", "update", "-qq"]))?;
    let mut install = vec!["apt-get", "install", "-y", "-qq", "--no-install-recommends"];
    install.extend(packages);
    status(&mut apt(&install))
}

pub fn is_root() -> bool {
    // The effective uid is in /proc; without it, assume not root and use sudo.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).map(|l| l.split_whitespace().nth(2) == Some("0")))
        .unwrap_or(false)
}

/// The browser test: Debian's Chromium and its chromedriver, driven from Node.
pub const BROWSER_TOOLS: &[Tool] = &[
    Tool { program: "chromium", package: "chromium" },
    Tool { program: "chromedriver", package: "chromium-driver" },
    Tool { program: "node", package: "nodejs" },
];
