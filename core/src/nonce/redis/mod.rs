//! The shared nonce store: Redis, for several verifier processes behind a load
//! balancer (SPEC §3.1). One atomic `SET <prefix>:<org>:<nonce> 1 NX PX <ttl>`
//! per check, sent in one write with an `ECHO <token>` (a token no other check
//! uses) and, when asked for, a `WAIT` for replicas; any Redis error refuses
//! the request (`StoreUnavailable`). Which Redis to run and how to point the
//! store at it is in the [`nonce`](crate::nonce) module's docs.
//!
//! # Connections
//!
//! A single server's synchronous checks use the redis crate's synchronous
//! client with a small pool of idle connections: each check takes an idle
//! connection (or opens one), so concurrent checks never share a socket, and
//! a `WAIT` on one holds up no other. A connection goes back to the pool only
//! after a complete answer; one whose command failed or timed out is closed,
//! not reused on a server that may be hung. Not r2d2: it reuses a connection
//! that timed out, and it finds connections left dead by a Redis restart
//! either by a PING on every checkout (a second round trip per check) or not
//! at all, where `check_and_insert` below drops them all at the first dead one
//! and retries once on a new one.
//!
//! A cluster's checks, and every async check, use the redis crate's async
//! clients instead: one multiplexed connection to a single server, or the
//! cluster client (one multiplexed connection per node, redirections and
//! failovers followed by the crate), shared by every concurrent check, which
//! the crate pipelines. They run on a runtime of the store's own (one tokio
//! worker thread, started at the first such check), never on the caller's:
//! a synchronous caller waits on a channel (a `block_on` would panic when the
//! caller is itself on a tokio runtime), an async caller awaits the task from
//! whatever executor it runs on, and a connection never outlives the runtime
//! it was made on.
//!
//! # Which reply answers which check
//!
//! Redis's protocol does not say which command a reply answers, only that
//! replies come in order. One reply too many (a broken server or proxy, or a
//! hostile one in between, sends `+OK` that nobody asked for) would shift
//! every later reply on that connection by one, and a check would read the
//! answer meant for the check before it: a replay accepted on another URL's
//! `OK`. The token's echo, read after the `SET`'s (and `WAIT`'s) reply,
//! proves those replies are this check's own; anything else there closes the
//! connection and refuses the request. It costs no round trip (the commands
//! go in one write), only one more small reply. Each reply waits at most the
//! command timeout.
//!
//! The async clients match replies to requests the same way, by order: a
//! multiplexed connection hands each reply to the oldest request waiting, and
//! the cluster client sends each request over such a connection to its node.
//! Neither tags a request, so neither makes the token unnecessary: it goes in
//! the same pipeline there too, and a cluster routes the pipeline by its one
//! key (`ECHO` and `WAIT` name none), so all three reach the key's master
//! together. A stray reply there drops the shared connection (for a cluster,
//! every node's), so every check that was waiting on it is refused, none
//! accepted, and the next check connects anew.
//!
//! An ACL user for the store needs `ECHO` as well as `SET` (`+set +echo`),
//! and `WAIT` when replicas are asked for.
//!
//! # The files
//!
//! The store and its construction are here; `options.rs` holds
//! [`RedisOptions`], `url.rs` reads a URL and the options into what the
//! redis crate connects with, `check.rs` one check's commands and how their
//! replies are matched to it, `pool.rs` the synchronous checks on pooled
//! connections, `multiplexed.rs` the async side (the store's runtime, the
//! multiplexed connection and the cluster client), and `wording.rs` what a
//! refusal says.

mod check;
mod multiplexed;
mod options;
mod pool;
mod url;
mod wording;

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use redis::cluster::ClusterClient;
use redis::{Client, Connection, ConnectionAddr, ConnectionInfo, IntoConnectionInfo};
use zeroize::Zeroizing;

pub use self::options::{
    RedisOptions, DEFAULT_COMMAND_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_PREFIX, DEFAULT_WAIT_TIMEOUT,
};

use self::check::{Check, Wait};
use self::multiplexed::{AsyncSlot, OwnRuntime};
use self::url::{connection_info, password_of, read_ca_file};
use self::wording::{malformed, not_valid};
use crate::error::Result;
use crate::nonce::NonceStore;

/// Nonces in Redis, shared by every verifier process that uses the same
/// server (or cluster) and prefix: a nonce accepted by one is refused by all.
///
/// Construction does not connect: a verifier starts while Redis is down or
/// restarting, and its checks fail closed until Redis answers. Any Redis
/// error (refused, timed out, TLS, authentication, a missing ACL permission,
/// out of memory, read-only replica, a slot with no master, too few replicas
/// after `WAIT`, a reply that answers no command, ...) refuses the request
/// with `StoreUnavailable`, whose reason names the cause and never a
/// password. Thread-safe; share one. Checks can be made synchronously
/// ([`NonceStore`]) and, with the `async` feature, awaited
/// ([`AsyncNonceStore`](crate::nonce::AsyncNonceStore)) on the same store.
///
/// ```no_run
/// use std::sync::Arc;
/// use userhash::{RedisNonceStore, RedisOptions, Verifier};
///
/// let options = RedisOptions::default().prefix("shop:nonce");
/// let store = RedisNonceStore::with_options("redis://127.0.0.1:6379/0", options)?;
/// let verifier = Verifier::new(["a-32-byte-random-secret-from-env"], "org_123")?.with_nonce_store(Arc::new(store));
/// # Ok::<(), userhash::Error>(())
/// ```
pub struct RedisNonceStore {
    shared: Arc<Shared>,
    /// Where the async clients run; made at the first check that needs it.
    runtime: OnceLock<std::result::Result<OwnRuntime, String>>,
}

/// Everything a check needs, shared with the tasks on the store's runtime.
struct Shared {
    topology: Topology,
    /// `host:port`, the socket's path, or `cluster (nodes host:port, ...)`, for messages.
    server: String,
    /// Only to scrub it from any message that might repeat it.
    password: Option<Zeroizing<String>>,
    prefix: String,
    connect_timeout: Duration,
    command_timeout: Duration,
    wait: Option<Wait>,
    /// Random, in every token this store echoes: no other store (in this
    /// process or another) makes the same tokens.
    store_id: String,
    /// Checks made so far: a token no other check of this store uses.
    checks: AtomicU64,
}

enum Topology {
    Single {
        client: Client,
        /// Synchronous checks' connections.
        idle: Mutex<Vec<Connection>>,
        /// Async checks' one multiplexed connection.
        multiplexed: AsyncSlot<redis::aio::MultiplexedConnection>,
    },
    Cluster {
        client: ClusterClient,
        /// Every check's cluster connection, sync or async.
        connection: AsyncSlot<redis::cluster_async::ClusterConnection>,
    },
}

impl RedisNonceStore {
    /// A store on one server at `url`
    /// (`redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]`, `rediss://...` for
    /// TLS, or `redis+unix:///PATH`) with the default options.
    pub fn new(url: &str) -> Result<Self> {
        Self::with_options(url, RedisOptions::default())
    }

    /// A store on one server at `url` with these options. A malformed URL,
    /// an empty prefix, a zero timeout or an unreadable CA file is
    /// `Malformed(nonce_store)`: a configuration mistake.
    pub fn with_options(url: &str, options: RedisOptions) -> Result<Self> {
        let info = connection_info(url, &options)?;
        let server = info.addr().to_string();
        let password = password_of(&info);
        let client = match read_ca_file(&options)? {
            Some(root_cert) => {
                let certs = redis::TlsCertificates { client_tls: None, root_cert: Some(root_cert) };
                Client::build_with_tls(info, certs).map_err(|e| not_valid(e, url))?
            }
            None => Client::open(info).map_err(|e| not_valid(e, url))?,
        };
        let topology = Topology::Single { client, idle: Mutex::new(Vec::new()), multiplexed: AsyncSlot::default() };
        Self::build(topology, server, password, options)
    }

    /// A store on a Redis Cluster, found through one or more of its nodes
    /// (`redis://` or `rediss://` URLs as for [`Self::with_options`], all
    /// with the same scheme; one is enough, more help when one is down).
    /// The cluster's other nodes are learnt from it and followed through
    /// resharding and failover. Each check is one key's `SET` on the master
    /// of its slot; while a slot has no master, checks on it are refused.
    pub fn cluster<S: AsRef<str>>(nodes: impl IntoIterator<Item = S>, options: RedisOptions) -> Result<Self> {
        let mut infos = Vec::new();
        for url in nodes {
            let url = url.as_ref();
            let info = connection_info(url, &options)?;
            if let ConnectionAddr::Unix(_) = info.addr() {
                return Err(malformed(format!(
                    "a Redis Cluster is reached over TCP, not the socket {url}: give a node's redis:// or rediss:// URL"
                )));
            }
            infos.push(info);
        }
        let first =
            infos.first().ok_or_else(|| malformed("no Redis Cluster node given; give at least one node's URL"))?;
        let tls = |info: &ConnectionInfo| matches!(info.addr(), ConnectionAddr::TcpTls { .. });
        if infos.iter().any(|info| tls(info) != tls(first)) {
            return Err(malformed("the Redis Cluster nodes mix redis:// and rediss://; give them all one scheme"));
        }
        let nodes: Vec<String> = infos.iter().map(|info| info.addr().to_string()).collect();
        let server = format!("cluster (nodes {})", nodes.join(", "));
        let password = password_of(first);
        let wait = wait_of(&options);
        let mut builder = redis::cluster::ClusterClientBuilder::new(infos)
            .connection_timeout(options.connect_timeout)
            .response_timeout(reply_timeout(options.command_timeout, wait));
        if let Some(root_cert) = read_ca_file(&options)? {
            builder = builder.certs(redis::TlsCertificates { client_tls: None, root_cert: Some(root_cert) });
        }
        let client = builder.build().map_err(|e| malformed(format!("the Redis Cluster nodes do not agree: {e}")))?;
        let topology = Topology::Cluster { client, connection: AsyncSlot::default() };
        Self::build(topology, server, password, options)
    }

    fn build(
        topology: Topology,
        server: String,
        password: Option<Zeroizing<String>>,
        options: RedisOptions,
    ) -> Result<Self> {
        if options.prefix.is_empty() {
            return Err(malformed("the Redis key prefix is empty; leave it unset for `userhash:nonce`"));
        }
        for (name, timeout) in [("connect", options.connect_timeout), ("command", options.command_timeout)] {
            if timeout.is_zero() {
                return Err(malformed(format!("the Redis {name} timeout is 0 ms; give at least 1 ms")));
            }
        }
        if options.wait_replicas > 0 && options.wait_timeout.as_millis() == 0 {
            return Err(malformed("the WAIT timeout is 0 ms, which Redis reads as `wait forever`; give at least 1 ms"));
        }
        let wait = wait_of(&options);
        let shared = Shared {
            topology,
            server,
            password,
            prefix: options.prefix,
            connect_timeout: options.connect_timeout,
            command_timeout: options.command_timeout,
            wait,
            store_id: uuid::Uuid::new_v4().simple().to_string(),
            checks: AtomicU64::new(0),
        };
        Ok(RedisNonceStore { shared: Arc::new(shared), runtime: OnceLock::new() })
    }

    /// Whether `url` carries a password, as the redis crate reads it: in the
    /// authority (`redis://:PASSWORD@host`) or, for a socket, in the query
    /// (`redis+unix:///path?pass=PASSWORD`). For callers that must keep
    /// passwords out of a command line (the CLI); false for a URL that does
    /// not parse.
    #[must_use]
    pub fn url_has_password(url: &str) -> bool {
        url.into_connection_info().is_ok_and(|info| info.redis_settings().password().is_some_and(|p| !p.is_empty()))
    }

    pub fn prefix(&self) -> &str {
        &self.shared.prefix
    }

    /// Whether this store is on a Redis Cluster.
    pub fn is_cluster(&self) -> bool {
        matches!(self.shared.topology, Topology::Cluster { .. })
    }

    /// The replicas each nonce must reach before it is accepted (0: none).
    pub fn wait_replicas(&self) -> u32 {
        self.shared.wait.map_or(0, |w| w.replicas)
    }

    /// The key of `(org_id, nonce)`: `<prefix>:<org_id>:<nonce>`. An org id
    /// may contain `:`, a nonce may not (SPEC §1.3: `A-Z a-z 0-9 - _ . ~`), so
    /// the key splits unambiguously at its last `:`.
    pub fn key(&self, org_id: &str, nonce: &str) -> String {
        self.shared.key(org_id, nonce)
    }

    /// The store's own runtime, started at the first call.
    fn runtime(&self) -> Result<&OwnRuntime> {
        match self.runtime.get_or_init(OwnRuntime::start) {
            Ok(runtime) => Ok(runtime),
            Err(e) => Err(self.shared.unavailable_because(format!("the store could not start its I/O thread: {e}"))),
        }
    }

    #[cfg(feature = "async")]
    fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }
}

impl Shared {
    fn key(&self, org_id: &str, nonce: &str) -> String {
        format!("{}:{org_id}:{nonce}", self.prefix)
    }

    /// This check's commands: SET for `(org_id, nonce)` until
    /// `expires_at_ms`, WAIT if asked for, and a fresh token to ECHO.
    fn check(&self, org_id: &str, nonce: &str, expires_at_ms: u64, now_ms: u64) -> Check {
        // SPEC §3 step 5: live until the timestamp leaves the window. Redis
        // counts the TTL on its own clock, so its clock need not agree with
        // the verifiers'; the verifiers sharing a prefix must agree with each
        // other (same tolerance, synchronised clocks), as the README says. The
        // verifier never calls with `expires_at_ms` before `now_ms` (that is
        // `Expired`); if a caller does, the entry lives 1 ms: the check stays
        // atomic and nothing is kept for long.
        let ttl_ms = expires_at_ms.saturating_sub(now_ms).max(1);
        let token = format!("userhash:{}:{}", self.store_id, self.checks.fetch_add(1, Ordering::Relaxed));
        Check::new(self.key(org_id, nonce), ttl_ms, token, self.wait)
    }

    /// How long one reply may take: the command timeout, plus WAIT's.
    fn reply_timeout(&self) -> Duration {
        reply_timeout(self.command_timeout, self.wait)
    }
}

fn wait_of(options: &RedisOptions) -> Option<Wait> {
    (options.wait_replicas > 0).then_some(Wait { replicas: options.wait_replicas, timeout: options.wait_timeout })
}

fn reply_timeout(command_timeout: Duration, wait: Option<Wait>) -> Duration {
    command_timeout + wait.map_or(Duration::ZERO, |w| w.timeout)
}

impl NonceStore for RedisNonceStore {
    fn check_and_insert(&self, org_id: &str, nonce: &str, expires_at_ms: u64, now_ms: u64) -> Result<bool> {
        let check = self.shared.check(org_id, nonce, expires_at_ms, now_ms);
        match &self.shared.topology {
            Topology::Single { client, idle, .. } => self.shared.check_on_pool(client, idle, &check),
            Topology::Cluster { .. } => {
                let shared = self.shared.clone();
                self.runtime()?.block_on(&self.shared, async move { shared.check_async(check).await })
            }
        }
    }

    #[cfg(feature = "async")]
    fn as_async(&self) -> Option<&dyn crate::nonce::AsyncNonceStore> {
        Some(self)
    }
}

impl fmt::Debug for RedisNonceStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("RedisNonceStore");
        s.field("server", &self.shared.server)
            .field("prefix", &self.shared.prefix)
            .field("connect_timeout", &self.shared.connect_timeout)
            .field("command_timeout", &self.shared.command_timeout)
            .field("wait", &self.shared.wait);
        if let Topology::Single { idle, .. } = &self.shared.topology {
            s.field("idle_connections", &self.shared.lock_idle(idle).len());
        }
        s.finish_non_exhaustive()
    }
}
