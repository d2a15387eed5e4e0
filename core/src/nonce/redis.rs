//! The shared nonce store: Redis, for several verifier processes behind a load
//! balancer (SPEC §3.1). One atomic `SET <prefix>:<org>:<nonce> 1 NX PX <ttl>`
//! per check, sent in one write with an `ECHO <token>` (a token no other check
//! uses); any Redis error refuses the request (`StoreUnavailable`).
//!
//! Why the redis crate's synchronous client with a small pool of idle
//! connections, rather than its async `ConnectionManager`: the trait is
//! synchronous, and a private tokio runtime driven by `block_on` panics when
//! the caller is itself on a tokio runtime; the sync client needs no runtime
//! and has a connect timeout and socket read/write timeouts. Each check takes
//! an idle connection (or opens one), so concurrent checks never share a
//! socket; a connection goes back to the pool only after a complete answer.
//! A connection whose command failed or timed out is closed, not reused on a
//! server that may be hung (the redis crate would skip the late answer, but
//! nothing is gained by relying on it). Not r2d2: it reuses a connection that
//! timed out, and it finds connections left dead by a Redis restart either by
//! a PING on every checkout (a second round trip per check) or not at all (a
//! refused request per stale connection), where `check_and_insert` below
//! drops them all at the first dead one and retries once on a new one.
//! Dropping every connection that failed is also how the store reconnects by
//! itself: the next check opens a new one.
//!
//! Why the `ECHO`: Redis's protocol does not say which command a reply
//! answers, only that replies come in order. One reply too many (a broken
//! server or proxy, or a hostile one in between, sends `+OK` that nobody
//! asked for) would shift every later reply on that connection by one, and a
//! check would read the answer meant for the check before it: a replay
//! accepted on another URL's `OK`. The token's echo, read right after the
//! `SET`'s reply, proves the two replies are this check's own; anything else
//! there closes the connection and refuses the request. It costs no round
//! trip (both commands go in one write), only a second small reply. Each
//! reply waits at most the command timeout, so a server that answers the
//! `SET` and then stalls before the `ECHO` is given up after twice that.
//! An ACL user for the store needs `ECHO` as well as `SET` (`+set +echo`).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use redis::{Client, Connection, IntoConnectionInfo, RedisError, Value};
use zeroize::Zeroizing;

use super::NonceStore;
use crate::error::{Error, Field, Result};

/// The key prefix unless [`RedisOptions::prefix`] says otherwise.
pub const DEFAULT_PREFIX: &str = "userhash:nonce";
/// How long opening a connection (TCP, then AUTH/SELECT) may take by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(1000);
/// How long one command may wait for its answer by default.
pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_millis(500);

/// Idle connections kept for reuse; a burst of more concurrent checks opens
/// extra ones and closes them afterwards.
const MAX_IDLE: usize = 64;

/// How a [`RedisNonceStore`] names its keys, how long it waits, and
/// optionally the password (instead of putting it in the URL).
#[derive(Clone)]
pub struct RedisOptions {
    prefix: String,
    connect_timeout: Duration,
    command_timeout: Duration,
    password: Option<Zeroizing<String>>,
}

impl fmt::Debug for RedisOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisOptions")
            .field("prefix", &self.prefix)
            .field("connect_timeout", &self.connect_timeout)
            .field("command_timeout", &self.command_timeout)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl Default for RedisOptions {
    fn default() -> Self {
        RedisOptions {
            prefix: DEFAULT_PREFIX.to_owned(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            command_timeout: DEFAULT_COMMAND_TIMEOUT,
            password: None,
        }
    }
}

impl RedisOptions {
    /// Keys are `<prefix>:<org_id>:<nonce>` (default `userhash:nonce`).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// The longest wait for a new connection, handshake included (default 1 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The longest wait for Redis to take a command and answer it (default 500 ms).
    pub fn command_timeout(mut self, timeout: Duration) -> Self {
        self.command_timeout = timeout;
        self
    }

    /// The password to authenticate with, replacing any in the URL: for a
    /// password kept apart from the URL (the CLI reads it from the
    /// environment, never from its command line).
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(Zeroizing::new(password.into()));
        self
    }
}

/// Nonces in Redis, shared by every verifier process that uses the same
/// server and prefix: a nonce accepted by one is refused by all.
///
/// Construction does not connect: a verifier starts while Redis is down or
/// restarting, and its checks fail closed until Redis answers. Any Redis
/// error (refused, timed out, authentication, a missing ACL permission, out
/// of memory, read-only replica, a reply that answers no command, ...)
/// refuses the request with `StoreUnavailable`, whose reason names the cause
/// and never the URL's password. Thread-safe; share one.
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
    client: Client,
    /// `host:port` or the socket's path, for messages.
    server: String,
    /// Only to scrub it from any message that might repeat it.
    password: Option<Zeroizing<String>>,
    prefix: String,
    connect_timeout: Duration,
    command_timeout: Duration,
    idle: Mutex<Vec<Connection>>,
    /// Random, in every token this store echoes: no other store (in this
    /// process or another) makes the same tokens.
    store_id: String,
    /// Checks made so far: a token no other check of this store uses.
    checks: AtomicU64,
}

impl RedisNonceStore {
    /// A store on `url` (`redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]` or
    /// `redis+unix:///PATH`) with the default options.
    pub fn new(url: &str) -> Result<Self> {
        Self::with_options(url, RedisOptions::default())
    }

    /// A store on `url` with these options. A malformed URL, an empty prefix
    /// or a zero timeout is `Malformed(nonce_store)`: a configuration mistake.
    pub fn with_options(url: &str, options: RedisOptions) -> Result<Self> {
        let malformed = |reason: String| Error::Malformed { field: Field::NonceStore, reason };
        // The URL may carry a password: no message repeats it.
        let not_valid = |e: RedisError| {
            malformed(format!(
                "the Redis URL is not valid ({}); write it as redis://[:PASSWORD@]HOST[:PORT][/DB] or redis+unix:///PATH",
                without_credentials(e.to_string(), url, e.category())
            ))
        };
        let mut info = url.into_connection_info().map_err(not_valid)?;
        if let Some(password) = &options.password {
            let settings = info.redis_settings().clone().set_password(password.as_str());
            info = info.set_redis_settings(settings);
        }
        let client = Client::open(info).map_err(not_valid)?;
        if options.prefix.is_empty() {
            return Err(malformed("the Redis key prefix is empty; leave it unset for `userhash:nonce`".to_owned()));
        }
        for (name, timeout) in [("connect", options.connect_timeout), ("command", options.command_timeout)] {
            if timeout.is_zero() {
                return Err(malformed(format!("the Redis {name} timeout is 0 ms; give at least 1 ms")));
            }
        }
        let info = client.get_connection_info();
        let server = info.addr().to_string();
        let password = info.redis_settings().password().filter(|p| !p.is_empty()).map(|p| Zeroizing::new(p.to_owned()));
        Ok(RedisNonceStore {
            client,
            server,
            password,
            prefix: options.prefix,
            connect_timeout: options.connect_timeout,
            command_timeout: options.command_timeout,
            idle: Mutex::new(Vec::new()),
            store_id: uuid::Uuid::new_v4().simple().to_string(),
            checks: AtomicU64::new(0),
        })
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
        &self.prefix
    }

    /// The key of `(org_id, nonce)`: `<prefix>:<org_id>:<nonce>`. An org id
    /// may contain `:`, a nonce may not (SPEC §1.3: `A-Z a-z 0-9 - _ . ~`), so
    /// the key splits unambiguously at its last `:`.
    pub fn key(&self, org_id: &str, nonce: &str) -> String {
        format!("{}:{org_id}:{nonce}", self.prefix)
    }

    fn lock_idle(&self) -> MutexGuard<'_, Vec<Connection>> {
        // A Vec of connections is consistent whatever panicked while it was held.
        self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn connect(&self) -> Result<Connection> {
        let unavailable = |e: RedisError| self.unavailable(Phase::Connect, &e);
        let conn = self.client.get_connection_with_timeout(self.connect_timeout).map_err(unavailable)?;
        conn.set_read_timeout(Some(self.command_timeout)).map_err(unavailable)?;
        conn.set_write_timeout(Some(self.command_timeout)).map_err(unavailable)?;
        Ok(conn)
    }

    /// Runs `SET NX` and `ECHO <token>` on `conn`, in one write; keeps the
    /// connection only after both answers, the second being the token. A
    /// connection whose command failed may still receive that command's
    /// answer later, and one whose replies are not its commands' may hold
    /// more of them, so neither is ever asked anything again.
    fn set_nx(&self, mut conn: Connection, key: &str, ttl_ms: u64) -> Result<bool, Failure> {
        let token = format!("userhash:{}:{}", self.store_id, self.checks.fetch_add(1, Ordering::Relaxed));
        let commands = redis::pipe()
            .cmd("SET")
            .arg(key)
            .arg(1)
            .arg("NX")
            .arg("PX")
            .arg(ttl_ms)
            .cmd("ECHO")
            .arg(&token)
            .get_packed_pipeline();
        conn.send_packed_command(&commands)?;
        let set = next_reply(&mut conn)?;
        match next_reply(&mut conn)? {
            Value::BulkString(echoed) if echoed == token.as_bytes() => {}
            // ECHO refused (no password, an ACL user without ECHO): refused
            // with what Redis said, whatever the SET's reply was.
            Value::ServerError(e) => return Err(Failure::Redis(e.into())),
            other => return Err(Failure::StrayReply { in_place_of_echo: short_debug(&other) }),
        }
        let new = match set {
            Value::Okay => true,
            Value::SimpleString(ref s) if s == "OK" => true,
            Value::Nil => false,
            Value::ServerError(e) => return Err(Failure::Redis(e.into())),
            other => {
                let detail = format!("SET NX answered {}, not OK or nil", short_debug(&other));
                return Err(Failure::Redis(
                    (redis::ErrorKind::UnexpectedReturnType, "unexpected reply", detail).into(),
                ));
            }
        };
        let mut idle = self.lock_idle();
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
        Ok(new)
    }

    /// `StoreUnavailable` for a check that failed on its connection.
    fn refused(&self, failure: Failure) -> Error {
        match failure {
            Failure::Redis(e) => self.unavailable(Phase::Command, &e),
            Failure::StrayReply { in_place_of_echo } => {
                let server = &self.server;
                let reason = format!(
                    "Redis at {server} sent a reply that matches no command ({in_place_of_echo} where this \
                     check's ECHO answer was due): the connection was closed and the request refused, not \
                     retried, since its SET may have run. If this repeats, find what answers out of turn at \
                     {server} (a proxy in between, or a server that is not Redis)"
                );
                Error::StoreUnavailable { reason: self.scrub(reason) }
            }
        }
    }

    /// `StoreUnavailable` with the cause in words, and never the password.
    fn unavailable(&self, phase: Phase, e: &RedisError) -> Error {
        let server = &self.server;
        let reason = if e.is_connection_refusal() {
            format!("connection refused by Redis at {server}; is it running?")
        } else if e.is_timeout() {
            match phase {
                Phase::Connect => format!(
                    "timed out connecting to Redis at {server}, after the {} ms connect timeout",
                    self.connect_timeout.as_millis()
                ),
                Phase::Command => format!(
                    "timed out waiting for Redis at {server} to answer, after the {} ms command timeout",
                    self.command_timeout.as_millis()
                ),
            }
        } else if e.code() == Some("NOPERM") {
            format!(
                "the Redis user may not run a command of this store at {server} ({e}); give it SET and ECHO on \
                 the store's keys (and SELECT if the URL names a database), for example ACL SETUSER <user> \
                 +set +echo ~{}:*",
                self.prefix
            )
        } else if is_auth_error(e) {
            let said = e.code().map(|code| format!(", Redis said {code}")).unwrap_or_default();
            format!("authentication to Redis at {server} failed{said}; check the user and password in the Redis URL")
        } else if e.is_connection_dropped() {
            format!("the connection to Redis at {server} was closed ({e})")
        } else {
            format!("Redis at {server}: {e}")
        };
        Error::StoreUnavailable { reason: self.scrub(reason) }
    }

    /// Belt and braces: no message may show the URL's password, whatever a
    /// server or library error says.
    fn scrub(&self, text: String) -> String {
        match &self.password {
            Some(password) if text.contains(password.as_str()) => text.replace(password.as_str(), "<redacted>"),
            _ => text,
        }
    }
}

/// Why a check failed on its connection, which is then closed.
enum Failure {
    Redis(RedisError),
    /// The reply where the ECHO's was due is not this check's token: the
    /// replies on the connection do not answer its commands, so the one
    /// taken for the SET's may not be the SET's either.
    StrayReply {
        in_place_of_echo: String,
    },
}

impl From<RedisError> for Failure {
    fn from(e: RedisError) -> Self {
        Failure::Redis(e)
    }
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

/// A reply for a message, cut short: a server may send anything.
fn short_debug(reply: &Value) -> String {
    const MAX_CHARS: usize = 80;
    let text = format!("{reply:?}");
    match text.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text,
    }
}

#[derive(Clone, Copy)]
enum Phase {
    Connect,
    Command,
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

impl NonceStore for RedisNonceStore {
    fn check_and_insert(&self, org_id: &str, nonce: &str, expires_at_ms: u64, now_ms: u64) -> Result<bool> {
        // SPEC §3 step 5: live until the timestamp leaves the window. Redis
        // counts the TTL on its own clock, so its clock need not agree with
        // the verifiers'; the verifiers sharing a prefix must agree with each
        // other (same tolerance, synchronised clocks), as the README says. The verifier never calls with `expires_at_ms` before
        // `now_ms` (that is `Expired`); if a caller does, the entry lives 1 ms:
        // the check stays atomic and nothing is kept for long.
        let ttl_ms = expires_at_ms.saturating_sub(now_ms).max(1);
        let key = self.key(org_id, nonce);
        let pooled = self.lock_idle().pop();
        if let Some(conn) = pooled {
            match self.set_nx(conn, &key, ttl_ms) {
                Ok(new) => return Ok(new),
                // An idle connection that Redis closed (it restarted, or
                // dropped idle clients): every idle one is suspect. Try once
                // more on a new connection. Safe: if the first SET did take
                // effect, the second finds the key and the request is refused
                // as a replay; it is never accepted twice.
                Err(Failure::Redis(e)) if e.is_connection_dropped() && !e.is_timeout() => self.lock_idle().clear(),
                // Not after a stray reply either: the connection was alive and
                // the SET most likely ran, so a retry would find its key and
                // refuse a first use as Replayed. StoreUnavailable says what
                // happened; the next check takes another connection.
                Err(failure) => return Err(self.refused(failure)),
            }
        }
        let conn = self.connect()?;
        self.set_nx(conn, &key, ttl_ms).map_err(|failure| self.refused(failure))
    }
}

impl fmt::Debug for RedisNonceStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisNonceStore")
            .field("server", &self.server)
            .field("prefix", &self.prefix)
            .field("connect_timeout", &self.connect_timeout)
            .field("command_timeout", &self.command_timeout)
            .field("idle_connections", &self.lock_idle().len())
            .finish_non_exhaustive()
    }
}
