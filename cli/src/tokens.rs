//! The JWT identity token commands (SPEC §8): `keygen`, `sign-token`,
//! `verify-token` and `diagnose --token`.
//!
//! Keys never come from the command line: an HS256 secret comes from
//! `USERHASH_TOKEN_SECRET` (or `--secret-file`), an Ed25519 private key from
//! a file (`--key`), public keys from files (`--public-key`). `keygen`
//! writes the private key to a new file of mode 0600 and prints only the
//! public key.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use serde::Serialize;
use userhash::jwt::{
    Ed25519KeyPair, Profile, SignerOptions, TokenKey, TokenSigner, TokenSubject, TokenVerifier, VerifiedToken,
    VerifierOptions, DEFAULT_LEEWAY_S, DEFAULT_MAX_LIFETIME_S, DEFAULT_MAX_TOKEN_LEN, DEFAULT_TOKEN_LIFETIME_S,
};
use userhash::TokenDiagnosis;
use zeroize::Zeroizing;

use crate::output::{Failure, REJECTED};
use crate::secrets::{self, Scheme};

/// The most a key file may hold: a PEM is a few hundred bytes, a JWK Set of
/// 100 keys some 20 KiB.
pub const KEY_FILE_MAX_BYTES: usize = 64 * 1024;

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
    out: PathBuf,
    /// The key id to put in the public JWK (and to give the signer's --kid)
    #[arg(long, value_name = "KID")]
    kid: Option<String>,
}

/// `sign-token`'s flags.
#[derive(Args, Debug)]
pub struct SignTokenArgs {
    /// Whose claim names to use: userhash (sub, email, org), intercom (user_id, email),
    /// zendesk (scope, external_id, email, email_verified, name) or drift (sub)
    #[arg(long, value_name = "PROFILE", value_parser = parse_profile, default_value = "userhash")]
    profile: Profile,
    /// The user's id (sub, user_id or external_id, as the profile names it)
    #[arg(long, value_name = "ID")]
    user_id: String,
    #[arg(long, value_name = "EMAIL")]
    email: Option<String>,
    /// The display name (zendesk)
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Whether the email is verified (zendesk)
    #[arg(long, value_name = "BOOL")]
    email_verified: Option<bool>,
    /// The org (userhash profile: required)
    #[arg(long, value_name = "ORG")]
    org: Option<String>,
    /// The `aud` claim
    #[arg(long, value_name = "AUD")]
    audience: Option<String>,
    /// The `iss` claim
    #[arg(long, value_name = "ISS")]
    issuer: Option<String>,
    /// The header's `kid`: which of the verifier's keys this is
    #[arg(long, value_name = "KID")]
    kid: Option<String>,
    /// Seconds from iat to exp
    #[arg(long, value_name = "S", default_value_t = DEFAULT_TOKEN_LIFETIME_S)]
    lifetime_s: u64,
    /// More claims, as one JSON object ('{"plan":"pro"}'); none may be one the signer sets
    #[arg(long, value_name = "JSON")]
    claims: Option<String>,
    /// Sign EdDSA with this Ed25519 private key (PKCS#8 PEM or private JWK, from `userhash keygen`);
    /// without it, HS256 with USERHASH_TOKEN_SECRET
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// Issue at this Unix time in milliseconds instead of now (with --jti)
    #[arg(long, value_name = "MS", requires = "jti")]
    now: Option<u64>,
    /// Use this jti instead of a fresh UUID v4 (with --now; a reused jti is a replay)
    #[arg(long, value_name = "JTI", requires = "now")]
    jti: Option<String>,
}

/// The keys and checks of `verify-token` and `diagnose --token`.
#[derive(Args, Debug)]
pub struct TokenCheckArgs {
    /// The claim names the token uses: userhash, intercom, zendesk or drift
    #[arg(long, value_name = "PROFILE", value_parser = parse_profile, default_value = "userhash")]
    profile: Profile,
    /// The audience `aud` must contain (without it, a token with `aud` is refused)
    #[arg(long, value_name = "AUD")]
    audience: Option<String>,
    /// The issuer `iss` must equal
    #[arg(long, value_name = "ISS")]
    issuer: Option<String>,
    /// An Ed25519 public key: a PEM, a JWK or a JWK Set file (or keygen's output, read as
    /// its JWK); repeat for rotation. Without it, HS256 with USERHASH_TOKEN_SECRET (or
    /// --secret-file, one per line)
    #[arg(long = "public-key", value_name = "FILE")]
    public_keys: Vec<PathBuf>,
    /// The kid of the first key (a PEM public key or the current HS256 secret); JWKs carry their own
    #[arg(long, value_name = "KID")]
    kid: Option<String>,
    /// Clock skew allowed on exp, nbf and iat, in seconds
    #[arg(long, value_name = "S", default_value_t = DEFAULT_LEEWAY_S)]
    leeway_s: u64,
    /// The longest lifetime (exp - iat) accepted, in seconds
    #[arg(long, value_name = "S", default_value_t = DEFAULT_MAX_LIFETIME_S)]
    max_lifetime_s: u64,
    /// The longest token read, in bytes
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_TOKEN_LEN)]
    max_token_len: usize,
}

/// `keygen`: a new Ed25519 pair; the private key to a new 0600 file, the
/// public key (PEM, then JWK) to stdout.
pub fn keygen(args: KeygenArgs) -> Result<ExitCode, Failure> {
    let pair = Ed25519KeyPair::generate(args.kid.as_deref()).map_err(Failure::input)?;
    write_new_private_file(&args.out, pair.private_pem.as_bytes())?;
    crate::cli::print_text(&format!("{}{}\n", pair.public_pem, pair.public_jwk))?;
    crate::output::to_stderr(&format!(
        "keygen: the private key is in {} (mode 0600): keep it with the signer only (sign-token --key); give the \
         public key above (PEM or JWK) to the verifier",
        args.out.display()
    ));
    Ok(ExitCode::SUCCESS)
}

/// Creates `path` with mode 0600 and writes `bytes`; an existing file (or
/// link) is refused, never truncated.
fn write_new_private_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let mut file = OpenOptions::new().write(true).create_new(true).mode(0o600).open(path).map_err(|e| {
        if e.kind() == ErrorKind::AlreadyExists {
            Failure::usage(format!(
                "{} already exists; keygen never overwrites a key (move it away, or choose another --out)",
                path.display()
            ))
        } else {
            Failure::usage(format!("cannot create {}: {e}", path.display()))
        }
    })?;
    file.write_all(bytes).and_then(|()| file.sync_all()).map_err(|e| {
        let _ = std::fs::remove_file(path);
        Failure::usage(format!("cannot write {}: {e}", path.display()))
    })
}

/// A key file's text, at most [`KEY_FILE_MAX_BYTES`], wiped when dropped.
/// The errors do not repeat the file's contents.
fn read_key_file(path: &Path, what: &str) -> Result<Zeroizing<String>, Failure> {
    let cannot = |e: std::io::Error| Failure::usage(format!("cannot read the {what} {} ({e})", path.display()));
    let file = File::open(path).map_err(cannot)?;
    let mut bytes = Zeroizing::new(Vec::with_capacity(4096));
    file.take(KEY_FILE_MAX_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() > KEY_FILE_MAX_BYTES {
        return Err(Failure::usage(format!(
            "the {what} {} is larger than {} KiB; give a PEM, JWK or JWK Set file",
            path.display(),
            KEY_FILE_MAX_BYTES / 1024
        )));
    }
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Failure::usage(format!("the {what} {} is not text (PEM or JSON)", path.display())))?;
    Ok(Zeroizing::new(text.to_owned()))
}

/// `sign-token`: prints one token.
pub fn sign_token(args: SignTokenArgs, secret_file: Option<&Path>) -> Result<ExitCode, Failure> {
    let options = SignerOptions {
        profile: args.profile,
        kid: args.kid,
        org: args.org,
        audience: args.audience,
        issuer: args.issuer,
        lifetime_s: args.lifetime_s,
    };
    let signer = match &args.key {
        Some(path) => {
            let text = read_key_file(path, "--key file")?;
            TokenSigner::ed25519_from_text(&text, options)
        }
        None => {
            let secrets = secrets::load(Scheme::Token, secret_file)?;
            TokenSigner::hs256(secrets[0].clone(), options)
        }
    }
    .map_err(Failure::input)?;
    let subject = TokenSubject {
        user_id: args.user_id,
        email: args.email,
        name: args.name,
        email_verified: args.email_verified,
        extra_claims_json: args.claims,
    };
    let token = match (args.now, &args.jti) {
        (Some(now), Some(jti)) => signer.sign_at(&subject, now, jti),
        // clap makes --now and --jti come together.
        _ => signer.sign(&subject),
    }
    .map_err(Failure::input)?;
    crate::cli::print_line(&token)
}

impl TokenCheckArgs {
    /// The verifier these flags describe, for `org` (the userhash profile's),
    /// with its own memory store.
    fn verifier(&self, org: Option<&str>, secret_file: Option<&Path>) -> Result<TokenVerifier, Failure> {
        let mut keys = Vec::new();
        if self.public_keys.is_empty() {
            let secrets = secrets::load(Scheme::Token, secret_file)?;
            for (i, secret) in secrets.into_iter().enumerate() {
                let kid = if i == 0 { self.kid.as_deref() } else { None };
                keys.push(TokenKey::hs256(secret, kid).map_err(Failure::input)?);
            }
        } else {
            for (i, path) in self.public_keys.iter().enumerate() {
                let text = read_key_file(path, "--public-key file")?;
                let text = keygen_output_jwk(&text).unwrap_or(&text);
                let kid = if i == 0 { self.kid.as_deref() } else { None };
                let kid = kid.filter(|_| !text.trim_start().starts_with('{'));
                keys.extend(TokenKey::parse_public(text, kid).map_err(Failure::input)?);
            }
        }
        let options = VerifierOptions {
            profile: self.profile,
            org: org.map(str::to_owned),
            audience: self.audience.clone(),
            issuer: self.issuer.clone(),
            leeway_s: self.leeway_s,
            max_lifetime_s: self.max_lifetime_s,
            max_token_len: self.max_token_len,
            single_use: false,
        };
        TokenVerifier::new(keys, options).map_err(Failure::input)
    }
}

/// The JWK line of a file that holds what `keygen` printed (a PEM, then a
/// JWK with the kid): the JWK is used, kid and all.
fn keygen_output_jwk(text: &str) -> Option<&str> {
    let (_, rest) = text.split_once("-----END PUBLIC KEY-----")?;
    let rest = rest.trim();
    rest.starts_with('{').then_some(rest)
}

/// `verify-token`'s flags.
#[derive(Args, Debug)]
pub struct VerifyTokenArgs {
    /// The token (compact JWS: header.payload.signature)
    #[arg(value_name = "TOKEN")]
    token: String,
    /// The org a userhash-profile token must name
    #[arg(long, value_name = "ORG")]
    org: Option<String>,
    /// Verify as if the clock read MS (Unix milliseconds)
    #[arg(long, value_name = "MS")]
    now: Option<u64>,
    #[command(flatten)]
    check: TokenCheckArgs,
    /// Accept each token once: its jti is recorded until it expires (in this process, or in Redis with --redis)
    #[arg(long)]
    single_use: bool,
    #[command(flatten)]
    store: crate::cli::StoreArgs,
}

/// `verify-token`: the verified claims as JSON (exit 0) or the rejection (exit 1).
pub fn verify_token(args: VerifyTokenArgs, secret_file: Option<&Path>) -> Result<ExitCode, Failure> {
    let mut verifier = args.check.verifier(args.org.as_deref(), secret_file)?;
    if args.single_use {
        let mut options = verifier.options().clone();
        options.single_use = true;
        verifier = TokenVerifier::new(verifier.keys().to_vec(), options).map_err(Failure::input)?;
    }
    if let Some(store) = args.store.store()? {
        verifier = verifier.with_nonce_store(store);
    }
    let result = match args.now {
        Some(now) => verifier.verify_at(&args.token, now),
        None => verifier.verify(&args.token),
    };
    let token = result.map_err(Failure::rejection)?;
    crate::cli::print_json(&VerifiedJson::from(&token))
}

/// `diagnose --token`: the causes, one per line (exit 1), or `Valid` (exit 0).
pub fn diagnose_token(
    token: &str,
    org: Option<&str>,
    now: Option<u64>,
    check: &TokenCheckArgs,
    secret_file: Option<&Path>,
) -> Result<ExitCode, Failure> {
    let verifier = check.verifier(org, secret_file)?;
    let diagnosis = match now {
        Some(now) => verifier.diagnose_at(token, now),
        None => verifier.diagnose(token),
    };
    let mut text = String::new();
    match &diagnosis {
        TokenDiagnosis::Explained { causes } => {
            for cause in causes {
                text.push_str(&format!("{}: {cause}\n", cause.name()));
            }
        }
        other => text.push_str(&format!("{}: {other}\n", other.name())),
    }
    crate::cli::print_text(&text)?;
    Ok(if matches!(diagnosis, TokenDiagnosis::Valid) { ExitCode::SUCCESS } else { ExitCode::from(REJECTED) })
}

/// `verify-token`'s object: the verified token with the API's field names,
/// its claims as a JSON object.
#[derive(Serialize)]
struct VerifiedJson<'a> {
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

impl<'a> From<&'a VerifiedToken> for VerifiedJson<'a> {
    fn from(t: &'a VerifiedToken) -> Self {
        VerifiedJson {
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
