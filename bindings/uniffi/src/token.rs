//! JWT identity tokens (SPEC §8) across the FFI: a signer for the
//! customer's backend, keys and a verifier for the widget's server, and
//! Ed25519 key pairs. The same shape as the rest of the layer: signed
//! 64-bit integers, enums, the one error, defaults from the core.

use std::fmt;
use std::sync::Arc;

use userhash::jwt;
use userhash::{Field, Secret};

use crate::error::{text, UserHashError};
use crate::ints::{count, non_negative, signed, signed_count};
use crate::store::{into_core, NonceStore};

type Result<T> = std::result::Result<T, UserHashError>;

/// Which vendor's claim names a token uses; `as_str()` is its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
#[uniffi::export(Display)]
pub enum Profile {
    /// `sub`, `email`, `org`: userhash's own.
    Userhash,
    /// `user_id`, `email`: Intercom's Messenger Security.
    Intercom,
    /// `scope: "user"`, `external_id`, `email`, `email_verified`, `name`: Zendesk messaging.
    Zendesk,
    /// `sub`: Drift's `userJwt`.
    Drift,
}

/// A token algorithm; `as_str()` is its JOSE name (`HS256`, `EdDSA`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
#[uniffi::export(Display)]
pub enum Algorithm {
    Hs256,
    EdDsa,
}

macro_rules! same_variants {
    ($ours:ident, $core:path, [$($v:ident),*]) => {
        impl From<$core> for $ours {
            fn from(x: $core) -> Self {
                use $core as C;
                match x { $(C::$v => $ours::$v),* }
            }
        }
        impl From<$ours> for $core {
            fn from(x: $ours) -> Self {
                use $core as C;
                match x { $($ours::$v => C::$v),* }
            }
        }
    };
}

same_variants!(Profile, jwt::Profile, [Userhash, Intercom, Zendesk, Drift]);
same_variants!(Algorithm, jwt::Algorithm, [Hs256, EdDsa]);
same_variants!(SecretForm, jwt::SecretForm, [Base64Text, DecodedBytes]);

#[uniffi::export]
impl Profile {
    /// `userhash`, `intercom`, `zendesk` or `drift`.
    #[must_use]
    pub fn as_str(&self) -> String {
        jwt::Profile::from(*self).as_str().to_owned()
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(jwt::Profile::from(*self).as_str())
    }
}

#[uniffi::export]
impl Algorithm {
    /// `HS256` or `EdDSA`.
    #[must_use]
    pub fn as_str(&self) -> String {
        jwt::Algorithm::from(*self).as_str().to_owned()
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(jwt::Algorithm::from(*self).as_str())
    }
}

/// Who a token says the user is. `extra_claims_json`: more claims as the
/// text of one JSON object (none may be a registered or a profile claim).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TokenSubject {
    pub user_id: String,
    #[uniffi(default = None)]
    pub email: Option<String>,
    #[uniffi(default = None)]
    pub name: Option<String>,
    #[uniffi(default = None)]
    pub email_verified: Option<bool>,
    #[uniffi(default = None)]
    pub extra_claims_json: Option<String>,
}

impl From<TokenSubject> for jwt::TokenSubject {
    fn from(s: TokenSubject) -> Self {
        let mut subject = jwt::TokenSubject::new(s.user_id);
        subject.email = s.email;
        subject.name = s.name;
        subject.email_verified = s.email_verified;
        subject.extra_claims_json = s.extra_claims_json;
        subject
    }
}

/// A token that passed every check. Times are seconds since 1970.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerifiedToken {
    pub profile: Profile,
    /// The profile's user id claim (`sub`, `user_id` or `external_id`).
    pub user_id: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub email_verified: Option<bool>,
    /// The `org` claim (`userhash` profile).
    pub org: Option<String>,
    pub issued_at: Option<i64>,
    pub expires_at: i64,
    pub jti: Option<String>,
    /// The header's `kid`, if any.
    pub kid: Option<String>,
    /// Which of the verifier's keys matched (0 is the first configured).
    pub key_index: i64,
    pub algorithm: Algorithm,
    /// The whole payload as received: every claim, extra ones included.
    pub claims_json: String,
}

impl From<jwt::VerifiedToken> for VerifiedToken {
    fn from(v: jwt::VerifiedToken) -> Self {
        Self {
            profile: v.profile.into(),
            user_id: v.user_id,
            email: v.email,
            name: v.name,
            email_verified: v.email_verified,
            org: v.org,
            issued_at: v.issued_at.map(signed),
            expires_at: signed(v.expires_at),
            jti: v.jti,
            kid: v.kid,
            key_index: signed_count(v.key_index),
            algorithm: v.algorithm.into(),
            claims_json: v.claims_json,
        }
    }
}

/// Signs identity tokens for one key: HS256 with a shared secret of at
/// least 32 bytes (its own: never the identifier hash's or the signed
/// identity's), or EdDSA with an Ed25519 private key (PKCS#8 PEM or JWK).
/// Left out, `lifetime_s` is the core's 300 s. Its `repr`/`toString`
/// never shows the key.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct TokenSigner(jwt::TokenSigner);

#[allow(clippy::too_many_arguments)]
fn signer_options(
    profile: Profile,
    kid: Option<String>,
    org: Option<String>,
    audience: Option<String>,
    issuer: Option<String>,
    lifetime_s: Option<i64>,
) -> Result<jwt::SignerOptions> {
    let mut options = jwt::SignerOptions::new(profile.into());
    options.kid = kid;
    options.org = org;
    options.audience = audience;
    options.issuer = issuer;
    if let Some(s) = lifetime_s {
        options.lifetime_s = non_negative(s, Field::Claims, "lifetime_s")?;
    }
    Ok(options)
}

#[uniffi::export]
impl TokenSigner {
    /// An HS256 signer.
    #[uniffi::constructor(default(kid = None, org = None, audience = None, issuer = None, lifetime_s = None))]
    pub fn hs256(
        secret: &[u8],
        profile: Profile,
        kid: Option<String>,
        org: Option<String>,
        audience: Option<String>,
        issuer: Option<String>,
        lifetime_s: Option<i64>,
    ) -> Result<Arc<Self>> {
        let options = signer_options(profile, kid, org, audience, issuer, lifetime_s)?;
        Ok(Arc::new(Self(jwt::TokenSigner::hs256(Secret::from(secret), options)?)))
    }

    /// An EdDSA signer over an Ed25519 private key (PKCS#8 PEM or JWK).
    #[uniffi::constructor(default(kid = None, org = None, audience = None, issuer = None, lifetime_s = None))]
    pub fn ed25519(
        private_key: String,
        profile: Profile,
        kid: Option<String>,
        org: Option<String>,
        audience: Option<String>,
        issuer: Option<String>,
        lifetime_s: Option<i64>,
    ) -> Result<Arc<Self>> {
        let options = signer_options(profile, kid, org, audience, issuer, lifetime_s)?;
        let signer = jwt::TokenSigner::ed25519_from_text(&private_key, options);
        drop(zeroize::Zeroizing::new(private_key));
        Ok(Arc::new(Self(signer?)))
    }

    /// The algorithm this signer's key fixes.
    #[must_use]
    pub fn algorithm(&self) -> Algorithm {
        self.0.algorithm().into()
    }

    /// A token for `subject`, now, with a fresh `jti`.
    pub fn sign(&self, subject: TokenSubject) -> Result<String> {
        Ok(self.0.sign(&subject.into())?)
    }

    /// A token for `subject` as if the clock read `now_ms` (Unix ms), with `jti`.
    pub fn sign_at(&self, subject: TokenSubject, now_ms: i64, jti: String) -> Result<String> {
        let now_ms = non_negative(now_ms, Field::Timestamp, "now_ms")?;
        Ok(self.0.sign_at(&subject.into(), now_ms, &jti)?)
    }
}

/// A key a token verifier accepts: an HS256 secret, or an Ed25519 public key
/// (from `parse_public_keys`). Its `repr`/`toString` never shows a secret.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct TokenKey(jwt::TokenKey);

#[uniffi::export]
impl TokenKey {
    /// An HS256 key: a secret of at least 32 bytes, and its `kid` if tokens name one.
    #[uniffi::constructor(default(kid = None))]
    pub fn hs256(secret: &[u8], kid: Option<String>) -> Result<Arc<Self>> {
        Ok(Arc::new(Self(jwt::TokenKey::hs256(Secret::from(secret), kid.as_deref())?)))
    }

    /// The key's `kid`, if it has one.
    pub fn kid(&self) -> Option<String> {
        self.0.kid().map(str::to_owned)
    }

    /// The algorithm this key fixes.
    #[must_use]
    pub fn algorithm(&self) -> Algorithm {
        self.0.algorithm().into()
    }
}

/// Ed25519 public keys from text: an SPKI PEM, a JWK, or a JWK Set (each
/// key with its own `kid`); `kid` names a PEM's. A private key is refused.
#[uniffi::export(default(kid = None))]
pub fn parse_public_keys(text: String, kid: Option<String>) -> Result<Vec<Arc<TokenKey>>> {
    Ok(jwt::TokenKey::parse_public(&text, kid.as_deref())?.into_iter().map(|k| Arc::new(TokenKey(k))).collect())
}

/// Verifies identity tokens with a set of keys (rotation: several at once;
/// `kid` picks one). Left out, each setting is the core's default: leeway
/// 30 s, maximum lifetime 3600 s, tokens up to 8192 bytes, not single use.
/// With `single_use`, each `jti` is recorded in `nonce_store` (default: a
/// memory store of its own) until the token expires.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct TokenVerifier(jwt::TokenVerifier);

#[uniffi::export]
impl TokenVerifier {
    #[uniffi::constructor(default(
        org = None,
        audience = None,
        issuer = None,
        leeway_s = None,
        max_lifetime_s = None,
        max_token_len = None,
        single_use = None,
        nonce_store = None
    ))]
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        keys: Vec<Arc<TokenKey>>,
        profile: Profile,
        org: Option<String>,
        audience: Option<String>,
        issuer: Option<String>,
        leeway_s: Option<i64>,
        max_lifetime_s: Option<i64>,
        max_token_len: Option<i64>,
        single_use: Option<bool>,
        nonce_store: Option<Arc<dyn NonceStore>>,
    ) -> Result<Arc<Self>> {
        let mut options = jwt::VerifierOptions::new(profile.into());
        options.org = org;
        options.audience = audience;
        options.issuer = issuer;
        if let Some(s) = leeway_s {
            options.leeway_s = non_negative(s, Field::Claims, "leeway_s")?;
        }
        if let Some(s) = max_lifetime_s {
            options.max_lifetime_s = non_negative(s, Field::Claims, "max_lifetime_s")?;
        }
        if let Some(n) = max_token_len {
            options.max_token_len = count(n, Field::Token, "max_token_len")?;
        }
        if let Some(once) = single_use {
            options.single_use = once;
        }
        let mut verifier = jwt::TokenVerifier::new(keys.iter().map(|k| k.0.clone()), options)?;
        if let Some(store) = nonce_store {
            verifier = verifier.with_nonce_store(into_core(store));
        }
        Ok(Arc::new(Self(verifier)))
    }

    /// Verifies a token now.
    pub fn verify(&self, token: &[u8]) -> Result<VerifiedToken> {
        Ok(self.0.verify(text(token, Field::Token)?)?.into())
    }

    /// Verifies a token as if the clock read `now_ms` (Unix ms).
    pub fn verify_at(&self, token: &[u8], now_ms: i64) -> Result<VerifiedToken> {
        let now_ms = non_negative(now_ms, Field::Timestamp, "now_ms")?;
        Ok(self.0.verify_at(text(token, Field::Token)?, now_ms)?.into())
    }

    /// Why a token is refused, now: the usual mistakes (a `Bearer ` prefix, a
    /// cut token, a secret's base64 text for its bytes, milliseconds for
    /// seconds, the wrong key for its `kid`).
    #[must_use]
    pub fn diagnose(&self, token: String) -> TokenDiagnosis {
        self.0.diagnose(&token).into()
    }

    /// `diagnose` as if the clock read `now_ms` (Unix ms).
    pub fn diagnose_at(&self, token: String, now_ms: i64) -> Result<TokenDiagnosis> {
        let now_ms = non_negative(now_ms, Field::Timestamp, "now_ms")?;
        Ok(self.0.diagnose_at(&token, now_ms).into())
    }
}

/// Which form of an HS256 secret the signer used (`SecretEncoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SecretForm {
    /// The signer used the base64 text of the verifier's secret as its key.
    Base64Text,
    /// The verifier's secret is base64 text; the signer used its bytes.
    DecodedBytes,
}

/// One usual mistake that explains a refused token.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
#[uniffi::export(Debug, Display)]
pub enum TokenCause {
    BearerPrefix,
    Truncated { reason: String },
    SecretEncoding { key_index: i64, signer_used: SecretForm },
    MillisecondsForSeconds { claim: String, value: i64 },
    WrongKeyForKid { kid: String, key_index: i64 },
}

#[uniffi::export]
impl TokenCause {
    /// The cause's name, the same in every binding (`BearerPrefix`).
    #[must_use]
    pub fn name(&self) -> String {
        jwt::TokenCause::from(self.clone()).name().to_owned()
    }
}

impl fmt::Display for TokenCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", jwt::TokenCause::from(self.clone()))
    }
}

impl From<jwt::TokenCause> for TokenCause {
    fn from(c: jwt::TokenCause) -> Self {
        use jwt::TokenCause as C;
        match c {
            C::BearerPrefix => Self::BearerPrefix,
            C::Truncated { reason } => Self::Truncated { reason },
            C::SecretEncoding { key_index, signer_used } => {
                Self::SecretEncoding { key_index: signed_count(key_index), signer_used: signer_used.into() }
            }
            C::MillisecondsForSeconds { claim, value } => Self::MillisecondsForSeconds { claim, value: signed(value) },
            C::WrongKeyForKid { kid, key_index } => Self::WrongKeyForKid { kid, key_index: signed_count(key_index) },
        }
    }
}

impl From<TokenCause> for jwt::TokenCause {
    fn from(c: TokenCause) -> Self {
        let index = |k: i64| usize::try_from(k).unwrap_or(0);
        match c {
            TokenCause::BearerPrefix => Self::BearerPrefix,
            TokenCause::Truncated { reason } => Self::Truncated { reason },
            TokenCause::SecretEncoding { key_index, signer_used } => {
                Self::SecretEncoding { key_index: index(key_index), signer_used: signer_used.into() }
            }
            TokenCause::MillisecondsForSeconds { claim, value } => {
                Self::MillisecondsForSeconds { claim, value: u64::try_from(value).unwrap_or(0) }
            }
            TokenCause::WrongKeyForKid { kid, key_index } => Self::WrongKeyForKid { kid, key_index: index(key_index) },
        }
    }
}

/// The verdict on a token: `Valid`, `Explained` by its causes (the main one
/// first), or `Unexplained` (`error` is the verifier's refusal).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
#[uniffi::export(Debug, Display)]
pub enum TokenDiagnosis {
    Valid,
    Explained { causes: Vec<TokenCause> },
    Unexplained { error: UserHashError },
}

#[uniffi::export]
impl TokenDiagnosis {
    /// `Valid`, `Explained` or `Unexplained`.
    #[must_use]
    pub fn name(&self) -> String {
        match self {
            Self::Valid => "Valid",
            Self::Explained { .. } => "Explained",
            Self::Unexplained { .. } => "Unexplained",
        }
        .to_owned()
    }
}

impl fmt::Display for TokenDiagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let core = match self.clone() {
            Self::Valid => jwt::TokenDiagnosis::Valid,
            Self::Explained { causes } => {
                jwt::TokenDiagnosis::Explained { causes: causes.into_iter().map(Into::into).collect() }
            }
            Self::Unexplained { error } => jwt::TokenDiagnosis::Unexplained { error: error.into() },
        };
        write!(f, "{core}")
    }
}

impl From<jwt::TokenDiagnosis> for TokenDiagnosis {
    fn from(d: jwt::TokenDiagnosis) -> Self {
        match d {
            jwt::TokenDiagnosis::Valid => Self::Valid,
            jwt::TokenDiagnosis::Explained { causes } => {
                Self::Explained { causes: causes.into_iter().map(Into::into).collect() }
            }
            jwt::TokenDiagnosis::Unexplained { error } => Self::Unexplained { error: error.into() },
        }
    }
}

/// A fresh Ed25519 key pair for EdDSA tokens: the private key for the
/// signer (keep it secret; `private_pem()`, `private_jwk()`), the public key
/// for verifiers (`public_pem()`, `public_jwk()`). Its `repr`/`toString`
/// shows the public key only.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Ed25519KeyPair(jwt::Ed25519KeyPair);

impl fmt::Debug for Ed25519KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ed25519KeyPair")
            .field("kid", &self.0.kid)
            .field("public_jwk", &self.0.public_jwk)
            .field("private", &"<redacted>")
            .finish()
    }
}

#[uniffi::export]
impl Ed25519KeyPair {
    /// A new pair from the operating system's CSPRNG; `kid`, when given, is
    /// written into both JWKs.
    #[uniffi::constructor(default(kid = None))]
    pub fn generate(kid: Option<String>) -> Result<Arc<Self>> {
        Ok(Arc::new(Self(jwt::Ed25519KeyPair::generate(kid.as_deref())?)))
    }

    #[must_use]
    pub fn kid(&self) -> Option<String> {
        self.0.kid.clone()
    }

    /// The private key as PKCS#8 PEM: for the signer only.
    #[must_use]
    pub fn private_pem(&self) -> String {
        self.0.private_pem.clone()
    }

    /// The private key as a JWK (RFC 8037): for the signer only.
    #[must_use]
    pub fn private_jwk(&self) -> String {
        self.0.private_jwk.clone()
    }

    /// The public key as SPKI PEM.
    #[must_use]
    pub fn public_pem(&self) -> String {
        self.0.public_pem.clone()
    }

    /// The public key as a JWK.
    #[must_use]
    pub fn public_jwk(&self) -> String {
        self.0.public_jwk.clone()
    }
}
