//! # userhash
//!
//! Sign and verify who an embedded chat or support widget's user is.
//!
//! A customer's backend signs the logged-in user; the widget's server verifies
//! the signature before it opens that user's conversation history. Two HMAC
//! schemes, both HMAC-SHA256 printed as 64 lowercase hex characters, and
//! identity tokens:
//!
//! - **identifier hash** ([`sign_identifier`], [`verify_identifier`]):
//!   `hex(HMAC(secret, identifier))`, the scheme of Intercom's `user_hash`,
//!   Chatwoot's `identifier_hash` and others;
//! - **signed identity** ([`IdentitySigner`], [`widget_url`], [`Verifier`]):
//!   `hex(HMAC(secret, email|timestamp|org_id|nonce))`, passed to the widget
//!   as URL parameters and verified with freshness, replay protection and key
//!   rotation;
//! - **identity tokens** ([`jwt`]: [`TokenSigner`], [`TokenVerifier`]): JWTs
//!   signed with HS256 or EdDSA (Ed25519), with the claims of Intercom's,
//!   Zendesk's or Drift's integrations or userhash's own, expiry, `kid`
//!   rotation and single use.
//!
//! ```
//! use userhash::{IdentitySigner, Verifier, widget_url};
//!
//! let secret = "a-32-byte-random-secret-from-env";
//! // The customer's backend, for its logged-in user:
//! let signer = IdentitySigner::new(secret, "org_123")?;
//! let identity = signer.sign("a+b@example.com")?;
//! let url = widget_url("https://widget.example.com/", &identity, Some("Alice"), [("theme", "dark")])?;
//!
//! // The widget's server:
//! let verifier = Verifier::new([secret], "org_123")?;
//! let user = verifier.verify_url(&url)?;
//! assert_eq!(user.email, "a+b@example.com");
//! // The same URL again is a replay.
//! assert!(matches!(verifier.verify_url(&url), Err(userhash::Error::Replayed)));
//! # Ok::<(), userhash::Error>(())
//! ```
//!
//! The whole contract is in the project's `SPEC.md`; every binding (Python,
//! Kotlin, Swift, C, the CLI) calls this crate.

#![forbid(unsafe_code)]
#![warn(missing_debug_implementations)]

pub mod cross_scheme;
mod diagnose;

mod error;
mod identifier;
mod identity;
pub mod jwt;
mod lax_base64;
pub mod mac;
pub mod nonce;
mod secret;
mod url;
mod verify;

pub use diagnose::{diagnose, diagnose_url, Cause, Diagnosis, SecretEdit, SignedInput};
pub use error::{Error, Field, Limit, Result};
pub use identifier::{check_identifier, sign_identifier, verify_identifier, IdentifierSigner, MAX_IDENTIFIER_LEN};
pub use identity::{
    check_email, check_nonce, check_org_id, check_timestamp, check_timestamp_ms, identity_message, now_ms,
    IdentitySigner, SignedIdentity, MAX_EMAIL_LEN, MAX_NONCE_LEN, MAX_ORG_ID_LEN, MAX_TIMESTAMP_DIGITS, MIN_NONCE_LEN,
};
pub use jwt::{
    diagnose_token, Algorithm, Ed25519KeyPair, Ed25519PrivateKey, Ed25519PublicKey, Profile, SignerOptions, TokenCause,
    TokenDiagnosis, TokenKey, TokenSigner, TokenSubject, TokenVerifier, VerifiedToken, VerifierOptions,
};
#[cfg(feature = "async")]
pub use nonce::{AsyncNonceStore, BoxFuture};
pub use nonce::{MemoryNonceStore, NonceStore};
#[cfg(feature = "redis")]
pub use nonce::{RedisNonceStore, RedisOptions};
pub use secret::{Secret, SecretList, MIN_SECRET_LEN};
pub use url::{
    check_name, widget_url, InputLimits, DEFAULT_MAX_PARAMS, DEFAULT_MAX_URL_LEN, MAX_NAME_LEN, RESERVED_PARAMS,
};
pub use verify::{org_id_of, VerifiedIdentity, Verifier, DEFAULT_TOLERANCE_MS};

/// The README's Rust example runs as a doc test, so it cannot drift from the code.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeExample;
