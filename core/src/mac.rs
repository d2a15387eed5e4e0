//! HMAC-SHA256 with the key's inner and outer pads absorbed once, hex in and
//! out, and a constant-time comparison.
//!
//! [`MacKey::new`] runs the two key-block compressions; every tag after that
//! clones the 2×32-byte state and costs two more compressions for a message
//! of up to 55 bytes (one for the message, one for the outer hash).

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Bytes in an HMAC-SHA256 tag.
pub const TAG_LEN: usize = 32;
/// Characters in a tag written as hex.
pub const HEX_LEN: usize = 2 * TAG_LEN;

/// A raw HMAC-SHA256 tag.
pub type Tag = [u8; TAG_LEN];

/// An HMAC-SHA256 key with its pads precomputed. Zeroized on drop (by the
/// `hmac`/`sha2` crates' `zeroize` feature); `Debug` shows nothing of it.
#[derive(Clone)]
pub struct MacKey {
    state: Hmac<Sha256>,
}

impl MacKey {
    /// Any key length is accepted here: this is the raw primitive. The schemes
    /// check [`crate::MIN_SECRET_LEN`] before they build one.
    #[must_use]
    pub fn new(key: &[u8]) -> Self {
        let state = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
        MacKey { state }
    }

    /// The tag of a message.
    #[must_use]
    pub fn tag(&self, message: &[u8]) -> Tag {
        self.tag_parts(&[message])
    }

    /// The tag of the concatenation of `parts`, without building it.
    #[must_use]
    pub fn tag_parts(&self, parts: &[&[u8]]) -> Tag {
        let mut mac = self.state.clone();
        for part in parts {
            mac.update(part);
        }
        mac.finalize().into_bytes().into()
    }

    /// Whether `tag` is this message's full 32-byte tag, compared in constant
    /// time. A truncated tag is never accepted.
    #[must_use]
    pub fn verify_parts(&self, parts: &[&[u8]], tag: &[u8]) -> bool {
        tags_equal(&self.tag_parts(parts), tag)
    }
}

impl fmt::Debug for MacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MacKey(<redacted>)")
    }
}

/// Constant-time equality of a computed tag and a received one (of any length:
/// anything but exactly 32 bytes is unequal).
#[must_use]
pub fn tags_equal(expected: &Tag, received: &[u8]) -> bool {
    received.len() == TAG_LEN && bool::from(expected.as_slice().ct_eq(received))
}

/// One-shot HMAC-SHA256 over any key: the primitive the RFC 4231 and
/// Wycheproof vectors exercise.
#[must_use]
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> Tag {
    MacKey::new(key).tag(message)
}

/// Whether `tag` is the full HMAC-SHA256 of `message` under `key`.
#[must_use]
pub fn verify_hmac_sha256(key: &[u8], message: &[u8], tag: &[u8]) -> bool {
    MacKey::new(key).verify_parts(&[message], tag)
}

/// A tag as 64 lowercase hex characters.
#[must_use]
pub fn to_hex(tag: &Tag) -> String {
    const_hex::Buffer::<TAG_LEN>::new().format(tag).to_owned()
}

/// Exactly 64 hex characters, either case, to a tag; `None` otherwise.
#[must_use]
pub fn from_hex(text: &str) -> Option<Tag> {
    let mut tag = [0u8; TAG_LEN];
    if text.len() != HEX_LEN {
        return None;
    }
    const_hex::decode_to_slice(text, &mut tag).ok()?;
    Some(tag)
}
