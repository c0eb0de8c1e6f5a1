//! CycloneDX JSON writer (specification 1.5, 1.6 and 1.7).
//!
//! The document: `metadata` (timestamp, leakgate as the tool, the scanned
//! directory as the root `application` component), one `library` component
//! per distinct purl (`bom-ref` = purl, `scope` `required` or `optional` for
//! development-only packages, hashes, licences, and `leakgate:*` properties
//! naming the lockfiles), and the `dependencies` graph: the root depends on
//! the direct dependencies, each component on what its lockfile says it
//! depends on. Every component gets a `dependencies` entry (empty when it has
//! none) so consumers can tell "no dependencies" from "unknown".
//!
//! Typed structs (not `serde_json::Value`) keep field order stable and
//! readable, and keep a 20k-package document fast to write.

use super::fields::is_spdx_expression;
use super::graph::{self, Component};
use super::{content_uuid, format_timestamp, CycloneDxVersion, SbomError, WriteOptions};
use crate::inventory::{purl, Ecosystem, Package};
use serde::Serialize;
use std::io::Write;

/// Writes `packages` as a CycloneDX JSON document of `version` to `out`
/// (pretty-printed, with a trailing newline).
pub fn write(
    packages: &[Package],
    version: CycloneDxVersion,
    options: &WriteOptions,
    mut out: impl Write,
) -> Result<(), SbomError> {
    let bom = document(packages, version, options);
    serde_json::to_writer_pretty(&mut out, &bom).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// [`write`] into a string.
pub fn to_string(
    packages: &[Package],
    version: CycloneDxVersion,
    options: &WriteOptions,
) -> Result<String, SbomError> {
    let mut buf = Vec::new();
    write(packages, version, options, &mut buf)?;
    // serde_json only ever produces UTF-8.
    String::from_utf8(buf).map_err(|e| SbomError::Write(std::io::Error::other(e)))
}

/// The `bom-ref` of the root component. Component refs are purls (`pkg:`),
/// so this prefix cannot collide with them.
fn root_ref(root_name: &str) -> String {
    format!("root:{root_name}")
}

fn document<'a>(
    packages: &'a [Package],
    version: CycloneDxVersion,
    options: &'a WriteOptions,
) -> Bom<'a> {
    let graph = graph::build(packages);
    let components: Vec<CdxComponent<'_>> = graph.components.iter().map(component).collect();
    let root = root_ref(&options.root_name);
    let mut dependencies = Vec::with_capacity(components.len() + 1);
    dependencies.push(Dependency {
        reference: root.clone(),
        depends_on: graph
            .root_depends_on
            .iter()
            .map(|&i| graph.components[i].purl.clone())
            .collect(),
    });
    dependencies.extend(graph.components.iter().map(|c| {
        Dependency {
            reference: c.purl.clone(),
            depends_on: c
                .depends_on
                .iter()
                .map(|&i| graph.components[i].purl.clone())
                .collect(),
        }
    }));
    // Everything but the timestamp goes into the serial number, so a re-run
    // on an unchanged tree yields the same document, and any change a new one.
    let serial = content_uuid(&[
        version.as_str().as_bytes(),
        options.root_name.as_bytes(),
        &serde_json::to_vec(&components).unwrap_or_default(),
        &serde_json::to_vec(&dependencies).unwrap_or_default(),
    ]);
    Bom {
        schema: format!("http://cyclonedx.org/schema/bom-{version}.schema.json"),
        bom_format: "CycloneDX",
        spec_version: version.as_str(),
        serial_number: format!("urn:uuid:{serial}"),
        version: 1,
        metadata: Metadata {
            timestamp: format_timestamp(options.timestamp),
            tools: Tools {
                components: vec![Tool {
                    kind: "application",
                    name: "leakgate",
                    version: env!("CARGO_PKG_VERSION"),
                }],
            },
            component: RootComponent {
                kind: "application",
                bom_ref: root,
                name: &options.root_name,
            },
        },
        components,
        dependencies,
    }
}

fn component<'a>(c: &Component<'a>) -> CdxComponent<'a> {
    let p = c.package;
    let (group, name) = group_and_name(&c.purl, p);
    let mut properties: Vec<Property> = c
        .lockfiles
        .iter()
        .map(|f| Property {
            name: "leakgate:lockfile",
            value: (*f).to_string(),
        })
        .collect();
    properties.push(Property {
        name: "leakgate:direct",
        value: c.direct.to_string(),
    });
    properties.push(Property {
        name: "leakgate:ecosystem",
        value: p.ecosystem.osv_name().to_string(),
    });
    CdxComponent {
        kind: "library",
        bom_ref: c.purl.clone(),
        group,
        name,
        version: p.version.as_deref(),
        scope: if c.dev { "optional" } else { "required" },
        hashes: c
            .hashes
            .iter()
            .map(|(alg, hex)| Hash {
                alg: alg.cyclonedx(),
                content: hex.clone(),
            })
            .collect(),
        licenses: c.license.map(|l| {
            if is_spdx_expression(l) {
                vec![License::Expression { expression: l }]
            } else {
                vec![License::Named {
                    license: NamedLicense { name: l },
                }]
            }
        }),
        purl: c.purl.clone(),
        properties,
    }
}

/// CycloneDX splits a coordinate into `group` and `name` where the ecosystem
/// has a namespace: Maven groupId, npm scope, Composer vendor. Go module
/// paths stay whole in `name`, as Go tooling spells them.
fn group_and_name(purl_str: &str, p: &Package) -> (Option<String>, String) {
    let namespaced = matches!(
        p.ecosystem,
        Ecosystem::Maven | Ecosystem::Npm | Ecosystem::Packagist
    );
    match purl::parse(purl_str) {
        Some(parsed) if namespaced => (parsed.namespace, parsed.name),
        _ => (None, p.name.clone()),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bom<'a> {
    #[serde(rename = "$schema")]
    schema: String,
    bom_format: &'static str,
    spec_version: &'static str,
    serial_number: String,
    version: u32,
    metadata: Metadata<'a>,
    components: Vec<CdxComponent<'a>>,
    dependencies: Vec<Dependency>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    timestamp: String,
    tools: Tools,
    component: RootComponent<'a>,
}

#[derive(Serialize)]
struct Tools {
    components: Vec<Tool>,
}

#[derive(Serialize)]
struct Tool {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct RootComponent<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref")]
    bom_ref: String,
    name: &'a str,
}

#[derive(Serialize)]
struct CdxComponent<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref")]
    bom_ref: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    scope: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hashes: Vec<Hash>,
    #[serde(skip_serializing_if = "Option::is_none")]
    licenses: Option<Vec<License<'a>>>,
    purl: String,
    properties: Vec<Property>,
}

#[derive(Serialize)]
struct Hash {
    alg: &'static str,
    content: String,
}

#[derive(Serialize)]
#[serde(untagged)]
enum License<'a> {
    Expression { expression: &'a str },
    Named { license: NamedLicense<'a> },
}

#[derive(Serialize)]
struct NamedLicense<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct Property {
    name: &'static str,
    value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Dependency {
    #[serde(rename = "ref")]
    reference: String,
    depends_on: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sbom::graph::tests::pkg;
    use serde_json::{json, Value};

    fn options() -> WriteOptions {
        WriteOptions {
            root_name: "demo".into(),
            timestamp: crate::sbom::creation_time_from(Some("1700000000")).unwrap(),
        }
    }

    fn sample() -> Vec<Package> {
        let mut app = pkg(
            Ecosystem::Npm,
            "@babel/core",
            Some("7.23.0"),
            "package-lock.json",
            &[("debug", Some("4.3.4"))],
        );
        app.direct = true;
        app.license = Some("MIT".into());
        app.hashes = vec![("sha512".into(), "0a".repeat(64))];
        let debug = pkg(
            Ecosystem::Npm,
            "debug",
            Some("4.3.4"),
            "package-lock.json",
            &[],
        );
        let mut jest = pkg(
            Ecosystem::Npm,
            "jest",
            Some("29.7.0"),
            "package-lock.json",
            &[],
        );
        jest.direct = true;
        jest.dev = true;
        jest.license = Some("MIT/X11".into());
        vec![jest, debug, app]
    }

    #[test]
    fn writes_components_scopes_and_graph() {
        let doc: Value = serde_json::from_str(
            &to_string(&sample(), CycloneDxVersion::V1_6, &options()).unwrap(),
        )
        .unwrap();
        assert_eq!(doc["bomFormat"], "CycloneDX");
        assert_eq!(doc["specVersion"], "1.6");
        assert_eq!(doc["metadata"]["timestamp"], "2023-11-14T22:13:20Z");
        assert_eq!(doc["metadata"]["component"]["bom-ref"], "root:demo");
        assert_eq!(
            doc["metadata"]["tools"]["components"][0]["name"],
            "leakgate"
        );
        let comps = doc["components"].as_array().unwrap();
        let refs: Vec<&str> = comps
            .iter()
            .map(|c| c["bom-ref"].as_str().unwrap())
            .collect();
        assert_eq!(
            refs,
            [
                "pkg:npm/%40babel/core@7.23.0",
                "pkg:npm/debug@4.3.4",
                "pkg:npm/jest@29.7.0"
            ]
        );
        assert_eq!(comps[0]["group"], "@babel");
        assert_eq!(comps[0]["name"], "core");
        assert_eq!(comps[0]["scope"], "required");
        assert_eq!(comps[0]["licenses"], json!([{"expression": "MIT"}]));
        assert_eq!(
            comps[0]["hashes"],
            json!([{"alg": "SHA-512", "content": "0a".repeat(64)}])
        );
        assert_eq!(comps[2]["scope"], "optional");
        assert_eq!(
            comps[2]["licenses"],
            json!([{"license": {"name": "MIT/X11"}}])
        );
        assert_eq!(
            comps[2]["properties"],
            json!([
                {"name": "leakgate:lockfile", "value": "package-lock.json"},
                {"name": "leakgate:direct", "value": "true"},
                {"name": "leakgate:ecosystem", "value": "npm"}
            ])
        );
        assert_eq!(
            doc["dependencies"],
            json!([
                {"ref": "root:demo", "dependsOn": ["pkg:npm/%40babel/core@7.23.0", "pkg:npm/jest@29.7.0"]},
                {"ref": "pkg:npm/%40babel/core@7.23.0", "dependsOn": ["pkg:npm/debug@4.3.4"]},
                {"ref": "pkg:npm/debug@4.3.4", "dependsOn": []},
                {"ref": "pkg:npm/jest@29.7.0", "dependsOn": []}
            ])
        );
    }

    #[test]
    fn output_does_not_depend_on_input_order() {
        let a = to_string(&sample(), CycloneDxVersion::V1_7, &options()).unwrap();
        let mut reversed = sample();
        reversed.reverse();
        let b = to_string(&reversed, CycloneDxVersion::V1_7, &options()).unwrap();
        assert_eq!(a, b);
        assert!(a.ends_with("}\n"));
    }

    #[test]
    fn serial_number_follows_content_not_time() {
        let serial = |pkgs: &[Package], opts: &WriteOptions| {
            let doc: Value =
                serde_json::from_str(&to_string(pkgs, CycloneDxVersion::V1_6, opts).unwrap())
                    .unwrap();
            doc["serialNumber"].as_str().unwrap().to_string()
        };
        let mut later = options();
        later.timestamp = crate::sbom::creation_time_from(Some("1800000000")).unwrap();
        assert_eq!(serial(&sample(), &options()), serial(&sample(), &later));
        assert_ne!(
            serial(&sample(), &options()),
            serial(&sample()[1..], &options())
        );
        assert!(serial(&sample(), &options()).starts_with("urn:uuid:"));
    }

    #[test]
    fn maven_group_and_unpinned_versions() {
        let log4j = pkg(
            Ecosystem::Maven,
            "org.apache.logging.log4j:log4j-core",
            Some("2.14.1"),
            "gradle.lockfile",
            &[],
        );
        let requests = pkg(Ecosystem::PyPI, "requests", None, "requirements.txt", &[]);
        let doc: Value = serde_json::from_str(
            &to_string(&[log4j, requests], CycloneDxVersion::V1_5, &options()).unwrap(),
        )
        .unwrap();
        let comps = doc["components"].as_array().unwrap();
        assert_eq!(comps[0]["group"], "org.apache.logging.log4j");
        assert_eq!(comps[0]["name"], "log4j-core");
        assert_eq!(comps[1]["purl"], "pkg:pypi/requests");
        assert!(comps[1].get("version").is_none());
        assert_eq!(
            doc["$schema"],
            "http://cyclonedx.org/schema/bom-1.5.schema.json"
        );
    }
}
