//! CycloneDX 1.4–1.7 JSON → packages.
//!
//! Components are read recursively (assemblies nest `components`). A
//! component is development-only when its `scope` is `optional` (what
//! leakgate, cdxgen and cargo-cyclonedx write for dev dependencies) or
//! `excluded` (not part of the shipped artifact). It is direct when the
//! root (`metadata.component`) lists it in `dependencies`, or when a
//! `leakgate:direct` property says so. Several `licenses` entries are joined
//! with `AND`, the reading that claims least.

use super::{packages_from_entries, value_lines, Entry, SbomDocument, SbomKind};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

/// Turns the parsed document into packages.
pub(super) fn read(bom: Bom, text: &str, file: &str, version: String) -> SbomDocument {
    let root_ref = bom
        .metadata
        .as_ref()
        .and_then(|m| m.component.as_ref())
        .and_then(|c| c.bom_ref.as_deref());
    let mut edges: HashMap<&str, Vec<&str>> = HashMap::new();
    for d in &bom.dependencies {
        edges
            .entry(d.reference.as_str())
            .or_default()
            .extend(d.depends_on.iter().map(String::as_str));
    }
    let direct: HashSet<&str> = root_ref
        .and_then(|r| edges.get(r))
        .map(|v| v.iter().copied().collect())
        .unwrap_or_default();

    let mut flat = Vec::new();
    flatten(&bom.components, &mut flat);
    let entries = flat
        .into_iter()
        .map(|c| entry(c, &direct))
        .collect::<Vec<_>>();
    let lines = value_lines(text, "purl");
    let (packages, skipped) = packages_from_entries(entries, &edges, file, &lines);
    SbomDocument {
        kind: SbomKind::CycloneDx,
        spec_version: version,
        packages,
        skipped,
    }
}

/// Depth-first, parents before their children: document order.
fn flatten<'a>(components: &'a [Component], out: &mut Vec<&'a Component>) {
    for c in components {
        out.push(c);
        flatten(&c.components, out);
    }
}

fn entry<'a>(c: &'a Component, direct: &HashSet<&str>) -> Entry<'a> {
    let property = |name: &str| {
        c.properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.as_deref())
    };
    let licences: Vec<&str> = c
        .licenses
        .iter()
        .filter_map(|l| {
            l.expression.as_deref().or_else(|| {
                l.license
                    .as_ref()
                    .and_then(|x| x.id.as_deref().or(x.name.as_deref()))
            })
        })
        .filter(|s| !s.trim().is_empty())
        .collect();
    let license = match licences.as_slice() {
        [] => None,
        [one] => Some((*one).to_string()),
        many => Some(
            many.iter()
                .map(|l| {
                    if l.contains(' ') {
                        format!("({l})")
                    } else {
                        (*l).to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(" AND "),
        ),
    };
    Entry {
        id: c.bom_ref.as_deref(),
        display_name: c
            .name
            .as_deref()
            .or(c.bom_ref.as_deref())
            .unwrap_or("(unnamed component)"),
        purl: c.purl.as_deref(),
        version: c.version.as_deref(),
        dev: matches!(c.scope.as_deref(), Some("optional" | "excluded")),
        direct: c.bom_ref.as_deref().is_some_and(|r| direct.contains(r))
            || property("leakgate:direct") == Some("true"),
        hashes: c
            .hashes
            .iter()
            .map(|h| (h.alg.clone(), h.content.clone()))
            .collect(),
        license,
    }
}

/// The parts of a CycloneDX document the reader uses.
pub(super) struct Bom {
    pub(super) metadata: Option<Metadata>,
    pub(super) components: Vec<Component>,
    pub(super) dependencies: Vec<Dependency>,
}

#[derive(Deserialize)]
pub(super) struct Metadata {
    #[serde(default)]
    component: Option<Component>,
}

#[derive(Deserialize)]
pub(super) struct Component {
    #[serde(rename = "bom-ref", default)]
    bom_ref: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    purl: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    hashes: Vec<Hash>,
    #[serde(default)]
    licenses: Vec<LicenseChoice>,
    #[serde(default)]
    properties: Vec<Property>,
    #[serde(default)]
    components: Vec<Component>,
}

#[derive(Deserialize)]
struct Hash {
    alg: String,
    content: String,
}

#[derive(Deserialize)]
struct LicenseChoice {
    #[serde(default)]
    expression: Option<String>,
    #[serde(default)]
    license: Option<License>,
}

#[derive(Deserialize)]
struct License {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct Property {
    name: String,
    #[serde(default)]
    value: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Dependency {
    #[serde(rename = "ref")]
    reference: String,
    #[serde(rename = "dependsOn", default)]
    depends_on: Vec<String>,
}

#[cfg(test)]
mod tests {
    use crate::inventory::{Ecosystem, PackageRef};
    use crate::sbom::read_sbom_str;

    const NESTED: &str = r#"{
  "bomFormat": "CycloneDX",
  "specVersion": "1.4",
  "metadata": {"component": {"type": "application", "name": "app", "bom-ref": "app", "purl": "pkg:npm/app@1.0.0"}},
  "components": [
    {"type": "library", "bom-ref": "a", "name": "express", "version": "4.18.2",
     "purl": "pkg:npm/express@4.18.2",
     "licenses": [{"license": {"id": "MIT"}}, {"license": {"name": "Custom Terms"}}],
     "hashes": [{"alg": "SHA-1", "content": "A94A8FE5CCB19BA61C4C0873D391E987982FBBD3"}],
     "components": [
       {"type": "library", "bom-ref": "b", "name": "debug", "version": "2.6.9", "purl": "pkg:npm/debug@2.6.9", "scope": "excluded"}
     ]},
    {"type": "library", "bom-ref": "c", "name": "libc6", "purl": "pkg:deb/debian/libc6@2.36"},
    {"type": "file", "name": "README.md"}
  ],
  "dependencies": [
    {"ref": "app", "dependsOn": ["a"]},
    {"ref": "a", "dependsOn": ["b", "c", "nowhere"]}
  ]
}"#;

    #[test]
    fn reads_nested_components_graph_and_skips() {
        let doc = read_sbom_str(NESTED, "bom.json").unwrap();
        assert_eq!(doc.spec_version, "1.4");
        assert_eq!(doc.packages.len(), 2);
        let express = &doc.packages[0];
        assert_eq!(express.ecosystem, Ecosystem::Npm);
        assert_eq!(express.name, "express");
        assert_eq!(express.version.as_deref(), Some("4.18.2"));
        assert!(express.direct);
        assert!(!express.dev);
        assert_eq!(express.location.file, "bom.json");
        assert_eq!(express.location.line, 7);
        assert_eq!(express.license.as_deref(), Some("MIT AND (Custom Terms)"));
        assert_eq!(
            express.hashes,
            [(
                "SHA-1".to_string(),
                "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3".to_string()
            )]
        );
        assert_eq!(
            express.dependencies,
            [PackageRef {
                name: "debug".into(),
                version: Some("2.6.9".into())
            }]
        );
        let debug = &doc.packages[1];
        assert!(debug.dev);
        assert!(!debug.direct);
        let skipped: Vec<(&str, &str)> = doc
            .skipped
            .iter()
            .map(|s| (s.name.as_str(), s.reason.as_str()))
            .collect();
        assert_eq!(
            skipped,
            [
                ("pkg:deb/debian/libc6@2.36", "unsupported purl type `deb`"),
                ("README.md", "no purl")
            ]
        );
    }

    #[test]
    fn wrong_field_types_name_the_line() {
        let text = "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\",\n\"components\": [\n{\"name\": 5}]}";
        let err = read_sbom_str(text, "bad.cdx.json").unwrap_err();
        assert!(err.to_string().starts_with("bad.cdx.json:3:"), "{err}");
        assert!(
            err.to_string().contains("invalid CycloneDX document"),
            "{err}"
        );
    }
}
