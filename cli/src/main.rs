//! The `userhash` binary: the library (`lib.rs`) does everything but look
//! at fd 1 before Rust's runtime starts.
//!
//! The runtime reopens a closed stdin, stdout or stderr on /dev/null before
//! `main`, so from `main` on, `userhash ... >&-` looks like `>/dev/null` and
//! would exit 0 having printed nothing. A function in `.init_array` (the
//! loader runs it before the runtime's own start-up) records what fd 1 was.

use std::sync::atomic::{AtomicI32, Ordering};

/// `output::stdout_state()` at start-up; `NOT_PROBED` where no probe runs.
static STDOUT_AT_START: AtomicI32 = AtomicI32::new(NOT_PROBED);
const NOT_PROBED: i32 = i32::MIN;

extern "C" fn probe_stdout() {
    STDOUT_AT_START.store(userhash_cli::output::stdout_state(), Ordering::Relaxed);
}

#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd"
))]
#[used]
#[unsafe(link_section = ".init_array")]
static PROBE_STDOUT: extern "C" fn() = probe_stdout;

#[cfg(target_vendor = "apple")]
#[used]
#[unsafe(link_section = "__DATA,__mod_init_func")]
static PROBE_STDOUT: extern "C" fn() = probe_stdout;

fn main() -> std::process::ExitCode {
    let at_start = match STDOUT_AT_START.load(Ordering::Relaxed) {
        NOT_PROBED => None,
        state => Some(state),
    };
    userhash_cli::main(at_start)
}
