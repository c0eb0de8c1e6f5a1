//! `package-lock.json` and `npm-shrinkwrap.json`.
//!
//! Versions 2 and 3 describe the installed tree in `packages`, keyed by
//! install path (`node_modules/a/node_modules/b`); the `""` entry and
//! workspace folders are the project itself, whose dependency lists make a
//! package direct. `link: true` entries point at workspace folders and are
//! not packages. An aliased install (`"node_modules/alias": {"name":
//! "real"}`) is the real package. Version 1 (nested `dependencies`) lives
//! in [`super::npm_v1`].

use super::collect::{Collector, Entry};
use super::json_lines::{scan_json, Seg};
use super::{hash, npm_v1, Ecosystem, Input, InventoryError, Package, PackageRef};
use serde::de::IgnoredAny;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

const SUPPORTED: &str = "1, 2, 3";

#[derive(Deserialize)]
struct Header {
    #[serde(rename = "lockfileVersion")]
    lockfile_version: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct PackageLock {
    #[serde(default)]
    packages: HashMap<String, NpmPackage>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct NpmPackage {
    name: Option<String>,
    version: Option<String>,
    integrity: Option<String>,
    resolved: Option<String>,
    #[serde(default)]
    link: bool,
    /// Only on the root entry: the workspace folder patterns.
    workspaces: Option<serde_json::Value>,
    #[serde(default)]
    dev: bool,
    license: Option<serde_json::Value>,
    #[serde(default)]
    dependencies: BTreeMap<String, IgnoredAny>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, IgnoredAny>,
    #[serde(default)]
    peer_dependencies: BTreeMap<String, IgnoredAny>,
    #[serde(default)]
    dev_dependencies: BTreeMap<String, IgnoredAny>,
}

/// Parses a `package-lock.json` / `npm-shrinkwrap.json` of any supported version.
pub(crate) fn parse(input: &Input<'_>) -> Result<Vec<Package>, InventoryError> {
    let header: Header =
        serde_json::from_str(input.text).map_err(|e| InventoryError::json(input.display, &e))?;
    let version = match &header.lockfile_version {
        None => 1,
        Some(v) => match v.as_u64() {
            Some(n @ 1..=3) => n,
            _ => return Err(InventoryError::version(input.display, v, SUPPORTED)),
        },
    };
    if version == 1 {
        return npm_v1::parse(input);
    }
    let lock: PackageLock =
        serde_json::from_str(input.text).map_err(|e| InventoryError::json(input.display, &e))?;
    if !lock.packages.keys().any(|k| is_installed(k)) {
        // A v2 file written with only the v1 tree (hand-made or by an old
        // tool): npm reads whatever the file has, and so do we.
        return npm_v1::parse(input);
    }
    let mut lines: HashMap<Cow<'_, str>, u32> = HashMap::with_capacity(lock.packages.len());
    scan_json(input.text, |path, line| {
        if let [first, key] = path {
            if first.is("packages") {
                if let Seg::Key(k) = key {
                    lines.insert(k.clone(), line);
                }
            }
        }
    });
    Ok(packages_v2(&lock.packages, &lines, input))
}

/// Whether the folder `target` (relative to the project root) is one of
/// the root's `workspaces` (an array or `{"packages": […]}` of patterns
/// whose last segment may be `*`; `**` matches any depth).
fn is_workspace(workspaces: Option<&serde_json::Value>, target: &str) -> bool {
    let patterns: Vec<&str> = match workspaces {
        Some(serde_json::Value::Array(a)) => a.iter().filter_map(|p| p.as_str()).collect(),
        Some(serde_json::Value::Object(o)) => o
            .get("packages")
            .and_then(|p| p.as_array())
            .map(|a| a.iter().filter_map(|p| p.as_str()).collect())
            .unwrap_or_default(),
        _ => return false,
    };
    let target = target.trim_start_matches("./");
    patterns.iter().any(|p| {
        let p = p.trim_start_matches("./").trim_end_matches('/');
        if let Some(prefix) = p.strip_suffix("/**") {
            target.starts_with(&format!("{prefix}/"))
        } else if let Some(prefix) = p.strip_suffix("/*") {
            target
                .strip_prefix(&format!("{prefix}/"))
                .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
        } else {
            p == target
        }
    })
}

/// Whether an install path is inside some `node_modules` (an installed
/// package) rather than the project root or a workspace folder.
fn is_installed(key: &str) -> bool {
    key.starts_with("node_modules/") || key.contains("/node_modules/")
}

/// The name an install path is installed under (the alias, if any).
fn install_name(key: &str) -> &str {
    match key.rfind("node_modules/") {
        Some(i) => &key[i + "node_modules/".len()..],
        None => key,
    }
}

/// Node's module resolution: the install path `dep` resolves to when
/// required from the package installed at `from`.
fn resolve<'a>(
    packages: &'a HashMap<String, NpmPackage>,
    from: &str,
    dep: &str,
) -> Option<(&'a str, &'a NpmPackage)> {
    let mut candidate = String::with_capacity(from.len() + dep.len() + 14);
    let mut base = from;
    loop {
        candidate.clear();
        if !base.is_empty() {
            candidate.push_str(base);
            candidate.push('/');
        }
        candidate.push_str("node_modules/");
        candidate.push_str(dep);
        if let Some((key, p)) = packages.get_key_value(candidate.as_str()) {
            return Some((key.as_str(), p));
        }
        if base.is_empty() {
            return None;
        }
        base = match base.rfind("/node_modules/") {
            Some(i) => &base[..i],
            None => "",
        };
    }
}

fn packages_v2(
    packages: &HashMap<String, NpmPackage>,
    lines: &HashMap<Cow<'_, str>, u32>,
    input: &Input<'_>,
) -> Vec<Package> {
    let file = input.display;
    let workspaces = packages.get("").and_then(|r| r.workspaces.as_ref());
    // The project (root and workspaces) decides what is direct.
    let mut direct: HashSet<&str> = HashSet::new();
    for (key, p) in packages.iter().filter(|(k, _)| !is_installed(k)) {
        let declared = p
            .dependencies
            .keys()
            .chain(p.optional_dependencies.keys())
            .chain(p.peer_dependencies.keys())
            .chain(p.dev_dependencies.keys());
        for dep in declared {
            if let Some((target, _)) = resolve(packages, key, dep) {
                direct.insert(target);
            }
        }
    }

    let mut out = Collector::new(Ecosystem::Npm, file);
    for (key, p) in packages {
        if !is_installed(key) {
            continue;
        }
        let line = lines.get(key.as_str()).copied().unwrap_or(0);
        let target = p.resolved.as_deref().unwrap_or("");
        if p.link {
            // A link to a workspace folder is the project itself; any other
            // link is a `file:` directory dependency: local code that ships.
            if is_workspace(workspaces, target) {
                continue;
            }
            let real = packages.get(target);
            let name = real
                .and_then(|r| r.name.clone())
                .unwrap_or_else(|| install_name(key).to_string());
            input.local(&name, target, real.and_then(|r| r.version.clone()));
            let mut entry = Entry::new(name, None, line);
            entry.direct = direct.contains(key.as_str());
            entry.dev = p.dev;
            out.push(entry);
            continue;
        }
        let name = p
            .name
            .clone()
            .unwrap_or_else(|| install_name(key).to_string());
        if let Some(path) = target.strip_prefix("file:") {
            // A `file:` tarball: local code, listed without a version.
            input.local(&name, path, p.version.clone());
            let mut entry = Entry::new(name, None, line);
            entry.direct = direct.contains(key.as_str());
            entry.dev = p.dev;
            out.push(entry);
            continue;
        }
        // A git or remote-tarball dependency may have only `resolved`: it
        // is a package, with no version to compare.
        let version = match (&p.version, &p.resolved) {
            (Some(v), _) => Some(v.clone()),
            (None, Some(_)) => None,
            (None, None) => continue,
        };
        let mut entry = Entry::new(name, version, line);
        entry.direct = direct.contains(key.as_str());
        entry.dev = p.dev;
        entry.hashes = p.integrity.as_deref().map(hash::sri).unwrap_or_default();
        entry.license = p.license.as_ref().and_then(license);
        entry.dependencies = p
            .dependencies
            .keys()
            .chain(p.optional_dependencies.keys())
            .chain(p.peer_dependencies.keys())
            .filter_map(|dep| {
                let (target_key, target) = resolve(packages, key, dep)?;
                if target.link {
                    return None;
                }
                let local = target
                    .resolved
                    .as_deref()
                    .is_some_and(|r| r.starts_with("file:"));
                Some(PackageRef {
                    name: target
                        .name
                        .clone()
                        .unwrap_or_else(|| install_name(target_key).to_string()),
                    version: if local { None } else { target.version.clone() },
                })
            })
            .collect();
        out.push(entry);
    }
    out.finish()
}

/// A `license` field: an SPDX string, or the legacy `{"type": "MIT"}` object.
pub(crate) fn license(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        serde_json::Value::Object(o) => o.get("type").and_then(|t| t.as_str()).map(str::to_string),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse_str, LockfileKind};
    use super::*;
    use std::fmt::Write as _;

    #[test]
    fn resolves_nested_and_aliased_installs() {
        let text = r#"{
  "name": "app",
  "lockfileVersion": 3,
  "packages": {
    "": {"name": "app", "workspaces": ["packages/*"], "dependencies": {"a": "^1", "cjs": "npm:string-width@^4"}, "devDependencies": {"t": "1"}},
    "node_modules/a": {"version": "1.0.0", "dependencies": {"b": "^2"}},
    "node_modules/a/node_modules/b": {"version": "2.0.0"},
    "node_modules/b": {"version": "1.0.0", "dev": true},
    "node_modules/t": {"version": "1.0.0", "dev": true, "dependencies": {"b": "^1"}},
    "node_modules/cjs": {"name": "string-width", "version": "4.2.3"},
    "node_modules/ws": {"resolved": "packages/ws", "link": true},
    "packages/ws": {"name": "ws", "version": "0.0.1", "dependencies": {"a": "^1"}}
  }
}"#;
        let pkgs = parse_str(LockfileKind::PackageLock, "package-lock.json", text).unwrap();
        let got: Vec<(String, String, bool, bool, u32)> = pkgs
            .iter()
            .map(|p| {
                (
                    p.name.clone(),
                    p.version.clone().unwrap(),
                    p.direct,
                    p.dev,
                    p.location.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("a".into(), "1.0.0".into(), true, false, 6),
                ("b".into(), "2.0.0".into(), false, false, 7),
                ("b".into(), "1.0.0".into(), false, true, 8),
                ("t".into(), "1.0.0".into(), true, true, 9),
                ("string-width".into(), "4.2.3".into(), true, false, 10),
            ]
        );
        assert_eq!(
            pkgs[0].dependencies,
            vec![PackageRef {
                name: "b".into(),
                version: Some("2.0.0".into())
            }]
        );
    }

    #[test]
    fn local_git_and_v1_fallback() {
        let text = r#"{
  "name": "app",
  "lockfileVersion": 3,
  "packages": {
    "": {"name": "app", "dependencies": {"mylib": "file:libs/mylib", "tb": "file:vendor/tb-1.0.0.tgz", "g": "github:o/g"}},
    "libs/mylib": {"name": "mylib", "version": "0.2.0", "dependencies": {"ms": "^2"}},
    "node_modules/mylib": {"resolved": "libs/mylib", "link": true},
    "node_modules/tb": {"version": "1.0.0", "resolved": "file:vendor/tb-1.0.0.tgz"},
    "node_modules/g": {"resolved": "git+ssh://git@github.com/o/g.git#0123456789abcdef0123456789abcdef01234567"},
    "node_modules/ms": {"version": "2.1.3"}
  }
}"#;
        let (pkgs, _, local) = super::super::parse_str_with_notes(
            LockfileKind::PackageLock,
            "package-lock.json",
            text,
        )
        .unwrap();
        let got: Vec<(&str, Option<&str>, bool, &str)> = pkgs
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.version.as_deref(),
                    p.direct,
                    p.purl.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("mylib", None, true, "pkg:npm/mylib"),
                ("tb", None, true, "pkg:npm/tb"),
                ("g", None, true, "pkg:npm/g"),
                ("ms", Some("2.1.3"), true, "pkg:npm/ms@2.1.3"),
            ]
        );
        let paths: Vec<(&str, &str, Option<&str>)> = local
            .iter()
            .map(|l| {
                (
                    l.name.as_str(),
                    l.path.as_str(),
                    l.declared_version.as_deref(),
                )
            })
            .collect();
        assert!(
            paths.contains(&("mylib", "libs/mylib", Some("0.2.0"))),
            "{paths:?}"
        );
        assert!(
            paths.contains(&("tb", "vendor/tb-1.0.0.tgz", Some("1.0.0"))),
            "{paths:?}"
        );

        let v1_in_v2 = "{\n  \"lockfileVersion\": 2,\n  \"dependencies\": {\n    \"qs\": {\"version\": \"6.5.1\"}\n  }\n}\n";
        let pkgs = parse_str(LockfileKind::PackageLock, "package-lock.json", v1_in_v2).unwrap();
        assert_eq!(pkgs.len(), 1);
        assert_eq!(pkgs[0].purl, "pkg:npm/qs@6.5.1");
        assert_eq!(pkgs[0].location.line, 4);
    }

    #[test]
    fn unknown_version_and_truncation() {
        let err = parse_str(
            LockfileKind::PackageLock,
            "package-lock.json",
            r#"{"lockfileVersion": 4}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "package-lock.json: unsupported lockfile version 4 (supported: 1, 2, 3)"
        );
        let err = parse_str(
            LockfileKind::PackageLock,
            "package-lock.json",
            "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n",
        )
        .unwrap_err();
        assert!(
            matches!(err, InventoryError::Parse { line: Some(4), .. }),
            "{err}"
        );
    }

    #[test]
    fn parses_a_hundred_thousand_packages() {
        let mut text = String::from("{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {\"dependencies\": {\"p0\": \"1\"}}");
        for i in 0..100_000 {
            let _ = write!(
                text,
                ",\n    \"node_modules/p{i}\": {{\n      \"version\": \"1.0.{i}\",\n      \"integrity\": \"sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=\",\n      \"dependencies\": {{\"p{}\": \"1\"}}\n    }}",
                (i + 1) % 100_000
            );
        }
        text.push_str("\n  }\n}\n");
        let pkgs = parse_str(LockfileKind::PackageLock, "package-lock.json", &text).unwrap();
        assert_eq!(pkgs.len(), 100_000);
        assert_eq!(pkgs.iter().filter(|p| p.direct).count(), 1);
        assert_eq!(pkgs[0].name, "p0");
        assert_eq!(pkgs[0].location.line, 5);
        assert_eq!(pkgs[99_999].location.line, 5 + 99_999 * 5);
        assert_eq!(pkgs[7].dependencies[0].name, "p8");
    }
}
