//! `cargo xtask install-c`: the header, both libraries and a pkg-config
//! file under a prefix, laid out as a system's library folder holds them
//! (the SONAME rule is here, once, for `dist` too).

use std::fs;
use std::path::Path;

use super::build_library;
use crate::files::copy;
use crate::run::{path_str, root, Profile, VERSION};

/// Libraries a static `libuserhash.a` needs on Linux (`rustc --print
/// native-static-libs`), for the pkg-config file's `Libs.private`.
const STATIC_LIBS: &str = "-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc";

/// The C library's SONAME, which bindings/c/build.rs gives it and linked
/// programs look for: major.minor before 1.0 (`libuserhash.so.0.1`), then
/// the major (`libuserhash.so.1`).
pub fn soname(version: &str) -> String {
    let mut parts = version.split('.');
    let (major, minor) = (parts.next().unwrap_or("0"), parts.next().unwrap_or("0"));
    if major == "0" {
        format!("libuserhash.so.0.{minor}")
    } else {
        format!("libuserhash.so.{major}")
    }
}

/// Copies the built `libuserhash.so` into `lib` the way a system's library
/// folder holds one: the file under its full version, the [`soname`] and
/// the plain name that `-luserhash` finds, each a symlink. A running
/// program may have the old file mapped, so it is replaced, not written over.
pub fn shared_library(built: &Path, lib: &Path) -> Result<(), String> {
    fs::create_dir_all(lib).map_err(|e| format!("{}: {e}", lib.display()))?;
    let file = format!("libuserhash.so.{VERSION}");
    let soname = soname(VERSION);
    let replace = |name: &str, make: &dyn Fn(&Path) -> std::io::Result<()>| {
        let to = lib.join(name);
        let _ = fs::remove_file(&to);
        make(&to).map_err(|e| format!("{}: {e}", to.display()))
    };
    replace(&file, &|to| fs::copy(built.join("libuserhash.so"), to).map(drop))?;
    replace(&soname, &|to| std::os::unix::fs::symlink(&file, to))?;
    replace("libuserhash.so", &|to| std::os::unix::fs::symlink(&soname, to))
}

/// Copies the header and both libraries under `prefix` and writes
/// `lib/pkgconfig/userhash.pc` for that prefix.
pub(super) fn install(prefix: &Path, profile: Profile) -> Result<(), String> {
    let built = build_library(profile, false)?;
    let include = prefix.join("include");
    let lib = prefix.join("lib");
    let pc = lib.join("pkgconfig");
    for dir in [&include, &pc] {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let prefix = fs::canonicalize(prefix).map_err(|e| format!("{}: {e}", prefix.display()))?;
    copy(&root().join("bindings/c/include/userhash.h"), &include.join("userhash.h"))?;
    shared_library(&built, &lib)?;
    copy(&built.join("libuserhash.a"), &lib.join("libuserhash.a"))?;
    let pc_text = pkg_config_file(path_str(&prefix)?, VERSION);
    fs::write(pc.join("userhash.pc"), pc_text).map_err(|e| e.to_string())?;
    println!(
        "xtask: installed userhash.h, libuserhash.so (and its versioned names), libuserhash.a and userhash.pc under {}",
        prefix.display()
    );
    Ok(())
}

/// `lib/pkgconfig/userhash.pc` for the library installed under `prefix`: an
/// absolute folder (`install-c`), or `${pcfiledir}/../..` in an archive that
/// may be unpacked anywhere (`cargo xtask dist`).
pub fn pkg_config_file(prefix: &str, version: &str) -> String {
    format!(
        "prefix={prefix}\n\
         libdir=${{prefix}}/lib\n\
         includedir=${{prefix}}/include\n\
         \n\
         Name: userhash\n\
         Description: Sign and verify who a chat or support widget's user is (HMAC-SHA256)\n\
         Version: {version}\n\
         Cflags: -I${{includedir}}\n\
         Libs: -L${{libdir}} -luserhash\n\
         Libs.private: {STATIC_LIBS}\n"
    )
}

/// `cargo xtask install-c --prefix DIR [--debug]`
pub fn install_command(prefix: &Path, profile: Profile) -> Result<(), String> {
    // A relative prefix is the caller's, not the workspace root's.
    let prefix = std::env::current_dir().map_err(|e| e.to_string())?.join(prefix);
    install(&prefix, profile)?;
    let prefix = fs::canonicalize(&prefix).map_err(|e| e.to_string())?;
    println!(
        "use it with:\n  export PKG_CONFIG_PATH={0}/lib/pkgconfig\n  cc app.c $(pkg-config --cflags --libs userhash)\n  \
         LD_LIBRARY_PATH={0}/lib ./a.out",
        prefix.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::soname;

    #[test]
    fn the_soname_is_build_rs_s() {
        assert_eq!(soname("0.1.0"), "libuserhash.so.0.1");
        assert_eq!(soname("1.2.3"), "libuserhash.so.1");
    }
}
