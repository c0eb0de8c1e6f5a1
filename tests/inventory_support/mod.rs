//! Helpers shared by the inventory integration tests: fixture paths and
//! compact views of parsed packages for exact comparisons.

#![allow(dead_code)]

use leakgate::inventory::{parse_lockfile, Lockfile, Package};
use std::path::PathBuf;

/// The lockfile fixtures directory.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lockfiles")
}

/// Parses the fixture at `rel`, with locations relative to the fixtures directory.
pub fn parse(rel: &str) -> Lockfile {
    let root = fixtures();
    parse_lockfile(&root.join(rel), &root).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// (name, version, direct, dev) of every package, in lockfile order.
pub fn flags(packages: &[Package]) -> Vec<(String, String, bool, bool)> {
    packages
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                p.version.clone().unwrap_or_else(|| "-".to_string()),
                p.direct,
                p.dev,
            )
        })
        .collect()
}

/// (name, version) pairs, sorted.
pub fn names(packages: &[Package]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = packages
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                p.version.clone().unwrap_or_else(|| "-".to_string()),
            )
        })
        .collect();
    out.sort();
    out
}

/// The package `name`@`version`.
pub fn find<'a>(packages: &'a [Package], name: &str, version: &str) -> &'a Package {
    packages
        .iter()
        .find(|p| p.name == name && p.version.as_deref() == Some(version))
        .unwrap_or_else(|| panic!("{name}@{version} not found"))
}

/// `name@version` of each dependency of a package.
pub fn deps(p: &Package) -> Vec<String> {
    p.dependencies
        .iter()
        .map(|d| format!("{}@{}", d.name, d.version.as_deref().unwrap_or("-")))
        .collect()
}

/// Converts a list of string tuples to owned values, for comparisons.
pub fn owned(v: &[(&str, &str, bool, bool)]) -> Vec<(String, String, bool, bool)> {
    v.iter()
        .map(|(n, v, d, dev)| (n.to_string(), v.to_string(), *d, *dev))
        .collect()
}
