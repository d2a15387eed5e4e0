//! The commands of SPEC §5.1: their flags, their help, and what each prints.

use std::ffi::OsString;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use serde::Serialize;
use userhash::{
    check_timestamp, diagnose, diagnose_url, sign_identifier, verify_identifier, widget_url, Diagnosis, IdentitySigner,
    RedisNonceStore, RedisOptions, Secret, SignedIdentity, SignedInput, VerifiedIdentity, Verifier,
};

use crate::demo;
use crate::output::{to_stderr, Failure, REJECTED};
use crate::secrets::{self, Scheme};
use crate::tokens::{self, KeygenArgs, SignTokenArgs, TokenCheckArgs, VerifyTokenArgs};

const ABOUT: &str = "Sign and verify who an embedded chat widget's user is (HMAC-SHA256), \
find out why a hash does not match, and run a local end-to-end demo.";

const LONG_ABOUT: &str = "\
Sign and verify who an embedded chat widget's user is (HMAC-SHA256), find out why a
hash does not match, and run a local end-to-end demo.

Each scheme has its own secret (one secret per scheme, see SECURITY.md): under one
secret, the identifier hash of \"email|timestamp|orgId|nonce\" is that identity's
user_hash, and that of a JWT's \"header.payload\" its HS256 signature. The signed
identity's secret (sign-identity, widget-url, verify-url, demo, diagnose of an identity or
a URL) comes from USERHASH_SECRET; the identifier hash's (sign-identifier,
verify-identifier, diagnose --identifier) from USERHASH_IDENTIFIER_SECRET; the HS256
token's (sign-token, verify-token, diagnose --token) from USERHASH_TOKEN_SECRET. Two of
them set to one secret is refused. Tokens can use an Ed25519 key pair instead (keygen):
the private key stays in a file with the signer, the verifier holds the public key. --secret-file FILE
replaces the command's variable (one secret per line, the current one first, then
previous ones still accepted; at most 64 KiB). Secrets are never read from the command
line. Results go to stdout, reasons to stderr (the rejection's name first).
Exit status: 0 signed or valid, 1 rejected, 2 a usage or input error.";

const EXAMPLES: &str = "\
Examples:
  userhash demo                                   # the demo on http://127.0.0.1:8080
  export USERHASH_IDENTIFIER_SECRET=\"$(cat identifier-secret.txt)\"
  userhash sign-identifier --identifier user-42
  export USERHASH_SECRET=\"$(cat identity-secret.txt)\"     # another secret
  userhash widget-url --base https://widget.example.com/ --org org_123 --email a+b@example.com
  userhash verify-url \"$URL\" --org org_123
  userhash diagnose --url \"$URL\"                  # why does this hash not match?
  userhash keygen --out signer.pem --kid 2026-01 > public.txt
  userhash sign-token --key signer.pem --kid 2026-01 --org org_123 --user-id user-42";

#[derive(Parser, Debug)]
#[command(name = "userhash", version, about = ABOUT, long_about = LONG_ABOUT, after_help = EXAMPLES)]
#[command(propagate_version = true, arg_required_else_help = true)]
pub struct Cli {
    /// Read the secrets from FILE instead of the command's variable (USERHASH_IDENTIFIER_SECRET
    /// for identifier hashes, USERHASH_SECRET for signed identities): one per line, the current
    /// one first, then previous ones still accepted; at most 64 KiB
    #[arg(long, global = true, value_name = "FILE")]
    secret_file: Option<PathBuf>,

    /// Refused: a secret on the command line shows in `ps` and shell history.
    #[arg(long, global = true, hide = true, value_name = "SECRET")]
    secret: Option<OsString>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print the identifier hash of --identifier (SPEC §1.1): hex(HMAC-SHA256(secret, identifier))
    #[command(after_help = IDENTIFIER_SECRET_HELP_SIGN)]
    SignIdentifier {
        /// The user's id or email, signed exactly as given
        #[arg(long, value_name = "ID")]
        identifier: String,
    },

    /// Check an identifier hash: print `valid` (exit 0) or `invalid` (exit 1)
    #[command(after_help = IDENTIFIER_SECRET_HELP_VERIFY)]
    VerifyIdentifier {
        /// The identifier that was signed
        #[arg(long, value_name = "ID")]
        identifier: String,
        /// The 64-hex-character hash to check (either case)
        #[arg(long, value_name = "HASH")]
        hash: String,
    },

    /// Sign an identity (SPEC §1.2) and print it as one JSON object:
    /// email, timestamp, orgId, nonce, user_hash
    #[command(
        after_help = "Without --timestamp and --nonce: now (Unix milliseconds) and a fresh UUID v4.\n\nExample:\n  userhash sign-identity --org org_123 --email jane@example.com\n  {\"email\":\"jane@example.com\",\"timestamp\":\"1712345678901\",\"orgId\":\"org_123\",\"nonce\":\"…\",\"user_hash\":\"…\"}"
    )]
    SignIdentity {
        #[command(flatten)]
        identity: IdentityArgs,
    },

    /// Sign an identity and print the widget URL that carries it (SPEC §2)
    #[command(
        after_help = "The query is encoded as JavaScript's URLSearchParams does: orgId, email, name, the --param pairs sorted by key, timestamp, nonce, user_hash.\n\nExample:\n  userhash widget-url --base https://widget.example.com/ --org org_123 --email a+b@example.com --name Alice --param theme=dark"
    )]
    WidgetUrl {
        /// The hosted widget's address; its own query is kept
        #[arg(long, value_name = "URL")]
        base: String,
        #[command(flatten)]
        identity: IdentityArgs,
        /// The display name (not signed)
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// An extra parameter (not signed); repeat for more
        #[arg(long = "param", value_name = "KEY=VALUE", value_parser = parse_param)]
        params: Vec<(String, String)>,
    },

    /// Verify a widget URL (SPEC §3): print the verified identity as JSON (exit 0)
    /// or the rejection on stderr, its name first (exit 1)
    #[command(
        after_help = "Each run has its own nonce store, so a replay shows only within one process (see `userhash demo`), unless --redis URL shares one: then a URL verified by any process is Replayed for all. Managed Redis: rediss:// for TLS (--redis-ca-file for a CA of its own), --redis-user for an ACL user, --redis-cluster for a cluster's nodes, --redis-wait-replicas N to survive a failover.\n\nExample:\n  userhash verify-url 'https://widget.example.com/?orgId=org_123&email=…&user_hash=…' --org org_123"
    )]
    VerifyUrl {
        /// The full widget URL, or its query string
        #[arg(value_name = "URL")]
        url: String,
        /// The org this verifier is for
        #[arg(long, value_name = "ORG")]
        org: String,
        /// Verify as if the clock read MS (Unix milliseconds)
        #[arg(long, value_name = "MS")]
        now: Option<u64>,
        /// How far a timestamp may be from the clock, either way
        #[arg(long, value_name = "N", default_value_t = userhash::DEFAULT_TOLERANCE_MS)]
        tolerance_ms: u64,
        #[command(flatten)]
        store: StoreArgs,
    },

    /// Explain why a hash does not match (SPEC §6): whitespace, email case, `+` read
    /// as a space, seconds, hex case, base64, the other scheme, another org's secret
    #[command(after_help = DIAGNOSE_HELP)]
    Diagnose(DiagnoseArgs),

    /// Make an Ed25519 key pair for identity tokens (SPEC §8): the private key to a new
    /// file of mode 0600, the public key (PEM, then JWK) to stdout
    #[command(after_help = KEYGEN_HELP)]
    Keygen(KeygenArgs),

    /// Sign a JWT identity token (SPEC §8) and print it: EdDSA with --key FILE, else
    /// HS256 with USERHASH_TOKEN_SECRET
    #[command(after_help = SIGN_TOKEN_HELP)]
    SignToken(SignTokenArgs),

    /// Verify a JWT identity token: print its claims as JSON (exit 0) or the rejection
    /// on stderr, its name first (exit 1)
    #[command(after_help = VERIFY_TOKEN_HELP)]
    VerifyToken(VerifyTokenArgs),

    /// Serve the end-to-end demo (SPEC §7) on 127.0.0.1: a customer page that signs its
    /// logged-in user and embeds the widget, and the widget page that verifies it
    #[command(
        after_help = "Uses USERHASH_SECRET (or --secret-file), the signed identity's secret, when set, else a secret made for this run. With --redis URL the widget remembers nonces in Redis, so several demos on one Redis refuse each other's URLs.\n\nExample:\n  userhash demo --addr 127.0.0.1:8080     # then open http://127.0.0.1:8080/"
    )]
    Demo {
        /// The loopback address and port to listen on (port 0: any free port)
        #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        #[command(flatten)]
        store: StoreArgs,
    },
}

const KEYGEN_HELP: &str = "\
The private key file is PKCS#8 PEM (what OpenSSL, PyJWT, jose and golang-jwt read),
created with mode 0600; an existing file is never overwritten. The public key is
printed twice: as a PEM (SPKI) and as a JWK with the --kid, for a JWK Set.

Example:
  userhash keygen --out signer.pem --kid 2026-01";

const SIGN_TOKEN_HELP: &str = "\
The algorithm is the key's: --key FILE (an Ed25519 private key) signs EdDSA; without it,
the HS256 secret comes from USERHASH_TOKEN_SECRET (or --secret-file), at least 32 bytes,
never from USERHASH_SECRET or USERHASH_IDENTIFIER_SECRET (one secret per scheme).
Without --now and --jti: now and a fresh UUID v4.

Examples:
  userhash sign-token --key signer.pem --kid 2026-01 --org org_123 --user-id user-42 --email a@example.com
  USERHASH_TOKEN_SECRET=\"$SECRET\" userhash sign-token --profile intercom --user-id 42 --email a@example.com";

const VERIFY_TOKEN_HELP: &str = "\
The keys fix the algorithm: --public-key FILE (PEM, JWK or JWK Set; repeat for rotation)
verifies EdDSA only; without it, the HS256 secrets of USERHASH_TOKEN_SECRET or --secret-file
(one per line, current first) verify HS256 only. A token's kid selects its key; a token
without one is tried against every key. `none`, algorithm switching, crit and the JSON
serialization are refused.

Examples:
  userhash verify-token \"$TOKEN\" --public-key public.pem --kid 2026-01 --org org_123
  userhash verify-token \"$TOKEN\" --profile zendesk --kid app_123 --single-use";

/// The identifier commands' secret, said where it is used.
const IDENTIFIER_SECRET_HELP_SIGN: &str = "\
The secret comes from USERHASH_IDENTIFIER_SECRET (or --secret-file), never from
USERHASH_SECRET: that is the signed identity's, and one secret per scheme keeps a
user-chosen identifier \"email|timestamp|orgId|nonce\" from signing a login as anyone.

Example:
  USERHASH_IDENTIFIER_SECRET=\"$SECRET\" userhash sign-identifier --identifier user-42";

const IDENTIFIER_SECRET_HELP_VERIFY: &str = "\
The secret comes from USERHASH_IDENTIFIER_SECRET (or --secret-file), never from
USERHASH_SECRET. A hash made with any configured secret is valid (key rotation).

Example:
  userhash verify-identifier --identifier user-42 --hash 6a1e...c3";

const DIAGNOSE_HELP: &str = "\
Give what was signed (an --identifier; or --email, --timestamp, --org and --nonce; or a
widget --url) and the --hash that failed (a --url brings its own user_hash); or a --token
with the keys and options verify-token would take (--org is then the token's org). The secret
is the scheme's: USERHASH_IDENTIFIER_SECRET with --identifier, else USERHASH_SECRET (or
--secret-file for either). Prints the cause that reproduces the hash and how to fix it
(exit 1), `Matches` when the hash is right (exit 0), or `Unexplained` when no usual cause
explains it (exit 1): then the secret itself is the likely cause. With several secrets
(--secret-file), the first is the one expected, the others are checked as another org's
or a previous secret.

Examples:
  userhash diagnose --url 'https://widget.example.com/?orgId=org_123&email=a+b%40x.com&…'
  userhash diagnose --identifier user-42 --hash 3F1C…
  userhash diagnose --token \"$TOKEN\" --org org_123    # Bearer prefix, cut, base64 secret, ms, kid";

#[derive(Args, Debug)]
struct IdentityArgs {
    /// The organization's id
    #[arg(long, value_name = "ORG")]
    org: String,
    /// The logged-in user's email, signed exactly as given
    #[arg(long, value_name = "EMAIL")]
    email: String,
    /// Sign at this Unix time in milliseconds instead of now (with --nonce)
    #[arg(long, value_name = "MS", requires = "nonce")]
    timestamp: Option<String>,
    /// Sign with this nonce instead of a fresh UUID v4 (with --timestamp; a reused nonce is a replay)
    #[arg(long, value_name = "N", requires = "timestamp")]
    nonce: Option<String>,
}

/// Where a verifying command remembers nonces.
#[derive(Args, Debug)]
pub(crate) struct StoreArgs {
    /// Remember nonces in Redis (redis://HOST[:PORT][/DB], rediss://HOST:PORT for TLS), shared
    /// with every other verifier on it; the password, if any, comes from USERHASH_REDIS_PASSWORD.
    /// With --redis-cluster, a node of the cluster (repeat it for more nodes)
    #[arg(long, value_name = "URL")]
    redis: Vec<String>,
    /// The --redis URLs are nodes of a Redis Cluster
    #[arg(long, requires = "redis")]
    redis_cluster: bool,
    /// The Redis ACL user (its password from USERHASH_REDIS_PASSWORD)
    #[arg(long, value_name = "USER", requires = "redis")]
    redis_user: Option<String>,
    /// Trust only the CA certificates in this PEM file for a rediss:// server, not the system's
    #[arg(long, value_name = "FILE", requires = "redis")]
    redis_ca_file: Option<PathBuf>,
    /// Accept a nonce only once this many replicas have it (Redis WAIT); fewer is StoreUnavailable
    #[arg(long, value_name = "N", requires = "redis")]
    redis_wait_replicas: Option<u32>,
    /// How long to wait for those replicas (default 200)
    #[arg(long, value_name = "MS", requires = "redis_wait_replicas")]
    redis_wait_timeout_ms: Option<u64>,
}

impl StoreArgs {
    /// The verifier with its store: its own memory store, or Redis.
    fn apply(&self, verifier: Verifier) -> Result<Verifier, Failure> {
        Ok(match self.store()? {
            Some(store) => verifier.with_nonce_store(store),
            None => verifier,
        })
    }

    /// The Redis nonce store the flags describe, if any.
    pub(crate) fn store(&self) -> Result<Option<Arc<dyn userhash::NonceStore>>, Failure> {
        if self.redis.is_empty() {
            return Ok(None);
        }
        if self.redis.iter().any(|url| RedisNonceStore::url_has_password(url)) {
            return Err(Failure::usage(
                "--redis: a password in the URL is refused (argv shows in `ps` and shell history); \
                 give the URL without it and set USERHASH_REDIS_PASSWORD",
            ));
        }
        if self.redis.len() > 1 && !self.redis_cluster {
            return Err(Failure::usage(
                "--redis is given more than once: several URLs are the nodes of one Redis Cluster, so add \
                 --redis-cluster (or give one URL)",
            ));
        }
        let mut options = RedisOptions::default();
        if let Some(password) = std::env::var_os(REDIS_PASSWORD_ENV) {
            let password = password
                .into_string()
                .map_err(|_| Failure::usage(format!("{REDIS_PASSWORD_ENV} is not valid UTF-8")))?;
            options = options.password(password);
        }
        if let Some(user) = &self.redis_user {
            if std::env::var_os(REDIS_PASSWORD_ENV).is_none() {
                return Err(Failure::usage(format!(
                    "--redis-user {user} needs its password in {REDIS_PASSWORD_ENV} (Redis logs a user in only \
                     with a password)"
                )));
            }
            options = options.username(user);
        }
        if let Some(file) = &self.redis_ca_file {
            options = options.ca_file(file);
        }
        if let Some(replicas) = self.redis_wait_replicas {
            let timeout =
                self.redis_wait_timeout_ms.map_or(userhash::nonce::DEFAULT_WAIT_TIMEOUT, Duration::from_millis);
            options = options.wait_for_replicas(replicas, timeout);
        }
        let store = if self.redis_cluster {
            RedisNonceStore::cluster(&self.redis, options)
        } else {
            RedisNonceStore::with_options(&self.redis[0], options)
        };
        Ok(Some(Arc::new(store.map_err(Failure::input)?)))
    }
}

const REDIS_PASSWORD_ENV: &str = "USERHASH_REDIS_PASSWORD";

#[derive(Args, Debug)]
struct DiagnoseArgs {
    /// The identifier an identifier hash was expected over
    #[arg(long, value_name = "ID", conflicts_with_all = ["email", "url", "token"])]
    identifier: Option<String>,
    /// A JWT identity token that is refused: why (with the keys and options of verify-token)
    #[arg(long, value_name = "TOKEN", conflicts_with_all = ["email", "url", "hash", "timestamp", "nonce"])]
    token: Option<String>,
    /// With --token: check as if the clock read MS (Unix milliseconds)
    #[arg(long, value_name = "MS", requires = "token")]
    now: Option<u64>,
    #[command(flatten)]
    token_check: TokenCheckArgs,
    /// The email of a signed identity
    #[arg(long, value_name = "EMAIL", conflicts_with = "url")]
    email: Option<String>,
    /// The timestamp as received (its exact digits)
    #[arg(long, value_name = "MS", conflicts_with = "url")]
    timestamp: Option<String>,
    /// The org id
    #[arg(long, value_name = "ORG", conflicts_with = "url")]
    org: Option<String>,
    /// The nonce
    #[arg(long, value_name = "N", conflicts_with = "url")]
    nonce: Option<String>,
    /// A whole widget URL (or its query): its signed fields and its user_hash
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// The hash that failed (with --url: instead of the URL's user_hash)
    #[arg(long, value_name = "HASH", required_unless_present_any = ["url", "token"])]
    hash: Option<String>,
}

fn parse_param(text: &str) -> Result<(String, String), String> {
    text.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())).ok_or_else(|| format!("`{text}` is not KEY=VALUE"))
}

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
            print_json(&VerifiedJson::from(&identity))
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
    let mut text = String::new();
    match &diagnosis {
        Diagnosis::Explained { causes } => {
            for cause in causes {
                text.push_str(&format!("{}: {cause}\n", cause.name()));
            }
        }
        other => text.push_str(&format!("{}: {other}\n", other.name())),
    }
    print_text(&text)?;
    Ok(if matches!(diagnosis, Diagnosis::Matches) { ExitCode::SUCCESS } else { ExitCode::from(REJECTED) })
}

/// `sign-identity`'s object, in SPEC §5.1's order and names (the URL's).
#[derive(Serialize)]
struct IdentityJson<'a> {
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
struct VerifiedJson<'a> {
    email: &'a str,
    org_id: &'a str,
    timestamp_ms: u64,
    nonce: &'a str,
    name: Option<&'a str>,
    params: &'a std::collections::BTreeMap<String, String>,
    key_index: usize,
}

impl<'a> From<&'a VerifiedIdentity> for VerifiedJson<'a> {
    fn from(id: &'a VerifiedIdentity) -> Self {
        VerifiedJson {
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

pub(crate) fn print_json(value: &impl Serialize) -> Result<ExitCode, Failure> {
    let text = serde_json::to_string(value).map_err(|e| Failure::usage(format!("cannot write JSON: {e}")))?;
    print_line(&text)
}

pub(crate) fn print_line(line: &str) -> Result<ExitCode, Failure> {
    print_text(&format!("{line}\n"))?;
    Ok(ExitCode::SUCCESS)
}

/// Writes to stdout; a closed pipe (`| head`) is an error, not a panic.
pub(crate) fn print_text(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| Failure::usage(format!("cannot write to stdout: {e}")))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }

    #[test]
    fn a_password_in_a_redis_url_is_seen() {
        let has_password = userhash::RedisNonceStore::url_has_password;
        for url in [
            "redis://:pw@h",
            "redis://user:pw@h:6379/0",
            "redis://u:p%40ss@h",
            "redis://u:p@ss@h",
            "redis+unix:///tmp/r.sock?pass=pw",
            "unix:///tmp/r.sock?user=u&pass=pw",
        ] {
            assert!(has_password(url), "{url}");
        }
        for url in ["redis://h", "redis://user@h", "redis://h/0?x=a:b@c", "redis+unix:///tmp/r.sock", "redis://:@h"] {
            assert!(!has_password(url), "{url}");
        }
    }
}
