//! `leakgate hook install|uninstall` with the real `git` running the hooks.
#![cfg(unix)]

mod git_support;

use git_support::{git, secret, TestRepo};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn hook_cmd(t: &TestRepo, args: &[&str]) -> std::process::Output {
    t.leakgate().arg("hook").args(args).output().unwrap()
}

fn write_hook(path: &Path, body: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, body).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn pre_commit_hook_blocks_secrets_keeps_the_existing_hook_and_uninstalls_cleanly() {
    let t = TestRepo::new();
    let home = t.dir.path();
    let hook_path = t.repo.path().join("hooks/pre-commit");
    let marker = t.dir.path().join("existing-hook-ran");
    let original = format!("#!/bin/sh\necho ran >> '{}'\n", marker.display());
    write_hook(&hook_path, &original);

    let out = hook_cmd(&t, &["install"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("the existing hook was kept as"), "{said}");

    // A commit adding a secret is blocked, with the allowlist hint.
    t.write("cfg.txt", &format!("token = {}\n", secret(1)));
    git(&t.root(), home, &["add", "cfg.txt"], false);
    let blocked = git(&t.root(), home, &["commit", "-q", "-m", "leak"], true);
    assert!(!blocked.status.success());
    let stderr = String::from_utf8_lossy(&blocked.stderr);
    assert!(
        stderr.contains("leakgate: commit blocked. False positive?"),
        "{stderr}"
    );
    assert!(stderr.contains(".leakgateignore"), "{stderr}");
    assert!(t.repo.head().is_err(), "nothing was committed");
    assert_eq!(std::fs::read_to_string(&marker).unwrap(), "ran\n");

    // A clean commit goes through, and the existing hook ran again.
    t.write("cfg.txt", "token = from-the-environment\n");
    git(&t.root(), home, &["add", "cfg.txt"], false);
    let ok = git(&t.root(), home, &["commit", "-q", "-m", "clean"], true);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_eq!(std::fs::read_to_string(&marker).unwrap(), "ran\nran\n");

    // `git commit -a` stages into a temporary index (GIT_INDEX_FILE): still blocked.
    t.write("cfg.txt", &format!("token = {}\n", secret(4)));
    let blocked = git(
        &t.root(),
        home,
        &["commit", "-q", "-a", "-m", "leak via -a"],
        true,
    );
    assert!(
        !blocked.status.success(),
        "{}",
        String::from_utf8_lossy(&blocked.stderr)
    );
    assert!(String::from_utf8_lossy(&blocked.stderr).contains("commit blocked"));
    git(&t.root(), home, &["checkout", "--", "cfg.txt"], false);

    // Installing again is a no-op; uninstall restores the original exactly.
    let again = hook_cmd(&t, &["install"]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("already installed and up to date"));
    let out = hook_cmd(&t, &["uninstall"]);
    assert!(out.status.success());
    assert_eq!(std::fs::read_to_string(&hook_path).unwrap(), original);
    let mode = std::fs::metadata(&hook_path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o755);
    assert!(!t
        .repo
        .path()
        .join("hooks/pre-commit.leakgate-chained")
        .exists());
}

#[test]
fn a_failing_existing_hook_still_blocks_the_commit() {
    let t = TestRepo::new();
    let home = t.dir.path();
    write_hook(
        &t.repo.path().join("hooks/pre-commit"),
        "#!/bin/sh\necho no >&2\nexit 3\n",
    );
    assert!(hook_cmd(&t, &["install", "--pre-commit"]).status.success());
    t.add("a.txt", "clean\n");
    let out = git(&t.root(), home, &["commit", "-q", "-m", "x"], true);
    assert!(!out.status.success());
}

#[test]
fn install_respects_core_hooks_path_and_force() {
    let t = TestRepo::new();
    let home = t.dir.path();
    git(
        &t.root(),
        home,
        &["config", "core.hooksPath", ".githooks"],
        false,
    );
    let out = hook_cmd(&t, &["install", "--pre-commit", "--pre-push"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = t.root().join(".githooks");
    assert!(dir.join("pre-commit").exists());
    assert!(dir.join("pre-push").exists());
    assert!(!t.repo.path().join("hooks/pre-commit").exists());

    // A leakgate hook for another binary is only replaced with --force.
    let script = std::fs::read_to_string(dir.join("pre-commit")).unwrap();
    std::fs::write(
        dir.join("pre-commit"),
        script.replace("leakgate_bin='", "leakgate_bin='/old"),
    )
    .unwrap();
    let refused = hook_cmd(&t, &["install"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("use --force"));
    assert!(hook_cmd(&t, &["install", "--force"]).status.success());
    assert_eq!(
        std::fs::read_to_string(dir.join("pre-commit")).unwrap(),
        script
    );

    // The hook falls back to `leakgate` on PATH when the recorded binary is gone.
    let moved = script.replace("leakgate_bin='", "leakgate_bin='/nonexistent");
    std::fs::write(dir.join("pre-commit"), &moved).unwrap();
    t.write("k.txt", &format!("{}\n", secret(2)));
    git(&t.root(), home, &["add", "k.txt"], false);
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_leakgate")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("git")
        .current_dir(t.root())
        .env("HOME", home)
        .env("PATH", path)
        .args(["commit", "-q", "-m", "leak"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("commit blocked"));
}

#[test]
fn pre_push_hook_blocks_pushing_a_secret() {
    let t = TestRepo::new();
    let home = t.dir.path();
    let remote = home.join("remote.git");
    git2::Repository::init_bare(&remote).unwrap();
    git(
        &t.root(),
        home,
        &["remote", "add", "origin", remote.to_str().unwrap()],
        false,
    );
    t.add("a.txt", "clean\n");
    t.commit("clean");
    let branch =
        String::from_utf8(git(&t.root(), home, &["branch", "--show-current"], false).stdout)
            .unwrap()
            .trim()
            .to_string();
    assert!(hook_cmd(&t, &["install", "--pre-push"]).status.success());

    let ok = git(&t.root(), home, &["push", "-q", "origin", &branch], true);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );

    t.add("b.txt", &format!("{}\n", secret(3)));
    t.commit("leak");
    let blocked = git(&t.root(), home, &["push", "-q", "origin", &branch], true);
    assert!(!blocked.status.success());
    let stderr = String::from_utf8_lossy(&blocked.stderr);
    assert!(stderr.contains("leakgate: push blocked"), "{stderr}");

    // A new branch with only already-pushed commits sends nothing new: allowed.
    git(&t.root(), home, &["branch", "copy", "HEAD~1"], false);
    let ok = git(&t.root(), home, &["push", "-q", "origin", "copy"], true);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
}

#[test]
fn global_install_sets_and_unsets_core_hooks_path() {
    let t = TestRepo::new();
    let home = t.dir.path();
    let out = hook_cmd(&t, &["install", "--global"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = home.join(".config/leakgate/hooks");
    assert!(dir.join("pre-commit").exists());
    let script = std::fs::read_to_string(dir.join("pre-commit")).unwrap();
    assert!(script.contains("scope=global"));
    let configured = git(
        &t.root(),
        home,
        &["config", "--global", "core.hooksPath"],
        false,
    );
    assert_eq!(
        String::from_utf8_lossy(&configured.stdout).trim(),
        dir.to_str().unwrap()
    );

    // The repository's own hook still runs under the global hooks path.
    let marker = home.join("local-hook-ran");
    write_hook(
        &t.repo.path().join("hooks/pre-commit"),
        &format!("#!/bin/sh\ntouch '{}'\n", marker.display()),
    );
    t.add("a.txt", "clean\n");
    let ok = git(&t.root(), home, &["commit", "-q", "-m", "clean"], true);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(marker.exists());

    let out = hook_cmd(&t, &["uninstall", "--global"]);
    assert!(out.status.success());
    assert!(!dir.join("pre-commit").exists());
    let unset = git(
        &t.root(),
        home,
        &["config", "--global", "core.hooksPath"],
        true,
    );
    assert!(!unset.status.success(), "core.hooksPath was unset");
}
