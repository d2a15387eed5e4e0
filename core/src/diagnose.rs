//! Why a hash does not match (SPEC §6).
//!
//! "The hash does not match" is the most common support ticket of identity
//! verification. [`diagnose`] takes the configured secrets, what was signed
//! and the hash that failed, recomputes the hash under each usual mistake in
//! turn and names the first one that reproduces it. A [`Cause`] is plain data
//! (names, field, the value that was really signed) so every binding can show
//! it; its `Display` says how to fix it. No cause ever holds a secret or a
//! part of one: a secret-side mistake is described by what was done to it
//! (`a trailing newline`), never by its bytes.

use std::fmt;

use crate::error::{Error, Field, Result};
use crate::mac::{self, MacKey, Tag, TAG_LEN};
use crate::secret::{Secret, SecretList};
use crate::url::{parse_params, InputLimits};

/// Timestamps below 10^11 ms are in March 1973: almost certainly seconds.
const SECONDS_BELOW_MS: u64 = 100_000_000_000;

/// What the signer was supposed to sign.
///
/// With `identifier`, the identifier hash (SPEC §1.1) is expected; with
/// `email`, `timestamp`, `org_id` and `nonce`, the signed identity (§1.2).
/// Give `timestamp`, `org_id` and `nonce` along with an `identifier` when the
/// signer also has them: then diagnose can tell whether a signed identity was
/// sent where an identifier hash was expected. Values are the exact strings
/// received (a timestamp is its digits as sent).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignedInput {
    pub identifier: Option<String>,
    pub email: Option<String>,
    pub timestamp: Option<String>,
    pub org_id: Option<String>,
    pub nonce: Option<String>,
}

impl SignedInput {
    /// Scheme 1: an identifier hash over `identifier` was expected.
    pub fn identifier(identifier: impl Into<String>) -> Self {
        SignedInput { identifier: Some(identifier.into()), ..SignedInput::default() }
    }

    /// Scheme 2: a signed identity over `email|timestamp|org_id|nonce` was expected.
    pub fn identity(
        email: impl Into<String>,
        timestamp: impl Into<String>,
        org_id: impl Into<String>,
        nonce: impl Into<String>,
    ) -> Self {
        SignedInput {
            identifier: None,
            email: Some(email.into()),
            timestamp: Some(timestamp.into()),
            org_id: Some(org_id.into()),
            nonce: Some(nonce.into()),
        }
    }

    /// The signed fields and the `user_hash` of a widget URL (or bare query),
    /// decoded as the verifier decodes them, without the field rules: a value
    /// the verifier would call malformed (an email with a space from a raw
    /// `+`) is exactly what diagnose needs to see.
    pub fn from_widget_url(url: &str) -> Result<(SignedInput, String)> {
        let received = parse_params(url, &InputLimits::default())?;
        let need = |value: Option<std::borrow::Cow<'_, str>>, field| {
            value.map(|v| v.into_owned()).ok_or(Error::Missing { field })
        };
        let input = SignedInput {
            identifier: None,
            org_id: Some(need(received.org_id, Field::OrgId)?),
            email: Some(need(received.email, Field::Email)?),
            timestamp: Some(need(received.timestamp, Field::Timestamp)?),
            nonce: Some(need(received.nonce, Field::Nonce)?),
        };
        Ok((input, need(received.user_hash, Field::UserHash)?))
    }

    /// Which scheme, with every field it needs.
    fn claim(&self) -> Result<Claim> {
        let identity_parts =
            [(&self.timestamp, Field::Timestamp), (&self.org_id, Field::OrgId), (&self.nonce, Field::Nonce)];
        match (&self.identifier, &self.email) {
            (Some(_), Some(_)) => Err(Error::malformed(
                Field::Identifier,
                "give either an identifier (identifier hash) or an email (signed identity), not both",
            )),
            (None, None) => Err(Error::malformed(
                Field::Identifier,
                "give what was signed: an identifier, or email, timestamp, org id and nonce, or a widget URL",
            )),
            (None, Some(email)) => {
                let mut fields = vec![(Field::Email, email.clone())];
                for (value, field) in identity_parts {
                    fields.push((field, value.clone().ok_or(Error::Missing { field })?));
                }
                Ok(Claim { scheme: Scheme::Identity, fields })
            }
            (Some(identifier), None) => {
                let given = identity_parts.iter().filter(|(v, _)| v.is_some()).count();
                if given != 0 && given != identity_parts.len() {
                    let (_, field) = identity_parts.iter().find(|(v, _)| v.is_none()).expect("one is missing");
                    return Err(Error::Missing { field: *field });
                }
                let mut fields = vec![(Field::Identifier, identifier.clone())];
                for (value, field) in identity_parts {
                    if let Some(value) = value {
                        fields.push((field, value.clone()));
                    }
                }
                Ok(Claim { scheme: Scheme::Identifier, fields })
            }
        }
    }
}

/// What diagnose found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Diagnosis {
    /// The hash is right for these inputs under the first secret: the
    /// mismatch is elsewhere (another secret on the verifying side, other
    /// inputs than the ones given here).
    Matches,
    /// The first cause reproduces the hash; any further ones are also wrong
    /// with it (an encoding on top of another mistake).
    Explained { causes: Vec<Cause> },
    /// No usual cause reproduces the hash: the secret itself is the likely cause.
    Unexplained,
}

impl Diagnosis {
    /// `Matches`, `Explained` or `Unexplained`.
    pub fn name(&self) -> &'static str {
        match self {
            Diagnosis::Matches => "Matches",
            Diagnosis::Explained { .. } => "Explained",
            Diagnosis::Unexplained => "Unexplained",
        }
    }

    /// The causes found, main one first (empty unless `Explained`).
    pub fn causes(&self) -> &[Cause] {
        match self {
            Diagnosis::Explained { causes } => causes,
            _ => &[],
        }
    }
}

impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Diagnosis::Matches => f.write_str(
                "the hash is correct for these inputs under the first secret; if it is still rejected, the verifying side \
                 uses another secret or receives other values than these (verify the URL with `userhash verify-url` to see the rejection)",
            ),
            Diagnosis::Explained { causes } => {
                for (i, cause) in causes.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; also: ")?;
                    }
                    write!(f, "{cause}")?;
                }
                Ok(())
            }
            Diagnosis::Unexplained => f.write_str(
                "none of the usual causes explains the hash (whitespace, email case, `+` read as a space, seconds for milliseconds, \
                 hex case, base64, the other scheme, another configured secret): the signer most likely uses a different secret; \
                 copy the current secret from the dashboard again to the signer and the verifier",
            ),
        }
    }
}

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
    const ALL: [SecretEdit; 5] = [
        SecretEdit::Trimmed,
        SecretEdit::TrailingNewline,
        SecretEdit::TrailingCrlf,
        SecretEdit::TrailingSpace,
        SecretEdit::LeadingSpace,
    ];

    /// `trailing_newline`, ... (as the vectors spell it).
    pub fn as_str(self) -> &'static str {
        match self {
            SecretEdit::TrailingNewline => "trailing_newline",
            SecretEdit::TrailingCrlf => "trailing_crlf",
            SecretEdit::TrailingSpace => "trailing_space",
            SecretEdit::LeadingSpace => "leading_space",
            SecretEdit::Trimmed => "trimmed",
        }
    }

    fn apply(self, secret: &[u8]) -> Option<Vec<u8>> {
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

/// Why `hash` is not the hash of `signed` under the first of `secrets`.
///
/// `secrets`: the one the signer should use first, then any others configured
/// (previous secrets, other orgs'). `WeakSecret` for a secret under 16 bytes;
/// `Malformed`/`Missing` when `signed` names no complete scheme.
pub fn diagnose<S: Into<Secret>>(
    secrets: impl IntoIterator<Item = S>,
    signed: &SignedInput,
    hash: &str,
) -> Result<Diagnosis> {
    let secrets = SecretList::new(secrets)?;
    let claim = signed.claim()?;
    let Some((tag, encoding)) = decode_hash(hash) else {
        return Ok(Diagnosis::Explained { causes: vec![Cause::MalformedHash { reason: malformed_reason(hash) }] });
    };
    let keys: Vec<MacKey> = secrets.iter().map(|s| MacKey::new(s.expose())).collect();
    let found = Search { keys: &keys, secrets: &secrets, claim: &claim, tag: &tag }.run();
    Ok(match (found, encoding) {
        (Found::Matches, Encoding::LowerHex) => Diagnosis::Matches,
        (Found::Matches, Encoding::UpperHex) => Diagnosis::Explained { causes: vec![Cause::UpperCaseHex] },
        (Found::Matches, Encoding::Base64) => Diagnosis::Explained { causes: vec![Cause::Base64Tag] },
        (Found::Cause(cause), encoding) => {
            let mut causes = vec![cause];
            causes.extend(encoding.cause());
            Diagnosis::Explained { causes }
        }
        (Found::Nothing, _) => Diagnosis::Unexplained,
    })
}

/// [`diagnose`] for a widget URL: its signed fields, and its own `user_hash`
/// unless `hash` is given.
pub fn diagnose_url<S: Into<Secret>>(
    secrets: impl IntoIterator<Item = S>,
    url: &str,
    hash: Option<&str>,
) -> Result<Diagnosis> {
    let (signed, url_hash) = SignedInput::from_widget_url(url)?;
    diagnose(secrets, &signed, hash.unwrap_or(&url_hash))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Identifier,
    Identity,
}

/// A complete input: the scheme and its fields in signing order
/// (identifier [timestamp org_id nonce] or email timestamp org_id nonce).
#[derive(Clone)]
struct Claim {
    scheme: Scheme,
    fields: Vec<(Field, String)>,
}

impl Claim {
    fn get(&self, field: Field) -> Option<&str> {
        self.fields.iter().find(|(f, _)| *f == field).map(|(_, v)| v.as_str())
    }

    fn with(&self, field: Field, value: String) -> Claim {
        let mut copy = self.clone();
        for (f, v) in &mut copy.fields {
            if *f == field {
                *v = value.clone();
            }
        }
        copy
    }

    /// The message the expected scheme signs.
    fn tag(&self, key: &MacKey) -> Tag {
        match self.scheme {
            Scheme::Identifier => key.tag(self.fields[0].1.as_bytes()),
            Scheme::Identity => key.tag_parts(&joined(self.fields.iter().map(|(_, v)| v.as_str()))),
        }
    }
}

/// `a|b|c|d` as parts for the MAC.
fn joined<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a [u8]> {
    let mut parts = Vec::with_capacity(8);
    for (i, v) in values.enumerate() {
        if i > 0 {
            parts.push(b"|".as_slice());
        }
        parts.push(v.as_bytes());
    }
    parts
}

enum Found {
    Matches,
    Cause(Cause),
    Nothing,
}

struct Search<'a> {
    keys: &'a [MacKey],
    secrets: &'a SecretList,
    claim: &'a Claim,
    tag: &'a Tag,
}

impl Search<'_> {
    fn hits(&self, key: &MacKey, claim: &Claim) -> bool {
        mac::tags_equal(&claim.tag(key), self.tag)
    }

    /// Each usual cause in turn, the first that reproduces the tag.
    fn run(&self) -> Found {
        let first = &self.keys[0];
        if self.hits(first, self.claim) {
            return match self.seconds_signed_and_sent() {
                Some(cause) => Found::Cause(cause),
                None => Found::Matches,
            };
        }
        let steps: [fn(&Self) -> Option<Cause>; 7] = [
            Self::other_secret,
            Self::secret_whitespace,
            Self::value_whitespace,
            Self::email_case,
            Self::plus_as_space,
            Self::seconds_for_milliseconds,
            Self::other_scheme,
        ];
        steps.iter().find_map(|step| step(self)).map_or(Found::Nothing, Found::Cause)
    }

    /// A right hash over a timestamp in seconds: the verifier says Expired.
    fn seconds_signed_and_sent(&self) -> Option<Cause> {
        let given = self.claim.get(Field::Timestamp).filter(|_| self.claim.scheme == Scheme::Identity)?;
        let value: u64 = given.parse().ok()?;
        (value < SECONDS_BELOW_MS)
            .then(|| Cause::SecondsInsteadOfMilliseconds { signed: given.to_owned(), given: given.to_owned() })
    }

    fn other_secret(&self) -> Option<Cause> {
        let key_index = (1..self.keys.len()).find(|&i| self.hits(&self.keys[i], self.claim))?;
        Some(Cause::OtherSecret { key_index })
    }

    fn secret_whitespace(&self) -> Option<Cause> {
        for (key_index, secret) in self.secrets.iter().enumerate() {
            for edit in SecretEdit::ALL {
                let Some(edited) = edit.apply(secret.expose()) else { continue };
                let edited = Secret::new(edited);
                if self.hits(&MacKey::new(edited.expose()), self.claim) {
                    return Some(Cause::SecretWhitespace { key_index, edit });
                }
            }
        }
        None
    }

    /// A variant of one field's value that reproduces the tag.
    fn field_variant(&self, field: Field, variants: impl IntoIterator<Item = String>) -> Option<(String, String)> {
        let given = self.claim.get(field)?;
        variants
            .into_iter()
            .filter(|v| v != given)
            .find(|v| self.hits(&self.keys[0], &self.claim.with(field, v.clone())))
            .map(|signed| (signed, given.to_owned()))
    }

    fn value_whitespace(&self) -> Option<Cause> {
        for (field, given) in &self.claim.fields {
            let variants = [
                given.trim().to_owned(),
                format!("{given}\n"),
                format!("{given}\r\n"),
                format!("{given} "),
                format!(" {given}"),
            ];
            if let Some((signed, given)) = self.field_variant(*field, variants) {
                return Some(Cause::Whitespace { field: *field, signed, given });
            }
        }
        None
    }

    /// The email, or an identifier that is one.
    fn email_field(&self) -> Option<(Field, &str)> {
        match self.claim.scheme {
            Scheme::Identity => Some((Field::Email, self.claim.get(Field::Email)?)),
            Scheme::Identifier => {
                let identifier = self.claim.get(Field::Identifier)?;
                identifier.contains('@').then_some((Field::Identifier, identifier))
            }
        }
    }

    fn email_case(&self) -> Option<Cause> {
        let (field, given) = self.email_field()?;
        let (signed, given) = self.field_variant(field, case_variants(given))?;
        Some(Cause::EmailCase { field, signed, given })
    }

    fn plus_as_space(&self) -> Option<Cause> {
        let (field, given) = self.email_field()?;
        let variants = [given.replace(' ', "+"), given.replace('+', " ")];
        let (signed, given) = self.field_variant(field, variants)?;
        Some(Cause::PlusAsSpace { field, signed, given })
    }

    fn seconds_for_milliseconds(&self) -> Option<Cause> {
        if self.claim.scheme != Scheme::Identity {
            return None;
        }
        let given = self.claim.get(Field::Timestamp)?;
        let value: u64 = given.parse().ok()?;
        let variants: Vec<String> = if value >= SECONDS_BELOW_MS {
            // Signed in seconds (floored or rounded), sent in milliseconds.
            vec![(value / 1000).to_string(), (value / 1000 + 1).to_string()]
        } else {
            // Signed in milliseconds, sent in seconds: any millisecond of that second.
            let base = value.checked_mul(1000)?;
            (0..1000).map(|ms| (base + ms).to_string()).collect()
        };
        let (signed, given) = self.field_variant(Field::Timestamp, variants)?;
        Some(Cause::SecondsInsteadOfMilliseconds { signed, given })
    }

    fn other_scheme(&self) -> Option<Cause> {
        let key = &self.keys[0];
        match self.claim.scheme {
            Scheme::Identity => {
                let email = self.claim.get(Field::Email)?;
                mac::tags_equal(&key.tag(email.as_bytes()), self.tag).then_some(Cause::IdentifierHashForIdentity)
            }
            // With timestamp, org and nonce given, the identifier may have been signed as the email of an identity.
            Scheme::Identifier if self.claim.fields.len() == 4 => {
                let parts = joined(self.claim.fields.iter().map(|(_, v)| v.as_str()));
                mac::tags_equal(&key.tag_parts(&parts), self.tag).then_some(Cause::IdentityForIdentifierHash)
            }
            Scheme::Identifier => None,
        }
    }
}

/// Other spellings of an email a signer may have used: lower and upper case,
/// a capital first letter, and capitalised words (`Jane.Doe@Example.com`).
fn case_variants(email: &str) -> Vec<String> {
    let (local, domain) = email.rsplit_once('@').unwrap_or((email, ""));
    let at = if email.contains('@') { "@" } else { "" };
    let mut variants = vec![
        email.to_lowercase(),
        email.to_uppercase(),
        capitalise_first(&email.to_lowercase()),
        format!("{}{at}{}", title_words(local), domain.to_lowercase()),
        format!("{}{at}{}", title_words(local), title_words(domain)),
        format!("{}{at}{}", title_words(local), domain),
        format!("{}{at}{}", local, domain.to_lowercase()),
    ];
    variants.dedup();
    variants
}

fn capitalise_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// Each word, split at `.`, `-`, `_` or `+`, with a capital first letter.
fn title_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start = true;
    for c in text.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = matches!(c, '.' | '-' | '_' | '+');
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    LowerHex,
    UpperHex,
    Base64,
}

impl Encoding {
    fn cause(self) -> Option<Cause> {
        match self {
            Encoding::LowerHex => None,
            Encoding::UpperHex => Some(Cause::UpperCaseHex),
            Encoding::Base64 => Some(Cause::Base64Tag),
        }
    }
}

/// The tag in a hash as hex (either case) or base64 (standard or URL-safe,
/// padded or not).
fn decode_hash(hash: &str) -> Option<(Tag, Encoding)> {
    if let Some(tag) = mac::from_hex(hash) {
        let upper = hash.bytes().any(|b| b.is_ascii_uppercase());
        return Some((tag, if upper { Encoding::UpperHex } else { Encoding::LowerHex }));
    }
    let bytes = base64_decode(hash)?;
    let tag: Tag = bytes.try_into().ok()?;
    Some((tag, Encoding::Base64))
}

fn malformed_reason(hash: &str) -> String {
    if hash.is_empty() {
        "is empty".to_owned()
    } else if hash.trim() != hash && decode_hash(hash.trim()).is_some() {
        "has whitespace around it; trim it where it is read or copied".to_owned()
    } else if hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        format!(
            "is {} hex characters, not {}: it was cut or padded (compare the whole 64-character hex digest)",
            hash.len(),
            mac::HEX_LEN
        )
    } else {
        format!(
            "is neither {} hex characters nor the base64 of a {TAG_LEN}-byte tag; send the HMAC-SHA256 hex digest",
            mac::HEX_LEN
        )
    }
}

/// Standard or URL-safe base64, with or without `=` padding; `None` otherwise.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in text.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_reads_both_alphabets_with_and_without_padding() {
        assert_eq!(base64_decode("aGk=").as_deref(), Some(b"hi".as_slice()));
        assert_eq!(base64_decode("aGk").as_deref(), Some(b"hi".as_slice()));
        assert_eq!(base64_decode("-_8").as_deref(), Some([0xfb, 0xff].as_slice()));
        assert_eq!(base64_decode("+/8=").as_deref(), Some([0xfb, 0xff].as_slice()));
        assert_eq!(base64_decode("a b"), None);
    }

    #[test]
    fn case_variants_cover_the_usual_spellings() {
        let v = case_variants("jane.doe@example.com");
        for want in ["JANE.DOE@EXAMPLE.COM", "Jane.doe@example.com", "Jane.Doe@example.com", "Jane.Doe@Example.Com"] {
            assert!(v.iter().any(|x| x == want), "{want} in {v:?}");
        }
    }
}
