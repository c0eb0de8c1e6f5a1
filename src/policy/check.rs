//! What a policy check is ([`Check`]: metadata plus examples that must and
//! must not fire) and what it produces ([`Hit`]).

use crate::finding::Severity;

/// The family a check belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// AWS IAM policies (standalone JSON, CloudFormation, Terraform).
    Iam,
    /// Publicly readable or writable storage (S3, GCS, Azure).
    Storage,
    /// GitHub Actions workflows.
    Actions,
    /// Kubernetes manifests.
    Kubernetes,
}

impl Family {
    /// Lower-case name for listings.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Iam => "iam",
            Family::Storage => "storage",
            Family::Actions => "actions",
            Family::Kubernetes => "kubernetes",
        }
    }
}

/// An input a check is tested on: a file name (it decides the format) and
/// its content. For examples that must fire, `line` is where.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// File name, e.g. `main.tf`, `policy.json`, `.github/workflows/ci.yml`.
    pub path: &'static str,
    /// File content.
    pub text: &'static str,
    /// Line the finding must be on (0 in negative examples).
    pub line: u32,
}

/// One policy check.
#[derive(Debug, Clone, Copy)]
pub struct Check {
    /// Stable id (`iam-admin-wildcard`).
    pub id: &'static str,
    /// Family.
    pub family: Family,
    /// Severity of its findings.
    pub severity: Severity,
    /// One-line title.
    pub title: &'static str,
    /// Why it matters.
    pub rationale: &'static str,
    /// What to change.
    pub remediation: &'static str,
    /// Provider documentation.
    pub references: &'static [&'static str],
    /// Inputs on which it must fire (at [`Example::line`]).
    pub examples: &'static [Example],
    /// Inputs on which it must not fire.
    pub negatives: &'static [Example],
}

/// One place a check fired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Check id.
    pub check: &'static str,
    /// 1-based line of the offending element.
    pub line: u32,
    /// Stable identity of the element within its file (resource address or
    /// document path), for the fingerprint: it survives line moves.
    pub subject: String,
    /// What exactly was found, for the reader.
    pub detail: String,
}

impl Hit {
    /// A hit.
    pub fn new(check: &'static str, line: u32, subject: String, detail: String) -> Hit {
        Hit {
            check,
            line,
            subject,
            detail,
        }
    }
}
