//! gitleaks compatibility: gitleaks' own default config (RE2 syntax, heavy
//! generic rules) loads unchanged, and scanning gitleaks' sample corpus with
//! it flags what gitleaks 8.30.1 flags there.
//!
//! The corpus and gitleaks' reference output live in `../shared` beside the
//! checkout (read-only shared data); the config is a checked-in copy.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn config() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compat/gitleaks-default.toml")
}

/// The shared data directory beside the checkout (`../shared`), or beside
/// the directory holding the checkout (git worktrees one level down).
fn shared() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let near = root.join("../shared");
    if near.is_dir() {
        near
    } else {
        root.join("../../shared")
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_tree(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

#[test]
fn default_config_loads_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("clean.txt"), "nothing to see\n").unwrap();
    let out = Command::cargo_bin("leakgate")
        .unwrap()
        .current_dir(dir.path())
        .args(["rules", "list", "-f", "json", "--config"])
        .arg(config())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let rules: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let ids: BTreeSet<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    // Rules whose regexes or allowlists use RE2-only syntax.
    for id in [
        "curl-auth-user",
        "generic-api-key",
        "jwt",
        "kubernetes-secret-yaml",
    ] {
        assert!(ids.contains(id), "{id} missing from rules list");
    }
    // No `[extend]`: the file's 222 rules replace the built-in set.
    assert_eq!(ids.len(), 222);
}

#[test]
fn default_config_covers_what_gitleaks_flags() {
    let corpus = shared().join("corpus/gitleaks");
    let reference = shared().join("compat/gitleaks-8.30.1-on-corpus.jsonl");
    assert!(
        corpus.is_dir() && reference.is_file(),
        "shared compatibility data missing: {} / {}",
        corpus.display(),
        reference.display()
    );
    let expected: BTreeSet<(String, u64)> = std::fs::read_to_string(&reference)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["file"].as_str().unwrap().to_string(),
                v["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(expected.len(), 600);

    // Scan a copy outside any git work tree, without the labels file
    // (gitleaks' reference run left it out too).
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&corpus, dir.path());
    std::fs::remove_file(dir.path().join("labels.jsonl")).ok();
    let out = Command::cargo_bin("leakgate")
        .unwrap()
        .current_dir(dir.path())
        .args(["scan", "--no-progress", "-f", "jsonl", "--config"])
        .arg(config())
        .arg(".")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let flagged: BTreeSet<(String, u64)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let loc = &v["location"];
            (
                loc["path"].as_str().unwrap().to_string(),
                loc["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let covered = expected.intersection(&flagged).count();
    let missed: Vec<_> = expected.difference(&flagged).collect();
    // ≥ 98 %: at most 12 of the 600 lines may be missed.
    assert!(
        covered * 100 >= expected.len() * 98,
        "covered {covered}/{} lines gitleaks flags; missed: {missed:?}",
        expected.len()
    );
}
