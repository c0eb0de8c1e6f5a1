//! Serde model of an OSV record (<https://ossf.github.io/osv-schema/>), the
//! interchange format every advisory source we read speaks.
//!
//! Only the fields matching and reporting need are modelled; everything else
//! (`details`, `credits`, `ecosystem_specific`, ...) is skipped by serde, which
//! keeps loading fast and memory small. The same model reads JSON and YAML
//! (PyPA's database is OSV-as-YAML); version strings stay strings, so an
//! unquoted YAML `1.10` is not turned into the number `1.1`.

use serde::Deserialize;

/// One OSV record as published.
#[derive(Debug, Clone, Deserialize)]
pub struct Record {
    /// Advisory id (`RUSTSEC-2019-0009`, `GO-2021-0113`, `PYSEC-2018-28`, `GHSA-…`).
    pub id: String,
    /// RFC 3339 time of the last modification; used to pick the newest copy
    /// when several sources carry the same id.
    #[serde(default)]
    pub modified: Option<String>,
    /// Present when the advisory was withdrawn: such records are skipped.
    #[serde(default)]
    pub withdrawn: Option<String>,
    /// Other ids of the same vulnerability.
    #[serde(default, deserialize_with = "null_as_default")]
    pub aliases: Vec<String>,
    /// One-line summary.
    #[serde(default)]
    pub summary: Option<String>,
    /// Longer description: only its first line is kept, as a summary fallback.
    #[serde(default)]
    pub details: Option<String>,
    /// Record-level severities (CVSS vectors).
    #[serde(default, deserialize_with = "null_as_default")]
    pub severity: Vec<SeverityScore>,
    /// Affected packages and versions.
    #[serde(default, deserialize_with = "null_as_default")]
    pub affected: Vec<Affected>,
    /// Links; the `ADVISORY` one becomes the finding URL.
    #[serde(default, deserialize_with = "null_as_default")]
    pub references: Vec<Reference>,
    /// Database-specific data (GHSA puts its `severity` word here).
    #[serde(default)]
    pub database_specific: Option<serde_json::Value>,
}

/// A `severity[]` entry: a scoring system and its vector.
#[derive(Debug, Clone, Deserialize)]
pub struct SeverityScore {
    /// `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// The vector (or, for non-CVSS types, a word).
    pub score: String,
}

/// The package an `affected[]` entry is about.
#[derive(Debug, Clone, Deserialize)]
pub struct AffectedPackage {
    /// OSV ecosystem, possibly with a suffix (`Debian:11`, `Ubuntu:22.04:LTS`).
    pub ecosystem: String,
    /// Package name as the ecosystem spells it.
    pub name: String,
}

/// One `affected[]` entry.
#[derive(Debug, Clone, Deserialize)]
pub struct Affected {
    /// Which package (absent in some GIT-only records).
    #[serde(default)]
    pub package: Option<AffectedPackage>,
    /// Version ranges.
    #[serde(default, deserialize_with = "null_as_default")]
    pub ranges: Vec<Range>,
    /// Explicitly enumerated affected versions.
    #[serde(default, deserialize_with = "null_as_default")]
    pub versions: Vec<String>,
    /// Per-package severities (OSV 1.5+), used when the record has none.
    #[serde(default, deserialize_with = "null_as_default")]
    pub severity: Vec<SeverityScore>,
    /// Per-package database-specific data.
    #[serde(default)]
    pub database_specific: Option<serde_json::Value>,
}

/// One `ranges[]` entry: a type and a timeline of events.
#[derive(Debug, Clone, Deserialize)]
pub struct Range {
    /// `SEMVER`, `ECOSYSTEM` or `GIT`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The timeline, in any order.
    #[serde(default, deserialize_with = "null_as_default")]
    pub events: Vec<RawEvent>,
}

/// An event object as written: exactly one of the fields must be set
/// (checked by [`RawEvent::event`]).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawEvent {
    /// Start of an affected span (`"0"`: since the beginning).
    #[serde(default)]
    pub introduced: Option<String>,
    /// First unaffected version after a span.
    #[serde(default)]
    pub fixed: Option<String>,
    /// Last affected version of a span (inclusive).
    #[serde(default)]
    pub last_affected: Option<String>,
    /// Upper bound of the whole range (`"*"`: none).
    #[serde(default)]
    pub limit: Option<String>,
}

/// A validated event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// `introduced`.
    Introduced(String),
    /// `fixed`.
    Fixed(String),
    /// `last_affected`.
    LastAffected(String),
    /// `limit`.
    Limit(String),
}

impl Event {
    /// The version string the event carries.
    pub fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }
}

impl RawEvent {
    /// The event, or `None` when the object does not set exactly one field.
    pub fn event(&self) -> Option<Event> {
        match (
            &self.introduced,
            &self.fixed,
            &self.last_affected,
            &self.limit,
        ) {
            (Some(v), None, None, None) => Some(Event::Introduced(v.clone())),
            (None, Some(v), None, None) => Some(Event::Fixed(v.clone())),
            (None, None, Some(v), None) => Some(Event::LastAffected(v.clone())),
            (None, None, None, Some(v)) => Some(Event::Limit(v.clone())),
            _ => None,
        }
    }
}

/// A `references[]` entry.
#[derive(Debug, Clone, Deserialize)]
pub struct Reference {
    /// `ADVISORY`, `WEB`, `FIX`, `PACKAGE`, ...
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The link.
    #[serde(default)]
    pub url: String,
}

/// Accepts an explicit `null` (seen in real exports) as the empty default.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_record_parses_with_nulls_and_unknown_fields() {
        let r: Record = serde_json::from_str(
            r#"{"id":"X-1","aliases":null,"details":"d","credits":[{"name":"a"}],
                "affected":[{"package":{"ecosystem":"crates.io","name":"a"},
                "ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.0"}]}]}]}"#,
        )
        .unwrap();
        assert_eq!(r.id, "X-1");
        assert!(r.aliases.is_empty());
        let events: Vec<_> = r.affected[0].ranges[0]
            .events
            .iter()
            .map(|e| e.event().unwrap())
            .collect();
        assert_eq!(
            events,
            vec![Event::Introduced("0".into()), Event::Fixed("1.0.0".into())]
        );
    }

    #[test]
    fn yaml_versions_stay_strings() {
        let r: Record = serde_yaml_ng::from_str(
            "id: PYSEC-1\naffected:\n- package: {name: a, ecosystem: PyPI}\n  versions:\n  - 1.10\n  - 2\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: 0\n    - fixed: 1.20\n",
        )
        .unwrap();
        assert_eq!(r.affected[0].versions, vec!["1.10", "2"]);
        assert_eq!(
            r.affected[0].ranges[0].events[1].event(),
            Some(Event::Fixed("1.20".into()))
        );
    }

    #[test]
    fn events_with_two_keys_or_none_are_rejected() {
        let two = RawEvent {
            introduced: Some("0".into()),
            fixed: Some("1".into()),
            ..RawEvent::default()
        };
        assert_eq!(two.event(), None);
        assert_eq!(RawEvent::default().event(), None);
    }
}
