//! The verification policy end to end: user rules follow gitleaks semantics,
//! checksummed formats are decided by their checksum, every secret finding
//! carries a confidence, and `--min-confidence` filters on it.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

/// Runs `leakgate scan <dir> --format jsonl` plus `extra`; returns the exit
/// code and the findings.
fn scan(dir: &Path, extra: &[&str]) -> (i32, Vec<Value>) {
    let out = Command::cargo_bin("leakgate")
        .unwrap_or_else(|e| panic!("{e}"))
        .arg("scan")
        .arg(dir)
        .args(["--format", "jsonl", "--no-redact"])
        .args(extra)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let findings = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (out.status.code().unwrap_or(-1), findings)
}

fn summary(findings: &[Value]) -> Vec<(String, u64, String, String)> {
    let mut out: Vec<_> = findings
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or_default().to_string(),
                f["location"]["line"].as_u64().unwrap_or_default(),
                f["secret"]["value"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                f["secret"]["confidence"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn user_rules_are_not_filtered_by_placeholder_heuristics() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(
        dir.path(),
        ".gitleaks.toml",
        "[[rules]]\nid = \"acme\"\nregex = '''acme_[0-9a-f]{32}'''\nkeywords = [\"acme_\"]\n",
    );
    write(
        dir.path(),
        "app.txt",
        "x\nkey = acme_0123456789abcdef0123456789abcdef\n",
    );
    let (code, findings) = scan(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        summary(&findings),
        vec![(
            "acme".to_string(),
            2,
            "acme_0123456789abcdef0123456789abcdef".to_string(),
            "medium".to_string()
        )]
    );
}

#[test]
fn user_rule_entropy_and_stopwords_still_apply() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(
        dir.path(),
        ".gitleaks.toml",
        "[[rules]]\nid = \"acme\"\nregex = '''acme_[0-9a-z]{12}'''\nentropy = 3.0\n\
         keywords = [\"acme_\"]\n[[rules.allowlists]]\nstopwords = [\"sample\"]\n",
    );
    write(
        dir.path(),
        "app.txt",
        "acme_aaaaaaaaaaaa\nacme_sample8k2mq9\nacme_q8w7e6r5t4y3\n",
    );
    let (code, findings) = scan(dir.path(), &[]);
    assert_eq!(code, 1);
    let got: Vec<(String, u64)> = summary(&findings)
        .into_iter()
        .map(|(r, l, ..)| (r, l))
        .collect();
    assert_eq!(got, vec![("acme".to_string(), 3)]);
}

#[test]
fn checksums_decide_github_tokens_and_set_high_confidence() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // Line 1: valid checksum, sequential body. Line 2: same shape, checksum
    // broken, outside any key context. Line 3: a distinctive format without
    // checksum (Slack bot token).
    write(
        dir.path(),
        "notes.md",
        "see 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 here\n\
         see ghp_abcdefghijklmnopqrstuvwxyz01232LolCn here\n\
         bot xoxb-2837461928-1928374650912-Qz8rT4mW1vXk9pLsBn3cYh7e\n",
    );
    let (code, findings) = scan(dir.path(), &[]);
    assert_eq!(code, 1);
    let got: Vec<(String, u64, String)> = summary(&findings)
        .into_iter()
        .map(|(r, l, _, c)| (r, l, c))
        .collect();
    assert_eq!(
        got,
        vec![
            ("github-pat".to_string(), 1, "high".to_string()),
            ("slack-bot-token".to_string(), 3, "medium".to_string()),
        ]
    );
    // Every format carries it; the text report names it beside the entropy.
    let out = Command::cargo_bin("leakgate")
        .unwrap_or_else(|e| panic!("{e}"))
        .arg("scan")
        .arg(dir.path())
        .args(["--format", "text", "--no-color"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(", confidence high)"), "{text}");
    assert!(text.contains(", confidence medium)"), "{text}");
    let (code, findings) = scan(dir.path(), &["--min-confidence", "high"]);
    assert_eq!(code, 1);
    assert_eq!(summary(&findings).len(), 1);
    assert_eq!(summary(&findings)[0].0, "github-pat");
}

#[test]
fn min_confidence_filters_generic_findings_and_the_exit_code() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    write(
        dir.path(),
        "settings.py",
        "DB_PASSWORD = \"Vx7#qLm2!pRz9Tw\"\n",
    );
    let (code, findings) = scan(dir.path(), &[]);
    assert_eq!(code, 1);
    let got = summary(&findings);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].3, "low");
    let (code, findings) = scan(dir.path(), &["--min-confidence", "medium"]);
    assert_eq!((code, findings.len()), (0, 0));
    let out = Command::cargo_bin("leakgate")
        .unwrap_or_else(|e| panic!("{e}"))
        .arg("scan")
        .arg(dir.path())
        .args(["--min-confidence", "certain"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2));
}
