//! Where the CLI's secrets come from: `--secret-file` or `USERHASH_SECRET`,
//! never the command line (argv shows in `ps` and in shell history).

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;

use userhash::Secret;
use zeroize::Zeroize;

use crate::output::Failure;

/// The environment variable that holds the (one) secret.
pub const ENV: &str = "USERHASH_SECRET";

/// The configured secrets, current first. `--secret-file` wins over the
/// environment when both are there. Every one must be strong enough
/// (`WeakSecret`, exit 2), whichever the command uses: a weak line is a
/// mistake in the configuration, not only when a hash happens to need it.
pub fn load(secret_file: Option<&Path>) -> Result<Vec<Secret>, Failure> {
    let secrets = match (secret_file, std::env::var_os(ENV)) {
        (Some(path), _) => from_file(path)?,
        (None, Some(value)) => from_env(value)?,
        (None, None) => {
            return Err(Failure::usage(format!(
                "no secret: set {ENV} or pass --secret-file FILE (one secret per line, the current one first); \
                 secrets are never read from the command line"
            )))
        }
    };
    for secret in &secrets {
        secret.check_strength().map_err(Failure::input)?;
    }
    Ok(secrets)
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
    Ok(vec![Secret::new(bytes)])
}

/// One secret per line, the current one first. A line's `\n` (and a `\r`
/// before it) ends the line and is not part of the secret; nothing else is
/// trimmed. Empty lines are skipped.
///
/// The errors do not repeat the path: `--secret-file "$SECRET"`, the secret
/// given where its file belongs, would otherwise print the secret.
fn from_file(path: &Path) -> Result<Vec<Secret>, Failure> {
    let mut text = std::fs::read(path).map_err(|e| {
        Failure::usage(format!("cannot read the --secret-file ({e}); give the path of a file that holds the secret"))
    })?;
    let secrets = parse_lines(&text);
    text.zeroize();
    if secrets.is_empty() {
        return Err(Failure::usage("the --secret-file has no secret; put one per line, the current one first"));
    }
    Ok(secrets)
}

fn parse_lines(text: &[u8]) -> Vec<Secret> {
    text.split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .filter(|line| !line.is_empty())
        .map(Secret::from)
        .collect()
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
    use super::parse_lines;

    #[test]
    fn one_secret_per_line_without_its_line_end() {
        let secrets = parse_lines(b"current-secret-0001\r\nprevious-secret-001\n\n trailing space \n");
        let got: Vec<&[u8]> = secrets.iter().map(|s| s.expose()).collect();
        assert_eq!(got, [b"current-secret-0001".as_slice(), b"previous-secret-001", b" trailing space "]);
    }
}
