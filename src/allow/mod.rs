//! Allow decisions: which rule matches are not findings.
//!
//! Four mechanisms, in the order the scanner applies them:
//! - config allowlists ([`Allowlist`]: `[[allowlists]]`, `[[rules.allowlists]]`
//!   and the older `[allowlist]` tables of the gitleaks dialect);
//! - inline markers on the line of a match ([`inline`]);
//! - the ignore file of fingerprints and gitleaks entries ([`ignore_file`]);
//! - a baseline of known findings ([`baseline`], applied by the CLI).

pub mod baseline;
pub mod ignore_file;
pub mod inline;

use globset::{Glob, GlobMatcher};
use regex::bytes::Regex;
use std::sync::OnceLock;

/// How an allowlist's criteria combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Condition {
    /// Any one non-empty criterion allows (gitleaks default).
    #[default]
    Or,
    /// Every non-empty criterion must allow.
    And,
}

/// What an allowlist's `regexes` are matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegexTarget {
    /// The secret (capture group).
    #[default]
    Secret,
    /// The whole regex match.
    Match,
    /// The whole line(s) of the match.
    Line,
}

/// One allowlist, as written in a config.
#[derive(Debug, Default)]
pub struct Allowlist {
    /// Why it exists.
    pub description: String,
    /// How the criteria combine.
    pub condition: Condition,
    /// Commit ids (full, or prefixes of at least 7 hex digits).
    pub commits: Vec<String>,
    /// Path patterns: regexes (gitleaks semantics), or globs when a pattern
    /// is not a valid regex (`*.lock`, `**/testdata/**`).
    pub paths: Vec<String>,
    /// Regexes matched against [`Allowlist::regex_target`].
    pub regexes: Vec<String>,
    /// What `regexes` look at.
    pub regex_target: RegexTarget,
    /// Lower-cased words: a secret containing one is allowed.
    pub stopwords: Vec<String>,
    /// Rule ids this global allowlist is limited to (empty: all rules).
    pub target_rules: Vec<String>,
    compiled: OnceLock<Result<Compiled, String>>,
}

impl Clone for Allowlist {
    fn clone(&self) -> Allowlist {
        Allowlist {
            description: self.description.clone(),
            condition: self.condition,
            commits: self.commits.clone(),
            paths: self.paths.clone(),
            regexes: self.regexes.clone(),
            regex_target: self.regex_target,
            stopwords: self.stopwords.clone(),
            target_rules: self.target_rules.clone(),
            compiled: OnceLock::new(),
        }
    }
}

#[derive(Debug)]
struct Compiled {
    paths: Vec<PathPattern>,
    regexes: Vec<Regex>,
}

#[derive(Debug)]
enum PathPattern {
    Regex(Regex),
    Glob(GlobMatcher),
}

impl PathPattern {
    fn parse(src: &str) -> Result<PathPattern, String> {
        match crate::rules::compile(src) {
            Ok(re) => Ok(PathPattern::Regex(re)),
            Err(re_err) => Glob::new(src)
                .map(|g| PathPattern::Glob(g.compile_matcher()))
                .map_err(|_| format!("invalid path pattern `{src}`: {re_err}")),
        }
    }

    fn is_match(&self, path: &str) -> bool {
        match self {
            PathPattern::Regex(re) => re.is_match(path.as_bytes()),
            PathPattern::Glob(g) => g.is_match(path),
        }
    }
}

/// What an allowlist judges: one rule match in context.
#[derive(Debug, Clone, Copy, Default)]
pub struct Candidate<'a> {
    /// Path of the blob (`/`-separated).
    pub path: &'a str,
    /// Commit id, for git sources.
    pub commit: Option<&'a str>,
    /// The secret.
    pub secret: &'a [u8],
    /// The whole regex match.
    pub matched: &'a [u8],
    /// The line(s) containing the match.
    pub line: &'a [u8],
}

impl Allowlist {
    fn compiled(&self) -> Result<&Compiled, &str> {
        self.compiled
            .get_or_init(|| {
                let paths = self
                    .paths
                    .iter()
                    .map(|p| PathPattern::parse(p))
                    .collect::<Result<Vec<_>, _>>()?;
                let regexes = self
                    .regexes
                    .iter()
                    .map(|r| {
                        crate::rules::compile(r)
                            .map_err(|e| format!("invalid allowlist regex `{r}`: {e}"))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Compiled { paths, regexes })
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// Compiles the allowlist's patterns now, returning the first error.
    pub fn validate(&self) -> Result<(), String> {
        self.compiled().map(|_| ()).map_err(str::to_string)
    }

    /// True when this allowlist has no criteria at all (it allows nothing).
    pub fn is_empty(&self) -> bool {
        self.commits.is_empty()
            && self.paths.is_empty()
            && self.regexes.is_empty()
            && self.stopwords.is_empty()
    }

    /// True when this (global) allowlist applies to findings of `rule_id`.
    pub fn applies_to(&self, rule_id: &str) -> bool {
        self.target_rules.is_empty() || self.target_rules.iter().any(|r| r == rule_id)
    }

    /// True when the path alone decides that every finding in the file is
    /// allowed, whatever the rule: sources may then skip reading the file.
    pub fn allows_whole_path(&self, path: &str) -> bool {
        if !self.target_rules.is_empty() || self.paths.is_empty() {
            return false;
        }
        let only_paths =
            self.commits.is_empty() && self.regexes.is_empty() && self.stopwords.is_empty();
        if self.condition == Condition::And && !only_paths {
            return false;
        }
        self.path_allowed(path)
    }

    fn path_allowed(&self, path: &str) -> bool {
        match self.compiled() {
            Ok(c) => c.paths.iter().any(|p| p.is_match(path)),
            Err(_) => false,
        }
    }

    fn commit_allowed(&self, commit: Option<&str>) -> bool {
        let Some(commit) = commit else { return false };
        self.commits.iter().any(|c| {
            let c = c.trim();
            c.eq_ignore_ascii_case(commit)
                || (c.len() >= 7
                    && commit.len() > c.len()
                    && commit
                        .get(..c.len())
                        .is_some_and(|p| p.eq_ignore_ascii_case(c)))
        })
    }

    fn regex_allowed(&self, c: &Candidate) -> bool {
        let target = match self.regex_target {
            RegexTarget::Secret => c.secret,
            RegexTarget::Match => c.matched,
            RegexTarget::Line => c.line,
        };
        match self.compiled() {
            Ok(comp) => comp.regexes.iter().any(|re| re.is_match(target)),
            Err(_) => false,
        }
    }

    fn stopword_allowed(&self, secret: &[u8]) -> bool {
        let lower = secret.to_ascii_lowercase();
        self.stopwords
            .iter()
            .any(|w| !w.is_empty() && memchr::memmem::find(&lower, w.as_bytes()).is_some())
    }

    /// True when this allowlist lets the candidate pass (no finding).
    pub fn allows(&self, c: &Candidate) -> bool {
        if self.is_empty() {
            return false;
        }
        let mut checks = [None; 4];
        if !self.commits.is_empty() {
            checks[0] = Some(self.commit_allowed(c.commit));
        }
        if !self.paths.is_empty() {
            checks[1] = Some(self.path_allowed(c.path));
        }
        if !self.regexes.is_empty() {
            checks[2] = Some(self.regex_allowed(c));
        }
        if !self.stopwords.is_empty() {
            checks[3] = Some(self.stopword_allowed(c.secret));
        }
        let mut present = checks.iter().flatten();
        match self.condition {
            Condition::Or => present.any(|&b| b),
            Condition::And => present.all(|&b| b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand<'a>(path: &'a str, secret: &'a [u8], line: &'a [u8]) -> Candidate<'a> {
        Candidate {
            path,
            commit: Some("0123456789abcdef0123456789abcdef01234567"),
            secret,
            matched: secret,
            line,
        }
    }

    #[test]
    fn paths_are_regexes_or_globs() {
        let a = Allowlist {
            paths: vec![r"(^|/)testdata/".into(), "*.lock".into()],
            ..Default::default()
        };
        assert!(a.allows(&cand("a/testdata/x.txt", b"s", b"")));
        assert!(a.allows(&cand("Cargo.lock", b"s", b"")));
        assert!(!a.allows(&cand("src/main.rs", b"s", b"")));
        assert!(a.allows_whole_path("Cargo.lock"));
    }

    #[test]
    fn condition_or_and() {
        let mut a = Allowlist {
            paths: vec![r"^tests/".into()],
            stopwords: vec!["dummy".into()],
            ..Default::default()
        };
        assert!(a.allows(&cand("tests/a", b"realsecret", b"")));
        assert!(a.allows(&cand("src/a", b"DUMMYsecret", b"")));
        a.condition = Condition::And;
        assert!(!a.allows(&cand("tests/a", b"realsecret", b"")));
        assert!(!a.allows(&cand("src/a", b"DUMMYsecret", b"")));
        assert!(a.allows(&cand("tests/a", b"dummysecret", b"")));
        assert!(!a.allows_whole_path("tests/a"));
    }

    #[test]
    fn regex_targets() {
        let list = |re: &str, target| {
            let mut a = Allowlist {
                regexes: vec![re.into()],
                ..Default::default()
            };
            a.regex_target = target;
            a
        };
        let c = Candidate {
            path: "a",
            commit: None,
            secret: b"abc123",
            matched: b"ghp_abc123",
            line: b"token = ghp_abc123 # test",
        };
        assert!(!list("^ghp_", RegexTarget::Secret).allows(&c));
        assert!(list("^ghp_", RegexTarget::Match).allows(&c));
        assert!(!list("# test$", RegexTarget::Match).allows(&c));
        assert!(list("# test$", RegexTarget::Line).allows(&c));
    }

    #[test]
    fn commits_full_or_prefix() {
        let a = Allowlist {
            commits: vec!["0123456".into()],
            ..Default::default()
        };
        assert!(a.allows(&cand("a", b"s", b"")));
        let short = Allowlist {
            commits: vec!["0123".into()],
            ..Default::default()
        };
        assert!(!short.allows(&cand("a", b"s", b"")));
        let none = Candidate {
            commit: None,
            ..cand("a", b"s", b"")
        };
        assert!(!a.allows(&none));
    }

    #[test]
    fn target_rules_and_empty() {
        let a = Allowlist {
            target_rules: vec!["r1".into()],
            stopwords: vec!["x".into()],
            ..Default::default()
        };
        assert!(a.applies_to("r1"));
        assert!(!a.applies_to("r2"));
        assert!(!Allowlist::default().allows(&cand("a", b"s", b"")));
    }

    #[test]
    fn invalid_patterns_are_reported() {
        let a = Allowlist {
            regexes: vec!["(".into()],
            ..Default::default()
        };
        assert!(a
            .validate()
            .unwrap_err()
            .contains("invalid allowlist regex `(`"));
        let p = Allowlist {
            paths: vec!["[".into()],
            ..Default::default()
        };
        assert!(p
            .validate()
            .unwrap_err()
            .contains("invalid path pattern `[`"));
    }
}
