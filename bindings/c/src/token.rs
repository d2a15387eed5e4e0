//! What the token API (SPEC §8) shares: the profile, the algorithm, a
//! tri-state boolean, and reading them from a C caller.
//!
//! The profile and the tri-state come IN from C, so they are numbers
//! (`uint32_t`) with named values, not C enums: a C caller can pass any
//! integer where an enum is expected, and a Rust enum holding a value it
//! does not list is undefined behaviour. As numbers, an unknown one is
//! refused with `USERHASH_INVALID_ARGUMENT`. The algorithm only comes OUT,
//! so it is a C enum.

use std::ffi::{c_char, c_int, CStr};

use userhash_core::jwt::{Algorithm, Profile};

use crate::status::Failure;

/// Which vendor's claim names a token uses: one of the
/// `USERHASH_TOKEN_PROFILE_` values (a number, not a C enum, so that the
/// library can refuse one it does not know with `USERHASH_INVALID_ARGUMENT`).
///
/// | profile | user id claim | other claims |
/// |---|---|---|
/// | `USERHASH_TOKEN_PROFILE_USERHASH` | `sub` | `email`, `org` (required) |
/// | `USERHASH_TOKEN_PROFILE_INTERCOM` | `user_id` | `email` (Intercom Messenger Security) |
/// | `USERHASH_TOKEN_PROFILE_ZENDESK` | `external_id` | `scope: "user"`, `email`, `email_verified`, `name` |
/// | `USERHASH_TOKEN_PROFILE_DRIFT` | `sub` | none (Drift's `userJwt`) |
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct userhash_token_profile(pub u32);

/// `sub`, `email`, `org`: userhash's own, with the org a verifier checks. 0,
/// so a zeroed `userhash_token_signer_options` has it.
pub const USERHASH_TOKEN_PROFILE_USERHASH: userhash_token_profile = userhash_token_profile(0);
/// `user_id`, `email`: Intercom's Messenger Security (`intercom_user_jwt`).
pub const USERHASH_TOKEN_PROFILE_INTERCOM: userhash_token_profile = userhash_token_profile(1);
/// `scope: "user"`, `external_id`, `email`, `email_verified`, `name`: Zendesk
/// messaging (the `kid` is the key's `app_...` id).
pub const USERHASH_TOKEN_PROFILE_ZENDESK: userhash_token_profile = userhash_token_profile(2);
/// `sub`: Drift's `userJwt`.
pub const USERHASH_TOKEN_PROFILE_DRIFT: userhash_token_profile = userhash_token_profile(3);

/// A boolean that may be absent, such as a token's `email_verified`: one of
/// the `USERHASH_TRISTATE_` values. Unset is 0, so a zeroed structure has
/// no value.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct userhash_tristate(pub u32);

/// No value: the claim is left out (or was absent).
pub const USERHASH_TRISTATE_UNSET: userhash_tristate = userhash_tristate(0);
/// `false`.
pub const USERHASH_TRISTATE_FALSE: userhash_tristate = userhash_tristate(1);
/// `true`.
pub const USERHASH_TRISTATE_TRUE: userhash_tristate = userhash_tristate(2);

/// The algorithm of a token, fixed by the key that verified it (never read
/// from the token). `userhash_token_algorithm_name` gives its JOSE name.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum userhash_token_algorithm {
    /// `HS256`: HMAC-SHA256 with a shared secret.
    USERHASH_TOKEN_ALGORITHM_HS256 = 0,
    /// `EdDSA`: an Ed25519 signature (RFC 8037).
    USERHASH_TOKEN_ALGORITHM_EDDSA = 1,
}

pub(crate) fn profile_in(profile: userhash_token_profile, what: &str) -> Result<Profile, Failure> {
    match profile.0 {
        0 => Ok(Profile::Userhash),
        1 => Ok(Profile::Intercom),
        2 => Ok(Profile::Zendesk),
        3 => Ok(Profile::Drift),
        other => Err(Failure::InvalidArgument(format!(
            "{what} is {other}, which is no userhash_token_profile: use USERHASH_TOKEN_PROFILE_USERHASH (0), \
             _INTERCOM (1), _ZENDESK (2) or _DRIFT (3)"
        ))),
    }
}

pub(crate) fn profile_out(profile: Profile) -> userhash_token_profile {
    match profile {
        Profile::Userhash => USERHASH_TOKEN_PROFILE_USERHASH,
        Profile::Intercom => USERHASH_TOKEN_PROFILE_INTERCOM,
        Profile::Zendesk => USERHASH_TOKEN_PROFILE_ZENDESK,
        Profile::Drift => USERHASH_TOKEN_PROFILE_DRIFT,
    }
}

pub(crate) fn tristate_in(value: userhash_tristate, what: &str) -> Result<Option<bool>, Failure> {
    match value.0 {
        0 => Ok(None),
        1 => Ok(Some(false)),
        2 => Ok(Some(true)),
        other => Err(Failure::InvalidArgument(format!(
            "{what} is {other}, which is no userhash_tristate: use USERHASH_TRISTATE_UNSET (0), \
             USERHASH_TRISTATE_FALSE (1) or USERHASH_TRISTATE_TRUE (2)"
        ))),
    }
}

pub(crate) fn tristate_out(value: Option<bool>) -> userhash_tristate {
    match value {
        None => USERHASH_TRISTATE_UNSET,
        Some(false) => USERHASH_TRISTATE_FALSE,
        Some(true) => USERHASH_TRISTATE_TRUE,
    }
}

pub(crate) fn algorithm_out(alg: Algorithm) -> userhash_token_algorithm {
    match alg {
        Algorithm::Hs256 => userhash_token_algorithm::USERHASH_TOKEN_ALGORITHM_HS256,
        Algorithm::EdDsa => userhash_token_algorithm::USERHASH_TOKEN_ALGORITHM_EDDSA,
    }
}

/// A profile's name: "userhash", "intercom", "zendesk" or "drift";
/// "unknown" for any other number. Static; never free it.
#[no_mangle]
pub extern "C" fn userhash_token_profile_name(profile: userhash_token_profile) -> *const c_char {
    let name: &'static CStr = match profile.0 {
        0 => c"userhash",
        1 => c"intercom",
        2 => c"zendesk",
        3 => c"drift",
        _ => c"unknown",
    };
    name.as_ptr()
}

/// An algorithm's JOSE name: "HS256" or "EdDSA"; "unknown" for any other
/// number (it takes an `int`, so any number is safe to pass). Static; never
/// free it.
#[no_mangle]
pub extern "C" fn userhash_token_algorithm_name(algorithm: c_int) -> *const c_char {
    let name: &'static CStr = match algorithm {
        0 => c"HS256",
        1 => c"EdDSA",
        _ => c"unknown",
    };
    name.as_ptr()
}
