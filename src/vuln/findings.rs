//! Turning [`VulnMatch`]es into the shared [`Finding`] type, so dependency
//! vulnerabilities travel through the same reporters, SARIF upload and
//! exit-code policy as secrets. The location is the lockfile and the line of
//! the package's entry, which SARIF renders as `region.startLine`.
//! [`add_to_report`] also records the counters and warnings of a check, so
//! every command (`deps`, `sbom check`, `scan --deps`) reports the same way.

use crate::finding::{
    Finding, FindingKind, Fingerprint, Location, PackageInfo, SeveritySource, VulnerabilityInfo,
};
use crate::inventory::Package;
use crate::report::Report;
use crate::vuln::check::{CheckResult, VulnMatch};
use crate::vuln::db::Database;
use crate::vuln::fix;
use crate::vuln::paths::PathFinder;

/// Most individual malformed-record warnings listed in a report (the rest are counted).
pub const MAX_LISTED_DB_WARNINGS: usize = 20;

/// Adds a check's findings, counters (`packages`, `unpinned`,
/// `advisories_loaded`, `advisories_matched`, `records_malformed`,
/// `ranges_git_skipped`, ...; summed when the report already has them),
/// warnings and undecidable pairs to `report`. `packages` and `exclude_dev`
/// are those the check ran with: they tell which ecosystems the database
/// could not cover.
pub fn add_to_report(
    report: &mut Report,
    database: &Database,
    packages: &[Package],
    exclude_dev: bool,
    result: &CheckResult,
) {
    let load = database.stats();
    // A database without a package's ecosystem cannot clear it: say so
    // instead of reporting "no vulnerabilities".
    let mut uncovered: Vec<&str> = packages
        .iter()
        .filter(|p| !(exclude_dev && p.dev))
        .map(|p| p.ecosystem)
        .filter(|e| !load.per_ecosystem.contains_key(e))
        .map(|e| e.osv_name())
        .collect();
    uncovered.sort_unstable();
    uncovered.dedup();
    let s = &result.stats;
    let stats = &mut report.scan.stats;
    for (key, value) in [
        ("packages", s.packages),
        ("unpinned", s.unpinned),
        ("dev_excluded", s.dev_excluded),
        ("advisories_loaded", load.advisories_loaded),
        ("advisories_matched", s.advisories_matched),
        ("records_malformed", load.records_malformed),
        ("records_withdrawn", load.records_withdrawn),
        ("ranges_git_skipped", s.ranges_git_skipped),
        ("ranges_unevaluated", s.ranges_unevaluated),
        ("events_unparseable", s.events_unparseable),
        ("vulnerabilities_ignored", s.ignored),
        ("vulnerabilities_unfixed_dropped", s.unfixed_dropped),
        ("vulnerabilities", result.matches.len()),
        ("vulnerabilities_unscored", s.unscored),
        ("severity_from_alias", s.severity_from_alias),
        ("versions_unparseable", s.versions_unparseable),
        ("ecosystems_without_advisories", uncovered.len()),
    ] {
        stats.add(key, value as u64);
    }

    let warnings = &mut report.scan.warnings;
    if s.unpinned > 0 {
        warnings.push(format!(
            "{} unpinned requirements not checked (pin exact versions in a lockfile)",
            s.unpinned
        ));
    }
    for w in database.warnings().iter().take(MAX_LISTED_DB_WARNINGS) {
        warnings.push(format!("skipped OSV record {}: {}", w.source, w.message));
    }
    if database.warnings().len() > MAX_LISTED_DB_WARNINGS {
        warnings.push(format!(
            "... and {} more malformed OSV records",
            database.warnings().len() - MAX_LISTED_DB_WARNINGS
        ));
    }
    if !load.other_ecosystems.is_empty() {
        let list: Vec<String> = load
            .other_ecosystems
            .iter()
            .map(|(name, n)| format!("{name} ({n})"))
            .collect();
        warnings.push(format!(
            "advisory entries for ecosystems leakgate does not check were skipped: {}",
            list.join(", ")
        ));
    }
    if s.events_unparseable > 0 {
        warnings.push(format!(
            "{} advisory range events have versions that do not parse and were left out",
            s.events_unparseable
        ));
    }
    for ecosystem in &uncovered {
        warnings.push(format!(
            "the OSV database has no {ecosystem} advisories, so {ecosystem} packages were not checked (run `leakgate db update --ecosystem {ecosystem}`)"
        ));
    }
    if s.versions_unparseable > 0 {
        warnings.push(format!(
            "{} packages have a version that does not parse and were not matched against advisories",
            s.versions_unparseable
        ));
    }
    if s.unscored > 0 {
        warnings.push(format!(
            "{} vulnerabilities have no severity in any record or alias: they fail the run unless --unscored-pass",
            s.unscored
        ));
    }
    warnings.extend(result.warnings.iter().cloned());
    report.scan.errors.extend(result.problems.iter().cloned());
    let mut paths = PathFinder::new(packages);
    for m in &result.matches {
        let path = paths.path_to(&m.package);
        report.findings.push(finding_with_path(m, path));
    }
}

/// The finding for one match, with the dependency path that brings the
/// package in (empty for a direct dependency).
pub fn finding_with_path(m: &VulnMatch, dependency_path: Vec<String>) -> Finding {
    let mut f = to_finding(m);
    if let Some(v) = f.vulnerability.as_mut() {
        v.dependency_path = dependency_path;
    }
    f
}

/// The finding for one match.
pub fn to_finding(m: &VulnMatch) -> Finding {
    let p = &m.package;
    let ecosystem = p.ecosystem.osv_name();
    let help = fix::help_text(&p.name, &m.version, &m.advice, &m.fixed_versions);
    Finding {
        kind: FindingKind::Vulnerability,
        rule_id: m.id.clone().into(),
        title: if m.summary.is_empty() {
            format!("{} in {} {}", m.id, p.name, m.version).into()
        } else {
            m.summary.clone().into()
        },
        severity: m.severity.severity,
        fingerprint: Fingerprint::vulnerability(
            &m.id,
            ecosystem,
            &p.name,
            &m.version,
            &p.location.file,
        ),
        location: Location {
            path: p.location.file.clone(),
            line: p.location.line,
            ..Location::default()
        },
        secret: None,
        vulnerability: Some(Box::new(VulnerabilityInfo {
            id: m.id.clone(),
            aliases: m.aliases.clone(),
            summary: m.summary.clone(),
            package: PackageInfo {
                ecosystem: ecosystem.to_string(),
                name: p.name.clone(),
                version: m.version.clone(),
                purl: Some(p.purl().into_owned()).filter(|s| !s.is_empty()),
            },
            fixed_versions: m.fixed_versions.clone(),
            suggested_fix: m.suggested_fix.clone(),
            cvss_vector: m.severity.vector.clone(),
            cvss_score: m.severity.score,
            url: Some(m.url.clone()),
            dev: p.dev,
            severity_source: m.severity_source.as_ref().map(|id| SeveritySource {
                id: id.clone(),
                basis: m.severity.basis.as_str().to_string(),
                alias: m.severity_from_alias,
            }),
            dependency_path: Vec::new(),
        })),
        help: help.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;
    use crate::inventory::{Ecosystem, SourceLocation};
    use crate::vuln::fix::FixAdvice;
    use crate::vuln::severity::{Basis, Scored};

    fn vuln_match(fixed: &[&str], suggested: Option<&str>) -> VulnMatch {
        VulnMatch {
            package: Package {
                ecosystem: Ecosystem::PyPI,
                name: "requests".into(),
                version: Some("2.19.1".into()),
                source_purl: None,
                direct: true,
                dev: true,
                dependencies: Vec::new(),
                location: SourceLocation {
                    file: "requirements.txt".into(),
                    line: 2,
                },
                hashes: Vec::new(),
                license: None,
            },
            version: "2.19.1".into(),
            id: "PYSEC-2018-28".into(),
            aliases: vec!["CVE-2018-18074".into()],
            summary: String::new(),
            url: "https://osv.dev/vulnerability/PYSEC-2018-28".into(),
            severity: Scored {
                severity: Severity::High,
                vector: Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N".into()),
                score: Some(7.5),
                basis: Basis::Cvss(3),
            },
            severity_source: Some("GHSA-x84v-xcm2-53pg".into()),
            severity_from_alias: true,
            fixed_versions: fixed.iter().map(|f| f.to_string()).collect(),
            suggested_fix: suggested.map(str::to_string),
            advice: FixAdvice {
                safe_from: suggested.map(str::to_string),
                ..FixAdvice::default()
            },
            failing: true,
        }
    }

    #[test]
    fn finding_points_at_the_lockfile_entry() {
        let f = to_finding(&vuln_match(&["2.20.0"], Some("2.20.0")));
        assert_eq!(f.kind, FindingKind::Vulnerability);
        assert_eq!(f.rule_id, "PYSEC-2018-28");
        assert_eq!(f.title, "PYSEC-2018-28 in requests 2.19.1");
        assert_eq!(f.location.path, "requirements.txt");
        assert_eq!(f.location.line, 2);
        assert_eq!(f.help, "Upgrade requests to 2.20.0 or later.");
        assert_eq!(
            f.fingerprint,
            Fingerprint::vulnerability(
                "PYSEC-2018-28",
                "PyPI",
                "requests",
                "2.19.1",
                "requirements.txt"
            )
        );
        let v = f.vulnerability.unwrap();
        assert_eq!(v.cvss_score, Some(7.5));
        assert_eq!(
            v.severity_source,
            Some(SeveritySource {
                id: "GHSA-x84v-xcm2-53pg".into(),
                basis: "cvss_v3".into(),
                alias: true
            })
        );
        assert_eq!(v.package.purl.as_deref(), Some("pkg:pypi/requests@2.19.1"));
        assert!(v.dev);
    }

    #[test]
    fn help_without_a_usable_fix() {
        assert_eq!(
            to_finding(&vuln_match(&[], None)).help,
            "No fixed version of requests is known: remove or replace it, or record an ignore with a reason and an expiry date."
        );
        assert_eq!(
            to_finding(&vuln_match(&["2.0.0"], None)).help,
            "Fixed in 2.0.0 (none above the installed 2.19.1 stays fixed): check the advisory."
        );
    }
}
