//! `pnpm-lock.yaml`, lockfile versions 5, 6 and 9.
//!
//! Package keys changed shape across versions: `/name/1.2.3_peer@1` (v5),
//! `/name@1.2.3(peer@1)` (v6), `name@1.2.3(peer@1)` (v9, which also moved
//! each package's dependencies from `packages` to `snapshots`). Peer
//! suffixes only distinguish installs of one version, so they are stripped.
//! Importers (the project and its workspace folders; top-level sections in
//! a single-project v5/v6 lockfile) say what is direct and what is a dev
//! dependency; v5/v6 also flag each package `dev`, v9 leaves it to
//! reachability.

use super::collect::{Collector, Entry};
use super::lines::yaml_keys;
use super::yarn_berry::scalar;
use super::{graph, hash, Ecosystem, Input, InventoryError, Package, PackageRef};
use serde::Deserialize;
use serde_yaml_ng::Value;
use std::collections::{BTreeMap, HashMap};

const SUPPORTED: &str = "5, 6, 9";

type Deps = BTreeMap<String, Value>;

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Importer {
    #[serde(default)]
    dependencies: Deps,
    #[serde(default)]
    optional_dependencies: Deps,
    #[serde(default)]
    dev_dependencies: Deps,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PnpmLock {
    lockfile_version: Value,
    #[serde(default)]
    importers: BTreeMap<String, Importer>,
    // A single-project v5/v6 lockfile keeps the importer's sections at the
    // top level (spelled out rather than `#[serde(flatten)]`, which would
    // buffer the whole document).
    #[serde(default)]
    dependencies: Deps,
    #[serde(default)]
    optional_dependencies: Deps,
    #[serde(default)]
    dev_dependencies: Deps,
    #[serde(default)]
    packages: BTreeMap<String, PnpmPackage>,
    #[serde(default)]
    snapshots: BTreeMap<String, Snapshot>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct PnpmPackage {
    resolution: Option<Resolution>,
    name: Option<String>,
    version: Option<Value>,
    dev: Option<bool>,
    license: Option<String>,
    #[serde(default)]
    dependencies: Deps,
    #[serde(default)]
    optional_dependencies: Deps,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Snapshot {
    #[serde(default)]
    dependencies: Deps,
    #[serde(default)]
    optional_dependencies: Deps,
}

#[derive(Deserialize, Default)]
struct Resolution {
    integrity: Option<String>,
}

/// Removes peer-dependency suffixes: `(peer@1)` (v6+) or `_peer@1` (v5).
fn strip_peers(s: &str, major: u32) -> &str {
    let cut = if major >= 6 { s.find('(') } else { s.find('_') };
    cut.map_or(s, |i| &s[..i])
}

/// The package name at the end of a key's path, dropping a registry-host
/// prefix (`registry.npmjs.org/foo`, `example.com/@scope/foo`).
fn last_name(path: &str) -> Option<String> {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let (last, before) = segs.split_last()?;
    match before.last() {
        Some(scope) if scope.starts_with('@') => Some(format!("{scope}/{last}")),
        _ if last.starts_with('@') => None,
        _ => Some((*last).to_string()),
    }
}

/// (name, version part) of a package key. The version part is what the
/// key says: a registry version, or for git/tarball packages a URL (the
/// caller takes the version from the entry's `version:` field then).
/// Keys may carry a registry host (`registry.npmjs.org/foo/1.1.0`,
/// `example.com/foo@1.2.0`), which is not part of the name.
fn parse_key(key: &str, major: u32) -> Option<(String, String)> {
    let key = strip_peers(key, major);
    let key = key.strip_prefix('/').unwrap_or(key);
    // `[host/]name@version`: the separating `@` is the first one that does
    // not open a scope (at the start or after a `/`).
    let at = (major >= 6)
        .then(|| {
            key.char_indices()
                .find(|&(i, c)| c == '@' && i > 0 && !key[..i].ends_with('/'))
                .map(|(i, _)| i)
        })
        .flatten();
    let (path, version) = match at {
        Some(i) => (&key[..i], &key[i + 1..]),
        // v5, and hosts written in the v5 way: `[host/]name/version`.
        None => key.rsplit_once('/')?,
    };
    if version.is_empty() {
        return None;
    }
    Some((last_name(path)?, version.to_string()))
}

/// Whether a key's version part is a registry version (not a URL or path).
fn is_registry_version(v: &str) -> bool {
    !v.contains(':') && !v.contains('/')
}

/// The package a dependency entry (`name: version`) points at.
fn dep_target(name: &str, value: &Value, major: u32) -> Option<(String, String)> {
    let version = match value {
        Value::Mapping(m) => m.get("version").and_then(scalar)?,
        other => scalar(other)?,
    };
    if version.starts_with("link:") || version.starts_with("workspace:") {
        return None;
    }
    if version.starts_with("file:") {
        return Some((name.to_string(), version));
    }
    let key = match major {
        5 if version.starts_with('/') => version,
        // A key with a host: `registry.npmjs.org/foo/1.1.0`, `github.com/o/r/sha`.
        5 if version.contains('/') => version,
        5 => format!("/{name}/{version}"),
        _ if version.starts_with('/') => version,
        // A host-form key (`github.com/owner/repo/sha`, a git package).
        _ if version.contains('/') && !version.contains('@') && !version.contains(':') => version,
        // An alias: `string-width-cjs: string-width@4.2.3`.
        _ if strip_peers(&version, major)
            .get(1..)
            .is_some_and(|v| v.contains('@')) =>
        {
            version
        }
        _ => format!("{name}@{version}"),
    };
    parse_key(&key, major)
}

/// A package entry: its key, its fields, the id importers and snapshots
/// refer to it by, and the version it is listed at.
type Listed<'a> = (
    &'a String,
    &'a PnpmPackage,
    (String, String),
    Option<String>,
);

/// Parses a `pnpm-lock.yaml`.
pub(crate) fn parse(input: &Input<'_>) -> Result<Vec<Package>, InventoryError> {
    let mut lock: PnpmLock =
        serde_yaml_ng::from_str(input.text).map_err(|e| InventoryError::yaml(input.display, &e))?;
    let found = scalar(&lock.lockfile_version).unwrap_or_default();
    let major = found
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok())
        .filter(|m| matches!(m, 5 | 6 | 9))
        .ok_or_else(|| InventoryError::version(input.display, &found, SUPPORTED))?;
    let lines = yaml_keys(input.text, 2, Some("packages"));

    if lock.importers.is_empty() {
        let root = Importer {
            dependencies: std::mem::take(&mut lock.dependencies),
            optional_dependencies: std::mem::take(&mut lock.optional_dependencies),
            dev_dependencies: std::mem::take(&mut lock.dev_dependencies),
        };
        lock.importers.insert(".".to_string(), root);
    }
    // (name, version) -> declared only as a dev dependency?
    let mut direct: HashMap<(String, String), bool> = HashMap::new();
    for importer in lock.importers.values() {
        for (deps, dev) in [
            (&importer.dependencies, false),
            (&importer.optional_dependencies, false),
            (&importer.dev_dependencies, true),
        ] {
            for (name, value) in deps {
                if let Some(target) = dep_target(name, value, major) {
                    let only_dev = direct.entry(target).or_insert(dev);
                    *only_dev &= dev;
                }
            }
        }
    }

    // v9 keeps dependencies in snapshots (one per peer combination).
    let mut snapshot_deps: HashMap<(String, String), Vec<(String, String)>> = HashMap::new();
    for (key, snap) in &lock.snapshots {
        let Some(id) = parse_key(key, major) else {
            continue;
        };
        let refs = snap
            .dependencies
            .iter()
            .chain(&snap.optional_dependencies)
            .filter_map(|(n, v)| dep_target(n, v, major));
        snapshot_deps.entry(id).or_default().extend(refs);
    }

    // The id each package key is referred to by, and what it is listed as.
    let mut listed: Vec<Listed<'_>> = Vec::new();
    for (key, p) in &lock.packages {
        let field_version = p.version.as_ref().and_then(scalar);
        let bare = key.strip_prefix('/').unwrap_or(key);
        if let Some(path) = bare.strip_prefix("file:") {
            // v5/v6 local package: `file:projects/bar` with name and version fields.
            let name = p.name.clone().or_else(|| last_name(path));
            let Some(name) = name else { continue };
            input.local(&name, path, field_version);
            listed.push((key, p, (name, bare.to_string()), None));
            continue;
        }
        let Some(id) = parse_key(key, major) else {
            // An exotic key with its identity in fields.
            if let (Some(name), Some(version)) = (&p.name, field_version) {
                listed.push((key, p, (name.clone(), key.clone()), Some(version)));
            }
            continue;
        };
        if let Some(path) = id.1.strip_prefix("file:") {
            input.local(&id.0, path, field_version);
            listed.push((key, p, id, None));
            continue;
        }
        let version = match (&p.name, field_version) {
            (Some(_), Some(v)) => Some(v),
            (None, Some(v)) if !is_registry_version(&id.1) => Some(v),
            _ if is_registry_version(&id.1) => Some(id.1.clone()),
            _ => None,
        };
        listed.push((key, p, id, version));
    }
    if major >= 9 {
        // Importers only name packages the lockfile defines: one that does
        // not is a cut-off or hand-broken file.
        let ids: std::collections::HashSet<&(String, String)> =
            listed.iter().map(|l| &l.2).collect();
        if let Some((name, version)) = direct
            .keys()
            .filter(|id| !id.1.starts_with("file:"))
            .find(|id| !ids.contains(id))
        {
            return Err(InventoryError::parse(
                input.display,
                None,
                format!("importers depend on {name}@{version}, which `packages` does not define (truncated lockfile?)"),
            ));
        }
    }
    let listed_version: HashMap<(String, String), Option<String>> =
        listed.iter().map(|l| (l.2.clone(), l.3.clone())).collect();
    let as_ref = |(name, raw): (String, String)| -> PackageRef {
        let version = match listed_version.get(&(name.clone(), raw.clone())) {
            Some(v) => v.clone(),
            None if is_registry_version(&raw) => Some(raw),
            None => None,
        };
        PackageRef { name, version }
    };

    let mut out = Collector::new(Ecosystem::Npm, input.display);
    for (key, p, id, version) in listed {
        let name = p.name.clone().unwrap_or_else(|| id.0.clone());
        let mut entry = Entry::new(name, version, lines.get(key).copied().unwrap_or(0));
        let declared = direct.get(&id);
        entry.direct = declared.is_some();
        entry.dev = match p.dev {
            Some(dev) => dev,
            None => declared.copied().unwrap_or(false),
        };
        entry.license = p.license.as_deref().map(Into::into);
        entry.hashes = p
            .resolution
            .as_ref()
            .and_then(|r| r.integrity.as_deref())
            .map(hash::sri)
            .unwrap_or_default();
        entry.dependencies = p
            .dependencies
            .iter()
            .chain(&p.optional_dependencies)
            .filter_map(|(n, v)| dep_target(n, v, major))
            .map(as_ref)
            .collect();
        if let Some(refs) = snapshot_deps.get(&id) {
            entry.dependencies.extend(refs.iter().cloned().map(as_ref));
        }
        out.push(entry);
    }
    let mut packages = out.finish();
    if major >= 9 {
        graph::propagate_dev(&mut packages);
    }
    Ok(packages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_keys_of_every_version() {
        assert_eq!(
            parse_key("/lodash/4.17.20", 5),
            Some(("lodash".into(), "4.17.20".into()))
        );
        assert_eq!(
            parse_key("/@babel/core/7.12.3_supports-color@5.5.0", 5),
            Some(("@babel/core".into(), "7.12.3".into()))
        );
        assert_eq!(
            parse_key("/@babel/core@7.12.3(supports-color@5.5.0)", 6),
            Some(("@babel/core".into(), "7.12.3".into()))
        );
        assert_eq!(
            parse_key("lodash@4.17.20", 9),
            Some(("lodash".into(), "4.17.20".into()))
        );
        assert_eq!(
            parse_key("pkg@https://codeload.github.com/a/b/tar.gz/abc", 9),
            Some((
                "pkg".into(),
                "https://codeload.github.com/a/b/tar.gz/abc".into()
            ))
        );
        assert_eq!(
            parse_key("registry.npmjs.org/foo/1.1.0", 5),
            Some(("foo".into(), "1.1.0".into()))
        );
        assert_eq!(
            parse_key("/example.com/@s/foo/1.2.0", 5),
            Some(("@s/foo".into(), "1.2.0".into()))
        );
        assert_eq!(
            parse_key("registry.npmjs.org/@s/foo@1.1.0", 9),
            Some(("@s/foo".into(), "1.1.0".into()))
        );
        assert_eq!(parse_key("", 9), None);
        assert_eq!(parse_key("/", 5), None);
    }

    #[test]
    fn resolves_dependency_values() {
        let v = |s: &str| Value::String(s.into());
        assert_eq!(
            dep_target("a", &v("1.0.0_b@2"), 5),
            Some(("a".into(), "1.0.0".into()))
        );
        assert_eq!(
            dep_target("cjs", &v("string-width@4.2.3"), 9),
            Some(("string-width".into(), "4.2.3".into()))
        );
        assert_eq!(dep_target("a", &v("link:../a"), 9), None);
        let mut m = serde_yaml_ng::Mapping::new();
        m.insert(v("specifier"), v("^1"));
        m.insert(v("version"), v("1.2.0(x@1)"));
        assert_eq!(
            dep_target("a", &Value::Mapping(m), 6),
            Some(("a".into(), "1.2.0".into()))
        );
    }
}
