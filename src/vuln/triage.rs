//! The compact triage view of a dependency check: one row per vulnerable
//! package (name, installed version, the version to upgrade to, advisory
//! ids, highest severity, lockfile:line, and for a transitive package the
//! direct dependency that brings it in), with unscored packages in a group
//! of their own so a team can decide on them.
//!
//! Built from the report's findings only, so it shows exactly what the JSON
//! report holds. Every cell comes from scanned data or advisory text and is
//! escaped ([`crate::escape::text`]).

use crate::escape;
use crate::finding::{Finding, Severity};
use std::io::{self, Write};

/// One table row: a vulnerable package and its advisories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// `name` (ecosystem in parentheses when the report mixes several).
    pub package: String,
    /// Installed version.
    pub installed: String,
    /// The suggested upgrade, or `none`.
    pub fixed_in: String,
    /// Primary advisory ids, sorted.
    pub ids: Vec<String>,
    /// Highest severity among them.
    pub severity: Severity,
    /// Where the severity came from, when it is an alias record's.
    pub severity_from: Option<String>,
    /// `lockfile:line`.
    pub location: String,
    /// The dependency path down to the package's parent (`a@1 > b@2`), empty for direct.
    pub via: String,
}

/// Groups vulnerability findings into rows, worst first, then by location.
pub fn rows(findings: &[Finding]) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    for f in findings {
        let Some(v) = &f.vulnerability else {
            continue;
        };
        let location = format!("{}:{}", f.location.path, f.location.line);
        // A package's unscored advisories get a row of their own in the
        // unscored group, beside its scored row.
        let unscored = f.severity == Severity::Unknown;
        let i = match rows.iter().position(|r| {
            r.location == location
                && r.package == v.package.name
                && r.installed == v.package.version
                && (r.severity == Severity::Unknown) == unscored
        }) {
            Some(i) => i,
            None => {
                let via = match v.dependency_path.split_last() {
                    Some((_, parents)) => parents.join(" > "),
                    None => String::new(),
                };
                rows.push(Row {
                    package: v.package.name.clone(),
                    installed: v.package.version.clone(),
                    fixed_in: v.suggested_fix.clone().unwrap_or_else(|| "none".into()),
                    ids: Vec::new(),
                    severity: f.severity,
                    severity_from: None,
                    location,
                    via,
                });
                rows.len() - 1
            }
        };
        let row = &mut rows[i];
        row.ids.push(v.id.clone());
        if f.severity > row.severity || row.ids.len() == 1 {
            row.severity = f.severity;
            row.severity_from = v
                .severity_source
                .as_ref()
                .filter(|s| s.alias)
                .map(|s| s.id.clone());
        }
    }
    for r in &mut rows {
        r.ids.sort();
        r.ids.dedup();
    }
    rows.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.location.cmp(&b.location))
            .then_with(|| a.package.cmp(&b.package))
    });
    rows
}

/// Writes the scored table, then the unscored group (each only when it has rows).
pub fn write_table(findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    let all = rows(findings);
    let (unscored, scored): (Vec<Row>, Vec<Row>) = all
        .into_iter()
        .partition(|r| r.severity == Severity::Unknown);
    if !scored.is_empty() {
        table(&scored, out)?;
    }
    if !unscored.is_empty() {
        if !scored.is_empty() {
            writeln!(out)?;
        }
        writeln!(
            out,
            "Unscored: no severity in any record or alias (these fail the run unless --unscored-pass):"
        )?;
        table(&unscored, out)?;
    }
    let licences: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.kind == crate::finding::FindingKind::License)
        .collect();
    if !licences.is_empty() {
        if !scored.is_empty() || !unscored.is_empty() {
            writeln!(out)?;
        }
        writeln!(out, "Licences:")?;
        for f in &licences {
            writeln!(
                out,
                "{}:{}  {}  {}",
                escape::text(&f.location.path),
                f.location.line,
                escape::text(&f.rule_id),
                escape::text(&f.title)
            )?;
        }
    }
    if !scored.is_empty() || !unscored.is_empty() || !licences.is_empty() {
        writeln!(out)?;
    }
    Ok(())
}

fn table(rows: &[Row], out: &mut dyn Write) -> io::Result<()> {
    let header = [
        "PACKAGE",
        "INSTALLED",
        "FIXED IN",
        "ADVISORIES",
        "SEVERITY",
        "LOCATION",
        "VIA",
    ];
    let cells: Vec<[String; 7]> = rows
        .iter()
        .map(|r| {
            let severity = match &r.severity_from {
                Some(id) => format!("{} (from {id})", r.severity),
                None => r.severity.to_string(),
            };
            [
                escape::text(&r.package).into_owned(),
                escape::text(&r.installed).into_owned(),
                escape::text(&r.fixed_in).into_owned(),
                escape::text(&r.ids.join(", ")).into_owned(),
                escape::text(&severity).into_owned(),
                escape::text(&r.location).into_owned(),
                escape::text(&r.via).into_owned(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut line = |row: [&str; 7]| -> io::Result<()> {
        let mut s = String::new();
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            if i + 1 == row.len() {
                s.push_str(cell);
            } else {
                s.push_str(&format!("{cell:<w$}  "));
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    line(header)?;
    for r in &cells {
        line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6]])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{FindingKind, Location, PackageInfo, SeveritySource, VulnerabilityInfo};

    fn finding(id: &str, name: &str, severity: Severity, path: &[&str]) -> Finding {
        Finding {
            kind: FindingKind::Vulnerability,
            rule_id: id.into(),
            title: "t".into(),
            severity,
            fingerprint: "f".into(),
            location: Location {
                path: "Cargo.lock".into(),
                line: 7,
                ..Location::default()
            },
            secret: None,
            vulnerability: Some(Box::new(VulnerabilityInfo {
                id: id.into(),
                aliases: Vec::new(),
                summary: String::new(),
                package: PackageInfo {
                    ecosystem: "crates.io".into(),
                    name: name.into(),
                    version: "0.1.43".into(),
                    purl: None,
                },
                fixed_versions: Vec::new(),
                suggested_fix: Some("0.2.23".into()),
                cvss_vector: None,
                cvss_score: None,
                url: None,
                dev: false,
                severity_source: (severity != Severity::Unknown).then(|| SeveritySource {
                    id: "CVE-1".into(),
                    basis: "cvss_v3".into(),
                    alias: true,
                }),
                dependency_path: path.iter().map(|p| p.to_string()).collect(),
            })),
            help: String::new().into(),
        }
    }

    #[test]
    fn one_row_per_package_and_an_unscored_group() {
        let findings = [
            finding(
                "RUSTSEC-2",
                "time",
                Severity::Medium,
                &["app@1.0.0", "time@0.1.43"],
            ),
            finding(
                "RUSTSEC-1",
                "time",
                Severity::High,
                &["app@1.0.0", "time@0.1.43"],
            ),
            finding("RUSTSEC-3", "we\x1bird", Severity::Unknown, &[]),
            finding(
                "RUSTSEC-4",
                "time",
                Severity::Unknown,
                &["app@1.0.0", "time@0.1.43"],
            ),
        ];
        let mut out = Vec::new();
        write_table(&findings, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "PACKAGE  INSTALLED  FIXED IN  ADVISORIES            SEVERITY           LOCATION      VIA\n\
             time     0.1.43     0.2.23    RUSTSEC-1, RUSTSEC-2  high (from CVE-1)  Cargo.lock:7  app@1.0.0\n\
             \n\
             Unscored: no severity in any record or alias (these fail the run unless --unscored-pass):\n\
             PACKAGE    INSTALLED  FIXED IN  ADVISORIES  SEVERITY  LOCATION      VIA\n\
             time       0.1.43     0.2.23    RUSTSEC-4   unknown   Cargo.lock:7  app@1.0.0\n\
             we\\x1bird  0.1.43     0.2.23    RUSTSEC-3   unknown   Cargo.lock:7\n\
             \n"
        );
    }
}
