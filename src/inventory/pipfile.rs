//! `Pipfile.lock` (pipenv): JSON with `default` and `develop` sections,
//! each mapping a project name to its `==` pinned version and hashes.
//!
//! The lockfile flattens the graph and does not say which packages the
//! project asked for; those come from the `Pipfile` beside it when there is
//! one (otherwise none is marked direct). Editable and path entries are the
//! project's own code; VCS entries have no version.

use super::collect::{Collector, Entry};
use super::json_lines::scan_json;
use super::manifest::Manifest;
use super::{hash, Ecosystem, Input, InventoryError, Package};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

const SUPPORTED: &str = "1 to 6";

#[derive(Deserialize)]
struct PipfileLock {
    #[serde(rename = "_meta")]
    meta: Option<Meta>,
    #[serde(default)]
    default: BTreeMap<String, PipEntry>,
    #[serde(default)]
    develop: BTreeMap<String, PipEntry>,
}

#[derive(Deserialize)]
struct Meta {
    #[serde(rename = "pipfile-spec")]
    spec: Option<i64>,
}

#[derive(Deserialize)]
struct PipEntry {
    version: Option<String>,
    #[serde(default)]
    hashes: Vec<String>,
    path: Option<String>,
    #[serde(default)]
    editable: bool,
}

/// Parses a `Pipfile.lock`.
pub(crate) fn parse(input: &Input<'_>) -> Result<Vec<Package>, InventoryError> {
    let lock: PipfileLock =
        serde_json::from_str(input.text).map_err(|e| InventoryError::json(input.display, &e))?;
    if let Some(spec) = lock.meta.as_ref().and_then(|m| m.spec) {
        if !(1..=6).contains(&spec) {
            return Err(InventoryError::version(input.display, spec, SUPPORTED));
        }
    }
    let mut lines: HashMap<(bool, String), u32> = HashMap::new();
    scan_json(input.text, |path, line| {
        if let [section, name] = path {
            if let (Some(s @ ("default" | "develop")), Some(n)) = (section.key(), name.key()) {
                lines.insert((s == "develop", n.to_string()), line);
            }
        }
    });
    let manifest = Manifest::beside(input, Ecosystem::PyPI);
    let mut out = Collector::new(Ecosystem::PyPI, input.display);
    for (dev, section) in [(false, &lock.default), (true, &lock.develop)] {
        for (name, e) in section {
            if e.editable || e.path.is_some() {
                continue;
            }
            let version = e
                .version
                .as_deref()
                .and_then(|v| v.strip_prefix("===").or_else(|| v.strip_prefix("==")))
                .map(|v| v.trim().to_string());
            let line = lines.get(&(dev, name.clone())).copied().unwrap_or(0);
            let mut entry = Entry::new(name.clone(), version, line);
            entry.dev = dev;
            entry.direct = manifest
                .as_ref()
                .is_some_and(|m| m.declared(Ecosystem::PyPI, name).is_some());
            entry.hashes = e
                .hashes
                .iter()
                .filter_map(|h| hash::prefixed_hex(h))
                .collect();
            out.push(entry);
        }
    }
    Ok(out.finish())
}

#[cfg(test)]
mod tests {
    use super::super::{parse_str, LockfileKind};

    #[test]
    fn package_in_both_sections_is_not_dev() {
        let text = r#"{
    "_meta": {"pipfile-spec": 6},
    "default": {
        "requests": {"version": "==2.19.1", "hashes": []},
        "mylib": {"editable": true, "path": "."}
    },
    "develop": {
        "requests": {"version": "==2.19.1"},
        "pytest": {"version": "==6.2.5"}
    }
}"#;
        let pkgs = parse_str(LockfileKind::PipfileLock, "Pipfile.lock", text).unwrap();
        let got: Vec<(&str, bool, u32)> = pkgs
            .iter()
            .map(|p| (p.name.as_str(), p.dev, p.location.line))
            .collect();
        assert_eq!(got, vec![("requests", false, 4), ("pytest", true, 9)]);
        let err = parse_str(
            LockfileKind::PipfileLock,
            "Pipfile.lock",
            r#"{"_meta": {"pipfile-spec": 7}}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Pipfile.lock: unsupported lockfile version 7 (supported: 1 to 6)"
        );
    }
}
