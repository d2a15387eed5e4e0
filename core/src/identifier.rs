//! Scheme 1 (SPEC §1.1): `hex(HMAC-SHA256(secret, identifier))`.

use crate::cross_scheme::refuse_other_scheme;
use crate::error::{Error, Field, Result};
use crate::mac::{self, MacKey};
use crate::secret::{strong_key, Secret};

/// The longest identifier, in bytes.
pub const MAX_IDENTIFIER_LEN: usize = 4096;

/// The identifier hash of `identifier` under `secret`: 64 lowercase hex characters.
///
/// A numeric user id is signed as its decimal string (`"4"`, never `"4.0"`).
/// An identifier that is another scheme's message (`email|timestamp|org|nonce`)
/// is refused (`Malformed`): its hash would be that scheme's signature under
/// the same secret (see SPEC §1.4; give each scheme its own secret).
/// Signing many identifiers with one secret? [`IdentifierSigner`] keeps the
/// key state between calls.
pub fn sign_identifier(secret: impl AsRef<[u8]>, identifier: &str) -> Result<String> {
    IdentifierSigner { key: strong_key(secret.as_ref())? }.sign(identifier)
}

/// Whether `hash` is `identifier`'s hash under `secret`, compared in constant
/// time. Upper-case hex is accepted. False for a mismatch, a malformed hash,
/// an identifier that breaks its rule or one that is another scheme's message
/// (which userhash never signs); an error only for a weak secret (a
/// configuration mistake, not a request's).
pub fn verify_identifier(secret: impl AsRef<[u8]>, identifier: &str, hash: &str) -> Result<bool> {
    Ok(verify_with(&strong_key(secret.as_ref())?, identifier, hash))
}

/// Scheme 1 with the key state computed once, for servers that sign or check
/// many identifiers with the same secret.
#[derive(Clone, Debug)]
pub struct IdentifierSigner {
    key: MacKey,
}

impl IdentifierSigner {
    pub fn new(secret: impl Into<Secret>) -> Result<Self> {
        Ok(IdentifierSigner { key: strong_key(secret.into().expose())? })
    }

    /// See [`sign_identifier`].
    pub fn sign(&self, identifier: &str) -> Result<String> {
        check_identifier(identifier)?;
        refuse_other_scheme(identifier)?;
        Ok(mac::to_hex(&self.key.tag(identifier.as_bytes())))
    }

    /// See [`verify_identifier`].
    #[must_use]
    pub fn verify(&self, identifier: &str, hash: &str) -> bool {
        verify_with(&self.key, identifier, hash)
    }
}

fn verify_with(key: &MacKey, identifier: &str, hash: &str) -> bool {
    if check_identifier(identifier).is_err() || refuse_other_scheme(identifier).is_err() {
        return false;
    }
    match mac::from_hex(hash) {
        Some(tag) => key.verify_parts(&[identifier.as_bytes()], &tag),
        None => false,
    }
}

/// 1..=4096 bytes; otherwise anything, signed exactly as given.
pub fn check_identifier(identifier: &str) -> Result<()> {
    match identifier.len() {
        0 => Err(Error::malformed(Field::Identifier, "it is empty; sign the user's id or email")),
        n if n > MAX_IDENTIFIER_LEN => Err(Error::malformed(
            Field::Identifier,
            format!("it is {n} bytes long; at most {MAX_IDENTIFIER_LEN} are allowed"),
        )),
        _ => Ok(()),
    }
}
