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

/// `leakgate hook …` with GIT_CONFIG_GLOBAL / XDG_CONFIG_HOME as given.
fn hook_cmd_env(t: &TestRepo, args: &[&str], env: &[(&str, &Path)]) -> std::process::Output {
    let mut cmd = t.leakgate();
    cmd.arg("hook").args(args).env_remove("GIT_CONFIG_GLOBAL");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// `git config --file FILE --get KEY`, trimmed (empty when unset).
fn config_value(file: &Path, key: &str) -> String {
    let out = std::process::Command::new("git")
        .args(["config", "--file"])
        .arg(file)
        .args(["--get", key])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn global_install_writes_the_file_git_config_global_names() {
    let t = TestRepo::new();
    let home = t.dir.path();
    let global = home.join("elsewhere/my.gitconfig");
    std::fs::create_dir_all(global.parent().unwrap()).unwrap();
    std::fs::write(&global, "[user]\n\tname = Someone\n").unwrap();
    let env = [("GIT_CONFIG_GLOBAL", global.as_path())];
    let out = hook_cmd_env(&t, &["install", "--global"], &env);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = home.join(".config/leakgate/hooks");
    assert_eq!(
        config_value(&global, "core.hooksPath"),
        dir.to_str().unwrap()
    );
    // What was there is kept, and ~/.gitconfig is not created.
    assert_eq!(config_value(&global, "user.name"), "Someone");
    assert!(!home.join(".gitconfig").exists());
    assert!(dir.join("pre-commit").exists());

    // A second install reads the value back through git: already current.
    let again = hook_cmd_env(&t, &["install", "--global"], &env);
    assert!(String::from_utf8_lossy(&again.stdout).contains("already installed"));

    // Without --global, the repository's hooks path is the global one now.
    let local = hook_cmd_env(&t, &["install", "--pre-push"], &env);
    assert!(
        local.status.success(),
        "{}",
        String::from_utf8_lossy(&local.stderr)
    );
    assert!(
        String::from_utf8_lossy(&local.stdout).contains("comes from your global git config"),
        "{}",
        String::from_utf8_lossy(&local.stdout)
    );
    assert!(dir.join("pre-push").exists());

    let out = hook_cmd_env(&t, &["uninstall", "--global"], &env);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("unset the global core.hooksPath"));
    assert_eq!(config_value(&global, "core.hooksPath"), "");
    assert_eq!(config_value(&global, "user.name"), "Someone");
    assert!(!home.join(".gitconfig").exists());
}

#[test]
fn global_install_uses_the_xdg_git_config_when_git_would() {
    let t = TestRepo::new();
    let home = t.dir.path();
    let xdg = home.join("xdg");
    let xdg_git = xdg.join("git/config");
    std::fs::create_dir_all(xdg_git.parent().unwrap()).unwrap();
    std::fs::write(&xdg_git, "").unwrap();
    // No ~/.gitconfig: git writes --global settings to $XDG_CONFIG_HOME/git/config.
    let env = [("XDG_CONFIG_HOME", xdg.as_path())];
    let out = hook_cmd_env(&t, &["install", "--global"], &env);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = xdg.join("leakgate/hooks");
    assert_eq!(
        config_value(&xdg_git, "core.hooksPath"),
        dir.to_str().unwrap()
    );
    assert!(!home.join(".gitconfig").exists());
    let out = hook_cmd_env(&t, &["uninstall", "--global"], &env);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(config_value(&xdg_git, "core.hooksPath"), "");
}

#[test]
fn global_install_with_an_unwritable_global_config_fails_naming_git_config() {
    let t = TestRepo::new();
    let home = t.dir.path();
    // GIT_CONFIG_GLOBAL naming a directory: git cannot write it.
    let bogus = home.join("a-directory");
    std::fs::create_dir_all(&bogus).unwrap();
    let out = hook_cmd_env(
        &t,
        &["install", "--global"],
        &[("GIT_CONFIG_GLOBAL", bogus.as_path())],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`git config --global"), "{err}");
}
