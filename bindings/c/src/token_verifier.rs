//! Scheme 3 (SPEC §8): the token verifier a widget's server checks identity
//! tokens with, its keys, and the verified token it returns.

use std::ffi::{c_char, c_void};
use std::sync::Arc;

use userhash_core::jwt::{TokenKey, TokenVerifier, VerifiedToken, VerifierOptions};
use userhash_core::{MemoryNonceStore, NonceStore, Secret};

use crate::ffi::{boxed_out, bytes, optional_arg, optional_text, read_items, source, take_box, target, text};
use crate::status::{catch, guard, userhash_status, Failure};
use crate::token::{
    algorithm_out, profile_in, profile_out, tristate_out, userhash_token_algorithm, userhash_token_profile,
    userhash_tristate,
};
use crate::verify::{callback_store, userhash_nonce_check_fn};
use crate::{userhash_str, OwnedText};

/// One entry of a token verifier's key list: an HS256 secret or Ed25519
/// public key text, exactly one of the two (the other's `ptr` NULL), and
/// its `kid`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct userhash_token_key {
    /// An HS256 secret's bytes (at least `USERHASH_MIN_TOKEN_SECRET_LEN`), or
    /// `ptr` NULL. Copied, and wiped when the verifier is freed.
    pub hs256_secret: userhash_str,
    /// Ed25519 public keys as text, or `ptr` NULL: an SPKI PEM (`-----BEGIN
    /// PUBLIC KEY-----`), a public JWK, or a JWK Set (`{"keys":[...]}`,
    /// which adds each of its keys in its order). A private key is refused:
    /// the widget's server needs the public key only.
    pub public_key: userhash_str,
    /// The `kid` tokens select this key by, or `ptr` NULL for none (a token
    /// without a kid is tried against every key of its algorithm). A JWK's
    /// own `kid` wins over this one; with a JWK Set it must be NULL (each
    /// key has its own).
    pub kid: userhash_str,
}

/// Verifies identity tokens under a fixed list of keys (opaque). Make it with
/// `userhash_token_verifier_new`, configure it with the `_set_` functions,
/// free it with `userhash_token_verifier_free`. Once configured, several
/// threads may verify with it at once (the nonce store is shared and
/// atomic); the `_set_` functions must not run while another thread uses it.
pub struct userhash_token_verifier {
    inner: TokenVerifier,
    /// Where `jti`s go; kept here because every `_set_` rebuilds `inner`.
    store: Arc<dyn NonceStore>,
}

// By hand: a `dyn NonceStore` has no `Debug` (the application's store need not).
impl std::fmt::Debug for userhash_token_verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("userhash_token_verifier").field("inner", &self.inner).finish_non_exhaustive()
    }
}

impl userhash_token_verifier {
    /// The verifier with `change` made to its options; unchanged if the core
    /// refuses the result.
    fn reconfigure(&mut self, change: impl FnOnce(&mut VerifierOptions)) -> Result<(), Failure> {
        let mut options = self.inner.options().clone();
        change(&mut options);
        let inner = TokenVerifier::new(self.inner.keys().to_vec(), options)?;
        self.inner = inner.with_nonce_store(self.store.clone());
        Ok(())
    }

    fn set_store(&mut self, store: Arc<dyn NonceStore>) {
        self.inner = self.inner.clone().with_nonce_store(store.clone());
        self.store = store;
    }
}

/// A token that passed every check. Every text is NUL-terminated and `len`
/// long; an optional one has `ptr` NULL when the token lacks it. Times are
/// seconds since 1970. Made by `userhash_token_verifier_verify(_at)`,
/// read-only, freed with `userhash_verified_token_free`.
#[repr(C)]
#[derive(Debug)]
pub struct userhash_verified_token {
    /// The verifier's profile, which named the claims below.
    pub profile: userhash_token_profile,
    /// The profile's user id claim (`sub`, `user_id` or `external_id`).
    pub user_id: userhash_str,
    /// `email`, if the token has one.
    pub email: userhash_str,
    /// `name`, if the token has one.
    pub name: userhash_str,
    /// `email_verified`: `USERHASH_TRISTATE_UNSET` when the token lacks it.
    pub email_verified: userhash_tristate,
    /// `org` (`userhash` profile): the verifier's own.
    pub org: userhash_str,
    /// Whether the token has an `iat`.
    pub has_issued_at: bool,
    /// `iat`, when `has_issued_at`; 0 otherwise.
    pub issued_at: u64,
    /// `exp`.
    pub expires_at: u64,
    /// `jti`, if the token has one (a single-use verifier requires it).
    pub jti: userhash_str,
    /// The header's `kid`, if any.
    pub kid: userhash_str,
    /// Which of the verifier's keys matched: 0 is the first configured (a
    /// JWK Set counts as each of its keys).
    pub key_index: usize,
    /// The algorithm, fixed by that key.
    pub algorithm: userhash_token_algorithm,
    /// The whole payload as received (the JSON text of one object): every
    /// claim, extra ones included.
    pub claims_json: userhash_str,
}

#[repr(C)]
struct OwnedVerifiedToken {
    public: userhash_verified_token,
    text: OwnedText,
}

impl OwnedVerifiedToken {
    fn new(t: &VerifiedToken) -> Self {
        let mut text = OwnedText::default();
        let mut optional = |value: &Option<String>| value.as_deref().map_or(userhash_str::NONE, |v| text.keep(v));
        let (email, name, org, jti, kid) =
            (optional(&t.email), optional(&t.name), optional(&t.org), optional(&t.jti), optional(&t.kid));
        let public = userhash_verified_token {
            profile: profile_out(t.profile),
            user_id: text.keep(&t.user_id),
            email,
            name,
            email_verified: tristate_out(t.email_verified),
            org,
            has_issued_at: t.issued_at.is_some(),
            issued_at: t.issued_at.unwrap_or(0),
            expires_at: t.expires_at,
            jti,
            kid,
            key_index: t.key_index,
            algorithm: algorithm_out(t.algorithm),
            claims_json: text.keep(&t.claims_json),
        };
        OwnedVerifiedToken { public, text }
    }
}

/// The caller's key list as the core's keys, in order. Every entry's
/// pointers are checked before any key is made.
unsafe fn read_keys(keys: *const userhash_token_key, keys_len: usize) -> Result<Vec<TokenKey>, Failure> {
    enum Entry<'a> {
        Hs256(&'a [u8], Option<&'a str>),
        Public(&'a str, Option<&'a str>),
    }
    let entries = read_items(keys, keys_len, "keys", |(i, k)| {
        let kid = optional_text(&k.kid, format_args!("keys[{i}].kid"))?;
        match (k.hs256_secret.ptr.is_null(), k.public_key.ptr.is_null()) {
            (false, true) => Ok(Entry::Hs256(
                bytes(k.hs256_secret.ptr, k.hs256_secret.len, format_args!("keys[{i}].hs256_secret"))?,
                kid,
            )),
            (true, false) => {
                Ok(Entry::Public(text(k.public_key.ptr, k.public_key.len, format_args!("keys[{i}].public_key"))?, kid))
            }
            (true, true) => Err(Failure::InvalidArgument(format!(
                "keys[{i}] has neither hs256_secret nor public_key: set one (the other's ptr NULL)"
            ))),
            (false, false) => Err(Failure::InvalidArgument(format!(
                "keys[{i}] has both hs256_secret and public_key: set one (the other's ptr NULL), and make two \
                 entries for two keys"
            ))),
        }
    })?;
    let mut out = Vec::with_capacity(entries.len());
    for entry in entries {
        match entry {
            Entry::Hs256(secret, kid) => out.push(TokenKey::hs256(Secret::from(secret), kid)?),
            Entry::Public(text, kid) => out.extend(TokenKey::parse_public(text, kid)?),
        }
    }
    Ok(out)
}

/// Makes a token verifier that accepts tokens of `profile` signed by any of
/// `keys` (`keys_len` of them: the current key first, then any previous
/// ones still accepted during a rotation; `kid` picks one). `org` (NULL for
/// none) is the org a `userhash` token must name: required by that profile,
/// refused by the others. It starts with the core's defaults: a leeway of
/// `USERHASH_DEFAULT_TOKEN_LEEWAY_S`, tokens living at most
/// `USERHASH_DEFAULT_MAX_TOKEN_LIFETIME_S` and at most
/// `USERHASH_DEFAULT_MAX_TOKEN_LEN` bytes long, no audience or issuer, not
/// single use, and a memory nonce store of its own. On failure
/// `*out_verifier` is NULL: `USERHASH_WEAK_SECRET` (an HS256 secret under
/// `USERHASH_MIN_TOKEN_SECRET_LEN` bytes), `USERHASH_MALFORMED` (field
/// "key": no key, a key it cannot read, a private key; "kid": two keys with
/// one kid; "org_id"), `USERHASH_INVALID_ARGUMENT`. No message shows a
/// secret or a key.
///
/// # Safety
/// `keys` must point to `keys_len` valid `userhash_token_key` (NULL only
/// when `keys_len` is 0), each text valid for its length; `org` NULL or
/// valid for `org_len` bytes; `out_verifier` valid for one pointer.
#[no_mangle]
pub unsafe extern "C" fn userhash_token_verifier_new(
    keys: *const userhash_token_key,
    keys_len: usize,
    profile: userhash_token_profile,
    org: *const c_char,
    org_len: usize,
    out_verifier: *mut *mut userhash_token_verifier,
) -> userhash_status {
    guard(|| {
        boxed_out(out_verifier, "out_verifier", || {
            let profile = profile_in(profile, "profile")?;
            let org = optional_arg(org, org_len, "org")?;
            let keys = read_keys(keys, keys_len)?;
            let mut options = VerifierOptions::new(profile);
            options.org = org.map(str::to_owned);
            let store: Arc<dyn NonceStore> = Arc::new(MemoryNonceStore::default());
            let inner = TokenVerifier::new(keys, options)?.with_nonce_store(store.clone());
            Ok(userhash_token_verifier { inner, store })
        })
    })
}

/// Frees a token verifier (and its own nonce store) and wipes its secrets,
/// then sets `*verifier` to NULL; `verifier == NULL` or `*verifier == NULL`
/// does nothing.
///
/// # Safety
/// `*verifier` must be NULL or come from `userhash_token_verifier_new`, used
/// by no other thread.
#[no_mangle]
pub unsafe extern "C" fn userhash_token_verifier_free(verifier: *mut *mut userhash_token_verifier) {
    catch((), || drop(take_box::<_, userhash_token_verifier>(verifier)))
}

/// Runs one setter: the verifier, then `change` to its options.
unsafe fn set(
    verifier: *mut userhash_token_verifier,
    change: impl FnOnce(&mut userhash_token_verifier) -> Result<(), Failure>,
) -> userhash_status {
    guard(|| change(target(verifier, "verifier")?))
}

/// Requires tokens to name `audience` in `aud` (1 to 256 bytes); NULL
/// accepts only tokens without an `aud` (the default). A token that lacks
/// the audience is then `USERHASH_MISSING_CLAIM`, one for another is
/// `USERHASH_WRONG_AUDIENCE`. On failure the verifier is unchanged.
///
/// # Safety
/// `verifier` must be a live verifier that no other thread is using;
/// `audience` NULL or valid for `audience_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn userhash_token_verifier_set_audience(
    verifier: *mut userhash_token_verifier,
    audience: *const c_char,
    audience_len: usize,
) -> userhash_status {
    set(verifier, |v| {
        let audience = optional_arg(audience, audience_len, "audience")?.map(str::to_owned);
        v.reconfigure(|o| o.audience = audience)
    })
}

/// Requires tokens to have `iss` equal to `issuer` (1 to 256 bytes); NULL
/// does not check `iss` (the default). On failure the verifier is unchanged.
///
/// # Safety
/// `verifier` must be a live verifier that no other thread is using;
/// `issuer` NULL or valid for `issuer_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn userhash_token_verifier_set_issuer(
    verifier: *mut userhash_token_verifier,
    issuer: *const c_char,
    issuer_len: usize,
) -> userhash_status {
    set(verifier, |v| {
        let issuer = optional_arg(issuer, issuer_len, "issuer")?.map(str::to_owned);
        v.reconfigure(|o| o.issuer = issuer)
    })
}

/// Allows `leeway_s` seconds of clock skew on `exp`, `nbf` and `iat`
/// (default `USERHASH_DEFAULT_TOKEN_LEEWAY_S`).
///
/// # Safety
/// `verifier` must be a live verifier that no other thread is using.
#[no_mangle]
pub unsafe extern "C" fn userhash_token_verifier_set_leeway_s(
    verifier: *mut userhash_token_verifier,
    leeway_s: u64,
) -> userhash_status {
    set(verifier, |v| v.reconfigure(|o| o.leeway_s = leeway_s))
}

/// Refuses tokens that live longer than `max_lifetime_s` seconds (`exp -
/// iat`) with `USERHASH_LIFETIME_TOO_LONG` (default
/// `USERHASH_DEFAULT_MAX_TOKEN_LIFETIME_S`).
///
/// # Safety
/// `verifier` must be a live verifier that no other thread is using.
#[no_mangle]
pub unsafe extern "C" fn userhash_token_verifier_set_max_lifetime_s(
    verifier: *mut userhash_token_verifier,
    max_lifetime_s: u64,
) -> userhash_status {
    set(verifier, |v| v.reconfigure(|o| o.max_lifetime_s = max_lifetime_s))
}

/// Refuses tokens longer than `max_token_len` bytes unread, with
/// `USERHASH_TOO_LARGE` (field "max_token_len"; default
/// `USERHASH_DEFAULT_MAX_TOKEN_LEN`, far above any identity token).
///
/// # Safety
/// `verifier` must be a live verifier that no other thread is using.
#[no_mangle]
pub unsafe extern "C" fn userhash_token_verifier_set_max_token_len(
    verifier: *mut userhash_token_verifier,
    max_token_len: usize,
) -> userhash_status {
    set(verifier, |v| v.reconfigure(|o| o.max_token_len = max_token_len))
}

/// Accepts each token once (`single_use` true): its `jti` is recorded in the
/// nonce store until the token expires, a second use is
/// `USERHASH_REPLAYED`, and a token without `jti` is
/// `USERHASH_MISSING_CLAIM`. Off by default.
///
/// # Safety
/// `verifier` must be a live verifier that no other thread is using.
#[no_mangle]
pub unsafe extern "C" fn userhash_token_verifier_set_single_use(
    verifier: *mut userhash_token_verifier,
    single_use: bool,
) -> userhash_status {
    set(verifier, |v| v.reconfigure(|o| o.single_use = single_use))
}

/// Gives the verifier a new memory nonce store of its own that holds at most
/// `capacity` live `jti`s (0 refuses every single-use token with
/// `USERHASH_STORE_FULL`). Those remembered so far are forgotten.
///
/// # Safety
/// `verifier` must be a live verifier that no other thread is using.
#[no_mangle]
pub unsafe extern "C" fn userhash_token_verifier_set_memory_store(
    verifier: *mut userhash_token_verifier,
    capacity: usize,
) -> userhash_status {
    set(verifier, |v| {
        v.set_store(Arc::new(MemoryNonceStore::new(capacity)));
        Ok(())
    })
}

/// Makes a single-use verifier remember `jti`s through `check` (see
/// `userhash_nonce_check_fn`, which says what it is called with for a
/// token), called with `context` as its first argument. `context` is the
/// application's: it must stay valid until the verifier is freed, and the
/// library never frees it. `check` must not be NULL.
///
/// # Safety
/// `verifier` must be a live verifier that no other thread is using; `check`
/// and `context` must stay usable for the verifier's lifetime, from every
/// thread that verifies with it.
#[no_mangle]
pub unsafe extern "C" fn userhash_token_verifier_set_nonce_store(
    verifier: *mut userhash_token_verifier,
    check: userhash_nonce_check_fn,
    context: *mut c_void,
) -> userhash_status {
    set(verifier, |v| {
        v.set_store(callback_store(check, context)?);
        Ok(())
    })
}

/// Verifies a token against the system clock; see
/// `userhash_token_verifier_verify_at`.
///
/// # Safety
/// As `userhash_token_verifier_verify_at`.
#[no_mangle]
pub unsafe extern "C" fn userhash_token_verifier_verify(
    verifier: *const userhash_token_verifier,
    token: *const c_char,
    token_len: usize,
    out_token: *mut *mut userhash_verified_token,
) -> userhash_status {
    verify(verifier, token, token_len, None, out_token)
}

/// Verifies a token (the compact JWS alone: strip a `Bearer ` prefix first)
/// as if the clock read `now_ms` (Unix milliseconds). The checks run in
/// SPEC §8's order: form (`USERHASH_TOO_LARGE` unread, `USERHASH_MALFORMED`
/// field "token", `USERHASH_ALGORITHM_REFUSED` for `none` or `crit`), key
/// (`USERHASH_UNKNOWN_KEY` for a kid it does not have,
/// `USERHASH_ALGORITHM_REFUSED` for an algorithm its key does not have),
/// signature (`USERHASH_MISMATCH`), claims (`USERHASH_MISSING_CLAIM`,
/// `USERHASH_MALFORMED` field "claims"), org, audience and issuer
/// (`USERHASH_WRONG_AUDIENCE`), time (`USERHASH_EXPIRED`,
/// `USERHASH_FROM_FUTURE`, with `userhash_last_error_ms`;
/// `USERHASH_LIFETIME_TOO_LONG`), then, if single use, the nonce store
/// (`USERHASH_REPLAYED`, `USERHASH_STORE_FULL`,
/// `USERHASH_STORE_UNAVAILABLE`). On success `*out_token` is the verified
/// token, to free with `userhash_verified_token_free`; otherwise it is NULL
/// and `userhash_last_error_message()` says what to fix
/// (`userhash_token_diagnose_at` names the usual causes).
///
/// # Safety
/// `verifier` must be a live verifier; `token` valid for `token_len` bytes;
/// `out_token` valid for one pointer.
#[no_mangle]
pub unsafe extern "C" fn userhash_token_verifier_verify_at(
    verifier: *const userhash_token_verifier,
    token: *const c_char,
    token_len: usize,
    now_ms: u64,
    out_token: *mut *mut userhash_verified_token,
) -> userhash_status {
    verify(verifier, token, token_len, Some(now_ms), out_token)
}

unsafe fn verify(
    verifier: *const userhash_token_verifier,
    token: *const c_char,
    token_len: usize,
    now_ms: Option<u64>,
    out_token: *mut *mut userhash_verified_token,
) -> userhash_status {
    guard(|| {
        boxed_out(out_token, "out_token", || {
            let verifier = &source(verifier, "verifier")?.inner;
            let token = text(token, token_len, "token")?;
            let verified = match now_ms {
                Some(now) => verifier.verify_at(token, now)?,
                None => verifier.verify(token)?,
            };
            Ok(OwnedVerifiedToken::new(&verified))
        })
    })
}

/// Frees a verified token and sets `*token` to NULL; `token == NULL` or
/// `*token == NULL` does nothing.
///
/// # Safety
/// `*token` must be NULL or come from `userhash_token_verifier_verify(_at)`.
#[no_mangle]
pub unsafe extern "C" fn userhash_verified_token_free(token: *mut *mut userhash_verified_token) {
    catch((), || drop(take_box::<_, OwnedVerifiedToken>(token)))
}

/// The core's verifier behind a handle, for diagnose.
///
/// # Safety
/// A non-NULL `verifier` must be a live verifier.
pub(crate) unsafe fn inner<'a>(verifier: *const userhash_token_verifier) -> Result<&'a TokenVerifier, Failure> {
    Ok(&source(verifier, "verifier")?.inner)
}
