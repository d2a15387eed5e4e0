//! The embedded nonce store: one process's memory.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use super::NonceStore;
use crate::error::{Error, Result};

/// The capacity of the store a [`crate::Verifier`] makes for itself.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// Nonces in memory, for a verifier that runs as one process.
///
/// Entries are dropped once expired. When the store is full of live entries it
/// refuses the request (`StoreFull`) rather than forget one, because a
/// forgotten live nonce is a replay that would be accepted. Thread-safe; cheap
/// to clone (clones share the store).
#[derive(Clone)]
pub struct MemoryNonceStore {
    inner: Arc<Mutex<Entries>>,
    capacity: usize,
}

#[derive(Default)]
struct Entries {
    /// `org_id|nonce` (unambiguous: neither may contain `|`) → expiry.
    live: HashMap<Box<str>, u64>,
    /// The same entries by expiry, soonest first, to drop expired ones cheaply.
    by_expiry: BinaryHeap<Reverse<(u64, Box<str>)>>,
}

impl MemoryNonceStore {
    /// A store that holds at most `capacity` live nonces (0 refuses everything).
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        MemoryNonceStore { inner: Arc::new(Mutex::new(Entries::default())), capacity }
    }

    #[must_use]
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Live entries (and any expired ones not yet swept by a later check).
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().live.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, Entries> {
        // Every update leaves the maps consistent, so a panic elsewhere while
        // the lock was held does not make them unusable.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Default for MemoryNonceStore {
    fn default() -> Self {
        MemoryNonceStore::new(DEFAULT_CAPACITY)
    }
}

impl fmt::Debug for MemoryNonceStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryNonceStore").field("capacity", &self.capacity).field("len", &self.len()).finish()
    }
}

impl NonceStore for MemoryNonceStore {
    fn check_and_insert(&self, org_id: &str, nonce: &str, expires_at_ms: u64, now_ms: u64) -> Result<bool> {
        let mut entries = self.lock();
        entries.drop_expired(now_ms);
        let key: Box<str> = format!("{org_id}|{nonce}").into_boxed_str();
        if entries.live.contains_key(&key) {
            return Ok(false);
        }
        if entries.live.len() >= self.capacity {
            return Err(Error::StoreFull { capacity: self.capacity });
        }
        entries.live.insert(key.clone(), expires_at_ms);
        entries.by_expiry.push(Reverse((expires_at_ms, key)));
        Ok(true)
    }

    /// Its check is a mutex and a hash map, no I/O: called right on the
    /// caller's executor thread, never worth a trip to a blocking pool.
    #[cfg(feature = "async")]
    fn as_async(&self) -> Option<&dyn super::AsyncNonceStore> {
        Some(self)
    }
}

#[cfg(feature = "async")]
impl super::AsyncNonceStore for MemoryNonceStore {
    fn check_and_insert_async<'a>(
        &'a self,
        org_id: &'a str,
        nonce: &'a str,
        expires_at_ms: u64,
        now_ms: u64,
    ) -> super::BoxFuture<'a, Result<bool>> {
        Box::pin(std::future::ready(self.check_and_insert(org_id, nonce, expires_at_ms, now_ms)))
    }
}

impl Entries {
    /// An entry is live while `now_ms <= expires_at_ms`.
    fn drop_expired(&mut self, now_ms: u64) {
        while let Some(Reverse((expires_at, _))) = self.by_expiry.peek() {
            if *expires_at >= now_ms {
                break;
            }
            let Reverse((_, key)) = self.by_expiry.pop().expect("peeked");
            self.live.remove(&key);
        }
    }
}
