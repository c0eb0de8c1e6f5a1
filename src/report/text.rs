//! The human format: one compact block per finding, then the scan's errors
//! and warnings, then one summary line.
//!
//! Everything printed here may come from hostile input (file names, commit
//! messages, author names, advisory text), so control characters and Unicode
//! bidirectional overrides are escaped before they reach a terminal: a commit
//! message must not be able to recolour, hide or rewrite the report.
//! ANSI colour is used only when [`RenderOptions::color`] says so (the CLI
//! decides from the TTY, `NO_COLOR` and `--no-color`).

use super::{shown_secret, summary, RenderOptions, Report};
use crate::finding::{Finding, Location, SecretInfo, Severity, VulnerabilityInfo};
use std::borrow::Cow;
use std::io::{self, Write};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RED: &str = "\x1b[1;31m";
const GREEN: &str = "\x1b[1;32m";
const YELLOW: &str = "\x1b[1;33m";
/// Width of the label column in a finding block (`fingerprint` + one space).
const LABEL_WIDTH: usize = 12;

/// Writes the full text report.
pub(super) fn write(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let paint = Paint(opts.color);
    for finding in &report.findings {
        out.write_all(finding_block(finding, paint).as_bytes())?;
        writeln!(out)?;
    }
    write_summary(report, opts, out)
}

/// Writes the findings and the input errors only (`--quiet`): no warnings,
/// no summary line.
pub(super) fn write_quiet(
    report: &Report,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let paint = Paint(opts.color);
    for finding in &report.findings {
        out.write_all(finding_block(finding, paint).as_bytes())?;
        writeln!(out)?;
    }
    write_errors(report, paint, out)
}

fn write_errors(report: &Report, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    for problem in &report.scan.errors {
        writeln!(
            out,
            "{} {}: {}",
            paint.wrap(RED, "error:"),
            clean(&problem.path),
            clean(&problem.message)
        )?;
    }
    Ok(())
}

/// Writes the errors, the warnings and the summary line.
pub(super) fn write_summary(
    report: &Report,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let paint = Paint(opts.color);
    write_errors(report, paint, out)?;
    for warning in &report.scan.warnings {
        writeln!(out, "{} {}", paint.wrap(YELLOW, "warning:"), clean(warning))?;
    }
    let head = summary::head(report);
    let head_colour = if report.findings.is_empty() {
        GREEN
    } else {
        RED
    };
    let mut line = paint.wrap(head_colour, &head);
    for part in summary::stats_parts(report) {
        line.push_str(" · ");
        line.push_str(&clean(&part));
    }
    line.push_str(" · ");
    line.push_str(&summary::duration(report.scan.duration_ms));
    writeln!(out, "{line}")
}

/// One finding as a block of lines (no trailing blank line); `paint` decides
/// colour. Also the body of a JUnit failure, uncoloured.
pub(super) fn finding_block(finding: &Finding, paint: Paint) -> String {
    let mut block = format!(
        "{} {}: {}\n  {}\n",
        paint.wrap(
            severity_colour(finding.severity),
            &severity_label(finding.severity)
        ),
        paint.wrap(BOLD, &clean(&finding.rule_id)),
        clean(&finding.title),
        clean(&position(&finding.location)),
    );
    let mut field = |label: &str, value: &str| {
        let padded = format!("{label:<LABEL_WIDTH$}");
        block.push_str(&format!("  {}{}\n", paint.wrap(DIM, &padded), clean(value)));
    };
    if let Some(secret) = &finding.secret {
        field("secret", &secret_line(secret));
    }
    if let Some(vuln) = &finding.vulnerability {
        vulnerability_fields(vuln, &mut field);
    }
    commit_fields(&finding.location, &mut field);
    if !finding.help.is_empty() {
        field("help", &finding.help);
    }
    field("fingerprint", &finding.fingerprint);
    block
}

/// `ghp_…  (entropy 4.70, confidence high)`, or the clear value under `--no-redact`.
fn secret_line(secret: &SecretInfo) -> String {
    match secret.confidence {
        Some(c) => format!(
            "{}  (entropy {:.2}, confidence {c})",
            shown_secret(secret),
            secret.entropy
        ),
        None => format!("{}  (entropy {:.2})", shown_secret(secret), secret.entropy),
    }
}

fn vulnerability_fields(vuln: &VulnerabilityInfo, field: &mut impl FnMut(&str, &str)) {
    let pkg = &vuln.package;
    let scope = if vuln.dev {
        format!("{}, dev only", pkg.ecosystem)
    } else {
        pkg.ecosystem.clone()
    };
    field(
        "package",
        &format!("{}@{} ({scope})", pkg.name, pkg.version),
    );
    if !vuln.aliases.is_empty() {
        field("aliases", &vuln.aliases.join(", "));
    }
    let fix = match (&vuln.suggested_fix, vuln.fixed_versions.is_empty()) {
        (Some(to), true) => format!("upgrade to {to}"),
        (Some(to), false) => format!(
            "upgrade to {to} (fixed in {})",
            vuln.fixed_versions.join(", ")
        ),
        (None, false) => format!("fixed in {}", vuln.fixed_versions.join(", ")),
        (None, true) => "no fixed version published".to_string(),
    };
    field("fix", &fix);
    match (vuln.cvss_score, &vuln.cvss_vector) {
        (Some(score), Some(vector)) => field("cvss", &format!("{score:.1} {vector}")),
        (Some(score), None) => field("cvss", &format!("{score:.1}")),
        (None, Some(vector)) => field("cvss", vector),
        (None, None) => {}
    }
    if let Some(url) = &vuln.url {
        field("url", url);
    }
}

fn commit_fields(loc: &Location, field: &mut impl FnMut(&str, &str)) {
    let Some(commit) = &loc.commit else {
        return;
    };
    let mut line = short_id(commit).to_string();
    match (&loc.author, &loc.email) {
        (Some(name), Some(email)) => line.push_str(&format!("  {name} <{email}>")),
        (Some(name), None) => line.push_str(&format!("  {name}")),
        (None, Some(email)) => line.push_str(&format!("  <{email}>")),
        (None, None) => {}
    }
    if let Some(date) = &loc.date {
        line.push_str(&format!("  {date}"));
    }
    field("commit", &line);
    if let Some(message) = &loc.message {
        field("message", message);
    }
    if !loc.other_commits.is_empty() {
        let others: Vec<&str> = loc.other_commits.iter().map(|c| short_id(c)).collect();
        field("also in", &others.join(", "));
    }
}

/// Abbreviated commit id, as `git log --oneline` would show (8 hex digits).
pub(super) fn short_id(commit: &str) -> &str {
    match commit.char_indices().nth(8) {
        Some((end, _)) => &commit[..end],
        None => commit,
    }
}

/// `path:line:column`, dropping the parts that do not apply (0).
pub(super) fn position(loc: &Location) -> String {
    match (loc.line, loc.column) {
        (0, _) => loc.path.to_string(),
        (line, 0) => format!("{}:{line}", loc.path),
        (line, column) => format!("{}:{line}:{column}", loc.path),
    }
}

fn severity_label(severity: Severity) -> String {
    severity.as_str().to_ascii_uppercase()
}

fn severity_colour(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "\x1b[1;35m",
        Severity::High => RED,
        Severity::Medium => YELLOW,
        Severity::Low => "\x1b[1;34m",
        Severity::Info | Severity::Unknown => "\x1b[1;36m",
    }
}

/// Escapes characters that could drive a terminal: C0/C1 controls (ESC
/// included) and the bidirectional overrides behind "Trojan Source" tricks.
pub(super) fn clean(s: &str) -> Cow<'_, str> {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether to emit ANSI colour, and how.
#[derive(Debug, Clone, Copy)]
pub(super) struct Paint(pub(super) bool);

impl Paint {
    fn wrap(self, style: &str, text: &str) -> String {
        if self.0 {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{FindingKind, PackageInfo};

    fn git_secret() -> Finding {
        Finding {
            kind: FindingKind::Secret,
            rule_id: "github-pat".into(),
            title: "GitHub personal access token".into(),
            severity: Severity::High,
            fingerprint: "0123456789abcdef0123456789abcdef".into(),
            location: Location {
                path: "src/config.rs".into(),
                line: 12,
                column: 9,
                commit: Some("1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b".into()),
                author: Some("Jane Doe".into()),
                email: Some("jane@example.com".into()),
                date: Some("2024-05-01T10:00:00Z".into()),
                message: Some("Add deploy config\x1b[2J".into()),
                ..Location::default()
            },
            secret: Some(SecretInfo {
                confidence: None,
                redacted: "ghp_…".into(),
                entropy: 4.7,
                value: None,
            }),
            vulnerability: None,
            help: "Revoke the token, then remove it from history.".into(),
        }
    }

    #[test]
    fn secret_block_is_exact_and_escapes_terminal_controls() {
        assert_eq!(
            finding_block(&git_secret(), Paint(false)),
            "HIGH github-pat: GitHub personal access token\n\
             \x20 src/config.rs:12:9\n\
             \x20 secret      ghp_…  (entropy 4.70)\n\
             \x20 commit      1a2b3c4d  Jane Doe <jane@example.com>  2024-05-01T10:00:00Z\n\
             \x20 message     Add deploy config\\u{1b}[2J\n\
             \x20 help        Revoke the token, then remove it from history.\n\
             \x20 fingerprint 0123456789abcdef0123456789abcdef\n"
        );
    }

    #[test]
    fn vulnerability_block_lists_package_fix_and_cvss() {
        let finding = Finding {
            kind: FindingKind::Vulnerability,
            rule_id: "RUSTSEC-2023-0001".into(),
            title: "Use after free".into(),
            severity: Severity::Critical,
            fingerprint: "ff".into(),
            location: Location {
                path: "Cargo.lock".into(),
                line: 120,
                ..Location::default()
            },
            secret: None,
            vulnerability: Some(Box::new(VulnerabilityInfo {
                id: "RUSTSEC-2023-0001".into(),
                aliases: vec!["CVE-2023-1234".into(), "GHSA-abcd-efgh-ijkl".into()],
                summary: "Use after free".into(),
                package: PackageInfo {
                    ecosystem: "crates.io".into(),
                    name: "foo".into(),
                    version: "1.2.3".into(),
                    purl: Some("pkg:cargo/foo@1.2.3".into()),
                },
                fixed_versions: vec!["1.2.4".into(), "2.0.1".into()],
                suggested_fix: Some("1.2.4".into()),
                cvss_vector: Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into()),
                cvss_score: Some(9.8),
                url: None,
                dev: true,
                severity_source: None,
                dependency_path: Vec::new(),
            })),
            help: String::new().into(),
        };
        assert_eq!(
            finding_block(&finding, Paint(false)),
            "CRITICAL RUSTSEC-2023-0001: Use after free\n\
             \x20 Cargo.lock:120\n\
             \x20 package     foo@1.2.3 (crates.io, dev only)\n\
             \x20 aliases     CVE-2023-1234, GHSA-abcd-efgh-ijkl\n\
             \x20 fix         upgrade to 1.2.4 (fixed in 1.2.4, 2.0.1)\n\
             \x20 cvss        9.8 CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n\
             \x20 fingerprint ff\n"
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let plain = finding_block(&git_secret(), Paint(false));
        let coloured = finding_block(&git_secret(), Paint(true));
        assert!(!plain.contains('\x1b'));
        assert!(coloured.starts_with("\x1b[1;31mHIGH\x1b[0m \x1b[1mgithub-pat\x1b[0m"));
    }

    #[test]
    fn short_ids_and_positions() {
        assert_eq!(short_id("1a2b3c4d5e6f"), "1a2b3c4d");
        assert_eq!(short_id("abc"), "abc");
        let mut loc = Location {
            path: "-".into(),
            ..Location::default()
        };
        assert_eq!(position(&loc), "-");
        loc.line = 4;
        assert_eq!(position(&loc), "-:4");
        loc.column = 2;
        assert_eq!(position(&loc), "-:4:2");
    }

    #[test]
    fn bidi_overrides_are_escaped() {
        assert_eq!(clean("a\u{202E}b"), "a\\u{202e}b");
        assert!(matches!(clean("plain"), Cow::Borrowed(_)));
    }
}
