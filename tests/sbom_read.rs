//! The SBOM reader on documents shaped like what other tools emit (Syft,
//! cdxgen, cargo-cyclonedx, GitHub's dependency-graph export) and on bad input.

mod sbom_support;

use leakgate::inventory::{Ecosystem, Package, PackageRef};
use leakgate::sbom::{read_sbom, SbomError, SbomKind};
use sbom_support::fixture;

/// (ecosystem, name, version, direct, dev) of each package, in document order.
fn summary(packages: &[Package]) -> Vec<(Ecosystem, &str, Option<&str>, bool, bool)> {
    packages
        .iter()
        .map(|p| {
            (
                p.ecosystem,
                p.name.as_str(),
                p.version.as_deref(),
                p.direct,
                p.dev,
            )
        })
        .collect()
}

fn skipped(doc: &leakgate::sbom::SbomDocument) -> Vec<(&str, &str)> {
    doc.skipped
        .iter()
        .map(|s| (s.name.as_str(), s.reason.as_str()))
        .collect()
}

#[test]
fn syft_cyclonedx() {
    let path = fixture("third-party/syft-cyclonedx-1.5.json");
    let doc = read_sbom(&path).unwrap();
    assert_eq!(
        (doc.kind, doc.spec_version.as_str()),
        (SbomKind::CycloneDx, "1.5")
    );
    assert_eq!(
        summary(&doc.packages),
        [
            (Ecosystem::Npm, "lodash", Some("4.17.20"), false, false),
            (Ecosystem::PyPI, "urllib3", Some("1.26.4"), false, false),
        ]
    );
    assert_eq!(doc.packages[0].license.as_deref(), Some("MIT"));
    assert_eq!(doc.packages[0].location.file, path.display().to_string());
    assert_eq!(doc.packages[0].location.line, 25);
    assert_eq!(
        skipped(&doc),
        [
            ("debian", "no purl"),
            (
                "pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12",
                "unsupported purl type `deb`"
            )
        ]
    );
}

#[test]
fn cdxgen_cyclonedx_with_graph_and_scopes() {
    let doc = read_sbom(&fixture("third-party/cdxgen-cyclonedx-1.6.json")).unwrap();
    assert_eq!(
        summary(&doc.packages),
        [
            (
                Ecosystem::Maven,
                "org.apache.logging.log4j:log4j-core",
                Some("2.14.1"),
                true,
                false
            ),
            (
                Ecosystem::Maven,
                "org.apache.logging.log4j:log4j-api",
                Some("2.14.1"),
                false,
                false
            ),
            (Ecosystem::Maven, "junit:junit", Some("4.13.1"), true, true),
        ]
    );
    let core = &doc.packages[0];
    assert_eq!(
        core.purl(),
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar"
    );
    assert_eq!(core.license.as_deref(), Some("Apache-2.0"));
    assert_eq!(core.hashes[0].algorithm(), "SHA-256");
    assert_eq!(
        core.dependencies,
        [PackageRef {
            name: "org.apache.logging.log4j:log4j-api".into(),
            version: Some("2.14.1".into())
        }]
    );
    assert!(doc.skipped.is_empty(), "the subject is not a dependency");
}

#[test]
fn cargo_cyclonedx_1_4() {
    let doc = read_sbom(&fixture("third-party/cargo-cyclonedx-1.4.json")).unwrap();
    assert_eq!(doc.spec_version, "1.4");
    assert_eq!(
        summary(&doc.packages),
        [
            (Ecosystem::CratesIo, "regex", Some("1.10.4"), true, false),
            (Ecosystem::CratesIo, "memchr", Some("2.7.2"), false, false),
            (Ecosystem::CratesIo, "forked", Some("0.1.0"), true, false),
        ]
    );
    assert_eq!(
        doc.packages[0].license.as_deref(),
        Some("MIT OR Apache-2.0")
    );
    assert_eq!(doc.packages[0].dependencies[0].name, "memchr");
}

#[test]
fn syft_spdx() {
    let doc = read_sbom(&fixture("third-party/syft-spdx-2.3.json")).unwrap();
    assert_eq!(
        (doc.kind, doc.spec_version.as_str()),
        (SbomKind::Spdx, "SPDX-2.3")
    );
    assert_eq!(
        summary(&doc.packages),
        [
            (
                Ecosystem::Go,
                "github.com/gin-gonic/gin",
                Some("v1.9.0"),
                false,
                false
            ),
            (
                Ecosystem::Go,
                "golang.org/x/net",
                Some("v0.7.0"),
                false,
                false
            ),
            (
                Ecosystem::RubyGems,
                "nokogiri",
                Some("1.13.9"),
                false,
                false
            ),
        ]
    );
    assert_eq!(doc.packages[0].hashes[0].algorithm(), "SHA-256");
    assert_eq!(doc.packages[0].license, None);
    assert_eq!(doc.packages[2].license.as_deref(), Some("MIT"));
    assert_eq!(doc.packages[1].location.line, 39);
    assert!(doc.skipped.is_empty(), "{:?}", doc.skipped);
}

#[test]
fn github_dependency_graph_spdx() {
    let doc = read_sbom(&fixture(
        "third-party/github-dependency-graph-spdx-2.3.json",
    ))
    .unwrap();
    assert_eq!(
        summary(&doc.packages),
        [
            (Ecosystem::Npm, "express", Some("4.17.1"), true, false),
            (Ecosystem::Npm, "@types/node", Some("20.11.5"), true, false),
        ]
    );
    assert_eq!(doc.packages[0].license.as_deref(), Some("MIT"));
    assert_eq!(
        skipped(&doc),
        [(
            "pkg:githubactions/actions/checkout@4.%2A.%2A",
            "unsupported purl type `githubactions`"
        )]
    );
}

#[test]
fn bad_input_is_reported_with_file_and_line() {
    let err = read_sbom(&fixture("bad/package.json")).unwrap_err();
    assert!(matches!(err, SbomError::NotSbom { .. }));
    assert!(
        err.to_string().contains("bad/package.json: not an SBOM"),
        "{err}"
    );

    let err = read_sbom(&fixture("bad/truncated.cdx.json")).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("bad/truncated.cdx.json:5:") && msg.contains("malformed JSON"),
        "{msg}"
    );

    let err = read_sbom(&fixture("bad/cyclonedx-1.2.json")).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("unsupported CycloneDX version `1.2` (supported: 1.4, 1.5, 1.6, 1.7)"),
        "{err}"
    );

    let err = read_sbom(&fixture("bad/bom.xml")).unwrap_err();
    assert!(
        err.to_string().contains("XML SBOMs are not supported"),
        "{err}"
    );

    let err = read_sbom(&fixture("bad/does-not-exist.json")).unwrap_err();
    assert!(matches!(err, SbomError::Io { .. }));
    assert!(
        err.to_string().contains("does-not-exist.json: cannot read"),
        "{err}"
    );
}

#[test]
fn hostile_documents_do_not_panic() {
    let deep = format!(
        "{{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{}{}]}}",
        "{\"name\":\"x\",\"components\":[".repeat(400),
        "]}".repeat(400)
    );
    let inputs = [
        deep.as_str(),
        "",
        "null",
        "{\"bomFormat\":\"CycloneDX\",\"specVersion\":1.6}",
        "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":{}}",
        "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"purl\":\"pkg:npm/%ff%fe@1\"}]}",
        "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[{\"purl\":\"pkg:/@\"}],\"dependencies\":[{\"ref\":\"a\",\"dependsOn\":[\"a\"]}]}",
        "{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[{\"name\":\"no id\"}]}",
        "{\"spdxVersion\":\"SPDX-2.3\",\"relationships\":[{\"spdxElementId\":\"a\",\"relationshipType\":\"DEPENDS_ON\",\"relatedSpdxElement\":\"a\"}]}",
    ];
    for (i, text) in inputs.iter().enumerate() {
        // Errors are fine; panics are not. Successes must not invent packages.
        if let Ok(doc) = leakgate::sbom::read_sbom_str(text, "x.json") {
            assert!(doc.packages.is_empty(), "input {i}: {:?}", doc.packages);
        }
    }
}
