//! `leakgate scan --deps`: secrets and vulnerable dependencies in one report
//! with one exit code, and the `--help` of every command sharing the
//! vulnerability flags.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

const TOKEN: &str = "tok_q8w7e6r5t4y3u2i1o0pz";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn osv() -> String {
    fixtures().join("osv").display().to_string()
}

fn leakgate() -> Command {
    let mut c = Command::cargo_bin("leakgate").unwrap();
    c.env("NO_COLOR", "1");
    c
}

/// A temp dir with the scan test rules as its `.leakgate.toml`.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures().join("scan/rules.toml"),
        dir.path().join(".leakgate.toml"),
    )
    .unwrap();
    dir
}

fn scan_deps(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let out = leakgate()
        .current_dir(dir)
        .args(["scan", ".", "--deps", "--db", &osv(), "-f", "json"])
        .args(extra)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), report)
}

fn kinds(report: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().to_string(),
                f["location"]["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn secrets_and_vulnerabilities_in_one_report() {
    let dir = project();
    std::fs::copy(
        fixtures().join("deps/rust/Cargo.lock"),
        dir.path().join("Cargo.lock"),
    )
    .unwrap();
    std::fs::write(dir.path().join("app.env"), format!("TOKEN={TOKEN}\n")).unwrap();
    let (code, report) = scan_deps(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(report["scan"]["command"], "secrets+deps");
    assert_eq!(
        kinds(&report),
        vec![
            ("secret".to_string(), "app.env".to_string()),
            ("vulnerability".to_string(), "Cargo.lock".to_string()),
        ]
    );
    let findings = report["findings"].as_array().unwrap();
    let secrets = findings.iter().filter(|f| f["kind"] == "secret").count();
    assert_eq!(secrets, 1);
    assert!(findings.iter().any(|f| f["rule_id"] == "RUSTSEC-2019-0009"));
    assert_eq!(report["scan"]["stats"]["lockfiles"], 1);
    assert_eq!(report["scan"]["stats"]["files_scanned"], 2);
}

#[test]
fn vulnerabilities_alone_fail_and_fail_on_applies() {
    let dir = project();
    std::fs::copy(
        fixtures().join("deps/rust/Cargo.lock"),
        dir.path().join("Cargo.lock"),
    )
    .unwrap();
    let (code, report) = scan_deps(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        kinds(&report),
        vec![("vulnerability".to_string(), "Cargo.lock".to_string())]
    );
}

#[test]
fn no_lockfiles_and_clean_exits_0_with_a_note() {
    let dir = project();
    std::fs::write(dir.path().join("main.rs"), "fn main() {}\n").unwrap();
    let (code, report) = scan_deps(dir.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(report["findings"].as_array().unwrap().len(), 0);
    assert_eq!(report["scan"]["stats"]["lockfiles"], 0);
    let warnings: Vec<&str> = report["scan"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(warnings, vec!["no lockfiles found under ."]);
    let out = leakgate()
        .current_dir(dir.path())
        .args(["scan", "--deps", "--db", &osv()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("warning: no lockfiles found under .")
            && text.contains("No secrets or vulnerabilities found"),
        "{text}"
    );
}

#[test]
fn deps_is_rejected_in_git_modes_and_for_stdin() {
    let dir = project();
    let out = leakgate()
        .current_dir(dir.path())
        .args(["scan", "--deps", "--staged"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be used with"));
    let out = leakgate()
        .current_dir(dir.path())
        .args(["scan", "-", "--deps"])
        .write_stdin("x")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read standard input"));
}

#[test]
fn dependency_flags_without_deps_are_a_usage_error() {
    let dir = project();
    let out = leakgate()
        .current_dir(dir.path())
        .args(["scan", "--db", &osv()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("add --deps"));
}

#[test]
fn help_of_every_command_with_vulnerability_flags() {
    for args in [
        &["scan", "--help"][..],
        &["deps", "--help"][..],
        &["sbom", "check", "--help"][..],
    ] {
        let out = leakgate().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        for flag in [
            "--db <PATH>",
            "--fail-on <SEVERITY>",
            "--exclude-dev",
            "--config <FILE>",
        ] {
            assert!(text.contains(flag), "{args:?} lacks {flag}");
        }
    }
    let out = leakgate().args(["scan", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("--deps"));
}
