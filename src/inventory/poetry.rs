//! `poetry.lock`.
//!
//! Each `[[package]]` has a name, version, its dependencies (by name and
//! constraint), and either a `category` (`main`/`dev`, lock format 1.x) or
//! `groups` (Poetry 2) telling whether it is only for development. File
//! hashes are under `[metadata.files]` (1.x) or on the package (`files`,
//! 2.x). Directory and file sources are the project's own code. The
//! project's own requirements are in `pyproject.toml`, read when beside the
//! lockfile; otherwise the graph's roots are direct.

use super::collect::{pep503, Collector, Entry};
use super::lines::toml_headers;
use super::manifest::Manifest;
use super::{graph, hash, Ecosystem, Input, InventoryError, Package, PackageRef};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

const SUPPORTED: &str = "1.x, 2.x";

#[derive(Deserialize)]
struct PoetryLock {
    #[serde(default)]
    package: Vec<PoetryPackage>,
    metadata: Option<Metadata>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(rename = "lock-version")]
    lock_version: Option<String>,
    #[serde(default)]
    files: BTreeMap<String, Vec<FileHash>>,
}

#[derive(Deserialize)]
struct PoetryPackage {
    name: String,
    version: String,
    category: Option<String>,
    groups: Option<Vec<String>>,
    #[serde(default)]
    dependencies: BTreeMap<String, toml::Value>,
    #[serde(default)]
    files: Vec<FileHash>,
    source: Option<Source>,
}

#[derive(Deserialize)]
struct FileHash {
    hash: String,
}

#[derive(Deserialize)]
struct Source {
    #[serde(rename = "type")]
    kind: String,
}

/// Parses a `poetry.lock`.
pub(crate) fn parse(input: &Input<'_>) -> Result<Vec<Package>, InventoryError> {
    let lock: PoetryLock = toml::from_str(input.text)
        .map_err(|e| InventoryError::toml(input.display, input.text, &e))?;
    if let Some(v) = lock
        .metadata
        .as_ref()
        .and_then(|m| m.lock_version.as_deref())
    {
        if !(v.starts_with("1.") || v.starts_with("2.")) {
            return Err(InventoryError::version(input.display, v, SUPPORTED));
        }
    }
    let lines = toml_headers(input.text, "[[package]]");
    let versions: HashMap<String, Vec<&str>> =
        lock.package.iter().fold(HashMap::new(), |mut m, p| {
            m.entry(pep503(&p.name)).or_default().push(&p.version);
            m
        });
    let metadata_files = lock.metadata.as_ref().map(|m| &m.files);
    let mut has_dev_info = false;
    let mut out = Collector::new(Ecosystem::PyPI, input.display);
    for (i, p) in lock.package.iter().enumerate() {
        if p.source
            .as_ref()
            .is_some_and(|s| s.kind == "directory" || s.kind == "file")
        {
            continue;
        }
        let mut entry = Entry::new(
            p.name.clone(),
            Some(p.version.clone()),
            lines.get(i).copied().unwrap_or(0),
        );
        entry.dev = match (&p.category, &p.groups) {
            (Some(c), _) => c == "dev",
            (None, Some(g)) => !g.iter().any(|g| g == "main"),
            (None, None) => false,
        };
        has_dev_info |= p.category.is_some() || p.groups.is_some();
        let old_style =
            metadata_files.and_then(|f| f.get(&p.name).or_else(|| f.get(&pep503(&p.name))));
        entry.hashes = p
            .files
            .iter()
            .chain(old_style.into_iter().flatten())
            .filter_map(|f| hash::prefixed_hex(&f.hash))
            .collect();
        entry.dependencies = p
            .dependencies
            .keys()
            .map(|name| PackageRef {
                name: name.clone(),
                version: match versions.get(&pep503(name)).map(Vec::as_slice) {
                    Some([only]) => Some((*only).to_string()),
                    _ => None,
                },
            })
            .collect();
        out.push(entry);
    }
    let mut packages = out.finish();
    match Manifest::beside(input, Ecosystem::PyPI) {
        // The lockfile's own dev classification wins when it has one.
        Some(m) if has_dev_info => {
            for p in &mut packages {
                p.direct = m.declared(Ecosystem::PyPI, &p.name).is_some();
            }
        }
        Some(m) => m.apply(&mut packages),
        None => graph::roots_as_direct(&mut packages),
    }
    Ok(packages)
}

#[cfg(test)]
mod tests {
    use super::super::{parse_str, LockfileKind};

    #[test]
    fn reads_groups_and_rejects_unknown_versions() {
        let text = "[[package]]\nname = \"pytest\"\nversion = \"6.2.5\"\ngroups = [\"dev\"]\nfiles = []\n\n[package.dependencies]\nattrs = \">=19.2.0\"\n\n[[package]]\nname = \"attrs\"\nversion = \"21.2.0\"\ngroups = [\"main\", \"dev\"]\nfiles = []\n\n[metadata]\nlock-version = \"2.1\"\n";
        let pkgs = parse_str(LockfileKind::PoetryLock, "poetry.lock", text).unwrap();
        let got: Vec<(&str, bool, bool, u32)> = pkgs
            .iter()
            .map(|p| (p.name.as_str(), p.direct, p.dev, p.location.line))
            .collect();
        assert_eq!(
            got,
            vec![("pytest", true, true, 1), ("attrs", false, false, 10)]
        );
        assert_eq!(pkgs[0].dependencies[0].version.as_deref(), Some("21.2.0"));
        let err = parse_str(
            LockfileKind::PoetryLock,
            "poetry.lock",
            "[metadata]\nlock-version = \"3.0\"\n",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "poetry.lock: unsupported lockfile version 3.0 (supported: 1.x, 2.x)"
        );
    }
}
