//! Defects the fuzz targets (fuzz/, `cargo xtask fuzz`) found, each as the
//! smallest case that showed it.

use userhash::{widget_url, IdentitySigner, Verifier};

const SECRET: &str = "whsec_9f2c4e7a1b3d5f60a8c2e4b6d8f0a1c3";
const NOW: u64 = 1_712_345_678_901;
const NONCE: &str = "550e8400-e29b-41d4-a716-446655440000";

/// widget_roundtrip: a base URL whose query ends with a `?` of its own
/// (`?v=2?`: the query is `v=2?`) got no `&` before `orgId`, so the URL's
/// first pair became `v` = `2?orgId=org_123` and its own verifier said
/// `Missing(org_id)`. Only a `?` that starts the query may go without one.
#[test]
fn a_base_query_ending_in_a_second_question_mark_still_gets_its_separator() {
    let identity = IdentitySigner::new(SECRET, "org_123").unwrap().sign_at("jane@example.com", NOW, NONCE).unwrap();
    let bases =
        ["https://widget.example.com/app?v=2?", "https://widget.example.com/app??", "https://w.example/?a?#top"];
    for base in bases {
        let url = widget_url(base, &identity, None, Vec::<(&str, &str)>::new()).unwrap();
        let verified = Verifier::new([SECRET], "org_123")
            .unwrap()
            .verify_url_at(&url, NOW)
            .unwrap_or_else(|e| panic!("{base}: its widget URL {url} is rejected: {e}"));
        assert_eq!(verified.email, "jane@example.com");
        let (before_fragment, _) = base.split_once('#').unwrap_or((base, ""));
        assert!(url.starts_with(&format!("{before_fragment}&orgId=org_123&")), "{url}");
    }
}
