//! Where the CLI's secrets come from: `--secret-file` or the environment
//! variable of the command's scheme, never the command line (argv shows in
//! `ps` and in shell history).
//!
//! One secret per scheme (SPEC §1.4): an identifier may contain `|`, so the
//! identifier hash of `email|timestamp|orgId|nonce` is byte for byte that
//! identity's `user_hash` under the same secret. A backend that signs
//! user-chosen identifiers with its identity secret lets any user log in as
//! any email. So the identifier commands read `USERHASH_IDENTIFIER_SECRET`
//! and never fall back to `USERHASH_SECRET`, and a configuration that gives
//! two schemes the same secret is refused. JWT identity tokens (SPEC §8)
//! signed with HS256 read `USERHASH_TOKEN_SECRET`, for the same reason: the
//! identifier hash of a token's `header.payload` is its signature in hex.

use std::ffi::OsString;
use std::fs::File;
use std::io::{ErrorKind, Read};
use std::os::unix::ffi::OsStringExt;
use std::path::Path;

use userhash::Secret;
use zeroize::{Zeroize, Zeroizing};

use crate::output::Failure;

/// The signed identity's secret (SPEC §1.2): `sign-identity`, `widget-url`,
/// `verify-url`, `demo`, and `diagnose` of an identity or a URL.
pub const IDENTITY_ENV: &str = "USERHASH_SECRET";

/// The identifier hash's secret (SPEC §1.1): `sign-identifier`,
/// `verify-identifier` and `diagnose --identifier`.
pub const IDENTIFIER_ENV: &str = "USERHASH_IDENTIFIER_SECRET";

/// The HS256 token secret (SPEC §8): `sign-token`, `verify-token` and
/// `diagnose --token` without an Ed25519 key.
pub const TOKEN_ENV: &str = "USERHASH_TOKEN_SECRET";
/// The most a `--secret-file` may hold, line ends included: a secret is some
/// bytes, and a rotation a few lines of them. A larger file (a log, a key
/// store, `/dev/urandom`) is refused after reading one byte more than this.
pub const SECRET_FILE_MAX_BYTES: usize = 64 * 1024;

/// Which scheme's secret a command needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// The identifier hash (SPEC §1.1).
    Identifier,
    /// The signed identity (SPEC §1.2).
    Identity,
    /// JWT identity tokens signed with HS256 (SPEC §8).
    Token,
}

const SCHEMES: [Scheme; 3] = [Scheme::Identity, Scheme::Identifier, Scheme::Token];

impl Scheme {
    /// The environment variable that holds this scheme's secret.
    #[must_use]
    pub fn env(self) -> &'static str {
        match self {
            Scheme::Identifier => IDENTIFIER_ENV,
            Scheme::Identity => IDENTITY_ENV,
            Scheme::Token => TOKEN_ENV,
        }
    }

    fn others(self) -> impl Iterator<Item = Scheme> {
        SCHEMES.into_iter().filter(move |s| *s != self)
    }

    fn what(self) -> &'static str {
        match self {
            Scheme::Identifier => "the identifier hash's",
            Scheme::Identity => "the signed identity's",
            Scheme::Token => "the HS256 token's",
        }
    }

    fn no_secret(self) -> Failure {
        match self {
            Scheme::Identity => Failure::usage(format!(
                "no secret: set {IDENTITY_ENV} or pass --secret-file FILE (one secret per line, the current one first); \
                 secrets are never read from the command line"
            )),
            Scheme::Identifier => Failure::usage(format!(
                "no identifier hash secret: set {IDENTIFIER_ENV} or pass --secret-file FILE (one secret per line, \
                 the current one first). {IDENTITY_ENV} is not used here: it is the signed identity's secret, and \
                 each scheme needs its own (one secret per scheme, see SECURITY.md), because the identifier hash of \
                 \"email|timestamp|orgId|nonce\" is that identity's user_hash under the same secret"
            )),
            Scheme::Token => Failure::usage(format!(
                "no HS256 token secret: set {TOKEN_ENV} (at least 32 bytes) or pass --secret-file FILE, or sign \
                 and verify with an Ed25519 key instead (--key FILE, --public-key FILE; `userhash keygen` makes \
                 one). {IDENTITY_ENV} and {IDENTIFIER_ENV} are not used here: each scheme needs its own secret \
                 (SECURITY.md)"
            )),
        }
    }
}

/// The secrets of `scheme`, current first: from `--secret-file` when given,
/// else from the scheme's variable ([`Scheme::env`]); never the other
/// scheme's. Every one must be strong enough (`WeakSecret`, exit 2),
/// whichever the command uses: a weak line is a mistake in the
/// configuration, not only when a hash happens to need it. None may be the
/// other scheme's secret (exit 2).
pub fn load(scheme: Scheme, secret_file: Option<&Path>) -> Result<Vec<Secret>, Failure> {
    let secrets = match (secret_file, std::env::var_os(scheme.env())) {
        (Some(path), _) => from_file(path)?,
        (None, Some(value)) => from_env(scheme.env(), value)?,
        (None, None) => return Err(scheme.no_secret()),
    };
    not_the_other_schemes(scheme, secret_file.is_some(), &secrets)?;
    Ok(secrets)
}

/// The configured secrets of `scheme`, or `None` when none is configured
/// (the demo then makes its own).
pub fn load_optional(scheme: Scheme, secret_file: Option<&Path>) -> Result<Option<Vec<Secret>>, Failure> {
    if secret_file.is_none() && std::env::var_os(scheme.env()).is_none() {
        return Ok(None);
    }
    load(scheme, secret_file).map(Some)
}

/// Exit 2 when two of `USERHASH_SECRET`, `USERHASH_IDENTIFIER_SECRET` and
/// `USERHASH_TOKEN_SECRET` hold the same bytes, whatever the command: that
/// environment gives two schemes one secret. An empty variable is left to
/// the command that reads it.
pub fn check_environment() -> Result<(), Failure> {
    for (i, a) in SCHEMES.iter().enumerate() {
        for b in &SCHEMES[i + 1..] {
            let (Some(x), Some(y)) = (env_bytes(a.env()), env_bytes(b.env())) else { continue };
            if !x.is_empty() && x == y {
                return Err(Failure::usage(format!(
                    "{} and {} hold the same secret; give each scheme its own (one secret per scheme, see \
                     SECURITY.md): under one secret, {}",
                    a.env(),
                    b.env(),
                    why_apart(*a, *b)
                )));
            }
        }
    }
    Ok(())
}

/// What one secret for these two schemes would let a user forge.
fn why_apart(a: Scheme, b: Scheme) -> &'static str {
    let pair = |x, y| (a == x && b == y) || (a == y && b == x);
    if pair(Scheme::Identity, Scheme::Token) {
        "whoever learns it from one scheme's configuration signs for both; a token's HS256 secret is its own (at \
         least 32 bytes), or use an Ed25519 key (keygen)"
    } else if a == Scheme::Token || b == Scheme::Token {
        "the identifier hash of a token's \"header.payload\" is that token's HS256 signature in hex, so signing \
         user-chosen identifiers would sign tokens for anyone"
    } else {
        "the identifier hash of \"email|timestamp|orgId|nonce\" is that identity's user_hash, so signing \
         user-chosen identifiers would sign logins as anyone"
    }
}

/// Exit 2 when one of a scheme's secrets is the secret that another
/// scheme's variable holds.
fn not_the_other_schemes(scheme: Scheme, from_file: bool, secrets: &[Secret]) -> Result<(), Failure> {
    for other in scheme.others() {
        let Some(theirs) = env_bytes(other.env()) else { continue };
        if theirs.is_empty() || !secrets.iter().any(|s| s.expose() == theirs.as_slice()) {
            continue;
        }
        let source = if from_file { "a line of the --secret-file" } else { scheme.env() };
        return Err(Failure::usage(format!(
            "{source} is the secret of {} ({} secret); give each scheme its own (one secret per scheme, see \
             SECURITY.md): under one secret, {}",
            other.env(),
            other.what(),
            why_apart(scheme, other)
        )));
    }
    Ok(())
}

/// A variable's bytes, wiped when dropped.
fn env_bytes(name: &str) -> Option<Zeroizing<Vec<u8>>> {
    std::env::var_os(name).map(|value| Zeroizing::new(value.into_vec()))
}

fn from_env(name: &str, value: OsString) -> Result<Vec<Secret>, Failure> {
    let bytes = value.into_vec();
    if bytes.is_empty() {
        return Err(Failure::usage(format!("{name} is set but empty")));
    }
    // Used exactly as given: nothing is trimmed (SPEC §1).
    let secrets = vec![Secret::new(bytes)];
    check_strength(&secrets)?;
    Ok(secrets)
}

/// The errors do not repeat the path: `--secret-file "$SECRET"`, the secret
/// given where its file belongs, would otherwise print the secret.
fn from_file(path: &Path) -> Result<Vec<Secret>, Failure> {
    let file = File::open(path).map_err(cannot_read)?;
    read_secret_file(file)
}

fn cannot_read(e: std::io::Error) -> Failure {
    Failure::usage(format!("cannot read the --secret-file ({e}); give the path of a file that holds the secret"))
}

/// Reads a secret file from `reader` and parses it ([`parse_secret_file`]).
/// Reads at most [`SECRET_FILE_MAX_BYTES`] + 1 bytes, into one buffer that
/// never grows (no copy of a secret is left in freed memory) and is wiped
/// afterwards, so `/dev/zero` or a 1 GiB file is refused at once.
pub fn read_secret_file(reader: impl Read) -> Result<Vec<Secret>, Failure> {
    let mut buf = Zeroizing::new(vec![0u8; SECRET_FILE_MAX_BYTES + 1]);
    let mut reader = reader.take(SECRET_FILE_MAX_BYTES as u64 + 1);
    let mut len = 0;
    while len < buf.len() {
        match reader.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(cannot_read(e)),
        }
    }
    parse_secret_file(&buf[..len])
}

/// A secret file's bytes: one secret per line, the current one first. A
/// line's `\n` (and a `\r` before it) ends the line and is not part of the
/// secret; nothing else is trimmed. Empty lines are skipped. More than
/// [`SECRET_FILE_MAX_BYTES`], no secret at all, or a line under 16 bytes
/// (`WeakSecret`) is an error (exit 2) that shows none of the bytes.
pub fn parse_secret_file(bytes: &[u8]) -> Result<Vec<Secret>, Failure> {
    if bytes.len() > SECRET_FILE_MAX_BYTES {
        return Err(Failure::usage(format!(
            "the --secret-file is larger than {} KiB, the most a secret file may hold; give a file with only \
             the secrets in it, one per line (a device such as /dev/urandom is refused too)",
            SECRET_FILE_MAX_BYTES / 1024
        )));
    }
    let secrets = parse_lines(bytes);
    if secrets.is_empty() {
        return Err(Failure::usage("the --secret-file has no secret; put one per line, the current one first"));
    }
    check_strength(&secrets)?;
    Ok(secrets)
}

fn parse_lines(text: &[u8]) -> Vec<Secret> {
    text.split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .filter(|line| !line.is_empty())
        .map(Secret::from)
        .collect()
}

fn check_strength(secrets: &[Secret]) -> Result<(), Failure> {
    for secret in secrets {
        secret.check_strength().map_err(Failure::input)?;
    }
    Ok(())
}

/// 32 bytes from the operating system's CSPRNG, as 64 hex characters: the
/// demo's secret when none is configured.
pub fn generate() -> Result<Secret, Failure> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Failure::usage(format!("cannot get random bytes for a secret: {e}")))?;
    let mut hex = String::with_capacity(64);
    for b in bytes {
        hex.push_str(&format!("{b:02x}"));
    }
    bytes.zeroize();
    Ok(Secret::from(hex))
}

#[cfg(test)]
mod tests {
    use super::{parse_lines, parse_secret_file, read_secret_file, SECRET_FILE_MAX_BYTES};

    #[test]
    fn one_secret_per_line_without_its_line_end() {
        let secrets = parse_lines(b"current-secret-0001\r\nprevious-secret-001\n\n trailing space \n");
        let got: Vec<&[u8]> = secrets.iter().map(|s| s.expose()).collect();
        assert_eq!(got, [b"current-secret-0001".as_slice(), b"previous-secret-001", b" trailing space "]);
    }

    #[test]
    fn a_file_of_exactly_the_limit_is_read_and_one_byte_more_is_refused() {
        let mut text = vec![b'k'; SECRET_FILE_MAX_BYTES - 1];
        text.push(b'\n');
        let secrets = read_secret_file(text.as_slice()).expect("exactly the limit is read");
        assert_eq!(secrets.len(), 1);
        assert_eq!(secrets[0].len(), SECRET_FILE_MAX_BYTES - 1);
        text.push(b'\n');
        let err = read_secret_file(text.as_slice()).expect_err("one byte over the limit");
        assert_eq!(err.code(), 2);
        assert!(err.message().contains("larger than 64 KiB"), "{err:?}");
        assert!(parse_secret_file(&text).is_err(), "the bytes themselves are checked too");
    }

    #[test]
    fn an_endless_reader_is_refused_after_one_byte_over_the_limit() {
        let mut endless = std::io::repeat(b'x');
        let err = read_secret_file(&mut endless).expect_err("an endless stream is no secret file");
        assert!(err.message().contains("larger than 64 KiB"), "{err:?}");
    }
}
