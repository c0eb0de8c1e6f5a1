//! One malformed lockfile must not hide the others: `deps DIR` and
//! `sbom DIR` report every readable lockfile, name the bad one with file
//! and line, and exit 2 at the end.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A project with the real Rust fixture lockfile in `good/` and a
/// package-lock.json truncated mid-object in `web/`.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("good")).unwrap();
    std::fs::create_dir_all(dir.path().join("web")).unwrap();
    std::fs::copy(
        fixtures().join("deps/rust/Cargo.lock"),
        dir.path().join("good/Cargo.lock"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("web/package-lock.json"),
        "{\n  \"name\": \"web\",\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"node_modules/left-pad\": {\n",
    )
    .unwrap();
    dir
}

fn leakgate(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("leakgate").unwrap();
    cmd.current_dir(dir)
        .env("XDG_CACHE_HOME", dir)
        .env("HOME", dir)
        .env("NO_COLOR", "1");
    cmd
}

#[test]
fn deps_reports_the_readable_lockfiles_and_names_the_bad_one() {
    let dir = project();
    let out = leakgate(dir.path())
        .args(["deps", ".", "-f", "json", "--db"])
        .arg(fixtures().join("osv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"RUSTSEC-2019-0009"), "{ids:?}");
    assert_eq!(report["scan"]["stats"]["lockfiles"], 1);
    assert_eq!(report["scan"]["stats"]["lockfiles_unreadable"], 1);
    let errors = report["scan"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["path"], "web/package-lock.json:6");
    assert_eq!(errors[0]["message"], "EOF while parsing an object");
}

#[test]
fn sbom_writes_the_readable_lockfiles_and_exits_2() {
    let dir = project();
    let out = leakgate(dir.path()).args(["sbom", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let bom: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"smallvec"), "{names:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr,
        "leakgate: error: web/package-lock.json:6: EOF while parsing an object (left out of the output)\n\
         leakgate: error: 1 lockfile could not be read\n"
    );
}
