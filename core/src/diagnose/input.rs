//! What was signed: the input model diagnose works on, from its parts or
//! from a widget URL, and the complete claim (scheme and fields in signing
//! order) that the search recomputes the hash of.

use crate::error::{Error, Field, Result};
use crate::mac::{MacKey, Tag};
use crate::url::{parse_params, InputLimits};

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
    pub(super) fn claim(&self) -> Result<Claim> {
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

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Scheme {
    Identifier,
    Identity,
}

/// A complete input: the scheme and its fields in signing order
/// (identifier [timestamp org_id nonce] or email timestamp org_id nonce).
#[derive(Clone)]
pub(super) struct Claim {
    pub(super) scheme: Scheme,
    pub(super) fields: Vec<(Field, String)>,
}

impl Claim {
    pub(super) fn get(&self, field: Field) -> Option<&str> {
        self.fields.iter().find(|(f, _)| *f == field).map(|(_, v)| v.as_str())
    }

    pub(super) fn with(&self, field: Field, value: String) -> Claim {
        let mut copy = self.clone();
        for (f, v) in &mut copy.fields {
            if *f == field {
                *v = value.clone();
            }
        }
        copy
    }

    /// The message the expected scheme signs.
    pub(super) fn tag(&self, key: &MacKey) -> Tag {
        match self.scheme {
            Scheme::Identifier => key.tag(self.fields[0].1.as_bytes()),
            Scheme::Identity => key.tag_parts(&joined(self.fields.iter().map(|(_, v)| v.as_str()))),
        }
    }
}

/// `a|b|c|d` as parts for the MAC.
pub(super) fn joined<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a [u8]> {
    let mut parts = Vec::with_capacity(8);
    for (i, v) in values.enumerate() {
        if i > 0 {
            parts.push(b"|".as_slice());
        }
        parts.push(v.as_bytes());
    }
    parts
}
