//! A single server's synchronous checks, on a pool of idle connections
//! (the `redis` module's docs say why a pool of its own): each check takes
//! one, or opens one, and gives it back only after a complete answer.

use std::sync::{Mutex, MutexGuard};

use redis::{Client, Connection, RedisError, Value};

use super::check::{Check, Failure};
use super::wording::Phase;
use super::Shared;
use crate::error::Result;

/// Idle connections kept for reuse; a burst of more concurrent checks opens
/// extra ones and closes them afterwards.
const MAX_IDLE: usize = 64;

impl Shared {
    pub(super) fn lock_idle<'a>(&self, idle: &'a Mutex<Vec<Connection>>) -> MutexGuard<'a, Vec<Connection>> {
        // A Vec of connections is consistent whatever panicked while it was held.
        idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn connect(&self, client: &Client) -> Result<Connection> {
        let unavailable = |e: RedisError| self.unavailable(Phase::Connect, &e);
        let conn = client.get_connection_with_timeout(self.connect_timeout).map_err(unavailable)?;
        conn.set_read_timeout(Some(self.reply_timeout())).map_err(unavailable)?;
        conn.set_write_timeout(Some(self.command_timeout)).map_err(unavailable)?;
        Ok(conn)
    }

    /// Runs `check` on `conn`, in one write; keeps the connection only after
    /// every answer, the last being the token. A connection whose command
    /// failed may still receive that command's answer later, and one whose
    /// replies are not its commands' may hold more of them, so neither is
    /// ever asked anything again.
    fn run_on(&self, mut conn: Connection, check: &Check, idle: &Mutex<Vec<Connection>>) -> Result<bool, Failure> {
        conn.send_packed_command(&check.pipeline().get_packed_pipeline())?;
        let mut replies = Vec::with_capacity(check.reply_count());
        for _ in 0..check.reply_count() {
            replies.push(next_reply(&mut conn)?);
        }
        let result = check.read(replies);
        if result.as_ref().map_or_else(Failure::keeps_connection, |_| true) {
            let mut idle = self.lock_idle(idle);
            if idle.len() < MAX_IDLE {
                idle.push(conn);
            }
        }
        result
    }

    /// A synchronous check on a single server, on a pooled connection.
    pub(super) fn check_on_pool(&self, client: &Client, idle: &Mutex<Vec<Connection>>, check: &Check) -> Result<bool> {
        let pooled = self.lock_idle(idle).pop();
        if let Some(conn) = pooled {
            match self.run_on(conn, check, idle) {
                Ok(new) => return Ok(new),
                // An idle connection that Redis closed (it restarted, or
                // dropped idle clients): every idle one is suspect. Try once
                // more on a new connection. Safe: if the first SET did take
                // effect, the second finds the key and the request is refused
                // as a replay; it is never accepted twice.
                Err(Failure::Redis(e)) if e.is_connection_dropped() && !e.is_timeout() => self.lock_idle(idle).clear(),
                // Not after a stray reply either: the connection was alive and
                // the SET most likely ran, so a retry would find its key and
                // refuse a first use as Replayed. StoreUnavailable says what
                // happened; the next check takes another connection.
                Err(failure) => return Err(self.refused(failure)),
            }
        }
        let conn = self.connect(client)?;
        self.run_on(conn, check, idle).map_err(|failure| self.refused(failure))
    }
}

/// The next reply, past any RESP3 push message (which answers no command).
fn next_reply(conn: &mut Connection) -> Result<Value, RedisError> {
    loop {
        match conn.recv_response()? {
            Value::Push { .. } => continue,
            reply => return Ok(reply),
        }
    }
}
