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
//!
//! One concept a file: what was signed (`input.rs`), the hash as received
//! (`hash.rs`: hex in either case, or base64), the search over the usual
//! causes (`search.rs`) with the spellings of an email it tries
//! (`variants.rs`), and what it finds: a [`Cause`] (`cause.rs`) in a
//! [`Diagnosis`] (`diagnosis.rs`).

mod cause;
mod diagnosis;
mod hash;
mod input;
mod search;
mod variants;

pub use cause::{Cause, SecretEdit};
pub use diagnosis::Diagnosis;
pub use input::SignedInput;

use self::hash::{decode_hash, malformed_reason, Encoding};
use self::search::{Found, Search};
use crate::error::Result;
use crate::mac::MacKey;
use crate::secret::{Secret, SecretList};

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
