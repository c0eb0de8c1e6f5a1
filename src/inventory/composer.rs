//! `composer.lock` (PHP).
//!
//! `packages` and `packages-dev` are arrays of package objects with
//! `name`, `version` (kept as written, `v` prefix included), `require`,
//! `dist.shasum` (SHA-1) and `license` (an array of SPDX ids, any of which
//! applies). Platform requirements (`php`, `ext-*`, `lib-*`, …) are not
//! packages. The project's own requirements are in `composer.json`, read
//! when beside the lockfile; otherwise the graph's roots are direct.

use super::collect::{Collector, Entry};
use super::json_lines::{scan_json, Seg};
use super::manifest::Manifest;
use super::{graph, hash, Ecosystem, Input, InventoryError, Package, PackageRef};
use serde::de::IgnoredAny;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Deserialize)]
struct ComposerLock {
    #[serde(default)]
    packages: Vec<ComposerPackage>,
    #[serde(default, rename = "packages-dev")]
    packages_dev: Vec<ComposerPackage>,
}

#[derive(Deserialize)]
struct ComposerPackage {
    name: String,
    version: String,
    dist: Option<Dist>,
    #[serde(default)]
    require: BTreeMap<String, IgnoredAny>,
    license: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct Dist {
    shasum: Option<String>,
}

/// Requirements on the platform rather than on a package.
fn is_platform(name: &str) -> bool {
    !name.contains('/') || name.starts_with("ext-") || name.starts_with("lib-")
}

fn license(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Array(items) => {
            let ids: Vec<&str> = items
                .iter()
                .filter_map(|i| i.as_str())
                .filter(|s| !s.is_empty())
                .collect();
            match ids.as_slice() {
                [] => None,
                [one] => Some((*one).to_string()),
                many => Some(
                    many.iter()
                        .map(|id| {
                            if id.contains(' ') {
                                format!("({id})")
                            } else {
                                id.to_string()
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(" OR "),
                ),
            }
        }
        _ => None,
    }
}

/// Parses a `composer.lock`.
pub(crate) fn parse(input: &Input<'_>) -> Result<Vec<Package>, InventoryError> {
    let lock: ComposerLock =
        serde_json::from_str(input.text).map_err(|e| InventoryError::json(input.display, &e))?;
    let mut lines: HashMap<(bool, usize), u32> = HashMap::new();
    scan_json(input.text, |path, line| {
        if let [section, Seg::Index(i)] = path {
            match section.key() {
                Some("packages") => lines.insert((false, *i), line),
                Some("packages-dev") => lines.insert((true, *i), line),
                _ => None,
            };
        }
    });
    let versions: HashMap<String, &str> = lock
        .packages
        .iter()
        .chain(&lock.packages_dev)
        .map(|p| (p.name.to_ascii_lowercase(), p.version.as_str()))
        .collect();
    let mut out = Collector::new(Ecosystem::Packagist, input.display);
    for (dev, section) in [(false, &lock.packages), (true, &lock.packages_dev)] {
        for (i, p) in section.iter().enumerate() {
            let mut entry = Entry::new(
                p.name.clone(),
                Some(p.version.clone()),
                lines.get(&(dev, i)).copied().unwrap_or(0),
            );
            entry.dev = dev;
            entry.hashes = p
                .dist
                .as_ref()
                .and_then(|d| d.shasum.as_deref())
                .and_then(|s| hash::hex("SHA-1", s))
                .into_iter()
                .collect();
            entry.license = p.license.as_ref().and_then(license).map(Into::into);
            entry.dependencies = p
                .require
                .keys()
                .filter(|n| !is_platform(n))
                .filter_map(|n| {
                    let v = versions.get(&n.to_ascii_lowercase())?;
                    Some(PackageRef {
                        name: n.clone(),
                        version: Some((*v).to_string()),
                    })
                })
                .collect();
            out.push(entry);
        }
    }
    let mut packages = out.finish();
    match Manifest::beside(input, Ecosystem::Packagist) {
        Some(m) => {
            for p in &mut packages {
                p.direct = m.declared(Ecosystem::Packagist, &p.name).is_some();
            }
        }
        None => graph::roots_as_direct(&mut packages),
    }
    Ok(packages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn licences_become_expressions() {
        let v: serde_json::Value = serde_json::json!(["MIT", "GPL-2.0-or-later"]);
        assert_eq!(license(&v).as_deref(), Some("MIT OR GPL-2.0-or-later"));
        assert_eq!(
            license(&serde_json::json!(["BSD-3-Clause"])).as_deref(),
            Some("BSD-3-Clause")
        );
        assert_eq!(license(&serde_json::json!([])), None);
        assert!(is_platform("php"));
        assert!(is_platform("ext-json"));
        assert!(!is_platform("monolog/monolog"));
    }
}
