//! Scheme 3 (SPEC §8): identity tokens as JWTs, signed with HS256 or EdDSA.
//!
//! The scheme Intercom (Messenger Security, `intercom_user_jwt`), Zendesk
//! messaging (`kid`, `scope: "user"`, `external_id`) and Drift (`userJwt`)
//! use: a compact JWS whose claims say who the user is and until when. Two
//! algorithms, no others in the build:
//!
//! - **HS256**, a shared secret of at least 32 bytes: what the vendors do.
//! - **EdDSA** with Ed25519 (RFC 8037): the customer keeps the private key and
//!   the widget's server stores public keys only, so whoever reads its
//!   database cannot sign anyone in.
//!
//! ```
//! use userhash::jwt::{Ed25519PrivateKey, Profile, SignerOptions, TokenKey, TokenSigner, TokenSubject, TokenVerifier, VerifierOptions};
//!
//! // The customer's backend holds the private key.
//! let private_key = Ed25519PrivateKey::generate()?;
//! let signer = TokenSigner::ed25519(&private_key, SignerOptions {
//!     kid: Some("2026-01".into()),
//!     org: Some("org_123".into()),
//!     ..SignerOptions::new(Profile::Userhash)
//! })?;
//! let token = signer.sign(&TokenSubject::new("user-42").with_email("a+b@example.com"))?;
//!
//! // The widget's server holds the public key (PEM, JWK or a JWK Set).
//! let public_pem = private_key.public_key().to_pem();
//! let keys = TokenKey::parse_public(&public_pem, Some("2026-01"))?;
//! let verifier = TokenVerifier::new(keys, VerifierOptions {
//!     org: Some("org_123".into()),
//!     single_use: true,
//!     ..VerifierOptions::new(Profile::Userhash)
//! })?;
//! let user = verifier.verify(&token)?;
//! assert_eq!((user.user_id.as_str(), user.email.as_deref()), ("user-42", Some("a+b@example.com")));
//! assert!(matches!(verifier.verify(&token), Err(userhash::Error::Replayed)));
//! # Ok::<(), userhash::Error>(())
//! ```
//!
//! One concept a file: [`encoding`](self) (strict base64url and JSON),
//! the header, the profiles, the claims, the keys and their formats, the
//! compact form, the signer, the verifier (its module docs list the checks in
//! order) and diagnose for tokens.
//!
//! **Apart from the other schemes** (SPEC §1.4): a token's HS256 signing
//! input is `BASE64URL(header).BASE64URL(payload)`, two base64url segments
//! and one dot, never a `|`; a signed identity's message always has three
//! `|`, so neither can be the other. The identifier scheme, which signs free
//! text, refuses an identifier that is a JWS signing input (its identifier
//! hash would be that token's HS256 tag in hex), and the token signer signs
//! only headers and payloads it writes itself. Tokens still get a secret of
//! their own (`USERHASH_TOKEN_SECRET` in the CLI), or better an Ed25519 key.

mod claims;
mod compact;
mod diagnose;
mod encoding;
mod header;
mod keys;
mod profile;
mod signer;
mod verifier;

pub use claims::{
    TokenSubject, VerifiedToken, MAX_JTI_LEN, MAX_TOKEN_EMAIL_LEN, MAX_TOKEN_NAME_LEN, MAX_USER_ID_LEN, MIN_JTI_LEN,
};
pub use diagnose::{diagnose_token, SecretForm, TokenCause, TokenDiagnosis};
pub use header::{Algorithm, MAX_KID_LEN};
pub use keys::{Ed25519KeyPair, Ed25519PrivateKey, Ed25519PublicKey, TokenKey, MAX_JWKS_KEYS, MIN_TOKEN_SECRET_LEN};
pub use profile::{Profile, REGISTERED_CLAIMS};
pub use signer::{SignerOptions, TokenSigner};
pub use verifier::{TokenVerifier, VerifierOptions};

use crate::error::{Error, Field, Result};

/// How long a signed token lives by default: 5 minutes, one page load.
pub const DEFAULT_TOKEN_LIFETIME_S: u64 = 300;
/// The longest lifetime a signer writes: one day.
pub const MAX_SIGN_LIFETIME_S: u64 = 86_400;
/// Clock skew a verifier allows on `exp`, `nbf` and `iat` by default.
pub const DEFAULT_LEEWAY_S: u64 = 30;
/// The longest lifetime (`exp - iat`) a verifier accepts by default.
pub const DEFAULT_MAX_LIFETIME_S: u64 = 3_600;
/// The longest token a verifier reads by default, in bytes; an identity
/// token is a few hundred.
pub const DEFAULT_MAX_TOKEN_LEN: usize = 8 * 1024;
/// The longest audience or issuer, in bytes.
pub const MAX_AUDIENCE_LEN: usize = 256;

/// An audience or issuer: 1..=256 bytes, no control character.
fn check_audience_text(what: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) if v.is_empty() || v.len() > MAX_AUDIENCE_LEN || v.chars().any(char::is_control) => {
            Err(Error::malformed(
                Field::Claims,
                format!("the {what} must be 1 to {MAX_AUDIENCE_LEN} bytes with no control character"),
            ))
        }
        _ => Ok(()),
    }
}
