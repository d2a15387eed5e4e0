//! The CLI's `--secret-file` reader (`userhash_cli::secrets`): any bytes,
//! read through the bounded reader and parsed.
//!
//! Invariants:
//! - nothing panics, and reading and parsing agree;
//! - the outcome depends only on the file's shape (its size and where its
//!   line ends are), never on the secrets' bytes: the same file with every
//!   other byte replaced by `x` gives the same error message, or the same
//!   number and lengths of secrets. An error that repeated any part of a
//!   secret would differ;
//! - an accepted file gives one secret per non-empty line (`\r\n` or `\n`
//!   ends a line), each at least 16 bytes, byte for byte as written;
//! - a file over 64 KiB is refused: the first input byte, when odd, asks for
//!   the rest to be repeated past the limit.

#![no_main]

use libfuzzer_sys::fuzz_target;
use userhash_cli::secrets::{parse_secret_file, read_secret_file, SECRET_FILE_MAX_BYTES};

/// The file's shape: the same bytes, every one but `\r` and `\n` made `x`.
fn shape(bytes: &[u8]) -> Vec<u8> {
    bytes.iter().map(|&b| if b == b'\n' || b == b'\r' { b } else { b'x' }).collect()
}

/// What an outcome says, for comparing two files of one shape.
fn outcome(result: &Result<Vec<userhash::Secret>, userhash_cli::output::Failure>) -> Result<Vec<usize>, (u8, String)> {
    match result {
        Ok(secrets) => Ok(secrets.iter().map(|s| s.len()).collect()),
        Err(failure) => Err((failure.code(), failure.message().to_owned())),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let file: Vec<u8> = if first % 2 == 1 && !rest.is_empty() {
        rest.iter().copied().cycle().take(SECRET_FILE_MAX_BYTES + 1 + usize::from(first)).collect()
    } else {
        rest.to_vec()
    };

    let read = read_secret_file(file.as_slice());
    let parsed = parse_secret_file(&file);
    assert_eq!(outcome(&read), outcome(&parsed), "reading and parsing disagree");
    assert_eq!(outcome(&parsed), outcome(&parse_secret_file(&shape(&file))), "the outcome depends on a secret's bytes");

    if file.len() > SECRET_FILE_MAX_BYTES {
        assert!(parsed.is_err(), "a file over the limit was read");
        return;
    }
    if let Ok(secrets) = &parsed {
        let lines: Vec<&[u8]> = file
            .split(|&b| b == b'\n')
            .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
            .filter(|line| !line.is_empty())
            .collect();
        assert_eq!(secrets.len(), lines.len());
        for (secret, line) in secrets.iter().zip(lines) {
            assert_eq!(secret.expose(), line);
            assert!(secret.len() >= userhash::MIN_SECRET_LEN);
        }
    }
});
