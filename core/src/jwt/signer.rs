//! The token signer: a customer's backend makes one token per page load.

use std::fmt;

use ed25519_dalek::Signer as _;

use super::claims::{check_jti, payload_json, Registered, TokenSubject, SECONDS_MAX};
use super::encoding::b64_encode;
use super::header::{check_kid, header_json, Algorithm};
use super::keys::{token_mac_key, Ed25519PrivateKey};
use super::profile::Profile;
use super::{check_audience_text, DEFAULT_MAX_TOKEN_LEN, DEFAULT_TOKEN_LIFETIME_S, MAX_SIGN_LIFETIME_S};
use crate::error::{Error, Field, Limit, Result};
use crate::identity::{check_org_id, now_ms};
use crate::mac::MacKey;
use crate::secret::Secret;

/// How a [`TokenSigner`] writes its tokens. Plain fields with defaults
/// ([`SignerOptions::new`]), so every binding passes it as a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignerOptions {
    pub profile: Profile,
    /// The header's `kid`: which of the verifier's keys this is (Zendesk: the
    /// key's `app_...` id).
    pub kid: Option<String>,
    /// The `org` claim; required by the `userhash` profile, refused by the others.
    pub org: Option<String>,
    /// The `aud` claim, when the verifier checks one.
    pub audience: Option<String>,
    /// The `iss` claim, when the verifier checks one.
    pub issuer: Option<String>,
    /// `exp - iat`, in seconds: 1 to [`MAX_SIGN_LIFETIME_S`]; default
    /// [`DEFAULT_TOKEN_LIFETIME_S`] (5 minutes).
    pub lifetime_s: u64,
}

impl SignerOptions {
    #[must_use]
    pub fn new(profile: Profile) -> Self {
        SignerOptions {
            profile,
            kid: None,
            org: None,
            audience: None,
            issuer: None,
            lifetime_s: DEFAULT_TOKEN_LIFETIME_S,
        }
    }
}

impl Default for SignerOptions {
    fn default() -> Self {
        SignerOptions::new(Profile::default())
    }
}

enum SigningKey {
    Hs256(MacKey),
    Ed25519(Ed25519PrivateKey),
}

/// Signs identity tokens (SPEC §8) with one key: HS256 (a shared secret of
/// at least 32 bytes) or EdDSA (an Ed25519 private key).
pub struct TokenSigner {
    key: SigningKey,
    options: SignerOptions,
    /// `BASE64URL(header)`, the same for every token of this signer.
    header: String,
}

impl TokenSigner {
    /// HS256 under `secret` (`WeakSecret` under 32 bytes). Give tokens their
    /// own secret, not the identifier hash's or the signed identity's (SPEC §1.4).
    pub fn hs256(secret: impl Into<Secret>, options: SignerOptions) -> Result<Self> {
        let key = token_mac_key(secret.into().expose())?;
        Self::new(SigningKey::Hs256(key), options)
    }

    /// EdDSA under an Ed25519 private key.
    pub fn ed25519(key: &Ed25519PrivateKey, options: SignerOptions) -> Result<Self> {
        Self::new(SigningKey::Ed25519(key.clone()), options)
    }

    /// EdDSA under an Ed25519 private key given as PKCS#8 PEM or a private JWK.
    pub fn ed25519_from_text(private_key: &str, options: SignerOptions) -> Result<Self> {
        Self::ed25519(&Ed25519PrivateKey::parse(private_key)?, options)
    }

    fn new(key: SigningKey, options: SignerOptions) -> Result<Self> {
        check_options(&options)?;
        let alg = match key {
            SigningKey::Hs256(_) => Algorithm::Hs256,
            SigningKey::Ed25519(_) => Algorithm::EdDsa,
        };
        let header = b64_encode(header_json(alg, options.kid.as_deref()).as_bytes());
        Ok(TokenSigner { key, options, header })
    }

    #[must_use]
    pub fn algorithm(&self) -> Algorithm {
        match self.key {
            SigningKey::Hs256(_) => Algorithm::Hs256,
            SigningKey::Ed25519(_) => Algorithm::EdDsa,
        }
    }

    #[must_use]
    pub fn options(&self) -> &SignerOptions {
        &self.options
    }

    /// A token for `subject`, issued now, with a fresh random `jti` (a
    /// lowercase UUID v4 from the operating system's CSPRNG).
    pub fn sign(&self, subject: &TokenSubject) -> Result<String> {
        let jti = uuid::Uuid::new_v4().hyphenated().to_string();
        self.sign_at(subject, now_ms(), &jti)
    }

    /// A token issued at `now_ms` (Unix milliseconds; `iat` is its whole
    /// seconds) with the given `jti`: for tests and vectors. A `jti` used
    /// twice makes the second token a replay for a single-use verifier.
    pub fn sign_at(&self, subject: &TokenSubject, now_ms: u64, jti: &str) -> Result<String> {
        check_jti(jti)?;
        let iat = now_ms / 1000;
        let exp = iat.saturating_add(self.options.lifetime_s);
        if exp >= SECONDS_MAX {
            return Err(Error::malformed(
                Field::Timestamp,
                format!("{now_ms} is not a time a token can be issued at; pass Unix milliseconds"),
            ));
        }
        let registered = Registered {
            iat,
            exp,
            jti,
            org: self.options.org.as_deref(),
            audience: self.options.audience.as_deref(),
            issuer: self.options.issuer.as_deref(),
        };
        let payload = b64_encode(payload_json(self.options.profile, subject, &registered)?.as_bytes());
        let signing_input = format!("{}.{payload}", self.header);
        let signature = match &self.key {
            SigningKey::Hs256(key) => key.tag(signing_input.as_bytes()).to_vec(),
            SigningKey::Ed25519(key) => key.signing_key().sign(signing_input.as_bytes()).to_bytes().to_vec(),
        };
        let token = format!("{signing_input}.{}", b64_encode(&signature));
        if token.len() > DEFAULT_MAX_TOKEN_LEN {
            // A verifier with the default limit would refuse it unread.
            return Err(Error::TooLarge { limit: Limit::TokenLength, max: DEFAULT_MAX_TOKEN_LEN });
        }
        Ok(token)
    }
}

fn check_options(options: &SignerOptions) -> Result<()> {
    if let Some(kid) = &options.kid {
        check_kid(kid)?;
    }
    match (&options.org, options.profile) {
        (Some(org), Profile::Userhash) => check_org_id(org)?,
        (None, Profile::Userhash) => {
            return Err(Error::malformed(
                Field::OrgId,
                "the userhash profile signs the org a verifier checks: set the signer's org",
            ))
        }
        (Some(_), profile) => {
            return Err(Error::malformed(
                Field::OrgId,
                format!("the {profile} profile has no org claim; use the userhash profile, or an audience"),
            ))
        }
        (None, _) => {}
    }
    check_audience_text("audience", options.audience.as_deref())?;
    check_audience_text("issuer", options.issuer.as_deref())?;
    if options.lifetime_s == 0 || options.lifetime_s > MAX_SIGN_LIFETIME_S {
        return Err(Error::malformed(
            Field::Claims,
            format!(
                "a token's lifetime must be 1 to {MAX_SIGN_LIFETIME_S} seconds, not {}; a few minutes is right for \
                 a page load (a verifier refuses more than its max_lifetime, 3600 s by default)",
                options.lifetime_s
            ),
        ));
    }
    Ok(())
}

impl fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSigner")
            .field("alg", &self.algorithm().as_str())
            .field("key", &"<redacted>")
            .field("options", &self.options)
            .finish()
    }
}
