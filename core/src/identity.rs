//! Scheme 2 (SPEC §1.2): `hex(HMAC-SHA256(secret, email|timestamp|org_id|nonce))`,
//! and the field rules of SPEC §1.3 that signer and verifier share.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::{Error, Field, Result};
use crate::mac::{self, MacKey};
use crate::secret::{strong_key, Secret};

pub const MAX_EMAIL_LEN: usize = 320;
pub const MAX_ORG_ID_LEN: usize = 128;
pub const MAX_TIMESTAMP_DIGITS: usize = 16;
pub const MIN_NONCE_LEN: usize = 8;
pub const MAX_NONCE_LEN: usize = 128;

/// 10^[`MAX_TIMESTAMP_DIGITS`]: the first number of milliseconds with one digit too many.
const TIMESTAMP_BOUND: u64 = 10_000_000_000_000_000;
const _: () = assert!(TIMESTAMP_BOUND.ilog10() as usize == MAX_TIMESTAMP_DIGITS);

/// What a signer hands to the widget: the fields of the signed message and the
/// hash over them. Build the widget's URL from it with [`crate::widget_url`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIdentity {
    pub email: String,
    /// Unix time in milliseconds.
    pub timestamp_ms: u64,
    pub org_id: String,
    pub nonce: String,
    /// 64 lowercase hex characters.
    pub user_hash: String,
}

impl SignedIdentity {
    /// The timestamp as the decimal string that was signed.
    #[must_use]
    pub fn timestamp(&self) -> String {
        self.timestamp_ms.to_string()
    }

    /// Every field meets its rule. The fields are public, so an identity
    /// built by hand is checked again before a URL is made from it.
    pub fn check(&self) -> Result<()> {
        check_email(&self.email)?;
        check_timestamp_ms(self.timestamp_ms)?;
        check_org_id(&self.org_id)?;
        check_nonce(&self.nonce)?;
        if mac::from_hex(&self.user_hash).is_none() {
            return Err(Error::malformed(
                Field::UserHash,
                format!("it must be exactly {} hex characters", mac::HEX_LEN),
            ));
        }
        Ok(())
    }
}

/// Signs identities for one organization. The key state is computed once.
#[derive(Clone, Debug)]
pub struct IdentitySigner {
    key: MacKey,
    org_id: String,
}

impl IdentitySigner {
    /// `WeakSecret` for a secret under 16 bytes; `Malformed(org_id)` for an
    /// org id that breaks its rule.
    pub fn new(secret: impl Into<Secret>, org_id: &str) -> Result<Self> {
        let key = strong_key(secret.into().expose())?;
        check_org_id(org_id)?;
        Ok(IdentitySigner { key, org_id: org_id.to_owned() })
    }

    #[must_use]
    pub fn org_id(&self) -> &str {
        &self.org_id
    }

    /// Signs `email` now, with a fresh random nonce (a lowercase UUID v4 from
    /// the operating system's CSPRNG).
    pub fn sign(&self, email: &str) -> Result<SignedIdentity> {
        let nonce = uuid::Uuid::new_v4().hyphenated().to_string();
        self.sign_at(email, now_ms(), &nonce)
    }

    /// Signs `email` at a given time with a given nonce: for tests and for
    /// apps with their own clock. Reusing a nonce makes the second URL a replay.
    pub fn sign_at(&self, email: &str, timestamp_ms: u64, nonce: &str) -> Result<SignedIdentity> {
        check_email(email)?;
        check_timestamp_ms(timestamp_ms)?;
        check_nonce(nonce)?;
        let timestamp = timestamp_ms.to_string();
        let user_hash = mac::to_hex(&tag_identity(&self.key, email, &timestamp, &self.org_id, nonce));
        Ok(SignedIdentity {
            email: email.to_owned(),
            timestamp_ms,
            org_id: self.org_id.clone(),
            nonce: nonce.to_owned(),
            user_hash,
        })
    }
}

/// The signed message, `email|timestamp|org_id|nonce`, as bytes fed to the MAC
/// in place (no joined copy is made).
pub(crate) fn tag_identity(key: &MacKey, email: &str, timestamp: &str, org_id: &str, nonce: &str) -> mac::Tag {
    key.tag_parts(&[email.as_bytes(), b"|", timestamp.as_bytes(), b"|", org_id.as_bytes(), b"|", nonce.as_bytes()])
}

/// The message scheme 2 signs, for display and diagnosis.
#[must_use]
pub fn identity_message(email: &str, timestamp: &str, org_id: &str, nonce: &str) -> String {
    format!("{email}|{timestamp}|{org_id}|{nonce}")
}

/// The current Unix time in milliseconds.
#[must_use]
pub fn now_ms() -> u64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
}

/// What the email and the org id share: 1..=`max` bytes and no `|`, the
/// separator that keeps the joined message unambiguous.
fn check_signed_text(field: Field, value: &str, max: usize) -> Result<()> {
    if value.is_empty() {
        return Err(Error::malformed(field, "it is empty"));
    }
    if value.len() > max {
        return Err(Error::malformed(field, format!("it is {} bytes long; at most {max} are allowed", value.len())));
    }
    if value.contains('|') {
        return Err(Error::malformed(field, "it contains `|`, which separates the signed fields"));
    }
    Ok(())
}

/// 1..=320 bytes; no `|`; no ASCII control character; no leading or trailing whitespace.
pub fn check_email(email: &str) -> Result<()> {
    let bad = |reason: &str| Err(Error::malformed(Field::Email, reason));
    check_signed_text(Field::Email, email, MAX_EMAIL_LEN)?;
    if email.bytes().any(|b| b.is_ascii_control()) {
        return bad("it contains a control character (a newline or tab?)");
    }
    if email.starts_with(char::is_whitespace) || email.ends_with(char::is_whitespace) {
        return bad("it has leading or trailing whitespace; trim it before signing (a `+` read as a space?)");
    }
    Ok(())
}

/// 1..=128 bytes; no `|`, no whitespace, no control character.
pub fn check_org_id(org_id: &str) -> Result<()> {
    check_signed_text(Field::OrgId, org_id, MAX_ORG_ID_LEN)?;
    if org_id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::malformed(Field::OrgId, "it contains whitespace or a control character"));
    }
    Ok(())
}

/// A received timestamp: 1..=16 ASCII digits and nothing else. Returns its value.
pub fn check_timestamp(timestamp: &str) -> Result<u64> {
    if timestamp.is_empty() || timestamp.len() > MAX_TIMESTAMP_DIGITS || !timestamp.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(Error::malformed(
            Field::Timestamp,
            format!("it must be 1 to {MAX_TIMESTAMP_DIGITS} ASCII digits of Unix milliseconds (no sign, no spaces, no decimal point)"),
        ));
    }
    // 16 digits always fit in a u64.
    Ok(timestamp.parse().expect("at most 16 ASCII digits"))
}

/// A timestamp to sign: at most 16 decimal digits.
pub fn check_timestamp_ms(timestamp_ms: u64) -> Result<()> {
    if timestamp_ms >= TIMESTAMP_BOUND {
        return Err(Error::malformed(
            Field::Timestamp,
            format!("{timestamp_ms} has more than {MAX_TIMESTAMP_DIGITS} digits; pass Unix time in milliseconds"),
        ));
    }
    Ok(())
}

/// 8..=128 characters from `A-Z a-z 0-9 - _ . ~`.
pub fn check_nonce(nonce: &str) -> Result<()> {
    if nonce.len() < MIN_NONCE_LEN || nonce.len() > MAX_NONCE_LEN {
        return Err(Error::malformed(
            Field::Nonce,
            format!(
                "it is {} characters long; it must have {MIN_NONCE_LEN} to {MAX_NONCE_LEN} (a UUID v4 is 36)",
                nonce.chars().count()
            ),
        ));
    }
    if !nonce.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')) {
        return Err(Error::malformed(Field::Nonce, "it may contain only A-Z a-z 0-9 - _ . ~"));
    }
    Ok(())
}
