//! `leakgate policy`: misconfigured permissions in infrastructure and CI
//! code, reported as findings of kind `policy` in the same report, formats,
//! fingerprints, ignores and exit codes as secrets and vulnerabilities.
//!
//! Data flow: a file is classified by name and a cheap content sniff
//! ([`classify`]); its parser ([`doc`] for JSON/YAML, [`terraform`] for HCL)
//! yields line-carrying [`doc::Node`]s; the family modules ([`iam`] via
//! [`aws`], [`storage`], [`actions`], [`k8s`]) turn them into [`Hit`]s;
//! [`file_findings`] applies inline `leakgate:allow` markers and makes
//! [`Finding`]s. [`CHECKS`](catalogue) lists every check with the examples
//! that must and must not fire; [`check_examples`] runs them.

pub mod actions;
pub mod aws;
pub mod check;
pub mod doc;
pub mod iam;
pub mod k8s;
pub mod scan;
pub mod storage;
pub mod terraform;

pub use check::{Check, Example, Family, Hit};

use crate::finding::{Finding, FindingKind, Fingerprint, Location};
use doc::{parse_json, parse_yaml, Node, ParseError};

/// Largest policy input read (IaC files are small; a bigger one is named
/// as an error rather than parsed).
pub const MAX_FILE_SIZE: u64 = 4 << 20;

/// The input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A standalone IAM policy document (JSON).
    IamJson,
    /// A CloudFormation or SAM template (JSON or YAML).
    CloudFormation,
    /// Terraform (`.tf`).
    Terraform,
    /// A GitHub Actions workflow.
    Workflow,
    /// Kubernetes manifests (YAML).
    Kubernetes,
}

impl Format {
    /// Lower-case name (stats keys, messages).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::IamJson => "iam-json",
            Format::CloudFormation => "cloudformation",
            Format::Terraform => "terraform",
            Format::Workflow => "workflow",
            Format::Kubernetes => "kubernetes",
        }
    }
}

/// What checking one file gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Not infrastructure or CI code: nothing to check.
    NotApplicable,
    /// Checked.
    Checked(Format, Vec<Hit>),
    /// An unrendered template (Helm `{{ }}`): it must be rendered first.
    Template,
    /// Looks like a policy input but does not parse.
    Invalid(Format, ParseError),
}

/// Every check, in catalogue order.
pub fn catalogue() -> impl Iterator<Item = &'static Check> {
    iam::CHECKS
        .iter()
        .chain(storage::CHECKS)
        .chain(actions::CHECKS)
        .chain(k8s::CHECKS)
}

/// The check with this id.
pub fn find_check(id: &str) -> Option<&'static Check> {
    catalogue().find(|c| c.id == id)
}

fn extension(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').map_or("", |(_, e)| e)
}

fn is_workflow(path: &str) -> bool {
    let p = path.replace('\\', "/");
    let in_dir = p.starts_with(".github/workflows/") || p.contains("/.github/workflows/");
    in_dir && matches!(extension(&p), "yml" | "yaml")
}

/// Which format `path` with content `text` is, if any (before parsing).
pub fn classify(path: &str, text: &str) -> Option<Format> {
    let ext = extension(path).to_ascii_lowercase();
    if ext == "tf" {
        return Some(Format::Terraform);
    }
    if is_workflow(path) {
        return Some(Format::Workflow);
    }
    let cfn = text.contains("AWSTemplateFormatVersion")
        || (text.contains("Resources") && text.contains("AWS::"));
    match ext.as_str() {
        "json" if cfn => Some(Format::CloudFormation),
        "json" if text.contains("\"Statement\"") => Some(Format::IamJson),
        "yaml" | "yml" | "template" if cfn => Some(Format::CloudFormation),
        "yaml" | "yml" if text.contains("apiVersion") && text.contains("kind") => {
            Some(Format::Kubernetes)
        }
        _ => None,
    }
}

/// Checks one file's text.
pub fn check_text(path: &str, text: &str) -> Outcome {
    let Some(format) = classify(path, text) else {
        return Outcome::NotApplicable;
    };
    let mut hits = Vec::new();
    let parsed = match format {
        Format::Terraform => terraform::parse(text).map(|blocks| {
            for b in &blocks {
                aws::check_tf_block(b, &mut hits);
                storage::check_tf_block(b, &mut hits);
            }
        }),
        Format::IamJson => parse_json(text, 1).map(|doc| {
            if doc.get("Statement").is_some() {
                aws::check_policy_file(&doc, &mut hits);
            }
        }),
        Format::CloudFormation => {
            let docs = if extension(path).eq_ignore_ascii_case("json") {
                parse_json(text, 1).map(|d| vec![d])
            } else {
                parse_yaml(text)
            };
            docs.map(|docs| {
                for d in &docs {
                    cloudformation(d, &mut hits);
                }
            })
        }
        Format::Workflow => parse_yaml(text).map(|docs| {
            for d in docs.iter().filter(|d| d.is_map()) {
                actions::check_workflow(d, text, &mut hits);
            }
        }),
        Format::Kubernetes => kubernetes(text, &mut hits),
    };
    match parsed {
        Ok(()) => {
            hits.sort_by(|a, b| (a.line, a.check).cmp(&(b.line, b.check)));
            hits.dedup();
            Outcome::Checked(format, hits)
        }
        // Helm and other Go templates are not YAML until rendered.
        Err(_) if text.contains("{{") && format != Format::Workflow => Outcome::Template,
        // A JSON file that merely mentions the words is not a template of ours.
        Err(_) if format == Format::IamJson && !text.contains("\"Effect\"") => {
            Outcome::NotApplicable
        }
        Err(e) => Outcome::Invalid(format, e),
    }
}

/// Checks a Kubernetes manifest stream document by document. A document
/// whose top-level `kind:` line names a kind no check reads (a CRD, a
/// ConfigMap: most of the bytes of an install bundle) is not parsed; every
/// other one is, with its lines counted from the start of the file.
fn kubernetes(text: &str, hits: &mut Vec<Hit>) -> Result<(), ParseError> {
    // Directives (`%YAML`) apply across the `---` that follows: no split.
    let directives = text.starts_with('%') || text.contains("\n%");
    if directives {
        for d in &parse_yaml(text)? {
            k8s::check_manifest(d, hits);
        }
        return Ok(());
    }
    for (first_line, chunk) in yaml_documents(text) {
        if top_level_kind(chunk).is_some_and(|k| !k8s::reads_kind(k)) {
            continue;
        }
        for d in &doc::parse_yaml_at(chunk, first_line)? {
            k8s::check_manifest(d, hits);
        }
    }
    Ok(())
}

/// The documents of a YAML stream without directives, split before each
/// `---` marker line (a marker at column 0 cannot occur inside any scalar),
/// with the 1-based line each starts on.
fn yaml_documents(text: &str) -> Vec<(u32, &str)> {
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1u32;
    let mut line = 1u32;
    let mut at = 0usize;
    let bytes = text.as_bytes();
    while at < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i + 1);
        let l = &bytes[at..end];
        let marker = l.starts_with(b"---")
            && l.get(3)
                .is_none_or(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'));
        if marker && at > start {
            out.push((start_line, &text[start..at]));
            start = at;
            start_line = line;
        }
        at = end;
        line = line.saturating_add(1);
    }
    if start < text.len() || out.is_empty() {
        out.push((start_line, &text[start..]));
    }
    out
}

/// The value of the one top-level `kind:` line of a document, if there is
/// exactly one and it is a plain or quoted scalar on that line.
fn top_level_kind(doc: &str) -> Option<&str> {
    let mut found = None;
    for l in doc.lines() {
        if let Some(rest) = l.strip_prefix("kind:") {
            if found.is_some() {
                return None;
            }
            let v = rest.split(" #").next().unwrap_or("").trim();
            let v = v.trim_matches(|c| c == '"' || c == '\'');
            if v.is_empty() || v.contains(['{', '[', '&', '*', '!', '|', '>']) {
                return None;
            }
            found = Some(v);
        }
    }
    found
}

fn cloudformation(doc: &Node, hits: &mut Vec<Hit>) {
    let Some(resources) = doc.get("Resources") else {
        return;
    };
    for (name, res) in resources.entries() {
        let Some(ty) = res.get("Type").and_then(Node::as_str) else {
            continue;
        };
        let Some(props) = res.get("Properties") else {
            continue;
        };
        aws::check_cfn_resource(name, ty, props, hits);
        storage::check_cfn_resource(name, ty, props, hits);
    }
}

/// Turns the hits of one file into findings: drops those whose line carries
/// an inline allow marker (`# leakgate:allow`), then builds each finding
/// with its check's metadata and a line-independent fingerprint.
pub fn file_findings(path: &str, text: &str, hits: &[Hit]) -> Vec<Finding> {
    let index = doc::LineIndex::new(text);
    hits.iter()
        .filter(|h| {
            index.span(h.line).is_none_or(|(s, e)| {
                !crate::allow::inline::is_allowed(text.as_bytes(), s, e.min(text.len()))
            })
        })
        .filter_map(|h| {
            let check = find_check(h.check)?;
            Some(Finding {
                kind: FindingKind::Policy,
                rule_id: check.id.to_string().into(),
                title: check.title.to_string().into(),
                severity: check.severity,
                fingerprint: Fingerprint::policy(check.id, path, &h.subject),
                location: Location {
                    path: path.to_string().into(),
                    line: h.line,
                    ..Location::default()
                },
                secret: None,
                vulnerability: None,
                help: format!("{}. {}", h.detail, check.remediation).into(),
            })
        })
        .collect()
}

/// One way a check failed its own examples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    /// Check id.
    pub check: &'static str,
    /// What went wrong.
    pub message: String,
}

/// Runs every check's examples: each positive example must produce a hit of
/// that check on its line, each negative example none of that check.
pub fn check_examples() -> Vec<ExampleFailure> {
    let mut failures = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for c in catalogue() {
        let fail = |message: String| ExampleFailure {
            check: c.id,
            message,
        };
        if !ids.insert(c.id) {
            failures.push(fail("duplicate check id".into()));
        }
        if c.examples.is_empty() || c.negatives.is_empty() {
            failures.push(fail(
                "needs at least one example and one negative example".into(),
            ));
        }
        for (i, ex) in c.examples.iter().enumerate() {
            match check_text(ex.path, ex.text) {
                Outcome::Checked(_, hits) => {
                    let lines: Vec<u32> = hits
                        .iter()
                        .filter(|h| h.check == c.id)
                        .map(|h| h.line)
                        .collect();
                    if !lines.contains(&ex.line) {
                        failures.push(fail(format!(
                            "example {i} ({}) must fire on line {}, fired on {lines:?}",
                            ex.path, ex.line
                        )));
                    }
                }
                other => failures.push(fail(format!(
                    "example {i} ({}) was not checked: {other:?}",
                    ex.path
                ))),
            }
        }
        for (i, ex) in c.negatives.iter().enumerate() {
            match check_text(ex.path, ex.text) {
                Outcome::Checked(_, hits) => {
                    if let Some(h) = hits.iter().find(|h| h.check == c.id) {
                        failures.push(fail(format!(
                            "negative example {i} ({}) must not fire, fired on line {}",
                            ex.path, h.line
                        )));
                    }
                }
                Outcome::NotApplicable => {}
                other => failures.push(fail(format!(
                    "negative example {i} ({}) was not checked: {other:?}",
                    ex.path
                ))),
            }
        }
    }
    failures
}

#[cfg(test)]
mod tests;
