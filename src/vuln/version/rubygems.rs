//! RubyGems versions: a port of `Gem::Version` (rubygems `lib/rubygems/
//! version.rb`): its `correct?` pattern, its `-` to `.pre.` rewrite, its
//! `canonical_segments`, and its `<=>`.
//!
//! A version is split into runs of digits and runs of letters (`1.0.b12`
//! is `[1, 0, "b", 12]`); any letter makes it a pre-release, and a string
//! segment sorts below any number, so `1.0.a < 1.0`. Trailing zeros are
//! dropped from the numeric prefix and from the part after the first
//! string (`1.0 == 1`, `1.0.a.0 == 1.a`), and missing segments count as
//! `0`. Strings compare bytewise, case-sensitively, as Ruby's `String#<=>`
//! does. Numbers have no size limit, as in Ruby.
//!
//! Deviation: `Gem::Version.new("")` is version `0`; here an empty or blank
//! string is an error, because a blank version in a lockfile or advisory is
//! a data error, not "every version".

use super::num::Num;
use super::VersionError;
use regex::Regex;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

/// Name of this scheme in errors.
pub(crate) const NAME: &str = "RubyGems";

/// `Gem::Version::ANCHORED_VERSION_PATTERN` (Ruby's `\s` is ASCII).
static PATTERN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"^[ \t\r\n\x0B\x0C]*([0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)[ \t\r\n\x0B\x0C]*$",
    )
    .ok()
});

/// One segment of a gem version. Declaration order is precedence: strings
/// sort below numbers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Segment {
    Str(Box<str>),
    Num(Num),
}

/// A RubyGems version; equality, ordering and hashing follow `<=>`.
#[derive(Debug, Clone)]
pub struct GemVersion {
    text: Box<str>,
    canonical: Vec<Segment>,
    prerelease: bool,
}

impl GemVersion {
    /// Parses `input` as `Gem::Version.new` does (except for blank input).
    pub fn parse(input: &str) -> Result<GemVersion, VersionError> {
        let err = |reason: &str| VersionError::new(NAME, input, reason);
        let pattern = PATTERN
            .as_ref()
            .ok_or_else(|| err("version pattern failed to compile"))?;
        let version = pattern
            .captures(input)
            .and_then(|c| c.get(1))
            .ok_or_else(|| err("malformed version number string"))?
            .as_str();
        let rewritten = version.replace('-', ".pre.");
        let segments = split_segments(&rewritten);
        Ok(GemVersion {
            text: version.into(),
            canonical: canonical_segments(segments),
            prerelease: version.bytes().any(|b| b.is_ascii_alphabetic()),
        })
    }

    /// Whether any segment contains a letter (`Gem::Version#prerelease?`).
    pub fn is_prerelease(&self) -> bool {
        self.prerelease
    }

    /// The text the version was parsed from, without surrounding whitespace.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// `@version.scan(/[0-9]+|[a-z]+/i)`, numbers converted.
fn split_segments(version: &str) -> Vec<Segment> {
    let bytes = version.as_bytes();
    let mut segments = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let digit = bytes[i].is_ascii_digit();
        if !digit && !bytes[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len()
            && (if digit {
                bytes[i].is_ascii_digit()
            } else {
                bytes[i].is_ascii_alphabetic()
            })
        {
            i += 1;
        }
        let run = &version[start..i];
        segments.push(match Num::parse(run) {
            Some(n) => Segment::Num(n),
            None => Segment::Str(run.into()),
        });
    }
    segments
}

/// `canonical_segments`: drop trailing zeros from the numeric prefix and
/// from the rest (which starts at the first string), then join them.
fn canonical_segments(mut segments: Vec<Segment>) -> Vec<Segment> {
    let string_start = segments
        .iter()
        .position(|s| matches!(s, Segment::Str(_)))
        .unwrap_or(segments.len());
    let mut rest = segments.split_off(string_start);
    let is_zero = |s: &Segment| matches!(s, Segment::Num(n) if n.is_zero());
    while segments.last().is_some_and(is_zero) {
        segments.pop();
    }
    while rest.last().is_some_and(is_zero) {
        rest.pop();
    }
    segments.extend(rest);
    segments
}

impl PartialEq for GemVersion {
    fn eq(&self, other: &Self) -> bool {
        self.canonical == other.canonical
    }
}

impl Eq for GemVersion {}

impl Ord for GemVersion {
    /// `<=>`: segment by segment, a missing segment counting as `0`.
    fn cmp(&self, other: &Self) -> Ordering {
        let zero = Segment::Num(Num::zero());
        let len = self.canonical.len().max(other.canonical.len());
        for i in 0..len {
            let l = self.canonical.get(i).unwrap_or(&zero);
            let r = other.canonical.get(i).unwrap_or(&zero);
            let ordering = l.cmp(r);
            if ordering.is_ne() {
                return ordering;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for GemVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Hash for GemVersion {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.canonical.hash(state);
    }
}

impl fmt::Display for GemVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{
        assert_all_equal, assert_invalid, assert_laws_across, assert_strictly_increasing,
        generate_versions,
    };
    use super::*;

    fn parse(s: &str) -> Result<GemVersion, VersionError> {
        GemVersion::parse(s)
    }

    const ORDERED: &[&str] = &[
        "0.0.beta",
        "0.beta.1",
        "0.0.1",
        "1.0.a",
        "1.0.a.1",
        "1.0.b",
        "1.0.b1",
        "1.0.0.pre.1",
        "1.0.rc1",
        "1.0",
        "1.0.1",
        "1.8.2.a",
        "1.8.2.a9",
        "1.8.2.a10",
        "1.8.2.b",
        "1.8.2",
        "1.9.2.99",
        "1.9.3",
        "1.9.3.1",
        "5.a",
        "5.0.0.rc2",
        "5.x",
        "5",
        "10",
        "99999999999999999999999",
    ];

    #[test]
    fn spaceship_table() {
        // test_gem_version.rb's test_spaceship, as one increasing list.
        assert_strictly_increasing(parse, ORDERED);
    }

    #[test]
    fn strings_compare_bytewise() {
        assert_strictly_increasing(parse, &["1.A", "1.Z", "1.a", "1.b", "1.ba", "1"]);
    }

    #[test]
    fn canonical_equalities() {
        let groups: &[&[&str]] = &[
            &["1.0", "1.0.0", "1", " 1.0.0\n", "01.00"],
            &["0.beta.1", "0.0.beta.1", "0.beta.1.0"],
            &["1.0.a", "1.a", "1.0.a.0", "1.0a"],
            &["1.0.0-beta", "1.0.0.pre.beta", "1.pre.beta"],
            &["1.9.3", "1.9.3.0"],
            &["0", "0.0", "0.0.0"],
        ];
        for group in groups {
            assert_all_equal(parse, group);
        }
        let mut all: Vec<&[&str]> = groups.to_vec();
        all.push(ORDERED);
        assert_laws_across(parse, &all);
    }

    #[test]
    fn order_laws_on_generated_versions() {
        let generated =
            generate_versions(&["1", "0", "2", ".", "a", "b", "pre", "0.", "-"], 5, 150);
        let valid: Vec<&str> = generated
            .iter()
            .map(String::as_str)
            .filter(|s| GemVersion::parse(s).is_ok())
            .collect();
        assert!(valid.len() > 30, "generator yields enough valid versions");
        assert_laws_across(parse, &[&valid]);
    }

    #[test]
    fn prerelease_flag() {
        for (input, pre) in [
            ("1.0", false),
            ("1.0.a", true),
            ("1.0.0-rc1", true),
            ("2.3.0.pre", true),
            ("20100102", false),
        ] {
            let v = GemVersion::parse(input).expect("valid version");
            assert_eq!(v.is_prerelease(), pre, "{input}");
        }
        let v = GemVersion::parse("  1.2.3-rc1 ").expect("valid version");
        assert_eq!(v.to_string(), "1.2.3-rc1");
    }

    #[test]
    fn rejects_invalid() {
        // test_gem_version.rb's test_initialize_invalid, plus blank input.
        assert_invalid(
            parse,
            &[
                "",
                "   ",
                "junk",
                "1.0\n2.0",
                "1..2",
                "1.2 3.4",
                "2.3422222.222.222222222.22222.ads0as.dasd0.ddd2222.2.qd3e.",
                "1.0-",
                "1.0.",
                ".1",
                "-1",
                "v1.0",
                "1.0+build",
                "1a",
                "1.0_1",
                "１.0",
                "1.0.é",
                "1.0\u{0}",
                "1.0\u{a0}",
            ],
        );
    }
}
