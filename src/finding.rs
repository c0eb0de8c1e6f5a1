//! The one finding type every scanner in leakgate produces.
//!
//! Secret scans, dependency checks and SBOM checks all end in a [`Finding`]:
//! one schema (`leakgate/findings/v1`), one set of reporters, one exit-code
//! policy. A finding never carries a secret in clear unless the caller asked
//! for it explicitly (`--no-redact`): [`SecretInfo::value`] is `None` by
//! default and [`redact`] produces the only form that reaches reports.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// The strings findings share: a rule's id, title and help, a blob's path,
/// a commit's id, author and message are one reference-counted copy however
/// many findings carry them (a scan may hold hundreds of thousands).
pub use crate::inventory::shared::SharedStr;

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingKind {
    /// A credential or key found in content or a path.
    Secret,
    /// A known vulnerability in a dependency.
    Vulnerability,
    /// A dependency whose licence a `--deny-license` / `--allow-license`
    /// policy forbids (or cannot verify).
    License,
    /// A misconfigured permission in infrastructure or CI code (`leakgate policy`).
    Policy,
}

/// How bad a finding is. Ordered: `Critical > High > Medium > Low > Info`;
/// `Unknown` sorts lowest but gating treats it specially (see `vuln`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// No score available.
    Unknown,
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium (GHSA "MODERATE").
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// The lower-case name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Unknown => "unknown",
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Parses a severity name (case-insensitive; `moderate` is `medium`).
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s.to_ascii_lowercase().as_str() {
            "unknown" => Severity::Unknown,
            "info" | "informational" | "none" => Severity::Info,
            "low" => Severity::Low,
            "medium" | "moderate" => Severity::Medium,
            "high" => Severity::High,
            "critical" => Severity::Critical,
            _ => return None,
        })
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a finding is: a file position, and for git sources the commit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Path relative to the scan root (or repository root for git sources),
    /// with `/` separators. `-` for stdin.
    pub path: SharedStr,
    /// 1-based line of the start of the match (0 when not applicable).
    pub line: u32,
    /// 1-based column (in bytes) of the start of the secret (0 when not applicable).
    pub column: u32,
    /// 1-based last line of the match, when it spans several lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    /// Commit that introduced the content (git sources only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<SharedStr>,
    /// Commit author name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<SharedStr>,
    /// Commit author email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<SharedStr>,
    /// Commit author date, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<SharedStr>,
    /// First line of the commit message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<SharedStr>,
    /// Further commits the same secret appears in (`--all-commits`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_commits: Vec<String>,
}

/// The secret part of a secret finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretInfo {
    /// Redacted form, safe for any output (see [`redact`]).
    pub redacted: String,
    /// Shannon entropy of the secret, bits per byte.
    pub entropy: f64,
    /// How sure the finding is (`high`: valid checksum; `medium`: distinctive
    /// format; `low`: context-keyed or generic). `None` for path-only rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<crate::rules::Confidence>,
    /// The secret in clear: only with `--no-redact`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// The package a vulnerability finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageInfo {
    /// OSV ecosystem name (`crates.io`, `npm`, `PyPI`, `Go`, ...).
    pub ecosystem: String,
    /// Package name as written in the lockfile.
    pub name: String,
    /// Installed version.
    pub version: String,
    /// Package URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
}

/// The vulnerability part of a vulnerability finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VulnerabilityInfo {
    /// Primary advisory id (e.g. `RUSTSEC-2023-0001`, `GHSA-…`, `GO-…`).
    pub id: String,
    /// Every other id the same advisory is known by (CVE, GHSA, ...).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// One-line summary.
    #[serde(default)]
    pub summary: String,
    /// The affected package as installed.
    pub package: PackageInfo,
    /// Versions that fix it, as listed by the advisory.
    #[serde(default)]
    pub fixed_versions: Vec<String>,
    /// The smallest fixed version above the installed one: the suggested upgrade.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggested_fix: Option<String>,
    /// CVSS vector the severity was computed from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvss_vector: Option<String>,
    /// CVSS base score, if a vector was available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvss_score: Option<f64>,
    /// Advisory URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// True when only dev/test dependencies pull the package in.
    #[serde(default)]
    pub dev: bool,
    /// Where the severity came from (`None` for unscored advisories).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity_source: Option<SeveritySource>,
    /// For a transitive package: the chain of packages that brings it in,
    /// from a direct dependency down to the package itself (`name@version`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependency_path: Vec<String>,
}

// --- dependency triage and licence findings (vuln owner) ---

/// Where a vulnerability finding's severity came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeveritySource {
    /// The record the score was read from.
    pub id: String,
    /// `cvss_v2`, `cvss_v3`, `cvss_v4`, `database_specific` or `informational`.
    pub basis: String,
    /// True when `id` is an alias record (a GHSA or CVE record in the
    /// database) rather than one of the advisories that match the package.
    #[serde(default)]
    pub alias: bool,
}

impl Fingerprint {
    /// Fingerprint of a licence finding: policy rule, package, version, lockfile path.
    pub fn license(rule: &str, ecosystem: &str, name: &str, version: &str, path: &str) -> String {
        Self::of(&[
            b"license",
            rule.as_bytes(),
            ecosystem.as_bytes(),
            name.as_bytes(),
            version.as_bytes(),
            path.as_bytes(),
        ])
    }
}

// --- end of dependency triage block ---

/// One finding, in the `leakgate/findings/v1` schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Secret or vulnerability.
    pub kind: FindingKind,
    /// Rule id (secrets) or advisory id (vulnerabilities).
    pub rule_id: SharedStr,
    /// Human title: the rule description or the advisory summary.
    pub title: SharedStr,
    /// Severity.
    pub severity: Severity,
    /// Stable, content-based identity (see [`Fingerprint`]).
    pub fingerprint: String,
    /// Where.
    pub location: Location,
    /// Secret details (secret findings only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<SecretInfo>,
    /// Vulnerability details (vulnerability findings only). Boxed: a secret
    /// scan may hold hundreds of thousands of findings, and an inline
    /// `VulnerabilityInfo` would more than double each one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vulnerability: Option<Box<VulnerabilityInfo>>,
    /// What to do about it.
    #[serde(default)]
    pub help: SharedStr,
}

/// Content-based finding identity: survives line moves and reformatting, is
/// the same in directory, staged, range and history scans, and reveals
/// nothing about the secret beyond a salted hash.
pub struct Fingerprint;

impl Fingerprint {
    /// Fingerprint of a secret: `sha256("leakgate/v1\0" rule \0 path \0 secret)`,
    /// hex, first 32 digits (128 bits: collision-free in practice, short in a file).
    pub fn secret(rule_id: &str, path: &str, secret: &[u8]) -> String {
        Self::of(&[rule_id.as_bytes(), path.as_bytes(), secret])
    }

    /// Fingerprint of a vulnerability finding: advisory id, package, version, lockfile path.
    pub fn vulnerability(
        id: &str,
        ecosystem: &str,
        name: &str,
        version: &str,
        path: &str,
    ) -> String {
        Self::of(&[
            id.as_bytes(),
            ecosystem.as_bytes(),
            name.as_bytes(),
            version.as_bytes(),
            path.as_bytes(),
        ])
    }

    /// Fingerprint of a policy finding: check id, path and the element's
    /// stable identity in the file (resource address and field), not its line.
    pub fn policy(check_id: &str, path: &str, subject: &str) -> String {
        Self::of(&[
            b"policy",
            check_id.as_bytes(),
            path.as_bytes(),
            subject.as_bytes(),
        ])
    }

    fn of(parts: &[&[u8]]) -> String {
        let mut h = Sha256::new();
        h.update(b"leakgate/v1");
        for p in parts {
            h.update([0u8]);
            h.update(p);
        }
        let digest = h.finalize();
        let mut out = String::with_capacity(32);
        for b in &digest[..16] {
            out.push_str(&format!("{b:02x}"));
        }
        out
    }
}

/// Formats the first 16 bytes of a content hash as a UUID with the given
/// version nibble (5 for name-based, 8 for custom) and the RFC 9562 variant
/// bits: the stable, content-derived ids of SBOM serial numbers and GitLab
/// report entries.
pub fn content_uuid(digest: &[u8; 16], version: u8) -> String {
    let mut b = *digest;
    b[6] = (b[6] & 0x0f) | (version << 4);
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Redacts a secret for display: the first four characters (fewer for short
/// secrets, none below 8) followed by `…`. Never reveals more than a third of
/// the secret, and never its end (where checksums live).
pub fn redact(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    let keep = match chars.len() {
        0..=7 => 0,
        8..=11 => 2,
        _ => 4,
    };
    let mut out: String = chars[..keep].iter().collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_never_shows_short_secrets_or_tails() {
        assert_eq!(redact("ghp_abcdefghijklmnopqrstuvwxyz0123456789"), "ghp_…");
        assert_eq!(redact("hunter2"), "…");
        assert_eq!(redact("12345678"), "12…");
        assert_eq!(redact(""), "…");
        assert_eq!(redact("ééééééééééééé"), "éééé…");
    }

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        let a = Fingerprint::secret("github-pat", "src/a.rs", b"ghp_x");
        assert_eq!(a, Fingerprint::secret("github-pat", "src/a.rs", b"ghp_x"));
        assert_eq!(a.len(), 32);
        assert_ne!(a, Fingerprint::secret("github-pat", "src/b.rs", b"ghp_x"));
        assert_ne!(a, Fingerprint::secret("github-pa", "tsrc/a.rs", b"ghp_x"));
    }

    #[test]
    fn content_uuids_carry_version_and_variant() {
        let u = content_uuid(&[0xff; 16], 5);
        assert_eq!(u, "ffffffff-ffff-5fff-bfff-ffffffffffff");
        assert_eq!(
            content_uuid(&[0; 16], 8),
            "00000000-0000-8000-8000-000000000000"
        );
    }

    #[test]
    fn findings_stay_compact() {
        // 300k findings must fit in well under 300 MB: keep the inline
        // part small (large, rare parts are boxed).
        assert!(
            std::mem::size_of::<Finding>() <= 360,
            "{}",
            std::mem::size_of::<Finding>()
        );
    }

    #[test]
    fn severity_orders_and_parses() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Low > Severity::Unknown);
        assert_eq!(Severity::parse("MODERATE"), Some(Severity::Medium));
        assert_eq!(Severity::parse("bogus"), None);
    }
}
