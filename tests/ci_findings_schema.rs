//! `docs/schema/findings-v1.json` describes exactly what `--format json` and
//! `--format jsonl` write: every report of the scenarios below (secrets,
//! history with commit metadata, dependencies, licences, policy checks,
//! skipped and unreadable inputs, baselines, reports built in code) must
//! validate, and reports that break the format must not.

#[path = "fixtures/report/findings.rs"]
mod findings;
mod git_support;

use assert_cmd::Command;
use leakgate::report::Format;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema() -> Value {
    let text = std::fs::read_to_string(root().join("docs/schema/findings-v1.json"))
        .expect("docs/schema/findings-v1.json");
    serde_json::from_str(&text).expect("the schema is JSON")
}

fn document_validator() -> jsonschema::Validator {
    let schema = schema();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    jsonschema::draft202012::options()
        .build(&schema)
        .expect("the schema compiles")
}

/// The schema of one JSON Lines record: `#/$defs/finding` with its siblings.
fn line_validator() -> jsonschema::Validator {
    let full = schema();
    let schema = json!({
        "$schema": full["$schema"],
        "$ref": "#/$defs/finding",
        "$defs": full["$defs"],
    });
    jsonschema::draft202012::options()
        .build(&schema)
        .expect("the finding schema compiles")
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[track_caller]
fn assert_document(doc: &Value) {
    let errs = errors(&document_validator(), doc);
    assert!(errs.is_empty(), "invalid report: {errs:#?}\n{doc:#}");
}

/// Validates a JSON Lines report, line by line; returns the records.
#[track_caller]
fn assert_lines(text: &str) -> Vec<Value> {
    let v = line_validator();
    text.lines()
        .map(|line| {
            let record: Value = serde_json::from_str(line).expect("each line is JSON");
            let errs = errors(&v, &record);
            assert!(errs.is_empty(), "invalid JSONL record: {errs:#?}\n{line}");
            record
        })
        .collect()
}

fn leakgate(dir: &Path, home: &Path) -> Command {
    let mut c = Command::cargo_bin("leakgate").unwrap();
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("HOME", home)
        .env("XDG_CACHE_HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("LEAKGATE_CONFIG")
        .env_remove("GITLEAKS_CONFIG")
        .env_remove("GITLEAKS_CONFIG_TOML");
    c
}

/// Runs leakgate with `args` plus `-f json` and `-f jsonl`, checks the exit
/// code of both, validates both outputs and returns the JSON document.
#[track_caller]
fn both_formats(dir: &Path, args: &[&str], code: i32) -> Value {
    let home = tempfile::tempdir().unwrap();
    let out = leakgate(dir, home.path())
        .args(args)
        .args(["-f", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_document(&doc);

    let out = leakgate(dir, home.path())
        .args(args)
        .args(["-f", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(code), "{args:?} jsonl");
    let records = assert_lines(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(records.as_slice(), doc["findings"].as_array().unwrap());
    doc
}

/// A high-entropy token assigned to a key name (the generic rule reports it).
fn token() -> String {
    format!("ghp_{}", "R7kQ2mX9vL4pT8wZ1nB6cY3hJ5dF0sGaEuKi")
}

#[test]
fn reports_built_in_code_validate() {
    let mut empty = leakgate::report::Report::new("secrets", ".");
    empty.scan.stats.set("files_scanned", 0);
    for report in [
        empty,
        findings::secrets_report(),
        findings::deps_report(),
        findings::mixed_report(),
    ] {
        assert_document(&findings::json(&report, Format::Json));
        assert_lines(&findings::render(&report, Format::Jsonl, false));
    }
}

#[test]
fn secret_scans_validate_redacted_and_not() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("settings.py"),
        format!("TOKEN = \"{}\"\n", token()),
    )
    .unwrap();
    let doc = both_formats(dir.path(), &["scan", "."], 1);
    let finding = &doc["findings"][0];
    assert_eq!(finding["kind"], "secret");
    assert_eq!(finding["location"]["path"], "settings.py");
    assert!(finding["secret"].get("value").is_none());

    let doc = both_formats(dir.path(), &["scan", ".", "--no-redact"], 1);
    assert_eq!(doc["findings"][0]["secret"]["value"], token());

    // Standard input.
    let home = tempfile::tempdir().unwrap();
    let out = leakgate(dir.path(), home.path())
        .args(["scan", "-", "-f", "json"])
        .write_stdin(format!("key: {}\n", token()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_document(&doc);
    assert_eq!(doc["findings"][0]["location"]["path"], "-");

    // A clean tree: no findings, still a valid document.
    let clean = tempfile::tempdir().unwrap();
    std::fs::write(clean.path().join("a.txt"), "nothing here\n").unwrap();
    let doc = both_formats(clean.path(), &["scan", "."], 0);
    assert_eq!(doc["findings"], json!([]));
}

#[cfg(unix)]
#[test]
fn skipped_and_unreadable_inputs_validate() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "clean\n").unwrap();
    let mut blob = b"PK\0\x03".to_vec();
    blob.extend_from_slice(token().as_bytes());
    std::fs::write(dir.path().join("blob.bin"), blob).unwrap();
    std::os::unix::fs::symlink(dir.path().join("missing"), dir.path().join("dangling")).unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.txt"), "outside\n").unwrap();
    std::os::unix::fs::symlink(outside.path().join("x.txt"), dir.path().join("out.txt")).unwrap();
    let doc = both_formats(dir.path(), &["scan", "."], 0);
    let errors = doc["scan"]["errors"].as_array().unwrap();
    assert!(errors.iter().any(|e| e["path"] == "dangling"), "{doc:#}");
    assert!(doc["scan"]["stats"]["files_skipped_binary"].as_u64() >= Some(1));
}

#[test]
fn history_scan_with_commit_metadata_validates() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    std::fs::write(
        dir.path().join("deploy.sh"),
        format!("export API_TOKEN=\"{}\"\n", token()),
    )
    .unwrap();
    git(dir.path(), &["add", "deploy.sh"]);
    git(dir.path(), &["commit", "-q", "-m", "Add deploy script"]);
    std::fs::write(
        dir.path().join("deploy.sh"),
        "export API_TOKEN=\"$VAULT_TOKEN\"\n",
    )
    .unwrap();
    git(
        dir.path(),
        &["commit", "-q", "-am", "Read the token from the environment"],
    );
    let doc = both_formats(dir.path(), &["scan", "--history", "--all-commits"], 1);
    let location = &doc["findings"][0]["location"];
    assert_eq!(location["author"], "Jane Doe");
    assert_eq!(location["email"], "jane@example.com");
    assert_eq!(location["message"], "Add deploy script");
    assert_eq!(location["commit"].as_str().unwrap().len(), 40);
    assert!(location["date"]
        .as_str()
        .unwrap()
        .starts_with("2024-05-01T10:00:00"));
    let doc = both_formats(dir.path(), &["scan", "--range", "HEAD~1..HEAD"], 0);
    assert!(
        doc["scan"]["stats"]["commits"].as_u64() >= Some(1),
        "{doc:#}"
    );
}

/// A copy of a dependency fixture project.
fn deps_project(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("tests/fixtures/deps").join(name)).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

#[test]
fn dependency_and_licence_reports_validate() {
    let db = root().join("tests/fixtures/osv").display().to_string();
    let mut kinds = Vec::new();
    for name in ["rust", "python", "go"] {
        let dir = deps_project(name);
        let doc = both_formats(dir.path(), &["deps", ".", "--db", &db], 1);
        let v = &doc["findings"][0]["vulnerability"];
        assert!(v["id"].as_str().is_some_and(|id| !id.is_empty()), "{doc:#}");
        kinds.extend(
            doc["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["kind"].clone()),
        );
        // The combined secrets + dependencies scan writes the same schema.
        both_formats(dir.path(), &["scan", ".", "--deps", "--db", &db], 1);
    }
    assert!(kinds.iter().all(|k| k == "vulnerability"));

    let dir = deps_project("license");
    let doc = both_formats(
        dir.path(),
        &["deps", ".", "--db", &db, "--deny-license", "GPL-3.0-only"],
        1,
    );
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "license"),
        "{doc:#}"
    );
}

#[test]
fn policy_reports_validate() {
    let dir = tempfile::tempdir().unwrap();
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    std::fs::write(
        workflows.join("ci.yml"),
        "on: push\npermissions: write-all\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n",
    )
    .unwrap();
    let doc = both_formats(dir.path(), &["policy", "."], 1);
    assert_eq!(doc["findings"][0]["kind"], "policy");
    assert_eq!(doc["findings"][0]["rule_id"], "gha-write-all");
}

#[test]
fn a_written_baseline_validates() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        format!("API_TOKEN=\"{}\"\n", token()),
    )
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = leakgate(dir.path(), home.path())
        .args(["scan", ".", "--write-baseline", "baseline.json"])
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c < 2), "{out:?}");
    let text = std::fs::read_to_string(dir.path().join("baseline.json")).unwrap();
    assert_document(&serde_json::from_str(&text).unwrap());
}

/// A named way to break a valid report.
type Breakage = (&'static str, fn(&mut Value));

#[test]
fn the_schema_rejects_what_leakgate_never_writes() {
    let good = findings::json(&findings::mixed_report(), Format::Json);
    assert_document(&good);
    let v = document_validator();
    let broken: [Breakage; 7] = [
        ("unknown top-level key", |d| d["extra"] = json!(1)),
        ("wrong schema id", |d| {
            d["schema"] = json!("leakgate/findings/v2")
        }),
        ("bad severity", |d| {
            d["findings"][0]["severity"] = json!("severe")
        }),
        ("unknown kind", |d| d["findings"][0]["kind"] = json!("bug")),
        ("missing location", |d| {
            d["findings"][0].as_object_mut().unwrap().remove("location");
        }),
        ("negative line", |d| {
            d["findings"][0]["location"]["line"] = json!(-1)
        }),
        ("vulnerability without details", |d| {
            d["findings"][2]
                .as_object_mut()
                .unwrap()
                .remove("vulnerability");
        }),
    ];
    for (what, breakit) in broken {
        let mut doc = good.clone();
        breakit(&mut doc);
        assert!(!v.is_valid(&doc), "accepted a report with {what}");
    }
    assert!(!line_validator().is_valid(&json!({ "kind": "secret" })));
}

/// Runs git as Jane Doe with fixed dates, so commit metadata in the
/// reports is the same on every run.
fn git(dir: &Path, args: &[&str]) {
    let status = git_support::git_as_jane(dir, args)
        .env("GIT_AUTHOR_DATE", "2024-05-01T10:00:00+00:00")
        .env("GIT_COMMITTER_DATE", "2024-05-01T10:00:00+00:00")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}
