//! An advisory as the matcher uses it: an OSV [`Record`] validated and
//! reduced to what matching and reporting need (ids, summary, severity,
//! affected entries of the ecosystems leakgate understands, each keyed by the
//! normalised package name).

use crate::inventory::Ecosystem;
use crate::vuln::names;
use crate::vuln::osv::{Event, Record};
use crate::vuln::severity::{self, Scored};
use std::collections::BTreeMap;

/// The kind of an OSV range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangeKind {
    /// `SEMVER`: SemVer 2.0 ordering.
    SemVer,
    /// `ECOSYSTEM`: the ecosystem's own ordering.
    Ecosystem,
    /// `GIT`: commit hashes; skipped (counted), never evaluated.
    Git,
    /// A type this version of the schema does not define; skipped like `GIT`.
    Unsupported(String),
}

impl RangeKind {
    fn parse(s: &str) -> RangeKind {
        match s {
            "SEMVER" => RangeKind::SemVer,
            "ECOSYSTEM" => RangeKind::Ecosystem,
            "GIT" => RangeKind::Git,
            other => RangeKind::Unsupported(other.to_string()),
        }
    }
}

/// A validated range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeSpec {
    /// Its type.
    pub kind: RangeKind,
    /// Its events, as written (the matcher sorts them).
    pub events: Vec<Event>,
}

/// One `affected[]` entry for an ecosystem leakgate checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AffectedEntry {
    /// The ecosystem.
    pub ecosystem: Ecosystem,
    /// The package name as the advisory writes it.
    pub name: String,
    /// The normalised name (index key, see [`names::normalize`]).
    pub key: String,
    /// Ranges.
    pub ranges: Vec<RangeSpec>,
    /// Explicit affected versions.
    pub versions: Vec<String>,
}

/// A loaded advisory.
#[derive(Debug, Clone, PartialEq)]
pub struct Advisory {
    /// Its id.
    pub id: String,
    /// Its aliases, as listed.
    pub aliases: Vec<String>,
    /// Summary (or the first line of the details).
    pub summary: String,
    /// Link to the advisory.
    pub url: String,
    /// Last modification time, as written (RFC 3339).
    pub modified: String,
    /// Severity.
    pub severity: Scored,
    /// Affected entries for known ecosystems.
    pub affected: Vec<AffectedEntry>,
    /// Affected entries for other ecosystems, by OSV ecosystem name (counted, reported).
    pub other_ecosystems: BTreeMap<String, usize>,
    /// Where it was read from (file, or `zip!entry`).
    pub source: String,
}

/// Why a record could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// The id is empty.
    #[error("record has an empty id")]
    EmptyId,
    /// An event object does not set exactly one of introduced/fixed/last_affected/limit.
    #[error("{id}: affected[{affected}].ranges[{range}].events[{event}] must set exactly one of introduced, fixed, last_affected, limit")]
    BadEvent {
        /// Record id.
        id: String,
        /// Index of the affected entry.
        affected: usize,
        /// Index of the range.
        range: usize,
        /// Index of the event.
        event: usize,
    },
}

impl Advisory {
    /// Validates `record` (read from `source`) into an advisory.
    pub fn from_record(record: Record, source: String) -> Result<Advisory, RecordError> {
        let id = record.id.trim().to_string();
        if id.is_empty() {
            return Err(RecordError::EmptyId);
        }
        let severity = severity::of_record(&record);
        let mut affected = Vec::new();
        let mut other_ecosystems = BTreeMap::new();
        for (ai, entry) in record.affected.iter().enumerate() {
            let mut ranges = Vec::with_capacity(entry.ranges.len());
            for (ri, range) in entry.ranges.iter().enumerate() {
                let mut events = Vec::with_capacity(range.events.len());
                for (ei, raw) in range.events.iter().enumerate() {
                    events.push(raw.event().ok_or_else(|| RecordError::BadEvent {
                        id: id.clone(),
                        affected: ai,
                        range: ri,
                        event: ei,
                    })?);
                }
                ranges.push(RangeSpec {
                    kind: RangeKind::parse(range.kind.trim()),
                    events,
                });
            }
            let Some(package) = &entry.package else {
                continue;
            };
            // `Debian:11`-style suffixed ecosystems are other distributions'
            // builds, not the upstream registry: counted, not matched.
            match Ecosystem::from_osv_name(package.ecosystem.trim()) {
                Some(ecosystem) => affected.push(AffectedEntry {
                    ecosystem,
                    key: names::normalize(ecosystem, &package.name),
                    name: package.name.clone(),
                    ranges,
                    versions: entry
                        .versions
                        .iter()
                        .map(|v| v.trim().to_string())
                        .collect(),
                }),
                None => {
                    let base = package.ecosystem.split(':').next().unwrap_or_default();
                    *other_ecosystems.entry(base.trim().to_string()).or_insert(0) += 1;
                }
            }
        }
        let url = record
            .references
            .iter()
            .find(|r| r.kind == "ADVISORY" && r.url.contains(&id))
            .map(|r| r.url.clone())
            .unwrap_or_else(|| format!("https://osv.dev/vulnerability/{id}"));
        let summary = record
            .summary
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .or_else(|| record.details.as_deref().and_then(|d| d.lines().next()))
            .map(|s| truncate(s.trim(), 200))
            .unwrap_or_default();
        Ok(Advisory {
            aliases: record
                .aliases
                .iter()
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty() && *a != id)
                .collect(),
            id,
            summary,
            url,
            modified: record.modified.unwrap_or_default(),
            severity,
            affected,
            other_ecosystems,
            source,
        })
    }
}

fn truncate(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Rank of an id as the primary id of an alias group in `ecosystem`: the
/// ecosystem's own database first (it carries the most precise ranges and the
/// curated summary), then GHSA, then CVE, then anything else.
pub fn id_rank(ecosystem: Ecosystem, id: &str) -> u8 {
    let native: &[&str] = match ecosystem {
        Ecosystem::CratesIo => &["RUSTSEC-"],
        Ecosystem::Go => &["GO-"],
        Ecosystem::PyPI => &["PYSEC-"],
        Ecosystem::RubyGems => &["RUBYSEC-"],
        Ecosystem::Npm | Ecosystem::Packagist | Ecosystem::Maven | Ecosystem::NuGet => &[],
    };
    if native.iter().any(|p| id.starts_with(p)) {
        0
    } else if id.starts_with("GHSA-") {
        1
    } else if id.starts_with("CVE-") {
        2
    } else {
        3
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(json: &str) -> Record {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn reduces_a_record() {
        let a = Advisory::from_record(
            record(
                r#"{"id":"RUSTSEC-1","aliases":["CVE-1","RUSTSEC-1"],"details":"First line\nmore",
                "references":[{"type":"ADVISORY","url":"https://x/CVE-1"},{"type":"ADVISORY","url":"https://r/RUSTSEC-1.html"}],
                "affected":[
                  {"package":{"ecosystem":"crates.io","name":"Foo"},"versions":[" 1.0.0 "],
                   "ranges":[{"type":"GIT","repo":"r","events":[{"introduced":"abc"}]}]},
                  {"package":{"ecosystem":"Debian:11","name":"foo"}},
                  {"package":{"ecosystem":"Debian:12","name":"foo"}}]}"#,
            ),
            "f.json".into(),
        )
        .unwrap();
        assert_eq!(a.aliases, vec!["CVE-1"]);
        assert_eq!(a.summary, "First line");
        assert_eq!(a.url, "https://r/RUSTSEC-1.html");
        assert_eq!(a.affected.len(), 1);
        assert_eq!(a.affected[0].key, "Foo");
        assert_eq!(a.affected[0].versions, vec!["1.0.0"]);
        assert_eq!(a.affected[0].ranges[0].kind, RangeKind::Git);
        assert_eq!(a.other_ecosystems.get("Debian"), Some(&2));
    }

    #[test]
    fn rejects_bad_events_naming_the_place() {
        let err = Advisory::from_record(
            record(
                r#"{"id":"X","affected":[{"package":{"ecosystem":"npm","name":"a"},
                "ranges":[{"type":"SEMVER","events":[{"introduced":"0","fixed":"1"}]}]}]}"#,
            ),
            "f.json".into(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "X: affected[0].ranges[0].events[0] must set exactly one of introduced, fixed, last_affected, limit"
        );
    }

    #[test]
    fn primary_id_ranking() {
        assert_eq!(id_rank(Ecosystem::CratesIo, "RUSTSEC-2019-0009"), 0);
        assert_eq!(id_rank(Ecosystem::CratesIo, "GHSA-xxxx"), 1);
        assert_eq!(id_rank(Ecosystem::PyPI, "CVE-2020-1"), 2);
        assert_eq!(id_rank(Ecosystem::PyPI, "GO-2020-1"), 3);
        assert_eq!(id_rank(Ecosystem::Go, "GO-2020-1"), 0);
    }
}
