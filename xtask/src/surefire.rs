//! Maven Surefire's XML reports, read into counts: every `TEST-*.xml` in a
//! folder, its `<testsuite>`'s `tests`, `failures`, `errors` and `skipped`.
//! A skipped test, or no test at all, is a failure.

use std::fs;
use std::path::Path;

use crate::run::Counts;

/// Adds up Surefire's XML reports in `dir`; a skipped test, or no test, is a failure.
pub fn counts(dir: &Path) -> Result<Counts, String> {
    let mut counts = Counts::default();
    let (mut tests, mut skipped) = (0u64, 0u64);
    let entries = fs::read_dir(dir).map_err(|e| format!("no Surefire reports in {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !(name.starts_with("TEST-") && name.ends_with(".xml")) {
            continue;
        }
        let xml = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let suite = report(name, &xml)?;
        tests += suite.tests;
        skipped += suite.skipped;
        counts.failed += suite.failures + suite.errors;
        counts.passed += suite.tests - suite.failures - suite.errors - suite.skipped;
    }
    println!("surefire ({}): {} passed, {} failed, {skipped} skipped", dir.display(), counts.passed, counts.failed);
    if tests == 0 {
        return Err(format!("Surefire ran no test in {}", dir.display()));
    }
    if skipped > 0 {
        return Err(format!("{skipped} test(s) skipped in {}; every test must run", dir.display()));
    }
    Ok(counts)
}

/// One report's `<testsuite>` attributes.
#[derive(Debug, PartialEq, Eq)]
struct Suite {
    tests: u64,
    failures: u64,
    errors: u64,
    skipped: u64,
}

/// The counts of report `name`, whose text is `xml`.
fn report(name: &str, xml: &str) -> Result<Suite, String> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| format!("{name}: not XML ({e})"))?;
    let suite =
        doc.descendants().find(|n| n.has_tag_name("testsuite")).ok_or_else(|| format!("{name}: no <testsuite>"))?;
    let attr = |key: &str| -> Result<u64, String> {
        let value = suite.attribute(key).ok_or_else(|| format!("{name}: no {key} attribute"))?;
        value.parse().map_err(|e| format!("{name}: {key}: {e}"))
    };
    Ok(Suite { tests: attr("tests")?, failures: attr("failures")?, errors: attr("errors")?, skipped: attr("skipped")? })
}

#[cfg(test)]
mod tests {
    use super::{report, Suite};

    #[test]
    fn reads_a_surefire_report() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="dev.userhash.VectorsTest" time="0.5" tests="7" errors="1" skipped="0" failures="2">
  <properties><property name="java.version" value="17"/></properties>
  <testcase name="signs" classname="dev.userhash.VectorsTest" time="0.1"/>
</testsuite>"#;
        assert_eq!(report("TEST-a.xml", xml), Ok(Suite { tests: 7, failures: 2, errors: 1, skipped: 0 }));
        let no_skipped = r#"<testsuite tests="1" failures="0" errors="0"/>"#;
        assert_eq!(report("TEST-b.xml", no_skipped), Err("TEST-b.xml: no skipped attribute".to_owned()));
        assert_eq!(report("TEST-c.xml", "<testsuites/>"), Err("TEST-c.xml: no <testsuite>".to_owned()));
        assert!(report("TEST-d.xml", "<testsuite tests=\"x\"").is_err());
    }
}
