//! The two encodings a token is made of, read strictly: base64url without
//! padding (RFC 7515 §2) and JSON objects with no repeated member.
//!
//! Strict because two readers must never see two different tokens in one
//! string: a padded or non-canonical base64url part, or a JSON object that
//! names a claim twice (`{"sub":"alice","sub":"admin"}`, where one library
//! keeps the first and another the last), is refused, not repaired.

use std::fmt::{self, Write as _};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Base64url without padding, as a JWS writes every part.
pub(crate) fn b64_encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Base64url without padding, strictly: no `=`, no `+` or `/`, no
/// whitespace, no leftover bits (so each byte string has one encoding).
/// `Err` says what is wrong, for a `Malformed` reason.
pub(crate) fn b64_decode(text: &str) -> Result<Vec<u8>, String> {
    URL_SAFE_NO_PAD.decode(text).map_err(|e| {
        let why = match e {
            base64::DecodeError::InvalidByte(offset, b'=') => format!("`=` padding at offset {offset}"),
            base64::DecodeError::InvalidByte(offset, b'+' | b'/') => {
                format!("standard base64 (`+` or `/`) at offset {offset}, not base64url")
            }
            base64::DecodeError::InvalidByte(offset, byte) => format!("byte 0x{byte:02x} at offset {offset}"),
            base64::DecodeError::InvalidLength(len) => format!("{len} characters, a length base64 never has (cut?)"),
            base64::DecodeError::InvalidLastSymbol(offset, _) => {
                format!("a last character at offset {offset} with leftover bits (not the canonical encoding)")
            }
            base64::DecodeError::InvalidPadding => "padding".to_owned(),
        };
        format!("is not base64url without padding: {why}")
    })
}

/// A JSON object, read strictly: valid UTF-8, nothing after it, no member
/// name twice at any depth. `Err` says why, for a `Malformed` reason.
pub(crate) fn json_object(bytes: &[u8]) -> Result<Map<String, Value>, String> {
    match serde_json::from_slice::<StrictValue>(bytes) {
        Ok(StrictValue(Value::Object(map))) => Ok(map),
        Ok(_) => Err("is JSON but not an object".to_owned()),
        Err(e) => Err(format!("is not a JSON object ({e})")),
    }
}

/// A JSON value that refuses a repeated member name. serde_json's own
/// `Value` keeps the last of two; this reads the same grammar through
/// `deserialize_any` and fails instead, so serde_json's nesting limit (128)
/// still bounds the depth.
struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = StrictValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Number(v.into())))
    }

    fn visit_u64<E>(self, v: u64) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Number(v.into())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<StrictValue, E> {
        Number::from_f64(v).map(|n| StrictValue(Value::Number(n))).ok_or_else(|| E::custom("a number out of range"))
    }

    fn visit_str<E>(self, v: &str) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::String(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::String(v)))
    }

    fn visit_unit<E>(self) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Null))
    }

    fn visit_none<E>(self) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StrictValue, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(StrictValue(Value::Array(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<StrictValue, A::Error> {
        let mut map = Map::new();
        while let Some(name) = access.next_key::<String>()? {
            if map.contains_key(&name) {
                return Err(de::Error::custom(format_args!(
                    "the member `{}` appears twice; a reader could take either",
                    shown(&name)
                )));
            }
            let StrictValue(value) = access.next_value()?;
            map.insert(name, value);
        }
        Ok(StrictValue(Value::Object(map)))
    }
}

/// JSON text of `value` with every object's members sorted by name, so a
/// token's bytes do not depend on how serde_json orders a map (its
/// `preserve_order` feature may be on in another crate of a build).
pub(crate) fn write_json(out: &mut String, value: &Value) {
    match value {
        Value::Object(map) => {
            let mut names: Vec<&String> = map.keys().collect();
            names.sort();
            out.push('{');
            for (i, name) in names.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, name);
                out.push(':');
                write_json(out, &map[name]);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, item);
            }
            out.push(']');
        }
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

/// A JSON string literal.
pub(crate) fn write_string(out: &mut String, text: &str) {
    let _ = write!(out, "{}", Value::String(text.to_owned()));
}

/// Attacker-chosen text in a message: cut to 64 characters, control
/// characters escaped (`\n`, `\u{1b}`), so it cannot forge log lines or
/// drive a terminal.
pub(crate) fn shown(text: &str) -> String {
    const MAX: usize = 64;
    let mut out = String::with_capacity(text.len().min(4 * MAX));
    for (i, c) in text.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_is_read_strictly() {
        assert_eq!(b64_decode("aGk").unwrap(), b"hi");
        assert_eq!(b64_decode("").unwrap(), b"");
        for bad in ["aGk=", "aG k", "a+8", "a/8", "aGl", "a", "aGk\n"] {
            assert!(b64_decode(bad).is_err(), "{bad:?}");
        }
        assert!(b64_decode("aGk=").unwrap_err().contains("padding"));
        assert!(b64_decode("a+8").unwrap_err().contains("standard base64"));
    }

    #[test]
    fn a_repeated_member_is_refused_at_any_depth() {
        assert!(json_object(br#"{"a":1,"b":{"c":[1,{"d":2}]}}"#).is_ok());
        let top = json_object(br#"{"sub":"alice","sub":"admin"}"#).unwrap_err();
        assert!(top.contains("`sub` appears twice"), "{top}");
        assert!(json_object(br#"{"x":{"k":1,"k":2}}"#).is_err());
        assert!(json_object(br#"{"x":[{"k":1,"k":2}]}"#).is_err());
        // Escapes are decoded before names are compared.
        assert!(json_object(br#"{"sub":1,"s\u0075b":2}"#).is_err());
    }

    #[test]
    fn only_one_object_with_nothing_after_it() {
        for bad in [&b"[1]"[..], b"\"s\"", b"{} {}", b"{\"a\":1}x", b"{\"a\":\"\xff\"}", b"{", b""] {
            assert!(json_object(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(json_object(deep.as_bytes()).unwrap_err().contains("recursion"));
    }

    #[test]
    fn shown_text_is_cut_and_escaped() {
        assert_eq!(shown("kid-1"), "kid-1");
        assert_eq!(shown("a\nb\u{1b}[31m"), "a\\nb\\u{1b}[31m");
        assert_eq!(shown(&"é".repeat(100)), format!("{}…", "é".repeat(64)));
    }

    #[test]
    fn written_json_sorts_members() {
        let value: Value = serde_json::from_str(r#"{"b":1,"a":{"d":[true,null],"c":"x\"y"}}"#).unwrap();
        let mut out = String::new();
        write_json(&mut out, &value);
        assert_eq!(out, r#"{"a":{"c":"x\"y","d":[true,null]},"b":1}"#);
    }
}
