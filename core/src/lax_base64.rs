//! Base64 as the laxest readers take it: the standard or the URL-safe
//! alphabet (even mixed), `=` padding or none, leftover bits ignored. What
//! a JWT library may accept as a token's header (`cross_scheme`), and what
//! a signer may have printed a tag as (`diagnose`).

use base64::engine::{general_purpose::GeneralPurpose, DecodePaddingMode, GeneralPurposeConfig};
use base64::Engine as _;

/// The bytes of `text`, or `None` when it is not base64 in either alphabet.
pub(crate) fn decode(text: &str) -> Option<Vec<u8>> {
    const LAX: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    if !text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'/' | b'=')) {
        return None;
    }
    let url_safe: String = text
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    LAX.decode(url_safe).ok()
}

#[cfg(test)]
mod tests {
    use super::decode as base64_decode;

    #[test]
    fn base64_reads_both_alphabets_with_and_without_padding() {
        assert_eq!(base64_decode("aGk=").as_deref(), Some(b"hi".as_slice()));
        assert_eq!(base64_decode("aGk").as_deref(), Some(b"hi".as_slice()));
        assert_eq!(base64_decode("-_8").as_deref(), Some([0xfb, 0xff].as_slice()));
        assert_eq!(base64_decode("+/8=").as_deref(), Some([0xfb, 0xff].as_slice()));
        assert_eq!(base64_decode("a b"), None);
    }
}
