//! Git sources for the secret scanner: staged changes (pre-commit), commit
//! ranges (pre-push, CI) and the full history (audit).
//!
//! Everything here reads objects through `git2` (libgit2): no `git` process
//! is spawned and the work tree is never walked, so `git add -p` and later
//! edits are handled exactly as git itself sees them. The shared shape is the
//! one the architecture asks for: find the *unique blobs* a mode has to look
//! at, run [`Scanner::find`](crate::scanner::Scanner::find) on each blob once
//! ([`blobs`], in parallel for large sets), and only then turn the few
//! matches into findings with a path and a commit ([`attribution`]).
//!
//! Paths in findings are repository-relative with `/` separators, so
//! fingerprints equal those of `leakgate scan .` run at the repository root.

pub mod attribution;
pub mod blobs;
pub mod cache;
pub mod diff;
pub mod history;
pub mod index;
pub mod message;
pub mod prepush;
pub mod progress;
pub mod range;
pub mod repo;
pub mod staged;
pub mod tags;

use crate::finding::Finding;
use crate::report::{Problem, Stats};
use std::path::PathBuf;

/// What a git scan produced: findings plus the counters, unreadable inputs and
/// notes that go into the report's `scan` section.
#[derive(Debug, Default)]
pub struct ScanOutput {
    /// Findings, already attributed (path, and commit for range and history scans).
    pub findings: Vec<Finding>,
    /// Counters (`commits`, `blobs`, `bytes_scanned`, `files_scanned`, ...).
    pub stats: Stats,
    /// Objects that could not be read (corrupt or missing): reported, never dropped silently.
    pub errors: Vec<Problem>,
    /// Non-fatal notes (truncated history, conflicted paths, ...).
    pub warnings: Vec<String>,
    /// Files deliberately not scanned, each named.
    pub skipped: Vec<crate::source::Skip>,
    /// What the scan did, for `--verbose` (history cache use): not part of
    /// the report, so a cached audit reports exactly what a full one does.
    pub notes: Vec<String>,
}

/// Errors that stop a git scan. Each names the repository, ref or input line
/// concerned; the CLI maps them to exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The path is not inside a git repository.
    #[error("not a git repository (or any parent up to the filesystem root): {path}")]
    NotARepository {
        /// Where discovery started.
        path: PathBuf,
    },
    /// A mode that needs an index and work tree was run on a bare repository.
    #[error("{path} is a bare repository: {mode} needs a work tree and an index (use --history or --range on bare repositories)")]
    BareRepository {
        /// The repository.
        path: PathBuf,
        /// The scan mode asked for (`--staged`).
        mode: &'static str,
    },
    /// A ref, revision or range that does not resolve.
    #[error("unknown revision or ref `{spec}`: {reason}")]
    UnknownRevision {
        /// As given by the user.
        spec: String,
        /// libgit2's explanation.
        reason: String,
    },
    /// A range argument that is not `A..B` or `A...B`.
    #[error("invalid range `{spec}`: {reason}")]
    InvalidRange {
        /// As given by the user.
        spec: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A line of git's pre-push input that does not have the documented shape.
    #[error("pre-push input line {line_no}: {reason}: `{line}`")]
    PrePushInput {
        /// 1-based line number in the input.
        line_no: usize,
        /// The offending line.
        line: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The repository has no commits where the mode needs some.
    #[error("{path}: {what}")]
    EmptyRepository {
        /// The repository.
        path: PathBuf,
        /// What could not be done.
        what: String,
    },
    /// Any other libgit2 failure (corrupt object, unreadable ref, I/O error),
    /// with what leakgate was doing at the time.
    #[error("{context}: {source}")]
    Git {
        /// What was being read (`reading the index of /repo`, `commit 1a2b…`).
        context: String,
        /// The libgit2 error.
        #[source]
        source: git2::Error,
    },
    /// The index file is malformed (checksum, impossible counts, nesting).
    #[error("{}: corrupt git index: {reason} (git refuses it too; `git reset` rebuilds it from HEAD, unstaging everything)", crate::escape::path(path))]
    CorruptIndex {
        /// The index file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// Reading the pre-push input failed.
    #[error("cannot read {what}: {source}")]
    Io {
        /// What was being read.
        what: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// Attaches a description of what was being done to a libgit2 error.
pub(crate) trait GitContext<T> {
    /// Wraps the error in [`GitError::Git`] with the context computed by `f`.
    fn git_context(self, f: impl FnOnce() -> String) -> Result<T, GitError>;
}

impl<T> GitContext<T> for Result<T, git2::Error> {
    fn git_context(self, f: impl FnOnce() -> String) -> Result<T, GitError> {
        self.map_err(|source| GitError::Git {
            context: f(),
            source,
        })
    }
}

/// True when `data` looks binary the way directory scans decide it: a NUL
/// byte in the first 8 KiB. Git scans use the same test so a file is skipped
/// (or scanned) identically in every mode.
pub fn is_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(8192)]).is_some()
}

/// Converts a git path (bytes, `/`-separated) to the string used in findings
/// and fingerprints: bytes that are not UTF-8 become `\xNN` and control
/// characters are escaped ([`crate::escape::bytes`]), exactly as directory
/// scans display file names, so two paths never collapse into one.
pub fn path_string(path: &[u8]) -> String {
    crate::escape::bytes(path).into_owned()
}

/// `f` applied to each commit of `ids`, in parallel over the rayon pool
/// with one repository handle per worker (libgit2 handles are not shared
/// across threads), results in the order of `ids`. On failure the error
/// of the earliest failing commit is returned, as a serial loop would.
/// Short lists, and single-threaded pools, run on the calling thread.
pub(crate) fn per_commit<T: Send + Sync>(
    repository: &git2::Repository,
    ids: &[git2::Oid],
    f: &(dyn Fn(&git2::Repository, git2::Oid) -> Result<T, GitError> + Sync),
) -> Result<Vec<T>, GitError> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::OnceLock;
    const CHUNK: usize = 16;
    if ids.len() < 4 * CHUNK || rayon::current_num_threads() < 2 {
        return ids.iter().map(|&id| f(repository, id)).collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Vec<OnceLock<Result<T, GitError>>> = ids.iter().map(|_| OnceLock::new()).collect();
    let work = |repo: &git2::Repository| loop {
        let start = next.fetch_add(CHUNK, Ordering::Relaxed);
        if start >= ids.len() {
            break;
        }
        for i in start..ids.len().min(start + CHUNK) {
            let _ = slots[i].set(f(repo, ids[i]));
        }
    };
    let git_dir = repository.path().to_path_buf();
    rayon::broadcast(|_| {
        // A worker that cannot open the repository takes no work; the
        // calling thread finishes whatever is left.
        if let Ok(own) = git2::Repository::open(&git_dir) {
            work(&own);
        }
    });
    work(repository);
    slots
        .into_iter()
        .zip(ids)
        .map(|(slot, &id)| match slot.into_inner() {
            Some(r) => r,
            None => f(repository, id),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_detection_looks_at_the_first_8_kib_only() {
        assert!(!is_binary(b"plain text\n"));
        assert!(is_binary(b"PK\x03\x04\x00\x00"));
        let mut late_nul = vec![b'a'; 9000];
        late_nul[8500] = 0;
        assert!(!is_binary(&late_nul));
        assert!(!is_binary(b""));
    }

    #[test]
    fn non_utf8_paths_stay_distinct() {
        assert_eq!(path_string(b"dir/a\xff.env"), "dir/a\\xff.env");
        assert_ne!(path_string(b"a\xfe"), path_string(b"a\xff"));
    }

    #[test]
    fn git_context_names_what_was_read() {
        let err: Result<(), git2::Error> = Err(git2::Error::from_str("object not found"));
        let wrapped = err.git_context(|| "reading blob 1234".to_string());
        let msg = wrapped.map_err(|e| e.to_string()).err();
        assert_eq!(msg.as_deref(), Some("reading blob 1234: object not found"));
    }
}
