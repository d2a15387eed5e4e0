//! Nonce stores across the FFI. `NonceStore` is SPEC §3.1's trait, with one
//! method, implementable in Python, Kotlin or Swift. The Rust stores (memory,
//! Redis) are made by `memory_nonce_store` and `redis_nonce_store` and cross
//! as uniffi objects of the same trait; when one comes back in a
//! `Verifier`, `into_core` finds it is Rust's own and the verifier calls it
//! directly, with its own clock, never through the host language. That
//! decision is made here, once, for every language.

use std::any::Any;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use userhash::{Error, Field};

use crate::error::UserHashError;
use crate::ints::{count, non_negative, signed};

type Result<T> = std::result::Result<T, UserHashError>;

/// Where a verifier remembers the nonces it accepted (SPEC §3.1).
///
/// `check_and_insert` returns true when `(org_id, nonce)` was not seen before
/// and is now recorded until `expires_at_ms` (Unix ms), false when it was
/// seen. It must be atomic: of two callers racing on one pair, exactly one
/// gets true. Raise `UserHashError.StoreUnavailable` (or anything else) when
/// the store cannot answer: the request is then refused, never accepted.
#[uniffi::export(with_foreign)]
pub trait NonceStore: Send + Sync + Any {
    fn check_and_insert(&self, org_id: String, nonce: String, expires_at_ms: i64) -> Result<bool>;
}

/// A core store handed out to the host language.
struct RustStore(Arc<dyn userhash::NonceStore>);

impl NonceStore for RustStore {
    fn check_and_insert(&self, org_id: String, nonce: String, expires_at_ms: i64) -> Result<bool> {
        let expires_at_ms = non_negative(expires_at_ms, Field::Timestamp, "expires_at_ms")?;
        Ok(self.0.check_and_insert(&org_id, &nonce, expires_at_ms, userhash::now_ms())?)
    }
}

/// A store written in the host language, seen by the core as one of its own.
/// The core's `now_ms` is not passed on: the foreign trait has SPEC's three
/// arguments, and a foreign store expires entries by `expires_at_ms`.
struct ForeignStore(Arc<dyn NonceStore>);

impl userhash::NonceStore for ForeignStore {
    fn check_and_insert(&self, org_id: &str, nonce: &str, expires_at_ms: u64, _now_ms: u64) -> userhash::Result<bool> {
        self.0.check_and_insert(org_id.to_owned(), nonce.to_owned(), signed(expires_at_ms)).map_err(|e| match e {
            UserHashError::StoreFull { .. } | UserHashError::StoreUnavailable { .. } => e.into(),
            // Any other error from a store still refuses the request.
            other => Error::StoreUnavailable { reason: format!("the nonce store raised {}: {other}", variant(&other)) },
        })
    }
}

fn variant(e: &UserHashError) -> &'static str {
    Error::from(e.clone()).variant_name()
}

impl fmt::Debug for ForeignStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ForeignStore")
    }
}

/// The core store behind `store`: the Rust one itself, or an adapter that
/// calls the foreign one.
pub(crate) fn into_core(store: Arc<dyn NonceStore>) -> Arc<dyn userhash::NonceStore> {
    let any: Arc<dyn Any + Send + Sync> = store.clone();
    match any.downcast::<RustStore>() {
        Ok(rust) => rust.0.clone(),
        Err(_) => Arc::new(ForeignStore(store)),
    }
}

/// The embedded in-memory nonce store (SPEC §3.1), holding at most `capacity`
/// live nonces (the core's default, 100 000, when left out); when full of
/// live ones it refuses the request (`StoreFull`) rather than forget one.
/// One process only: share a Redis store between several.
#[uniffi::export(default(capacity = None))]
pub fn memory_nonce_store(capacity: Option<i64>) -> Result<Arc<dyn NonceStore>> {
    let store = match capacity {
        None => userhash::MemoryNonceStore::default(),
        Some(n) => userhash::MemoryNonceStore::new(count(n, Field::NonceStore, "capacity")?),
    };
    Ok(Arc::new(RustStore(Arc::new(store))))
}

/// The Redis nonce store (SPEC §3.1), for several verifier processes behind a
/// load balancer: a nonce accepted by one is refused by all. `url`:
/// `redis://[USER@]HOST[:PORT][/DB]`, or `rediss://` for TLS (the system's
/// roots, or only the CA certificates in `ca_file`; the server's name is
/// always checked). Keys are `<prefix>:<org_id>:<nonce>`, each living until
/// its timestamp leaves the window. Left out, each setting is the core's
/// default (`userhash:nonce`, 1000 ms to connect, 500 ms per command, no
/// WAIT). `username` and `password` log an ACL user in (give the password
/// here rather than in the URL, from your secret store); `wait_replicas`
/// accepts a nonce only once that many replicas confirm it (Redis `WAIT`,
/// within `wait_timeout_ms`, default 200), so a failover cannot forget it.
/// Nothing connects here: a verifier starts while Redis is down, and while
/// it is, every verification is refused (`StoreUnavailable`, fail closed); it
/// reconnects by itself. A bad URL or setting is `Malformed` (field
/// `nonce_store`); no message shows the password. How to run Redis for it,
/// and which managed Redis takes which URL: the core's `userhash::nonce`
/// module docs (docs/adr/0019).
#[uniffi::export(default(
    prefix = None,
    connect_timeout_ms = None,
    command_timeout_ms = None,
    username = None,
    password = None,
    ca_file = None,
    wait_replicas = None,
    wait_timeout_ms = None
))]
#[allow(clippy::too_many_arguments)]
pub fn redis_nonce_store(
    url: String,
    prefix: Option<String>,
    connect_timeout_ms: Option<i64>,
    command_timeout_ms: Option<i64>,
    username: Option<String>,
    password: Option<String>,
    ca_file: Option<String>,
    wait_replicas: Option<i64>,
    wait_timeout_ms: Option<i64>,
) -> Result<Arc<dyn NonceStore>> {
    let settings = RedisSettings {
        prefix,
        connect_timeout_ms,
        command_timeout_ms,
        username,
        password,
        ca_file,
        wait_replicas,
        wait_timeout_ms,
    };
    let store = userhash::RedisNonceStore::with_options(&url, settings.options()?)?;
    Ok(Arc::new(RustStore(Arc::new(store))))
}

/// `redis_nonce_store` over a Redis Cluster: `nodes` are some of its nodes'
/// URLs (one is enough; the rest are found), every setting as there. Each
/// check is one single-key command on its slot's master; while a slot has no
/// master, checks on it are refused (fail closed).
#[uniffi::export(default(
    prefix = None,
    connect_timeout_ms = None,
    command_timeout_ms = None,
    username = None,
    password = None,
    ca_file = None,
    wait_replicas = None,
    wait_timeout_ms = None
))]
#[allow(clippy::too_many_arguments)]
pub fn redis_cluster_nonce_store(
    nodes: Vec<String>,
    prefix: Option<String>,
    connect_timeout_ms: Option<i64>,
    command_timeout_ms: Option<i64>,
    username: Option<String>,
    password: Option<String>,
    ca_file: Option<String>,
    wait_replicas: Option<i64>,
    wait_timeout_ms: Option<i64>,
) -> Result<Arc<dyn NonceStore>> {
    let settings = RedisSettings {
        prefix,
        connect_timeout_ms,
        command_timeout_ms,
        username,
        password,
        ca_file,
        wait_replicas,
        wait_timeout_ms,
    };
    let store = userhash::RedisNonceStore::cluster(nodes, settings.options()?)?;
    Ok(Arc::new(RustStore(Arc::new(store))))
}

/// The optional Redis settings of both factories, on their way to the core.
struct RedisSettings {
    prefix: Option<String>,
    connect_timeout_ms: Option<i64>,
    command_timeout_ms: Option<i64>,
    username: Option<String>,
    password: Option<String>,
    ca_file: Option<String>,
    wait_replicas: Option<i64>,
    wait_timeout_ms: Option<i64>,
}

impl RedisSettings {
    fn options(self) -> std::result::Result<userhash::RedisOptions, Error> {
        let ms = |v: i64, name: &str| non_negative(v, Field::NonceStore, name).map(Duration::from_millis);
        let mut options = userhash::RedisOptions::default();
        if let Some(prefix) = self.prefix {
            options = options.prefix(prefix);
        }
        if let Some(v) = self.connect_timeout_ms {
            options = options.connect_timeout(ms(v, "connect_timeout_ms")?);
        }
        if let Some(v) = self.command_timeout_ms {
            options = options.command_timeout(ms(v, "command_timeout_ms")?);
        }
        if let Some(user) = self.username {
            options = options.username(user);
        }
        if let Some(password) = self.password {
            options = options.password(zeroize::Zeroizing::new(password).as_str());
        }
        if let Some(file) = self.ca_file {
            options = options.ca_file(file);
        }
        if let Some(n) = self.wait_replicas {
            let replicas = u32::try_from(non_negative(n, Field::NonceStore, "wait_replicas")?).unwrap_or(u32::MAX);
            let timeout = match self.wait_timeout_ms {
                Some(v) => ms(v, "wait_timeout_ms")?,
                None => userhash::nonce::DEFAULT_WAIT_TIMEOUT,
            };
            options = options.wait_for_replicas(replicas, timeout);
        } else if self.wait_timeout_ms.is_some() {
            return Err(Error::Malformed {
                field: Field::NonceStore,
                reason: "wait_timeout_ms is given without wait_replicas; give both, or neither".to_owned(),
            });
        }
        Ok(options)
    }
}
