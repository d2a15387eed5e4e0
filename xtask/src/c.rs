//! The C library (`bindings/c`): its test suites, `install-c`, `c-header`
//! and `bench-c`.
//!
//! - suite `c`: builds `libuserhash` (with the `test-hooks` feature), checks
//!   that the committed `userhash.h` is what cbindgen makes now and that a
//!   C++17 program (`g++ -Wall -Wextra -Werror -pedantic`) includes it and
//!   links, and runs the C suite three times: plain, under valgrind memcheck,
//!   and built with `-fsanitize=address,undefined`;
//! - suite `c-examples`: installs the library into `target/c-install` as a
//!   user would (`install-c`), then builds against it only: the known-answer
//!   program (`-luserhash` and `userhash.h`, nothing else), `examples/c` via
//!   `pkg-config`, and `examples/go` via cgo, whose `go test` runs.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::deps::{self, Tool, C_BENCH_LIBS, C_TEST_LIBS, C_TOOLS};
use crate::run::{cmd, counted, path_str, root, status, target_dir, Counts, Profile};

/// cbindgen is pinned: another version may lay the header out differently,
/// and the header is committed.
const CBINDGEN_VERSION: &str = "0.29.4";

/// Libraries a static `libuserhash.a` needs on Linux (`rustc --print
/// native-static-libs`), for the pkg-config file's `Libs.private`.
const STATIC_LIBS: &str = "-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc";

pub const WARNINGS: &[&str] = &["-std=c11", "-Wall", "-Wextra", "-Werror"];
const CXX_WARNINGS: &[&str] = &["-std=c++17", "-Wall", "-Wextra", "-Werror", "-pedantic"];
const SANITIZERS: &[&str] = &["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"];

/// `cargo build -p userhash-c`; returns the folder with libuserhash.so and .a.
fn build_library(profile: Profile, test_hooks: bool) -> Result<PathBuf, String> {
    let mut args = vec!["build", "-p", "userhash-c"];
    if profile == Profile::Release {
        args.push("--release");
    }
    if test_hooks {
        args.extend(["--features", "test-hooks"]);
    }
    status(&mut cmd("cargo", &args))?;
    Ok(target_dir().join(profile.dir()))
}

/// The pinned cbindgen, installed into target/tools when missing.
fn cbindgen() -> Result<PathBuf, String> {
    let tools = target_dir().join("tools");
    let bin = tools.join("bin").join("cbindgen");
    let current = Command::new(&bin)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == format!("cbindgen {CBINDGEN_VERSION}"))
        .unwrap_or(false);
    if !current {
        let tools = path_str(&tools)?;
        status(&mut cmd(
            "cargo",
            &["install", "cbindgen", "--locked", "--version", CBINDGEN_VERSION, "--root", tools],
        ))?;
    }
    Ok(bin)
}

/// Runs cbindgen over bindings/c; `verify` only compares with the committed header.
fn header(verify: bool) -> Result<(), String> {
    let bin = cbindgen()?;
    let mut args = vec![
        "--config",
        "bindings/c/cbindgen.toml",
        "--crate",
        "userhash-c",
        "--output",
        "bindings/c/include/userhash.h",
        "--quiet",
    ];
    if verify {
        args.push("--verify");
    }
    args.push("bindings/c");
    status(&mut cmd(path_str(&bin)?, &args)).map_err(|e| {
        if verify {
            format!("{e}: bindings/c/include/userhash.h is not what cbindgen makes now; run `cargo xtask c-header` and commit it")
        } else {
            e
        }
    })
}

/// `cargo xtask c-header`: rewrites bindings/c/include/userhash.h.
pub fn write_header() -> Result<(), String> {
    header(false)
}

fn pkg_config(args: &[&str]) -> Result<Vec<String>, String> {
    let out = cmd("pkg-config", args).output().map_err(|e| format!("cannot run pkg-config: {e}"))?;
    if !out.status.success() {
        return Err(format!("pkg-config {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).split_whitespace().map(str::to_owned).collect())
}

/// C libraries, seen through pkg-config, installed with apt-get when missing.
fn ensure_libraries(libs: &[(&str, &str)]) -> Result<(), String> {
    let present = |module: &str| pkg_config(&["--exists", module]).is_ok();
    let missing: Vec<&str> = libs.iter().filter(|(m, _)| !present(m)).map(|(_, p)| *p).collect();
    if missing.is_empty() {
        return Ok(());
    }
    deps::apt_install(&missing)?;
    match libs.iter().find(|(m, _)| !present(m)) {
        Some((module, package)) => Err(format!("pkg-config still finds no `{module}` after installing {package}")),
        None => Ok(()),
    }
}

fn gcc(args: &[String]) -> Result<(), String> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    status(&mut cmd("gcc", &args))
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

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
    header(true)?;
    let mut total = Counts { passed: 1, failed: 0 }; // the header is current

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
        let n = counted(&mut run)?;
        total.passed += n.passed;
        total.failed += n.failed;
    }
    Ok(total)
}

/// Suite `c-examples`.
pub fn examples() -> Result<Counts, String> {
    deps::ensure(C_TOOLS)?;
    deps::ensure(&[Tool { program: "go", package: "golang-go" }])?;
    let prefix = target_dir().join("c-install");
    install(&prefix, Profile::Debug)?;
    let prefix = path_str(&prefix)?.to_owned();
    let lib = format!("{prefix}/lib");
    let pc_path = format!("{lib}/pkgconfig");
    let out = target_dir().join("c-examples");
    fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut total = Counts::default();

    // A program that includes only userhash.h and links only -luserhash.
    let kat = path_str(&out.join("known_answer"))?.to_owned();
    let mut args = strings(WARNINGS);
    args.extend([
        "bindings/c/tests/known_answer.c".into(),
        "-o".into(),
        kat.clone(),
        format!("-I{prefix}/include"),
        format!("-L{lib}"),
        "-luserhash".into(),
    ]);
    gcc(&args)?;
    let mut run = cmd(&kat, &[]);
    run.env("LD_LIBRARY_PATH", &lib);
    add(&mut total, counted(&mut run)?);

    // examples/c, built the README's way: cc app.c $(pkg-config --cflags --libs userhash).
    let app = path_str(&out.join("app"))?.to_owned();
    let mut args = strings(WARNINGS);
    args.extend(["examples/c/app.c".into(), "-o".into(), app.clone()]);
    let mut flags = cmd("pkg-config", &["--cflags", "--libs", "userhash"]);
    flags.env("PKG_CONFIG_PATH", &pc_path);
    let flags = flags.output().map_err(|e| e.to_string())?;
    if !flags.status.success() {
        return Err(format!("pkg-config finds no userhash in {pc_path}"));
    }
    args.extend(String::from_utf8_lossy(&flags.stdout).split_whitespace().map(str::to_owned));
    gcc(&args)?;
    let mut run = cmd(&app, &[]);
    run.env("LD_LIBRARY_PATH", &lib)
        .env("USERHASH_IDENTIFIER_SECRET", "example-identifier-secret-0123456789")
        .env("USERHASH_SECRET", "example-secret-0123456789abcdef");
    status(&mut run)?;
    add(&mut total, Counts { passed: 1, failed: 0 });

    // examples/go: the vendor doc's Go snippet through cgo; its tests, then the program.
    let go = |args: &[&str]| {
        let mut c = cmd("go", args);
        c.current_dir(root().join("examples").join("go"))
            .env("PKG_CONFIG_PATH", &pc_path)
            .env("LD_LIBRARY_PATH", &lib)
            .env("CGO_ENABLED", "1")
            .env("GOTOOLCHAIN", "local");
        c
    };
    add(&mut total, go_test(&mut go(&["test", "-count=1", "-v", "."]))?);
    status(&mut go(&["run", "."]))?;
    add(&mut total, Counts { passed: 1, failed: 0 });
    Ok(total)
}

fn add(total: &mut Counts, n: Counts) {
    total.passed += n.passed;
    total.failed += n.failed;
}

/// `go test -v`: its output, and its `--- PASS` / `--- FAIL` lines counted.
fn go_test(c: &mut Command) -> Result<Counts, String> {
    println!("$ go test (examples/go)");
    let out = c.output().map_err(|e| format!("cannot run go: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    print!("{text}");
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    let count = |prefix: &str| text.lines().filter(|l| l.trim_start().starts_with(prefix)).count() as u64;
    let counts = Counts { passed: count("--- PASS"), failed: count("--- FAIL") };
    if !out.status.success() || counts.passed == 0 {
        return Err(format!("go test failed ({}) in examples/go", out.status));
    }
    println!("go-example: {} passed, {} failed", counts.passed, counts.failed);
    Ok(counts)
}

/// The workspace's version, from the root Cargo.toml's `[workspace.package]`.
pub fn version() -> Result<String, String> {
    let text = fs::read_to_string(root().join("Cargo.toml")).map_err(|e| e.to_string())?;
    text.lines()
        .skip_while(|l| l.trim() != "[workspace.package]")
        .find_map(|l| l.trim().strip_prefix("version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .map(str::to_owned)
        .ok_or_else(|| "no version in [workspace.package] of Cargo.toml".into())
}

/// Copies the built `libuserhash.so` into `lib` the way a system's library
/// folder holds one: the file under its full version, the SONAME
/// (`libuserhash.so.0.1`, which bindings/c/build.rs gives it and linked
/// programs look for) and the plain name that `-luserhash` finds, each a
/// symlink. A running program may have the old file mapped, so it is
/// replaced, not written over.
pub fn shared_library(built: &Path, lib: &Path) -> Result<(), String> {
    fs::create_dir_all(lib).map_err(|e| format!("{}: {e}", lib.display()))?;
    let version = version()?;
    let mut parts = version.split('.');
    let (major, minor) = (parts.next().unwrap_or("0"), parts.next().unwrap_or("0"));
    let abi = if major == "0" { format!("0.{minor}") } else { major.to_owned() };
    let file = format!("libuserhash.so.{version}");
    let soname = format!("libuserhash.so.{abi}");
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
fn install(prefix: &Path, profile: Profile) -> Result<(), String> {
    let built = build_library(profile, false)?;
    let include = prefix.join("include");
    let lib = prefix.join("lib");
    let pc = lib.join("pkgconfig");
    for dir in [&include, &pc] {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let prefix = fs::canonicalize(prefix).map_err(|e| format!("{}: {e}", prefix.display()))?;
    let copy = |from: PathBuf, to: PathBuf| {
        // Remove first: a running program may have the old library mapped.
        let _ = fs::remove_file(&to);
        fs::copy(&from, &to).map(drop).map_err(|e| format!("copy {} to {}: {e}", from.display(), to.display()))
    };
    copy(root().join("bindings/c/include/userhash.h"), include.join("userhash.h"))?;
    shared_library(&built, &lib)?;
    copy(built.join("libuserhash.a"), lib.join("libuserhash.a"))?;
    let pc_text = pkg_config_file(path_str(&prefix)?, &version()?);
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
pub fn install_command(args: &[String]) -> Result<(), String> {
    let mut prefix = None;
    let mut profile = Profile::Release;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--prefix" => prefix = it.next().cloned(),
            "--debug" => profile = Profile::Debug,
            other => match other.strip_prefix("--prefix=") {
                Some(p) => prefix = Some(p.to_owned()),
                None => return Err(format!("install-c: unknown argument `{other}`")),
            },
        }
    }
    let prefix = prefix.ok_or("install-c needs --prefix DIR")?;
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

/// A program that finds libuserhash through its rpath. `cargo run` (so
/// `cargo xtask`) puts target/debug on LD_LIBRARY_PATH, which would win over
/// the rpath and load another build of the library.
fn linked(mut c: Command) -> Command {
    c.env_remove("LD_LIBRARY_PATH");
    c
}
