//! Suite `c-examples`: the library installed as a user would
//! (`install-c`), then only what is installed: the known-answer program,
//! `examples/c` through pkg-config, and `examples/go` through cgo.

use std::fs;
use std::process::Command;

use super::install::install;
use super::{gcc, strings, WARNINGS};
use crate::deps::{self, Tool, C_TOOLS};
use crate::run::{cmd, counted, path_str, root, status, target_dir, Counts, Profile};

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
    total += counted(&mut run)?;

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
    total += Counts::ONE;

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
    total += go_test(&mut go(&["test", "-count=1", "-v", "."]))?;
    status(&mut go(&["run", "."]))?;
    total += Counts::ONE;
    Ok(total)
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
