//! How a [`RedisNonceStore`](super::RedisNonceStore) connects and what it
//! waits for: key prefix, timeouts, credentials given apart from the URL, the
//! CA that signed the server's certificate, and the replicas a nonce must
//! reach before a check accepts it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use zeroize::Zeroizing;

/// The key prefix unless [`RedisOptions::prefix`] says otherwise.
pub const DEFAULT_PREFIX: &str = "userhash:nonce";
/// How long opening a connection (TCP, TLS, then AUTH/SELECT) may take by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(1000);
/// How long one command may wait for its answer by default.
pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_millis(500);
/// How long `WAIT` waits for the replicas by default, when
/// [`RedisOptions::wait_for_replicas`] asks for any.
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_millis(200);

/// How a Redis nonce store names its keys, how long it waits, and optionally
/// the user and password (instead of putting them in the URL), the CA file
/// that signed the server's certificate (for `rediss://`), and how many
/// replicas must confirm each nonce.
///
/// Plain values only (strings, a path, a count, durations), so that every
/// binding can map its own options record onto it field by field.
#[derive(Clone)]
pub struct RedisOptions {
    pub(super) prefix: String,
    pub(super) connect_timeout: Duration,
    pub(super) command_timeout: Duration,
    pub(super) username: Option<String>,
    pub(super) password: Option<Zeroizing<String>>,
    pub(super) ca_file: Option<PathBuf>,
    pub(super) wait_replicas: u32,
    pub(super) wait_timeout: Duration,
}

impl fmt::Debug for RedisOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisOptions")
            .field("prefix", &self.prefix)
            .field("connect_timeout", &self.connect_timeout)
            .field("command_timeout", &self.command_timeout)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("ca_file", &self.ca_file)
            .field("wait_replicas", &self.wait_replicas)
            .field("wait_timeout", &self.wait_timeout)
            .finish()
    }
}

impl Default for RedisOptions {
    fn default() -> Self {
        RedisOptions {
            prefix: DEFAULT_PREFIX.to_owned(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            command_timeout: DEFAULT_COMMAND_TIMEOUT,
            username: None,
            password: None,
            ca_file: None,
            wait_replicas: 0,
            wait_timeout: DEFAULT_WAIT_TIMEOUT,
        }
    }
}

impl RedisOptions {
    /// Keys are `<prefix>:<org_id>:<nonce>` (default `userhash:nonce`).
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// The longest wait for a new connection, TLS handshake and
    /// authentication included (default 1 s).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The longest wait for Redis to take a command and answer it (default
    /// 500 ms). With [`Self::wait_for_replicas`], a check waits at most this
    /// plus the `WAIT` timeout.
    #[must_use]
    pub fn command_timeout(mut self, timeout: Duration) -> Self {
        self.command_timeout = timeout;
        self
    }

    /// The ACL user to authenticate as, replacing any in the URL (Redis 6+;
    /// without one, Redis takes the password as the `default` user's).
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }

    /// The password to authenticate with, replacing any in the URL: for a
    /// password kept apart from the URL (the CLI reads it from the
    /// environment, never from its command line).
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(Zeroizing::new(password.into()));
        self
    }

    /// Trust only the CA certificates in this PEM file for a `rediss://`
    /// server, instead of the system's roots (a managed Redis with a CA of
    /// its own, such as Memorystore, or a self-signed one). The server's
    /// certificate must still name the host of the URL. Read when the store
    /// is made; an unreadable file or one with no certificate is
    /// `Malformed(nonce_store)`.
    pub fn ca_file(mut self, path: impl AsRef<Path>) -> Self {
        self.ca_file = Some(path.as_ref().to_owned());
        self
    }

    /// Accept a nonce only after Redis confirms that `replicas` replicas of
    /// its master hold it (`WAIT replicas timeout`, sent with the `SET` in
    /// one write), waiting at most `timeout` (at least 1 ms); fewer in time
    /// refuses the request with `StoreUnavailable`. 0 (the default) does not
    /// wait: a nonce is accepted once its master has it. What each setting
    /// guarantees is in the [`nonce`](crate::nonce) module's docs.
    #[must_use]
    pub fn wait_for_replicas(mut self, replicas: u32, timeout: Duration) -> Self {
        self.wait_replicas = replicas;
        self.wait_timeout = timeout;
        self
    }

    /// The replicas each nonce must reach before it is accepted (0: none).
    #[must_use]
    pub fn wait_replicas(&self) -> u32 {
        self.wait_replicas
    }

    /// How long a check waits for them.
    #[must_use]
    pub fn wait_timeout(&self) -> Duration {
        self.wait_timeout
    }
}
