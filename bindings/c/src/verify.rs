//! The verifier (SPEC §3), the verified identity it returns, an adapter for
//! a nonce store written in C, and `org_id_of`.

use std::ffi::{c_char, c_int, c_void, CString};
use std::sync::Arc;

use userhash_core::{Error, MemoryNonceStore, NonceStore, VerifiedIdentity, Verifier};

use crate::ffi::{boxed_out, bytes, read_items, source, take_box, target, text, text_out};
use crate::status::{catch, guard, userhash_status, Failure};
use crate::{userhash_param, userhash_str, OwnedText, USERHASH_MAX_ORG_ID_LEN};

/// Verifies signed widget URLs for one organization (opaque). Make it with
/// `userhash_verifier_new`, configure it with the `_set_` functions, free it
/// with `userhash_verifier_free`. Once configured, several threads may
/// verify with it at once (the nonce store is shared and atomic); the `_set_`
/// functions must not run while another thread uses it.
#[derive(Debug)]
pub struct userhash_verifier {
    inner: Verifier,
}

/// Who the widget's user is, once every check has passed. Every text is
/// NUL-terminated and `len` long. Made by `userhash_verifier_verify_url(_at)`,
/// read-only, freed with `userhash_verified_identity_free`.
#[repr(C)]
#[derive(Debug)]
pub struct userhash_verified_identity {
    /// The user's email, as signed: the identity to open the conversation of.
    pub email: userhash_str,
    /// The organization, the verifier's own.
    pub org_id: userhash_str,
    /// Unix time in milliseconds, when it was signed.
    pub timestamp_ms: u64,
    /// The nonce, now recorded by the nonce store.
    pub nonce: userhash_str,
    /// The display name; `name.ptr` is NULL when the URL had none. Not
    /// signed: show it, don't trust it.
    pub name: userhash_str,
    /// Every other parameter of the URL, sorted by key (UTF-8 byte order);
    /// NULL when `params_len` is 0. Not signed.
    pub params: *const userhash_param,
    /// How many `params` there are.
    pub params_len: usize,
    /// Which configured secret matched: 0 is the current one, higher ones
    /// are previous secrets still accepted during a rotation.
    pub key_index: usize,
}

#[repr(C)]
struct OwnedVerifiedIdentity {
    public: userhash_verified_identity,
    text: OwnedText,
    params: Vec<userhash_param>,
}

impl OwnedVerifiedIdentity {
    fn new(id: &VerifiedIdentity) -> Self {
        let mut text = OwnedText::default();
        let params: Vec<userhash_param> =
            id.params.iter().map(|(k, v)| userhash_param { key: text.keep(k), value: text.keep(v) }).collect();
        let public = userhash_verified_identity {
            email: text.keep(&id.email),
            org_id: text.keep(&id.org_id),
            timestamp_ms: id.timestamp_ms,
            nonce: text.keep(&id.nonce),
            name: id.name.as_deref().map_or(userhash_str::NONE, |n| text.keep(n)),
            params: if params.is_empty() { std::ptr::null() } else { params.as_ptr() },
            params_len: params.len(),
            key_index: id.key_index,
        };
        OwnedVerifiedIdentity { public, text, params }
    }
}

/// Makes a verifier for `org_id` that accepts `secrets` (`secrets_len` of
/// them; the current secret first, then previous ones still accepted during a
/// rotation; each at least `USERHASH_MIN_SECRET_LEN` bytes, copied and wiped
/// on free). It starts with the default tolerance
/// (`USERHASH_DEFAULT_TOLERANCE_MS`) and a memory nonce store of its own
/// (`USERHASH_DEFAULT_STORE_CAPACITY` live nonces). On failure `*out_verifier`
/// is NULL: `USERHASH_WEAK_SECRET`, `USERHASH_MALFORMED` (field "secret" for
/// an empty list, "org_id"), `USERHASH_INVALID_ARGUMENT`.
///
/// # Safety
/// `secrets` must point to `secrets_len` valid `userhash_str` (NULL only when
/// `secrets_len` is 0); `org_id` valid for `org_id_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn userhash_verifier_new(
    secrets: *const userhash_str,
    secrets_len: usize,
    org_id: *const c_char,
    org_id_len: usize,
    out_verifier: *mut *mut userhash_verifier,
) -> userhash_status {
    guard(|| {
        boxed_out(out_verifier, "out_verifier", || {
            let list = read_items(secrets, secrets_len, "secrets", |(i, s)| {
                bytes(s.ptr, s.len, format_args!("secrets[{i}]"))
            })?;
            let inner = Verifier::new(list, text(org_id, org_id_len, "org_id")?)?;
            Ok(userhash_verifier { inner })
        })
    })
}

/// Frees a verifier (and its own nonce store) and wipes its keys, then sets
/// `*verifier` to NULL; `verifier == NULL` or `*verifier == NULL` does nothing.
///
/// # Safety
/// `*verifier` must be NULL or a verifier from `userhash_verifier_new`, used
/// by no other thread.
#[no_mangle]
pub unsafe extern "C" fn userhash_verifier_free(verifier: *mut *mut userhash_verifier) {
    catch((), || drop(take_box::<_, userhash_verifier>(verifier)))
}

/// Accepts timestamps at most `tolerance_ms` from the clock, either way.
///
/// # Safety
/// `verifier` must be a live verifier that no other thread is using.
#[no_mangle]
pub unsafe extern "C" fn userhash_verifier_set_tolerance_ms(
    verifier: *mut userhash_verifier,
    tolerance_ms: u64,
) -> userhash_status {
    guard(|| {
        let v = target(verifier, "verifier")?;
        v.inner = v.inner.clone().with_tolerance_ms(tolerance_ms);
        Ok(())
    })
}

/// Sets the most a URL may have before the verifier refuses it unread with
/// `USERHASH_TOO_LARGE`: `max_url_len` bytes and `max_params` query
/// parameters (defaults `USERHASH_DEFAULT_MAX_URL_LEN` and
/// `USERHASH_DEFAULT_MAX_PARAMS`, far above any real widget URL).
///
/// # Safety
/// `verifier` must be a live verifier that no other thread is using.
#[no_mangle]
pub unsafe extern "C" fn userhash_verifier_set_limits(
    verifier: *mut userhash_verifier,
    max_url_len: usize,
    max_params: usize,
) -> userhash_status {
    guard(|| {
        let v = target(verifier, "verifier")?;
        v.inner = v.inner.clone().with_max_url_len(max_url_len).with_max_params(max_params);
        Ok(())
    })
}

/// Gives the verifier a new memory nonce store of its own that holds at most
/// `capacity` live nonces (0 refuses every URL with `USERHASH_STORE_FULL`).
/// Nonces remembered so far are forgotten.
///
/// # Safety
/// `verifier` must be a live verifier that no other thread is using.
#[no_mangle]
pub unsafe extern "C" fn userhash_verifier_set_memory_store(
    verifier: *mut userhash_verifier,
    capacity: usize,
) -> userhash_status {
    guard(|| {
        let v = target(verifier, "verifier")?;
        v.inner = v.inner.clone().with_nonce_store(Arc::new(MemoryNonceStore::new(capacity)));
        Ok(())
    })
}

/// A nonce store written by the application (its own database, a shared
/// cache), as a callback: record `(org_id, nonce)` until `expires_at_ms`
/// unless it is already there. `org_id` and `nonce` are NUL-terminated and
/// `_len` long; `now_ms` is the verifier's clock. Return 1 when the nonce was
/// new and is now recorded, 0 when it was already there (the URL is then
/// `USERHASH_REPLAYED`), anything else when the store cannot answer (the URL
/// is then refused with `USERHASH_STORE_UNAVAILABLE`: fail closed). It must
/// be atomic, and thread-safe if the verifier is used by several threads.
///
/// A single-use token verifier (`userhash_token_verifier_set_nonce_store`)
/// calls it the same way, with `jwt:` and its org (or its profile's name, for
/// a profile without an org) as `org_id`, the token's `jti` as `nonce`, and
/// the token's `exp` plus the leeway as `expires_at_ms`; a 0 makes the token
/// `USERHASH_REPLAYED`.
///
/// `org_id` and `nonce` are valid only during the call: copy what you keep.
/// The callback runs inside `userhash_verifier_verify_url(_at)` (or
/// `userhash_token_verifier_verify(_at)`), on the
/// calling thread, after the signature and freshness checks and with no lock
/// of the library held. It may call userhash (even verify with another or
/// the same verifier), but must not call a `_set_` function or `_free` on
/// the verifier it serves. It must return: a `longjmp` out of it, a C++
/// exception thrown through it, or a panic from a Go callback would cross
/// the library's Rust frames, which is undefined behaviour (catch it in the
/// callback and return -1 instead).
pub type userhash_nonce_check_fn = Option<
    unsafe extern "C" fn(
        context: *mut c_void,
        org_id: *const c_char,
        org_id_len: usize,
        nonce: *const c_char,
        nonce_len: usize,
        expires_at_ms: u64,
        now_ms: u64,
    ) -> c_int,
>;

struct CallbackStore {
    check: unsafe extern "C" fn(*mut c_void, *const c_char, usize, *const c_char, usize, u64, u64) -> c_int,
    context: *mut c_void,
}

// SAFETY: the only non-`Send` field is `context`, which the store never
// reads; it passes it to `check`, and the application promises (the `# Safety`
// of `userhash_verifier_set_nonce_store`) that `check` and `context` may be
// used from any thread that uses the verifier.
unsafe impl Send for CallbackStore {}
// SAFETY: as for `Send`: the store holds no state of its own, and the
// application promises that `check` may be called with `context` from several
// threads at once (a verifier is shared between threads).
unsafe impl Sync for CallbackStore {}

impl NonceStore for CallbackStore {
    fn check_and_insert(
        &self,
        org_id: &str,
        nonce: &str,
        expires_at_ms: u64,
        now_ms: u64,
    ) -> userhash_core::Result<bool> {
        // The field rules already passed: neither holds a NUL byte.
        let (Ok(org), Ok(n)) = (CString::new(org_id), CString::new(nonce)) else {
            return Err(Error::StoreUnavailable { reason: "a NUL byte in the org id or nonce".into() });
        };
        // SAFETY: `check` is not NULL (`callback_store` refused NULL) and is the
        // application's `userhash_nonce_check_fn`, called as its contract says:
        // with its own `context`, and each text as a pointer to `len` bytes
        // followed by a NUL, which `org` and `n` own until the call returns.
        let answer = unsafe {
            (self.check)(self.context, org.as_ptr(), org_id.len(), n.as_ptr(), nonce.len(), expires_at_ms, now_ms)
        };
        match answer {
            1 => Ok(true),
            0 => Ok(false),
            other => Err(Error::StoreUnavailable { reason: format!("the application's nonce store returned {other}") }),
        }
    }
}

/// Makes the verifier remember nonces through `check` (see
/// `userhash_nonce_check_fn`), called with `context` as its first argument.
/// `context` is the application's: it must stay valid until the verifier is
/// freed, and the library never frees it. `check` must not be NULL.
///
/// # Safety
/// `verifier` must be a live verifier that no other thread is using; `check`
/// and `context` must stay usable for the verifier's lifetime, from every
/// thread that verifies with it.
#[no_mangle]
pub unsafe extern "C" fn userhash_verifier_set_nonce_store(
    verifier: *mut userhash_verifier,
    check: userhash_nonce_check_fn,
    context: *mut c_void,
) -> userhash_status {
    guard(|| {
        let v = target(verifier, "verifier")?;
        v.inner = v.inner.clone().with_nonce_store(callback_store(check, context)?);
        Ok(())
    })
}

/// The application's callback as a nonce store; `check` must not be NULL.
pub(crate) fn callback_store(
    check: userhash_nonce_check_fn,
    context: *mut c_void,
) -> Result<Arc<dyn NonceStore>, Failure> {
    let check = check.ok_or_else(|| Failure::InvalidArgument("check is NULL".into()))?;
    Ok(Arc::new(CallbackStore { check, context }))
}

/// Verifies a widget URL (a full URL or a bare query string) against the
/// system clock; see `userhash_verifier_verify_url_at`.
///
/// # Safety
/// As `userhash_verifier_verify_url_at`.
#[no_mangle]
pub unsafe extern "C" fn userhash_verifier_verify_url(
    verifier: *const userhash_verifier,
    url: *const c_char,
    url_len: usize,
    out_identity: *mut *mut userhash_verified_identity,
) -> userhash_status {
    verify(verifier, url, url_len, None, out_identity)
}

/// Verifies a widget URL as if the clock read `now_ms` (Unix milliseconds).
/// The checks run in SPEC §3's order: parse (`USERHASH_MISSING`,
/// `USERHASH_DUPLICATE`, `USERHASH_MALFORMED`), org (`USERHASH_WRONG_ORG`),
/// signature against every secret (`USERHASH_MISMATCH`), freshness
/// (`USERHASH_EXPIRED`, `USERHASH_FROM_FUTURE`; see
/// `userhash_last_error_ms`), replay (`USERHASH_REPLAYED`,
/// `USERHASH_STORE_FULL`, `USERHASH_STORE_UNAVAILABLE`). On success
/// `*out_identity` is the verified identity, to free with
/// `userhash_verified_identity_free`; otherwise it is NULL and
/// `userhash_last_error_message()` says what to fix.
///
/// # Safety
/// `verifier` must be a live verifier; `url` valid for `url_len` bytes;
/// `out_identity` valid for one pointer.
#[no_mangle]
pub unsafe extern "C" fn userhash_verifier_verify_url_at(
    verifier: *const userhash_verifier,
    url: *const c_char,
    url_len: usize,
    now_ms: u64,
    out_identity: *mut *mut userhash_verified_identity,
) -> userhash_status {
    verify(verifier, url, url_len, Some(now_ms), out_identity)
}

unsafe fn verify(
    verifier: *const userhash_verifier,
    url: *const c_char,
    url_len: usize,
    now_ms: Option<u64>,
    out_identity: *mut *mut userhash_verified_identity,
) -> userhash_status {
    guard(|| {
        boxed_out(out_identity, "out_identity", || {
            let verifier = &source(verifier, "verifier")?.inner;
            let url = text(url, url_len, "url")?;
            let id = match now_ms {
                Some(now) => verifier.verify_url_at(url, now)?,
                None => verifier.verify_url(url)?,
            };
            Ok(OwnedVerifiedIdentity::new(&id))
        })
    })
}

/// Frees a verified identity and sets `*identity` to NULL; `identity == NULL`
/// or `*identity == NULL` does nothing.
///
/// # Safety
/// `*identity` must be NULL or come from `userhash_verifier_verify_url(_at)`.
#[no_mangle]
pub unsafe extern "C" fn userhash_verified_identity_free(identity: *mut *mut userhash_verified_identity) {
    catch((), || drop(take_box::<_, OwnedVerifiedIdentity>(identity)))
}

/// The org a widget URL claims, for a multi-tenant server to pick that org's
/// verifier; nothing is verified. Writes it, NUL-terminated, to `out_org_id`,
/// which must have `out_org_id_len >= USERHASH_MAX_ORG_ID_LEN + 1` bytes
/// (else `USERHASH_BUFFER_TOO_SMALL`, whatever the URL); it holds "" on
/// failure and may be the URL's own buffer (the URL is read first). Errors:
/// `USERHASH_MISSING`, `USERHASH_DUPLICATE`, `USERHASH_MALFORMED` (field
/// "org_id").
///
/// # Safety
/// `url` must be valid for `url_len` bytes; `out_org_id` for `out_org_id_len`.
#[no_mangle]
pub unsafe extern "C" fn userhash_org_id_of(
    url: *const c_char,
    url_len: usize,
    out_org_id: *mut c_char,
    out_org_id_len: usize,
) -> userhash_status {
    guard(|| {
        text_out(out_org_id, out_org_id_len, USERHASH_MAX_ORG_ID_LEN + 1, "out_org_id", || {
            Ok(userhash_core::org_id_of(text(url, url_len, "url")?)?)
        })
    })
}
