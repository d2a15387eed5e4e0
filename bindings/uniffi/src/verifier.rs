//! The verifier: the widget's server checks a signed URL (SPEC §3).

use std::sync::Arc;

use userhash::{Field, Secret};

use crate::error::{text, UserHashError};
use crate::ints::{count, non_negative, signed, signed_count};
use crate::records::VerifiedIdentity;
use crate::store::{into_core, NonceStore};

type Result<T> = std::result::Result<T, UserHashError>;

/// Verifies signed widget URLs for one organization: parse, org, signature
/// under each configured secret, freshness, replay. Share one verifier
/// between threads. Its `repr`/`toString` never shows a secret.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Verifier(userhash::Verifier);

#[uniffi::export]
impl Verifier {
    /// `secrets`: the current secret first, then previous ones still accepted
    /// during a rotation. Every other argument has the core's default when
    /// left out: `tolerance_ms`, how far a timestamp may be from now (300 000);
    /// `nonce_store`, where nonces are remembered (a memory store of its
    /// own); `max_url_len` and `max_params`, the most a URL may have before
    /// it is refused unread (65 536 bytes, 1000 parameters). A negative
    /// number is `Malformed` naming it.
    #[uniffi::constructor(default(tolerance_ms = None, nonce_store = None, max_url_len = None, max_params = None))]
    pub fn new(
        secrets: Vec<Vec<u8>>,
        org_id: &[u8],
        tolerance_ms: Option<i64>,
        nonce_store: Option<Arc<dyn NonceStore>>,
        max_url_len: Option<i64>,
        max_params: Option<i64>,
    ) -> Result<Self> {
        let org_id = text(org_id, Field::OrgId)?;
        let mut verifier = userhash::Verifier::new(secrets.into_iter().map(Secret::from), org_id)?;
        if let Some(ms) = tolerance_ms {
            verifier = verifier.with_tolerance_ms(non_negative(ms, Field::ToleranceMs, "tolerance_ms")?);
        }
        if let Some(n) = max_url_len {
            verifier = verifier.with_max_url_len(count(n, Field::MaxUrlLen, "max_url_len")?);
        }
        if let Some(n) = max_params {
            verifier = verifier.with_max_params(count(n, Field::MaxParams, "max_params")?);
        }
        if let Some(store) = nonce_store {
            verifier = verifier.with_nonce_store(into_core(store));
        }
        Ok(Self(verifier))
    }

    /// The organization this verifier accepts.
    #[must_use]
    pub fn org_id(&self) -> String {
        self.0.org_id().to_owned()
    }

    /// How far a timestamp may be from the verifier's clock, in ms.
    #[must_use]
    pub fn tolerance_ms(&self) -> i64 {
        signed(self.0.tolerance_ms())
    }

    /// The longest URL this verifier reads, in bytes.
    #[must_use]
    pub fn max_url_len(&self) -> i64 {
        signed_count(self.0.limits().max_url_len)
    }

    /// The most query parameters this verifier reads.
    #[must_use]
    pub fn max_params(&self) -> i64 {
        signed_count(self.0.limits().max_params)
    }

    /// Verifies a widget URL (or its query string) now.
    pub fn verify_url(&self, url: &[u8]) -> Result<VerifiedIdentity> {
        Ok(self.0.verify_url(text(url, Field::Params)?)?.into())
    }

    /// Verifies a widget URL as if the time were `now_ms` (Unix ms).
    pub fn verify_url_at(&self, url: &[u8], now_ms: i64) -> Result<VerifiedIdentity> {
        let now_ms = non_negative(now_ms, Field::Timestamp, "now_ms")?;
        Ok(self.0.verify_url_at(text(url, Field::Params)?, now_ms)?.into())
    }
}

/// The awaitable checks (Python coroutines, Kotlin `suspend`, Swift `async`):
/// a Redis round trip never blocks the caller's event loop. The Redis store's
/// checks share one multiplexed connection; a store written in the host
/// language runs on a blocking thread. Text is a `String` here: a borrowed
/// buffer cannot outlive the call that starts the future.
#[uniffi::export(async_runtime = "tokio")]
impl Verifier {
    /// `verify_url`, awaited.
    pub async fn verify_url_async(&self, url: String) -> Result<VerifiedIdentity> {
        Ok(self.0.verify_url_async(&url).await?.into())
    }

    /// `verify_url_at`, awaited.
    pub async fn verify_url_at_async(&self, url: String, now_ms: i64) -> Result<VerifiedIdentity> {
        let now_ms = non_negative(now_ms, Field::Timestamp, "now_ms")?;
        Ok(self.0.verify_url_at_async(&url, now_ms).await?.into())
    }
}
