//! The README's CLI examples run as written: the ```sh block of its "CLI"
//! section goes through bash with the built `userhash` first on PATH, and each
//! command's output and exit code must be the ones the block shows.
//!
//! The block's convention: a line that is not a comment is a command; the
//! `# ` lines under it are what it prints (stdout and stderr together,
//! compared with runs of white space folded, so a long line may be wrapped);
//! a `# (...)` line is a note, and `# (exit N...` says the exit code (0 when
//! no note says otherwise). `userhash demo` runs until stopped: its own tests
//! cover it, this one skips it.

// Test code: a panic is the failure report (clippy.toml allows unwrap in #[test] functions only).
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{assert_no_secret, Out};

#[derive(Debug)]
struct Example {
    command: String,
    output: Vec<String>,
    exit: i32,
}

/// The ```sh block that follows the README's `## CLI` heading.
fn cli_block(readme: &str) -> &str {
    let section = readme.split("\n## CLI\n").nth(1).expect("the README has a `## CLI` section");
    let section = section.split("\n## ").next().unwrap();
    let block = section.split("```sh\n").nth(1).expect("the CLI section has a ```sh block");
    block.split("\n```").next().unwrap()
}

fn examples(block: &str) -> Vec<Example> {
    let mut examples: Vec<Example> = Vec::new();
    for line in block.lines() {
        if line.trim().is_empty() {
            continue;
        }
        match line.strip_prefix('#') {
            Some(comment) => {
                let last = examples.last_mut().unwrap_or_else(|| panic!("output before any command: {line}"));
                let comment = comment.trim();
                if let Some(note) = comment.strip_prefix('(') {
                    if let Some(code) = note.strip_prefix("exit ") {
                        let digits: String = code.chars().take_while(char::is_ascii_digit).collect();
                        last.exit = digits.parse().unwrap_or_else(|_| panic!("bad exit note: {line}"));
                    }
                } else {
                    last.output.push(comment.to_owned());
                }
            }
            None => examples.push(Example { command: line.to_owned(), output: Vec::new(), exit: 0 }),
        }
    }
    examples
}

fn folded(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_readme_cli_examples_print_what_the_readme_shows() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let examples: Vec<Example> =
        examples(cli_block(&readme)).into_iter().filter(|e| !e.command.starts_with("userhash demo")).collect();

    // One example per command of SPEC §5.1 (the demo's is skipped above).
    for command in ["sign-identifier", "verify-identifier", "sign-identity", "widget-url", "verify-url", "diagnose"] {
        assert!(
            examples.iter().any(|e| e.command.starts_with(&format!("userhash {command} "))),
            "the README's CLI block has no example of {command}"
        );
    }

    // One bash run, so that `export` and `URL=` carry over; each command's
    // output and exit code go to files of its own.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("readme-cli");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut script = String::new();
    for (i, example) in examples.iter().enumerate() {
        script.push_str(&format!(
            "{{\n{}\n}} >'{}/{i}.out' 2>&1\necho $? >'{}/{i}.rc'\n",
            example.command,
            dir.display(),
            dir.display()
        ));
    }
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_userhash")).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let status = Command::new("bash")
        .args(["--noprofile", "--norc", "-c", &script])
        .env("PATH", path)
        .env("RUST_BACKTRACE", "0")
        .env_remove("USERHASH_SECRET")
        .env_remove("USERHASH_IDENTIFIER_SECRET")
        .stdin(Stdio::null())
        .status()
        .expect("bash runs");
    assert!(status.success(), "the script itself failed: {status}");

    for (i, example) in examples.iter().enumerate() {
        let printed = std::fs::read_to_string(dir.join(format!("{i}.out"))).unwrap();
        let code: i32 = std::fs::read_to_string(dir.join(format!("{i}.rc"))).unwrap().trim().parse().unwrap();
        assert_eq!(
            folded(&printed),
            folded(&example.output.join("\n")),
            "README: `{}` prints something else than the README shows",
            example.command
        );
        assert_eq!(code, example.exit, "README: `{}` exits {code}: {printed}", example.command);
        // Neither of the block's secrets shows in what it prints.
        let out = Out { code, stdout: printed, stderr: String::new() };
        assert_no_secret(&out, &[common::SECRET.to_owned(), "<widget-hmac-token>".to_owned()]);
    }
}

#[test]
fn the_block_parser_reads_outputs_notes_and_exit_codes() {
    let got =
        examples("export A=1\nuserhash x   # note\n# out 1\n# out 2\n# (exit 1; why)\n\nuserhash y\n# (a note)\n");
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!((got[0].output.len(), got[0].exit), (0, 0));
    assert_eq!((got[1].output.clone(), got[1].exit), (vec!["out 1".to_owned(), "out 2".to_owned()], 1));
    assert_eq!((got[2].output.len(), got[2].exit), (0, 0));
}
