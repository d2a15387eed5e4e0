//! The nonce store a verifying command's flags describe: its own memory
//! store, or Redis (one server or a cluster, TLS, an ACL user, replicas),
//! with the password from the environment, never from the command line.

use std::sync::Arc;
use std::time::Duration;

use userhash::{RedisNonceStore, RedisOptions, Verifier};

use crate::args::StoreArgs;
use crate::output::Failure;

impl StoreArgs {
    /// The verifier with its store: its own memory store, or Redis.
    pub(crate) fn apply(&self, verifier: Verifier) -> Result<Verifier, Failure> {
        Ok(match self.store()? {
            Some(store) => verifier.with_nonce_store(store),
            None => verifier,
        })
    }

    /// The Redis nonce store the flags describe, if any.
    pub(crate) fn store(&self) -> Result<Option<Arc<dyn userhash::NonceStore>>, Failure> {
        if self.redis.is_empty() {
            return Ok(None);
        }
        if self.redis.iter().any(|url| RedisNonceStore::url_has_password(url)) {
            return Err(Failure::usage(
                "--redis: a password in the URL is refused (argv shows in `ps` and shell history); \
                 give the URL without it and set USERHASH_REDIS_PASSWORD",
            ));
        }
        if self.redis.len() > 1 && !self.redis_cluster {
            return Err(Failure::usage(
                "--redis is given more than once: several URLs are the nodes of one Redis Cluster, so add \
                 --redis-cluster (or give one URL)",
            ));
        }
        let mut options = RedisOptions::default();
        if let Some(password) = std::env::var_os(REDIS_PASSWORD_ENV) {
            let password = password
                .into_string()
                .map_err(|_| Failure::usage(format!("{REDIS_PASSWORD_ENV} is not valid UTF-8")))?;
            options = options.password(password);
        }
        if let Some(user) = &self.redis_user {
            if std::env::var_os(REDIS_PASSWORD_ENV).is_none() {
                return Err(Failure::usage(format!(
                    "--redis-user {user} needs its password in {REDIS_PASSWORD_ENV} (Redis logs a user in only \
                     with a password)"
                )));
            }
            options = options.username(user);
        }
        if let Some(file) = &self.redis_ca_file {
            options = options.ca_file(file);
        }
        if let Some(replicas) = self.redis_wait_replicas {
            let timeout =
                self.redis_wait_timeout_ms.map_or(userhash::nonce::DEFAULT_WAIT_TIMEOUT, Duration::from_millis);
            options = options.wait_for_replicas(replicas, timeout);
        }
        let store = if self.redis_cluster {
            RedisNonceStore::cluster(&self.redis, options)
        } else {
            RedisNonceStore::with_options(&self.redis[0], options)
        };
        Ok(Some(Arc::new(store.map_err(Failure::input)?)))
    }
}

const REDIS_PASSWORD_ENV: &str = "USERHASH_REDIS_PASSWORD";

#[cfg(test)]
mod tests {
    #[test]
    fn a_password_in_a_redis_url_is_seen() {
        let has_password = userhash::RedisNonceStore::url_has_password;
        for url in [
            "redis://:pw@h",
            "redis://user:pw@h:6379/0",
            "redis://u:p%40ss@h",
            "redis://u:p@ss@h",
            "redis+unix:///tmp/r.sock?pass=pw",
            "unix:///tmp/r.sock?user=u&pass=pw",
        ] {
            assert!(has_password(url), "{url}");
        }
        for url in ["redis://h", "redis://user@h", "redis://h/0?x=a:b@c", "redis+unix:///tmp/r.sock", "redis://:@h"] {
            assert!(!has_password(url), "{url}");
        }
    }
}
