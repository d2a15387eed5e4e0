//! The token commands' flags (SPEC §8): `keygen`, `sign-token`,
//! `verify-token`, and the keys and checks `diagnose --token` shares with
//! `verify-token`.

use std::path::PathBuf;

use clap::Args;
use userhash::jwt::{
    Profile, DEFAULT_LEEWAY_S, DEFAULT_MAX_LIFETIME_S, DEFAULT_MAX_TOKEN_LEN, DEFAULT_TOKEN_LIFETIME_S,
};

use crate::args::StoreArgs;

fn parse_profile(text: &str) -> Result<Profile, String> {
    text.parse().map_err(|e: userhash::Error| match e {
        userhash::Error::Malformed { reason, .. } => reason,
        other => other.to_string(),
    })
}

/// `keygen`'s flags.
#[derive(Args, Debug)]
pub struct KeygenArgs {
    /// Write the private key (PKCS#8 PEM) to this new file, mode 0600; an existing file is never overwritten
    #[arg(long, value_name = "FILE")]
    pub(crate) out: PathBuf,
    /// The key id to put in the public JWK (and to give the signer's --kid)
    #[arg(long, value_name = "KID")]
    pub(crate) kid: Option<String>,
}

/// `sign-token`'s flags.
#[derive(Args, Debug)]
pub struct SignTokenArgs {
    /// Whose claim names to use: userhash (sub, email, org), intercom (user_id, email),
    /// zendesk (scope, external_id, email, email_verified, name) or drift (sub)
    #[arg(long, value_name = "PROFILE", value_parser = parse_profile, default_value = "userhash")]
    pub(crate) profile: Profile,
    /// The user's id (sub, user_id or external_id, as the profile names it)
    #[arg(long, value_name = "ID")]
    pub(crate) user_id: String,
    #[arg(long, value_name = "EMAIL")]
    pub(crate) email: Option<String>,
    /// The display name (zendesk)
    #[arg(long, value_name = "NAME")]
    pub(crate) name: Option<String>,
    /// Whether the email is verified (zendesk)
    #[arg(long, value_name = "BOOL")]
    pub(crate) email_verified: Option<bool>,
    /// The org (userhash profile: required)
    #[arg(long, value_name = "ORG")]
    pub(crate) org: Option<String>,
    /// The `aud` claim
    #[arg(long, value_name = "AUD")]
    pub(crate) audience: Option<String>,
    /// The `iss` claim
    #[arg(long, value_name = "ISS")]
    pub(crate) issuer: Option<String>,
    /// The header's `kid`: which of the verifier's keys this is
    #[arg(long, value_name = "KID")]
    pub(crate) kid: Option<String>,
    /// Seconds from iat to exp
    #[arg(long, value_name = "S", default_value_t = DEFAULT_TOKEN_LIFETIME_S)]
    pub(crate) lifetime_s: u64,
    /// More claims, as one JSON object ('{"plan":"pro"}'); none may be one the signer sets
    #[arg(long, value_name = "JSON")]
    pub(crate) claims: Option<String>,
    /// Sign EdDSA with this Ed25519 private key (PKCS#8 PEM or private JWK, from `userhash keygen`);
    /// without it, HS256 with USERHASH_TOKEN_SECRET
    #[arg(long, value_name = "FILE")]
    pub(crate) key: Option<PathBuf>,
    /// Issue at this Unix time in milliseconds instead of now (with --jti)
    #[arg(long, value_name = "MS", requires = "jti")]
    pub(crate) now: Option<u64>,
    /// Use this jti instead of a fresh UUID v4 (with --now; a reused jti is a replay)
    #[arg(long, value_name = "JTI", requires = "now")]
    pub(crate) jti: Option<String>,
}

/// The keys and checks of `verify-token` and `diagnose --token`.
#[derive(Args, Debug)]
pub struct TokenCheckArgs {
    /// The claim names the token uses: userhash, intercom, zendesk or drift
    #[arg(long, value_name = "PROFILE", value_parser = parse_profile, default_value = "userhash")]
    pub(crate) profile: Profile,
    /// The audience `aud` must contain (without it, a token with `aud` is refused)
    #[arg(long, value_name = "AUD")]
    pub(crate) audience: Option<String>,
    /// The issuer `iss` must equal
    #[arg(long, value_name = "ISS")]
    pub(crate) issuer: Option<String>,
    /// An Ed25519 public key: a PEM, a JWK or a JWK Set file (or keygen's output, read as
    /// its JWK); repeat for rotation. Without it, HS256 with USERHASH_TOKEN_SECRET (or
    /// --secret-file, one per line)
    #[arg(long = "public-key", value_name = "FILE")]
    pub(crate) public_keys: Vec<PathBuf>,
    /// The kid of the first key (a PEM public key or the current HS256 secret); JWKs carry their own
    #[arg(long, value_name = "KID")]
    pub(crate) kid: Option<String>,
    /// Clock skew allowed on exp, nbf and iat, in seconds
    #[arg(long, value_name = "S", default_value_t = DEFAULT_LEEWAY_S)]
    pub(crate) leeway_s: u64,
    /// The longest lifetime (exp - iat) accepted, in seconds
    #[arg(long, value_name = "S", default_value_t = DEFAULT_MAX_LIFETIME_S)]
    pub(crate) max_lifetime_s: u64,
    /// The longest token read, in bytes
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_TOKEN_LEN)]
    pub(crate) max_token_len: usize,
}

/// `verify-token`'s flags.
#[derive(Args, Debug)]
pub struct VerifyTokenArgs {
    /// The token (compact JWS: header.payload.signature)
    #[arg(value_name = "TOKEN")]
    pub(crate) token: String,
    /// The org a userhash-profile token must name
    #[arg(long, value_name = "ORG")]
    pub(crate) org: Option<String>,
    /// Verify as if the clock read MS (Unix milliseconds)
    #[arg(long, value_name = "MS")]
    pub(crate) now: Option<u64>,
    #[command(flatten)]
    pub(crate) check: TokenCheckArgs,
    /// Accept each token once: its jti is recorded until it expires (in this process, or in Redis with --redis)
    #[arg(long)]
    pub(crate) single_use: bool,
    #[command(flatten)]
    pub(crate) store: StoreArgs,
}
