//! Config files in the gitleaks TOML dialect, extended.
//!
//! A real user's `.gitleaks.toml` loads unchanged: `title`, `[extend]`
//! (`useDefault`, `path`, `disabledRules`), `[[rules]]` (overriding built-in
//! rules by id), `[[rules.allowlists]]`, `[[allowlists]]` and the older
//! singular `[allowlist]` tables, path-only rules, `secretGroup`, `entropy`,
//! `keywords`, `tags`. leakgate's own fields (`severity`, `help`, `examples`,
//! `negativeExamples`) are additions other tools ignore. Unknown tables and
//! keys are ignored (e.g. `[deps]`, read by the dependency checker from the
//! same file), so configs stay forward compatible.
//!
//! Resolution follows gitleaks: with `[extend]` the file's rules merge into
//! the base (built-in rules or another file), field by field; without it, a
//! file that defines rules replaces the built-in set. A file that defines no
//! rules at all (only allowlists) keeps the built-in rules.

use super::error::line_of;
use super::{ConfigError, Rule, RuleSet};
use crate::allow::{Allowlist, Condition, RegexTarget};
use crate::finding::Severity;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// How deep `[extend] path` chains may go before we call it a cycle.
const MAX_EXTEND_DEPTH: usize = 8;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawConfig {
    #[serde(default)]
    extend: Option<RawExtend>,
    #[serde(default)]
    rules: Vec<RawRule>,
    #[serde(default)]
    allowlist: Option<RawAllowlist>,
    #[serde(default)]
    allowlists: Vec<RawAllowlist>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawExtend {
    #[serde(default)]
    use_default: bool,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    disabled_rules: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRule {
    id: Spanned<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    regex: Option<String>,
    #[serde(default)]
    secret_group: Option<i64>,
    #[serde(default)]
    entropy: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    help: Option<String>,
    #[serde(default)]
    examples: Vec<String>,
    #[serde(default)]
    negative_examples: Vec<String>,
    #[serde(default)]
    allowlist: Option<RawAllowlist>,
    #[serde(default)]
    allowlists: Vec<RawAllowlist>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAllowlist {
    #[serde(default)]
    description: String,
    #[serde(default)]
    condition: Option<String>,
    #[serde(default)]
    commits: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    regex_target: Option<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    target_rules: Vec<String>,
}

/// Where a config's text comes from: a file name for messages, and the
/// directory `[extend] path` is resolved against.
#[derive(Debug, Clone)]
pub struct Origin {
    /// File name shown in errors.
    pub path: PathBuf,
    /// Directory for relative `[extend] path`s (`None` for embedded files).
    pub dir: Option<PathBuf>,
}

impl Origin {
    /// An origin for a file on disk.
    pub fn file(path: &Path) -> Origin {
        Origin {
            path: path.to_path_buf(),
            dir: path.parent().map(Path::to_path_buf),
        }
    }
}

/// Loads a user config file and resolves it against the built-in rules.
pub fn load_file(path: &Path) -> Result<RuleSet, ConfigError> {
    load_file_depth(path, 0)
}

fn load_file_depth(path: &Path, depth: usize) -> Result<RuleSet, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    resolve(&text, &Origin::file(path), depth)
}

/// Parses config `text` and resolves it (`[extend]`, overrides) into a rule set.
pub fn parse_str(text: &str, origin: &Origin) -> Result<RuleSet, ConfigError> {
    resolve(text, origin, 0)
}

fn resolve(text: &str, origin: &Origin, depth: usize) -> Result<RuleSet, ConfigError> {
    let raw = parse_raw(text, &origin.path)?;
    let own = convert(raw.rules, text, &origin.path, true, raw.extend.is_some())?;
    let mut allowlists = Vec::new();
    for a in raw.allowlist.into_iter().chain(raw.allowlists) {
        allowlists.push(convert_allowlist(a).map_err(|reason| ConfigError::Invalid {
            path: origin.path.clone(),
            reason,
        })?);
    }
    for a in &allowlists {
        a.validate().map_err(|reason| ConfigError::Invalid {
            path: origin.path.clone(),
            reason: format!("allowlist: {reason}"),
        })?;
    }
    let base = match &raw.extend {
        Some(ext) => {
            let mut base = match &ext.path {
                Some(p) => {
                    if depth >= MAX_EXTEND_DEPTH {
                        return Err(ConfigError::Invalid {
                            path: origin.path.clone(),
                            reason: format!(
                                "[extend] chain deeper than {MAX_EXTEND_DEPTH} (a cycle?)"
                            ),
                        });
                    }
                    // Relative to the extending file; gitleaks resolves it
                    // against the working directory, so fall back to that.
                    let p = Path::new(p);
                    let full = match (&origin.dir, p.is_relative()) {
                        (Some(dir), true) if dir.join(p).is_file() || !p.is_file() => dir.join(p),
                        _ => p.to_path_buf(),
                    };
                    load_file_depth(&full, depth + 1)?
                }
                None if ext.use_default => RuleSet::builtin()?,
                None => RuleSet::default(),
            };
            if ext.path.is_some() && ext.use_default {
                let builtin = RuleSet::builtin()?;
                for r in builtin.rules {
                    if base.get(&r.id).is_none() {
                        base.rules.push(r);
                    }
                }
            }
            base.rules.retain(|r| !ext.disabled_rules.contains(&r.id));
            Some(base)
        }
        None if own.is_empty() => Some(RuleSet::builtin()?),
        None => None,
    };
    let mut set = match base {
        Some(mut base) => {
            for rule in own {
                match base.rules.iter_mut().find(|b| b.id == rule.id) {
                    Some(b) => merge(b, rule),
                    None => base.rules.push(rule),
                }
            }
            base
        }
        None => RuleSet {
            rules: own,
            allowlists: Vec::new(),
        },
    };
    if let Some(r) = set
        .rules
        .iter()
        .find(|r| r.regex_source.is_none() && r.path_source.is_none())
    {
        return Err(ConfigError::Rule {
            path: origin.path.clone(),
            line: 0,
            rule: r.id.clone(),
            reason:
                "a rule needs a `regex`, a `path`, or both (no base rule with this id to extend)"
                    .into(),
        });
    }
    set.allowlists.extend(allowlists);
    Ok(set)
}

/// Parses one embedded built-in rule file without compiling its regexes
/// (they compile lazily, on first use).
pub(crate) fn parse_builtin(text: &str, name: &str) -> Result<RuleSet, ConfigError> {
    let path = Path::new(name);
    let raw = parse_raw(text, path)?;
    let rules = convert(raw.rules, text, path, false, false)?;
    let mut allowlists = Vec::new();
    for a in raw.allowlist.into_iter().chain(raw.allowlists) {
        allowlists.push(convert_allowlist(a).map_err(|reason| ConfigError::Invalid {
            path: path.to_path_buf(),
            reason,
        })?);
    }
    Ok(RuleSet { rules, allowlists })
}

fn parse_raw(text: &str, path: &Path) -> Result<RawConfig, ConfigError> {
    toml::from_str::<RawConfig>(text).map_err(|e| ConfigError::Syntax {
        path: path.to_path_buf(),
        line: e.span().map_or(0, |s| line_of(text, s.start)),
        reason: e.message().trim().to_string(),
    })
}

/// Overrides `base` with the fields `over` sets (gitleaks `[extend]` merge):
/// scalars replace, keywords/tags/allowlists/examples accumulate.
fn merge(base: &mut Rule, over: Rule) {
    if !over.description.is_empty() {
        base.description = over.description;
    }
    if over.regex_source.is_some() {
        base.regex_source = over.regex_source;
        base.secret_group = over.secret_group;
        base.regex = std::sync::OnceLock::new();
    } else if over.secret_group.is_some() {
        base.secret_group = over.secret_group;
    }
    if over.entropy.is_some() {
        base.entropy = over.entropy;
    }
    if over.path_source.is_some() {
        base.path_source = over.path_source;
        base.path = std::sync::OnceLock::new();
    }
    for k in over.keywords {
        if !base.keywords.contains(&k) {
            base.keywords.push(k);
        }
    }
    for t in over.tags {
        if !base.tags.contains(&t) {
            base.tags.push(t);
        }
    }
    if over.severity_set {
        base.severity = over.severity;
    }
    if !over.help.is_empty() {
        base.help = over.help;
    }
    base.examples.extend(over.examples);
    base.negative_examples.extend(over.negative_examples);
    base.allowlists.extend(over.allowlists);
    base.origin = over.origin;
}

/// `validate` compiles regexes now (user configs); `partial` means the file
/// extends a base, so a rule may override only some fields of a base rule
/// (completeness is checked after the merge).
fn convert(
    raw: Vec<RawRule>,
    text: &str,
    path: &Path,
    validate: bool,
    partial: bool,
) -> Result<Vec<Rule>, ConfigError> {
    let mut out: Vec<Rule> = Vec::with_capacity(raw.len());
    for r in raw {
        let line = line_of(text, r.id.span().start);
        let id = r.id.into_inner();
        let err = |reason: String| ConfigError::Rule {
            path: path.to_path_buf(),
            line,
            rule: id.clone(),
            reason,
        };
        if id.trim().is_empty() {
            return Err(err("empty rule id".into()));
        }
        if out.iter().any(|o| o.id == id) {
            return Err(err("duplicate rule id in the same file".into()));
        }
        let regex = r.regex.filter(|s| !s.is_empty());
        let path_re = r.path.filter(|s| !s.is_empty());
        if regex.is_none() && path_re.is_none() && !partial {
            return Err(err("a rule needs a `regex`, a `path`, or both".into()));
        }
        let secret_group = match r.secret_group {
            None => None,
            Some(g) => {
                Some(usize::try_from(g).map_err(|_| err(format!("negative secretGroup {g}")))?)
            }
        };
        if let Some(e) = r.entropy {
            if !(0.0..=8.0).contains(&e) {
                return Err(err(format!("entropy {e} outside 0..=8 bits per byte")));
            }
        }
        let severity_set = r.severity.is_some();
        let severity = match r.severity.as_deref() {
            None => Severity::High,
            Some(s) => match Severity::parse(s) {
                Some(
                    sev @ (Severity::Critical | Severity::High | Severity::Medium | Severity::Low),
                ) => sev,
                _ => {
                    return Err(err(format!(
                        "unknown severity `{s}` (critical|high|medium|low)"
                    )))
                }
            },
        };
        let mut allowlists = Vec::new();
        for a in r.allowlist.into_iter().chain(r.allowlists) {
            if !a.target_rules.is_empty() {
                return Err(err(
                    "`targetRules` is only valid in global allowlists".into()
                ));
            }
            allowlists.push(convert_allowlist(a).map_err(&err)?);
        }
        let mut rule = Rule::new(id.clone());
        rule.description = r.description.unwrap_or_default();
        rule.regex_source = regex;
        rule.secret_group = secret_group;
        rule.entropy = r.entropy.filter(|e| *e > 0.0);
        rule.keywords = r
            .keywords
            .into_iter()
            .map(|k| k.to_ascii_lowercase())
            .filter(|k| !k.is_empty())
            .collect();
        rule.path_source = path_re;
        rule.tags = r.tags;
        rule.severity = severity;
        rule.severity_set = severity_set;
        rule.help = r.help.unwrap_or_default();
        rule.examples = r.examples;
        rule.negative_examples = r.negative_examples;
        rule.allowlists = allowlists;
        rule.origin = path.display().to_string();
        if validate {
            // Validate what the user wrote now, so a bad regex fails the run
            // up front with the rule id rather than silently never matching.
            rule.compile_all().map_err(&err)?;
        }
        out.push(rule);
    }
    Ok(out)
}

fn convert_allowlist(a: RawAllowlist) -> Result<Allowlist, String> {
    let condition = match a
        .condition
        .as_deref()
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None | Some("") | Some("OR") => Condition::Or,
        Some("AND") => Condition::And,
        Some(other) => return Err(format!("allowlist condition `{other}` is not AND or OR")),
    };
    let regex_target = match a
        .regex_target
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("") | Some("secret") => RegexTarget::Secret,
        Some("match") => RegexTarget::Match,
        Some("line") => RegexTarget::Line,
        Some(other) => {
            return Err(format!(
                "allowlist regexTarget `{other}` is not secret, match or line"
            ))
        }
    };
    let mut out = Allowlist::default();
    out.description = a.description;
    out.condition = condition;
    out.commits = a.commits;
    out.paths = a.paths;
    out.regexes = a.regexes;
    out.regex_target = regex_target;
    out.stopwords = a
        .stopwords
        .into_iter()
        .map(|s| s.to_ascii_lowercase())
        .collect();
    out.target_rules = a.target_rules;
    Ok(out)
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
