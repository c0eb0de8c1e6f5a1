//! The rule model: what a secret looks like, and which of its matches to let pass.
//!
//! Rules are data, written in the gitleaks TOML dialect (see [`config`]) and
//! extended with `severity`, `help`, `examples` and `negativeExamples`. The
//! built-in catalogue ([`builtin`]) is embedded in the binary at build time;
//! user configs extend or replace it. A [`RuleSet`] is the resolved result:
//! an ordered list of [`Rule`]s plus the global [`Allowlist`]s. The engine
//! indexes rules by their position in [`RuleSet::rules`].
//!
//! Regexes are compiled lazily ([`Rule::regex`]), once per process: a
//! pre-commit run over one small file only pays for the few rules whose
//! keywords occur in it.

pub mod builtin;
pub mod check;
pub mod config;
mod error;
pub mod memory;
pub mod re2;

pub use check::{check_examples, ExampleFailure};
pub use error::ConfigError;
pub use memory::{check_memory, REGEX_MEMORY_BUDGET};

use crate::allow::Allowlist;
use crate::finding::Severity;
use regex::bytes::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::OnceLock;

/// Compiled-size limit for one rule regex. gitleaks' generic rules exceed the
/// `regex` crate's 10 MiB default; 256 MiB is a ceiling, not an allocation.
const REGEX_SIZE_LIMIT: usize = 256 << 20;
/// Lazy-DFA cache per regex.
const DFA_SIZE_LIMIT: usize = 8 << 20;

/// Default help text for a secret finding.
pub const DEFAULT_HELP: &str =
    "Revoke or rotate the credential at its provider, then remove it from the code and from git history.";

/// How sure leakgate is that a finding is a live credential. Ordered:
/// `High > Medium > Low`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Context-keyed or generic rules: a value next to a keyword.
    Low,
    /// A distinctive provider format (prefix, length, alphabet).
    Medium,
    /// The format carries a checksum and it is valid.
    High,
}

impl Confidence {
    /// The lower-case name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }

    /// Parses a confidence name (case-insensitive).
    pub fn parse(s: &str) -> Option<Confidence> {
        match s.to_ascii_lowercase().as_str() {
            "low" => Some(Confidence::Low),
            "medium" => Some(Confidence::Medium),
            "high" => Some(Confidence::High),
            _ => None,
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a rule was written: it decides which of leakgate's own filters apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RuleSource {
    /// A built-in rule (`rules/*.toml`): leakgate's placeholder policy applies.
    #[default]
    Builtin,
    /// A rule from a user config: gitleaks semantics, only the rule's own
    /// `entropy`, allowlists and stopwords apply.
    User,
}

/// One secret rule.
#[derive(Debug)]
pub struct Rule {
    /// Unique id, e.g. `github-pat`.
    pub id: String,
    /// One-line human description, used as the finding title.
    pub description: String,
    /// Regex source (gitleaks/RE2 syntax), if the rule matches content.
    pub regex_source: Option<String>,
    /// Which capture group is the secret: `None` = first non-empty group, else
    /// the whole match (gitleaks semantics); `Some(0)` = the whole match.
    pub secret_group: Option<usize>,
    /// Minimum Shannon entropy (bits per byte) the secret must exceed.
    pub entropy: Option<f64>,
    /// Lower-cased keywords; the rule runs only where one occurs.
    pub keywords: Vec<String>,
    /// Regex source a file path must match (`path` in gitleaks).
    pub path_source: Option<String>,
    /// Free-form tags (`generic` marks a generic rule).
    pub tags: Vec<String>,
    /// How bad a leak of this secret is.
    pub severity: Severity,
    /// What to do about a finding.
    pub help: String,
    /// Inputs the rule must report (paths for path-only rules).
    pub examples: Vec<String>,
    /// Inputs the rule must not report.
    pub negative_examples: Vec<String>,
    /// Provider documentation of the key format the rule was written from.
    pub references: Vec<String>,
    /// The provider (company or product) whose credential this is, when the
    /// rule is specific to one.
    pub provider: Option<String>,
    /// Rule-specific allowlists.
    pub allowlists: Vec<Allowlist>,
    /// Where the rule was defined (file name), for error messages.
    pub origin: String,
    /// Built-in or user rule (set by the loader).
    pub source: RuleSource,
    /// The checksum the secret carries, if its format has one.
    pub checksum: Option<crate::engine::checksum::Checksum>,
    /// Confidence written in the rule (`confidence = "low"`); the default
    /// is derived, see [`Rule::confidence`].
    pub confidence_set: Option<Confidence>,
    /// True when `severity` was written explicitly (an override then replaces it).
    pub(crate) severity_set: bool,
    pub(crate) regex: OnceLock<Result<Regex, String>>,
    pub(crate) path: OnceLock<Result<Regex, String>>,
}

impl Rule {
    /// A rule with the given id and everything else empty or default.
    pub fn new(id: impl Into<String>) -> Rule {
        Rule {
            id: id.into(),
            description: String::new(),
            regex_source: None,
            secret_group: None,
            entropy: None,
            keywords: Vec::new(),
            path_source: None,
            tags: Vec::new(),
            severity: Severity::High,
            help: String::new(),
            examples: Vec::new(),
            negative_examples: Vec::new(),
            references: Vec::new(),
            provider: None,
            allowlists: Vec::new(),
            origin: String::new(),
            source: RuleSource::Builtin,
            checksum: None,
            confidence_set: None,
            severity_set: false,
            regex: OnceLock::new(),
            path: OnceLock::new(),
        }
    }

    /// True for generic rules (id prefix `generic` or tag `generic`): when a
    /// generic and a specific rule report the same secret, only the specific
    /// one is kept.
    pub fn is_generic(&self) -> bool {
        self.id.starts_with("generic")
            || self.tags.iter().any(|t| t.eq_ignore_ascii_case("generic"))
    }

    /// The confidence of a finding of this rule whose checksum (if any) is
    /// valid: `high` for checksummed formats, the rule's `confidence` key
    /// when written, `low` for generic rules, `medium` otherwise.
    pub fn confidence(&self) -> Confidence {
        if self.checksum.is_some() {
            return Confidence::High;
        }
        match self.confidence_set {
            Some(c) => c,
            None if self.is_generic() => Confidence::Low,
            None => Confidence::Medium,
        }
    }

    /// True when the rule only looks at file paths (no content regex).
    pub fn is_path_only(&self) -> bool {
        self.regex_source.is_none() && self.path_source.is_some()
    }

    /// True when a match may span many lines (private keys, certificates):
    /// such rules get a larger search window around their keyword hits.
    pub fn is_multiline(&self) -> bool {
        self.regex_source.as_deref().is_some_and(|r| {
            r.contains("\\n") || r.contains("[\\s\\S]") || r.contains("(?s") || r.contains("-----")
        })
    }

    /// The compiled content regex (compiled on first use, once per process).
    /// `None` for path-only rules; `Some(Err)` names the compile error.
    pub fn regex(&self) -> Option<Result<&Regex, &str>> {
        let src = self.regex_source.as_deref()?;
        Some(
            self.regex
                .get_or_init(|| compile(src))
                .as_ref()
                .map_err(String::as_str),
        )
    }

    /// The compiled path regex, if the rule has a `path`.
    pub fn path_regex(&self) -> Option<Result<&Regex, &str>> {
        let src = self.path_source.as_deref()?;
        Some(
            self.path
                .get_or_init(|| compile(src))
                .as_ref()
                .map_err(String::as_str),
        )
    }

    /// Compiles every regex of the rule now, returning the first error.
    /// User rules are validated this way at load time; built-in ones by
    /// `leakgate rules check` and the test suite.
    pub fn compile_all(&self) -> Result<(), String> {
        match self.regex() {
            Some(Err(e)) => return Err(format!("invalid regex: {e}")),
            Some(Ok(re)) => {
                let groups = re.captures_len() - 1;
                if let Some(g) = self.secret_group.filter(|g| *g > groups) {
                    return Err(format!(
                        "secretGroup {g} but the regex has {groups} capture groups"
                    ));
                }
            }
            None => {}
        }
        if let Some(Err(e)) = self.path_regex() {
            return Err(format!("invalid path regex: {e}"));
        }
        for a in &self.allowlists {
            a.validate()?;
        }
        Ok(())
    }

    /// The help text, or the default one.
    pub fn help_text(&self) -> &str {
        if self.help.is_empty() {
            DEFAULT_HELP
        } else {
            &self.help
        }
    }

    /// The finding title: the description, or the id when there is none.
    pub fn title(&self) -> &str {
        if self.description.is_empty() {
            &self.id
        } else {
            &self.description
        }
    }
}

impl Clone for Rule {
    fn clone(&self) -> Rule {
        Rule {
            id: self.id.clone(),
            description: self.description.clone(),
            regex_source: self.regex_source.clone(),
            secret_group: self.secret_group,
            entropy: self.entropy,
            keywords: self.keywords.clone(),
            path_source: self.path_source.clone(),
            tags: self.tags.clone(),
            severity: self.severity,
            help: self.help.clone(),
            examples: self.examples.clone(),
            negative_examples: self.negative_examples.clone(),
            references: self.references.clone(),
            provider: self.provider.clone(),
            allowlists: self.allowlists.clone(),
            origin: self.origin.clone(),
            source: self.source,
            checksum: self.checksum,
            confidence_set: self.confidence_set,
            severity_set: self.severity_set,
            // Compiled forms are caches: a clone recompiles on demand.
            regex: OnceLock::new(),
            path: OnceLock::new(),
        }
    }
}

/// Compiles a gitleaks-dialect (RE2) regex for byte input. RE2-only syntax
/// is translated first ([`re2::translate`]: literal braces, `\Q…\E`, `\C`,
/// octal escapes, literal `[`/`&&`/`--` in classes); a pattern valid in both
/// dialects is compiled as written. Unicode-aware classes are turned off
/// first (smaller automata, no UTF-8 requirement on the input); patterns
/// that need Unicode mode fall back to it.
pub fn compile(src: &str) -> Result<Regex, String> {
    let translated = re2::translate(src);
    let build = |unicode: bool| {
        RegexBuilder::new(&translated)
            .unicode(unicode)
            .size_limit(REGEX_SIZE_LIMIT)
            .dfa_size_limit(DFA_SIZE_LIMIT)
            .build()
    };
    build(false)
        .or_else(|_| build(true))
        .map_err(|e| e.to_string())
}

/// The resolved rules and global allowlists of a scan.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    /// Rules in a stable order; engines refer to them by index.
    pub rules: Vec<Rule>,
    /// Allowlists that apply to every rule (or to their `targetRules`).
    pub allowlists: Vec<Allowlist>,
}

impl RuleSet {
    /// The built-in rules only.
    pub fn builtin() -> Result<RuleSet, ConfigError> {
        builtin::load()
    }

    /// Looks a rule up by id.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_by_prefix_or_tag() {
        let mut r = Rule::new("generic-api-key");
        assert!(r.is_generic());
        r.id = "password-in-url".into();
        assert!(!r.is_generic());
        r.tags.push("Generic".into());
        assert!(r.is_generic());
    }

    #[test]
    fn regex_compiles_lazily_and_once() {
        let mut r = Rule::new("t");
        r.regex_source = Some(r"(?i)tok_([a-z0-9]{8})".into());
        assert!(r.regex.get().is_none());
        let re = r
            .regex()
            .and_then(Result::ok)
            .map(|re| re.as_str().to_string());
        assert_eq!(re.as_deref(), Some(r"(?i)tok_([a-z0-9]{8})"));
        assert!(r.regex.get().is_some());
    }

    #[test]
    fn unicode_patterns_fall_back() {
        // `\p{L}` needs Unicode mode; `(?-u)` compilation fails, the fallback works.
        assert!(compile(r"\p{L}+").is_ok());
        assert!(compile(r"(unclosed").is_err());
    }

    #[test]
    fn multiline_detection() {
        let mut r = Rule::new("pk");
        r.regex_source = Some(r"-----BEGIN[ A-Z]*PRIVATE KEY-----[\s\S]{64,}?-----END".into());
        assert!(r.is_multiline());
        r.regex_source = Some(r"ghp_[0-9a-zA-Z]{36}".into());
        assert!(!r.is_multiline());
    }
}
