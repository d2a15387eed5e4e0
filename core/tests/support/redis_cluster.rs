//! A real six-node Redis Cluster for a test (three masters, three replicas,
//! made with `redis-cli --cluster create`), every node a `redis-server` on
//! free loopback ports, stopped when the value is dropped. Needs
//! support/redis_server.rs beside it (`#[path]` includes both).
//!
//! Made for failover in seconds: a node is deemed failed after 500 ms, a
//! replica takes over however long it was cut off, and slots whose master
//! is down do not stop the others (full coverage not required).
//! Replication authenticates as its own ACL user, so a test can cut one
//! master's replication link (`cut_replication`) while clients still reach
//! it: the replica then lags, as across a network partition.

// Test code: a panic is the failure report (clippy.toml allows unwrap in #[test] functions only).
#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use std::process::Command;
use std::time::{Duration, Instant};

use super::redis_server::RedisServer;

const REPLICATION_USER: &str = "replicator";
const REPLICATION_PASSWORD: &str = "replicator-pw-0123456789";

pub struct RedisCluster {
    nodes: Vec<RedisServer>,
    /// Each node's TLS port, for a cluster made by `start_tls`.
    tls_ports: Vec<u16>,
}

/// One line of `CLUSTER NODES`.
#[derive(Clone, Debug)]
pub struct Node {
    pub id: String,
    pub port: u16,
    pub is_master: bool,
    pub failed: bool,
    pub master_id: Option<String>,
    pub slots: Vec<(u16, u16)>,
}

impl RedisCluster {
    pub fn start() -> RedisCluster {
        Self::start_with_tls(None)
    }

    /// A cluster whose nodes also speak TLS (clients, the cluster bus and
    /// replication) with this certificate and key, trusting `ca`; made and
    /// checked over the plain ports. `CLUSTER SLOTS` asked over TLS names
    /// the TLS ports, so a TLS client stays on TLS.
    pub fn start_tls(cert: &std::path::Path, key: &std::path::Path, ca: &std::path::Path) -> RedisCluster {
        Self::start_with_tls(Some([cert, key, ca].map(|p| p.to_string_lossy().into_owned())))
    }

    fn start_with_tls(tls: Option<[String; 3]>) -> RedisCluster {
        let password = format!(">{REPLICATION_PASSWORD}");
        let mut tls_ports = Vec::new();
        let nodes: Vec<RedisServer> = (0..6)
            .map(|_| {
                let bus_port = free_port().to_string();
                let mut tls_args: Vec<String> = Vec::new();
                if let Some([cert, key, ca]) = &tls {
                    let port = free_port();
                    tls_ports.push(port);
                    tls_args = [
                        "--tls-port",
                        &port.to_string(),
                        "--tls-cluster",
                        "yes",
                        "--tls-replication",
                        "yes",
                        "--tls-cert-file",
                        cert,
                        "--tls-key-file",
                        key,
                        "--tls-ca-cert-file",
                        ca,
                        "--tls-auth-clients",
                        "no",
                    ]
                    .map(String::from)
                    .to_vec();
                }
                let mut args: Vec<&str> = tls_args.iter().map(String::as_str).collect();
                args.extend([
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes.conf",
                    "--cluster-port",
                    &bus_port,
                    "--cluster-node-timeout",
                    "500",
                    "--cluster-require-full-coverage",
                    "no",
                    "--cluster-replica-validity-factor",
                    "0",
                    // A replica's first sync starts at once, not after 5 s.
                    "--repl-diskless-sync-delay",
                    "0",
                    "--user",
                    REPLICATION_USER,
                    "on",
                    &password,
                    "~*",
                    "&*",
                    "+@all",
                    "--masteruser",
                    REPLICATION_USER,
                    "--masterauth",
                    REPLICATION_PASSWORD,
                ]);
                RedisServer::start_with(&args)
            })
            .collect();
        let mut args: Vec<String> = vec!["--cluster".into(), "create".into()];
        args.extend(nodes.iter().map(|n| format!("127.0.0.1:{}", n.port())));
        args.extend(["--cluster-replicas", "1", "--cluster-yes"].map(String::from));
        let out = Command::new("redis-cli").args(&args).output().unwrap_or_else(|e| {
            panic!("redis-cli is not installed ({e}); run `cargo xtask test` or `apt-get install redis-tools`")
        });
        assert!(
            out.status.success(),
            "redis-cli --cluster create failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let cluster = RedisCluster { nodes, tls_ports };
        cluster.wait_until_settled(Duration::from_secs(20));
        cluster
    }

    /// `redis://127.0.0.1:PORT` of every node still running.
    pub fn urls(&self) -> Vec<String> {
        self.nodes.iter().filter(|n| n.is_running()).map(RedisServer::url).collect()
    }

    /// `rediss://127.0.0.1:TLS_PORT` of every node, for a cluster made by `start_tls`.
    pub fn tls_urls(&self) -> Vec<String> {
        assert!(!self.tls_ports.is_empty(), "made by start_tls");
        self.tls_ports.iter().map(|p| format!("rediss://127.0.0.1:{p}")).collect()
    }

    pub fn node(&self, port: u16) -> &RedisServer {
        self.nodes.iter().find(|n| n.port() == port).expect("a node of this cluster")
    }

    fn node_mut(&mut self, port: u16) -> &mut RedisServer {
        self.nodes.iter_mut().find(|n| n.port() == port).expect("a node of this cluster")
    }

    /// The cluster as a running node sees it.
    pub fn topology(&self) -> Vec<Node> {
        let port = self.nodes.iter().find(|n| n.is_running()).expect("a running node").port();
        let text: String = query(port, redis::cmd("CLUSTER").arg("NODES")).expect("CLUSTER NODES");
        text.lines().map(parse_node).collect()
    }

    pub fn masters(&self) -> Vec<Node> {
        self.topology().into_iter().filter(|n| n.is_master && !n.failed && !n.slots.is_empty()).collect()
    }

    /// The port of the master that serves `slot` now.
    pub fn master_of_slot(&self, slot: u16) -> u16 {
        self.masters()
            .into_iter()
            .find(|n| n.slots.iter().any(|&(a, b)| (a..=b).contains(&slot)))
            .map(|n| n.port)
            .expect("every slot has a master")
    }

    /// The port of the replica of the master on `master_port`.
    pub fn replica_of(&self, master_port: u16) -> u16 {
        let nodes = self.topology();
        let master = nodes.iter().find(|n| n.port == master_port).expect("the master");
        nodes.iter().find(|n| n.master_id.as_deref() == Some(&master.id)).expect("its replica").port
    }

    /// SIGKILL, as a crash would.
    pub fn kill(&mut self, port: u16) {
        self.node_mut(port).stop();
    }

    /// Cuts the master's replication link: its replicas' connections are
    /// closed and they can no longer log in, so writes from now on reach the
    /// master only. Clients are not affected.
    pub fn cut_replication(&self, master_port: u16) {
        let _: () = query(master_port, redis::cmd("ACL").arg("SETUSER").arg(REPLICATION_USER).arg("off")).unwrap();
        let _: i64 = query(master_port, redis::cmd("CLIENT").arg("KILL").arg("USER").arg(REPLICATION_USER)).unwrap();
    }

    /// The replica's view of its link to its master: `up` or `down`.
    pub fn link_status(&self, replica_port: u16) -> String {
        let info: String = query(replica_port, redis::cmd("INFO").arg("replication")).unwrap();
        info.lines()
            .find_map(|l| l.strip_prefix("master_link_status:"))
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    }

    /// Whether the node on `port` says it is a master (`ROLE`), now.
    pub fn role_is_master(&self, port: u16) -> bool {
        let role: Option<Vec<redis::Value>> = query(port, &mut redis::cmd("ROLE")).ok();
        matches!(role.as_deref(), Some([redis::Value::BulkString(r), ..]) if r == b"master")
    }

    /// Whether the node on `port` is a master with slots, as another node sees it too.
    pub fn is_master_now(&self, port: u16) -> bool {
        self.role_is_master(port) && self.masters().iter().any(|m| m.port == port)
    }

    /// Waits until the node on `port` is a master with slots, and returns how
    /// long that took.
    pub fn wait_until_master(&self, port: u16, timeout: Duration) -> Duration {
        let start = Instant::now();
        loop {
            if self.is_master_now(port) {
                return start.elapsed();
            }
            assert!(start.elapsed() < timeout, "node {port} did not become a master within {timeout:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Every running node says the cluster is ok, knows three masters with
    /// slots, and every replica's link is up.
    pub fn wait_until_settled(&self, timeout: Duration) {
        let start = Instant::now();
        loop {
            let ok = self.nodes.iter().filter(|n| n.is_running()).all(|n| {
                let info: Option<String> = query(n.port(), redis::cmd("CLUSTER").arg("INFO")).ok();
                info.is_some_and(|i| i.contains("cluster_state:ok"))
            });
            let topology_ok = ok && self.masters().len() == 3;
            let links_ok = topology_ok
                && self
                    .topology()
                    .iter()
                    .filter(|n| !n.is_master && !n.failed)
                    .all(|n| self.link_status(n.port) == "up");
            if links_ok {
                return;
            }
            assert!(start.elapsed() < timeout, "the cluster did not settle within {timeout:?}: {:?}", self.topology());
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn parse_node(line: &str) -> Node {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let address = fields[1].split(['@', ',']).next().unwrap();
    let port = address.rsplit_once(':').unwrap().1.parse().unwrap();
    let flags: Vec<&str> = fields[2].split(',').collect();
    let slots = fields[8..]
        .iter()
        .filter(|s| !s.starts_with('['))
        .map(|s| match s.split_once('-') {
            Some((a, b)) => (a.parse().unwrap(), b.parse().unwrap()),
            None => (s.parse().unwrap(), s.parse().unwrap()),
        })
        .collect();
    Node {
        id: fields[0].to_owned(),
        port,
        is_master: flags.contains(&"master"),
        failed: flags.iter().any(|f| *f == "fail" || *f == "fail?"),
        master_id: (fields[3] != "-").then(|| fields[3].to_owned()),
        slots,
    }
}

fn query<T: redis::FromRedisValue>(port: u16, cmd: &mut redis::Cmd) -> redis::RedisResult<T> {
    let client = redis::Client::open(format!("redis://127.0.0.1:{port}"))?;
    let mut conn = client.get_connection_with_timeout(Duration::from_secs(2))?;
    conn.set_read_timeout(Some(Duration::from_secs(2)))?;
    cmd.query(&mut conn)
}

/// The slot of `key` (CRC16/XMODEM mod 16384, of the `{hash tag}` if any),
/// as Redis Cluster computes it.
pub fn key_slot(key: &str) -> u16 {
    let bytes = key.as_bytes();
    let hashed = match bytes.iter().position(|&b| b == b'{') {
        Some(open) => match bytes[open + 1..].iter().position(|&b| b == b'}') {
            Some(len) if len > 0 => &bytes[open + 1..open + 1 + len],
            _ => bytes,
        },
        None => bytes,
    };
    let mut crc: u16 = 0;
    for &byte in hashed {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 { (crc << 1) ^ 0x1021 } else { crc << 1 };
        }
    }
    crc % 16384
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}
