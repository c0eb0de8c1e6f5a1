//! The built-in catalogue: at least 150 rules, each with examples and
//! negative examples, all passing through the full pipeline.

use leakgate::rules::{check_examples, RuleSet};

#[test]
fn every_builtin_rule_has_examples_and_they_pass() {
    let set = RuleSet::builtin().expect("built-in rules parse");
    let missing: Vec<&str> = set
        .rules
        .iter()
        .filter(|r| r.examples.is_empty() || r.negative_examples.is_empty())
        .map(|r| r.id.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "rules without examples or negative examples: {missing:?}"
    );
    let failures = check_examples(&set);
    let lines: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        lines.join("\n")
    );
}

#[test]
fn at_least_150_builtin_rules() {
    let set = RuleSet::builtin().expect("built-in rules parse");
    assert!(set.len() >= 150, "only {} built-in rules", set.len());
}
