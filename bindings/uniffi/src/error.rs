//! The one error type: a variant per `userhash::Error` variant, with its
//! fields, so each language catches it by kind (Python
//! `UserHashError.Expired`, Kotlin `UserHashException.Expired`, Swift
//! `UserHashError.Expired`). Its `Display` is the core's message, which says
//! what to fix, and is exported: Swift's `description`, Kotlin's
//! `toString()`; the Python package makes it `str(e)` (uniffi 0.32 gives
//! Python errors no `Display`). No variant carries a secret.

use std::fmt;

use userhash::Error;

use crate::ints::{signed, signed_count};
use crate::types::{Field, Limit};

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Error)]
#[uniffi::export(Display)]
pub enum UserHashError {
    /// A secret shorter than 16 bytes, `len` bytes long.
    WeakSecret { len: i64 },
    /// An input breaks a field rule: `field` names it, `reason` says how.
    Malformed { field: Field, reason: String },
    /// A signed parameter is absent from the URL.
    Missing { field: Field },
    /// A parameter appears more than once.
    Duplicate { field: Field },
    /// The URL is for another organization than this verifier's.
    WrongOrg { expected: String, actual: String },
    /// No configured secret produces the received `user_hash`.
    Mismatch,
    /// The timestamp is older than the tolerance allows.
    Expired { age_ms: i64, tolerance_ms: i64, timestamp_ms: i64 },
    /// The timestamp is further in the future than the tolerance allows.
    FromFuture { ahead_ms: i64, tolerance_ms: i64 },
    /// The nonce was already used within its window.
    Replayed,
    /// The memory nonce store is full of live nonces.
    StoreFull { capacity: i64 },
    /// The nonce store could not answer; the request was refused (fail closed).
    /// Raise it from a nonce store of your own when its database is down.
    StoreUnavailable { reason: String },
    /// The URL is longer, or has more parameters, than the verifier reads
    /// before checking the signature.
    TooLarge { limit: Limit, max: i64 },
    /// A token's `kid` names no key of the verifier.
    UnknownKey { kid: String },
    /// A token's `alg` is not its key's (`none`, algorithm switching).
    AlgorithmRefused { alg: String, expected: String },
    /// A token lacks a claim the verifier requires.
    MissingClaim { claim: String },
    /// A token is for another org, audience or issuer (`claim`: `org`, `aud`, `iss`).
    WrongAudience { claim: String, expected: String, actual: String },
    /// A token lives longer than the verifier's maximum lifetime, in seconds.
    LifetimeTooLong { lifetime_s: i64, max_lifetime_s: i64 },
}

impl std::error::Error for UserHashError {}

#[uniffi::export]
impl UserHashError {
    /// The variant's name as SPEC.md spells it (`Expired`), the same in every
    /// language: Swift has no name for an enum case of its own.
    #[must_use]
    pub fn name(&self) -> String {
        Error::from(self.clone()).variant_name().to_owned()
    }

    /// The input the error is about, where there is one (`secret` for
    /// `WeakSecret`, `org_id` for `WrongOrg`, `kid` for `UnknownKey`, ...).
    /// Not `field()`: three variants have a `field` attribute, which a
    /// method of that name would hide in Python.
    pub fn input_field(&self) -> Option<Field> {
        Error::from(self.clone()).field().map(Field::from)
    }
}

/// The core's message, whichever side made the error.
impl fmt::Display for UserHashError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Error::from(self.clone()))
    }
}

impl From<Error> for UserHashError {
    fn from(error: Error) -> Self {
        match error {
            Error::WeakSecret { len } => Self::WeakSecret { len: signed_count(len) },
            Error::Malformed { field, reason } => Self::Malformed { field: field.into(), reason },
            Error::Missing { field } => Self::Missing { field: field.into() },
            Error::Duplicate { field } => Self::Duplicate { field: field.into() },
            Error::WrongOrg { expected, actual } => Self::WrongOrg { expected, actual },
            Error::Mismatch => Self::Mismatch,
            Error::Expired { age_ms, tolerance_ms, timestamp_ms } => Self::Expired {
                age_ms: signed(age_ms),
                tolerance_ms: signed(tolerance_ms),
                timestamp_ms: signed(timestamp_ms),
            },
            Error::FromFuture { ahead_ms, tolerance_ms } => {
                Self::FromFuture { ahead_ms: signed(ahead_ms), tolerance_ms: signed(tolerance_ms) }
            }
            Error::Replayed => Self::Replayed,
            Error::StoreFull { capacity } => Self::StoreFull { capacity: signed_count(capacity) },
            Error::StoreUnavailable { reason } => Self::StoreUnavailable { reason },
            Error::TooLarge { limit, max } => Self::TooLarge { limit: limit.into(), max: signed_count(max) },
            Error::UnknownKey { kid } => Self::UnknownKey { kid },
            Error::AlgorithmRefused { alg, expected } => Self::AlgorithmRefused { alg, expected },
            Error::MissingClaim { claim } => Self::MissingClaim { claim },
            Error::WrongAudience { claim, expected, actual } => Self::WrongAudience { claim, expected, actual },
            Error::LifetimeTooLong { lifetime_s, max_lifetime_s } => {
                Self::LifetimeTooLong { lifetime_s: signed(lifetime_s), max_lifetime_s: signed(max_lifetime_s) }
            }
        }
    }
}

/// An error raised by a nonce store written in the host language, back in
/// the core's terms. Negative numbers (only a foreign store can make them)
/// read as 0.
impl From<UserHashError> for Error {
    fn from(error: UserHashError) -> Self {
        let unsigned = |v: i64| u64::try_from(v).unwrap_or(0);
        let count = |v: i64| usize::try_from(v).unwrap_or(0);
        match error {
            UserHashError::WeakSecret { len } => Error::WeakSecret { len: count(len) },
            UserHashError::Malformed { field, reason } => Error::Malformed { field: field.into(), reason },
            UserHashError::Missing { field } => Error::Missing { field: field.into() },
            UserHashError::Duplicate { field } => Error::Duplicate { field: field.into() },
            UserHashError::WrongOrg { expected, actual } => Error::WrongOrg { expected, actual },
            UserHashError::Mismatch => Error::Mismatch,
            UserHashError::Expired { age_ms, tolerance_ms, timestamp_ms } => Error::Expired {
                age_ms: unsigned(age_ms),
                tolerance_ms: unsigned(tolerance_ms),
                timestamp_ms: unsigned(timestamp_ms),
            },
            UserHashError::FromFuture { ahead_ms, tolerance_ms } => {
                Error::FromFuture { ahead_ms: unsigned(ahead_ms), tolerance_ms: unsigned(tolerance_ms) }
            }
            UserHashError::Replayed => Error::Replayed,
            UserHashError::StoreFull { capacity } => Error::StoreFull { capacity: count(capacity) },
            UserHashError::StoreUnavailable { reason } => Error::StoreUnavailable { reason },
            UserHashError::TooLarge { limit, max } => Error::TooLarge { limit: limit.into(), max: count(max) },
            UserHashError::UnknownKey { kid } => Error::UnknownKey { kid },
            UserHashError::AlgorithmRefused { alg, expected } => Error::AlgorithmRefused { alg, expected },
            UserHashError::MissingClaim { claim } => Error::MissingClaim { claim },
            UserHashError::WrongAudience { claim, expected, actual } => {
                Error::WrongAudience { claim, expected, actual }
            }
            UserHashError::LifetimeTooLong { lifetime_s, max_lifetime_s } => {
                Error::LifetimeTooLong { lifetime_s: unsigned(lifetime_s), max_lifetime_s: unsigned(max_lifetime_s) }
            }
        }
    }
}

/// A foreign nonce store that raised something other than `UserHashError`
/// (a database error, a bug): the request is refused, never accepted.
impl From<uniffi::UnexpectedUniFFICallbackError> for UserHashError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Error::StoreUnavailable { reason: format!("the nonce store raised {}", error.reason) }.into()
    }
}

/// The core's message for `error`: what `str(e)` shows in Python, where
/// uniffi 0.32 generates no `Display` for errors (Kotlin's `toString()` and
/// Swift's `description` are generated from the exported `Display`).
#[uniffi::export]
#[must_use]
pub fn error_message(error: UserHashError) -> String {
    error.to_string()
}

/// Text arrives as bytes (the cheap way across the FFI); the core wants UTF-8.
pub(crate) fn text(bytes: &[u8], field: userhash::Field) -> Result<&str, Error> {
    std::str::from_utf8(bytes).map_err(|e| Error::Malformed {
        field,
        reason: format!("it is not valid UTF-8 (invalid byte at offset {})", e.valid_up_to()),
    })
}
