//! From a URL and the options to what the redis crate connects with: the
//! options' user and password in place of the URL's, TLS that always checks
//! the server's certificate, and the CA file read and checked.

use redis::{ConnectionAddr, ConnectionInfo, IntoConnectionInfo};
use zeroize::Zeroizing;

use super::options::RedisOptions;
use super::wording::{malformed, not_valid};
use crate::error::Result;

/// `url` with the options' user and password in place of the URL's, and TLS
/// settings checked: certificates are always verified.
pub(super) fn connection_info(url: &str, options: &RedisOptions) -> Result<ConnectionInfo> {
    let mut info = url.into_connection_info().map_err(|e| not_valid(e, url))?;
    let mut settings = info.redis_settings().clone();
    if let Some(username) = &options.username {
        settings = settings.set_username(username);
    }
    if let Some(password) = &options.password {
        settings = settings.set_password(password.as_str());
    }
    if let (Some(user), None) = (settings.username(), settings.password().filter(|p| !p.is_empty())) {
        // Redis logs in only with a password: without one the connection
        // would quietly be the `default` user's.
        return Err(malformed(format!(
            "the Redis user `{user}` is given without a password; give its password too (for a `nopass` user, any \
             password)"
        )));
    }
    info = info.set_redis_settings(settings);
    match info.addr() {
        ConnectionAddr::TcpTls { insecure: true, .. } => Err(malformed(
            "the Redis URL ends in #insecure, which turns off the server's certificate check; userhash always \
             checks it: give the CA that signed it (the CA file option) instead",
        )),
        ConnectionAddr::TcpTls { .. } => {
            install_crypto_provider();
            Ok(info)
        }
        _ if options.ca_file.is_some() => Err(malformed(
            "a CA file is given but the Redis URL is not rediss://; use rediss://HOST:PORT for TLS, or drop the CA file",
        )),
        _ => Ok(info),
    }
}

/// rustls takes the process's default crypto provider; the redis crate's
/// TLS asks for it. If the process has none yet, this crate's (ring) is
/// installed, so that a program whose other dependencies enable a second
/// provider does not make rustls refuse to pick one.
fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may install one first: then that one is used.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

pub(super) fn read_ca_file(options: &RedisOptions) -> Result<Option<Vec<u8>>> {
    let Some(path) = &options.ca_file else { return Ok(None) };
    let pem = std::fs::read(path)
        .map_err(|e| malformed(format!("the CA file {} cannot be read ({e}); give a PEM file", path.display())))?;
    if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
        return Err(malformed(format!(
            "the CA file {} holds no PEM certificate (-----BEGIN CERTIFICATE-----); give the CA's certificate in PEM",
            path.display()
        )));
    }
    Ok(Some(pem))
}

pub(super) fn password_of(info: &ConnectionInfo) -> Option<Zeroizing<String>> {
    info.redis_settings().password().filter(|p| !p.is_empty()).map(|p| Zeroizing::new(p.to_owned()))
}
