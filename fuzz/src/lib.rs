//! What the fuzz targets share: how a structured target reads its input, and
//! the fixed configuration the targets verify against.
//!
//! # The structured input layout
//!
//! `widget_roundtrip`, `diagnose` and `c_api` implement [`arbitrary::Arbitrary`]
//! for their inputs with the few primitives below instead of
//! `#[derive(Arbitrary)]`: the derived layout (lengths taken from the end of
//! the data, integers folded into ranges) cannot be written by anything but
//! `arbitrary` itself, while this one can be written by `fuzz/seeds.py` from
//! `tests/vectors/*.json`, so the committed seeds are real cases. Every
//! primitive reads from the front, and an input that runs out reads as zeros
//! and empty strings (never an error), so every byte string is some input:
//!
//! | primitive | bytes |
//! |---|---|
//! | [`byte`] | 1 byte |
//! | [`one_in`] | 1 byte, true when it is a multiple of `n` |
//! | [`u16_le`] | 2 bytes, little-endian |
//! | [`u64_le`] | 8 bytes, little-endian |
//! | [`bytes`] | a `u16_le` length, then that many bytes (fewer if the input ends) |
//! | [`text`] | [`bytes`], decoded as UTF-8 with U+FFFD for invalid sequences |
//! | [`maybe_text`] | a [`byte`]: odd is `Some(text)`, even is `None` (nothing more read) |
//!
//! Each target's documentation lists its fields in order; `seeds.py` writes
//! them the same way.

use arbitrary::Unstructured;

/// The secret the fixed-configuration targets verify with: the vectors'
/// (`tests/vectors/verify.json`), so the seeded URLs reach acceptance.
pub const SECRET: &str = "whsec_9f2c4e7a1b3d5f60a8c2e4b6d8f0a1c3";
/// The previous secret of the vectors' rotation cases.
pub const OLD_SECRET: &str = "whsec_old_4b1e7d0c9a8f6e5d4c3b2a19";
/// The vectors' org.
pub const ORG_ID: &str = "org_123";
/// The vectors' clock (Unix milliseconds).
pub const NOW_MS: u64 = 1_712_345_678_901;

pub fn byte(u: &mut Unstructured<'_>) -> u8 {
    take(u, 1).first().copied().unwrap_or(0)
}

/// True for one byte value in `n` (0 among them): a choice taken rarely,
/// such as passing NULL.
pub fn one_in(u: &mut Unstructured<'_>, n: u8) -> bool {
    byte(u).is_multiple_of(n)
}

pub fn u16_le(u: &mut Unstructured<'_>) -> u16 {
    let mut buf = [0u8; 2];
    let got = take(u, 2);
    buf[..got.len()].copy_from_slice(got);
    u16::from_le_bytes(buf)
}

pub fn u64_le(u: &mut Unstructured<'_>) -> u64 {
    let mut buf = [0u8; 8];
    let got = take(u, 8);
    buf[..got.len()].copy_from_slice(got);
    u64::from_le_bytes(buf)
}

pub fn bytes<'a>(u: &mut Unstructured<'a>) -> &'a [u8] {
    let len = usize::from(u16_le(u));
    take(u, len)
}

pub fn text(u: &mut Unstructured<'_>) -> String {
    String::from_utf8_lossy(bytes(u)).into_owned()
}

pub fn maybe_text(u: &mut Unstructured<'_>) -> Option<String> {
    (byte(u) % 2 == 1).then(|| text(u))
}

/// Up to `n` bytes from the front.
fn take<'a>(u: &mut Unstructured<'a>, n: usize) -> &'a [u8] {
    let n = n.min(u.len());
    u.bytes(n).expect("no more than what is left")
}

/// Whether `haystack` contains `needle` as bytes.
///
/// Found by a rolling hash, comparing bytes only where the hashes agree:
/// libFuzzer records the operands of byte comparisons (`memcmp`) and puts
/// them into new inputs, so comparing each window of a message with a
/// secret would teach it the message's fixed text, make that text a
/// secret, and report the message as a leak. Hashes teach it nothing.
pub fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    const BASE: u64 = 1_000_003;
    let n = needle.len();
    if n == 0 {
        return true;
    }
    if n > haystack.len() {
        return false;
    }
    let hash = |bytes: &[u8]| bytes.iter().fold(0u64, |h, &b| h.wrapping_mul(BASE).wrapping_add(u64::from(b)));
    let top = (1..n).fold(1u64, |p, _| p.wrapping_mul(BASE));
    let target = hash(needle);
    let mut h = hash(&haystack[..n]);
    for start in 0..=haystack.len() - n {
        if start > 0 {
            let out = u64::from(haystack[start - 1]).wrapping_mul(top);
            h = h.wrapping_sub(out).wrapping_mul(BASE).wrapping_add(u64::from(haystack[start + n - 1]));
        }
        if h == target && &haystack[start..start + n] == needle {
            return true;
        }
    }
    false
}

/// Whether `secret` is among what the caller gave (`inputs`), as the core
/// may echo it back: in any case, with `+` and space alike, percent-decoded,
/// trimmed. A message quoting an input that happens to hold a secret shows
/// the caller's own text, not a leak; the leak checks skip those secrets.
pub fn given_in(secret: &[u8], inputs: &[&str]) -> bool {
    let normalize = |s: &str| s.to_lowercase().replace('+', " ");
    let secret = normalize(&String::from_utf8_lossy(secret));
    let secret = secret.trim();
    secret.is_empty()
        || inputs.iter().any(|i| normalize(i).contains(secret) || normalize(&percent_decode(i)).contains(secret))
}

/// `%XX` to its byte (anything else kept), then UTF-8 with U+FFFD.
fn percent_decode(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if let (b'%', Some(hi), Some(lo)) =
            (b[i], b.get(i + 1).and_then(|&c| hex(c)), b.get(i + 2).and_then(|&c| hex(c)))
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primitives_read_from_the_front_and_run_out_as_zeros() {
        let data = [7, 3, 0, b'a', b'b', b'c', 1, 2, 0, 0xff, b'x', 5];
        let mut u = Unstructured::new(&data);
        assert_eq!(byte(&mut u), 7);
        assert_eq!(text(&mut u), "abc");
        assert_eq!(maybe_text(&mut u).as_deref(), Some("\u{fffd}x"));
        assert_eq!(u64_le(&mut u), 5);
        assert_eq!(byte(&mut u), 0);
        assert_eq!(bytes(&mut u), b"");
    }

    #[test]
    fn contains_bytes_finds_every_position() {
        let hay = b"the secret is 0123456789abcdef";
        for start in 0..hay.len() {
            for end in start..=hay.len() {
                assert!(contains_bytes(hay, &hay[start..end]));
            }
        }
        assert!(!contains_bytes(hay, b"0123456789abcdeg"));
        assert!(!contains_bytes(b"abc", b"abcd"));
    }

    #[test]
    fn a_secret_is_given_when_an_input_holds_it_in_any_spelling() {
        assert!(given_in(b"Secret+Value-0123", &["x=secret%20value-0123"]));
        assert!(!given_in(b"secret-value-0123", &["x=secret-value-012"]));
    }
}
