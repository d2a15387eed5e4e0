//! The core's small enums as uniffi enums: which field an error is about,
//! which input limit a URL broke, how a signer's secret differed. Each has
//! the core's name through `as_str()` (and `Display`), so a binding never
//! keeps its own table of names.

use userhash::{Field as CoreField, Limit as CoreLimit, SecretEdit as CoreSecretEdit};

/// Which input an error is about. `as_str()` is the name SPEC.md and the
/// test vectors use (`org_id`, `user_hash`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[uniffi::export(Display)]
pub enum Field {
    Secret,
    Identifier,
    Email,
    OrgId,
    Timestamp,
    Nonce,
    UserHash,
    /// The optional display name (not signed).
    Name,
    /// Extra widget parameters (not signed).
    Params,
    BaseUrl,
    /// A nonce store's configuration (the Redis URL, key prefix, timeouts, capacity).
    NonceStore,
    ToleranceMs,
    MaxUrlLen,
    MaxParams,
    /// A JWT identity token as received (SPEC §8).
    Token,
    /// A token's claims.
    Claims,
    /// A token key: an HS256 secret, an Ed25519 key in PEM or JWK, a JWK Set.
    Key,
    /// A key id (`kid`).
    Kid,
}

#[uniffi::export]
impl Field {
    /// The field's name as SPEC.md spells it: `org_id`, `user_hash`, ...
    #[must_use]
    pub fn as_str(&self) -> String {
        CoreField::from(*self).as_str().to_owned()
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(CoreField::from(*self).as_str())
    }
}

/// Maps both ways, variant for variant: a new core variant breaks this build.
macro_rules! same_variants {
    ($ours:ident, $core:ident, [$($v:ident),* $(,)?]) => {
        impl From<$core> for $ours {
            fn from(x: $core) -> Self {
                match x { $($core::$v => $ours::$v),* }
            }
        }
        impl From<$ours> for $core {
            fn from(x: $ours) -> Self {
                match x { $($ours::$v => $core::$v),* }
            }
        }
    };
}

same_variants!(
    Field,
    CoreField,
    [
        Secret,
        Identifier,
        Email,
        OrgId,
        Timestamp,
        Nonce,
        UserHash,
        Name,
        Params,
        BaseUrl,
        NonceStore,
        ToleranceMs,
        MaxUrlLen,
        MaxParams,
        Token,
        Claims,
        Key,
        Kid
    ]
);

/// Which bound on an unverified URL was passed: `as_str()` is the
/// verifier's setting, `max_url_len` or `max_params`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[uniffi::export(Display)]
pub enum Limit {
    /// The URL's length in bytes (`max_url_len`).
    UrlLength,
    /// How many query parameters it has (`max_params`).
    ParamCount,
    /// A token's length in bytes (`max_token_len`).
    TokenLength,
}

#[uniffi::export]
impl Limit {
    /// The setting's name: `max_url_len` or `max_params`.
    #[must_use]
    pub fn as_str(&self) -> String {
        CoreLimit::from(*self).as_str().to_owned()
    }
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(CoreLimit::from(*self).as_str())
    }
}

same_variants!(Limit, CoreLimit, [UrlLength, ParamCount, TokenLength]);

/// How the signer's copy of a secret differed from the configured one
/// (diagnose's `SecretWhitespace`); never the secret itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[uniffi::export(Display)]
pub enum SecretEdit {
    /// The signer's secret ends with `\n`.
    TrailingNewline,
    /// The signer's secret ends with `\r\n`.
    TrailingCrlf,
    /// The signer's secret ends with a space.
    TrailingSpace,
    /// The signer's secret starts with a space.
    LeadingSpace,
    /// The configured secret has whitespace around it; the signer's has none.
    Trimmed,
}

#[uniffi::export]
impl SecretEdit {
    /// `trailing_newline`, ... as the test vectors spell it.
    #[must_use]
    pub fn as_str(&self) -> String {
        CoreSecretEdit::from(*self).as_str().to_owned()
    }
}

impl std::fmt::Display for SecretEdit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(CoreSecretEdit::from(*self).as_str())
    }
}

same_variants!(SecretEdit, CoreSecretEdit, [TrailingNewline, TrailingCrlf, TrailingSpace, LeadingSpace, Trimmed]);
