//! The token verifier (SPEC §8): form, key, signature, claims, audience,
//! time, single use, in that order.
//!
//! 1. **Form** (unauthenticated, linear, bounded): at most `max_token_len`
//!    bytes (`TooLarge`); the compact form only; strict base64url; a header
//!    that is one JSON object without repeated members, `alg` not `none`, no
//!    `crit` (`Malformed`, `AlgorithmRefused`).
//! 2. **Key**: a token with a `kid` selects the key with that kid
//!    (`UnknownKey` if none has it); a token without one is tried against
//!    every key of its algorithm, in the configured order (rotation without
//!    kids, as the URL verifier tries every secret). The key fixes the
//!    algorithm: a header that asks for another is `AlgorithmRefused`.
//! 3. **Signature** over `header.payload` as received (`Mismatch`); HS256 in
//!    constant time, Ed25519 with RFC 8032's strict check.
//! 4. **Claims**: one JSON object, read only now; registered claims of their
//!    types, the profile's claims present (`MissingClaim`, `Malformed`).
//! 5. **Audience**: the `userhash` profile's `org`, and `aud`/`iss` when the
//!    verifier has them (`WrongAudience`); a token naming an audience is
//!    refused by a verifier that has none.
//! 6. **Time**: `exp` required; `nbf` and `iat` not ahead of the clock by
//!    more than the leeway (`FromFuture`); `exp` not behind it by more than
//!    the leeway (`Expired`); `exp - iat` (or `exp - now`) at most
//!    `max_lifetime_s` (`LifetimeTooLong`).
//! 7. **Single use** (when asked): `jti` recorded in the nonce store until
//!    `exp` plus the leeway (`Replayed`); only tokens that passed 1–6 reach
//!    the store.

use std::fmt;
use std::sync::Arc;

use ed25519_dalek::Signature;

use super::claims::{check_jti, ReadClaims, VerifiedToken};
use super::compact::{parse_compact, Compact};
use super::encoding::shown;
use super::header::Algorithm;
use super::keys::{KeyMaterial, TokenKey};
use super::profile::Profile;
use super::{check_audience_text, DEFAULT_LEEWAY_S, DEFAULT_MAX_LIFETIME_S, DEFAULT_MAX_TOKEN_LEN};
use crate::error::{Error, Field, Result};
use crate::identity::{check_org_id, now_ms};
use crate::mac;
use crate::nonce::{MemoryNonceStore, NonceStore};

/// What a [`TokenVerifier`] accepts. Plain fields with defaults
/// ([`VerifierOptions::new`]), so every binding passes it as a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifierOptions {
    pub profile: Profile,
    /// The org a `userhash` token must name (required for that profile,
    /// refused for the others).
    pub org: Option<String>,
    /// When set, `aud` must be (or contain) it; when not, a token with an
    /// `aud` is refused.
    pub audience: Option<String>,
    /// When set, `iss` must equal it.
    pub issuer: Option<String>,
    /// Clock skew allowed on `exp`, `nbf` and `iat`, in seconds (default 30).
    pub leeway_s: u64,
    /// The longest lifetime accepted, `exp - iat` in seconds (default 3600).
    pub max_lifetime_s: u64,
    /// The longest token read, in bytes (default 8192); a longer one is
    /// `TooLarge`, unread.
    pub max_token_len: usize,
    /// Accept each token once: its `jti` is recorded in the nonce store until
    /// it expires, and a token without `jti` is refused (default false).
    pub single_use: bool,
}

impl VerifierOptions {
    #[must_use]
    pub fn new(profile: Profile) -> Self {
        VerifierOptions {
            profile,
            org: None,
            audience: None,
            issuer: None,
            leeway_s: DEFAULT_LEEWAY_S,
            max_lifetime_s: DEFAULT_MAX_LIFETIME_S,
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
            single_use: false,
        }
    }
}

impl Default for VerifierOptions {
    fn default() -> Self {
        VerifierOptions::new(Profile::default())
    }
}

/// Verifies identity tokens under a fixed set of keys.
#[derive(Clone)]
pub struct TokenVerifier {
    keys: Vec<TokenKey>,
    options: VerifierOptions,
    store: Arc<dyn NonceStore>,
    /// The nonce store's namespace for this verifier's `jti`s: `jwt:` and the
    /// org (or the profile), apart from the signed identity's nonces.
    store_scope: String,
}

impl TokenVerifier {
    /// `keys`: every key currently accepted (rotation: the new one and the
    /// old ones until their tokens expire); kids must be unique. The
    /// verifier gets its own [`MemoryNonceStore`] for single use; share one
    /// with [`Self::with_nonce_store`].
    pub fn new(keys: impl IntoIterator<Item = TokenKey>, options: VerifierOptions) -> Result<Self> {
        let keys: Vec<TokenKey> = keys.into_iter().collect();
        if keys.is_empty() {
            return Err(Error::malformed(
                Field::Key,
                "no key configured; give the current public key (or HS256 secret), then any previous ones still accepted",
            ));
        }
        for (i, key) in keys.iter().enumerate() {
            if let Some(kid) = key.kid() {
                if keys[..i].iter().any(|k| k.kid() == Some(kid)) {
                    return Err(Error::malformed(
                        Field::Kid,
                        format!("two keys have kid `{}`; a kid must name one key", shown(kid)),
                    ));
                }
            }
        }
        match (&options.org, options.profile) {
            (Some(org), Profile::Userhash) => check_org_id(org)?,
            (None, Profile::Userhash) => {
                return Err(Error::malformed(
                    Field::OrgId,
                    "the userhash profile checks the token's org: set the verifier's org",
                ))
            }
            (Some(_), profile) => {
                return Err(Error::malformed(
                    Field::OrgId,
                    format!("the {profile} profile has no org claim; use an audience instead"),
                ))
            }
            (None, _) => {}
        }
        check_audience_text("audience", options.audience.as_deref())?;
        check_audience_text("issuer", options.issuer.as_deref())?;
        let store_scope = format!("jwt:{}", options.org.as_deref().unwrap_or(options.profile.as_str()));
        Ok(TokenVerifier { keys, options, store: Arc::new(MemoryNonceStore::default()), store_scope })
    }

    /// Record `jti`s in `store` (shared by several verifiers or processes:
    /// the memory store, Redis, or one written in the host language).
    pub fn with_nonce_store(mut self, store: Arc<dyn NonceStore>) -> Self {
        self.store = store;
        self
    }

    #[must_use]
    pub fn options(&self) -> &VerifierOptions {
        &self.options
    }

    #[must_use]
    pub fn keys(&self) -> &[TokenKey] {
        &self.keys
    }

    pub(crate) fn options_mut(&mut self) -> &mut VerifierOptions {
        &mut self.options
    }

    /// Why this verifier refuses `token` now (see [`diagnose_token`](super::diagnose_token)).
    #[must_use]
    pub fn diagnose(&self, token: &str) -> super::TokenDiagnosis {
        super::diagnose_token(self, token, now_ms())
    }

    /// Why this verifier refuses `token` at `now_ms`.
    #[must_use]
    pub fn diagnose_at(&self, token: &str, now_ms: u64) -> super::TokenDiagnosis {
        super::diagnose_token(self, token, now_ms)
    }

    /// Verifies a token against the system clock.
    pub fn verify(&self, token: &str) -> Result<VerifiedToken> {
        self.verify_at(token, now_ms())
    }

    /// Verifies as if the clock read `now_ms` (Unix milliseconds).
    pub fn verify_at(&self, token: &str, now_ms: u64) -> Result<VerifiedToken> {
        // 1. Form.
        let compact = parse_compact(token, self.options.max_token_len)?;
        // 2. Key, and with it the algorithm.
        let (alg, candidates) = self.candidates(&compact)?;
        if compact.signature.len() != alg.signature_len() {
            return Err(Error::malformed(
                Field::Token,
                format!(
                    "its signature is {} bytes; an {alg} signature is {} (was the token cut?)",
                    compact.signature.len(),
                    alg.signature_len()
                ),
            ));
        }
        // 3. Signature.
        let key_index = self.matching_key(&compact, &candidates).ok_or(Error::Mismatch)?;
        // 4. Claims.
        let claims = ReadClaims::read(self.options.profile, &compact.payload)?;
        // 5. Audience.
        self.check_audience(&claims)?;
        // 6. Time.
        let exp = self.check_time(&claims, now_ms)?;
        // 7. Single use.
        if self.options.single_use {
            let jti = claims.jti.as_deref().ok_or(Error::MissingClaim { claim: "jti".to_owned() })?;
            check_jti(jti)?;
            let expires_at_ms = exp.saturating_mul(1000).saturating_add(self.options.leeway_s.saturating_mul(1000));
            if !self.store.check_and_insert(&self.store_scope, jti, expires_at_ms, now_ms)? {
                return Err(Error::Replayed);
            }
        }
        Ok(VerifiedToken {
            profile: self.options.profile,
            user_id: claims.user_id,
            email: claims.email,
            name: claims.name,
            email_verified: claims.email_verified,
            org: claims.org,
            issued_at: claims.iat,
            expires_at: exp,
            jti: claims.jti,
            kid: compact.header.kid,
            key_index,
            algorithm: alg,
            // The payload parsed as JSON, so it is UTF-8.
            claims_json: String::from_utf8(compact.payload).unwrap_or_default(),
        })
    }

    /// The keys the token may be signed with, all of one algorithm.
    fn candidates(&self, compact: &Compact<'_>) -> Result<(Algorithm, Vec<usize>)> {
        let alg = compact.header.alg.as_str();
        if let Some(kid) = &compact.header.kid {
            let index = self
                .keys
                .iter()
                .position(|k| k.kid() == Some(kid.as_str()))
                .ok_or_else(|| Error::UnknownKey { kid: shown(kid) })?;
            let key_alg = self.keys[index].algorithm();
            if alg != key_alg.as_str() {
                return Err(Error::AlgorithmRefused {
                    alg: shown(alg),
                    expected: format!("the key with kid `{}` verifies {key_alg} only", shown(kid)),
                });
            }
            return Ok((key_alg, vec![index]));
        }
        let candidates: Vec<usize> =
            (0..self.keys.len()).filter(|&i| self.keys[i].algorithm().as_str() == alg).collect();
        match candidates.first() {
            Some(&first) => Ok((self.keys[first].algorithm(), candidates)),
            None => {
                let mut algs: Vec<&str> = self.keys.iter().map(|k| k.algorithm().as_str()).collect();
                algs.dedup();
                Err(Error::AlgorithmRefused {
                    alg: shown(alg),
                    expected: format!("this verifier's keys verify {} only", algs.join(" and ")),
                })
            }
        }
    }

    /// The first candidate whose signature matches. Every HS256 candidate is
    /// computed, each compared in constant time.
    fn matching_key(&self, compact: &Compact<'_>, candidates: &[usize]) -> Option<usize> {
        let message = compact.signing_input.as_bytes();
        let mut matched = None;
        for &index in candidates {
            let ok = match self.keys[index].material() {
                KeyMaterial::Hs256 { mac: key, .. } => mac::tags_equal(&key.tag(message), &compact.signature),
                KeyMaterial::Ed25519(key) => match Signature::from_slice(&compact.signature) {
                    Ok(signature) => matched.is_none() && key.verify_strict(message, &signature).is_ok(),
                    Err(_) => false,
                },
            };
            if ok && matched.is_none() {
                matched = Some(index);
            }
        }
        matched
    }

    fn check_audience(&self, claims: &ReadClaims) -> Result<()> {
        if let Some(org) = &self.options.org {
            let actual = claims.org.as_deref().unwrap_or_default();
            if actual != org {
                return Err(Error::WrongAudience { claim: "org".into(), expected: org.clone(), actual: shown(actual) });
            }
        }
        match (&self.options.audience, claims.aud.is_empty()) {
            (Some(_), true) => return Err(Error::MissingClaim { claim: "aud".into() }),
            (Some(aud), false) if !claims.aud.contains(aud) => {
                return Err(Error::WrongAudience {
                    claim: "aud".into(),
                    expected: aud.clone(),
                    actual: shown(&claims.aud.join(", ")),
                })
            }
            (None, false) => {
                return Err(Error::WrongAudience {
                    claim: "aud".into(),
                    expected: "no audience (set the verifier's audience to accept tokens that name one)".into(),
                    actual: shown(&claims.aud.join(", ")),
                })
            }
            _ => {}
        }
        if let Some(iss) = &self.options.issuer {
            match &claims.iss {
                None => return Err(Error::MissingClaim { claim: "iss".into() }),
                Some(actual) if actual != iss => {
                    return Err(Error::WrongAudience {
                        claim: "iss".into(),
                        expected: iss.clone(),
                        actual: shown(actual),
                    })
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// `exp`, once `nbf`, `iat`, `exp` and the lifetime are within bounds.
    fn check_time(&self, claims: &ReadClaims, now_ms: u64) -> Result<u64> {
        let exp = claims.exp.ok_or(Error::MissingClaim { claim: "exp".into() })?;
        // Time claims are below 10^11 s (ReadClaims refuses more), so * 1000 fits.
        let (exp_ms, leeway_ms) = (exp * 1000, self.options.leeway_s.saturating_mul(1000));
        if let Some(iat) = claims.iat {
            if exp < iat {
                return Err(Error::malformed(Field::Claims, format!("`exp` ({exp}) is before `iat` ({iat})")));
            }
        }
        for time in [claims.nbf, claims.iat].into_iter().flatten() {
            let time_ms = time * 1000;
            if time_ms > now_ms.saturating_add(leeway_ms) {
                return Err(Error::FromFuture { ahead_ms: time_ms - now_ms, tolerance_ms: leeway_ms });
            }
        }
        if now_ms >= exp_ms.saturating_add(leeway_ms) {
            return Err(match claims.iat {
                Some(iat) => Error::Expired {
                    age_ms: now_ms - iat * 1000,
                    tolerance_ms: (exp - iat) * 1000 + leeway_ms,
                    timestamp_ms: iat * 1000,
                },
                None => Error::Expired { age_ms: now_ms - exp_ms, tolerance_ms: leeway_ms, timestamp_ms: exp_ms },
            });
        }
        let lifetime_s = match claims.iat {
            Some(iat) => exp - iat,
            None => (exp_ms.saturating_sub(now_ms)).div_ceil(1000),
        };
        if lifetime_s > self.options.max_lifetime_s {
            return Err(Error::LifetimeTooLong { lifetime_s, max_lifetime_s: self.options.max_lifetime_s });
        }
        Ok(exp)
    }
}

impl fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("keys", &self.keys)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}
