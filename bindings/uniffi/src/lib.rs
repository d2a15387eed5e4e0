//! uniffi bindings of the `userhash` core: Python (a maturin wheel), Kotlin
//! and Swift are generated from this one crate.
//!
//! The functions here are thin: they convert arguments, call the core and
//! convert results. Their shape is chosen for the cost of crossing the FFI:
//! every text argument is `&[u8]`, which uniffi passes without copying
//! (a `String` argument costs two extra calls into Rust to allocate and fill a
//! buffer), and `verify_identifier` returns a `bool`, which needs no buffer at
//! all. Each language's package puts a small facade over this raw layer that
//! accepts its own string type (see `bindings/python/userhash/__init__.py`).

mod diagnose;
mod error;
mod functions;
mod records;
mod signer;
mod store;
mod verifier;

pub use diagnose::{diagnose, diagnose_url, DiagnosedCause, Diagnosis, SignedInput};
pub use error::UserHashError;
pub use functions::{
    hmac_sha256, memory_nonce_store, org_id_of, redis_nonce_store, sign_identifier, sign_identifiers,
    verify_hmac_sha256, verify_identifier, verify_identifiers, version, widget_url,
};
pub use records::{IdentifierHash, SignedIdentity, VerifiedIdentity};
pub use signer::IdentitySigner;
pub use store::NonceStore;
pub use verifier::Verifier;

uniffi::setup_scaffolding!();
