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

    // descriptor -> (name, version) of the entry it resolved to.
    let mut resolved: HashMap<&str, (String, String)> = HashMap::new();
    let mut entries = Vec::new();
    for raw in &raws {
        let Some(first) = raw.descriptors.first() else {
            continue;
        };
        let Some((install_name, range)) = split_descriptor(first) else {
            continue;
        };
        if ["file:", "link:", "portal:", "workspace:"]
            .iter()
            .any(|p| range.starts_with(p))
        {
            continue;
        }
        let Some(version) = &raw.version else {
            continue;
        };
        // `alias@npm:real@^1` installs `real`.
        let name = range
            .strip_prefix("npm:")
            .and_then(split_descriptor)
            .map_or(install_name, |(real, _)| real);
        for d in &raw.descriptors {
            resolved.insert(d.as_str(), (name.to_string(), version.clone()));
        }
        entries.push((raw, name.to_string(), version.clone()));
    }

    let mut out = Collector::new(Ecosystem::Npm, input.display);
    for (raw, name, version) in entries {
        let mut entry = Entry::new(name, Some(version), raw.line);
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
            .filter_map(|(n, r)| resolved.get(format!("{n}@{r}").as_str()))
            .map(|(name, version)| PackageRef {
                name: name.clone(),
                version: Some(version.clone()),
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
            pkgs[0].hashes[0].1,
            "168da1a36e90da68ae8d49c0f1b48c7c6249213a"
        );
        assert_eq!(
            pkgs[1].hashes[0].1,
            "da39a3ee5e6b4b0d3255bfef95601890afd80709"
        );
        assert_eq!(pkgs[0].dependencies[0].name, "@babel/highlight");
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
