//! The claims model: what a signer is asked to sign ([`TokenSubject`]), the
//! payload it writes, what a verifier reads back ([`VerifiedToken`]), and
//! the rules both share.

use serde_json::{Map, Value};

use super::encoding::{json_object, shown, write_json};
use super::header::Algorithm;
use super::profile::{Profile, REGISTERED_CLAIMS};
use crate::error::{Error, Field, Result};

/// The longest user id, in bytes.
pub const MAX_USER_ID_LEN: usize = 1024;
/// The longest display name in a token, in bytes.
pub const MAX_TOKEN_NAME_LEN: usize = 256;
/// The longest email, in bytes (as SPEC §1.3).
pub const MAX_TOKEN_EMAIL_LEN: usize = 320;
/// The shortest and longest `jti` (as a nonce, SPEC §1.3: 8 to 128 of
/// `A-Z a-z 0-9 - _ . ~`), so it can key every nonce store.
pub const MIN_JTI_LEN: usize = 8;
pub const MAX_JTI_LEN: usize = 128;
/// A time claim at or above this (year 5138 in seconds) is milliseconds.
pub(crate) const SECONDS_MAX: u64 = 100_000_000_000;

/// Who a token is about: one user's claims, named by the signer's profile
/// (`user_id` is `sub`, `user_id` or `external_id`). Plain fields, so every
/// binding passes it as a record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TokenSubject {
    pub user_id: String,
    /// `userhash`, `intercom` and `zendesk` profiles.
    pub email: Option<String>,
    /// `zendesk` profile.
    pub name: Option<String>,
    /// `zendesk` profile.
    pub email_verified: Option<bool>,
    /// More claims, as the text of one JSON object (`{"plan":"pro"}`). None
    /// may be a registered claim (`iss`, `sub`, `aud`, `exp`, `nbf`, `iat`,
    /// `jti`) or one of the profile's.
    pub extra_claims_json: Option<String>,
}

impl TokenSubject {
    pub fn new(user_id: impl Into<String>) -> Self {
        TokenSubject { user_id: user_id.into(), ..TokenSubject::default() }
    }

    pub fn with_email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }
}

/// Who a verified token says the user is, once every check has passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedToken {
    pub profile: Profile,
    /// The profile's user id claim (`sub`, `user_id` or `external_id`).
    pub user_id: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub email_verified: Option<bool>,
    /// The `org` claim (`userhash` profile).
    pub org: Option<String>,
    /// `iat`, seconds since 1970, if the token has one.
    pub issued_at: Option<u64>,
    /// `exp`, seconds since 1970.
    pub expires_at: u64,
    pub jti: Option<String>,
    /// The header's `kid`, if any.
    pub kid: Option<String>,
    /// Which of the verifier's keys matched (0 is the first configured).
    pub key_index: usize,
    pub algorithm: Algorithm,
    /// The whole payload as received (JSON text of one object): every claim,
    /// extra ones included.
    pub claims_json: String,
}

fn bad(reason: impl Into<String>) -> Error {
    Error::malformed(Field::Claims, reason)
}

/// 1..=`max` bytes, no control character; for an email, no whitespace around it.
fn check_text(claim: &str, value: &str, max: usize) -> Result<()> {
    if value.is_empty() || value.len() > max {
        return Err(bad(format!("`{claim}` must be 1 to {max} bytes, not {}", value.len())));
    }
    if value.chars().any(char::is_control) {
        return Err(bad(format!("`{claim}` contains a control character (a newline or tab?)")));
    }
    if claim == "email" && value.trim() != value {
        return Err(bad("`email` has whitespace around it; trim it before signing"));
    }
    Ok(())
}

/// 8..=128 characters of `A-Z a-z 0-9 - _ . ~`.
pub(crate) fn check_jti(jti: &str) -> Result<()> {
    let ok = (MIN_JTI_LEN..=MAX_JTI_LEN).contains(&jti.len())
        && jti.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'));
    if !ok {
        return Err(bad(format!(
            "`jti` must be {MIN_JTI_LEN} to {MAX_JTI_LEN} characters of A-Z a-z 0-9 - _ . ~ (a UUID v4 is 36)"
        )));
    }
    Ok(())
}

/// What a signer adds around the subject.
pub(crate) struct Registered<'a> {
    pub iat: u64,
    pub exp: u64,
    pub jti: &'a str,
    pub org: Option<&'a str>,
    pub audience: Option<&'a str>,
    pub issuer: Option<&'a str>,
}

/// The payload JSON of a token: registered claims, the profile's, the extra
/// ones; members sorted by name, so the same inputs give the same bytes.
pub(crate) fn payload_json(profile: Profile, subject: &TokenSubject, reg: &Registered<'_>) -> Result<String> {
    let mut map = match &subject.extra_claims_json {
        Some(extra) => extra_claims(profile, extra)?,
        None => Map::new(),
    };
    check_text(profile.user_id_claim(), &subject.user_id, MAX_USER_ID_LEN)?;
    map.insert(profile.user_id_claim().to_owned(), subject.user_id.clone().into());
    if let Some(email) = &subject.email {
        if !profile.has_email() {
            return Err(not_in_profile(profile, "email"));
        }
        check_text("email", email, MAX_TOKEN_EMAIL_LEN)?;
        map.insert("email".into(), email.clone().into());
    }
    if let Some(name) = &subject.name {
        if !profile.has_name() {
            return Err(not_in_profile(profile, "name"));
        }
        check_text("name", name, MAX_TOKEN_NAME_LEN)?;
        map.insert("name".into(), name.clone().into());
    }
    if let Some(verified) = subject.email_verified {
        if !profile.has_name() {
            return Err(not_in_profile(profile, "email_verified"));
        }
        map.insert("email_verified".into(), verified.into());
    }
    match (profile, reg.org) {
        (Profile::Userhash, Some(org)) => {
            map.insert("org".into(), org.into());
        }
        (Profile::Userhash, None) => {
            return Err(Error::malformed(Field::OrgId, "the userhash profile signs an `org`: set the signer's org"))
        }
        (_, Some(_)) => return Err(not_in_profile(profile, "org")),
        (_, None) => {}
    }
    if profile == Profile::Zendesk {
        map.insert("scope".into(), "user".into());
    }
    map.insert("iat".into(), reg.iat.into());
    map.insert("exp".into(), reg.exp.into());
    map.insert("jti".into(), reg.jti.into());
    if let Some(aud) = reg.audience {
        map.insert("aud".into(), aud.into());
    }
    if let Some(iss) = reg.issuer {
        map.insert("iss".into(), iss.into());
    }
    let mut out = String::with_capacity(256);
    write_json(&mut out, &Value::Object(map));
    Ok(out)
}

fn not_in_profile(profile: Profile, claim: &str) -> Error {
    bad(format!(
        "the {profile} profile has no `{claim}` claim (it has {}); add it as an extra claim if the receiver reads it",
        profile.claims().join(", ")
    ))
}

/// The caller's extra claims: one JSON object, none of them the signer's own.
fn extra_claims(profile: Profile, text: &str) -> Result<Map<String, Value>> {
    let map = json_object(text.as_bytes()).map_err(|why| bad(format!("the extra claims {why}")))?;
    for name in map.keys() {
        if REGISTERED_CLAIMS.contains(&name.as_str()) || profile.claims().contains(&name.as_str()) {
            return Err(bad(format!(
                "the extra claim `{}` is one the signer sets itself (registered claims: {}; the {profile} \
                 profile's: {}); set it through the signer's options or the subject instead",
                shown(name),
                REGISTERED_CLAIMS.join(", "),
                profile.claims().join(", ")
            )));
        }
    }
    Ok(map)
}

/// A received payload's claims, read after its signature has been checked.
#[derive(Debug)]
pub(crate) struct ReadClaims {
    pub exp: Option<u64>,
    pub iat: Option<u64>,
    pub nbf: Option<u64>,
    pub jti: Option<String>,
    pub aud: Vec<String>,
    pub iss: Option<String>,
    pub user_id: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub email_verified: Option<bool>,
    pub org: Option<String>,
}

fn missing(claim: &str) -> Error {
    Error::MissingClaim { claim: claim.to_owned() }
}

fn string(map: &Map<String, Value>, claim: &str) -> Result<Option<String>> {
    match map.get(claim) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(bad(format!("`{claim}` is {}, not a string", kind(other)))),
    }
}

/// A NumericDate (RFC 7519 §2): seconds since 1970, whole or not (a
/// fraction is dropped). Milliseconds are refused with that hint.
fn seconds(map: &Map<String, Value>, claim: &str) -> Result<Option<u64>> {
    let Some(value) = map.get(claim) else { return Ok(None) };
    let n = match value {
        Value::Number(n) => n,
        other => return Err(bad(format!("`{claim}` is {}, not a number of seconds", kind(other)))),
    };
    let secs = match (n.as_u64(), n.as_f64()) {
        (Some(v), _) => v,
        // In range (checked here), so the cast only drops the fraction, which
        // a NumericDate may have (RFC 7519 §2): it cannot wrap or lose a sign.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        (None, Some(f)) if (0.0..1e18).contains(&f) => f as u64,
        _ => return Err(bad(format!("`{claim}` is {n}: not a time (seconds since 1970)"))),
    };
    if secs >= SECONDS_MAX {
        return Err(bad(format!(
            "`{claim}` is {secs}, which looks like milliseconds: JWT times are seconds since 1970 (RFC 7519 \
             NumericDate); divide by 1000 (Date.now() / 1000 | 0, int(time.time()))"
        )));
    }
    Ok(Some(secs))
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl ReadClaims {
    /// The payload's registered claims and the profile's, each of its type.
    pub(crate) fn read(profile: Profile, payload: &[u8]) -> Result<Self> {
        let map = json_object(payload).map_err(|why| bad(format!("the payload {why}")))?;
        let aud = match map.get("aud") {
            None => Vec::new(),
            Some(Value::String(a)) => vec![a.clone()],
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
                items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()
            }
            Some(_) => return Err(bad("`aud` is neither a string nor an array of strings")),
        };
        // `sub` is a string wherever it appears (RFC 7519 §4.1.2).
        string(&map, "sub")?;
        let user_claim = profile.user_id_claim();
        let user_id = string(&map, user_claim)?.ok_or_else(|| missing(user_claim))?;
        if user_id.is_empty() {
            return Err(bad(format!("`{user_claim}` is empty")));
        }
        let email_verified = match map.get("email_verified") {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => return Err(bad(format!("`email_verified` is {}, not a boolean", kind(other)))),
        };
        if profile == Profile::Zendesk {
            match map.get("scope") {
                Some(Value::String(s)) if s == "user" => {}
                Some(_) => return Err(bad("`scope` must be \"user\" in a Zendesk user token")),
                None => return Err(missing("scope")),
            }
        }
        let org = string(&map, "org")?;
        if profile == Profile::Userhash && org.is_none() {
            return Err(missing("org"));
        }
        Ok(ReadClaims {
            exp: seconds(&map, "exp")?,
            iat: seconds(&map, "iat")?,
            nbf: seconds(&map, "nbf")?,
            jti: string(&map, "jti")?,
            aud,
            iss: string(&map, "iss")?,
            user_id,
            email: string(&map, "email")?,
            name: string(&map, "name")?,
            email_verified,
            org,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg() -> Registered<'static> {
        Registered {
            iat: 1_700_000_000,
            exp: 1_700_000_300,
            jti: "jti-00000001",
            org: None,
            audience: None,
            issuer: None,
        }
    }

    #[test]
    fn each_profile_writes_its_claims() {
        let subject = TokenSubject::new("user-42").with_email("a@example.com");
        let userhash = payload_json(Profile::Userhash, &subject, &Registered { org: Some("org_1"), ..reg() }).unwrap();
        assert_eq!(
            userhash,
            r#"{"email":"a@example.com","exp":1700000300,"iat":1700000000,"jti":"jti-00000001","org":"org_1","sub":"user-42"}"#
        );
        let intercom = payload_json(Profile::Intercom, &subject, &reg()).unwrap();
        assert!(intercom.contains(r#""user_id":"user-42""#) && !intercom.contains("sub"));
        let zendesk = TokenSubject { name: Some("Jane".into()), email_verified: Some(true), ..subject.clone() };
        let zendesk = payload_json(Profile::Zendesk, &zendesk, &reg()).unwrap();
        assert!(zendesk.contains(r#""external_id":"user-42""#) && zendesk.contains(r#""scope":"user""#));
        assert!(zendesk.contains(r#""email_verified":true"#) && zendesk.contains(r#""name":"Jane""#));
        assert!(payload_json(Profile::Drift, &TokenSubject::new("42"), &reg()).unwrap().contains(r#""sub":"42""#));
    }

    #[test]
    fn claims_outside_the_profile_and_colliding_extras_are_refused() {
        assert!(payload_json(Profile::Drift, &TokenSubject::new("42").with_email("a@b.c"), &reg()).is_err());
        assert!(payload_json(Profile::Userhash, &TokenSubject::new("42"), &reg()).is_err(), "no org");
        for extra in [
            r#"{"exp":1}"#,
            r#"{"sub":"admin"}"#,
            r#"{"iss":"x"}"#,
            r#"{"user_id":"admin"}"#,
            r#"{"a":1,"a":2}"#,
            "[1]",
        ] {
            let subject = TokenSubject { extra_claims_json: Some(extra.into()), ..TokenSubject::new("42") };
            let err = payload_json(Profile::Intercom, &subject, &reg()).unwrap_err();
            assert!(matches!(err, Error::Malformed { field: Field::Claims, .. }), "{extra}: {err}");
        }
        let subject = TokenSubject { extra_claims_json: Some(r#"{"plan":"pro"}"#.into()), ..TokenSubject::new("42") };
        assert!(payload_json(Profile::Intercom, &subject, &reg()).unwrap().contains(r#""plan":"pro""#));
    }

    #[test]
    fn times_in_milliseconds_are_refused_with_the_hint() {
        let err = ReadClaims::read(Profile::Drift, br#"{"sub":"1","exp":1700000000000}"#).unwrap_err();
        assert!(err.to_string().contains("looks like milliseconds"), "{err}");
        let read = ReadClaims::read(Profile::Drift, br#"{"sub":"1","exp":1700000000.5}"#).unwrap();
        assert_eq!(read.exp, Some(1_700_000_000));
        assert!(ReadClaims::read(Profile::Drift, br#"{"sub":"1","exp":-1}"#).is_err());
        assert!(ReadClaims::read(Profile::Drift, br#"{"sub":"1","exp":"1700000000"}"#).is_err());
    }

    #[test]
    fn profile_claims_are_required() {
        assert_eq!(
            ReadClaims::read(Profile::Intercom, br#"{"sub":"1"}"#).unwrap_err(),
            Error::MissingClaim { claim: "user_id".into() }
        );
        assert_eq!(
            ReadClaims::read(Profile::Zendesk, br#"{"external_id":"1"}"#).unwrap_err(),
            Error::MissingClaim { claim: "scope".into() }
        );
        assert!(ReadClaims::read(Profile::Zendesk, br#"{"external_id":"1","scope":"admin"}"#).is_err());
        assert_eq!(
            ReadClaims::read(Profile::Userhash, br#"{"sub":"1"}"#).unwrap_err(),
            Error::MissingClaim { claim: "org".into() }
        );
    }
}
