//! PEP 440 versions (PyPI), <https://peps.python.org/pep-0440/>, as
//! implemented by the reference `packaging.version.Version`.
//!
//! Parsing uses the permissive pattern of PEP 440's appendix B ("Parsing
//! version strings with regular expressions"), which accepts every
//! spelling the normalisation rules allow: case-insensitive, surrounding
//! whitespace, a leading `v`, `alpha`/`beta`/`c`/`pre`/`preview` for
//! `a`/`b`/`rc`, `.`/`-`/`_` separators, implicit numbers (`1.0a` is
//! `1.0a0`), `-1`/`rev`/`r` post-releases, and `-`/`_` in local versions.
//!
//! Ordering is `packaging`'s `_cmpkey`: epoch, release with trailing zeros
//! removed (`1.0 == 1.0.0`), then pre-release (a dev release of a final
//! sorts before its pre-releases: `1.0.dev1 < 1.0a1`), post-release, dev
//! release (`1.0a1.dev1 < 1.0a1`), and local version (absent < present;
//! segment-wise, numeric > alphanumeric, alphanumerics lexically, more
//! segments > fewer). Numbers have no size limit, as in Python.

use super::num::Num;
use super::VersionError;
use regex::Regex;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

/// Name of this scheme in errors.
pub(crate) const NAME: &str = "PEP 440";

/// PEP 440 appendix B's `VERSION_PATTERN`, anchored.
static PATTERN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?xi-u)
        ^v?
        (?:(?P<epoch>[0-9]+)!)?
        (?P<release>[0-9]+(?:\.[0-9]+)*)
        (?P<pre>
            [-_.]?
            (?P<pre_l>alpha|a|beta|b|preview|pre|c|rc)
            [-_.]?
            (?P<pre_n>[0-9]+)?
        )?
        (?P<post>
            (?:-(?P<post_n1>[0-9]+))
            |
            (?:
                [-_.]?
                (?P<post_l>post|rev|r)
                [-_.]?
                (?P<post_n2>[0-9]+)?
            )
        )?
        (?P<dev>
            [-_.]?
            (?P<dev_l>dev)
            [-_.]?
            (?P<dev_n>[0-9]+)?
        )?
        (?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?
        $",
    )
    .ok()
});

/// The kind of a pre-release, in precedence order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PreRelease {
    /// `a` (also `alpha`).
    Alpha,
    /// `b` (also `beta`).
    Beta,
    /// `rc` (also `c`, `pre`, `preview`).
    Rc,
}

impl PreRelease {
    fn as_str(self) -> &'static str {
        match self {
            PreRelease::Alpha => "a",
            PreRelease::Beta => "b",
            PreRelease::Rc => "rc",
        }
    }
}

/// One dot-separated segment of a local version label.
///
/// Declaration order is precedence: alphanumeric segments sort before
/// numeric ones, as in `packaging`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LocalSegment {
    /// A segment with a letter, lowercased.
    Alpha(Box<str>),
    /// An all-digit segment.
    Numeric(Num),
}

/// Sentinels of `packaging`'s comparison key (`-Infinity`/`Infinity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Bound<T> {
    Min,
    At(T),
    Max,
}

/// A PEP 440 version; equality, ordering and hashing follow precedence.
#[derive(Debug, Clone)]
pub struct Pep440Version {
    text: Box<str>,
    epoch: Num,
    release: Vec<Num>,
    pre: Option<(PreRelease, Num)>,
    post: Option<Num>,
    dev: Option<Num>,
    local: Option<Vec<LocalSegment>>,
}

/// The comparison key, borrowed from a version.
type Key<'a> = (
    &'a Num,
    &'a [Num],
    Bound<(PreRelease, &'a Num)>,
    Bound<&'a Num>,
    Bound<&'a Num>,
    Option<&'a [LocalSegment]>,
);

fn number(digits: Option<regex::Match<'_>>) -> Num {
    digits
        .and_then(|m| Num::parse(m.as_str()))
        .unwrap_or_else(Num::zero)
}

impl Pep440Version {
    /// Parses `input` under PEP 440's permissive syntax.
    pub fn parse(input: &str) -> Result<Pep440Version, VersionError> {
        let text = input.trim();
        let err = |reason: &str| VersionError::new(NAME, input, reason);
        let pattern = PATTERN
            .as_ref()
            .ok_or_else(|| err("version pattern failed to compile"))?;
        let caps = pattern
            .captures(text)
            .ok_or_else(|| err("does not match the PEP 440 version syntax"))?;
        let release = caps
            .name("release")
            .map(|m| m.as_str().split('.').filter_map(Num::parse).collect())
            .unwrap_or_default();
        let pre = caps.name("pre_l").map(|label| {
            let kind = match label.as_str().to_ascii_lowercase().as_str() {
                "a" | "alpha" => PreRelease::Alpha,
                "b" | "beta" => PreRelease::Beta,
                _ => PreRelease::Rc,
            };
            (kind, number(caps.name("pre_n")))
        });
        let post = if caps.name("post").is_some() {
            Some(number(
                caps.name("post_n1").or_else(|| caps.name("post_n2")),
            ))
        } else {
            None
        };
        let dev = caps.name("dev").map(|_| number(caps.name("dev_n")));
        let local = caps.name("local").map(|m| {
            m.as_str()
                .split(['.', '-', '_'])
                .map(|seg| match Num::parse(seg) {
                    Some(n) => LocalSegment::Numeric(n),
                    None => LocalSegment::Alpha(seg.to_ascii_lowercase().into()),
                })
                .collect()
        });
        Ok(Pep440Version {
            text: text.into(),
            epoch: number(caps.name("epoch")),
            release,
            pre,
            post,
            dev,
            local,
        })
    }

    /// Whether this is a pre-release (has a pre-release or dev part).
    pub fn is_prerelease(&self) -> bool {
        self.pre.is_some() || self.dev.is_some()
    }

    /// The normalised form (`1.0-ALPHA_1` -> `1.0a1`), as `str(Version)`.
    pub fn normalized(&self) -> String {
        let mut out = String::new();
        if !self.epoch.is_zero() {
            out.push_str(&format!("{}!", self.epoch));
        }
        let release: Vec<String> = self.release.iter().map(Num::to_string).collect();
        out.push_str(&release.join("."));
        if let Some((kind, n)) = &self.pre {
            out.push_str(&format!("{}{n}", kind.as_str()));
        }
        if let Some(n) = &self.post {
            out.push_str(&format!(".post{n}"));
        }
        if let Some(n) = &self.dev {
            out.push_str(&format!(".dev{n}"));
        }
        if let Some(local) = &self.local {
            let segments: Vec<String> = local
                .iter()
                .map(|s| match s {
                    LocalSegment::Alpha(a) => a.to_string(),
                    LocalSegment::Numeric(n) => n.to_string(),
                })
                .collect();
            out.push('+');
            out.push_str(&segments.join("."));
        }
        out
    }

    /// The text the version was parsed from, without surrounding whitespace.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    fn key(&self) -> Key<'_> {
        let significant = self
            .release
            .iter()
            .rposition(|n| !n.is_zero())
            .map_or(0, |i| i + 1);
        let pre = match (&self.pre, &self.post, &self.dev) {
            (None, None, Some(_)) => Bound::Min,
            (None, _, _) => Bound::Max,
            (Some((kind, n)), _, _) => Bound::At((*kind, n)),
        };
        let post = self.post.as_ref().map_or(Bound::Min, Bound::At);
        let dev = self.dev.as_ref().map_or(Bound::Max, Bound::At);
        (
            &self.epoch,
            &self.release[..significant],
            pre,
            post,
            dev,
            self.local.as_deref(),
        )
    }
}

impl PartialEq for Pep440Version {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Pep440Version {}

impl Ord for Pep440Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl PartialOrd for Pep440Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Hash for Pep440Version {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl fmt::Display for Pep440Version {
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

    fn parse(s: &str) -> Result<Pep440Version, VersionError> {
        Pep440Version::parse(s)
    }

    /// `packaging`'s own ordered `VERSIONS` table (tests/test_version.py).
    const PACKAGING_ORDER: &[&str] = &[
        "1.0.dev456",
        "1.0a1",
        "1.0a2.dev456",
        "1.0a12.dev456",
        "1.0a12",
        "1.0b1.dev456",
        "1.0b2",
        "1.0b2.post345.dev456",
        "1.0b2.post345",
        "1.0b2-346",
        "1.0c1.dev456",
        "1.0c1",
        "1.0rc2",
        "1.0c3",
        "1.0",
        "1.0.post456.dev34",
        "1.0.post456",
        "1.1.dev1",
        "1.2+123abc",
        "1.2+123abc456",
        "1.2+abc",
        "1.2+abc123",
        "1.2+abc123def",
        "1.2+1234.abc",
        "1.2+123456",
        "1.2.r32+123456",
        "1.2.rev33+123456",
        "1!1.0.dev456",
        "1!1.0a1",
        "1!1.0a2.dev456",
        "1!1.0a12.dev456",
        "1!1.0a12",
        "1!1.0b1.dev456",
        "1!1.0b2",
        "1!1.0b2.post345.dev456",
        "1!1.0b2.post345",
        "1!1.0b2-346",
        "1!1.0c1.dev456",
        "1!1.0c1",
        "1!1.0rc2",
        "1!1.0c3",
        "1!1.0",
        "1!1.0.post456.dev34",
        "1!1.0.post456",
        "1!1.1.dev1",
        "1!1.2+123abc",
        "1!1.2+123abc456",
        "1!1.2+abc",
        "1!1.2+abc123",
        "1!1.2+abc123def",
        "1!1.2+1234.abc",
        "1!1.2+123456",
        "1!1.2.r32+123456",
        "1!1.2.rev33+123456",
    ];

    const BRIEF_ORDER: &[&str] = &[
        "0.dev0",
        "0a0",
        "0",
        "0.0.1",
        "1.0.dev0",
        "1.0a1.dev1",
        "1.0a1",
        "1.0b2",
        "1.0rc1",
        "1.0",
        "1.0+local.1",
        "1.0+local.2",
        "1.0+local.2.a",
        "1.0.post1.dev0",
        "1.0.post1",
        "1.0.1",
        "1.1",
        "1.10",
        "2.0",
        "99999999999999999999999.0",
        "1!0.1",
    ];

    const EQUAL_GROUPS: &[&[&str]] = &[
        &[
            "1.0",
            "1.0.0",
            "1",
            "v1.0",
            "V1.0.0.0",
            " 1.0\t\n",
            "1.0.0.0.0",
        ],
        &[
            "1.0a1",
            "1.0alpha1",
            "1.0-a1",
            "1.0_a_1",
            "1.0.ALPHA.1",
            "1.0A1",
        ],
        &["1.0a0", "1.0a", "1.0-alpha", "1.0.a0"],
        &["1.0b0", "1.0b", "1.0beta", "1.0-BETA-0"],
        &[
            "1.0rc1",
            "1.0c1",
            "1.0pre1",
            "1.0preview1",
            "1.0-RC-1",
            "1.0.rc.1",
        ],
        &[
            "1.0.post1",
            "1.0-1",
            "1.0post1",
            "1.0-post1",
            "1.0_post_1",
            "1.0.r1",
            "1.0rev1",
        ],
        &["1.0.post0", "1.0.post", "1.0-r", "1.0rev"],
        &["1.0.dev0", "1.0.dev", "1.0-dev", "1.0_dev0", "1.0DEV"],
        &[
            "1.0+ubuntu.1",
            "1.0+ubuntu-1",
            "1.0+ubuntu_1",
            "1.0+UBUNTU.1",
            "1.0.0+ubuntu.01",
        ],
        &["0!1.0", "1.0", "00!1.0"],
        &["1.01", "1.1", "001.1.0"],
        &["0", "0.0", "0.0.0"],
    ];

    #[test]
    fn packaging_reference_order() {
        assert_strictly_increasing(parse, PACKAGING_ORDER);
    }

    #[test]
    fn dev_pre_final_post_order() {
        assert_strictly_increasing(parse, BRIEF_ORDER);
    }

    #[test]
    fn normalisation_equalities() {
        for group in EQUAL_GROUPS {
            assert_all_equal(parse, group);
        }
        let mut all: Vec<&[&str]> = EQUAL_GROUPS.to_vec();
        all.push(BRIEF_ORDER);
        all.push(PACKAGING_ORDER);
        assert_laws_across(parse, &all);
    }

    #[test]
    fn normalized_form() {
        let cases = [
            ("1.0", "1.0"),
            ("v1.0.0", "1.0.0"),
            ("1.0-ALPHA_1", "1.0a1"),
            ("1.0c", "1.0rc0"),
            ("1.0-1", "1.0.post1"),
            ("1.0.rev", "1.0.post0"),
            ("1.0-dev", "1.0.dev0"),
            ("0!01.02", "1.2"),
            // Greedy like Python's `re`: the `-1` is the pre-release number.
            ("1.0a-1", "1.0a1"),
            ("1.0.post-1.dev", "1.0.post1.dev0"),
            ("1.0pre", "1.0rc0"),
            ("1.0r", "1.0.post0"),
            (
                "2!1.0b2.post3.dev4+Ubuntu-01_x",
                "2!1.0b2.post3.dev4+ubuntu.1.x",
            ),
        ];
        for (input, normalized) in cases {
            let v = Pep440Version::parse(input).expect("valid version");
            assert_eq!(v.normalized(), normalized, "{input}");
            assert_eq!(v.to_string(), input, "{input}");
        }
    }

    #[test]
    fn prerelease_flag() {
        for (input, pre) in [
            ("1.0", false),
            ("1.0.post1", false),
            ("1.0+local", false),
            ("1.0a1", true),
            ("1.0.dev1", true),
            ("1.0.post1.dev1", true),
        ] {
            let v = Pep440Version::parse(input).expect("valid version");
            assert_eq!(v.is_prerelease(), pre, "{input}");
        }
    }

    #[test]
    fn rejects_invalid() {
        assert_invalid(
            parse,
            &[
                "",
                "  ",
                "french toast",
                "1.0+a+",
                "1.0++",
                "1.0+_foobar",
                "1.0+foo&asd",
                "1.0+1+1",
                "1.0+",
                "1.0-",
                "1.0.",
                ".1.0",
                "1..0",
                "1.0a1a1",
                "1.0.post1.post2",
                "1.0.dev1.dev2",
                "1.0-1-1",
                "1.0dev1a1",
                "1!",
                "!1.0",
                "1!2!3",
                "1.0 a1",
                "vv1.0",
                "1.0-alpha-beta",
                "１.0",
                "1.0+ü",
                "1.0\u{0}",
                "1.*",
                "==1.0",
                ">=1.0",
            ],
        );
    }
}
