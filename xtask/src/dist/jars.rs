//! The JARs as a user gets them: the Kotlin suite against the JAR alone,
//! the known answer from Java with the standalone JAR, and the README's
//! `mvn install:install-file`.

use std::fs;

use super::{work_dir, Dist};
use crate::deps;
use crate::files::{fresh_dir, io};
use crate::kotlin;
use crate::run::{cmd, path_str, status, Counts};

/// The Kotlin suite against the JAR in target/dist, the known answer from
/// Java with the standalone JAR, and the README's install-file.
pub(super) fn jar_tests(dist: &Dist) -> Result<Counts, String> {
    deps::ensure(kotlin::KOTLIN_TOOLS)?;
    let dir = work_dir().join("test-jar");
    fresh_dir(&dir)?;
    let build = dir.join("build");
    let empty = dir.join("empty");
    io(&empty, fs::create_dir_all(&empty))?;
    let defines = [
        format!("-Duserhash.testJar={}", path_str(&dist.jar)?),
        format!("-Duserhash.build={}", path_str(&build)?),
        format!("-Duserhash.target={}", path_str(&empty)?),
    ];
    let mut args: Vec<&str> = defines.iter().map(String::as_str).collect();
    args.push("test");
    let mut counts = kotlin::maven_tests(kotlin::mvn("bindings/kotlin", &args), &build.join("surefire-reports"))?;
    // Nothing of src/main was compiled or copied: the classes and the library came from the JAR.
    let classes = build.join("classes");
    let own = fs::read_dir(&classes).map(|d| d.count()).unwrap_or(0);
    if own != 0 {
        return Err(format!("{} holds {own} entries; the tests must take everything from the JAR", classes.display()));
    }
    counts.passed += 1;

    let jna = kotlin::jna_jar(&dist.jar_build.join("runtime"))?;
    kotlin::known_answer_with(&dist.standalone_jar, &jna, &dir.join("known-answer"))?;
    counts.passed += 1;

    // The README's command for Maven users, into a repository of its own.
    let repo = dir.join("m2");
    let mut install = cmd(
        "mvn",
        &[
            "-B",
            "--no-transfer-progress",
            "install:install-file",
            &format!("-Dfile={}", path_str(&dist.jar)?),
            &format!("-DpomFile={}", path_str(&dist.pom)?),
            &format!("-DlocalRepositoryPath={}", path_str(&repo)?),
        ],
    );
    install.current_dir(&empty);
    status(&mut install)?;
    let installed = repo.join(format!("dev/userhash/userhash/{0}/userhash-{0}.jar", dist.version));
    if fs::read(&installed).ok() != fs::read(&dist.jar).ok() {
        return Err(format!("install-file did not put the JAR at {}", installed.display()));
    }
    counts.passed += 1;
    println!("dist-jar: {} passed, {} failed", counts.passed, counts.failed);
    Ok(counts)
}
