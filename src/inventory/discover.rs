//! Finding lockfiles under a directory.
//!
//! Walks with the `ignore` crate so `.gitignore` (and `.ignore`) rules
//! apply even outside a git repository, descends into hidden directories
//! (`.github/`, `.devcontainer/` hold real projects), and never enters
//! dependency or build directories (`node_modules/`, `vendor/`, `target/`,
//! `.git/`): lockfiles there belong to someone else's package.

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
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .follow_links(false)
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
    found.sort();
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
    fn missing_root_is_an_io_error() {
        let err = discover(Path::new("/definitely/not/here")).unwrap_err();
        assert!(matches!(err, InventoryError::Io { .. }), "{err}");
    }
}
