//! The files git tracks under a directory, for directory scans inside a work
//! tree.
//!
//! `.gitignore` says which *untracked* files git should not pick up; it does
//! not hide a file that was committed anyway (a `.env` added with
//! `git add -f`, or committed before the ignore rule). Such a file is in the
//! repository, so a directory scan must read it: in a git work tree the
//! files to scan are every tracked file plus the untracked files that are not
//! ignored. The tracked list comes from libgit2's index (which verifies the
//! index checksum); entries that could escape the directory (`..`, absolute
//! paths, `.git` components) are refused.

use crate::report::Problem;
use std::path::{Path, PathBuf};

/// Tracked paths under `root`, relative to it; `None` when `root` is not
/// inside a git work tree. A repository whose index cannot be read yields a
/// problem (the walk still runs).
pub fn tracked_under(root: &Path) -> Option<Result<Vec<PathBuf>, Problem>> {
    let repo = git2::Repository::discover(root).ok()?;
    let workdir = repo.workdir()?.to_path_buf();
    let canonical_root = std::fs::canonicalize(root).ok()?;
    let canonical_workdir = std::fs::canonicalize(&workdir).ok()?;
    let prefix = canonical_root.strip_prefix(&canonical_workdir).ok()?;
    let prefix = path_bytes(prefix);
    let index = match repo.index() {
        Ok(i) => i,
        Err(e) => {
            return Some(Err(Problem {
                path: crate::escape::path(&repo.path().join("index")).into_owned(),
                message: format!(
                    "cannot read the git index to list tracked files: {}",
                    e.message()
                ),
            }))
        }
    };
    let mut out = Vec::new();
    for entry in index.iter() {
        let mode = entry.mode;
        if mode == 0o160000 {
            continue; // a submodule: another repository
        }
        let path = &entry.path[..];
        let rel = if prefix.is_empty() {
            path
        } else {
            match path.strip_prefix(prefix.as_slice()) {
                Some(rest) if rest.first() == Some(&b'/') => &rest[1..],
                _ => continue,
            }
        };
        if !safe_relative(rel) {
            continue;
        }
        out.push(from_bytes(rel));
    }
    out.sort();
    out.dedup();
    Some(Ok(out))
}

/// True for a non-empty `/`-separated relative path without `.`, `..`,
/// empty or `.git` components.
fn safe_relative(p: &[u8]) -> bool {
    !p.is_empty()
        && p.split(|&b| b == b'/')
            .all(|c| !c.is_empty() && c != b"." && c != b".." && !c.eq_ignore_ascii_case(b".git"))
        && !p.contains(&0)
        && !p.contains(&b'\\')
}

fn path_bytes(p: &Path) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        p.as_os_str().as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        p.to_string_lossy().replace('\\', "/").into_bytes()
    }
}

fn from_bytes(b: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(b))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(b).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_index_paths_are_refused() {
        for bad in [
            &b""[..],
            b"../x",
            b"a/../b",
            b"./a",
            b".git/config",
            b"a/.GIT/hooks",
            b"a//b",
            b"a\\..\\b",
        ] {
            assert!(!safe_relative(bad), "{:?}", String::from_utf8_lossy(bad));
        }
        assert!(safe_relative(b".env"));
        assert!(safe_relative(b"dir/.gitignore"));
    }

    #[test]
    fn lists_tracked_files_under_a_subdirectory() {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        std::fs::create_dir_all(dir.path().join("sub")).unwrap();
        for p in ["top.txt", "sub/.env", "sub/a.txt"] {
            std::fs::write(dir.path().join(p), "x").unwrap();
        }
        let mut index = repo.index().unwrap();
        for p in ["top.txt", "sub/.env", "sub/a.txt"] {
            index.add_path(Path::new(p)).unwrap();
        }
        index.write().unwrap();
        let all = tracked_under(dir.path()).unwrap().unwrap();
        assert_eq!(
            all,
            vec![
                PathBuf::from("sub/.env"),
                PathBuf::from("sub/a.txt"),
                PathBuf::from("top.txt")
            ]
        );
        let sub = tracked_under(&dir.path().join("sub")).unwrap().unwrap();
        assert_eq!(sub, vec![PathBuf::from(".env"), PathBuf::from("a.txt")]);
        let plain = tempfile::tempdir().unwrap();
        // A temp dir is normally outside any repository.
        if git2::Repository::discover(plain.path()).is_err() {
            assert!(tracked_under(plain.path()).is_none());
        }
    }
}
