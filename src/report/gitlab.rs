//! GitLab security reports: the Secret Detection report for secret findings,
//! the Dependency Scanning report for vulnerability findings and the SAST
//! report for policy findings (security report schemas v15.2.1), so merge
//! requests and the vulnerability report show leakgate's findings natively.
//! SAST is the type GitLab's own infrastructure-as-code scanning writes
//! (`artifacts:reports:sast`), so misconfigured IAM, storage, workflow and
//! Kubernetes code lands where GitLab users look for IaC findings.
//!
//! **One report type per document.** GitLab reads one type per CI artifact
//! (`artifacts:reports:secret_detection`, `:dependency_scanning`, `:sast`),
//! so a report cannot mix kinds. The type is chosen as follows:
//! - any secret finding → `secret_detection`, with only the secret findings;
//!   vulnerability findings in the same report are left out and a `warn`
//!   scan message says how many (run `leakgate deps --format gitlab` for them:
//!   a leaked credential must never be hidden behind a dependency report);
//! - else any vulnerability finding → `dependency_scanning`;
//! - else any policy finding → `sast`;
//! - no findings → by `scan.command` (`deps`/`sbom-check` → dependency
//!   scanning, `policy` → SAST, anything else → secret detection).
//!
//! Policy findings are never left out: a report that mixes them with secret
//! or vulnerability findings (`scan --policy`) is refused with an error that
//! says which command writes their SAST report.
//!
//! Schema points honoured: `scan.start_time`/`end_time` are UTC without zone
//! (`YYYY-MM-DDTHH:MM:SS`, the schema's pattern); secret locations require a
//! commit, so findings outside git get GitLab's own placeholder sha
//! `0000000`; every vulnerability has a stable, UUID-shaped id and at least
//! one identifier; `raw_source_code_extract` is never written (it would carry
//! the secret in clear).

use super::stream::{LazySeq, Splice};
use super::text::position;
use super::{information_uri, shown_secret, RenderOptions, Report};
use crate::finding::{Finding, FindingKind, Severity};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::io::{self, Write};
use time::macros::format_description;
use time::{Duration, OffsetDateTime, UtcOffset};

/// Security report schema version written.
const SCHEMA_VERSION: &str = "15.2.1";
/// Commit sha GitLab's own analyzers use for content scanned outside git.
const NO_COMMIT: &str = "0000000";
/// Longest `name` the schema accepts.
const NAME_MAX: usize = 255;
/// Longest `solution` the schema accepts.
const SOLUTION_MAX: usize = 7000;

/// The two report types leakgate writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReportType {
    SecretDetection,
    DependencyScanning,
    Sast,
}

impl ReportType {
    fn name(self) -> &'static str {
        match self {
            ReportType::SecretDetection => "secret_detection",
            ReportType::DependencyScanning => "dependency_scanning",
            ReportType::Sast => "sast",
        }
    }

    fn schema_file(self) -> &'static str {
        match self {
            ReportType::SecretDetection => "secret-detection-report-format.json",
            ReportType::DependencyScanning => "dependency-scanning-report-format.json",
            ReportType::Sast => "sast-report-format.json",
        }
    }

    fn kind(self) -> FindingKind {
        match self {
            ReportType::SecretDetection => FindingKind::Secret,
            ReportType::DependencyScanning => FindingKind::Vulnerability,
            ReportType::Sast => FindingKind::Policy,
        }
    }

    /// See the module documentation for the rule.
    fn for_report(report: &Report) -> ReportType {
        let has = |k| report.findings.iter().any(|f| f.kind == k);
        let deps_command =
            report.scan.command.contains("deps") || report.scan.command.contains("sbom");
        if has(FindingKind::Secret) {
            ReportType::SecretDetection
        } else if has(FindingKind::Vulnerability) {
            ReportType::DependencyScanning
        } else if has(FindingKind::Policy) || report.scan.command == "policy" {
            ReportType::Sast
        } else if deps_command {
            ReportType::DependencyScanning
        } else {
            ReportType::SecretDetection
        }
    }
}

/// Writes the GitLab report, pretty-printed; refuses (an `InvalidInput`
/// error, nothing written) a report whose policy findings would not fit.
pub(super) fn write(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    if let Some(reason) = refusal(report) {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, reason));
    }
    let kind = ReportType::for_report(report);
    let included: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.kind == kind.kind())
        .collect();
    // Each vulnerability is built as it is written (see `super::stream`):
    // the same bytes as serializing `document`, without a JSON tree of all.
    let doc = Splice {
        map: skeleton(report, opts),
        key: "vulnerabilities",
        value: LazySeq {
            items: &included,
            item: |f: &&Finding| vulnerability(kind, f),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// One entry of `vulnerabilities` in a report of type `kind`.
fn vulnerability(kind: ReportType, f: &Finding) -> Value {
    match kind {
        ReportType::SecretDetection => secret(f),
        ReportType::DependencyScanning => dependency(f),
        ReportType::Sast => sast(f),
    }
}

/// Why `report` cannot be one GitLab report without dropping findings:
/// policy findings next to secret or vulnerability findings.
fn refusal(report: &Report) -> Option<String> {
    let policy = report
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::Policy)
        .count();
    let kind = ReportType::for_report(report);
    (policy > 0 && kind != ReportType::Sast).then(|| {
        format!(
            "{policy} policy finding(s) belong in a GitLab SAST report, the other findings in a {} report, \
             and one GitLab report holds one type: run `leakgate policy -f gitlab` for the policy findings \
             and this command without --policy for the rest",
            kind.name()
        )
    })
}

/// The GitLab report as a JSON value (see [`refusal`] for the one shape
/// [`write`] does not accept): what [`write`] streams.
#[cfg(test)]
pub(super) fn document(report: &Report, opts: &RenderOptions) -> Value {
    let kind = ReportType::for_report(report);
    let vulnerabilities: Vec<Value> = report
        .findings
        .iter()
        .filter(|f| f.kind == kind.kind())
        .map(|f| vulnerability(kind, f))
        .collect();
    let mut doc = skeleton(report, opts);
    doc.insert("vulnerabilities".into(), Value::Array(vulnerabilities));
    Value::Object(doc)
}

/// The document without its `vulnerabilities`.
fn skeleton(report: &Report, opts: &RenderOptions) -> Map<String, Value> {
    let kind = ReportType::for_report(report);
    let left_out: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.kind != kind.kind())
        .collect();
    let mut messages: Vec<Value> = report
        .scan
        .errors
        .iter()
        .map(|p| json!({ "level": "warn", "value": format!("{}: {}", p.path, p.message) }))
        .collect();
    messages.extend(
        report
            .scan
            .warnings
            .iter()
            .map(|w| json!({ "level": "warn", "value": w })),
    );
    messages.extend(left_out_messages(kind, &left_out));

    let end = opts
        .finished_at
        .unwrap_or_else(OffsetDateTime::now_utc)
        .to_offset(UtcOffset::UTC);
    let millis = i64::try_from(report.scan.duration_ms).unwrap_or(i64::MAX);
    let start = end
        .checked_sub(Duration::milliseconds(millis))
        .unwrap_or(end);

    let mut scanner = component(report);
    if let (Some(uri), Some(obj)) = (information_uri(), scanner.as_object_mut()) {
        obj.insert("url".into(), json!(uri));
    }
    let mut scan = Map::new();
    scan.insert("analyzer".into(), component(report));
    scan.insert("scanner".into(), scanner);
    scan.insert("type".into(), json!(kind.name()));
    scan.insert("start_time".into(), json!(timestamp(start)));
    scan.insert("end_time".into(), json!(timestamp(end)));
    scan.insert("status".into(), json!("success"));
    if !messages.is_empty() {
        scan.insert("messages".into(), Value::Array(messages));
    }

    let mut doc = Map::new();
    doc.insert("version".into(), json!(SCHEMA_VERSION));
    doc.insert(
        "schema".into(),
        json!(format!(
            "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v{SCHEMA_VERSION}/dist/{}",
            kind.schema_file()
        )),
    );
    doc.insert("scan".into(), Value::Object(scan));
    doc
}

/// leakgate as analyzer and scanner (it is both).
fn component(report: &Report) -> Value {
    json!({
        "id": report.tool.name,
        "name": report.tool.name,
        "version": report.tool.version,
        "vendor": { "name": report.tool.name },
    })
}

/// `YYYY-MM-DDTHH:MM:SS` in UTC, the only form the schema's pattern accepts.
fn timestamp(t: OffsetDateTime) -> String {
    let fmt = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    t.format(&fmt).unwrap_or_else(|_| {
        // Only years outside 0..=9999 fail to format; clamp rather than fail.
        "9999-12-31T23:59:59".to_string()
    })
}

fn secret(f: &Finding) -> Value {
    let loc = &f.location;
    let mut commit = Map::new();
    commit.insert(
        "sha".into(),
        json!(loc
            .commit
            .as_deref()
            .filter(|c| !c.is_empty())
            .unwrap_or(NO_COMMIT)),
    );
    for (key, value) in [
        ("author", &loc.author),
        ("date", &loc.date),
        ("message", &loc.message),
    ] {
        if let Some(v) = value {
            commit.insert(key.into(), json!(v));
        }
    }
    let mut location = Map::new();
    location.insert("file".into(), json!(loc.path));
    if loc.line > 0 {
        location.insert("start_line".into(), json!(loc.line));
        location.insert(
            "end_line".into(),
            json!(loc.end_line.unwrap_or(loc.line).max(loc.line)),
        );
    }
    location.insert("commit".into(), Value::Object(commit));

    let mut description = format!("{} found at {}", f.title, position(loc));
    if let Some(s) = &f.secret {
        description.push_str(&format!(": {}", shown_secret(s)));
        if let Some(c) = s.confidence {
            description.push_str(&format!(" (confidence {c})"));
        }
    }
    if let Some(c) = &loc.commit {
        description.push_str(&format!(" (commit {c})"));
    }
    let solution = if f.help.is_empty() {
        "Revoke or rotate the secret at its provider, then remove it from the code and from the git history."
    } else {
        f.help.as_str()
    };
    json!({
        "id": uuid(ReportType::SecretDetection, f),
        "category": ReportType::SecretDetection.name(),
        "name": truncate(&f.title, NAME_MAX),
        "description": description,
        "severity": severity(f.severity),
        "solution": truncate(solution, SOLUTION_MAX),
        "identifiers": [{
            "type": "leakgate_rule_id",
            "name": truncate(&format!("leakgate rule ID {}", f.rule_id), NAME_MAX),
            "value": f.rule_id,
        }],
        "location": location,
    })
}

/// One `warn` message per kind of finding this report type has no place
/// for, naming the kind and where to see those findings.
fn left_out_messages(kind: ReportType, left_out: &[&Finding]) -> Vec<Value> {
    let here = kind.name().replace('_', " ");
    let mut out = Vec::new();
    for (k, what, remedy) in [
        (
            FindingKind::Vulnerability,
            "vulnerability",
            "run `leakgate deps --format gitlab` for a dependency scanning report",
        ),
        (
            FindingKind::License,
            "licence",
            "use --format json or sarif to see them",
        ),
        (
            FindingKind::Policy,
            "policy",
            "run `leakgate policy --format gitlab` for a SAST report",
        ),
        (
            FindingKind::Secret,
            "secret",
            "run `leakgate scan --format gitlab` for a secret detection report",
        ),
    ] {
        let n = left_out.iter().filter(|f| f.kind == k).count();
        if n > 0 {
            out.push(json!({
                "level": "warn",
                "value": format!("{n} {what} finding(s) are not in this {here} report; {remedy}"),
            }));
        }
    }
    out
}

/// A policy finding as a SAST vulnerability: the check as identifier, the
/// offending line as location, the finding's help (what was found and what
/// to change) as solution.
fn sast(f: &Finding) -> Value {
    let loc = &f.location;
    let mut location = Map::new();
    location.insert("file".into(), json!(loc.path));
    if loc.line > 0 {
        location.insert("start_line".into(), json!(loc.line));
        location.insert(
            "end_line".into(),
            json!(loc.end_line.unwrap_or(loc.line).max(loc.line)),
        );
    }
    let mut identifiers = vec![json!({
        "type": "leakgate_policy_check",
        "name": truncate(&format!("leakgate policy check {}", f.rule_id), NAME_MAX),
        "value": f.rule_id,
    })];
    let check = crate::policy::find_check(&f.rule_id);
    if let Some(url) = check.and_then(|c| c.references.first()) {
        if let Some(obj) = identifiers[0].as_object_mut() {
            obj.insert("url".into(), json!(url));
        }
    }
    let mut description = format!("{} at {}", f.title, position(loc));
    if let Some(c) = check {
        description.push_str(&format!(". {}", c.rationale));
    }
    let mut vuln = json!({
        "id": uuid(ReportType::Sast, f),
        "category": ReportType::Sast.name(),
        "name": truncate(&f.title, NAME_MAX),
        "description": description,
        "severity": severity(f.severity),
        "identifiers": identifiers,
        "location": location,
    });
    if let Some(obj) = vuln.as_object_mut() {
        if !f.help.is_empty() {
            obj.insert("solution".into(), json!(truncate(&f.help, SOLUTION_MAX)));
        }
        let links: Vec<Value> = check
            .map(|c| c.references.iter().map(|u| json!({ "url": u })).collect())
            .unwrap_or_default();
        if !links.is_empty() {
            obj.insert("links".into(), Value::Array(links));
        }
    }
    vuln
}

fn dependency(f: &Finding) -> Value {
    let loc = &f.location;
    let (package, version, mut identifiers, links, solution, description) = match &f.vulnerability {
        Some(v) => {
            let mut ids = vec![identifier(&v.id, v.url.as_deref())];
            ids.extend(
                v.aliases
                    .iter()
                    .filter(|a| **a != v.id)
                    .map(|a| identifier(a, None)),
            );
            let links: Vec<Value> = v.url.iter().map(|u| json!({ "url": u })).collect();
            let solution = match &v.suggested_fix {
                Some(fix) => format!("Upgrade {} to {fix} or later.", v.package.name),
                None if !v.fixed_versions.is_empty() => format!(
                    "Upgrade {} to a fixed version: {}.",
                    v.package.name,
                    v.fixed_versions.join(", ")
                ),
                None => format!("No fixed version of {} is published.", v.package.name),
            };
            let summary = if v.summary.is_empty() {
                f.title.as_str()
            } else {
                v.summary.as_str()
            };
            let mut description = format!(
                "{summary}\n\n{} {} ({}) in {}",
                v.package.name,
                v.package.version,
                v.package.ecosystem,
                position(loc)
            );
            if v.dev {
                description.push_str(", development dependency only");
            }
            (
                v.package.name.clone(),
                v.package.version.clone(),
                ids,
                links,
                solution,
                description,
            )
        }
        None => (
            f.rule_id.to_string(),
            String::new(),
            Vec::new(),
            Vec::new(),
            f.help.to_string(),
            f.title.to_string(),
        ),
    };
    identifiers.push(json!({
        "type": "leakgate_rule_id",
        "name": truncate(&format!("leakgate advisory {}", f.rule_id), NAME_MAX),
        "value": f.rule_id,
    }));
    let mut vuln = json!({
        "id": uuid(ReportType::DependencyScanning, f),
        "category": ReportType::DependencyScanning.name(),
        "name": truncate(&f.title, NAME_MAX),
        "description": description,
        "severity": severity(f.severity),
        "identifiers": identifiers,
        "location": {
            "file": loc.path,
            "dependency": { "package": { "name": package }, "version": version },
        },
    });
    if let Some(obj) = vuln.as_object_mut() {
        if !solution.is_empty() {
            obj.insert("solution".into(), json!(truncate(&solution, SOLUTION_MAX)));
        }
        if !links.is_empty() {
            obj.insert("links".into(), Value::Array(links));
        }
    }
    vuln
}

/// An advisory identifier, typed by its id's prefix, with a link to the
/// advisory's canonical page.
fn identifier(id: &str, url: Option<&str>) -> Value {
    let upper = id.to_ascii_uppercase();
    let (kind, default_url) = if upper.starts_with("CVE-") {
        ("cve", format!("https://nvd.nist.gov/vuln/detail/{upper}"))
    } else if upper.starts_with("GHSA-") {
        ("ghsa", format!("https://github.com/advisories/{id}"))
    } else {
        let kind = match upper.split('-').next() {
            Some("RUSTSEC") => "rustsec",
            Some("PYSEC") => "pysec",
            Some("GO") => "go",
            _ => "osv",
        };
        (kind, format!("https://osv.dev/vulnerability/{id}"))
    };
    json!({
        "type": kind,
        "name": truncate(id, NAME_MAX),
        "value": id,
        "url": url.map(str::to_string).unwrap_or(default_url),
    })
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Info => "Info",
        Severity::Unknown => "Unknown",
    }
}

/// A UUID-shaped id (version 8, "custom") hashed from what makes the
/// occurrence unique, so the same finding keeps its id across pipelines.
fn uuid(kind: ReportType, f: &Finding) -> String {
    let loc = &f.location;
    let mut h = Sha256::new();
    for part in [
        kind.name(),
        &f.rule_id,
        &f.fingerprint,
        &loc.path,
        &loc.line.to_string(),
        &loc.column.to_string(),
        loc.commit.as_deref().unwrap_or(""),
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let mut b = [0u8; 16];
    b.copy_from_slice(&h.finalize()[..16]);
    crate::finding::content_uuid(&b, 8)
}

/// At most `max` characters (the schema counts characters, not bytes).
fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_streamed_report_is_the_whole_value() {
        let opts = RenderOptions {
            color: false,
            finished_at: Some(datetime!(2024-05-01 10:00:07 UTC)),
        };
        let report = super::super::stream::sample_report();
        let mut out = Vec::new();
        write(&report, &opts, &mut out).unwrap();
        let doc = document(&report, &opts);
        let whole = serde_json::to_string_pretty(&doc).unwrap() + "\n";
        assert_eq!(String::from_utf8(out).unwrap(), whole);
        assert_eq!(doc["vulnerabilities"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn timestamps_match_the_schema_pattern() {
        assert_eq!(
            timestamp(datetime!(2024-05-01 10:00:07 UTC)),
            "2024-05-01T10:00:07"
        );
        assert_eq!(
            timestamp(datetime!(2024-05-01 12:00:07 +02:00).to_offset(UtcOffset::UTC)),
            "2024-05-01T10:00:07"
        );
    }

    #[test]
    fn identifiers_are_typed_and_linked() {
        assert_eq!(
            identifier("CVE-2023-1234", None),
            json!({"type": "cve", "name": "CVE-2023-1234", "value": "CVE-2023-1234",
                   "url": "https://nvd.nist.gov/vuln/detail/CVE-2023-1234"})
        );
        assert_eq!(identifier("GHSA-abcd-efgh-ijkl", None)["type"], "ghsa");
        assert_eq!(identifier("RUSTSEC-2023-0001", None)["type"], "rustsec");
        assert_eq!(
            identifier("OSV-2020-1", Some("https://example.com/a"))["url"],
            "https://example.com/a"
        );
    }

    #[test]
    fn empty_reports_pick_the_type_from_the_command() {
        let opts = RenderOptions {
            color: false,
            finished_at: Some(datetime!(2024-05-01 10:00:00 UTC)),
        };
        let mut deps = Report::new("deps", ".");
        deps.scan.duration_ms = 2500;
        let doc = document(&deps, &opts);
        assert_eq!(doc["scan"]["type"], "dependency_scanning");
        assert_eq!(doc["scan"]["start_time"], "2024-05-01T09:59:57");
        assert_eq!(doc["scan"]["end_time"], "2024-05-01T10:00:00");
        assert_eq!(doc["vulnerabilities"], json!([]));
        let doc = document(&Report::new("secrets", "."), &opts);
        assert_eq!(doc["scan"]["type"], "secret_detection");
        assert!(doc["scan"].get("messages").is_none());
    }

    #[test]
    fn names_are_truncated_by_characters() {
        assert_eq!(truncate("ééé", 2), "éé");
        assert_eq!(truncate("ab", 255), "ab");
    }
}
