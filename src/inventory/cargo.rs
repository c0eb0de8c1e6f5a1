//! `Cargo.lock`, versions 1 to 4.
//!
//! v1 keeps checksums in a `[metadata]` table and writes dependencies as
//! `"name version (source)"`; v2 moved checksums onto the packages and
//! shortened dependencies to `"name"` (or `"name version"` when ambiguous);
//! v3 and v4 announce themselves with a top-level `version`. Packages
//! without a `source` are the workspace's own crates (members and path
//! dependencies): whatever they depend on is direct. When the workspace's
//! `Cargo.toml` manifests are beside the lockfile
//! ([`super::cargo_manifest`]), members are told from path crates (which
//! are local code, listed with no version), and a dependency only a
//! `[dev-dependencies]` table names is dev, as is what only such
//! dependencies pull in. `[build-dependencies]` run at build time and are
//! not dev.

use super::cargo_manifest::Workspace;
use super::collect::{Collector, Entry};
use super::lines::toml_headers;
use super::{graph, hash, Ecosystem, Input, InventoryError, Package, PackageRef};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

const SUPPORTED: &str = "1, 2, 3, 4";

#[derive(Deserialize)]
struct CargoLock {
    version: Option<i64>,
    #[serde(default)]
    package: Vec<CargoPackage>,
    #[serde(default)]
    metadata: BTreeMap<String, toml::Value>,
}

#[derive(Deserialize)]
struct CargoPackage {
    name: String,
    version: String,
    source: Option<String>,
    checksum: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

/// Parses a `Cargo.lock`.
pub(crate) fn parse(input: &Input<'_>) -> Result<Vec<Package>, InventoryError> {
    let lock: CargoLock = toml::from_str(input.text)
        .map_err(|e| InventoryError::toml(input.display, input.text, &e))?;
    if let Some(v) = lock.version {
        if !(1..=4).contains(&v) {
            return Err(InventoryError::version(input.display, v, SUPPORTED));
        }
    }
    let lines = toml_headers(input.text, "[[package]]");

    // name -> [(version, index)] to resolve the short dependency forms.
    let mut by_name: HashMap<&str, Vec<(&str, usize)>> = HashMap::new();
    for (i, p) in lock.package.iter().enumerate() {
        by_name.entry(&p.name).or_default().push((&p.version, i));
    }
    let resolve = |dep: &str| -> Option<usize> {
        let mut parts = dep.split_whitespace();
        let name = parts.next()?;
        let version = parts.next();
        let candidates = by_name.get(name)?;
        match version {
            Some(v) => candidates.iter().find(|(cv, _)| *cv == v).map(|(_, i)| *i),
            None if candidates.len() == 1 => Some(candidates[0].1),
            None => None,
        }
    };

    let deps: Vec<Vec<usize>> = lock
        .package
        .iter()
        .map(|p| p.dependencies.iter().filter_map(|d| resolve(d)).collect())
        .collect();
    let workspace = input.disk.and_then(Path::parent).and_then(Workspace::read);
    // index -> declared only for development (by every declaring crate)?
    let mut direct: HashMap<usize, bool> = HashMap::new();
    for (i, p) in lock.package.iter().enumerate() {
        if p.source.is_some() {
            continue;
        }
        let member = workspace.as_ref().and_then(|w| w.members.get(&p.name));
        if workspace.is_some() && member.is_none() {
            // A path crate is a package of the inventory: what it needs is
            // transitive, like any package's dependencies.
            continue;
        }
        for &j in &deps[i] {
            let name = &lock.package[j].name;
            let dev = member.is_some_and(|m| {
                m.dev.contains(name) && !m.normal.contains(name) && !m.build.contains(name)
            });
            let only_dev = direct.entry(j).or_insert(dev);
            *only_dev &= dev;
        }
    }

    let mut out = Collector::new(Ecosystem::CratesIo, input.display);
    let to_ref = |j: usize| PackageRef {
        name: lock.package[j].name.clone(),
        version: lock.package[j]
            .source
            .as_ref()
            .map(|_| lock.package[j].version.clone()),
    };
    for (i, p) in lock.package.iter().enumerate() {
        let Some(source) = &p.source else {
            // A path crate that is no workspace member: local code.
            let Some(ws) = &workspace else { continue };
            if ws.members.contains_key(&p.name) {
                continue;
            }
            let path = ws.paths.get(&p.name).cloned().unwrap_or_default();
            input.local(&p.name, &path, Some(p.version.clone()));
            let mut entry = Entry::new(p.name.clone(), None, lines.get(i).copied().unwrap_or(0));
            entry.direct = direct.contains_key(&i);
            entry.dev = direct.get(&i).copied().unwrap_or(false);
            entry.dependencies = deps[i].iter().map(|&j| to_ref(j)).collect();
            out.push(entry);
            continue;
        };
        let mut entry = Entry::new(
            p.name.clone(),
            Some(p.version.clone()),
            lines.get(i).copied().unwrap_or(0),
        );
        entry.direct = direct.contains_key(&i);
        entry.dev = direct.get(&i).copied().unwrap_or(false);
        entry.dependencies = deps[i]
            .iter()
            .filter(|&&j| {
                lock.package[j].source.is_some()
                    || workspace
                        .as_ref()
                        .is_some_and(|w| !w.members.contains_key(&lock.package[j].name))
            })
            .map(|&j| to_ref(j))
            .collect();
        let checksum = p.checksum.as_deref().or_else(|| {
            let v1_key = format!("checksum {} {} ({source})", p.name, p.version);
            lock.metadata.get(&v1_key).and_then(toml::Value::as_str)
        });
        entry.hashes = checksum
            .and_then(|c| hash::hex("SHA-256", c))
            .into_iter()
            .collect();
        out.push(entry);
    }
    let mut packages = out.finish();
    if workspace.is_some() {
        graph::propagate_dev(&mut packages);
    }
    Ok(packages)
}

#[cfg(test)]
mod tests {
    use super::super::{parse_str, LockfileKind};
    use super::*;
    use std::fmt::Write as _;

    const SUM: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn parses_v1_metadata_checksums_and_long_dependencies() {
        let text = format!(
            r#"[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "smallvec 0.6.9 (registry+https://github.com/rust-lang/crates.io-index)",
]

[[package]]
name = "smallvec"
version = "0.6.9"
source = "registry+https://github.com/rust-lang/crates.io-index"

[metadata]
"checksum smallvec 0.6.9 (registry+https://github.com/rust-lang/crates.io-index)" = "{SUM}"
"#
        );
        let pkgs = parse_str(LockfileKind::CargoLock, "Cargo.lock", &text).unwrap();
        assert_eq!(pkgs.len(), 1);
        let p = &pkgs[0];
        assert_eq!(
            (p.name.as_str(), p.version.as_deref()),
            ("smallvec", Some("0.6.9"))
        );
        assert!(p.direct);
        assert_eq!(p.location.line, 8);
        assert_eq!(p.hashes, vec![("SHA-256".to_string(), SUM.to_string())]);
        assert_eq!(p.purl(), "pkg:cargo/smallvec@0.6.9");
    }

    #[test]
    fn parses_v2_inline_checksums_and_ambiguous_dependencies() {
        let reg = "registry+https://github.com/rust-lang/crates.io-index";
        let text = format!(
            "[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n \"rand 0.7.3\",\n]\n\n\
             [[package]]\nname = \"rand\"\nversion = \"0.7.3\"\nsource = \"{reg}\"\nchecksum = \"{SUM}\"\n\n\
             [[package]]\nname = \"rand\"\nversion = \"0.8.4\"\nsource = \"{reg}\"\n"
        );
        let pkgs = parse_str(LockfileKind::CargoLock, "Cargo.lock", &text).unwrap();
        let got: Vec<(&str, bool, usize, u32)> = pkgs
            .iter()
            .map(|p| {
                (
                    p.version.as_deref().unwrap(),
                    p.direct,
                    p.hashes.len(),
                    p.location.line,
                )
            })
            .collect();
        assert_eq!(got, vec![("0.7.3", true, 1, 8), ("0.8.4", false, 0, 14)]);
    }

    #[test]
    fn rejects_unknown_version() {
        let err = parse_str(LockfileKind::CargoLock, "Cargo.lock", "version = 9\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "Cargo.lock: unsupported lockfile version 9 (supported: 1, 2, 3, 4)"
        );
    }

    #[test]
    fn names_the_line_of_bad_toml() {
        let err = parse_str(
            LockfileKind::CargoLock,
            "Cargo.lock",
            "version = 3\n\n[[package]]\nname = \n",
        )
        .unwrap_err();
        assert!(
            matches!(err, InventoryError::Parse { line: Some(4), .. }),
            "{err}"
        );
    }

    #[test]
    fn parses_a_hundred_thousand_packages() {
        let mut text = String::from("version = 4\n\n[[package]]\nname = \"root\"\nversion = \"0.1.0\"\ndependencies = [\"crate0\"]\n");
        for i in 0..100_000 {
            let _ = write!(
                text,
                "\n[[package]]\nname = \"crate{i}\"\nversion = \"1.0.{i}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{SUM}\"\ndependencies = [\"crate{}\"]\n",
                (i + 1) % 100_000
            );
        }
        let pkgs = parse_str(LockfileKind::CargoLock, "Cargo.lock", &text).unwrap();
        assert_eq!(pkgs.len(), 100_000);
        assert_eq!(pkgs.iter().filter(|p| p.direct).count(), 1);
        assert_eq!(pkgs[0].location.line, 8);
        assert_eq!(pkgs[99_999].location.line, 8 + 99_999 * 7);
        assert_eq!(pkgs[5].dependencies[0].name, "crate6");
    }
}
