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
use super::shared::{FastMap, Interner};
use super::{hash, npm_v1, Ecosystem, Input, InventoryError, Package, PackageRef};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

const SUPPORTED: &str = "1, 2, 3";

#[derive(Deserialize)]
struct Header {
    #[serde(rename = "lockfileVersion")]
    lockfile_version: Option<serde_json::Value>,
}

/// A string borrowed from the lockfile text when it has no escapes (nearly
/// always), owned otherwise: a 1M-package lockfile is read without copying
/// its strings.
#[derive(Deserialize, Debug, Clone, PartialEq, Eq, Hash)]
#[serde(transparent)]
struct Text<'a>(#[serde(borrow)] Cow<'a, str>);

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// The whole lockfile in one pass: the version and, for v2/v3, the
/// `packages` entries in document order (no intermediate `Value`).
#[derive(Deserialize)]
struct PackageLock<'a> {
    #[serde(rename = "lockfileVersion")]
    lockfile_version: Option<serde_json::Value>,
    #[serde(default, borrow, deserialize_with = "entries")]
    packages: Entries<'a>,
}

/// Which list of a `packages` entry a dependency name comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DepKind {
    /// `dependencies`, `optionalDependencies`, `peerDependencies`.
    Runtime,
    /// `devDependencies` (only the project's own entries have them).
    Dev,
}

/// What resolving a dependency needs of an entry, kept for every entry
/// until the packages are built.
struct Core<'a> {
    name: Option<Text<'a>>,
    version: Option<Text<'a>>,
    link: bool,
    /// `resolved` is a `file:` path.
    local: bool,
}

/// The rest of a `packages` entry, read once when its package is built.
#[derive(Default)]
struct NpmPackage<'a> {
    name: Option<Text<'a>>,
    version: Option<Text<'a>>,
    integrity: Option<Text<'a>>,
    resolved: Option<Text<'a>>,
    link: bool,
    dev: bool,
    /// Only on the root entry: the workspace folder patterns.
    workspaces: Option<Box<serde_json::Value>>,
    /// An SPDX string, or the legacy `{"type": "MIT"}` object's type.
    license: Option<Text<'a>>,
    /// Declared dependency names, in file order: `start..end` of the
    /// chunk's `deps`.
    deps: (u32, u32),
}

/// Entries per chunk: the parts of an entry only its own package needs are
/// stored in chunks that are freed as soon as their packages are built, so
/// a large lockfile's raw entries and its packages are not all held at once.
const CHUNK: usize = 1 << 14;

/// A run of [`CHUNK`] entries: their own parts and their dependency names.
#[derive(Default)]
struct Chunk<'a> {
    packages: Vec<NpmPackage<'a>>,
    deps: Vec<(DepKind, Text<'a>)>,
}

impl<'a> Chunk<'a> {
    fn deps(&self, p: &NpmPackage<'a>) -> &[(DepKind, Text<'a>)] {
        self.deps
            .get(p.deps.0 as usize..p.deps.1 as usize)
            .unwrap_or(&[])
    }
}

/// The `packages` entries: keys and [`Core`]s in document order, the rest in chunks.
#[derive(Default)]
struct Entries<'a> {
    keys: Vec<Text<'a>>,
    cores: Vec<Core<'a>>,
    chunks: Vec<Chunk<'a>>,
}

/// Entry `i`'s chunk and own parts.
fn entry_of<'c, 'a>(
    chunks: &'c [Chunk<'a>],
    i: usize,
) -> Option<(&'c Chunk<'a>, &'c NpmPackage<'a>)> {
    let chunk = chunks.get(i / CHUNK)?;
    Some((chunk, chunk.packages.get(i % CHUNK)?))
}

fn entries<'de, D>(d: D) -> Result<Entries<'de>, D::Error>
where
    D: Deserializer<'de>,
{
    struct Visit;
    impl<'de> Visitor<'de> for Visit {
        type Value = Entries<'de>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object of install paths")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Entries::default();
            while let Some(key) = map.next_key::<Text<'de>>()? {
                if out.chunks.last().is_none_or(|c| c.packages.len() >= CHUNK) {
                    if let Some(full) = out.chunks.last_mut() {
                        full.deps.shrink_to_fit();
                    }
                    out.chunks.push(Chunk {
                        packages: Vec::with_capacity(CHUNK),
                        deps: Vec::new(),
                    });
                }
                let Some(chunk) = out.chunks.last_mut() else {
                    break;
                };
                let mut p = map.next_value_seed(EntrySeed(&mut chunk.deps))?;
                out.cores.push(Core {
                    name: p.name.take(),
                    version: p.version.take(),
                    link: p.link,
                    local: p
                        .resolved
                        .as_deref()
                        .is_some_and(|r| r.starts_with("file:")),
                });
                chunk.packages.push(p);
                out.keys.push(key);
            }
            if let Some(last) = out.chunks.last_mut() {
                last.packages.shrink_to_fit();
                last.deps.shrink_to_fit();
            }
            out.keys.shrink_to_fit();
            out.cores.shrink_to_fit();
            Ok(out)
        }
    }
    d.deserialize_map(Visit)
}

/// The legacy object form of `license`: `{"type": "MIT", "url": …}`.
#[derive(Deserialize)]
struct LicenseObject<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<Text<'a>>,
}

/// `license`: a string, the legacy object, or anything else (ignored).
#[derive(Deserialize)]
#[serde(untagged)]
enum LicenseField<'a> {
    Text(#[serde(borrow)] Text<'a>),
    Object(#[serde(borrow)] LicenseObject<'a>),
    Other(IgnoredAny),
}

/// The names of a dependency object (`{"a": "^1", …}`); values are ignored.
struct DepNames<'a, 'b>(&'b mut Vec<(DepKind, Text<'a>)>, DepKind);

impl<'de> de::DeserializeSeed<'de> for DepNames<'de, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DepNames<'de, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of dependency names")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(name) = map.next_key::<Text<'de>>()? {
            map.next_value::<IgnoredAny>()?;
            self.0.push((self.1, name));
        }
        Ok(())
    }
}

/// One `packages` entry, its dependency names appended to the chunk's list.
struct EntrySeed<'a, 'b>(&'b mut Vec<(DepKind, Text<'a>)>);

impl<'de> de::DeserializeSeed<'de> for EntrySeed<'de, '_> {
    type Value = NpmPackage<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for EntrySeed<'de, '_> {
    type Value = NpmPackage<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a package entry object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let deps = self.0;
        let start = deps.len();
        let mut p = NpmPackage::default();
        while let Some(key) = map.next_key::<Text<'de>>()? {
            match &*key {
                "name" => p.name = map.next_value()?,
                "version" => p.version = map.next_value()?,
                "integrity" => p.integrity = map.next_value()?,
                "resolved" => p.resolved = map.next_value()?,
                "link" => p.link = map.next_value::<Option<bool>>()?.unwrap_or(false),
                "dev" => p.dev = map.next_value::<Option<bool>>()?.unwrap_or(false),
                "workspaces" => {
                    p.workspaces = map.next_value::<Option<Box<serde_json::Value>>>()?
                }
                "license" => {
                    p.license = match map.next_value::<Option<LicenseField<'de>>>()? {
                        Some(LicenseField::Text(t)) if !t.trim().is_empty() => Some(t),
                        Some(LicenseField::Object(o)) => o.kind,
                        _ => None,
                    }
                }
                "dependencies" | "optionalDependencies" | "peerDependencies" => {
                    map.next_value_seed(DepNames(deps, DepKind::Runtime))?
                }
                "devDependencies" => map.next_value_seed(DepNames(deps, DepKind::Dev))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let span =
            |n: usize| u32::try_from(n).map_err(|_| de::Error::custom("too many dependencies"));
        p.deps = (span(start)?, span(deps.len())?);
        Ok(p)
    }
}

/// Parses a `package-lock.json` / `npm-shrinkwrap.json` of any supported version.
pub(crate) fn parse(input: &Input<'_>) -> Result<Vec<Package>, InventoryError> {
    let lock: PackageLock<'_> = match serde_json::from_str(input.text) {
        Ok(lock) => lock,
        Err(e) => {
            // An unsupported version is the better message when the rest
            // of the file is in a shape this parser does not know.
            if let Ok(header) = serde_json::from_str::<Header>(input.text) {
                check_version(input, header.lockfile_version.as_ref())?;
            }
            return Err(InventoryError::json(input.display, &e));
        }
    };
    if check_version(input, lock.lockfile_version.as_ref())? == 1 {
        return npm_v1::parse(input);
    }
    if !lock.packages.keys.iter().any(|k| is_installed(k)) {
        // A v2 file written with only the v1 tree (hand-made or by an old
        // tool): npm reads whatever the file has, and so do we.
        return npm_v1::parse(input);
    }
    let Entries {
        keys,
        cores,
        chunks,
    } = lock.packages;
    // The entry lines, in document order: the same order as `packages`.
    let mut lines: Vec<u32> = Vec::with_capacity(keys.len());
    let mut in_order = true;
    scan_json(input.text, |path, line| {
        if let [first, Seg::Key(k)] = path {
            if first.is("packages") {
                in_order &= keys.get(lines.len()).is_some_and(|key| **key == **k);
                lines.push(line);
            }
        }
    });
    if !in_order || lines.len() != keys.len() {
        // Never expected for text serde_json accepted; no lines rather than wrong ones.
        lines = vec![0; keys.len()];
    }
    // A key given twice: the last occurrence wins, as in a JSON object.
    let mut index: FastMap<&str, usize> =
        FastMap::with_capacity_and_hasher(keys.len(), Default::default());
    for (i, key) in keys.iter().enumerate() {
        index.insert(&**key, i);
    }
    let keep: Vec<bool> = keys
        .iter()
        .enumerate()
        .map(|(i, key)| index.get(&**key) == Some(&i))
        .collect();
    Ok(packages_v2(
        &keys, &cores, chunks, &index, &keep, &lines, input,
    ))
}

/// The lockfile version (1 when absent), or the unsupported-version error.
fn check_version(input: &Input<'_>, v: Option<&serde_json::Value>) -> Result<u64, InventoryError> {
    match v {
        None => Ok(1),
        Some(v) => match v.as_u64() {
            Some(n @ 1..=3) => Ok(n),
            _ => Err(InventoryError::version(input.display, v, SUPPORTED)),
        },
    }
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

/// Node's module resolution: the index (into `packages`) of the install
/// path `dep` resolves to when required from the package installed at `from`.
fn resolve(index: &FastMap<&str, usize>, from: &str, dep: &str) -> Option<usize> {
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
        if let Some(&i) = index.get(candidate.as_str()) {
            return Some(i);
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
    keys: &[Text<'_>],
    cores: &[Core<'_>],
    mut chunks: Vec<Chunk<'_>>,
    index: &FastMap<&str, usize>,
    keep: &[bool],
    lines: &[u32],
    input: &Input<'_>,
) -> Vec<Package> {
    let file = input.display;
    let live = |i: usize| keep.get(i).copied().unwrap_or(false);
    // Taken out of its chunk, which is freed before the links are built.
    let workspaces = match index.get("") {
        Some(&i) => chunks
            .get_mut(i / CHUNK)
            .and_then(|c| c.packages.get_mut(i % CHUNK))
            .and_then(|p| p.workspaces.take()),
        None => None,
    };
    // The project (root and workspaces) decides what is direct.
    let mut direct = vec![false; keys.len()];
    for (i, key) in keys.iter().enumerate() {
        if !live(i) || is_installed(key) {
            continue;
        }
        let Some((chunk, p)) = entry_of(&chunks, i) else {
            continue;
        };
        for (_, dep) in chunk.deps(p) {
            if let Some(target) = resolve(index, key, dep) {
                direct[target] = true;
            }
        }
    }
    let mut licences = Interner::default();

    let mut out = Collector::with_capacity(Ecosystem::Npm, file, keys.len());
    // Chunk by chunk, each freed once its packages are built.
    for (c, chunk) in chunks.into_iter().enumerate() {
        for (k, p) in chunk.packages.iter().enumerate() {
            let i = c * CHUNK + k;
            let (Some(key), Some(core)) = (keys.get(i), cores.get(i)) else {
                continue;
            };
            let key: &str = key;
            if !live(i) || !is_installed(key) {
                continue;
            }
            let line = lines.get(i).copied().unwrap_or(0);
            let target = p.resolved.as_deref().unwrap_or("");
            if core.link {
                // A link to a workspace folder is the project itself; any other
                // link is a `file:` directory dependency: local code that ships.
                if is_workspace(workspaces.as_deref(), target) {
                    continue;
                }
                let real = index.get(target).and_then(|&j| cores.get(j));
                let name = real
                    .and_then(|r| owned(&r.name))
                    .unwrap_or_else(|| install_name(key).to_string());
                input.local(&name, target, real.and_then(|r| owned(&r.version)));
                let mut entry = Entry::new(name, None, line);
                entry.direct = direct[i];
                entry.dev = p.dev;
                out.push(entry);
                continue;
            }
            let name = owned(&core.name).unwrap_or_else(|| install_name(key).to_string());
            if let Some(path) = target.strip_prefix("file:") {
                // A `file:` tarball: local code, listed without a version.
                input.local(&name, path, owned(&core.version));
                let mut entry = Entry::new(name, None, line);
                entry.direct = direct[i];
                entry.dev = p.dev;
                out.push(entry);
                continue;
            }
            // A git or remote-tarball dependency may have only `resolved`: it
            // is a package, with no version to compare.
            let version = match (&core.version, &p.resolved) {
                (Some(v), _) => Some(v.to_string()),
                (None, Some(_)) => None,
                (None, None) => continue,
            };
            let mut entry = Entry::new(name, version, line);
            entry.direct = direct[i];
            entry.dev = p.dev;
            entry.hashes = p.integrity.as_deref().map(hash::sri).unwrap_or_default();
            entry.license = p.license.as_deref().map(|l| licences.get(l));
            entry.dependencies = chunk
                .deps(p)
                .iter()
                .filter(|(kind, _)| *kind == DepKind::Runtime)
                .filter_map(|(_, dep)| {
                    let j = resolve(index, key, dep)?;
                    let (target_key, target) = (keys.get(j)?, cores.get(j)?);
                    if target.link {
                        return None;
                    }
                    Some(PackageRef {
                        name: owned(&target.name)
                            .unwrap_or_else(|| install_name(target_key).to_string()),
                        version: if target.local {
                            None
                        } else {
                            owned(&target.version)
                        },
                    })
                })
                .collect();
            out.push(entry);
        }
    }
    out.finish()
}

/// The owned copy of an optional string field.
fn owned(t: &Option<Text<'_>>) -> Option<String> {
    t.as_deref().map(str::to_string)
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
        let got: Vec<(&str, Option<&str>, bool, String)> = pkgs
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.version.as_deref(),
                    p.direct,
                    p.purl().into_owned(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("mylib", None, true, "pkg:npm/mylib".into()),
                ("tb", None, true, "pkg:npm/tb".into()),
                ("g", None, true, "pkg:npm/g".into()),
                ("ms", Some("2.1.3"), true, "pkg:npm/ms@2.1.3".into()),
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
        assert_eq!(pkgs[0].purl(), "pkg:npm/qs@6.5.1");
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
