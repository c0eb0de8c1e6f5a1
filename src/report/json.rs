//! The native formats: the `leakgate/findings/v1` JSON document (pretty) and
//! JSON Lines, one finding object per line.
//!
//! JSON Lines exists for streaming consumers (`jq -c`, log shippers, the
//! corpus scorer): each line is exactly one object of the document's
//! `findings` array, nothing else, so the two formats never drift apart.

use super::Report;
use std::io::{self, Write};

/// Writes the whole document, pretty-printed, with a final newline.
pub(super) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)
}

/// Writes each finding as one compact JSON object per line.
pub(super) fn write_lines(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for finding in &report.findings {
        serde_json::to_writer(&mut *out, finding)?;
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Finding, FindingKind, Location, SecretInfo, Severity};

    fn report() -> Report {
        let mut r = Report::new("secrets", ".");
        r.findings.push(Finding {
            kind: FindingKind::Secret,
            rule_id: "github-pat".into(),
            title: "GitHub personal access token".into(),
            severity: Severity::High,
            fingerprint: "f1".into(),
            location: Location {
                path: "a.rs".into(),
                line: 3,
                column: 9,
                ..Location::default()
            },
            secret: Some(SecretInfo {
                confidence: None,
                redacted: "ghp_…".into(),
                entropy: 4.5,
                value: None,
            }),
            vulnerability: None,
            help: String::new().into(),
        });
        r
    }

    #[test]
    fn jsonl_is_one_compact_object_per_finding() {
        let mut out = Vec::new();
        write_lines(&report(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "{\"kind\":\"secret\",\"rule_id\":\"github-pat\",\"title\":\"GitHub personal access token\",\
             \"severity\":\"high\",\"fingerprint\":\"f1\",\"location\":{\"path\":\"a.rs\",\"line\":3,\"column\":9},\
             \"secret\":{\"redacted\":\"ghp_…\",\"entropy\":4.5},\"help\":\"\"}\n"
        );
    }

    #[test]
    fn empty_report_gives_empty_jsonl_and_a_valid_document() {
        let empty = Report::new("secrets", ".");
        let mut lines = Vec::new();
        write_lines(&empty, &mut lines).unwrap();
        assert!(lines.is_empty());
        let mut doc = Vec::new();
        write(&empty, &mut doc).unwrap();
        let back: Report = serde_json::from_slice(&doc).unwrap();
        assert_eq!(back, empty);
        assert!(doc.ends_with(b"}\n"));
    }
}
