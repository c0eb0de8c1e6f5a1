//! `leakgate rules list` and `leakgate rules check` end to end.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scan")
}

#[test]
fn list_as_json_and_text() {
    let out = Command::cargo_bin("leakgate")
        .unwrap()
        .args(["rules", "list", "--format", "json", "--config"])
        .arg(fixtures().join("rules.toml"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let rules: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec!["test-token", "generic-test-secret", "test-keystore"]
    );
    assert_eq!(rules[0]["severity"], "critical");
    assert_eq!(rules[0]["keywords"][0], "tok_");
    assert_eq!(rules[1]["generic"], true);
    assert_eq!(rules[2]["path_only"], true);
    Command::cargo_bin("leakgate")
        .unwrap()
        .args(["rules", "list", "--config"])
        .arg(fixtures().join("rules.toml"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "test-token           critical  tok_",
        ))
        .stdout(predicate::str::ends_with("3 rules\n"));
}

#[test]
fn check_passes_on_good_rules() {
    Command::cargo_bin("leakgate")
        .unwrap()
        .args(["rules", "check", "--config"])
        .arg(fixtures().join("rules.toml"))
        .assert()
        .code(0)
        .stdout("3 rules, 6 examples checked, 0 failures in 0 rules\n");
}

#[test]
fn check_fails_naming_rule_and_example() {
    Command::cargo_bin("leakgate")
        .unwrap()
        .args(["rules", "check", "--config"])
        .arg(fixtures().join("failing-examples.toml"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("FAIL never-matches"))
        .stderr(predicate::str::contains("example not matched: \"nm_abc\""));
}

#[test]
fn check_reports_invalid_regex_as_config_error() {
    Command::cargo_bin("leakgate")
        .unwrap()
        .args(["rules", "check", "--config"])
        .arg(fixtures().join("bad-regex.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "rule `broken-rule`: invalid regex",
        ));
}
