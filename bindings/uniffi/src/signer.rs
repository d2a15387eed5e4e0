//! The identity signer: a customer's backend signs its logged-in user.

use userhash::{Field, Secret};

use crate::error::{text, UserHashError};
use crate::records::SignedIdentity;

/// Signs identities for one organization; the key state is computed once.
/// Its `repr`/`toString` never shows the secret.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct IdentitySigner(userhash::IdentitySigner);

#[uniffi::export]
impl IdentitySigner {
    /// `secret`: the organization's current secret, at least 16 bytes.
    #[uniffi::constructor]
    pub fn new(secret: &[u8], org_id: &[u8]) -> Result<Self, UserHashError> {
        let org_id = text(org_id, Field::OrgId)?;
        Ok(Self(userhash::IdentitySigner::new(Secret::from(secret), org_id)?))
    }

    /// The organization this signer signs for.
    pub fn org_id(&self) -> String {
        self.0.org_id().to_owned()
    }

    /// Signs `email` now, with a fresh random nonce (UUID v4).
    pub fn sign(&self, email: &[u8]) -> Result<SignedIdentity, UserHashError> {
        Ok(self.0.sign(text(email, Field::Email)?)?.into())
    }

    /// Signs `email` at a given time (Unix ms) with a given nonce, for tests and
    /// for signers with their own clock.
    pub fn sign_at(&self, email: &[u8], timestamp_ms: u64, nonce: &[u8]) -> Result<SignedIdentity, UserHashError> {
        let (email, nonce) = (text(email, Field::Email)?, text(nonce, Field::Nonce)?);
        Ok(self.0.sign_at(email, timestamp_ms, nonce)?.into())
    }
}
