//! The shared nonce store: Redis, for several verifier processes behind a load
//! balancer (SPEC §3.1). One atomic `SET <prefix>:<org>:<nonce> 1 NX PX <ttl>`
//! per check, sent in one write with an `ECHO <token>` (a token no other check
//! uses) and, when asked for, a `WAIT` for replicas; any Redis error refuses
//! the request (`StoreUnavailable`). Which Redis to run and how to point the
//! store at it is in the [`nonce`](super) module's docs.
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

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use redis::cluster::ClusterClient;
use redis::{Client, Connection, ConnectionAddr, ConnectionInfo, IntoConnectionInfo, RedisError, Value};
use zeroize::Zeroizing;

use super::redis_async::{AsyncSlot, OwnRuntime};
use super::redis_check::{Check, Failure, Wait};
use super::redis_options::RedisOptions;
use super::NonceStore;
use crate::error::{Error, Field, Result};

/// Idle connections kept for reuse; a burst of more concurrent checks opens
/// extra ones and closes them afterwards.
const MAX_IDLE: usize = 64;

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
/// ([`AsyncNonceStore`](super::AsyncNonceStore)) on the same store.
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
pub(super) struct Shared {
    pub(super) topology: Topology,
    /// `host:port`, the socket's path, or `cluster (nodes host:port, ...)`, for messages.
    server: String,
    /// Only to scrub it from any message that might repeat it.
    password: Option<Zeroizing<String>>,
    prefix: String,
    pub(super) connect_timeout: Duration,
    pub(super) command_timeout: Duration,
    pub(super) wait: Option<Wait>,
    /// Random, in every token this store echoes: no other store (in this
    /// process or another) makes the same tokens.
    store_id: String,
    /// Checks made so far: a token no other check of this store uses.
    checks: AtomicU64,
}

pub(super) enum Topology {
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
    pub(super) fn runtime(&self) -> Result<&OwnRuntime> {
        match self.runtime.get_or_init(OwnRuntime::start) {
            Ok(runtime) => Ok(runtime),
            Err(e) => Err(self.shared.unavailable_because(format!("the store could not start its I/O thread: {e}"))),
        }
    }

    #[cfg(feature = "async")]
    pub(super) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }
}

impl Shared {
    fn key(&self, org_id: &str, nonce: &str) -> String {
        format!("{}:{org_id}:{nonce}", self.prefix)
    }

    /// This check's commands: SET for `(org_id, nonce)` until
    /// `expires_at_ms`, WAIT if asked for, and a fresh token to ECHO.
    pub(super) fn check(&self, org_id: &str, nonce: &str, expires_at_ms: u64, now_ms: u64) -> Check {
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
    pub(super) fn reply_timeout(&self) -> Duration {
        reply_timeout(self.command_timeout, self.wait)
    }

    fn lock_idle<'a>(&self, idle: &'a Mutex<Vec<Connection>>) -> MutexGuard<'a, Vec<Connection>> {
        // A Vec of connections is consistent whatever panicked while it was held.
        idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn connect(&self, client: &Client) -> Result<Connection> {
        let unavailable = |e: RedisError| self.unavailable(Phase::Connect, &e);
        let conn = client.get_connection_with_timeout(self.connect_timeout).map_err(unavailable)?;
        conn.set_read_timeout(Some(self.reply_timeout())).map_err(unavailable)?;
        conn.set_write_timeout(Some(self.command_timeout)).map_err(unavailable)?;
        Ok(conn)
    }

    /// Runs `check` on `conn`, in one write; keeps the connection only after
    /// every answer, the last being the token. A connection whose command
    /// failed may still receive that command's answer later, and one whose
    /// replies are not its commands' may hold more of them, so neither is
    /// ever asked anything again.
    fn run_on(&self, mut conn: Connection, check: &Check, idle: &Mutex<Vec<Connection>>) -> Result<bool, Failure> {
        conn.send_packed_command(&check.pipeline().get_packed_pipeline())?;
        let mut replies = Vec::with_capacity(check.reply_count());
        for _ in 0..check.reply_count() {
            replies.push(next_reply(&mut conn)?);
        }
        let result = check.read(replies);
        if result.as_ref().map_or_else(Failure::keeps_connection, |_| true) {
            let mut idle = self.lock_idle(idle);
            if idle.len() < MAX_IDLE {
                idle.push(conn);
            }
        }
        result
    }

    /// A synchronous check on a single server, on a pooled connection.
    fn check_on_pool(&self, client: &Client, idle: &Mutex<Vec<Connection>>, check: &Check) -> Result<bool> {
        let pooled = self.lock_idle(idle).pop();
        if let Some(conn) = pooled {
            match self.run_on(conn, check, idle) {
                Ok(new) => return Ok(new),
                // An idle connection that Redis closed (it restarted, or
                // dropped idle clients): every idle one is suspect. Try once
                // more on a new connection. Safe: if the first SET did take
                // effect, the second finds the key and the request is refused
                // as a replay; it is never accepted twice.
                Err(Failure::Redis(e)) if e.is_connection_dropped() && !e.is_timeout() => self.lock_idle(idle).clear(),
                // Not after a stray reply either: the connection was alive and
                // the SET most likely ran, so a retry would find its key and
                // refuse a first use as Replayed. StoreUnavailable says what
                // happened; the next check takes another connection.
                Err(failure) => return Err(self.refused(failure)),
            }
        }
        let conn = self.connect(client)?;
        self.run_on(conn, check, idle).map_err(|failure| self.refused(failure))
    }

    /// `StoreUnavailable` for a check that failed on its connection.
    pub(super) fn refused(&self, failure: Failure) -> Error {
        let server = &self.server;
        match failure {
            Failure::Redis(e) | Failure::Refused(e) => self.unavailable(Phase::Command, &e),
            Failure::StrayReply { in_place_of_echo } => self.unavailable_because(format!(
                "Redis at {server} sent a reply that matches no command ({in_place_of_echo} where this check's \
                 ECHO answer was due): the connection was closed and the request refused, not retried, since its \
                 SET may have run. If this repeats, find what answers out of turn at {server} (a proxy in \
                 between, or a server that is not Redis)"
            )),
            Failure::NotReplicated { reached, wanted, timeout } => self.unavailable_because(format!(
                "Redis at {server} stored the nonce, but WAIT counted {reached} of the {wanted} replicas asked for \
                 within {} ms, so a failover now could forget it and accept the URL again. The request was \
                 refused (a retry of this URL is Replayed while that master lives). Check the replicas' health \
                 and lag, or lower the replicas asked for",
                timeout.as_millis()
            )),
        }
    }

    /// `StoreUnavailable` with the cause in words, and never the password.
    pub(super) fn unavailable(&self, phase: Phase, e: &RedisError) -> Error {
        let server = &self.server;
        let reason = if let Some(tls) = tls_failure(e) {
            format!("TLS with Redis at {server} failed: {tls}")
        } else if e.is_connection_refusal() {
            format!("connection refused by Redis at {server}; is it running?")
        } else if e.is_timeout() {
            match phase {
                Phase::Connect => format!(
                    "timed out connecting to Redis at {server}, after the {} ms connect timeout",
                    self.connect_timeout.as_millis()
                ),
                Phase::Command => format!(
                    "timed out waiting for Redis at {server} to answer, after the {} ms command timeout",
                    self.reply_timeout().as_millis()
                ),
            }
        } else if e.code() == Some("NOPERM") {
            let wait = if self.wait.is_some() { " +wait" } else { "" };
            format!(
                "the Redis user may not run a command of this store at {server} ({e}); give it SET and ECHO{} on \
                 the store's keys (and SELECT if the URL names a database), for example ACL SETUSER <user> \
                 +set +echo{wait} ~{}:*",
                if wait.is_empty() { "" } else { " and WAIT" },
                self.prefix
            )
        } else if is_auth_error(e) {
            let said = e.code().map(|code| format!(", Redis said {code}")).unwrap_or_default();
            format!(
                "authentication to Redis at {server} failed{said}; check the user and password (in the Redis URL \
                 or the store's options)"
            )
        } else if e.code() == Some("CLUSTERDOWN") {
            format!("{server} has a slot with no master ({e}); checks on it are refused until a replica takes over")
        } else if e.is_connection_dropped() {
            format!("the connection to Redis at {server} was closed ({e})")
        } else {
            format!("Redis at {server}: {e}")
        };
        self.unavailable_because(reason)
    }

    pub(super) fn unavailable_because(&self, reason: String) -> Error {
        Error::StoreUnavailable { reason: self.scrub(reason) }
    }

    /// Belt and braces: no message may show the password, whatever a server
    /// or library error says.
    fn scrub(&self, text: String) -> String {
        match &self.password {
            Some(password) if text.contains(password.as_str()) => text.replace(password.as_str(), "<redacted>"),
            _ => text,
        }
    }
}

#[derive(Clone, Copy)]
pub(super) enum Phase {
    Connect,
    Command,
}

fn malformed(reason: impl Into<String>) -> Error {
    Error::Malformed { field: Field::NonceStore, reason: reason.into() }
}

/// The URL may carry a password: no message repeats it.
fn not_valid(e: RedisError, url: &str) -> Error {
    malformed(format!(
        "the Redis URL is not valid ({}); write it as redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss://... for \
         TLS, or redis+unix:///PATH",
        without_credentials(e.to_string(), url, e.category())
    ))
}

/// `url` with the options' user and password in place of the URL's, and TLS
/// settings checked: certificates are always verified.
fn connection_info(url: &str, options: &RedisOptions) -> Result<ConnectionInfo> {
    let mut info = url.into_connection_info().map_err(|e| not_valid(e, url))?;
    let mut settings = info.redis_settings().clone();
    if let Some(username) = &options.username {
        settings = settings.set_username(username);
    }
    if let Some(password) = &options.password {
        settings = settings.set_password(password.as_str());
    }
    if let (Some(user), None) = (settings.username(), settings.password().filter(|p| !p.is_empty())) {
        // Redis logs in only with a password: without one the connection
        // would quietly be the `default` user's.
        return Err(malformed(format!(
            "the Redis user `{user}` is given without a password; give its password too (for a `nopass` user, any \
             password)"
        )));
    }
    info = info.set_redis_settings(settings);
    match info.addr() {
        ConnectionAddr::TcpTls { insecure: true, .. } => Err(malformed(
            "the Redis URL ends in #insecure, which turns off the server's certificate check; userhash always \
             checks it: give the CA that signed it (the CA file option) instead",
        )),
        ConnectionAddr::TcpTls { .. } => {
            install_crypto_provider();
            Ok(info)
        }
        _ if options.ca_file.is_some() => Err(malformed(
            "a CA file is given but the Redis URL is not rediss://; use rediss://HOST:PORT for TLS, or drop the CA file",
        )),
        _ => Ok(info),
    }
}

/// rustls takes the process's default crypto provider; the redis crate's
/// TLS asks for it. If the process has none yet, this crate's (ring) is
/// installed, so that a program whose other dependencies enable a second
/// provider does not make rustls refuse to pick one.
fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may install one first: then that one is used.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

fn read_ca_file(options: &RedisOptions) -> Result<Option<Vec<u8>>> {
    let Some(path) = &options.ca_file else { return Ok(None) };
    let pem = std::fs::read(path)
        .map_err(|e| malformed(format!("the CA file {} cannot be read ({e}); give a PEM file", path.display())))?;
    if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
        return Err(malformed(format!(
            "the CA file {} holds no PEM certificate (-----BEGIN CERTIFICATE-----); give the CA's certificate in PEM",
            path.display()
        )));
    }
    Ok(Some(pem))
}

fn password_of(info: &ConnectionInfo) -> Option<Zeroizing<String>> {
    info.redis_settings().password().filter(|p| !p.is_empty()).map(|p| Zeroizing::new(p.to_owned()))
}

fn wait_of(options: &RedisOptions) -> Option<Wait> {
    (options.wait_replicas > 0).then_some(Wait { replicas: options.wait_replicas, timeout: options.wait_timeout })
}

fn reply_timeout(command_timeout: Duration, wait: Option<Wait>) -> Duration {
    command_timeout + wait.map_or(Duration::ZERO, |w| w.timeout)
}

/// The next reply, past any RESP3 push message (which answers no command).
fn next_reply(conn: &mut Connection) -> Result<Value, RedisError> {
    loop {
        match conn.recv_response()? {
            Value::Push { .. } => continue,
            reply => return Ok(reply),
        }
    }
}

/// `message`, unless it repeats a part of the URL's `user:password@`: then
/// `fallback`. Used before the URL is parsed, when the password is not known.
fn without_credentials(message: String, url: &str, fallback: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?', '#']).next().unwrap_or("");
    let userinfo = authority.rsplit_once('@').map_or("", |(userinfo, _)| userinfo);
    if userinfo.split(':').any(|part| !part.is_empty() && message.contains(part)) {
        fallback.to_owned()
    } else {
        message
    }
}

fn is_auth_error(e: &RedisError) -> bool {
    e.kind() == redis::ErrorKind::AuthenticationFailed
        || matches!(e.code(), Some("NOAUTH" | "WRONGPASS"))
        || e.detail().is_some_and(|d| d.contains("AUTH"))
}

/// What went wrong in TLS, in words, if `e` is a TLS failure: rustls's
/// error where the redis crate kept it, else its text (the cluster client
/// passes some errors on as text).
fn tls_failure(e: &RedisError) -> Option<String> {
    use rustls::{CertificateError, Error as Tls};
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut found = None;
    while let Some(err) = source {
        if let Some(tls) = err.downcast_ref::<Tls>() {
            found = Some(tls.clone());
            break;
        }
        if let Some(tls) = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<Tls>())
        {
            found = Some(tls.clone());
            break;
        }
        source = err.source();
    }
    let text = e.to_string();
    let certificate = |c: &CertificateError| match c {
        CertificateError::UnknownIssuer => Some(unknown_ca()),
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => Some(name_mismatch(c)),
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            Some(format!("the server's certificate has expired ({c})"))
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            Some(format!("the server's certificate is not valid yet ({c}); check the clocks"))
        }
        _ => Some(format!("the server's certificate was refused ({c})")),
    };
    match found {
        Some(Tls::InvalidCertificate(c)) => certificate(&c),
        Some(Tls::AlertReceived(alert)) => Some(handshake_refused(&format!("{alert:?}"))),
        Some(Tls::InvalidMessage(_) | Tls::InappropriateMessage { .. } | Tls::InappropriateHandshakeMessage { .. }) => {
            Some(format!("the server did not answer in TLS ({}); is this a plain-text Redis port?", found.unwrap()))
        }
        Some(other) => Some(format!("{other}")),
        None if text.contains("UnknownIssuer") => Some(unknown_ca()),
        None if text.contains("NotValidForName") || text.contains("not valid for name") => Some(name_mismatch(&text)),
        None if text.contains("received fatal alert") || text.contains("AlertReceived") => {
            Some(handshake_refused(&text))
        }
        None if text.contains("InvalidContentType") || text.contains("corrupt message") => {
            Some(format!("the server did not answer in TLS ({text}); is this a plain-text Redis port?"))
        }
        None => None,
    }
}

fn unknown_ca() -> String {
    "the server's certificate is not signed by a CA this client trusts (unknown CA); give the CA that signed it \
     (the CA file option), or check that the URL points at the right server"
        .to_owned()
}

fn name_mismatch(detail: &dyn fmt::Display) -> String {
    format!(
        "the server's certificate does not name the host in the URL (name mismatch: {detail}); connect by a name \
         or address the certificate lists"
    )
}

fn handshake_refused(alert: &str) -> String {
    format!(
        "the server refused the TLS handshake (alert {alert}); check that it accepts this client (a client \
         certificate, the TLS version) and that the port speaks TLS"
    )
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
    fn as_async(&self) -> Option<&dyn super::AsyncNonceStore> {
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
