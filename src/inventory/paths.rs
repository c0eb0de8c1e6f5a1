//! Dependency paths: for a transitive package, which direct dependency
//! brings it in, and through what.
//!
//! One breadth-first search from every direct package of a lockfile at
//! once gives each reachable package its shortest path from some direct
//! package (ties go to the direct package and edges that come first in
//! lockfile order, so the answer is stable). Linear in packages plus edges.

use super::graph::Resolver;
use super::Package;
use std::collections::VecDeque;

/// Shortest paths from the direct packages of one lockfile to every package
/// they reach, over [`Package::dependencies`].
#[derive(Debug, Clone)]
pub struct DependencyPaths {
    /// For each package: the package one step closer to a direct one
    /// (itself for a direct package, `None` when unreachable).
    parent: Vec<Option<usize>>,
}

impl DependencyPaths {
    /// Computes the paths for `packages`, which must be the packages of
    /// one lockfile (dependencies only name packages of the same lockfile).
    pub fn new(packages: &[Package]) -> Self {
        let resolver = Resolver::new(packages);
        let mut parent: Vec<Option<usize>> = vec![None; packages.len()];
        let mut queue = VecDeque::new();
        for (i, p) in packages.iter().enumerate() {
            if p.direct {
                parent[i] = Some(i);
                queue.push_back(i);
            }
        }
        while let Some(i) = queue.pop_front() {
            for r in &packages[i].dependencies {
                for j in resolver.resolve(packages, r) {
                    if parent[j].is_none() {
                        parent[j] = Some(i);
                        queue.push_back(j);
                    }
                }
            }
        }
        DependencyPaths { parent }
    }

    /// Indices of the path from a direct package to package `index`, both
    /// ends included (`[index]` for a direct package); `None` when no
    /// direct package reaches it (or `index` is out of range).
    pub fn path(&self, index: usize) -> Option<Vec<usize>> {
        let mut out = vec![index];
        let mut at = index;
        loop {
            let up = (*self.parent.get(at)?)?;
            if up == at {
                break;
            }
            out.push(up);
            at = up;
            if out.len() > self.parent.len() {
                // Parent links form a tree by construction; never loop.
                return None;
            }
        }
        out.reverse();
        Some(out)
    }

    /// The direct package that brings package `index` in.
    pub fn introduced_by(&self, index: usize) -> Option<usize> {
        self.path(index).and_then(|p| p.first().copied())
    }
}

/// The shortest path from a direct package to `packages[index]`, as the
/// packages along it (direct package first, the package itself last).
/// For one query; build a [`DependencyPaths`] to answer many.
pub fn dependency_path(packages: &[Package], index: usize) -> Option<Vec<&Package>> {
    let path = DependencyPaths::new(packages).path(index)?;
    Some(path.into_iter().map(|i| &packages[i]).collect())
}

#[cfg(test)]
mod tests {
    use super::super::collect::{Collector, Entry};
    use super::super::{Ecosystem, PackageRef};
    use super::*;

    fn dep(name: &str, version: &str) -> PackageRef {
        PackageRef {
            name: name.into(),
            version: Some(version.into()),
        }
    }

    #[test]
    fn shortest_path_from_a_direct_package() {
        let mut c = Collector::new(Ecosystem::Npm, "package-lock.json");
        let mut app = Entry::new("express", Some("4.0.0".into()), 1);
        app.direct = true;
        app.dependencies = vec![dep("body-parser", "1.0.0"), dep("qs", "6.0.0")];
        let mut bp = Entry::new("body-parser", Some("1.0.0".into()), 2);
        bp.dependencies = vec![dep("qs", "6.0.0"), dep("raw-body", "2.0.0")];
        let mut raw = Entry::new("raw-body", Some("2.0.0".into()), 3);
        raw.dependencies = vec![dep("bytes", "3.0.0")];
        c.push(app);
        c.push(bp);
        c.push(raw);
        c.push(Entry::new("qs", Some("6.0.0".into()), 4));
        c.push(Entry::new("bytes", Some("3.0.0".into()), 5));
        c.push(Entry::new("orphan", Some("1.0.0".into()), 6));
        let pkgs = c.finish();
        let paths = DependencyPaths::new(&pkgs);
        let names = |i: usize| -> Vec<&str> {
            paths
                .path(i)
                .unwrap()
                .into_iter()
                .map(|j| pkgs[j].name.as_str())
                .collect()
        };
        assert_eq!(names(0), vec!["express"]);
        assert_eq!(names(3), vec!["express", "qs"]);
        assert_eq!(
            names(4),
            vec!["express", "body-parser", "raw-body", "bytes"]
        );
        assert_eq!(paths.introduced_by(4), Some(0));
        assert_eq!(paths.path(5), None);
        assert_eq!(paths.path(99), None);
        let via: Vec<&str> = dependency_path(&pkgs, 2)
            .unwrap()
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(via, vec!["express", "body-parser", "raw-body"]);
    }
}
