//! The usual causes of a hash that does not match, each with the text that
//! says how to fix it, and the edits a signer's copy of a secret may have.

use std::fmt;

use crate::error::Field;

/// How the signer's secret differed from the configured one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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

impl SecretEdit {
    pub(super) const ALL: [SecretEdit; 5] = [
        SecretEdit::Trimmed,
        SecretEdit::TrailingNewline,
        SecretEdit::TrailingCrlf,
        SecretEdit::TrailingSpace,
        SecretEdit::LeadingSpace,
    ];

    /// `trailing_newline`, ... (as the vectors spell it).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SecretEdit::TrailingNewline => "trailing_newline",
            SecretEdit::TrailingCrlf => "trailing_crlf",
            SecretEdit::TrailingSpace => "trailing_space",
            SecretEdit::LeadingSpace => "leading_space",
            SecretEdit::Trimmed => "trimmed",
        }
    }

    pub(super) fn apply(self, secret: &[u8]) -> Option<Vec<u8>> {
        let edited = match self {
            SecretEdit::TrailingNewline => [secret, b"\n"].concat(),
            SecretEdit::TrailingCrlf => [secret, b"\r\n"].concat(),
            SecretEdit::TrailingSpace => [secret, b" "].concat(),
            SecretEdit::LeadingSpace => [b" ", secret].concat(),
            SecretEdit::Trimmed => secret.trim_ascii().to_vec(),
        };
        (edited != secret).then_some(edited)
    }
}

/// One usual mistake that reproduces the failed hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    /// `field` was signed with whitespace added or removed around it: `signed`
    /// is what the signer really signed, `given` what was checked.
    Whitespace { field: Field, signed: String, given: String },
    /// The signer's copy of configured secret `key_index` differs by whitespace.
    SecretWhitespace { key_index: usize, edit: SecretEdit },
    /// The email (or an email used as the identifier) was signed in another case.
    EmailCase { field: Field, signed: String, given: String },
    /// A `+` became a space (or a space a `+`) between signing and checking:
    /// an unencoded `+` in a URL reads as a space.
    PlusAsSpace { field: Field, signed: String, given: String },
    /// Unix seconds where milliseconds belong. `signed` is the timestamp the
    /// hash is over, `given` the one received; equal when seconds were both
    /// signed and sent (the hash matches, but the verifier says `Expired`).
    SecondsInsteadOfMilliseconds { signed: String, given: String },
    /// The hash is right but in upper-case hex.
    UpperCaseHex,
    /// The hash is right but the tag was printed as base64, not hex.
    Base64Tag,
    /// An identifier hash, `hex(HMAC(secret, email))`, where a signed identity was expected.
    IdentifierHashForIdentity,
    /// A signed identity, `hex(HMAC(secret, identifier|timestamp|org_id|nonce))`,
    /// where an identifier hash was expected.
    IdentityForIdentifierHash,
    /// The hash was made with configured secret `key_index` (0 is the first),
    /// not the first one: another org's secret, or a retired one.
    OtherSecret { key_index: usize },
    /// The hash cannot be a tag at all (`reason` says why).
    MalformedHash { reason: String },
}

impl Cause {
    /// The cause's name, the same in every binding (`PlusAsSpace`).
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Cause::Whitespace { .. } => "Whitespace",
            Cause::SecretWhitespace { .. } => "SecretWhitespace",
            Cause::EmailCase { .. } => "EmailCase",
            Cause::PlusAsSpace { .. } => "PlusAsSpace",
            Cause::SecondsInsteadOfMilliseconds { .. } => "SecondsInsteadOfMilliseconds",
            Cause::UpperCaseHex => "UpperCaseHex",
            Cause::Base64Tag => "Base64Tag",
            Cause::IdentifierHashForIdentity => "IdentifierHashForIdentity",
            Cause::IdentityForIdentifierHash => "IdentityForIdentifierHash",
            Cause::OtherSecret { .. } => "OtherSecret",
            Cause::MalformedHash { .. } => "MalformedHash",
        }
    }

    /// The input field the cause is about, where there is one.
    #[must_use]
    pub fn field(&self) -> Option<Field> {
        match self {
            Cause::Whitespace { field, .. } | Cause::EmailCase { field, .. } | Cause::PlusAsSpace { field, .. } => {
                Some(*field)
            }
            Cause::SecretWhitespace { .. } | Cause::OtherSecret { .. } => Some(Field::Secret),
            Cause::SecondsInsteadOfMilliseconds { .. } => Some(Field::Timestamp),
            Cause::UpperCaseHex | Cause::Base64Tag | Cause::MalformedHash { .. } => Some(Field::UserHash),
            Cause::IdentifierHashForIdentity | Cause::IdentityForIdentifierHash => None,
        }
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::Whitespace { field, signed, given } if signed.len() > given.len() => write!(
                f,
                "the hash is over {field} {signed:?}, with whitespace that the checked value {given:?} lacks; \
                 trim the value on the signer before signing (a line read from a file or a form keeps its newline)"
            ),
            Cause::Whitespace { field, signed, given } => write!(
                f,
                "the hash is over {field} {signed:?}, but the checked value is {given:?} with whitespace around it; \
                 trim it where it is read, or sign the exact string that is sent"
            ),
            Cause::SecretWhitespace { key_index, edit } => {
                let what = match edit {
                    SecretEdit::TrailingNewline => "ends with a newline (\\n)",
                    SecretEdit::TrailingCrlf => "ends with a Windows line end (\\r\\n)",
                    SecretEdit::TrailingSpace => "ends with a space",
                    SecretEdit::LeadingSpace => "starts with a space",
                    SecretEdit::Trimmed => "lacks the whitespace around the configured secret",
                };
                let which = secret_ordinal(*key_index);
                if *edit == SecretEdit::Trimmed {
                    write!(f, "the signer's copy of the {which} secret {what}; remove the whitespace from the configured one (a secret is used byte for byte, nothing is trimmed)")
                } else {
                    write!(f, "the signer's copy of the {which} secret {what}; strip it where the signer reads the secret (a file read whole, or an environment variable set from one)")
                }
            }
            Cause::EmailCase { field, signed, given } => write!(
                f,
                "the hash is over {field} {signed:?}, but the checked value is {given:?}: the case differs; \
                 sign the email exactly as it is sent (normalise it, e.g. to lower case, on both sides or on neither)"
            ),
            Cause::PlusAsSpace { field, signed, given } if signed.contains('+') => write!(
                f,
                "the hash is over {field} {signed:?}, but the checked value is {given:?}: a `+` was read as a space, \
                 because a raw `+` in a URL query decodes to a space; encode it as %2B (build the URL with URLSearchParams or widget_url)"
            ),
            Cause::PlusAsSpace { field, signed, given } => write!(
                f,
                "the hash is over {field} {signed:?}, but the checked value is {given:?}: the signer read a `+` as a space \
                 (its web framework decoded a raw `+` in a query); sign the value as the user has it"
            ),
            Cause::SecondsInsteadOfMilliseconds { signed, given } if signed == given => write!(
                f,
                "the hash matches, but the timestamp {given} is in seconds, not milliseconds, so the verifier rejects it as Expired; \
                 sign Unix time in milliseconds (Date.now(), time.time_ns() // 1_000_000, or seconds × 1000)"
            ),
            Cause::SecondsInsteadOfMilliseconds { signed, given } => write!(
                f,
                "the hash is over timestamp {signed} but the URL carries {given}: one side uses seconds and the other milliseconds; \
                 sign and send the same string, Unix time in milliseconds"
            ),
            Cause::UpperCaseHex => f.write_str(
                "the hash is right but in upper-case hex; userhash accepts it, but a string comparison (==) elsewhere does not: \
                 send 64 lower-case hex characters (hexdigest(), digest('hex'))",
            ),
            Cause::Base64Tag => f.write_str(
                "the hash is right but its tag is printed as base64, not hex; use the hex digest (digest('hex'), hexdigest(), bin2hex)",
            ),
            Cause::IdentifierHashForIdentity => f.write_str(
                "the hash is an identifier hash, HMAC(secret, email), but a signed identity was expected: \
                 sign email|timestamp|orgId|nonce (IdentitySigner / `userhash sign-identity`)",
            ),
            Cause::IdentityForIdentifierHash => f.write_str(
                "the hash is a signed identity, HMAC(secret, identifier|timestamp|orgId|nonce), but an identifier hash was expected: \
                 sign the identifier alone (sign_identifier / `userhash sign-identifier`)",
            ),
            Cause::OtherSecret { key_index } => write!(
                f,
                "the hash was made with the {} secret configured here, not the first: if that is another org's secret, \
                 the signer uses the wrong org's secret (each org signs with its own); if it is a previous secret, \
                 finish the rotation by signing with the current one",
                secret_ordinal(*key_index)
            ),
            Cause::MalformedHash { reason } => write!(f, "the hash {reason}"),
        }
    }
}

/// "first", "second", ... counted from 1, the way a person reads a secret file.
fn secret_ordinal(key_index: usize) -> String {
    match key_index {
        0 => "first".to_owned(),
        1 => "second".to_owned(),
        2 => "third".to_owned(),
        n => format!("{}th", n + 1),
    }
}
