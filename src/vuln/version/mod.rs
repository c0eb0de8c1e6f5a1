//! Per-ecosystem version parsing and ordering for OSV range evaluation.
//!
//! Every ecosystem orders its versions by its own rules, and OSV ranges are
//! only meaningful under those rules (`1.0.0-rc1 < 1.0.0` everywhere, but
//! `1.0 == 1.0.0` in PEP 440, `1-1 < 1.1` in Maven, `1.0.a < 1.0` in
//! RubyGems). One module per scheme, each following one published spec
//! named in its `//!` doc; this module ties them to [`Ecosystem`]s and adds
//! the OSV convention that `introduced: "0"` means "every version".
//!
//! Parsing is total: hostile input (huge numbers, unicode, empty strings,
//! megabytes of text) yields a [`VersionError`], never a panic, and numeric
//! segments of any length compare correctly where the scheme allows them.

mod go;
mod maven;
mod nuget;
mod num;
mod packagist;
mod pep440;
mod rubygems;
mod semver;
#[cfg(test)]
mod testing;

pub use self::go::GoVersion;
pub use self::maven::MavenVersion;
pub use self::nuget::NuGetVersion;
pub use self::num::Num;
pub use self::packagist::PackagistVersion;
pub use self::pep440::{LocalSegment, Pep440Version, PreRelease};
pub use self::rubygems::GemVersion;
pub use self::semver::SemVer;

use crate::inventory::Ecosystem;
use std::cmp::Ordering;
use std::fmt;

/// Longest version string accepted, in bytes. Real versions are far
/// shorter; the bound keeps hostile records from costing more than a
/// constant per comparison.
pub const MAX_VERSION_LEN: usize = 256;

/// Why a version string could not be parsed under a scheme.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {scheme} version {input:?}: {reason}")]
pub struct VersionError {
    /// The scheme's [`Scheme::name`].
    pub scheme: &'static str,
    /// The rejected input, as given.
    pub input: String,
    /// What is wrong with it.
    pub reason: String,
}

impl VersionError {
    /// Builds an error for `input` under `scheme`.
    pub fn new(scheme: &'static str, input: &str, reason: impl Into<String>) -> VersionError {
        VersionError {
            scheme,
            input: input.to_owned(),
            reason: reason.into(),
        }
    }
}

/// A versioning scheme: how one ecosystem spells and orders versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scheme {
    /// SemVer 2.0.0 (crates.io, npm, and OSV `SEMVER` ranges).
    SemVer,
    /// Go module versions (`v1.2.3`, pseudo-versions, `+incompatible`).
    Go,
    /// PEP 440 (PyPI).
    Pep440,
    /// Maven's `ComparableVersion`.
    Maven,
    /// RubyGems' `Gem::Version`.
    RubyGems,
    /// NuGet's `NuGetVersion`.
    NuGet,
    /// Composer's normalised versions (Packagist).
    Packagist,
}

impl Scheme {
    /// Every scheme, in their `Ord` order.
    pub const ALL: [Scheme; 7] = [
        Scheme::SemVer,
        Scheme::Go,
        Scheme::Pep440,
        Scheme::Maven,
        Scheme::RubyGems,
        Scheme::NuGet,
        Scheme::Packagist,
    ];

    /// The scheme an ecosystem's `ECOSYSTEM`-typed OSV ranges and its
    /// lockfile versions use.
    pub fn for_ecosystem(e: Ecosystem) -> Scheme {
        match e {
            Ecosystem::CratesIo | Ecosystem::Npm => Scheme::SemVer,
            Ecosystem::Go => Scheme::Go,
            Ecosystem::PyPI => Scheme::Pep440,
            Ecosystem::Maven => Scheme::Maven,
            Ecosystem::RubyGems => Scheme::RubyGems,
            Ecosystem::NuGet => Scheme::NuGet,
            Ecosystem::Packagist => Scheme::Packagist,
        }
    }

    /// The scheme that orders an OSV range of type `range_type` in
    /// `ecosystem`: `SEMVER` ranges use SemVer 2.0.0 whatever the
    /// ecosystem (Go's are written without the `v`), `ECOSYSTEM` ranges the
    /// ecosystem's own scheme; `GIT` and unknown types have no version
    /// order (`None`).
    pub fn for_osv_range(range_type: &str, ecosystem: Ecosystem) -> Option<Scheme> {
        match range_type {
            "SEMVER" => Some(Scheme::SemVer),
            "ECOSYSTEM" => Some(Scheme::for_ecosystem(ecosystem)),
            _ => None,
        }
    }

    /// The scheme's display name, as used in [`VersionError::scheme`].
    pub fn name(self) -> &'static str {
        match self {
            Scheme::SemVer => semver::NAME,
            Scheme::Go => go::NAME,
            Scheme::Pep440 => pep440::NAME,
            Scheme::Maven => maven::NAME,
            Scheme::RubyGems => rubygems::NAME,
            Scheme::NuGet => nuget::NAME,
            Scheme::Packagist => packagist::NAME,
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Whether a version is OSV's `"0"`, which sorts below every version of
/// its scheme (even `0.0.0-alpha`, `0.dev0` or `0-alpha`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Rank {
    /// The literal `0`.
    Floor,
    /// Any other version, ordered by its scheme.
    Ordinary,
}

/// A version as its scheme parsed it, for scheme-specific questions
/// (a Go pseudo-version, a PEP 440 normal form, Composer's normalisation).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Parsed {
    /// Under [`Scheme::SemVer`].
    SemVer(SemVer),
    /// Under [`Scheme::Go`].
    Go(GoVersion),
    /// Under [`Scheme::Pep440`].
    Pep440(Pep440Version),
    /// Under [`Scheme::Maven`].
    Maven(MavenVersion),
    /// Under [`Scheme::RubyGems`].
    RubyGems(GemVersion),
    /// Under [`Scheme::NuGet`].
    NuGet(NuGetVersion),
    /// Under [`Scheme::Packagist`].
    Packagist(PackagistVersion),
}

/// A parsed version of one ecosystem's scheme.
///
/// `Ord` is total: versions of different schemes order by scheme first,
/// which is meaningless as a version comparison, so parse an installed
/// version under the scheme of the range it is checked against
/// ([`Scheme::for_osv_range`]: a Go module in a `SEMVER` range is parsed
/// with [`Scheme::SemVer`]), or use [`Version::try_cmp`], which refuses
/// mixed schemes. Within a scheme, the literal `0` is the
/// minimum (OSV's `introduced: "0"`), and everything else orders by the
/// scheme's rules. `Eq` and `Hash` agree with `Ord`, so `1.0` and `1.0.0`
/// are equal under PEP 440. `Display` shows the original text (trimmed).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    scheme: Scheme,
    rank: Rank,
    parsed: Parsed,
}

impl Version {
    /// The scheme this version was parsed under.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// Compares two versions of the same scheme; `None` when the schemes
    /// differ (their `Ord` would order by scheme, not by version).
    pub fn try_cmp(&self, other: &Version) -> Option<Ordering> {
        (self.scheme == other.scheme).then(|| self.cmp(other))
    }

    /// The scheme-specific parse.
    pub fn parsed(&self) -> &Parsed {
        &self.parsed
    }

    /// Whether this is OSV's `"0"`, below every version of its scheme.
    pub fn is_floor(&self) -> bool {
        self.rank == Rank::Floor
    }

    /// The text the version was parsed from, without surrounding whitespace.
    pub fn as_str(&self) -> &str {
        match &self.parsed {
            Parsed::SemVer(v) => v.as_str(),
            Parsed::Go(v) => v.as_str(),
            Parsed::Pep440(v) => v.as_str(),
            Parsed::Maven(v) => v.as_str(),
            Parsed::RubyGems(v) => v.as_str(),
            Parsed::NuGet(v) => v.as_str(),
            Parsed::Packagist(v) => v.as_str(),
        }
    }

    /// Whether the scheme considers this a pre-release.
    pub fn is_prerelease(&self) -> bool {
        match &self.parsed {
            Parsed::SemVer(v) => v.is_prerelease(),
            Parsed::Go(v) => v.is_prerelease(),
            Parsed::Pep440(v) => v.is_prerelease(),
            Parsed::Maven(v) => v.is_prerelease(),
            Parsed::RubyGems(v) => v.is_prerelease(),
            Parsed::NuGet(v) => v.is_prerelease(),
            Parsed::Packagist(v) => v.is_prerelease(),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parses `s` under `scheme`.
pub fn parse(scheme: Scheme, s: &str) -> Result<Version, VersionError> {
    if s.len() > MAX_VERSION_LEN {
        return Err(VersionError::new(
            scheme.name(),
            s,
            format!("longer than {MAX_VERSION_LEN} bytes"),
        ));
    }
    let parsed = match scheme {
        Scheme::SemVer => Parsed::SemVer(SemVer::parse(s)?),
        Scheme::Go => Parsed::Go(GoVersion::parse(s)?),
        Scheme::Pep440 => Parsed::Pep440(Pep440Version::parse(s)?),
        Scheme::Maven => Parsed::Maven(MavenVersion::parse(s)?),
        Scheme::RubyGems => Parsed::RubyGems(GemVersion::parse(s)?),
        Scheme::NuGet => Parsed::NuGet(NuGetVersion::parse(s)?),
        Scheme::Packagist => Parsed::Packagist(PackagistVersion::parse(s)?),
    };
    let rank = if s.trim() == "0" {
        Rank::Floor
    } else {
        Rank::Ordinary
    };
    Ok(Version {
        scheme,
        rank,
        parsed,
    })
}

/// Parses `s` under the scheme of `ecosystem`.
pub fn parse_for(ecosystem: Ecosystem, s: &str) -> Result<Version, VersionError> {
    parse(Scheme::for_ecosystem(ecosystem), s)
}

/// Compares two versions of `ecosystem`; `None` when either does not parse.
pub fn compare(ecosystem: Ecosystem, a: &str, b: &str) -> Option<Ordering> {
    compare_in(Scheme::for_ecosystem(ecosystem), a, b)
}

/// Compares two versions under `scheme`; `None` when either does not parse.
pub fn compare_in(scheme: Scheme, a: &str, b: &str) -> Option<Ordering> {
    let a = parse(scheme, a).ok()?;
    let b = parse(scheme, b).ok()?;
    Some(a.cmp(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecosystems_map_to_schemes() {
        let expected = [
            (Ecosystem::CratesIo, Scheme::SemVer),
            (Ecosystem::Npm, Scheme::SemVer),
            (Ecosystem::PyPI, Scheme::Pep440),
            (Ecosystem::Go, Scheme::Go),
            (Ecosystem::RubyGems, Scheme::RubyGems),
            (Ecosystem::Packagist, Scheme::Packagist),
            (Ecosystem::Maven, Scheme::Maven),
            (Ecosystem::NuGet, Scheme::NuGet),
        ];
        assert_eq!(expected.len(), Ecosystem::ALL.len());
        for (ecosystem, scheme) in expected {
            assert_eq!(Scheme::for_ecosystem(ecosystem), scheme, "{ecosystem:?}");
        }
    }

    #[test]
    fn osv_range_types_map_to_schemes() {
        assert_eq!(
            Scheme::for_osv_range("SEMVER", Ecosystem::Go),
            Some(Scheme::SemVer)
        );
        assert_eq!(
            Scheme::for_osv_range("SEMVER", Ecosystem::PyPI),
            Some(Scheme::SemVer)
        );
        assert_eq!(
            Scheme::for_osv_range("ECOSYSTEM", Ecosystem::PyPI),
            Some(Scheme::Pep440)
        );
        assert_eq!(
            Scheme::for_osv_range("ECOSYSTEM", Ecosystem::Go),
            Some(Scheme::Go)
        );
        assert_eq!(Scheme::for_osv_range("GIT", Ecosystem::Go), None);
        assert_eq!(Scheme::for_osv_range("semver", Ecosystem::Go), None);
    }

    #[test]
    fn scheme_names_match_errors() {
        let names: Vec<&str> = Scheme::ALL.iter().map(|s| s.name()).collect();
        assert_eq!(
            names,
            [
                "SemVer",
                "Go",
                "PEP 440",
                "Maven",
                "RubyGems",
                "NuGet",
                "Packagist"
            ]
        );
        for scheme in Scheme::ALL {
            let err = parse(scheme, "").expect_err("empty is invalid");
            assert_eq!(err.scheme, scheme.name());
            assert_eq!(scheme.to_string(), scheme.name());
        }
    }

    #[test]
    fn compare_uses_the_ecosystem_scheme() {
        assert_eq!(
            compare(Ecosystem::CratesIo, "1.0.0-rc.1", "1.0.0"),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare(Ecosystem::Npm, "v1.2.3+a", "1.2.3+b"),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare(
                Ecosystem::Go,
                "v1.2.4-0.20191109021931-daa7c04131f5",
                "v1.2.3"
            ),
            Some(Ordering::Greater)
        );
        assert_eq!(compare(Ecosystem::CratesIo, "1.0.0", "nope"), None);
        assert_eq!(compare(Ecosystem::CratesIo, "", "1.0.0"), None);
    }

    #[test]
    fn zero_is_the_floor_of_every_scheme() {
        let candidates = [
            "0.0.0-0",
            "0.0.0-alpha",
            "0.0.0-dev",
            "0.0.0",
            "0.0.1",
            "1.0.0",
            "0.dev0",
            "0a1",
            "0-alpha",
            "0.a",
            "0.0.0-a",
            "0-SNAPSHOT",
        ];
        for scheme in Scheme::ALL {
            let zero = parse(scheme, "0").expect("0 parses everywhere");
            assert!(zero.is_floor());
            assert_eq!(zero, parse(scheme, " 0 ").expect("valid version"));
            let mut checked = 0;
            for other in candidates {
                let Ok(v) = parse(scheme, other) else {
                    continue;
                };
                assert!(!v.is_floor());
                assert!(zero < v, "{scheme}: 0 < {other}");
                checked += 1;
            }
            assert!(checked >= 3, "{scheme}: only {checked} candidates parsed");
        }
    }

    #[test]
    fn try_cmp_refuses_mixed_schemes() {
        let go = parse(Scheme::Go, "v1.2.3").expect("valid version");
        let semver = parse(Scheme::SemVer, "1.2.4").expect("valid version");
        assert_eq!(go.try_cmp(&semver), None);
        let reparsed = parse(Scheme::SemVer, go.as_str()).expect("valid version");
        assert_eq!(reparsed.try_cmp(&semver), Some(Ordering::Less));
        assert_eq!(
            compare_in(Scheme::SemVer, "v1.2.3+incompatible", "1.2.3"),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare_in(Scheme::Maven, "1-1", "1.1"),
            Some(Ordering::Less)
        );
        assert_eq!(compare_in(Scheme::NuGet, "1.0", "x"), None);
    }

    #[test]
    fn schemes_order_first() {
        let go = parse(Scheme::Go, "v0.0.1").expect("valid version");
        let semver = parse(Scheme::SemVer, "9.9.9").expect("valid version");
        assert!(semver < go);
        assert_ne!(
            parse(Scheme::Go, "1.0.0").expect("valid version"),
            parse(Scheme::SemVer, "1.0.0").expect("valid version")
        );
    }

    #[test]
    fn version_keeps_its_text() {
        let v = parse_for(Ecosystem::Go, " v1.2.3+incompatible\t").expect("valid version");
        assert_eq!(v.to_string(), "v1.2.3+incompatible");
        assert_eq!(v.scheme(), Scheme::Go);
        assert!(!v.is_prerelease());
        assert!(matches!(v.parsed(), Parsed::Go(go) if go.is_incompatible()));
        let pseudo =
            parse_for(Ecosystem::Go, "v0.0.0-20191109021931-daa7c04131f5").expect("valid version");
        assert!(pseudo.is_prerelease());
        assert!(matches!(pseudo.parsed(), Parsed::Go(go) if go.is_pseudo()));
    }

    #[test]
    fn hostile_inputs_error_without_panicking() {
        let long = "1".repeat(MAX_VERSION_LEN + 1);
        let everywhere = [
            "",
            " ",
            long.as_str(),
            "١.٢.٣",
            "💥",
            "1.0\u{0}.0",
            "1.0.0-\u{202e}",
        ];
        for scheme in Scheme::ALL {
            for input in everywhere {
                let err = parse(scheme, input).expect_err("hostile input is rejected");
                assert_eq!(err.scheme, scheme.name());
                assert_eq!(err.input, input);
            }
        }
        // The `semver` crate stores core numbers as u64: larger ones are
        // errors, not wrapped or truncated values.
        for scheme in [Scheme::SemVer, Scheme::Go] {
            for input in ["99999999999999999999999", "18446744073709551616.0.0"] {
                assert!(parse(scheme, input).is_err(), "{scheme}: {input}");
            }
        }
    }
}
