//! The pre-commit framework (`pre-commit` from PyPI) runs both published
//! hooks of `.pre-commit-hooks.yaml` — `leakgate` (`language: rust`, which
//! pre-commit builds with `cargo install --bins --root <env> --path .` from
//! the hook repository) and `leakgate-system` (`language: system`, the
//! leakgate on PATH) — under `pre-commit run --all-files`: a clean
//! repository passes, a planted secret fails both hooks with exit 1.
//!
//! Skipped, with the reason printed, only when `pre-commit` is not on PATH
//! (`.ci/run` installs it). The `language: rust` build is the slow part; it
//! uses a target directory under this crate's (so a second run reuses it)
//! and the release profile without LTO or optimisation: pre-commit only
//! needs a working binary.

mod git_support;
use git_support::git_ok as git;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A git repository holding this checkout's files as they are now (tracked
/// and untracked-but-not-ignored), committed: the hook repository
/// pre-commit clones at `rev`.
fn hook_repo(dest: &Path) -> String {
    let list = Command::new("git")
        .current_dir(root())
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .output()
        .unwrap();
    assert!(list.status.success());
    for name in list.stdout.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let name = std::str::from_utf8(name).unwrap();
        let from = root().join(name);
        if !from.is_file() {
            continue; // deleted in the work tree
        }
        let to = dest.join(name);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&from, &to).unwrap();
    }
    git(dest, &["init", "-q"]);
    git(dest, &["add", "-A"]);
    git(dest, &["commit", "-q", "-m", "leakgate hooks under test"]);
    git(dest, &["rev-parse", "HEAD"])
}

fn pre_commit(dir: &Path, home: &Path) -> Output {
    let bin_dir = assert_cmd::cargo::cargo_bin("leakgate")
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
        .join("precommit-framework");
    Command::new("pre-commit")
        .args(["run", "--all-files", "--color", "never"])
        .current_dir(dir)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("NO_COLOR", "1")
        // For pre-commit's `cargo install` of the hook repository.
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
        .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "true")
        .env_remove("LEAKGATE_CONFIG")
        .env_remove("GITLEAKS_CONFIG")
        .env_remove("GITLEAKS_CONFIG_TOML")
        .output()
        .expect("pre-commit runs")
}

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\n{}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The status pre-commit printed for a hook (`Passed` / `Failed`).
fn status<'a>(out: &'a str, hook_name: &str) -> &'a str {
    out.lines()
        .find(|l| l.starts_with(hook_name) && l.contains("..."))
        .and_then(|l| l.rsplit('.').next())
        .unwrap_or_else(|| panic!("no status line for {hook_name}:\n{out}"))
        .trim()
}

#[test]
fn pre_commit_runs_both_published_hooks() {
    match Command::new("pre-commit").arg("--version").output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            println!("skipped: `pre-commit --version` failed: {}", text(&out));
            return;
        }
        Err(e) => {
            println!("skipped: pre-commit is not on PATH ({e}); .ci/run installs it");
            return;
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let hooks = tmp.path().join("hooks");
    std::fs::create_dir(&hooks).unwrap();
    let rev = hook_repo(&hooks);
    let home = tmp.path().join("pre-commit-home");

    let project = tmp.path().join("project");
    std::fs::create_dir(&project).unwrap();
    git(&project, &["init", "-q"]);
    std::fs::write(
        project.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: leakgate\n      - id: leakgate-system\n",
            hooks.display()
        ),
    )
    .unwrap();
    std::fs::write(project.join("app.py"), "print('hello')\n").unwrap();
    git(&project, &["add", "-A"]);
    git(&project, &["commit", "-q", "-m", "Initial commit"]);

    let out = pre_commit(&project, &home);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(0), "{all}");
    assert_eq!(status(&all, "leakgate (secrets)"), "Passed", "{all}");
    assert_eq!(
        status(&all, "leakgate (secrets, system binary)"),
        "Passed",
        "{all}"
    );

    // A planted secret in a tracked file fails both hooks.
    let token = format!("ghp_{}", "R7kQ2mX9vL4pT8wZ1nB6cY3hJ5dF0sGaEuKi");
    std::fs::write(
        project.join("settings.py"),
        format!("API_TOKEN = \"{token}\"\n"),
    )
    .unwrap();
    git(&project, &["add", "settings.py"]);
    let out = pre_commit(&project, &home);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert_eq!(status(&all, "leakgate (secrets)"), "Failed", "{all}");
    assert_eq!(
        status(&all, "leakgate (secrets, system binary)"),
        "Failed",
        "{all}"
    );
    assert!(all.contains("settings.py"), "{all}");
    assert!(!all.contains(&token), "secret shown in clear:\n{all}");
}
