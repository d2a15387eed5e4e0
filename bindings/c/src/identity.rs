//! Scheme 2 (SPEC §1.2): the identity signer, the signed identity it makes,
//! and the widget URL (SPEC §2).

use std::ffi::{c_char, CString};

use userhash_core::{IdentitySigner, SignedIdentity};

use crate::ffi::{boxed_out, bytes, clear_out, read_items, source, take_box, target, text};
use crate::status::{catch, guard, userhash_status, Failure};
use crate::{userhash_param, userhash_str, OwnedText};

/// Signs identities for one organization (opaque). Make it with
/// `userhash_identity_signer_new`, free it with
/// `userhash_identity_signer_free`. It holds no mutable state: one signer
/// may be used by several threads at once.
#[derive(Debug)]
pub struct userhash_identity_signer {
    inner: IdentitySigner,
}

/// A signed identity (SPEC §1.2): what the customer's backend hands to the
/// widget. Every text is NUL-terminated and `len` long. Made by
/// `userhash_identity_signer_sign` or `_sign_at`, read-only, freed with
/// `userhash_signed_identity_free`.
///
/// An application may also fill one itself (pointing at its own memory) to
/// build a widget URL from an identity signed elsewhere; `userhash_widget_url`
/// checks every field again. Never pass such a one to the `_free` function.
#[repr(C)]
#[derive(Debug)]
pub struct userhash_signed_identity {
    /// The user's email, as signed.
    pub email: userhash_str,
    /// Unix time in milliseconds.
    pub timestamp_ms: u64,
    /// The organization the signer is for.
    pub org_id: userhash_str,
    /// The nonce (a lowercase UUID v4 unless given to `_sign_at`).
    pub nonce: userhash_str,
    /// The signature: `USERHASH_HEX_LEN` lowercase hex characters.
    pub user_hash: userhash_str,
}

/// What `userhash_signed_identity *` points at: the public view first, then
/// the text it points into.
#[repr(C)]
struct OwnedSignedIdentity {
    public: userhash_signed_identity,
    text: OwnedText,
}

impl OwnedSignedIdentity {
    fn new(id: &SignedIdentity) -> Self {
        let mut text = OwnedText::default();
        let public = userhash_signed_identity {
            email: text.keep(&id.email),
            timestamp_ms: id.timestamp_ms,
            org_id: text.keep(&id.org_id),
            nonce: text.keep(&id.nonce),
            user_hash: text.keep(&id.user_hash),
        };
        OwnedSignedIdentity { public, text }
    }
}

/// Makes a signer for `org_id` (1 to `USERHASH_MAX_ORG_ID_LEN` bytes, no `|`,
/// whitespace or control character) with `secret` (at least
/// `USERHASH_MIN_SECRET_LEN` bytes). The secret is copied; the copy is wiped
/// when the signer is freed. On success `*out_signer` is the new signer; on
/// failure it is NULL (`USERHASH_WEAK_SECRET`, `USERHASH_MALFORMED` with field
/// "org_id", `USERHASH_INVALID_ARGUMENT`).
///
/// # Safety
/// Each pointer must be valid for its length; `out_signer` for one pointer.
#[no_mangle]
pub unsafe extern "C" fn userhash_identity_signer_new(
    secret: *const c_char,
    secret_len: usize,
    org_id: *const c_char,
    org_id_len: usize,
    out_signer: *mut *mut userhash_identity_signer,
) -> userhash_status {
    guard(|| {
        boxed_out(out_signer, "out_signer", || {
            let secret = bytes(secret, secret_len, "secret")?;
            let inner = IdentitySigner::new(secret, text(org_id, org_id_len, "org_id")?)?;
            Ok(userhash_identity_signer { inner })
        })
    })
}

/// Frees a signer and wipes its key, then sets `*signer` to NULL. `signer`
/// is the address of your pointer: freeing it twice frees it once;
/// `signer == NULL` or `*signer == NULL` does nothing.
///
/// # Safety
/// `*signer` must be NULL or a signer from `userhash_identity_signer_new`.
#[no_mangle]
pub unsafe extern "C" fn userhash_identity_signer_free(signer: *mut *mut userhash_identity_signer) {
    catch((), || drop(take_box::<_, userhash_identity_signer>(signer)))
}

/// Signs `email` now, with a fresh random nonce (a lowercase UUID v4 from the
/// operating system's CSPRNG): `*out_identity` is a new signed identity, to
/// free with `userhash_signed_identity_free`. `email`: 1 to 320 bytes of
/// UTF-8, no `|`, no control character, no leading or trailing whitespace
/// (else `USERHASH_MALFORMED`, field "email").
///
/// # Safety
/// `signer` must be a live signer; `email` valid for `email_len` bytes;
/// `out_identity` valid for one pointer.
#[no_mangle]
pub unsafe extern "C" fn userhash_identity_signer_sign(
    signer: *const userhash_identity_signer,
    email: *const c_char,
    email_len: usize,
    out_identity: *mut *mut userhash_signed_identity,
) -> userhash_status {
    guard(|| sign_into(out_identity, signer, email, email_len, |signer, email| Ok(signer.sign(email)?)))
}

/// Like `userhash_identity_signer_sign`, at a given time (Unix milliseconds,
/// at most 16 digits) with a given nonce (8 to 128 characters from
/// `A-Z a-z 0-9 - _ . ~`): for tests and apps with their own clock. Reusing
/// a nonce makes the second URL a replay.
///
/// # Safety
/// As `userhash_identity_signer_sign`; `nonce` valid for `nonce_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn userhash_identity_signer_sign_at(
    signer: *const userhash_identity_signer,
    email: *const c_char,
    email_len: usize,
    timestamp_ms: u64,
    nonce: *const c_char,
    nonce_len: usize,
    out_identity: *mut *mut userhash_signed_identity,
) -> userhash_status {
    guard(|| {
        sign_into(out_identity, signer, email, email_len, |signer, email| {
            Ok(signer.sign_at(email, timestamp_ms, text(nonce, nonce_len, "nonce")?)?)
        })
    })
}

/// The two ways to sign: reads the signer and the email, lets `sign` make the
/// identity, and hands it out as `*out_identity`.
///
/// # Safety
/// As `userhash_identity_signer_sign`.
unsafe fn sign_into(
    out_identity: *mut *mut userhash_signed_identity,
    signer: *const userhash_identity_signer,
    email: *const c_char,
    email_len: usize,
    sign: impl FnOnce(&IdentitySigner, &str) -> Result<SignedIdentity, Failure>,
) -> Result<(), Failure> {
    boxed_out(out_identity, "out_identity", || {
        let signer = &source(signer, "signer")?.inner;
        let id = sign(signer, text(email, email_len, "email")?)?;
        Ok(OwnedSignedIdentity::new(&id))
    })
}

/// Frees a signed identity made by the library and sets `*identity` to NULL;
/// `identity == NULL` or `*identity == NULL` does nothing.
///
/// # Safety
/// `*identity` must be NULL or come from `userhash_identity_signer_sign(_at)`.
#[no_mangle]
pub unsafe extern "C" fn userhash_signed_identity_free(identity: *mut *mut userhash_signed_identity) {
    catch((), || drop(take_box::<_, OwnedSignedIdentity>(identity)))
}

/// Reads a signed identity given by the caller, as text.
unsafe fn read_identity(id: &userhash_signed_identity) -> Result<SignedIdentity, Failure> {
    Ok(SignedIdentity {
        email: text(id.email.ptr, id.email.len, "identity->email")?.to_owned(),
        timestamp_ms: id.timestamp_ms,
        org_id: text(id.org_id.ptr, id.org_id.len, "identity->org_id")?.to_owned(),
        nonce: text(id.nonce.ptr, id.nonce.len, "identity->nonce")?.to_owned(),
        user_hash: text(id.user_hash.ptr, id.user_hash.len, "identity->user_hash")?.to_owned(),
    })
}

/// Builds the hosted widget's URL for a signed identity (SPEC §2): appends to
/// `base_url`'s query, in this order, `orgId`, `email`, `name` (if given),
/// each extra param sorted by key, then `timestamp`, `nonce`, `user_hash`,
/// form-encoded as JavaScript's `URLSearchParams` does (a `+` in an email
/// becomes `%2B`).
///
/// - `name`: the display name (not signed), or NULL for none (then
///   `name_len` is ignored); 1 to 256 bytes, no control character;
/// - `params`, `params_len`: extra parameters (not signed), NULL when
///   `params_len` is 0; none may be named `orgId`, `email`, `name`,
///   `timestamp`, `nonce` or `user_hash`, or appear twice;
/// - `*out_url`: the URL, NUL-terminated, to free with
///   `userhash_string_free`; NULL on failure. `out_url_len` may be NULL;
///   otherwise it receives the URL's length.
///
/// A URL its verifier would reject is refused (`USERHASH_MALFORMED`, field
/// "params", "base_url", "name" or the identity's field).
///
/// # Safety
/// Each pointer must be valid for its length (`params` for `params_len`
/// items); `out_url` for one pointer.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn userhash_widget_url(
    base_url: *const c_char,
    base_url_len: usize,
    identity: *const userhash_signed_identity,
    name: *const c_char,
    name_len: usize,
    params: *const userhash_param,
    params_len: usize,
    out_url: *mut *mut c_char,
    out_url_len: *mut usize,
) -> userhash_status {
    guard(|| {
        clear_out(out_url);
        if let Some(len) = out_url_len.as_mut() {
            *len = 0;
        }
        let out = target(out_url, "out_url")?;
        let base_url = text(base_url, base_url_len, "base_url")?;
        let identity = read_identity(source(identity, "identity")?)?;
        let name = if name.is_null() { None } else { Some(text(name, name_len, "name")?) };
        let pairs = read_items(params, params_len, "params", |(i, p)| {
            Ok((
                text(p.key.ptr, p.key.len, format_args!("params[{i}].key"))?,
                text(p.value.ptr, p.value.len, format_args!("params[{i}].value"))?,
            ))
        })?;
        let url = userhash_core::widget_url(base_url, &identity, name, pairs)?;
        let len = url.len();
        let url = CString::new(url).expect("a widget URL is form-encoded, so it has no NUL byte");
        *out = url.into_raw();
        if let Some(out_len) = out_url_len.as_mut() {
            *out_len = len;
        }
        Ok(())
    })
}

/// Frees a string the library made (a widget URL, a token) and sets
/// `*string` to NULL; `string == NULL` or `*string == NULL` does nothing.
///
/// # Safety
/// `*string` must be NULL or come from `userhash_widget_url` or
/// `userhash_token_signer_sign(_at)`.
#[no_mangle]
pub unsafe extern "C" fn userhash_string_free(string: *mut *mut c_char) {
    catch((), || {
        if !string.is_null() && !(*string).is_null() {
            drop(CString::from_raw(*string));
            *string = std::ptr::null_mut();
        }
    })
}
