//! Licences from installed package metadata, for packages whose lockfile
//! does not record one.
//!
//! Read only for a lockfile read from disk, only from the places each
//! ecosystem's own tool installs to beside the project (or its cache), and
//! only when the installed copy is the locked version:
//! - npm: `node_modules/<name>/package.json` (`license`, or the legacy
//!   `{"type": …}` object);
//! - Cargo: `vendor/<name>-<version>/Cargo.toml` or `vendor/<name>/`
//!   (`cargo vendor`), then `$CARGO_HOME/registry/src/*/<name>-<version>/`
//!   (`package.license`);
//! - PyPI: `.venv/` or `venv/` `lib/python*/site-packages/<name>-<version>.dist-info/METADATA`
//!   (`License-Expression:`, else a one-line `License:`).
//!
//! Every read is a bounded read of a regular file.

use super::collect::pep503;
use super::guard::read_side_file;
use super::{npm, Ecosystem, Package, SharedStr};
use std::path::{Path, PathBuf};

/// Most metadata files read for one lockfile.
const MAX_READS: usize = 200_000;

/// Fills [`Package::license`] from installed metadata where it is `None`.
pub(crate) fn fill(packages: &mut [Package], lockfile: &Path) {
    let Some(dir) = lockfile.parent() else { return };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mut reads = 0usize;
    let node_modules = dir.join("node_modules");
    let has_node_modules = node_modules.is_dir();
    let site_packages = site_packages(dir);
    let cargo_sources = cargo_sources(dir);
    for p in packages.iter_mut() {
        if p.license.is_some() || reads >= MAX_READS {
            continue;
        }
        let Some(version) = p.version.as_deref() else {
            continue;
        };
        let found = match p.ecosystem {
            Ecosystem::Npm if has_node_modules => {
                reads += 1;
                npm_license(&node_modules, &p.name, version)
            }
            Ecosystem::CratesIo if !cargo_sources.is_empty() => {
                reads += 1;
                cargo_license(&cargo_sources, &p.name, version)
            }
            Ecosystem::PyPI if !site_packages.is_empty() => {
                reads += 1;
                python_license(&site_packages, &p.name, version)
            }
            _ => None,
        };
        p.license = found.map(SharedStr::from);
    }
}

fn npm_license(node_modules: &Path, name: &str, version: &str) -> Option<String> {
    let text = read_side_file(&node_modules.join(name).join("package.json"))?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    if v["version"].as_str() != Some(version) {
        return None;
    }
    npm::license(&v["license"])
}

/// `vendor/` beside the lockfile, then every registry source folder.
fn cargo_sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let vendor = dir.join("vendor");
    if vendor.is_dir() {
        out.push(vendor);
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    if let Some(src) = home.map(|h| h.join("registry").join("src")) {
        if let Ok(entries) = std::fs::read_dir(&src) {
            let mut regs: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
            regs.sort();
            out.extend(regs.into_iter().filter(|p| p.is_dir()));
        }
    }
    out
}

fn cargo_license(sources: &[PathBuf], name: &str, version: &str) -> Option<String> {
    for src in sources {
        for folder in [format!("{name}-{version}"), name.to_string()] {
            let Some(text) = read_side_file(&src.join(&folder).join("Cargo.toml")) else {
                continue;
            };
            let Ok(t) = toml::from_str::<toml::Table>(&text) else {
                continue;
            };
            let package = t.get("package");
            let v = package
                .and_then(|p| p.get("version"))
                .and_then(|v| v.as_str());
            if v != Some(version) {
                continue;
            }
            if let Some(l) = package
                .and_then(|p| p.get("license"))
                .and_then(|l| l.as_str())
                .map(str::trim)
                .filter(|l| !l.is_empty())
            {
                return Some(l.to_string());
            }
        }
    }
    None
}

/// `site-packages` folders of a virtual environment beside the lockfile.
fn site_packages(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for venv in [".venv", "venv"] {
        let lib = dir.join(venv).join("lib");
        let Ok(entries) = std::fs::read_dir(&lib) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with("python"))
            .map(|e| e.path().join("site-packages"))
            .filter(|p| p.is_dir())
            .collect();
        found.sort();
        out.extend(found);
    }
    out
}

fn python_license(sites: &[PathBuf], name: &str, version: &str) -> Option<String> {
    // Wheels name the folder with the normalised name, `-` written as `_`.
    let wheel_name = pep503(name).replace('-', "_");
    for site in sites {
        let Some(text) = read_side_file(
            &site
                .join(format!("{wheel_name}-{version}.dist-info"))
                .join("METADATA"),
        ) else {
            continue;
        };
        return metadata_license(&text);
    }
    None
}

/// The licence of a core-metadata file: `License-Expression` (PEP 639),
/// else a one-line `License` that is not `UNKNOWN`. Headers end at the
/// first blank line.
pub(crate) fn metadata_license(text: &str) -> Option<String> {
    let headers: Vec<&str> = text.lines().take_while(|l| !l.trim().is_empty()).collect();
    let field = |key: &str| {
        headers.iter().enumerate().find_map(|(i, l)| {
            let (k, v) = l.split_once(':')?;
            if !k.eq_ignore_ascii_case(key) {
                return None;
            }
            // A continued (multi-line) value is licence text, not an expression.
            let continued = headers
                .get(i + 1)
                .is_some_and(|n| n.starts_with([' ', '\t']));
            let v = v.trim();
            (!continued && !v.is_empty() && !v.eq_ignore_ascii_case("UNKNOWN"))
                .then(|| v.to_string())
        })
    };
    field("License-Expression").or_else(|| field("License"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_core_metadata() {
        let m = "Metadata-Version: 2.4\nName: attrs\nVersion: 23.1.0\nLicense-Expression: MIT\nLicense: Some text\n\nbody\n";
        assert_eq!(metadata_license(m).as_deref(), Some("MIT"));
        let m = "Metadata-Version: 2.1\nName: x\nLicense: BSD-3-Clause\n";
        assert_eq!(metadata_license(m).as_deref(), Some("BSD-3-Clause"));
        let m = "Name: x\nLicense: Copyright (c) 2020\n        Permission is hereby granted\n";
        assert_eq!(metadata_license(m), None);
        let m = "Name: x\nLicense: UNKNOWN\n";
        assert_eq!(metadata_license(m), None);
    }
}
