//! Tables from composer/semver's `VersionParserTest` and PHP's
//! `version_compare` documentation, plus hostile input.

use super::super::testing::{
    assert_all_equal, assert_invalid, assert_laws_across, assert_strictly_increasing,
};
use super::*;

fn parse(s: &str) -> Result<PackagistVersion, VersionError> {
    PackagistVersion::parse(s)
}

/// `successfulNormalizedVersions` (orderable ones).
const NORMALIZED: &[(&str, &str)] = &[
    ("1.0.0", "1.0.0.0"),
    ("1.2.3.4", "1.2.3.4"),
    ("1.0.0RC1dev", "1.0.0.0-RC1-dev"),
    ("1.0.0-rC15-dev", "1.0.0.0-RC15-dev"),
    ("1.0.0.RC.15-dev", "1.0.0.0-RC15-dev"),
    ("1.0.0-rc1", "1.0.0.0-RC1"),
    ("1.0.0.pl3-dev", "1.0.0.0-patch3-dev"),
    ("1.0-dev", "1.0.0.0-dev"),
    ("0", "0.0.0.0"),
    ("10.4.13-beta", "10.4.13.0-beta"),
    ("10.4.13beta2", "10.4.13.0-beta2"),
    ("10.4.13beta.2", "10.4.13.0-beta2"),
    ("v1.13.11-beta.0", "1.13.11.0-beta0"),
    ("1.13.11.0-beta0", "1.13.11.0-beta0"),
    ("10.4.13-b", "10.4.13.0-beta"),
    ("10.4.13-b5", "10.4.13.0-beta5"),
    ("v1.0.0", "1.0.0.0"),
    ("2010.01", "2010.01.0.0"),
    ("2010.01.02", "2010.01.02.0"),
    ("2010.1.555", "2010.1.555.0"),
    ("2010.10.200", "2010.10.200.0"),
    ("v20100102", "20100102"),
    ("2010-01-02", "2010.01.02"),
    ("2012.06.07", "2012.06.07.0"),
    ("2010-01-02.5", "2010.01.02.5"),
    ("20100102-203040", "20100102.203040"),
    ("20100102203040-10", "20100102203040.10"),
    ("20100102-203040-p1", "20100102.203040-patch1"),
    ("201903.0", "201903.0"),
    ("201903.0-p2", "201903.0-patch2"),
    ("1.x-dev", "1.9999999.9999999.9999999-dev"),
    ("1.0.0+foo@dev", "1.0.0.0"),
    ("1.0.0-beta.5+foo", "1.0.0.0-beta5"),
    ("1.0.0+foo", "1.0.0.0"),
    ("1.0.0-alpha.3.1+foo", "1.0.0.0-alpha3.1"),
    ("1.0.0-alpha2.1+foo", "1.0.0.0-alpha2.1"),
    ("1.0.0-alpha-2.1-3+foo", "1.0.0.0-alpha2.1-3"),
    ("1.0.0+foo as 2.0", "1.0.0.0"),
    ("00.01.03.04", "00.01.03.04"),
    ("000.001.003.004", "000.001.003.004"),
    ("0.000.103.204", "0.000.103.204"),
    ("0700", "0700.0.0.0"),
    ("041.x-dev", "041.9999999.9999999.9999999-dev"),
    (" 1.0.0", "1.0.0.0"),
    ("1.0.0 ", "1.0.0.0"),
    ("1.0.0-stable", "1.0.0.0"),
    ("1.2.x-dev", "1.2.9999999.9999999-dev"),
    ("2.*-dev", "2.9999999.9999999.9999999-dev"),
    ("1.0.0@beta", "1.0.0.0"),
];

#[test]
fn composer_normalization() {
    for (input, normalized) in NORMALIZED {
        let v = PackagistVersion::parse(input).expect("valid version");
        assert_eq!(v.normalized(), *normalized, "{input:?}");
        assert_eq!(v.to_string(), input.trim());
    }
}

const ORDERED: &[&str] = &[
    "0.9",
    "1.0.0-dev",
    "1.0.0-alpha",
    "1.0.0-alpha1",
    "1.0.0-alpha2",
    "1.0.0-beta",
    "1.0.0-beta2",
    "1.0.0-beta10",
    "1.0.0-RC1",
    "1.0.0-RC2",
    "1.0.0",
    "1.0.0-patch1",
    "1.0.0-pl2",
    "1.0.0.1",
    "1.0.1",
    "1.1",
    "1.9.x-dev",
    "1.10",
    "2.0.0-beta1",
    "v2.0.0",
    "10.0",
    "2010.01.02",
    "20100102",
    "2222222222222222222222",
];

#[test]
fn stability_and_numeric_order() {
    assert_strictly_increasing(parse, ORDERED);
}

#[test]
fn equalities() {
    let groups: &[&[&str]] = &[
        &[
            "1.0.0",
            "1.0",
            "1",
            "v1.0.0",
            "1.0.0.0",
            "1.0.0+build",
            "1.0.0-stable",
            "01.0",
        ],
        &[
            "1.0.0-beta2",
            "1.0.0-b2",
            "1.0.0-BETA.2",
            "1.0.0beta2",
            "1.0.0-beta-2",
        ],
        &["1.0.0-alpha", "1.0.0-a", "1.0.0a"],
        &["1.0.0-RC1", "1.0.0-rc1", "1.0.0rc.1"],
        &["1.0.0-patch1", "1.0.0-p1", "1.0.0-pl1", "1.0.0.p1"],
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
fn php_canonicalization() {
    let cases = [
        ("1.0.0.0-beta2", "1.0.0.0.beta.2"),
        ("1.0.0.0-RC1-dev", "1.0.0.0.RC.1.dev"),
        ("1.0.0.0-alpha2.1-3", "1.0.0.0.alpha.2.1.3"),
        ("1.0rc1", "1.0.rc.1"),
        ("1..0", "1.0"),
        ("1_0+a", "1.0.a"),
        ("1#0", "1.#.0"),
    ];
    for (input, canonical) in cases {
        assert_eq!(php_canonicalize(input), canonical, "{input:?}");
    }
    assert_eq!(special_rank("patch"), 5);
    assert_eq!(special_rank("stable"), -1);
    assert_eq!(special_rank("RC"), 3);
    assert_eq!(special_rank("#N#"), 4);
}

#[test]
fn php_trim_strips_nul_and_vertical_tab() {
    let v = PackagistVersion::parse("\u{0}\u{b} 1.2.3\t\u{0}").expect("valid version");
    assert_eq!(v.as_str(), "1.2.3");
    assert_eq!(v.normalized(), "1.2.3.0");
}

#[test]
fn prerelease_flag() {
    for (input, pre) in [
        ("1.0.0", false),
        ("1.0.0-patch1", false),
        ("1.0.0-RC1", true),
        ("1.0.0-dev", true),
        ("1.x-dev", true),
    ] {
        let v = PackagistVersion::parse(input).expect("valid version");
        assert_eq!(v.is_prerelease(), pre, "{input}");
    }
}

#[test]
fn named_branches_are_unordered() {
    for branch in [
        "dev-master",
        "master",
        "trunk",
        "default",
        "DEV-FOOBAR",
        "dev-feature/foo",
        "dev-master as 1.0.0",
        "dev-load-varnish-only-when-used@stable",
        "dev-041.003",
    ] {
        let err = PackagistVersion::parse(branch).expect_err("branches are unordered");
        assert!(
            err.reason.contains("has no order"),
            "{branch}: {}",
            err.reason
        );
    }
}

#[test]
fn rejects_invalid() {
    // `failingNormalizedVersions`, plus hostile input.
    assert_invalid(
        parse,
        &[
            "",
            " ",
            "a",
            "1.0.0-meh",
            "1.0.0.0.0",
            "feature-foo",
            "1.0.0+foo bar",
            "1.0.1-SNAPSHOT",
            "1.0.0<1.0.5-dev",
            "foo bar-dev",
            "1.0 .2",
            " as ",
            " as 1.2",
            "^",
            "^8 || ^",
            "~",
            "~1 ~",
            "~1",
            "^1",
            "1.*",
            "20100102.0.3.4",
            "１.0",
            "1.0\u{0}1",
            "dev💥",
            "rcv💥",
            "99999999999999999999999",
        ],
    );
}
