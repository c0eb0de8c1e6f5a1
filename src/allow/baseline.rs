//! Baselines: accept the findings a repository already has, fail only on new ones.
//!
//! A baseline is an ordinary `leakgate/findings/v1` JSON report (what
//! `scan --write-baseline FILE` or `scan -f json` writes), so it can be
//! reviewed, diffed and produced by any mode. Only the fingerprints matter
//! when it is applied: they are content-based (rule, path, secret), so a
//! secret whose line moved is *not* new, while the same secret copied to
//! another file is. Written baselines never contain a secret in clear, even
//! when the scan ran with `--no-redact`.
//!
//! gitleaks JSON reports and detect-secrets `.secrets.baseline` files are
//! read as baselines too ([`foreign`]), so switching tools keeps a team's
//! accepted findings.

pub mod foreign;

use crate::finding::Finding;
use crate::report::{Report, SCHEMA};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a baseline could not be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// The file could not be read.
    #[error("cannot read baseline {path}: {source}")]
    Read {
        /// The baseline file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid JSON or not a findings report.
    #[error("{path}:{line}:{column}: not a leakgate findings report: {message}")]
    Parse {
        /// The baseline file.
        path: PathBuf,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// The report has a schema this version does not read.
    #[error("{path}: unsupported baseline schema `{found}` (expected `{SCHEMA}`)")]
    Schema {
        /// The baseline file.
        path: PathBuf,
        /// The schema id found.
        found: String,
    },
    /// A gitleaks or detect-secrets baseline that does not have that format's fields.
    #[error("{path}: not a valid {tool} report: {message}")]
    Foreign {
        /// The baseline file.
        path: PathBuf,
        /// `gitleaks` or `detect-secrets`.
        tool: &'static str,
        /// What was missing or malformed.
        message: String,
    },
    /// The baseline could not be written.
    #[error("cannot write baseline {path}: {source}")]
    Write {
        /// The baseline file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// One accepted finding, as recorded in the baseline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaselineEntry {
    /// The finding's fingerprint: what is compared.
    pub fingerprint: String,
    /// Rule id, for messages.
    pub rule_id: String,
    /// Path where it was recorded, for messages.
    pub path: String,
    /// Line where it was recorded, for messages.
    pub line: u32,
}

/// A loaded baseline.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    path: PathBuf,
    entries: Vec<BaselineEntry>,
    by_fingerprint: HashMap<String, usize>,
    foreign: Vec<foreign::ForeignEntry>,
}

/// Result of applying a baseline to findings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// How many findings the baseline suppressed.
    pub suppressed: usize,
    /// Fingerprints of the entries that matched at least one finding.
    pub matched: HashSet<String>,
}

#[derive(Deserialize)]
struct Document {
    #[serde(default)]
    schema: Option<String>,
    findings: Vec<DocFinding>,
}

#[derive(Deserialize)]
struct DocFinding {
    fingerprint: String,
    #[serde(default)]
    rule_id: String,
    #[serde(default)]
    location: DocLocation,
}

#[derive(Deserialize, Default)]
struct DocLocation {
    #[serde(default)]
    path: String,
    #[serde(default)]
    line: u32,
}

/// Largest baseline read (a report of a few hundred thousand findings).
pub const MAX_BASELINE_BYTES: u64 = 1 << 30;

impl Baseline {
    /// Reads a baseline report from `path`.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        // A regular file, read with a bounded read (a FIFO or a device named
        // as the baseline is refused, never waited on).
        let data =
            crate::source::read::read_small(path, None, MAX_BASELINE_BYTES).map_err(|refusal| {
                BaselineError::Read {
                    path: path.to_path_buf(),
                    source: std::io::Error::other(refusal.to_string()),
                }
            })?;
        let text = String::from_utf8(data).map_err(|_| BaselineError::Read {
            path: path.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "stream did not contain valid UTF-8",
            ),
        })?;
        Baseline::parse(path, &text)
    }

    /// Parses baseline `text`; `path` is only used in messages.
    /// A leakgate report, a gitleaks JSON report or a detect-secrets
    /// baseline, told apart by their shape.
    pub fn parse(path: &Path, text: &str) -> Result<Baseline, BaselineError> {
        let parse_err = |e: serde_json::Error| BaselineError::Parse {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        };
        let value: serde_json::Value = serde_json::from_str(text).map_err(parse_err)?;
        if let Some(tool) = foreign::detect(&value) {
            return Ok(Baseline {
                path: path.to_path_buf(),
                foreign: foreign::parse(path, tool, value)?,
                ..Baseline::default()
            });
        }
        let doc: Document = serde_json::from_str(text).map_err(parse_err)?;
        if let Some(found) = doc.schema.filter(|s| s != SCHEMA) {
            return Err(BaselineError::Schema {
                path: path.to_path_buf(),
                found,
            });
        }
        let mut baseline = Baseline {
            path: path.to_path_buf(),
            ..Baseline::default()
        };
        for f in doc.findings {
            if baseline.by_fingerprint.contains_key(&f.fingerprint) {
                continue;
            }
            baseline
                .by_fingerprint
                .insert(f.fingerprint.clone(), baseline.entries.len());
            baseline.entries.push(BaselineEntry {
                fingerprint: f.fingerprint,
                rule_id: f.rule_id,
                path: f.location.path,
                line: f.location.line,
            });
        }
        Ok(baseline)
    }

    /// The file the baseline was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The recorded entries, one per fingerprint, in file order.
    pub fn entries(&self) -> &[BaselineEntry] {
        &self.entries
    }

    /// Entries read from a gitleaks or detect-secrets baseline.
    pub fn foreign_entries(&self) -> &[foreign::ForeignEntry] {
        &self.foreign
    }

    /// True when matching needs the secrets in clear
    /// ([`SecretInfo::value`](crate::finding::SecretInfo::value)): a
    /// detect-secrets baseline identifies secrets by their SHA-1.
    pub fn needs_secrets(&self) -> bool {
        self.foreign.iter().any(|e| e.sha1.is_some())
    }

    /// True when `fingerprint` is accepted.
    pub fn contains(&self, fingerprint: &str) -> bool {
        self.by_fingerprint.contains_key(fingerprint)
    }

    /// True when the baseline accepts `f` (by fingerprint, or by a foreign entry).
    pub fn accepts(&self, f: &Finding) -> bool {
        self.contains(&f.fingerprint) || self.foreign.iter().any(|e| e.matches(f))
    }

    /// Removes the accepted findings from `findings`.
    pub fn apply(&self, findings: &mut Vec<Finding>) -> Applied {
        let mut applied = Applied::default();
        findings.retain(|f| {
            if self.accepts(f) {
                applied.suppressed += 1;
                applied.matched.insert(f.fingerprint.clone());
                false
            } else {
                true
            }
        });
        applied
    }

    /// Entries that matched none of the findings (`applied` from [`apply`](Self::apply)).
    pub fn stale<'a>(&'a self, applied: &Applied) -> Vec<&'a BaselineEntry> {
        self.entries
            .iter()
            .filter(|e| !applied.matched.contains(&e.fingerprint))
            .collect()
    }
}

/// Writes `report` as a baseline to `path`: findings sorted, secrets in clear
/// removed. The file is replaced atomically (written beside it, then renamed),
/// so an interrupted run never leaves a truncated baseline.
pub fn write(report: &Report, path: &Path) -> Result<(), BaselineError> {
    let mut doc = report.clone();
    for f in &mut doc.findings {
        if let Some(secret) = &mut f.secret {
            secret.value = None;
        }
    }
    doc.sort();
    let io_err = |source| BaselineError::Write {
        path: path.to_path_buf(),
        source,
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "baseline".into());
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|file| {
        let mut out = std::io::BufWriter::new(file);
        serde_json::to_writer_pretty(&mut out, &doc)?;
        out.write_all(b"\n")?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()
    });
    if let Err(source) = written.and_then(|_| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_err(source));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{FindingKind, Location, SecretInfo, Severity};

    fn finding(fp: &str, path: &str, line: u32) -> Finding {
        Finding {
            kind: FindingKind::Secret,
            rule_id: "github-pat".into(),
            title: "GitHub personal access token".into(),
            severity: Severity::High,
            fingerprint: fp.into(),
            location: Location {
                path: path.into(),
                line,
                ..Location::default()
            },
            secret: Some(SecretInfo {
                confidence: None,
                redacted: "ghp_…".into(),
                entropy: 4.5,
                value: Some("ghp_in_clear".into()),
            }),
            vulnerability: None,
            help: String::new().into(),
        }
    }

    #[test]
    fn written_baselines_round_trip_without_clear_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        let mut report = Report::new("secrets", ".");
        report.findings = vec![finding("bbb", "b.txt", 2), finding("aaa", "a.txt", 7)];
        write(&report, &path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("ghp_in_clear"));
        let baseline = Baseline::load(&path).unwrap();
        let fps: Vec<&str> = baseline
            .entries()
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect();
        assert_eq!(fps, vec!["aaa", "bbb"]);
        assert_eq!(baseline.entries()[0].line, 7);
    }

    #[test]
    fn applying_drops_known_fingerprints_whatever_the_line_and_reports_stale_entries() {
        let baseline = Baseline::parse(
            Path::new("b.json"),
            r#"{"schema":"leakgate/findings/v1","findings":[
                {"fingerprint":"aaa","rule_id":"r","location":{"path":"a.txt","line":1}},
                {"fingerprint":"old","rule_id":"r","location":{"path":"gone.txt","line":3}}]}"#,
        )
        .unwrap();
        let mut findings = vec![finding("aaa", "a.txt", 40), finding("new", "a.txt", 41)];
        let applied = baseline.apply(&mut findings);
        assert_eq!(applied.suppressed, 1);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].fingerprint, "new");
        let stale: Vec<&str> = baseline
            .stale(&applied)
            .iter()
            .map(|e| e.path.as_str())
            .collect();
        assert_eq!(stale, vec!["gone.txt"]);
    }

    #[test]
    fn malformed_baselines_name_file_line_and_schema() {
        let err = Baseline::parse(Path::new("b.json"), "{\n  \"findings\": 3\n}").unwrap_err();
        assert!(err.to_string().starts_with("b.json:2:"), "{err}");
        let err = Baseline::parse(
            Path::new("b.json"),
            r#"{"schema":"other/v9","findings":[]}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "b.json: unsupported baseline schema `other/v9` (expected `leakgate/findings/v1`)"
        );
        let err = Baseline::load(Path::new("/nonexistent/b.json")).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("cannot read baseline /nonexistent/b.json"));
    }
}
