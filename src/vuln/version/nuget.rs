//! NuGet versions: `NuGet.Versioning.NuGetVersion` as compared by
//! `VersionComparer.Default` (<https://learn.microsoft.com/nuget/concepts/
//! package-versioning>).
//!
//! SemVer 2.0 extended to four numeric parts (`1.0.0.1`); missing parts
//! are `0` (`1.0 == 1.0.0.0`). Release labels are dot-separated
//! identifiers of `[0-9A-Za-z-]` compared one by one: labels that parse as
//! a 32-bit integer (`int.TryParse`) compare numerically and below other
//! labels, others compare ordinal case-insensitively (`1.0.0-ALPHA ==
//! 1.0.0-alpha`); more labels > fewer; no labels > any labels. Build
//! metadata after `+` is validated and ignored.
//!
//! Tolerances beyond `NuGetVersion.TryParse`: surrounding whitespace, a
//! leading `v`/`V` (seen in some SBOMs), and numeric parts above
//! `int.MaxValue`, which compare numerically instead of failing.

use super::num::Num;
use super::VersionError;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// Name of this scheme in errors.
pub(crate) const NAME: &str = "NuGet";

/// One release label. Declaration order is precedence: numeric labels sort
/// below alphanumeric ones.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Label {
    Numeric(i32),
    /// Lowercased, which orders like `OrdinalIgnoreCase` on `[0-9A-Za-z-]`.
    Text(Box<str>),
}

/// A NuGet version; equality, ordering and hashing follow
/// `VersionComparer.Default`.
#[derive(Debug, Clone)]
pub struct NuGetVersion {
    text: Box<str>,
    parts: [Num; 4],
    labels: Vec<Label>,
    metadata: Option<Box<str>>,
}

fn valid_identifier(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

impl NuGetVersion {
    /// Parses `input` (see the module docs for what is accepted).
    pub fn parse(input: &str) -> Result<NuGetVersion, VersionError> {
        let err = |reason: &str| VersionError::new(NAME, input, reason);
        let text = input.trim();
        let body = text
            .strip_prefix('v')
            .or_else(|| text.strip_prefix('V'))
            .unwrap_or(text);
        let (body, metadata) = match body.split_once('+') {
            Some((b, m)) => {
                if !m.split('.').all(valid_identifier) {
                    return Err(err("invalid build metadata"));
                }
                (b, Some(m))
            }
            None => (body, None),
        };
        let (core, release) = match body.split_once('-') {
            Some((c, r)) => (c, Some(r)),
            None => (body, None),
        };
        let numbers: Vec<&str> = core.split('.').collect();
        if numbers.len() > 4 {
            return Err(err("more than four numeric parts"));
        }
        let mut parts: [Num; 4] = [Num::zero(), Num::zero(), Num::zero(), Num::zero()];
        for (slot, digits) in parts.iter_mut().zip(&numbers) {
            *slot = Num::parse(digits)
                .ok_or_else(|| err("numeric parts must be non-empty decimal numbers"))?;
        }
        let labels = match release {
            None => Vec::new(),
            Some(release) => {
                let mut labels = Vec::new();
                for label in release.split('.') {
                    if !valid_identifier(label) {
                        return Err(err("release labels must be non-empty [0-9A-Za-z-]"));
                    }
                    labels.push(match label.parse::<i32>() {
                        Ok(n) => Label::Numeric(n),
                        Err(_) => Label::Text(label.to_ascii_lowercase().into()),
                    });
                }
                labels
            }
        };
        Ok(NuGetVersion {
            text: text.into(),
            parts,
            labels,
            metadata: metadata.map(Into::into),
        })
    }

    /// Whether the version has release labels.
    pub fn is_prerelease(&self) -> bool {
        !self.labels.is_empty()
    }

    /// The build metadata, if any (ignored in comparisons).
    pub fn metadata(&self) -> Option<&str> {
        self.metadata.as_deref()
    }

    /// The text the version was parsed from, without surrounding whitespace.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for NuGetVersion {
    fn eq(&self, other: &Self) -> bool {
        self.parts == other.parts && self.labels == other.labels
    }
}

impl Eq for NuGetVersion {}

impl Ord for NuGetVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts.cmp(&other.parts).then_with(|| {
            match (self.labels.is_empty(), other.labels.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => self.labels.cmp(&other.labels),
            }
        })
    }
}

impl PartialOrd for NuGetVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Hash for NuGetVersion {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.parts.hash(state);
        self.labels.hash(state);
    }
}

impl fmt::Display for NuGetVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{
        assert_all_equal, assert_invalid, assert_laws_across, assert_strictly_increasing,
    };
    use super::*;

    fn parse(s: &str) -> Result<NuGetVersion, VersionError> {
        NuGetVersion::parse(s)
    }

    const ORDERED: &[&str] = &[
        "0.0.0-alpha",
        "0.0.0",
        "0.0.0.1",
        "0.1",
        "1.0.0-0",
        "1.0.0-1",
        "1.0.0-2",
        "1.0.0-10",
        "1.0.0-2147483648",
        "1.0.0-alpha",
        "1.0.0-ALPHA.1",
        "1.0.0-alpha.2",
        "1.0.0-alpha.10",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0-rc1",
        "1.0.0",
        "1.0.0.1-alpha",
        "1.0.0.1",
        "1.0.0.10",
        "1.0.1",
        "1.1",
        "2.0.0.0",
        "10.0",
        "99999999999999999999999",
    ];

    #[test]
    fn precedence_table() {
        assert_strictly_increasing(parse, ORDERED);
    }

    #[test]
    fn equalities() {
        let groups: &[&[&str]] = &[
            &[
                "1.0",
                "1.0.0",
                "1.0.0.0",
                "1",
                "v1.0",
                " 1.0.0 ",
                "01.00.000",
            ],
            &[
                "1.0.0-alpha",
                "1.0.0-ALPHA",
                "1.0.0-Alpha+build.1",
                "1.0-alpha",
            ],
            &["1.0.0-beta.01", "1.0.0-beta.1", "1.0.0-BETA.1+x"],
            &["1.2.3+abc", "1.2.3+def", "1.2.3"],
            &["0", "0.0", "0.0.0.0"],
        ];
        for group in groups {
            assert_all_equal(parse, group);
        }
        let mut all: Vec<&[&str]> = groups.to_vec();
        all.push(ORDERED);
        assert_laws_across(parse, &all);
    }

    #[test]
    fn accessors() {
        let v = NuGetVersion::parse("1.2.3.4-rc.1+sha.abc").expect("valid version");
        assert!(v.is_prerelease());
        assert_eq!(v.metadata(), Some("sha.abc"));
        assert_eq!(v.to_string(), "1.2.3.4-rc.1+sha.abc");
        assert!(!NuGetVersion::parse("1.2").is_ok_and(|v| v.is_prerelease()));
    }

    #[test]
    fn rejects_invalid() {
        assert_invalid(
            parse,
            &[
                "",
                " ",
                "1.2.3.4.5",
                "1..2",
                "1.",
                ".1",
                "a.b",
                "1.0.0-",
                "1.0.0-alpha..1",
                "1.0.0-alpha_1",
                "1.0.0+",
                "1.0.0+a..b",
                "1.0.0+a+b",
                "-1.0",
                "1.0 .0",
                "[1.0,2.0)",
                "1.*",
                "１.0",
                "1.0-é",
                "1.0\u{0}",
            ],
        );
    }
}
