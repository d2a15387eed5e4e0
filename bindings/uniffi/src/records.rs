//! The records that cross the FFI by value.

use std::collections::HashMap;

use userhash::{Error, Field};

use crate::ints::{non_negative, signed, signed_count};

/// What a signer hands to the widget: the signed fields and the hash over them.
/// Build the widget's URL from it with `widget_url`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug, Eq)]
pub struct SignedIdentity {
    pub email: String,
    /// Unix time in milliseconds.
    pub timestamp_ms: i64,
    pub org_id: String,
    pub nonce: String,
    /// 64 lowercase hex characters.
    pub user_hash: String,
}

impl From<userhash::SignedIdentity> for SignedIdentity {
    fn from(s: userhash::SignedIdentity) -> Self {
        Self {
            email: s.email,
            timestamp_ms: signed(s.timestamp_ms),
            org_id: s.org_id,
            nonce: s.nonce,
            user_hash: s.user_hash,
        }
    }
}

impl TryFrom<SignedIdentity> for userhash::SignedIdentity {
    type Error = Error;

    fn try_from(s: SignedIdentity) -> Result<Self, Error> {
        Ok(Self {
            email: s.email,
            timestamp_ms: non_negative(s.timestamp_ms, Field::Timestamp, "timestamp_ms")?,
            org_id: s.org_id,
            nonce: s.nonce,
            user_hash: s.user_hash,
        })
    }
}

/// Who the widget's user is, once every check has passed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug, Eq)]
pub struct VerifiedIdentity {
    pub email: String,
    pub org_id: String,
    /// Unix time in milliseconds, when it was signed.
    pub timestamp_ms: i64,
    pub nonce: String,
    /// The display name, if the URL had one. Not signed: show it, don't trust it.
    pub name: Option<String>,
    /// Every other parameter of the URL. Not signed.
    pub params: HashMap<String, String>,
    /// Which configured secret matched: 0 is the current one.
    pub key_index: i64,
}

impl From<userhash::VerifiedIdentity> for VerifiedIdentity {
    fn from(v: userhash::VerifiedIdentity) -> Self {
        Self {
            email: v.email,
            org_id: v.org_id,
            timestamp_ms: signed(v.timestamp_ms),
            nonce: v.nonce,
            name: v.name,
            params: v.params.into_iter().collect(),
            key_index: signed_count(v.key_index),
        }
    }
}

/// An identifier and the hash to check against it, for `verify_identifiers`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct IdentifierHash {
    pub identifier: String,
    pub hash: String,
}
