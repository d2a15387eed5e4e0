//! The spellings of an email a signer may have used instead of the one
//! received: the case variants the search tries.

/// Other spellings of an email a signer may have used: lower and upper case,
/// a capital first letter, and capitalised words (`Jane.Doe@Example.com`).
pub(super) fn case_variants(email: &str) -> Vec<String> {
    let (local, domain) = email.rsplit_once('@').unwrap_or((email, ""));
    let at = if email.contains('@') { "@" } else { "" };
    let mut variants = vec![
        email.to_lowercase(),
        email.to_uppercase(),
        capitalise_first(&email.to_lowercase()),
        format!("{}{at}{}", title_words(local), domain.to_lowercase()),
        format!("{}{at}{}", title_words(local), title_words(domain)),
        format!("{}{at}{}", title_words(local), domain),
        format!("{}{at}{}", local, domain.to_lowercase()),
    ];
    variants.dedup();
    variants
}

fn capitalise_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// Each word, split at `.`, `-`, `_` or `+`, with a capital first letter.
fn title_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut start = true;
    for c in text.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = matches!(c, '.' | '-' | '_' | '+');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_variants_cover_the_usual_spellings() {
        let v = case_variants("jane.doe@example.com");
        for want in ["JANE.DOE@EXAMPLE.COM", "Jane.doe@example.com", "Jane.Doe@example.com", "Jane.Doe@Example.Com"] {
            assert!(v.iter().any(|x| x == want), "{want} in {v:?}");
        }
    }
}
