//! `leakgate scan` end to end: the real binary over real files in temp dirs.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const TOKEN: &str = "tok_q8w7e6r5t4y3u2i1o0pz";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scan")
}

/// A temp dir with the test rules as its `.leakgate.toml`.
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures().join("rules.toml"),
        dir.path().join(".leakgate.toml"),
    )
    .unwrap();
    dir
}

fn write(dir: &Path, rel: &str, content: impl AsRef<[u8]>) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

fn leakgate() -> Command {
    let mut c = Command::cargo_bin("leakgate").unwrap();
    c.env("NO_COLOR", "1");
    c
}

/// Runs `scan -f json ARGS` in `dir`; returns (exit code, report).
fn scan_json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let out = leakgate()
        .current_dir(dir)
        .arg("scan")
        .args(["-f", "json"])
        .args(args)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap_or(-1), report)
}

fn paths(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{}:{}",
                f["location"]["path"].as_str().unwrap(),
                f["location"]["line"],
                f["rule_id"].as_str().unwrap()
            )
        })
        .collect()
}

fn stat(report: &Value, key: &str) -> u64 {
    report["scan"]["stats"][key]
        .as_u64()
        .unwrap_or_else(|| panic!("no stat {key}: {report}"))
}

#[test]
fn directory_scan_honours_gitignore_unless_no_ignore() {
    let dir = workdir();
    write(dir.path(), ".gitignore", "build/\n");
    write(dir.path(), "build/out.txt", format!("k = {TOKEN}\n"));
    write(dir.path(), "src/app.txt", "nothing here\n");
    let (code, report) = scan_json(dir.path(), &[]);
    assert_eq!(code, 0);
    assert!(paths(&report).is_empty());
    assert_eq!(report["scan"]["command"], "secrets");
    assert_eq!(report["scan"]["target"], ".");
    let (code, report) = scan_json(dir.path(), &["--no-ignore"]);
    assert_eq!(code, 1);
    assert_eq!(paths(&report), vec!["build/out.txt:1:test-token"]);
}

#[test]
fn hidden_files_are_scanned_but_not_dot_git() {
    let dir = workdir();
    write(dir.path(), ".env", format!("\nTOKEN={TOKEN}\n"));
    write(
        dir.path(),
        ".github/workflows/ci.yml",
        "env:\n  secret: 'Zq8W7e6R5t4Y'\n",
    );
    write(dir.path(), ".git/config", format!("{TOKEN}\n"));
    let (code, report) = scan_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        paths(&report),
        vec![
            ".env:2:test-token",
            ".github/workflows/ci.yml:2:generic-test-secret"
        ]
    );
}

#[test]
fn explicit_files_keep_their_given_path() {
    let dir = workdir();
    write(dir.path(), "sub/a.txt", format!("{TOKEN}\n"));
    write(dir.path(), "b.txt", "clean\n");
    let (code, report) = scan_json(dir.path(), &["./sub/a.txt", "b.txt"]);
    assert_eq!(code, 1);
    assert_eq!(paths(&report), vec!["sub/a.txt:1:test-token"]);
    assert_eq!(stat(&report, "files_scanned"), 2);
}

#[test]
fn stdin_dash() {
    let dir = workdir();
    let out = leakgate()
        .current_dir(dir.path())
        .args(["scan", "-", "-f", "json"])
        .write_stdin("line one\nsecret = \"Zq8W7e6R5t4Y\"\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(paths(&report), vec!["-:2:generic-test-secret"]);
    assert_eq!(report["scan"]["target"], "-");
}

#[test]
fn binary_and_oversized_files_are_skipped_and_counted() {
    let dir = workdir();
    write(
        dir.path(),
        "blob.bin",
        [b"PK\0\x03".as_slice(), TOKEN.as_bytes()].concat(),
    );
    // Over --max-file-size: scanned in overlapping chunks, not skipped.
    write(
        dir.path(),
        "big.txt",
        format!("{}\n{TOKEN}\n", "a".repeat(20000)),
    );
    write(dir.path(), "small.txt", "ok\n");
    write(dir.path(), "release.jks", b"\0\x01binary keystore");
    let (code, report) = scan_json(dir.path(), &["--max-file-size", "1000"]);
    assert_eq!(code, 1);
    // The keystore is binary, but path-only rules still see it.
    assert_eq!(
        paths(&report),
        vec!["big.txt:2:test-token", "release.jks:0:test-keystore"]
    );
    assert_eq!(stat(&report, "files_skipped_binary"), 2);
    assert_eq!(stat(&report, "files_skipped_size"), 0);
    assert_eq!(stat(&report, "files_chunked"), 1);
    assert_eq!(stat(&report, "files_scanned"), 2);
    // The config in use holds rule examples: never scanned.
    assert_eq!(stat(&report, "files_skipped_allowlisted"), 1);
    assert_eq!(stat(&report, "files_unreadable"), 0);
}

#[cfg(unix)]
#[test]
fn broken_symlink_is_reported_and_strict_fails() {
    let dir = workdir();
    write(dir.path(), "a.txt", "clean\n");
    std::os::unix::fs::symlink(dir.path().join("missing"), dir.path().join("dangling")).unwrap();
    let (code, report) = scan_json(dir.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(stat(&report, "files_unreadable"), 1);
    assert_eq!(report["scan"]["errors"][0]["path"], "dangling");
    assert_eq!(
        report["scan"]["errors"][0]["message"],
        "broken symbolic link"
    );
    leakgate()
        .current_dir(dir.path())
        .args(["scan", "--strict", "-f", "json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("dangling: broken symbolic link"))
        .stderr(predicate::str::contains("could not be read (--strict)"));
}

#[test]
fn malformed_config_exits_2_naming_file_and_line() {
    let dir = workdir();
    let cfg = fixtures().join("malformed.toml");
    leakgate()
        .current_dir(dir.path())
        .args(["scan", "--config"])
        .arg(&cfg)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("malformed.toml:5:"));
}

#[test]
fn invalid_user_regex_names_the_rule() {
    let dir = workdir();
    leakgate()
        .current_dir(dir.path())
        .args(["scan", "--config"])
        .arg(fixtures().join("bad-regex.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad-regex.toml:6: rule `broken-rule`: invalid regex",
        ));
}

#[test]
fn exit_codes_and_exit_code_override() {
    let dir = workdir();
    write(dir.path(), "a.txt", format!("{TOKEN}\n"));
    leakgate()
        .current_dir(dir.path())
        .args(["scan", "-f", "json"])
        .assert()
        .code(1);
    leakgate()
        .current_dir(dir.path())
        .args(["scan", "-f", "json", "--exit-code", "7"])
        .assert()
        .code(7);
    leakgate()
        .current_dir(dir.path())
        .args(["scan", "-f", "json", "--exit-code", "0"])
        .assert()
        .code(0);
    leakgate()
        .current_dir(dir.path())
        .args(["scan", "--no-such-flag"])
        .assert()
        .code(2);
}

#[test]
fn secrets_are_redacted_unless_no_redact() {
    let dir = workdir();
    write(dir.path(), "a.txt", format!("{TOKEN}\n"));
    let out = leakgate()
        .current_dir(dir.path())
        .args(["scan", "-f", "json"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains(TOKEN));
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["findings"][0]["secret"]["redacted"], "tok_…");
    let (_, report) = scan_json(dir.path(), &["--no-redact"]);
    assert_eq!(report["findings"][0]["secret"]["value"], TOKEN);
}

#[test]
fn inline_markers_and_ignore_file_from_the_root() {
    let dir = workdir();
    write(dir.path(), "a.txt", format!("{TOKEN} # leakgate:allow\n"));
    write(dir.path(), "b.txt", format!("{TOKEN}\n"));
    write(dir.path(), "c.txt", format!("\n{TOKEN}\n"));
    write(dir.path(), ".gitleaksignore", "b.txt:test-token:1\n");
    let (_, report) = scan_json(dir.path(), &[]);
    assert_eq!(paths(&report), vec!["c.txt:2:test-token"]);
    // The fingerprint form survives a line move.
    let fp = report["findings"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    write(dir.path(), ".leakgateignore", format!("{fp}\n"));
    write(dir.path(), "c.txt", format!("\n\n\n{TOKEN}\n"));
    let (code, report) = scan_json(dir.path(), &[]);
    assert_eq!(code, 0, "{report}");
}

#[test]
fn empty_directory_scans_zero_files() {
    let dir = tempfile::tempdir().unwrap();
    let (code, report) = scan_json(
        dir.path(),
        &["--config", fixtures().join("rules.toml").to_str().unwrap()],
    );
    assert_eq!(code, 0);
    assert_eq!(stat(&report, "files_scanned"), 0);
    assert_eq!(stat(&report, "bytes_scanned"), 0);
}

#[test]
fn fifty_megabyte_single_line_completes_and_finds_the_secret() {
    let dir = workdir();
    let mut data = Vec::with_capacity(50 << 20);
    // Keyword-dense noise: every 100 bytes mentions `secret`, forcing windows everywhere.
    let chunk = b"secret=; lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididun ";
    while data.len() < (50 << 20) {
        data.extend_from_slice(chunk);
    }
    let at = 31 << 20;
    let needle = format!(" {TOKEN} ");
    data[at..at + needle.len()].copy_from_slice(needle.as_bytes());
    write(dir.path(), "huge.txt", &data);
    let (code, report) = scan_json(dir.path(), &["--max-file-size", "60000000"]);
    assert_eq!(code, 1);
    assert_eq!(paths(&report), vec!["huge.txt:1:test-token"]);
    assert_eq!(report["findings"][0]["location"]["column"], at + 2);
}
