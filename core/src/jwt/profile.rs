//! Profiles: which claims name the user, as each vendor's documentation
//! spells them (SPEC §8).
//!
//! | profile | user id | other claims |
//! |---|---|---|
//! | `userhash` | `sub` | `email`, `org` (the verifier's org, required) |
//! | `intercom` | `user_id` | `email` (Intercom Messenger Security) |
//! | `zendesk` | `external_id` | `scope: "user"`, `email`, `email_verified`, `name` (Zendesk messaging) |
//! | `drift` | `sub` | none (Drift's `userJwt`) |

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Field};

/// The claims registered by RFC 7519 §4.1. The signer sets them itself, so
/// an extra claim may not reuse one.
pub const REGISTERED_CLAIMS: [&str; 7] = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"];

/// Which vendor's claim names a token uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Profile {
    /// `sub`, `email`, `org`: userhash's own, with the org a verifier checks.
    #[default]
    Userhash,
    /// `user_id`, `email`: Intercom's Messenger Security (`intercom_user_jwt`).
    Intercom,
    /// `scope: "user"`, `external_id`, `email`, `email_verified`, `name`:
    /// Zendesk messaging's user authentication (`kid` is the key's `app_...` id).
    Zendesk,
    /// `sub`: Drift's `userJwt`.
    Drift,
}

impl Profile {
    pub const ALL: [Profile; 4] = [Profile::Userhash, Profile::Intercom, Profile::Zendesk, Profile::Drift];

    /// `userhash`, `intercom`, `zendesk` or `drift`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Userhash => "userhash",
            Profile::Intercom => "intercom",
            Profile::Zendesk => "zendesk",
            Profile::Drift => "drift",
        }
    }

    /// The claim that carries the user's id.
    #[must_use]
    pub fn user_id_claim(self) -> &'static str {
        match self {
            Profile::Userhash | Profile::Drift => "sub",
            Profile::Intercom => "user_id",
            Profile::Zendesk => "external_id",
        }
    }

    /// Whether the profile has an `email` claim.
    #[must_use]
    pub fn has_email(self) -> bool {
        matches!(self, Profile::Userhash | Profile::Intercom | Profile::Zendesk)
    }

    /// Whether the profile has `name` and `email_verified` claims.
    #[must_use]
    pub fn has_name(self) -> bool {
        self == Profile::Zendesk
    }

    /// Every claim the profile defines (its user id first). An extra claim
    /// may not reuse one.
    #[must_use]
    pub fn claims(self) -> &'static [&'static str] {
        match self {
            Profile::Userhash => &["sub", "email", "org"],
            Profile::Intercom => &["user_id", "email"],
            Profile::Zendesk => &["external_id", "scope", "email", "email_verified", "name"],
            Profile::Drift => &["sub"],
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Profile {
    type Err = Error;

    /// A profile by its name, in any case.
    fn from_str(name: &str) -> Result<Self, Error> {
        Profile::ALL.into_iter().find(|p| p.as_str().eq_ignore_ascii_case(name)).ok_or_else(|| {
            Error::malformed(
                Field::Claims,
                format!(
                    "`{}` is no profile; the profiles are userhash, intercom, zendesk and drift",
                    name.escape_debug()
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_ones_are_refused() {
        for p in Profile::ALL {
            assert_eq!(p.as_str().parse::<Profile>().unwrap(), p);
            assert_eq!(p.claims()[0], p.user_id_claim());
        }
        assert_eq!("Zendesk".parse::<Profile>().unwrap(), Profile::Zendesk);
        assert!("auth0".parse::<Profile>().is_err());
    }
}
