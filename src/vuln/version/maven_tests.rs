//! Tables from maven-artifact's `ComparableVersionTest`, plus hostile input.

use super::super::testing::{
    assert_all_equal, assert_invalid, assert_laws_across, assert_strictly_increasing,
    generate_versions,
};
use super::*;

fn parse(s: &str) -> Result<MavenVersion, VersionError> {
    MavenVersion::parse(s)
}

const VERSIONS_QUALIFIER: &[&str] = &[
    "1-alpha2snapshot",
    "1-alpha2",
    "1-alpha-123",
    "1-beta-2",
    "1-beta123",
    "1-m2",
    "1-m11",
    "1-rc",
    "1-cr2",
    "1-rc123",
    "1-SNAPSHOT",
    "1",
    "1-sp",
    "1-sp2",
    "1-sp123",
    "1-abc",
    "1-def",
    "1-pom-1",
    "1-1-snapshot",
    "1-1",
    "1-2",
    "1-123",
];

const VERSIONS_NUMBER: &[&str] = &[
    "2.0", "2-1", "2.0.a", "2.0.0.a", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b", "2.1-c",
    "2.1-1", "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11", "11.m2", "11.m11",
    "11", "11.a", "11b", "11c", "11m",
];

/// `testVersionsEqual` pairs.
const EQUAL_PAIRS: &[(&str, &str)] = &[
    ("1", "1"),
    ("1", "1.0"),
    ("1", "1.0.0"),
    ("1.0", "1.0.0"),
    ("1", "1-0"),
    ("1", "1.0-0"),
    ("1.0", "1.0-0"),
    ("1a", "1-a"),
    ("1a", "1.0-a"),
    ("1a", "1.0.0-a"),
    ("1.0a", "1-a"),
    ("1.0.0a", "1-a"),
    ("1x", "1-x"),
    ("1x", "1.0-x"),
    ("1x", "1.0.0-x"),
    ("1.0x", "1-x"),
    ("1.0.0x", "1-x"),
    ("1ga", "1"),
    ("1release", "1"),
    ("1final", "1"),
    ("1cr", "1rc"),
    ("1a1", "1-alpha-1"),
    ("1b2", "1-beta-2"),
    ("1m3", "1-milestone-3"),
    ("1X", "1x"),
    ("1A", "1a"),
    ("1B", "1b"),
    ("1M", "1m"),
    ("1Ga", "1"),
    ("1GA", "1"),
    ("1RELEASE", "1"),
    ("1release", "1"),
    ("1RELeaSE", "1"),
    ("1Final", "1"),
    ("1FinaL", "1"),
    ("1FINAL", "1"),
    ("1Cr", "1Rc"),
    ("1cR", "1rC"),
    ("1m3", "1Milestone3"),
    ("1m3", "1MileStone3"),
    ("1m3", "1MILESTONE3"),
    (
        "1-abcdefghijklmnopqrstuvwxyz",
        "1-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    ),
    ("1.0.0-ga", "1"),
    ("1.0-SNAPSHOT", "1-snapshot"),
];

/// `testVersionComparing` pairs (first < second).
const ORDER_PAIRS: &[(&str, &str)] = &[
    ("1", "2"),
    ("1.5", "2"),
    ("1", "2.5"),
    ("1.0", "1.1"),
    ("1.1", "1.2"),
    ("1.0.0", "1.1"),
    ("1.0.1", "1.1"),
    ("1.1", "1.2.0"),
    ("1.0-alpha-1", "1.0"),
    ("1.0-alpha-1", "1.0-alpha-2"),
    ("1.0-alpha-1", "1.0-beta-1"),
    ("1.0-beta-1", "1.0-SNAPSHOT"),
    ("1.0-SNAPSHOT", "1.0"),
    ("1.0-alpha-1-SNAPSHOT", "1.0-alpha-1"),
    ("1.0", "1.0-1"),
    ("1.0-1", "1.0-2"),
    ("1.0.0", "1.0-1"),
    ("2.0-1", "2.0.1"),
    ("2.0.1-klm", "2.0.1-lmn"),
    ("2.0.1", "2.0.1-xyz"),
    ("2.0.1", "2.0.1-123"),
    ("2.0.1-xyz", "2.0.1-123"),
    ("1-1", "1.1"),
    ("1-sp", "1.1"),
];

#[test]
fn versions_qualifier() {
    assert_strictly_increasing(parse, VERSIONS_QUALIFIER);
}

#[test]
fn versions_number() {
    assert_strictly_increasing(parse, VERSIONS_NUMBER);
}

#[test]
fn versions_equal() {
    for (a, b) in EQUAL_PAIRS {
        assert_all_equal(parse, &[a, b]);
    }
}

#[test]
fn versions_comparing() {
    for (a, b) in ORDER_PAIRS {
        assert_strictly_increasing(parse, &[a, b]);
    }
}

#[test]
fn mng_5568_transitivity() {
    assert_strictly_increasing(parse, &["6.1.0rc3", "6.1.0", "6.1H.5-beta"]);
}

#[test]
fn mng_6572_large_numbers() {
    assert_strictly_increasing(
        parse,
        &[
            "20190126.230843",
            "1234567890.12345",
            "123456789012345.1H.5-beta",
            "12345678901234567890.1H.5-beta",
            "99999999999999999999999",
        ],
    );
}

#[test]
fn leading_zeroes_are_equal() {
    let ones: Vec<String> = (0..19).map(|n| format!("{}1", "0".repeat(n))).collect();
    let zeros: Vec<String> = (0..19).map(|n| "0".repeat(n + 1)).collect();
    for table in [ones, zeros] {
        let refs: Vec<&str> = table.iter().map(String::as_str).collect();
        assert_all_equal(parse, &refs);
    }
}

#[test]
fn mng_6964_qualifiers_after_zero() {
    assert_strictly_increasing(parse, &["1-0.alpha", "1-0.beta", "1"]);
}

#[test]
fn brief_qualifier_order() {
    assert_strictly_increasing(
        parse,
        &[
            "1.0-alpha",
            "1.0-beta",
            "1.0-milestone",
            "1.0-rc",
            "1.0-snapshot",
            "1.0",
            "1.0-sp",
            "1.0-aaa",
            "1.0-zzz",
            "1.0-1",
            "1.0.1",
        ],
    );
}

#[test]
fn non_transitive_maven_shapes_get_a_total_order() {
    assert_strictly_increasing(parse, &["1.0.alpha", "1", "1-1"]);
    assert_strictly_increasing(parse, &["1-alpha", "1", "1.sp"]);
    assert_strictly_increasing(parse, &["1.sp", "1.0.sp", "1.0.1"]);
}

#[test]
fn order_laws_on_generated_versions() {
    let generated = generate_versions(
        &["1", "0", "2", ".", "-", "a", "sp", "rc", "ga", "x"],
        4,
        150,
    );
    let refs: Vec<&str> = generated.iter().map(String::as_str).collect();
    assert_laws_across(parse, &[&refs]);
}

#[test]
fn canonical_forms() {
    let cases = [
        ("1.0.0-GA", "1"),
        ("1.0-alpha1", "1-alpha-1"),
        ("1.0alpha1", "1-alpha-1"),
        ("1-0.alpha", "1-0.alpha"),
        ("2.0.0.a", "2.0.0.a"),
        ("1.0-SNAPSHOT", "1-snapshot"),
        ("1..2", "1.0.2"),
        ("007.1", "7.1"),
        ("1-cr-1", "1-rc-1"),
    ];
    for (input, canonical) in cases {
        let v = MavenVersion::parse(input).expect("valid version");
        assert_eq!(v.canonical(), canonical, "{input}");
        assert_eq!(v.to_string(), input);
        // Canonical forms are stable (the reference test's invariant).
        let again = MavenVersion::parse(canonical).expect("valid version");
        assert_eq!(again.canonical(), canonical, "{input}");
        assert_eq!(again, v, "{input}");
    }
}

#[test]
fn prerelease_flag() {
    for (input, pre) in [
        ("1.0", false),
        ("1.0-sp1", false),
        ("1.0-jre", false),
        ("1.0-1", false),
        ("1.0-SNAPSHOT", true),
        ("1.0-rc1", true),
        ("1.0.M2", true),
        ("1.0.Mx", false),
        ("1.0M2", true),
        ("1.0-alpha-1-SNAPSHOT", true),
    ] {
        let v = MavenVersion::parse(input).expect("valid version");
        assert_eq!(v.is_prerelease(), pre, "{input}");
    }
}

#[test]
fn order_laws_across_all_tables() {
    let mut pairs: Vec<&str> = Vec::new();
    for (a, b) in EQUAL_PAIRS.iter().chain(ORDER_PAIRS) {
        pairs.push(a);
        pairs.push(b);
    }
    let extra = [
        "1-0.alpha",
        "1-0.beta",
        "6.1H.5-beta",
        "1.0-aaa",
        "0",
        "0.0-alpha",
        "1..",
        "-1",
    ];
    assert_laws_across(
        parse,
        &[VERSIONS_QUALIFIER, VERSIONS_NUMBER, &pairs, &extra],
    );
}

#[test]
fn rejects_invalid() {
    assert_invalid(
        parse,
        &[
            "",
            "   ",
            "1.0 beta",
            "1.0\tbeta",
            "1.0-ß",
            "１.0",
            "1.0\u{0}",
            "1.0-\u{7f}",
        ],
    );
}
