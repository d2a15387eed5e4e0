//! The widget URL (SPEC §2) and the query parser of SPEC §3 step 1.
//!
//! Encoding is WHATWG's `application/x-www-form-urlencoded` serializer, the one
//! behind JavaScript's `URLSearchParams.toString()` (from the `form_urlencoded`
//! crate): a space is `+`, a `+` is `%2B`, `@` is `%40`. Decoding is the same
//! format read strictly: `+` is a space, `%XX` is a byte, and bytes that are not
//! UTF-8 are an error, never a replacement character.

use std::borrow::Cow;

use crate::error::{Error, Field, Result};
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
    check_base_query(base_url, extra.iter().map(|(k, _)| k.as_ref()))?;

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
    let separator = if !before_fragment.contains('?') {
        "?"
    } else if before_fragment.ends_with('?') || before_fragment.ends_with('&') {
        ""
    } else {
        "&"
    };
    Ok(format!("{before_fragment}{separator}{query}{fragment}"))
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
    Ok(())
}

/// The base URL's own query must not collide with what is appended: the
/// verifier would reject the URL as `Duplicate`, so refuse to make it.
fn check_base_query<'k>(base_url: &str, extra_keys: impl Iterator<Item = &'k str> + Clone) -> Result<()> {
    let mut seen: Vec<Cow<'_, str>> = Vec::new();
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
        if extra_keys.clone().any(|k| k == key) {
            return Err(Error::malformed(
                Field::Params,
                format!("{key:?} is already in the base URL's query; give it once"),
            ));
        }
        seen.push(key);
    }
    Ok(())
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

/// The query of a full URL (after the first `?`, before any `#`), or the
/// whole input when it has no `?` (a bare query string).
pub(crate) fn query_of(url: &str) -> &str {
    let url = url.split_once('#').map_or(url, |(before, _)| before);
    url.split_once('?').map_or(url, |(_, query)| query)
}

/// SPEC §3 step 1 up to the field rules: decode every pair strictly, reject a
/// parameter that appears twice.
pub(crate) fn parse_params(url: &str) -> Result<ReceivedParams<'_>> {
    let mut received = ReceivedParams::default();
    for pair in query_of(url).split('&').filter(|p| !p.is_empty()) {
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
                if received.extra.iter().any(|(k, _)| *k == key) {
                    return Err(Error::Duplicate { field: Field::Params });
                }
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
    fn query_of_handles_urls_bare_queries_and_fragments() {
        assert_eq!(query_of("https://x.test/p?a=1&b=2#f?g"), "a=1&b=2");
        assert_eq!(query_of("a=1&b=2"), "a=1&b=2");
        assert_eq!(query_of("?a=1"), "a=1");
        assert_eq!(query_of("https://x.test/#frag?a=1"), "https://x.test/");
    }

    #[test]
    fn decode_is_strict() {
        assert_eq!(decode("a+b%2Bc%40").as_deref(), Some("a b+c@"));
        assert_eq!(decode("%FF"), None);
        assert_eq!(decode("%zz").as_deref(), Some("%zz"), "a bad escape stays as text, as WHATWG says");
        assert!(matches!(decode("plain"), Some(Cow::Borrowed("plain"))));
    }
}
