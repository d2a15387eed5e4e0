//! The records that cross the FFI by value.

use std::collections::HashMap;

/// What a signer hands to the widget: the signed fields and the hash over them.
/// Build the widget's URL from it with `widget_url`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug, Eq)]
pub struct SignedIdentity {
    pub email: String,
    /// Unix time in milliseconds.
    pub timestamp_ms: u64,
    pub org_id: String,
    pub nonce: String,
    /// 64 lowercase hex characters.
    pub user_hash: String,
}

impl From<userhash::SignedIdentity> for SignedIdentity {
    fn from(s: userhash::SignedIdentity) -> Self {
        Self { email: s.email, timestamp_ms: s.timestamp_ms, org_id: s.org_id, nonce: s.nonce, user_hash: s.user_hash }
    }
}

impl From<SignedIdentity> for userhash::SignedIdentity {
    fn from(s: SignedIdentity) -> Self {
        Self { email: s.email, timestamp_ms: s.timestamp_ms, org_id: s.org_id, nonce: s.nonce, user_hash: s.user_hash }
    }
}

/// Who the widget's user is, once every check has passed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug, Eq)]
pub struct VerifiedIdentity {
    pub email: String,
    pub org_id: String,
    pub timestamp_ms: u64,
    pub nonce: String,
    /// The display name, if the URL had one. Not signed: show it, don't trust it.
    pub name: Option<String>,
    /// Every other parameter of the URL. Not signed.
    pub params: HashMap<String, String>,
    /// Which configured secret matched: 0 is the current one.
    pub key_index: u32,
}

impl From<userhash::VerifiedIdentity> for VerifiedIdentity {
    fn from(v: userhash::VerifiedIdentity) -> Self {
        Self {
            email: v.email,
            org_id: v.org_id,
            timestamp_ms: v.timestamp_ms,
            nonce: v.nonce,
            name: v.name,
            params: v.params.into_iter().collect(),
            // A verifier has a handful of secrets, never 2^32.
            key_index: v.key_index as u32,
        }
    }
}

/// An identifier and the hash to check against it, for `verify_identifiers`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct IdentifierHash {
    pub identifier: String,
    pub hash: String,
}
