//! `leakgate scan` in git modes finds `.leakgate.toml` and `.leakgateignore`
//! at the root of the repository's work tree, wherever inside it it runs.

mod git_support;

use git_support::{findings, leakgate_in, run_json, TestRepo};
use std::path::Path;

const RULES: &str = r#"
[[rules]]
id = "test-token"
description = "Test token"
regex = '''\b(tok_[a-z0-9]{20})\b'''
keywords = ["tok_"]
"#;
const TOKEN: &str = "tok_q8w7e6r5t4y3u2i1o0pz";

fn repo_with_staged_token() -> TestRepo {
    let t = TestRepo::new();
    t.write(".leakgate.toml", RULES);
    t.add("src/deep/app.rs", &format!("let t = \"{TOKEN}\";\n"));
    t
}

fn rule_ids(report: &serde_json::Value) -> Vec<String> {
    findings(report)
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn staged_scan_from_a_subdirectory_uses_the_root_config() {
    let t = repo_with_staged_token();
    let sub = t.root().join("src/deep");
    let (code, report) = run_json(leakgate_in(&sub, t.dir.path()).args(["scan", "--staged"]));
    assert_eq!(code, 1);
    assert_eq!(rule_ids(&report), vec!["test-token"]);
}

#[test]
fn path_inside_the_repository_uses_the_root_config() {
    let t = repo_with_staged_token();
    let (code, report) =
        run_json(leakgate_in(t.dir.path(), t.dir.path()).args(["scan", "--staged", "repo/src"]));
    assert_eq!(code, 1);
    assert_eq!(rule_ids(&report), vec!["test-token"]);
}

#[test]
fn root_ignore_file_applies_from_a_subdirectory() {
    let t = repo_with_staged_token();
    let (_, report) = run_json(leakgate_in(&t.root(), t.dir.path()).args(["scan", "--staged"]));
    let fingerprint = findings(&report)[0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    t.write(".leakgateignore", &format!("{fingerprint}\n"));
    let sub = t.root().join("src");
    let (code, report) = run_json(leakgate_in(&sub, t.dir.path()).args(["scan", "--staged"]));
    assert_eq!(code, 0);
    assert!(findings(&report).is_empty());
}

#[test]
fn bare_repository_uses_the_given_path() {
    let t = repo_with_staged_token();
    t.commit("add token");
    let bare = t.dir.path().join("bare.git");
    git2::build::RepoBuilder::new()
        .bare(true)
        .clone(t.root().to_str().unwrap(), &bare)
        .unwrap();
    // Without a config the built-in rules do not know `tok_`; with one at
    // the bare repository's path they do.
    let (code, _) = run_json(leakgate_in(t.dir.path(), t.dir.path()).args([
        "scan",
        "--history",
        bare_str(&bare),
    ]));
    assert_eq!(code, 0);
    std::fs::write(bare.join(".leakgate.toml"), RULES).unwrap();
    let (code, report) = run_json(leakgate_in(t.dir.path(), t.dir.path()).args([
        "scan",
        "--history",
        bare_str(&bare),
    ]));
    assert_eq!(code, 1);
    assert_eq!(rule_ids(&report), vec!["test-token"]);
}

fn bare_str(p: &Path) -> &str {
    p.to_str().unwrap()
}
