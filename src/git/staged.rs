//! `scan --staged`: the pre-commit path.
//!
//! Compares the index with `HEAD`'s tree (the empty tree before the first
//! commit), reads each added or modified file's *staged* blob from the
//! object database, scans it, and keeps the matches that touch lines the
//! change adds. Reading the index rather than the work tree is what makes
//! `git add -p` correct: a secret only in the work tree is not committed,
//! one only in the index is.
//!
//! Cases: renames are detected (a pure rename adds no lines, so an existing
//! secret is not blamed on it); deletions add nothing; binary blobs, symlinks
//! and submodules are skipped and counted; during a merge, conflicted paths
//! cannot be committed yet and are listed in a warning, while resolved paths
//! are scanned like any other staged change (their lines from the merged
//! branch count as added to this branch).
//!
//! The diff is computed from index entry ids, so unchanged files cost a
//! comparison, not a read; only changed blobs are loaded, and only blobs
//! with matches are diffed line by line.

use super::diff::{added_lines, is_file_mode, AddedLines};
use super::{repo, GitContext, GitError, ScanOutput};
use crate::scanner::{BlobContext, Scanner};
use crate::source::keys;
use git2::{Delta, DiffFindOptions, DiffOptions, FileMode, Repository};

/// Scans what is staged in `repository`. `max_size` skips larger blobs (0: no limit).
pub fn scan_staged(
    repository: &Repository,
    scanner: &Scanner,
    max_size: u64,
) -> Result<ScanOutput, GitError> {
    repo::require_worktree(repository, "--staged")?;
    let where_ = repo::display_path(repository);
    let head_tree = match repo::head_commit(repository)? {
        Some(commit) => Some(
            commit
                .tree()
                .git_context(|| format!("{}: reading the tree of HEAD", where_.display()))?,
        ),
        None => None,
    };
    let index = repository
        .index()
        .git_context(|| format!("{}: reading the index", where_.display()))?;

    let mut out = ScanOutput::default();
    out.stats.set("mode", "staged");
    if index.has_conflicts() {
        let mut paths: Vec<String> = index
            .conflicts()
            .git_context(|| format!("{}: reading index conflicts", where_.display()))?
            .filter_map(Result::ok)
            .filter_map(|c| c.our.or(c.their).or(c.ancestor))
            .map(|e| super::path_string(&e.path))
            .collect();
        paths.sort();
        paths.dedup();
        out.stats
            .set("files_skipped_conflicted", paths.len() as u64);
        out.warnings.push(format!(
            "merge in progress: {} conflicted path(s) not scanned until resolved and staged: {}",
            paths.len(),
            paths.join(", ")
        ));
    }

    let mut opts = DiffOptions::new();
    opts.include_typechange(true)
        .ignore_submodules(true)
        .skip_binary_check(true)
        .context_lines(0);
    let mut diff = repository
        .diff_tree_to_index(head_tree.as_ref(), Some(&index), Some(&mut opts))
        .git_context(|| format!("{}: comparing the index with HEAD", where_.display()))?;
    let mut find = DiffFindOptions::new();
    find.renames(true);
    diff.find_similar(Some(&mut find))
        .git_context(|| format!("{}: detecting renames", where_.display()))?;

    let (mut files, mut bytes, mut binary, mut large) = (0u64, 0u64, 0u64, 0u64);
    let (mut allowlisted, mut symlinks, mut submodules) = (0u64, 0u64, 0u64);
    for delta in diff.deltas() {
        let new_path_is_new = match delta.status() {
            Delta::Added | Delta::Copied => true,
            Delta::Renamed => true,
            Delta::Modified | Delta::Typechange => false,
            // Deleted, conflicted (warned above), unmodified, ignored, untracked, unreadable.
            _ => continue,
        };
        let new = delta.new_file();
        let mode = i32::from(new.mode());
        if new.mode() == FileMode::Link {
            symlinks += 1;
            continue;
        }
        if new.mode() == FileMode::Commit {
            submodules += 1;
            continue;
        }
        if !is_file_mode(mode) {
            continue;
        }
        let path = super::path_string(new.path_bytes().unwrap_or_default());
        let ctx = BlobContext {
            path: &path,
            commit: None,
        };
        if new_path_is_new {
            out.findings.extend(scanner.path_findings(&ctx));
        }
        if scanner.is_path_allowlisted(&path) {
            allowlisted += 1;
            continue;
        }
        if max_size > 0 && new.size() > max_size {
            large += 1;
            continue;
        }
        let blob = repository
            .find_blob(new.id())
            .git_context(|| format!("{path}: reading the staged blob {}", new.id()))?;
        let data = blob.content();
        if super::is_binary(data) {
            binary += 1;
            continue;
        }
        files += 1;
        bytes += data.len() as u64;
        let matches = scanner.find(data);
        if matches.is_empty() {
            continue;
        }
        let old = delta.old_file();
        let old_blob = if delta.status() != Delta::Added
            && delta.status() != Delta::Copied
            && is_file_mode(i32::from(old.mode()))
            && !old.id().is_zero()
        {
            Some(
                repository
                    .find_blob(old.id())
                    .git_context(|| format!("{path}: reading the committed blob {}", old.id()))?,
            )
        } else {
            None
        };
        let added = match &old_blob {
            Some(b) => added_lines(Some(b.content()), data)?,
            None => AddedLines::All,
        };
        let kept: Vec<_> = matches
            .into_iter()
            .filter(|m| added.touches(m.line, m.end_line))
            .collect();
        if !kept.is_empty() {
            out.findings.extend(scanner.findings(&kept, &ctx));
        }
    }
    out.stats.set(keys::FILES_SCANNED, files);
    out.stats.set(keys::BYTES_SCANNED, bytes);
    for (key, n) in [
        (keys::FILES_SKIPPED_BINARY, binary),
        (keys::FILES_SKIPPED_SIZE, large),
        (keys::FILES_SKIPPED_ALLOWLISTED, allowlisted),
        ("files_skipped_symlink", symlinks),
        ("files_skipped_submodule", submodules),
    ] {
        if n > 0 {
            out.stats.set(key, n);
        }
    }
    Ok(out)
}
