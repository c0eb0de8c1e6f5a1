//! NuGet `packages.lock.json`.
//!
//! `dependencies` maps each target framework to the packages resolved for
//! it, each with `type` (`Direct`, `Transitive`, `CentralTransitive`, or
//! `Project` for another project of the solution, which is not a package),
//! `resolved` version, `contentHash` (base64 SHA-512) and its own
//! dependencies. A package resolved for several frameworks is one package.
//! NuGet records no dev dependencies.

use super::collect::{Collector, Entry};
use super::json_lines::scan_json;
use super::{hash, Ecosystem, Input, InventoryError, Package, PackageRef};
use serde::de::IgnoredAny;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

const SUPPORTED: &str = "1, 2";

#[derive(Deserialize)]
struct NugetLock {
    version: Option<i64>,
    #[serde(default)]
    dependencies: BTreeMap<String, BTreeMap<String, NugetDep>>,
}

#[derive(Deserialize)]
struct NugetDep {
    #[serde(rename = "type")]
    kind: Option<String>,
    resolved: Option<String>,
    #[serde(rename = "contentHash")]
    content_hash: Option<String>,
    #[serde(default)]
    dependencies: BTreeMap<String, IgnoredAny>,
}

/// Parses a `packages.lock.json`.
pub(crate) fn parse(input: &Input<'_>) -> Result<Vec<Package>, InventoryError> {
    let lock: NugetLock =
        serde_json::from_str(input.text).map_err(|e| InventoryError::json(input.display, &e))?;
    match lock.version {
        Some(1 | 2) => {}
        Some(v) => return Err(InventoryError::version(input.display, v, SUPPORTED)),
        None => {
            return Err(InventoryError::parse(
                input.display,
                None,
                "missing lockfile `version`",
            ))
        }
    }
    let mut lines: HashMap<(String, String), u32> = HashMap::new();
    scan_json(input.text, |path, line| {
        if let [top, framework, name] = path {
            if let (true, Some(f), Some(n)) = (top.is("dependencies"), framework.key(), name.key())
            {
                lines.insert((f.to_string(), n.to_string()), line);
            }
        }
    });
    let mut out = Collector::new(Ecosystem::NuGet, input.display);
    for (framework, deps) in &lock.dependencies {
        let resolved: HashMap<String, (&str, &str)> = deps
            .iter()
            .filter(|(_, d)| d.kind.as_deref() != Some("Project"))
            .filter_map(|(n, d)| {
                Some((n.to_ascii_lowercase(), (n.as_str(), d.resolved.as_deref()?)))
            })
            .collect();
        for (name, d) in deps {
            if d.kind.as_deref() == Some("Project") {
                continue;
            }
            let line = lines
                .get(&(framework.clone(), name.clone()))
                .copied()
                .unwrap_or(0);
            let mut entry = Entry::new(name.clone(), d.resolved.clone(), line);
            entry.direct = d.kind.as_deref() == Some("Direct");
            entry.hashes = d
                .content_hash
                .as_deref()
                .and_then(|h| hash::base64("SHA-512", h))
                .into_iter()
                .collect();
            entry.dependencies = d
                .dependencies
                .keys()
                .filter_map(|n| resolved.get(&n.to_ascii_lowercase()))
                .map(|(n, v)| PackageRef {
                    name: (*n).to_string(),
                    version: Some((*v).to_string()),
                })
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
    fn rejects_unknown_versions() {
        let err = parse_str(
            LockfileKind::NugetLock,
            "packages.lock.json",
            r#"{"version": 3, "dependencies": {}}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "packages.lock.json: unsupported lockfile version 3 (supported: 1, 2)"
        );
    }
}
