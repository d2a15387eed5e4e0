//! The package for this machine: the static library built, the Swift, its
//! C header and module map generated into the package's ignored folders.

use std::fs;
use std::path::{Path, PathBuf};

use super::PACKAGE;
use crate::bindgen;
use crate::files::{fresh_dir, io};
use crate::run::{cmd, root, status, target_dir, Profile};

// --- the package ------------------------------------------------------------

/// Paths inside the package that xtask writes: `Generated/` and
/// `Sources/UserHash/Generated/`.
pub(super) struct Layout {
    pub(super) package: PathBuf,
    pub(super) generated: PathBuf,
}

impl Layout {
    pub(super) fn new() -> Self {
        let package = root().join(PACKAGE);
        let generated = package.join("Generated");
        Self { package, generated }
    }
    /// The generated source of the Swift module `UserHash`, in a folder of
    /// its own inside the module's (`Sources/UserHash`, whose one
    /// hand-written file xtask never touches).
    pub(super) fn swift_dir(&self) -> PathBuf {
        self.package.join("Sources").join("UserHash").join("Generated")
    }
    /// The C module `UserHashFFI`: the generated header and module map.
    pub(super) fn ffi_dir(&self) -> PathBuf {
        self.generated.join("UserHashFFI")
    }
    /// The static library the package links when it is there (Package.swift).
    pub(super) fn lib_dir(&self) -> PathBuf {
        self.generated.join("lib")
    }
}

/// Runs the crate's own `uniffi-bindgen` (library mode) on `lib` into `out`:
/// `UserHash.swift`, `UserHashFFI.h`, `UserHashFFI.modulemap`. The module
/// names come from `bindings/swift/uniffi.toml`.
pub(super) fn generate(lib: &Path, out: &Path) -> Result<(), String> {
    fresh_dir(out)?;
    let config = root().join(PACKAGE).join("uniffi.toml");
    status(&mut bindgen::command("swift", lib, out, Some(&config))?)?;
    for name in ["UserHash.swift", "UserHashFFI.h", "UserHashFFI.modulemap"] {
        if !out.join(name).is_file() {
            return Err(format!(
                "uniffi-bindgen made no {name} in {}; are the module names in {PACKAGE}/uniffi.toml still read?",
                out.display()
            ));
        }
    }
    Ok(())
}

/// The package for this machine: a build of the static library in
/// `Generated/lib` (dev profile for the tests, release for the benchmark),
/// the generated Swift in `Sources/UserHash/Generated`, the header and
/// `module.modulemap` in `Generated/UserHashFFI`.
pub(super) fn prepare_local(profile: Profile) -> Result<(), String> {
    let mut build = vec!["build", "-p", "userhash-ffi"];
    if profile == Profile::Release {
        build.push("--release");
    }
    status(&mut cmd("cargo", &build))?;
    let built = target_dir().join(profile.dir());
    // The metadata is read from the shared library (library mode); both come
    // from the same build.
    let out = target_dir().join("swift").join("generated");
    generate(&built.join(shared_library_name()), &out)?;
    let library = built.join("libuserhash_ffi.a");
    let stamp = out.join("Library.swift");
    io(&stamp, fs::write(&stamp, library_stamp(&library, profile)?))?;
    let layout = Layout::new();
    // Each folder holds exactly these files; one left unchanged keeps its
    // time, so SwiftPM rebuilds only what changed.
    let files = [
        (layout.swift_dir(), out.join("UserHash.swift"), "UserHash.swift"),
        (layout.swift_dir(), stamp.clone(), "Library.swift"),
        (layout.ffi_dir(), out.join("UserHashFFI.h"), "UserHashFFI.h"),
        // A system library target's module map must be called module.modulemap.
        (layout.ffi_dir(), out.join("UserHashFFI.modulemap"), "module.modulemap"),
        // Only the static library goes here, so `-luserhash_ffi` cannot pick a shared one.
        (layout.lib_dir(), library, "libuserhash_ffi.a"),
    ];
    for (dir, _, _) in &files {
        io(dir, fs::create_dir_all(dir))?;
        for entry in io(dir, fs::read_dir(dir))? {
            let path = io(dir, entry)?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !files.iter().any(|(d, _, n)| d == dir && *n == name) {
                io(&path, if path.is_dir() { fs::remove_dir_all(&path) } else { fs::remove_file(&path) })?;
            }
        }
    }
    for (dir, from, name) in &files {
        copy_if_changed(from, &dir.join(name))?;
    }
    Ok(())
}

/// The generated parts of a release archive of the package, in `package`
/// (a copy of the package's tracked files): the Swift from `shared_lib`'s
/// metadata, the C header and module map, and `static_lib` as
/// `Generated/lib/libuserhash_ffi.a`, the layout `prepare_local` makes, so
/// the archive's Package.swift links it the same way.
pub fn stage_release(shared_lib: &Path, static_lib: &Path, package: &Path) -> Result<(), String> {
    let out = target_dir().join("swift").join("generated-release");
    generate(shared_lib, &out)?;
    let swift_dir = package.join("Sources").join("UserHash").join("Generated");
    let ffi_dir = package.join("Generated").join("UserHashFFI");
    let lib_dir = package.join("Generated").join("lib");
    for dir in [&swift_dir, &ffi_dir, &lib_dir] {
        io(dir, fs::create_dir_all(dir))?;
    }
    crate::files::copy(&out.join("UserHash.swift"), &swift_dir.join("UserHash.swift"))?;
    crate::files::copy(&out.join("UserHashFFI.h"), &ffi_dir.join("UserHashFFI.h"))?;
    crate::files::copy(&out.join("UserHashFFI.modulemap"), &ffi_dir.join("module.modulemap"))?;
    crate::files::copy(static_lib, &lib_dir.join("libuserhash_ffi.a"))
}

/// A Swift file that changes whenever the static library does. SwiftPM does
/// not track a library named by `-l`: its link step has no such input, so a
/// test binary already linked would keep running the library it was first
/// linked with after the Rust code changed, when the generated Swift did
/// not. A changed constant changes an object file of the module, which is an
/// input of the link step (a comment would not: the object stays the same,
/// and nothing is linked again). Cargo rewrites the library only when it
/// rebuilds it, so its size and modification time say when it changed (and
/// the profile, whether dev or release).
fn library_stamp(library: &Path, profile: Profile) -> Result<String, String> {
    let meta = io(library, fs::metadata(library))?;
    let modified =
        io(library, meta.modified())?.duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    Ok(format!(
        "// Made by `cargo xtask` (xtask/src/swift/package.rs, `library_stamp`); never edited. It changes whenever\n\
         // libuserhash_ffi.a does, so that SwiftPM links again against the new library.\n\
         private let libuserhashFfiBuild = \"{} profile, {} bytes, modified at {modified} ns\"\n",
        profile.dir(),
        meta.len()
    ))
}

fn copy_if_changed(from: &Path, to: &Path) -> Result<(), String> {
    let new = io(from, fs::read(from))?;
    if fs::read(to).is_ok_and(|old| old == new) {
        return Ok(());
    }
    io(to, fs::write(to, new))
}

fn shared_library_name() -> &'static str {
    if cfg!(target_os = "macos") {
        "libuserhash_ffi.dylib"
    } else {
        "libuserhash_ffi.so"
    }
}
