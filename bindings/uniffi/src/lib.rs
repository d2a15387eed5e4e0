//! uniffi bindings of the `userhash` core: Python (a maturin wheel), Kotlin
//! and Swift are generated from this one crate, and each language uses the
//! generated code almost as it is.
//!
//! The layer is shaped for every language at once:
//!
//! - **Integers are signed 64-bit** where a user handles them (timestamps,
//!   tolerance, capacity, timeouts, limits, key index): Kotlin sees `Long`,
//!   Swift `Int64`. A negative value is `Malformed` naming the field
//!   (`ints.rs`), checked here once.
//! - **Enums where the core has enums**: `Field`, `Limit`, `SecretEdit`,
//!   `Cause`, `Diagnosis`, each with the core's names (`as_str()`/`name()`)
//!   and its explanation as the exported `Display`.
//! - **One error**, `UserHashError`, a variant per rejection with its fields
//!   and the core's message as its exported `Display`.
//! - **Defaults live in the core**: optional arguments left out are `None`
//!   here and the core's default is used; getters report what is in effect.
//! - **Stores**: the trait `NonceStore` for stores written in the host
//!   language; the Rust stores cross as objects of the same trait, and a
//!   verifier given one calls it directly (`store::into_core`).
//! - **No name any target language reserves** (no `signed`, `default`,
//!   `in`, `is`, ...): `cargo xtask test` compiles the C header uniffi
//!   generates for Swift on its own, so a C keyword cannot come back.
//! - **Text is `&[u8]`**: zero-copy from Python `bytes` and Swift `Data`
//!   (a `String` costs Python two more calls into Rust). Kotlin sees a
//!   direct `ByteBuffer`, which its package fills with the JDK's UTF-8
//!   encoder; each language's package accepts its own string type.

mod diagnose;
mod error;
mod functions;
mod ints;
mod records;
mod signer;
mod store;
mod token;
mod types;
mod verifier;

pub use diagnose::{diagnose, diagnose_url, Cause, Diagnosis, SignedInput};
pub use error::{error_message, UserHashError};
pub use functions::{
    hmac_sha256, org_id_of, sign_identifier, sign_identifiers, verify_hmac_sha256, verify_identifier,
    verify_identifiers, version, widget_url,
};
pub use records::{IdentifierHash, SignedIdentity, VerifiedIdentity};
pub use signer::{IdentifierSigner, IdentitySigner};
pub use store::{memory_nonce_store, redis_cluster_nonce_store, redis_nonce_store, NonceStore};
pub use token::{
    parse_public_keys, Algorithm, Ed25519KeyPair, Profile, SecretForm, TokenCause, TokenDiagnosis, TokenKey,
    TokenSigner, TokenSubject, TokenVerifier, VerifiedToken,
};
pub use types::{Field, Limit, SecretEdit};
pub use verifier::Verifier;

uniffi::setup_scaffolding!();
