//! `yarn.lock` of yarn berry (v2+): YAML with a `__metadata` entry.
//!
//! Each key lists the descriptors an entry satisfies
//! (`"lodash@npm:^4.17.20, lodash@npm:^4.17.21"`); `resolution` names what
//! was installed (`lodash@npm:4.17.21`). Workspace entries (`@workspace:`)
//! are the project: their dependencies are direct. `patch:` entries repeat
//! a package already listed under its own resolution; `link:`, `portal:`,
//! `file:` and `exec:` ones are local code. Berry merges dev dependencies
//! into the workspace's list, so dev comes from the `package.json` beside
//! the lockfile when there is one.

use super::collect::{Collector, Entry};
use super::lines::yaml_keys;
use super::manifest::Manifest;
use super::yarn::split_descriptor;
use super::{graph, hash, Ecosystem, Input, InventoryError, Package, PackageRef};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};

const SUPPORTED: &str = "4, 5, 6, 7, 8";

#[derive(Deserialize)]
struct Metadata {
    version: serde_yaml_ng::Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BerryEntry {
    version: Option<serde_yaml_ng::Value>,
    resolution: Option<String>,
    #[serde(default)]
    dependencies: BTreeMap<String, serde_yaml_ng::Value>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, serde_yaml_ng::Value>,
    #[serde(default)]
    peer_dependencies: BTreeMap<String, serde_yaml_ng::Value>,
    checksum: Option<String>,
}

/// A YAML scalar as text (versions may be read as numbers).
pub(crate) fn scalar(v: &serde_yaml_ng::Value) -> Option<String> {
    match v {
        serde_yaml_ng::Value::String(s) => Some(s.clone()),
        serde_yaml_ng::Value::Number(n) => Some(n.to_string()),
        serde_yaml_ng::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Parses a berry lockfile.
pub(crate) fn parse(input: &Input<'_>) -> Result<Vec<Package>, InventoryError> {
    let mut doc: BTreeMap<String, serde_yaml_ng::Value> =
        serde_yaml_ng::from_str(input.text).map_err(|e| InventoryError::yaml(input.display, &e))?;
    let lines = yaml_keys(input.text, 0, None);
    let line_of = |key: &str| lines.get(key).copied();
    let meta = doc
        .remove("__metadata")
        .ok_or_else(|| InventoryError::parse(input.display, None, "missing __metadata"))?;
    let meta: Metadata = serde_yaml_ng::from_value(meta)
        .map_err(|e| InventoryError::parse(input.display, line_of("__metadata"), e.to_string()))?;
    let version = scalar(&meta.version).unwrap_or_default();
    if !matches!(version.parse::<u32>(), Ok(4..=8)) {
        return Err(InventoryError::version(input.display, version, SUPPORTED));
    }

    let mut entries = Vec::with_capacity(doc.len());
    for (key, value) in doc {
        let entry: BerryEntry = serde_yaml_ng::from_value(value)
            .map_err(|e| InventoryError::parse(input.display, line_of(&key), e.to_string()))?;
        entries.push((key, entry));
    }

    enum Kind {
        Package(String, Option<String>),
        Workspace,
        Skip,
    }
    let kinds: Vec<Kind> = entries
        .iter()
        .map(|(_, e)| {
            let Some((name, reference)) = e.resolution.as_deref().and_then(split_descriptor) else {
                return Kind::Skip;
            };
            let version = e.version.as_ref().and_then(scalar);
            if reference.starts_with("workspace:") {
                Kind::Workspace
            } else if let Some(v) = reference.strip_prefix("npm:") {
                Kind::Package(name.to_string(), Some(v.to_string()))
            } else if ["patch:", "link:", "portal:", "file:", "exec:"]
                .iter()
                .any(|p| reference.starts_with(p))
            {
                Kind::Skip
            } else {
                Kind::Package(name.to_string(), version)
            }
        })
        .collect();

    // descriptor ("name@npm:^1") -> entry index.
    let mut by_descriptor: HashMap<String, usize> = HashMap::new();
    for (i, (key, _)) in entries.iter().enumerate() {
        for d in key.split(',') {
            by_descriptor.insert(d.trim().to_string(), i);
        }
    }
    let resolve = |name: &str, range: &serde_yaml_ng::Value| -> Option<usize> {
        let range = scalar(range)?;
        by_descriptor
            .get(&format!("{name}@{range}"))
            .or_else(|| by_descriptor.get(&format!("{name}@npm:{range}")))
            .copied()
    };
    let deps_of = |e: &BerryEntry| -> Vec<usize> {
        e.dependencies
            .iter()
            .chain(&e.optional_dependencies)
            .chain(&e.peer_dependencies)
            .filter_map(|(n, r)| resolve(n, r))
            .collect()
    };

    let mut direct: HashSet<usize> = HashSet::new();
    for (i, (_, e)) in entries.iter().enumerate() {
        if matches!(kinds[i], Kind::Workspace) {
            direct.extend(deps_of(e));
        }
    }

    let mut out = Collector::new(Ecosystem::Npm, input.display);
    for (i, (key, e)) in entries.iter().enumerate() {
        let Kind::Package(name, version) = &kinds[i] else {
            continue;
        };
        let mut entry = Entry::new(name.clone(), version.clone(), line_of(key).unwrap_or(0));
        entry.direct = direct.contains(&i);
        // Berry checksums are hex SHA-512, since v8 behind a cache key (`10c0/…`).
        entry.hashes = e
            .checksum
            .as_deref()
            .map(|c| c.rsplit('/').next().unwrap_or(c))
            .and_then(|c| hash::hex("SHA-512", c))
            .into_iter()
            .collect();
        entry.dependencies = deps_of(e)
            .into_iter()
            .filter_map(|j| match &kinds[j] {
                Kind::Package(n, v) => Some(PackageRef {
                    name: n.clone(),
                    version: v.clone(),
                }),
                _ => None,
            })
            .collect();
        out.push(entry);
    }
    let mut packages = out.finish();
    if let Some(manifest) = Manifest::beside(input, Ecosystem::Npm) {
        for p in packages.iter_mut().filter(|p| p.direct) {
            p.dev = manifest.declared(Ecosystem::Npm, &p.name) == Some(true);
        }
        graph::propagate_dev(&mut packages);
    }
    Ok(packages)
}

#[cfg(test)]
mod tests {
    use super::super::{parse_str, LockfileKind};

    #[test]
    fn parses_berry() {
        let text = r#"# This file is generated by running "yarn install" inside your project.

__metadata:
  version: 6
  cacheKey: 8

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  dependencies:
    lodash: ^4.17.20
  languageName: unknown
  linkType: soft

"lodash@npm:^4.17.20":
  version: 4.17.20
  resolution: "lodash@npm:4.17.20"
  checksum: 10c0/SUM
  languageName: node
  linkType: hard

"resolve@patch:resolve@npm%3A^1.0.0#~builtin<compat/resolve>":
  version: 1.22.1
  resolution: "resolve@patch:resolve@npm%3A1.22.1#~builtin<compat/resolve>::version=1.22.1&hash=07638b"
  languageName: node
  linkType: hard
"#;
        let sum = "a".repeat(128);
        let pkgs = parse_str(
            LockfileKind::YarnLock,
            "yarn.lock",
            &text.replace("SUM", &sum),
        )
        .unwrap();
        assert_eq!(pkgs.len(), 1);
        assert_eq!(pkgs[0].name, "lodash");
        assert_eq!(pkgs[0].version.as_deref(), Some("4.17.20"));
        assert!(pkgs[0].direct);
        assert_eq!(pkgs[0].location.line, 15);
        assert_eq!(pkgs[0].hashes, vec![("SHA-512".to_string(), sum)]);
    }

    #[test]
    fn rejects_unknown_metadata_version() {
        let err = parse_str(
            LockfileKind::YarnLock,
            "yarn.lock",
            "__metadata:\n  version: 99\n",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "yarn.lock: unsupported lockfile version 99 (supported: 4, 5, 6, 7, 8)"
        );
    }
}
