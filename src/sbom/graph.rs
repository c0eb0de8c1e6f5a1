//! The dependency graph both writers serialise: packages merged by purl
//! (the same crate locked by two Cargo.lock files is one component), sorted,
//! with each lockfile's dependency references resolved to components.
//!
//! Merging rules: a component is `dev` only if every occurrence is dev,
//! `direct` if any occurrence is direct; hashes are unioned; the first
//! licence (in lockfile order) wins. A dependency reference is resolved
//! within its own lockfile (packages share a lockfile when their
//! `location.file` is equal), by name and — when given — exact version;
//! a name-only reference that matches several versions is ambiguous and is
//! left out rather than guessed.

use super::fields::{normalise_hash, HashAlg};
use crate::inventory::{purl, Package};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One merged component.
#[derive(Debug)]
pub(crate) struct Component<'a> {
    /// The purl: also the CycloneDX `bom-ref` and the merge key.
    pub purl: String,
    /// The first occurrence (ecosystem, name, version).
    pub package: &'a Package,
    /// Lockfiles the component appears in, sorted.
    pub lockfiles: BTreeSet<&'a str>,
    /// Declared directly by some lockfile's project.
    pub direct: bool,
    /// Only ever a development dependency.
    pub dev: bool,
    /// Valid hashes, sorted and deduplicated.
    pub hashes: BTreeSet<(HashAlg, String)>,
    /// Licence expression or text, as recorded.
    pub license: Option<&'a str>,
    /// Indices (into [`Graph::components`]) of the components this one depends on.
    pub depends_on: BTreeSet<usize>,
}

/// Components in purl order plus the root's direct dependencies.
#[derive(Debug)]
pub(crate) struct Graph<'a> {
    /// Sorted by purl, unique.
    pub components: Vec<Component<'a>>,
    /// Indices of the components the root depends on directly.
    pub root_depends_on: BTreeSet<usize>,
}

/// The purl a package is known by: its own, or one built from its
/// coordinates when a parser left it empty.
pub(crate) fn package_purl(p: &Package) -> String {
    if p.purl.is_empty() {
        purl::build(p.ecosystem, &p.name, p.version.as_deref())
    } else {
        p.purl.clone()
    }
}

/// Builds the graph of `packages`.
pub(crate) fn build(packages: &[Package]) -> Graph<'_> {
    let mut merged: BTreeMap<String, Component<'_>> = BTreeMap::new();
    let purls: Vec<String> = packages.iter().map(package_purl).collect();
    for (p, key) in packages.iter().zip(&purls) {
        let c = merged.entry(key.clone()).or_insert_with(|| Component {
            purl: key.clone(),
            package: p,
            lockfiles: BTreeSet::new(),
            direct: false,
            dev: true,
            hashes: BTreeSet::new(),
            license: None,
            depends_on: BTreeSet::new(),
        });
        c.lockfiles.insert(p.location.file.as_str());
        c.direct |= p.direct;
        c.dev &= p.dev;
        c.hashes.extend(
            p.hashes
                .iter()
                .filter_map(|(alg, hex)| normalise_hash(alg, hex)),
        );
        if c.license.is_none() {
            c.license = p.license.as_deref().filter(|l| !l.trim().is_empty());
        }
    }
    let index: HashMap<&str, usize> = merged
        .keys()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();

    // (lockfile, versionless purl) -> packages of that name in that lockfile.
    // The versionless purl normalises names the way the ecosystem does
    // (PyPI case and `_`, Composer case), so `Django` finds `django`.
    let mut by_name: HashMap<(&str, String), Vec<usize>> = HashMap::new();
    for (i, p) in packages.iter().enumerate() {
        by_name
            .entry((
                p.location.file.as_str(),
                purl::build(p.ecosystem, &p.name, None),
            ))
            .or_default()
            .push(i);
    }

    let mut edges: Vec<(usize, usize)> = Vec::new();
    let mut root_depends_on = BTreeSet::new();
    for (i, p) in packages.iter().enumerate() {
        let Some(&from) = index.get(purls[i].as_str()) else {
            continue;
        };
        if p.direct {
            root_depends_on.insert(from);
        }
        for dep in &p.dependencies {
            let key = (
                p.location.file.as_str(),
                purl::build(p.ecosystem, &dep.name, None),
            );
            let Some(candidates) = by_name.get(&key) else {
                continue;
            };
            let targets: BTreeSet<usize> = candidates
                .iter()
                .filter(|&&j| {
                    dep.version.is_none()
                        || packages[j].version.as_deref() == dep.version.as_deref()
                })
                .filter_map(|&j| index.get(purls[j].as_str()).copied())
                .collect();
            if targets.len() == 1 {
                if let Some(&to) = targets.first() {
                    if to != from {
                        edges.push((from, to));
                    }
                }
            }
        }
    }
    let mut components: Vec<Component<'_>> = merged.into_values().collect();
    for (from, to) in edges {
        components[from].depends_on.insert(to);
    }
    Graph {
        components,
        root_depends_on,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::inventory::{Ecosystem, PackageRef, SourceLocation};

    /// A package for tests: `file` is its lockfile, deps are (name, version).
    pub(crate) fn pkg(
        eco: Ecosystem,
        name: &str,
        version: Option<&str>,
        file: &str,
        deps: &[(&str, Option<&str>)],
    ) -> Package {
        Package {
            ecosystem: eco,
            name: name.into(),
            version: version.map(Into::into),
            purl: purl::build(eco, name, version),
            direct: false,
            dev: false,
            dependencies: deps
                .iter()
                .map(|(n, v)| PackageRef {
                    name: (*n).into(),
                    version: v.map(Into::into),
                })
                .collect(),
            location: SourceLocation {
                file: file.into(),
                line: 1,
            },
            hashes: Vec::new(),
            license: None,
        }
    }

    #[test]
    fn merges_by_purl_and_resolves_within_the_lockfile() {
        let mut a = pkg(
            Ecosystem::CratesIo,
            "app-dep",
            Some("1.0.0"),
            "a/Cargo.lock",
            &[("serde", None)],
        );
        a.direct = true;
        let serde_a = pkg(
            Ecosystem::CratesIo,
            "serde",
            Some("1.0.0"),
            "a/Cargo.lock",
            &[],
        );
        let mut serde_b = pkg(
            Ecosystem::CratesIo,
            "serde",
            Some("1.0.0"),
            "b/Cargo.lock",
            &[],
        );
        serde_b.direct = true;
        serde_b.dev = true;
        let pkgs = [a, serde_a, serde_b];
        let g = build(&pkgs);
        let purls: Vec<&str> = g.components.iter().map(|c| c.purl.as_str()).collect();
        assert_eq!(purls, ["pkg:cargo/app-dep@1.0.0", "pkg:cargo/serde@1.0.0"]);
        let serde = &g.components[1];
        assert_eq!(
            serde.lockfiles.iter().copied().collect::<Vec<_>>(),
            ["a/Cargo.lock", "b/Cargo.lock"]
        );
        assert!(serde.direct);
        assert!(!serde.dev, "required in a/, so not dev-only");
        assert_eq!(g.components[0].depends_on, BTreeSet::from([1]));
        assert_eq!(g.root_depends_on, BTreeSet::from([0, 1]));
    }

    #[test]
    fn ambiguous_name_only_references_are_not_guessed() {
        let a = pkg(
            Ecosystem::Npm,
            "a",
            Some("1.0.0"),
            "package-lock.json",
            &[("b", None)],
        );
        let b1 = pkg(Ecosystem::Npm, "b", Some("1.0.0"), "package-lock.json", &[]);
        let b2 = pkg(Ecosystem::Npm, "b", Some("2.0.0"), "package-lock.json", &[]);
        let c = pkg(
            Ecosystem::Npm,
            "c",
            Some("1.0.0"),
            "package-lock.json",
            &[("b", Some("2.0.0")), ("missing", Some("1"))],
        );
        let pkgs = [a, b1, b2, c];
        let g = build(&pkgs);
        assert!(g.components[0].depends_on.is_empty());
        assert_eq!(g.components[3].depends_on, BTreeSet::from([2]));
    }

    #[test]
    fn pypi_names_resolve_case_insensitively_and_hashes_are_validated() {
        let mut app = pkg(
            Ecosystem::PyPI,
            "flask",
            Some("3.0.0"),
            "poetry.lock",
            &[("Jinja2", None)],
        );
        app.hashes = vec![
            ("sha256".into(), "AB".repeat(32)),
            ("sha256".into(), "not-hex".into()),
        ];
        let jinja = pkg(Ecosystem::PyPI, "jinja2", Some("3.1.2"), "poetry.lock", &[]);
        let pkgs = [app, jinja];
        let g = build(&pkgs);
        assert_eq!(g.components[0].depends_on, BTreeSet::from([1]));
        assert_eq!(
            g.components[0].hashes,
            BTreeSet::from([(HashAlg::Sha256, "ab".repeat(32))])
        );
        assert!(g.components.iter().all(|c| !c.dev));
    }
}
