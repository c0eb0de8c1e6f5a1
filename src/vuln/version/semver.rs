//! SemVer 2.0.0 (<https://semver.org/spec/v2.0.0.html>): crates.io, npm, and
//! OSV ranges of type `SEMVER` whatever their ecosystem.
//!
//! Parsing is delegated to the `semver` crate; precedence is implemented here
//! because `semver::Version`'s `Ord` also orders build metadata, which
//! SemVer §10/§11 exclude from precedence (`1.0.0+a == 1.0.0+b`). The
//! pre-release comparison of `semver::Prerelease` follows §11 exactly
//! (numeric identifiers numerically at any length, numeric < alphanumeric,
//! more identifiers > fewer), so it is reused.
//!
//! Leniency, because the same scheme reads lockfiles and OSV records:
//! surrounding whitespace, a leading `=` and/or `v` (npm's `semver.clean`),
//! and partial cores padded with zeros (`1` -> `1.0.0`, `1.2-rc.1` ->
//! `1.2.0-rc.1`), which OSV data uses for `introduced: "0"` and which
//! osv.dev's own SEMVER comparison accepts. Everything else follows the
//! spec: no leading zeros in numeric parts, identifiers of `[0-9A-Za-z-]`.
//! Numeric core parts are limited to `u64` (the `semver` crate's limit);
//! larger ones are rejected with an error rather than misordered.

use super::VersionError;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// Name of this scheme in errors.
pub(crate) const NAME: &str = "SemVer";

/// A SemVer 2.0.0 version; equality, ordering and hashing follow precedence.
#[derive(Debug, Clone)]
pub struct SemVer {
    text: Box<str>,
    version: semver::Version,
}

/// Whether a core with fewer than three parts may carry a pre-release or
/// build suffix (`1.2-rc.1`). Go's `x/mod/semver` accepts the `v1`/`v1.2`
/// shorthands only bare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shorthand {
    /// Partial cores may carry suffixes.
    WithSuffix,
    /// Partial cores must stand alone.
    BareOnly,
}

impl SemVer {
    /// Parses `input` leniently (see the module docs).
    pub fn parse(input: &str) -> Result<SemVer, VersionError> {
        let text = input.trim();
        let body = text.strip_prefix('=').unwrap_or(text);
        let body = body
            .strip_prefix('v')
            .or_else(|| body.strip_prefix('V'))
            .unwrap_or(body);
        let version = parse_body(body, Shorthand::WithSuffix)
            .map_err(|reason| VersionError::new(NAME, input, reason))?;
        Ok(SemVer {
            text: text.into(),
            version,
        })
    }

    /// The parsed version, build metadata included.
    pub fn version(&self) -> &semver::Version {
        &self.version
    }

    /// Whether the version has a pre-release part.
    pub fn is_prerelease(&self) -> bool {
        !self.version.pre.is_empty()
    }

    /// The text the version was parsed from, without surrounding whitespace.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// Parses a SemVer body (prefix already removed), padding a partial core.
pub(crate) fn parse_body(body: &str, shorthand: Shorthand) -> Result<semver::Version, String> {
    if body.is_empty() {
        return Err("empty version".to_owned());
    }
    let core_end = body.find(['-', '+']).unwrap_or(body.len());
    let (core, suffix) = body.split_at(core_end);
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() > 3 {
        return Err("more than three numeric components".to_owned());
    }
    if parts
        .iter()
        .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("major.minor.patch must be dot-separated decimal numbers".to_owned());
    }
    if parts.len() < 3 && shorthand == Shorthand::BareOnly && !suffix.is_empty() {
        return Err("a shortened version cannot carry a pre-release or build suffix".to_owned());
    }
    let mut full = core.to_owned();
    for _ in parts.len()..3 {
        full.push_str(".0");
    }
    full.push_str(suffix);
    semver::Version::parse(&full).map_err(|e| e.to_string())
}

/// SemVer §11 precedence: core, then pre-release; build metadata ignored.
pub(crate) fn precedence(a: &semver::Version, b: &semver::Version) -> Ordering {
    (a.major, a.minor, a.patch)
        .cmp(&(b.major, b.minor, b.patch))
        .then_with(|| a.pre.cmp(&b.pre))
}

/// Hashes exactly the fields [`precedence`] looks at.
pub(crate) fn hash_precedence<H: Hasher>(v: &semver::Version, state: &mut H) {
    (v.major, v.minor, v.patch).hash(state);
    v.pre.as_str().hash(state);
}

impl PartialEq for SemVer {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for SemVer {}

impl Ord for SemVer {
    fn cmp(&self, other: &Self) -> Ordering {
        precedence(&self.version, &other.version)
    }
}

impl PartialOrd for SemVer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Hash for SemVer {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_precedence(&self.version, state);
    }
}

impl fmt::Display for SemVer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{assert_all_equal, assert_invalid, assert_strictly_increasing};
    use super::*;

    fn parse(s: &str) -> Result<SemVer, VersionError> {
        SemVer::parse(s)
    }

    #[test]
    fn spec_precedence_example() {
        // SemVer 2.0.0 §11 examples, plus cores around them.
        assert_strictly_increasing(
            parse,
            &[
                "0.0.0-0",
                "0.0.0",
                "0.0.1",
                "0.1.0",
                "0.9.9",
                "1.0.0-0",
                "1.0.0-0.0",
                "1.0.0-1",
                "1.0.0-2",
                "1.0.0-10",
                "1.0.0--",
                "1.0.0-A",
                "1.0.0-Z",
                "1.0.0-alpha",
                "1.0.0-alpha.1",
                "1.0.0-alpha.beta",
                "1.0.0-beta",
                "1.0.0-beta.2",
                "1.0.0-beta.11",
                "1.0.0-rc.1",
                "1.0.0",
                "1.0.1-alpha",
                "1.0.1",
                "1.1.0",
                "1.10.0",
                "2.0.0",
                "10.0.0",
                "18446744073709551615.0.0",
            ],
        );
    }

    #[test]
    fn long_numeric_prerelease_identifiers_order_numerically() {
        assert_strictly_increasing(
            parse,
            &[
                "1.0.0-9",
                "1.0.0-18446744073709551616",
                "1.0.0-99999999999999999999999",
                "1.0.0-a",
            ],
        );
    }

    #[test]
    fn equal_precedence() {
        assert_all_equal(
            parse,
            &[
                "1.2.3",
                "v1.2.3",
                "V1.2.3",
                "=1.2.3",
                "=v1.2.3",
                " 1.2.3\n",
                "1.2.3+build.5",
                "1.2.3+other",
            ],
        );
        assert_all_equal(parse, &["1", "1.0", "1.0.0", "1.0.0+x"]);
        assert_all_equal(parse, &["0", "0.0", "0.0.0"]);
        assert_all_equal(parse, &["1.2-rc.1", "1.2.0-rc.1", "1.2.0-rc.1+b"]);
    }

    #[test]
    fn keeps_build_metadata_and_text() {
        let v = SemVer::parse(" v1.2.3-rc.1+build.7 ").expect("valid version");
        assert_eq!(v.version().build.as_str(), "build.7");
        assert_eq!(v.to_string(), "v1.2.3-rc.1+build.7");
        assert!(v.is_prerelease());
        assert!(!SemVer::parse("1.2.3+b").is_ok_and(|v| v.is_prerelease()));
    }

    #[test]
    fn rejects_invalid() {
        assert_invalid(
            parse,
            &[
                "",
                "   ",
                "v",
                "=",
                "1.2.3.4",
                "01.2.3",
                "1.02.3",
                "1.2.3-01",
                "1.2.3-",
                "1.2.3+",
                "1.2.3-a..b",
                "1.2.3-α",
                "１.2.3",
                "1..3",
                ".1.2",
                "1.2.",
                "a.b.c",
                "1.2.3 4",
                "99999999999999999999999.0.0",
                "1.2.3-beta_1",
                "vv1.2.3",
                "^1.2.3",
                ">=1.0.0",
                "1.2.x",
                "\u{0}",
            ],
        );
    }

    #[test]
    fn error_names_scheme_and_input() {
        let err = SemVer::parse("1.x").expect_err("invalid");
        assert_eq!(err.scheme, "SemVer");
        assert_eq!(err.input, "1.x");
        assert!(err
            .to_string()
            .starts_with("invalid SemVer version \"1.x\": "));
    }
}
