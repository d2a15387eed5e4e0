//! `cargo xtask bench-c`: the C benchmark against a release build.

use super::{build_library, ensure_libraries, gcc, linked, pkg_config, shared_library, strings, WARNINGS};
use crate::deps::{self, C_BENCH_LIBS, C_TOOLS};
use crate::run::{cmd, path_str, status, target_dir, Profile};

/// `cargo xtask bench-c`: bindings/c/bench/bench.c against a release build,
/// `userhash_sign_identifier` beside OpenSSL's one-shot `HMAC()`.
pub fn bench() -> Result<(), String> {
    deps::ensure(C_TOOLS)?;
    ensure_libraries(C_BENCH_LIBS)?;
    let built = build_library(Profile::Release, false)?;
    let lib = target_dir().join("c-bench-lib");
    shared_library(&built, &lib)?;
    let lib = path_str(&lib)?.to_owned();
    let exe = target_dir().join("c-bench");
    let exe = path_str(&exe)?.to_owned();
    let mut args = strings(WARNINGS);
    args.extend(strings(&["-O2", "-Ibindings/c/include", "bindings/c/bench/bench.c", "-o"]));
    args.push(exe.clone());
    args.extend(pkg_config(&["--cflags", "libcrypto"])?);
    args.extend([format!("-L{lib}"), format!("-Wl,-rpath,{lib}"), "-luserhash".into()]);
    args.extend(pkg_config(&["--libs", "libcrypto"])?);
    gcc(&args)?;
    status(&mut linked(cmd(&exe, &[])))
}
