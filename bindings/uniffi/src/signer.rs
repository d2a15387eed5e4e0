//! The signers: a customer's backend signs its logged-in user.

use std::collections::HashMap;

use userhash::{Field, Secret};

use crate::error::{text, UserHashError};
use crate::ints::non_negative;
use crate::records::SignedIdentity;

type Result<T> = std::result::Result<T, UserHashError>;

/// Signs identities for one organization; the key state is computed once.
/// Share it between threads. Its `repr`/`toString` never shows the secret.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct IdentitySigner(userhash::IdentitySigner);

#[uniffi::export]
impl IdentitySigner {
    /// `secret`: the organization's current signed-identity secret, at
    /// least 16 bytes (never the identifier hash's: SECURITY.md).
    #[uniffi::constructor]
    pub fn new(secret: &[u8], org_id: &[u8]) -> Result<Self> {
        let org_id = text(org_id, Field::OrgId)?;
        Ok(Self(userhash::IdentitySigner::new(Secret::from(secret), org_id)?))
    }

    /// The organization this signer signs for.
    #[must_use]
    pub fn org_id(&self) -> String {
        self.0.org_id().to_owned()
    }

    /// Signs `email` now, with a fresh random nonce (UUID v4).
    pub fn sign(&self, email: &[u8]) -> Result<SignedIdentity> {
        Ok(self.0.sign(text(email, Field::Email)?)?.into())
    }

    /// Signs `email` at `timestamp_ms` (Unix ms) with `nonce`, for tests and
    /// for signers with their own clock.
    pub fn sign_at(&self, email: &[u8], timestamp_ms: i64, nonce: &[u8]) -> Result<SignedIdentity> {
        let (email, nonce) = (text(email, Field::Email)?, text(nonce, Field::Nonce)?);
        let timestamp_ms = non_negative(timestamp_ms, Field::Timestamp, "timestamp_ms")?;
        Ok(self.0.sign_at(email, timestamp_ms, nonce)?.into())
    }

    /// The widget URL for `email`, signed now: `sign` and `widget_url` in one
    /// call, the common case of a page that embeds the widget. `name` (the
    /// display name, not signed) is left out when empty.
    pub fn widget_url(&self, base_url: &[u8], email: &[u8], name: &[u8]) -> Result<String> {
        let base_url = text(base_url, Field::BaseUrl)?;
        let identity = self.0.sign(text(email, Field::Email)?)?;
        let name = if name.is_empty() { None } else { Some(text(name, Field::Name)?) };
        Ok(userhash::widget_url(base_url, &identity, name, HashMap::<String, String>::new())?)
    }
}

/// Signs and checks identifier hashes under one secret, its key state
/// computed once: for a server that signs many users (SPEC §1.1).
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct IdentifierSigner(userhash::IdentifierSigner);

#[uniffi::export]
impl IdentifierSigner {
    /// `secret`: the identifier hash's secret, at least 16 bytes (never the
    /// signed identity's: SECURITY.md).
    #[uniffi::constructor]
    pub fn new(secret: &[u8]) -> Result<Self> {
        Ok(Self(userhash::IdentifierSigner::new(Secret::from(secret))?))
    }

    /// See `sign_identifier`.
    pub fn sign(&self, identifier: &[u8]) -> Result<String> {
        Ok(self.0.sign(text(identifier, Field::Identifier)?)?)
    }

    /// See `verify_identifier`: false for any mismatch or malformed input.
    #[must_use]
    pub fn verify(&self, identifier: &[u8], hash: &[u8]) -> bool {
        match (std::str::from_utf8(identifier), std::str::from_utf8(hash)) {
            (Ok(identifier), Ok(hash)) => self.0.verify(identifier, hash),
            _ => false,
        }
    }
}
