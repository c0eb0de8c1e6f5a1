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
//! with matches are diffed line by line. The common case (a plain index, no
//! deletions) takes the [`index`](super::index) fast path, which skips every
//! directory the index's cache-tree says is unchanged; everything else goes
//! through libgit2's diff with rename detection.

use super::diff::{added_lines, is_file_mode, AddedLines};
use super::index;
use super::{repo, GitContext, GitError, ScanOutput};
use crate::scanner::{BlobContext, Scanner};
use crate::source::text::{self, Encoding};
use crate::source::{keys, read, Skip, SkipReason};
use git2::{Delta, DiffFindOptions, DiffOptions, Oid, Repository, Tree};
use std::borrow::Cow;
use std::path::Path;

const MODE_LINK: u32 = 0o120000;
const MODE_SUBMODULE: u32 = 0o160000;

/// A staged path that differs from `HEAD`, however it was found.
struct Staged {
    path: String,
    id: Oid,
    mode: u32,
    /// Size when known without reading the blob.
    size: Option<u64>,
    /// The committed blob to diff against (same path, or the rename source).
    old: Option<Oid>,
    /// The path did not exist in `HEAD` (added, copied or renamed to).
    new_path: bool,
}

/// Scans what is staged in `repository`. `index_file` is the index to read
/// when it is not the repository's own (`GIT_INDEX_FILE` in a hook); the
/// repository must then have been opened from the environment so libgit2
/// reads the same file. `max_size` skips larger blobs (0: no limit).
pub fn scan_staged(
    repository: &Repository,
    index_file: Option<&Path>,
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
    let mut out = ScanOutput::default();
    out.stats.set("mode", "staged");
    let default_index = repository.path().join("index");
    let index_path = index_file.unwrap_or(&default_index);
    // The index is parsed (and checked) first whatever the mode: a corrupt
    // one stops the scan with its problem named, before libgit2 sees it.
    let parsed = match index::read(index_path) {
        Ok(parsed) => Some(parsed),
        Err(index::IndexError::Unsupported(_)) => None,
        Err(index::IndexError::Corrupt(reason)) => {
            return Err(GitError::CorruptIndex {
                path: index_path.to_path_buf(),
                reason,
            })
        }
    };
    let fast = match (head_tree.as_ref(), parsed) {
        (Some(head), Some(parsed)) => match index::changes(repository, &parsed, head) {
            Ok((changes, false)) => Some(changes),
            // Deletions may be halves of renames: let libgit2 pair them.
            _ => None,
        },
        _ => None,
    };
    let staged = match fast {
        Some(changes) => changes
            .into_iter()
            .map(|c| Staged {
                path: super::path_string(&c.path),
                id: c.id,
                mode: c.mode,
                size: None,
                new_path: c.old.is_none(),
                old: c
                    .old
                    .filter(|&(_, m)| index::is_scanned_mode(m))
                    .map(|(id, _)| id),
            })
            .collect(),
        None => with_libgit2(repository, head_tree.as_ref(), &mut out)?,
    };

    let (mut files, mut bytes, mut binary, mut chunked) = (0u64, 0u64, 0u64, 0u64);
    let (mut allowlisted, mut symlinks, mut submodules, mut utf16) = (0u64, 0u64, 0u64, 0u64);
    for change in staged {
        match change.mode {
            MODE_LINK => {
                symlinks += 1;
                continue;
            }
            MODE_SUBMODULE => {
                submodules += 1;
                continue;
            }
            m if !index::is_scanned_mode(m) => continue,
            _ => {}
        }
        let path = change.path.as_str();
        let ctx = BlobContext { path, commit: None };
        if change.new_path {
            out.findings.extend(scanner.path_findings(&ctx));
        }
        if scanner.is_path_allowlisted(path) {
            allowlisted += 1;
            continue;
        }
        let size = match change.size {
            Some(s) => s,
            None => odb_size(repository, change.id)
                .git_context(|| format!("{path}: reading the staged blob {}", change.id))?,
        };
        let blob = repository
            .find_blob(change.id)
            .git_context(|| format!("{path}: reading the staged blob {}", change.id))?;
        let raw = blob.content();
        let encoding = text::sniff(raw);
        let data: Cow<'_, [u8]> = match encoding {
            Encoding::Binary => {
                binary += 1;
                out.skipped.push(Skip {
                    path: path.to_string(),
                    reason: SkipReason::Binary,
                    detail: format!("binary content, {} bytes", raw.len()),
                });
                continue;
            }
            e if e.is_utf16() => {
                utf16 += 1;
                Cow::Owned(text::decode_utf16(raw, e))
            }
            _ => Cow::Borrowed(raw),
        };
        files += 1;
        bytes += data.len() as u64;
        // Over --max-file-size: scanned in bounded, overlapping chunks like
        // a work-tree file, never skipped.
        let matches = if max_size > 0 && size > max_size {
            chunked += 1;
            read::scan_stream(scanner, &mut &data[..], max_size)
                .map_err(|source| GitError::Io {
                    what: format!("{path}: the staged blob {}", change.id),
                    source,
                })?
                .matches
        } else {
            scanner.find(&data)
        };
        if matches.is_empty() {
            continue;
        }
        let added = match change.old {
            Some(old) => {
                let old = repository
                    .find_blob(old)
                    .git_context(|| format!("{path}: reading the committed blob {old}"))?;
                // Compare text with text: a UTF-16 file's committed version is decoded too.
                let old_text: Cow<'_, [u8]> = match text::sniff(old.content()) {
                    e if e.is_utf16() => Cow::Owned(text::decode_utf16(old.content(), e)),
                    _ => Cow::Borrowed(old.content()),
                };
                added_lines(Some(&old_text), &data)?
            }
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
        (keys::FILES_CHUNKED, chunked),
        (keys::FILES_SKIPPED_ALLOWLISTED, allowlisted),
        ("files_skipped_symlink", symlinks),
        ("files_skipped_submodule", submodules),
        (keys::FILES_DECODED_UTF16, utf16),
    ] {
        if n > 0 {
            out.stats.set(key, n);
        }
    }
    Ok(out)
}

/// A blob's size from its object header, without inflating it.
fn odb_size(repository: &Repository, id: Oid) -> Result<u64, git2::Error> {
    let (size, _) = repository.odb()?.read_header(id)?;
    Ok(size as u64)
}

/// The general path: libgit2's index and diff, with rename detection and
/// conflict reporting.
fn with_libgit2(
    repository: &Repository,
    head_tree: Option<&Tree<'_>>,
    out: &mut ScanOutput,
) -> Result<Vec<Staged>, GitError> {
    let where_ = repo::display_path(repository);
    let index = repository
        .index()
        .git_context(|| format!("{}: reading the index", where_.display()))?;
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
            "merge in progress: {} {} not scanned until resolved and staged: {}",
            paths.len(),
            if paths.len() == 1 {
                "conflicted path"
            } else {
                "conflicted paths"
            },
            paths.join(", ")
        ));
    }
    let mut opts = DiffOptions::new();
    opts.include_typechange(true)
        .ignore_submodules(true)
        .skip_binary_check(true)
        .context_lines(0);
    let mut diff = repository
        .diff_tree_to_index(head_tree, Some(&index), Some(&mut opts))
        .git_context(|| format!("{}: comparing the index with HEAD", where_.display()))?;
    let mut find = DiffFindOptions::new();
    find.renames(true);
    diff.find_similar(Some(&mut find))
        .git_context(|| format!("{}: detecting renames", where_.display()))?;
    let mut staged = Vec::new();
    for delta in diff.deltas() {
        let new_path = match delta.status() {
            Delta::Added | Delta::Copied | Delta::Renamed => true,
            Delta::Modified | Delta::Typechange => false,
            // Deleted, conflicted (warned above), unmodified, ignored, untracked, unreadable.
            _ => continue,
        };
        let (new, old) = (delta.new_file(), delta.old_file());
        let diff_against_old = matches!(
            delta.status(),
            Delta::Modified | Delta::Renamed | Delta::Typechange
        ) && is_file_mode(i32::from(old.mode()))
            && !old.id().is_zero();
        staged.push(Staged {
            path: super::path_string(new.path_bytes().unwrap_or_default()),
            id: new.id(),
            mode: i32::from(new.mode()) as u32,
            size: Some(new.size()),
            old: diff_against_old.then(|| old.id()),
            new_path,
        });
    }
    Ok(staged)
}
