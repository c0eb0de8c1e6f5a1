//! Config discovery and repository-relative paths, end to end: a scan
//! started anywhere inside a git work tree applies the repository's config
//! and ignore files and reports paths (and fingerprints) relative to the
//! repository root, the way gitleaks does.

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

fn write(dir: &Path, rel: &str, content: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

/// A git work tree with `.gitleaks.toml` at its root and a token in
/// `src/settings.py`.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git2::Repository::init(dir.path()).unwrap();
    write(dir.path(), ".gitleaks.toml", RULE);
    write(
        dir.path(),
        "src/settings.py",
        &format!("KEY = \"{TOKEN}\"\n"),
    );
    dir
}

fn leakgate(cwd: &Path) -> Command {
    let mut c = Command::cargo_bin("leakgate").unwrap();
    c.current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("LEAKGATE_CONFIG")
        .env_remove("GITLEAKS_CONFIG")
        .env_remove("GITLEAKS_CONFIG_TOML");
    c
}

/// `scan ARGS -f jsonl` in `cwd`: (exit code, findings).
fn scan(cmd: &mut Command, args: &[&str]) -> (i32, Vec<Value>) {
    let out = cmd
        .arg("scan")
        .args(args)
        .args(["-f", "jsonl"])
        .output()
        .unwrap();
    let findings = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("{e}: {l} {}", String::from_utf8_lossy(&out.stderr)))
        })
        .collect();
    (out.status.code().unwrap_or(-1), findings)
}

fn summary(findings: &[Value]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            format!(
                "{}:{}:{}",
                f["rule_id"].as_str().unwrap(),
                f["location"]["path"].as_str().unwrap(),
                f["location"]["line"]
            )
        })
        .collect()
}

#[test]
fn subdirectory_scan_uses_the_repository_config_and_root_relative_paths() {
    let dir = repo();
    let root = dir.path();
    let (code, from_root) = scan(&mut leakgate(root), &["src"]);
    assert_eq!(code, 1);
    assert_eq!(summary(&from_root), ["acme-token:src/settings.py:1"]);
    // Same finding, same fingerprint, from inside the subdirectory, and for
    // the file named explicitly.
    let (_, from_src) = scan(&mut leakgate(&root.join("src")), &["."]);
    let (_, by_file) = scan(&mut leakgate(&root.join("src")), &["settings.py"]);
    let (_, whole) = scan(&mut leakgate(root), &[]);
    for other in [&from_src, &by_file, &whole] {
        assert_eq!(summary(other), summary(&from_root));
        assert_eq!(other[0]["fingerprint"], from_root[0]["fingerprint"]);
    }
}

#[test]
fn repository_ignore_files_apply_to_subdirectory_scans() {
    let dir = repo();
    let root = dir.path();
    write(root, ".gitleaksignore", "src/settings.py:acme-token:1\n");
    let (code, findings) = scan(&mut leakgate(&root.join("src")), &["."]);
    assert_eq!((code, findings.len()), (0, 0));

    std::fs::remove_file(root.join(".gitleaksignore")).unwrap();
    let (_, findings) = scan(&mut leakgate(root), &[]);
    let fp = findings[0]["fingerprint"].as_str().unwrap().to_string();
    write(root, ".leakgateignore", &format!("{fp}\n"));
    let (code, findings) = scan(&mut leakgate(root), &["src"]);
    assert_eq!((code, findings.len()), (0, 0));
}

#[test]
fn environment_variables_take_precedence_over_the_repository_file() {
    let dir = repo();
    let root = dir.path();
    let other = r#"
[[rules]]
id = "from-env"
regex = '''acme_[0-9a-z]{20}'''
keywords = ["acme_"]
"#;
    write(root, "../env-config.toml", other);
    let env_file = root.join("../env-config.toml");
    let toml_rule = other.replace("from-env", "from-toml-var");
    let third = other.replace("from-env", "from-gitleaks-var");
    write(root, "../gl-config.toml", &third);
    let gl_file = root.join("../gl-config.toml");

    let (_, f) = scan(
        leakgate(root)
            .env("GITLEAKS_CONFIG_TOML", &toml_rule)
            .env("GITLEAKS_CONFIG", &gl_file)
            .env("LEAKGATE_CONFIG", &env_file),
        &["src"],
    );
    assert_eq!(summary(&f), ["from-env:src/settings.py:1"]);
    let (_, f) = scan(
        leakgate(root)
            .env("GITLEAKS_CONFIG_TOML", &toml_rule)
            .env("GITLEAKS_CONFIG", &gl_file),
        &["src"],
    );
    assert_eq!(summary(&f), ["from-gitleaks-var:src/settings.py:1"]);
    let (_, f) = scan(
        leakgate(root).env("GITLEAKS_CONFIG_TOML", &toml_rule),
        &["src"],
    );
    assert_eq!(summary(&f), ["from-toml-var:src/settings.py:1"]);
    // --config beats every variable.
    let (_, f) = scan(
        leakgate(root).env("LEAKGATE_CONFIG", &env_file),
        &["--config", ".gitleaks.toml", "src"],
    );
    assert_eq!(summary(&f), ["acme-token:src/settings.py:1"]);
}

#[test]
fn bad_config_in_a_variable_is_an_error_naming_it() {
    let dir = repo();
    let out = leakgate(dir.path())
        .env(
            "GITLEAKS_CONFIG_TOML",
            "[[rules]]\nid = 'x'\nregex = '(unclosed'\n",
        )
        .args(["scan", "src"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("$GITLEAKS_CONFIG_TOML"), "{stderr}");
    assert!(stderr.contains("rule `x`"), "{stderr}");
}

#[test]
fn outside_a_repository_the_scanned_directory_is_the_root() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "proj/.gitleaks.toml", RULE);
    write(
        dir.path(),
        "proj/src/settings.py",
        &format!("KEY = \"{TOKEN}\"\n"),
    );
    let (code, f) = scan(&mut leakgate(dir.path()), &["proj"]);
    assert_eq!(code, 1);
    assert_eq!(summary(&f), ["acme-token:src/settings.py:1"]);
}
