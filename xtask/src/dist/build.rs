//! The build: every artifact in `target/dist/`, one release build per
//! library and architecture.

use std::fs;
use std::path::{Path, PathBuf};

use super::toolchain::{cross, ensure_rust_target, tools, Tools};
use super::{only_file, output, work_dir, Arch, Dist, ARCHES, GLIBC};
use crate::deps::{self, Tool};
use crate::files::{copy, file_name, fresh_dir, io};
use crate::run::{cmd, path_str, root, status, target_dir, VERSION};
use crate::{c, kotlin, swift};

/// Makes every artifact in `target/dist/` (emptied first).
pub(super) fn build() -> Result<Dist, String> {
    let version = VERSION.to_owned();
    kotlin::check_version()?;
    let tools = tools()?;
    let work = work_dir();
    let dir = target_dir().join("dist");
    fresh_dir(&dir)?;

    let mut wheels = Vec::new();
    let mut c_archives = Vec::new();
    let mut natives = Vec::new();
    for arch in ARCHES {
        ensure_rust_target(arch)?;
        let wheel = python_wheel(&tools, arch, &dir)?;
        natives.push(wheel_library(&tools, &wheel, &work.join("wheel-lib").join(arch.name))?);
        wheels.push(wheel);
        c_archives.push(c_archive(&tools, arch, &version, &dir)?);
    }
    let sdist = python_sdist(&tools, &dir, &version)?;
    let (jar, standalone_jar, pom, jar_build) = jar(&tools, &natives, &version, &dir)?;
    let mut swift = Vec::new();
    for arch in ARCHES {
        swift.push(swift_archive(&tools, arch, &natives[0], &version, &dir)?);
    }
    let dist = Dist { dir, version, wheels, sdist, jar, standalone_jar, pom, c_archives, swift, jar_build };
    checksums(&dist)?;
    Ok(dist)
}

/// `maturin build` for `arch`: the wheel, checked by maturin against
/// manylinux_2_17 (it fails the build otherwise), copied into `dist`.
fn python_wheel(tools: &Tools, arch: &Arch, dist: &Path) -> Result<PathBuf, String> {
    let out = work_dir().join("wheels").join(arch.name);
    fresh_dir(&out)?;
    let tag = format!("manylinux_{}_{}", GLIBC.0, GLIBC.1);
    let mut c = cross(
        tools,
        cmd(
            path_str(&tools.maturin)?,
            &[
                "build",
                "--release",
                "--locked",
                "--target",
                arch.rust,
                "--compatibility",
                &tag,
                "--auditwheel",
                "check",
                "--out",
                path_str(&out)?,
            ],
        ),
    );
    c.current_dir(root().join("bindings/python"));
    status(&mut c)?;
    let built = only_file(&out, ".whl")?;
    let name = file_name(&built);
    if !name.contains(&format!("{tag}_{}", arch.name)) {
        return Err(format!("maturin made {name}, not a {tag}_{} wheel", arch.name));
    }
    let to = dist.join(name);
    copy(&built, &to)?;
    Ok(to)
}

/// Unpacks `zip` (a wheel or a JAR) into `into` (made anew) with Python's zipfile.
pub(super) fn unzip(tools: &Tools, zip: &Path, into: &Path) -> Result<(), String> {
    fresh_dir(into)?;
    status(&mut cmd(path_str(&tools.python)?, &["-m", "zipfile", "-e", path_str(zip)?, path_str(into)?]))
}

/// The native library in `wheel`, unpacked into `into`.
pub(super) fn wheel_library(tools: &Tools, wheel: &Path, into: &Path) -> Result<PathBuf, String> {
    unzip(tools, wheel, into)?;
    let lib = into.join("userhash/_native/libuserhash_ffi.so");
    if lib.is_file() {
        Ok(lib)
    } else {
        Err(format!("{} has no userhash/_native/libuserhash_ffi.so", wheel.display()))
    }
}

/// `maturin sdist`, copied into `dist`.
fn python_sdist(tools: &Tools, dist: &Path, version: &str) -> Result<PathBuf, String> {
    let out = work_dir().join("sdist");
    fresh_dir(&out)?;
    let mut c = cmd(path_str(&tools.maturin)?, &["sdist", "--out", path_str(&out)?]);
    c.current_dir(root().join("bindings/python"));
    status(&mut c)?;
    let built = only_file(&out, ".tar.gz")?;
    let expected = format!("userhash-{version}.tar.gz");
    if file_name(&built) != expected {
        return Err(format!("maturin made {}, not {expected}", built.display()));
    }
    let to = dist.join(expected);
    copy(&built, &to)?;
    Ok(to)
}

/// The time every archive's entries carry: the last commit's, so an
/// archive made twice from one commit is the same bytes.
fn archive_mtime() -> String {
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        return format!("@{epoch}");
    }
    match output(&mut cmd("git", &["log", "-1", "--format=%ct"])) {
        Ok(t) if !t.trim().is_empty() => format!("@{}", t.trim()),
        _ => "@0".to_owned(),
    }
}

/// `tar -czf archive -C dir top`, with entries in name order, owned by root.
fn tar_gz(archive: &Path, dir: &Path, top: &str) -> Result<(), String> {
    let mtime = format!("--mtime={}", archive_mtime());
    status(&mut cmd(
        "tar",
        &[
            "--sort=name",
            "--owner=0",
            "--group=0",
            "--numeric-owner",
            &mtime,
            "-czf",
            path_str(archive)?,
            "-C",
            path_str(dir)?,
            top,
        ],
    ))
}

/// The C library for `arch`, built with the wheel's linker and profile, as
/// `userhash-VERSION-linux-ARCH.tar.gz` in `dist`.
fn c_archive(tools: &Tools, arch: &Arch, version: &str, dist: &Path) -> Result<PathBuf, String> {
    status(&mut cross(
        tools,
        cmd("cargo", &["build", "--locked", "--release", "--target", arch.rust, "-p", "userhash-c"]),
    ))?;
    let built = arch.release_dir();
    let top = format!("userhash-{version}-linux-{}", arch.name);
    let stage = work_dir().join("c").join(arch.name);
    fresh_dir(&stage)?;
    let prefix = stage.join(&top);
    let (include, lib) = (prefix.join("include"), prefix.join("lib"));
    let pc = lib.join("pkgconfig");
    for d in [&include, &pc] {
        io(d, fs::create_dir_all(d))?;
    }
    copy(&root().join("bindings/c/include/userhash.h"), &include.join("userhash.h"))?;
    c::shared_library(&built, &lib)?;
    // The static library keeps its symbols, not the standard library's
    // debug information (most of its size).
    let a = lib.join("libuserhash.a");
    status(&mut cmd(
        path_str(&tools.objcopy)?,
        &["--strip-debug", path_str(&built.join("libuserhash.a"))?, path_str(&a)?],
    ))?;
    let pc_file = pc.join("userhash.pc");
    io(&pc_file, fs::write(&pc_file, c::pkg_config_file("${pcfiledir}/../..", version)))?;
    let archive = dist.join(format!("{top}.tar.gz"));
    tar_gz(&archive, &stage, &top)?;
    Ok(archive)
}

/// The JAR with both architectures' libraries (the wheels' own files), its
/// standalone twin and its pom, built by Maven in a folder of its own.
fn jar(
    tools: &Tools,
    natives: &[PathBuf],
    version: &str,
    dist: &Path,
) -> Result<(PathBuf, PathBuf, PathBuf, PathBuf), String> {
    deps::ensure(kotlin::KOTLIN_TOOLS)?;
    let out = work_dir().join("kotlin");
    fresh_dir(&out)?;
    // The generated Kotlin is the same from either architecture's library;
    // uniffi-bindgen is the one maturin built.
    status(&mut cross(tools, kotlin::generate_command(&natives[0], &out.join("generated"))?))?;
    for (arch, lib) in ARCHES.iter().zip(natives) {
        let dir = out.join("native").join(arch.jna);
        io(&dir, fs::create_dir_all(&dir))?;
        copy(lib, &dir.join("libuserhash_ffi.so"))?;
    }
    let build = out.join("build");
    let target = format!("-Duserhash.target={}", path_str(&out)?);
    let build_dir = format!("-Duserhash.build={}", path_str(&build)?);
    status(&mut kotlin::mvn("bindings/kotlin", &[&target, &build_dir, "-Dmaven.test.skip=true", "package"]))?;
    let jar = dist.join(format!("userhash-{version}.jar"));
    let standalone = dist.join(format!("userhash-{version}-standalone.jar"));
    let pom = dist.join(format!("userhash-{version}.pom"));
    copy(&build.join(file_name(&jar)), &jar)?;
    copy(&build.join(file_name(&standalone)), &standalone)?;
    copy(&root().join("bindings/kotlin/pom.xml"), &pom)?;
    Ok((jar, standalone, pom, build))
}

/// The Swift package for `arch` as `userhash-swift-VERSION-linux-ARCH.tar.gz`:
/// the package's files under git, the Swift and C header uniffi generates
/// (from `shared_lib`, the wheel's library: the same metadata on every
/// architecture) and `Generated/lib/libuserhash_ffi.a` built for `arch` with
/// the wheel's linker and profile, so SwiftPM on Linux builds it with no
/// Rust. Apple platforms need `UserHashFFI.xcframework`, which only a Mac
/// makes (`cargo xtask xcframework`); it is not in this release.
fn swift_archive(tools: &Tools, arch: &Arch, shared_lib: &Path, version: &str, dist: &Path) -> Result<PathBuf, String> {
    status(&mut cross(
        tools,
        cmd("cargo", &["build", "--locked", "--release", "--target", arch.rust, "-p", "userhash-ffi", "--lib"]),
    ))?;
    let top = format!("userhash-swift-{version}");
    let stage = work_dir().join("swift").join(arch.name);
    fresh_dir(&stage)?;
    let files = output(&mut cmd("git", &["ls-files", "-z", "--", "bindings/swift"]))?;
    let files: Vec<&str> = files.split('\0').filter(|f| !f.is_empty()).collect();
    if !files.contains(&"bindings/swift/Package.swift") {
        return Err("bindings/swift/Package.swift is not under git; the Swift archive is made from git's files".into());
    }
    let package = stage.join(&top);
    for file in files {
        let relative = Path::new(file).strip_prefix("bindings/swift").map_err(|e| e.to_string())?;
        let to = package.join(relative);
        io(&to, fs::create_dir_all(to.parent().expect("a file has a folder")))?;
        copy(&root().join(file), &to)?;
    }
    // Like the C archive's: the symbols, not the standard library's debug information.
    let stripped = stage.join("libuserhash_ffi.a");
    status(&mut cmd(
        path_str(&tools.objcopy)?,
        &["--strip-debug", path_str(&arch.release_dir().join("libuserhash_ffi.a"))?, path_str(&stripped)?],
    ))?;
    swift::stage_release(shared_lib, &stripped, &package)?;
    io(&stripped, fs::remove_file(&stripped))?;
    let archive = dist.join(format!("{top}-linux-{}.tar.gz", arch.name));
    tar_gz(&archive, &stage, &top)?;
    Ok(archive)
}

/// `SHA256SUMS` in `sha256sum`'s format, over every artifact.
fn checksums(dist: &Dist) -> Result<(), String> {
    deps::ensure(&[Tool { program: "sha256sum", package: "coreutils" }])?;
    let mut names: Vec<&str> = dist.files().into_iter().map(file_name).collect();
    names.sort_unstable();
    let mut c = cmd("sha256sum", &names);
    c.current_dir(&dist.dir);
    let sums = output(&mut c)?;
    let path = dist.dir.join("SHA256SUMS");
    io(&path, fs::write(&path, sums))
}
