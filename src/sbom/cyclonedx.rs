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

use super::fields::{is_known_spdx_expression, is_spdx_expression, spdx_id};
use super::graph::{self, Component};
use super::{format_timestamp, ContentHash, CycloneDxVersion, SbomError, WriteOptions};
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
    let graph = graph::build(packages);
    let bom = document(&graph, version, options);
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

fn document<'g, 'a>(
    graph: &'g graph::Graph<'a>,
    version: CycloneDxVersion,
    options: &'g WriteOptions,
) -> Bom<'g, 'a> {
    let root = root_ref(&options.root_name);
    let components = Components(graph);
    let dependencies = Dependencies {
        graph,
        root: &options.root_name,
    };
    // Everything but the timestamp goes into the serial number, so a re-run
    // on an unchanged tree yields the same document, and any change a new one.
    let mut serial = ContentHash::default();
    serial.bytes(version.as_str().as_bytes());
    serial.bytes(options.root_name.as_bytes());
    serial.json(&components);
    serial.json(&dependencies);
    let serial = serial.uuid();
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

/// The `components` array, written one component at a time.
struct Components<'g, 'a>(&'g graph::Graph<'a>);

impl Serialize for Components<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.components.iter().map(component))
    }
}

/// The `dependencies` array: the root first, then every component.
struct Dependencies<'g, 'a> {
    graph: &'g graph::Graph<'a>,
    root: &'g str,
}

impl<'g> Serialize for Dependencies<'g, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let g = self.graph;
        let refs = |targets: &'g [usize]| -> Vec<&'g str> {
            targets.iter().map(|&i| &*g.components[i].purl).collect()
        };
        let root = root_ref(self.root);
        let first = Dependency {
            reference: &root,
            depends_on: refs(&g.root_depends_on),
        };
        s.collect_seq(
            std::iter::once(first).chain(g.components.iter().map(|c| Dependency {
                reference: &c.purl,
                depends_on: refs(&c.depends_on),
            })),
        )
    }
}

fn component<'g>(c: &'g Component<'_>) -> CdxComponent<'g> {
    let p = c.package;
    let (group, name) = group_and_name(&c.purl, p);
    let mut properties: Vec<Property<'_>> = c
        .lockfiles
        .iter()
        .map(|f| Property {
            name: "leakgate:lockfile",
            value: f,
        })
        .collect();
    properties.push(Property {
        name: "leakgate:direct",
        value: if c.direct { "true" } else { "false" },
    });
    properties.push(Property {
        name: "leakgate:ecosystem",
        value: p.ecosystem.osv_name(),
    });
    CdxComponent {
        kind: "library",
        bom_ref: &c.purl,
        group,
        name,
        version: p.version.as_deref(),
        scope: if c.dev { "optional" } else { "required" },
        hashes: c
            .hashes
            .iter()
            .map(|d| Hash {
                alg: d.algorithm(),
                content: d.hex(),
            })
            .collect(),
        licenses: c.license.map(|l| vec![license(l)]),
        purl: &c.purl,
        properties,
    }
}

/// A recorded licence as CycloneDX carries it: one SPDX licence id as
/// `license.id`, any other SPDX expression as `expression`, and text that
/// is not an SPDX expression (or an id outside the SPDX list) as
/// `license.name`.
fn license(l: &str) -> License<'_> {
    let l = l.trim();
    if let Some(id) = spdx_id(l) {
        License::Id {
            license: IdLicense { id },
        }
    } else if is_known_spdx_expression(l) || (is_spdx_expression(l) && l.contains("LicenseRef-")) {
        License::Expression { expression: l }
    } else {
        License::Named {
            license: NamedLicense { name: l },
        }
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
struct Bom<'g, 'a> {
    #[serde(rename = "$schema")]
    schema: String,
    bom_format: &'static str,
    spec_version: &'static str,
    serial_number: String,
    version: u32,
    metadata: Metadata<'g>,
    components: Components<'g, 'a>,
    dependencies: Dependencies<'g, 'a>,
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
    bom_ref: &'a str,
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
    purl: &'a str,
    properties: Vec<Property<'a>>,
}

#[derive(Serialize)]
struct Hash {
    alg: &'static str,
    content: String,
}

#[derive(Serialize)]
#[serde(untagged)]
enum License<'a> {
    Id { license: IdLicense<'a> },
    Expression { expression: &'a str },
    Named { license: NamedLicense<'a> },
}

#[derive(Serialize)]
struct IdLicense<'a> {
    id: &'a str,
}

#[derive(Serialize)]
struct NamedLicense<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct Property<'a> {
    name: &'static str,
    value: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Dependency<'a> {
    #[serde(rename = "ref")]
    reference: &'a str,
    depends_on: Vec<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sbom::graph::tests::pkg;
    use serde_json::{json, Value};

    #[test]
    fn licences_as_id_expression_or_name() {
        let shape = |l: &str| serde_json::to_value(license(l)).unwrap();
        assert_eq!(shape("MIT"), json!({"license": {"id": "MIT"}}));
        // SPDX ids match case-insensitively; the id is written canonically.
        assert_eq!(
            shape("apache-2.0"),
            json!({"license": {"id": "Apache-2.0"}})
        );
        assert_eq!(
            shape("Apache-2.0 OR MIT"),
            json!({"expression": "Apache-2.0 OR MIT"})
        );
        assert_eq!(
            shape("GPL-2.0-only WITH Classpath-exception-2.0"),
            json!({"expression": "GPL-2.0-only WITH Classpath-exception-2.0"})
        );
        assert_eq!(
            shape("LicenseRef-Acme AND MIT"),
            json!({"expression": "LicenseRef-Acme AND MIT"})
        );
        // Not on the SPDX list, or not an expression at all: a name.
        assert_eq!(shape("Foo-1.0"), json!({"license": {"name": "Foo-1.0"}}));
        assert_eq!(
            shape("MIT OR Foo-1.0"),
            json!({"license": {"name": "MIT OR Foo-1.0"}})
        );
        assert_eq!(
            shape("BSD License"),
            json!({"license": {"name": "BSD License"}})
        );
    }

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
        app.hashes = vec![crate::inventory::Digest::from_hex("sha512", &"0a".repeat(64)).unwrap()];
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
        assert_eq!(comps[0]["licenses"], json!([{"license": {"id": "MIT"}}]));
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
