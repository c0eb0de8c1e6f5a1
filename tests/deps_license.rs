//! `leakgate deps --deny-license` / `--allow-license` on a package-lock.json
//! v3 that records licences: findings of kind `license` in the usual
//! format, exit 1, and usage errors (exit 2) for bad policies.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn deps(args: &[&str]) -> (i32, Value, String) {
    let home = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("leakgate")
        .unwrap()
        .current_dir(fixtures().join("deps/license"))
        .env("XDG_CACHE_HOME", home.path())
        .env("HOME", home.path())
        .args(["deps", ".", "-f", "json", "--db"])
        .arg(fixtures().join("osv"))
        .args(args)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap_or(-1),
        report,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn deny_license_reports_the_package_at_its_entry() {
    let (code, report, _) = deps(&["--deny-license", "GPL-3.0-only OR AGPL-3.0-only"]);
    assert_eq!(code, 1);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f["kind"], "license");
    assert_eq!(f["rule_id"], "license-denied");
    assert_eq!(f["severity"], "high");
    assert_eq!(f["location"]["path"], "package-lock.json");
    assert_eq!(f["location"]["line"], 18);
    assert_eq!(
        f["title"],
        "gpl-thing 2.0.0 (npm) is licensed `GPL-3.0-only`, which --deny-license GPL-3.0-only OR AGPL-3.0-only forbids"
    );
    assert_eq!(f["fingerprint"].as_str().unwrap().len(), 32);
    assert_eq!(report["scan"]["stats"]["licenses_checked"], 2);
}

#[test]
fn allow_license_reports_what_it_does_not_cover() {
    let (code, report, _) = deps(&["--allow-license", "MIT OR WTFPL"]);
    assert_eq!(code, 1);
    let rules: Vec<(&str, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap(),
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(rules, [("license-not-allowed", 18)]);
    let (code, report, _) = deps(&["--allow-license", "GPL-3.0-only OR WTFPL"]);
    assert_eq!(code, 0);
    assert_eq!(report["findings"], serde_json::json!([]));
}

#[test]
fn a_policy_that_is_not_an_expression_is_a_usage_error() {
    let (code, _, stderr) = deps(&["--deny-license", "GPL-3.0-only AND MIT"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("join them with OR"), "{stderr}");
}
