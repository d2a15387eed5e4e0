//! The verifier (SPEC §3): parse, org, signature, freshness, replay, in that order.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::error::{Error, Field, Result};
use crate::identity::{check_email, check_nonce, check_org_id, check_timestamp, now_ms, tag_identity};
use crate::mac::{self, MacKey};
use crate::nonce::{MemoryNonceStore, NonceStore};
use crate::secret::{strong_key, Secret, SecretList};
use crate::url::{check_name, parse_params, InputLimits};

/// How far a timestamp may be from the verifier's clock, either way, by default
/// (as Stripe and Standard Webhooks use).
pub const DEFAULT_TOLERANCE_MS: u64 = 300_000;

/// Who the widget's user is, once every check has passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedIdentity {
    pub email: String,
    pub org_id: String,
    pub timestamp_ms: u64,
    pub nonce: String,
    /// The display name, if the URL had one. Not signed: show it, don't trust it.
    pub name: Option<String>,
    /// Every other parameter of the URL. Not signed.
    pub params: BTreeMap<String, String>,
    /// Which configured secret matched: 0 is the current one, higher ones are
    /// previous secrets still accepted during a rotation.
    pub key_index: usize,
}

/// Verifies signed widget URLs for one organization.
#[derive(Clone)]
pub struct Verifier {
    keys: Vec<MacKey>,
    org_id: String,
    tolerance_ms: u64,
    limits: InputLimits,
    store: Arc<dyn NonceStore>,
}

impl Verifier {
    /// `secrets`: the current secret first, then previous ones still accepted.
    /// The verifier gets its own [`MemoryNonceStore`] and the default
    /// tolerance; change either with [`Self::with_nonce_store`] and
    /// [`Self::with_tolerance_ms`].
    pub fn new<S: Into<Secret>>(secrets: impl IntoIterator<Item = S>, org_id: &str) -> Result<Self> {
        let secrets = SecretList::new(secrets)?;
        let keys = secrets.iter().map(|s| strong_key(s.expose())).collect::<Result<_>>()?;
        check_org_id(org_id)?;
        Ok(Verifier {
            keys,
            org_id: org_id.to_owned(),
            tolerance_ms: DEFAULT_TOLERANCE_MS,
            limits: InputLimits::default(),
            store: Arc::new(MemoryNonceStore::default()),
        })
    }

    /// Accept timestamps at most this far from the clock, either way.
    #[must_use]
    pub fn with_tolerance_ms(mut self, tolerance_ms: u64) -> Self {
        self.tolerance_ms = tolerance_ms;
        self
    }

    /// Read URLs of at most `max_url_len` bytes (default
    /// [`DEFAULT_MAX_URL_LEN`](crate::DEFAULT_MAX_URL_LEN), 64 KiB); a longer
    /// one is refused unread with `TooLarge`.
    #[must_use]
    pub fn with_max_url_len(mut self, max_url_len: usize) -> Self {
        self.limits.max_url_len = max_url_len;
        self
    }

    /// Read URLs of at most `max_params` query parameters, signed ones
    /// included (default [`DEFAULT_MAX_PARAMS`](crate::DEFAULT_MAX_PARAMS),
    /// 1000); more is refused with `TooLarge`.
    #[must_use]
    pub fn with_max_params(mut self, max_params: usize) -> Self {
        self.limits.max_params = max_params;
        self
    }

    /// Both input limits at once.
    #[must_use]
    pub fn with_limits(mut self, limits: InputLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Remember nonces in `store` (shared by several verifiers or processes).
    pub fn with_nonce_store(mut self, store: Arc<dyn NonceStore>) -> Self {
        self.store = store;
        self
    }

    #[must_use]
    pub fn org_id(&self) -> &str {
        &self.org_id
    }

    #[must_use]
    pub fn tolerance_ms(&self) -> u64 {
        self.tolerance_ms
    }

    /// What this verifier reads of a URL before checking its signature.
    #[must_use]
    pub fn limits(&self) -> InputLimits {
        self.limits
    }

    /// Verifies a full widget URL or a bare query string against the system clock.
    pub fn verify_url(&self, url: &str) -> Result<VerifiedIdentity> {
        self.verify_url_at(url, now_ms())
    }

    /// Verifies as if the clock read `now_ms` (Unix milliseconds).
    pub fn verify_url_at(&self, url: &str, now_ms: u64) -> Result<VerifiedIdentity> {
        let (fields, key_index) = self.check_signed(url, now_ms)?;
        // 5. Replay.
        let expires_at_ms = self.expires_at_ms(&fields);
        if !self.store.check_and_insert(&self.org_id, &fields.nonce, expires_at_ms, now_ms)? {
            return Err(Error::Replayed);
        }
        Ok(fields.into_identity(key_index))
    }

    /// [`Self::verify_url`], awaiting the nonce store instead of blocking on
    /// it. Steps 1 to 4 are CPU work of a few microseconds and run in the
    /// caller's task; step 5 awaits the store's async side
    /// ([`NonceStore::as_async`]: the Redis and memory stores have one) or,
    /// for a store that may block (one of your own, or a binding's foreign
    /// store), runs it on tokio's blocking pool when the caller is on a tokio
    /// runtime (directly otherwise). The future is `Send`.
    #[cfg(feature = "async")]
    pub async fn verify_url_async(&self, url: &str) -> Result<VerifiedIdentity> {
        self.verify_url_at_async(url, now_ms()).await
    }

    /// [`Self::verify_url_at`], awaiting the nonce store (see
    /// [`Self::verify_url_async`]).
    #[cfg(feature = "async")]
    pub async fn verify_url_at_async(&self, url: &str, now_ms: u64) -> Result<VerifiedIdentity> {
        let (fields, key_index) = self.check_signed(url, now_ms)?;
        // 5. Replay.
        let expires_at_ms = self.expires_at_ms(&fields);
        let new = match self.store.as_async() {
            Some(store) => store.check_and_insert_async(&self.org_id, &fields.nonce, expires_at_ms, now_ms).await?,
            None => self.check_off_the_executor(&fields.nonce, expires_at_ms, now_ms).await?,
        };
        if !new {
            return Err(Error::Replayed);
        }
        Ok(fields.into_identity(key_index))
    }

    /// A store that may block, called where blocking stalls no task.
    #[cfg(feature = "async")]
    async fn check_off_the_executor(&self, nonce: &str, expires_at_ms: u64, now_ms: u64) -> Result<bool> {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            // Not on tokio (another executor, or a plain `block_on`): no
            // blocking pool to hand it to.
            return self.store.check_and_insert(&self.org_id, nonce, expires_at_ms, now_ms);
        };
        let (store, org_id, nonce) = (self.store.clone(), self.org_id.clone(), nonce.to_owned());
        match runtime.spawn_blocking(move || store.check_and_insert(&org_id, &nonce, expires_at_ms, now_ms)).await {
            Ok(answer) => answer,
            // The store panicked: panic here, as `verify_url` would have.
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Err(Error::StoreUnavailable {
                reason: "the runtime shut down before the nonce store answered".to_owned(),
            }),
        }
    }

    /// Steps 1 to 4: everything but the nonce store.
    fn check_signed<'a>(&self, url: &'a str, now_ms: u64) -> Result<(SignedFields<'a>, usize)> {
        // 1. Parse and apply the field rules.
        let fields = SignedFields::parse(url, &self.limits)?;
        // 2. Org.
        if fields.org_id != self.org_id {
            return Err(Error::WrongOrg { expected: self.org_id.clone(), actual: fields.org_id.into_owned() });
        }
        // 3. Signature, against every configured secret.
        let key_index = self.matching_key(&fields).ok_or(Error::Mismatch)?;
        // 4. Freshness.
        self.check_fresh(fields.timestamp_ms, now_ms)?;
        Ok((fields, key_index))
    }

    /// A nonce is remembered until its timestamp leaves the window.
    fn expires_at_ms(&self, fields: &SignedFields<'_>) -> u64 {
        fields.timestamp_ms.saturating_add(self.tolerance_ms)
    }

    /// The index of the first secret whose tag matches. Every secret is tried,
    /// each in constant time.
    fn matching_key(&self, fields: &SignedFields<'_>) -> Option<usize> {
        let mut matched = None;
        for (index, key) in self.keys.iter().enumerate() {
            let tag = tag_identity(key, &fields.email, &fields.timestamp, &fields.org_id, &fields.nonce);
            if mac::tags_equal(&tag, &fields.user_hash) && matched.is_none() {
                matched = Some(index);
            }
        }
        matched
    }

    fn check_fresh(&self, timestamp_ms: u64, now_ms: u64) -> Result<()> {
        let tolerance_ms = self.tolerance_ms;
        if now_ms >= timestamp_ms {
            let age_ms = now_ms - timestamp_ms;
            if age_ms > tolerance_ms {
                return Err(Error::Expired { age_ms, tolerance_ms, timestamp_ms });
            }
        } else {
            let ahead_ms = timestamp_ms - now_ms;
            if ahead_ms > tolerance_ms {
                return Err(Error::FromFuture { ahead_ms, tolerance_ms });
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("org_id", &self.org_id)
            .field("secrets", &format_args!("<{} redacted>", self.keys.len()))
            .field("tolerance_ms", &self.tolerance_ms)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// The org a widget URL claims, for routing a multi-tenant server to that org's
/// verifier. Nothing is verified: the verifier still checks everything.
/// It reads at most the default [`InputLimits`] (`TooLarge` past them).
pub fn org_id_of(url: &str) -> Result<String> {
    let received = parse_params(url, &InputLimits::default())?;
    let org_id = received.org_id.ok_or(Error::Missing { field: Field::OrgId })?;
    check_org_id(&org_id)?;
    Ok(org_id.into_owned())
}

/// A URL's parameters after step 1: present once each, every field rule met.
struct SignedFields<'a> {
    org_id: Cow<'a, str>,
    email: Cow<'a, str>,
    /// The exact string received: it is what was signed, leading zeros and all.
    timestamp: Cow<'a, str>,
    timestamp_ms: u64,
    nonce: Cow<'a, str>,
    user_hash: mac::Tag,
    name: Option<Cow<'a, str>>,
    extra: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

impl<'a> SignedFields<'a> {
    fn parse(url: &'a str, limits: &InputLimits) -> Result<Self> {
        let received = parse_params(url, limits)?;
        let org_id = received.org_id.ok_or(Error::Missing { field: Field::OrgId })?;
        let email = received.email.ok_or(Error::Missing { field: Field::Email })?;
        let timestamp = received.timestamp.ok_or(Error::Missing { field: Field::Timestamp })?;
        let nonce = received.nonce.ok_or(Error::Missing { field: Field::Nonce })?;
        let user_hash = received.user_hash.ok_or(Error::Missing { field: Field::UserHash })?;
        check_org_id(&org_id)?;
        check_email(&email)?;
        let timestamp_ms = check_timestamp(&timestamp)?;
        check_nonce(&nonce)?;
        let user_hash = mac::from_hex(&user_hash).ok_or_else(|| {
            Error::malformed(Field::UserHash, format!("it must be exactly {} hex characters", mac::HEX_LEN))
        })?;
        if let Some(name) = &received.name {
            check_name(name)?;
        }
        Ok(SignedFields {
            org_id,
            email,
            timestamp,
            timestamp_ms,
            nonce,
            user_hash,
            name: received.name,
            extra: received.extra,
        })
    }

    fn into_identity(self, key_index: usize) -> VerifiedIdentity {
        VerifiedIdentity {
            email: self.email.into_owned(),
            org_id: self.org_id.into_owned(),
            timestamp_ms: self.timestamp_ms,
            nonce: self.nonce.into_owned(),
            name: self.name.map(Cow::into_owned),
            params: self.extra.into_iter().map(|(k, v)| (k.into_owned(), v.into_owned())).collect(),
            key_index,
        }
    }
}
