//! Suite `dist`: the artifacts made, then tested as a user gets them; one
//! failing part does not stop the others.

use std::time::Instant;

use super::arm64::arm64_root;
use super::build::build;
use super::c_archives::{c_aarch64, c_x86_64};
use super::jars::jar_tests;
use super::libraries::libraries;
use super::swift_archives::{swift_libraries, swift_x86_64};
use super::toolchain::tools;
use super::wheels::{python_aarch64, python_x86_64, sdist_contents};
use crate::deps::{self, Tool};
use crate::run::{cmd, status, Counts};

/// What the suite needs besides the build's tools.
const TEST_TOOLS: &[Tool] = &[
    Tool { program: "readelf", package: "binutils" },
    Tool { program: "qemu-aarch64-static", package: "qemu-user-static" },
    Tool { program: "aarch64-linux-gnu-gcc", package: "gcc-aarch64-linux-gnu" },
    Tool { program: "apt-get", package: "apt" },
    Tool { program: "dpkg-deb", package: "dpkg" },
];

/// Collects the results of the suite's parts; one failing part does not stop the others.
#[derive(Default)]
struct Results {
    counts: Counts,
    errors: Vec<String>,
}

impl Results {
    fn take(&mut self, what: &str, r: Result<Counts, String>) {
        match r {
            Ok(n) => self.counts += n,
            Err(e) => {
                println!("dist: FAILED {what}: {e}");
                self.errors.push(format!("{what}: {e}"));
            }
        }
    }
}

/// Suite `dist`.
pub fn suite() -> Result<Counts, String> {
    deps::ensure(deps::C_TOOLS)?;
    deps::ensure(TEST_TOOLS)?;
    // The cross compiler's C library headers (only recommended by its package).
    deps::ensure_probe(&["test", "-f", "/usr/aarch64-linux-gnu/include/stdio.h"], "libc6-dev-arm64-cross")?;
    deps::ensure(deps::REDIS_TOOLS)?;
    let start = Instant::now();
    let dist = build()?;
    println!("dist: the artifacts took {:.0} s", start.elapsed().as_secs_f64());
    let tools = tools()?;
    let mut results = Results::default();

    let mut sha = cmd("sha256sum", &["--check", "--strict", "SHA256SUMS"]);
    sha.current_dir(&dist.dir);
    results.take("SHA256SUMS", status(&mut sha).map(|()| Counts::ONE));
    results.take("libraries", libraries(&tools, &dist));
    results.take("sdist", sdist_contents(&tools, &dist));

    let step = Instant::now();
    results.take("x86_64 wheel", python_x86_64(&dist));
    println!("dist: the x86_64 wheel's tests took {:.0} s", step.elapsed().as_secs_f64());
    results.take("x86_64 C archive", c_x86_64(&dist));

    let step = Instant::now();
    match arm64_root() {
        Ok(sysroot) => {
            results.take("aarch64 C archive", c_aarch64(&tools, &dist, &sysroot));
            println!("dist: the aarch64 C tests took {:.0} s", step.elapsed().as_secs_f64());
            let step = Instant::now();
            results.take("aarch64 wheel", python_aarch64(&tools, &dist, &sysroot));
            println!("dist: the aarch64 wheel's tests took {:.0} s", step.elapsed().as_secs_f64());
        }
        Err(e) => results.take("arm64 sysroot", Err(e)),
    }

    results.take("Swift libraries", swift_libraries(&dist));
    let step = Instant::now();
    results.take("x86_64 Swift archive", swift_x86_64(&dist));
    println!("dist: the Swift archive's tests took {:.0} s", step.elapsed().as_secs_f64());

    let step = Instant::now();
    results.take("JAR", jar_tests(&dist));
    println!("dist: the JAR's tests took {:.0} s", step.elapsed().as_secs_f64());
    println!("dist: {:.0} s in all", start.elapsed().as_secs_f64());

    if results.errors.is_empty() {
        Ok(results.counts)
    } else {
        Err(results.errors.join("; "))
    }
}
