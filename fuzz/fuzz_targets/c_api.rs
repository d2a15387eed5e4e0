//! The C entry points of `bindings/c` (`libuserhash`), called from Rust with
//! fuzzed contents, lengths and NULLs, and checked against the core.
//!
//! Input (the layout of `userhash_fuzz`): up to 48 operations, each an
//! opcode (byte, modulo [`OPS`]) and its arguments, read by [`Run::op`].
//! An argument buffer is a byte, 0 for NULL (then a u16 length, passed
//! along with the NULL) or anything else for a buffer of its own holding
//! [`bytes`] (exactly that long, so AddressSanitizer sees any read past its
//! end). An output buffer is a byte choosing NULL, 0, 1, the documented
//! minimum - 1, the minimum, or more. Handles and results live in two slots
//! per kind, chosen by a byte; what is left is freed at the end, so
//! LeakSanitizer sees a `_free` that frees nothing.
//!
//! Pointers are NULL or real buffers of the stated length, never anything
//! else. NULL goes where the header allows it (`name`, `params` with no
//! params, `out_url_len`, the `_free` functions, an empty `secrets`) and,
//! as the status codes document ("a NULL pointer ... USERHASH_INVALID_ARGUMENT"),
//! anywhere else too, where it must give `USERHASH_INVALID_ARGUMENT`.
//!
//! Invariants, after every call: the status is a known one and never
//! `USERHASH_INTERNAL` (a caught panic); it is the core's answer for the
//! same inputs (same variant), or `USERHASH_INVALID_ARGUMENT` /
//! `USERHASH_BUFFER_TOO_SMALL` exactly when an argument is NULL, not UTF-8 or
//! too small; `userhash_last_error_*` agree with it; outputs are emptied on
//! failure, and on success equal the core's (hashes, tags, identities,
//! URLs, verified identities, with the verifier's nonce store mirrored in
//! Rust); output buffers are written no further than the text and its NUL;
//! returned texts are NUL-terminated at their length.
#![no_main]

use std::collections::HashSet;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr::{self, null, null_mut};
use std::sync::{Arc, Mutex};

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use userhash::{mac, Error, IdentitySigner, MemoryNonceStore, NonceStore, SignedIdentity, Verifier};
use userhash_c::userhash_status::{self, *};
use userhash_c::*;
use userhash_fuzz::{byte, bytes, one_in, u16_le, u64_le};

// Exported by bindings/c for C (`#[no_mangle]`) but not re-exported to Rust
// by its lib.rs: declared here as a C caller declares it (the handle is
// opaque, so a `void *` here).
extern "C" {
    fn userhash_verifier_set_limits(verifier: *mut c_void, max_url_len: usize, max_params: usize) -> userhash_status;
}

const OPS: u8 = 26;
/// Every status the header defines, `USERHASH_OK` to `USERHASH_LIFETIME_TOO_LONG`.
const KNOWN: std::ops::RangeInclusive<c_int> = 0..=20;
const MAX_OPS: usize = 48;
const FILL: u8 = 0xa5;

fuzz_target!(|data: &[u8]| {
    let mut run = Run::default();
    let mut u = Unstructured::new(data);
    for _ in 0..MAX_OPS {
        if u.is_empty() {
            break;
        }
        let op = byte(&mut u) % OPS;
        unsafe { run.op(op, &mut u) };
    }
    unsafe { run.free_all() };
});

/// An argument: NULL (with a length anyway) or a buffer of exactly `len` bytes.
struct Arg {
    data: Option<Box<[u8]>>,
    len: usize,
}

impl Arg {
    fn read(u: &mut Unstructured<'_>) -> Arg {
        if byte(u) == 0 {
            Arg { data: None, len: usize::from(u16_le(u)) }
        } else {
            let data: Box<[u8]> = bytes(u).into();
            Arg { len: data.len(), data: Some(data) }
        }
    }

    fn ptr(&self) -> *const c_char {
        self.data.as_ref().map_or(null(), |d| d.as_ptr().cast())
    }

    fn text(&self) -> Option<&str> {
        std::str::from_utf8(self.data.as_deref()?).ok()
    }

    fn raw(&self) -> Option<&[u8]> {
        self.data.as_deref()
    }

    fn as_str(&self) -> userhash_str {
        userhash_str { ptr: self.ptr(), len: self.len }
    }
}

/// An output buffer: NULL, or `len` bytes filled with `FILL`.
struct Out {
    data: Option<Box<[u8]>>,
}

impl Out {
    fn read(u: &mut Unstructured<'_>, needed: usize) -> Out {
        let len = match byte(u) % 8 {
            0 => return Out { data: None },
            1 => 0,
            2 => 1,
            3 => needed - 1,
            4 | 5 => needed,
            _ => needed + usize::from(byte(u)),
        };
        Out { data: Some(vec![FILL; len].into_boxed_slice()) }
    }

    fn ptr(&mut self) -> *mut c_char {
        self.data.as_mut().map_or(null_mut(), |d| d.as_mut_ptr().cast())
    }

    fn len(&self) -> usize {
        self.data.as_ref().map_or(0, |d| d.len())
    }

    /// What a C caller must pass: a non-NULL buffer of at least `needed` bytes.
    fn usable(&self, needed: usize) -> bool {
        self.data.as_ref().is_some_and(|d| d.len() >= needed)
    }

    /// After a failure: "" (when there is room for it), nothing else touched.
    fn assert_emptied(&self) {
        if let Some(d) = self.data.as_deref().filter(|d| !d.is_empty()) {
            assert_eq!(d[0], 0, "an output buffer not emptied on failure");
            assert!(d[1..].iter().all(|&b| b == FILL), "an output buffer written past its NUL on failure");
        }
    }

    /// After a success: `text`, a NUL, and nothing written after them.
    fn assert_holds(&self, text: &[u8]) {
        let d = self.data.as_deref().expect("a successful call had a buffer");
        assert_eq!(&d[..text.len()], text);
        assert_eq!(d[text.len()], 0, "no NUL after the text");
        assert!(d[text.len() + 1..].iter().all(|&b| b == FILL), "written past the NUL");
    }
}

/// A nonce store as the test's callback and, separately, as the mirror's
/// `NonceStore`: the same answers from the same calls.
struct ModelStore {
    /// `None`: remember nonces (1 new, 0 seen); `Some(n)`: always answer `n`.
    fixed: Option<c_int>,
    seen: Mutex<HashSet<(String, String)>>,
}

impl ModelStore {
    fn answer(&self, org_id: &str, nonce: &str) -> c_int {
        match self.fixed {
            Some(n) => n,
            None => c_int::from(self.seen.lock().unwrap().insert((org_id.to_owned(), nonce.to_owned()))),
        }
    }
}

impl NonceStore for ModelStore {
    fn check_and_insert(&self, org_id: &str, nonce: &str, _expires: u64, _now: u64) -> userhash::Result<bool> {
        match self.answer(org_id, nonce) {
            1 => Ok(true),
            0 => Ok(false),
            n => Err(Error::StoreUnavailable { reason: format!("the application's nonce store returned {n}") }),
        }
    }
}

unsafe extern "C" fn model_check(
    context: *mut c_void,
    org_id: *const c_char,
    org_id_len: usize,
    nonce: *const c_char,
    nonce_len: usize,
    _expires_at_ms: u64,
    _now_ms: u64,
) -> c_int {
    let org = CStr::from_ptr(org_id).to_bytes();
    let nonce = CStr::from_ptr(nonce).to_bytes();
    assert_eq!((org.len(), nonce.len()), (org_id_len, nonce_len), "the callback's texts end at their lengths");
    let store = &*(context as *const ModelStore);
    store.answer(std::str::from_utf8(org).unwrap(), std::str::from_utf8(nonce).unwrap())
}

/// What the C side holds, and the core's mirror of it.
struct Run {
    id_signers: [*mut userhash_identifier_signer; 2],
    id_secrets: [Option<Vec<u8>>; 2],
    identity_signers: [*mut userhash_identity_signer; 2],
    identity_mirrors: [Option<IdentitySigner>; 2],
    signed: [*mut userhash_signed_identity; 2],
    urls: [*mut c_char; 2],
    verifiers: [*mut userhash_verifier; 2],
    /// The core verifier configured as the C one; `None` once they may
    /// differ (after a verification against the system clock).
    verifier_mirrors: [Option<Verifier>; 2],
    verified: [*mut userhash_verified_identity; 2],
    /// Callback contexts, alive until every verifier is freed (boxed: the
    /// verifiers hold their addresses while the vector grows).
    #[allow(clippy::vec_box)]
    stores: Vec<Box<ModelStore>>,
}

impl Default for Run {
    fn default() -> Self {
        Run {
            id_signers: [null_mut(); 2],
            id_secrets: [None, None],
            identity_signers: [null_mut(); 2],
            identity_mirrors: [None, None],
            signed: [null_mut(); 2],
            urls: [null_mut(); 2],
            verifiers: [null_mut(); 2],
            verifier_mirrors: [None, None],
            verified: [null_mut(); 2],
            stores: Vec::new(),
        }
    }
}

/// What a call was given: which C-level problems it had, and the core's
/// answer for the same inputs when they were all readable.
struct Expect {
    invalid: bool,
    too_small: bool,
    core: Option<Result<(), Error>>,
}

impl Expect {
    fn new() -> Self {
        Expect { invalid: false, too_small: false, core: None }
    }

    /// An argument that must give `USERHASH_INVALID_ARGUMENT` when `bad`.
    fn invalid_if(&mut self, bad: bool) -> &mut Self {
        self.invalid |= bad;
        self
    }

    fn too_small_if(&mut self, bad: bool) -> &mut Self {
        self.too_small |= bad;
        self
    }

    /// Checks `st` and the thread's last error; true when it was `USERHASH_OK`.
    fn check(&self, st: userhash_status, what: &str) -> bool {
        check_last_error(st, what);
        if self.invalid || self.too_small {
            let allowed = (self.invalid && st == USERHASH_INVALID_ARGUMENT)
                || (self.too_small && st == USERHASH_BUFFER_TOO_SMALL);
            assert!(allowed, "{what}: {st:?}, with invalid={} too_small={}", self.invalid, self.too_small);
            return false;
        }
        let expected = match self.core.as_ref().expect("readable inputs have the core's answer") {
            Ok(()) => USERHASH_OK,
            Err(e) => status_of(e),
        };
        assert_eq!(st, expected, "{what}: the core says {:?}", self.core);
        st == USERHASH_OK
    }
}

fn status_of(e: &Error) -> userhash_status {
    match e {
        Error::WeakSecret { .. } => USERHASH_WEAK_SECRET,
        Error::Malformed { .. } => USERHASH_MALFORMED,
        Error::Missing { .. } => USERHASH_MISSING,
        Error::Duplicate { .. } => USERHASH_DUPLICATE,
        Error::WrongOrg { .. } => USERHASH_WRONG_ORG,
        Error::Mismatch => USERHASH_MISMATCH,
        Error::Expired { .. } => USERHASH_EXPIRED,
        Error::FromFuture { .. } => USERHASH_FROM_FUTURE,
        Error::Replayed => USERHASH_REPLAYED,
        Error::StoreFull { .. } => USERHASH_STORE_FULL,
        Error::StoreUnavailable { .. } => USERHASH_STORE_UNAVAILABLE,
        Error::TooLarge { .. } => USERHASH_TOO_LARGE,
        Error::UnknownKey { .. } => USERHASH_UNKNOWN_KEY,
        Error::AlgorithmRefused { .. } => USERHASH_ALGORITHM_REFUSED,
        Error::MissingClaim { .. } => USERHASH_MISSING_CLAIM,
        Error::WrongAudience { .. } => USERHASH_WRONG_AUDIENCE,
        Error::LifetimeTooLong { .. } => USERHASH_LIFETIME_TOO_LONG,
    }
}

/// What `userhash_last_error_field` may name: a field, or a verifier's limit.
const FIELDS: [&str; 13] = [
    "secret",
    "identifier",
    "email",
    "org_id",
    "timestamp",
    "nonce",
    "user_hash",
    "name",
    "params",
    "base_url",
    "nonce_store",
    "max_url_len",
    "max_params",
];

/// The status is a known one, not a caught panic, and the thread's last
/// error says the same.
fn check_last_error(st: userhash_status, what: &str) {
    let code = st as c_int;
    assert!(KNOWN.contains(&code), "{what}: unknown status {code}");
    assert_ne!(st, USERHASH_INTERNAL, "{what}: a panic inside the library: {}", last_message());
    unsafe {
        assert_eq!(userhash_last_error_status(), st, "{what}: userhash_last_error_status");
        let name = CStr::from_ptr(userhash_status_name(code)).to_str().unwrap();
        assert_ne!(name, "Unknown");
        let message = last_message();
        assert_eq!(message.is_empty(), st == USERHASH_OK, "{what}: {st:?} with message {message:?}");
        let field = userhash_last_error_field();
        if !field.is_null() {
            let field = CStr::from_ptr(field).to_str().unwrap();
            assert!(st != USERHASH_OK && FIELDS.contains(&field), "{what}: field {field:?} for {st:?}");
        }
        if !matches!(st, USERHASH_EXPIRED | USERHASH_FROM_FUTURE) {
            assert_eq!(userhash_last_error_ms(), 0, "{what}: last_error_ms for {st:?}");
        }
    }
}

fn last_message() -> String {
    unsafe { CStr::from_ptr(userhash_last_error_message()).to_string_lossy().into_owned() }
}

/// A text the library made: `len` bytes and a NUL after them.
unsafe fn read_str(s: &userhash_str) -> String {
    assert!(!s.ptr.is_null());
    let bytes = std::slice::from_raw_parts(s.ptr.cast::<u8>(), s.len + 1);
    assert_eq!(bytes[s.len], 0, "no NUL at a returned text's length");
    String::from_utf8(bytes[..s.len].to_vec()).expect("returned text is UTF-8")
}

/// A `bool` output: NULL, or a real one set to `true` first.
fn out_bool(u: &mut Unstructured<'_>) -> Option<Box<bool>> {
    (!one_in(u, 8)).then(|| Box::new(true))
}

fn bool_ptr(b: &mut Option<Box<bool>>) -> *mut bool {
    b.as_deref_mut().map_or(null_mut(), |b| b as *mut bool)
}

impl Run {
    unsafe fn op(&mut self, op: u8, u: &mut Unstructured<'_>) {
        match op {
            0 => self.sign_identifier(u),
            1 => self.verify_identifier(u),
            2 => self.identifier_signer_new(u),
            3 => {
                if let Some(i) = free_slot(u, &mut self.id_signers, |p| userhash_identifier_signer_free(p)) {
                    self.id_secrets[i] = None;
                }
            }
            4 => self.identifier_signer_sign(u),
            5 => self.identifier_signer_verify(u),
            6 => self.identity_signer_new(u),
            7 => {
                if let Some(i) = free_slot(u, &mut self.identity_signers, |p| userhash_identity_signer_free(p)) {
                    self.identity_mirrors[i] = None;
                }
            }
            8 => self.identity_sign(u, false),
            9 => self.identity_sign(u, true),
            10 => {
                free_slot(u, &mut self.signed, |p| userhash_signed_identity_free(p));
            }
            11 => self.widget_url(u),
            12 => {
                free_slot(u, &mut self.urls, |p| userhash_string_free(p));
            }
            13 => self.hmac(u),
            14 => self.verify_hmac(u),
            15 => status_texts(u),
            16 => self.verifier_new(u),
            17 => {
                if let Some(i) = free_slot(u, &mut self.verifiers, |p| userhash_verifier_free(p)) {
                    self.verifier_mirrors[i] = None;
                }
            }
            18 => self.verifier_set(u, Setting::Tolerance),
            19 => self.verifier_set(u, Setting::MemoryStore),
            20 => self.verifier_set(u, Setting::Callback),
            21 => self.verify_url(u, true),
            22 => self.verify_url(u, false),
            23 => {
                free_slot(u, &mut self.verified, |p| userhash_verified_identity_free(p));
            }
            24 => self.org_id_of(u),
            _ => self.verifier_set(u, Setting::Limits),
        }
    }

    unsafe fn sign_identifier(&mut self, u: &mut Unstructured<'_>) {
        let (secret, identifier) = (Arg::read(u), Arg::read(u));
        let mut out = Out::read(u, USERHASH_HEX_LEN + 1);
        let st =
            userhash_sign_identifier(secret.ptr(), secret.len, identifier.ptr(), identifier.len, out.ptr(), out.len());
        let core = match (secret.raw(), identifier.text()) {
            (Some(s), Some(i)) => Some(userhash::sign_identifier(s, i)),
            _ => None,
        };
        self.check_hex(st, "userhash_sign_identifier", &out, core);
    }

    unsafe fn identifier_signer_sign(&mut self, u: &mut Unstructured<'_>) {
        let i = usize::from(byte(u) % 2);
        let identifier = Arg::read(u);
        let mut out = Out::read(u, USERHASH_HEX_LEN + 1);
        let st =
            userhash_identifier_signer_sign(self.id_signers[i], identifier.ptr(), identifier.len, out.ptr(), out.len());
        let core = match (&self.id_secrets[i], identifier.text()) {
            (Some(s), Some(id)) => Some(userhash::sign_identifier(s, id)),
            _ => None,
        };
        self.check_hex(st, "userhash_identifier_signer_sign", &out, core);
    }

    /// A hash written to `out`: as the core signs it, or `out` emptied.
    fn check_hex(&self, st: userhash_status, what: &str, out: &Out, core: Option<userhash::Result<String>>) {
        let mut expect = Expect::new();
        expect.invalid_if(core.is_none() || out.data.is_none()).too_small_if(!out.usable(USERHASH_HEX_LEN + 1));
        expect.core = core.as_ref().map(|r| r.as_ref().map(|_| ()).map_err(Clone::clone));
        if expect.check(st, what) {
            out.assert_holds(core.unwrap().unwrap().as_bytes());
        } else {
            out.assert_emptied();
        }
    }

    unsafe fn verify_identifier(&mut self, u: &mut Unstructured<'_>) {
        let (secret, identifier, hash) = (Arg::read(u), Arg::read(u), Arg::read(u));
        let mut valid = out_bool(u);
        let st = userhash_verify_identifier(
            secret.ptr(),
            secret.len,
            identifier.ptr(),
            identifier.len,
            hash.ptr(),
            hash.len,
            bool_ptr(&mut valid),
        );
        let core = match (secret.raw(), identifier.text(), hash.text()) {
            (Some(s), Some(i), Some(h)) => Some(userhash::verify_identifier(s, i, h)),
            _ => None,
        };
        check_valid(st, "userhash_verify_identifier", valid, core);
    }

    unsafe fn identifier_signer_verify(&mut self, u: &mut Unstructured<'_>) {
        let i = usize::from(byte(u) % 2);
        let (identifier, hash) = (Arg::read(u), Arg::read(u));
        let mut valid = out_bool(u);
        let st = userhash_identifier_signer_verify(
            self.id_signers[i],
            identifier.ptr(),
            identifier.len,
            hash.ptr(),
            hash.len,
            bool_ptr(&mut valid),
        );
        let core = match (&self.id_secrets[i], identifier.text(), hash.text()) {
            (Some(s), Some(id), Some(h)) => Some(userhash::verify_identifier(s, id, h)),
            _ => None,
        };
        check_valid(st, "userhash_identifier_signer_verify", valid, core);
    }

    unsafe fn identifier_signer_new(&mut self, u: &mut Unstructured<'_>) {
        let i = usize::from(byte(u) % 2);
        let secret = Arg::read(u);
        let to_slot = !one_in(u, 8);
        userhash_identifier_signer_free(&mut self.id_signers[i]);
        self.id_secrets[i] = None;
        let out: *mut *mut userhash_identifier_signer = if to_slot { &mut self.id_signers[i] } else { null_mut() };
        let st = userhash_identifier_signer_new(secret.ptr(), secret.len, out);
        let mut expect = Expect::new();
        expect.invalid_if(secret.raw().is_none() || !to_slot);
        expect.core = secret.raw().map(|s| userhash::IdentifierSigner::new(s).map(drop));
        if expect.check(st, "userhash_identifier_signer_new") {
            assert!(!self.id_signers[i].is_null());
            self.id_secrets[i] = secret.raw().map(<[u8]>::to_vec);
        } else {
            assert!(self.id_signers[i].is_null(), "a signer handed out on failure");
        }
    }

    unsafe fn identity_signer_new(&mut self, u: &mut Unstructured<'_>) {
        let i = usize::from(byte(u) % 2);
        let (secret, org_id) = (Arg::read(u), Arg::read(u));
        userhash_identity_signer_free(&mut self.identity_signers[i]);
        assert!(self.identity_signers[i].is_null());
        self.identity_mirrors[i] = None;
        let st = userhash_identity_signer_new(
            secret.ptr(),
            secret.len,
            org_id.ptr(),
            org_id.len,
            &mut self.identity_signers[i],
        );
        let core = match (secret.raw(), org_id.text()) {
            (Some(s), Some(o)) => Some(IdentitySigner::new(s, o)),
            _ => None,
        };
        let mut expect = Expect::new();
        expect.invalid_if(core.is_none());
        expect.core = core.as_ref().map(|r| r.as_ref().map(drop).map_err(Clone::clone));
        if expect.check(st, "userhash_identity_signer_new") {
            self.identity_mirrors[i] = core.unwrap().ok();
        } else {
            assert!(self.identity_signers[i].is_null(), "a signer handed out on failure");
        }
    }

    unsafe fn identity_sign(&mut self, u: &mut Unstructured<'_>, at: bool) {
        let (i, o) = (usize::from(byte(u) % 2), usize::from(byte(u) % 2));
        let email = Arg::read(u);
        let (timestamp_ms, nonce) = if at { (u64_le(u), Some(Arg::read(u))) } else { (0, None) };
        userhash_signed_identity_free(&mut self.signed[o]);
        let signer = self.identity_signers[i];
        let out = &mut self.signed[o];
        let st = match &nonce {
            Some(n) => {
                userhash_identity_signer_sign_at(signer, email.ptr(), email.len, timestamp_ms, n.ptr(), n.len, out)
            }
            None => userhash_identity_signer_sign(signer, email.ptr(), email.len, out),
        };
        let mirror = self.identity_mirrors[i].as_ref();
        let core = match (mirror, email.text(), nonce.as_ref().map(Arg::text)) {
            (Some(m), Some(e), Some(Some(n))) => Some(m.sign_at(e, timestamp_ms, n)),
            // A fresh nonce and the current time: checked field by field below.
            (Some(m), Some(e), None) => Some(m.sign_at(e, userhash::now_ms(), "0123456789abcdef")),
            _ => None,
        };
        let mut expect = Expect::new();
        expect.invalid_if(core.is_none());
        expect.core = core.as_ref().map(|r| r.as_ref().map(drop).map_err(Clone::clone));
        let what = if at { "userhash_identity_signer_sign_at" } else { "userhash_identity_signer_sign" };
        if !expect.check(st, what) {
            assert!(self.signed[o].is_null(), "{what}: an identity handed out on failure");
            return;
        }
        let got = read_signed(&*self.signed[o]);
        let want = core.unwrap().unwrap();
        if at {
            assert_eq!(got, want);
        } else {
            assert_eq!((&got.email, &got.org_id), (&want.email, &want.org_id));
            assert!(userhash::check_nonce(&got.nonce).is_ok() && got.nonce.len() == 36, "nonce {:?}", got.nonce);
            let again = mirror.unwrap().sign_at(&got.email, got.timestamp_ms, &got.nonce).unwrap();
            assert_eq!(got.user_hash, again.user_hash);
        }
    }

    unsafe fn widget_url(&mut self, u: &mut Unstructured<'_>) {
        let base = Arg::read(u);
        // The identity: NULL, one the library signed (from a slot that has
        // one), or one filled in here pointing at this call's buffers.
        let source = byte(u) % 4;
        let slot = usize::from(byte(u) % 2);
        let (email, org_id, nonce, user_hash) = (Arg::read(u), Arg::read(u), Arg::read(u), Arg::read(u));
        let timestamp_ms = u64_le(u);
        let filled = userhash_signed_identity {
            email: email.as_str(),
            timestamp_ms,
            org_id: org_id.as_str(),
            nonce: nonce.as_str(),
            user_hash: user_hash.as_str(),
        };
        let (identity, mirror): (*const userhash_signed_identity, Option<SignedIdentity>) = match source {
            0 => (null(), None),
            1 | 2 if !self.signed[slot].is_null() => (self.signed[slot], Some(read_signed(&*self.signed[slot]))),
            _ => {
                let mirror = match (email.text(), org_id.text(), nonce.text(), user_hash.text()) {
                    (Some(e), Some(o), Some(n), Some(h)) => Some(SignedIdentity {
                        email: e.into(),
                        timestamp_ms,
                        org_id: o.into(),
                        nonce: n.into(),
                        user_hash: h.into(),
                    }),
                    _ => None,
                };
                (&filled, mirror)
            }
        };
        // The name: none (not read), or an argument, whose NULL also means none.
        let name = (byte(u) % 2 == 1).then(|| Arg::read(u));
        let name_ptr = name.as_ref().map_or(null(), Arg::ptr);
        let name_len = name.as_ref().map_or(0, |n| n.len);
        let name_text: Result<Option<&str>, ()> = match &name {
            Some(n) if n.data.is_some() => n.text().map(Some).ok_or(()),
            _ => Ok(None),
        };
        let params: Vec<(Arg, Arg)> = (0..byte(u) % 8).map(|_| (Arg::read(u), Arg::read(u))).collect();
        let c_params: Vec<userhash_param> =
            params.iter().map(|(k, v)| userhash_param { key: k.as_str(), value: v.as_str() }).collect();
        let params_null = one_in(u, 8);
        let params_ptr = if params_null { null() } else { c_params.as_ptr() };
        let pairs: Option<Vec<(&str, &str)>> = params.iter().map(|(k, v)| Some((k.text()?, v.text()?))).collect();
        let mut url_len = (!one_in(u, 4)).then_some(usize::MAX);
        let url_len_ptr = url_len.as_mut().map_or(null_mut(), |l| l as *mut usize);
        let to_slot = !one_in(u, 8);
        let o = usize::from(byte(u) % 2);
        userhash_string_free(&mut self.urls[o]);
        let out: *mut *mut c_char = if to_slot { &mut self.urls[o] } else { null_mut() };
        let st = userhash_widget_url(
            base.ptr(),
            base.len,
            identity,
            name_ptr,
            name_len,
            params_ptr,
            c_params.len(),
            out,
            url_len_ptr,
        );

        let core = match (base.text(), &mirror, name_text, &pairs) {
            (Some(b), Some(id), Ok(n), Some(p)) if to_slot && !(params_null && !p.is_empty()) => {
                Some(userhash::widget_url(b, id, n, p.iter().copied()))
            }
            _ => None,
        };
        let mut expect = Expect::new();
        expect.invalid_if(core.is_none());
        expect.core = core.as_ref().map(|r| r.as_ref().map(drop).map_err(Clone::clone));
        if expect.check(st, "userhash_widget_url") {
            let got = CStr::from_ptr(self.urls[o]).to_str().unwrap();
            assert_eq!(Some(got), core.as_ref().unwrap().as_deref().ok());
            if let Some(len) = url_len {
                assert_eq!(len, got.len());
            }
        } else {
            assert!(self.urls[o].is_null(), "a URL handed out on failure");
            if let Some(len) = url_len {
                assert_eq!(len, 0, "out_url_len not cleared on failure");
            }
        }
    }

    unsafe fn hmac(&mut self, u: &mut Unstructured<'_>) {
        let (key, message) = (Arg::read(u), Arg::read(u));
        let mut out = Out::read(u, USERHASH_TAG_LEN);
        let st = userhash_hmac_sha256(
            key.ptr().cast(),
            key.len,
            message.ptr().cast(),
            message.len,
            out.ptr().cast(),
            out.len(),
        );
        let mut expect = Expect::new();
        expect.invalid_if(key.raw().is_none() || message.raw().is_none() || out.data.is_none());
        expect.too_small_if(!out.usable(USERHASH_TAG_LEN));
        expect.core = Some(Ok(()));
        if expect.check(st, "userhash_hmac_sha256") {
            let tag = mac::hmac_sha256(key.raw().unwrap(), message.raw().unwrap());
            let d = out.data.as_deref().unwrap();
            assert_eq!(&d[..USERHASH_TAG_LEN], &tag);
            assert!(d[USERHASH_TAG_LEN..].iter().all(|&b| b == FILL), "written past the tag");
        } else if let Some(d) = &out.data {
            // The header: on failure the tag's bytes are zeros, as many as fit.
            let zeroed = d.len().min(USERHASH_TAG_LEN);
            assert!(d[..zeroed].iter().all(|&b| b == 0), "out_tag not zeroed on failure");
            assert!(d[zeroed..].iter().all(|&b| b == FILL), "written past the tag on failure");
        }
    }

    unsafe fn verify_hmac(&mut self, u: &mut Unstructured<'_>) {
        let (key, message, tag) = (Arg::read(u), Arg::read(u), Arg::read(u));
        let mut valid = out_bool(u);
        let st = userhash_verify_hmac_sha256(
            key.ptr().cast(),
            key.len,
            message.ptr().cast(),
            message.len,
            tag.ptr().cast(),
            tag.len,
            bool_ptr(&mut valid),
        );
        let core = match (key.raw(), message.raw(), tag.raw()) {
            (Some(k), Some(m), Some(t)) => Some(Ok(mac::verify_hmac_sha256(k, m, t))),
            _ => None,
        };
        check_valid(st, "userhash_verify_hmac_sha256", valid, core);
    }

    unsafe fn verifier_new(&mut self, u: &mut Unstructured<'_>) {
        let i = usize::from(byte(u) % 2);
        let secrets: Vec<Arg> = (0..byte(u) % 4).map(|_| Arg::read(u)).collect();
        let c_secrets: Vec<userhash_str> = secrets.iter().map(Arg::as_str).collect();
        let list_null = one_in(u, 8);
        let org_id = Arg::read(u);
        userhash_verifier_free(&mut self.verifiers[i]);
        self.verifier_mirrors[i] = None;
        let list = if list_null { null() } else { c_secrets.as_ptr() };
        let st = userhash_verifier_new(list, c_secrets.len(), org_id.ptr(), org_id.len, &mut self.verifiers[i]);
        let raw: Option<Vec<&[u8]>> = secrets.iter().map(Arg::raw).collect();
        let core = match (&raw, org_id.text()) {
            (Some(r), Some(o)) if !(list_null && !r.is_empty()) => Some(Verifier::new(r.iter().copied(), o)),
            _ => None,
        };
        let mut expect = Expect::new();
        expect.invalid_if(core.is_none());
        expect.core = core.as_ref().map(|r| r.as_ref().map(drop).map_err(Clone::clone));
        if expect.check(st, "userhash_verifier_new") {
            self.verifier_mirrors[i] = core.unwrap().ok();
        } else {
            assert!(self.verifiers[i].is_null(), "a verifier handed out on failure");
        }
    }

    unsafe fn verifier_set(&mut self, u: &mut Unstructured<'_>, setting: Setting) {
        let i = usize::from(byte(u) % 2);
        let handle = self.verifiers[i];
        let mirror = self.verifier_mirrors[i].take();
        let mut null_check = false;
        let (st, mirror) = match setting {
            Setting::Tolerance => {
                let ms = u64_le(u);
                (userhash_verifier_set_tolerance_ms(handle, ms), mirror.map(|m| m.with_tolerance_ms(ms)))
            }
            Setting::Limits => {
                let (max_url_len, max_params) = (usize::from(u16_le(u)), usize::from(byte(u)));
                let st = userhash_verifier_set_limits(handle.cast(), max_url_len, max_params);
                (st, mirror.map(|m| m.with_max_url_len(max_url_len).with_max_params(max_params)))
            }
            Setting::MemoryStore => {
                let capacity = usize::from(byte(u) % 4);
                let store = Arc::new(MemoryNonceStore::new(capacity));
                (userhash_verifier_set_memory_store(handle, capacity), mirror.map(|m| m.with_nonce_store(store)))
            }
            Setting::Callback => {
                let fixed = match byte(u) % 4 {
                    0 | 1 => None,
                    _ => Some(u64_le(u) as c_int),
                };
                let check: userhash_nonce_check_fn = if one_in(u, 8) { None } else { Some(model_check) };
                let c_store = Box::new(ModelStore { fixed, seen: Mutex::default() });
                let context = ptr::addr_of!(*c_store) as *mut c_void;
                self.stores.push(c_store);
                let store = Arc::new(ModelStore { fixed, seen: Mutex::default() });
                let st = userhash_verifier_set_nonce_store(handle, check, context);
                null_check = check.is_none();
                (st, mirror.map(|m| if null_check { m } else { m.with_nonce_store(store) }))
            }
        };
        let mut expect = Expect::new();
        expect.invalid_if(handle.is_null() || null_check);
        expect.core = Some(Ok(()));
        expect.check(st, "userhash_verifier_set_*");
        // A refused setting leaves the verifier (and the mirror) as it was.
        self.verifier_mirrors[i] = mirror;
    }

    unsafe fn verify_url(&mut self, u: &mut Unstructured<'_>, at: bool) {
        let i = usize::from(byte(u) % 2);
        let o = usize::from(byte(u) % 2);
        let now = if at { u64_le(u) } else { 0 };
        // The URL: one the library made (a byte: 0 or 4 for slot 0 or 1, if
        // it holds one), or the argument that follows.
        let pick = byte(u);
        let made = self.urls[usize::from(pick / 4 % 2)];
        let arg = Arg::read(u);
        let (url_ptr, url_len, url_text) = if pick.is_multiple_of(4) && !made.is_null() {
            let bytes = CStr::from_ptr(made).to_bytes();
            (bytes.as_ptr().cast(), bytes.len(), std::str::from_utf8(bytes).ok())
        } else {
            (arg.ptr(), arg.len, arg.text())
        };
        let to_slot = !one_in(u, 8);
        userhash_verified_identity_free(&mut self.verified[o]);
        let out: *mut *mut userhash_verified_identity = if to_slot { &mut self.verified[o] } else { null_mut() };
        let handle = self.verifiers[i];
        let st = if at {
            userhash_verifier_verify_url_at(handle, url_ptr, url_len, now, out)
        } else {
            userhash_verifier_verify_url(handle, url_ptr, url_len, out)
        };
        let what = if at { "userhash_verifier_verify_url_at" } else { "userhash_verifier_verify_url" };
        if st != USERHASH_OK {
            assert!(self.verified[o].is_null(), "{what}: an identity handed out on failure");
        }
        let invalid = handle.is_null() || url_text.is_none() || !to_slot;
        let mirror = self.verifier_mirrors[i].as_ref();
        let core = match (url_text, mirror) {
            (Some(url), Some(m)) if at && !invalid => m.verify_url_at(url, now),
            _ => {
                // Against the system clock, or with no mirror: the
                // conventions only; the mirror cannot follow a store that
                // may have changed.
                check_last_error(st, what);
                if invalid {
                    assert_eq!(st, USERHASH_INVALID_ARGUMENT, "{what}");
                } else if st == USERHASH_OK {
                    self.verifier_mirrors[i] = None;
                }
                return;
            }
        };
        let mut expect = Expect::new();
        expect.core = Some(core.as_ref().map(drop).map_err(Clone::clone));
        if !expect.check(st, what) {
            let ms = match core {
                Err(Error::Expired { age_ms, .. }) => age_ms,
                Err(Error::FromFuture { ahead_ms, .. }) => ahead_ms,
                _ => 0,
            };
            assert_eq!(userhash_last_error_ms(), ms, "{what}: last_error_ms");
            return;
        }
        let want = core.unwrap();
        let got = &*self.verified[o];
        assert_eq!(read_str(&got.email), want.email);
        assert_eq!(read_str(&got.org_id), want.org_id);
        assert_eq!(read_str(&got.nonce), want.nonce);
        assert_eq!(got.timestamp_ms, want.timestamp_ms);
        assert_eq!(got.key_index, want.key_index);
        match &want.name {
            Some(name) => assert_eq!(&read_str(&got.name), name),
            None => assert!(got.name.ptr.is_null() && got.name.len == 0),
        }
        assert_eq!(got.params_len, want.params.len());
        assert_eq!(got.params.is_null(), want.params.is_empty());
        for (k, (key, value)) in want.params.iter().enumerate() {
            let p = &*got.params.add(k);
            assert_eq!((&read_str(&p.key), &read_str(&p.value)), (key, value), "params in key order");
        }
    }

    unsafe fn org_id_of(&mut self, u: &mut Unstructured<'_>) {
        let url = Arg::read(u);
        let mut out = Out::read(u, USERHASH_MAX_ORG_ID_LEN + 1);
        let st = userhash_org_id_of(url.ptr(), url.len, out.ptr(), out.len());
        let core = url.text().map(userhash::org_id_of);
        let mut expect = Expect::new();
        expect.invalid_if(core.is_none() || out.data.is_none()).too_small_if(!out.usable(USERHASH_MAX_ORG_ID_LEN + 1));
        expect.core = core.as_ref().map(|r| r.as_ref().map(drop).map_err(Clone::clone));
        if expect.check(st, "userhash_org_id_of") {
            out.assert_holds(core.unwrap().unwrap().as_bytes());
        } else {
            out.assert_emptied();
        }
    }

    unsafe fn free_all(&mut self) {
        for p in &mut self.id_signers {
            userhash_identifier_signer_free(p);
        }
        for p in &mut self.identity_signers {
            userhash_identity_signer_free(p);
        }
        for p in &mut self.signed {
            userhash_signed_identity_free(p);
        }
        for p in &mut self.urls {
            userhash_string_free(p);
        }
        for p in &mut self.verified {
            userhash_verified_identity_free(p);
        }
        for p in &mut self.verifiers {
            userhash_verifier_free(p);
        }
        self.stores.clear();
    }
}

enum Setting {
    Tolerance,
    Limits,
    MemoryStore,
    Callback,
}

/// A `_free` given NULL (a no-op, the slot stays), or the slot's address
/// once or twice (the first frees and clears it, the second finds NULL).
/// Returns the index of the slot freed (now NULL), if one was.
unsafe fn free_slot<T>(u: &mut Unstructured<'_>, slots: &mut [*mut T; 2], free: impl Fn(*mut *mut T)) -> Option<usize> {
    let i = usize::from(byte(u) % 2);
    match byte(u) % 3 {
        0 => {
            let before = slots[i];
            free(null_mut());
            assert_eq!(slots[i], before);
            return None;
        }
        1 => free(&mut slots[i]),
        _ => {
            free(&mut slots[i]);
            free(&mut slots[i]);
        }
    }
    assert!(slots[i].is_null(), "a _free left the caller's pointer set");
    Some(i)
}

fn check_valid(st: userhash_status, what: &str, valid: Option<Box<bool>>, core: Option<userhash::Result<bool>>) {
    let mut expect = Expect::new();
    expect.invalid_if(core.is_none() || valid.is_none());
    expect.core = core.as_ref().map(|r| r.as_ref().map(drop).map_err(Clone::clone));
    let ok = expect.check(st, what);
    if let Some(valid) = valid {
        let want = ok && *core.unwrap().as_ref().unwrap();
        assert_eq!(*valid, want, "{what}: out_valid");
    }
}

unsafe fn read_signed(id: &userhash_signed_identity) -> SignedIdentity {
    SignedIdentity {
        email: read_str(&id.email),
        timestamp_ms: id.timestamp_ms,
        org_id: read_str(&id.org_id),
        nonce: read_str(&id.nonce),
        user_hash: read_str(&id.user_hash),
    }
}

/// `userhash_status_message` and `_name` for any number.
fn status_texts(u: &mut Unstructured<'_>) {
    let code = u64_le(u) as c_int;
    unsafe {
        let message = userhash_status_message(code);
        let name = userhash_status_name(code);
        assert!(!message.is_null() && !name.is_null());
        let name = CStr::from_ptr(name).to_str().unwrap();
        let message = CStr::from_ptr(message).to_str().unwrap();
        assert_eq!(name == "Unknown", !KNOWN.contains(&code), "{code}: {name}");
        assert_eq!(message == "unknown userhash status", !KNOWN.contains(&code), "{code}: {message}");
    }
}
