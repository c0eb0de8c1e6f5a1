//! Turning [`VulnMatch`]es into the shared [`Finding`] type, so dependency
//! vulnerabilities travel through the same reporters, SARIF upload and
//! exit-code policy as secrets. The location is the lockfile and the line of
//! the package's entry, which SARIF renders as `region.startLine`.

use crate::finding::{Finding, FindingKind, Fingerprint, Location, PackageInfo, VulnerabilityInfo};
use crate::vuln::check::VulnMatch;

/// The finding for one match.
pub fn to_finding(m: &VulnMatch) -> Finding {
    let p = &m.package;
    let ecosystem = p.ecosystem.osv_name();
    let help = match &m.suggested_fix {
        Some(fix) => format!("Upgrade {} to {fix} or later.", p.name),
        None if m.fixed_versions.is_empty() => format!(
            "No fixed version of {} is known: remove or replace it, or record an ignore with a reason and an expiry date.",
            p.name
        ),
        None => format!(
            "Fixed in {} (none above the installed {}): check the advisory.",
            m.fixed_versions.join(", "),
            m.version
        ),
    };
    Finding {
        kind: FindingKind::Vulnerability,
        rule_id: m.id.clone(),
        title: if m.summary.is_empty() {
            format!("{} in {} {}", m.id, p.name, m.version)
        } else {
            m.summary.clone()
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
        vulnerability: Some(VulnerabilityInfo {
            id: m.id.clone(),
            aliases: m.aliases.clone(),
            summary: m.summary.clone(),
            package: PackageInfo {
                ecosystem: ecosystem.to_string(),
                name: p.name.clone(),
                version: m.version.clone(),
                purl: Some(p.purl.clone()).filter(|s| !s.is_empty()),
            },
            fixed_versions: m.fixed_versions.clone(),
            suggested_fix: m.suggested_fix.clone(),
            cvss_vector: m.severity.vector.clone(),
            cvss_score: m.severity.score,
            url: Some(m.url.clone()),
            dev: p.dev,
        }),
        help,
    }
}
