//! Reports: the `leakgate/findings/v1` document and one writer per format.
//!
//! Every command (secret scans, `deps`, `sbom check`) builds a [`Report`] and
//! hands it to [`write()`]. Adding a format touches one file in this folder plus
//! one [`Format`] variant. The same writers serve secret and vulnerability
//! findings (and reports mixing both). No writer ever shows a secret in clear
//! unless the finding carries [`SecretInfo::value`], which only `--no-redact`
//! fills.

use crate::finding::{Finding, SecretInfo};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{self, Write};

mod csv;
mod gitlab;
mod gitleaks;
mod json;
mod junit;
mod sarif;
mod stream;
mod summary;
mod text;

/// Schema id of the JSON document.
pub const SCHEMA: &str = "leakgate/findings/v1";

/// The tool that produced a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    /// Always `leakgate`.
    pub name: String,
    /// Crate version.
    pub version: String,
}

impl Default for Tool {
    fn default() -> Self {
        Tool {
            name: "leakgate".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// Something that could not be read or checked: reported, never silently dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The input concerned (file path, ref, blob id, ...).
    pub path: String,
    /// What went wrong.
    pub message: String,
}

/// Counters of a scan. Keys are snake_case (`files_scanned`, `bytes_scanned`,
/// `files_skipped_binary`, `commits`, `blobs`, `packages`, ...); which keys are
/// present depends on the command. Ordered so output is deterministic.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Stats(pub BTreeMap<String, serde_json::Value>);

impl Stats {
    /// Sets a counter or value.
    pub fn set(&mut self, key: &str, value: impl Into<serde_json::Value>) {
        self.0.insert(key.to_string(), value.into());
    }

    /// Adds to an integer counter (creating it at 0).
    pub fn add(&mut self, key: &str, n: u64) {
        let cur = self.get_u64(key);
        self.0.insert(key.to_string(), (cur + n).into());
    }

    /// Reads an integer counter (0 when absent).
    pub fn get_u64(&self, key: &str) -> u64 {
        self.0.get(key).and_then(|v| v.as_u64()).unwrap_or(0)
    }

    /// Merges another set of counters in: integers are summed, others replaced.
    pub fn merge(&mut self, other: &Stats) {
        for (k, v) in &other.0 {
            match (self.0.get(k).and_then(|x| x.as_u64()), v.as_u64()) {
                (Some(a), Some(b)) => {
                    self.0.insert(k.clone(), (a + b).into());
                }
                _ => {
                    self.0.insert(k.clone(), v.clone());
                }
            }
        }
    }
}

/// What was scanned and how it went.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScanInfo {
    /// `secrets`, `deps` or `sbom-check` (or a combination, `secrets+deps`).
    pub command: String,
    /// What was scanned (path, range, `-` for stdin).
    pub target: String,
    /// Wall time.
    pub duration_ms: u64,
    /// Counters.
    pub stats: Stats,
    /// Inputs that could not be read or checked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<Problem>,
    /// Non-fatal notes (truncated history, stale ignore entries, expired ignores, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// The findings document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// Producer.
    pub tool: Tool,
    /// Scan metadata.
    pub scan: ScanInfo,
    /// Findings, sorted by path, line, rule.
    pub findings: Vec<Finding>,
}

impl Report {
    /// A report for `command` over `target`, with no findings yet.
    pub fn new(command: &str, target: &str) -> Report {
        Report {
            schema: SCHEMA.to_string(),
            tool: Tool::default(),
            scan: ScanInfo {
                command: command.into(),
                target: target.into(),
                ..ScanInfo::default()
            },
            findings: Vec::new(),
        }
    }

    /// Sorts findings into the canonical, deterministic order.
    pub fn sort(&mut self) {
        // Unstable: no n/2-element merge buffer for large reports (equal
        // keys are duplicates, removed after sorting).
        self.findings.sort_unstable_by(|a, b| {
            (
                &a.location.path,
                a.location.line,
                a.location.column,
                &a.rule_id,
                &a.fingerprint,
            )
                .cmp(&(
                    &b.location.path,
                    b.location.line,
                    b.location.column,
                    &b.rule_id,
                    &b.fingerprint,
                ))
        });
    }
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable, coloured on a terminal.
    Text,
    /// The `leakgate/findings/v1` JSON document.
    Json,
    /// One finding object per line.
    Jsonl,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// Comma-separated values.
    Csv,
    /// JUnit XML (one test case per finding).
    Junit,
    /// GitLab secret-detection / dependency-scanning report.
    Gitlab,
    /// gitleaks' JSON report (its field names; readable by tools that read gitleaks).
    GitleaksJson,
}

/// How to render.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Use ANSI colours (text format only).
    pub color: bool,
    /// When the scan ended, for formats that carry timestamps (GitLab's
    /// `scan.start_time`/`end_time`, derived with `scan.duration_ms`).
    /// `None` means "now"; tests set it to get byte-identical output.
    pub finished_at: Option<time::OffsetDateTime>,
}

/// Writes `report` in `format` to `out`.
///
/// Findings are written in report order (call [`Report::sort`] first for the
/// canonical order); apart from GitLab's timestamps (see
/// [`RenderOptions::finished_at`]) the output is a pure function of the report.
pub fn write(
    report: &Report,
    format: Format,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::write(report, opts, out),
        Format::Json => json::write(report, out),
        Format::Jsonl => json::write_lines(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Csv => csv::write(report, out),
        Format::Junit => junit::write(report, out),
        Format::Gitlab => gitlab::write(report, opts, out),
        Format::GitleaksJson => gitleaks::write(report, out),
    }
}

/// Writes the compact, human summary of `report`: its errors and warnings and
/// the one-line totals (the last lines of the text format). This is what goes
/// to stderr when the full report is written to a file.
pub fn write_summary(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    text::write_summary(report, opts, out)
}

/// The text report reduced for `--quiet`: the findings and the input
/// errors, without warnings or the summary line.
pub fn write_findings(
    report: &Report,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    text::write_quiet(report, opts, out)
}

/// The secret as it may be shown: the clear value only when the caller asked
/// for it (`--no-redact` fills [`SecretInfo::value`]), else the redacted form.
pub(crate) fn shown_secret(secret: &SecretInfo) -> &str {
    secret.value.as_deref().unwrap_or(&secret.redacted)
}

/// Where the tool is documented: the package's homepage, else its repository
/// (`None` while `Cargo.toml` names neither).
pub(crate) fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|u| !u.is_empty())
}
