//! What a refusal says: a check that Redis did not answer, or answered
//! out of turn (`StoreUnavailable`), and a configuration that cannot work
//! (`Malformed(nonce_store)`), each naming its cause in words (TLS, refused,
//! timed out, permissions, authentication) and never a password.

use std::fmt;

use redis::RedisError;

use super::check::Failure;
use super::Shared;
use crate::error::{Error, Field};

#[derive(Clone, Copy)]
pub(super) enum Phase {
    Connect,
    Command,
}

impl Shared {
    /// `StoreUnavailable` for a check that failed on its connection.
    pub(super) fn refused(&self, failure: Failure) -> Error {
        let server = &self.server;
        match failure {
            Failure::Redis(e) | Failure::Refused(e) => self.unavailable(Phase::Command, &e),
            Failure::StrayReply { in_place_of_echo } => self.unavailable_because(format!(
                "Redis at {server} sent a reply that matches no command ({in_place_of_echo} where this check's \
                 ECHO answer was due): the connection was closed and the request refused, not retried, since its \
                 SET may have run. If this repeats, find what answers out of turn at {server} (a proxy in \
                 between, or a server that is not Redis)"
            )),
            Failure::NotReplicated { reached, wanted, timeout } => self.unavailable_because(format!(
                "Redis at {server} stored the nonce, but WAIT counted {reached} of the {wanted} replicas asked for \
                 within {} ms, so a failover now could forget it and accept the URL again. The request was \
                 refused (a retry of this URL is Replayed while that master lives). Check the replicas' health \
                 and lag, or lower the replicas asked for",
                timeout.as_millis()
            )),
        }
    }

    /// `StoreUnavailable` with the cause in words, and never the password.
    pub(super) fn unavailable(&self, phase: Phase, e: &RedisError) -> Error {
        let server = &self.server;
        let reason = if let Some(tls) = tls_failure(e) {
            format!("TLS with Redis at {server} failed: {tls}")
        } else if e.is_connection_refusal() {
            format!("connection refused by Redis at {server}; is it running?")
        } else if e.is_timeout() {
            match phase {
                Phase::Connect => format!(
                    "timed out connecting to Redis at {server}, after the {} ms connect timeout",
                    self.connect_timeout.as_millis()
                ),
                Phase::Command => format!(
                    "timed out waiting for Redis at {server} to answer, after the {} ms command timeout",
                    self.reply_timeout().as_millis()
                ),
            }
        } else if e.code() == Some("NOPERM") {
            let wait = if self.wait.is_some() { " +wait" } else { "" };
            format!(
                "the Redis user may not run a command of this store at {server} ({e}); give it SET and ECHO{} on \
                 the store's keys (and SELECT if the URL names a database), for example ACL SETUSER <user> \
                 +set +echo{wait} ~{}:*",
                if wait.is_empty() { "" } else { " and WAIT" },
                self.prefix
            )
        } else if is_auth_error(e) {
            let said = e.code().map(|code| format!(", Redis said {code}")).unwrap_or_default();
            format!(
                "authentication to Redis at {server} failed{said}; check the user and password (in the Redis URL \
                 or the store's options)"
            )
        } else if e.code() == Some("CLUSTERDOWN") {
            format!("{server} has a slot with no master ({e}); checks on it are refused until a replica takes over")
        } else if e.is_connection_dropped() {
            format!("the connection to Redis at {server} was closed ({e})")
        } else {
            format!("Redis at {server}: {e}")
        };
        self.unavailable_because(reason)
    }

    pub(super) fn unavailable_because(&self, reason: String) -> Error {
        Error::StoreUnavailable { reason: self.scrub(reason) }
    }

    /// Belt and braces: no message may show the password, whatever a server
    /// or library error says.
    fn scrub(&self, text: String) -> String {
        match &self.password {
            Some(password) if text.contains(password.as_str()) => text.replace(password.as_str(), "<redacted>"),
            _ => text,
        }
    }
}

pub(super) fn malformed(reason: impl Into<String>) -> Error {
    Error::Malformed { field: Field::NonceStore, reason: reason.into() }
}

/// The URL may carry a password: no message repeats it.
pub(super) fn not_valid(e: RedisError, url: &str) -> Error {
    malformed(format!(
        "the Redis URL is not valid ({}); write it as redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss://... for \
         TLS, or redis+unix:///PATH",
        without_credentials(e.to_string(), url, e.category())
    ))
}

/// `message`, unless it repeats a part of the URL's `user:password@`: then
/// `fallback`. Used before the URL is parsed, when the password is not known.
fn without_credentials(message: String, url: &str, fallback: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?', '#']).next().unwrap_or("");
    let userinfo = authority.rsplit_once('@').map_or("", |(userinfo, _)| userinfo);
    if userinfo.split(':').any(|part| !part.is_empty() && message.contains(part)) {
        fallback.to_owned()
    } else {
        message
    }
}

fn is_auth_error(e: &RedisError) -> bool {
    e.kind() == redis::ErrorKind::AuthenticationFailed
        || matches!(e.code(), Some("NOAUTH" | "WRONGPASS"))
        || e.detail().is_some_and(|d| d.contains("AUTH"))
}

/// What went wrong in TLS, in words, if `e` is a TLS failure: rustls's
/// error where the redis crate kept it, else its text (the cluster client
/// passes some errors on as text).
fn tls_failure(e: &RedisError) -> Option<String> {
    use rustls::{CertificateError, Error as Tls};
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut found = None;
    while let Some(err) = source {
        if let Some(tls) = err.downcast_ref::<Tls>() {
            found = Some(tls.clone());
            break;
        }
        if let Some(tls) = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<Tls>())
        {
            found = Some(tls.clone());
            break;
        }
        source = err.source();
    }
    let text = e.to_string();
    let certificate = |c: &CertificateError| match c {
        CertificateError::UnknownIssuer => Some(unknown_ca()),
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => Some(name_mismatch(c)),
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            Some(format!("the server's certificate has expired ({c})"))
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            Some(format!("the server's certificate is not valid yet ({c}); check the clocks"))
        }
        _ => Some(format!("the server's certificate was refused ({c})")),
    };
    match found {
        Some(Tls::InvalidCertificate(c)) => certificate(&c),
        Some(Tls::AlertReceived(alert)) => Some(handshake_refused(&format!("{alert:?}"))),
        Some(
            not_tls @ (Tls::InvalidMessage(_)
            | Tls::InappropriateMessage { .. }
            | Tls::InappropriateHandshakeMessage { .. }),
        ) => Some(format!("the server did not answer in TLS ({not_tls}); is this a plain-text Redis port?")),
        Some(other) => Some(format!("{other}")),
        None if text.contains("UnknownIssuer") => Some(unknown_ca()),
        None if text.contains("NotValidForName") || text.contains("not valid for name") => Some(name_mismatch(&text)),
        None if text.contains("received fatal alert") || text.contains("AlertReceived") => {
            Some(handshake_refused(&text))
        }
        None if text.contains("InvalidContentType") || text.contains("corrupt message") => {
            Some(format!("the server did not answer in TLS ({text}); is this a plain-text Redis port?"))
        }
        None => None,
    }
}

fn unknown_ca() -> String {
    "the server's certificate is not signed by a CA this client trusts (unknown CA); give the CA that signed it \
     (the CA file option), or check that the URL points at the right server"
        .to_owned()
}

fn name_mismatch(detail: &dyn fmt::Display) -> String {
    format!(
        "the server's certificate does not name the host in the URL (name mismatch: {detail}); connect by a name \
         or address the certificate lists"
    )
}

fn handshake_refused(alert: &str) -> String {
    format!(
        "the server refused the TLS handshake (alert {alert}); check that it accepts this client (a client \
         certificate, the TLS version) and that the port speaks TLS"
    )
}
