//! The Debian mirror the root is made from: the one this machine's apt
//! uses, read from its sources in either format.

use std::fs;
use std::path::PathBuf;

/// The Debian mirror this machine's apt uses: `USERHASH_DEBIAN_MIRROR` if
/// set, else the first `deb` source of the main archive in
/// `/etc/apt/sources.list` and `/etc/apt/sources.list.d/` (one-line `.list`
/// or deb822 `.sources`), else deb.debian.org.
pub(super) fn debian_mirror() -> Result<String, String> {
    if let Ok(mirror) = std::env::var("USERHASH_DEBIAN_MIRROR") {
        if !mirror.is_empty() {
            return Ok(mirror);
        }
    }
    let mut files = vec![PathBuf::from("/etc/apt/sources.list")];
    if let Ok(entries) = fs::read_dir("/etc/apt/sources.list.d") {
        let mut more: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        more.sort();
        files.extend(more);
    }
    for file in files {
        let name = file.to_string_lossy();
        let Ok(text) = fs::read_to_string(&file) else { continue };
        let sources = if name.ends_with(".sources") {
            deb822_sources(&text)
        } else if name.ends_with(".list") {
            one_line_sources(&text)
        } else {
            continue;
        };
        if let Some(uri) = sources.into_iter().find(|(uri, suites)| is_main_archive(uri, suites)).map(|(uri, _)| uri) {
            println!("swift: Debian mirror {uri} (from {name})");
            return Ok(uri);
        }
    }
    let fallback = "http://deb.debian.org/debian".to_owned();
    println!("swift: no Debian mirror found in /etc/apt; using {fallback}");
    Ok(fallback)
}

/// A source of Debian's main archive: a release suite (`bookworm`,
/// `bookworm-updates`, `stable`), not the security archive or a third party.
fn is_main_archive(uri: &str, suites: &[String]) -> bool {
    const RELEASES: &[&str] =
        &["bullseye", "bookworm", "trixie", "forky", "sid", "oldstable", "stable", "testing", "unstable"];
    (uri.starts_with("http://") || uri.starts_with("https://"))
        && !uri.contains("security")
        && suites.iter().any(|s| RELEASES.contains(&s.split('-').next().unwrap_or("")))
}

/// `(uri, suites)` of each `deb` line of a one-line-style list.
fn one_line_sources(text: &str) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        let Some(rest) = line.strip_prefix("deb").filter(|r| r.starts_with([' ', '\t'])) else { continue };
        let rest = rest.trim_start();
        // Options come first, in brackets: `[arch=amd64 signed-by=...]`.
        let rest = if rest.starts_with('[') { rest.split_once(']').map_or("", |(_, r)| r) } else { rest };
        let mut words = rest.split_whitespace();
        if let (Some(uri), Some(suite)) = (words.next(), words.next()) {
            found.push((uri.trim_end_matches('/').to_owned(), vec![suite.to_owned()]));
        }
    }
    found
}

/// `(first URI, suites)` of each enabled `deb` stanza of a deb822 file.
fn deb822_sources(text: &str) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    for stanza in text.split("\n\n") {
        let field = |key: &str| -> Option<String> {
            stanza.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim().eq_ignore_ascii_case(key).then(|| v.trim().to_owned())
            })
        };
        let enabled = field("Enabled").is_none_or(|v| !v.eq_ignore_ascii_case("no"));
        let is_deb = field("Types").is_some_and(|t| t.split_whitespace().any(|t| t == "deb"));
        if let (true, true, Some(uris), Some(suites)) = (enabled, is_deb, field("URIs"), field("Suites")) {
            if let Some(uri) = uris.split_whitespace().next() {
                found.push((
                    uri.trim_end_matches('/').to_owned(),
                    suites.split_whitespace().map(str::to_owned).collect(),
                ));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::{deb822_sources, is_main_archive, one_line_sources};

    #[test]
    fn finds_the_main_archive_in_both_formats() {
        let deb822 = "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\n\
                      Components: main\n\nTypes: deb\nURIs: http://deb.debian.org/debian-security\n\
                      Suites: bookworm-security\nComponents: main\n";
        let sources = deb822_sources(deb822);
        assert_eq!(sources.len(), 2);
        let main: Vec<_> = sources.iter().filter(|(u, s)| is_main_archive(u, s)).collect();
        assert_eq!(main.len(), 1);
        assert_eq!(main[0].0, "http://deb.debian.org/debian");

        let list = "# comment\ndeb [arch=amd64 signed-by=/k.gpg] https://packages.example.com/apt cloud-sdk main\n\
                    deb http://mirror.example.org/debian/ bookworm main\n\
                    deb-src http://mirror.example.org/debian bookworm main\n";
        let sources = one_line_sources(list);
        assert_eq!(sources.len(), 2);
        let main: Vec<_> = sources.iter().filter(|(u, s)| is_main_archive(u, s)).collect();
        assert_eq!(main, [&("http://mirror.example.org/debian".to_owned(), vec!["bookworm".to_owned()])]);
    }
}
