//! The JWT identity token commands (SPEC §8): `keygen`, `sign-token`,
//! `verify-token` and `diagnose --token`.
//!
//! Keys never come from the command line: an HS256 secret comes from
//! `USERHASH_TOKEN_SECRET` (or `--secret-file`), an Ed25519 private key from
//! a file (`--key`), public keys from files (`--public-key`). `keygen`
//! writes the private key to a new file of mode 0600 and prints only the
//! public key.

use std::path::Path;
use std::process::ExitCode;

use userhash::jwt::{
    Ed25519KeyPair, SignerOptions, TokenKey, TokenSigner, TokenSubject, TokenVerifier, VerifierOptions,
};
use userhash::TokenDiagnosis;

use crate::keys::{keygen_output_jwk, read_key_file, write_new_private_file};
use crate::output::{Failure, REJECTED};
use crate::secrets::{self, Scheme};
use crate::token_args::{KeygenArgs, SignTokenArgs, TokenCheckArgs, VerifyTokenArgs};
use crate::views::{print_diagnosis, print_json, print_line, print_text, VerifiedTokenJson};

/// `keygen`: a new Ed25519 pair; the private key to a new 0600 file, the
/// public key (PEM, then JWK) to stdout.
pub fn keygen(args: KeygenArgs) -> Result<ExitCode, Failure> {
    let pair = Ed25519KeyPair::generate(args.kid.as_deref()).map_err(Failure::input)?;
    write_new_private_file(&args.out, pair.private_pem.as_bytes())?;
    print_text(&format!("{}{}\n", pair.public_pem, pair.public_jwk))?;
    crate::output::to_stderr(&format!(
        "keygen: the private key is in {} (mode 0600): keep it with the signer only (sign-token --key); give the \
         public key above (PEM or JWK) to the verifier",
        args.out.display()
    ));
    Ok(ExitCode::SUCCESS)
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
    print_line(&token)
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
    print_json(&VerifiedTokenJson::from(&token))
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
    match &diagnosis {
        TokenDiagnosis::Explained { causes } => {
            print_diagnosis(causes.iter().map(|cause| (cause.name(), cause.to_string())))
        }
        other => print_diagnosis([(other.name(), other.to_string())]),
    }?;
    Ok(if matches!(diagnosis, TokenDiagnosis::Valid) { ExitCode::SUCCESS } else { ExitCode::from(REJECTED) })
}
