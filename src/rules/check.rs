//! Rule self-checks: every rule's `examples` must be reported by that rule and
//! its `negativeExamples` must not, through the full pipeline (prefilter,
//! regex, entropy, placeholder filter, allowlists, generic-vs-specific
//! dedupe). `leakgate rules check` and the test suite run this.
//!
//! For path-only rules, examples are file paths. A rule's own `path`
//! constraint is waived for content examples (they have no path).

use super::RuleSet;
use crate::scanner::{BlobContext, ScanOptions, Scanner};
use std::fmt;

/// Why a rule failed its self-check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureKind {
    /// The rule's regex (or path, or allowlist) does not compile.
    Invalid(String),
    /// An example the rule must report was not reported.
    Missed,
    /// A negative example was reported.
    FalsePositive,
}

/// One failed check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    /// Rule id.
    pub rule: String,
    /// File the rule came from.
    pub origin: String,
    /// The example text (empty for [`FailureKind::Invalid`]).
    pub example: String,
    /// What went wrong.
    pub kind: FailureKind,
}

impl fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            FailureKind::Invalid(e) => write!(f, "{} ({}): {e}", self.rule, self.origin),
            FailureKind::Missed => write!(
                f,
                "{} ({}): example not matched: {:?}",
                self.rule, self.origin, self.example
            ),
            FailureKind::FalsePositive => {
                write!(
                    f,
                    "{} ({}): negative example matched: {:?}",
                    self.rule, self.origin, self.example
                )
            }
        }
    }
}

/// Compiles every rule and runs its examples; returns every failure.
pub fn check_examples(rules: &RuleSet) -> Vec<ExampleFailure> {
    let scanner = match Scanner::from_rules(rules.clone(), ScanOptions::default()) {
        Ok(s) => s,
        Err(e) => {
            return vec![ExampleFailure {
                rule: "<all>".into(),
                origin: String::new(),
                example: String::new(),
                kind: FailureKind::Invalid(e.to_string()),
            }]
        }
    };
    let mut out = Vec::new();
    for (idx, rule) in scanner.rules().rules.iter().enumerate() {
        let fail = |example: &str, kind| ExampleFailure {
            rule: rule.id.clone(),
            origin: rule.origin.clone(),
            example: example.to_string(),
            kind,
        };
        if let Err(e) = rule.compile_all() {
            out.push(fail("", FailureKind::Invalid(e)));
            continue;
        }
        let reports = |text: &str| -> bool {
            if rule.is_path_only() {
                let ctx = BlobContext {
                    path: text,
                    commit: None,
                };
                scanner
                    .path_findings(&ctx)
                    .iter()
                    .any(|f| f.rule_id == rule.id)
            } else {
                let ctx = BlobContext {
                    path: "example",
                    commit: None,
                };
                let matches = scanner.find(text.as_bytes());
                scanner
                    .findings_waiving_path(&matches, &ctx, idx)
                    .iter()
                    .any(|f| f.rule_id == rule.id)
            }
        };
        for ex in &rule.examples {
            if !reports(ex) {
                out.push(fail(ex, FailureKind::Missed));
            }
        }
        for ex in &rule.negative_examples {
            if reports(ex) {
                out.push(fail(ex, FailureKind::FalsePositive));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rule;

    fn rule(id: &str, re: &str, kws: &[&str]) -> Rule {
        let mut r = Rule::new(id);
        r.regex_source = Some(re.into());
        r.keywords = kws.iter().map(|s| s.to_string()).collect();
        r
    }

    #[test]
    fn reports_each_kind_of_failure() {
        let mut good = rule("tok", r"\btok_([a-z0-9]{12})\b", &["tok_"]);
        good.examples = vec!["x = tok_a8f3k2m9q7z1".into()];
        good.negative_examples = vec!["x = tok_short".into()];
        let mut missed = rule("miss", r"\bmis_([a-z0-9]{12})\b", &["mis_"]);
        missed.examples = vec!["mis_xxxxxxxxxxxx".into()];
        let mut fp = rule("fp", r"\bfp_([a-z0-9]{4,})\b", &["fp_"]);
        fp.negative_examples = vec!["fp_k3j9x2".into()];
        let bad = rule("bad", r"(", &["b"]);
        let mut path_only = Rule::new("keyfile");
        path_only.path_source = Some(r"(^|/)id_rsa$".into());
        path_only.examples = vec!["home/.ssh/id_rsa".into()];
        path_only.negative_examples = vec!["id_rsa.pub".into()];
        let mut scoped = rule("npmrc", r"_authToken=([A-Za-z0-9]{16})", &["_authtoken"]);
        scoped.path_source = Some(r"\.npmrc$".into());
        scoped.examples = vec!["//r/:_authToken=Ab3dEf9hIj2lMn7p".into()]; // leakgate:allow (fake)
        let set = RuleSet {
            rules: vec![good, missed, fp, bad, path_only, scoped],
            allowlists: Vec::new(),
        };
        let f = check_examples(&set);
        let summary: Vec<(&str, &FailureKind)> =
            f.iter().map(|x| (x.rule.as_str(), &x.kind)).collect();
        assert_eq!(summary.len(), 3, "{f:?}");
        assert_eq!(summary[0], ("miss", &FailureKind::Missed));
        assert_eq!(summary[1], ("fp", &FailureKind::FalsePositive));
        assert_eq!(summary[2].0, "bad");
        assert!(matches!(summary[2].1, FailureKind::Invalid(e) if e.starts_with("invalid regex")));
    }
}
