//! `Gemfile.lock` (Bundler).
//!
//! Sections start at column 0 (`GEM`, `GIT`, `PATH`, `PLATFORMS`,
//! `DEPENDENCIES`, `CHECKSUMS`, `BUNDLED WITH`, …). In the source sections
//! a locked gem is `name (version[-platform])` indented by four spaces and
//! its own requirements follow indented by six; `DEPENDENCIES` lists what
//! the Gemfile asks for (`name!` when pinned to a source). `PATH` gems are
//! local code: listed with no version (the `remote:` directory noted). A gem locked for several platforms is one
//! package; the platform suffix is not part of the version. `CHECKSUMS`
//! (Bundler 2.5+) gives SHA-256 digests. Gemfile.lock records no dev groups: they come from the `Gemfile`
//! beside it (see [`Manifest`]).

use super::collect::{Collector, Entry};
use super::lines::line_number;
use super::manifest::Manifest;
use super::{hash, Ecosystem, Input, InventoryError, Package, PackageRef};
use std::collections::{HashMap, HashSet};

struct Spec {
    name: String,
    version: String,
    line: u32,
    deps: Vec<String>,
    /// The `PATH` source's directory, for a local gem.
    local: Option<String>,
}

/// `name (inner)` → (name, Some(inner)); `name` → (name, None).
fn name_paren(body: &str) -> (&str, Option<&str>) {
    match body.split_once(" (") {
        Some((name, rest)) => (name.trim(), Some(rest.split(')').next().unwrap_or(rest))),
        None => (body.trim(), None),
    }
}

/// The version without a platform suffix (`1.10.4-x86_64-linux` → `1.10.4`).
fn strip_platform(version: &str) -> &str {
    version.split_once('-').map_or(version, |(v, _)| v)
}

/// Parses a `Gemfile.lock`.
pub(crate) fn parse(input: &Input<'_>) -> Result<Vec<Package>, InventoryError> {
    let mut section = String::new();
    let mut specs: Vec<Spec> = Vec::new();
    let mut direct: HashSet<String> = HashSet::new();
    let mut checksums: HashMap<(String, String), Vec<super::Digest>> = HashMap::new();
    let mut remote = String::new();
    for (i, line) in input.text.lines().enumerate() {
        let line_no = line_number(i);
        let body = line.trim_start_matches(' ');
        if body.trim().is_empty() {
            continue;
        }
        let indent = line.len() - body.len();
        let body = body.trim_end();
        if indent == 0 {
            section = body.to_string();
            remote.clear();
            continue;
        }
        if indent == 2 {
            if let Some(r) = body.strip_prefix("remote:") {
                remote = r.trim().to_string();
            }
        }
        match section.as_str() {
            "GEM" | "GIT" | "PLUGIN SOURCE" | "PATH" => match indent {
                4 => {
                    let (name, version) = name_paren(body);
                    let Some(version) = version else {
                        return Err(InventoryError::parse(
                            input.display,
                            Some(line_no),
                            "expected `name (version)`",
                        ));
                    };
                    specs.push(Spec {
                        name: name.to_string(),
                        version: strip_platform(version).to_string(),
                        line: line_no,
                        deps: Vec::new(),
                        local: (section == "PATH").then(|| remote.clone()),
                    });
                }
                6 => {
                    let spec = specs.last_mut().ok_or_else(|| {
                        InventoryError::parse(
                            input.display,
                            Some(line_no),
                            "dependency before any gem",
                        )
                    })?;
                    spec.deps.push(name_paren(body).0.to_string());
                }
                _ => {}
            },
            "DEPENDENCIES" => {
                let name = name_paren(body).0;
                direct.insert(name.trim_end_matches('!').to_string());
            }
            "CHECKSUMS" => {
                let (name, version) = name_paren(body);
                let digest = body.rsplit_once(' ').map(|(_, d)| d).unwrap_or("");
                if let (Some(version), Some(h)) = (
                    version,
                    digest
                        .strip_prefix("sha256=")
                        .and_then(|d| hash::hex("SHA-256", d)),
                ) {
                    checksums
                        .entry((name.to_string(), strip_platform(version).to_string()))
                        .or_default()
                        .push(h);
                }
            }
            _ => {}
        }
    }
    let versions: HashMap<&str, Option<&str>> = specs
        .iter()
        .map(|s| {
            let v = s.local.is_none().then_some(s.version.as_str());
            (s.name.as_str(), v)
        })
        .collect();
    let mut out = Collector::new(Ecosystem::RubyGems, input.display);
    for s in &specs {
        let version = match &s.local {
            Some(path) => {
                input.local(&s.name, path, Some(s.version.clone()));
                None
            }
            None => Some(s.version.clone()),
        };
        let mut entry = Entry::new(s.name.clone(), version, s.line);
        entry.direct = direct.contains(&s.name);
        entry.hashes = checksums
            .get(&(s.name.clone(), s.version.clone()))
            .cloned()
            .unwrap_or_default();
        entry.dependencies = s
            .deps
            .iter()
            .filter_map(|d| versions.get(d.as_str()).map(|v| (d, v)))
            .map(|(d, v)| PackageRef {
                name: d.clone(),
                version: v.map(str::to_string),
            })
            .collect();
        out.push(entry);
    }
    let mut packages = out.finish();
    // Gemfile.lock records no groups: the Gemfile beside it says which
    // gems are for development and test only.
    if let Some(m) = Manifest::beside(input, Ecosystem::RubyGems) {
        m.apply(&mut packages);
    }
    Ok(packages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_platforms() {
        assert_eq!(strip_platform("1.10.4-x86_64-linux"), "1.10.4");
        assert_eq!(strip_platform("2.0.0"), "2.0.0");
        assert_eq!(name_paren("rack (~> 2.0)"), ("rack", Some("~> 2.0")));
        assert_eq!(name_paren("rails!"), ("rails!", None));
    }
}
