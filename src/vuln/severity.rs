//! Severity of an advisory: from its CVSS vectors when it has any, else from
//! the publisher's word (`database_specific.severity`, GHSA's
//! LOW/MODERATE/HIGH/CRITICAL), else [`Severity::Unknown`] — which gating
//! treats as failing unless `--unscored-pass`, so a missing score never turns
//! into a silent pass.
//!
//! CVSS v3.0, v3.1 and v4.0 are scored by the `cvss` crate (2.2 supports
//! exactly those). It has no CVSS v2, so v2 base scores are computed here from
//! the formula in section 3.2.1 of the CVSS v2 guide (FIRST, 2007): a dozen
//! constants, not worth a dependency. When a record carries several vectors,
//! the newest CVSS version wins (that is the one the publisher maintains),
//! and among equals the highest score.

use crate::finding::Severity;
use crate::vuln::osv::{Record, SeverityScore};
use std::str::FromStr;

/// An advisory's severity and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// The severity used for reporting and gating.
    pub severity: Severity,
    /// The CVSS vector it was computed from, if any.
    pub vector: Option<String>,
    /// The CVSS base score, if any.
    pub score: Option<f64>,
    /// What the severity rests on.
    pub basis: Basis,
}

/// What a severity rests on, for reports that say where a score came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Basis {
    /// A CVSS vector of the given major version (2, 3, 4).
    Cvss(u8),
    /// The publisher's word in `database_specific.severity`.
    DatabaseSpecific,
    /// A RustSec informational advisory (unmaintained crate, notice).
    Informational,
    /// Nothing: the advisory is unscored.
    Unscored,
}

impl Basis {
    /// The name used in reports: `cvss_v3`, `database_specific`, `informational`, `unscored`.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Cvss(2) => "cvss_v2",
            Basis::Cvss(3) => "cvss_v3",
            Basis::Cvss(_) => "cvss_v4",
            Basis::DatabaseSpecific => "database_specific",
            Basis::Informational => "informational",
            Basis::Unscored => "unscored",
        }
    }
}

impl Scored {
    /// No score at all.
    pub fn unscored() -> Scored {
        Scored {
            severity: Severity::Unknown,
            vector: None,
            score: None,
            basis: Basis::Unscored,
        }
    }
}

/// Maps a CVSS base score to a severity: critical ≥ 9, high ≥ 7, medium ≥ 4,
/// low > 0, and `Info` for 0 (no impact).
pub fn from_score(score: f64) -> Severity {
    if score >= 9.0 {
        Severity::Critical
    } else if score >= 7.0 {
        Severity::High
    } else if score >= 4.0 {
        Severity::Medium
    } else if score > 0.0 {
        Severity::Low
    } else {
        Severity::Info
    }
}

/// Scores one vector of the given OSV severity type (`CVSS_V2`, `CVSS_V3`,
/// `CVSS_V4`): the CVSS version rank (2, 3, 4) and the base score, or `None`
/// when the type is not CVSS or the vector does not parse.
pub fn score_vector(kind: &str, vector: &str) -> Option<(u8, f64)> {
    match kind {
        "CVSS_V3" | "CVSS_V4" => {
            let parsed = cvss::Cvss::from_str(vector.trim()).ok()?;
            let rank = if kind == "CVSS_V4" { 4 } else { 3 };
            Some((rank, parsed.score()))
        }
        "CVSS_V2" => cvss_v2_base_score(vector).map(|s| (2, s)),
        _ => None,
    }
}

/// The severity of a record.
pub fn of_record(record: &Record) -> Scored {
    let vectors = record
        .severity
        .iter()
        .chain(record.affected.iter().flat_map(|a| a.severity.iter()));
    if let Some(best) = best_vector(vectors) {
        return best;
    }
    let words = std::iter::once(record.database_specific.as_ref())
        .chain(record.affected.iter().map(|a| a.database_specific.as_ref()))
        .flatten()
        .filter_map(|v| v.get("severity").and_then(|s| s.as_str()))
        .filter_map(Severity::parse);
    // RustSec marks advisories that are not vulnerabilities as such with
    // `database_specific.informational`. An unmaintained crate or a notice
    // carries no score by nature, so it is `Info` rather than `Unknown`:
    // `--fail-on low` (or higher) lets it pass while the default
    // `--fail-on any` still reports and fails on it. `unsound` stays
    // `Unknown`: a soundness bug is a memory-safety bug without a score.
    if let Some(word) = words.max() {
        return Scored {
            severity: word,
            vector: None,
            score: None,
            basis: Basis::DatabaseSpecific,
        };
    }
    match informational_kind(record) {
        Some("unmaintained" | "notice") => Scored {
            severity: Severity::Info,
            vector: None,
            score: None,
            basis: Basis::Informational,
        },
        _ => Scored::unscored(),
    }
}

/// The kind of an informational advisory (`unmaintained`, `unsound`,
/// `notice`, ...), from RustSec's `database_specific.informational` on the
/// record or any of its `affected` entries; `None` for a vulnerability.
pub fn informational_kind(record: &Record) -> Option<&str> {
    std::iter::once(record.database_specific.as_ref())
        .chain(record.affected.iter().map(|a| a.database_specific.as_ref()))
        .flatten()
        .filter_map(|v| v.get("informational").and_then(|s| s.as_str()))
        .find(|s| !s.is_empty())
}

fn best_vector<'a>(entries: impl Iterator<Item = &'a SeverityScore>) -> Option<Scored> {
    let mut best: Option<(u8, f64, &str)> = None;
    for entry in entries {
        if let Some((rank, score)) = score_vector(&entry.kind, &entry.score) {
            let better = match best {
                None => true,
                Some((r, s, _)) => (rank, score) > (r, s),
            };
            if better {
                best = Some((rank, score, entry.score.trim()));
            }
        }
    }
    best.map(|(rank, score, vector)| Scored {
        severity: from_score(score),
        vector: Some(vector.to_string()),
        score: Some(score),
        basis: Basis::Cvss(rank),
    })
}

type OptF64x6 = (
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    Option<f64>,
);

/// CVSS v2 base score (CVSS v2 guide, 3.2.1). Accepts `AV:N/AC:L/Au:N/C:P/I:P/A:P`,
/// optionally in parentheses or prefixed `CVSS:2.0/`; temporal and
/// environmental metrics are ignored; every base metric must be present once.
fn cvss_v2_base_score(vector: &str) -> Option<f64> {
    let body = vector.trim().trim_start_matches('(').trim_end_matches(')');
    let body = body.strip_prefix("CVSS:2.0/").unwrap_or(body);
    let (mut av, mut ac, mut au, mut c, mut i, mut a): OptF64x6 =
        (None, None, None, None, None, None);
    for part in body.split('/') {
        let (metric, value) = part.split_once(':')?;
        let impact = |v: &str| match v {
            "N" => Some(0.0),
            "P" => Some(0.275),
            "C" => Some(0.660),
            _ => None,
        };
        let slot = match metric {
            "AV" => &mut av,
            "AC" => &mut ac,
            "Au" => &mut au,
            "C" => &mut c,
            "I" => &mut i,
            "A" => &mut a,
            _ => continue,
        };
        if slot.is_some() {
            return None;
        }
        *slot = Some(match metric {
            "AV" => match value {
                "L" => 0.395,
                "A" => 0.646,
                "N" => 1.0,
                _ => return None,
            },
            "AC" => match value {
                "H" => 0.35,
                "M" => 0.61,
                "L" => 0.71,
                _ => return None,
            },
            "Au" => match value {
                "M" => 0.45,
                "S" => 0.56,
                "N" => 0.704,
                _ => return None,
            },
            _ => impact(value)?,
        });
    }
    let (av, ac, au, c, i, a) = (av?, ac?, au?, c?, i?, a?);
    let impact = 10.41 * (1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a));
    let exploitability = 20.0 * av * ac * au;
    let f_impact = if impact == 0.0 { 0.0 } else { 1.176 };
    let score = ((0.6 * impact) + (0.4 * exploitability) - 1.5) * f_impact;
    Some((score * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(json: &str) -> Record {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn thresholds() {
        assert_eq!(from_score(9.8), Severity::Critical);
        assert_eq!(from_score(9.0), Severity::Critical);
        assert_eq!(from_score(8.9), Severity::High);
        assert_eq!(from_score(7.0), Severity::High);
        assert_eq!(from_score(4.0), Severity::Medium);
        assert_eq!(from_score(3.9), Severity::Low);
        assert_eq!(from_score(0.1), Severity::Low);
        assert_eq!(from_score(0.0), Severity::Info);
    }

    #[test]
    fn cvss_v3_and_v4_vectors_are_scored() {
        assert_eq!(
            score_vector("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            Some((3, 9.8))
        );
        assert_eq!(
            score_vector(
                "CVSS_V4",
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
            ),
            Some((4, 9.3))
        );
        assert_eq!(score_vector("CVSS_V3", "CVSS:3.1/AV:bogus"), None);
        assert_eq!(score_vector("Ubuntu", "high"), None);
    }

    #[test]
    fn cvss_v2_matches_nvd_scores() {
        // Scores as published by NVD for these vectors.
        assert_eq!(
            score_vector("CVSS_V2", "AV:N/AC:L/Au:N/C:P/I:P/A:P"),
            Some((2, 7.5))
        );
        assert_eq!(
            score_vector("CVSS_V2", "(AV:N/AC:M/Au:N/C:N/I:P/A:N)"),
            Some((2, 4.3))
        );
        assert_eq!(
            score_vector("CVSS_V2", "AV:N/AC:L/Au:N/C:C/I:C/A:C"),
            Some((2, 10.0))
        );
        assert_eq!(
            score_vector("CVSS_V2", "AV:L/AC:L/Au:N/C:N/I:N/A:N"),
            Some((2, 0.0))
        );
        assert_eq!(score_vector("CVSS_V2", "AV:N/AC:L/Au:N/C:P/I:P"), None);
        assert_eq!(
            score_vector("CVSS_V2", "AV:N/AV:L/AC:L/Au:N/C:P/I:P/A:P"),
            None
        );
    }

    #[test]
    fn newest_cvss_version_wins() {
        let r = record(
            r#"{"id":"X","severity":[
                {"type":"CVSS_V4","score":"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N"},
                {"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]}"#,
        );
        let s = of_record(&r);
        assert_eq!(s.severity, Severity::Medium);
        assert_eq!(s.score, Some(6.9));
        assert_eq!(s.basis.as_str(), "cvss_v4");
        assert!(s.vector.unwrap().starts_with("CVSS:4.0/"));
    }

    #[test]
    fn database_specific_word_then_unknown() {
        let r = record(r#"{"id":"X","database_specific":{"severity":"MODERATE"}}"#);
        assert_eq!(of_record(&r).severity, Severity::Medium);
        assert_eq!(of_record(&r).vector, None);
        assert_eq!(of_record(&r).basis, Basis::DatabaseSpecific);
        let r = record(r#"{"id":"X","affected":[{"database_specific":{"severity":"CRITICAL"}}]}"#);
        assert_eq!(of_record(&r).severity, Severity::Critical);
        let r = record(r#"{"id":"X","severity":[{"type":"CVSS_V3","score":"garbage"}]}"#);
        assert_eq!(of_record(&r).severity, Severity::Unknown);
    }

    #[test]
    fn rustsec_unmaintained_and_notices_are_info_unsound_stays_unknown() {
        let r = record(
            r#"{"id":"RUSTSEC-2020-0016","affected":[{"database_specific":{"informational":"unmaintained","cvss":null}}]}"#,
        );
        assert_eq!(informational_kind(&r), Some("unmaintained"));
        assert_eq!(of_record(&r).severity, Severity::Info);
        let r =
            record(r#"{"id":"X","affected":[{"database_specific":{"informational":"unsound"}}]}"#);
        assert_eq!(of_record(&r).severity, Severity::Unknown);
        let r = record(
            r#"{"id":"RUSTSEC-2021-0001","affected":[{"database_specific":{"informational":null}}]}"#,
        );
        assert_eq!(informational_kind(&r), None);
        assert_eq!(of_record(&r).severity, Severity::Unknown);
    }
}
