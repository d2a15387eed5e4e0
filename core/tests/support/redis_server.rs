//! A real `redis-server` for a test: on a free loopback port, persistence off,
//! in a directory of its own, killed when the value is dropped (a failing
//! test unwinds, so it is stopped then too). Shared by the core's tests, the
//! CLI's tests and the Redis benchmark (`#[path]` includes this file).
//!
//! Never mocked: the point of these tests is what a real Redis does.

// Test code: a panic is the failure report (clippy.toml allows unwrap in #[test] functions only).
#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct RedisServer {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
    extra: Vec<String>,
    tls_port: Option<u16>,
}

impl RedisServer {
    /// A new server on a free port. Panics, saying what to do, when
    /// `redis-server` is not installed: a Redis test never skips.
    pub fn start() -> RedisServer {
        Self::start_with(&[])
    }

    /// A new server with extra configuration (`["--requirepass", "..."]`).
    pub fn start_with(extra: &[&str]) -> RedisServer {
        let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        let mut last = String::new();
        // A free port can be taken between finding it and redis binding it.
        for _ in 0..5 {
            let port = free_port();
            let dir = std::env::temp_dir().join(format!("userhash-redis-{}-{port}", std::process::id()));
            let mut server = RedisServer { child: None, port, dir, extra: extra.clone(), tls_port: None };
            match server.spawn() {
                Ok(()) => return server,
                Err(e) => last = e,
            }
        }
        panic!("could not start redis-server: {last}");
    }

    /// A server that also speaks TLS on a second free port, with this
    /// certificate and key, trusting `ca` (clients are not asked for a
    /// certificate). The plain port stays for PING and for looking.
    pub fn start_tls(cert: &Path, key: &Path, ca: &Path) -> RedisServer {
        let tls_port = free_port().to_string();
        let files = [cert, key, ca].map(|p| p.to_string_lossy().into_owned());
        let mut server = Self::start_with(&[
            "--tls-port",
            &tls_port,
            "--tls-cert-file",
            &files[0],
            "--tls-key-file",
            &files[1],
            "--tls-ca-cert-file",
            &files[2],
            "--tls-auth-clients",
            "no",
        ]);
        server.tls_port = Some(tls_port.parse().unwrap());
        server
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The TLS port of a server made by `start_tls`.
    pub fn tls_port(&self) -> u16 {
        self.tls_port.expect("started with start_tls")
    }

    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// `redis://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("the server is running").id()
    }

    /// Stops the server (SIGKILL, as a crash or a pulled plug would).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port, empty (no persistence).
    pub fn restart(&mut self) {
        self.stop();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.spawn() {
                Ok(()) => return,
                Err(e) if Instant::now() > deadline => panic!("could not restart redis-server: {e}"),
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }

    /// Freezes the server (SIGSTOP): connections stay open, nothing answers,
    /// as with a hung Redis. `resume` undoes it.
    pub fn pause(&self) {
        signal(self.pid(), "STOP");
    }

    pub fn resume(&self) {
        signal(self.pid(), "CONT");
    }

    fn spawn(&mut self) -> Result<(), String> {
        std::fs::create_dir_all(&self.dir).map_err(|e| e.to_string())?;
        let port = self.port.to_string();
        let mut args: Vec<&str> = vec![
            "--port",
            &port,
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--loglevel",
            "warning",
            "--logfile",
            "",
        ];
        let dir = self.dir.to_string_lossy().into_owned();
        args.extend(["--dir", &dir]);
        args.extend(self.extra.iter().map(String::as_str));
        let child = Command::new("redis-server")
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    panic!(
                        "redis-server is not installed; run `cargo xtask test`, which installs Debian's \
                         redis-server package (or `apt-get install redis-server`). Redis tests never skip."
                    )
                }
                format!("cannot start redis-server: {e}")
            })?;
        self.child = Some(child);
        self.wait_until_ready()
    }

    /// PING until PONG, or the server exited (its port was taken).
    fn wait_until_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let child = self.child.as_mut().expect("spawned");
            if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
                let mut stderr = String::new();
                if let Some(mut err) = child.stderr.take() {
                    let _ = err.read_to_string(&mut stderr);
                }
                self.child = None;
                return Err(format!("redis-server exited ({status}) on port {}: {stderr}", self.port));
            }
            if self.pings() {
                return Ok(());
            }
            if Instant::now() > deadline {
                self.stop();
                return Err(format!("redis-server did not answer PING on port {} within 10 s", self.port));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn pings(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else { return false };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
        if stream.write_all(b"PING\r\n").is_err() {
            return false;
        }
        let mut buf = [0u8; 64];
        // `-NOAUTH` also means it is up (started with --requirepass).
        matches!(stream.read(&mut buf), Ok(n) if n > 0 && (buf.starts_with(b"+PONG") || buf.starts_with(b"-NOAUTH")))
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        if let Some(child) = &self.child {
            // A paused server still dies of SIGKILL; resume anyway so nothing lingers stopped.
            let _ = Command::new("kill").args(["-CONT", &child.id().to_string()]).status();
        }
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    listener.local_addr().unwrap().port()
}

fn signal(pid: u32, name: &str) {
    let status = Command::new("kill").args([&format!("-{name}"), &pid.to_string()]).status();
    assert!(status.is_ok_and(|s| s.success()), "kill -{name} {pid}");
}
