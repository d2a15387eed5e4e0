//! The Redis store's async side: the store's own runtime, the one shared
//! connection of each kind (multiplexed to a single server, or the cluster
//! client), and a check on it. Cluster checks come here from the
//! synchronous API too (see the `redis` module's docs for why).

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use redis::aio::ConnectionLike;
use redis::{AsyncConnectionConfig, RedisError, RedisResult};

use super::check::{Check, Failure};
use super::wording::Phase;
use super::{Shared, Topology};
use crate::error::Result;

/// One tokio worker thread (and timers, sockets) for the store's async
/// connections. Dropped with the store, without waiting for its tasks, so a
/// store may be dropped anywhere, on an async runtime too.
pub(super) struct OwnRuntime(Option<tokio::runtime::Runtime>);

impl OwnRuntime {
    pub(super) fn start() -> std::result::Result<Self, String> {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(1)
            .thread_name("userhash-redis")
            .enable_all()
            .build()
            .map(|runtime| OwnRuntime(Some(runtime)))
            .map_err(|e| e.to_string())
    }

    fn handle(&self) -> &tokio::runtime::Handle {
        self.0.as_ref().expect("taken only on drop").handle()
    }

    /// Runs `task` on this runtime and waits for it on this thread: what a
    /// synchronous caller does, on an async runtime or not.
    pub(super) fn block_on<T: Send + 'static>(
        &self,
        shared: &Shared,
        task: impl Future<Output = Result<T>> + Send + 'static,
    ) -> Result<T> {
        let (answer, answered) = std::sync::mpsc::sync_channel(1);
        self.handle().spawn(async move {
            let _ = answer.send(task.await);
        });
        answered.recv().unwrap_or_else(|_| Err(stopped(shared)))
    }

    /// Runs `task` on this runtime and awaits it: the caller's executor need
    /// not be tokio. A task that panicked panics here, as a synchronous store
    /// would have.
    #[cfg(feature = "async")]
    pub(super) async fn run<T: Send + 'static>(
        &self,
        shared: &Shared,
        task: impl Future<Output = Result<T>> + Send + 'static,
    ) -> Result<T> {
        match self.handle().spawn(task).await {
            Ok(answer) => answer,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Err(stopped(shared)),
        }
    }
}

impl Drop for OwnRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

fn stopped(shared: &Shared) -> crate::Error {
    shared.unavailable_because("the store's I/O thread stopped before Redis answered".to_owned())
}

/// One connection shared by every check, made by the first that needs it
/// and replaced after a failure that leaves it unusable. Each connection
/// made gets a number, so that a check drops the one it failed on, not a
/// newer one another check already made.
pub(super) struct AsyncSlot<C> {
    slot: tokio::sync::Mutex<Option<(u64, C)>>,
    made: AtomicU64,
}

impl<C> Default for AsyncSlot<C> {
    fn default() -> Self {
        AsyncSlot { slot: tokio::sync::Mutex::new(None), made: AtomicU64::new(0) }
    }
}

/// A connection out of an [`AsyncSlot`].
struct Taken<C> {
    id: u64,
    conn: C,
    /// Made for this check, not reused.
    fresh: bool,
}

impl<C: Clone> AsyncSlot<C> {
    /// The shared connection, made now if there is none (checks that come
    /// meanwhile wait for it rather than each making one).
    async fn take<F, Fut>(&self, connect: F) -> RedisResult<Taken<C>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = RedisResult<C>>,
    {
        let mut slot = self.slot.lock().await;
        if let Some((id, conn)) = &*slot {
            return Ok(Taken { id: *id, conn: conn.clone(), fresh: false });
        }
        let conn = connect().await?;
        let id = self.made.fetch_add(1, Ordering::Relaxed);
        *slot = Some((id, conn.clone()));
        Ok(Taken { id, conn, fresh: true })
    }

    /// Forgets connection `id`, if it is still the shared one; it closes once
    /// the checks still holding it are done.
    async fn drop_connection(&self, id: u64) {
        let mut slot = self.slot.lock().await;
        if slot.as_ref().is_some_and(|(current, _)| *current == id) {
            *slot = None;
        }
    }
}

impl Shared {
    /// `check` on the shared async connection of this store's topology.
    /// Bounded as a whole too (connect, then one reply per attempt), should
    /// a client's own timeouts not cover a path.
    pub(super) async fn check_async(self: Arc<Self>, check: Check) -> Result<bool> {
        let limit = self.connect_timeout + self.reply_timeout() * 2;
        match tokio::time::timeout(limit, self.check_on_shared_connection(&check)).await {
            Ok(answer) => answer,
            Err(_) => Err(self.unavailable_because(format!(
                "Redis did not answer within {} ms (connect and command timeouts together)",
                limit.as_millis()
            ))),
        }
    }

    async fn check_on_shared_connection(&self, check: &Check) -> Result<bool> {
        let pipeline = check.pipeline();
        match &self.topology {
            Topology::Single { client, multiplexed, .. } => {
                let config = AsyncConnectionConfig::new()
                    .set_connection_timeout(Some(self.connect_timeout))
                    .set_response_timeout(Some(self.reply_timeout()));
                loop {
                    let taken = multiplexed
                        .take(|| client.get_multiplexed_async_connection_with_config(&config))
                        .await
                        .map_err(|e| self.unavailable(Phase::Connect, &e))?;
                    let Taken { id, mut conn, fresh } = taken;
                    let answer = match conn.req_packed_commands(&pipeline, 0, check.reply_count()).await {
                        Ok(replies) => check.read(replies),
                        Err(e) => Err(Failure::Redis(e)),
                    };
                    match answer {
                        Ok(new) => return Ok(new),
                        Err(failure) => {
                            if !failure.keeps_connection() {
                                multiplexed.drop_connection(id).await;
                            }
                            // As on a pooled connection: one more try on a new
                            // connection when a reused one was found closed
                            // (never accepted twice: a SET that ran makes the
                            // retry's answer Replayed).
                            if !fresh && matches!(&failure, Failure::Redis(e) if is_closed(e)) {
                                continue;
                            }
                            return Err(self.refused(failure));
                        }
                    }
                }
            }
            Topology::Cluster { client, connection } => {
                let Taken { id, mut conn, .. } = connection
                    .take(|| client.get_async_connection())
                    .await
                    .map_err(|e| self.unavailable(Phase::Connect, &e))?;
                // Redirections, reconnections and a slot's new master after
                // a failover are the cluster client's to follow, within the
                // command timeout; what it gives up on is refused here.
                let answer = match conn.req_packed_commands(&pipeline, 0, check.reply_count()).await {
                    Ok(replies) => check.read(replies),
                    Err(e) => Err(Failure::Redis(e)),
                };
                match answer {
                    Ok(new) => Ok(new),
                    Err(failure) => {
                        // A stray reply: the cluster client cannot say which
                        // node's connection it came on, so all of them go.
                        // Other failures are the client's to heal.
                        if matches!(failure, Failure::StrayReply { .. }) {
                            connection.drop_connection(id).await;
                        }
                        Err(self.refused(failure))
                    }
                }
            }
        }
    }
}

fn is_closed(e: &RedisError) -> bool {
    e.is_connection_dropped() && !e.is_timeout()
}

#[cfg(feature = "async")]
impl crate::nonce::AsyncNonceStore for super::RedisNonceStore {
    fn check_and_insert_async<'a>(
        &'a self,
        org_id: &'a str,
        nonce: &'a str,
        expires_at_ms: u64,
        now_ms: u64,
    ) -> crate::nonce::BoxFuture<'a, Result<bool>> {
        let check = self.shared().check(org_id, nonce, expires_at_ms, now_ms);
        Box::pin(async move {
            let shared = self.shared().clone();
            self.runtime()?.run(self.shared(), async move { shared.check_async(check).await }).await
        })
    }
}
