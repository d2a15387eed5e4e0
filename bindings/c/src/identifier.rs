//! Scheme 1 (SPEC §1.1): the identifier hash.

use std::ffi::c_char;

use userhash_core::IdentifierSigner;

use crate::ffi::{boxed_out, bytes, source, take_box, text, text_out, valid_out};
use crate::status::{catch, guard, userhash_status, Failure};
use crate::USERHASH_HEX_LEN;

/// Signs a user's identifier (SPEC §1.1): writes
/// `hex(HMAC-SHA256(secret, identifier))`, 64 lowercase hex characters and a
/// NUL, to `out_hex`.
///
/// - `secret`: the widget's secret, `secret_len` bytes, at least
///   `USERHASH_MIN_SECRET_LEN` (else `USERHASH_WEAK_SECRET`);
/// - `identifier`: the user's id or email as UTF-8, 1 to
///   `USERHASH_MAX_IDENTIFIER_LEN` bytes, signed exactly as given (else
///   `USERHASH_MALFORMED`); a numeric id is signed as its decimal string;
/// - `out_hex`: a buffer of `out_hex_len >= USERHASH_HEX_LEN + 1` bytes (else
///   `USERHASH_BUFFER_TOO_SMALL`); it holds "" whenever the call fails. It
///   may be the identifier's own buffer (signing in place): the inputs are
///   read before anything is written, and only the 65 bytes are written.
///
/// # Safety
/// Each pointer must be valid for its length.
#[no_mangle]
pub unsafe extern "C" fn userhash_sign_identifier(
    secret: *const c_char,
    secret_len: usize,
    identifier: *const c_char,
    identifier_len: usize,
    out_hex: *mut c_char,
    out_hex_len: usize,
) -> userhash_status {
    guard(|| {
        hex_out(out_hex, out_hex_len, || {
            let secret = bytes(secret, secret_len, "secret")?;
            Ok(userhash_core::sign_identifier(secret, text(identifier, identifier_len, "identifier")?)?)
        })
    })
}

/// Checks an identifier hash (SPEC §3, last paragraph), in constant time:
/// sets `*out_valid` to whether `hash_hex` is `identifier`'s hash under
/// `secret`. Upper-case hex is accepted.
///
/// A mismatch, a hash that is not 64 hex characters, or an identifier outside
/// 1..=`USERHASH_MAX_IDENTIFIER_LEN` bytes is `USERHASH_OK` with
/// `*out_valid == false`: a bad request, not an error. Errors: a weak secret
/// (`USERHASH_WEAK_SECRET`, a configuration mistake), NULL pointers or text
/// that is not UTF-8 (`USERHASH_INVALID_ARGUMENT`). `*out_valid` is false
/// whenever the status is not `USERHASH_OK`.
///
/// # Safety
/// Each pointer must be valid for its length; `out_valid` for one `bool`.
#[no_mangle]
pub unsafe extern "C" fn userhash_verify_identifier(
    secret: *const c_char,
    secret_len: usize,
    identifier: *const c_char,
    identifier_len: usize,
    hash_hex: *const c_char,
    hash_hex_len: usize,
    out_valid: *mut bool,
) -> userhash_status {
    guard(|| {
        valid_out(out_valid, || {
            let secret = bytes(secret, secret_len, "secret")?;
            let (identifier, hash) = identifier_and_hash(identifier, identifier_len, hash_hex, hash_hex_len)?;
            Ok(userhash_core::verify_identifier(secret, identifier, hash)?)
        })
    })
}

/// Scheme 1 with the secret's key blocks computed once (opaque): for a
/// server that signs or checks many identifiers with one secret, each call
/// then costs about 0.6 of `userhash_sign_identifier`'s (BENCHMARKS.md).
/// Make it with `userhash_identifier_signer_new`, free it with
/// `userhash_identifier_signer_free`; several threads may use one at once.
#[derive(Debug)]
pub struct userhash_identifier_signer {
    inner: IdentifierSigner,
}

/// Makes an identifier signer for `secret` (at least
/// `USERHASH_MIN_SECRET_LEN` bytes, else `USERHASH_WEAK_SECRET`; copied, and
/// wiped on free). `*out_signer` is NULL on failure.
///
/// # Safety
/// `secret` must be valid for `secret_len` bytes; `out_signer` for one pointer.
#[no_mangle]
pub unsafe extern "C" fn userhash_identifier_signer_new(
    secret: *const c_char,
    secret_len: usize,
    out_signer: *mut *mut userhash_identifier_signer,
) -> userhash_status {
    guard(|| {
        boxed_out(out_signer, "out_signer", || {
            let inner = IdentifierSigner::new(bytes(secret, secret_len, "secret")?)?;
            Ok(userhash_identifier_signer { inner })
        })
    })
}

/// Frees an identifier signer and wipes its key, then sets `*signer` to
/// NULL; `signer == NULL` or `*signer == NULL` does nothing.
///
/// # Safety
/// `*signer` must be NULL or come from `userhash_identifier_signer_new`.
#[no_mangle]
pub unsafe extern "C" fn userhash_identifier_signer_free(signer: *mut *mut userhash_identifier_signer) {
    catch((), || drop(take_box::<_, userhash_identifier_signer>(signer)))
}

/// `userhash_sign_identifier` with the signer's secret.
///
/// # Safety
/// `signer` must be a live signer; other pointers as `userhash_sign_identifier`.
#[no_mangle]
pub unsafe extern "C" fn userhash_identifier_signer_sign(
    signer: *const userhash_identifier_signer,
    identifier: *const c_char,
    identifier_len: usize,
    out_hex: *mut c_char,
    out_hex_len: usize,
) -> userhash_status {
    guard(|| {
        hex_out(out_hex, out_hex_len, || {
            let signer = source(signer, "signer")?;
            Ok(signer.inner.sign(text(identifier, identifier_len, "identifier")?)?)
        })
    })
}

/// `userhash_verify_identifier` with the signer's secret (so it cannot be
/// weak: only `USERHASH_INVALID_ARGUMENT` is an error).
///
/// # Safety
/// `signer` must be a live signer; other pointers as `userhash_verify_identifier`.
#[no_mangle]
pub unsafe extern "C" fn userhash_identifier_signer_verify(
    signer: *const userhash_identifier_signer,
    identifier: *const c_char,
    identifier_len: usize,
    hash_hex: *const c_char,
    hash_hex_len: usize,
    out_valid: *mut bool,
) -> userhash_status {
    guard(|| {
        valid_out(out_valid, || {
            let signer = source(signer, "signer")?;
            let (identifier, hash) = identifier_and_hash(identifier, identifier_len, hash_hex, hash_hex_len)?;
            Ok(signer.inner.verify(identifier, hash))
        })
    })
}

/// Writes a hash made by `sign` to the caller's `out_hex` (see [`text_out`]).
///
/// # Safety
/// As [`text_out`].
unsafe fn hex_out(
    out_hex: *mut c_char,
    out_hex_len: usize,
    sign: impl FnOnce() -> Result<String, Failure>,
) -> Result<(), Failure> {
    text_out(out_hex, out_hex_len, USERHASH_HEX_LEN + 1, "out_hex", sign)
}

/// The identifier and the received hash of a verify call, as text.
///
/// # Safety
/// As [`text`], for each.
unsafe fn identifier_and_hash<'a>(
    identifier: *const c_char,
    identifier_len: usize,
    hash_hex: *const c_char,
    hash_hex_len: usize,
) -> Result<(&'a str, &'a str), Failure> {
    Ok((text(identifier, identifier_len, "identifier")?, text(hash_hex, hash_hex_len, "hash_hex")?))
}
