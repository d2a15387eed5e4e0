//! Scheme 3 (SPEC §8): the token signer a customer's backend makes identity
//! tokens (JWTs) with, HS256 or EdDSA.

use std::ffi::c_char;

use userhash_core::jwt::{SignerOptions, TokenSigner, TokenSubject};
use userhash_core::Secret;

use crate::ffi::{boxed_out, bytes, optional_text, source, string_out, take_box, text};
use crate::status::{catch, guard, userhash_status, Failure};
use crate::token::{profile_in, tristate_in, userhash_token_profile, userhash_tristate};
use crate::userhash_str;

/// Signs identity tokens with one key (opaque): HS256 (a shared secret) or
/// EdDSA (an Ed25519 private key). Make it with
/// `userhash_token_signer_new_hs256` or `_new_ed25519`, free it with
/// `userhash_token_signer_free`. It holds no mutable state: several threads
/// may sign with one at once.
#[derive(Debug)]
pub struct userhash_token_signer {
    inner: TokenSigner,
}

/// How a token signer writes its tokens. Each text is optional: `ptr` NULL
/// is none (its `len` is then not read). Zeroed (`= {0}`), it is the
/// `userhash` profile (which needs `org`) with the default lifetime.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct userhash_token_signer_options {
    /// Which claims name the user (`USERHASH_TOKEN_PROFILE_USERHASH`, ...).
    pub profile: userhash_token_profile,
    /// The header's `kid`, which selects the verifier's key (Zendesk: the
    /// key's `app_...` id); 1 to 256 bytes.
    pub kid: userhash_str,
    /// The `org` claim: required by the `userhash` profile, refused by the
    /// others (the org id's rules, SPEC §1.3).
    pub org: userhash_str,
    /// The `aud` claim, for a verifier that checks one.
    pub audience: userhash_str,
    /// The `iss` claim, for a verifier that checks one.
    pub issuer: userhash_str,
    /// `exp - iat` in seconds, 1 to `USERHASH_MAX_TOKEN_LIFETIME_S`; 0 means
    /// `USERHASH_DEFAULT_TOKEN_LIFETIME_S` (5 minutes, one page load).
    pub lifetime_s: u64,
}

/// Who a token is about. `user_id` is required; every other text is
/// optional (`ptr` NULL is none, its `len` then not read). Which claims a
/// profile has: see `userhash_token_profile`; a claim the profile lacks is
/// refused (`USERHASH_MALFORMED`, field "claims").
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct userhash_token_subject {
    /// The user's id, 1 to 1024 bytes: `sub`, `user_id` or `external_id`.
    pub user_id: userhash_str,
    /// `email` (profiles `userhash`, `intercom`, `zendesk`).
    pub email: userhash_str,
    /// `name` (profile `zendesk`).
    pub name: userhash_str,
    /// `email_verified` (profile `zendesk`); `USERHASH_TRISTATE_UNSET` leaves
    /// it out.
    pub email_verified: userhash_tristate,
    /// More claims, as the text of one JSON object (`{"plan":"pro"}`); none
    /// may be a registered claim (`iss`, `sub`, `aud`, `exp`, `nbf`, `iat`,
    /// `jti`) or one of the profile's.
    pub extra_claims_json: userhash_str,
}

/// The caller's options as the core's.
unsafe fn read_options(options: *const userhash_token_signer_options) -> Result<SignerOptions, Failure> {
    let o = source(options, "options")?;
    let owned = |s: &userhash_str, what: &str| Ok::<_, Failure>(optional_text(s, what)?.map(str::to_owned));
    let mut out = SignerOptions::new(profile_in(o.profile, "options->profile")?);
    out.kid = owned(&o.kid, "options->kid")?;
    out.org = owned(&o.org, "options->org")?;
    out.audience = owned(&o.audience, "options->audience")?;
    out.issuer = owned(&o.issuer, "options->issuer")?;
    if o.lifetime_s != 0 {
        out.lifetime_s = o.lifetime_s;
    }
    Ok(out)
}

/// The caller's subject as the core's.
unsafe fn read_subject(subject: *const userhash_token_subject) -> Result<TokenSubject, Failure> {
    let s = source(subject, "subject")?;
    let owned = |t: &userhash_str, what: &str| Ok::<_, Failure>(optional_text(t, what)?.map(str::to_owned));
    let mut out = TokenSubject::new(text(s.user_id.ptr, s.user_id.len, "subject->user_id")?);
    out.email = owned(&s.email, "subject->email")?;
    out.name = owned(&s.name, "subject->name")?;
    out.email_verified = tristate_in(s.email_verified, "subject->email_verified")?;
    out.extra_claims_json = owned(&s.extra_claims_json, "subject->extra_claims_json")?;
    Ok(out)
}

/// Makes an HS256 signer with `secret` (at least
/// `USERHASH_MIN_TOKEN_SECRET_LEN` bytes, else `USERHASH_WEAK_SECRET`; give
/// tokens a secret of their own, never the identifier hash's or the signed
/// identity's). The secret is copied, and wiped when the signer is freed.
/// Errors: `USERHASH_WEAK_SECRET`, `USERHASH_MALFORMED` (field "org_id",
/// "kid" or "claims": an option breaks its rule, e.g. the `userhash` profile
/// without an org), `USERHASH_INVALID_ARGUMENT`; `*out_signer` is then NULL.
///
/// # Safety
/// `secret` must be valid for `secret_len` bytes; `options` must point to
/// one `userhash_token_signer_options` whose texts are valid for their
/// lengths; `out_signer` valid for one pointer.
#[no_mangle]
pub unsafe extern "C" fn userhash_token_signer_new_hs256(
    secret: *const c_char,
    secret_len: usize,
    options: *const userhash_token_signer_options,
    out_signer: *mut *mut userhash_token_signer,
) -> userhash_status {
    guard(|| {
        boxed_out(out_signer, "out_signer", || {
            let secret = bytes(secret, secret_len, "secret")?;
            let options = read_options(options)?;
            Ok(userhash_token_signer { inner: TokenSigner::hs256(Secret::from(secret), options)? })
        })
    })
}

/// Makes an EdDSA signer with an Ed25519 private key given as text: a
/// PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`, as `openssl genpkey -algorithm
/// ed25519` and `userhash_ed25519_key_pair_generate` write it) or a private
/// JWK (`{"kty":"OKP","crv":"Ed25519","d":...}`). The key is copied, and
/// wiped when the signer is freed. Errors: `USERHASH_MALFORMED` (field "key"
/// for a key it cannot read, which the message never shows; or an option's
/// field), `USERHASH_INVALID_ARGUMENT`; `*out_signer` is then NULL.
///
/// # Safety
/// `private_key` must be valid for `private_key_len` bytes; `options` and
/// `out_signer` as `userhash_token_signer_new_hs256`.
#[no_mangle]
pub unsafe extern "C" fn userhash_token_signer_new_ed25519(
    private_key: *const c_char,
    private_key_len: usize,
    options: *const userhash_token_signer_options,
    out_signer: *mut *mut userhash_token_signer,
) -> userhash_status {
    guard(|| {
        boxed_out(out_signer, "out_signer", || {
            let private_key = text(private_key, private_key_len, "private_key")?;
            let options = read_options(options)?;
            Ok(userhash_token_signer { inner: TokenSigner::ed25519_from_text(private_key, options)? })
        })
    })
}

/// Frees a token signer and wipes its key, then sets `*signer` to NULL;
/// `signer == NULL` or `*signer == NULL` does nothing.
///
/// # Safety
/// `*signer` must be NULL or a signer from `userhash_token_signer_new_hs256`
/// or `_new_ed25519`, used by no other thread.
#[no_mangle]
pub unsafe extern "C" fn userhash_token_signer_free(signer: *mut *mut userhash_token_signer) {
    catch((), || drop(take_box::<_, userhash_token_signer>(signer)))
}

/// Signs a token for `subject` now, with a fresh random `jti` (a lowercase
/// UUID v4 from the operating system's CSPRNG): `*out_token` is the compact
/// JWS (`header.payload.signature`), NUL-terminated, to free with
/// `userhash_string_free`; `out_token_len` may be NULL, else it receives the
/// token's length. Both are NULL and 0 on failure: `USERHASH_MALFORMED`
/// (field "claims": a claim breaks its rule or is not in the profile),
/// `USERHASH_TOO_LARGE` (a token past `USERHASH_DEFAULT_MAX_TOKEN_LEN`
/// bytes, which a default verifier would refuse unread),
/// `USERHASH_INVALID_ARGUMENT`.
///
/// # Safety
/// `signer` must be a live signer; `subject` must point to one
/// `userhash_token_subject` whose texts are valid for their lengths;
/// `out_token` valid for one pointer; `out_token_len` NULL or valid for one
/// `size_t`.
#[no_mangle]
pub unsafe extern "C" fn userhash_token_signer_sign(
    signer: *const userhash_token_signer,
    subject: *const userhash_token_subject,
    out_token: *mut *mut c_char,
    out_token_len: *mut usize,
) -> userhash_status {
    guard(|| {
        string_out(out_token, out_token_len, "out_token", || {
            let signer = &source(signer, "signer")?.inner;
            Ok(signer.sign(&read_subject(subject)?)?)
        })
    })
}

/// Like `userhash_token_signer_sign`, issued at `now_ms` (Unix
/// milliseconds; `iat` is its whole seconds) with the given `jti` (8 to 128
/// characters of `A-Z a-z 0-9 - _ . ~`): for tests and apps with their own
/// clock. The same inputs give the same token, byte for byte. A `jti` used
/// twice makes the second token a replay for a single-use verifier.
///
/// # Safety
/// As `userhash_token_signer_sign`; `jti` valid for `jti_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn userhash_token_signer_sign_at(
    signer: *const userhash_token_signer,
    subject: *const userhash_token_subject,
    now_ms: u64,
    jti: *const c_char,
    jti_len: usize,
    out_token: *mut *mut c_char,
    out_token_len: *mut usize,
) -> userhash_status {
    guard(|| {
        string_out(out_token, out_token_len, "out_token", || {
            let signer = &source(signer, "signer")?.inner;
            let subject = read_subject(subject)?;
            Ok(signer.sign_at(&subject, now_ms, text(jti, jti_len, "jti")?)?)
        })
    })
}
