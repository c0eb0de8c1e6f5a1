//! Finding lockfiles under a directory.
//!
//! Walks with the `ignore` crate so `.gitignore` (and `.ignore`) rules
//! apply even outside a git repository, descends into hidden directories
//! (`.github/`, `.devcontainer/` hold real projects), and never enters
//! dependency or build directories (`node_modules/`, `vendor/`, `target/`,
//! `.git/`): lockfiles there belong to someone else's package.
//!
//! In a git work tree, `.gitignore` only says which *untracked* files to
//! leave out: a lockfile that is committed and also ignored (rust-lang/cargo
//! tracks its root `Cargo.lock` and lists it in `.gitignore`) is part of
//! the repository, so every tracked lockfile is found too. A `.ignore`
//! file is different: it says "do not scan", not "do not track", so it
//! still leaves out tracked lockfiles (this repository keeps deliberately
//! broken lockfiles under `tests/fixtures/` that way).

use super::{InventoryError, LockfileKind};
use std::path::{Path, PathBuf};

/// Directory names never descended into.
const SKIPPED_DIRS: [&str; 4] = ["node_modules", "vendor", "target", ".git"];

/// Every lockfile under `root` (which may itself be a lockfile), sorted.
pub fn discover(root: &Path) -> Result<Vec<PathBuf>, InventoryError> {
    let meta = std::fs::metadata(root).map_err(|source| InventoryError::Io {
        path: root.display().to_string(),
        source,
    })?;
    if meta.is_file() {
        return Ok(LockfileKind::detect(root)
            .map(|_| vec![root.to_path_buf()])
            .unwrap_or_default());
    }
    let mut found = walk(root, true)?;
    match crate::source::tracked::tracked_under(root) {
        None => {}
        Some(Err(problem)) => {
            return Err(InventoryError::Walk {
                path: problem.path,
                message: problem.message,
            })
        }
        Some(Ok(tracked)) => {
            let tracked: std::collections::HashSet<PathBuf> =
                tracked.into_iter().map(|rel| root.join(rel)).collect();
            // The same walk without git's ignore files: every lockfile that
            // only `.gitignore` hid, kept when git tracks it.
            found.extend(
                walk(root, false)?
                    .into_iter()
                    .filter(|path| tracked.contains(path)),
            );
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

/// The lockfiles a walk of `root` finds, honouring `.ignore` files and,
/// when `git_ignores` is set, `.gitignore` and git's exclude files too.
fn walk(root: &Path, git_ignores: bool) -> Result<Vec<PathBuf>, InventoryError> {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        .git_ignore(git_ignores)
        .git_exclude(git_ignores)
        .git_global(git_ignores)
        .filter_entry(|entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            !(entry.depth() > 0
                && is_dir
                && entry
                    .file_name()
                    .to_str()
                    .is_some_and(|n| SKIPPED_DIRS.contains(&n)))
        })
        .build();
    let mut found = Vec::new();
    for entry in walker {
        let entry = entry.map_err(|e| InventoryError::Walk {
            path: root.display().to_string(),
            message: e.to_string(),
        })?;
        if entry.file_type().is_some_and(|t| t.is_file())
            && LockfileKind::detect(entry.path()).is_some()
        {
            found.push(entry.into_path());
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn walks_respecting_ignores_and_skips() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "Cargo.lock",
            "web/package-lock.json",
            "web/node_modules/x/package-lock.json",
            "vendor/composer.lock",
            "target/Cargo.lock",
            ".github/tools/requirements.txt",
            "ignored/go.mod",
            "api/go.mod",
            "api/README.md",
        ] {
            let p = root.join(f);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(&p, "").unwrap();
        }
        fs::write(root.join(".gitignore"), "ignored/\n").unwrap();
        let got: Vec<String> = discover(root)
            .unwrap()
            .into_iter()
            .map(|p| {
                p.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ".github/tools/requirements.txt",
                "Cargo.lock",
                "api/go.mod",
                "web/package-lock.json"
            ]
        );
    }

    #[test]
    fn tracked_lockfiles_are_found_even_when_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let repo = git2::Repository::init(root).unwrap();
        for f in [
            "Cargo.lock",
            "sub/go.mod",
            "untracked/Cargo.lock",
            "fixtures/broken/Cargo.lock",
        ] {
            let p = root.join(f);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(&p, "").unwrap();
        }
        // As in rust-lang/cargo: the root Cargo.lock is committed, then ignored.
        fs::write(root.join(".gitignore"), "Cargo.lock\n/sub/\n").unwrap();
        // A tool's `.ignore` means "do not scan": it holds for tracked files.
        fs::write(root.join(".ignore"), "/fixtures/\n").unwrap();
        let mut index = repo.index().unwrap();
        index.add_path(Path::new("Cargo.lock")).unwrap();
        index.add_path(Path::new("sub/go.mod")).unwrap();
        index.add_path(Path::new(".gitignore")).unwrap();
        index
            .add_path(Path::new("fixtures/broken/Cargo.lock"))
            .unwrap();
        index.write().unwrap();
        let rel = |found: Vec<PathBuf>, base: &Path| -> Vec<String> {
            found
                .into_iter()
                .map(|p| {
                    p.strip_prefix(base)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/")
                })
                .collect()
        };
        // Tracked and ignored: found; untracked and ignored: not.
        assert_eq!(
            rel(discover(root).unwrap(), root),
            ["Cargo.lock", "sub/go.mod"]
        );
        // From a subdirectory of the work tree.
        assert_eq!(
            rel(discover(&root.join("sub")).unwrap(), &root.join("sub")),
            ["go.mod"]
        );
    }

    #[test]
    fn missing_root_is_an_io_error() {
        let err = discover(Path::new("/definitely/not/here")).unwrap_err();
        assert!(matches!(err, InventoryError::Io { .. }), "{err}");
    }
}
