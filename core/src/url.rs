//! The widget URL (SPEC §2) and the query parser of SPEC §3 step 1.
//!
//! Encoding is WHATWG's `application/x-www-form-urlencoded` serializer, the one
//! behind JavaScript's `URLSearchParams.toString()` (from the `form_urlencoded`
//! crate): a space is `+`, a `+` is `%2B`, `@` is `%40`. Decoding is the same
//! format read strictly: `+` is a space, `%XX` is a byte, and bytes that are not
//! UTF-8 are an error, never a replacement character.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::error::{Error, Field, Limit, Result};
use crate::identity::SignedIdentity;

/// URL parameters a caller's extra params may not use: the signed ones and `name`.
pub const RESERVED_PARAMS: [&str; 6] = ["orgId", "email", "name", "timestamp", "nonce", "user_hash"];

/// The longest display name, in bytes.
pub const MAX_NAME_LEN: usize = 256;

/// The hosted widget's URL for a signed identity.
///
/// Appends to `base_url`'s query (keeping what is there, before any
/// `#fragment`), in this order: `orgId`, `email`, `name` (if given), each extra
/// param sorted by key (UTF-8 byte order), then `timestamp`, `nonce`,
/// `user_hash`. `name` and the extra params are not signed: the widget may show
/// them, but must not trust them.
pub fn widget_url<K, V>(
    base_url: &str,
    identity: &SignedIdentity,
    name: Option<&str>,
    params: impl IntoIterator<Item = (K, V)>,
) -> Result<String>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    check_base_url(base_url)?;
    identity.check()?;
    if let Some(name) = name {
        check_name(name)?;
    }
    let mut extra: Vec<(K, V)> = params.into_iter().collect();
    extra.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
    for pair in extra.windows(2) {
        if pair[0].0.as_ref() == pair[1].0.as_ref() {
            return Err(Error::malformed(Field::Params, format!("{:?} is given twice", pair[0].0.as_ref())));
        }
    }
    for (key, _) in &extra {
        check_param_key(key.as_ref())?;
    }
    let base_params = check_base_query(base_url, extra.iter().map(|(k, _)| k.as_ref()))?;

    // The verifier refuses a URL past its default limits unread, so no such
    // URL is made: the signed fields, the name, the extras and the base's own.
    let limits = InputLimits::default();
    let signed_params = 5 + usize::from(name.is_some());
    limits.check_count(base_params + signed_params + extra.len())?;

    let mut query = form_urlencoded::Serializer::new(String::with_capacity(256));
    query.append_pair("orgId", &identity.org_id);
    query.append_pair("email", &identity.email);
    if let Some(name) = name {
        query.append_pair("name", name);
    }
    for (key, value) in &extra {
        query.append_pair(key.as_ref(), value.as_ref());
    }
    query.append_pair("timestamp", &identity.timestamp());
    query.append_pair("nonce", &identity.nonce);
    query.append_pair("user_hash", &identity.user_hash);
    let query = query.finish();

    let (before_fragment, fragment) = match base_url.find('#') {
        Some(i) => base_url.split_at(i),
        None => (base_url, ""),
    };
    // The query starts at the first `?`; a later `?` is part of it, so
    // `?v=2?` still needs a `&`.
    let separator = match before_fragment.split_once('?') {
        None => "?",
        Some((_, query)) if query.is_empty() || query.ends_with('&') => "",
        Some(_) => "&",
    };
    let url = format!("{before_fragment}{separator}{query}{fragment}");
    limits.check_len(&url)?;
    Ok(url)
}

fn check_base_url(base_url: &str) -> Result<()> {
    if base_url.is_empty() {
        return Err(Error::malformed(Field::BaseUrl, "it is empty; give the hosted widget's address"));
    }
    if base_url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::malformed(
            Field::BaseUrl,
            "it contains whitespace or a control character; percent-encode it",
        ));
    }
    // The verifier's rule (`query_of`): only a URL with a scheme or a path
    // has its query after `?`; anything else would be read as a bare query.
    if !is_url(base_url) {
        return Err(Error::malformed(
            Field::BaseUrl,
            "it is neither an absolute URL nor a path; write it as https://widget.example.com/... (or /widget for a path on the same site)",
        ));
    }
    Ok(())
}

/// The base URL's own query must not collide with what is appended: the
/// verifier would reject the URL as `Duplicate`, so refuse to make it.
/// Returns how many parameters the base's query has.
fn check_base_query<'k>(base_url: &str, extra_keys: impl Iterator<Item = &'k str>) -> Result<usize> {
    let mut seen: HashSet<Cow<'_, str>> = HashSet::new();
    for pair in pairs(query_of(base_url)) {
        let (key, _) =
            pair.map_err(|_| Error::malformed(Field::BaseUrl, "its query is not valid UTF-8 once decoded"))?;
        if RESERVED_PARAMS.contains(&key.as_ref()) {
            return Err(Error::malformed(
                Field::BaseUrl,
                format!("its query already has {key:?}, which the signed URL sets; remove it from the base URL"),
            ));
        }
        if seen.contains(&key) {
            return Err(Error::malformed(Field::BaseUrl, format!("its query has {key:?} twice")));
        }
        seen.insert(key);
    }
    for key in extra_keys {
        if seen.contains(key) {
            return Err(Error::malformed(
                Field::Params,
                format!("{key:?} is already in the base URL's query; give it once"),
            ));
        }
    }
    Ok(seen.len())
}

/// A display name: 1..=256 bytes, no control character. It is not signed.
pub fn check_name(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > MAX_NAME_LEN {
        return Err(Error::malformed(
            Field::Name,
            format!("it must be 1 to {MAX_NAME_LEN} bytes long (leave it out when there is none)"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::malformed(Field::Name, "it contains a control character (a newline?)"));
    }
    Ok(())
}

fn check_param_key(key: &str) -> Result<()> {
    if key.is_empty() {
        return Err(Error::malformed(Field::Params, "an extra parameter has an empty name"));
    }
    if RESERVED_PARAMS.contains(&key) {
        return Err(Error::malformed(
            Field::Params,
            format!("{key:?} is one of the widget's own parameters ({}); rename it", RESERVED_PARAMS.join(", ")),
        ));
    }
    Ok(())
}

/// How much of a URL a verifier reads before it checks the signature (SPEC
/// §3): everything up to the MAC is attacker-controlled, so its cost is
/// bounded as well as linear. The defaults are far above any real widget URL
/// (a few hundred bytes, about ten parameters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InputLimits {
    /// The longest URL read, in bytes ([`DEFAULT_MAX_URL_LEN`]).
    pub max_url_len: usize,
    /// The most query parameters read, signed ones included, empty pairs
    /// (`&&`) not counted ([`DEFAULT_MAX_PARAMS`]).
    pub max_params: usize,
}

/// The longest URL a verifier reads by default: 64 KiB.
pub const DEFAULT_MAX_URL_LEN: usize = 64 * 1024;
/// The most parameters a verifier reads by default.
pub const DEFAULT_MAX_PARAMS: usize = 1_000;

impl Default for InputLimits {
    fn default() -> Self {
        InputLimits { max_url_len: DEFAULT_MAX_URL_LEN, max_params: DEFAULT_MAX_PARAMS }
    }
}

impl InputLimits {
    fn check_len(&self, url: &str) -> Result<()> {
        if url.len() > self.max_url_len {
            return Err(Error::TooLarge { limit: Limit::UrlLength, max: self.max_url_len });
        }
        Ok(())
    }

    fn check_count(&self, count: usize) -> Result<()> {
        if count > self.max_params {
            return Err(Error::TooLarge { limit: Limit::ParamCount, max: self.max_params });
        }
        Ok(())
    }
}

/// The widget parameters of a URL as received: decoded, each signed one at most
/// once, field rules not yet applied. Borrows from the URL where no decoding
/// was needed.
#[derive(Debug, Default)]
pub(crate) struct ReceivedParams<'a> {
    pub org_id: Option<Cow<'a, str>>,
    pub email: Option<Cow<'a, str>>,
    pub timestamp: Option<Cow<'a, str>>,
    pub nonce: Option<Cow<'a, str>>,
    pub user_hash: Option<Cow<'a, str>>,
    pub name: Option<Cow<'a, str>>,
    pub extra: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

/// Whether `text` starts with a URL scheme (RFC 3986: a letter, then letters,
/// digits, `+`, `-` or `.`, then `:`), as `https:` does. A bare query string
/// starts with a parameter name, which has an `=` or `&` before any `:`.
fn has_scheme(text: &str) -> bool {
    let bytes = text.as_bytes();
    if !bytes.first().is_some_and(u8::is_ascii_alphabetic) {
        return false;
    }
    for &b in &bytes[1..] {
        match b {
            b':' => return true,
            b if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.') => {}
            _ => return false,
        }
    }
    false
}

/// Whether `text` is a URL (a scheme, as in `https://...`, or a path, as in a
/// request target `/widget?...`) rather than a bare query string.
pub(crate) fn is_url(text: &str) -> bool {
    has_scheme(text) || text.starts_with('/')
}

/// The query to read, by one rule (the README's): a URL (with a scheme, or a
/// path starting with `/`) has its query after its first `?` and before any
/// `#`, and none without a `?`; anything else is a bare query string, read
/// whole but for one leading `?` and any `#fragment`.
pub(crate) fn query_of(url: &str) -> &str {
    let before_fragment = url.split_once('#').map_or(url, |(before, _)| before);
    if is_url(url) {
        before_fragment.split_once('?').map_or("", |(_, query)| query)
    } else {
        before_fragment.strip_prefix('?').unwrap_or(before_fragment)
    }
}

/// SPEC §3 step 1 up to the field rules: decode every pair strictly, reject a
/// parameter that appears twice. Linear in the URL's length, and refused
/// unread past `limits`.
pub(crate) fn parse_params<'a>(url: &'a str, limits: &InputLimits) -> Result<ReceivedParams<'a>> {
    limits.check_len(url)?;
    let mut received = ReceivedParams::default();
    for (count, pair) in query_of(url).split('&').filter(|p| !p.is_empty()).enumerate() {
        limits.check_count(count + 1)?;
        let (raw_key, raw_value) = split_pair(pair);
        let key = decode(raw_key)
            .ok_or_else(|| Error::malformed(Field::Params, "a parameter name is not valid UTF-8 once decoded"))?;
        let (slot, field) = match key.as_ref() {
            "orgId" => (&mut received.org_id, Field::OrgId),
            "email" => (&mut received.email, Field::Email),
            "timestamp" => (&mut received.timestamp, Field::Timestamp),
            "nonce" => (&mut received.nonce, Field::Nonce),
            "user_hash" => (&mut received.user_hash, Field::UserHash),
            "name" => (&mut received.name, Field::Name),
            _ => {
                let value = decode(raw_value).ok_or_else(|| {
                    Error::malformed(Field::Params, format!("the value of {key:?} is not valid UTF-8 once decoded"))
                })?;
                received.extra.push((key, value));
                continue;
            }
        };
        if slot.is_some() {
            return Err(Error::Duplicate { field });
        }
        let value = decode(raw_value).ok_or_else(|| Error::malformed(field, "it is not valid UTF-8 once decoded"))?;
        *slot = Some(value);
    }
    // One pass with a hash set, not a comparison with every earlier key: a
    // URL with many parameters costs time in proportion to its length.
    if received.extra.len() > 1 {
        let mut seen = HashSet::with_capacity(received.extra.len());
        if !received.extra.iter().all(|(key, _)| seen.insert(key.as_ref())) {
            return Err(Error::Duplicate { field: Field::Params });
        }
    }
    Ok(received)
}

fn split_pair(pair: &str) -> (&str, &str) {
    pair.split_once('=').unwrap_or((pair, ""))
}

/// Every decoded `(key, value)` of a query; `Err(())` for one that is not UTF-8.
fn pairs(query: &str) -> impl Iterator<Item = Result<(Cow<'_, str>, Cow<'_, str>), ()>> {
    query.split('&').filter(|p| !p.is_empty()).map(|pair| {
        let (k, v) = split_pair(pair);
        Ok((decode(k).ok_or(())?, decode(v).ok_or(())?))
    })
}

/// One form-encoded component: `+` to space, then percent-decoding; `None`
/// when the bytes are not UTF-8.
fn decode(raw: &str) -> Option<Cow<'_, str>> {
    if !raw.contains(['+', '%']) {
        return Some(Cow::Borrowed(raw));
    }
    let spaced = raw.replace('+', " ");
    let decoded = percent_encoding::percent_decode_str(&spaced).decode_utf8().ok()?;
    Some(Cow::Owned(decoded.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_of_reads_a_url_after_its_question_mark_and_a_bare_query_whole() {
        assert_eq!(query_of("https://x.test/p?a=1&b=2#f?g"), "a=1&b=2");
        assert_eq!(query_of("/widget?a=1"), "a=1", "a request target is a URL");
        assert_eq!(query_of("a=1&b=2"), "a=1&b=2");
        assert_eq!(query_of("?a=1"), "a=1");
        assert_eq!(query_of("a=1#frag"), "a=1");
        // A URL without `?` has no query, even when its path looks like one.
        assert_eq!(query_of("https://x.test/#frag?a=1"), "");
        assert_eq!(query_of("https://w.test/x&orgId=org_1&email=a"), "");
        assert_eq!(query_of("/x&orgId=org_1"), "");
        // A bare query string's first name has no `scheme:` before its `=`.
        assert_eq!(query_of("orgId=org:1&a=b"), "orgId=org:1&a=b");
        assert_eq!(query_of("x-y.z+w:rest"), "");
    }

    #[test]
    fn limits_are_checked_before_anything_is_decoded() {
        let limits = InputLimits { max_url_len: 20, max_params: 2 };
        assert!(matches!(
            parse_params("a=%FF&bbbbbbbbbbbbbbbbbbbbbb=1", &limits),
            Err(Error::TooLarge { limit: Limit::UrlLength, max: 20 })
        ));
        assert!(parse_params("a=1&&&b=2", &limits).is_ok(), "empty pairs do not count");
        assert!(matches!(
            parse_params("a=1&b=2&c=%FF", &limits),
            Err(Error::TooLarge { limit: Limit::ParamCount, max: 2 })
        ));
    }

    #[test]
    fn a_repeated_extra_parameter_is_a_duplicate_wherever_it_is() {
        let limits = InputLimits::default();
        let many: String = (0..500).map(|i| format!("k{i}=v&")).collect();
        assert!(parse_params(&many, &limits).is_ok());
        let repeated = format!("{many}k0=again");
        assert!(matches!(parse_params(&repeated, &limits), Err(Error::Duplicate { field: Field::Params })));
    }

    #[test]
    fn decode_is_strict() {
        assert_eq!(decode("a+b%2Bc%40").as_deref(), Some("a b+c@"));
        assert_eq!(decode("%FF"), None);
        assert_eq!(decode("%zz").as_deref(), Some("%zz"), "a bad escape stays as text, as WHATWG says");
        assert!(matches!(decode("plain"), Some(Cow::Borrowed("plain"))));
    }
}
