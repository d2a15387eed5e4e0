//! The hash as received: the tag it carries, in hex of either case or in
//! base64, and why it is no tag at all when it is neither.

use super::cause::Cause;
use crate::lax_base64;
use crate::mac::{self, Tag, TAG_LEN};

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Encoding {
    LowerHex,
    UpperHex,
    Base64,
}

impl Encoding {
    /// The cause an encoding is on its own: none for lower-case hex.
    pub(super) fn cause(self) -> Option<Cause> {
        match self {
            Encoding::LowerHex => None,
            Encoding::UpperHex => Some(Cause::UpperCaseHex),
            Encoding::Base64 => Some(Cause::Base64Tag),
        }
    }
}

/// The tag in a hash as hex (either case) or base64 (standard or URL-safe,
/// padded or not).
pub(super) fn decode_hash(hash: &str) -> Option<(Tag, Encoding)> {
    if let Some(tag) = mac::from_hex(hash) {
        let upper = hash.bytes().any(|b| b.is_ascii_uppercase());
        return Some((tag, if upper { Encoding::UpperHex } else { Encoding::LowerHex }));
    }
    let bytes = lax_base64::decode(hash)?;
    let tag: Tag = bytes.try_into().ok()?;
    Some((tag, Encoding::Base64))
}

pub(super) fn malformed_reason(hash: &str) -> String {
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
