//! Why a token is refused (SPEC §6 for tokens): the usual mistakes, tried
//! in turn, each named with how to fix it.
//!
//! A [`TokenCause`] is plain data (a name, a claim, a key index) so every
//! binding can show it; its `Display` says what to do. No cause holds a
//! secret or a part of one: a secret-side mistake is described by what was
//! done to it (`its base64 text`), never by its bytes.

use std::fmt;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use ed25519_dalek::Signature;
use serde_json::Value;
use zeroize::Zeroizing;

use super::claims::SECONDS_MAX;
use super::compact::{has_bearer_prefix, parse_compact};
use super::encoding::{b64_decode, shown};
use super::keys::KeyMaterial;
use super::verifier::TokenVerifier;
use crate::error::Error;
use crate::mac::{self, MacKey};

/// How the signer's HS256 secret differed from the verifier's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SecretForm {
    /// The signer used the base64 text of the verifier's secret as its key.
    Base64Text,
    /// The verifier's secret is base64 text; the signer used the bytes it decodes to.
    DecodedBytes,
}

/// One usual mistake that explains a refused token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenCause {
    /// The token was passed with its Authorization header's scheme.
    BearerPrefix,
    /// The token was cut (by a URL's length limit, a log line, a copy):
    /// `reason` says what is missing.
    Truncated { reason: String },
    /// The HS256 secret was used in another form by the signer than by the
    /// verifier: its base64 text for its bytes, or the reverse.
    SecretEncoding { key_index: usize, signer_used: SecretForm },
    /// A time claim (`exp`, `iat`, `nbf`) in milliseconds, not seconds.
    MillisecondsForSeconds { claim: String, value: u64 },
    /// The token's `kid` names no key, or another key than the one that
    /// signed it: the signature is configured key `key_index`'s.
    WrongKeyForKid { kid: String, key_index: usize },
}

impl TokenCause {
    /// The cause's name, the same in every binding.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            TokenCause::BearerPrefix => "BearerPrefix",
            TokenCause::Truncated { .. } => "Truncated",
            TokenCause::SecretEncoding { .. } => "SecretEncoding",
            TokenCause::MillisecondsForSeconds { .. } => "MillisecondsForSeconds",
            TokenCause::WrongKeyForKid { .. } => "WrongKeyForKid",
        }
    }

    /// The configured key the cause is about, where there is one.
    #[must_use]
    pub fn key_index(&self) -> Option<usize> {
        match self {
            TokenCause::SecretEncoding { key_index, .. } | TokenCause::WrongKeyForKid { key_index, .. } => {
                Some(*key_index)
            }
            _ => None,
        }
    }
}

impl fmt::Display for TokenCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenCause::BearerPrefix => f.write_str(
                "the token starts with `Bearer `: pass the token alone (strip the Authorization header's scheme \
                 before verifying)",
            ),
            TokenCause::Truncated { reason } => write!(
                f,
                "the token was cut ({reason}): send it whole; in a URL, put it in a POST body or a header, or check \
                 the length limit of whatever carries it"
            ),
            TokenCause::SecretEncoding { key_index, signer_used: SecretForm::Base64Text } => write!(
                f,
                "the token was signed with the base64 text of the {} secret as its key, not with the secret's \
                 bytes; use the same bytes on both sides (decode the secret once, or neither side)",
                ordinal(*key_index)
            ),
            TokenCause::SecretEncoding { key_index, signer_used: SecretForm::DecodedBytes } => write!(
                f,
                "the {} secret configured here is base64 text, and the token was signed with the bytes it decodes \
                 to; configure the decoded bytes here (or sign with the text itself)",
                ordinal(*key_index)
            ),
            TokenCause::MillisecondsForSeconds { claim, value } => write!(
                f,
                "`{claim}` is {value}, milliseconds: JWT times are seconds since 1970; divide by 1000 \
                 (Math.floor(Date.now() / 1000), int(time.time()))"
            ),
            TokenCause::WrongKeyForKid { kid, key_index } => write!(
                f,
                "the token's kid `{kid}` is not the kid of the key that signed it, the {} key configured here; \
                 sign with the key that kid names, or put the signing key's kid in the header",
                ordinal(*key_index)
            ),
        }
    }
}

/// What diagnose found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenDiagnosis {
    /// The token verifies under these keys and options at this time.
    Valid,
    /// The first cause explains the refusal; further ones are also wrong.
    Explained { causes: Vec<TokenCause> },
    /// No usual cause explains `error`, the verifier's refusal.
    Unexplained { error: Error },
}

impl TokenDiagnosis {
    /// `Valid`, `Explained` or `Unexplained`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            TokenDiagnosis::Valid => "Valid",
            TokenDiagnosis::Explained { .. } => "Explained",
            TokenDiagnosis::Unexplained { .. } => "Unexplained",
        }
    }

    /// The causes found, main one first (empty unless `Explained`).
    #[must_use]
    pub fn causes(&self) -> &[TokenCause] {
        match self {
            TokenDiagnosis::Explained { causes } => causes,
            _ => &[],
        }
    }
}

impl fmt::Display for TokenDiagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenDiagnosis::Valid => f.write_str(
                "the token verifies under these keys; if it is still refused, the verifying side has other keys, \
                 options or clock, or receives another string than this one",
            ),
            TokenDiagnosis::Explained { causes } => {
                for (i, cause) in causes.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; also: ")?;
                    }
                    write!(f, "{cause}")?;
                }
                Ok(())
            }
            TokenDiagnosis::Unexplained { error: Error::Mismatch } => f.write_str(
                "none of the usual causes (Bearer prefix, a cut token, a base64 secret, the wrong key for its kid) \
                 explains the signature: the signer most likely uses another secret or private key than the one \
                 whose secret or public key is configured here",
            ),
            TokenDiagnosis::Unexplained { error } => {
                write!(f, "{}: {error} (none of the usual causes applies)", error.variant_name())
            }
        }
    }
}

/// Why `verifier` refuses `token` at `now_ms`, or `Valid`. Nothing is
/// recorded in the verifier's nonce store.
#[must_use]
pub fn diagnose_token(verifier: &TokenVerifier, token: &str, now_ms: u64) -> TokenDiagnosis {
    let mut causes = Vec::new();
    let mut token = token.trim();
    if has_bearer_prefix(token) {
        causes.push(TokenCause::BearerPrefix);
        // The first 7 bytes are ASCII, so byte 7 is a character boundary.
        token = token[7..].trim_start();
    }
    let max = verifier.options().max_token_len;
    if token.len() > max {
        // Read no further than the verifier would.
        return TokenDiagnosis::Unexplained { error: Error::TooLarge { limit: crate::error::Limit::TokenLength, max } };
    }
    let mut checker = verifier.clone();
    checker.options_mut().single_use = false;
    let error = match checker.verify_at(token, now_ms) {
        Ok(_) => {
            return if causes.is_empty() { TokenDiagnosis::Valid } else { TokenDiagnosis::Explained { causes } };
        }
        Err(error) => error,
    };
    let found = truncated(token)
        .or_else(|| wrong_key_for_kid(verifier, token))
        .or_else(|| secret_encoding(verifier, token))
        .or_else(|| milliseconds(token));
    causes.extend(found);
    if causes.is_empty() {
        TokenDiagnosis::Unexplained { error }
    } else {
        TokenDiagnosis::Explained { causes }
    }
}

/// A token missing its end: fewer than three parts, or a last part that is
/// no whole base64url or shorter than any signature.
fn truncated(token: &str) -> Option<TokenCause> {
    let parts: Vec<&str> = token.split('.').collect();
    let reason = match parts.as_slice() {
        [_] => "it has no dot: only the start of its header is left".to_owned(),
        [_, payload] => match b64_decode(payload) {
            Ok(_) if payload.is_empty() => "its payload and signature are missing".to_owned(),
            Ok(_) => "its signature is missing".to_owned(),
            Err(_) => "its payload is cut and its signature is missing".to_owned(),
        },
        [_, payload, signature] => {
            if b64_decode(payload).is_err() && payload.len() % 4 == 1 {
                "its payload ends mid-character".to_owned()
            } else {
                match b64_decode(signature) {
                    Err(_) if !signature.is_empty() && signature.len() % 4 == 1 => {
                        format!("its signature is {} characters, a length base64url never has", signature.len())
                    }
                    Ok(sig) if !sig.is_empty() && sig.len() < 32 => {
                        format!("its signature is {} bytes; HS256 makes 32 and EdDSA 64", sig.len())
                    }
                    Ok(sig) if sig.len() > 32 && sig.len() < 64 => {
                        format!("its signature is {} bytes; an EdDSA signature is 64", sig.len())
                    }
                    _ => return None,
                }
            }
        }
        _ => return None,
    };
    Some(TokenCause::Truncated { reason })
}

/// The parts a signature check needs, when the token has them.
fn signed_parts(token: &str) -> Option<(&str, Vec<u8>)> {
    let compact = parse_compact(token, usize::MAX).ok()?;
    Some((compact.signing_input, compact.signature))
}

fn signs(material: &KeyMaterial, message: &[u8], signature: &[u8]) -> bool {
    match material {
        KeyMaterial::Hs256 { mac: key, .. } => key.verify_parts(&[message], signature),
        KeyMaterial::Ed25519(key) => {
            Signature::from_slice(signature).is_ok_and(|sig| key.verify_strict(message, &sig).is_ok())
        }
    }
}

/// The token has a kid, and a configured key other than the one it names
/// (or any, when it names none of them) made its signature.
fn wrong_key_for_kid(verifier: &TokenVerifier, token: &str) -> Option<TokenCause> {
    let compact = parse_compact(token, usize::MAX).ok()?;
    let kid = compact.header.kid.as_deref()?;
    let (message, signature) = signed_parts(token)?;
    let key_index = verifier
        .keys()
        .iter()
        .position(|k| k.kid() != Some(kid) && signs(k.material(), message.as_bytes(), &signature))?;
    Some(TokenCause::WrongKeyForKid { kid: shown(kid), key_index })
}

/// An HS256 key of the verifier whose base64 text, or whose base64-decoded
/// bytes, made the signature.
fn secret_encoding(verifier: &TokenVerifier, token: &str) -> Option<TokenCause> {
    let (message, signature) = signed_parts(token)?;
    for (key_index, key) in verifier.keys().iter().enumerate() {
        let KeyMaterial::Hs256 { secret, .. } = key.material() else { continue };
        let bytes = secret.expose();
        let hit = |candidate: &[u8]| mac::tags_equal(&MacKey::new(candidate).tag(message.as_bytes()), &signature);
        for engine in [&STANDARD, &URL_SAFE_NO_PAD, &URL_SAFE, &STANDARD_NO_PAD] {
            let text = Zeroizing::new(engine.encode(bytes));
            if hit(text.as_bytes()) {
                return Some(TokenCause::SecretEncoding { key_index, signer_used: SecretForm::Base64Text });
            }
            if let Ok(decoded) = engine.decode(bytes.trim_ascii()) {
                let decoded = Zeroizing::new(decoded);
                if !decoded.is_empty() && hit(&decoded) {
                    return Some(TokenCause::SecretEncoding { key_index, signer_used: SecretForm::DecodedBytes });
                }
            }
        }
    }
    None
}

/// A time claim of the payload that is milliseconds.
fn milliseconds(token: &str) -> Option<TokenCause> {
    let compact = parse_compact(token, usize::MAX).ok()?;
    let payload: Value = serde_json::from_slice(&compact.payload).ok()?;
    ["exp", "iat", "nbf"].into_iter().find_map(|claim| {
        let value = payload.get(claim)?.as_u64()?;
        (value >= SECONDS_MAX).then(|| TokenCause::MillisecondsForSeconds { claim: claim.to_owned(), value })
    })
}

/// "first", "second", ... counted from 1.
fn ordinal(key_index: usize) -> String {
    match key_index {
        0 => "first".to_owned(),
        1 => "second".to_owned(),
        2 => "third".to_owned(),
        n => format!("{}th", n + 1),
    }
}
