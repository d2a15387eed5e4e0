//! Replay protection (SPEC §3 step 5): where a verifier remembers the nonces it
//! has accepted until their timestamps leave the freshness window.
//!
//! This page is the deployment guide for nonce stores, written once; every
//! binding's docs link here.
//!
//! # Which store
//!
//! - **One process**: [`MemoryNonceStore`], the default. Nothing to run;
//!   refuses (`StoreFull`) rather than forget a live nonce.
//! - **Several processes** (behind a load balancer, or restarted often):
//!   `RedisNonceStore` (feature `redis`) on a Redis they all reach, with one
//!   key prefix. Their clocks must agree and their tolerance be the same.
//! - **Your own database**: implement [`NonceStore`] (or, from Python, Kotlin
//!   or Swift, the binding's store interface): one atomic insert-if-absent
//!   that returns whether it inserted.
//!
//! # Which Redis, and the URL and options that reach it
//!
//! | Redis | URL | options |
//! |---|---|---|
//! | self-hosted, one server | `redis://HOST:6379/0` | password apart from the URL (`RedisOptions::password`) |
//! | self-hosted, TLS with your own CA | `rediss://HOST:6380` | `RedisOptions::ca_file` |
//! | AWS ElastiCache / MemoryDB, in-transit encryption | `rediss://master.NAME.cache.amazonaws.com:6379` | system roots; `RedisOptions::username` and password for an RBAC user |
//! | Azure Cache for Redis | `rediss://NAME.redis.cache.windows.net:6380` | system roots; the access key as the password |
//! | Google Memorystore, in-transit encryption | `rediss://10.x.y.z:6378` | `RedisOptions::ca_file` with the instance's server CA (the certificate names its IP) |
//! | Redis Cluster (self-hosted, ElastiCache cluster mode, Memorystore Cluster) | one or more nodes' URLs to `RedisNonceStore::cluster` | as above for TLS and users |
//!
//! `rediss://` always checks the server's certificate against the system's
//! roots (or only the CA file, when one is given) and the URL's host name;
//! there is no switch to turn that off (`#insecure` is refused). A TLS
//! failure refuses the request with `StoreUnavailable` naming it: unknown
//! CA, name mismatch, handshake refused, not TLS at all.
//!
//! The user needs `SET` and `ECHO` on the store's keys, and `WAIT` if
//! replicas are asked for: `ACL SETUSER verifier on >PASSWORD ~userhash:nonce:* +set +echo +wait`.
//!
//! # What each durability setting promises
//!
//! Redis replicates asynchronously: a master acknowledges a `SET` before
//! its replicas have it. `RedisOptions::wait_for_replicas` decides whether
//! a check waits for them.
//!
//! - **0 replicas (the default)**: a nonce is accepted once its master has
//!   it. While that master lives, every later use is `Replayed`. If it dies
//!   and a replica takes over before the last writes reached it, nonces
//!   accepted in that gap (normally well under a second of traffic) are
//!   forgotten, and a URL captured in that gap can be accepted once more
//!   within its freshness window. A restart of a server without persistence
//!   forgets every nonce the same way.
//! - **N replicas (`WAIT N timeout`)**: a nonce is accepted only once its
//!   master and N replicas have it; otherwise the request is refused with
//!   `StoreUnavailable` (fail closed), and the nonce, already on the master,
//!   makes a retry `Replayed`. A failover that promotes one of those N
//!   replicas cannot forget it. Redis promotes the most up-to-date replica,
//!   so with N = 1 and one replica per master (the usual layout) no accepted
//!   nonce is lost to a single failover. It does not survive losing the
//!   master and all N replicas at once, and `WAIT` is not consensus: a
//!   failover that promotes a replica outside the N still forgets.
//!   Each check costs one replication round trip more, and while a replica
//!   is down or lagging past the timeout every request is refused.
//!   With no replica at all, every request is refused: ask only for
//!   replicas you have.
//!
//! # Blocking and async servers
//!
//! `Verifier::verify_url` blocks its thread for the store's round trip.
//! With the `async` feature, `Verifier::verify_url_async` awaits it instead:
//! the Redis store's checks then share one multiplexed connection (one per
//! node for a cluster) on a runtime of the store's own, so no caller's
//! executor thread waits on Redis. The memory store answers at once (a
//! mutex and a hash map) and is called directly. Any other store, such as
//! one written in Python, Kotlin or Swift, may block: it is called on
//! tokio's blocking pool (`spawn_blocking`) when the caller runs on tokio,
//! as every binding's async methods do.

mod memory;
#[cfg(feature = "redis")]
mod redis;

#[cfg(feature = "redis")]
pub use self::redis::{
    RedisNonceStore, RedisOptions, DEFAULT_COMMAND_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_PREFIX,
    DEFAULT_WAIT_TIMEOUT,
};
pub use memory::{MemoryNonceStore, DEFAULT_CAPACITY};

use crate::error::Result;

/// Records `(org_id, nonce)` pairs. Implementations must be atomic: when two
/// callers race on one pair, exactly one gets `Ok(true)`.
///
/// The verifier calls it only for signatures that already passed the parse,
/// org, signature and freshness checks, so junk never fills a store.
pub trait NonceStore: Send + Sync {
    /// `Ok(true)` when the nonce was not seen before and is now recorded until
    /// `expires_at_ms`; `Ok(false)` when it was seen and is still live. `now_ms`
    /// is the verifier's clock (so `verify_url_at` is deterministic). A store
    /// that cannot answer returns `Err` (`StoreFull`, `StoreUnavailable`) and the
    /// request is refused: stores fail closed.
    fn check_and_insert(&self, org_id: &str, nonce: &str, expires_at_ms: u64, now_ms: u64) -> Result<bool>;

    /// The same store's async side, if it has one: what
    /// `Verifier::verify_url_async` awaits. `None` (the default) means a
    /// store that may block: the verifier calls `check_and_insert` on tokio's
    /// blocking pool instead (directly when not on a tokio runtime).
    #[cfg(feature = "async")]
    fn as_async(&self) -> Option<&dyn AsyncNonceStore> {
        None
    }
}

/// A boxed future that can move between threads, as async stores return.
#[cfg(feature = "async")]
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// A [`NonceStore`] whose check can be awaited, with the same contract as
/// [`NonceStore::check_and_insert`]. A store offers it through
/// [`NonceStore::as_async`]; boxed futures, so that it can sit behind a
/// `dyn` (as the verifier holds its store).
#[cfg(feature = "async")]
pub trait AsyncNonceStore: Send + Sync {
    fn check_and_insert_async<'a>(
        &'a self,
        org_id: &'a str,
        nonce: &'a str,
        expires_at_ms: u64,
        now_ms: u64,
    ) -> BoxFuture<'a, Result<bool>>;
}
