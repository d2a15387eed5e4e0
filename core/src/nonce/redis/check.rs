//! One check's commands and how their replies are read, the same for every
//! connection kind (a pooled connection, a multiplexed one, a cluster).
//!
//! The commands go in one write, to the master of the key's slot:
//! `SET <key> 1 NX PX <ttl>`, then `WAIT <replicas> <timeout>` when the store
//! asks for replicas, then `ECHO <token>` with a token no other check uses.
//! Only `SET` names a key, so a cluster routes the three together and no
//! command crosses slots. The token's echo, last, proves that the replies
//! before it are this check's own (see the `redis` module's docs).

use std::time::Duration;

use redis::{RedisError, Value};

/// The replicas a check waits for, and how long.
#[derive(Clone, Copy, Debug)]
pub(super) struct Wait {
    pub replicas: u32,
    pub timeout: Duration,
}

pub(super) struct Check {
    pub key: String,
    pub ttl_ms: u64,
    pub token: String,
    pub wait: Option<Wait>,
}

/// Why a check failed. The connection it failed on is not asked anything
/// again unless the failure is Redis refusing a command (`ServerError`).
#[derive(Debug)]
pub(super) enum Failure {
    Redis(RedisError),
    /// Redis refused the `SET` or the `WAIT` with an error, and the token's
    /// echo proved that the replies are this check's: the connection is in
    /// step and may carry further checks.
    Refused(RedisError),
    /// The reply where the ECHO's was due is not this check's token: the
    /// replies on the connection do not answer its commands, so the one
    /// taken for the SET's may not be the SET's either.
    StrayReply {
        in_place_of_echo: String,
    },
    /// `SET` stored the nonce but `WAIT` counted fewer replicas than asked
    /// for within its timeout.
    NotReplicated {
        reached: i64,
        wanted: u32,
        timeout: Duration,
    },
}

impl From<RedisError> for Failure {
    fn from(e: RedisError) -> Self {
        Failure::Redis(e)
    }
}

impl Failure {
    /// Whether the connection may carry further checks: only when every
    /// reply came and the token proved them this check's (Redis refused a
    /// command, or WAIT fell short).
    pub fn keeps_connection(&self) -> bool {
        matches!(self, Failure::Refused(_) | Failure::NotReplicated { .. })
    }
}

impl Check {
    pub fn new(key: String, ttl_ms: u64, token: String, wait: Option<Wait>) -> Self {
        Check { key, ttl_ms, token, wait }
    }

    /// `SET NX PX`, `WAIT` if asked for, `ECHO`, as one pipeline (not a
    /// transaction: WAIT is refused inside MULTI).
    pub fn pipeline(&self) -> redis::Pipeline {
        let mut pipe = redis::pipe();
        pipe.cmd("SET").arg(&self.key).arg(1).arg("NX").arg("PX").arg(self.ttl_ms);
        if let Some(wait) = self.wait {
            pipe.cmd("WAIT").arg(wait.replicas).arg(u64::try_from(wait.timeout.as_millis()).unwrap_or(u64::MAX).max(1));
        }
        pipe.cmd("ECHO").arg(&self.token);
        pipe
    }

    /// How many replies the pipeline gets.
    pub fn reply_count(&self) -> usize {
        if self.wait.is_some() {
            3
        } else {
            2
        }
    }

    /// `Ok(true)`: stored now; `Ok(false)`: it was there (a replay). The ECHO
    /// is read first: unless it is this check's token, no other reply counts.
    pub fn read(&self, mut replies: Vec<Value>) -> Result<bool, Failure> {
        if replies.len() != self.reply_count() {
            let got = format!("{} replies for {} commands", replies.len(), self.reply_count());
            return Err(Failure::StrayReply { in_place_of_echo: got });
        }
        match replies.pop().expect("counted") {
            Value::BulkString(echoed) if echoed == self.token.as_bytes() => {}
            // ECHO refused (no password, an ACL user without ECHO): refused
            // with what Redis said, whatever the SET's reply was.
            Value::ServerError(e) => return Err(Failure::Redis(e.into())),
            other => return Err(Failure::StrayReply { in_place_of_echo: short_debug(&other) }),
        }
        let waited = if self.wait.is_some() { replies.pop() } else { None };
        let new = match replies.pop().expect("counted") {
            Value::Okay => true,
            Value::SimpleString(ref s) if s == "OK" => true,
            Value::Nil => false,
            Value::ServerError(e) => return Err(Failure::Refused(e.into())),
            other => {
                let detail = format!("SET NX answered {}, not OK or nil", short_debug(&other));
                return Err(Failure::Redis(
                    (redis::ErrorKind::UnexpectedReturnType, "unexpected reply", detail).into(),
                ));
            }
        };
        // A replay is refused whatever WAIT says: the key was there before.
        if let (true, Some(wait), Some(waited)) = (new, self.wait, waited) {
            match waited {
                Value::Int(reached) if reached >= i64::from(wait.replicas) => {}
                Value::Int(reached) => {
                    return Err(Failure::NotReplicated { reached, wanted: wait.replicas, timeout: wait.timeout })
                }
                Value::ServerError(e) => return Err(Failure::Refused(e.into())),
                other => {
                    let detail = format!("WAIT answered {}, not a count of replicas", short_debug(&other));
                    return Err(Failure::Redis(
                        (redis::ErrorKind::UnexpectedReturnType, "unexpected reply", detail).into(),
                    ));
                }
            }
        }
        Ok(new)
    }
}

/// A reply for a message, cut short: a server may send anything.
pub(super) fn short_debug(reply: &Value) -> String {
    const MAX_CHARS: usize = 80;
    let text = format!("{reply:?}");
    match text.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text,
    }
}
