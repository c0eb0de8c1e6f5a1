//! The built-in rule catalogue: every `rules/*.toml` file of the source tree,
//! parsed at build time by `build.rs` into the statics below, so loading it
//! costs no TOML parsing (startup time is the pre-commit budget). The
//! statics get the same semantic validation as a user config, and the
//! regexes compile lazily, rule by rule, when a keyword first asks for them.

use super::config::{build_rule, convert_allowlist, RawAllowlist, RuleParts};
use super::{ConfigError, RuleSet};
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

/// One built-in rule as written in its file (see `build.rs`).
#[derive(Debug)]
pub(crate) struct BuiltinRule {
    /// The rule file, `rules/<name>.toml`.
    pub(crate) origin: &'static str,
    /// 1-based line of the rule's `id`.
    pub(crate) line: u32,
    pub(crate) id: &'static str,
    pub(crate) description: Option<&'static str>,
    pub(crate) regex: Option<&'static str>,
    pub(crate) secret_group: Option<usize>,
    pub(crate) entropy: Option<f64>,
    pub(crate) keywords: &'static [&'static str],
    pub(crate) path: Option<&'static str>,
    pub(crate) tags: &'static [&'static str],
    pub(crate) severity: Option<&'static str>,
    pub(crate) help: Option<&'static str>,
    pub(crate) examples: &'static [&'static str],
    pub(crate) negative_examples: &'static [&'static str],
    /// Provider documentation the rule was written from.
    pub(crate) references: &'static [&'static str],
    /// The provider (company or product) whose credential the rule finds.
    pub(crate) provider: Option<&'static str>,
    /// Checksum scheme name (`crc32-base62`).
    pub(crate) checksum: Option<&'static str>,
    /// Confidence written in the rule.
    pub(crate) confidence: Option<&'static str>,
    pub(crate) allowlists: &'static [BuiltinAllowlist],
}

/// One built-in allowlist as written in its file.
#[derive(Debug)]
pub(crate) struct BuiltinAllowlist {
    pub(crate) description: &'static str,
    pub(crate) condition: Option<&'static str>,
    pub(crate) commits: &'static [&'static str],
    pub(crate) paths: &'static [&'static str],
    pub(crate) regexes: &'static [&'static str],
    pub(crate) regex_target: Option<&'static str>,
    pub(crate) stopwords: &'static [&'static str],
    pub(crate) target_rules: &'static [&'static str],
}

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// Names of the embedded rule files (`rules/<name>.toml`).
pub fn file_names() -> impl Iterator<Item = &'static str> {
    FILE_NAMES.iter().copied()
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_string()).collect()
}

impl BuiltinAllowlist {
    fn raw(&self) -> RawAllowlist {
        RawAllowlist {
            description: self.description.to_string(),
            condition: self.condition.map(str::to_string),
            commits: strings(self.commits),
            paths: strings(self.paths),
            regexes: strings(self.regexes),
            regex_target: self.regex_target.map(str::to_string),
            stopwords: strings(self.stopwords),
            target_rules: strings(self.target_rules),
        }
    }
}

impl BuiltinRule {
    fn parts(&self) -> RuleParts {
        RuleParts {
            id: self.id.to_string(),
            description: self.description.map(str::to_string),
            regex: self.regex.map(str::to_string),
            secret_group: self.secret_group.and_then(|g| i64::try_from(g).ok()),
            entropy: self.entropy,
            keywords: strings(self.keywords),
            path: self.path.map(str::to_string),
            tags: strings(self.tags),
            severity: self.severity.map(Cow::Borrowed),
            help: self.help.map(str::to_string),
            examples: strings(self.examples),
            negative_examples: strings(self.negative_examples),
            references: strings(self.references),
            provider: self.provider.map(str::to_string),
            checksum: self.checksum.map(Cow::Borrowed),
            confidence: self.confidence.map(Cow::Borrowed),
            allowlists: self.allowlists.iter().map(BuiltinAllowlist::raw).collect(),
        }
    }
}

/// Builds the built-in rule set from the embedded statics. Rule ids must be
/// unique across files.
pub fn load() -> Result<RuleSet, ConfigError> {
    let mut set = RuleSet {
        rules: Vec::with_capacity(RULES.len()),
        allowlists: Vec::with_capacity(ALLOWLISTS.len()),
    };
    let mut seen: HashMap<&str, &str> = HashMap::with_capacity(RULES.len());
    for b in RULES {
        let path = Path::new(b.origin);
        if let Some(prev) = seen.insert(b.id, b.origin) {
            let reason = if prev == b.origin {
                "duplicate rule id in the same file".to_string()
            } else {
                format!("duplicate built-in rule id (also in {prev})")
            };
            return Err(ConfigError::Rule {
                path: path.into(),
                line: b.line,
                rule: b.id.to_string(),
                reason,
            });
        }
        set.rules
            .push(build_rule(b.parts(), path, b.line, false, false)?);
    }
    for a in ALLOWLISTS {
        set.allowlists.push(
            convert_allowlist(a.raw()).map_err(|reason| ConfigError::Invalid {
                path: "rules".into(),
                reason,
            })?,
        );
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_and_rule_is_embedded_with_its_line() {
        let on_disk = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/rules"))
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
            .count();
        assert_eq!(file_names().count(), on_disk);
        let set = load().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(set.len(), RULES.len());
        let k8s = RULES
            .iter()
            .find(|r| r.id == "kubernetes-secret-yaml")
            .unwrap_or_else(|| panic!("kubernetes-secret-yaml missing"));
        assert_eq!(k8s.origin, "rules/config-files.toml");
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/config-files.toml"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let line = text
            .lines()
            .position(|l| l == "id = 'kubernetes-secret-yaml'")
            .map(|i| i + 1);
        assert_eq!(line, Some(k8s.line as usize));
        let rule = set
            .get("kubernetes-secret-yaml")
            .unwrap_or_else(|| panic!("not loaded"));
        assert_eq!(rule.keywords, vec!["kind:"]);
        assert_eq!(rule.allowlists.len(), 1);
    }
}
