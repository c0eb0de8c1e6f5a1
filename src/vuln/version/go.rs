//! Go module versions: semantic versions with a leading `v`, per the Go
//! module reference (<https://go.dev/ref/mod#versions>) and
//! `golang.org/x/mod/semver` and `golang.org/x/mod/module`.
//!
//! Ordering is SemVer 2.0.0 precedence, which already orders
//! pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`,
//! `v1.2.4-0.20191109021931-daa7c04131f5`, `v1.2.3-pre.0.20191109021931-…`)
//! correctly against releases and pre-releases: that is what Go designed
//! them for. `+incompatible` is build metadata and ignored in precedence.
//!
//! The `v` is optional because OSV's Go ranges are `SEMVER` ranges written
//! without it. As in `x/mod/semver`, `v1` and `v1.2` are shorthands for
//! `v1.0.0` and `v1.2.0` only when bare (`v1.2-pre` is invalid); `0`
//! therefore parses as `v0.0.0`.

use super::semver::{hash_precedence, parse_body, precedence, Shorthand};
use super::VersionError;
use regex::Regex;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

/// Name of this scheme in errors.
pub(crate) const NAME: &str = "Go";

/// `golang.org/x/mod/module`'s `pseudoVersionRE`, without the leading `v`.
static PSEUDO: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^[0-9]+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$",
    )
    .ok()
});

/// A Go module version; equality, ordering and hashing follow precedence.
#[derive(Debug, Clone)]
pub struct GoVersion {
    text: Box<str>,
    version: semver::Version,
    pseudo: bool,
}

impl GoVersion {
    /// Parses `input` (see the module docs for what is accepted).
    pub fn parse(input: &str) -> Result<GoVersion, VersionError> {
        let text = input.trim();
        let body = text.strip_prefix('v').unwrap_or(text);
        let version = parse_body(body, Shorthand::BareOnly)
            .map_err(|reason| VersionError::new(NAME, input, reason))?;
        let pseudo = PSEUDO.as_ref().is_some_and(|re| re.is_match(body));
        Ok(GoVersion {
            text: text.into(),
            version,
            pseudo,
        })
    }

    /// The parsed semantic version, build metadata included.
    pub fn version(&self) -> &semver::Version {
        &self.version
    }

    /// Whether this is a pseudo-version (a commit, not a tagged release).
    pub fn is_pseudo(&self) -> bool {
        self.pseudo
    }

    /// Whether the version carries `+incompatible` (a v2+ module without a
    /// `go.mod` major-version suffix).
    pub fn is_incompatible(&self) -> bool {
        self.version.build.as_str() == "incompatible"
    }

    /// Whether the version has a pre-release part (pseudo-versions do).
    pub fn is_prerelease(&self) -> bool {
        !self.version.pre.is_empty()
    }

    /// The canonical form: leading `v`, shorthands expanded, no build
    /// metadata except `+incompatible` (`x/mod/semver.Canonical`).
    pub fn canonical(&self) -> String {
        let v = &self.version;
        let mut out = format!("v{}.{}.{}", v.major, v.minor, v.patch);
        if !v.pre.is_empty() {
            out.push('-');
            out.push_str(v.pre.as_str());
        }
        if self.is_incompatible() {
            out.push_str("+incompatible");
        }
        out
    }

    /// The text the version was parsed from, without surrounding whitespace.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for GoVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for GoVersion {}

impl Ord for GoVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        precedence(&self.version, &other.version)
    }
}

impl PartialOrd for GoVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Hash for GoVersion {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_precedence(&self.version, state);
    }
}

impl fmt::Display for GoVersion {
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

    fn parse(s: &str) -> Result<GoVersion, VersionError> {
        GoVersion::parse(s)
    }

    const ORDERED: &[&str] = &[
        "v0.0.0-20170915032832-14c0d48ead0c",
        "v0.0.0-20191109021931-daa7c04131f5",
        "v0.0.0",
        "v0.1.0",
        "v1.0.0-alpha",
        // A pseudo-version based on a pre-release tag sorts just after it.
        "v1.0.0-beta",
        "v1.0.0-beta.0.20200101000000-abcdefabcdef",
        "v1.0.0-beta.1",
        "v1.0.0-rc.1",
        "v1.0.0",
        "v1.0.1-0.20191109021931-daa7c04131f5",
        "v1.0.1",
        "v1.2.3",
        "v1.10.0",
        "v2.0.0-20180818164646-67afb5ed74ec",
        "v2.0.0+incompatible",
        "v2.3.4+incompatible",
        "v10.0.0",
    ];

    #[test]
    fn orders_releases_prereleases_and_pseudo_versions() {
        assert_strictly_increasing(parse, ORDERED);
    }

    #[test]
    fn equal_precedence() {
        let groups: &[&[&str]] = &[
            &["v1.2.3", "1.2.3", " v1.2.3 ", "v1.2.3+meta"],
            &["v2.0.0+incompatible", "v2.0.0", "2.0.0"],
            &["v1", "v1.0", "v1.0.0", "1"],
            &["0", "v0", "v0.0.0", "0.0.0"],
        ];
        for group in groups {
            assert_all_equal(parse, group);
        }
        let mut all: Vec<&[&str]> = groups.to_vec();
        all.push(ORDERED);
        assert_laws_across(parse, &all);
    }

    #[test]
    fn detects_pseudo_versions_and_incompatible() {
        let cases = [
            ("v0.0.0-20191109021931-daa7c04131f5", true),
            ("v1.2.4-0.20191109021931-daa7c04131f5", true),
            ("v1.2.3-pre.0.20191109021931-daa7c04131f5", true),
            ("v1.2.4-0.20191109021931-daa7c04131f5+incompatible", true),
            ("0.0.0-20191109021931-daa7c04131f5", true),
            ("v1.2.3", false),
            ("v1.2.3-pre", false),
            ("v1.2.3-0.2019110902193-daa7c04131f5", false),
        ];
        for (input, pseudo) in cases {
            let v = GoVersion::parse(input).expect("valid version");
            assert_eq!(v.is_pseudo(), pseudo, "{input}");
            assert!(!pseudo || v.is_prerelease(), "{input}");
        }
        let v = GoVersion::parse("v2.1.0+incompatible").expect("valid version");
        assert!(v.is_incompatible());
        assert_eq!(v.canonical(), "v2.1.0+incompatible");
        assert_eq!(v.to_string(), "v2.1.0+incompatible");
        assert!(!GoVersion::parse("v2.1.0").is_ok_and(|v| v.is_incompatible()));
        let short = GoVersion::parse("v1.2").expect("valid version");
        assert_eq!(short.canonical(), "v1.2.0");
        let meta = GoVersion::parse("1.2.3-rc.1+build").expect("valid version");
        assert_eq!(meta.canonical(), "v1.2.3-rc.1");
    }

    #[test]
    fn rejects_invalid() {
        assert_invalid(
            parse,
            &[
                "",
                "v",
                "V1.2.3",
                "vv1.2.3",
                "v1.2-pre",
                "v1-pre",
                "v1.2+meta",
                "v1.2.3.4",
                "v01.2.3",
                "v1.2.3-01",
                "v1.2.3-",
                "v1.2.3+",
                "v1.2.x",
                "latest",
                "master",
                "v99999999999999999999999.0.0",
                "v1.2.3-é",
            ],
        );
    }
}
