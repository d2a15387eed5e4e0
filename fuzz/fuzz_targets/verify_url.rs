//! Any bytes as a widget URL, decoded as UTF-8 with U+FFFD for invalid
//! sequences (so every input is verified; the replacement character is one
//! more non-ASCII input), through `Verifier::verify_url_at`, `org_id_of` and
//! `diagnose_url`, with the vectors' secrets, org and clock.
//!
//! Invariants: nothing panics; an accepted URL's identity meets every field
//! rule, is for the verifier's org, is fresh, and verifying the same URL
//! again is `Replayed`; `org_id_of` agrees with the verifier; diagnose calls
//! an accepted URL's hash right (`Matches`, or `OtherSecret` for the previous
//! secret); no message shows a secret.
#![no_main]

use libfuzzer_sys::fuzz_target;
use userhash::{
    check_email, check_name, check_nonce, check_org_id, check_timestamp_ms, diagnose_url, org_id_of, Cause, Diagnosis,
    Error, Verifier, DEFAULT_TOLERANCE_MS, RESERVED_PARAMS,
};
use userhash_fuzz::{given_in, NOW_MS, OLD_SECRET, ORG_ID, SECRET};

fuzz_target!(|data: &[u8]| {
    let url = String::from_utf8_lossy(data);
    let verifier = Verifier::new([SECRET, OLD_SECRET], ORG_ID).expect("the vectors' configuration is valid");

    let claimed = org_id_of(&url);
    if let Ok(org_id) = &claimed {
        assert!(check_org_id(org_id).is_ok(), "org_id_of returned a malformed org id {org_id:?}");
    }
    let diagnosis = diagnose_url([SECRET, OLD_SECRET], &url, None);
    match &diagnosis {
        Ok(d) => assert_no_secret(&format!("{d} {d:?}"), &url),
        Err(e) => assert_no_secret(&format!("{e} {e:?}"), &url),
    }

    let identity = match verifier.verify_url_at(&url, NOW_MS) {
        Ok(identity) => identity,
        Err(e) => {
            assert_no_secret(&format!("{e} {e:?}"), &url);
            return;
        }
    };
    check_email(&identity.email).expect("an accepted email meets its rule");
    check_org_id(&identity.org_id).expect("an accepted org id meets its rule");
    check_nonce(&identity.nonce).expect("an accepted nonce meets its rule");
    check_timestamp_ms(identity.timestamp_ms).expect("an accepted timestamp has at most 16 digits");
    assert_eq!(identity.org_id, ORG_ID, "accepted a URL for another org");
    assert!(identity.timestamp_ms.abs_diff(NOW_MS) <= DEFAULT_TOLERANCE_MS, "accepted a stale or future URL");
    if let Some(name) = &identity.name {
        check_name(name).expect("an accepted name meets its rule");
    }
    for key in identity.params.keys() {
        assert!(!RESERVED_PARAMS.contains(&key.as_str()), "a reserved parameter {key:?} among the extra ones");
    }
    assert!(identity.key_index < 2, "key_index {} with two secrets", identity.key_index);
    assert_eq!(claimed.as_deref(), Ok(ORG_ID), "org_id_of disagrees with the verifier");

    // The hash was right under secret `key_index`: diagnose must say so.
    let causes = match diagnosis.expect("diagnose_url reads every URL the verifier accepts") {
        Diagnosis::Matches => vec![],
        Diagnosis::Explained { causes } => causes,
        other => panic!("diagnose_url says {other:?} for an accepted URL"),
    };
    let expected_first = (identity.key_index == 1).then_some(Cause::OtherSecret { key_index: 1 });
    assert_eq!(causes.first().filter(|c| **c != Cause::UpperCaseHex), expected_first.as_ref(), "{causes:?}");
    for cause in causes.iter().skip(usize::from(expected_first.is_some())) {
        assert_eq!(*cause, Cause::UpperCaseHex, "an accepted hash can differ only by its hex case: {causes:?}");
    }

    match verifier.verify_url_at(&url, NOW_MS) {
        Err(Error::Replayed) => {}
        other => panic!("the same URL verified twice gave {other:?}"),
    }
});

/// No secret in `text`, unless the URL itself carries it (a message may
/// quote what it received).
fn assert_no_secret(text: &str, url: &str) {
    for secret in [SECRET, OLD_SECRET] {
        if !given_in(secret.as_bytes(), &[url]) {
            assert!(!text.contains(secret), "a secret in {text:?}");
        }
    }
}
