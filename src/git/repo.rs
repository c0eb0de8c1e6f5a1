//! Opening and validating a repository, and resolving revisions, with errors
//! that say what is wrong in the user's terms (not a repository, bare,
//! empty, unknown ref) instead of libgit2's codes.

use super::{GitContext, GitError};
use git2::{ErrorCode, Oid, Repository, RepositoryOpenFlags};
use std::path::{Path, PathBuf};

/// Warning added to every scan of a shallow clone.
pub const SHALLOW_WARNING: &str =
    "shallow clone: history is truncated, commits before the shallow boundary were not scanned (fetch with --unshallow for a full audit)";

/// Bytes of parsed objects libgit2 keeps cached, across all repositories of
/// the process (its default is 256 MiB).
///
/// The cache counts an object's raw size, and a parsed tree costs about
/// 2.5 times that (its entry array, the cache's own map): at the default, a
/// history audit of a large repository (rails/rails: 490,000 trees read
/// once each during the enumeration) held more than 600 MiB of trees it
/// would never read again. What is worth caching is the last few commits'
/// trees, which the attribution diffs read twice (as a commit's tree, then
/// as its child's parent tree), and they fit in far less.
pub const OBJECT_CACHE_BYTES: isize = 24 << 20;

/// Caps libgit2's object cache at [`OBJECT_CACHE_BYTES`] (once per process).
fn limit_object_cache() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Makes sure libgit2 is initialised before its options are set.
        git2::opts::enable_caching(true);
        // SAFETY: GIT_OPT_SET_CACHE_MAX_SIZE takes one `ssize_t` (`isize`
        // on every platform Rust and libgit2 share). It writes a global
        // that libgit2 only reads when storing an object; this runs once,
        // before the repository this process scans is opened.
        let rc = unsafe {
            libgit2_sys::git_libgit2_opts(
                libgit2_sys::GIT_OPT_SET_CACHE_MAX_SIZE as std::ffi::c_int,
                OBJECT_CACHE_BYTES,
            )
        };
        debug_assert_eq!(rc, 0);
    });
}

/// Opens the repository containing `path`, searching parent directories.
///
/// With `None`, the repository is found the way git hooks expect: from the
/// environment (`GIT_DIR`, `GIT_WORK_TREE`, `GIT_INDEX_FILE`, ...) and else
/// from the current directory. `GIT_INDEX_FILE` matters for `git commit -a`
/// and `git commit <paths>`, which stage into a temporary index and point
/// the pre-commit hook at it.
pub fn open(path: Option<&Path>) -> Result<Repository, GitError> {
    let start = match path {
        Some(p) => p.to_path_buf(),
        None => std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
    };
    if path.is_some() && !start.exists() {
        return Err(GitError::Io {
            what: start.display().to_string(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or directory"),
        });
    }
    limit_object_cache();
    let opened = match path {
        Some(p) => {
            Repository::open_ext(p, RepositoryOpenFlags::empty(), std::iter::empty::<&Path>())
        }
        None => Repository::open_from_env(),
    };
    opened.map_err(|source| {
        if source.code() == ErrorCode::NotFound {
            GitError::NotARepository {
                path: start.clone(),
            }
        } else {
            GitError::Git {
                context: format!("opening the repository at {}", start.display()),
                source,
            }
        }
    })
}

/// A path naming the repository in messages: the work tree, or the git
/// directory of a bare repository.
pub fn display_path(repo: &Repository) -> PathBuf {
    repo.workdir().unwrap_or_else(|| repo.path()).to_path_buf()
}

/// Fails with [`GitError::BareRepository`] when `repo` has no work tree.
pub fn require_worktree(repo: &Repository, mode: &'static str) -> Result<(), GitError> {
    if repo.is_bare() {
        return Err(GitError::BareRepository {
            path: display_path(repo),
            mode,
        });
    }
    Ok(())
}

/// The commit `HEAD` points at, or `None` before the first commit (an unborn
/// branch). A detached `HEAD` is fine: it points at a commit directly.
pub fn head_commit(repo: &Repository) -> Result<Option<git2::Commit<'_>>, GitError> {
    match repo.head() {
        Ok(head) => head.peel_to_commit().map(Some).git_context(|| {
            format!(
                "{}: resolving HEAD to a commit",
                display_path(repo).display()
            )
        }),
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
        Err(source) => Err(GitError::Git {
            context: format!("{}: reading HEAD", display_path(repo).display()),
            source,
        }),
    }
}

/// Why `HEAD` gives no commit, for messages: `HEAD is unborn on branch
/// main; 2 other branches exist (…)` when other branches have commits, else
/// `the repository has no commits`.
pub fn no_head_commit_reason(repo: &Repository) -> String {
    let branch = repo
        .find_reference("HEAD")
        .ok()
        .and_then(|h| h.symbolic_target().map(str::to_string))
        .map(|t| t.strip_prefix("refs/heads/").unwrap_or(&t).to_string());
    let others = repo
        .branches(None)
        .map(|it| {
            it.filter_map(Result::ok)
                .filter(|(b, _)| b.get().peel_to_commit().is_ok())
                .count()
        })
        .unwrap_or(0);
    match (branch, others) {
        (_, 0) => "the repository has no commits".to_string(),
        (Some(b), n) => format!(
            "HEAD is unborn on branch {b}; {n} other {} (use --all-refs, or name a ref with --branch)",
            if n == 1 { "branch exists" } else { "branches exist" }
        ),
        (None, n) => format!(
            "HEAD points at no commit; {n} {} (use --all-refs, or name a ref with --branch)",
            if n == 1 { "branch exists" } else { "branches exist" }
        ),
    }
}

/// Resolves a revision (`main`, `v1.2`, `HEAD~3`, a sha) to a commit id.
pub fn resolve_commit(repo: &Repository, spec: &str) -> Result<Oid, GitError> {
    let unknown = |e: git2::Error| GitError::UnknownRevision {
        spec: spec.to_string(),
        reason: e.message().to_string(),
    };
    let object = repo.revparse_single(spec).map_err(unknown)?;
    let commit = object.peel_to_commit().map_err(unknown)?;
    Ok(commit.id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_directory_is_not_a_repository() {
        let dir = tempfile::tempdir().unwrap();
        // Stop discovery at the temp dir so an enclosing repository cannot be found.
        let err = Repository::open_ext(
            dir.path(),
            RepositoryOpenFlags::NO_SEARCH,
            std::iter::empty::<&Path>(),
        )
        .err()
        .map(|e| e.code());
        assert_eq!(err, Some(ErrorCode::NotFound));
        let missing = dir.path().join("nope");
        assert!(matches!(open(Some(&missing)), Err(GitError::Io { .. })));
    }

    #[test]
    fn bare_repositories_are_rejected_for_worktree_modes() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(dir.path()).unwrap();
        let err = require_worktree(&repo, "--staged").unwrap_err();
        assert!(err
            .to_string()
            .contains("bare repository: --staged needs a work tree"));
    }

    #[test]
    fn empty_repository_has_no_head_commit_and_unknown_refs_fail() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        assert!(head_commit(&repo).unwrap().is_none());
        let err = resolve_commit(&repo, "no-such-branch").unwrap_err();
        assert!(err
            .to_string()
            .starts_with("unknown revision or ref `no-such-branch`"));
    }
}
