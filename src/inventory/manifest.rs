//! The project manifest beside a lockfile that does not record the
//! project's own requirements (`package.json` for npm v1 and yarn,
//! `composer.json`, `Pipfile`, `pyproject.toml`).
//!
//! Only read when a lockfile is parsed from disk. Without a manifest the
//! graph's roots stand in for the direct packages ([`graph::roots_as_direct`]).

use super::collect::{identity, pep503};
use super::graph;
use super::guard::read_side_file;
use super::{Ecosystem, Input, Package};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The names a project declares, split by whether they are only for development.
#[derive(Debug, Default)]
pub(crate) struct Manifest {
    prod: HashSet<String>,
    dev: HashSet<String>,
}

impl Manifest {
    /// Reads the manifest of `ecosystem` beside the lockfile, if any.
    /// A manifest that does not parse is treated as absent: it is not the
    /// file being inventoried, and the lockfile alone still answers.
    pub(crate) fn beside(input: &Input<'_>, ecosystem: Ecosystem) -> Option<Manifest> {
        match ecosystem {
            Ecosystem::Npm => {
                let text = input.sibling("package.json")?;
                let v: serde_json::Value = serde_json::from_str(&text).ok()?;
                let mut m = Manifest::default();
                m.add_npm(&v);
                // Workspace packages' own dependencies are the project's too
                // (what yarn and npm install for `workspaces`).
                let dir = input.disk.and_then(Path::parent);
                for ws in dir.map(|d| workspace_dirs(d, &v)).unwrap_or_default() {
                    let Some(text) = read_side_file(&ws.join("package.json")) else {
                        continue;
                    };
                    if let Ok(w) = serde_json::from_str::<serde_json::Value>(&text) {
                        m.add_npm(&w);
                    }
                }
                Some(m)
            }
            Ecosystem::Packagist => {
                let text = input.sibling("composer.json")?;
                let v: serde_json::Value = serde_json::from_str(&text).ok()?;
                let mut m = Manifest::default();
                m.prod
                    .extend(json_keys(&v["require"]).map(|k| k.to_ascii_lowercase()));
                m.dev
                    .extend(json_keys(&v["require-dev"]).map(|k| k.to_ascii_lowercase()));
                Some(m)
            }
            Ecosystem::PyPI => Self::python(input),
            _ => None,
        }
    }

    fn add_npm(&mut self, v: &serde_json::Value) {
        for key in ["dependencies", "optionalDependencies", "peerDependencies"] {
            self.prod.extend(json_keys(&v[key]));
        }
        self.dev.extend(json_keys(&v["devDependencies"]));
    }

    fn python(input: &Input<'_>) -> Option<Manifest> {
        let mut m = Manifest::default();
        if let Some(text) = input.sibling("Pipfile") {
            let t: toml::Table = toml::from_str(&text).ok()?;
            m.prod
                .extend(table_keys(t.get("packages")).map(|k| pep503(&k)));
            m.dev
                .extend(table_keys(t.get("dev-packages")).map(|k| pep503(&k)));
            return Some(m);
        }
        let text = input.sibling("pyproject.toml")?;
        let t: toml::Table = toml::from_str(&text).ok()?;
        let poetry = t.get("tool").and_then(|t| t.get("poetry"));
        let names = |v: Option<&toml::Value>| {
            table_keys(v)
                .filter(|k| k != "python")
                .map(|k| pep503(&k))
                .collect::<Vec<_>>()
        };
        m.prod
            .extend(names(poetry.and_then(|p| p.get("dependencies"))));
        m.dev
            .extend(names(poetry.and_then(|p| p.get("dev-dependencies"))));
        if let Some(groups) = poetry
            .and_then(|p| p.get("group"))
            .and_then(toml::Value::as_table)
        {
            for (group, body) in groups {
                let deps = names(body.get("dependencies"));
                if group == "main" {
                    m.prod.extend(deps);
                } else {
                    m.dev.extend(deps);
                }
            }
        }
        let project = t.get("project");
        let pep508 = |v: Option<&toml::Value>| -> Vec<String> {
            v.and_then(toml::Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().and_then(requirement_name))
                        .collect()
                })
                .unwrap_or_default()
        };
        m.prod
            .extend(pep508(project.and_then(|p| p.get("dependencies"))));
        if let Some(groups) = t.get("dependency-groups").and_then(toml::Value::as_table) {
            for body in groups.values() {
                m.dev.extend(pep508(Some(body)));
            }
        }
        Some(m)
    }

    /// Whether the project declares `name` (identity-normalised by the
    /// caller's ecosystem): `Some(true)` only for development,
    /// `Some(false)` for production, `None` when not declared.
    pub(crate) fn declared(&self, ecosystem: Ecosystem, name: &str) -> Option<bool> {
        let name = identity(ecosystem, name);
        if self.prod.contains(&name) {
            Some(false)
        } else if self.dev.contains(&name) {
            Some(true)
        } else {
            None
        }
    }

    /// Marks the declared packages direct (dev when only declared for
    /// development), then derives dev for the rest from the graph.
    pub(crate) fn apply(&self, packages: &mut [Package]) {
        for p in packages.iter_mut() {
            if let Some(dev) = self.declared(p.ecosystem, &p.name) {
                p.direct = true;
                p.dev = dev;
            }
        }
        graph::propagate_dev(packages);
    }
}

/// Direct and dev flags for a lockfile that does not record the project's
/// requirements: from the manifest beside it when there is one, otherwise
/// the graph's roots are taken as direct (dev flags left as the lockfile
/// recorded them).
pub(crate) fn settle_direct(input: &Input<'_>, ecosystem: Ecosystem, packages: &mut [Package]) {
    match Manifest::beside(input, ecosystem) {
        Some(m) => m.apply(packages),
        None => graph::roots_as_direct(packages),
    }
}

/// Most workspace folders read for one manifest.
const MAX_WORKSPACES: usize = 4096;

/// The folders a `package.json`'s `workspaces` (an array, or yarn's
/// `{"packages": […]}`) names under `dir`: a pattern is a relative path
/// whose last segment may be `*` or `**` (every folder directly below);
/// patterns leaving `dir` (`..`, absolute) are ignored.
pub(crate) fn workspace_dirs(dir: &Path, manifest: &serde_json::Value) -> Vec<PathBuf> {
    let patterns = match &manifest["workspaces"] {
        serde_json::Value::Array(a) => a.clone(),
        serde_json::Value::Object(o) => o
            .get("packages")
            .and_then(|p| p.as_array())
            .cloned()
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    member_dirs(dir, patterns.iter().filter_map(|p| p.as_str()))
}

/// Workspace member folders of `dir` from path patterns (npm/yarn
/// `workspaces`, Cargo `members`): a relative path whose last segment may be
/// `*` or `**` (every folder directly below). Patterns leaving `dir` (`..`,
/// absolute) and exclusions (`!…`) are ignored; at most [`MAX_WORKSPACES`].
pub(crate) fn member_dirs<'a>(
    dir: &Path,
    patterns: impl IntoIterator<Item = &'a str>,
) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for pattern in patterns {
        let pattern = pattern.trim_start_matches("./").trim_end_matches('/');
        if pattern.is_empty()
            || pattern.starts_with('/')
            || pattern.split('/').any(|s| s == "..")
            || pattern.starts_with('!')
        {
            continue;
        }
        match pattern
            .strip_suffix("/**")
            .or_else(|| pattern.strip_suffix("/*"))
        {
            Some(parent) if !parent.contains('*') => {
                let Ok(entries) = std::fs::read_dir(dir.join(parent)) else {
                    continue;
                };
                let mut found: Vec<PathBuf> = entries
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .map(|e| e.path())
                    .collect();
                found.sort();
                out.extend(found);
            }
            Some(_) => {}
            None if !pattern.contains('*') => out.push(dir.join(pattern)),
            None => {}
        }
        if out.len() >= MAX_WORKSPACES {
            out.truncate(MAX_WORKSPACES);
            break;
        }
    }
    out
}

fn json_keys(v: &serde_json::Value) -> impl Iterator<Item = String> + '_ {
    v.as_object().into_iter().flat_map(|o| o.keys().cloned())
}

fn table_keys(v: Option<&toml::Value>) -> impl Iterator<Item = String> + '_ {
    v.and_then(toml::Value::as_table)
        .into_iter()
        .flat_map(|t| t.keys().cloned())
}

/// The normalised project name of a PEP 508 requirement string.
pub(crate) fn requirement_name(spec: &str) -> Option<String> {
    let end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(spec.len());
    let name = &spec[..end];
    (!name.is_empty()).then(|| pep503(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep508_names() {
        assert_eq!(
            requirement_name("Requests[socks]>=2.19; python_version<'3'").as_deref(),
            Some("requests")
        );
        assert_eq!(requirement_name("django"), Some("django".to_string()));
        assert_eq!(requirement_name(">=1"), None);
    }
}
