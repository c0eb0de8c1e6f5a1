//! Installing and removing leakgate's git hooks without ever losing one.
//!
//! The hook scripts live in `hooks/` and are embedded at build time; install
//! fills in the absolute path of the running binary (the script falls back to
//! `leakgate` on `PATH`) and the scope. Where hooks go follows git: the
//! repository's `core.hooksPath` if set, else `<common git dir>/hooks`.
//! `--global` uses the global `core.hooksPath`, setting it to
//! `~/.config/leakgate/hooks` when unset (git then ignores every repository's
//! `.git/hooks`, so the global scripts run the repository's own hook too).
//!
//! An existing hook that is not leakgate's is renamed to
//! `<hook>.leakgate-chained` and run first by leakgate's script; uninstall
//! renames it back, so it is restored byte for byte with its permissions.

use std::path::{Path, PathBuf};

/// Marker line identifying a hook script written by leakgate.
pub const MARKER: &str = "# leakgate-hook:";

/// Suffix of a pre-existing hook kept and chained by leakgate's.
pub const CHAINED_SUFFIX: &str = ".leakgate-chained";

/// File in a global hooks directory recording that leakgate set
/// `core.hooksPath` itself (so uninstall may unset it).
const SET_BY_LEAKGATE: &str = ".leakgate-set-hookspath";

/// The hooks leakgate provides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HookKind {
    /// Scans staged changes before each commit.
    PreCommit,
    /// Scans the commits being pushed.
    PrePush,
}

impl HookKind {
    /// Both hooks.
    pub const ALL: [HookKind; 2] = [HookKind::PreCommit, HookKind::PrePush];

    /// The hook's file name in a hooks directory.
    pub fn file_name(self) -> &'static str {
        match self {
            HookKind::PreCommit => "pre-commit",
            HookKind::PrePush => "pre-push",
        }
    }

    fn template(self) -> &'static str {
        match self {
            HookKind::PreCommit => include_str!("../hooks/pre-commit"),
            HookKind::PrePush => include_str!("../hooks/pre-push"),
        }
    }
}

/// Where hooks are installed from the user's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One repository.
    Repository,
    /// Every repository of the user (global `core.hooksPath`).
    Global,
}

/// Why hooks could not be installed or removed.
#[derive(Debug, thiserror::Error)]
pub enum HookError {
    /// A leakgate hook with different content is already there.
    #[error("{path}: a different leakgate hook is already installed; use --force to replace it")]
    AlreadyInstalled {
        /// The hook file.
        path: PathBuf,
    },
    /// Both a foreign hook and a chained one exist: chaining again would lose one.
    #[error(
        "{path} exists and so does {chained}: refusing to chain again (move one of them away)"
    )]
    ChainOccupied {
        /// The hook file.
        path: PathBuf,
        /// The already chained hook.
        chained: PathBuf,
    },
    /// The current directory is not in a repository (non-global install).
    #[error("not in a git repository: {0} (use --global to install for every repository)")]
    NotARepository(PathBuf),
    /// No home directory to put global hooks in.
    #[error("cannot find the home directory (HOME is not set) for a global install")]
    NoHome,
    /// `git` could not be run for a global install or uninstall.
    #[error("`{command}`: git is not installed or not on PATH (needed to read and write the global git config)")]
    NoGit {
        /// The command that was tried.
        command: String,
    },
    /// `git config` failed.
    #[error("`{command}`: {message}")]
    GitCommand {
        /// The command.
        command: String,
        /// git's error output.
        message: String,
    },
    /// Reading or writing git configuration failed.
    #[error("git config: {context}: {source}")]
    Config {
        /// What was being done.
        context: String,
        /// libgit2's error.
        #[source]
        source: git2::Error,
    },
    /// A file operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> HookError + '_ {
    move |source| HookError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn config_err(context: &str) -> impl FnOnce(git2::Error) -> HookError + '_ {
    move |source| HookError::Config {
        context: context.to_string(),
        source,
    }
}

/// A resolved hooks directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HooksDir {
    /// The directory.
    pub path: PathBuf,
    /// Whether scripts there serve every repository (their scope).
    pub scope: Scope,
    /// Set when this call configured the global `core.hooksPath`.
    pub configured: bool,
}

/// The hooks directory of the repository containing `start`: its
/// `core.hooksPath` (relative to the work tree, as git reads it) or
/// `<common git dir>/hooks`. A `core.hooksPath` that comes from the global
/// or system config serves every repository, and is reported as such. The
/// value is read by git itself (`git config --show-scope`), so every config
/// file git reads counts (`GIT_CONFIG_GLOBAL`, XDG, includes); without a
/// `git` on `PATH`, libgit2 reads it.
pub fn repository_hooks_dir(start: &Path) -> Result<HooksDir, HookError> {
    let repo = git2::Repository::discover(start)
        .map_err(|_| HookError::NotARepository(start.to_path_buf()))?;
    let base = repo.workdir().unwrap_or_else(|| repo.path()).to_path_buf();
    let configured = match git_config(
        Some(&base),
        &["--show-scope", "--type=path", "--get", "core.hooksPath"],
    ) {
        Ok(found) => found.and_then(|line| {
            let (scope, value) = line.split_once('\t')?;
            let scope = match scope {
                "local" | "worktree" | "command" => Scope::Repository,
                _ => Scope::Global,
            };
            Some((PathBuf::from(value), scope))
        }),
        Err(HookError::NoGit { .. }) => libgit2_hooks_path(&repo)?,
        Err(e) => return Err(e),
    };
    if let Some((value, scope)) = configured.filter(|(v, _)| !v.as_os_str().is_empty()) {
        return Ok(HooksDir {
            path: base.join(value),
            scope,
            configured: false,
        });
    }
    Ok(HooksDir {
        path: repo.commondir().join("hooks"),
        scope: Scope::Repository,
        configured: false,
    })
}

/// `core.hooksPath` as libgit2 reads it, with its scope.
fn libgit2_hooks_path(repo: &git2::Repository) -> Result<Option<(PathBuf, Scope)>, HookError> {
    let config = repo
        .config()
        .map_err(config_err("reading the repository config"))?;
    let Ok(entry) = config.get_entry("core.hooksPath") else {
        return Ok(None);
    };
    let Some(value) = entry.value().filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let scope = match entry.level() {
        git2::ConfigLevel::Local | git2::ConfigLevel::Worktree | git2::ConfigLevel::App => {
            Scope::Repository
        }
        _ => Scope::Global,
    };
    Ok(Some((expand_home(value)?, scope)))
}

fn home() -> Result<PathBuf, HookError> {
    std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .ok_or(HookError::NoHome)
}

fn expand_home(value: &str) -> Result<PathBuf, HookError> {
    Ok(match value.strip_prefix("~/") {
        Some(rest) => home()?.join(rest),
        None => PathBuf::from(value),
    })
}

/// Runs `git [-C dir] config ARGS…`. `Ok(Some(value))` on success (the
/// output without its final newline), `Ok(None)` when git reports the key
/// unset (exit 1 for a read, 5 for `--unset`), an error naming the command
/// otherwise.
fn git_config(dir: Option<&Path>, args: &[&str]) -> Result<Option<String>, HookError> {
    let mut cmd = std::process::Command::new("git");
    if let Some(d) = dir {
        cmd.arg("-C").arg(d);
    }
    cmd.arg("config").args(args);
    let shown = format!("git config {}", args.join(" "));
    let out = cmd.output().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            HookError::NoGit {
                command: shown.clone(),
            }
        } else {
            HookError::GitCommand {
                command: shown.clone(),
                message: e.to_string(),
            }
        }
    })?;
    let unset = matches!(out.status.code(), Some(1) | Some(5)) && out.stderr.is_empty();
    if out.status.success() {
        let mut value = String::from_utf8_lossy(&out.stdout).into_owned();
        if value.ends_with('\n') {
            value.pop();
        }
        Ok(Some(value))
    } else if unset {
        Ok(None)
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        Err(HookError::GitCommand {
            command: shown,
            message: match stderr.trim() {
                "" => format!("exited with {}", out.status),
                msg => msg.to_string(),
            },
        })
    }
}

/// The global `core.hooksPath`, as git resolves the global config
/// (`GIT_CONFIG_GLOBAL`, else `~/.gitconfig` and
/// `$XDG_CONFIG_HOME/git/config`).
fn global_hooks_path() -> Result<Option<PathBuf>, HookError> {
    Ok(git_config(
        None,
        &["--global", "--type=path", "--get", "core.hooksPath"],
    )?
    .filter(|v| !v.is_empty())
    .map(PathBuf::from))
}

/// The global hooks directory: the global `core.hooksPath`; when unset and
/// `configure` is true, `$XDG_CONFIG_HOME/leakgate/hooks` (default
/// `~/.config/leakgate/hooks`) is created and set as `core.hooksPath` with
/// `git config --global`, so git picks the file it writes to.
pub fn global_hooks_dir(configure: bool) -> Result<Option<HooksDir>, HookError> {
    if let Some(path) = global_hooks_path()? {
        return Ok(Some(HooksDir {
            path,
            scope: Scope::Global,
            configured: false,
        }));
    }
    if !configure {
        return Ok(None);
    }
    let base = match std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        Some(x) => PathBuf::from(x),
        None => home()?.join(".config"),
    };
    let dir = base.join("leakgate").join("hooks");
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let marker = dir.join(SET_BY_LEAKGATE);
    std::fs::write(
        &marker,
        "leakgate set the global core.hooksPath to this directory\n",
    )
    .map_err(io(&marker))?;
    let value = dir.to_string_lossy();
    git_config(None, &["--global", "core.hooksPath", &value])?;
    Ok(Some(HooksDir {
        path: dir,
        scope: Scope::Global,
        configured: true,
    }))
}

/// Unsets the global `core.hooksPath` (with `git config --global --unset`)
/// if leakgate set it to `dir` and no hook is left there. Returns whether
/// it did.
pub fn release_global_hooks_dir(dir: &Path) -> Result<bool, HookError> {
    let marker = dir.join(SET_BY_LEAKGATE);
    if !marker.exists() {
        return Ok(false);
    }
    let others = std::fs::read_dir(dir)
        .map_err(io(dir))?
        .filter_map(Result::ok)
        .any(|e| e.file_name() != SET_BY_LEAKGATE);
    if others {
        return Ok(false);
    }
    if global_hooks_path()?.is_some_and(|p| p == dir) {
        git_config(None, &["--global", "--unset", "core.hooksPath"])?;
    }
    std::fs::remove_file(&marker).map_err(io(&marker))?;
    Ok(true)
}

/// Quotes `s` for a POSIX shell (single quotes; embedded ones escaped).
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The script installed for `kind`, calling `binary` first.
pub fn render(kind: HookKind, binary: &Path, scope: Scope) -> String {
    let scope = match scope {
        Scope::Repository => "repository",
        Scope::Global => "global",
    };
    kind.template()
        .replace("@LEAKGATE_BIN@", &shell_quote(&binary.to_string_lossy()))
        .replace("@LEAKGATE_SCOPE@", scope)
}

/// True when the file at `path` is a hook written by leakgate.
pub fn is_leakgate_hook(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|b| memchr::memmem::find(&b, MARKER.as_bytes()).is_some())
}

fn chained_path(hook: &Path) -> PathBuf {
    let mut name = hook.file_name().unwrap_or_default().to_os_string();
    name.push(CHAINED_SUFFIX);
    hook.with_file_name(name)
}

/// What [`install`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installed {
    /// No hook was there; leakgate's was written.
    Fresh,
    /// A hook was there; it was kept at this path and is run first.
    Chained(PathBuf),
    /// leakgate's hook, identical, was already there.
    AlreadyCurrent,
    /// A previous leakgate hook was overwritten (`force`).
    Replaced,
}

/// Installs the `kind` hook into `dir`, running `binary`.
pub fn install(
    dir: &HooksDir,
    kind: HookKind,
    binary: &Path,
    force: bool,
) -> Result<Installed, HookError> {
    std::fs::create_dir_all(&dir.path).map_err(io(&dir.path))?;
    let hook = dir.path.join(kind.file_name());
    let script = render(kind, binary, dir.scope);
    let exists = hook.symlink_metadata().is_ok();
    let outcome = if !exists {
        Installed::Fresh
    } else if is_leakgate_hook(&hook) {
        if std::fs::read_to_string(&hook).is_ok_and(|current| current == script) {
            return Ok(Installed::AlreadyCurrent);
        }
        if !force {
            return Err(HookError::AlreadyInstalled { path: hook });
        }
        Installed::Replaced
    } else {
        let chained = chained_path(&hook);
        if chained.symlink_metadata().is_ok() {
            return Err(HookError::ChainOccupied {
                path: hook,
                chained,
            });
        }
        std::fs::rename(&hook, &chained).map_err(io(&hook))?;
        Installed::Chained(chained)
    };
    write_executable(&hook, &script)?;
    Ok(outcome)
}

fn write_executable(path: &Path, content: &str) -> Result<(), HookError> {
    // Replace rather than write in place: `hook` may be a symlink (to a
    // previous leakgate script) whose target must not change.
    let _ = std::fs::remove_file(path);
    std::fs::write(path, content).map_err(io(path))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).map_err(io(path))?;
    }
    Ok(())
}

/// What [`uninstall`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uninstalled {
    /// leakgate's hook was removed; nothing was chained.
    Removed,
    /// leakgate's hook was removed and the chained hook put back at its place.
    Restored(PathBuf),
    /// No leakgate hook there (a foreign hook, if any, was left alone).
    NotInstalled,
}

/// Removes leakgate's `kind` hook from `dir`, restoring a chained hook.
pub fn uninstall(dir: &HooksDir, kind: HookKind) -> Result<Uninstalled, HookError> {
    let hook = dir.path.join(kind.file_name());
    if !is_leakgate_hook(&hook) {
        return Ok(Uninstalled::NotInstalled);
    }
    std::fs::remove_file(&hook).map_err(io(&hook))?;
    let chained = chained_path(&hook);
    if chained.symlink_metadata().is_ok() {
        std::fs::rename(&chained, &hook).map_err(io(&chained))?;
        return Ok(Uninstalled::Restored(hook));
    }
    Ok(Uninstalled::Removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(path: &Path) -> HooksDir {
        HooksDir {
            path: path.to_path_buf(),
            scope: Scope::Repository,
            configured: false,
        }
    }

    #[test]
    fn scripts_embed_the_quoted_binary_and_scope() {
        let script = render(
            HookKind::PreCommit,
            Path::new("/opt/it's/leakgate"),
            Scope::Global,
        );
        assert!(script.contains(r"leakgate_bin='/opt/it'\''s/leakgate'"));
        assert!(script.contains("scope=global"));
        assert!(script.contains("scan --staged"));
        assert!(!script.contains("@LEAKGATE"), "every placeholder is filled");
        assert!(
            render(HookKind::PrePush, Path::new("/x"), Scope::Repository)
                .contains("scan --pre-push")
        );
        assert_eq!(shell_quote("a'b"), r"'a'\''b'");
    }

    #[test]
    fn install_chains_an_existing_hook_and_uninstall_restores_it_exactly() {
        let tmp = tempfile::tempdir().unwrap();
        let d = dir(tmp.path());
        let hook = tmp.path().join("pre-commit");
        let original = "#!/bin/sh\necho mine\n";
        std::fs::write(&hook, original).unwrap();
        let bin = Path::new("/usr/bin/leakgate");

        let chained = tmp.path().join("pre-commit.leakgate-chained");
        assert_eq!(
            install(&d, HookKind::PreCommit, bin, false).unwrap(),
            Installed::Chained(chained.clone())
        );
        assert_eq!(std::fs::read_to_string(&chained).unwrap(), original);
        assert!(is_leakgate_hook(&hook));
        assert_eq!(
            install(&d, HookKind::PreCommit, bin, false).unwrap(),
            Installed::AlreadyCurrent
        );
        let other = Path::new("/other/leakgate");
        assert!(matches!(
            install(&d, HookKind::PreCommit, other, false),
            Err(HookError::AlreadyInstalled { .. })
        ));
        assert_eq!(
            install(&d, HookKind::PreCommit, other, true).unwrap(),
            Installed::Replaced
        );
        assert_eq!(
            std::fs::read_to_string(&chained).unwrap(),
            original,
            "force keeps the chained hook"
        );

        assert_eq!(
            uninstall(&d, HookKind::PreCommit).unwrap(),
            Uninstalled::Restored(hook.clone())
        );
        assert_eq!(std::fs::read_to_string(&hook).unwrap(), original);
        assert!(!chained.exists());
        assert_eq!(
            uninstall(&d, HookKind::PreCommit).unwrap(),
            Uninstalled::NotInstalled
        );
        assert_eq!(
            std::fs::read_to_string(&hook).unwrap(),
            original,
            "a foreign hook is left alone"
        );
    }

    #[test]
    fn fresh_install_and_removal_and_occupied_chain() {
        let tmp = tempfile::tempdir().unwrap();
        let d = dir(&tmp.path().join("hooks"));
        assert_eq!(
            install(&d, HookKind::PrePush, Path::new("/b"), false).unwrap(),
            Installed::Fresh
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(d.path.join("pre-push"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o755);
        }
        assert_eq!(
            uninstall(&d, HookKind::PrePush).unwrap(),
            Uninstalled::Removed
        );
        assert!(!d.path.join("pre-push").exists());

        std::fs::write(d.path.join("pre-push"), "#!/bin/sh\n").unwrap();
        std::fs::write(d.path.join("pre-push.leakgate-chained"), "#!/bin/sh\n").unwrap();
        assert!(matches!(
            install(&d, HookKind::PrePush, Path::new("/b"), false),
            Err(HookError::ChainOccupied { .. })
        ));
    }

    #[test]
    fn repository_hooks_dir_follows_core_hooks_path() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(tmp.path()).unwrap();
        let d = repository_hooks_dir(tmp.path()).unwrap();
        assert_eq!(d.path, repo.path().join("hooks"));
        repo.config()
            .unwrap()
            .set_str("core.hooksPath", ".githooks")
            .unwrap();
        let d = repository_hooks_dir(tmp.path()).unwrap();
        assert_eq!(d.path, repo.workdir().unwrap().join(".githooks"));
        assert_eq!(d.scope, Scope::Repository);
    }
}
