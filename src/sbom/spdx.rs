//! SPDX 2.3 JSON writer.
//!
//! One package per distinct purl plus a root package for the scanned
//! directory. Each package carries its purl as a `PACKAGE-MANAGER` external
//! reference (the 2.3 JSON schema's spelling; the spec's tag-value form uses
//! `PACKAGE_MANAGER`), its checksums, and its licence when the lockfile
//! records an SPDX expression (otherwise `NOASSERTION`, with the recorded
//! text kept in `licenseComments`).
//!
//! Relationships: `DOCUMENT DESCRIBES root`; the root `DEPENDS_ON` each
//! direct runtime dependency; a direct development-only dependency is
//! `DEV_DEPENDENCY_OF` the root (SPDX's relationship for exactly that, with
//! the arrow reversed); every package `DEPENDS_ON` what its lockfile says it
//! depends on. Relationships are sorted, so output is deterministic.

use super::fields::is_known_spdx_expression;
use super::graph::{self, Component, Graph};
use super::{format_timestamp, ContentHash, SbomError, WriteOptions};
use crate::inventory::Package;
use serde::Serialize;
use std::collections::HashSet;
use std::io::Write;

/// The root package's SPDX identifier.
const ROOT_ID: &str = "SPDXRef-RootPackage";

/// Writes `packages` as an SPDX 2.3 JSON document to `out` (pretty-printed,
/// with a trailing newline).
pub fn write(
    packages: &[Package],
    options: &WriteOptions,
    mut out: impl Write,
) -> Result<(), SbomError> {
    let graph = graph::build(packages);
    let ids = assign_ids(&graph.components);
    let doc = document(&graph, &ids, options);
    serde_json::to_writer_pretty(&mut out, &doc).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// [`write`] into a string.
pub fn to_string(packages: &[Package], options: &WriteOptions) -> Result<String, SbomError> {
    let mut buf = Vec::new();
    write(packages, options, &mut buf)?;
    String::from_utf8(buf).map_err(|e| SbomError::Write(std::io::Error::other(e)))
}

/// `SPDXRef-` followed by `[A-Za-z0-9.-]` only: every other character becomes `-`.
fn sanitise_id(raw: &str) -> String {
    let body: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("SPDXRef-Package-{body}")
}

/// Unique SPDX ids in component order; a collision after sanitising
/// (`@a/b` vs `a-b`) gets a numeric suffix.
fn assign_ids(components: &[Component<'_>]) -> Vec<String> {
    let mut used: HashSet<String> = HashSet::from([ROOT_ID.to_string()]);
    components
        .iter()
        .map(|c| {
            let p = c.package;
            let base = sanitise_id(&format!(
                "{}-{}-{}",
                p.ecosystem.purl_type(),
                p.name,
                p.version.as_deref().unwrap_or("unpinned")
            ));
            let mut id = base.clone();
            let mut n = 2;
            while !used.insert(id.clone()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            id
        })
        .collect()
}

fn document<'g>(
    graph: &'g Graph<'g>,
    ids: &'g [String],
    options: &'g WriteOptions,
) -> Document<'g> {
    let packages = Packages {
        graph,
        ids,
        root_name: &options.root_name,
    };
    let relationships = Relationships { graph, ids };
    let mut hash = ContentHash::default();
    hash.bytes(b"SPDX-2.3");
    hash.bytes(options.root_name.as_bytes());
    hash.json(&packages);
    hash.json(&relationships);
    let uuid = hash.uuid();
    let namespace_name: String = options
        .root_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    Document {
        spdx_version: "SPDX-2.3",
        data_license: "CC0-1.0",
        spdx_id: "SPDXRef-DOCUMENT",
        name: format!("{} SBOM", options.root_name),
        document_namespace: format!("https://spdx.org/spdxdocs/leakgate/{namespace_name}-{uuid}"),
        creation_info: CreationInfo {
            created: format_timestamp(options.timestamp),
            creators: vec![format!("Tool: leakgate-{}", env!("CARGO_PKG_VERSION"))],
        },
        packages,
        relationships,
    }
}

/// The `packages` array, written one package at a time: the root, then
/// one per component.
struct Packages<'g> {
    graph: &'g Graph<'g>,
    ids: &'g [String],
    root_name: &'g str,
}

impl Serialize for Packages<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let root = SpdxPackage {
            spdx_id: ROOT_ID,
            name: self.root_name,
            version_info: None,
            download_location: "NOASSERTION",
            files_analyzed: false,
            license_concluded: "NOASSERTION",
            license_declared: "NOASSERTION",
            license_comments: None,
            checksums: Vec::new(),
            external_refs: Vec::new(),
            primary_package_purpose: "APPLICATION",
        };
        let rest = self
            .graph
            .components
            .iter()
            .zip(self.ids)
            .map(|(c, id)| package(c, id));
        s.collect_seq(std::iter::once(root).chain(rest))
    }
}

/// One component as an SPDX package. The licence the lockfile records is
/// what the package *declares*; leakgate concludes nothing from the
/// package's files, so `licenseConcluded` is `NOASSERTION`, as SPDX asks
/// when no conclusion was made.
fn package<'g>(c: &'g Component<'_>, id: &'g str) -> SpdxPackage<'g> {
    let (declared, comment) = match c.license {
        Some(l) if is_known_spdx_expression(l) => (l, None),
        // A LicenseRef would need an extracted-licence section; free text
        // and ids off the SPDX list are not valid expressions. Keep the
        // recorded text as a comment.
        Some(l) => ("NOASSERTION", Some(format!("Recorded licence: {l}"))),
        None => ("NOASSERTION", None),
    };
    SpdxPackage {
        spdx_id: id,
        name: &c.package.name,
        version_info: c.package.version.as_deref(),
        download_location: "NOASSERTION",
        files_analyzed: false,
        license_concluded: "NOASSERTION",
        license_declared: declared,
        license_comments: comment,
        checksums: c
            .hashes
            .iter()
            .map(|d| Checksum {
                algorithm: d.alg().spdx(),
                checksum_value: d.hex(),
            })
            .collect(),
        external_refs: vec![ExternalRef {
            reference_category: "PACKAGE-MANAGER",
            reference_type: "purl",
            reference_locator: &c.purl,
        }],
        primary_package_purpose: "LIBRARY",
    }
}

/// The `relationships` array: the document describes the root, the root's
/// direct dependencies, then every component's dependencies.
struct Relationships<'g> {
    graph: &'g Graph<'g>,
    ids: &'g [String],
}

impl Serialize for Relationships<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (graph, ids) = (self.graph, self.ids);
        let describes = Relationship {
            spdx_element_id: "SPDXRef-DOCUMENT",
            relationship_type: "DESCRIBES",
            related_spdx_element: ROOT_ID,
        };
        let direct = graph.root_depends_on.iter().map(|&i| {
            if graph.components[i].dev {
                Relationship {
                    spdx_element_id: &ids[i],
                    relationship_type: "DEV_DEPENDENCY_OF",
                    related_spdx_element: ROOT_ID,
                }
            } else {
                Relationship {
                    spdx_element_id: ROOT_ID,
                    relationship_type: "DEPENDS_ON",
                    related_spdx_element: &ids[i],
                }
            }
        });
        let edges = graph.components.iter().zip(ids).flat_map(|(c, id)| {
            c.depends_on.iter().map(move |&j| Relationship {
                spdx_element_id: id,
                relationship_type: "DEPENDS_ON",
                related_spdx_element: &ids[j],
            })
        });
        s.collect_seq(std::iter::once(describes).chain(direct).chain(edges))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'g> {
    spdx_version: &'static str,
    data_license: &'static str,
    #[serde(rename = "SPDXID")]
    spdx_id: &'static str,
    name: String,
    document_namespace: String,
    creation_info: CreationInfo,
    packages: Packages<'g>,
    relationships: Relationships<'g>,
}

#[derive(Serialize)]
struct CreationInfo {
    created: String,
    creators: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SpdxPackage<'a> {
    #[serde(rename = "SPDXID")]
    spdx_id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_info: Option<&'a str>,
    download_location: &'static str,
    files_analyzed: bool,
    license_concluded: &'static str,
    license_declared: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    license_comments: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    checksums: Vec<Checksum>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    external_refs: Vec<ExternalRef<'a>>,
    primary_package_purpose: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Checksum {
    algorithm: &'static str,
    checksum_value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef<'a> {
    reference_category: &'static str,
    reference_type: &'static str,
    reference_locator: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Relationship<'a> {
    spdx_element_id: &'a str,
    relationship_type: &'static str,
    related_spdx_element: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::Ecosystem;
    use crate::sbom::graph::tests::pkg;
    use serde_json::{json, Value};

    fn options() -> WriteOptions {
        WriteOptions {
            root_name: "my app".into(),
            timestamp: crate::sbom::creation_time_from(Some("1700000000")).unwrap(),
        }
    }

    #[test]
    fn writes_packages_and_relationships() {
        let mut rails = pkg(
            Ecosystem::RubyGems,
            "rails",
            Some("7.1.0"),
            "Gemfile.lock",
            &[("rack", Some("3.0.8"))],
        );
        rails.direct = true;
        rails.license = Some("MIT".into());
        rails.hashes =
            vec![crate::inventory::Digest::from_hex("SHA-256", &"ff".repeat(32)).unwrap()];
        let rack = pkg(
            Ecosystem::RubyGems,
            "rack",
            Some("3.0.8"),
            "Gemfile.lock",
            &[],
        );
        let mut rspec = pkg(
            Ecosystem::RubyGems,
            "rspec",
            Some("3.12.0"),
            "Gemfile.lock",
            &[],
        );
        rspec.direct = true;
        rspec.dev = true;
        rspec.license = Some("BSD License".into());
        let doc: Value =
            serde_json::from_str(&to_string(&[rails, rack, rspec], &options()).unwrap()).unwrap();
        assert_eq!(doc["spdxVersion"], "SPDX-2.3");
        assert_eq!(doc["creationInfo"]["created"], "2023-11-14T22:13:20Z");
        assert_eq!(
            doc["creationInfo"]["creators"][0],
            format!("Tool: leakgate-{}", env!("CARGO_PKG_VERSION"))
        );
        assert!(doc["documentNamespace"]
            .as_str()
            .unwrap()
            .starts_with("https://spdx.org/spdxdocs/leakgate/my-app-"));
        let pkgs = doc["packages"].as_array().unwrap();
        let ids: Vec<&str> = pkgs.iter().map(|p| p["SPDXID"].as_str().unwrap()).collect();
        assert_eq!(
            ids,
            [
                "SPDXRef-RootPackage",
                "SPDXRef-Package-gem-rack-3.0.8",
                "SPDXRef-Package-gem-rails-7.1.0",
                "SPDXRef-Package-gem-rspec-3.12.0"
            ]
        );
        assert_eq!(pkgs[2]["licenseDeclared"], "MIT");
        assert_eq!(
            pkgs[2]["checksums"],
            json!([{"algorithm": "SHA256", "checksumValue": "ff".repeat(32)}])
        );
        assert_eq!(
            pkgs[2]["externalRefs"],
            json!([{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:gem/rails@7.1.0"}])
        );
        assert_eq!(pkgs[3]["licenseDeclared"], "NOASSERTION");
        assert_eq!(pkgs[3]["licenseComments"], "Recorded licence: BSD License");
        let rels: Vec<String> = doc["relationships"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                format!(
                    "{} {} {}",
                    r["spdxElementId"].as_str().unwrap(),
                    r["relationshipType"].as_str().unwrap(),
                    r["relatedSpdxElement"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(
            rels,
            [
                "SPDXRef-DOCUMENT DESCRIBES SPDXRef-RootPackage",
                "SPDXRef-RootPackage DEPENDS_ON SPDXRef-Package-gem-rails-7.1.0",
                "SPDXRef-Package-gem-rspec-3.12.0 DEV_DEPENDENCY_OF SPDXRef-RootPackage",
                "SPDXRef-Package-gem-rails-7.1.0 DEPENDS_ON SPDXRef-Package-gem-rack-3.0.8",
            ]
        );
    }

    #[test]
    fn ids_are_sanitised_and_unique() {
        let a = pkg(
            Ecosystem::Npm,
            "@a/b",
            Some("1.0.0"),
            "package-lock.json",
            &[],
        );
        let b = pkg(
            Ecosystem::Npm,
            "-a-b",
            Some("1.0.0"),
            "package-lock.json",
            &[],
        );
        let requests = pkg(Ecosystem::PyPI, "requests", None, "requirements.txt", &[]);
        let doc: Value =
            serde_json::from_str(&to_string(&[a, b, requests], &options()).unwrap()).unwrap();
        let ids: Vec<&str> = doc["packages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["SPDXID"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            [
                "SPDXRef-RootPackage",
                "SPDXRef-Package-npm--a-b-1.0.0",
                "SPDXRef-Package-npm--a-b-1.0.0-2",
                "SPDXRef-Package-pypi-requests-unpinned"
            ]
        );
        assert!(doc["packages"][3].get("versionInfo").is_none());
    }
}
