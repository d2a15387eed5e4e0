//! Debian's arm64 packages unpacked into a sysroot, and programs for
//! aarch64 run in it under `qemu-aarch64-static`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{output, work_dir};
use crate::deps;
use crate::files::{copy, file_name, fresh_dir, io, make_executable};
use crate::run::{cmd, path_str, status};

/// Debian's arm64 packages the aarch64 tests run with (apt adds what they depend on).
const ARM64_PACKAGES: &[&str] = &["python3-minimal", "libpython3-stdlib", "libjansson-dev"];

/// Debian's arm64 packages ([`ARM64_PACKAGES`] and what they depend on),
/// unpacked into `target/dist-work/arm64/root`: a sysroot for
/// `qemu-aarch64-static -L`. A private apt configuration downloads them
/// (its own sources copied from the machine's, its own state and cache), so
/// the machine's dpkg gets no foreign architecture and nothing is installed.
/// Kept between runs; made again when the package list changes. Returns the root.
pub(super) fn arm64_root() -> Result<PathBuf, String> {
    let dir = work_dir().join("arm64");
    let sysroot = dir.join("root");
    let marker = sysroot.join(".userhash-dist-packages");
    let wanted = ARM64_PACKAGES.join(" ");
    if fs::read_to_string(&marker).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(sysroot);
    }
    fresh_dir(&dir)?;
    let apt = dir.join("apt");
    let sources = apt.join("sources.list.d");
    for d in [sources.clone(), apt.join("state/lists/partial"), apt.join("cache/archives/partial")] {
        io(&d, fs::create_dir_all(&d))?;
    }
    io(&apt, fs::write(apt.join("status"), ""))?;
    let mut n = 0;
    if Path::new("/etc/apt/sources.list").is_file() {
        copy(Path::new("/etc/apt/sources.list"), &sources.join("system.list"))?;
        n += 1;
    }
    if let Ok(entries) = fs::read_dir("/etc/apt/sources.list.d") {
        for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            let name = file_name(&path);
            if name.ends_with(".list") || name.ends_with(".sources") {
                copy(&path, &sources.join(name))?;
                n += 1;
            }
        }
    }
    if n == 0 {
        return Err("no apt sources in /etc/apt to download Debian's arm64 packages from".into());
    }
    let a = |p: &Path| -> Result<String, String> { Ok(path_str(p)?.to_owned()) };
    let mut conf = format!(
        "Dir::Etc::SourceList \"/dev/null\";\n\
         Dir::Etc::SourceParts \"{sources}\";\n\
         Dir::Etc::Preferences \"/dev/null\";\n\
         Dir::Etc::PreferencesParts \"/dev/null\";\n\
         Dir::State \"{state}\";\n\
         Dir::State::status \"{status}\";\n\
         Dir::Cache \"{cache}\";\n\
         APT::Architecture \"arm64\";\n\
         APT::Architectures {{ \"arm64\"; }};\n\
         Acquire::Languages \"none\";\n\
         Debug::NoLocking \"true\";\n",
        sources = a(&sources)?,
        state = a(&apt.join("state"))?,
        status = a(&apt.join("status"))?,
        cache = a(&apt.join("cache"))?,
    );
    if deps::is_root() {
        // apt would download as the `_apt` user, who cannot write here.
        conf.push_str("APT::Sandbox::User \"root\";\n");
    }
    let conf_file = apt.join("apt.conf");
    io(&conf_file, fs::write(&conf_file, conf))?;
    let apt_get = |args: &[&str]| {
        let mut c = cmd("apt-get", args);
        c.env("APT_CONFIG", &conf_file).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    status(&mut apt_get(&["update", "-qq"]))?;
    let mut install = vec!["install", "--download-only", "--no-install-recommends", "-y", "-qq"];
    install.extend_from_slice(ARM64_PACKAGES);
    status(&mut apt_get(&install))?;
    let archives = apt.join("cache/archives");
    let mut debs: Vec<PathBuf> = io(&archives, fs::read_dir(&archives))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| file_name(p).ends_with(".deb"))
        .collect();
    debs.sort();
    println!("dist: unpacking {} arm64 packages into {}", debs.len(), sysroot.display());
    io(&sysroot, fs::create_dir_all(&sysroot))?;
    for deb in &debs {
        status(&mut cmd("dpkg-deb", &["--extract", path_str(deb)?, path_str(&sysroot)?]))?;
    }
    // A Python that runs itself under qemu, so `sys.executable` works in a
    // subprocess (the machine has no binfmt_misc registration for arm64):
    // argv[0] (`-0`) is this script, in the sysroot's bin/, so Python finds
    // its standard library beside it.
    let wrapper = sysroot.join("usr/bin/python3-qemu");
    let script = format!(
        "#!/bin/sh\nexec qemu-aarch64-static -L '{root}' -0 \"$0\" '{root}/usr/bin/python3' \"$@\"\n",
        root = path_str(&sysroot)?
    );
    io(&wrapper, fs::write(&wrapper, script))?;
    make_executable(&wrapper)?;
    // Debian compiles the standard library when it installs python3 (which
    // unpacking does not do); without that, every Python started under qemu
    // compiles what it imports, and takes seconds to start.
    let stdlib =
        output(&mut cmd(path_str(&wrapper)?, &["-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"]))?;
    let mut compile = cmd(path_str(&wrapper)?, &["-m", "compileall", "-q", "-j", "0", stdlib.trim()]);
    compile.env_remove("PYTHONDONTWRITEBYTECODE");
    status(&mut compile)?;
    io(&marker, fs::write(&marker, wanted))?;
    Ok(sysroot)
}

/// A program for aarch64 run under qemu with the sysroot's libraries.
pub(super) fn qemu(sysroot: &Path, program: &Path, args: &[&str]) -> Result<Command, String> {
    let mut all = vec!["-L", path_str(sysroot)?, path_str(program)?];
    all.extend_from_slice(args);
    let mut c = cmd("qemu-aarch64-static", &all);
    c.env_remove("LD_LIBRARY_PATH");
    Ok(c)
}
