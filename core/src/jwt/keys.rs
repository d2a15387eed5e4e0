//! Token keys and the formats they travel in: HS256 secrets (bytes), and
//! Ed25519 keys as PEM (PKCS#8 for a private key, SPKI for a public one), as
//! a JWK (RFC 8037 `OKP`/`Ed25519`) and in a JWK Set.
//!
//! A private key never appears in `Debug` or in an error message; its
//! exported forms are wiped from memory when dropped.

use std::fmt;

use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, KeypairBytes};
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde_json::{Map, Value};
use zeroize::{Zeroize, Zeroizing};

use super::encoding::{b64_decode, b64_encode, json_object, shown, write_json};
use super::header::{check_kid, Algorithm};
use crate::error::{Error, Field, Result};
use crate::mac::MacKey;
use crate::secret::Secret;

/// The fewest bytes of an HS256 token secret: RFC 7518 §3.2 asks for a key
/// at least as long as the hash (32 bytes).
pub const MIN_TOKEN_SECRET_LEN: usize = 32;

/// Keys a verifier reads from one JWK Set, at most.
pub const MAX_JWKS_KEYS: usize = 100;

const LF: ed25519_dalek::pkcs8::spki::der::pem::LineEnding = ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF;

fn bad_key(reason: impl Into<String>) -> Error {
    Error::malformed(Field::Key, reason)
}

/// `WeakSecret` unless an HS256 token secret has at least
/// [`MIN_TOKEN_SECRET_LEN`] bytes.
pub(crate) fn token_mac_key(secret: &[u8]) -> Result<MacKey> {
    if secret.len() < MIN_TOKEN_SECRET_LEN {
        return Err(Error::WeakSecret { len: secret.len() });
    }
    Ok(MacKey::new(secret))
}

/// An Ed25519 private key: what a customer's backend signs tokens with.
/// Zeroized on drop (ed25519-dalek's `zeroize`); `Debug` shows only its
/// public half.
#[derive(Clone)]
pub struct Ed25519PrivateKey(SigningKey);

impl Ed25519PrivateKey {
    /// A new key from the operating system's CSPRNG.
    pub fn generate() -> Result<Self> {
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::fill(seed.as_mut_slice())
            .map_err(|e| bad_key(format!("the operating system's random source failed ({e}); no key was made")))?;
        Ok(Ed25519PrivateKey(SigningKey::from_bytes(&seed)))
    }

    /// From its 32-byte seed (RFC 8032's private key).
    pub fn from_seed(seed: &[u8]) -> Result<Self> {
        let seed: &[u8; 32] =
            seed.try_into().map_err(|_| bad_key(format!("an Ed25519 private key is 32 bytes, not {}", seed.len())))?;
        Ok(Ed25519PrivateKey(SigningKey::from_bytes(seed)))
    }

    /// A PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`, as `openssl genpkey
    /// -algorithm ed25519` writes) or a private JWK (`"d"` present), told
    /// apart by their first character.
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        if text.starts_with('{') {
            return Self::from_jwk(text);
        }
        Self::from_pem(text)
    }

    /// A PKCS#8 PEM, version 1 or 2.
    pub fn from_pem(pem: &str) -> Result<Self> {
        let pem = pem.trim();
        refuse_other_pem(pem, true)?;
        SigningKey::from_pkcs8_pem(pem).map(Ed25519PrivateKey).map_err(|_| {
            bad_key(
                "it is not an Ed25519 private key in PKCS#8 PEM (-----BEGIN PRIVATE KEY-----); make one with \
                 `userhash keygen` or `openssl genpkey -algorithm ed25519`",
            )
        })
    }

    /// A private JWK: `{"kty":"OKP","crv":"Ed25519","d":...,"x":...}`; `x`,
    /// when present, must be `d`'s public key.
    pub fn from_jwk(jwk: &str) -> Result<Self> {
        let map = json_object(jwk.as_bytes()).map_err(|why| bad_key(format!("the JWK {why}")))?;
        let jwk = Jwk::read(&map)?;
        let Some(d) = jwk.d else {
            return Err(bad_key("this JWK has no `d`: it is a public key; the signer needs the private key"));
        };
        let key = Self::from_seed(&d).map_err(|_| bad_key("the JWK's `d` is not 32 bytes of base64url"))?;
        if key.0.verifying_key() != jwk.x {
            return Err(bad_key("the JWK's `x` is not the public key of its `d`; export the key pair again"));
        }
        Ok(key)
    }

    /// Its public half.
    #[must_use]
    pub fn public_key(&self) -> Ed25519PublicKey {
        Ed25519PublicKey(self.0.verifying_key())
    }

    /// PKCS#8 PEM (version 1, the form OpenSSL, Go, Node and Python read).
    #[must_use]
    pub fn to_pem(&self) -> Zeroizing<String> {
        let bytes = KeypairBytes { secret_key: self.0.to_bytes(), public_key: None };
        bytes.to_pkcs8_pem(LF).expect("a 32-byte Ed25519 key always encodes")
    }

    /// A private JWK with `kid` when given (`alg: EdDSA`, `use: sig`).
    pub fn to_jwk(&self, kid: Option<&str>) -> Result<Zeroizing<String>> {
        let seed = Zeroizing::new(self.0.to_bytes());
        let mut map = self.public_key().jwk_members(kid)?;
        map.insert("d".to_owned(), Value::String(b64_encode(seed.as_slice())));
        let mut value = Value::Object(map);
        let mut out = Zeroizing::new(String::with_capacity(256));
        write_json(&mut out, &value);
        if let Some(Value::String(d)) = value.get_mut("d") {
            d.zeroize();
        }
        Ok(out)
    }

    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.0
    }
}

impl fmt::Debug for Ed25519PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ed25519PrivateKey(<redacted>, public {})", b64_encode(self.0.verifying_key().as_bytes()))
    }
}

/// An Ed25519 public key: what a widget's server verifies tokens with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Ed25519PublicKey(VerifyingKey);

impl Ed25519PublicKey {
    /// From its 32 bytes. A weak (small-order) point is refused: any
    /// signature would verify under it.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let bytes: &[u8; 32] =
            bytes.try_into().map_err(|_| bad_key(format!("an Ed25519 public key is 32 bytes, not {}", bytes.len())))?;
        let key = VerifyingKey::from_bytes(bytes).map_err(|_| bad_key("it is not a point of Ed25519"))?;
        if key.is_weak() {
            return Err(bad_key("it is a weak (small-order) Ed25519 key, under which forgeries verify"));
        }
        Ok(Ed25519PublicKey(key))
    }

    /// An SPKI PEM (`-----BEGIN PUBLIC KEY-----`) or a public JWK.
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        if text.starts_with('{') {
            return Self::from_jwk(text);
        }
        Self::from_pem(text)
    }

    /// An SPKI PEM (`-----BEGIN PUBLIC KEY-----`).
    pub fn from_pem(pem: &str) -> Result<Self> {
        let pem = pem.trim();
        refuse_other_pem(pem, false)?;
        let key = VerifyingKey::from_public_key_pem(pem).map_err(|e| {
            bad_key(format!(
                "it is not an Ed25519 public key in PEM (-----BEGIN PUBLIC KEY-----): {e}; `userhash keygen` \
                 prints one"
            ))
        })?;
        Self::from_bytes(key.as_bytes())
    }

    /// A public JWK (`{"kty":"OKP","crv":"Ed25519","x":...}`); a private
    /// one is refused: the verifier needs the public key only.
    pub fn from_jwk(jwk: &str) -> Result<Self> {
        let map = json_object(jwk.as_bytes()).map_err(|why| bad_key(format!("the JWK {why}")))?;
        let jwk = Jwk::read(&map)?;
        jwk.refuse_private()?;
        Ok(Ed25519PublicKey(jwk.x))
    }

    #[must_use]
    pub fn as_bytes(&self) -> &[u8; 32] {
        self.0.as_bytes()
    }

    /// SPKI PEM.
    #[must_use]
    pub fn to_pem(&self) -> String {
        self.0.to_public_key_pem(LF).expect("a 32-byte Ed25519 key always encodes")
    }

    /// A public JWK with `kid` when given (`alg: EdDSA`, `use: sig`).
    pub fn to_jwk(&self, kid: Option<&str>) -> Result<String> {
        let mut out = String::new();
        write_json(&mut out, &Value::Object(self.jwk_members(kid)?));
        Ok(out)
    }

    fn jwk_members(&self, kid: Option<&str>) -> Result<Map<String, Value>> {
        let mut map = Map::new();
        map.insert("kty".into(), "OKP".into());
        map.insert("crv".into(), "Ed25519".into());
        map.insert("x".into(), b64_encode(self.0.as_bytes()).into());
        map.insert("alg".into(), "EdDSA".into());
        map.insert("use".into(), "sig".into());
        if let Some(kid) = kid {
            check_kid(kid)?;
            map.insert("kid".into(), kid.into());
        }
        Ok(map)
    }
}

impl fmt::Debug for Ed25519PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ed25519PublicKey({})", b64_encode(self.0.as_bytes()))
    }
}

/// A new Ed25519 key pair in every form a customer hands on: the private
/// key (PKCS#8 PEM and JWK) for the signer, the public key (SPKI PEM and
/// JWK) for the widget's server. Plain strings, for every binding; the
/// private ones are wiped on drop and never shown by `Debug`.
pub struct Ed25519KeyPair {
    pub kid: Option<String>,
    pub private_pem: String,
    pub private_jwk: String,
    pub public_pem: String,
    pub public_jwk: String,
}

impl Ed25519KeyPair {
    /// A fresh pair; `kid`, when given, is written into both JWKs.
    pub fn generate(kid: Option<&str>) -> Result<Self> {
        Self::of(&Ed25519PrivateKey::generate()?, kid)
    }

    /// The forms of an existing private key.
    pub fn of(key: &Ed25519PrivateKey, kid: Option<&str>) -> Result<Self> {
        let public = key.public_key();
        Ok(Ed25519KeyPair {
            kid: kid.map(str::to_owned),
            private_pem: key.to_pem().to_string(),
            private_jwk: key.to_jwk(kid)?.to_string(),
            public_pem: public.to_pem(),
            public_jwk: public.to_jwk(kid)?,
        })
    }
}

impl Drop for Ed25519KeyPair {
    fn drop(&mut self) {
        self.private_pem.zeroize();
        self.private_jwk.zeroize();
    }
}

impl fmt::Debug for Ed25519KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ed25519KeyPair")
            .field("kid", &self.kid)
            .field("private", &"<redacted>")
            .field("public_jwk", &self.public_jwk)
            .finish()
    }
}

/// A key a [`TokenVerifier`](super::TokenVerifier) accepts tokens under: its
/// algorithm is fixed by what it is (an HS256 secret or an Ed25519 public
/// key), and its `kid`, if any, is how a token selects it.
#[derive(Clone)]
pub struct TokenKey {
    kid: Option<String>,
    material: KeyMaterial,
}

#[derive(Clone)]
pub(crate) enum KeyMaterial {
    /// The secret is kept (wiped on drop) for `diagnose_token`'s base64 checks.
    Hs256 {
        mac: MacKey,
        secret: Secret,
    },
    Ed25519(VerifyingKey),
}

impl TokenKey {
    /// An HS256 secret of at least [`MIN_TOKEN_SECRET_LEN`] bytes (`WeakSecret`).
    pub fn hs256(secret: impl Into<Secret>, kid: Option<&str>) -> Result<Self> {
        let secret = secret.into();
        let mac = token_mac_key(secret.expose())?;
        Self::with_kid(KeyMaterial::Hs256 { mac, secret }, kid)
    }

    /// An Ed25519 public key.
    pub fn ed25519(public: &Ed25519PublicKey, kid: Option<&str>) -> Result<Self> {
        Self::with_kid(KeyMaterial::Ed25519(public.0), kid)
    }

    /// Public keys from text: an SPKI PEM (with `kid` as given), a JWK (its
    /// own `kid`, else the one given), or a JWK Set `{"keys":[...]}` (each
    /// key's own `kid`; `kid` must then be `None`). A private key is refused:
    /// the widget's server needs the public key only.
    pub fn parse_public(text: &str, kid: Option<&str>) -> Result<Vec<Self>> {
        let text = text.trim();
        if !text.starts_with('{') {
            return Ok(vec![Self::ed25519(&Ed25519PublicKey::from_pem(text)?, kid)?]);
        }
        let map = json_object(text.as_bytes()).map_err(|why| bad_key(format!("the JWK {why}")))?;
        if map.contains_key("keys") {
            if kid.is_some() {
                return Err(bad_key("a JWK Set names each key's kid itself; give no kid with it"));
            }
            return Self::from_jwk_set_map(&map);
        }
        Ok(vec![Self::from_jwk_map(&map, kid)?])
    }

    /// Every key of a JWK Set, each under its own `kid`.
    pub fn from_jwk_set(jwks: &str) -> Result<Vec<Self>> {
        let map = json_object(jwks.as_bytes()).map_err(|why| bad_key(format!("the JWK Set {why}")))?;
        Self::from_jwk_set_map(&map)
    }

    fn from_jwk_set_map(map: &Map<String, Value>) -> Result<Vec<Self>> {
        let Some(Value::Array(keys)) = map.get("keys") else {
            return Err(bad_key("a JWK Set is {\"keys\": [...]}, with an array of keys"));
        };
        if keys.is_empty() || keys.len() > MAX_JWKS_KEYS {
            return Err(bad_key(format!("a JWK Set must hold 1 to {MAX_JWKS_KEYS} keys, not {}", keys.len())));
        }
        keys.iter()
            .enumerate()
            .map(|(i, key)| match key {
                Value::Object(key) => Self::from_jwk_map(key, None)
                    .map_err(|e| bad_key(format!("key {i} of the JWK Set: {}", reason_of(&e)))),
                _ => Err(bad_key(format!("key {i} of the JWK Set is not a JSON object"))),
            })
            .collect()
    }

    fn from_jwk_map(map: &Map<String, Value>, kid: Option<&str>) -> Result<Self> {
        let jwk = Jwk::read(map)?;
        jwk.refuse_private()?;
        let kid = jwk.kid.as_deref().or(kid);
        Self::ed25519(&Ed25519PublicKey(jwk.x), kid)
    }

    fn with_kid(material: KeyMaterial, kid: Option<&str>) -> Result<Self> {
        if let Some(kid) = kid {
            check_kid(kid)?;
        }
        Ok(TokenKey { kid: kid.map(str::to_owned), material })
    }

    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The one algorithm this key verifies.
    #[must_use]
    pub fn algorithm(&self) -> Algorithm {
        match self.material {
            KeyMaterial::Hs256 { .. } => Algorithm::Hs256,
            KeyMaterial::Ed25519(_) => Algorithm::EdDsa,
        }
    }

    pub(crate) fn material(&self) -> &KeyMaterial {
        &self.material
    }
}

impl fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("TokenKey");
        s.field("alg", &self.algorithm().as_str()).field("kid", &self.kid);
        match &self.material {
            KeyMaterial::Hs256 { .. } => s.field("secret", &"<redacted>"),
            KeyMaterial::Ed25519(key) => s.field("public", &b64_encode(key.as_bytes())),
        };
        s.finish()
    }
}

/// A `Malformed` error's reason, to nest it in another message.
fn reason_of(e: &Error) -> String {
    match e {
        Error::Malformed { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
}

/// PEM labels that are not the expected kind of Ed25519 key, refused with
/// what to do instead.
fn refuse_other_pem(pem: &str, private: bool) -> Result<()> {
    let label = pem.strip_prefix("-----BEGIN ").and_then(|rest| rest.split_once("-----")).map(|(label, _)| label);
    match (label, private) {
        (Some("PRIVATE KEY"), true) | (Some("PUBLIC KEY"), false) => Ok(()),
        (Some("PRIVATE KEY" | "ENCRYPTED PRIVATE KEY" | "OPENSSH PRIVATE KEY"), false) => Err(bad_key(
            "this is a private key; a verifier needs only the public key (`userhash keygen` prints it), and the \
             private key must stay with the signer",
        )),
        (Some("PUBLIC KEY"), true) => Err(bad_key("this is a public key; signing needs the private key")),
        (Some("OPENSSH PRIVATE KEY"), true) => Err(bad_key(
            "this is an OpenSSH key; convert it to PKCS#8 (`ssh-keygen -p -m PKCS8 -f FILE`) or make one with \
             `userhash keygen`",
        )),
        (Some("ENCRYPTED PRIVATE KEY"), true) => {
            Err(bad_key("this private key is encrypted; give the unencrypted PKCS#8 PEM (kept in a file of mode 0600)"))
        }
        (Some(label), _) if label.contains("RSA") || label.contains("EC ") || label == "CERTIFICATE" => {
            Err(bad_key(format!("this is a {} PEM; userhash tokens use Ed25519 (EdDSA) or HS256 only", shown(label))))
        }
        _ => Err(bad_key(if private {
            "it is not a PEM private key (-----BEGIN PRIVATE KEY-----) nor a JWK"
        } else {
            "it is not a PEM public key (-----BEGIN PUBLIC KEY-----), a JWK nor a JWK Set"
        })),
    }
}

/// The members of an Ed25519 JWK that matter.
struct Jwk {
    x: VerifyingKey,
    d: Option<Zeroizing<Vec<u8>>>,
    kid: Option<String>,
}

impl Jwk {
    fn read(map: &Map<String, Value>) -> Result<Self> {
        let text = |name: &str| -> Result<Option<&str>> {
            match map.get(name) {
                None => Ok(None),
                Some(Value::String(s)) => Ok(Some(s)),
                Some(_) => Err(bad_key(format!("the JWK's `{name}` is not a string"))),
            }
        };
        match text("kty")? {
            Some("OKP") => {}
            Some("oct") => {
                return Err(bad_key(
                    "this JWK (kty oct) is a shared secret; give it as an HS256 secret, not as a public key",
                ))
            }
            Some(other) => {
                return Err(bad_key(format!(
                    "this JWK's kty is {}; userhash verifies only Ed25519 (kty OKP) keys and HS256 secrets",
                    shown(other)
                )))
            }
            None => return Err(bad_key("the JWK has no `kty`")),
        }
        if text("crv")? != Some("Ed25519") {
            return Err(bad_key("this OKP JWK is not an Ed25519 key (crv must be Ed25519)"));
        }
        if let Some(alg) = text("alg")? {
            if alg != "EdDSA" {
                return Err(bad_key(format!("this JWK is for alg {}, not EdDSA", shown(alg))));
            }
        }
        if let Some(usage) = text("use")? {
            if usage != "sig" {
                return Err(bad_key(format!("this JWK is for use {}, not sig", shown(usage))));
            }
        }
        let x = text("x")?.ok_or_else(|| bad_key("the JWK has no `x` (its public key)"))?;
        let x = b64_decode(x).map_err(|why| bad_key(format!("the JWK's `x` {why}")))?;
        let x = Ed25519PublicKey::from_bytes(&x)?.0;
        let d = match text("d")? {
            None => None,
            Some(d) => Some(Zeroizing::new(b64_decode(d).map_err(|_| bad_key("the JWK's `d` is not base64url"))?)),
        };
        let kid = text("kid")?.map(str::to_owned);
        if let Some(kid) = &kid {
            check_kid(kid)?;
        }
        Ok(Jwk { x, d, kid })
    }

    fn refuse_private(&self) -> Result<()> {
        if self.d.is_some() {
            return Err(bad_key(
                "this JWK has `d`: it is a private key; a verifier needs only the public key (drop `d`, or use the \
                 public JWK `userhash keygen` prints), and the private key must stay with the signer",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: [u8; 32] = [7; 32];

    #[test]
    fn pem_and_jwk_round_trip() {
        let key = Ed25519PrivateKey::from_seed(&SEED).unwrap();
        let pem = key.to_pem();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert_eq!(Ed25519PrivateKey::parse(&pem).unwrap().0.to_bytes(), SEED);
        let jwk = key.to_jwk(Some("k1")).unwrap();
        assert_eq!(Ed25519PrivateKey::parse(&jwk).unwrap().0.to_bytes(), SEED);
        let public = key.public_key();
        assert_eq!(Ed25519PublicKey::parse(&public.to_pem()).unwrap(), public);
        let public_jwk = public.to_jwk(Some("k1")).unwrap();
        assert_eq!(Ed25519PublicKey::parse(&public_jwk).unwrap(), public);
        assert!(!public_jwk.contains("\"d\""));
        let keys = TokenKey::parse_public(&format!("{{\"keys\":[{public_jwk}]}}"), None).unwrap();
        assert_eq!(keys[0].kid(), Some("k1"));
        assert_eq!(keys[0].algorithm(), Algorithm::EdDsa);
    }

    #[test]
    fn a_private_key_is_refused_where_a_public_one_belongs() {
        let key = Ed25519PrivateKey::from_seed(&SEED).unwrap();
        for text in [key.to_pem().to_string(), key.to_jwk(None).unwrap().to_string()] {
            let err = TokenKey::parse_public(&text, None).unwrap_err();
            assert!(err.to_string().contains("private key"), "{err}");
        }
        let err = Ed25519PrivateKey::parse(&key.public_key().to_pem()).unwrap_err();
        assert!(err.to_string().contains("public key"), "{err}");
    }

    #[test]
    fn other_key_types_are_refused_with_what_to_use() {
        for jwk in [
            r#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#,
            r#"{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}"#,
            r#"{"kty":"oct","k":"c2VjcmV0"}"#,
            r#"{"kty":"OKP","crv":"X25519","x":"AA"}"#,
        ] {
            assert!(matches!(TokenKey::parse_public(jwk, None), Err(Error::Malformed { field: Field::Key, .. })));
        }
        let rsa = "-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----";
        assert!(TokenKey::parse_public(rsa, None).unwrap_err().to_string().contains("Ed25519"));
    }

    #[test]
    fn a_weak_point_is_refused() {
        // The identity point: every signature with R = identity, s = 0 verifies.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert!(Ed25519PublicKey::from_bytes(&identity).is_err());
    }

    #[test]
    fn a_jwk_whose_x_is_not_its_d_is_refused() {
        let key = Ed25519PrivateKey::from_seed(&SEED).unwrap();
        let other = Ed25519PrivateKey::from_seed(&[8; 32]).unwrap().public_key();
        let jwk = format!(
            r#"{{"kty":"OKP","crv":"Ed25519","d":"{}","x":"{}"}}"#,
            b64_encode(&SEED),
            b64_encode(other.as_bytes())
        );
        assert!(Ed25519PrivateKey::from_jwk(&jwk).is_err());
        let _ = key;
    }

    #[test]
    fn no_private_key_in_debug() {
        let key = Ed25519PrivateKey::from_seed(&SEED).unwrap();
        let pair = Ed25519KeyPair::of(&key, Some("k")).unwrap();
        let seed_b64 = b64_encode(&SEED);
        for shown in [format!("{key:?}"), format!("{pair:?}")] {
            assert!(!shown.contains(&seed_b64), "{shown}");
            assert!(!shown.contains("PRIVATE KEY"), "{shown}");
        }
        let secret = "s".repeat(40);
        let hs = TokenKey::hs256(secret.as_str(), None).unwrap();
        assert!(!format!("{hs:?}").contains(&secret));
    }

    #[test]
    fn hs256_secrets_need_32_bytes() {
        assert_eq!(TokenKey::hs256("x".repeat(31), None).unwrap_err(), Error::WeakSecret { len: 31 });
        assert!(TokenKey::hs256("x".repeat(32), None).is_ok());
    }
}
