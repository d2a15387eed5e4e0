//! A new Ed25519 key pair for EdDSA tokens, in the formats other libraries
//! exchange: the private key for the signer, the public key for the widget's
//! server.

use std::ffi::c_char;

use userhash_core::jwt::Ed25519KeyPair;

use crate::ffi::{boxed_out, optional_arg, take_box};
use crate::status::{catch, guard, userhash_status};
use crate::{userhash_str, OwnedText};

/// A new Ed25519 key pair, each text NUL-terminated and `len` long. Made by
/// `userhash_ed25519_key_pair_generate`, read-only, freed with
/// `userhash_ed25519_key_pair_free`, which wipes the private key's texts.
/// Keep the private key with the signer (a file of mode 0600, a secret
/// manager); give the widget's server the public key only.
#[repr(C)]
#[derive(Debug)]
pub struct userhash_ed25519_key_pair {
    /// The kid written into both JWKs; `ptr` NULL when none was given.
    pub kid: userhash_str,
    /// The private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), for
    /// `userhash_token_signer_new_ed25519`, OpenSSL, Go, Node or Python.
    pub private_pem: userhash_str,
    /// The private key as a JWK (`"d"` and `"x"`).
    pub private_jwk: userhash_str,
    /// The public key as SPKI PEM (`-----BEGIN PUBLIC KEY-----`), for a
    /// `userhash_token_key`'s `public_key`.
    pub public_pem: userhash_str,
    /// The public key as a JWK (`{"kty":"OKP","crv":"Ed25519","x":...}`).
    pub public_jwk: userhash_str,
}

/// Text that is wiped (with volatile writes) before its memory is freed.
#[derive(Default)]
struct WipedText(OwnedText);

impl Drop for WipedText {
    fn drop(&mut self) {
        for block in &mut self.0 .0 {
            for byte in block.iter_mut() {
                // SAFETY: `byte` is a valid, exclusive reference; volatile so
                // the writes are not removed as dead stores before the free.
                unsafe { std::ptr::write_volatile(byte, 0) };
            }
        }
        std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
    }
}

#[repr(C)]
struct OwnedKeyPair {
    public: userhash_ed25519_key_pair,
    text: OwnedText,
    private: WipedText,
}

impl OwnedKeyPair {
    fn new(pair: &Ed25519KeyPair) -> Self {
        let mut text = OwnedText::default();
        let mut private = WipedText::default();
        let public = userhash_ed25519_key_pair {
            kid: pair.kid.as_deref().map_or(userhash_str::NONE, |k| text.keep(k)),
            private_pem: private.0.keep(&pair.private_pem),
            private_jwk: private.0.keep(&pair.private_jwk),
            public_pem: text.keep(&pair.public_pem),
            public_jwk: text.keep(&pair.public_jwk),
        };
        OwnedKeyPair { public, text, private }
    }
}

/// Makes a new Ed25519 key pair from the operating system's CSPRNG, with
/// `kid` (NULL for none; else 1 to 256 bytes) written into both JWKs; give
/// the same kid to the signer's options and the verifier's key.
/// `*out_pair` is the pair, to free with `userhash_ed25519_key_pair_free`;
/// NULL on failure (`USERHASH_MALFORMED` field "kid",
/// `USERHASH_INVALID_ARGUMENT`).
///
/// # Safety
/// `kid` must be NULL or valid for `kid_len` bytes; `out_pair` valid for one
/// pointer.
#[no_mangle]
pub unsafe extern "C" fn userhash_ed25519_key_pair_generate(
    kid: *const c_char,
    kid_len: usize,
    out_pair: *mut *mut userhash_ed25519_key_pair,
) -> userhash_status {
    guard(|| {
        boxed_out(out_pair, "out_pair", || {
            let kid = optional_arg(kid, kid_len, "kid")?;
            Ok(OwnedKeyPair::new(&Ed25519KeyPair::generate(kid)?))
        })
    })
}

/// Wipes the private key's texts, frees the pair and sets `*pair` to NULL;
/// `pair == NULL` or `*pair == NULL` does nothing.
///
/// # Safety
/// `*pair` must be NULL or come from `userhash_ed25519_key_pair_generate`.
#[no_mangle]
pub unsafe extern "C" fn userhash_ed25519_key_pair_free(pair: *mut *mut userhash_ed25519_key_pair) {
    catch((), || drop(take_box::<_, OwnedKeyPair>(pair)))
}
