//! Dependency paths: which direct dependency brings a transitive package in.
//!
//! A finding on a package nobody declared is only actionable with the chain
//! that pulls it in (`actix-web@4.0.0 → time@0.1.43`). The chain is computed
//! from the lockfile graph ([`Package::dependencies`], which only names
//! packages of the same lockfile): a breadth-first walk up the reverse edges
//! from the package to the nearest direct dependency, so the path is a
//! shortest one, and the walk is deterministic (lockfile order breaks ties).

use crate::inventory::Package;
use crate::vuln::names;
use std::collections::{HashMap, VecDeque};

/// Computes dependency paths for packages of one inventory, building each
/// lockfile's reverse graph once, on first use.
pub struct PathFinder<'a> {
    packages: &'a [Package],
    /// Per lockfile: the indices of its packages, and the reverse edges.
    graphs: HashMap<&'a str, Graph>,
}

struct Graph {
    /// Who depends on package i (indices into the inventory).
    dependents: HashMap<usize, Vec<usize>>,
}

impl<'a> PathFinder<'a> {
    /// A finder over `packages` (every lockfile's packages, as inventoried).
    pub fn new(packages: &'a [Package]) -> PathFinder<'a> {
        PathFinder {
            packages,
            graphs: HashMap::new(),
        }
    }

    /// The path from a direct dependency to `package` (both included, as
    /// `name@version`), or empty when the package is direct itself, is not
    /// in the inventory, or no direct package reaches it.
    pub fn path_to(&mut self, package: &Package) -> Vec<String> {
        if package.direct {
            return Vec::new();
        }
        let packages = self.packages;
        let Some(target) = packages.iter().position(|p| p == package) else {
            return Vec::new();
        };
        let file = packages[target].location.file.as_str();
        let graph = self
            .graphs
            .entry(file)
            .or_insert_with(|| build(packages, file));
        let mut parent: HashMap<usize, usize> = HashMap::new();
        let mut queue = VecDeque::from([target]);
        parent.insert(target, target);
        while let Some(i) = queue.pop_front() {
            if packages[i].direct {
                let mut path = vec![label(&packages[i])];
                let mut at = i;
                while at != target {
                    at = parent[&at];
                    path.push(label(&packages[at]));
                }
                return path;
            }
            for &d in graph.dependents.get(&i).into_iter().flatten() {
                if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(d) {
                    e.insert(i);
                    queue.push_back(d);
                }
            }
        }
        Vec::new()
    }
}

fn label(p: &Package) -> String {
    match &p.version {
        Some(v) => format!("{}@{v}", p.name),
        None => p.name.clone(),
    }
}

fn build(packages: &[Package], file: &str) -> Graph {
    let members: Vec<usize> = (0..packages.len())
        .filter(|&i| packages[i].location.file == file)
        .collect();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for &i in &members {
        let p = &packages[i];
        by_name
            .entry(names::normalize(p.ecosystem, &p.name))
            .or_default()
            .push(i);
    }
    let mut dependents: HashMap<usize, Vec<usize>> = HashMap::new();
    for &i in &members {
        let p = &packages[i];
        for r in &p.dependencies {
            let Some(candidates) = by_name.get(&names::normalize(p.ecosystem, &r.name)) else {
                continue;
            };
            // The exact version when the lockfile names one and has it,
            // else every version of the name (the lockfile did not say).
            let exact: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&j| r.version.is_some() && packages[j].version == r.version)
                .collect();
            let targets = if exact.is_empty() {
                candidates.clone()
            } else {
                exact
            };
            for j in targets {
                let list = dependents.entry(j).or_default();
                if !list.contains(&i) {
                    list.push(i);
                }
            }
        }
    }
    Graph { dependents }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{Ecosystem, PackageRef, SourceLocation};

    fn pkg(name: &str, version: &str, direct: bool, deps: &[(&str, &str)]) -> Package {
        Package {
            ecosystem: Ecosystem::CratesIo,
            name: name.into(),
            version: Some(version.into()),
            source_purl: None,
            direct,
            dev: false,
            dependencies: deps
                .iter()
                .map(|(n, v)| PackageRef {
                    name: n.to_string(),
                    version: Some(v.to_string()),
                })
                .collect(),
            location: SourceLocation {
                file: "Cargo.lock".into(),
                line: 1,
            },
            hashes: Vec::new(),
            license: None,
        }
    }

    #[test]
    fn shortest_path_from_the_nearest_direct_dependency() {
        let packages = vec![
            pkg("app-a", "1.0.0", true, &[("mid", "2.0.0")]),
            pkg("app-b", "1.0.0", true, &[("time", "0.1.43")]),
            pkg("mid", "2.0.0", false, &[("time", "0.1.43")]),
            pkg("time", "0.1.43", false, &[]),
            pkg("time", "0.3.0", false, &[]),
        ];
        let mut finder = PathFinder::new(&packages);
        assert_eq!(finder.path_to(&packages[3]), ["app-b@1.0.0", "time@0.1.43"]);
        assert_eq!(finder.path_to(&packages[2]), ["app-a@1.0.0", "mid@2.0.0"]);
        assert!(finder.path_to(&packages[0]).is_empty());
        // Nothing depends on time 0.3.0.
        assert!(finder.path_to(&packages[4]).is_empty());
    }
}
