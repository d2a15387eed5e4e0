//! What each command of SPEC §5.1 does with its parsed flags, and the
//! exit code it ends with; the token commands are in `tokens.rs`.

use std::process::ExitCode;

use userhash::{
    check_timestamp, diagnose, diagnose_url, sign_identifier, verify_identifier, widget_url, Diagnosis, IdentitySigner,
    Secret, SignedIdentity, SignedInput, Verifier,
};

use crate::args::{Cli, Command, DiagnoseArgs, IdentityArgs};
use crate::demo;
use crate::output::{to_stderr, Failure, REJECTED};
use crate::secrets::{self, Scheme};
use crate::tokens;
use crate::views::{print_diagnosis, print_json, print_line, IdentityJson, VerifiedIdentityJson};

/// Runs the parsed command; `Ok` carries the exit code of a command that
/// finished without an error of its own (0, or 1 for `invalid`).
pub fn run(cli: Cli) -> Result<ExitCode, Failure> {
    if cli.secret.is_some() {
        return Err(Failure::usage(
            "--secret is refused: a secret on the command line shows in `ps` and shell history; \
             set USERHASH_SECRET (USERHASH_IDENTIFIER_SECRET for identifier hashes) or pass --secret-file FILE",
        ));
    }
    secrets::check_environment()?;
    let file = cli.secret_file.as_deref();
    match cli.command {
        Command::Demo { addr, store } => {
            demo::run(addr, secrets::load_optional(Scheme::Identity, file)?, |verifier| store.apply(verifier))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::SignIdentifier { identifier } => {
            let secrets = secrets::load(Scheme::Identifier, file)?;
            let hash = sign_identifier(&secrets[0], &identifier).map_err(Failure::input)?;
            print_line(&hash)
        }
        Command::VerifyIdentifier { identifier, hash } => {
            let secrets = secrets::load(Scheme::Identifier, file)?;
            for secret in &secrets {
                if verify_identifier(secret, &identifier, &hash).map_err(Failure::input)? {
                    return print_line("valid");
                }
            }
            print_line("invalid")?;
            to_stderr(
                "Mismatch: the hash is not the identifier hash of this identifier under any configured secret; \
                 `userhash diagnose --identifier ... --hash ...` names the usual causes",
            );
            Ok(ExitCode::from(REJECTED))
        }
        Command::SignIdentity { identity } => {
            let signed = sign(&secrets::load(Scheme::Identity, file)?[0], &identity)?;
            print_json(&IdentityJson::from(&signed))
        }
        Command::WidgetUrl { base, identity, name, params } => {
            let signed = sign(&secrets::load(Scheme::Identity, file)?[0], &identity)?;
            let url = widget_url(&base, &signed, name.as_deref(), params).map_err(Failure::input)?;
            print_line(&url)
        }
        Command::VerifyUrl { url, org, now, tolerance_ms, store } => {
            let secrets = secrets::load(Scheme::Identity, file)?;
            let verifier = Verifier::new(secrets, &org).map_err(Failure::input)?.with_tolerance_ms(tolerance_ms);
            let verifier = store.apply(verifier)?;
            let result = match now {
                Some(now) => verifier.verify_url_at(&url, now),
                None => verifier.verify_url(&url),
            };
            let identity = result.map_err(Failure::rejection)?;
            print_json(&VerifiedIdentityJson::from(&identity))
        }
        Command::Keygen(args) => tokens::keygen(args),
        Command::SignToken(args) => tokens::sign_token(args, file),
        Command::VerifyToken(args) => tokens::verify_token(args, file),
        Command::Diagnose(args) if args.token.is_some() => {
            let token = args.token.as_deref().unwrap_or_default();
            tokens::diagnose_token(token, args.org.as_deref(), args.now, &args.token_check, file)
        }
        Command::Diagnose(args) => {
            // An identifier hash is diagnosed under the identifier hash's secret.
            let scheme = if args.identifier.is_some() { Scheme::Identifier } else { Scheme::Identity };
            run_diagnose(secrets::load(scheme, file)?, args)
        }
    }
}

fn sign(secret: &Secret, args: &IdentityArgs) -> Result<SignedIdentity, Failure> {
    let signer = IdentitySigner::new(secret.clone(), &args.org).map_err(Failure::input)?;
    let result = match (&args.timestamp, &args.nonce) {
        (Some(timestamp), Some(nonce)) => {
            let timestamp_ms = check_timestamp(timestamp).map_err(Failure::input)?;
            signer.sign_at(&args.email, timestamp_ms, nonce)
        }
        // clap makes --timestamp and --nonce come together.
        _ => signer.sign(&args.email),
    };
    result.map_err(Failure::input)
}

fn run_diagnose(secrets: Vec<Secret>, args: DiagnoseArgs) -> Result<ExitCode, Failure> {
    let diagnosis = match &args.url {
        Some(url) => diagnose_url(secrets, url, args.hash.as_deref()),
        None => {
            let signed = SignedInput {
                identifier: args.identifier,
                email: args.email,
                timestamp: args.timestamp,
                org_id: args.org,
                nonce: args.nonce,
            };
            diagnose(secrets, &signed, args.hash.as_deref().unwrap_or_default())
        }
    }
    .map_err(Failure::input)?;
    match &diagnosis {
        Diagnosis::Explained { causes } => {
            print_diagnosis(causes.iter().map(|cause| (cause.name(), cause.to_string())))
        }
        other => print_diagnosis([(other.name(), other.to_string())]),
    }?;
    Ok(if matches!(diagnosis, Diagnosis::Matches) { ExitCode::SUCCESS } else { ExitCode::from(REJECTED) })
}
