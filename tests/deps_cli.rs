//! End-to-end `leakgate deps` runs on real lockfile fixtures against real OSV
//! records: exact advisory ids, exit codes, gating flags, ignores with
//! expiry, and database errors.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn osv() -> String {
    fixtures().join("osv").display().to_string()
}

/// A copy of one lockfile fixture project in a temp dir (so tests can add a
/// `.leakgate.toml`), and an empty cache home so no real cache is used.
struct Project {
    dir: tempfile::TempDir,
    cache: tempfile::TempDir,
}

impl Project {
    fn new(name: &str) -> Project {
        let dir = tempfile::tempdir().unwrap();
        for entry in std::fs::read_dir(fixtures().join("deps").join(name)).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
        Project {
            dir,
            cache: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("leakgate").unwrap();
        cmd.env("XDG_CACHE_HOME", self.cache.path())
            .env("HOME", self.cache.path())
            .env("NO_COLOR", "1")
            .current_dir(self.path());
        cmd
    }

    /// Runs `leakgate deps . --db <fixtures> -f json <extra>`, checks the exit
    /// code and returns the report.
    fn deps_json(&self, extra: &[&str], code: i32) -> Value {
        let out = self
            .cmd()
            .args(["deps", ".", "--db", &osv(), "-f", "json"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

fn ids(report: &Value) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

fn line_of(file: &Path, needle: &str) -> u64 {
    let text = std::fs::read_to_string(file).unwrap();
    text.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1
}

const RUST_IDS: [&str; 7] = [
    "RUSTSEC-2018-0018",
    "RUSTSEC-2019-0009",
    "RUSTSEC-2019-0012",
    "RUSTSEC-2020-0071",
    "RUSTSEC-2021-0003",
    "RUSTSEC-2021-0145",
    "RUSTSEC-2024-0375",
];

#[test]
fn cargo_lock_exact_advisories_and_entry_lines() {
    let p = Project::new("rust");
    let report = p.deps_json(&[], 1);
    assert_eq!(ids(&report), set(&RUST_IDS));
    let smallvec_line = line_of(&p.path().join("Cargo.lock"), "name = \"smallvec\"");
    let grouped = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "RUSTSEC-2019-0009")
        .unwrap();
    assert_eq!(grouped["kind"], "vulnerability");
    assert_eq!(grouped["severity"], "critical");
    assert_eq!(grouped["location"]["path"], "Cargo.lock");
    // The entry is the `[[package]]` header just above the name.
    assert_eq!(
        grouped["location"]["line"].as_u64(),
        Some(smallvec_line - 1)
    );
    let v = &grouped["vulnerability"];
    assert_eq!(
        v["aliases"],
        serde_json::json!(["CVE-2019-15551", "GHSA-mm7v-vpv8-xfc3"])
    );
    assert_eq!(v["package"]["name"], "smallvec");
    assert_eq!(v["package"]["version"], "0.6.9");
    // 0.6.10 is still affected by RUSTSEC-2021-0003: the 0.6 line stays fixed from 0.6.14.
    assert_eq!(v["suggested_fix"], "0.6.14");
    assert_eq!(v["cvss_score"], 9.8);
    assert_eq!(
        grouped["help"],
        "Upgrade smallvec to 0.6.14 or a later release of the same line; every version from 1.6.1 on is fixed too."
    );
    let stats = &report["scan"]["stats"];
    assert_eq!(stats["lockfiles"], 1);
    assert_eq!(stats["advisories_loaded"], 38);
    assert_eq!(stats["advisories_matched"], 7);
    assert_eq!(stats["records_malformed"], 0);
}

#[test]
fn requirements_exact_advisories_unpinned_and_dev() {
    let p = Project::new("python");
    let report = p.deps_json(&[], 1);
    let mut want = vec![
        "PYSEC-2018-28",
        "PYSEC-2023-74",
        "PYSEC-2020-31",
        "PYSEC-2020-32",
        "PYSEC-2020-33",
        "PYSEC-2020-34",
        "PYSEC-2020-35",
        "PYSEC-2020-36",
        "PYSEC-2021-6",
        "PYSEC-2021-9",
        "PYSEC-2021-98",
        "PYSEC-2021-99",
    ];
    let dev_only = ["PYSEC-2020-96", "PYSEC-2021-142"];
    let mut all = want.clone();
    all.extend(dev_only);
    assert_eq!(ids(&report), set(&all));
    assert_eq!(report["scan"]["stats"]["unpinned"], 1);
    let warnings = report["scan"]["warnings"].to_string();
    assert!(
        warnings.contains("1 unpinned requirements not checked"),
        "{warnings}"
    );
    let report = p.deps_json(&["--exclude-dev"], 1);
    want.sort();
    assert_eq!(ids(&report), set(&want));
}

#[test]
fn go_mod_exact_advisories() {
    let p = Project::new("go");
    let report = p.deps_json(&[], 1);
    assert_eq!(
        ids(&report),
        set(&[
            "GO-2021-0052",
            "GO-2021-0113",
            "GO-2022-1059",
            "GO-2023-1737",
            "GO-2026-5970"
        ])
    );
}

#[test]
fn fail_on_and_unscored_pass_decide_the_exit_code() {
    // The Go records carry no severity at all: unscored.
    let p = Project::new("go");
    let report = p.deps_json(&["--fail-on", "critical", "--unscored-pass"], 0);
    assert_eq!(ids(&report).len(), 5, "findings are still reported");
    p.deps_json(&["--fail-on", "critical"], 1);
    // Rust: RUSTSEC-2020-0071 is medium (6.2), the smallvec ones critical.
    let r = Project::new("rust");
    r.deps_json(&["--fail-on", "critical", "--unscored-pass"], 1);
    r.deps_json(
        &[
            "--fail-on",
            "critical",
            "--unscored-pass",
            "--exit-code",
            "7",
        ],
        7,
    );
}

#[test]
fn only_fixed_drops_unfixed_advisories() {
    let p = Project::new("rust");
    let report = p.deps_json(&["--only-fixed"], 1);
    let mut want: Vec<&str> = RUST_IDS.to_vec();
    want.retain(|id| *id != "RUSTSEC-2021-0145" && *id != "RUSTSEC-2024-0375");
    assert_eq!(ids(&report), set(&want));
    assert_eq!(
        report["scan"]["stats"]["vulnerabilities_unfixed_dropped"],
        2
    );
}

#[test]
fn ignores_suppress_until_expiry_then_warn() {
    let p = Project::new("rust");
    std::fs::write(
        p.path().join(".leakgate.toml"),
        r#"
[[deps.ignore]]
id = "CVE-2019-15551"
reason = "grow() is never reached"
until = "2999-12-31"

[[deps.ignore]]
id = "RUSTSEC-2020-0071"
reason = "no local-time use"
until = "2001-01-01"
package = "time"
"#,
    )
    .unwrap();
    let report = p.deps_json(&[], 1);
    let mut want: Vec<&str> = RUST_IDS.to_vec();
    want.retain(|id| *id != "RUSTSEC-2019-0009");
    assert_eq!(ids(&report), set(&want));
    assert_eq!(report["scan"]["stats"]["vulnerabilities_ignored"], 1);
    let warnings = report["scan"]["warnings"].to_string();
    assert!(
        warnings.contains("ignore of RUSTSEC-2020-0071 expired on 2001-01-01"),
        "{warnings}"
    );

    // The same file passed explicitly from elsewhere.
    let other = tempfile::tempdir().unwrap();
    let cfg = other.path().join("deps.toml");
    std::fs::rename(p.path().join(".leakgate.toml"), &cfg).unwrap();
    let report = p.deps_json(&["--config", cfg.to_str().unwrap()], 1);
    assert_eq!(ids(&report), set(&want));

    // A broken config is an error naming the file and line.
    std::fs::write(&cfg, "[[deps.ignore]]\nid = \"X\"\nreason = \"r\"\n").unwrap();
    p.cmd()
        .args([
            "deps",
            ".",
            "--db",
            &osv(),
            "--config",
            cfg.to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "deps.toml:1: [[deps.ignore]] X: `until = \"YYYY-MM-DD\"` is required",
        ));
}

#[test]
fn missing_or_empty_database_exits_2_with_a_hint() {
    let p = Project::new("rust");
    p.cmd()
        .args(["deps", "."])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("run `leakgate db update`"));
    p.cmd()
        .args(["deps", ".", "--db", "no-such-dir"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "OSV database not found at no-such-dir",
        ));
    let empty = tempfile::tempdir().unwrap();
    p.cmd()
        .args(["deps", ".", "--db", empty.path().to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("holds no advisories"));
}

#[test]
fn malformed_records_are_reported_not_fatal() {
    let p = Project::new("rust");
    let db = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures().join("osv/rustsec/RUSTSEC-2020-0071.json"),
        db.path().join("RUSTSEC-2020-0071.json"),
    )
    .unwrap();
    std::fs::write(db.path().join("BROKEN-1.json"), "{ not json").unwrap();
    let out = p
        .cmd()
        .args([
            "deps",
            ".",
            "-f",
            "json",
            "--db",
            db.path().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ids(&report), set(&["RUSTSEC-2020-0071"]));
    assert_eq!(report["scan"]["stats"]["records_malformed"], 1);
    let warnings = report["scan"]["warnings"].to_string();
    assert!(
        warnings.contains("BROKEN-1.json: malformed OSV JSON"),
        "{warnings}"
    );
}

#[test]
fn ecosystems_missing_from_the_database_are_not_reported_clean_silently() {
    let p = Project::new("python");
    let rust_only = fixtures().join("osv/rustsec");
    let out = p
        .cmd()
        .args([
            "deps",
            ".",
            "-f",
            "json",
            "--db",
            rust_only.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(ids(&report).is_empty());
    assert_eq!(report["scan"]["stats"]["ecosystems_without_advisories"], 1);
    let warnings = report["scan"]["warnings"].to_string();
    assert!(
        warnings
            .contains("the OSV database has no PyPI advisories, so PyPI packages were not checked"),
        "{warnings}"
    );
}
