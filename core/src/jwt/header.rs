//! The JOSE header: what userhash writes, and what it accepts from a token.
//!
//! The header is read before any signature is checked, so it is read
//! strictly and only for two things: `alg`, which must be the algorithm of
//! the key the token selects (never a choice the token makes), and `kid`,
//! which selects that key. Everything that would change how the token is
//! processed is refused: `crit` (RFC 7515 §4.1.11: userhash understands no
//! extension), `b64` (RFC 7797 unencoded payloads), `zip` and `enc`
//! (encryption), `cty: JWT` (a nested token). `jwk`, `jku`, `x5u` and `x5c`
//! are never read: keys come from the verifier's configuration only.

use std::fmt;

use serde_json::{Map, Value};

use super::encoding::{b64_decode, json_object, shown, write_string};
use crate::error::{Error, Field, Result};

/// The longest `kid`, in bytes.
pub const MAX_KID_LEN: usize = 256;

/// A token algorithm userhash signs and verifies. Fixed by the key: an
/// HS256 key verifies HS256 tokens only, an Ed25519 key EdDSA tokens only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// HMAC-SHA256 with a shared secret (RFC 7518 §3.2).
    Hs256,
    /// Ed25519 signatures (RFC 8037).
    EdDsa,
}

impl Algorithm {
    /// The `alg` header value: `HS256` or `EdDSA`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Hs256 => "HS256",
            Algorithm::EdDsa => "EdDSA",
        }
    }

    /// Bytes in a signature of this algorithm.
    pub(crate) fn signature_len(self) -> usize {
        match self {
            Algorithm::Hs256 => 32,
            Algorithm::EdDsa => 64,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a verifier takes from a received header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    /// As received; compared with the key's algorithm, never used to pick one.
    pub alg: String,
    pub kid: Option<String>,
}

/// The header JSON userhash signs: `alg`, `typ`, and `kid` when the key has one.
pub(crate) fn header_json(alg: Algorithm, kid: Option<&str>) -> String {
    let mut out = format!(r#"{{"alg":"{}","typ":"JWT""#, alg.as_str());
    if let Some(kid) = kid {
        out.push_str(r#","kid":"#);
        write_string(&mut out, kid);
    }
    out.push('}');
    out
}

/// 1..=256 bytes, no control character: a `kid` userhash signs or accepts
/// in its configuration.
pub(crate) fn check_kid(kid: &str) -> Result<()> {
    if kid.is_empty() || kid.len() > MAX_KID_LEN || kid.chars().any(char::is_control) {
        return Err(Error::malformed(
            Field::Kid,
            format!("a kid must be 1 to {MAX_KID_LEN} bytes with no control character"),
        ));
    }
    Ok(())
}

fn bad(reason: impl Into<String>) -> Error {
    Error::malformed(Field::Token, reason)
}

/// The header of a received token, from its first base64url part.
pub(crate) fn parse_header(part: &str) -> Result<Header> {
    let bytes = b64_decode(part).map_err(|why| bad(format!("its header {why}")))?;
    let map = json_object(&bytes).map_err(|why| bad(format!("its header {why}")))?;
    read_header(&map)
}

fn read_header(map: &Map<String, Value>) -> Result<Header> {
    let alg = match map.get("alg") {
        Some(Value::String(alg)) => alg.clone(),
        Some(_) => return Err(bad("its header's `alg` is not a string")),
        None => return Err(bad("its header has no `alg`")),
    };
    if alg.eq_ignore_ascii_case("none") {
        return Err(Error::AlgorithmRefused {
            alg: shown(&alg),
            expected: "an unsigned token is never accepted".to_owned(),
        });
    }
    if let Some(crit) = map.get("crit") {
        let names = match crit {
            Value::Array(items) => {
                items.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), shown)).collect::<Vec<_>>().join(", ")
            }
            other => shown(&other.to_string()),
        };
        return Err(bad(format!(
            "its header marks extensions as critical (crit: {names}); userhash understands none, so it must refuse \
             the token (RFC 7515 §4.1.11): sign without `crit`"
        )));
    }
    for (name, why) in [
        ("b64", "an unencoded payload (RFC 7797)"),
        ("enc", "an encrypted token (JWE), not a signed one"),
        ("zip", "a compressed, encrypted token (JWE)"),
    ] {
        if map.contains_key(name) {
            return Err(bad(format!("its header has `{name}`: {why}; send a plain signed JWT")));
        }
    }
    match map.get("typ") {
        None => {}
        Some(Value::String(typ)) if is_jwt_type(typ) => {}
        Some(other) => {
            return Err(bad(format!(
                "its header's typ is {}, not \"JWT\": it is not an identity token",
                shown(&other.to_string())
            )))
        }
    }
    if let Some(cty) = map.get("cty") {
        return Err(bad(format!(
            "its header has cty {}: a nested or non-JSON payload is not an identity token",
            shown(&cty.to_string())
        )));
    }
    let kid = match map.get("kid") {
        None => None,
        Some(Value::String(kid)) => {
            check_kid(kid).map_err(|_| {
                bad(format!("its header's kid must be 1 to {MAX_KID_LEN} bytes with no control character"))
            })?;
            Some(kid.clone())
        }
        Some(_) => return Err(bad("its header's `kid` is not a string")),
    };
    Ok(Header { alg, kid })
}

/// `JWT`, in any case, or its media type (RFC 7519 §5.1).
fn is_jwt_type(typ: &str) -> bool {
    typ.eq_ignore_ascii_case("JWT") || typ.eq_ignore_ascii_case("application/jwt")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::encoding::b64_encode;

    fn header(json: &str) -> Result<Header> {
        parse_header(&b64_encode(json.as_bytes()))
    }

    #[test]
    fn written_headers_read_back() {
        let json = header_json(Algorithm::EdDsa, Some("key-\"1\""));
        assert_eq!(json, r#"{"alg":"EdDSA","typ":"JWT","kid":"key-\"1\""}"#);
        assert_eq!(header(&json).unwrap(), Header { alg: "EdDSA".into(), kid: Some("key-\"1\"".into()) });
        assert_eq!(header_json(Algorithm::Hs256, None), r#"{"alg":"HS256","typ":"JWT"}"#);
    }

    #[test]
    fn none_in_any_case_is_refused() {
        for alg in ["none", "None", "NONE", "nOnE"] {
            let err = header(&format!(r#"{{"alg":"{alg}"}}"#)).unwrap_err();
            assert!(matches!(err, Error::AlgorithmRefused { .. }), "{alg}: {err}");
        }
    }

    #[test]
    fn what_would_change_processing_is_refused() {
        for json in [
            r#"{"alg":"HS256","crit":["exp"],"exp":1}"#,
            r#"{"alg":"HS256","crit":[]}"#,
            r#"{"alg":"HS256","b64":false}"#,
            r#"{"alg":"HS256","enc":"A128GCM"}"#,
            r#"{"alg":"HS256","zip":"DEF"}"#,
            r#"{"alg":"HS256","typ":"at+jwt"}"#,
            r#"{"alg":"HS256","cty":"JWT"}"#,
            r#"{"alg":"HS256","kid":7}"#,
            r#"{"alg":"HS256","kid":""}"#,
            r#"{"alg":1}"#,
            r#"{"typ":"JWT"}"#,
            r#"{"alg":"HS256","alg":"none"}"#,
        ] {
            let err = header(json).unwrap_err();
            assert!(matches!(err, Error::Malformed { field: Field::Token, .. }), "{json}: {err}");
        }
    }

    #[test]
    fn typ_may_be_absent_or_jwt_and_embedded_keys_are_ignored() {
        for json in [
            r#"{"alg":"HS256"}"#,
            r#"{"alg":"HS256","typ":"jwt"}"#,
            r#"{"alg":"HS256","typ":"application/jwt"}"#,
            r#"{"alg":"HS256","jwk":{"kty":"oct","k":"AAAA"},"jku":"https://x"}"#,
        ] {
            assert_eq!(header(json).unwrap().alg, "HS256", "{json}");
        }
    }
}
