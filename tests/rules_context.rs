//! Context-keyed built-in rules (`<provider> <keyword> <value>`) accept a
//! bare space between the key and an unquoted value, as people write in
//! prose, shell history and docs, and report at low confidence.

use leakgate::rules::{Confidence, RuleSet};
use leakgate::scanner::{BlobContext, ScanOptions, Scanner};

/// `KEY = "value"` / `key: value` → (`KEY`, `value`), for simple examples.
fn key_and_value(example: &str) -> Option<(&str, &str)> {
    let (key, rest) = example.split_once(['=', ':'])?;
    let key = key.trim();
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
    {
        return None;
    }
    let value = rest.trim().trim_matches(['"', '\'', ',']);
    // `scheme://...` or `jdbc:sub://...`: the split fell inside a URL, not
    // between a key and a value.
    if value.is_empty()
        || value.contains(char::is_whitespace)
        || value.starts_with("//")
        || value.contains("://")
    {
        return None;
    }
    Some((key, value))
}

#[test]
fn context_keyed_rules_accept_a_space_separator() {
    let set = RuleSet::builtin().unwrap_or_else(|e| panic!("{e}"));
    let scanner =
        Scanner::from_rules(set.clone(), ScanOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let ctx = BlobContext {
        path: "notes.txt",
        commit: None,
    };
    let mut checked = 0;
    let mut failures = Vec::new();
    for rule in set
        .rules
        .iter()
        .filter(|r| !r.is_generic() && r.confidence() == Confidence::Low && r.path_source.is_none())
    {
        for ex in &rule.examples {
            let Some((key, value)) = key_and_value(ex) else {
                continue;
            };
            let line = format!("{key} {value}\n");
            let found = scanner
                .scan_blob(line.as_bytes(), &ctx)
                .iter()
                .any(|f| f.rule_id == rule.id && f.location.line == 1);
            if !found {
                failures.push(format!("{}: {line:?}", rule.id));
            }
            checked += 1;
        }
    }
    assert!(
        checked >= 80,
        "only {checked} examples had a simple key = value shape"
    );
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn context_keyed_findings_are_low_confidence() {
    let set = RuleSet::builtin().unwrap_or_else(|e| panic!("{e}"));
    let scanner =
        Scanner::from_rules(set, ScanOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let ctx = BlobContext {
        path: "deploy.sh",
        commit: None,
    };
    // A Vercel legacy token: 24 alphanumerics, known only by its context.
    let f = scanner.scan_blob(b"vercel token Qm7Rb2XkT9wLc4NvZp8Hs1Jd\n", &ctx);
    let got: Vec<(&str, Option<Confidence>)> = f
        .iter()
        .map(|f| {
            (
                f.rule_id.as_str(),
                f.secret.as_ref().and_then(|s| s.confidence),
            )
        })
        .collect();
    assert_eq!(got, vec![("vercel-access-token", Some(Confidence::Low))]);
}
