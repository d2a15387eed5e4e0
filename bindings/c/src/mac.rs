//! The raw HMAC-SHA256 primitive, any key length: what the RFC 4231 and
//! Wycheproof vectors exercise. Applications sign with the schemes instead.

use std::ffi::c_char;

use userhash_core::mac;

use crate::ffi::{bytes, bytes_out, valid_out};
use crate::status::{guard, userhash_status};
use crate::USERHASH_TAG_LEN;

/// Raw HMAC-SHA256 of `message` under `key` (any length, even 0 or weak:
/// this is the primitive, not a scheme). Writes the `USERHASH_TAG_LEN`-byte
/// tag to `out_tag`, which must have `out_tag_len >= USERHASH_TAG_LEN` bytes
/// (else `USERHASH_BUFFER_TOO_SMALL`). Only those bytes are written; whenever
/// the call fails they are zeros (as many as `out_tag_len` allows).
///
/// # Safety
/// Each pointer must be valid for its length.
#[no_mangle]
pub unsafe extern "C" fn userhash_hmac_sha256(
    key: *const u8,
    key_len: usize,
    message: *const u8,
    message_len: usize,
    out_tag: *mut u8,
    out_tag_len: usize,
) -> userhash_status {
    guard(|| {
        bytes_out::<USERHASH_TAG_LEN>(out_tag, out_tag_len, "out_tag", || {
            let key = bytes(key.cast::<c_char>(), key_len, "key")?;
            let message = bytes(message.cast::<c_char>(), message_len, "message")?;
            Ok(mac::hmac_sha256(key, message))
        })
    })
}

/// Whether `tag` (`tag_len` bytes) is the full HMAC-SHA256 of `message` under
/// `key`, compared in constant time. A truncated tag is never accepted.
/// `*out_valid` is false whenever the status is not `USERHASH_OK`.
///
/// # Safety
/// Each pointer must be valid for its length; `out_valid` for one `bool`.
#[no_mangle]
pub unsafe extern "C" fn userhash_verify_hmac_sha256(
    key: *const u8,
    key_len: usize,
    message: *const u8,
    message_len: usize,
    tag: *const u8,
    tag_len: usize,
    out_valid: *mut bool,
) -> userhash_status {
    guard(|| {
        valid_out(out_valid, || {
            let key = bytes(key.cast::<c_char>(), key_len, "key")?;
            let message = bytes(message.cast::<c_char>(), message_len, "message")?;
            let tag = bytes(tag.cast::<c_char>(), tag_len, "tag")?;
            Ok(mac::verify_hmac_sha256(key, message, tag))
        })
    })
}
