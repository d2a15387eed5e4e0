//! What the commands print on stdout: the JSON objects of SPEC §5.1 (in
//! its order and names), a diagnosis's lines, and the writing itself, where
//! a closed pipe is an error rather than a panic.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;
use userhash::{SignedIdentity, VerifiedIdentity, VerifiedToken};

use crate::output::Failure;

/// `sign-identity`'s object, in SPEC §5.1's order and names (the URL's).
#[derive(Serialize)]
pub(crate) struct IdentityJson<'a> {
    email: &'a str,
    timestamp: String,
    #[serde(rename = "orgId")]
    org_id: &'a str,
    nonce: &'a str,
    user_hash: &'a str,
}

impl<'a> From<&'a SignedIdentity> for IdentityJson<'a> {
    fn from(id: &'a SignedIdentity) -> Self {
        IdentityJson {
            email: &id.email,
            timestamp: id.timestamp(),
            org_id: &id.org_id,
            nonce: &id.nonce,
            user_hash: &id.user_hash,
        }
    }
}

/// `verify-url`'s object: the verified identity with the API's field names.
#[derive(Serialize)]
pub(crate) struct VerifiedIdentityJson<'a> {
    email: &'a str,
    org_id: &'a str,
    timestamp_ms: u64,
    nonce: &'a str,
    name: Option<&'a str>,
    params: &'a BTreeMap<String, String>,
    key_index: usize,
}

impl<'a> From<&'a VerifiedIdentity> for VerifiedIdentityJson<'a> {
    fn from(id: &'a VerifiedIdentity) -> Self {
        VerifiedIdentityJson {
            email: &id.email,
            org_id: &id.org_id,
            timestamp_ms: id.timestamp_ms,
            nonce: &id.nonce,
            name: id.name.as_deref(),
            params: &id.params,
            key_index: id.key_index,
        }
    }
}

/// `verify-token`'s object: the verified token with the API's field names,
/// its claims as a JSON object.
#[derive(Serialize)]
pub(crate) struct VerifiedTokenJson<'a> {
    profile: &'static str,
    user_id: &'a str,
    email: Option<&'a str>,
    name: Option<&'a str>,
    email_verified: Option<bool>,
    org: Option<&'a str>,
    issued_at: Option<u64>,
    expires_at: u64,
    jti: Option<&'a str>,
    kid: Option<&'a str>,
    key_index: usize,
    algorithm: &'static str,
    claims: serde_json::Value,
}

impl<'a> From<&'a VerifiedToken> for VerifiedTokenJson<'a> {
    fn from(t: &'a VerifiedToken) -> Self {
        VerifiedTokenJson {
            profile: t.profile.as_str(),
            user_id: &t.user_id,
            email: t.email.as_deref(),
            name: t.name.as_deref(),
            email_verified: t.email_verified,
            org: t.org.as_deref(),
            issued_at: t.issued_at,
            expires_at: t.expires_at,
            jti: t.jti.as_deref(),
            kid: t.kid.as_deref(),
            key_index: t.key_index,
            algorithm: t.algorithm.as_str(),
            claims: serde_json::from_str(&t.claims_json).unwrap_or_default(),
        }
    }
}

pub(crate) fn print_json(value: &impl Serialize) -> Result<ExitCode, Failure> {
    let text = serde_json::to_string(value).map_err(|e| Failure::usage(format!("cannot write JSON: {e}")))?;
    print_line(&text)
}

pub(crate) fn print_line(line: &str) -> Result<ExitCode, Failure> {
    print_text(&format!("{line}\n"))?;
    Ok(ExitCode::SUCCESS)
}

/// `diagnose`'s output: one `Name: text` line each (a cause and how to fix
/// it, or the outcome when no cause was found).
pub(crate) fn print_diagnosis(lines: impl IntoIterator<Item = (&'static str, String)>) -> Result<(), Failure> {
    let text: String = lines.into_iter().map(|(name, text)| format!("{name}: {text}\n")).collect();
    print_text(&text)
}

/// Writes to stdout; a closed pipe (`| head`) is an error, not a panic.
pub(crate) fn print_text(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Failure::usage(format!("cannot write to stdout: {e}")))
}
