//! The one error type, one variant per `userhash::Error` variant with its
//! fields, so each becomes an exception class of its own (Python:
//! `UserHashError.Expired`, Kotlin: `UserHashException.Expired`). Every variant
//! also carries the core's `message`, which says what to fix.

use userhash::Error;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum UserHashError {
    /// A secret shorter than 16 bytes; `field` is `secret`.
    #[error("{message}")]
    WeakSecret { field: String, len: u64, message: String },
    /// An input breaks a field rule; `field` names it (`email`, `org_id`, ...).
    #[error("{message}")]
    Malformed { field: String, reason: String, message: String },
    /// A signed parameter is absent from the URL.
    #[error("{message}")]
    Missing { field: String, message: String },
    /// A parameter appears more than once.
    #[error("{message}")]
    Duplicate { field: String, message: String },
    /// The URL is for another organization than this verifier's; `field` is `org_id`.
    #[error("{message}")]
    WrongOrg { field: String, expected: String, actual: String, message: String },
    /// No configured secret produces the received `user_hash`.
    #[error("{message}")]
    Mismatch { message: String },
    /// The timestamp is older than the tolerance allows.
    #[error("{message}")]
    Expired { age_ms: u64, tolerance_ms: u64, timestamp_ms: u64, message: String },
    /// The timestamp is further in the future than the tolerance allows.
    #[error("{message}")]
    FromFuture { ahead_ms: u64, tolerance_ms: u64, message: String },
    /// The nonce was already used within its window.
    #[error("{message}")]
    Replayed { message: String },
    /// The memory nonce store is full of live nonces.
    #[error("{message}")]
    StoreFull { capacity: u64, message: String },
    /// The URL is longer, or has more parameters, than the verifier reads
    /// before checking the signature; `limit` is `max_url_len` or `max_params`.
    #[error("{message}")]
    TooLarge { limit: String, max: u64, message: String },
    /// The nonce store could not answer; the request was refused (fail closed).
    #[error("{message}")]
    StoreUnavailable { reason: String, message: String },
    /// A token's kid names no key of the verifier; `field` is `kid`.
    #[error("{message}")]
    UnknownKey { field: String, kid: String, message: String },
    /// A token's alg is not its key's (`none`, algorithm switching).
    #[error("{message}")]
    AlgorithmRefused { alg: String, expected: String, message: String },
    /// A token lacks a claim the verifier requires.
    #[error("{message}")]
    MissingClaim { claim: String, message: String },
    /// A token is for another org, audience or issuer (`claim`: `org`, `aud`, `iss`).
    #[error("{message}")]
    WrongAudience { claim: String, expected: String, actual: String, message: String },
    /// A token lives longer than the verifier's maximum lifetime.
    #[error("{message}")]
    LifetimeTooLong { lifetime_s: u64, max_lifetime_s: u64, message: String },
}

impl From<Error> for UserHashError {
    fn from(error: Error) -> Self {
        let message = error.to_string();
        let field = error.field().map(|f| f.as_str().to_owned()).unwrap_or_default();
        match error {
            Error::WeakSecret { len } => Self::WeakSecret { field, len: len as u64, message },
            Error::Malformed { reason, .. } => Self::Malformed { field, reason, message },
            Error::Missing { .. } => Self::Missing { field, message },
            Error::Duplicate { .. } => Self::Duplicate { field, message },
            Error::WrongOrg { expected, actual } => Self::WrongOrg { field, expected, actual, message },
            Error::Mismatch => Self::Mismatch { message },
            Error::Expired { age_ms, tolerance_ms, timestamp_ms } => {
                Self::Expired { age_ms, tolerance_ms, timestamp_ms, message }
            }
            Error::FromFuture { ahead_ms, tolerance_ms } => Self::FromFuture { ahead_ms, tolerance_ms, message },
            Error::Replayed => Self::Replayed { message },
            Error::StoreFull { capacity } => Self::StoreFull { capacity: capacity as u64, message },
            Error::StoreUnavailable { reason } => Self::StoreUnavailable { reason, message },
            Error::TooLarge { limit, max } => {
                Self::TooLarge { limit: limit.as_str().to_owned(), max: max as u64, message }
            }
            Error::UnknownKey { kid } => Self::UnknownKey { field, kid, message },
            Error::AlgorithmRefused { alg, expected } => Self::AlgorithmRefused { alg, expected, message },
            Error::MissingClaim { claim } => Self::MissingClaim { claim, message },
            Error::WrongAudience { claim, expected, actual } => {
                Self::WrongAudience { claim, expected, actual, message }
            }
            Error::LifetimeTooLong { lifetime_s, max_lifetime_s } => {
                Self::LifetimeTooLong { lifetime_s, max_lifetime_s, message }
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

/// Text arrives as bytes (the cheap way across the FFI); the core wants UTF-8.
pub(crate) fn text(bytes: &[u8], field: userhash::Field) -> Result<&str, Error> {
    std::str::from_utf8(bytes).map_err(|e| Error::Malformed {
        field,
        reason: format!("it is not valid UTF-8 (invalid byte at offset {})", e.valid_up_to()),
    })
}
