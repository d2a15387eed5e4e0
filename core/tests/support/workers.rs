//! What the verifier processes of the multi-process tests printed, tallied
//! (`#[path]` includes this file). Each worker prints `RESULT <i> accepted`
//! or `RESULT <i> Replayed` for every URL it verified.

// Test code: a panic is the failure report (clippy.toml allows unwrap in #[test] functions only).
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::process::Child;

/// Waits for every worker; each must exit 0 having verified all `urls`
/// URLs, each `accepted` or `Replayed`. Returns the workers that accepted
/// each URL, and how many `Replayed` there were in all.
pub fn tally(children: Vec<Child>, urls: usize) -> (HashMap<usize, Vec<usize>>, usize) {
    let mut accepted_by: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut replayed = 0;
    for (worker, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "worker {worker}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
        let results: Vec<(usize, &str)> = stdout
            .lines()
            // libtest's `test four_processes_... ... ` has no newline before the first one.
            .filter_map(|l| l.split_once("RESULT ").map(|(_, result)| result))
            .map(|l| {
                let (i, what) = l.split_once(' ').unwrap();
                (i.parse().unwrap(), what)
            })
            .collect();
        assert_eq!(results.len(), urls, "worker {worker} verified every URL: {stdout}");
        for (i, what) in results {
            match what {
                "accepted" => accepted_by.entry(i).or_default().push(worker),
                "Replayed" => replayed += 1,
                other => panic!("worker {worker}, URL {i}: {other}"),
            }
        }
    }
    (accepted_by, replayed)
}
