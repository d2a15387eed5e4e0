//! Where the CLI's secrets come from: `--secret-file` or `USERHASH_SECRET`,
//! never the command line (argv shows in `ps` and in shell history).

use std::ffi::OsString;
use std::fs::File;
use std::io::{ErrorKind, Read};
use std::os::unix::ffi::OsStringExt;
use std::path::Path;

use userhash::Secret;
use zeroize::{Zeroize, Zeroizing};

use crate::output::Failure;

/// The environment variable that holds the (one) secret.
pub const ENV: &str = "USERHASH_SECRET";

/// The most a `--secret-file` may hold, line ends included: a secret is some
/// bytes, and a rotation a few lines of them. A larger file (a log, a key
/// store, `/dev/urandom`) is refused after reading one byte more than this.
pub const SECRET_FILE_MAX_BYTES: usize = 64 * 1024;

/// The configured secrets, current first. `--secret-file` wins over the
/// environment when both are there. Every one must be strong enough
/// (`WeakSecret`, exit 2), whichever the command uses: a weak line is a
/// mistake in the configuration, not only when a hash happens to need it.
pub fn load(secret_file: Option<&Path>) -> Result<Vec<Secret>, Failure> {
    match (secret_file, std::env::var_os(ENV)) {
        (Some(path), _) => from_file(path),
        (None, Some(value)) => from_env(value),
        (None, None) => Err(Failure::usage(format!(
            "no secret: set {ENV} or pass --secret-file FILE (one secret per line, the current one first); \
             secrets are never read from the command line"
        ))),
    }
}

/// The configured secrets, or `None` when none is configured (the demo then
/// makes its own).
pub fn load_optional(secret_file: Option<&Path>) -> Result<Option<Vec<Secret>>, Failure> {
    if secret_file.is_none() && std::env::var_os(ENV).is_none() {
        return Ok(None);
    }
    load(secret_file).map(Some)
}

fn from_env(value: OsString) -> Result<Vec<Secret>, Failure> {
    let bytes = value.into_vec();
    if bytes.is_empty() {
        return Err(Failure::usage(format!("{ENV} is set but empty")));
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
