//! Replay protection (SPEC §3 step 5): where a verifier remembers the nonces it
//! has accepted until their timestamps leave the freshness window.

mod memory;
#[cfg(feature = "redis")]
mod redis;

#[cfg(feature = "redis")]
pub use self::redis::{
    RedisNonceStore, RedisOptions, DEFAULT_COMMAND_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_PREFIX,
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
}
