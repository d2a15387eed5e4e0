//! Suite `c`: the library with its test hooks, the header current and
//! usable from C++, and the C suite plain, under valgrind and under
//! AddressSanitizer and UndefinedBehaviorSanitizer.

use std::process::Command;

use super::{build_library, ensure_libraries, gcc, linked, pkg_config, shared_library, strings, WARNINGS};
use crate::deps::{self, C_TEST_LIBS, C_TOOLS};
use crate::run::{cmd, counted, path_str, root, status, target_dir, Counts, Profile};

const CXX_WARNINGS: &[&str] = &["-std=c++17", "-Wall", "-Wextra", "-Werror", "-pedantic"];
const SANITIZERS: &[&str] = &["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"];

/// The C suite's sources (one program; `cargo xtask test dist` cross-compiles it too).
pub fn test_sources() -> Vec<String> {
    ["main.c", "harness.c", "test_vectors.c", "test_conventions.c", "test_counts.c", "test_tokens.c"]
        .iter()
        .map(|f| format!("bindings/c/tests/{f}"))
        .collect()
}

/// Suite `c`.
pub fn suite() -> Result<Counts, String> {
    deps::ensure(C_TOOLS)?;
    ensure_libraries(C_TEST_LIBS)?;
    let built = build_library(Profile::Debug, true)?;
    super::header::header(true)?;
    let mut total = Counts::ONE; // the header is current

    // The test library is copied aside, so a later build without the test
    // hooks cannot change what these binaries load.
    let out = target_dir().join("c-tests");
    let lib = out.join("lib");
    shared_library(&built, &lib)?;
    let lib = path_str(&lib)?.to_owned();

    let sources = test_sources();
    let jansson_cflags = pkg_config(&["--cflags", "jansson"])?;
    let jansson_libs = pkg_config(&["--libs", "jansson"])?;
    let build = |name: &str, extra: &[&str]| -> Result<String, String> {
        let exe = path_str(&out.join(name))?.to_owned();
        let mut args = strings(WARNINGS);
        args.extend(strings(&["-g", "-Ibindings/c/include"]));
        args.extend(strings(extra));
        args.extend(jansson_cflags.iter().cloned());
        args.extend(sources.iter().cloned());
        args.extend(["-o".into(), exe.clone(), format!("-L{lib}"), format!("-Wl,-rpath,{lib}"), "-luserhash".into()]);
        args.extend(jansson_libs.iter().cloned());
        args.push("-pthread".into());
        gcc(&args)?;
        Ok(exe)
    };
    // userhash.h from C++: it parses, and its extern "C" names link.
    let cxx = path_str(&out.join("header_cxx"))?.to_owned();
    let mut args = strings(CXX_WARNINGS);
    args.extend(strings(&["-Ibindings/c/include", "bindings/c/tests/header_cxx.cpp", "-o", &cxx]));
    args.extend([format!("-L{lib}"), format!("-Wl,-rpath,{lib}"), "-luserhash".into()]);
    status(&mut cmd("g++", &args.iter().map(String::as_str).collect::<Vec<_>>()))?;

    let plain = build("userhash_tests", &[])?;
    let sanitized = build("userhash_tests_asan", SANITIZERS)?;

    let vectors = path_str(&root().join("tests").join("vectors"))?.to_owned();
    let quiet = |c: Command| {
        // The suite shows a panic being caught; keep its report to one line.
        let mut c = linked(c);
        c.env("RUST_BACKTRACE", "0");
        c
    };
    let runs = [
        quiet(cmd(&cxx, &[])),
        quiet(cmd(&plain, &[&vectors])),
        quiet(cmd("valgrind", &["-q", "--error-exitcode=1", "--leak-check=full", &plain, &vectors])),
        {
            let mut c = quiet(cmd(&sanitized, &[&vectors]));
            c.env("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0").env("UBSAN_OPTIONS", "print_stacktrace=1");
            c
        },
    ];
    for mut run in runs {
        total += counted(&mut run)?;
    }
    Ok(total)
}
