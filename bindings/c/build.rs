//! Gives `libuserhash.so` an ELF SONAME, so a program linked with
//! `-luserhash` records `libuserhash.so.0.1` (not the unversioned name) and
//! an incompatible release can be installed beside it. Before 1.0 every
//! minor release may break the ABI, so the SONAME carries major.minor; from
//! 1.0 on, the major alone. `cargo xtask install-c` lays out the usual
//! symlinks (libuserhash.so -> libuserhash.so.0.1 -> libuserhash.so.0.1.0).

fn main() {
    let elf = ["linux", "android", "freebsd", "netbsd", "openbsd", "dragonfly"];
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if elf.contains(&os.as_str()) {
        let major = env!("CARGO_PKG_VERSION_MAJOR");
        let minor = env!("CARGO_PKG_VERSION_MINOR");
        let abi = if major == "0" { format!("0.{minor}") } else { major.to_owned() };
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libuserhash.so.{abi}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
