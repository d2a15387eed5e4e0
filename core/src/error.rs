//! The crate's one error type. Variant names are the ones SPEC.md uses, so a
//! rejection reads the same in every language (`Expired`, `Replayed`, ...).

use std::fmt;

/// Which input an error is about. Names are the API's (`org_id`), not the URL
/// parameter's (`orgId`); the message names the URL parameter where that helps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Secret,
    Identifier,
    Email,
    OrgId,
    Timestamp,
    Nonce,
    UserHash,
    /// The optional display name (not signed).
    Name,
    /// Extra widget parameters (not signed).
    Params,
    BaseUrl,
    /// A nonce store's configuration (the Redis URL, key prefix, timeouts, capacity).
    NonceStore,
    /// A verifier's tolerance, in milliseconds (bindings with signed integers
    /// refuse a negative one).
    ToleranceMs,
    /// A verifier's `max_url_len` setting.
    MaxUrlLen,
    /// A verifier's `max_params` setting.
    MaxParams,
    /// A JWT identity token as received (SPEC §8): its form, its header, its
    /// encoding.
    Token,
    /// A token's claims: the payload a verifier reads, or the claims a signer
    /// is asked to sign (the reason names the claim).
    Claims,
    /// A token key: an HS256 secret, an Ed25519 key in PEM or JWK, a JWK Set.
    Key,
    /// A key id (`kid`), in a token's header or a key's configuration.
    Kid,
}

impl Field {
    /// The field's name as it appears in SPEC.md and in every binding.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Secret => "secret",
            Field::Identifier => "identifier",
            Field::Email => "email",
            Field::OrgId => "org_id",
            Field::Timestamp => "timestamp",
            Field::Nonce => "nonce",
            Field::UserHash => "user_hash",
            Field::Name => "name",
            Field::Params => "params",
            Field::BaseUrl => "base_url",
            Field::NonceStore => "nonce_store",
            Field::ToleranceMs => "tolerance_ms",
            Field::MaxUrlLen => "max_url_len",
            Field::MaxParams => "max_params",
            Field::Token => "token",
            Field::Claims => "claims",
            Field::Key => "key",
            Field::Kid => "kid",
        }
    }

    /// The widget URL's query parameter that carries this field, if any.
    #[must_use]
    pub fn url_param(self) -> Option<&'static str> {
        match self {
            Field::OrgId => Some("orgId"),
            Field::Email => Some("email"),
            Field::Timestamp => Some("timestamp"),
            Field::Nonce => Some("nonce"),
            Field::UserHash => Some("user_hash"),
            Field::Name => Some("name"),
            _ => None,
        }
    }
}

/// Which bound on unauthenticated input a URL broke (SPEC §3: everything
/// before the signature check is bounded). Names are the verifier's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    /// The URL's length in bytes ([`crate::Verifier::with_max_url_len`]).
    UrlLength,
    /// How many parameters the URL's query has ([`crate::Verifier::with_max_params`]).
    ParamCount,
    /// A token's length in bytes ([`crate::jwt::VerifierOptions::max_token_len`]).
    TokenLength,
}

impl Limit {
    /// The setting's name in every binding: `max_url_len` or `max_params`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Limit::UrlLength => "max_url_len",
            Limit::ParamCount => "max_params",
            Limit::TokenLength => "max_token_len",
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything that can go wrong, for signing and verifying alike.
///
/// No variant ever carries a secret or a part of one.
///
/// Deliberately not `#[non_exhaustive]`: every binding maps each variant to a
/// class of its own, so a new variant must break their builds until they do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A secret shorter than [`MIN_SECRET_LEN`](crate::MIN_SECRET_LEN) bytes,
    /// or a token's HS256 secret shorter than
    /// [`MIN_TOKEN_SECRET_LEN`](crate::jwt::MIN_TOKEN_SECRET_LEN) bytes.
    #[error("{}", weak_secret(*.len))]
    WeakSecret { len: usize },

    /// An input breaks a field rule of SPEC §1.3.
    #[error("{field} is malformed: {reason}")]
    Malformed { field: Field, reason: String },

    /// A signed parameter is absent from the URL.
    #[error("the URL has no `{}` parameter; a signed widget URL carries orgId, email, timestamp, nonce and user_hash", param_name(*.field))]
    Missing { field: Field },

    /// A parameter appears more than once, so it is ambiguous which one was signed.
    #[error("{} appears more than once; refusing to pick one (parameter pollution)", duplicate_subject(*.field))]
    Duplicate { field: Field },

    /// The URL is for another organization than this verifier's.
    #[error("the URL is for org `{actual}`, but this verifier is for org `{expected}`; route the request by `org_id_of(url)` to that org's verifier")]
    WrongOrg { expected: String, actual: String },

    /// No configured secret produces the received `user_hash`, or a token's
    /// signature is not its header and payload's under the key it selects.
    #[error("the signature does not match under any configured secret or key (a widget URL's user_hash must be HMAC-SHA256 of email|timestamp|orgId|nonce, a token's signature must be over its header.payload); check that the signer uses this org's current secret or key and signs the exact strings sent (`userhash diagnose` names the usual causes)")]
    Mismatch,

    /// The timestamp is older than the tolerance allows. For a token:
    /// `age_ms` counts from its `iat` and `tolerance_ms` is its lifetime
    /// (`exp - iat`) plus the leeway, `timestamp_ms` is its `iat` in
    /// milliseconds; a token without `iat` counts from its `exp`, with the
    /// leeway as the tolerance.
    #[error("the signature is {age_ms} ms old, beyond the {tolerance_ms} ms tolerance; sign a fresh one for each page load{}", seconds_hint(*.timestamp_ms))]
    Expired { age_ms: u64, tolerance_ms: u64, timestamp_ms: u64 },

    /// The timestamp is further in the future than the tolerance allows. For a
    /// token: its `iat` or `nbf`, beyond the leeway.
    #[error("the timestamp is {ahead_ms} ms in the future, beyond the {tolerance_ms} ms tolerance; check the signer's clock")]
    FromFuture { ahead_ms: u64, tolerance_ms: u64 },

    /// The nonce was already used within its window (for a single-use token,
    /// its `jti` until its `exp`).
    #[error("this nonce was already used; a signed URL (or a single-use token, by its jti) is good for one page load (sign a new one with a fresh nonce or jti)")]
    Replayed,

    /// The in-memory nonce store is full of nonces that are still live.
    #[error("the nonce store is full ({capacity} live nonces); raise its capacity or share a Redis store; the request was refused rather than forgetting a live nonce")]
    StoreFull { capacity: usize },

    /// The URL is longer, or has more parameters, than the verifier reads
    /// before checking the signature. Refused unread: a real widget URL is a
    /// few hundred bytes.
    #[error("{}", too_large(*.limit, *.max))]
    TooLarge { limit: Limit, max: usize },

    /// The nonce store could not be reached; the request is refused (fail closed).
    #[error("the nonce store is unavailable ({reason}); the request was refused (fail closed)")]
    StoreUnavailable { reason: String },

    /// A token's `kid` names no key of this verifier.
    #[error("the token's kid `{kid}` names no key of this verifier; add that public key (or secret) to the verifier, keeping old keys until their tokens expire (rotation), or sign with a kid the verifier has")]
    UnknownKey { kid: String },

    /// A token's header asks for an algorithm its key does not have: the
    /// algorithm is fixed by the key, never read from the token (`none` and
    /// algorithm switching are refused).
    #[error("the token's header says alg `{alg}`, but {expected}; the algorithm is fixed by the key, never taken from the token (`none` and switching algorithms are refused): sign with the key's own algorithm")]
    AlgorithmRefused { alg: String, expected: String },

    /// A claim the verifier requires is absent from a token.
    #[error("the token has no `{claim}` claim{}", missing_claim_hint(.claim))]
    MissingClaim { claim: String },

    /// A token is for another audience or org than this verifier's (`claim`
    /// is `org` or `aud`).
    #[error("the token's `{claim}` is `{actual}`, but this verifier is for `{expected}`; sign with the org or audience of the server that verifies it, or route the token to that server's verifier")]
    WrongAudience { claim: String, expected: String, actual: String },

    /// A token lives longer (`exp - iat`, or `exp - now` without `iat`) than
    /// the verifier's maximum lifetime.
    #[error("the token lives {lifetime_s} s (exp - iat), more than this verifier's max_lifetime of {max_lifetime_s} s; sign short-lived tokens (minutes), one per page load")]
    LifetimeTooLong { lifetime_s: u64, max_lifetime_s: u64 },
}

impl Error {
    /// The variant's name as SPEC.md spells it (`"Expired"`), for logs, the
    /// CLI's stderr and the test vectors.
    #[must_use]
    pub fn variant_name(&self) -> &'static str {
        match self {
            Error::WeakSecret { .. } => "WeakSecret",
            Error::Malformed { .. } => "Malformed",
            Error::Missing { .. } => "Missing",
            Error::Duplicate { .. } => "Duplicate",
            Error::WrongOrg { .. } => "WrongOrg",
            Error::Mismatch => "Mismatch",
            Error::Expired { .. } => "Expired",
            Error::FromFuture { .. } => "FromFuture",
            Error::Replayed => "Replayed",
            Error::StoreFull { .. } => "StoreFull",
            Error::TooLarge { .. } => "TooLarge",
            Error::StoreUnavailable { .. } => "StoreUnavailable",
            Error::UnknownKey { .. } => "UnknownKey",
            Error::AlgorithmRefused { .. } => "AlgorithmRefused",
            Error::MissingClaim { .. } => "MissingClaim",
            Error::WrongAudience { .. } => "WrongAudience",
            Error::LifetimeTooLong { .. } => "LifetimeTooLong",
        }
    }

    /// The field the error is about, where there is one.
    #[must_use]
    pub fn field(&self) -> Option<Field> {
        match self {
            Error::WeakSecret { .. } => Some(Field::Secret),
            Error::Malformed { field, .. } | Error::Missing { field } | Error::Duplicate { field } => Some(*field),
            Error::WrongOrg { .. } => Some(Field::OrgId),
            Error::UnknownKey { .. } => Some(Field::Kid),
            Error::AlgorithmRefused { .. } => Some(Field::Token),
            Error::MissingClaim { .. } | Error::WrongAudience { .. } | Error::LifetimeTooLong { .. } => {
                Some(Field::Claims)
            }
            _ => None,
        }
    }

    pub(crate) fn malformed(field: Field, reason: impl Into<String>) -> Self {
        Error::Malformed { field, reason: reason.into() }
    }
}

/// Timestamps below 10^11 ms are in March 1973: almost certainly seconds.
const SECONDS_SUSPECT_BELOW_MS: u64 = 100_000_000_000;

fn seconds_hint(timestamp_ms: u64) -> &'static str {
    if timestamp_ms < SECONDS_SUSPECT_BELOW_MS {
        " (the timestamp looks like seconds since 1970, not milliseconds: use Date.now() / time.time_ns() // 1_000_000, or multiply seconds by 1000)"
    } else {
        ""
    }
}

fn weak_secret(len: usize) -> String {
    use crate::jwt::MIN_TOKEN_SECRET_LEN;
    if len < crate::MIN_SECRET_LEN {
        format!(
            "the secret is {len} bytes long; at least 16 are required (use 32 random bytes, e.g. `openssl rand -hex \
             32`; a token's HS256 secret needs at least {MIN_TOKEN_SECRET_LEN})"
        )
    } else {
        format!(
            "the secret is {len} bytes long; a token's HS256 secret needs at least {MIN_TOKEN_SECRET_LEN} (RFC 7518 \
             §3.2: no shorter than the hash; use 32 random bytes, e.g. `openssl rand -hex 32`)"
        )
    }
}

fn missing_claim_hint(claim: &str) -> &'static str {
    match claim {
        "exp" => "; a token without an expiry is good forever, so it is refused: set exp (seconds since 1970) a few minutes ahead",
        "jti" => "; this verifier accepts each token once, which needs a unique jti in every token",
        "org" => "; a userhash token names its org (sign with the org set)",
        "aud" => "; this verifier checks the audience: sign with aud set to it",
        _ => "; the verifier's profile needs it (sign with the same profile)",
    }
}

fn too_large(limit: Limit, max: usize) -> String {
    let what = match limit {
        Limit::UrlLength => format!("the URL is longer than {max} bytes"),
        Limit::ParamCount => format!("the URL has more than {max} parameters"),
        Limit::TokenLength => {
            return format!(
                "the token is longer than {max} bytes, this verifier's {limit}; an identity token is a few hundred \
                 bytes, so it was refused unread (raise {limit} only if your tokens really carry this much)"
            )
        }
    };
    format!(
        "{what}, this verifier's {limit}; a signed widget URL is a few hundred bytes, so it was refused unread \
         (raise {limit} only if your widget URLs really are this large)"
    )
}

fn duplicate_subject(field: Field) -> String {
    match field.url_param() {
        Some(param) => format!("the `{param}` parameter"),
        None => "an extra parameter".to_owned(),
    }
}

fn param_name(field: Field) -> &'static str {
    field.url_param().unwrap_or(field.as_str())
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
