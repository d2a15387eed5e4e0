//! The C archives as a user gets them: unpacked into an empty prefix, the
//! layout `install-c` makes, then programs built with pkg-config only and
//! run (x86_64 here, aarch64 under qemu with the C suite too).

use std::fs;
use std::path::Path;
use std::process::Command;

use super::arm64::qemu;
use super::libraries::{exports, needed};
use super::toolchain::{cross, Tools};
use super::{output, work_dir, Dist, AARCH64};
use crate::c;
use crate::files::{file_name, fresh_dir, io};
use crate::run::{cmd, counted, path_str, root, status, Counts};

/// `tar -xzf archive -C prefix --strip-components=1` into `prefix`, made empty first.
fn unpack_prefix(archive: &Path, prefix: &Path) -> Result<(), String> {
    fresh_dir(prefix)?;
    status(&mut cmd("tar", &["-xzf", path_str(archive)?, "-C", path_str(prefix)?, "--strip-components=1"]))
}

/// `pkg-config ARGS` seeing only `prefix`'s `lib/pkgconfig`.
fn pkg_config_only(prefix: &Path, args: &[&str]) -> Result<Vec<String>, String> {
    let mut c = cmd("pkg-config", args);
    c.env("PKG_CONFIG_LIBDIR", prefix.join("lib/pkgconfig"))
        .env_remove("PKG_CONFIG_PATH")
        .env_remove("PKG_CONFIG_SYSROOT_DIR");
    Ok(output(&mut c)?.split_whitespace().map(str::to_owned).collect())
}

/// The layout `install-c` makes, in an unpacked archive: the header as
/// committed, the `.so` under its version with the SONAME and plain name as
/// links, the static library, and a relocatable pkg-config file.
fn c_layout(prefix: &Path, version: &str) -> Result<(), String> {
    let header = fs::read(prefix.join("include/userhash.h")).map_err(|e| format!("include/userhash.h: {e}"))?;
    if header != fs::read(root().join("bindings/c/include/userhash.h")).map_err(|e| e.to_string())? {
        return Err("include/userhash.h is not bindings/c/include/userhash.h".into());
    }
    let lib = prefix.join("lib");
    let soname = c::soname(version);
    let file = format!("libuserhash.so.{version}");
    let link = |name: &str| fs::read_link(lib.join(name)).ok().map(|p| p.to_string_lossy().into_owned());
    if link("libuserhash.so").as_deref() != Some(soname.as_str()) || link(&soname).as_deref() != Some(file.as_str()) {
        return Err(format!("lib/ does not hold libuserhash.so -> {soname} -> {file}"));
    }
    let dynamic = output(&mut cmd("readelf", &["--dynamic", path_str(&lib.join(&file))?]))?;
    if !dynamic.contains(&format!("Library soname: [{soname}]")) {
        return Err(format!("lib/{file}'s SONAME is not {soname}"));
    }
    if !lib.join("libuserhash.a").is_file() {
        return Err("no lib/libuserhash.a".into());
    }
    let pc =
        fs::read_to_string(lib.join("pkgconfig/userhash.pc")).map_err(|e| format!("lib/pkgconfig/userhash.pc: {e}"))?;
    if pc.lines().next() != Some("prefix=${pcfiledir}/../..") {
        return Err("lib/pkgconfig/userhash.pc's prefix is not ${pcfiledir}/../..".into());
    }
    Ok(())
}

/// The environment examples/c reads its secrets from.
fn app_env(c: &mut Command) {
    c.env("USERHASH_IDENTIFIER_SECRET", "example-identifier-secret-0123456789")
        .env("USERHASH_SECRET", "example-secret-0123456789abcdef");
}

/// The x86_64 archive unpacked into an empty prefix: its layout, then
/// examples/c built with pkg-config only and run; then statically, from a
/// copy without the shared library.
pub(super) fn c_x86_64(dist: &Dist) -> Result<Counts, String> {
    let dir = work_dir().join("test-c-x86_64");
    fresh_dir(&dir)?;
    let prefix = dir.join("prefix");
    unpack_prefix(&dist.c_archives[0], &prefix)?;
    c_layout(&prefix, &dist.version)?;
    let mut counts = Counts::ONE;

    let flags = pkg_config_only(&prefix, &["--cflags", "--libs", "userhash"])?;
    let app = dir.join("app");
    let mut args = c::strings(c::WARNINGS);
    args.extend(["examples/c/app.c".into(), "-o".into(), path_str(&app)?.to_owned()]);
    args.extend(flags);
    c::gcc(&args)?;
    let libdir = pkg_config_only(&prefix, &["--variable=libdir", "userhash"])?.join(" ");
    let mut run = cmd(path_str(&app)?, &[]);
    run.env("LD_LIBRARY_PATH", &libdir);
    app_env(&mut run);
    status(&mut run)?;
    if !needed(&app)?.contains(&c::soname(&dist.version)) {
        return Err("examples/c does not load libuserhash.so.* by its SONAME".into());
    }
    counts.passed += 1;

    // Statically: the same archive without its .so, linked as pkg-config --static says.
    let static_prefix = dir.join("static-prefix");
    unpack_prefix(&dist.c_archives[0], &static_prefix)?;
    for entry in io(&static_prefix, fs::read_dir(static_prefix.join("lib")))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if file_name(&path).starts_with("libuserhash.so") {
            io(&path, fs::remove_file(&path))?;
        }
    }
    let flags = pkg_config_only(&static_prefix, &["--static", "--cflags", "--libs", "userhash"])?;
    let app_static = dir.join("app-static");
    let mut args = c::strings(c::WARNINGS);
    args.extend(["examples/c/app.c".into(), "-o".into(), path_str(&app_static)?.to_owned()]);
    args.extend(flags);
    c::gcc(&args)?;
    let mut run = cmd(path_str(&app_static)?, &[]);
    run.env_remove("LD_LIBRARY_PATH");
    app_env(&mut run);
    status(&mut run)?;
    if needed(&app_static)?.iter().any(|n| n.starts_with("libuserhash")) {
        return Err("the static examples/c still needs a libuserhash.so".into());
    }
    counts.passed += 1;
    println!("dist-c-x86_64: {} passed, 0 failed", counts.passed);
    Ok(counts)
}

/// The aarch64 archive under qemu.
///
/// The known-answer program and examples/c, cross-compiled against the
/// archive as unpacked (pkg-config only), run with its library.
///
/// The C suite needs `userhash_test_panic`, which only a build with the
/// `test-hooks` feature has (it is in no shipped library), to show a Rust
/// panic becoming `USERHASH_INTERNAL`. So the suite is built against the
/// archive's header and pkg-config file and linked with the same build of
/// the library plus that feature (same profile, linker and target), put in
/// place of the archive's `.so`; and the archive's library must export
/// exactly that library's functions but `userhash_test_panic`.
pub(super) fn c_aarch64(tools: &Tools, dist: &Dist, sysroot: &Path) -> Result<Counts, String> {
    let dir = work_dir().join("test-c-aarch64");
    fresh_dir(&dir)?;
    let prefix = dir.join("prefix");
    unpack_prefix(&dist.c_archives[1], &prefix)?;
    c_layout(&prefix, &dist.version)?;
    let mut counts = Counts::ONE;
    let gcc = |args: &[String]| {
        status(&mut cmd("aarch64-linux-gnu-gcc", &args.iter().map(String::as_str).collect::<Vec<_>>()))
    };
    let warnings = || c::strings(c::WARNINGS);
    let lib = prefix.join("lib");
    let rpath = format!("-Wl,-rpath,{}", path_str(&lib)?);

    // The known answer and examples/c against the archive itself.
    let kat = dir.join("known_answer");
    let mut args = warnings();
    args.extend(["bindings/c/tests/known_answer.c".into(), "-o".into(), path_str(&kat)?.to_owned(), rpath.clone()]);
    args.extend(pkg_config_only(&prefix, &["--cflags", "--libs", "userhash"])?);
    gcc(&args)?;
    counts += counted(&mut qemu(sysroot, &kat, &[])?)?;
    let app = dir.join("app");
    let mut args = warnings();
    args.extend(["examples/c/app.c".into(), "-o".into(), path_str(&app)?.to_owned(), rpath]);
    args.extend(pkg_config_only(&prefix, &["--cflags", "--libs", "userhash"])?);
    gcc(&args)?;
    let mut run = qemu(sysroot, &app, &[])?;
    app_env(&mut run);
    status(&mut run)?;
    counts.passed += 1;

    // The C suite: the archive's header and pkg-config file, the library with test hooks.
    let arch = &AARCH64;
    status(&mut cross(
        tools,
        cmd(
            "cargo",
            &["build", "--locked", "--release", "--target", arch.rust, "-p", "userhash-c", "--features", "test-hooks"],
        ),
    ))?;
    let hooks_prefix = dir.join("hooks-prefix");
    unpack_prefix(&dist.c_archives[1], &hooks_prefix)?;
    let hooks_lib = hooks_prefix.join("lib");
    c::shared_library(&arch.release_dir(), &hooks_lib)?;
    let shipped = exports(&lib.join(format!("libuserhash.so.{}", dist.version)))?;
    let mut hooked = exports(&hooks_lib.join(format!("libuserhash.so.{}", dist.version)))?;
    if !hooked.remove("userhash_test_panic") || shipped.contains("userhash_test_panic") || shipped != hooked {
        return Err(format!(
            "the archive's library exports {} functions, the test build {} (userhash_test_panic only in the test build expected)",
            shipped.len(),
            hooked.len()
        ));
    }
    counts.passed += 1;
    let jansson = sysroot.join("usr");
    let suite = dir.join("userhash_tests");
    let mut args = warnings();
    args.push("-g".into());
    args.extend(c::test_sources());
    args.extend(["-o".into(), path_str(&suite)?.to_owned(), format!("-Wl,-rpath,{}", path_str(&hooks_lib)?)]);
    args.extend(pkg_config_only(&hooks_prefix, &["--cflags", "--libs", "userhash"])?);
    args.extend([
        format!("-I{}", path_str(&jansson.join("include"))?),
        format!("-L{}", path_str(&jansson.join("lib/aarch64-linux-gnu"))?),
        "-ljansson".into(),
        "-pthread".into(),
    ]);
    gcc(&args)?;
    let vectors = root().join("tests/vectors");
    let mut run = qemu(sysroot, &suite, &[path_str(&vectors)?])?;
    run.env("RUST_BACKTRACE", "0");
    counts += counted(&mut run)?;
    Ok(counts)
}
