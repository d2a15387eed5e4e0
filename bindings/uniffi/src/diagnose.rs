//! `diagnose` (SPEC §6) across the FFI: why a hash does not match. The
//! verdict and its causes cross as uniffi enums, each variant with its
//! fields, and their `Display` is the core's explanation of what to fix.

use std::fmt;

use userhash::Secret;

use crate::error::UserHashError;
use crate::ints::signed_count;
use crate::types::{Field, SecretEdit};

/// What was signed: an `identifier` (the identifier scheme, optionally with
/// `timestamp`, `org_id` and `nonce` to test for the other scheme), or
/// `email`, `timestamp`, `org_id` and `nonce` (the signed identity). Values
/// are the exact strings received.
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

/// One usual mistake that reproduces the failed hash. `signed_value` is
/// what the signer really signed, `given_value` what was checked instead.
/// No cause holds a secret: a secret-side mistake is an `edit`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
#[uniffi::export(Debug, Display, Eq)]
pub enum Cause {
    /// Whitespace added or removed around `field`.
    Whitespace { field: Field, signed_value: String, given_value: String },
    /// The signer's copy of configured secret `key_index` differs by whitespace.
    SecretWhitespace { key_index: i64, edit: SecretEdit },
    /// The email (or an email used as the identifier) was signed in another case.
    EmailCase { field: Field, signed_value: String, given_value: String },
    /// A `+` became a space (or a space a `+`) between signing and checking.
    PlusAsSpace { field: Field, signed_value: String, given_value: String },
    /// Unix seconds where milliseconds belong.
    SecondsInsteadOfMilliseconds { signed_value: String, given_value: String },
    /// The hash is right but in upper-case hex.
    UpperCaseHex,
    /// The hash is right but the tag was printed as base64, not hex.
    Base64Tag,
    /// An identifier hash where a signed identity was expected.
    IdentifierHashForIdentity,
    /// A signed identity where an identifier hash was expected.
    IdentityForIdentifierHash,
    /// The hash was made with configured secret `key_index`, not the first.
    OtherSecret { key_index: i64 },
    /// The hash cannot be a tag at all (`reason` says why).
    MalformedHash { reason: String },
}

#[uniffi::export]
impl Cause {
    /// The cause's name, the same in every binding (`PlusAsSpace`).
    #[must_use]
    pub fn name(&self) -> String {
        userhash::Cause::from(self.clone()).name().to_owned()
    }

    /// The input the cause is about, where there is one (`secret` for the
    /// secret-side causes). Not `field()`: three variants have a `field`
    /// attribute, which a method of that name would hide in Python.
    pub fn input_field(&self) -> Option<Field> {
        userhash::Cause::from(self.clone()).field().map(Field::from)
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", userhash::Cause::from(self.clone()))
    }
}

impl From<userhash::Cause> for Cause {
    fn from(c: userhash::Cause) -> Self {
        use userhash::Cause as C;
        match c {
            C::Whitespace { field, signed, given } => {
                Self::Whitespace { field: field.into(), signed_value: signed, given_value: given }
            }
            C::SecretWhitespace { key_index, edit } => {
                Self::SecretWhitespace { key_index: signed_count(key_index), edit: edit.into() }
            }
            C::EmailCase { field, signed, given } => {
                Self::EmailCase { field: field.into(), signed_value: signed, given_value: given }
            }
            C::PlusAsSpace { field, signed, given } => {
                Self::PlusAsSpace { field: field.into(), signed_value: signed, given_value: given }
            }
            C::SecondsInsteadOfMilliseconds { signed, given } => {
                Self::SecondsInsteadOfMilliseconds { signed_value: signed, given_value: given }
            }
            C::UpperCaseHex => Self::UpperCaseHex,
            C::Base64Tag => Self::Base64Tag,
            C::IdentifierHashForIdentity => Self::IdentifierHashForIdentity,
            C::IdentityForIdentifierHash => Self::IdentityForIdentifierHash,
            C::OtherSecret { key_index } => Self::OtherSecret { key_index: signed_count(key_index) },
            C::MalformedHash { reason } => Self::MalformedHash { reason },
        }
    }
}

impl From<Cause> for userhash::Cause {
    fn from(c: Cause) -> Self {
        let index = |k: i64| usize::try_from(k).unwrap_or(0);
        match c {
            Cause::Whitespace { field, signed_value, given_value } => {
                Self::Whitespace { field: field.into(), signed: signed_value, given: given_value }
            }
            Cause::SecretWhitespace { key_index, edit } => {
                Self::SecretWhitespace { key_index: index(key_index), edit: edit.into() }
            }
            Cause::EmailCase { field, signed_value, given_value } => {
                Self::EmailCase { field: field.into(), signed: signed_value, given: given_value }
            }
            Cause::PlusAsSpace { field, signed_value, given_value } => {
                Self::PlusAsSpace { field: field.into(), signed: signed_value, given: given_value }
            }
            Cause::SecondsInsteadOfMilliseconds { signed_value, given_value } => {
                Self::SecondsInsteadOfMilliseconds { signed: signed_value, given: given_value }
            }
            Cause::UpperCaseHex => Self::UpperCaseHex,
            Cause::Base64Tag => Self::Base64Tag,
            Cause::IdentifierHashForIdentity => Self::IdentifierHashForIdentity,
            Cause::IdentityForIdentifierHash => Self::IdentityForIdentifierHash,
            Cause::OtherSecret { key_index } => Self::OtherSecret { key_index: index(key_index) },
            Cause::MalformedHash { reason } => Self::MalformedHash { reason },
        }
    }
}

/// The verdict: the hash `Matches` the inputs under the first secret, is
/// `Explained` by its causes (the main one first), or is `Unexplained` (the
/// secret itself is the likely cause). Its `Display` says what to do.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
#[uniffi::export(Debug, Display, Eq)]
pub enum Diagnosis {
    Matches,
    Explained { causes: Vec<Cause> },
    Unexplained,
}

#[uniffi::export]
impl Diagnosis {
    /// `Matches`, `Explained` or `Unexplained`.
    #[must_use]
    pub fn name(&self) -> String {
        userhash::Diagnosis::from(self.clone()).name().to_owned()
    }
}

impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", userhash::Diagnosis::from(self.clone()))
    }
}

impl From<userhash::Diagnosis> for Diagnosis {
    fn from(d: userhash::Diagnosis) -> Self {
        match d {
            userhash::Diagnosis::Matches => Self::Matches,
            userhash::Diagnosis::Explained { causes } => {
                Self::Explained { causes: causes.into_iter().map(Cause::from).collect() }
            }
            userhash::Diagnosis::Unexplained => Self::Unexplained,
        }
    }
}

impl From<Diagnosis> for userhash::Diagnosis {
    fn from(d: Diagnosis) -> Self {
        match d {
            Diagnosis::Matches => Self::Matches,
            Diagnosis::Explained { causes } => Self::Explained { causes: causes.into_iter().map(Into::into).collect() },
            Diagnosis::Unexplained => Self::Unexplained,
        }
    }
}

/// Why `hash` is not the hash of `input` under the first of `secrets` (the
/// one the signer should use; then any others configured: previous secrets,
/// other orgs'). Never returns or prints a secret.
#[uniffi::export]
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
