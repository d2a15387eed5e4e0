//! Secrets: zeroized when dropped, never printed.

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::{Error, Field, Result};
use crate::mac::MacKey;

/// The fewest bytes a signing or verifying secret may have (SPEC §1.3).
pub const MIN_SECRET_LEN: usize = 16;

/// A shared secret. Its bytes are used exactly as given (a text secret is its
/// UTF-8 bytes; nothing is trimmed or decoded), wiped from memory on drop,
/// and never shown by `Debug`.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// Takes ownership of the bytes; no copy is left behind.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Secret(bytes.into())
    }

    /// The secret's bytes, for the MAC.
    #[must_use]
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `WeakSecret` unless the secret has at least [`MIN_SECRET_LEN`] bytes.
    pub fn check_strength(&self) -> Result<()> {
        check_secret_bytes(&self.0)
    }
}

/// `WeakSecret` unless `secret` has at least [`MIN_SECRET_LEN`] bytes.
fn check_secret_bytes(secret: &[u8]) -> Result<()> {
    if secret.len() < MIN_SECRET_LEN {
        return Err(Error::WeakSecret { len: secret.len() });
    }
    Ok(())
}

/// The MAC key of a signing or verifying secret: the one place the schemes
/// turn a secret into a key, so none can skip the strength rule.
pub(crate) fn strong_key(secret: &[u8]) -> Result<MacKey> {
    check_secret_bytes(secret)?;
    Ok(MacKey::new(secret))
}

impl AsRef<[u8]> for Secret {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<redacted, {} bytes>)", self.0.len())
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.as_bytes().to_vec())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s.into_bytes())
    }
}

impl From<&[u8]> for Secret {
    fn from(b: &[u8]) -> Self {
        Secret(b.to_vec())
    }
}

impl From<Vec<u8>> for Secret {
    fn from(b: Vec<u8>) -> Self {
        Secret(b)
    }
}

/// The secrets a verifier accepts, current first (SPEC §3 step 3): signers use
/// the first; the rest are previous secrets still accepted during a rotation.
#[derive(Clone, Debug)]
pub struct SecretList(Vec<Secret>);

impl SecretList {
    /// At least one secret, each at least [`MIN_SECRET_LEN`] bytes.
    pub fn new<S: Into<Secret>>(secrets: impl IntoIterator<Item = S>) -> Result<Self> {
        let list: Vec<Secret> = secrets.into_iter().map(Into::into).collect();
        if list.is_empty() {
            return Err(Error::malformed(
                Field::Secret,
                "no secret configured; give the current secret first, then any previous ones still accepted",
            ));
        }
        for s in &list {
            s.check_strength()?;
        }
        Ok(SecretList(list))
    }

    #[must_use]
    pub fn current(&self) -> &Secret {
        &self.0[0]
    }

    pub fn iter(&self) -> impl Iterator<Item = &Secret> {
        self.0.iter()
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
