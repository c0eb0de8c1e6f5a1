//! Baselines written by other scanners, read so a team switching to
//! leakgate keeps its accepted findings:
//!
//! - a gitleaks JSON report (`gitleaks … --report-format json`, what
//!   `--baseline-path` reads): a JSON array of objects with `RuleID`,
//!   `File`, `StartLine`, `Secret`, `Commit`. An entry matches a finding of
//!   the same rule and file at the same line, or (when the report holds the
//!   secret in clear) with the same secret anywhere in that file;
//! - a detect-secrets `.secrets.baseline` (1.x): `results` maps each file to
//!   entries with `hashed_secret` (SHA-1 of the secret, hex) and
//!   `line_number`. Plugin names differ from leakgate's rule ids, so an
//!   entry matches any finding in its file whose secret has that SHA-1, or
//!   that sits on its line. Audited entries are honoured: `is_secret: false`
//!   suppresses (a false positive), `is_secret: true` never does (a
//!   confirmed live secret is reported until it is removed).

use super::BaselineError;
use crate::finding::{Finding, Fingerprint};
use serde::Deserialize;
use serde_json::Value;
use sha1::{Digest, Sha1};
use std::collections::BTreeMap;
use std::path::Path;

/// What gitleaks writes instead of the secret with `--redact`.
const GITLEAKS_REDACTED: &str = "REDACTED";

/// One accepted finding from another scanner's baseline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignEntry {
    /// The tool whose format it came from.
    pub tool: &'static str,
    /// Rule id, when the format's ids are leakgate's (gitleaks).
    pub rule: Option<String>,
    /// Path, `/`-separated.
    pub path: String,
    /// 1-based line.
    pub line: u32,
    /// Commit, for history findings.
    pub commit: Option<String>,
    /// leakgate fingerprint of the recorded secret (gitleaks, unredacted).
    pub fingerprint: Option<String>,
    /// Lower-case hex SHA-1 of the secret (detect-secrets).
    pub sha1: Option<String>,
    /// False for audited-as-real secrets: listed, but never suppressing.
    pub suppresses: bool,
}

impl ForeignEntry {
    /// True when this entry accepts `f`. `f.secret.value` (the clear
    /// secret) is needed for SHA-1 matching.
    pub fn matches(&self, f: &Finding) -> bool {
        if !self.suppresses || self.path != f.location.path {
            return false;
        }
        if let Some(rule) = &self.rule {
            if *rule != f.rule_id {
                return false;
            }
        }
        if let (Some(a), Some(b)) = (&self.commit, &f.location.commit) {
            if !(a.starts_with(b.as_str()) || b.starts_with(a.as_str())) {
                return false;
            }
        }
        if self.fingerprint.as_deref() == Some(f.fingerprint.as_str()) {
            return true;
        }
        if let (Some(h), Some(v)) = (
            &self.sha1,
            f.secret.as_ref().and_then(|s| s.value.as_deref()),
        ) {
            if *h == sha1_hex(v.as_bytes()) {
                return true;
            }
        }
        self.line == f.location.line
    }
}

/// Lower-case hex SHA-1, as detect-secrets' `hashed_secret`.
pub fn sha1_hex(data: &[u8]) -> String {
    Sha1::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct GitleaksFinding {
    #[serde(rename = "RuleID")]
    rule_id: String,
    file: String,
    start_line: u32,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    commit: String,
}

#[derive(Deserialize)]
struct DetectSecrets {
    results: BTreeMap<String, Vec<DetectSecretsEntry>>,
}

#[derive(Deserialize)]
struct DetectSecretsEntry {
    hashed_secret: String,
    #[serde(default)]
    line_number: u32,
    #[serde(default)]
    is_secret: Option<bool>,
}

/// Which foreign format `doc` is, if any: a top-level array is a gitleaks
/// report; an object with `results` and `version` is a detect-secrets
/// baseline.
pub fn detect(doc: &Value) -> Option<&'static str> {
    match doc {
        Value::Array(_) => Some("gitleaks"),
        Value::Object(o) if o.contains_key("results") && o.contains_key("version") => {
            Some("detect-secrets")
        }
        _ => None,
    }
}

/// Parses a foreign baseline (`tool` from [`detect`]).
pub fn parse(
    path: &Path,
    tool: &'static str,
    doc: Value,
) -> Result<Vec<ForeignEntry>, BaselineError> {
    let invalid = |e: serde_json::Error| BaselineError::Foreign {
        path: path.to_path_buf(),
        tool,
        message: e.to_string(),
    };
    match tool {
        "gitleaks" => {
            let findings: Vec<GitleaksFinding> = serde_json::from_value(doc).map_err(invalid)?;
            Ok(findings
                .into_iter()
                .map(|g| {
                    let clear = !g.secret.is_empty() && g.secret != GITLEAKS_REDACTED;
                    ForeignEntry {
                        tool,
                        fingerprint: clear
                            .then(|| Fingerprint::secret(&g.rule_id, &g.file, g.secret.as_bytes())),
                        rule: Some(g.rule_id),
                        path: g.file.replace('\\', "/"),
                        line: g.start_line,
                        commit: (!g.commit.is_empty()).then_some(g.commit),
                        sha1: None,
                        suppresses: true,
                    }
                })
                .collect())
        }
        _ => {
            let ds: DetectSecrets = serde_json::from_value(doc).map_err(invalid)?;
            let mut out = Vec::new();
            for (file, entries) in ds.results {
                for e in entries {
                    out.push(ForeignEntry {
                        tool,
                        rule: None,
                        path: file.replace('\\', "/"),
                        line: e.line_number,
                        commit: None,
                        fingerprint: None,
                        sha1: Some(e.hashed_secret.to_ascii_lowercase()),
                        suppresses: e.is_secret != Some(true),
                    });
                }
            }
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{FindingKind, Location, SecretInfo, Severity};

    fn finding(rule: &str, path: &str, line: u32, secret: &str) -> Finding {
        Finding {
            kind: FindingKind::Secret,
            rule_id: rule.into(),
            title: String::new().into(),
            severity: Severity::High,
            fingerprint: Fingerprint::secret(rule, path, secret.as_bytes()),
            location: Location {
                path: path.into(),
                line,
                ..Location::default()
            },
            secret: serde_json::from_value::<SecretInfo>(serde_json::json!({
                "redacted": "x…", "entropy": 4.0, "value": secret
            }))
            .ok(),
            vulnerability: None,
            help: String::new().into(),
        }
    }

    #[test]
    fn sha1_matches_detect_secrets() {
        // sha1("password") as detect-secrets stores it.
        assert_eq!(
            sha1_hex(b"password"),
            "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8"
        );
    }

    #[test]
    fn gitleaks_entries_match_by_line_or_secret() {
        let doc = serde_json::json!([
            {"RuleID": "acme", "File": "src/a.py", "StartLine": 3, "Secret": "acme_0123456789", "Commit": ""},
            {"RuleID": "acme", "File": "src/b.py", "StartLine": 9, "Secret": "REDACTED"}
        ]);
        let entries = parse(Path::new("gl.json"), "gitleaks", doc).unwrap();
        // Moved line, same secret: matched by fingerprint.
        assert!(entries[0].matches(&finding("acme", "src/a.py", 30, "acme_0123456789")));
        // Another secret on another line: not matched.
        assert!(!entries[0].matches(&finding("acme", "src/a.py", 30, "acme_other")));
        // Redacted report: matched by rule, file and line.
        assert!(entries[1].matches(&finding("acme", "src/b.py", 9, "acme_x")));
        assert!(!entries[1].matches(&finding("acme", "src/b.py", 10, "acme_x")));
        assert!(!entries[1].matches(&finding("other", "src/b.py", 9, "acme_x")));
    }

    #[test]
    fn detect_secrets_entries_match_by_hash_and_honour_audits() {
        let doc = serde_json::json!({
            "version": "1.5.0",
            "results": {
                "a.env": [
                    {"type": "Secret Keyword", "filename": "a.env", "hashed_secret": sha1_hex(b"s3cr3t-value-1"), "is_verified": false, "line_number": 1},
                    {"type": "Secret Keyword", "filename": "a.env", "hashed_secret": "00", "is_verified": false, "line_number": 7, "is_secret": true}
                ]
            }
        });
        assert_eq!(detect(&doc), Some("detect-secrets"));
        let entries = parse(Path::new(".secrets.baseline"), "detect-secrets", doc).unwrap();
        assert!(entries[0].matches(&finding("generic-api-key", "a.env", 12, "s3cr3t-value-1")));
        assert!(!entries[0].matches(&finding("generic-api-key", "b.env", 1, "s3cr3t-value-1")));
        // Audited as a real secret: never suppresses, even on its line.
        assert!(!entries[1].matches(&finding("generic-api-key", "a.env", 7, "other")));
    }

    #[test]
    fn malformed_foreign_baselines_name_the_format() {
        let err = parse(
            Path::new("gl.json"),
            "gitleaks",
            serde_json::json!([{"File": "x"}]),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("gl.json: not a valid gitleaks report:"),
            "{err}"
        );
    }
}
