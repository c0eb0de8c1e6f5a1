//! `Cargo.lock`, versions 1 to 4.
//!
//! v1 keeps checksums in a `[metadata]` table and writes dependencies as
//! `"name version (source)"`; v2 moved checksums onto the packages and
//! shortened dependencies to `"name"` (or `"name version"` when ambiguous);
//! v3 and v4 announce themselves with a top-level `version`. Packages
//! without a `source` are the workspace's own crates (members and path
//! dependencies): they are not packages of the inventory, but whatever they
//! depend on is direct.

use super::collect::{Collector, Entry};
use super::lines::toml_headers;
use super::{hash, Ecosystem, Input, InventoryError, Package, PackageRef};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};

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
    let direct: HashSet<usize> = lock
        .package
        .iter()
        .enumerate()
        .filter(|(_, p)| p.source.is_none())
        .flat_map(|(i, _)| deps[i].iter().copied())
        .collect();

    let mut out = Collector::new(Ecosystem::CratesIo, input.display);
    for (i, p) in lock.package.iter().enumerate() {
        let Some(source) = &p.source else { continue };
        let mut entry = Entry::new(
            p.name.clone(),
            Some(p.version.clone()),
            lines.get(i).copied().unwrap_or(0),
        );
        entry.direct = direct.contains(&i);
        entry.dependencies = deps[i]
            .iter()
            .map(|&j| &lock.package[j])
            .filter(|d| d.source.is_some())
            .map(|d| PackageRef {
                name: d.name.clone(),
                version: Some(d.version.clone()),
            })
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
    Ok(out.finish())
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
        assert_eq!(p.purl, "pkg:cargo/smallvec@0.6.9");
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
