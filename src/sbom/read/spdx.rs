//! SPDX 2.2/2.3 JSON → packages.
//!
//! A package's purl is its first `externalRefs` entry of `referenceType`
//! `purl` (category `PACKAGE-MANAGER`, or `PACKAGE_MANAGER` as some tools
//! spell it). Dependency edges come from `DEPENDS_ON` and from every
//! `*_DEPENDENCY_OF` relationship read in reverse; `DEV_DEPENDENCY_OF` and
//! `TEST_DEPENDENCY_OF` mark the dependency development-only. A package is
//! direct when a described package (the subject) depends on it. The licence
//! is `licenseDeclared`, else `licenseConcluded`, unless `NOASSERTION`/`NONE`.

use super::{packages_from_entries, value_lines, Entry, SbomDocument, SbomKind};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

/// Turns the parsed document into packages.
pub(super) fn read(doc: Document, text: &str, file: &str, version: String) -> SbomDocument {
    let mut described: HashSet<&str> = doc.document_describes.iter().map(String::as_str).collect();
    let mut edges: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut dev: HashSet<&str> = HashSet::new();
    for r in &doc.relationships {
        let (a, b) = (r.spdx_element_id.as_str(), r.related_spdx_element.as_str());
        match r.relationship_type.as_str() {
            "DESCRIBES" if a == "SPDXRef-DOCUMENT" => {
                described.insert(b);
            }
            "DESCRIBED_BY" if b == "SPDXRef-DOCUMENT" => {
                described.insert(a);
            }
            "DEPENDS_ON" => edges.entry(a).or_default().push(b),
            "DEV_DEPENDENCY_OF" | "TEST_DEPENDENCY_OF" => {
                dev.insert(a);
                edges.entry(b).or_default().push(a);
            }
            t if t.ends_with("DEPENDENCY_OF") => edges.entry(b).or_default().push(a),
            _ => {}
        }
    }
    let direct: HashSet<&str> = described
        .iter()
        .filter_map(|d| edges.get(d))
        .flatten()
        .copied()
        .collect();

    let entries: Vec<Entry<'_>> = doc
        .packages
        .iter()
        .filter(|p| !described.contains(p.spdx_id.as_str()))
        .map(|p| {
            let purl = p
                .external_refs
                .iter()
                .find(|r| {
                    r.reference_type == "purl"
                        && matches!(
                            r.reference_category.as_str(),
                            "PACKAGE-MANAGER" | "PACKAGE_MANAGER"
                        )
                })
                .map(|r| r.reference_locator.as_str());
            let license = [&p.license_declared, &p.license_concluded]
                .into_iter()
                .flatten()
                .map(|l| l.trim())
                .find(|l| !l.is_empty() && *l != "NOASSERTION" && *l != "NONE")
                .map(str::to_string);
            Entry {
                id: Some(p.spdx_id.as_str()),
                display_name: p.name.as_deref().unwrap_or(p.spdx_id.as_str()),
                purl,
                version: p.version_info.as_deref(),
                dev: dev.contains(p.spdx_id.as_str()),
                direct: direct.contains(p.spdx_id.as_str()),
                hashes: p
                    .checksums
                    .iter()
                    .map(|c| (c.algorithm.clone(), c.checksum_value.clone()))
                    .collect(),
                license,
            }
        })
        .collect();
    let lines = value_lines(text, "referenceLocator");
    let (packages, skipped) = packages_from_entries(entries, &edges, file, &lines);
    SbomDocument {
        kind: SbomKind::Spdx,
        spec_version: version,
        packages,
        skipped,
    }
}

/// The parts of an SPDX document the reader uses.
pub(super) struct Document {
    pub(super) packages: Vec<SpdxPackage>,
    pub(super) relationships: Vec<Relationship>,
    pub(super) document_describes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SpdxPackage {
    #[serde(rename = "SPDXID")]
    spdx_id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version_info: Option<String>,
    #[serde(default)]
    external_refs: Vec<ExternalRef>,
    #[serde(default)]
    checksums: Vec<Checksum>,
    #[serde(default)]
    license_declared: Option<String>,
    #[serde(default)]
    license_concluded: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef {
    reference_category: String,
    reference_type: String,
    reference_locator: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Checksum {
    algorithm: String,
    checksum_value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Relationship {
    spdx_element_id: String,
    relationship_type: String,
    related_spdx_element: String,
}

#[cfg(test)]
mod tests {
    use crate::inventory::{Ecosystem, PackageRef};
    use crate::sbom::{read_sbom_str, SbomKind};

    const DOC: &str = r#"{
  "spdxVersion": "SPDX-2.3",
  "SPDXID": "SPDXRef-DOCUMENT",
  "name": "x",
  "documentDescribes": ["SPDXRef-root"],
  "packages": [
    {"SPDXID": "SPDXRef-root", "name": "root", "externalRefs": [
      {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:pypi/root@0.1"}]},
    {"SPDXID": "SPDXRef-flask", "name": "Flask", "versionInfo": "3.0.0",
     "licenseConcluded": "NOASSERTION", "licenseDeclared": "BSD-3-Clause",
     "checksums": [{"algorithm": "SHA256", "checksumValue": "abababababababababababababababababababababababababababababababab"}],
     "externalRefs": [
      {"referenceCategory": "SECURITY", "referenceType": "cpe23Type", "referenceLocator": "cpe:2.3:a:x"},
      {"referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl", "referenceLocator": "pkg:pypi/flask@3.0.0"}]},
    {"SPDXID": "SPDXRef-jinja", "name": "Jinja2", "versionInfo": "3.1.2", "externalRefs": [
      {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:pypi/jinja2@3.1.2"}]},
    {"SPDXID": "SPDXRef-pytest", "name": "pytest", "externalRefs": [
      {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:pypi/pytest@8.0.0"}]},
    {"SPDXID": "SPDXRef-nopurl", "name": "vendored-thing"}
  ],
  "relationships": [
    {"spdxElementId": "SPDXRef-root", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-flask"},
    {"spdxElementId": "SPDXRef-jinja", "relationshipType": "DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-flask"},
    {"spdxElementId": "SPDXRef-pytest", "relationshipType": "DEV_DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-root"}
  ]
}"#;

    #[test]
    fn reads_packages_relationships_and_skips_the_subject() {
        let doc = read_sbom_str(DOC, "sbom.spdx.json").unwrap();
        assert_eq!(doc.kind, SbomKind::Spdx);
        let got: Vec<(&str, Option<&str>, bool, bool)> = doc
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_deref(), p.direct, p.dev))
            .collect();
        assert_eq!(
            got,
            [
                ("flask", Some("3.0.0"), true, false),
                ("jinja2", Some("3.1.2"), false, false),
                ("pytest", Some("8.0.0"), true, true),
            ]
        );
        let flask = &doc.packages[0];
        assert_eq!(flask.ecosystem, Ecosystem::PyPI);
        assert_eq!(flask.license.as_deref(), Some("BSD-3-Clause"));
        assert_eq!(flask.hashes[0].algorithm(), "SHA-256");
        assert_eq!(flask.location.line, 14);
        assert_eq!(
            flask.dependencies,
            [PackageRef {
                name: "jinja2".into(),
                version: Some("3.1.2".into())
            }]
        );
        assert_eq!(doc.skipped.len(), 1);
        assert_eq!(doc.skipped[0].name, "vendored-thing");
    }
}
