//! The C API of userhash: `libuserhash` (shared and static) and `userhash.h`,
//! which cbindgen makes from this crate's doc comments.
//!
//! Conventions, the same for every function (modelled on getsentry/relay's
//! relay-cabi):
//!
//! - every fallible function returns a `userhash_status`; `USERHASH_OK` is 0;
//! - a choice passed in (a token profile, a tri-state) is a `uint32_t` with
//!   named values, never a C enum, so an unknown number is refused
//!   (`USERHASH_INVALID_ARGUMENT`) instead of being undefined behaviour;
//! - text goes in as `(const char *ptr, size_t len)`: no NUL is looked for,
//!   `ptr` is never NULL (pass `""` and 0 for an empty value), and text must be
//!   UTF-8 (else `USERHASH_INVALID_ARGUMENT`); secrets and raw MAC inputs are
//!   bytes and may hold anything;
//! - every pointer and count is checked before anything is read or allocated
//!   (`ffi.rs`): an array may be NULL only with a count of 0, and no count or
//!   length may span more than `isize::MAX` bytes; else
//!   `USERHASH_INVALID_ARGUMENT`, never an allocation of the caller's size;
//! - hashes come out in a caller's buffer of `USERHASH_HEX_LEN + 1` bytes,
//!   NUL-terminated; a smaller buffer is `USERHASH_BUFFER_TOO_SMALL`; it may
//!   be one of the inputs' buffers (nothing is written before they are read);
//! - what the library allocates (a handle, a signed or verified identity, a
//!   URL, a token, a verified token, a diagnosis, a key pair) has one `_free`
//!   function that takes the ADDRESS of the caller's pointer and sets it to
//!   NULL: freeing twice frees once, and `_free(NULL)` is a no-op;
//! - no panic crosses the boundary: it becomes `USERHASH_INTERNAL`;
//! - on failure every output is emptied (`""`, `false`, NULL), and
//!   `userhash_last_error_message()` says what went wrong, per thread.
//!
//! This crate holds no rule of its own: every check is the core's (crate
//! `userhash`, SPEC.md).

#![allow(non_camel_case_types)]

use std::ffi::c_char;

mod ffi;
mod identifier;
mod identity;
mod key_pair;
mod mac;
mod status;
mod token;
mod token_diagnose;
mod token_signer;
mod token_verifier;
mod verify;

pub use identifier::{
    userhash_identifier_signer, userhash_identifier_signer_free, userhash_identifier_signer_new,
    userhash_identifier_signer_sign, userhash_identifier_signer_verify, userhash_sign_identifier,
    userhash_verify_identifier,
};
pub use identity::{
    userhash_identity_signer, userhash_identity_signer_free, userhash_identity_signer_new,
    userhash_identity_signer_sign, userhash_identity_signer_sign_at, userhash_signed_identity,
    userhash_signed_identity_free, userhash_string_free, userhash_widget_url,
};
pub use key_pair::{userhash_ed25519_key_pair, userhash_ed25519_key_pair_free, userhash_ed25519_key_pair_generate};
pub use mac::{userhash_hmac_sha256, userhash_verify_hmac_sha256};
pub use status::{
    userhash_last_error_field, userhash_last_error_message, userhash_last_error_ms, userhash_last_error_status,
    userhash_status, userhash_status_message, userhash_status_name,
};
pub use token::{
    userhash_token_algorithm, userhash_token_algorithm_name, userhash_token_profile, userhash_token_profile_name,
    userhash_tristate, USERHASH_TOKEN_PROFILE_DRIFT, USERHASH_TOKEN_PROFILE_INTERCOM, USERHASH_TOKEN_PROFILE_USERHASH,
    USERHASH_TOKEN_PROFILE_ZENDESK, USERHASH_TRISTATE_FALSE, USERHASH_TRISTATE_TRUE, USERHASH_TRISTATE_UNSET,
};
pub use token_diagnose::{
    userhash_token_cause, userhash_token_diagnose, userhash_token_diagnose_at, userhash_token_diagnosis,
    userhash_token_diagnosis_free,
};
pub use token_signer::{
    userhash_token_signer, userhash_token_signer_free, userhash_token_signer_new_ed25519,
    userhash_token_signer_new_hs256, userhash_token_signer_options, userhash_token_signer_sign,
    userhash_token_signer_sign_at, userhash_token_subject,
};
pub use token_verifier::{
    userhash_token_key, userhash_token_verifier, userhash_token_verifier_free, userhash_token_verifier_new,
    userhash_token_verifier_set_audience, userhash_token_verifier_set_issuer, userhash_token_verifier_set_leeway_s,
    userhash_token_verifier_set_max_lifetime_s, userhash_token_verifier_set_max_token_len,
    userhash_token_verifier_set_memory_store, userhash_token_verifier_set_nonce_store,
    userhash_token_verifier_set_single_use, userhash_token_verifier_verify, userhash_token_verifier_verify_at,
    userhash_verified_token, userhash_verified_token_free,
};
pub use verify::{
    userhash_nonce_check_fn, userhash_org_id_of, userhash_verified_identity, userhash_verified_identity_free,
    userhash_verifier, userhash_verifier_free, userhash_verifier_new, userhash_verifier_set_memory_store,
    userhash_verifier_set_nonce_store, userhash_verifier_set_tolerance_ms, userhash_verifier_verify_url,
    userhash_verifier_verify_url_at,
};

/// Bytes in a raw HMAC-SHA256 tag.
pub const USERHASH_TAG_LEN: usize = 32;
/// Characters in a hash written as hex; an output buffer for one needs
/// `USERHASH_HEX_LEN + 1` bytes (the NUL).
pub const USERHASH_HEX_LEN: usize = 64;
/// The fewest bytes a signing or verifying secret may have.
pub const USERHASH_MIN_SECRET_LEN: usize = 16;
/// The longest identifier (scheme 1), in bytes.
pub const USERHASH_MAX_IDENTIFIER_LEN: usize = 4096;
/// The longest org id, in bytes; `userhash_org_id_of` needs a buffer of
/// `USERHASH_MAX_ORG_ID_LEN + 1` bytes.
pub const USERHASH_MAX_ORG_ID_LEN: usize = 128;
/// How far a timestamp may be from the verifier's clock by default, either way.
pub const USERHASH_DEFAULT_TOLERANCE_MS: u64 = 300_000;
/// How many live nonces a verifier's own memory store holds by default.
pub const USERHASH_DEFAULT_STORE_CAPACITY: usize = 100_000;
/// The longest URL a verifier reads by default, in bytes.
pub const USERHASH_DEFAULT_MAX_URL_LEN: usize = 65_536;
/// The most query parameters a verifier reads by default.
pub const USERHASH_DEFAULT_MAX_PARAMS: usize = 1_000;
/// The fewest bytes of an HS256 token secret (RFC 7518 §3.2: as long as the hash).
pub const USERHASH_MIN_TOKEN_SECRET_LEN: usize = 32;
/// How long a signed token lives by default, in seconds: one page load.
pub const USERHASH_DEFAULT_TOKEN_LIFETIME_S: u64 = 300;
/// The longest lifetime a token signer writes, in seconds: one day.
pub const USERHASH_MAX_TOKEN_LIFETIME_S: u64 = 86_400;
/// Clock skew a token verifier allows on `exp`, `nbf` and `iat` by default, in seconds.
pub const USERHASH_DEFAULT_TOKEN_LEEWAY_S: u64 = 30;
/// The longest lifetime (`exp - iat`) a token verifier accepts by default, in seconds.
pub const USERHASH_DEFAULT_MAX_TOKEN_LIFETIME_S: u64 = 3_600;
/// The longest token a verifier reads by default, in bytes (and the longest
/// a signer writes); an identity token is a few hundred.
pub const USERHASH_DEFAULT_MAX_TOKEN_LEN: usize = 8_192;

// The header's numbers are literals (cbindgen cannot read another crate's
// constants); these make the build fail if the core's ever differ.
const _: () = {
    assert!(USERHASH_TAG_LEN == userhash_core::mac::TAG_LEN);
    assert!(USERHASH_HEX_LEN == userhash_core::mac::HEX_LEN);
    assert!(USERHASH_MIN_SECRET_LEN == userhash_core::MIN_SECRET_LEN);
    assert!(USERHASH_MAX_IDENTIFIER_LEN == userhash_core::MAX_IDENTIFIER_LEN);
    assert!(USERHASH_MAX_ORG_ID_LEN == userhash_core::MAX_ORG_ID_LEN);
    assert!(USERHASH_DEFAULT_TOLERANCE_MS == userhash_core::DEFAULT_TOLERANCE_MS);
    assert!(USERHASH_DEFAULT_STORE_CAPACITY == userhash_core::nonce::DEFAULT_CAPACITY);
    assert!(USERHASH_DEFAULT_MAX_URL_LEN == userhash_core::DEFAULT_MAX_URL_LEN);
    assert!(USERHASH_DEFAULT_MAX_PARAMS == userhash_core::DEFAULT_MAX_PARAMS);
    assert!(USERHASH_MIN_TOKEN_SECRET_LEN == userhash_core::jwt::MIN_TOKEN_SECRET_LEN);
    assert!(USERHASH_DEFAULT_TOKEN_LIFETIME_S == userhash_core::jwt::DEFAULT_TOKEN_LIFETIME_S);
    assert!(USERHASH_MAX_TOKEN_LIFETIME_S == userhash_core::jwt::MAX_SIGN_LIFETIME_S);
    assert!(USERHASH_DEFAULT_TOKEN_LEEWAY_S == userhash_core::jwt::DEFAULT_LEEWAY_S);
    assert!(USERHASH_DEFAULT_MAX_TOKEN_LIFETIME_S == userhash_core::jwt::DEFAULT_MAX_LIFETIME_S);
    assert!(USERHASH_DEFAULT_MAX_TOKEN_LEN == userhash_core::jwt::DEFAULT_MAX_TOKEN_LEN);
};

// The header promises that one handle may be used by several threads at
// once (and freed on another): C cannot check it, so the build does.
const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<userhash_core::IdentifierSigner>();
    shareable::<userhash_core::IdentitySigner>();
    shareable::<userhash_core::Verifier>();
    shareable::<userhash_core::jwt::TokenSigner>();
    shareable::<userhash_core::jwt::TokenVerifier>();
};

/// A piece of text: `len` bytes at `ptr`. In a structure the library made,
/// `ptr[len]` is also a NUL, so `ptr` can be used as a C string (unless the
/// text itself holds a NUL byte, which a URL's `%00` can decode to: `len` is
/// the truth). In an argument, `ptr` must not be NULL.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct userhash_str {
    /// The first byte; never NULL in an argument.
    pub ptr: *const c_char,
    /// How many bytes, not counting any NUL after them.
    pub len: usize,
}

/// A URL parameter: a key and its value.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct userhash_param {
    /// The parameter's name, decoded.
    pub key: userhash_str,
    /// Its value, decoded.
    pub value: userhash_str,
}

impl userhash_str {
    const NONE: userhash_str = userhash_str { ptr: std::ptr::null(), len: 0 };
}

/// Text the library hands out inside a structure: each piece is its own heap
/// block ending in a NUL, so its address does not move while the owner lives.
#[derive(Default)]
struct OwnedText(Vec<Box<[u8]>>);

impl OwnedText {
    fn keep(&mut self, text: &str) -> userhash_str {
        let mut block = Vec::with_capacity(text.len() + 1);
        block.extend_from_slice(text.as_bytes());
        block.push(0);
        let block = block.into_boxed_slice();
        let view = userhash_str { ptr: block.as_ptr().cast(), len: text.len() };
        self.0.push(block);
        view
    }
}

/// Panics inside a guarded entry point, so the C suite can see a panic become
/// `USERHASH_INTERNAL`. Built only with the `test-hooks` feature; not in the header.
///
/// # Safety
/// Always safe; `unsafe` only to match the other entry points.
#[cfg(feature = "test-hooks")]
#[no_mangle]
pub unsafe extern "C" fn userhash_test_panic() -> userhash_status {
    status::guard(|| panic!("userhash_test_panic was called"))
}
