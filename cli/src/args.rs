//! The command line of SPEC §5.1 as clap reads it: the commands, their
//! flags and their help. What each command does is in `commands.rs` (and
//! `tokens.rs`); the token commands' flags are in `token_args.rs`.

use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::token_args::{KeygenArgs, SignTokenArgs, TokenCheckArgs, VerifyTokenArgs};

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
    /// for identifier hashes, USERHASH_SECRET for signed identities, USERHASH_TOKEN_SECRET for
    /// HS256 tokens): one per line, the current one first, then previous ones still accepted; at
    /// most 64 KiB
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) secret_file: Option<PathBuf>,

    /// Refused: a secret on the command line shows in `ps` and shell history.
    #[arg(long, global = true, hide = true, value_name = "SECRET")]
    pub(crate) secret: Option<OsString>,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
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
pub(crate) struct IdentityArgs {
    /// The organization's id
    #[arg(long, value_name = "ORG")]
    pub(crate) org: String,
    /// The logged-in user's email, signed exactly as given
    #[arg(long, value_name = "EMAIL")]
    pub(crate) email: String,
    /// Sign at this Unix time in milliseconds instead of now (with --nonce)
    #[arg(long, value_name = "MS", requires = "nonce")]
    pub(crate) timestamp: Option<String>,
    /// Sign with this nonce instead of a fresh UUID v4 (with --timestamp; a reused nonce is a replay)
    #[arg(long, value_name = "N", requires = "timestamp")]
    pub(crate) nonce: Option<String>,
}

/// Where a verifying command remembers nonces.
#[derive(Args, Debug)]
pub(crate) struct StoreArgs {
    /// Remember nonces in Redis (redis://HOST[:PORT][/DB], rediss://HOST:PORT for TLS), shared
    /// with every other verifier on it; the password, if any, comes from USERHASH_REDIS_PASSWORD.
    /// With --redis-cluster, a node of the cluster (repeat it for more nodes)
    #[arg(long, value_name = "URL")]
    pub(crate) redis: Vec<String>,
    /// The --redis URLs are nodes of a Redis Cluster
    #[arg(long, requires = "redis")]
    pub(crate) redis_cluster: bool,
    /// The Redis ACL user (its password from USERHASH_REDIS_PASSWORD)
    #[arg(long, value_name = "USER", requires = "redis")]
    pub(crate) redis_user: Option<String>,
    /// Trust only the CA certificates in this PEM file for a rediss:// server, not the system's
    #[arg(long, value_name = "FILE", requires = "redis")]
    pub(crate) redis_ca_file: Option<PathBuf>,
    /// Accept a nonce only once this many replicas have it (Redis WAIT); fewer is StoreUnavailable
    #[arg(long, value_name = "N", requires = "redis")]
    pub(crate) redis_wait_replicas: Option<u32>,
    /// How long to wait for those replicas (default 200)
    #[arg(long, value_name = "MS", requires = "redis_wait_replicas")]
    pub(crate) redis_wait_timeout_ms: Option<u64>,
}

#[derive(Args, Debug)]
pub(crate) struct DiagnoseArgs {
    /// The identifier an identifier hash was expected over
    #[arg(long, value_name = "ID", conflicts_with_all = ["email", "url", "token"])]
    pub(crate) identifier: Option<String>,
    /// A JWT identity token that is refused: why (with the keys and options of verify-token)
    #[arg(long, value_name = "TOKEN", conflicts_with_all = ["email", "url", "hash", "timestamp", "nonce"])]
    pub(crate) token: Option<String>,
    /// With --token: check as if the clock read MS (Unix milliseconds)
    #[arg(long, value_name = "MS", requires = "token")]
    pub(crate) now: Option<u64>,
    #[command(flatten)]
    pub(crate) token_check: TokenCheckArgs,
    /// The email of a signed identity
    #[arg(long, value_name = "EMAIL", conflicts_with = "url")]
    pub(crate) email: Option<String>,
    /// The timestamp as received (its exact digits)
    #[arg(long, value_name = "MS", conflicts_with = "url")]
    pub(crate) timestamp: Option<String>,
    /// The org id
    #[arg(long, value_name = "ORG", conflicts_with = "url")]
    pub(crate) org: Option<String>,
    /// The nonce
    #[arg(long, value_name = "N", conflicts_with = "url")]
    pub(crate) nonce: Option<String>,
    /// A whole widget URL (or its query): its signed fields and its user_hash
    #[arg(long, value_name = "URL")]
    pub(crate) url: Option<String>,
    /// The hash that failed (with --url: instead of the URL's user_hash)
    #[arg(long, value_name = "HASH", required_unless_present_any = ["url", "token"])]
    pub(crate) hash: Option<String>,
}

fn parse_param(text: &str) -> Result<(String, String), String> {
    text.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())).ok_or_else(|| format!("`{text}` is not KEY=VALUE"))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
