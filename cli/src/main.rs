//! The `userhash` binary: everything is in the library (`lib.rs`).

fn main() -> std::process::ExitCode {
    userhash_cli::main()
}
