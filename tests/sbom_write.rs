//! SBOM writers against the official schemas, determinism, and round trips
//! through the reader.

mod sbom_support;

use leakgate::inventory::{purl, Ecosystem, Package};
use leakgate::sbom::{
    creation_time_from, cyclonedx, read_sbom_str, spdx, CycloneDxVersion, SbomKind, WriteOptions,
};
use sbom_support::{assert_valid_cyclonedx, assert_valid_spdx, realistic_inventory};
use serde_json::Value;
use std::collections::BTreeSet;

fn options(epoch: &str) -> WriteOptions {
    WriteOptions {
        root_name: "monorepo".into(),
        timestamp: creation_time_from(Some(epoch)).unwrap(),
    }
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[test]
fn cyclonedx_is_schema_valid_in_every_version() {
    for version in CycloneDxVersion::ALL {
        let text =
            cyclonedx::to_string(&realistic_inventory(), version, &options("1700000000")).unwrap();
        let doc = parse(&text);
        assert_eq!(doc["specVersion"], version.as_str());
        assert_valid_cyclonedx(&doc);
        // 19 packages, two of them the same serde: 18 components.
        assert_eq!(doc["components"].as_array().unwrap().len(), 18);
        assert_eq!(doc["dependencies"].as_array().unwrap().len(), 19);
    }
}

#[test]
fn the_schema_check_catches_broken_documents() {
    let text = cyclonedx::to_string(
        &realistic_inventory(),
        CycloneDxVersion::V1_7,
        &options("0"),
    )
    .unwrap();
    for (pointer, bad) in [
        ("/components/0/scope", "sometimes"),
        ("/components/0/hashes/0/content", "xyz"),
        ("/serialNumber", "not-a-urn"),
    ] {
        let mut doc = parse(&text);
        *doc.pointer_mut(pointer).unwrap() = Value::from(bad);
        assert!(
            !sbom_support::cyclonedx_errors(&doc).is_empty(),
            "{pointer}"
        );
    }
    let mut doc = parse(&spdx::to_string(&realistic_inventory(), &options("0")).unwrap());
    *doc.pointer_mut("/packages/1/externalRefs/0/referenceCategory")
        .unwrap() = Value::from("PACKAGE_MANAGER");
    assert!(!sbom_support::spdx_errors(&doc).is_empty());
}

#[test]
fn empty_inventory_is_still_a_valid_document() {
    let doc = parse(&cyclonedx::to_string(&[], CycloneDxVersion::V1_7, &options("0")).unwrap());
    assert_valid_cyclonedx(&doc);
    assert_eq!(doc["components"], serde_json::json!([]));
    let doc = parse(&spdx::to_string(&[], &options("0")).unwrap());
    assert_valid_spdx(&doc);
    assert_eq!(doc["packages"].as_array().unwrap().len(), 1);
}

#[test]
fn spdx_is_schema_valid() {
    let doc = parse(&spdx::to_string(&realistic_inventory(), &options("1700000000")).unwrap());
    assert_valid_spdx(&doc);
    assert_eq!(doc["packages"].as_array().unwrap().len(), 19);
    let rels = doc["relationships"].as_array().unwrap();
    let count = |t: &str| rels.iter().filter(|r| r["relationshipType"] == t).count();
    assert_eq!(count("DESCRIBES"), 1);
    // @babel/core is the only direct dev-only package.
    assert_eq!(count("DEV_DEPENDENCY_OF"), 1);
    // 11 direct runtime packages (serde counts once) + 6 resolved edges.
    assert_eq!(count("DEPENDS_ON"), 11 + 6);
}

#[test]
fn hostile_names_still_produce_valid_documents() {
    let mut weird = sbom_support::package(
        Ecosystem::Npm,
        "@sc ope/na#me?x=\"y\"",
        Some("1.0.0 beta/<x>"),
        "a b/package-lock.json",
        1,
        &[],
    );
    weird.license = Some("(MIT".into());
    weird.hashes = vec![leakgate::inventory::Digest::from_hex("md5", &"00".repeat(16)).unwrap()];
    let odd_root = WriteOptions {
        root_name: "dir with spaces & ünïcode".into(),
        timestamp: creation_time_from(Some("1")).unwrap(),
    };
    let pkgs = [weird];
    assert_valid_cyclonedx(&parse(
        &cyclonedx::to_string(&pkgs, CycloneDxVersion::V1_6, &odd_root).unwrap(),
    ));
    let spdx_doc = parse(&spdx::to_string(&pkgs, &odd_root).unwrap());
    assert_valid_spdx(&spdx_doc);
    let id = spdx_doc["packages"][1]["SPDXID"].as_str().unwrap();
    assert!(
        id.chars()
            .skip("SPDXRef-".len())
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'),
        "{id}"
    );
}

#[test]
fn two_runs_are_byte_identical_and_follow_source_date_epoch() {
    let inv = realistic_inventory();
    let mut shuffled = inv.clone();
    shuffled.reverse();
    shuffled.swap(2, 7);
    for version in CycloneDxVersion::ALL {
        let a = cyclonedx::to_string(&inv, version, &options("1700000000")).unwrap();
        let b = cyclonedx::to_string(&shuffled, version, &options("1700000000")).unwrap();
        assert_eq!(a, b, "CycloneDX {version}");
        assert!(a.contains("\"timestamp\": \"2023-11-14T22:13:20Z\""));
    }
    let a = spdx::to_string(&inv, &options("1700000000")).unwrap();
    let b = spdx::to_string(&shuffled, &options("1700000000")).unwrap();
    assert_eq!(a, b);
    assert!(a.contains("\"created\": \"2023-11-14T22:13:20Z\""));

    let later = cyclonedx::to_string(&inv, CycloneDxVersion::V1_6, &options("1800000000")).unwrap();
    assert!(later.contains("\"timestamp\": \"2027-01-15T08:00:00Z\""));
    let earlier =
        cyclonedx::to_string(&inv, CycloneDxVersion::V1_6, &options("1700000000")).unwrap();
    assert_eq!(
        parse(&later)["serialNumber"],
        parse(&earlier)["serialNumber"],
        "the serial number is content-derived, not time-derived"
    );
}

/// The (ecosystem, name, version, purl) set an SBOM of `packages` must read
/// back as. Names go through the purl, which normalises them the way the
/// ecosystem does (PyPI and Composer lower-case).
fn expected_set(packages: &[Package]) -> BTreeSet<(Ecosystem, String, Option<String>, String)> {
    packages
        .iter()
        .map(|p| {
            let name = purl::parse(&p.purl()).unwrap().package_name();
            (p.ecosystem, name, p.version.clone(), p.purl().into_owned())
        })
        .collect()
}

fn read_set(packages: &[Package]) -> BTreeSet<(Ecosystem, String, Option<String>, String)> {
    packages
        .iter()
        .map(|p| {
            (
                p.ecosystem,
                p.name.clone(),
                p.version.clone(),
                p.purl().into_owned(),
            )
        })
        .collect()
}

#[test]
fn cyclonedx_round_trip_keeps_the_inventory() {
    let inv = realistic_inventory();
    for version in CycloneDxVersion::ALL {
        let text = cyclonedx::to_string(&inv, version, &options("1700000000")).unwrap();
        let doc = read_sbom_str(&text, "bom.cdx.json").unwrap();
        assert_eq!(doc.kind, SbomKind::CycloneDx);
        assert_eq!(doc.spec_version, version.as_str());
        assert!(doc.skipped.is_empty(), "{:?}", doc.skipped);
        assert_eq!(read_set(&doc.packages), expected_set(&inv));
        let find = |name: &str| doc.packages.iter().find(|p| p.name == name).unwrap();
        assert!(find("@babel/core").direct && find("@babel/core").dev);
        assert!(!find("debug").direct && find("debug").dev);
        assert!(find("serde").direct && !find("serde").dev);
        assert_eq!(find("serde_json").dependencies.len(), 2);
        assert_eq!(find("react").license.as_deref(), Some("MIT OR Apache-2.0"));
        assert_eq!(
            find("Newtonsoft.Json").hashes,
            [("SHA-512".to_string(), "0c".repeat(64))]
        );
        assert!(find("monolog/monolog").hashes.is_empty());
        assert!(find("anyhow").location.line > 0);
        assert_eq!(find("anyhow").location.file, "bom.cdx.json");
    }
}

#[test]
fn spdx_round_trip_keeps_the_inventory() {
    let inv = realistic_inventory();
    let text = spdx::to_string(&inv, &options("1700000000")).unwrap();
    let doc = read_sbom_str(&text, "bom.spdx.json").unwrap();
    assert_eq!(doc.kind, SbomKind::Spdx);
    assert!(doc.skipped.is_empty(), "{:?}", doc.skipped);
    assert_eq!(read_set(&doc.packages), expected_set(&inv));
    let find = |name: &str| doc.packages.iter().find(|p| p.name == name).unwrap();
    assert!(find("@babel/core").direct && find("@babel/core").dev);
    assert!(find("rails").direct);
    assert!(!find("rack").direct);
    assert_eq!(find("rails").dependencies.len(), 1);
    assert_eq!(
        find("rack").hashes,
        [("SHA-1".to_string(), "a9".repeat(20))]
    );
    assert_eq!(
        find("django").license,
        None,
        "free text is not declared in SPDX"
    );
}
