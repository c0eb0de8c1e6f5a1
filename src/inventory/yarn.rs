//! `yarn.lock`: classic (v1) here, berry (v2+) in [`super::yarn_berry`].
//!
//! The classic format is yarn's own, neither YAML nor JSON: an entry starts
//! at column 0 with its comma-separated descriptors (`"a@^1", a@^2:`), and
//! its fields follow indented by two spaces (`version "1.2.3"`, `resolved`,
//! `integrity`), with `dependencies:` blocks indented by four. It does not
//! record the project's own requirements: direct and dev come from the
//! `package.json` beside it when there is one, otherwise the graph's roots
//! are direct.

use super::collect::{Collector, Entry};
use super::lines::line_number;
use super::manifest::settle_direct;
use super::{hash, yarn_berry, Ecosystem, Input, InventoryError, Package, PackageRef};
use std::collections::HashMap;

/// Parses a `yarn.lock` of either generation.
pub(crate) fn parse(input: &Input<'_>) -> Result<Vec<Package>, InventoryError> {
    let is_berry = input
        .text
        .lines()
        .any(|l| l.starts_with("__metadata:") || l.starts_with("\"__metadata\":"));
    if is_berry {
        yarn_berry::parse(input)
    } else {
        parse_classic(input)
    }
}

#[derive(Default)]
struct Raw {
    descriptors: Vec<String>,
    line: u32,
    version: Option<String>,
    resolved: Option<String>,
    integrity: Option<String>,
    /// (name, range) of `dependencies` and `optionalDependencies`.
    dependencies: Vec<(String, String)>,
}

/// Splits a descriptor `name@range` (the name may be scoped).
pub(crate) fn split_descriptor(desc: &str) -> Option<(&str, &str)> {
    let at = desc.get(1..)?.find('@')? + 1;
    Some((&desc[..at], &desc[at + 1..]))
}

/// Splits a classic descriptor: `name@range`, or a bare `name` (yarn
/// writes `balanced-match:` for a dependency declared without a range,
/// which it resolves as `*`).
fn split_classic(desc: &str) -> Option<(&str, &str)> {
    match split_descriptor(desc) {
        Some(split) => Some(split),
        None if !desc.is_empty() && !desc.starts_with('@') => Some((desc, "")),
        None => None,
    }
}

/// Unquotes a classic-format token.
fn unquote(s: &str) -> String {
    let s = s.trim();
    match s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) => inner.replace("\\\"", "\"").replace("\\\\", "\\"),
        None => s.to_string(),
    }
}

/// Splits a field line into its key and value (`version "1.2.3"`, `"@a/b" "^1"`).
fn key_value(body: &str) -> (String, String) {
    let body = body.trim_end();
    let split = if body.starts_with('"') {
        body.get(1..)
            .and_then(|r| r.find('"'))
            .map(|i| i + 2)
            .unwrap_or(body.len())
    } else {
        body.find([' ', ':']).unwrap_or(body.len())
    };
    let key = unquote(&body[..split]);
    let value = body[split..].trim_start_matches(':').trim();
    (key, unquote(value))
}

fn parse_classic(input: &Input<'_>) -> Result<Vec<Package>, InventoryError> {
    let mut raws: Vec<Raw> = Vec::new();
    let mut in_deps = false;
    for (i, line) in input.text.lines().enumerate() {
        let line_no = line_number(i);
        let body = line.trim_start_matches(' ');
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let indent = line.len() - body.len();
        let err = |m: &str| InventoryError::parse(input.display, Some(line_no), m);
        if body.bytes().filter(|&b| b == b'"').count() % 2 == 1 && !body.contains("\\\"") {
            return Err(err("unterminated string (truncated lockfile?)"));
        }
        match indent {
            0 => {
                let header = body
                    .trim_end()
                    .strip_suffix(':')
                    .ok_or_else(|| err("expected an entry header ending in `:`"))?;
                let descriptors = header
                    .split(", ")
                    .map(unquote)
                    .filter(|d| !d.is_empty())
                    .collect();
                raws.push(Raw {
                    descriptors,
                    line: line_no,
                    ..Raw::default()
                });
                in_deps = false;
            }
            2 => {
                let raw = raws
                    .last_mut()
                    .ok_or_else(|| err("field outside of an entry"))?;
                let (key, value) = key_value(body);
                in_deps = false;
                match key.as_str() {
                    "version" => raw.version = Some(value),
                    "resolved" => raw.resolved = Some(value),
                    "integrity" => raw.integrity = Some(value),
                    "dependencies" | "optionalDependencies" => in_deps = value.is_empty(),
                    _ => {}
                }
            }
            4 => {
                let raw = raws
                    .last_mut()
                    .ok_or_else(|| err("dependency outside of an entry"))?;
                if in_deps {
                    let (name, range) = key_value(body);
                    raw.dependencies.push((name, range));
                }
            }
            _ => return Err(err("unexpected indentation")),
        }
    }

    // Every entry yarn writes has a version: one without is a cut-off file.
    if let Some(raw) = raws.iter().find(|r| r.version.is_none()) {
        return Err(InventoryError::parse(
            input.display,
            Some(raw.line),
            "entry has no version (truncated lockfile?)",
        ));
    }

    // descriptor -> (name, version) of the entry it resolved to.
    let mut resolved: HashMap<&str, (String, Option<String>)> = HashMap::new();
    let mut entries = Vec::new();
    for raw in &raws {
        let Some(first) = raw.descriptors.first() else {
            continue;
        };
        let Some((install_name, range)) = split_classic(first) else {
            continue;
        };
        let Some(version) = &raw.version else {
            continue;
        };
        if let Some(path) = ["file:", "link:", "portal:"]
            .iter()
            .find_map(|p| range.strip_prefix(p))
        {
            // Local code shipped with the project: listed, never matched.
            input.local(install_name, path, Some(version.clone()));
            for d in &raw.descriptors {
                resolved.insert(d.as_str(), (install_name.to_string(), None));
            }
            entries.push((raw, install_name.to_string(), None));
            continue;
        }
        if range.starts_with("workspace:") {
            continue;
        }
        // `alias@npm:real@^1` installs `real`.
        let name = range
            .strip_prefix("npm:")
            .and_then(split_descriptor)
            .map_or(install_name, |(real, _)| real);
        for d in &raw.descriptors {
            resolved.insert(d.as_str(), (name.to_string(), Some(version.clone())));
        }
        entries.push((raw, name.to_string(), Some(version.clone())));
    }

    let mut out = Collector::new(Ecosystem::Npm, input.display);
    for (raw, name, version) in entries {
        let mut entry = Entry::new(name, version, raw.line);
        entry.hashes = raw.integrity.as_deref().map(hash::sri).unwrap_or_default();
        if entry.hashes.is_empty() {
            // Old lockfiles only have the registry's SHA-1 as the URL fragment.
            entry.hashes = raw
                .resolved
                .as_deref()
                .and_then(|r| r.rsplit_once('#'))
                .and_then(|(_, sha)| hash::hex("SHA-1", sha))
                .into_iter()
                .collect();
        }
        entry.dependencies = raw
            .dependencies
            .iter()
            .filter_map(|(n, r)| {
                resolved
                    .get(format!("{n}@{r}").as_str())
                    .or_else(|| r.is_empty().then(|| resolved.get(n.as_str())).flatten())
            })
            .map(|(name, version)| PackageRef {
                name: name.clone(),
                version: version.clone(),
            })
            .collect();
        out.push(entry);
    }
    let mut packages = out.finish();
    settle_direct(input, Ecosystem::Npm, &mut packages);
    Ok(packages)
}

#[cfg(test)]
mod tests {
    use super::super::{parse_str, LockfileKind};

    const LOCK: &str = r#"# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4":
  version "7.10.4"
  resolved "https://registry.yarnpkg.com/@babel/code-frame/-/code-frame-7.10.4.tgz#168da1a36e90da68ae8d49c0f1b48c7c6249213a"
  dependencies:
    "@babel/highlight" "^7.10.4"

"@babel/highlight@^7.10.4":
  version "7.10.4"
  resolved "https://registry.yarnpkg.com/@babel/highlight/-/highlight-7.10.4.tgz"
  integrity sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=

lodash@^4.17.20:
  version "4.17.20"

sw@npm:string-width@^4:
  version "4.2.3"
"#;

    #[test]
    fn parses_classic_entries() {
        let pkgs = parse_str(LockfileKind::YarnLock, "yarn.lock", LOCK).unwrap();
        let got: Vec<(&str, &str, bool, u32)> = pkgs
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.version.as_deref().unwrap(),
                    p.direct,
                    p.location.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("@babel/code-frame", "7.10.4", true, 5),
                ("@babel/highlight", "7.10.4", false, 11),
                ("lodash", "4.17.20", true, 16),
                ("string-width", "4.2.3", true, 19),
            ]
        );
        assert_eq!(
            pkgs[0].hashes[0].hex(),
            "168da1a36e90da68ae8d49c0f1b48c7c6249213a"
        );
        assert_eq!(
            pkgs[1].hashes[0].hex(),
            "da39a3ee5e6b4b0d3255bfef95601890afd80709"
        );
        assert_eq!(pkgs[0].dependencies[0].name, "@babel/highlight");
    }

    #[test]
    fn header_without_range_and_local_entries() {
        let text = "# yarn lockfile v1\n\nbalanced-match:\n  version \"1.0.2\"\n\nbrace-expansion@^1.1.7:\n  version \"1.1.11\"\n  dependencies:\n    balanced-match \"\"\n\n\"mylib@file:./packages/mylib\":\n  version \"0.3.0\"\n";
        let (pkgs, _, local) =
            super::super::parse_str_with_notes(LockfileKind::YarnLock, "yarn.lock", text).unwrap();
        let got: Vec<(&str, Option<&str>, bool)> = pkgs
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_deref(), p.direct))
            .collect();
        assert_eq!(
            got,
            vec![
                ("balanced-match", Some("1.0.2"), false),
                ("brace-expansion", Some("1.1.11"), true),
                ("mylib", None, true),
            ]
        );
        assert_eq!(pkgs[1].dependencies[0].name, "balanced-match");
        assert_eq!(pkgs[2].purl(), "pkg:npm/mylib");
        assert_eq!(local.len(), 1);
        assert_eq!(local[0].path, "./packages/mylib");
        assert_eq!(local[0].declared_version.as_deref(), Some("0.3.0"));
    }

    #[test]
    fn rejects_truncated_files() {
        let err = parse_str(
            LockfileKind::YarnLock,
            "yarn.lock",
            "a@^1:\n  version \"1.0.0\"\n\nb@^2:\n",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "yarn.lock:4: entry has no version (truncated lockfile?)"
        );
        let err = parse_str(
            LockfileKind::YarnLock,
            "yarn.lock",
            "a@^1:\n  version \"1.0.0\"\n  resolved \"https://registry.example/a-1.0.0.tg",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "yarn.lock:3: unterminated string (truncated lockfile?)"
        );
    }

    #[test]
    fn rejects_malformed_lines() {
        let err = parse_str(
            LockfileKind::YarnLock,
            "yarn.lock",
            "a@^1:\n  version \"1\"\n   odd\n",
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "yarn.lock:3: unexpected indentation");
        let err = parse_str(LockfileKind::YarnLock, "yarn.lock", "  version \"1\"\n").unwrap_err();
        assert_eq!(err.to_string(), "yarn.lock:1: field outside of an entry");
    }
}
