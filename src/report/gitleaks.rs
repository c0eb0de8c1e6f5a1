//! gitleaks' JSON report format (`--format gitleaks-json`), so tools that
//! read gitleaks reports (dashboards, scripts, `--baseline-path`) keep
//! working: a JSON array of objects with gitleaks' exact field names.
//!
//! As with `gitleaks --redact`, `Secret` and `Match` hold `REDACTED`
//! unless the scan ran with `--no-redact`. `Fingerprint` is gitleaks'
//! `[commit:]file:rule:line`, the form `.gitleaksignore` accepts.
//! Vulnerability findings are written too (advisory id as `RuleID`, the
//! lockfile as `File`): a report never drops findings.

use super::Report;
use crate::finding::Finding;
use serde::Serialize;
use std::io::{self, Write};

/// What gitleaks writes in place of a redacted secret.
const REDACTED: &str = "REDACTED";

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GitleaksFinding<'a> {
    description: &'a str,
    start_line: u32,
    end_line: u32,
    start_column: u32,
    end_column: u32,
    #[serde(rename = "Match")]
    matched: &'a str,
    secret: &'a str,
    file: &'a str,
    symlink_file: &'a str,
    commit: &'a str,
    entropy: f64,
    author: &'a str,
    email: &'a str,
    date: &'a str,
    message: &'a str,
    tags: Vec<String>,
    #[serde(rename = "RuleID")]
    rule_id: &'a str,
    fingerprint: String,
}

fn convert(f: &Finding) -> GitleaksFinding<'_> {
    let loc = &f.location;
    let secret = f
        .secret
        .as_ref()
        .and_then(|s| s.value.as_deref())
        .unwrap_or(if f.secret.is_some() { REDACTED } else { "" });
    let commit = loc.commit.as_deref().unwrap_or("");
    let fingerprint = if commit.is_empty() {
        format!("{}:{}:{}", loc.path, f.rule_id, loc.line)
    } else {
        format!("{commit}:{}:{}:{}", loc.path, f.rule_id, loc.line)
    };
    let end_line = loc.end_line.unwrap_or(loc.line);
    let end_column = if end_line == loc.line {
        loc.column + u32::try_from(secret.chars().count()).unwrap_or(0)
    } else {
        loc.column
    };
    GitleaksFinding {
        description: &f.title,
        start_line: loc.line,
        end_line,
        start_column: loc.column,
        end_column: end_column.saturating_sub(1).max(loc.column),
        matched: secret,
        secret,
        file: &loc.path,
        symlink_file: "",
        commit,
        entropy: f.secret.as_ref().map_or(0.0, |s| s.entropy),
        author: loc.author.as_deref().unwrap_or(""),
        email: loc.email.as_deref().unwrap_or(""),
        date: loc.date.as_deref().unwrap_or(""),
        message: loc.message.as_deref().unwrap_or(""),
        tags: Vec::new(),
        rule_id: &f.rule_id,
        fingerprint,
    }
}

/// Writes the report as a gitleaks JSON array, pretty-printed.
pub(super) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let findings: Vec<GitleaksFinding> = report.findings.iter().map(convert).collect();
    serde_json::to_writer_pretty(&mut *out, &findings)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{FindingKind, Location, Severity};

    #[test]
    fn fields_are_gitleaks_names_and_secrets_redacted() {
        let mut r = Report::new("secrets", ".");
        r.findings.push(Finding {
            kind: FindingKind::Secret,
            rule_id: "github-pat".into(),
            title: "GitHub personal access token".into(),
            severity: Severity::High,
            fingerprint: "f1".into(),
            location: Location {
                path: "src/a.rs".into(),
                line: 3,
                column: 9,
                commit: Some("abc1234".into()),
                ..Location::default()
            },
            secret: serde_json::from_value(serde_json::json!({
                "redacted": "ghp_…", "entropy": 4.5
            }))
            .ok(),
            vulnerability: None,
            help: String::new().into(),
        });
        let mut out = Vec::new();
        write(&r, &mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let f = &v[0];
        let mut keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "Author",
                "Commit",
                "Date",
                "Description",
                "Email",
                "EndColumn",
                "EndLine",
                "Entropy",
                "File",
                "Fingerprint",
                "Match",
                "Message",
                "RuleID",
                "Secret",
                "StartColumn",
                "StartLine",
                "SymlinkFile",
                "Tags"
            ]
        );
        assert_eq!(f["Secret"], "REDACTED");
        assert_eq!(f["Match"], "REDACTED");
        assert_eq!(f["StartLine"], 3);
        assert_eq!(f["Fingerprint"], "abc1234:src/a.rs:github-pat:3");
    }
}
