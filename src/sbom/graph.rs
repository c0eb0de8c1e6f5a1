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

use crate::inventory::shared::fast_hash;
use crate::inventory::{purl, Digest, Package};
use std::borrow::Cow;

/// One merged component.
#[derive(Debug)]
pub(crate) struct Component<'a> {
    /// The purl: also the CycloneDX `bom-ref` and the merge key.
    pub purl: Cow<'a, str>,
    /// The first occurrence (ecosystem, name, version).
    pub package: &'a Package,
    /// Lockfiles the component appears in, sorted, unique.
    pub lockfiles: Vec<&'a str>,
    /// Declared directly by some lockfile's project.
    pub direct: bool,
    /// Only ever a development dependency.
    pub dev: bool,
    /// Digests, sorted and deduplicated.
    pub hashes: Vec<&'a Digest>,
    /// Licence expression or text, as recorded.
    pub license: Option<&'a str>,
    /// Indices (into [`Graph::components`]) of the components this one
    /// depends on, sorted, unique.
    pub depends_on: Vec<usize>,
}

/// Components in purl order plus the root's direct dependencies.
#[derive(Debug)]
pub(crate) struct Graph<'a> {
    /// Sorted by purl, unique.
    pub components: Vec<Component<'a>>,
    /// Indices of the components the root depends on directly, sorted, unique.
    pub root_depends_on: Vec<usize>,
}

/// Sorts and deduplicates.
fn sort_dedup<T: Ord>(v: &mut Vec<T>) {
    v.sort_unstable();
    v.dedup();
}

/// Builds the graph of `packages`.
///
/// Memory is a few words per package beyond the packages themselves and
/// one purl per component: hashes are borrowed, components are found by a
/// sorted order instead of maps of copied strings, so a 1M-package
/// inventory fits.
pub(crate) fn build(packages: &[Package]) -> Graph<'_> {
    let mut purls: Vec<Cow<'_, str>> = packages.iter().map(Package::purl).collect();
    // Package indices by purl; equal purls in package order (the first is
    // the component's package).
    let mut order: Vec<u32> = (0..packages.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| purls[a as usize].cmp(&purls[b as usize]).then(a.cmp(&b)));
    let mut component_of: Vec<u32> = vec![0; packages.len()];
    let mut components: Vec<Component<'_>> = Vec::new();
    for &i in &order {
        let i = i as usize;
        let p = &packages[i];
        let same = components
            .last()
            .is_some_and(|c: &Component<'_>| c.purl == purls[i]);
        if !same {
            components.push(Component {
                // Moved, not copied: later packages compare with the component's.
                purl: std::mem::take(&mut purls[i]),
                package: p,
                lockfiles: Vec::new(),
                direct: false,
                dev: true,
                hashes: Vec::new(),
                license: None,
                depends_on: Vec::new(),
            });
        }
        let at = components.len() - 1;
        component_of[i] = at as u32;
        let c = &mut components[at];
        c.lockfiles.push(p.location.file.as_str());
        c.direct |= p.direct;
        c.dev &= p.dev;
        c.hashes.extend(p.hashes.iter());
        if c.license.is_none() {
            c.license = p.license.as_deref().filter(|l| !l.trim().is_empty());
        }
    }
    drop((order, purls));
    for c in &mut components {
        sort_dedup(&mut c.lockfiles);
        sort_dedup(&mut c.hashes);
        c.lockfiles.shrink_to_fit();
        c.hashes.shrink_to_fit();
    }

    // (lockfile, versionless purl) of each package, as a hash, sorted: the
    // versionless purl normalises names the way the ecosystem does (PyPI
    // case and `_`, Composer case), so `Django` finds `django`. A hash match
    // is confirmed on the strings, so a collision never makes an edge.
    let name_key = |file: &str, versionless: &str| fast_hash(&(file, versionless));
    let mut by_name: Vec<(u64, u32)> = packages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let versionless = purl::build(p.ecosystem, &p.name, None);
            (name_key(&p.location.file, &versionless), i as u32)
        })
        .collect();
    by_name.sort_unstable();

    let mut root_depends_on = Vec::new();
    let mut targets: Vec<usize> = Vec::new();
    for (i, p) in packages.iter().enumerate() {
        let from = component_of[i] as usize;
        if p.direct {
            root_depends_on.push(from);
        }
        for dep in &p.dependencies {
            let versionless = purl::build(p.ecosystem, &dep.name, None);
            let key = name_key(&p.location.file, &versionless);
            let start = by_name.partition_point(|&(h, _)| h < key);
            targets.clear();
            for &(h, j) in &by_name[start..] {
                if h != key {
                    break;
                }
                let q = &packages[j as usize];
                let same_name = q.location.file == p.location.file
                    && purl::build(q.ecosystem, &q.name, None) == versionless;
                let same_version =
                    dep.version.is_none() || q.version.as_deref() == dep.version.as_deref();
                if same_name && same_version {
                    targets.push(component_of[j as usize] as usize);
                }
            }
            sort_dedup(&mut targets);
            if let [to] = targets[..] {
                if to != from {
                    components[from].depends_on.push(to);
                }
            }
        }
    }
    for c in &mut components {
        sort_dedup(&mut c.depends_on);
        c.depends_on.shrink_to_fit();
    }
    sort_dedup(&mut root_depends_on);
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
            source_purl: None,
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
        let purls: Vec<&str> = g.components.iter().map(|c| &*c.purl).collect();
        assert_eq!(purls, ["pkg:cargo/app-dep@1.0.0", "pkg:cargo/serde@1.0.0"]);
        let serde = &g.components[1];
        assert_eq!(serde.lockfiles, ["a/Cargo.lock", "b/Cargo.lock"]);
        assert!(serde.direct);
        assert!(!serde.dev, "required in a/, so not dev-only");
        assert_eq!(g.components[0].depends_on, [1]);
        assert_eq!(g.root_depends_on, [0, 1]);
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
        assert_eq!(g.components[3].depends_on, [2]);
    }

    #[test]
    fn pypi_names_resolve_case_insensitively_and_hashes_are_unique() {
        let mut app = pkg(
            Ecosystem::PyPI,
            "flask",
            Some("3.0.0"),
            "poetry.lock",
            &[("Jinja2", None)],
        );
        let digest = Digest::from_hex("sha256", &"AB".repeat(32)).unwrap();
        app.hashes = vec![digest, digest];
        let jinja = pkg(Ecosystem::PyPI, "jinja2", Some("3.1.2"), "poetry.lock", &[]);
        let pkgs = [app, jinja];
        let g = build(&pkgs);
        assert_eq!(g.components[0].depends_on, [1]);
        assert_eq!(g.components[0].hashes, [&digest]);
        assert_eq!(g.components[0].hashes[0].hex(), "ab".repeat(32));
        assert!(g.components.iter().all(|c| !c.dev));
    }
}
