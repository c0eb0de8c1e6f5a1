//! Dependency-graph facts some lockfiles leave implicit.
//!
//! pnpm v9, uv and yarn record which packages the project asks for (and
//! which of those only for development) but not whether a transitive
//! package is dev-only: that follows from reachability. Lockfiles that do
//! not record the project's own requirements at all (yarn without its
//! `package.json`, composer.lock, poetry.lock) get their direct packages
//! from the graph's roots.

use super::collect::identity;
use super::{Package, PackageRef};
use std::collections::HashMap;

/// Resolves [`PackageRef`]s to package indices.
pub(crate) struct Resolver {
    exact: HashMap<(String, String), usize>,
    by_name: HashMap<String, Vec<usize>>,
}

impl Resolver {
    pub(crate) fn new(packages: &[Package]) -> Self {
        let mut exact = HashMap::new();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in packages.iter().enumerate() {
            let name = identity(p.ecosystem, &p.name);
            if let Some(v) = &p.version {
                exact.entry((name.clone(), v.clone())).or_insert(i);
            }
            by_name.entry(name).or_default().push(i);
        }
        Resolver { exact, by_name }
    }

    /// The packages a reference may denote: the exact (name, version) when
    /// locked, otherwise every version of the name.
    pub(crate) fn resolve(&self, packages: &[Package], r: &PackageRef) -> Vec<usize> {
        let Some(first) = packages.first() else {
            return Vec::new();
        };
        let name = identity(first.ecosystem, &r.name);
        if let Some(v) = &r.version {
            if let Some(&i) = self.exact.get(&(name.clone(), v.clone())) {
                return vec![i];
            }
        }
        self.by_name.get(&name).cloned().unwrap_or_default()
    }
}

/// Sets `dev` on every package from reachability: whatever a non-dev
/// direct package needs (transitively) is not dev; everything else that a
/// dev direct package needs is dev. Packages reachable from no direct
/// package keep their flag.
pub(crate) fn propagate_dev(packages: &mut [Package]) {
    let resolver = Resolver::new(packages);
    let reach = |starts: Vec<usize>| -> Vec<bool> {
        let mut seen = vec![false; packages.len()];
        let mut stack = starts;
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            for r in &packages[i].dependencies {
                stack.extend(
                    resolver
                        .resolve(packages, r)
                        .into_iter()
                        .filter(|&j| !seen[j]),
                );
            }
        }
        seen
    };
    let prod_roots = (0..packages.len())
        .filter(|&i| packages[i].direct && !packages[i].dev)
        .collect();
    let dev_roots = (0..packages.len())
        .filter(|&i| packages[i].direct && packages[i].dev)
        .collect();
    let prod = reach(prod_roots);
    let dev = reach(dev_roots);
    for (i, p) in packages.iter_mut().enumerate() {
        if prod[i] {
            p.dev = false;
        } else if dev[i] {
            p.dev = true;
        }
    }
}

/// Marks as direct every package no other package of the lockfile depends
/// on: the best a lockfile without the project's own requirements allows.
pub(crate) fn roots_as_direct(packages: &mut [Package]) {
    let resolver = Resolver::new(packages);
    let mut needed = vec![false; packages.len()];
    for p in packages.iter() {
        for r in &p.dependencies {
            for j in resolver.resolve(packages, r) {
                needed[j] = true;
            }
        }
    }
    for (p, needed) in packages.iter_mut().zip(needed) {
        p.direct = !needed;
    }
}

#[cfg(test)]
mod tests {
    use super::super::collect::{Collector, Entry};
    use super::super::Ecosystem;
    use super::*;

    fn dep(name: &str, version: &str) -> PackageRef {
        PackageRef {
            name: name.into(),
            version: Some(version.into()),
        }
    }

    fn graph() -> Vec<Package> {
        let mut c = Collector::new(Ecosystem::Npm, "x");
        let mut app = Entry::new("express", Some("4.0.0".into()), 1);
        app.direct = true;
        app.dependencies = vec![dep("debug", "2.6.9")];
        let mut jest = Entry::new("jest", Some("26.0.0".into()), 2);
        jest.direct = true;
        jest.dev = true;
        jest.dependencies = vec![dep("debug", "2.6.9"), dep("chalk", "4.1.0")];
        c.push(app);
        c.push(jest);
        c.push(Entry::new("debug", Some("2.6.9".into()), 3));
        c.push(Entry::new("chalk", Some("4.1.0".into()), 4));
        c.push(Entry::new("orphan", Some("1.0.0".into()), 5));
        c.finish()
    }

    #[test]
    fn dev_follows_reachability() {
        let mut pkgs = graph();
        propagate_dev(&mut pkgs);
        let dev: Vec<(&str, bool)> = pkgs.iter().map(|p| (p.name.as_str(), p.dev)).collect();
        assert_eq!(
            dev,
            vec![
                ("express", false),
                ("jest", true),
                ("debug", false),
                ("chalk", true),
                ("orphan", false)
            ]
        );
    }

    #[test]
    fn roots_become_direct() {
        let mut pkgs = graph();
        roots_as_direct(&mut pkgs);
        let direct: Vec<&str> = pkgs
            .iter()
            .filter(|p| p.direct)
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(direct, vec!["express", "jest", "orphan"]);
    }
}
