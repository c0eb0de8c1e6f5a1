//! The Cargo workspace beside a `Cargo.lock`: which source-less packages
//! are workspace members (the project itself) and which are path crates
//! (local code), and how each member declares each dependency (normal,
//! `[dev-dependencies]`, `[build-dependencies]`, also under `[target.*]`).
//!
//! Cargo.lock merges every kind of dependency into one list, so without
//! the manifests a test-only crate looks like any other direct one. Only
//! read when the lockfile was read from disk; manifests that do not parse
//! are treated as absent (the lockfile alone still answers).

use super::guard::read_side_file;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// How one member declares its dependencies, by real crate name.
#[derive(Debug, Default)]
pub(crate) struct Member {
    /// `[dependencies]` (any target).
    pub normal: HashSet<String>,
    /// `[dev-dependencies]` (any target).
    pub dev: HashSet<String>,
    /// `[build-dependencies]` (any target).
    pub build: HashSet<String>,
}

/// The workspace: members by package name, and path dependencies by crate
/// name with the path as written.
#[derive(Debug, Default)]
pub(crate) struct Workspace {
    pub members: HashMap<String, Member>,
    pub paths: HashMap<String, String>,
}

impl Workspace {
    /// Reads `dir/Cargo.toml` and the members it names; `None` without one.
    pub(crate) fn read(dir: &Path) -> Option<Workspace> {
        let root: toml::Table = toml::from_str(&read_side_file(&dir.join("Cargo.toml"))?).ok()?;
        let shared = root
            .get("workspace")
            .and_then(|w| w.get("dependencies"))
            .and_then(toml::Value::as_table)
            .cloned()
            .unwrap_or_default();
        let mut ws = Workspace::default();
        ws.add(&root, &shared);
        let patterns: Vec<&str> = root
            .get("workspace")
            .and_then(|w| w.get("members"))
            .and_then(toml::Value::as_array)
            .map(|a| a.iter().filter_map(toml::Value::as_str).collect())
            .unwrap_or_default();
        for member_dir in super::manifest::member_dirs(dir, patterns.iter().copied()) {
            let Some(text) = read_side_file(&member_dir.join("Cargo.toml")) else {
                continue;
            };
            if let Ok(t) = toml::from_str::<toml::Table>(&text) {
                ws.add(&t, &shared);
            }
        }
        Some(ws)
    }

    fn add(&mut self, manifest: &toml::Table, shared: &toml::Table) {
        let Some(name) = manifest
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(toml::Value::as_str)
        else {
            return;
        };
        let mut member = Member::default();
        let mut tables = vec![manifest];
        if let Some(targets) = manifest.get("target").and_then(toml::Value::as_table) {
            tables.extend(targets.values().filter_map(toml::Value::as_table));
        }
        for table in tables {
            for section in [
                "dependencies",
                "dev-dependencies",
                "dev_dependencies",
                "build-dependencies",
                "build_dependencies",
            ] {
                let Some(deps) = table.get(section).and_then(toml::Value::as_table) else {
                    continue;
                };
                let set = match section.as_bytes()[0] {
                    b'd' if section.len() > "dependencies".len() => &mut member.dev,
                    b'b' => &mut member.build,
                    _ => &mut member.normal,
                };
                for (key, spec) in deps {
                    // `workspace = true` takes `package`/`path` from the root.
                    let inherited = spec
                        .get("workspace")
                        .and_then(toml::Value::as_bool)
                        .unwrap_or(false);
                    let spec = if inherited {
                        shared.get(key).unwrap_or(spec)
                    } else {
                        spec
                    };
                    let real = spec
                        .get("package")
                        .and_then(toml::Value::as_str)
                        .unwrap_or(key)
                        .to_string();
                    if let Some(path) = spec.get("path").and_then(toml::Value::as_str) {
                        self.paths.insert(real.clone(), path.to_string());
                    }
                    set.insert(real);
                }
            }
        }
        self.members.insert(name.to_string(), member);
    }
}
