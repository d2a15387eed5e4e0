//! Every library the artifacts carry, as an ELF file: its machine, the
//! newest glibc symbol version it asks for, what it exports and needs.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use super::build::{unzip, wheel_library};
use super::toolchain::Tools;
use super::{output, work_dir, Dist, ARCHES, GLIBC};
use crate::files::{file_name, fresh_dir, io};
use crate::run::{cmd, path_str, status, Counts};

/// The newest `GLIBC_x.y` version `lib` asks for, and its ELF machine.
fn elf_facts(lib: &Path) -> Result<(String, Option<(u32, u32)>), String> {
    let header = output(&mut cmd("readelf", &["--file-header", path_str(lib)?]))?;
    let machine = header
        .lines()
        .find_map(|l| l.trim().strip_prefix("Machine:").map(|m| m.trim().to_owned()))
        .ok_or_else(|| format!("{} is not an ELF file", lib.display()))?;
    let versions = output(&mut cmd("readelf", &["--version-info", "--wide", path_str(lib)?]))?;
    let newest = newest_glibc(&versions).map_err(|e| format!("{}: {e}", lib.display()))?;
    Ok((machine, newest))
}

/// The newest `GLIBC_x.y` in `readelf --version-info`'s output, if any.
fn newest_glibc(versions: &str) -> Result<Option<(u32, u32)>, String> {
    let mut newest = None;
    for word in versions.split(|c: char| c.is_whitespace() || c == '(' || c == ')') {
        let Some(v) = word.strip_prefix("GLIBC_") else { continue };
        let mut parts = v.split('.').map(str::parse::<u32>);
        let (Some(Ok(major)), Some(Ok(minor))) = (parts.next(), parts.next()) else {
            return Err(format!("asks for {word}, which is no glibc release"));
        };
        newest = newest.max(Some((major, minor)));
    }
    Ok(newest)
}

/// `manylinux_X_Y` in a wheel's name.
fn wheel_glibc(wheel: &Path) -> Result<(u32, u32), String> {
    let name = file_name(wheel);
    let at = name.find("manylinux_").ok_or_else(|| format!("{name} has no manylinux_X_Y tag"))?;
    let mut parts = name[at + "manylinux_".len()..].split('_').map(str::parse::<u32>);
    match (parts.next(), parts.next()) {
        (Some(Ok(x)), Some(Ok(y))) => Ok((x, y)),
        _ => Err(format!("{name}: cannot read its manylinux tag")),
    }
}

/// Every library in the wheels, the JARs and the C archives: its
/// architecture's ELF machine, no GLIBC symbol version newer than the
/// wheel's tag; the wheel and both JARs carry the same library.
pub(super) fn libraries(tools: &Tools, dist: &Dist) -> Result<Counts, String> {
    let check = work_dir().join("check");
    fresh_dir(&check)?;
    let jar = check.join("jar");
    let standalone = check.join("standalone");
    unzip(tools, &dist.jar, &jar)?;
    unzip(tools, &dist.standalone_jar, &standalone)?;
    let mut counts = Counts::default();
    let mut errors = Vec::new();
    for (i, arch) in ARCHES.iter().enumerate() {
        let limit = wheel_glibc(&dist.wheels[i])?;
        if limit != GLIBC {
            errors.push(format!("{} is not tagged manylinux_{}_{}", file_name(&dist.wheels[i]), GLIBC.0, GLIBC.1));
        }
        let wheel_lib = wheel_library(tools, &dist.wheels[i], &check.join(format!("wheel-{}", arch.name)))?;
        let c_dir = check.join(format!("c-{}", arch.name));
        fresh_dir(&c_dir)?;
        status(&mut cmd("tar", &["-xzf", path_str(&dist.c_archives[i])?, "-C", path_str(&c_dir)?]))?;
        let c_lib =
            c_dir.join(format!("userhash-{}-linux-{}/lib/libuserhash.so.{}", dist.version, arch.name, dist.version));
        let libs = [
            (file_name(&dist.wheels[i]).to_owned(), wheel_lib.clone()),
            (file_name(&dist.jar).to_owned(), jar.join(arch.jna).join("libuserhash_ffi.so")),
            (file_name(&dist.standalone_jar).to_owned(), standalone.join(arch.jna).join("libuserhash_ffi.so")),
            (file_name(&dist.c_archives[i]).to_owned(), c_lib),
        ];
        for (artifact, lib) in &libs {
            let what = format!("{artifact}: {}", file_name(lib));
            match elf_facts(lib) {
                Ok((machine, newest)) if machine == arch.elf_machine && newest.is_some_and(|v| v <= limit) => {
                    let (x, y) = newest.expect("checked");
                    println!(
                        "dist: {what}: {machine}, newest symbol version GLIBC_{x}.{y} (tag: {}.{})",
                        limit.0, limit.1
                    );
                    counts.passed += 1;
                }
                Ok((machine, newest)) => {
                    errors.push(format!(
                        "{what} is {machine}, asking for glibc {newest:?}; expected {} within {limit:?}",
                        arch.elf_machine
                    ));
                    counts.failed += 1;
                }
                Err(e) => errors.push(format!("{what}: {e}")),
            }
        }
        let same = |a: &Path, b: &Path| fs::read(a).ok().is_some_and(|x| fs::read(b).ok() == Some(x));
        for (artifact, lib) in &libs[1..3] {
            if same(&wheel_lib, lib) {
                counts.passed += 1;
            } else {
                errors.push(format!("{artifact}'s {} library is not the wheel's", arch.jna));
                counts.failed += 1;
            }
        }
    }
    // Nothing but the two architectures' libraries in the JAR.
    let native_dirs: BTreeSet<String> = io(&jar, fs::read_dir(&jar))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_dir()
                && fs::read_dir(p)
                    .map(|mut d| d.any(|e| e.is_ok_and(|e| file_name(&e.path()).ends_with(".so"))))
                    .unwrap_or(false)
        })
        .map(|p| file_name(&p).to_owned())
        .collect();
    let expected: BTreeSet<String> = ARCHES.iter().map(|a| a.jna.to_owned()).collect();
    if native_dirs == expected {
        counts.passed += 1;
    } else {
        errors.push(format!("the JAR's native folders are {native_dirs:?}, not {expected:?}"));
    }
    println!("dist-libraries: {} passed, {} failed", counts.passed, counts.failed);
    if errors.is_empty() {
        Ok(counts)
    } else {
        Err(errors.join("; "))
    }
}

/// The exported (dynamic, defined) function names of a library.
pub(super) fn exports(lib: &Path) -> Result<BTreeSet<String>, String> {
    let table = output(&mut cmd("readelf", &["--dyn-syms", "--wide", path_str(lib)?]))?;
    Ok(table
        .lines()
        .filter(|l| l.contains(" FUNC ") && l.contains(" GLOBAL ") && !l.contains(" UND "))
        .filter_map(|l| l.split_whitespace().last())
        .map(|s| s.split('@').next().unwrap_or(s).to_owned())
        .collect())
}

/// The NEEDED entries of an ELF file.
pub(super) fn needed(exe: &Path) -> Result<Vec<String>, String> {
    let dynamic = output(&mut cmd("readelf", &["--dynamic", path_str(exe)?]))?;
    Ok(dynamic
        .lines()
        .filter(|l| l.contains("(NEEDED)"))
        .filter_map(|l| l.split('[').nth(1).and_then(|r| r.split(']').next()).map(str::to_owned))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::{newest_glibc, wheel_glibc};
    use std::path::Path;

    #[test]
    fn reads_the_newest_glibc_version_a_library_asks_for() {
        // readelf on a libuserhash_ffi.so linked by this machine's cc (Debian 12, glibc 2.36).
        let host = "Version needs section '.gnu.version_r' contains 3 entries:
 Addr: 0x0000000000001ac8  Offset: 0x00001ac8  Link: 6 (.dynstr)
  000000: Version: 1  File: libgcc_s.so.1  Cnt: 3
  0x0030:   Name: GCC_3.0  Flags: none  Version: 4
  0x0010: Version: 1  File: libc.so.6  Cnt: 11
  0x0060:   Name: GLIBC_2.2.5  Flags: none  Version: 2
  0x0080:   Name: GLIBC_2.3.4  Flags: none  Version: 15
  0x00a0:   Name: GLIBC_2.17  Flags: none  Version: 9
  0x00f0:   Name: GLIBC_2.33  Flags: none  Version: 10
  0x0100:   Name: GLIBC_2.34  Flags: none  Version: 5
  0x0020: Version: 1  File: ld-linux-x86-64.so.2  Cnt: 1
  0x0110:   Name: GLIBC_2.3  Flags: none  Version: 6
";
        assert_eq!(newest_glibc(host), Ok(Some((2, 34))));
        assert!(newest_glibc(host).unwrap() > Some((2, 17)), "beyond manylinux_2_17");
        assert_eq!(newest_glibc("  0x0030:   Name: GLIBC_2.17  Flags: none\n  Name: GLIBC_2.2.5"), Ok(Some((2, 17))));
        assert_eq!(newest_glibc("no version needs"), Ok(None));
        assert!(newest_glibc("Name: GLIBC_PRIVATE").is_err());
    }

    #[test]
    fn reads_a_wheels_manylinux_tag() {
        let wheel = Path::new("userhash-0.1.0-py3-none-manylinux2014_aarch64.manylinux_2_17_aarch64.whl");
        assert_eq!(wheel_glibc(wheel), Ok((2, 17)));
        assert!(wheel_glibc(Path::new("userhash-0.1.0-py3-none-linux_x86_64.whl")).is_err());
    }
}
