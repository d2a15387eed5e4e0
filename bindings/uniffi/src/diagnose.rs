//! `diagnose` (SPEC §6) across the FFI: why a hash does not match.

use userhash::{Cause, Secret};

use crate::error::UserHashError;

/// What was signed: an `identifier` (the identifier scheme, optionally with
/// `timestamp`, `org_id` and `nonce` to test for the other scheme), or
/// `email`, `timestamp`, `org_id` and `nonce` (the signed identity).
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct SignedInput {
    #[uniffi(default = None)]
    pub identifier: Option<String>,
    #[uniffi(default = None)]
    pub email: Option<String>,
    #[uniffi(default = None)]
    pub timestamp: Option<String>,
    #[uniffi(default = None)]
    pub org_id: Option<String>,
    #[uniffi(default = None)]
    pub nonce: Option<String>,
}

/// One usual mistake that reproduces the failed hash.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DiagnosedCause {
    /// `Whitespace`, `SecretWhitespace`, `EmailCase`, `PlusAsSpace`,
    /// `SecondsInsteadOfMilliseconds`, `UpperCaseHex`, `Base64Tag`,
    /// `IdentifierHashForIdentity`, `IdentityForIdentifierHash`,
    /// `OtherSecret` or `MalformedHash`.
    pub cause: String,
    /// The input the cause is about (`email`, `secret`, `user_hash`, ...).
    pub field: Option<String>,
    /// What the signer really signed, and what was checked instead.
    pub signed: Option<String>,
    pub given: Option<String>,
    /// Which configured secret (`OtherSecret`, `SecretWhitespace`).
    pub key_index: Option<u32>,
    /// How the signer's secret differed (`trailing_newline`, ...); never the secret.
    pub edit: Option<String>,
    /// What happened and how to fix it.
    pub message: String,
}

/// The verdict: `Matches` (the hash is right), `Explained` (see `causes`,
/// the main one first) or `Unexplained` (the secret itself is the likely
/// cause); `message` says what to do.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Diagnosis {
    pub result: String,
    pub causes: Vec<DiagnosedCause>,
    pub message: String,
}

impl From<userhash::Diagnosis> for Diagnosis {
    fn from(d: userhash::Diagnosis) -> Self {
        Self { result: d.name().to_owned(), causes: d.causes().iter().map(cause).collect(), message: d.to_string() }
    }
}

fn cause(c: &Cause) -> DiagnosedCause {
    let (mut signed, mut given, mut key_index, mut edit) = (None, None, None, None);
    match c {
        Cause::Whitespace { signed: s, given: g, .. }
        | Cause::EmailCase { signed: s, given: g, .. }
        | Cause::PlusAsSpace { signed: s, given: g, .. }
        | Cause::SecondsInsteadOfMilliseconds { signed: s, given: g } => {
            (signed, given) = (Some(s.clone()), Some(g.clone()))
        }
        Cause::SecretWhitespace { key_index: k, edit: e } => {
            (key_index, edit) = (Some(*k as u32), Some(e.as_str().to_owned()))
        }
        Cause::OtherSecret { key_index: k } => key_index = Some(*k as u32),
        // The rest carry no more than their name and message.
        _ => {}
    }
    DiagnosedCause {
        cause: c.name().to_owned(),
        field: c.field().map(|f| f.as_str().to_owned()),
        signed,
        given,
        key_index,
        edit,
        message: c.to_string(),
    }
}

/// Why `hash` is not the hash of `input` under the first of `secrets` (the
/// one the signer should use; then any others configured: previous secrets,
/// other orgs'). Never returns or prints a secret.
#[uniffi::export]
// The parameter is `input`, not `signed`: `signed` is a C keyword, and the C
// header uniffi generates for Swift would not compile (uniffi-rs #2805).
pub fn diagnose(secrets: Vec<Vec<u8>>, input: SignedInput, hash: String) -> Result<Diagnosis, UserHashError> {
    let signed = userhash::SignedInput {
        identifier: input.identifier,
        email: input.email,
        timestamp: input.timestamp,
        org_id: input.org_id,
        nonce: input.nonce,
    };
    Ok(userhash::diagnose(secrets.into_iter().map(Secret::from), &signed, &hash)?.into())
}

/// `diagnose` for a widget URL: its signed fields, and its own `user_hash`
/// unless `hash` is given.
#[uniffi::export(default(hash = None))]
pub fn diagnose_url(secrets: Vec<Vec<u8>>, url: String, hash: Option<String>) -> Result<Diagnosis, UserHashError> {
    Ok(userhash::diagnose_url(secrets.into_iter().map(Secret::from), &url, hash.as_deref())?.into())
}
