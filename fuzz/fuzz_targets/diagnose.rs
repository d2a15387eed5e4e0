//! `diagnose` and `diagnose_url` with any secrets, inputs and hash, and with
//! hashes made the way a signer gets them wrong.
//!
//! Input (the layout of `userhash_fuzz`, in this order): the secrets' count
//! (byte, modulo 5) and each secret (bytes); `url` (maybe text; when given,
//! `diagnose_url` is called on it); the `SignedInput`'s `identifier`,
//! `email`, `timestamp`, `org_id`, `nonce` (maybe text each); `hash` (maybe
//! text); `mistake` (byte, see [`Mistake`]); `which` and `how` (bytes, the
//! mistake's parameters); `encoding` (byte, see [`encode`]).
//!
//! With `mistake` 0 the hash is `hash` as given (none: the URL's own, or an
//! empty one). Otherwise the target makes the hash itself over the input
//! under the first secret, with one of the usual mistakes diagnose looks for
//! (another configured secret, whitespace on the secret or on a field, the
//! email's case, `+` and space, seconds and milliseconds, the other scheme),
//! then writes it in lower- or upper-case hex or base64.
//!
//! Invariants: nothing panics; no diagnosis or cause (its text or `Debug`)
//! shows a secret longer than 3 bytes, and no error a strong secret (unless
//! the caller's own inputs hold it, or it is all digits, as a timestamp
//! diagnose derives may be);
//! a hash made with one usual mistake is never `Unexplained`, and one
//! written in upper-case hex or base64 is explained as such.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use userhash::mac::{self, MacKey};
use userhash::{diagnose, diagnose_url, Cause, Diagnosis, Error, SignedInput, MIN_SECRET_LEN};
use userhash_fuzz::{byte, bytes, contains_bytes, given_in, maybe_text};

#[derive(Debug)]
struct Input {
    secrets: Vec<Vec<u8>>,
    url: Option<String>,
    signed: SignedInput,
    hash: Option<String>,
    mistake: u8,
    which: u8,
    how: u8,
    encoding: u8,
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Input {
            secrets: (0..byte(u) % 5).map(|_| bytes(u).to_vec()).collect(),
            url: maybe_text(u),
            signed: SignedInput {
                identifier: maybe_text(u),
                email: maybe_text(u),
                timestamp: maybe_text(u),
                org_id: maybe_text(u),
                nonce: maybe_text(u),
            },
            hash: maybe_text(u),
            mistake: byte(u),
            which: byte(u),
            how: byte(u),
            encoding: byte(u),
        })
    }
}

/// The mistakes diagnose searches for, one at a time (two at once are
/// beyond it, and `Unexplained` is then right).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mistake {
    /// The hash as given.
    None,
    /// Signed correctly (the hash must be `Matches`, or explained by its encoding).
    Correct,
    OtherSecret,
    SecretWhitespace,
    FieldWhitespace,
    EmailCase,
    PlusAsSpace,
    Seconds,
    OtherScheme,
}

const MISTAKES: [Mistake; 9] = [
    Mistake::None,
    Mistake::Correct,
    Mistake::OtherSecret,
    Mistake::SecretWhitespace,
    Mistake::FieldWhitespace,
    Mistake::EmailCase,
    Mistake::PlusAsSpace,
    Mistake::Seconds,
    Mistake::OtherScheme,
];

fuzz_target!(|input: Input| check(input));

fn check(input: Input) {
    let secrets: Vec<&[u8]> = input.secrets.iter().map(Vec::as_slice).collect();
    let mut public: Vec<&str> = [
        &input.url,
        &input.signed.identifier,
        &input.signed.email,
        &input.signed.timestamp,
        &input.signed.org_id,
        &input.signed.nonce,
        &input.hash,
    ]
    .into_iter()
    .flatten()
    .map(String::as_str)
    .collect();

    if let Some(url) = &input.url {
        let result = diagnose_url(secrets.iter().copied(), url, input.hash.as_deref());
        assert_no_secret(&result, &secrets, &public);
    }

    let mistake = MISTAKES[usize::from(input.mistake) % MISTAKES.len()];
    let made = match mistake {
        Mistake::None => None,
        _ => make_hash(&input, mistake),
    };
    let hash = match &made {
        Some((hash, _)) => hash.clone(),
        None => input.hash.clone().unwrap_or_default(),
    };
    public.push(&hash);
    let result = diagnose(secrets.iter().copied(), &input.signed, &hash);
    assert_no_secret(&result, &secrets, &public);

    let (Some((hash, encoding)), Ok(diagnosis)) = (&made, &result) else { return };
    assert!(*diagnosis != Diagnosis::Unexplained, "a hash made with {mistake:?} is Unexplained: {hash}\n{input:?}");
    let causes = diagnosis.causes();
    match encoding {
        Encoding::UpperHex if hash.bytes().any(|b| b.is_ascii_uppercase()) => {
            assert_eq!(causes.last(), Some(&Cause::UpperCaseHex), "{mistake:?} in upper-case hex: {causes:?}")
        }
        Encoding::Base64 => assert_eq!(causes.last(), Some(&Cause::Base64Tag), "{mistake:?} in base64: {causes:?}"),
        _ if mistake == Mistake::Correct => {
            assert!(
                matches!(causes, [] | [Cause::SecondsInsteadOfMilliseconds { .. }]),
                "a correct hash explained as {causes:?}"
            )
        }
        _ => {}
    }
}

/// No secret in what diagnose returned, unless the caller gave it.
///
/// A diagnosis exists only when every secret is strong, and each secret
/// longer than 3 bytes is looked for in it. An error's text is fixed apart
/// from lengths and the names of fields, so a short secret may well be a
/// piece of it ("the ", "byte"): errors are searched for the strong secrets.
fn assert_no_secret(result: &Result<Diagnosis, Error>, secrets: &[&[u8]], public: &[&str]) {
    let (shown, shortest) = match result {
        Ok(d) => {
            let mut shown = format!("{d}\n{d:?}");
            for cause in d.causes() {
                shown.push_str(&format!("\n{cause}\n{cause:?}"));
            }
            (shown, 4)
        }
        Err(e) => (format!("{e}\n{e:?}"), MIN_SECRET_LEN),
    };
    for secret in secrets {
        if secret.len() < shortest || secret.iter().all(u8::is_ascii_digit) || given_in(secret, public) {
            continue;
        }
        assert!(!contains_bytes(shown.as_bytes(), secret), "a secret is shown: {shown}");
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Encoding {
    LowerHex,
    UpperHex,
    Base64,
}

/// The claimed scheme's fields in signing order, as diagnose reads them;
/// `None` when the input names no complete scheme (diagnose refuses it).
fn claim(s: &SignedInput) -> Option<(bool, Vec<String>)> {
    let rest = [&s.timestamp, &s.org_id, &s.nonce];
    match (&s.identifier, &s.email) {
        (None, Some(email)) => {
            let mut fields = vec![email.clone()];
            for v in rest {
                fields.push(v.clone()?);
            }
            Some((true, fields))
        }
        (Some(identifier), None) => {
            let given: Vec<String> = rest.iter().filter_map(|v| (*v).clone()).collect();
            if !given.is_empty() && given.len() != rest.len() {
                return None;
            }
            Some((false, [vec![identifier.clone()], given].concat()))
        }
        _ => None,
    }
}

/// The hash a signer makes with `mistake`, and how it was written; `None`
/// when the mistake does not apply to this input.
fn make_hash(input: &Input, mistake: Mistake) -> Option<(String, Encoding)> {
    let (identity, mut fields) = claim(&input.signed)?;
    let first = input.secrets.first()?;
    let mut key = first.clone();
    let which = usize::from(input.which);
    let how = usize::from(input.how);
    let mut other_scheme = false;
    match mistake {
        Mistake::None => return None,
        Mistake::Correct => {}
        Mistake::OtherSecret => {
            let others = input.secrets.len() - 1;
            if others == 0 {
                return None;
            }
            key = input.secrets[1 + which % others].clone();
        }
        Mistake::SecretWhitespace => {
            let secret = &input.secrets[which % input.secrets.len()];
            key = match how % 5 {
                0 => secret.trim_ascii().to_vec(),
                1 => [secret.as_slice(), b"\n"].concat(),
                2 => [secret.as_slice(), b"\r\n"].concat(),
                3 => [secret.as_slice(), b" "].concat(),
                _ => [b" ", secret.as_slice()].concat(),
            };
        }
        Mistake::FieldWhitespace => {
            let i = which % fields.len();
            let v = &fields[i];
            fields[i] = match how % 5 {
                0 => v.trim().to_owned(),
                1 => format!("{v}\n"),
                2 => format!("{v}\r\n"),
                3 => format!("{v} "),
                _ => format!(" {v}"),
            };
        }
        Mistake::EmailCase | Mistake::PlusAsSpace => {
            // The email, or an identifier that is one.
            if !identity && !fields[0].contains('@') {
                return None;
            }
            let v = &fields[0];
            fields[0] = match (mistake, how % 2) {
                (Mistake::EmailCase, 0) => v.to_lowercase(),
                (Mistake::EmailCase, _) => v.to_uppercase(),
                (_, 0) => v.replace(' ', "+"),
                (_, _) => v.replace('+', " "),
            };
        }
        Mistake::Seconds => {
            if !identity {
                return None;
            }
            let value: u64 = fields[1].parse().ok()?;
            fields[1] = if value >= 100_000_000_000 {
                (value / 1000 + (how % 2) as u64).to_string()
            } else {
                (value.checked_mul(1000)? + (how * 4 % 1000) as u64).to_string()
            };
        }
        Mistake::OtherScheme => {
            if !identity && fields.len() != 4 {
                return None;
            }
            other_scheme = true;
        }
    }
    let key = MacKey::new(&key);
    let tag = match (identity, other_scheme) {
        (true, true) | (false, false) => key.tag(fields[0].as_bytes()),
        (true, false) | (false, true) => key.tag(fields.join("|").as_bytes()),
    };
    let hex = mac::to_hex(&tag);
    Some(match input.encoding % 4 {
        0 | 1 => (hex, Encoding::LowerHex),
        2 => (hex.to_uppercase(), Encoding::UpperHex),
        _ => (base64(&tag, input.encoding & 0x10 != 0, input.encoding & 0x20 != 0), Encoding::Base64),
    })
}

/// Standard or URL-safe base64, padded or not.
fn base64(bytes: &[u8], url_safe: bool, pad: bool) -> String {
    let alphabet: &[u8; 64] = if url_safe {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(alphabet[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
        if pad {
            out.push_str(&"=".repeat(3 - chunk.len()));
        }
    }
    out
}
