//! The search: each usual cause in turn, recomputing the tag until one
//! reproduces the hash received.

use super::cause::{Cause, SecretEdit};
use super::input::{joined, Claim, Scheme};
use super::variants::case_variants;
use crate::error::Field;
use crate::mac::{self, MacKey, Tag};
use crate::secret::{Secret, SecretList};

/// Timestamps below 10^11 ms are in March 1973: almost certainly seconds.
const SECONDS_BELOW_MS: u64 = 100_000_000_000;

pub(super) enum Found {
    Matches,
    Cause(Cause),
    Nothing,
}

pub(super) struct Search<'a> {
    pub(super) keys: &'a [MacKey],
    pub(super) secrets: &'a SecretList,
    pub(super) claim: &'a Claim,
    pub(super) tag: &'a Tag,
}

impl Search<'_> {
    fn hits(&self, key: &MacKey, claim: &Claim) -> bool {
        mac::tags_equal(&claim.tag(key), self.tag)
    }

    /// Each usual cause in turn, the first that reproduces the tag.
    pub(super) fn run(&self) -> Found {
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
