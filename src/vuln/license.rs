//! Licence policy: `deps --deny-license EXPR` / `--allow-license EXPR`.
//!
//! A policy names licences with SPDX expressions (parsed by the `spdx`
//! crate, which implements the SPDX 2.3 expression grammar: `AND`, `OR`,
//! `WITH`, `+` and parentheses). A policy expression is a list of licences,
//! so only `OR` (and `WITH` on one licence) is meaningful there; `AND` is
//! rejected. A package's own licence expression is then evaluated:
//!
//! - **deny**: the package is denied when its expression cannot be
//!   satisfied without a denied licence (`MIT OR GPL-3.0-only` is fine, you
//!   may take MIT; `MIT AND GPL-3.0-only` is denied);
//! - **allow**: the package passes only when its expression can be satisfied
//!   with allowed licences alone.
//!
//! A policy licence matches a package requirement when the licence is the
//! same and the policy names no `WITH` exception or the same one. Lockfile
//! text that is not an SPDX expression is parsed leniently (`MIT/Apache-2.0`
//! as `MIT OR Apache-2.0`, as crates.io long wrote it); what still does not
//! parse, and packages without a recorded licence, cannot be verified: under
//! an allow list they are findings (`license-unknown`), fail closed; under a
//! deny list alone they are counted and warned about.

use crate::finding::{Finding, FindingKind, Fingerprint, Location, Severity};
use crate::inventory::Package;
use spdx::{Expression, LicenseReq, ParseMode};

/// Rule id of a package whose licence the deny list forbids.
pub const RULE_DENIED: &str = "license-denied";
/// Rule id of a package whose licence the allow list does not cover.
pub const RULE_NOT_ALLOWED: &str = "license-not-allowed";
/// Rule id of a package whose licence is unknown or unparseable under an allow list.
pub const RULE_UNKNOWN: &str = "license-unknown";

/// A parsed licence policy.
#[derive(Debug, Clone, Default)]
pub struct LicensePolicy {
    deny: Vec<(String, LicenseReq)>,
    allow: Vec<(String, LicenseReq)>,
    deny_text: Vec<String>,
    allow_text: Vec<String>,
}

/// The outcome of checking packages against a policy.
#[derive(Debug, Clone, Default)]
pub struct LicenseCheck {
    /// Findings, in package order.
    pub findings: Vec<Finding>,
    /// Packages without a recorded licence (or with one that does not parse).
    pub unknown: usize,
    /// Packages checked.
    pub checked: usize,
}

fn lenient(text: &str) -> Result<Expression, String> {
    Expression::parse_mode(text, ParseMode::LAX).map_err(|e| e.to_string())
}

fn requirements(flag: &str, text: &str) -> Result<Vec<(String, LicenseReq)>, String> {
    let expr = Expression::parse(text)
        .map_err(|e| format!("--{flag} `{text}` is not an SPDX expression: {e}"))?;
    if expr.iter().any(|n| {
        matches!(
            n,
            spdx::expression::ExprNode::Op(spdx::expression::Operator::And)
        )
    }) {
        return Err(format!(
            "--{flag} `{text}`: a policy lists licences, join them with OR (AND has no meaning here)"
        ));
    }
    Ok(expr
        .requirements()
        .map(|r| {
            (
                text[r.span.start as usize..r.span.end as usize].to_string(),
                r.req.clone(),
            )
        })
        .collect())
}

fn covers(policy: &LicenseReq, req: &LicenseReq) -> bool {
    policy.license == req.license && (policy.addition.is_none() || policy.addition == req.addition)
}

impl LicensePolicy {
    /// Parses the `--deny-license` and `--allow-license` values; an error
    /// names the flag and the expression.
    pub fn new(deny: &[String], allow: &[String]) -> Result<LicensePolicy, String> {
        let mut policy = LicensePolicy::default();
        for d in deny {
            policy.deny.extend(requirements("deny-license", d)?);
            policy.deny_text.push(d.clone());
        }
        for a in allow {
            policy.allow.extend(requirements("allow-license", a)?);
            policy.allow_text.push(a.clone());
        }
        Ok(policy)
    }

    /// Whether any licence is named (no flag given: nothing to check).
    pub fn is_empty(&self) -> bool {
        self.deny.is_empty() && self.allow.is_empty()
    }

    /// Checks every package.
    pub fn check(&self, packages: &[Package]) -> LicenseCheck {
        let mut out = LicenseCheck::default();
        if self.is_empty() {
            return out;
        }
        for p in packages {
            out.checked += 1;
            let expr = p
                .license
                .as_deref()
                .map(str::trim)
                .filter(|l| !l.is_empty());
            let parsed = expr.map(lenient);
            let verdict = match &parsed {
                None | Some(Err(_)) => {
                    out.unknown += 1;
                    if self.allow.is_empty() {
                        continue;
                    }
                    let why = match (expr, &parsed) {
                        (Some(text), Some(Err(e))) => {
                            format!("its licence `{text}` is not an SPDX expression ({e})")
                        }
                        _ => "no licence is recorded for it".to_string(),
                    };
                    Some((
                        RULE_UNKNOWN,
                        format!(
                            "{} cannot be checked against --allow-license {}: {why}",
                            label(p),
                            self.allow_text.join(", ")
                        ),
                    ))
                }
                Some(Ok(e)) => {
                    let text = expr.unwrap_or_default();
                    let denied = !self.deny.is_empty()
                        && !e.evaluate(|req| !self.deny.iter().any(|(_, d)| covers(d, req)));
                    let not_allowed = !self.allow.is_empty()
                        && !e.evaluate(|req| self.allow.iter().any(|(_, a)| covers(a, req)));
                    if denied {
                        Some((
                            RULE_DENIED,
                            format!(
                                "{} is licensed `{text}`, which --deny-license {} forbids",
                                label(p),
                                self.deny_text.join(", ")
                            ),
                        ))
                    } else if not_allowed {
                        Some((
                            RULE_NOT_ALLOWED,
                            format!(
                                "{} is licensed `{text}`, which --allow-license {} does not cover",
                                label(p),
                                self.allow_text.join(", ")
                            ),
                        ))
                    } else {
                        None
                    }
                }
            };
            if let Some((rule, title)) = verdict {
                out.findings.push(finding(p, rule, title));
            }
        }
        out
    }
}

fn label(p: &Package) -> String {
    match &p.version {
        Some(v) => format!("{} {v} ({})", p.name, p.ecosystem),
        None => format!("{} ({})", p.name, p.ecosystem),
    }
}

fn finding(p: &Package, rule: &str, title: String) -> Finding {
    let version = p.version.as_deref().unwrap_or("");
    Finding {
        kind: FindingKind::License,
        rule_id: rule.to_string().into(),
        title: title.into(),
        severity: if rule == RULE_UNKNOWN {
            Severity::Medium
        } else {
            Severity::High
        },
        fingerprint: Fingerprint::license(
            rule,
            p.ecosystem.osv_name(),
            &p.name,
            version,
            &p.location.file,
        ),
        location: Location {
            path: p.location.file.clone(),
            line: p.location.line,
            ..Location::default()
        },
        secret: None,
        vulnerability: None,
        help: format!(
            "Replace {} with a package under an accepted licence, or change the licence policy.",
            p.name
        )
        .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{Ecosystem, SourceLocation};

    fn pkg(name: &str, license: Option<&str>) -> Package {
        Package {
            ecosystem: Ecosystem::Npm,
            name: name.into(),
            version: Some("1.0.0".into()),
            source_purl: None,
            direct: true,
            dev: false,
            dependencies: Vec::new(),
            location: SourceLocation {
                file: "package-lock.json".into(),
                line: 4,
            },
            hashes: Vec::new(),
            license: license.map(Into::into),
        }
    }

    fn rules(policy: &LicensePolicy, packages: &[Package]) -> Vec<(String, String)> {
        policy
            .check(packages)
            .findings
            .into_iter()
            .map(|f| {
                (
                    format!("{}:{}", f.location.path, f.location.line),
                    f.rule_id.to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn deny_needs_every_choice_to_hit_a_denied_licence() {
        let policy = LicensePolicy::new(&["GPL-3.0-only OR AGPL-3.0-only".into()], &[]).unwrap();
        let packages = [
            pkg("a", Some("MIT OR GPL-3.0-only")),
            pkg("b", Some("MIT AND GPL-3.0-only")),
            pkg(
                "c",
                Some("(Apache-2.0 AND AGPL-3.0-only) OR (MIT AND GPL-3.0-only)"),
            ),
            pkg("d", Some("GPL-3.0-only WITH Classpath-exception-2.0")),
            pkg("e", None),
        ];
        let check = policy.check(&packages);
        let names: Vec<&str> = check
            .findings
            .iter()
            .map(|f| f.title.split(' ').next().unwrap_or(""))
            .collect();
        assert_eq!(names, ["b", "c", "d"]);
        assert_eq!(check.findings[0].rule_id, RULE_DENIED);
        assert_eq!(
            check.findings[0].title,
            "b 1.0.0 (npm) is licensed `MIT AND GPL-3.0-only`, which --deny-license GPL-3.0-only OR AGPL-3.0-only forbids"
        );
        assert_eq!(check.findings[0].kind, FindingKind::License);
        assert_eq!(check.unknown, 1);
    }

    #[test]
    fn allow_fails_closed_on_unknown_and_reads_legacy_slashes() {
        let policy =
            LicensePolicy::new(&[], &["MIT OR Apache-2.0 OR BSD-3-Clause".into()]).unwrap();
        let packages = [
            pkg("ok", Some("MIT/Apache-2.0")),
            pkg("gpl", Some("GPL-2.0-or-later")),
            pkg("none", None),
            pkg("text", Some("see LICENSE file")),
        ];
        assert_eq!(
            rules(&policy, &packages),
            [
                (
                    "package-lock.json:4".to_string(),
                    RULE_NOT_ALLOWED.to_string()
                ),
                ("package-lock.json:4".to_string(), RULE_UNKNOWN.to_string()),
                ("package-lock.json:4".to_string(), RULE_UNKNOWN.to_string()),
            ]
        );
    }

    #[test]
    fn bad_policies_are_usage_errors() {
        assert!(LicensePolicy::new(&["MIT AND Apache-2.0".into()], &[])
            .unwrap_err()
            .contains("join them with OR"));
        assert!(LicensePolicy::new(&[], &["not a licence".into()])
            .unwrap_err()
            .starts_with("--allow-license `not a licence` is not an SPDX expression"));
    }
}
