//! `uv.lock` (lock format version 1).
//!
//! Every `[[package]]` has a name, a version and a `source`; the project
//! itself (and its workspace members) are `editable` or `virtual` sources,
//! and `directory`/`path` sources are local code: none of these are
//! packages, but their `dependencies` are direct and their
//! `dev-dependencies` direct dev packages. Dependencies name a package, with
//! its version only when several versions are locked. Hashes come from the
//! `sdist` and `wheels`.

use super::collect::{pep503, Collector, Entry};
use super::lines::toml_headers;
use super::{graph, hash, Ecosystem, Input, InventoryError, Package, PackageRef};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

const SUPPORTED: &str = "1";

#[derive(Deserialize)]
struct UvLock {
    version: Option<i64>,
    #[serde(default)]
    package: Vec<UvPackage>,
}

#[derive(Deserialize)]
struct UvPackage {
    name: String,
    version: Option<String>,
    #[serde(default)]
    source: BTreeMap<String, toml::Value>,
    #[serde(default)]
    dependencies: Vec<UvDep>,
    #[serde(default, rename = "optional-dependencies")]
    optional_dependencies: BTreeMap<String, Vec<UvDep>>,
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: BTreeMap<String, Vec<UvDep>>,
    sdist: Option<UvFile>,
    #[serde(default)]
    wheels: Vec<UvFile>,
}

#[derive(Deserialize)]
struct UvDep {
    name: String,
    version: Option<String>,
}

#[derive(Deserialize)]
struct UvFile {
    hash: Option<String>,
}

fn is_local(p: &UvPackage) -> bool {
    ["editable", "virtual", "directory", "path"]
        .iter()
        .any(|k| p.source.contains_key(*k))
}

/// Parses a `uv.lock`.
pub(crate) fn parse(input: &Input<'_>) -> Result<Vec<Package>, InventoryError> {
    let lock: UvLock = toml::from_str(input.text)
        .map_err(|e| InventoryError::toml(input.display, input.text, &e))?;
    match lock.version {
        Some(1) => {}
        Some(v) => return Err(InventoryError::version(input.display, v, SUPPORTED)),
        None => {
            return Err(InventoryError::parse(
                input.display,
                None,
                "missing lock `version`",
            ))
        }
    }
    let lines = toml_headers(input.text, "[[package]]");
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in lock.package.iter().enumerate() {
        by_name.entry(pep503(&p.name)).or_default().push(i);
    }
    let resolve = |d: &UvDep| -> Option<usize> {
        let candidates = by_name.get(&pep503(&d.name))?;
        match &d.version {
            Some(v) => candidates
                .iter()
                .copied()
                .find(|&i| lock.package[i].version.as_ref() == Some(v)),
            None => candidates.first().copied(),
        }
    };
    // Package index -> only a dev dependency of the project?
    let mut direct: HashMap<usize, bool> = HashMap::new();
    for p in lock.package.iter().filter(|p| is_local(p)) {
        let prod = p
            .dependencies
            .iter()
            .chain(p.optional_dependencies.values().flatten());
        for i in prod.filter_map(resolve) {
            direct.insert(i, false);
        }
        for i in p.dev_dependencies.values().flatten().filter_map(resolve) {
            direct.entry(i).or_insert(true);
        }
    }
    let mut out = Collector::new(Ecosystem::PyPI, input.display);
    for (i, p) in lock.package.iter().enumerate() {
        if is_local(p) {
            continue;
        }
        let mut entry = Entry::new(
            p.name.clone(),
            p.version.clone(),
            lines.get(i).copied().unwrap_or(0),
        );
        if let Some(&dev) = direct.get(&i) {
            entry.direct = true;
            entry.dev = dev;
        }
        entry.hashes = p
            .sdist
            .iter()
            .chain(&p.wheels)
            .filter_map(|f| f.hash.as_deref().and_then(hash::prefixed_hex))
            .collect();
        entry.dependencies = p
            .dependencies
            .iter()
            .chain(p.optional_dependencies.values().flatten())
            .filter_map(resolve)
            .map(|j| &lock.package[j])
            .filter(|d| !is_local(d))
            .map(|d| PackageRef {
                name: d.name.clone(),
                version: d.version.clone(),
            })
            .collect();
        out.push(entry);
    }
    let mut packages = out.finish();
    graph::propagate_dev(&mut packages);
    Ok(packages)
}

#[cfg(test)]
mod tests {
    use super::super::{parse_str, LockfileKind};

    #[test]
    fn rejects_other_versions() {
        let err = parse_str(LockfileKind::UvLock, "uv.lock", "version = 2\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "uv.lock: unsupported lockfile version 2 (supported: 1)"
        );
        let err = parse_str(
            LockfileKind::UvLock,
            "uv.lock",
            "[[package]]\nname = \"a\"\n",
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "uv.lock: missing lock `version`");
    }
}
