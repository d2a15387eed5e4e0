//! One secret per scheme, and what userhash does when a customer uses one
//! secret for two (SPEC §1.4).
//!
//! The wire formats are the vendors' and cannot change, so nothing in a
//! message says which scheme made its tag. The identifier hash signs any
//! text, so it could sign another scheme's message byte for byte:
//! `sign_identifier(S, "victim@example.com|1712345678901|org_123|nonce-0001")`
//! *is* the signed identity's `user_hash` for that victim under `S`. A
//! backend that signs user-chosen identifiers with the secret it also uses
//! for signed identities would hand any user a login as any email.
//!
//! The rule, for every scheme present and future:
//!
//! 1. **Each scheme gets its own secret.** The docs, the CLI
//!    (`USERHASH_SECRET` for signed identities, `USERHASH_IDENTIFIER_SECRET`
//!    for identifier hashes) and the demo say so and make it the easy way.
//! 2. **No scheme signs what another scheme would accept.** Because rule 1
//!    cannot be enforced (a library never sees both secrets), the identifier
//!    scheme, the only one that signs free text, refuses a message that
//!    another scheme's verifier would accept under the same secret:
//!    [`refuse_other_scheme`] is called by every identifier signer, and a
//!    verifier of identifier hashes answers `false` for such an identifier.
//! 3. **A new scheme adds its check here**: describe its signed message,
//!    show that no other scheme's message can be equal to it (the signed
//!    identity's always holds three `|`; a JWS signing input holds none), and
//!    extend [`refuse_other_scheme`] to refuse its messages as identifiers.
//!    A JWT's HS256 signing input, `BASE64URL(header).BASE64URL(payload)`,
//!    is the next: an identifier hash of it is that token's tag in hex.
//!
//! The schemes' own messages cannot collide with each other: a signed
//! identity's message has exactly three `|` and fields that forbid `|`.

use crate::error::{Error, Field, Result};
use crate::identity::{check_email, check_nonce, check_org_id, check_timestamp};

/// `Malformed(identifier)` when `identifier` is a message another scheme
/// signs: its identifier hash would be accepted by that scheme's verifier.
pub(crate) fn refuse_other_scheme(identifier: &str) -> Result<()> {
    if is_identity_message(identifier) {
        return Err(Error::malformed(
            Field::Identifier,
            "it is a well-formed signed-identity message (email|timestamp|orgId|nonce), so its identifier hash would \
             verify as that user's signed identity under the same secret; sign a user id or an email, and give each \
             scheme its own secret (SECURITY.md)",
        ));
    }
    Ok(())
}

/// Whether `text` is `email|timestamp|org_id|nonce` with every field within
/// its rule: a message a `Verifier` would accept if its tag matched.
pub fn is_identity_message(text: &str) -> bool {
    let mut fields = text.split('|');
    let (Some(email), Some(timestamp), Some(org_id), Some(nonce), None) =
        (fields.next(), fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return false;
    };
    check_email(email).is_ok()
        && check_timestamp(timestamp).is_ok()
        && check_org_id(org_id).is_ok()
        && check_nonce(nonce).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_identity_message_is_recognised_and_near_misses_are_not() {
        assert!(is_identity_message("victim@example.com|1712345678901|org_123|any-nonce-1"));
        assert!(is_identity_message("a|0|o|12345678"));
        for text in [
            "victim@example.com|1712345678901|org_123",
            "victim@example.com|1712345678901|org_123|any-nonce-1|x",
            "victim@example.com|17123456789x1|org_123|any-nonce-1",
            "victim@example.com|1712345678901|org 123|any-nonce-1",
            "victim@example.com|1712345678901|org_123|short",
            "|1712345678901|org_123|any-nonce-1",
            "user-42",
            "a|b",
        ] {
            assert!(!is_identity_message(text), "{text}");
        }
    }
}
