//! Switching from gitleaks and detect-secrets: the one-line changes shown
//! in docs/migrating.md, end to end with the real binary.

mod git_support;
use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

const TOKEN: &str = "acme_q8w7e6r5t4y3u2i1o0pz";

const RULE: &str = r#"
[[rules]]
id = "acme-token"
regex = '''acme_[0-9a-z]{20}'''
keywords = ["acme_"]
"#;

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".gitleaks.toml"), RULE).unwrap();
    std::fs::create_dir(dir.path().join("app")).unwrap();
    std::fs::write(
        dir.path().join("app/settings.py"),
        format!("KEY = \"{TOKEN}\"\n"),
    )
    .unwrap();
    dir
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.env("NO_COLOR", "1").output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn leakgate(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("leakgate").unwrap();
    c.current_dir(dir)
        .env_remove("LEAKGATE_CONFIG")
        .env_remove("GITLEAKS_CONFIG")
        .env_remove("GITLEAKS_CONFIG_TOML");
    c
}

#[test]
#[cfg(unix)]
fn a_gitleaks_symlink_runs_gitleaks_command_lines() {
    let dir = project();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(
        assert_cmd::cargo::cargo_bin("leakgate"),
        bin.join("gitleaks"),
    )
    .unwrap();
    let (code, _, stderr) = run(Command::new(bin.join("gitleaks"))
        .current_dir(dir.path())
        .args([
            "dir",
            ".",
            "--report-format",
            "json",
            "--report-path",
            "gl.json",
            "--no-banner",
        ]));
    assert_eq!(code, 1, "{stderr}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("gl.json")).unwrap())
            .unwrap();
    assert_eq!(report[0]["RuleID"], "acme-token");
    assert_eq!(report[0]["File"], "app/settings.py");
    assert_eq!(report[0]["StartLine"], 1);
    assert_eq!(report[0]["Secret"], "REDACTED");

    // The same report, fed back as gitleaks' --baseline-path: nothing new.
    let (code, _, stderr) = run(Command::new(bin.join("gitleaks"))
        .current_dir(dir.path())
        .args(["dir", ".", "--baseline-path", "gl.json", "--exit-code", "3"]));
    assert_eq!(code, 0, "{stderr}");
    // Unknown gitleaks flags are usage errors.
    let (code, _, stderr) = run(Command::new(bin.join("gitleaks"))
        .current_dir(dir.path())
        .args(["dir", "--frobnicate"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("--frobnicate"), "{stderr}");
}

#[test]
fn hidden_gitleaks_verbs_work_under_the_leakgate_name() {
    let dir = project();
    let (code, stdout, stderr) = run(leakgate(dir.path()).args([
        "detect",
        "--no-git",
        "--source",
        ".",
        "--report-format",
        "json",
        "--exit-code",
        "7",
    ]));
    assert_eq!(code, 7, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report[0]["File"], "app/settings.py");
    assert_eq!(report[0]["Fingerprint"], "app/settings.py:acme-token:1");
    // Hidden: not in the main help.
    let (_, help, _) = run(leakgate(dir.path()).arg("--help"));
    assert!(
        !help.lines().any(|l| l.trim_start().starts_with("detect")),
        "{help}"
    );
}

/// `.secrets.baseline` as detect-secrets 1.x writes it.
fn detect_secrets_baseline(hash: &str, is_secret: Option<bool>) -> String {
    let audit = match is_secret {
        Some(b) => format!(", \"is_secret\": {b}"),
        None => String::new(),
    };
    format!(
        r#"{{
  "version": "1.5.0",
  "plugins_used": [{{"name": "KeywordDetector"}}],
  "filters_used": [],
  "results": {{
    "app/settings.py": [
      {{"type": "Secret Keyword", "filename": "app/settings.py", "hashed_secret": "{hash}", "is_verified": false, "line_number": 4{audit}}}
    ]
  }},
  "generated_at": "2026-01-01T00:00:00Z"
}}
"#
    )
}

fn sha1_hex(s: &str) -> String {
    leakgate::allow::baseline::foreign::sha1_hex(s.as_bytes())
}

#[test]
fn a_detect_secrets_baseline_suppresses_by_secret_hash() {
    let dir = project();
    let baseline = dir.path().join(".secrets.baseline");
    // Recorded on another line: the SHA-1 of the secret still matches.
    std::fs::write(&baseline, detect_secrets_baseline(&sha1_hex(TOKEN), None)).unwrap();
    let (code, stdout, stderr) =
        run(leakgate(dir.path()).args(["scan", "--baseline", ".secrets.baseline", "-f", "json"]));
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["findings"].as_array().unwrap().len(), 0);
    assert!(!stdout.contains(TOKEN));

    // Audited as a real secret: still reported, and redacted.
    std::fs::write(
        &baseline,
        detect_secrets_baseline(&sha1_hex(TOKEN), Some(true)),
    )
    .unwrap();
    let (code, stdout, _) =
        run(leakgate(dir.path()).args(["scan", "--baseline", ".secrets.baseline", "-f", "json"]));
    assert_eq!(code, 1);
    assert!(!stdout.contains(TOKEN), "{stdout}");
    // Another secret's hash does not suppress.
    std::fs::write(
        &baseline,
        detect_secrets_baseline(&sha1_hex("other"), Some(false)),
    )
    .unwrap();
    let (code, _, _) = run(leakgate(dir.path()).args(["scan", "--baseline", ".secrets.baseline"]));
    assert_eq!(code, 1);
}

#[test]
fn baseline_import_converts_a_detect_secrets_baseline() {
    let dir = project();
    std::fs::write(
        dir.path().join(".secrets.baseline"),
        detect_secrets_baseline(&sha1_hex(TOKEN), Some(false)),
    )
    .unwrap();
    let (code, _, stderr) = run(leakgate(dir.path()).args([
        "baseline",
        "import",
        ".secrets.baseline",
        "-o",
        "lg-baseline.json",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("Imported 1 finding from"), "{stderr}");
    let written = std::fs::read_to_string(dir.path().join("lg-baseline.json")).unwrap();
    assert!(!written.contains(TOKEN));
    let doc: Value = serde_json::from_str(&written).unwrap();
    assert_eq!(doc["schema"], "leakgate/findings/v1");
    assert_eq!(doc["findings"][0]["rule_id"], "acme-token");
    let (code, _, stderr) =
        run(leakgate(dir.path()).args(["scan", "--baseline", "lg-baseline.json"]));
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn deps_with_a_gitlab_report_is_refused_rather_than_dropping_findings() {
    let dir = project();
    let (code, stdout, stderr) =
        run(leakgate(dir.path()).args(["scan", "--deps", "-f", "gitlab", "."]));
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("leakgate deps -f gitlab"), "{stderr}");
}

/// The rows of the README's "Switching from gitleaks or detect-secrets"
/// table: (before, after) command lines, exactly as printed.
fn readme_switching_rows() -> Vec<(String, String)> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme
        .find("## Switching from gitleaks or detect-secrets")
        .expect("README has the switching section");
    let section = &readme[start..];
    let end = section[3..].find("\n## ").map_or(section.len(), |i| i + 3);
    section[..end]
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim().trim_matches('|').split('|').collect();
            match cells.as_slice() {
                [before, after] => {
                    let strip = |c: &str| {
                        c.trim()
                            .strip_prefix('`')?
                            .strip_suffix('`')
                            .map(String::from)
                    };
                    Some((strip(before)?, strip(after)?))
                }
                _ => None,
            }
        })
        .collect()
}

/// Runs a command line from the README as printed (split on spaces), with
/// `leakgate` and `gitleaks` (a symlink to it) as the built binary.
#[cfg(unix)]
fn run_line(dir: &Path, bin: &Path, line: &str) -> (i32, String) {
    let words: Vec<&str> = line.split_whitespace().collect();
    let program = match words[0] {
        "leakgate" => assert_cmd::cargo::cargo_bin("leakgate"),
        "gitleaks" => bin.join("gitleaks"),
        other => panic!("README line runs `{other}`"),
    };
    let out = std::process::Command::new(program)
        .args(&words[1..])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("LEAKGATE_CONFIG")
        .env_remove("GITLEAKS_CONFIG")
        .env_remove("GITLEAKS_CONFIG_TOML")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Every one-line change the README shows, run exactly as printed: the
/// leakgate line finds what the gitleaks line (through a `gitleaks` symlink)
/// finds, and the detect-secrets baseline suppresses what it audited.
#[cfg(unix)]
#[test]
fn the_readme_switching_lines_run_as_printed() {
    let rows = readme_switching_rows();
    assert!(rows.len() >= 4, "{rows:?}");

    // main has one commit; the branch adds a secret in a commit and stages another.
    let committed = format!("ghp_{}", "R7kQ2mX9vL4pT8wZ1nB6cY3hJ5dF0sGaEuKi");
    let staged = format!("ghp_{}", "Xb3Nq8Lw2Rt6Yz1Kp5Vm9Hc4Jd7Fs0GaQeUo");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bin = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        assert_cmd::cargo::cargo_bin("leakgate"),
        bin.path().join("gitleaks"),
    )
    .unwrap();
    git_support::git_ok(d, &["init", "-q"]);
    std::fs::write(d.join("README"), "hello\n").unwrap();
    git_support::git_ok(d, &["add", "README"]);
    git_support::git_ok(d, &["commit", "-q", "-m", "Initial commit"]);
    git_support::git_ok(d, &["checkout", "-q", "-b", "feature"]);
    std::fs::write(
        d.join("deploy.sh"),
        format!("export API_TOKEN=\"{committed}\"\n"),
    )
    .unwrap();
    git_support::git_ok(d, &["add", "deploy.sh"]);
    git_support::git_ok(d, &["commit", "-q", "-m", "Add deploy script"]);
    std::fs::write(d.join("settings.py"), format!("API_TOKEN = \"{staged}\"\n")).unwrap();
    git_support::git_ok(d, &["add", "settings.py"]);

    let mut ran = 0;
    for (before, after) in &rows {
        if after.contains(".secrets.baseline") {
            // Audited as a false positive in detect-secrets: suppressed.
            let baseline = detect_secrets_baseline(&sha1_hex(&staged), Some(false))
                .replace("app/settings.py", "settings.py");
            std::fs::write(d.join(".secrets.baseline"), baseline).unwrap();
            let (code, out) = run_line(d, bin.path(), after);
            assert_eq!(code, 0, "`{after}`:\n{out}");
            // Without the audit entry the staged secret fails the commit.
            std::fs::write(
                d.join(".secrets.baseline"),
                detect_secrets_baseline(&sha1_hex("another secret"), Some(false)),
            )
            .unwrap();
            let (code, out) = run_line(d, bin.path(), after);
            assert_eq!(code, 1, "`{after}`:\n{out}");
            assert!(out.contains("settings.py"), "{out}");
            std::fs::remove_file(d.join(".secrets.baseline")).unwrap();
        } else {
            assert!(before.starts_with("gitleaks "), "{before}");
            let (code_before, out_before) = run_line(d, bin.path(), before);
            let (code_after, out_after) = run_line(d, bin.path(), after);
            assert_eq!(code_before, 1, "`{before}`:\n{out_before}");
            assert_eq!(code_after, 1, "`{after}`:\n{out_after}");
            let expected = if after.contains("--staged") {
                "settings.py"
            } else {
                "deploy.sh"
            };
            assert!(out_after.contains(expected), "`{after}`:\n{out_after}");
            assert!(!out_after.contains(&committed) && !out_after.contains(&staged));
        }
        ran += 1;
    }
    assert_eq!(ran, rows.len());
}
