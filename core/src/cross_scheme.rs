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
//!    show that no other scheme's message can be equal to it, and extend
//!    [`refuse_other_scheme`] to refuse its messages as identifiers.
//!
//! The schemes and their messages:
//!
//! | scheme | signed message | refused as an identifier |
//! |---|---|---|
//! | identifier hash (§1.1) | the identifier, any text | — |
//! | signed identity (§1.2) | `email\|timestamp\|org_id\|nonce`, exactly three `\|` | [`is_identity_message`] |
//! | JWT, HS256 (§8) | `BASE64URL(header).BASE64URL(payload)`: base64url and one dot, no `\|` | [`is_jws_signing_input`] |
//!
//! The schemes' own messages cannot collide with each other: a signed
//! identity's message has exactly three `|` and fields that forbid `|`; a
//! JWS signing input has none (base64url has no `|`), and the token signer
//! signs only headers and payloads it writes itself (a JSON object with
//! `alg` first), never text it is given. The identifier scheme signs free
//! text, so it is the one that refuses the others' messages: an identifier
//! hash of `header.payload` would be, in hex, the HS256 signature of that
//! token under the same secret. Tokens also get their own, longer secret
//! (at least 32 bytes; `USERHASH_TOKEN_SECRET` in the CLI), or better an
//! Ed25519 key, which no HMAC scheme can produce a signature for.

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
    if is_jws_signing_input(identifier) {
        return Err(Error::malformed(
            Field::Identifier,
            "it is a JWS signing input (base64url of a JSON header with `alg`, a dot, then the payload), so its \
             identifier hash would be, in hex, that token's HS256 signature under the same secret; sign a user id \
             or an email, and give tokens their own secret (SECURITY.md)",
        ));
    }
    Ok(())
}

/// Whether `text` begins like a JWS signing input: the text before its first
/// `.` is base64 (URL-safe or standard, padded or not, as the laxest JWT
/// libraries read it) of a JSON object with an `alg` member. What follows
/// the dot is not checked: with RFC 7797's `b64: false` a payload may be any
/// text. An identifier hash of such a text could be that token's HS256
/// signature, so the identifier scheme neither signs nor verifies one.
#[must_use]
pub fn is_jws_signing_input(text: &str) -> bool {
    let Some((header, _)) = text.split_once('.') else { return false };
    // `{"alg":""}` is 10 bytes, 14 characters of base64; a header has more.
    if header.len() < 14 {
        return false;
    }
    let Some(bytes) = crate::lax_base64::decode(header) else { return false };
    matches!(serde_json::from_slice::<serde_json::Value>(&bytes), Ok(serde_json::Value::Object(m)) if m.contains_key("alg"))
}

/// Whether `text` is `email|timestamp|org_id|nonce` with every field within
/// its rule: a message a `Verifier` would accept if its tag matched.
#[must_use]
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
    fn a_jws_signing_input_is_recognised_in_every_spelling_libraries_read() {
        // {"alg":"HS256","typ":"JWT"} . {"sub":"admin"}
        let header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
        for text in [
            format!("{header}.eyJzdWIiOiJhZG1pbiJ9"),
            format!("{header}=.eyJzdWIiOiJhZG1pbiJ9"),
            format!("{header}."),
            format!("{header}.any text | with pipes (b64: false)"),
            // {"alg":"HS256"} in standard base64 with padding: "eyJhbGciOiJIUzI1NiJ9"
            "eyJhbGciOiJIUzI1NiJ9.e30".to_owned(),
        ] {
            assert!(is_jws_signing_input(&text), "{text}");
            assert!(refuse_other_scheme(&text).is_err(), "{text}");
        }
        for text in [
            header.to_owned(),                     // no dot
            "eyJzdWIiOiJhZG1pbiJ9.e30".to_owned(), // {"sub":"admin"}: no alg
            "WyJhbGciXQ.e30".to_owned(),           // ["alg"]: not an object
            "jane.doe@example.com".to_owned(),
            "user.42".to_owned(),
            "not base64!.e30".to_owned(),
        ] {
            assert!(!is_jws_signing_input(&text), "{text}");
        }
    }

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
