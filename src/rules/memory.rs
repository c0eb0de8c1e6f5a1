//! A total memory budget for a config's compiled regexes.
//!
//! Each regex has its own compiled-size limit (see `compile` in the parent
//! module), but a config of a few large rules (bounded repetitions such as
//! `\w{1,4000}` under Unicode) passes every per-rule limit and still needs
//! gigabytes once all are compiled. [`Budget`] measures each rule's compiled
//! regexes in turn, compiling each with the budget still left as its size
//! limit (so the check itself never allocates past it), and names the first
//! rule that would break it.
//!
//! The measurement compiles with `regex-automata`'s meta engine, the engine
//! `regex` itself is built on, with the same syntax settings as the scan
//! (byte-oriented, Unicode off, falling back to Unicode mode), so the figure
//! is what the scan's regex will hold.

use super::Rule;
use regex_automata::{meta, util::syntax};

/// Total heap a config's compiled regexes may take: 1 GiB.
pub const REGEX_MEMORY_BUDGET: usize = 1 << 30;

/// Per-regex ceiling, as in the scan's own compilation.
const PER_REGEX_LIMIT: usize = 256 << 20;

/// What remains of a memory budget while rules are added.
#[derive(Debug, Clone)]
pub struct Budget {
    limit: usize,
    used: usize,
}

impl Budget {
    /// A budget of `limit` bytes.
    pub fn new(limit: usize) -> Budget {
        Budget { limit, used: 0 }
    }

    /// Bytes measured so far.
    pub fn used(&self) -> usize {
        self.used
    }

    /// Measures `rule`'s content and path regexes and charges them; an
    /// error says the budget is exhausted (the caller names the rule). A regex that does not compile
    /// for another reason is not charged (the rule's own validation reports
    /// it with its real cause).
    pub fn charge(&mut self, rule: &Rule) -> Result<(), String> {
        for src in [rule.regex_source.as_deref(), rule.path_source.as_deref()]
            .into_iter()
            .flatten()
        {
            let left = self.limit.saturating_sub(self.used);
            match measure(src, left.min(PER_REGEX_LIMIT)) {
                Measured::Bytes(n) if n <= left => self.used += n,
                Measured::Bytes(_) | Measured::TooBig => {
                    return Err(format!(
                        "its regex would take the config's compiled regexes past \
                         their {} MiB budget ({} MiB used by the rules before it); \
                         bound its repetitions (e.g. `{{1,4000}}` → `{{1,200}}`) or split the rule",
                        self.limit >> 20,
                        self.used >> 20
                    ))
                }
                Measured::Invalid => {}
            }
        }
        Ok(())
    }
}

/// Charges every rule of `rules` against [`REGEX_MEMORY_BUDGET`], in
/// order; returns the bytes used, or an error naming the rule that breaks it.
pub fn check_memory(rules: &[Rule]) -> Result<usize, String> {
    let mut budget = Budget::new(REGEX_MEMORY_BUDGET);
    for r in rules {
        budget
            .charge(r)
            .map_err(|e| format!("rule `{}`: {e}", r.id))?;
    }
    Ok(budget.used())
}

enum Measured {
    Bytes(usize),
    TooBig,
    Invalid,
}

fn measure(src: &str, limit: usize) -> Measured {
    // Boxed: `meta::BuildError` is large and this runs once per regex.
    let build = |unicode: bool| {
        meta::Builder::new()
            .configure(meta::Config::new().nfa_size_limit(Some(limit)))
            .syntax(syntax::Config::new().unicode(unicode).utf8(false))
            .build(src)
            .map_err(Box::new)
    };
    match build(false).or_else(|_| build(true)) {
        Ok(re) => Measured::Bytes(re.memory_usage()),
        Err(e) if e.size_limit().is_some() => Measured::TooBig,
        Err(_) => Measured::Invalid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: &str, re: &str) -> Rule {
        let mut r = Rule::new(id);
        r.regex_source = Some(re.into());
        r
    }

    #[test]
    fn small_rules_fit() {
        let rules = vec![rule("a", r"ghp_[0-9A-Za-z]{36}"), rule("b", r"xox[bp]-\w+")];
        let used = check_memory(&rules).unwrap_or_else(|e| panic!("{e}"));
        assert!(used > 0 && used < 1 << 20, "{used}");
    }

    #[test]
    fn the_rule_that_breaks_the_budget_is_named() {
        let mut budget = Budget::new(4 << 20);
        assert_eq!(budget.charge(&rule("small", r"tok_[a-z]{8}")), Ok(()));
        // Unicode word characters, 2000 times: far beyond 4 MiB.
        let err = budget
            .charge(&rule("huge", r"(?u)\w{2000}"))
            .err()
            .unwrap_or_default();
        assert!(err.contains("past their 4 MiB budget"), "{err}");
        let rules = [rule("fine", r"tok_[a-z]{8}"), rule("huge", r"(?u)\w{1000}")];
        let mut small = Budget::new(4 << 20);
        let named = rules
            .iter()
            .try_for_each(|r| small.charge(r).map_err(|e| format!("rule `{}`: {e}", r.id)));
        assert!(named.is_err_and(|e| e.starts_with("rule `huge`:")));
    }

    #[test]
    fn the_builtin_rules_fit_with_room() {
        let set = crate::rules::RuleSet::builtin().unwrap_or_else(|e| panic!("{e}"));
        let used = check_memory(&set.rules).unwrap_or_else(|e| panic!("{e}"));
        // Far below the budget: a user config extending them has room.
        assert!(used < REGEX_MEMORY_BUDGET / 4, "{} MiB", used >> 20);
        eprintln!("built-in rules: {} KiB of compiled regexes", used >> 10);
    }

    #[test]
    fn invalid_regexes_are_left_to_validation() {
        let mut budget = Budget::new(1 << 20);
        assert_eq!(budget.charge(&rule("bad", r"(unclosed")), Ok(()));
        assert_eq!(budget.used(), 0);
    }
}
