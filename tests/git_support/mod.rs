//! Shared helpers for the git integration tests: real repositories in temp
//! directories (built with git2), and the real `leakgate` binary run against
//! them with a hermetic environment (HOME in the temp dir, no GIT_* leaking
//! in from a surrounding hook).
#![allow(dead_code)]

use assert_cmd::Command;
use git2::{Oid, Repository, Signature, Time};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A test secret: a syntactically valid, obviously fake GitHub token.
/// `n` varies it so tests can tell secrets apart.
pub fn secret(n: u32) -> String {
    // A valid CRC-32 checksum: GitHub tokens without one are not reported.
    leakgate::engine::checksum::crc32_base62_token(
        "ghp_",
        &format!("aB3dE5fG7hJ9kL1mN3pQ5rS7tU{n:04}"),
    )
}

/// A repository in a temp dir with an identity configured.
pub struct TestRepo {
    /// Owns the directory (also used as HOME).
    pub dir: tempfile::TempDir,
    /// The repository.
    pub repo: Repository,
}

impl TestRepo {
    /// `git init` in a fresh temp dir (work tree in `<tmp>/repo`).
    pub fn new() -> TestRepo {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        let repo = Repository::init(&root).unwrap();
        {
            let mut cfg = repo.config().unwrap();
            cfg.set_str("user.name", "Test User").unwrap();
            cfg.set_str("user.email", "test@example.com").unwrap();
            cfg.set_bool("commit.gpgsign", false).unwrap();
        }
        TestRepo { dir, repo }
    }

    /// The work tree.
    pub fn root(&self) -> PathBuf {
        self.repo.workdir().unwrap().to_path_buf()
    }

    /// Writes a work-tree file (creating directories).
    pub fn write(&self, path: &str, content: &str) {
        let full = self.root().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, content).unwrap();
    }

    /// Stages a work-tree path (`git add`), or its removal when it is gone.
    pub fn stage(&self, path: &str) {
        let mut index = self.repo.index().unwrap();
        // The real `git` may have changed the index behind git2's back.
        index.read(false).unwrap();
        if self.root().join(path).symlink_metadata().is_ok() {
            index.add_path(Path::new(path)).unwrap();
        } else {
            index.remove_path(Path::new(path)).unwrap();
        }
        index.write().unwrap();
    }

    /// Writes and stages a file.
    pub fn add(&self, path: &str, content: &str) {
        self.write(path, content);
        self.stage(path);
    }

    /// Commits the index on HEAD as `author` (`Name <email>`) at `when` (unix seconds).
    pub fn commit_as(&self, message: &str, name: &str, email: &str, when: i64) -> Oid {
        let mut index = self.repo.index().unwrap();
        index.read(false).unwrap();
        let tree = self.repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = Signature::new(name, email, &Time::new(when, 60)).unwrap();
        let parents: Vec<git2::Commit> = match self.repo.head() {
            Ok(h) => vec![h.peel_to_commit().unwrap()],
            Err(_) => vec![],
        };
        let refs: Vec<&git2::Commit> = parents.iter().collect();
        self.repo
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &refs)
            .unwrap()
    }

    /// Commits the index as the default test identity.
    pub fn commit(&self, message: &str) -> Oid {
        self.commit_as(message, "Test User", "test@example.com", 1_700_000_000)
    }

    /// `leakgate` with the work tree as current directory and a clean environment.
    pub fn leakgate(&self) -> Command {
        leakgate_in(&self.root(), self.dir.path())
    }

    /// Runs `leakgate <args> -f json` and returns (exit code, report).
    pub fn json(&self, args: &[&str]) -> (i32, Value) {
        run_json(self.leakgate().args(args))
    }
}

/// `leakgate` run in `cwd` with HOME set to `home` and no GIT_* variables.
pub fn leakgate_in(cwd: &Path, home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("leakgate").unwrap();
    cmd.current_dir(cwd).env("HOME", home).env("NO_COLOR", "1");
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_COMMON_DIR",
        "XDG_CONFIG_HOME",
        "XDG_CACHE_HOME",
        "LEAKGATE_CACHE_DIR",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs `cmd -f json`; returns (exit code, parsed report). Panics with
/// stderr when stdout is not JSON.
pub fn run_json(cmd: &mut Command) -> (i32, Value) {
    let out = cmd.args(["-f", "json"]).output().unwrap();
    let code = out.status.code().unwrap_or(-1);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}); exit {code}; stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, report)
}

/// The findings array of a report.
pub fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().unwrap()
}

/// (path, line) of each finding.
pub fn locations(report: &Value) -> Vec<(String, u64)> {
    findings(report)
        .iter()
        .map(|f| {
            (
                f["location"]["path"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// A stats counter of a report.
pub fn stat(report: &Value, key: &str) -> u64 {
    report["scan"]["stats"][key].as_u64().unwrap_or(0)
}

/// Runs the real `git` with a hermetic environment; panics on failure unless `allow_fail`.
pub fn git(cwd: &Path, home: &Path, args: &[&str], allow_fail: bool) -> std::process::Output {
    let mut cmd = std::process::Command::new("git");
    cmd.current_dir(cwd)
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("NO_COLOR", "1")
        .args(args);
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "XDG_CONFIG_HOME",
        "XDG_CACHE_HOME",
        "LEAKGATE_CACHE_DIR",
    ] {
        cmd.env_remove(var);
    }
    let out = cmd.output().unwrap();
    if !allow_fail && !out.status.success() {
        panic!(
            "git {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    out
}

/// `git` with a fixed identity (Jane Doe), no signing, `main` as the initial
/// branch and no system config: the command, for callers that add to it.
pub fn git_as_jane(dir: &Path, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new("git");
    cmd.current_dir(dir)
        .args([
            "-c",
            "user.name=Jane Doe",
            "-c",
            "user.email=jane@example.com",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1");
    cmd
}

/// Runs [`git_as_jane`], panics with git's stderr on failure, and returns
/// its trimmed stdout.
pub fn git_ok(dir: &Path, args: &[&str]) -> String {
    let out = git_as_jane(dir, args).output().unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}
