//! Threads released at once on the same call, for the tests that race one
//! nonce (`#[path]` includes this file).

// Test code: a panic is the failure report (clippy.toml allows unwrap in #[test] functions only).
#![allow(clippy::unwrap_used)]

use std::sync::Barrier;
use std::thread;

/// Runs `call` on `threads` threads that all start together, and returns
/// every result.
pub fn race<T: Send>(threads: usize, call: impl Fn() -> T + Sync) -> Vec<T> {
    let barrier = Barrier::new(threads);
    thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    call()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}
