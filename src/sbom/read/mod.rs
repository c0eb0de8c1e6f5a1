//! SBOM reader: CycloneDX 1.4–1.7 JSON and SPDX 2.2/2.3 JSON back into the
//! package inventory, so an SBOM someone else produced (Syft, cdxgen,
//! cargo-cyclonedx, GitHub's dependency-graph export, leakgate itself) can
//! be matched against advisories like a lockfile.
//!
//! Packages come from purls: a component or package without a purl, or with
//! a purl type leakgate has no ecosystem for (`pkg:deb`, `pkg:github`, ...),
//! is reported in [`SbomDocument::skipped`], never silently dropped. The
//! document's subject (CycloneDX `metadata.component`, the packages an SPDX
//! document `DESCRIBES`) is the project itself, not a dependency, and is not
//! inventoried: matching an unpublished project's name against a public
//! registry's advisories only yields false positives.
//!
//! Each package's location is the SBOM file and the 1-based line where its
//! purl first appears (found by one linear scan of the text), or 0 when the
//! purl only appears in an escaped spelling.

mod cyclonedx;
mod spdx;

use super::SbomError;
use crate::inventory::{purl, Digest, Package, SourceLocation};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

/// The two SBOM formats leakgate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SbomKind {
    /// CycloneDX JSON.
    CycloneDx,
    /// SPDX JSON.
    Spdx,
}

impl SbomKind {
    /// `CycloneDX` or `SPDX`.
    pub fn name(self) -> &'static str {
        match self {
            SbomKind::CycloneDx => "CycloneDX",
            SbomKind::Spdx => "SPDX",
        }
    }
}

/// An entry of the SBOM that did not become a package, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The component's name (or purl, or SPDX id).
    pub name: String,
    /// Why it was skipped (`no purl`, `unsupported purl type "deb"`, ...).
    pub reason: String,
}

/// A parsed SBOM.
#[derive(Debug, Clone, PartialEq)]
pub struct SbomDocument {
    /// Which format it was.
    pub kind: SbomKind,
    /// The version it declares (`1.6`, `SPDX-2.3`).
    pub spec_version: String,
    /// The inventory, in document order, one package per distinct purl.
    pub packages: Vec<Package>,
    /// Entries that could not be inventoried.
    pub skipped: Vec<Skipped>,
}

/// CycloneDX versions the reader accepts.
pub const CYCLONEDX_READ_VERSIONS: &str = "1.4, 1.5, 1.6, 1.7";
/// SPDX versions the reader accepts.
pub const SPDX_READ_VERSIONS: &str = "SPDX-2.2, SPDX-2.3";

/// Largest SBOM file read (as large as the largest lockfile).
const MAX_SBOM_BYTES: u64 = 1 << 30;

/// Reads the SBOM at `path`. Errors name the path as given.
pub fn read_sbom(path: &Path) -> Result<SbomDocument, SbomError> {
    let file = path.display().to_string();
    // A bounded read of a regular file: a FIFO or `/dev/zero` must neither
    // hang nor exhaust memory.
    let io = |source: std::io::Error| SbomError::Io {
        file: file.clone(),
        source,
    };
    let bytes = crate::source::read::read_small(path, None, MAX_SBOM_BYTES).map_err(|e| {
        io(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            e.to_string(),
        ))
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "not valid UTF-8 text",
        ))
    })?;
    read_sbom_str(&text, &file)
}

/// Reads an SBOM from `text`; `file` names it in errors and package locations.
pub fn read_sbom_str(text: &str, file: &str) -> Result<SbomDocument, SbomError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let head = text.trim_start();
    if head.starts_with('<') || head.starts_with("SPDXVersion:") {
        return Err(not_sbom(file, text));
    }
    // One typed parse of the whole document on the happy path; only when
    // it fails on a field's shape is the document probed again, to tell
    // "not an SBOM" and "unsupported version" from "a broken SBOM".
    let whole: Whole = match serde_json::from_str(text) {
        Ok(whole) => whole,
        Err(e) if e.classify() == serde_json::error::Category::Data => {
            return Err(diagnose(text, file, &e));
        }
        Err(e) => return Err(json_error(file, &e, "malformed JSON")),
    };
    let probe = Probe {
        bom_format: whole.bom_format,
        spec_version: whole.spec_version,
        spdx_version: whole.spdx_version,
    };
    Ok(match identify(&probe, text, file)? {
        (SbomKind::CycloneDx, version) => cyclonedx::read(
            cyclonedx::Bom {
                metadata: whole.metadata,
                components: whole.components,
                dependencies: whole.dependencies,
            },
            text,
            file,
            version,
        ),
        (SbomKind::Spdx, version) => spdx::read(
            spdx::Document {
                packages: whole.packages,
                relationships: whole.relationships,
                document_describes: whole.document_describes,
            },
            text,
            file,
            version,
        ),
    })
}

/// Which format and version `probe` declares, or why it is not one leakgate reads.
fn identify(probe: &Probe, text: &str, file: &str) -> Result<(SbomKind, String), SbomError> {
    match (&probe.bom_format, &probe.spdx_version) {
        (Some(serde_json::Value::String(f)), _) if f == "CycloneDX" => {
            let version = version_string(probe.spec_version.as_ref());
            if !CYCLONEDX_READ_VERSIONS.split(", ").any(|v| v == version) {
                return Err(SbomError::UnsupportedVersion {
                    file: file.to_string(),
                    format: "CycloneDX",
                    found: version,
                    supported: CYCLONEDX_READ_VERSIONS,
                });
            }
            Ok((SbomKind::CycloneDx, version))
        }
        (None, Some(v)) => {
            let version = version_string(Some(v));
            if !SPDX_READ_VERSIONS.split(", ").any(|s| s == version) {
                return Err(SbomError::UnsupportedVersion {
                    file: file.to_string(),
                    format: "SPDX",
                    found: version,
                    supported: SPDX_READ_VERSIONS,
                });
            }
            Ok((SbomKind::Spdx, version))
        }
        _ => Err(not_sbom(file, text)),
    }
}

/// The typed parse failed on a field's shape: say whether this is not an
/// SBOM at all, an unsupported version, or an SBOM with a bad field (with
/// the parser's line and column).
fn diagnose(text: &str, file: &str, typed_error: &serde_json::Error) -> SbomError {
    let Ok(probe) = serde_json::from_str::<Probe>(text) else {
        return not_sbom(file, text);
    };
    match identify(&probe, text, file) {
        Ok((kind, _)) => json_error(
            file,
            typed_error,
            &format!("invalid {} document", kind.name()),
        ),
        Err(e) => e,
    }
}

/// Every top-level field either format needs, parsed in one pass. The two
/// formats' field names do not overlap.
#[derive(Deserialize)]
struct Whole {
    #[serde(rename = "bomFormat", default)]
    bom_format: Option<serde_json::Value>,
    #[serde(rename = "specVersion", default)]
    spec_version: Option<serde_json::Value>,
    #[serde(rename = "spdxVersion", default)]
    spdx_version: Option<serde_json::Value>,
    #[serde(default)]
    metadata: Option<cyclonedx::Metadata>,
    #[serde(default)]
    components: Vec<cyclonedx::Component>,
    #[serde(default)]
    dependencies: Vec<cyclonedx::Dependency>,
    #[serde(default)]
    packages: Vec<spdx::SpdxPackage>,
    #[serde(default)]
    relationships: Vec<spdx::Relationship>,
    #[serde(rename = "documentDescribes", default)]
    document_describes: Vec<String>,
}

/// Just the fields that say what a JSON document is.
#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "bomFormat")]
    bom_format: Option<serde_json::Value>,
    #[serde(rename = "specVersion")]
    spec_version: Option<serde_json::Value>,
    #[serde(rename = "spdxVersion")]
    spdx_version: Option<serde_json::Value>,
}

fn version_string(v: Option<&serde_json::Value>) -> String {
    match v {
        None => "(none)".to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn not_sbom(file: &str, text: &str) -> SbomError {
    let head = text.trim_start();
    let hint = if head.starts_with('<') {
        "; XML SBOMs are not supported, convert to JSON (e.g. `cyclonedx convert --output-format json`)"
    } else if head.starts_with("SPDXVersion:") {
        "; SPDX tag-value is not supported, convert to JSON"
    } else {
        ""
    };
    SbomError::NotSbom {
        file: file.to_string(),
        hint: hint.to_string(),
    }
}

fn json_error(file: &str, e: &serde_json::Error, what: &str) -> SbomError {
    SbomError::Json {
        file: file.to_string(),
        line: e.line(),
        column: e.column(),
        message: format!("{what}: {e}"),
    }
}

/// A component/package as both formats describe it, before it becomes a [`Package`].
struct Entry<'a> {
    /// Identifier within the document (bom-ref / SPDXID), for the graph.
    id: Option<&'a str>,
    display_name: &'a str,
    purl: Option<&'a str>,
    version: Option<&'a str>,
    dev: bool,
    direct: bool,
    hashes: Vec<(String, String)>,
    license: Option<String>,
}

/// Turns entries into packages: purl → ecosystem and name, one package per
/// distinct purl, dependency ids resolved to (name, version) references.
/// `edges` maps an entry id to the ids it depends on.
fn packages_from_entries(
    entries: Vec<Entry<'_>>,
    edges: &HashMap<&str, Vec<&str>>,
    file: &str,
    lines: &HashMap<String, u32>,
) -> (Vec<Package>, Vec<Skipped>) {
    let mut packages: Vec<Package> = Vec::new();
    let mut skipped = Vec::new();
    let mut by_purl: HashMap<String, usize> = HashMap::new();
    // Entry id -> index of its package, for resolving edges afterwards.
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for e in &entries {
        let Some(raw) = e.purl.map(str::trim).filter(|p| !p.is_empty()) else {
            skipped.push(Skipped {
                name: e.display_name.to_string(),
                reason: "no purl".into(),
            });
            continue;
        };
        let Some(parsed) = purl::parse(raw) else {
            skipped.push(Skipped {
                name: e.display_name.to_string(),
                reason: format!("malformed purl `{raw}`"),
            });
            continue;
        };
        let Some(ecosystem) = parsed.ecosystem() else {
            skipped.push(Skipped {
                name: raw.to_string(),
                reason: format!("unsupported purl type `{}`", parsed.ty),
            });
            continue;
        };
        let index = match by_purl.get(raw) {
            Some(&i) => {
                // The same package listed twice (nested components, several
                // lockfiles): required anywhere means required.
                let p = &mut packages[i];
                p.dev &= e.dev;
                p.direct |= e.direct;
                i
            }
            None => {
                let version = parsed
                    .version
                    .clone()
                    .or_else(|| e.version.map(str::to_string))
                    .filter(|v| !v.is_empty());
                let name = parsed.package_name();
                let built = purl::build(ecosystem, &name, version.as_deref());
                packages.push(Package {
                    ecosystem,
                    name,
                    version,
                    // Kept as the document wrote it (qualifiers and all)
                    // when it is not the purl leakgate would build.
                    source_purl: (raw != built).then(|| raw.into()),
                    direct: e.direct,
                    dev: e.dev,
                    dependencies: Vec::new(),
                    location: SourceLocation {
                        file: file.into(),
                        line: lines.get(raw).copied().unwrap_or(0),
                    },
                    hashes: e
                        .hashes
                        .iter()
                        .filter_map(|(a, h)| Digest::from_hex(a, h))
                        .collect(),
                    license: e.license.as_deref().map(Into::into),
                });
                by_purl.insert(raw.to_string(), packages.len() - 1);
                packages.len() - 1
            }
        };
        if let Some(id) = e.id {
            by_id.insert(id, index);
        }
    }
    let mut deps: Vec<Vec<usize>> = vec![Vec::new(); packages.len()];
    for (from_id, to_ids) in edges {
        let Some(&from) = by_id.get(from_id) else {
            continue;
        };
        deps[from].extend(to_ids.iter().filter_map(|t| by_id.get(t).copied()));
    }
    for (from, mut targets) in deps.into_iter().enumerate() {
        targets.sort_unstable();
        targets.dedup();
        let refs: Vec<_> = targets
            .into_iter()
            .filter(|&t| t != from)
            .map(|t| crate::inventory::PackageRef {
                name: packages[t].name.clone(),
                version: packages[t].version.clone(),
            })
            .collect();
        packages[from].dependencies = refs;
    }
    (packages, skipped)
}

/// First line (1-based) on which each string value of `"key"` appears.
/// One pass over the text: SBOMs with tens of thousands of components must
/// not cost a search per component.
fn value_lines(text: &str, key: &str) -> HashMap<String, u32> {
    let needle = format!("\"{key}\"");
    let bytes = text.as_bytes();
    let mut out = HashMap::new();
    let mut line = 1u32;
    let mut counted_to = 0usize;
    for at in memchr::memmem::find_iter(bytes, needle.as_bytes()) {
        let mut i = at + needle.len();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes.get(i) != Some(&b':') {
            continue;
        }
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes.get(i) != Some(&b'"') {
            continue;
        }
        let start = i;
        i += 1;
        while i < bytes.len() && bytes[i] != b'"' {
            i += if bytes[i] == b'\\' { 2 } else { 1 };
        }
        let Some(literal) = text.get(start..=i.min(bytes.len().saturating_sub(1))) else {
            continue;
        };
        let Ok(value) = serde_json::from_str::<String>(literal) else {
            continue;
        };
        line += memchr::memchr_iter(b'\n', &bytes[counted_to..at]).count() as u32;
        counted_to = at;
        out.entry(value).or_insert(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_lines_finds_first_occurrence_and_unescapes() {
        let text = "{\n \"purl\": \"pkg:npm/a@1\",\n\"x\": {\"purl\" :\n \"pkg:npm\\/b@2\"},\n \"purl\": \"pkg:npm/a@1\", \"purl\": 5, \"purl\": \"unterminated";
        let lines = value_lines(text, "purl");
        assert_eq!(lines.get("pkg:npm/a@1"), Some(&2));
        assert_eq!(lines.get("pkg:npm/b@2"), Some(&3));
        assert_eq!(lines.len(), 2);
    }

    #[test]
    fn non_sbom_json_is_rejected_with_the_file_name() {
        for text in [
            "[1, 2]",
            "{\"name\": \"x\"}",
            "{\"bomFormat\": \"SWID\"}",
            "42",
        ] {
            let err = read_sbom_str(text, "deps.json").unwrap_err();
            assert!(matches!(err, SbomError::NotSbom { .. }), "{text}: {err}");
            assert!(
                err.to_string().starts_with("deps.json: not an SBOM"),
                "{err}"
            );
        }
        let err = read_sbom_str("<?xml version=\"1.0\"?><bom/>", "bom.xml").unwrap_err();
        assert!(
            err.to_string().contains("XML SBOMs are not supported"),
            "{err}"
        );
        let err = read_sbom_str("SPDXVersion: SPDX-2.3\n", "a.spdx").unwrap_err();
        assert!(err.to_string().contains("tag-value"), "{err}");
    }

    #[test]
    fn malformed_json_names_file_and_line() {
        let err = read_sbom_str(
            "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \n",
            "bom.json",
        )
        .unwrap_err();
        match &err {
            SbomError::Json { file, line, .. } => {
                assert_eq!(file, "bom.json");
                assert_eq!(*line, 4);
            }
            other => panic!("{other}"),
        }
        assert!(err.to_string().starts_with("bom.json:4:"), "{err}");
    }

    #[test]
    fn unsupported_versions_name_found_and_supported() {
        let err = read_sbom_str(r#"{"bomFormat":"CycloneDX","specVersion":"1.3"}"#, "b.json")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "b.json: unsupported CycloneDX version `1.3` (supported: 1.4, 1.5, 1.6, 1.7)"
        );
        let err = read_sbom_str(r#"{"bomFormat":"CycloneDX"}"#, "b.json").unwrap_err();
        assert!(err.to_string().contains("version `(none)`"), "{err}");
        let err = read_sbom_str(r#"{"spdxVersion":"SPDX-3.0"}"#, "s.json").unwrap_err();
        assert_eq!(
            err.to_string(),
            "s.json: unsupported SPDX version `SPDX-3.0` (supported: SPDX-2.2, SPDX-2.3)"
        );
    }
}
