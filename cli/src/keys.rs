//! Key files: read with a size limit into memory that is wiped, never
//! echoed in an error; a new private key written to a file of its own with
//! mode 0600, never over an existing one.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use zeroize::Zeroizing;

use crate::output::Failure;

/// The most a key file may hold: a PEM is a few hundred bytes, a JWK Set of
/// 100 keys some 20 KiB.
pub const KEY_FILE_MAX_BYTES: usize = 64 * 1024;

/// Creates `path` with mode 0600 and writes `bytes`; an existing file (or
/// link) is refused, never truncated.
pub(crate) fn write_new_private_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
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
pub(crate) fn read_key_file(path: &Path, what: &str) -> Result<Zeroizing<String>, Failure> {
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

/// The JWK line of a file that holds what `keygen` printed (a PEM, then a
/// JWK with the kid): the JWK is used, kid and all.
pub(crate) fn keygen_output_jwk(text: &str) -> Option<&str> {
    let (_, rest) = text.split_once("-----END PUBLIC KEY-----")?;
    let rest = rest.trim();
    rest.starts_with('{').then_some(rest)
}
