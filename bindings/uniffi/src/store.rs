//! Nonce stores across the FFI. `NonceStore` is the SPEC's three-argument
//! trait, implementable in Python, Kotlin or Swift. Stores written in Rust
//! (the memory and Redis stores) cross as `RustStore`, which a verifier unwraps again so
//! it calls them directly, with its own clock, and never through the foreign
//! side.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use userhash::Error;

use crate::error::UserHashError;

/// Where a verifier remembers the nonces it accepted (SPEC §3.1).
///
/// `check_and_insert` returns true when `(org_id, nonce)` was not seen before
/// and is now recorded until `expires_at_ms` (Unix ms), false when it was
/// seen. It must be atomic: of two callers racing on one pair, exactly one
/// gets true. Raise `UserHashError.StoreUnavailable` (or anything else) when
/// the store cannot answer: the request is then refused, never accepted.
#[uniffi::export(rust, foreign)]
pub trait NonceStore: Send + Sync + Any {
    fn check_and_insert(&self, org_id: String, nonce: String, expires_at_ms: u64) -> Result<bool, UserHashError>;
}

/// A core store handed out to the foreign side.
pub(crate) struct RustStore(Arc<dyn userhash::NonceStore>);

impl RustStore {
    pub(crate) fn new(store: Arc<dyn userhash::NonceStore>) -> Self {
        Self(store)
    }
}

impl NonceStore for RustStore {
    fn check_and_insert(&self, org_id: String, nonce: String, expires_at_ms: u64) -> Result<bool, UserHashError> {
        Ok(self.0.check_and_insert(&org_id, &nonce, expires_at_ms, userhash::now_ms())?)
    }
}

/// A store written in the host language, seen by the core as one of its own.
/// The core's `now_ms` is not passed on: the foreign trait has SPEC's three
/// arguments, and a foreign store expires entries by `expires_at_ms`.
struct ForeignStore(Arc<dyn NonceStore>);

impl userhash::NonceStore for ForeignStore {
    fn check_and_insert(&self, org_id: &str, nonce: &str, expires_at_ms: u64, _now_ms: u64) -> userhash::Result<bool> {
        self.0.check_and_insert(org_id.to_owned(), nonce.to_owned(), expires_at_ms).map_err(|e| match e {
            UserHashError::StoreFull { capacity, .. } => Error::StoreFull { capacity: capacity as usize },
            UserHashError::StoreUnavailable { reason, .. } => Error::StoreUnavailable { reason },
            // Any other error from a store still refuses the request.
            other => Error::StoreUnavailable { reason: format!("the nonce store raised {other:?}") },
        })
    }
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
