//! `package-lock.json` version 1 (npm 5 and 6): a tree of nested
//! `dependencies` objects, each entry with `version`, `integrity`, `dev`,
//! `requires` (name → range) and its own nested `dependencies`.
//!
//! Version 1 does not record what the project itself declares, so direct
//! packages come from the `package.json` beside the lockfile when there is
//! one, otherwise from the graph's roots.

use super::collect::{Collector, Entry};
use super::json_lines::scan_json;
use super::manifest::Manifest;
use super::{graph, hash, npm, Ecosystem, Input, InventoryError, Package, PackageRef};
use serde::de::IgnoredAny;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Deserialize)]
struct LockV1 {
    #[serde(default)]
    dependencies: BTreeMap<String, DepV1>,
}

#[derive(Deserialize)]
struct DepV1 {
    version: Option<String>,
    integrity: Option<String>,
    #[serde(default)]
    dev: bool,
    license: Option<serde_json::Value>,
    #[serde(default)]
    requires: BTreeMap<String, IgnoredAny>,
    #[serde(default)]
    dependencies: BTreeMap<String, DepV1>,
}

/// Path separator for nested entry keys; cannot occur in a package name.
const SEP: char = '\0';

/// What a `version` field denotes.
enum Version {
    /// A registry version, under the given real name when aliased.
    Registry {
        real_name: Option<String>,
        version: String,
    },
    /// A git or tarball dependency: a package, but no version to compare.
    Unversioned,
    /// `file:` / `link:`: local code shipped with the project, at this path.
    Local(String),
}

fn classify(version: &str) -> Version {
    if let Some(alias) = version.strip_prefix("npm:") {
        if let Some(at) = alias.get(1..).and_then(|rest| rest.rfind('@')) {
            return Version::Registry {
                real_name: Some(alias[..at + 1].to_string()),
                version: alias[at + 2..].to_string(),
            };
        }
    }
    if let Some(path) = version
        .strip_prefix("file:")
        .or_else(|| version.strip_prefix("link:"))
    {
        Version::Local(path.to_string())
    } else if version.contains(':') || version.contains('/') {
        Version::Unversioned
    } else {
        Version::Registry {
            real_name: None,
            version: version.to_string(),
        }
    }
}

/// Parses a version 1 lockfile.
pub(crate) fn parse(input: &Input<'_>) -> Result<Vec<Package>, InventoryError> {
    let lock: LockV1 =
        serde_json::from_str(input.text).map_err(|e| InventoryError::json(input.display, &e))?;

    // Entry lines by nested path ("a\0b" for dependencies.a.dependencies.b).
    let mut lines: HashMap<String, u32> = HashMap::new();
    scan_json(input.text, |path, line| {
        if path.len() % 2 != 0 {
            return;
        }
        let mut names = Vec::with_capacity(path.len() / 2);
        for pair in path.chunks(2) {
            match (pair[0].is("dependencies"), pair[1].key()) {
                (true, Some(name)) => names.push(name),
                _ => return,
            }
        }
        if !names.is_empty() {
            lines.insert(names.join("\0"), line);
        }
    });

    // Flatten the tree: (path key, install name, entry), parents first.
    let mut flat: Vec<(String, &str, &DepV1)> = Vec::new();
    let mut stack: Vec<(String, &str, &DepV1)> = lock
        .dependencies
        .iter()
        .rev()
        .map(|(name, dep)| (name.clone(), name.as_str(), dep))
        .collect();
    while let Some((key, name, dep)) = stack.pop() {
        for (child, child_dep) in dep.dependencies.iter().rev() {
            stack.push((format!("{key}{SEP}{child}"), child.as_str(), child_dep));
        }
        flat.push((key, name, dep));
    }
    let index: HashMap<&str, usize> = flat
        .iter()
        .enumerate()
        .map(|(i, (k, _, _))| (k.as_str(), i))
        .collect();

    // Node resolution: from entry `key`, `dep` is found in the nearest
    // enclosing `dependencies` that has it.
    let resolve = |key: &str, dep: &str| -> Option<usize> {
        let mut base = key;
        loop {
            let candidate = if base.is_empty() {
                dep.to_string()
            } else {
                format!("{base}{SEP}{dep}")
            };
            if let Some(&i) = index.get(candidate.as_str()) {
                return Some(i);
            }
            if base.is_empty() {
                return None;
            }
            base = base.rfind(SEP).map_or("", |i| &base[..i]);
        }
    };
    let identity = |i: usize| -> Option<(String, Option<String>)> {
        let (_, name, dep) = &flat[i];
        match classify(dep.version.as_deref()?) {
            Version::Registry { real_name, version } => {
                Some((real_name.unwrap_or_else(|| name.to_string()), Some(version)))
            }
            Version::Unversioned | Version::Local(_) => Some((name.to_string(), None)),
        }
    };

    let manifest = Manifest::beside(input, Ecosystem::Npm);
    let mut out = Collector::new(Ecosystem::Npm, input.display);
    for (i, (key, install_name, dep)) in flat.iter().enumerate() {
        let Some((name, version)) = identity(i) else {
            continue;
        };
        if let Some(Version::Local(path)) = dep.version.as_deref().map(classify) {
            input.local(&name, &path, None);
        }
        let mut entry = Entry::new(name, version, lines.get(key).copied().unwrap_or(0));
        entry.dev = dep.dev;
        let top_level = !key.contains(SEP);
        entry.direct = top_level
            && manifest
                .as_ref()
                .is_some_and(|m| m.declared(Ecosystem::Npm, install_name).is_some());
        entry.hashes = dep.integrity.as_deref().map(hash::sri).unwrap_or_default();
        entry.license = dep.license.as_ref().and_then(npm::license).map(Into::into);
        entry.dependencies = dep
            .requires
            .keys()
            .filter_map(|r| resolve(key, r))
            .filter_map(identity)
            .map(|(name, version)| PackageRef { name, version })
            .collect();
        out.push(entry);
    }
    let mut packages = out.finish();
    if manifest.is_none() {
        graph::roots_as_direct(&mut packages);
    }
    Ok(packages)
}

#[cfg(test)]
mod tests {
    use super::super::{parse_str, LockfileKind};
    use super::*;

    #[test]
    fn walks_nested_dependencies() {
        let text = r#"{
  "name": "app",
  "version": "1.0.0",
  "lockfileVersion": 1,
  "requires": true,
  "dependencies": {
    "express": {
      "version": "4.16.0",
      "requires": {"debug": "2.6.9", "qs": "6.5.1"},
      "dependencies": {
        "debug": {"version": "2.6.9"}
      }
    },
    "debug": {"version": "4.1.0", "dev": true},
    "qs": {"version": "6.5.1"},
    "sw": {"version": "npm:string-width@4.2.3"},
    "local": {"version": "file:../local"},
    "gitdep": {"version": "github:user/gitdep#abc123"}
  }
}"#;
        let pkgs = parse_str(LockfileKind::PackageLock, "package-lock.json", text).unwrap();
        let got: Vec<(String, Option<String>, bool, bool, u32)> = pkgs
            .iter()
            .map(|p| {
                (
                    p.name.clone(),
                    p.version.clone(),
                    p.direct,
                    p.dev,
                    p.location.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("express".into(), Some("4.16.0".into()), true, false, 7),
                ("debug".into(), Some("2.6.9".into()), false, false, 11),
                ("debug".into(), Some("4.1.0".into()), true, true, 14),
                ("qs".into(), Some("6.5.1".into()), false, false, 15),
                ("string-width".into(), Some("4.2.3".into()), true, false, 16),
                ("local".into(), None, true, false, 17),
                ("gitdep".into(), None, true, false, 18),
            ]
        );
        assert_eq!(
            pkgs[0].dependencies,
            vec![
                PackageRef {
                    name: "debug".into(),
                    version: Some("2.6.9".into())
                },
                PackageRef {
                    name: "qs".into(),
                    version: Some("6.5.1".into())
                },
            ]
        );
    }
}
