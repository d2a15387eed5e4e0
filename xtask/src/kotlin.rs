//! The Kotlin binding (`bindings/kotlin`, Maven): suite `kotlin`,
//! `install-kotlin` and `bench-kotlin`.
//!
//! Suite `kotlin`: builds `libuserhash_ffi.so` (dev profile), generates the
//! Kotlin with the crate's own `uniffi-bindgen` into `target/kotlin/generated`,
//! copies the library to `target/kotlin/native/linux-x86-64/` (JNA's resource
//! prefix, which the JAR packages), then `mvn -B install` (every phase of
//! `verify`, the JUnit 5 suite under Surefire, then the artifact into the
//! local Maven repository). Surefire's XML reports are the counts: a skipped
//! test or none at all fails the suite. Then a Java program with only the
//! standalone JAR and JNA on its classpath must print SPEC §1.1's known
//! answer, and `examples/kotlin` is built and tested against the installed
//! artifact, as a user's project would be.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::deps::{self, Tool};
use crate::run::{cmd, path_str, root, status, target_dir, Counts, Profile};

pub const KOTLIN_TOOLS: &[Tool] =
    &[Tool { program: "javac", package: "default-jdk-headless" }, Tool { program: "mvn", package: "maven" }];

const KNOWN_ANSWER: &str = "959217e5001533694e1f8ac122e7c24eef04409d31f9e9b5227cf2165b6e6d82";

/// Builds the library, generates the Kotlin from it and lays out the native
/// folder; returns `target/kotlin`, which the pom reads as `userhash.target`.
fn prepare(profile: Profile) -> Result<PathBuf, String> {
    let mut build = vec!["build", "-p", "userhash-ffi"];
    if profile == Profile::Release {
        build.push("--release");
    }
    status(&mut cmd("cargo", &build))?;
    let lib = target_dir().join(profile.dir()).join("libuserhash_ffi.so");
    let out = target_dir().join("kotlin");
    generate(&lib, &out.join("generated"))?;
    let native = out.join("native").join("linux-x86-64");
    fs::create_dir_all(&native).map_err(|e| format!("{}: {e}", native.display()))?;
    let to = native.join("libuserhash_ffi.so");
    let _ = fs::remove_file(&to);
    fs::copy(&lib, &to).map_err(|e| format!("copy {} to {}: {e}", lib.display(), to.display()))?;
    Ok(out)
}

/// Generates the Kotlin layer from `lib` into `generated` (made anew).
pub fn generate(lib: &Path, generated: &Path) -> Result<(), String> {
    status(&mut generate_command(lib, generated)?)
}

/// The command that generates the Kotlin layer from `lib` into `generated`
/// (removed first) with the crate's own `uniffi-bindgen`, which runs in the
/// dev profile (it only reads the library's metadata, whatever the
/// library's architecture).
pub fn generate_command(lib: &Path, generated: &Path) -> Result<Command, String> {
    if generated.exists() {
        fs::remove_dir_all(generated).map_err(|e| format!("{}: {e}", generated.display()))?;
    }
    Ok(cmd(
        "cargo",
        &[
            "run",
            "-q",
            "-p",
            "userhash-ffi",
            "--features",
            "bindgen",
            "--bin",
            "uniffi-bindgen",
            "--",
            "generate",
            "--no-format",
            "--language",
            "kotlin",
            "--out-dir",
            path_str(generated)?,
            path_str(lib)?,
        ],
    ))
}

/// The pom's version is the workspace's (Cargo.toml), so the JAR and the library inside agree.
pub fn check_version() -> Result<String, String> {
    let cargo = fs::read_to_string(root().join("Cargo.toml")).map_err(|e| e.to_string())?;
    let version = cargo
        .lines()
        .skip_while(|l| l.trim() != "[workspace.package]")
        .find_map(|l| l.trim().strip_prefix("version = \"")?.strip_suffix('"'))
        .ok_or("no version in [workspace.package] of Cargo.toml")?;
    let pom = fs::read_to_string(root().join("bindings/kotlin/pom.xml")).map_err(|e| e.to_string())?;
    let line = format!("<version>{version}</version>");
    let project_version = pom.lines().map(str::trim).find(|l| l.starts_with("<version>"));
    if project_version != Some(line.as_str()) {
        return Err(format!("bindings/kotlin/pom.xml's version is not Cargo.toml's ({version}); make them agree"));
    }
    for example in ["examples/kotlin/pom.xml", "bindings/kotlin/bench/pom.xml"] {
        let text = fs::read_to_string(root().join(example)).map_err(|e| e.to_string())?;
        if !text.contains(&format!("<userhash.version>{version}</userhash.version>")) {
            return Err(format!("{example} does not depend on userhash {version}"));
        }
    }
    Ok(version.to_owned())
}

/// `mvn -B` in `dir`. `cargo run` (so `cargo xtask`) puts target/debug on
/// LD_LIBRARY_PATH, where JNA would find a library before the JAR's own.
pub fn mvn(dir: &str, args: &[&str]) -> Command {
    let mut all = vec!["-B", "--no-transfer-progress", "-f", dir];
    all.extend_from_slice(args);
    let mut c = cmd("mvn", &all);
    c.env_remove("LD_LIBRARY_PATH");
    c
}

/// Adds up Surefire's XML reports in `dir`; a skipped test, or no test, is a failure.
fn surefire_counts(dir: &Path) -> Result<Counts, String> {
    let mut counts = Counts::default();
    let (mut tests, mut skipped) = (0u64, 0u64);
    let entries = fs::read_dir(dir).map_err(|e| format!("no Surefire reports in {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !(name.starts_with("TEST-") && name.ends_with(".xml")) {
            continue;
        }
        let xml = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let start = xml.find("<testsuite ").ok_or_else(|| format!("{name}: no <testsuite>"))?;
        let head = &xml[start..start + xml[start..].find('>').unwrap_or(0)];
        let attr = |key: &str| -> Result<u64, String> {
            let pattern = format!(" {key}=\"");
            let at = head.find(&pattern).ok_or_else(|| format!("{name}: no {key} attribute"))? + pattern.len();
            head[at..].split('"').next().unwrap_or("").parse().map_err(|e| format!("{name}: {key}: {e}"))
        };
        let (t, f, e, s) = (attr("tests")?, attr("failures")?, attr("errors")?, attr("skipped")?);
        tests += t;
        skipped += s;
        counts.failed += f + e;
        counts.passed += t - f - e - s;
    }
    println!("surefire ({}): {} passed, {} failed, {skipped} skipped", dir.display(), counts.passed, counts.failed);
    if tests == 0 {
        return Err(format!("Surefire ran no test in {}", dir.display()));
    }
    if skipped > 0 {
        return Err(format!("{skipped} test(s) skipped in {}; every test must run", dir.display()));
    }
    Ok(counts)
}

/// Runs a Maven build whose tests write Surefire reports into `reports`, and counts them.
pub fn maven_tests(mut c: Command, reports: &Path) -> Result<Counts, String> {
    // Reports of an earlier run must not count.
    if reports.exists() {
        fs::remove_dir_all(reports).map_err(|e| format!("{}: {e}", reports.display()))?;
    }
    let run = status(&mut c);
    let counts = surefire_counts(reports);
    run?;
    counts
}

fn add(total: &mut Counts, n: Counts) {
    total.passed += n.passed;
    total.failed += n.failed;
}

/// Suite `kotlin`.
pub fn suite() -> Result<Counts, String> {
    deps::ensure(KOTLIN_TOOLS)?;
    // RedisTest starts its own redis-server.
    deps::ensure(deps::REDIS_TOOLS)?;
    let version = check_version()?;
    let out = prepare(Profile::Debug)?;
    let define = format!("-Duserhash.target={}", path_str(&out)?);
    let mut total = Counts::default();

    let binding = root().join("bindings/kotlin");
    add(
        &mut total,
        maven_tests(mvn("bindings/kotlin", &[&define, "install"]), &binding.join("target/surefire-reports"))?,
    );

    known_answer(&binding, &out, &version)?;
    add(&mut total, Counts { passed: 1, failed: 0 });

    // The example is a user's project: the installed artifact, nothing from this tree.
    let example = root().join("examples/kotlin");
    add(&mut total, maven_tests(mvn("examples/kotlin", &["verify"]), &example.join("target/surefire-reports"))?);
    Ok(total)
}

/// A Java program with only the standalone JAR and JNA on its classpath (no
/// `-Djna.library.path`, no LD_LIBRARY_PATH) prints SPEC §1.1's known answer,
/// and JNA says it took the library from the JAR.
fn known_answer(binding: &Path, out: &Path, version: &str) -> Result<(), String> {
    let jar = binding.join(format!("target/userhash-{version}-standalone.jar"));
    let jna = jna_jar(&binding.join("target/runtime"))?;
    known_answer_with(&jar, &jna, &out.join("known-answer"))
}

/// The JNA jar Maven copied into `runtime` (the build folder's `runtime/`).
pub fn jna_jar(runtime: &Path) -> Result<PathBuf, String> {
    fs::read_dir(runtime)
        .map_err(|e| format!("no JNA jar copied into {}: {e}", runtime.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("jna-") && n.ends_with(".jar")))
        .ok_or_else(|| format!("no jna-*.jar in {}", runtime.display()))
}

/// KnownAnswer.java, compiled into `classes` and run with only the standalone
/// `jar` and `jna` on its classpath, prints SPEC §1.1's known answer with the
/// library JNA took from the JAR.
pub fn known_answer_with(jar: &Path, jna: &Path, classes: &Path) -> Result<(), String> {
    fs::create_dir_all(classes).map_err(|e| format!("{}: {e}", classes.display()))?;
    let (jar, jna, classes) = (path_str(jar)?, path_str(jna)?, path_str(classes)?);
    status(&mut cmd("javac", &["-d", classes, "-cp", jar, "bindings/kotlin/known-answer/KnownAnswer.java"]))?;
    let classpath = format!("{classes}:{jar}:{jna}");
    let mut run = cmd("java", &["-Djna.debug_load=true", "-cp", &classpath, "KnownAnswer"]);
    run.env_remove("LD_LIBRARY_PATH").current_dir(classes);
    println!("$ java -cp {classpath} KnownAnswer");
    let output = run.output().map_err(|e| format!("cannot run java: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    print!("{stdout}");
    let from_jar = stderr.lines().find(|l| l.contains("linux-x86-64/libuserhash_ffi.so") && l.contains("jar:"));
    if !output.status.success() || stdout.trim() != KNOWN_ANSWER {
        eprint!("{stderr}");
        return Err(format!("KnownAnswer printed {:?}, not SPEC §1.1's {KNOWN_ANSWER}", stdout.trim()));
    }
    match from_jar {
        Some(line) => println!("known-answer: ok ({})", line.trim()),
        None => {
            eprint!("{stderr}");
            return Err("JNA did not load libuserhash_ffi.so from the JAR".into());
        }
    }
    Ok(())
}

/// `cargo xtask install-kotlin`: a release build of the library in the JAR,
/// installed into the local Maven repository (tests skipped: the suite runs them).
pub fn install() -> Result<(), String> {
    deps::ensure(KOTLIN_TOOLS)?;
    check_version()?;
    let out = prepare(Profile::Release)?;
    let define = format!("-Duserhash.target={}", path_str(&out)?);
    status(&mut mvn("bindings/kotlin", &[&define, "-DskipTests", "install"]))
}

/// `cargo xtask bench-kotlin`: installs the release JAR, then runs the JMH
/// benchmarks of bindings/kotlin/bench against javax.crypto.Mac in one JVM.
pub fn bench(args: &[String]) -> Result<(), String> {
    install()?;
    status(&mut mvn("bindings/kotlin/bench", &["-q", "package"]))?;
    let jar = root().join("bindings/kotlin/bench/target/benchmarks.jar");
    let mut all = vec!["-jar".to_owned(), path_str(&jar)?.to_owned()];
    all.extend(args.iter().cloned());
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    let mut c = cmd("java", &all);
    c.env_remove("LD_LIBRARY_PATH");
    status(&mut c)
}
