//! Files and folders as the build steps use them, each error naming its path.

use std::fs;
use std::path::Path;

/// `r`, its error prefixed by `what`.
pub fn io<T>(what: &Path, r: std::io::Result<T>) -> Result<T, String> {
    r.map_err(|e| format!("{}: {e}", what.display()))
}

/// `dir`, emptied or made.
pub fn fresh_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        io(dir, fs::remove_dir_all(dir))?;
    }
    io(dir, fs::create_dir_all(dir))
}

/// Copies `from` to `to`, removing `to` first: a running program may have
/// the old file mapped.
pub fn copy(from: &Path, to: &Path) -> Result<(), String> {
    let _ = fs::remove_file(to);
    fs::copy(from, to).map(drop).map_err(|e| format!("copy {} to {}: {e}", from.display(), to.display()))
}

/// The last part of `p`, or "" when it has none (or is not UTF-8).
pub fn file_name(p: &Path) -> &str {
    p.file_name().and_then(|n| n.to_str()).unwrap_or("")
}

/// Makes `path` executable (mode 0755).
pub fn make_executable(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    io(path, fs::set_permissions(path, fs::Permissions::from_mode(0o755)))
}
