//! Tests of config parsing and resolution: errors with lines, `[extend]`,
//! overrides, allowlist forms, and a real-world gitleaks config.

use super::*;
use crate::allow::{Condition, RegexTarget};

fn origin() -> Origin {
    Origin {
        path: PathBuf::from("cfg.toml"),
        dir: None,
    }
}

#[test]
fn malformed_toml_names_file_and_line() {
    let text = "[[rules]]\nid = \"a\"\nregex = 'x'\nkeywords = [\"a\",\n\n[oops\n";
    let err = parse_str(text, &origin()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("cfg.toml:"), "{msg}");
    assert!(
        matches!(err, ConfigError::Syntax { line, .. } if line >= 4),
        "{msg}"
    );
}

#[test]
fn wrong_type_names_the_line() {
    let text = "\n\n[[rules]]\nid = \"a\"\nregex = 'x'\nentropy = \"high\"\n";
    let err = parse_str(text, &origin()).unwrap_err();
    assert!(matches!(err, ConfigError::Syntax { line: 6, .. }), "{err}");
}

#[test]
fn invalid_regex_names_rule_and_line() {
    let text =
        "[[rules]]\nid = \"ok\"\nregex = 'a'\n\n[[rules]]\nid = \"broken\"\nregex = '(unclosed'\n";
    let err = parse_str(text, &origin()).unwrap_err();
    assert!(
        matches!(&err, ConfigError::Rule { rule, line: 6, .. } if rule == "broken"),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("cfg.toml:6: rule `broken`: invalid regex"),
        "{err}"
    );
}

#[test]
fn rule_needs_regex_or_path_and_valid_fields() {
    for (text, needle) in [
        ("[[rules]]\nid = \"x\"\n", "needs a `regex`"),
        (
            "[[rules]]\nid = \"x\"\nregex = 'a'\nseverity = \"urgent\"\n",
            "unknown severity",
        ),
        (
            "[[rules]]\nid = \"x\"\nregex = '(a)'\nsecretGroup = 3\n",
            "secretGroup 3",
        ),
        (
            "[[rules]]\nid = \"x\"\nregex = 'a'\n[[rules]]\nid = \"x\"\nregex = 'b'\n",
            "duplicate",
        ),
        ("[[allowlists]]\ncondition = \"XOR\"\n", "condition `XOR`"),
        (
            "[[allowlists]]\nregexTarget = \"file\"\n",
            "regexTarget `file`",
        ),
    ] {
        let err = parse_str(text, &origin()).unwrap_err().to_string();
        assert!(err.contains(needle), "{err} / {needle}");
    }
}

#[test]
fn allowlist_only_config_keeps_builtin_rules() {
    let set = parse_str("[allowlist]\npaths = ['''^tests/''']\n", &origin()).unwrap();
    assert_eq!(set.rules.len(), RuleSet::builtin().unwrap().rules.len());
    assert_eq!(
        set.allowlists.len(),
        RuleSet::builtin().unwrap().allowlists.len() + 1
    );
}

#[test]
fn rules_without_extend_replace_builtin() {
    let set = parse_str("[[rules]]\nid = \"only\"\nregex = 'q'\n", &origin()).unwrap();
    assert_eq!(
        set.rules.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        vec!["only"]
    );
}

#[test]
fn extend_path_disabled_rules_and_override() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("base.toml"),
        "[[rules]]\nid = \"a\"\ndescription = \"A\"\nregex = 'a+'\nkeywords = [\"a\"]\nseverity = \"low\"\n\
         [[rules]]\nid = \"b\"\nregex = 'b+'\n[[rules]]\nid = \"c\"\nregex = 'c+'\n",
    )
    .unwrap();
    let main = dir.path().join("main.toml");
    std::fs::write(
        &main,
        "[extend]\npath = \"base.toml\"\ndisabledRules = [\"b\"]\n\
         [[rules]]\nid = \"a\"\nentropy = 2.5\nkeywords = [\"AA\"]\n[[rules.allowlists]]\nstopwords = [\"x\"]\n\
         [[rules]]\nid = \"d\"\nregex = 'd+'\n",
    )
    .unwrap();
    let set = load_file(&main).unwrap();
    let ids: Vec<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, vec!["a", "c", "d"]);
    let a = set.get("a").unwrap();
    assert_eq!(a.description, "A");
    assert_eq!(a.regex_source.as_deref(), Some("a+"));
    assert_eq!(a.entropy, Some(2.5));
    assert_eq!(a.keywords, vec!["a".to_string(), "aa".to_string()]);
    assert_eq!(a.severity, Severity::Low);
    assert_eq!(a.allowlists.len(), 1);
}

#[test]
fn extend_use_default_and_disable_builtin() {
    let builtin = RuleSet::builtin().unwrap();
    let Some(first) = builtin.rules.first() else {
        return;
    };
    let text = format!(
        "[extend]\nuseDefault = true\ndisabledRules = [\"{}\"]\n[[rules]]\nid = \"mine\"\nregex = 'm{{3}}'\n",
        first.id
    );
    let set = parse_str(&text, &origin()).unwrap();
    assert_eq!(set.rules.len(), builtin.rules.len());
    assert!(set.get(&first.id).is_none());
    assert!(set.get("mine").is_some());
}

#[test]
fn extend_cycle_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("loop.toml");
    std::fs::write(&p, "[extend]\npath = \"loop.toml\"\n").unwrap();
    let err = load_file(&p).unwrap_err().to_string();
    assert!(err.contains("[extend] chain deeper"), "{err}");
}

/// A config in the shape real repositories use with gitleaks v8: title,
/// extend, custom rules with per-rule allowlists (old and new forms), global
/// allowlists with every key, and a `[deps]` table for another tool.
const REAL_WORLD: &str = r#"
title = "Acme gitleaks config"
minVersion = "v8.25.0"

[extend]
useDefault = true
disabledRules = ["generic-api-key"]

[[rules]]
id = "acme-internal-token"
description = "Acme internal API token"
regex = '''(?i)\b(acme_[a-z0-9]{32})(?:['|\"|\n|\r|\s|\x60|;]|$)'''
secretGroup = 1
entropy = 3.5
keywords = ["acme_"]
tags = ["internal", "api"]

[rules.allowlist]
regexes = ['''acme_0{32}''']

[[rules.allowlists]]
description = "test fixtures"
condition = "AND"
paths = ['''(^|/)testdata/''']
stopwords = ["fixture"]

[[rules]]
id = "acme-keystore"
description = "Java keystore committed"
path = '''(?i)\.(jks|keystore)$'''

[allowlist]
description = "global (old form)"
paths = ['''(^|/)node_modules/''', '''gitleaks\.toml''']

[[allowlists]]
description = "docs"
regexTarget = "line"
regexes = ['''(?i)example''']
commits = ["d8c0a5fbe2f2c0e2c8b2f1c1e0a9b8c7d6e5f4a3"]
targetRules = ["acme-internal-token"]

[[allowlists]]
condition = "AND"
paths = ['''^docs/''']
stopwords = ["sample"]

[deps]
severity = "high"
[[deps.ignore]]
id = "GHSA-xxxx-xxxx-xxxx"
reason = "not reachable"
"#;

#[test]
fn real_world_gitleaks_config_loads_unchanged() {
    let set = parse_str(REAL_WORLD, &origin()).unwrap();
    let acme = set.get("acme-internal-token").unwrap();
    assert_eq!(acme.secret_group, Some(1));
    assert_eq!(acme.entropy, Some(3.5));
    assert_eq!(acme.tags, vec!["internal".to_string(), "api".to_string()]);
    assert_eq!(acme.allowlists.len(), 2);
    assert_eq!(acme.allowlists[1].condition, Condition::And);
    assert!(set.get("acme-keystore").unwrap().is_path_only());
    assert!(set.get("generic-api-key").is_none());
    let globals = &set.allowlists[set.allowlists.len() - 3..];
    assert_eq!(globals[0].paths.len(), 2);
    assert_eq!(globals[1].regex_target, RegexTarget::Line);
    assert_eq!(
        globals[1].target_rules,
        vec!["acme-internal-token".to_string()]
    );
    assert_eq!(globals[2].condition, Condition::And);
}
