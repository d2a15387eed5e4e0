//! Status codes, their fixed messages, and the calling thread's last error.
//!
//! Every fallible entry point runs inside [`guard`]: a panic is caught and
//! becomes `USERHASH_INTERNAL`, and the outcome (with the core's detailed
//! message) is kept per thread for `userhash_last_error_*`.

use std::any::Any;
use std::cell::RefCell;
use std::ffi::{c_char, c_int, CStr, CString};
use std::panic::{self, AssertUnwindSafe};

use userhash_core::Error;

/// What every fallible function returns: `USERHASH_OK` (0) or why it failed.
///
/// The codes from `USERHASH_WEAK_SECRET` to `USERHASH_STORE_UNAVAILABLE`, and
/// from `USERHASH_TOO_LARGE` on, are the error variants of SPEC.md; `12` to `14` are
/// the C API's own. The numbers are stable: a new variant gets the next one. `userhash_status_message` gives a fixed
/// sentence for a code, `userhash_last_error_message` the detailed message of
/// the calling thread's last failed call.
#[repr(C)]
#[allow(non_camel_case_types)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum userhash_status {
    /// Success.
    USERHASH_OK = 0,
    /// `WeakSecret`: a secret shorter than `USERHASH_MIN_SECRET_LEN` bytes.
    USERHASH_WEAK_SECRET = 1,
    /// `Malformed`: an input breaks a field rule (which field:
    /// `userhash_last_error_field`).
    USERHASH_MALFORMED = 2,
    /// `Missing`: a signed parameter is absent from the URL.
    USERHASH_MISSING = 3,
    /// `Duplicate`: a parameter appears more than once in the URL.
    USERHASH_DUPLICATE = 4,
    /// `WrongOrg`: the URL is for another organization than the verifier's.
    USERHASH_WRONG_ORG = 5,
    /// `Mismatch`: no configured secret produces the received hash.
    USERHASH_MISMATCH = 6,
    /// `Expired`: the timestamp is older than the tolerance allows.
    USERHASH_EXPIRED = 7,
    /// `FromFuture`: the timestamp is further ahead than the tolerance allows.
    USERHASH_FROM_FUTURE = 8,
    /// `Replayed`: the nonce was already used within its window.
    USERHASH_REPLAYED = 9,
    /// `StoreFull`: the memory nonce store is full of live nonces.
    USERHASH_STORE_FULL = 10,
    /// `StoreUnavailable`: the nonce store could not answer (fail closed).
    USERHASH_STORE_UNAVAILABLE = 11,
    /// A NULL pointer, a length too large for memory, or text that is not UTF-8.
    USERHASH_INVALID_ARGUMENT = 12,
    /// An output buffer is smaller than the function's documented minimum.
    USERHASH_BUFFER_TOO_SMALL = 13,
    /// A bug in userhash (a caught panic); the message says where.
    USERHASH_INTERNAL = 14,
    /// `TooLarge`: the URL is longer, or has more parameters, than the
    /// verifier reads before checking the signature, or a token is longer
    /// than its verifier's `max_token_len` (`userhash_last_error_field`
    /// names the limit: "max_url_len", "max_params" or "max_token_len").
    USERHASH_TOO_LARGE = 15,
    /// `UnknownKey`: a token's kid names no key of the verifier.
    USERHASH_UNKNOWN_KEY = 16,
    /// `AlgorithmRefused`: a token's alg is not its key's (`none`, switching).
    USERHASH_ALGORITHM_REFUSED = 17,
    /// `MissingClaim`: a token lacks a claim the verifier requires.
    USERHASH_MISSING_CLAIM = 18,
    /// `WrongAudience`: a token is for another org, audience or issuer.
    USERHASH_WRONG_AUDIENCE = 19,
    /// `LifetimeTooLong`: a token lives longer than the verifier's maximum.
    USERHASH_LIFETIME_TOO_LONG = 20,
}

use userhash_status::*;

/// Why a call failed, before it is turned into a status and a message.
pub(crate) enum Failure {
    Core(Error),
    InvalidArgument(String),
    BufferTooSmall { what: &'static str, given: usize, needed: usize },
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Core(e)
    }
}

pub(crate) type Outcome = Result<(), Failure>;

pub(crate) fn status_of(e: &Error) -> userhash_status {
    match e {
        Error::WeakSecret { .. } => USERHASH_WEAK_SECRET,
        Error::Malformed { .. } => USERHASH_MALFORMED,
        Error::Missing { .. } => USERHASH_MISSING,
        Error::Duplicate { .. } => USERHASH_DUPLICATE,
        Error::WrongOrg { .. } => USERHASH_WRONG_ORG,
        Error::Mismatch => USERHASH_MISMATCH,
        Error::Expired { .. } => USERHASH_EXPIRED,
        Error::FromFuture { .. } => USERHASH_FROM_FUTURE,
        Error::Replayed => USERHASH_REPLAYED,
        Error::StoreFull { .. } => USERHASH_STORE_FULL,
        Error::StoreUnavailable { .. } => USERHASH_STORE_UNAVAILABLE,
        Error::TooLarge { .. } => USERHASH_TOO_LARGE,
        Error::UnknownKey { .. } => USERHASH_UNKNOWN_KEY,
        Error::AlgorithmRefused { .. } => USERHASH_ALGORITHM_REFUSED,
        Error::MissingClaim { .. } => USERHASH_MISSING_CLAIM,
        Error::WrongAudience { .. } => USERHASH_WRONG_AUDIENCE,
        Error::LifetimeTooLong { .. } => USERHASH_LIFETIME_TOO_LONG,
        // No catch-all: the core's Error is exhaustive, so a new variant stops
        // this build until it has a status of its own.
    }
}

/// The calling thread's last outcome, kept for `userhash_last_error_*`.
struct LastError {
    status: userhash_status,
    message: CString,
    field: Option<CString>,
    ms: u64,
}

thread_local! {
    static LAST_ERROR: RefCell<Option<LastError>> = const { RefCell::new(None) };
}

/// A C string of any text: a NUL inside (from a decoded `%00`) is shown as `\0`.
fn c_text(text: &str) -> CString {
    CString::new(text.replace('\0', "\\0")).unwrap_or_default()
}

impl LastError {
    fn from_failure(failure: Failure) -> Self {
        match failure {
            Failure::Core(e) => {
                let ms = match &e {
                    Error::Expired { age_ms, .. } => *age_ms,
                    Error::FromFuture { ahead_ms, .. } => *ahead_ms,
                    _ => 0,
                };
                LastError {
                    status: status_of(&e),
                    message: c_text(&e.to_string()),
                    field: match &e {
                        Error::TooLarge { limit, .. } => Some(c_text(limit.as_str())),
                        _ => e.field().map(|f| c_text(f.as_str())),
                    },
                    ms,
                }
            }
            Failure::InvalidArgument(message) => {
                LastError { status: USERHASH_INVALID_ARGUMENT, message: c_text(&message), field: None, ms: 0 }
            }
            Failure::BufferTooSmall { what, given, needed } => LastError {
                status: USERHASH_BUFFER_TOO_SMALL,
                message: c_text(&format!("{what} has {given} bytes; at least {needed} are needed")),
                field: None,
                ms: 0,
            },
        }
    }

    fn from_panic(payload: &(dyn Any + Send)) -> Self {
        let what = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("a panic without a message");
        LastError {
            status: USERHASH_INTERNAL,
            message: c_text(&format!("internal error in userhash (please report it): {what}")),
            field: None,
            ms: 0,
        }
    }
}

fn set_last_error(last: Option<LastError>) {
    // During thread teardown the slot may be gone; there is nobody to tell then.
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = last;
        }
    });
}

/// Runs one entry point's body: no panic leaves it, and the thread's last
/// error is replaced by this call's outcome.
pub(crate) fn guard(body: impl FnOnce() -> Outcome) -> userhash_status {
    // The failure becomes a message inside the catch too: formatting it is
    // code that could panic.
    let last = panic::catch_unwind(AssertUnwindSafe(|| body().err().map(LastError::from_failure)))
        .unwrap_or_else(|payload| Some(LastError::from_panic(payload.as_ref())));
    let status = last.as_ref().map_or(USERHASH_OK, |l| l.status);
    set_last_error(last);
    status
}

/// For entry points that cannot fail (accessors, frees): a panic gives `fallback`.
pub(crate) fn catch<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    panic::catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

fn with_last<T>(fallback: T, read: impl FnOnce(&LastError) -> T) -> T {
    catch(None, || LAST_ERROR.try_with(|slot| slot.try_borrow().ok()?.as_ref().map(read)).ok().flatten())
        .unwrap_or(fallback)
}

const EMPTY: &CStr = c"";

/// A fixed, static sentence for a status code, e.g. "the hash does not match
/// under any configured secret" for `USERHASH_MISMATCH`; an unknown code
/// gives "unknown userhash status". Never NULL; never free it.
#[no_mangle]
pub extern "C" fn userhash_status_message(status: c_int) -> *const c_char {
    let text: &'static CStr = match status {
        0 => c"success",
        1 => c"the secret is too short: at least 16 bytes are required (use 32 random bytes)",
        2 => c"an input breaks a field rule of SPEC section 1.3",
        3 => c"the URL lacks a signed parameter (orgId, email, timestamp, nonce or user_hash)",
        4 => c"a parameter appears more than once in the URL (parameter pollution)",
        5 => c"the URL is for another organization than this verifier's",
        6 => c"the hash does not match under any configured secret",
        7 => c"the signature is older than the tolerance allows",
        8 => c"the timestamp is further in the future than the tolerance allows",
        9 => c"this nonce was already used: a signed URL is good for one page load",
        10 => c"the nonce store is full of live nonces; the request was refused",
        11 => c"the nonce store is unavailable; the request was refused (fail closed)",
        12 => c"invalid argument: a NULL pointer, an impossible length, or text that is not UTF-8",
        13 => c"an output buffer is too small",
        14 => c"internal error in userhash (a bug; please report it)",
        15 => c"the URL or token is larger than the verifier reads; it was refused unread",
        16 => c"the token's kid names no key of this verifier",
        17 => c"the token's algorithm is not its key's (none and algorithm switching are refused)",
        18 => c"the token lacks a claim the verifier requires",
        19 => c"the token is for another org, audience or issuer",
        20 => c"the token lives longer than the verifier's maximum lifetime",
        _ => c"unknown userhash status",
    };
    text.as_ptr()
}

/// The status code's name: SPEC.md's variant name for the core errors
/// ("Mismatch", "Expired", ...), then "Ok", "InvalidArgument",
/// "BufferTooSmall", "Internal"; "Unknown" for any other number. Static;
/// never free it.
#[no_mangle]
pub extern "C" fn userhash_status_name(status: c_int) -> *const c_char {
    let text: &'static CStr = match status {
        0 => c"Ok",
        1 => c"WeakSecret",
        2 => c"Malformed",
        3 => c"Missing",
        4 => c"Duplicate",
        5 => c"WrongOrg",
        6 => c"Mismatch",
        7 => c"Expired",
        8 => c"FromFuture",
        9 => c"Replayed",
        10 => c"StoreFull",
        11 => c"StoreUnavailable",
        12 => c"InvalidArgument",
        13 => c"BufferTooSmall",
        14 => c"Internal",
        15 => c"TooLarge",
        16 => c"UnknownKey",
        17 => c"AlgorithmRefused",
        18 => c"MissingClaim",
        19 => c"WrongAudience",
        20 => c"LifetimeTooLong",
        _ => c"Unknown",
    };
    text.as_ptr()
}

/// The status of the calling thread's last call into userhash (the accessors
/// `userhash_status_*` and `userhash_last_error_*` and the `_free` functions
/// do not count): `USERHASH_OK` if it succeeded.
#[no_mangle]
pub extern "C" fn userhash_last_error_status() -> userhash_status {
    with_last(USERHASH_OK, |l| l.status)
}

/// The detailed message of the calling thread's last call, if it failed: the
/// core's message, which says what to do next (never a secret). "" when that
/// call succeeded. Never NULL. The text belongs to the library and stays
/// valid until the thread's next call into userhash; copy it to keep it.
#[no_mangle]
pub extern "C" fn userhash_last_error_message() -> *const c_char {
    with_last(EMPTY.as_ptr(), |l| l.message.as_ptr())
}

/// The field the calling thread's last error is about, as SPEC.md names it
/// ("secret", "identifier", "email", "org_id", "timestamp", "nonce",
/// "user_hash", "name", "params", "base_url"; for tokens "token", "claims",
/// "key", "kid"; for `USERHASH_TOO_LARGE` the limit, "max_url_len",
/// "max_params" or "max_token_len"), or NULL when it has none.
/// Valid until the thread's next call into userhash.
#[no_mangle]
pub extern "C" fn userhash_last_error_field() -> *const c_char {
    with_last(std::ptr::null(), |l| l.field.as_ref().map_or(std::ptr::null(), |f| f.as_ptr()))
}

/// For a last error of `USERHASH_EXPIRED`, the signature's age in
/// milliseconds (a token's counts from its `iat`, or from its `exp` when it
/// has none); for `USERHASH_FROM_FUTURE`, how far ahead its timestamp (a
/// token's `iat` or `nbf`) is; 0 otherwise.
#[no_mangle]
pub extern "C" fn userhash_last_error_ms() -> u64 {
    with_last(0, |l| l.ms)
}
