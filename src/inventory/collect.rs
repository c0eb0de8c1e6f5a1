//! Turning a parser's raw entries into [`Package`]s: one per (name,
//! version) in a lockfile, with the merge rules every format shares.

use super::shared::{fast_hash, FastMap, Interner};
use super::{Digest, Ecosystem, Package, PackageRef, SharedStr, SourceLocation};
use std::borrow::Cow;
use std::collections::HashMap;

/// One occurrence of a package in a lockfile, as a parser reads it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Entry {
    /// Name as the ecosystem spells it.
    pub name: String,
    /// Pinned version, if any.
    pub version: Option<String>,
    /// 1-based line of the entry.
    pub line: u32,
    /// File holding the entry when it is not the lockfile itself (a
    /// requirements include).
    pub file: Option<String>,
    /// Declared by the project.
    pub direct: bool,
    /// Only needed for development.
    pub dev: bool,
    /// Dependencies.
    pub dependencies: Vec<PackageRef>,
    /// Integrity digests.
    pub hashes: Vec<Digest>,
    /// SPDX licence expression.
    pub license: Option<SharedStr>,
}

impl Entry {
    /// An entry with no flags, dependencies or hashes yet.
    pub(crate) fn new(name: impl Into<String>, version: Option<String>, line: u32) -> Self {
        Entry {
            name: name.into(),
            version,
            line,
            ..Entry::default()
        }
    }
}

/// The name under which two spellings are the same package: PyPI names
/// compare by PEP 503 normalisation, NuGet ids case-insensitively, Composer
/// names lower-cased; others exactly.
pub(crate) fn identity(ecosystem: Ecosystem, name: &str) -> String {
    identity_cow(ecosystem, name).into_owned()
}

/// [`identity`], borrowing `name` when it is already the identity.
fn identity_cow(ecosystem: Ecosystem, name: &str) -> Cow<'_, str> {
    match ecosystem {
        Ecosystem::PyPI => Cow::Owned(pep503(name)),
        Ecosystem::NuGet | Ecosystem::Packagist => Cow::Owned(name.to_ascii_lowercase()),
        _ => Cow::Borrowed(name),
    }
}

/// PEP 503 normalised project name: lower-case, runs of `-`, `_`, `.` as one `-`.
pub(crate) fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_dash = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            pending_dash = true;
            continue;
        }
        if pending_dash && !out.is_empty() {
            out.push('-');
        }
        pending_dash = false;
        out.extend(c.to_lowercase());
    }
    out
}

/// Accumulates entries and deduplicates them.
///
/// The index holds a hash of (identity, version) per package, not copies of
/// the strings: on a 1M-package lockfile that is 16 bytes a package instead
/// of two more allocations. Two different keys with one hash are told apart
/// by comparing with the package itself, and the later one goes to
/// `overflow` (keyed by the strings).
pub(crate) struct Collector {
    ecosystem: Ecosystem,
    file: SharedStr,
    packages: Vec<Package>,
    index: FastMap<u64, usize>,
    overflow: HashMap<(String, Option<String>), usize>,
    /// One shared copy of each licence and each include's path.
    strings: Interner,
}

impl Collector {
    /// A collector for packages of `ecosystem` found in `file`.
    pub(crate) fn new(ecosystem: Ecosystem, file: &str) -> Self {
        Self::with_capacity(ecosystem, file, 0)
    }

    /// [`Collector::new`] with room for `capacity` packages.
    pub(crate) fn with_capacity(ecosystem: Ecosystem, file: &str, capacity: usize) -> Self {
        Collector {
            ecosystem,
            file: SharedStr::from(file),
            packages: Vec::with_capacity(capacity),
            index: FastMap::with_capacity_and_hasher(capacity, Default::default()),
            overflow: HashMap::new(),
            strings: Interner::default(),
        }
    }

    /// The index of the package already collected under (`name`, `version`).
    fn find(&self, hash: u64, identity: &str, version: Option<&str>) -> Option<usize> {
        let &i = self.index.get(&hash)?;
        let p = &self.packages[i];
        if p.version.as_deref() == version && identity_cow(self.ecosystem, &p.name) == identity {
            return Some(i);
        }
        self.overflow
            .get(&(identity.to_string(), version.map(str::to_string)))
            .copied()
    }

    /// Adds an entry, merging it into an earlier occurrence of the same
    /// (name, version): direct if either is, dev only if both are.
    pub(crate) fn push(&mut self, entry: Entry) {
        let identity = identity_cow(self.ecosystem, &entry.name);
        let hash = fast_hash(&(&*identity, entry.version.as_deref()));
        if let Some(i) = self.find(hash, &identity, entry.version.as_deref()) {
            let p = &mut self.packages[i];
            p.direct |= entry.direct;
            p.dev &= entry.dev;
            p.dependencies.extend(entry.dependencies);
            for h in entry.hashes {
                if !p.hashes.contains(&h) {
                    p.hashes.push(h);
                }
            }
            if p.license.is_none() {
                p.license = entry.license.map(|l| self.strings.get(&l));
            }
            return;
        }
        let at = self.packages.len();
        match self.index.entry(hash) {
            std::collections::hash_map::Entry::Occupied(_) => {
                self.overflow
                    .insert((identity.into_owned(), entry.version.clone()), at);
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(at);
            }
        }
        let mut hashes = entry.hashes;
        if hashes.len() > 1 {
            let mut unique: Vec<Digest> = Vec::with_capacity(hashes.len());
            for h in hashes {
                if !unique.contains(&h) {
                    unique.push(h);
                }
            }
            hashes = unique;
        }
        let file = match entry.file {
            Some(f) => self.strings.get(&f),
            None => self.file.clone(),
        };
        let license = entry.license.map(|l| self.strings.get(&l));
        // A `collect`ed list has room for four: exact lists keep a
        // 1M-package lockfile's inventory a third smaller.
        hashes.shrink_to_fit();
        let mut dependencies = entry.dependencies;
        dependencies.shrink_to_fit();
        self.packages.push(Package {
            ecosystem: self.ecosystem,
            name: entry.name,
            version: entry.version,
            source_purl: None,
            direct: entry.direct,
            dev: entry.dev,
            dependencies,
            location: SourceLocation {
                file,
                line: entry.line,
            },
            hashes,
            license,
        });
    }

    /// The packages, in lockfile order (file, line, then name and version),
    /// dependency lists sorted and deduplicated.
    pub(crate) fn finish(self) -> Vec<Package> {
        let Collector {
            file,
            mut packages,
            index,
            overflow,
            ..
        } = self;
        drop((index, overflow));
        for p in &mut packages {
            p.dependencies.sort();
            p.dependencies.dedup();
            p.dependencies.shrink_to_fit();
            p.hashes.shrink_to_fit();
        }
        // Nearly always one file: then the (costly, equal) file names need no comparing.
        let one_file = packages.iter().all(|p| p.location.file == file);
        // No two packages compare equal (same name and version are one
        // package), so an unstable sort gives the one order, in place.
        packages.sort_unstable_by(|a, b| {
            let by_file = if one_file {
                std::cmp::Ordering::Equal
            } else {
                a.location.file.cmp(&b.location.file)
            };
            by_file
                .then(a.location.line.cmp(&b.location.line))
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| a.version.cmp(&b.version))
        });
        packages
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_pypi_names() {
        assert_eq!(pep503("Django_Rest.Framework"), "django-rest-framework");
        assert_eq!(pep503("a--_b"), "a-b");
        assert_eq!(pep503("requests"), "requests");
    }

    #[test]
    fn merges_duplicates() {
        let mut c = Collector::new(Ecosystem::Npm, "package-lock.json");
        let mut a = Entry::new("lodash", Some("4.17.20".into()), 10);
        a.dev = true;
        let mut b = Entry::new("lodash", Some("4.17.20".into()), 40);
        b.direct = true;
        b.dev = false;
        b.hashes = vec![Digest::from_hex("SHA-1", &"00".repeat(20)).unwrap()];
        c.push(a);
        c.push(b);
        let mut d = Entry::new("lodash", Some("4.17.21".into()), 5);
        d.dev = true;
        c.push(d);
        let got = c.finish();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].version.as_deref(), Some("4.17.21"));
        assert!(got[0].dev);
        let merged = &got[1];
        assert_eq!(merged.location.line, 10);
        assert!(merged.direct);
        assert!(!merged.dev);
        assert_eq!(merged.hashes.len(), 1);
        assert_eq!(merged.purl(), "pkg:npm/lodash@4.17.20");
    }

    #[test]
    fn pypi_spellings_are_one_package() {
        let mut c = Collector::new(Ecosystem::PyPI, "requirements.txt");
        c.push(Entry::new("Django", Some("3.0.0".into()), 1));
        c.push(Entry::new("django", Some("3.0.0".into()), 2));
        let got = c.finish();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].name, "Django");
    }
}
