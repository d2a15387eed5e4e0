//! The compact serialization, `BASE64URL(header).BASE64URL(payload).BASE64URL(signature)`
//! (RFC 7515 §7.1): the only form a verifier reads. Everything here runs
//! before any signature is checked, so it is linear in the token's length and
//! that length is bounded first.

use super::encoding::b64_decode;
use super::header::{parse_header, Header};
use crate::error::{Error, Field, Limit, Result};

/// A received token, split and decoded; nothing in it is verified yet.
#[derive(Debug)]
pub(crate) struct Compact<'a> {
    /// `header.payload` as received: the bytes the signature is over.
    pub signing_input: &'a str,
    pub header: Header,
    pub payload: Vec<u8>,
    pub signature: Vec<u8>,
}

fn bad(reason: impl Into<String>) -> Error {
    Error::malformed(Field::Token, reason)
}

/// Splits and decodes a token of at most `max_len` bytes (`TooLarge`
/// beyond), refusing every other form with what to send instead.
pub(crate) fn parse_compact(token: &str, max_len: usize) -> Result<Compact<'_>> {
    if token.len() > max_len {
        return Err(Error::TooLarge { limit: Limit::TokenLength, max: max_len });
    }
    check_form(token)?;
    let mut parts = token.splitn(3, '.');
    let (Some(header), Some(payload), Some(signature)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad(format!(
            "it has {} part(s); a JWT has three base64url parts separated by dots (header.payload.signature): was it \
             cut, e.g. by a URL or a log line?",
            token.split('.').count()
        )));
    };
    if signature.contains('.') {
        let parts = token.split('.').count();
        return Err(bad(if parts == 5 {
            "it has five parts: it is an encrypted token (JWE); userhash verifies signed tokens (JWS) only".to_owned()
        } else {
            format!("it has {parts} parts; a JWT has three base64url parts separated by dots")
        }));
    }
    let signing_input = &token[..header.len() + 1 + payload.len()];
    let header = parse_header(header)?;
    let payload = b64_decode(payload).map_err(|why| bad(format!("its payload {why}")))?;
    if signature.is_empty() {
        return Err(bad("it has no signature (an unsecured JWT); userhash accepts signed tokens only"));
    }
    let signature = b64_decode(signature).map_err(|why| bad(format!("its signature {why}")))?;
    Ok(Compact { signing_input, header, payload, signature })
}

/// Whether `text` starts with `Bearer ` in any case (bytes, so that no
/// multi-byte character is cut).
pub(crate) fn has_bearer_prefix(text: &str) -> bool {
    text.as_bytes().get(..7).is_some_and(|start| start.eq_ignore_ascii_case(b"bearer "))
}

/// What the token looks like as a whole, before it is split.
fn check_form(token: &str) -> Result<()> {
    if token.is_empty() {
        return Err(bad("it is empty"));
    }
    if has_bearer_prefix(token) {
        return Err(bad("it starts with `Bearer `: pass the token alone, without the Authorization header's scheme"));
    }
    if token.trim_start().starts_with('{') {
        return Err(bad(
            "it is a JWS JSON serialization; userhash reads only the compact form (header.payload.signature)",
        ));
    }
    if token.trim() != token {
        return Err(bad("it has whitespace around it (a newline from a file or a header?); trim it where it is read"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "eyJhbGciOiJIUzI1NiJ9"; // {"alg":"HS256"}

    #[test]
    fn a_compact_token_splits_into_three_parts() {
        let token = format!("{HEADER}.e30.AAAA");
        let c = parse_compact(&token, 8192).unwrap();
        assert_eq!(c.signing_input, format!("{HEADER}.e30"));
        assert_eq!(c.payload, b"{}");
        assert_eq!(c.signature, [0, 0, 0]);
    }

    #[test]
    fn other_forms_are_refused_with_what_to_send() {
        let cases = [
            (format!("Bearer {HEADER}.e30.AAAA"), "Bearer"),
            (format!("bearer {HEADER}.e30.AAAA"), "Bearer"),
            (r#"{"payload":"e30","signatures":[]}"#.to_owned(), "JSON serialization"),
            (format!("{HEADER}.e30"), "three"),
            (format!("{HEADER}.e30.AAAA.AAAA.AAAA"), "JWE"),
            (format!("{HEADER}.e30.AAAA.AAAA"), "4 parts"),
            (format!("{HEADER}.e30."), "no signature"),
            (format!("{HEADER}.e30=.AAAA"), "padding"),
            (format!("{HEADER}.e30.AA+A"), "standard base64"),
            (format!("{HEADER}.e30.AAAA\n"), "whitespace"),
            (String::new(), "empty"),
            ("Bearer\u{20ac}x.y.z".to_owned(), "header"),
            ("abcdef\u{20ac}.e30.AAAA".to_owned(), "header"),
        ];
        for (token, says) in cases {
            let err = parse_compact(&token, 8192).unwrap_err();
            assert!(matches!(err, Error::Malformed { field: Field::Token, .. }), "{token:?}: {err}");
            assert!(err.to_string().contains(says), "{token:?}: {err}");
        }
    }

    #[test]
    fn the_length_is_checked_before_anything_else() {
        let token = format!("{HEADER}.e30.AAAA");
        assert!(parse_compact(&token, token.len()).is_ok());
        assert_eq!(
            parse_compact(&token, token.len() - 1).unwrap_err(),
            Error::TooLarge { limit: Limit::TokenLength, max: token.len() - 1 }
        );
        assert!(matches!(parse_compact(&"x".repeat(9000), 8192), Err(Error::TooLarge { .. })));
    }
}
