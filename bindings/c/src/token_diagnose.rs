//! Why a token verifier refuses a token (SPEC §6 for tokens): the usual
//! mistakes, each named with how to fix it.

use std::ffi::{c_char, CStr};

use userhash_core::jwt::{TokenCause, TokenDiagnosis};

use crate::ffi::{boxed_out, take_box, text};
use crate::status::{catch, guard, status_of, userhash_status};
use crate::token_verifier::{inner, userhash_token_verifier};
use crate::{userhash_str, OwnedText};

/// One usual mistake that explains a refused token.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct userhash_token_cause {
    /// The cause's name, the same in every binding: "BearerPrefix",
    /// "Truncated", "SecretEncoding", "MillisecondsForSeconds" or
    /// "WrongKeyForKid". Static.
    pub name: *const c_char,
    /// What happened and how to fix it (never a secret).
    pub message: userhash_str,
    /// Whether the cause is about one configured key (`SecretEncoding`,
    /// `WrongKeyForKid`).
    pub has_key_index: bool,
    /// That key's index in the verifier's list, when `has_key_index`; 0
    /// otherwise.
    pub key_index: usize,
}

/// What `userhash_token_diagnose(_at)` found. Its texts are NUL-terminated;
/// read-only; freed with `userhash_token_diagnosis_free`.
#[repr(C)]
#[derive(Debug)]
pub struct userhash_token_diagnosis {
    /// "Valid" (the token verifies under these keys and options at this
    /// time), "Explained" (`causes` explain the refusal) or "Unexplained"
    /// (no usual cause does). Static.
    pub name: *const c_char,
    /// The whole diagnosis as one sentence to show: what to fix (never a secret).
    pub message: userhash_str,
    /// The causes found, the main one first; NULL when `causes_len` is 0
    /// (always so unless "Explained").
    pub causes: *const userhash_token_cause,
    /// How many `causes` there are.
    pub causes_len: usize,
    /// For "Unexplained", the verifier's refusal (e.g. `USERHASH_MISMATCH`:
    /// another secret or key altogether); `USERHASH_OK` otherwise.
    pub error: userhash_status,
}

#[repr(C)]
struct OwnedDiagnosis {
    public: userhash_token_diagnosis,
    text: OwnedText,
    causes: Vec<userhash_token_cause>,
}

fn static_name(name: &str) -> &'static CStr {
    match name {
        "Valid" => c"Valid",
        "Explained" => c"Explained",
        "Unexplained" => c"Unexplained",
        "BearerPrefix" => c"BearerPrefix",
        "Truncated" => c"Truncated",
        "SecretEncoding" => c"SecretEncoding",
        "MillisecondsForSeconds" => c"MillisecondsForSeconds",
        "WrongKeyForKid" => c"WrongKeyForKid",
        _ => c"Unknown",
    }
}

impl OwnedDiagnosis {
    fn new(d: &TokenDiagnosis) -> Self {
        let mut text = OwnedText::default();
        let causes: Vec<userhash_token_cause> = d
            .causes()
            .iter()
            .map(|c: &TokenCause| userhash_token_cause {
                name: static_name(c.name()).as_ptr(),
                message: text.keep(&c.to_string()),
                has_key_index: c.key_index().is_some(),
                key_index: c.key_index().unwrap_or(0),
            })
            .collect();
        let public = userhash_token_diagnosis {
            name: static_name(d.name()).as_ptr(),
            message: text.keep(&d.to_string()),
            causes: if causes.is_empty() { std::ptr::null() } else { causes.as_ptr() },
            causes_len: causes.len(),
            error: match d {
                TokenDiagnosis::Unexplained { error } => status_of(error),
                _ => userhash_status::USERHASH_OK,
            },
        };
        OwnedDiagnosis { public, text, causes }
    }
}

/// Why `verifier` refuses `token` now; see `userhash_token_diagnose_at`.
///
/// # Safety
/// As `userhash_token_diagnose_at`.
#[no_mangle]
pub unsafe extern "C" fn userhash_token_diagnose(
    verifier: *const userhash_token_verifier,
    token: *const c_char,
    token_len: usize,
    out_diagnosis: *mut *mut userhash_token_diagnosis,
) -> userhash_status {
    diagnose(verifier, token, token_len, None, out_diagnosis)
}

/// Why `verifier` would refuse `token` at `now_ms` (Unix milliseconds), for a
/// developer's error page or a support tool: the usual mistakes tried in
/// turn (a `Bearer ` prefix, a token cut by a URL or a log line, a secret
/// used as its base64 text instead of its bytes or the reverse, `exp` in
/// milliseconds, the wrong key for its kid). `*out_diagnosis` is the
/// result, to free with `userhash_token_diagnosis_free` (NULL on failure,
/// which is only `USERHASH_INVALID_ARGUMENT`: a refused token is a
/// diagnosis, not an error). Nothing is recorded in the nonce store, and no
/// secret appears in any text.
///
/// # Safety
/// `verifier` must be a live verifier; `token` valid for `token_len` bytes;
/// `out_diagnosis` valid for one pointer.
#[no_mangle]
pub unsafe extern "C" fn userhash_token_diagnose_at(
    verifier: *const userhash_token_verifier,
    token: *const c_char,
    token_len: usize,
    now_ms: u64,
    out_diagnosis: *mut *mut userhash_token_diagnosis,
) -> userhash_status {
    diagnose(verifier, token, token_len, Some(now_ms), out_diagnosis)
}

unsafe fn diagnose(
    verifier: *const userhash_token_verifier,
    token: *const c_char,
    token_len: usize,
    now_ms: Option<u64>,
    out_diagnosis: *mut *mut userhash_token_diagnosis,
) -> userhash_status {
    guard(|| {
        boxed_out(out_diagnosis, "out_diagnosis", || {
            let verifier = inner(verifier)?;
            let token = text(token, token_len, "token")?;
            let diagnosis = match now_ms {
                Some(now) => verifier.diagnose_at(token, now),
                None => verifier.diagnose(token),
            };
            Ok(OwnedDiagnosis::new(&diagnosis))
        })
    })
}

/// Frees a diagnosis and sets `*diagnosis` to NULL; `diagnosis == NULL` or
/// `*diagnosis == NULL` does nothing.
///
/// # Safety
/// `*diagnosis` must be NULL or come from `userhash_token_diagnose(_at)`.
#[no_mangle]
pub unsafe extern "C" fn userhash_token_diagnosis_free(diagnosis: *mut *mut userhash_token_diagnosis) {
    catch((), || drop(take_box::<_, OwnedDiagnosis>(diagnosis)))
}
