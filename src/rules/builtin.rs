//! The built-in rule catalogue: every `rules/*.toml` file of the source tree,
//! embedded at build time by `build.rs`. Parsing is cheap (TOML only); the
//! regexes compile lazily, rule by rule, when a keyword first asks for them.

use super::config::parse_builtin;
use super::{ConfigError, RuleSet};

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// Names of the embedded rule files (`rules/<name>.toml`).
pub fn file_names() -> impl Iterator<Item = &'static str> {
    FILES.iter().map(|(name, _)| *name)
}

/// Parses every embedded rule file into one rule set. Rule ids must be unique
/// across files.
pub fn load() -> Result<RuleSet, ConfigError> {
    let mut set = RuleSet::default();
    for (name, text) in FILES {
        let part = parse_builtin(text, name)?;
        for r in part.rules {
            if let Some(prev) = set.get(&r.id) {
                return Err(ConfigError::Rule {
                    path: (*name).into(),
                    line: 0,
                    rule: r.id.clone(),
                    reason: format!("duplicate built-in rule id (also in {})", prev.origin),
                });
            }
            set.rules.push(r);
        }
        set.allowlists.extend(part.allowlists);
    }
    Ok(set)
}
