//! Shared helpers of the SBOM integration tests: the official JSON schemas
//! (copied under `tests/fixtures/sbom/schemas/`, registered by their `$id`
//! so the validator never fetches anything) and a realistic multi-ecosystem
//! inventory.

#![allow(dead_code)] // Each test binary uses a different subset.

use jsonschema::{Resource, Validator};
use leakgate::inventory::{Digest, Ecosystem, Package, PackageRef, SourceLocation};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::OnceLock;

/// `tests/fixtures/sbom/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sbom")
        .join(name)
}

fn schema(name: &str) -> Value {
    let path = fixture("schemas").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn cyclonedx_validator(version: &str) -> Validator {
    let mut options = jsonschema::options().should_validate_formats(true);
    for dep in [
        "spdx.schema.json",
        "jsf-0.82.schema.json",
        "cryptography-defs.schema.json",
    ] {
        options = options.with_resource(
            format!("http://cyclonedx.org/schema/{dep}"),
            Resource::from_contents(schema(dep)),
        );
    }
    options
        .build(&schema(&format!("bom-{version}.schema.json")))
        .unwrap_or_else(|e| panic!("CycloneDX {version} schema does not compile: {e}"))
}

fn errors(validator: &Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .take(20)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn report(validator: &Validator, doc: &Value, what: &str) {
    let errors = errors(validator, doc);
    assert!(
        errors.is_empty(),
        "{what} is not schema-valid:\n{}",
        errors.join("\n")
    );
}

fn cyclonedx_validator_for(doc: &Value) -> &'static Validator {
    static V16: OnceLock<Validator> = OnceLock::new();
    static V17: OnceLock<Validator> = OnceLock::new();
    match doc["specVersion"].as_str().unwrap_or_default() {
        "1.7" => V17.get_or_init(|| cyclonedx_validator("1.7")),
        "1.5" | "1.6" => V16.get_or_init(|| cyclonedx_validator("1.6")),
        other => panic!("no schema for CycloneDX {other}"),
    }
}

/// Schema violations of a CycloneDX document (empty when valid).
pub fn cyclonedx_errors(doc: &Value) -> Vec<String> {
    errors(cyclonedx_validator_for(doc), doc)
}

/// Asserts `doc` is valid CycloneDX of its own `specVersion` (1.6 or 1.7;
/// 1.5 documents are checked against 1.6, a superset with the same shapes
/// for everything leakgate writes).
pub fn assert_valid_cyclonedx(doc: &Value) {
    let what = format!("CycloneDX {} document", doc["specVersion"]);
    report(cyclonedx_validator_for(doc), doc, &what);
}

fn spdx_validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| {
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema("spdx-2.3.schema.json"))
            .unwrap_or_else(|e| panic!("SPDX schema does not compile: {e}"))
    })
}

/// Schema violations of an SPDX 2.3 document (empty when valid).
pub fn spdx_errors(doc: &Value) -> Vec<String> {
    errors(spdx_validator(), doc)
}

/// Asserts `doc` is a valid SPDX 2.3 JSON document.
pub fn assert_valid_spdx(doc: &Value) {
    report(spdx_validator(), doc, "SPDX document");
}

/// A package of `eco` in lockfile `file` at `line`.
pub fn package(
    eco: Ecosystem,
    name: &str,
    version: Option<&str>,
    file: &str,
    line: u32,
    deps: &[(&str, &str)],
) -> Package {
    Package {
        ecosystem: eco,
        name: name.into(),
        version: version.map(Into::into),
        source_purl: None,
        direct: false,
        dev: false,
        dependencies: deps
            .iter()
            .map(|(n, v)| PackageRef {
                name: (*n).into(),
                version: Some((*v).into()),
            })
            .collect(),
        location: SourceLocation {
            file: file.into(),
            line,
        },
        hashes: Vec::new(),
        license: None,
    }
}

/// A monorepo-shaped inventory touching every ecosystem: direct, transitive
/// and dev packages, an unpinned requirement, hashes of several algorithms,
/// SPDX and free-text licences, and one crate locked by two Cargo.lock files.
pub fn realistic_inventory() -> Vec<Package> {
    use Ecosystem::*;
    let mut v = Vec::new();
    let mut p = package(CratesIo, "anyhow", Some("1.0.86"), "Cargo.lock", 5, &[]);
    p.direct = true;
    p.hashes = vec![Digest::from_hex("SHA-256", &"b3".repeat(32)).unwrap()];
    v.push(p);
    let mut p = package(
        CratesIo,
        "serde_json",
        Some("1.0.120"),
        "Cargo.lock",
        40,
        &[("itoa", "1.0.11"), ("serde", "1.0.204")],
    );
    p.direct = true;
    v.push(p);
    v.push(package(
        CratesIo,
        "itoa",
        Some("1.0.11"),
        "Cargo.lock",
        20,
        &[],
    ));
    v.push(package(
        CratesIo,
        "serde",
        Some("1.0.204"),
        "Cargo.lock",
        30,
        &[],
    ));
    let mut p = package(
        CratesIo,
        "serde",
        Some("1.0.204"),
        "tools/xtask/Cargo.lock",
        8,
        &[],
    );
    p.direct = true;
    v.push(p);
    let mut p = package(
        Npm,
        "@babel/core",
        Some("7.24.0"),
        "web/package-lock.json",
        12,
        &[("debug", "4.3.4")],
    );
    p.direct = true;
    p.dev = true;
    p.license = Some("MIT".into());
    p.hashes = vec![Digest::from_hex("sha512", &"7f".repeat(64)).unwrap()];
    v.push(p);
    let mut p = package(
        Npm,
        "debug",
        Some("4.3.4"),
        "web/package-lock.json",
        40,
        &[("ms", "2.1.2")],
    );
    p.dev = true;
    v.push(p);
    let mut p = package(Npm, "ms", Some("2.1.2"), "web/package-lock.json", 55, &[]);
    p.license = Some("MIT".into());
    v.push(p);
    let mut p = package(
        Npm,
        "react",
        Some("18.3.1"),
        "web/package-lock.json",
        60,
        &[],
    );
    p.direct = true;
    p.license = Some("MIT OR Apache-2.0".into());
    v.push(p);
    let mut p = package(
        PyPI,
        "Django",
        Some("4.2.13"),
        "api/poetry.lock",
        3,
        &[("sqlparse", "0.5.0")],
    );
    p.direct = true;
    p.license = Some("BSD License".into());
    v.push(p);
    v.push(package(
        PyPI,
        "sqlparse",
        Some("0.5.0"),
        "api/poetry.lock",
        20,
        &[],
    ));
    let mut p = package(PyPI, "requests", None, "api/requirements.txt", 2, &[]);
    p.direct = true;
    v.push(p);
    let mut p = package(
        Go,
        "github.com/gin-gonic/gin",
        Some("v1.9.1"),
        "svc/go.mod",
        6,
        &[],
    );
    p.direct = true;
    v.push(p);
    v.push(package(
        Go,
        "golang.org/x/net",
        Some("v0.0.0-20220722155237-a158d28d115b"),
        "svc/go.mod",
        14,
        &[],
    ));
    let mut p = package(
        RubyGems,
        "rails",
        Some("7.1.3"),
        "admin/Gemfile.lock",
        90,
        &[("rack", "3.0.8")],
    );
    p.direct = true;
    v.push(p);
    let mut p = package(
        RubyGems,
        "rack",
        Some("3.0.8"),
        "admin/Gemfile.lock",
        60,
        &[],
    );
    p.hashes = vec![Digest::from_hex("sha1", &"a9".repeat(20)).unwrap()];
    v.push(p);
    let mut p = package(
        Packagist,
        "Monolog/Monolog",
        Some("3.6.0"),
        "php/composer.lock",
        10,
        &[],
    );
    p.direct = true;
    p.license = Some("MIT".into());
    // A malformed digest cannot be a `Digest`: nothing reaches the writers.
    p.hashes = Digest::from_hex("sha1", "not-a-digest")
        .into_iter()
        .collect();
    v.push(p);
    let mut p = package(
        Maven,
        "org.apache.logging.log4j:log4j-core",
        Some("2.14.1"),
        "java/gradle.lockfile",
        4,
        &[],
    );
    p.direct = true;
    v.push(p);
    let mut p = package(
        NuGet,
        "Newtonsoft.Json",
        Some("13.0.3"),
        "dotnet/packages.lock.json",
        7,
        &[],
    );
    p.direct = true;
    p.hashes = vec![Digest::from_hex("SHA512", &"0c".repeat(64)).unwrap()];
    v.push(p);
    v
}
