//! What diagnose found: the hash matches, the causes that reproduce it, or
//! none of the usual ones.

use std::fmt;

use super::cause::Cause;

/// What diagnose found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Diagnosis {
    /// The hash is right for these inputs under the first secret: the
    /// mismatch is elsewhere (another secret on the verifying side, other
    /// inputs than the ones given here).
    Matches,
    /// The first cause reproduces the hash; any further ones are also wrong
    /// with it (an encoding on top of another mistake).
    Explained { causes: Vec<Cause> },
    /// No usual cause reproduces the hash: the secret itself is the likely cause.
    Unexplained,
}

impl Diagnosis {
    /// `Matches`, `Explained` or `Unexplained`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Diagnosis::Matches => "Matches",
            Diagnosis::Explained { .. } => "Explained",
            Diagnosis::Unexplained => "Unexplained",
        }
    }

    /// The causes found, main one first (empty unless `Explained`).
    #[must_use]
    pub fn causes(&self) -> &[Cause] {
        match self {
            Diagnosis::Explained { causes } => causes,
            _ => &[],
        }
    }
}

impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Diagnosis::Matches => f.write_str(
                "the hash is correct for these inputs under the first secret; if it is still rejected, the verifying side \
                 uses another secret or receives other values than these (verify the URL with `userhash verify-url` to see the rejection)",
            ),
            Diagnosis::Explained { causes } => {
                for (i, cause) in causes.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; also: ")?;
                    }
                    write!(f, "{cause}")?;
                }
                Ok(())
            }
            Diagnosis::Unexplained => f.write_str(
                "none of the usual causes explains the hash (whitespace, email case, `+` read as a space, seconds for milliseconds, \
                 hex case, base64, the other scheme, another configured secret): the signer most likely uses a different secret; \
                 copy the current secret from the dashboard again to the signer and the verifier",
            ),
        }
    }
}
