//! The Swift archives as a user gets them: each one's static library is an
//! ELF for its architecture, and the x86_64 one, unpacked outside the
//! repository, is what the Swift example builds and tests against.

use std::fs;
use std::path::Path;

use super::{output, work_dir, Dist, ARCHES};
use crate::files::{copy, fresh_dir, io};
use crate::run::{cmd, path_str, root, status, Counts};

/// Every member of each archive's `Generated/lib/libuserhash_ffi.a` is an
/// object for its architecture (`readelf -h` of the whole archive).
pub(super) fn swift_libraries(dist: &Dist) -> Result<Counts, String> {
    let mut counts = Counts::default();
    for (arch, archive) in ARCHES.iter().zip(&dist.swift) {
        let dir = work_dir().join("test-swift-lib").join(arch.name);
        fresh_dir(&dir)?;
        status(&mut cmd("tar", &["-xzf", path_str(archive)?, "-C", path_str(&dir)?, "--strip-components=1"]))?;
        let lib = dir.join("Generated/lib/libuserhash_ffi.a");
        let headers = output(&mut cmd("readelf", &["-h", path_str(&lib)?]))?;
        let machines: Vec<&str> =
            headers.lines().filter_map(|l| l.trim().strip_prefix("Machine:")).map(str::trim).collect();
        if machines.is_empty() || machines.iter().any(|m| *m != arch.elf_machine) {
            return Err(format!(
                "{}: libuserhash_ffi.a holds objects for {:?}, not only {}",
                archive.display(),
                machines.iter().collect::<std::collections::BTreeSet<_>>(),
                arch.elf_machine
            ));
        }
        for generated in ["Sources/UserHash/Generated/UserHash.swift", "Generated/UserHashFFI/module.modulemap"] {
            if !dir.join(generated).is_file() {
                return Err(format!("{}: no {generated}", archive.display()));
            }
        }
        counts.passed += 1;
    }
    Ok(counts)
}

/// The x86_64 archive unpacked into an empty folder, and a copy of
/// `examples/swift` whose package depends on that folder instead of
/// `bindings/swift`: `swift build` (warnings as errors) and `swift test`.
pub(super) fn swift_x86_64(dist: &Dist) -> Result<Counts, String> {
    let dir = work_dir().join("test-swift");
    fresh_dir(&dir)?;
    let top = format!("userhash-swift-{}", dist.version);
    status(&mut cmd("tar", &["-xzf", path_str(&dist.swift[0])?, "-C", path_str(&dir)?]))?;
    let example = dir.join("examples").join("swift");
    let files = output(&mut cmd("git", &["ls-files", "-z", "--", "examples/swift"]))?;
    for file in files.split('\0').filter(|f| !f.is_empty()) {
        let relative = Path::new(file).strip_prefix("examples/swift").map_err(|e| e.to_string())?;
        let to = example.join(relative);
        io(&to, fs::create_dir_all(to.parent().expect("a file has a folder")))?;
        copy(&root().join(file), &to)?;
    }
    let manifest = example.join("SupportWidget/Package.swift");
    let text = io(&manifest, fs::read_to_string(&manifest))?;
    let (from_path, from_name) = (r#".package(path: "../../../bindings/swift")"#, r#"package: "swift""#);
    if !text.contains(from_path) || !text.contains(from_name) {
        return Err(format!(
            "examples/swift/SupportWidget/Package.swift no longer depends on {from_path} as {from_name}; \
             update dist's Swift check"
        ));
    }
    let text = text
        .replace(from_path, &format!(r#".package(path: "../../../{top}")"#))
        .replace(from_name, &format!(r#"package: "{top}""#));
    io(&manifest, fs::write(&manifest, text))?;
    crate::swift::test_package_at(&example.join("SupportWidget"))
}
