//! The in-memory vulnerability database: advisories from several sources
//! merged, deduplicated by id (newest `modified` wins), withdrawn ones
//! dropped, and indexed by (ecosystem, normalised package name) so matching a
//! package costs one hash lookup.
//!
//! Loading never fails because of one bad record: a malformed record becomes
//! a [`LoadWarning`] naming its file (and is counted); only unusable sources
//! (missing path, unreadable zip, zip over the safety limits) and an empty
//! result are errors, so a broken database can never read as "no vulnerabilities".

use crate::inventory::Ecosystem;
use crate::vuln::advisory::{Advisory, AffectedEntry};
use crate::vuln::source::{self, Harvest};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Hint appended to every "no database" error.
pub const HINT: &str =
    "run `leakgate db update` to download the OSV database, or pass --db DIR|ZIP";

/// An error that makes the database unusable.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A source path does not exist.
    #[error("OSV database not found at {}: {HINT}", path.display())]
    NotFound {
        /// The path.
        path: PathBuf,
    },
    /// A source could not be read.
    #[error("cannot read OSV database {}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A directory could not be walked.
    #[error("cannot walk OSV database directory {}: {message}", path.display())]
    Walk {
        /// The directory.
        path: PathBuf,
        /// The cause.
        message: String,
    },
    /// A zip is not a readable archive.
    #[error("cannot read OSV zip {}: {message}", path.display())]
    Zip {
        /// The zip.
        path: PathBuf,
        /// The cause.
        message: String,
    },
    /// A zip exceeds the safety limits (a zip bomb, or not an OSV export).
    #[error("OSV zip {} rejected: {message}", path.display())]
    ZipLimit {
        /// The zip.
        path: PathBuf,
        /// Which limit.
        message: String,
    },
    /// The sources hold no usable advisory.
    #[error("OSV database at {paths} holds no advisories ({malformed} malformed records): {HINT}")]
    Empty {
        /// The sources, comma-separated.
        paths: String,
        /// Malformed records seen.
        malformed: usize,
    },
}

/// A record that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadWarning {
    /// The file (or `zip!entry`).
    pub source: String,
    /// What was wrong.
    pub message: String,
}

/// Counters of a load.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadStats {
    /// Record files and zip entries read.
    pub inputs: usize,
    /// Advisories kept (after deduplication).
    pub advisories_loaded: usize,
    /// Withdrawn records skipped.
    pub records_withdrawn: usize,
    /// Records that did not parse or validate.
    pub records_malformed: usize,
    /// Records whose id was already loaded from another source.
    pub records_duplicate: usize,
    /// Zip entries that are not record files.
    pub entries_skipped: usize,
    /// Advisories per ecosystem (an advisory touching two counts in both).
    pub per_ecosystem: BTreeMap<Ecosystem, usize>,
    /// `affected[]` entries for ecosystems leakgate does not check, by name.
    pub other_ecosystems: BTreeMap<String, usize>,
}

/// The loaded database.
#[derive(Debug, Default)]
pub struct Database {
    advisories: Vec<Advisory>,
    index: HashMap<(Ecosystem, String), Vec<(u32, u32)>>,
    /// Position of each id in `advisories`, for deduplication across sources.
    ids: HashMap<String, usize>,
    stats: LoadStats,
    warnings: Vec<LoadWarning>,
}

impl Database {
    /// Loads and merges every source (directories, zips, record files).
    pub fn load(paths: &[PathBuf]) -> Result<Database, DbError> {
        let mut harvest = Harvest::default();
        for path in paths {
            source::read_path(path, &mut harvest)?;
        }
        let db = Database::from_harvest(harvest);
        if db.advisories.is_empty() {
            return Err(DbError::Empty {
                paths: paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                malformed: db.stats.records_malformed,
            });
        }
        Ok(db)
    }

    /// Builds a database from already-validated advisories (tests, benchmarks,
    /// embedders with their own storage). Duplicated ids keep the newest.
    pub fn from_advisories(advisories: impl IntoIterator<Item = Advisory>) -> Database {
        let mut db = Database::default();
        for advisory in advisories {
            db.insert(advisory);
        }
        db.build_index();
        db
    }

    fn from_harvest(harvest: Harvest) -> Database {
        let mut db = Database::default();
        db.stats.inputs = harvest.inputs;
        db.stats.entries_skipped = harvest.entries_skipped;
        for parsed in harvest.records {
            let (record, source) = match parsed {
                Ok(ok) => ok,
                Err(warning) => {
                    db.stats.records_malformed += 1;
                    db.warnings.push(warning);
                    continue;
                }
            };
            if record.withdrawn.is_some() {
                db.stats.records_withdrawn += 1;
                continue;
            }
            match Advisory::from_record(record, source.clone()) {
                Ok(advisory) => db.insert(advisory),
                Err(e) => {
                    db.stats.records_malformed += 1;
                    db.warnings.push(LoadWarning {
                        source,
                        message: e.to_string(),
                    });
                }
            }
        }
        db.build_index();
        db
    }

    fn insert(&mut self, advisory: Advisory) {
        match self.ids.get(&advisory.id) {
            Some(&i) => {
                self.stats.records_duplicate += 1;
                let existing = &mut self.advisories[i];
                if advisory.modified > existing.modified {
                    *existing = advisory;
                }
            }
            None => {
                self.ids.insert(advisory.id.clone(), self.advisories.len());
                self.advisories.push(advisory);
            }
        }
    }

    fn build_index(&mut self) {
        self.index.clear();
        let mut stats = std::mem::take(&mut self.stats);
        stats.per_ecosystem.clear();
        stats.other_ecosystems.clear();
        for (ai, advisory) in self.advisories.iter().enumerate() {
            let mut seen: Vec<Ecosystem> = Vec::new();
            for (ei, entry) in advisory.affected.iter().enumerate() {
                self.index
                    .entry((entry.ecosystem, entry.key.clone()))
                    .or_default()
                    .push((ai as u32, ei as u32));
                if !seen.contains(&entry.ecosystem) {
                    seen.push(entry.ecosystem);
                    *stats.per_ecosystem.entry(entry.ecosystem).or_insert(0) += 1;
                }
            }
            for (name, n) in &advisory.other_ecosystems {
                *stats.other_ecosystems.entry(name.clone()).or_insert(0) += n;
            }
        }
        stats.advisories_loaded = self.advisories.len();
        self.stats = stats;
    }

    /// The affected entries for a package: (advisory, entry) pairs, in load order.
    /// `key` must be normalised with [`crate::vuln::names::normalize`].
    pub fn lookup(
        &self,
        ecosystem: Ecosystem,
        key: &str,
    ) -> impl Iterator<Item = (&Advisory, &AffectedEntry)> + '_ {
        self.index
            .get(&(ecosystem, key.to_string()))
            .into_iter()
            .flatten()
            .filter_map(|&(a, e)| {
                let advisory = self.advisories.get(a as usize)?;
                Some((advisory, advisory.affected.get(e as usize)?))
            })
    }

    /// The advisory with this id, if loaded (alias records are looked up
    /// this way to borrow their severity).
    pub fn get(&self, id: &str) -> Option<&Advisory> {
        self.ids.get(id).and_then(|&i| self.advisories.get(i))
    }

    /// The newest `modified` time among the loaded records, as written
    /// (RFC 3339; `None` when no record carries one). This is how old the
    /// data is, whatever the files' modification times say.
    pub fn newest_modified(&self) -> Option<&str> {
        self.advisories
            .iter()
            .map(|a| a.modified.as_str())
            .filter(|m| !m.is_empty())
            .max_by(|a, b| compare_rfc3339(a, b))
    }

    /// Every advisory.
    pub fn advisories(&self) -> &[Advisory] {
        &self.advisories
    }

    /// Load counters.
    pub fn stats(&self) -> &LoadStats {
        &self.stats
    }

    /// Records that were skipped as malformed, with the reason.
    pub fn warnings(&self) -> &[LoadWarning] {
        &self.warnings
    }
}

/// Orders two RFC 3339 times by the instant they denote; strings that do
/// not parse sort below those that do (then by text, deterministically).
pub fn compare_rfc3339(a: &str, b: &str) -> std::cmp::Ordering {
    let parse = |s: &str| {
        time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339).ok()
    };
    match (parse(a), parse(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Greater,
        (None, Some(_)) => std::cmp::Ordering::Less,
        (None, None) => a.cmp(b),
    }
}

/// The default database location: `$XDG_CACHE_HOME/leakgate/osv`, else
/// `$HOME/.cache/leakgate/osv`; `None` when neither variable is set.
pub fn default_dir() -> Option<PathBuf> {
    let non_empty = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    non_empty("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| non_empty("HOME").map(|h| Path::new(&h).join(".cache")))
        .map(|base| base.join("leakgate").join("osv"))
}
