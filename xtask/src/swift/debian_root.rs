//! The Debian root Swift runs in where no `swift` is on PATH: made once
//! with debootstrap, under a temporary name until complete, and entered in
//! mount and PID namespaces of its own.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use super::mirror::debian_mirror;
use crate::deps::{self, Tool};
use crate::files::{io, make_executable};
use crate::run::{cmd, path_str, status};

/// The Debian release whose `swiftlang` package the root installs.
pub(super) const SUITE: &str = "trixie";

/// The root's name in the cache folder. Change the number whenever
/// `ROOT_PACKAGES` or the way the root is made changes: a root of another
/// name is never used, so every machine makes the new one.
const ROOT_NAME: &str = "swift-trixie-1";

/// What the root has beyond debootstrap's minimal base: Swift 6.0 (with
/// SwiftPM, Foundation, XCTest), the C library's headers (without them swift
/// warns that the C library is missing), and redis-server for the Redis
/// nonce store's tests, which start their own.
const ROOT_PACKAGES: &[&str] = &["swiftlang", "libc6-dev", "redis-server"];

/// The PATH inside the root.
const ROOT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// What making a root needs free in its folder: debootstrap's base, the
/// packages downloaded and unpacked (about 3 GB at the peak), with a margin.
const ROOT_SPACE_KB: u64 = 4 * 1024 * 1024;

/// Where the root is kept: `USERHASH_SWIFT_ROOT` if set (the root's own
/// path), else `$XDG_CACHE_HOME/userhash/swift-trixie-N`, else
/// `/var/cache/userhash/swift-trixie-N`. Outside the repository, so every
/// clone and worktree on the machine shares it.
fn root_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("USERHASH_SWIFT_ROOT").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let cache = match std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir).join("userhash"),
        None => PathBuf::from("/var/cache/userhash"),
    };
    cache.join(ROOT_NAME)
}

/// The root, made first if it is not there.
pub(super) fn ensure_root() -> Result<PathBuf, String> {
    let dir = root_dir();
    if !dir.is_absolute() {
        return Err(format!("USERHASH_SWIFT_ROOT must be an absolute path, not {}", dir.display()));
    }
    if dir.exists() {
        if !has_swift(&dir) {
            return Err(format!(
                "{} exists but has no usr/bin/swift: it is not a root this xtask made; remove it, or set \
                 USERHASH_SWIFT_ROOT to another path",
                dir.display()
            ));
        }
        println!("swift: using the Debian {SUITE} root at {}", dir.display());
        return Ok(dir);
    }
    let start = Instant::now();
    make_root(&dir)?;
    println!("swift: made the Debian {SUITE} root at {} in {:.0}s", dir.display(), start.elapsed().as_secs_f64());
    Ok(dir)
}

/// Removes a half-made root when dropped (an error on the way), unless disarmed.
struct Partial(Option<PathBuf>);

impl Drop for Partial {
    fn drop(&mut self) {
        if let Some(dir) = self.0.take() {
            if let Err(e) = remove_tree(&dir) {
                eprintln!("xtask: could not remove the unfinished root: {e}");
            }
        }
    }
}

fn make_root(dir: &Path) -> Result<(), String> {
    let parent = dir.parent().ok_or_else(|| format!("{} has no parent folder", dir.display()))?;
    let name = dir.file_name().and_then(|n| n.to_str()).ok_or_else(|| format!("{} is not UTF-8", dir.display()))?;
    io(parent, fs::create_dir_all(parent))?;
    remove_stale_partials(parent, name)?;
    check_free_space(parent)?;
    deps::ensure(&[Tool { program: "debootstrap", package: "debootstrap" }])?;
    let mirror = debian_mirror()?;
    println!("swift: no `swift` on PATH; making a Debian {SUITE} root with Swift (once, about 2 minutes and 3 GB)");

    let tmp = parent.join(format!("{name}.partial-{}", std::process::id()));
    let mut partial = Partial(Some(tmp.clone()));
    // debootstrap mounts /proc and /sys inside the root: in namespaces of its
    // own, those mounts go when it ends, even if it is killed.
    let mut boot = namespaced();
    boot.args(["debootstrap", "--variant=minbase", SUITE, path_str(&tmp)?, &mirror]);
    boot.env("DEBIAN_FRONTEND", "noninteractive");
    let phase = Instant::now();
    status(&mut boot)?;
    println!("swift: debootstrap took {:.0}s", phase.elapsed().as_secs_f64());
    // No service may start inside the root while packages are installed.
    let policy = tmp.join("usr/sbin/policy-rc.d");
    io(&policy, fs::write(&policy, "#!/bin/sh\nexit 101\n"))?;
    make_executable(&policy)?;
    let install = format!(
        "apt-get update -qq && apt-get install -y -qq --no-install-recommends {} && apt-get clean \
         && rm -rf /var/lib/apt/lists/* && swift --version",
        ROOT_PACKAGES.join(" ")
    );
    let phase = Instant::now();
    status(&mut in_root(&tmp, None, &install)?)?;
    println!("swift: installing {} took {:.0}s", ROOT_PACKAGES.join(", "), phase.elapsed().as_secs_f64());
    if !has_swift(&tmp) {
        return Err(format!("the packages are installed but {} has no usr/bin/swift", tmp.display()));
    }
    // Complete: now it may have its name. Another run that finished first wins.
    if let Err(e) = fs::rename(&tmp, dir) {
        if !has_swift(dir) {
            return Err(format!("rename {} to {}: {e}", tmp.display(), dir.display()));
        }
    } else {
        partial.0 = None;
    }
    Ok(())
}

/// Whether a root has `usr/bin/swift`: a symbolic link into the root's own
/// `/usr/lib`, so it is looked at, not followed (from outside it points nowhere).
fn has_swift(root: &Path) -> bool {
    fs::symlink_metadata(root.join("usr/bin/swift")).is_ok()
}

/// Removes what interrupted runs left: `NAME.partial-PID` folders whose
/// process is gone.
fn remove_stale_partials(parent: &Path, name: &str) -> Result<(), String> {
    let prefix = format!("{name}.partial-");
    for entry in io(parent, fs::read_dir(parent))? {
        let path = io(parent, entry)?.path();
        let Some(pid) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
            println!("swift: removing {}, left by an interrupted run", path.display());
            remove_tree(&path)?;
        }
    }
    Ok(())
}

/// `remove_dir_all`, refused when anything is mounted inside `dir` (it would
/// follow the mount into the host's files).
fn remove_tree(dir: &Path) -> Result<(), String> {
    let mounts = fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let prefix = format!("{}/", dir.display());
    // Field 5 of each line is the mount point (spaces escaped as \040).
    if let Some(point) = mounts
        .lines()
        .filter_map(|l| l.split(' ').nth(4))
        .map(|p| p.replace("\\040", " "))
        .find(|p| *p == dir.display().to_string() || p.starts_with(&prefix))
    {
        return Err(format!("{point} is mounted inside {}; unmount it, then remove the folder", dir.display()));
    }
    io(dir, fs::remove_dir_all(dir))
}

/// Free space where the root is made, from `df` (no libc binding here).
fn check_free_space(parent: &Path) -> Result<(), String> {
    let out = cmd("df", &["-Pk", path_str(parent)?]).output().map_err(|e| format!("cannot run df: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let available: Option<u64> =
        text.lines().nth(1).and_then(|l| l.split_whitespace().nth(3)).and_then(|n| n.parse().ok());
    match available {
        Some(kb) if kb < ROOT_SPACE_KB => Err(format!(
            "making the Debian {SUITE} root with Swift needs about {} GB free in {}, and it has {:.1} GB: free some, \
             or set USERHASH_SWIFT_ROOT to a path on a larger disk",
            ROOT_SPACE_KB / 1024 / 1024,
            parent.display(),
            kb as f64 / 1024.0 / 1024.0
        )),
        _ => Ok(()),
    }
}

/// `unshare` into new mount and PID namespaces: every mount made inside, and
/// every process, goes when the command ends. `setpriv --pdeathsig KILL`
/// ends it when xtask ends, even killed, and `--kill-child` then ends the
/// namespace's first process, which takes every other one with it.
fn namespaced() -> Command {
    let unshare = ["unshare", "--mount", "--pid", "--fork", "--kill-child", "--propagation", "private"];
    if deps::on_path("setpriv") {
        let mut c = cmd("setpriv", &["--pdeathsig", "KILL"]);
        c.args(unshare);
        c
    } else {
        cmd(unshare[0], &unshare[1..])
    }
}

/// `script` run by `/bin/sh` inside the root, in namespaces of its own:
/// `/proc` of the new PID namespace, the machine's `/dev`, a `/tmp` of its
/// own (swiftc leaves files there), and `share` (the repository)
/// bind-mounted at its own path, so paths read the same inside and out. A
/// clean environment, plus `CI`.
pub(super) fn in_root(dir: &Path, share: Option<&Path>, script: &str) -> Result<Command, String> {
    let root_path = path_str(dir)?;
    let mut setup = String::from("set -e; mount --rbind /dev \"$1/dev\"; mount -t tmpfs tmpfs \"$1/tmp\"; ");
    if let Some(share) = share {
        if !share.is_absolute() {
            return Err(format!("{} is not absolute", share.display()));
        }
        setup.push_str("mkdir -p \"$1$2\"; mount --bind \"$2\" \"$1$2\"; ");
    }
    let ci = std::env::var("CI").unwrap_or_default();
    setup.push_str(
        "exec chroot \"$1\" /usr/bin/env -i PATH=\"$3\" HOME=/root LANG=C.UTF-8 CI=\"$4\" \
         DEBIAN_FRONTEND=noninteractive /bin/sh -c \"$5\"",
    );
    let mut c = namespaced();
    let proc_arg = format!("--mount-proc={root_path}/proc");
    c.arg(proc_arg).args(["sh", "-c", &setup, "sh", root_path]);
    c.arg(share.map(path_str).transpose()?.unwrap_or(""));
    c.args([ROOT_PATH, &ci, script]);
    Ok(c)
}
