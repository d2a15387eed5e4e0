//! The free functions. They take no object, so a call crosses the FFI once
//! (plus once to free a returned string).

use std::collections::HashMap;

use userhash::Field;

use crate::error::{text, UserHashError};
use crate::records::{IdentifierHash, SignedIdentity};

type Result<T> = std::result::Result<T, UserHashError>;

/// `hex(HMAC-SHA256(secret, identifier))` (SPEC §1.1). An identifier that
/// is a signed-identity message is refused (SPEC §1.4: one secret per scheme).
#[uniffi::export]
pub fn sign_identifier(secret: &[u8], identifier: &[u8]) -> Result<String> {
    Ok(userhash::sign_identifier(secret, text(identifier, Field::Identifier)?)?)
}

/// Whether `hash` is the identifier's hash under `secret`, compared in constant
/// time. False for any mismatch or malformed input; an error only for a weak
/// secret (a configuration mistake, not a request's).
#[uniffi::export]
pub fn verify_identifier(secret: &[u8], identifier: &[u8], hash: &[u8]) -> Result<bool> {
    let (Ok(identifier), Ok(hash)) = (std::str::from_utf8(identifier), std::str::from_utf8(hash)) else {
        // Not text, so not the identifier or hash that was signed; the secret
        // is still checked so that a weak one is reported either way.
        return userhash::verify_identifier(secret, "", "").map(|_| false).map_err(Into::into);
    };
    Ok(userhash::verify_identifier(secret, identifier, hash)?)
}

/// The hosted widget's URL for a signed identity (SPEC §2). `name` and
/// `params` are not signed.
#[uniffi::export(default(name = None, params = None))]
pub fn widget_url(
    base_url: String,
    identity: SignedIdentity,
    name: Option<String>,
    params: Option<HashMap<String, String>>,
) -> Result<String> {
    let identity = userhash::SignedIdentity::try_from(identity)?;
    Ok(userhash::widget_url(&base_url, &identity, name.as_deref(), params.unwrap_or_default())?)
}

/// The `orgId` a widget URL claims, unverified: for routing a request to that
/// organization's verifier before verifying it.
#[uniffi::export]
pub fn org_id_of(url: &[u8]) -> Result<String> {
    Ok(userhash::org_id_of(text(url, Field::Params)?)?)
}

/// The library's version, the same as the Rust crate's.
#[uniffi::export]
#[must_use]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// The bare HMAC-SHA256 both schemes are built on: the 32-byte tag of
/// `message` under `key`. No field or strength rule applies; it is here so
/// that peer suites (RFC 4231, Wycheproof) run through every binding. Sign
/// users with `sign_identifier` or `IdentitySigner`, which check their inputs.
#[uniffi::export]
#[must_use]
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    userhash::mac::hmac_sha256(key, message).to_vec()
}

/// Whether `tag` is the full 32-byte HMAC-SHA256 of `message` under `key`,
/// compared in constant time. A truncated tag is never accepted.
#[uniffi::export]
#[must_use]
pub fn verify_hmac_sha256(key: &[u8], message: &[u8], tag: &[u8]) -> bool {
    userhash::mac::verify_hmac_sha256(key, message, tag)
}

/// `sign_identifier` for many identifiers under one secret, in one call: the
/// key state is computed once, and the FFI is crossed a fixed number of times
/// whatever the count. The first identifier outside the field rules fails
/// the whole batch.
#[uniffi::export]
pub fn sign_identifiers(secret: &[u8], identifiers: Vec<String>) -> Result<Vec<String>> {
    let signer = userhash::IdentifierSigner::new(secret)?;
    identifiers.iter().map(|identifier| Ok(signer.sign(identifier)?)).collect()
}

/// `verify_identifier` for many (identifier, hash) pairs under one secret, in
/// one call, each compared in constant time: false for a mismatch or a
/// malformed pair. An error only for a weak secret.
#[uniffi::export]
pub fn verify_identifiers(secret: &[u8], pairs: Vec<IdentifierHash>) -> Result<Vec<bool>> {
    let signer = userhash::IdentifierSigner::new(secret)?;
    Ok(pairs.iter().map(|p| signer.verify(&p.identifier, &p.hash)).collect())
}
