//! `scan --range A..B` and `scan --since REV`: the CI and pre-push path.
//!
//! The commits reachable from `B` but not from `A` are visited oldest first.
//! Each commit's introduced blobs (see [`attribution`](super::attribution);
//! merges count only what no parent had) are collected, every unique blob is
//! scanned once ([`blobs`](super::blobs)), and for the few blobs with matches
//! the added lines are computed against each parent's version, so a finding
//! names the commit that actually added the secret, with its author, email,
//! date and message.

use super::attribution::{introduced_blobs, FindingSet, Origin};
use super::blobs::scan_blobs;
use super::diff::{added_lines, AddedLines};
use super::message::commit_meta;
use super::progress::Progress;
use super::{repo, GitContext, GitError, ScanOutput};
use crate::scanner::{BlobContext, Scanner};
use crate::source::text::as_text;
use git2::{Oid, Repository, Sort};
use std::collections::HashSet;
use std::time::Instant;

/// Options of a commit-list scan.
#[derive(Debug, Clone, Copy, Default)]
pub struct CommitScanOptions {
    /// List every commit that introduces a secret, not only the first.
    pub all_commits: bool,
    /// Skip blobs larger than this (0: no limit).
    pub max_size: u64,
}

/// Splits `A..B` / `A...B` (either side may be empty, meaning `HEAD`) and
/// returns the commits to scan, oldest first. `A...B` is the symmetric
/// difference: commits on either side since their merge base.
pub fn resolve_range(repository: &Repository, spec: &str) -> Result<Vec<Oid>, GitError> {
    let invalid = |reason: &str| GitError::InvalidRange {
        spec: spec.to_string(),
        reason: reason.to_string(),
    };
    let (left, right, symmetric) = if let Some((l, r)) = spec.split_once("...") {
        (l, r, true)
    } else if let Some((l, r)) = spec.split_once("..") {
        (l, r, false)
    } else {
        return Err(invalid(
            "expected A..B (commits in B but not in A), or A...B",
        ));
    };
    if left.is_empty() && right.is_empty() {
        return Err(invalid("both ends are empty"));
    }
    let side = |s: &str| repo::resolve_commit(repository, if s.is_empty() { "HEAD" } else { s });
    let (from, to) = (side(left)?, side(right)?);
    if symmetric {
        let base = repository
            .merge_base(from, to)
            .map_err(|e| invalid(&format!("no merge base: {}", e.message())))?;
        walk(repository, &[from, to], &[base])
    } else {
        walk(repository, &[to], &[from])
    }
}

/// The commits of `REV..HEAD`, oldest first.
pub fn resolve_since(repository: &Repository, rev: &str) -> Result<Vec<Oid>, GitError> {
    let from = repo::resolve_commit(repository, rev)?;
    let head = repo::head_commit(repository)?.ok_or_else(|| GitError::EmptyRepository {
        path: repo::display_path(repository),
        what: format!(
            "--since {rev} needs a HEAD commit, and {}",
            repo::no_head_commit_reason(repository)
        ),
    })?;
    walk(repository, &[head.id()], &[from])
}

/// Commits reachable from `push` and not from `hide`, parents before children.
pub fn walk(repository: &Repository, push: &[Oid], hide: &[Oid]) -> Result<Vec<Oid>, GitError> {
    walk_sorted(repository, push, hide, Sort::TOPOLOGICAL)
}

/// Commits reachable from `push` and not from `hide` in the reverse of
/// `sorting` (with `Sort::TOPOLOGICAL`: parents before children).
pub fn walk_sorted(
    repository: &Repository,
    push: &[Oid],
    hide: &[Oid],
    sorting: Sort,
) -> Result<Vec<Oid>, GitError> {
    let ctx = || {
        format!(
            "{}: walking commits",
            repo::display_path(repository).display()
        )
    };
    let mut revwalk = repository.revwalk().git_context(ctx)?;
    revwalk
        .set_sorting(sorting | Sort::REVERSE)
        .git_context(ctx)?;
    for &id in push {
        revwalk.push(id).git_context(ctx)?;
    }
    for &id in hide {
        revwalk.hide(id).git_context(ctx)?;
    }
    revwalk.collect::<Result<Vec<Oid>, _>>().git_context(ctx)
}

/// One introduced blob awaiting its scan result.
struct Introduction {
    commit: usize,
    path: Vec<u8>,
    blob: Oid,
    /// The blob at this path in each parent (first parent first); `None` where absent.
    bases: Vec<Option<Oid>>,
}

/// Scans the blobs `commits` (oldest first) introduce and keeps the matches
/// that touch lines they add.
pub fn scan_commits(
    repository: &Repository,
    commits: &[Oid],
    scanner: &Scanner,
    opts: CommitScanOptions,
    progress: &Progress,
) -> Result<ScanOutput, GitError> {
    let started = Instant::now();
    let mut out = ScanOutput::default();
    progress.spinner("collecting changes");
    let mut intros = Vec::new();
    let mut unique = Vec::new();
    let mut seen = HashSet::new();
    let mut roots = 0usize;
    for (index, &id) in commits.iter().enumerate() {
        let commit = repository
            .find_commit(id)
            .git_context(|| format!("reading commit {id}"))?;
        if commit.parent_count() == 0 {
            roots += 1;
        }
        let parent_trees: Vec<Option<git2::Tree<'_>>> = commit
            .parent_ids()
            .map(|p| repository.find_commit(p).ok().and_then(|c| c.tree().ok()))
            .collect();
        for changed in introduced_blobs(repository, &commit)? {
            let path = std::path::PathBuf::from(super::path_string(&changed.path));
            let bases = parent_trees
                .iter()
                .enumerate()
                .map(|(i, tree)| {
                    if i == 0 {
                        return changed.old_id;
                    }
                    tree.as_ref()
                        .and_then(|t| t.get_path(&path).ok())
                        .filter(|e| super::diff::is_file_mode(e.filemode()))
                        .map(|e| e.id())
                })
                .collect();
            if seen.insert(changed.id) {
                unique.push(changed.id);
            }
            intros.push(Introduction {
                commit: index,
                path: changed.path,
                blob: changed.id,
                bases,
            });
        }
    }
    if repository.is_shallow() && roots > 0 {
        out.warnings.push(repo::SHALLOW_WARNING.to_string());
        out.stats.set("history_truncated", true);
    }

    progress.blobs(unique.len() as u64);
    let scan = scan_blobs(repository, &unique, scanner, opts.max_size, progress);
    progress.finish();

    let mut set = FindingSet::new(opts.all_commits);
    let mut meta_cache: Option<(usize, crate::scanner::CommitMeta)> = None;
    for intro in &intros {
        let is_new_path = intro.bases.first().is_none_or(Option::is_none);
        let matches = scan.matches.get(&intro.blob);
        if matches.is_none() && !is_new_path {
            continue;
        }
        if meta_cache.as_ref().is_none_or(|(i, _)| *i != intro.commit) {
            let id = commits[intro.commit];
            let commit = repository
                .find_commit(id)
                .git_context(|| format!("reading commit {id}"))?;
            meta_cache = Some((intro.commit, commit_meta(scanner, &commit)));
        }
        let Some((_, meta)) = meta_cache.as_ref() else {
            continue;
        };
        let path = super::path_string(&intro.path);
        let ctx = BlobContext {
            path: &path,
            commit: Some(meta),
        };
        let origin = Origin {
            commit: commits[intro.commit],
            blob: intro.blob,
        };
        if is_new_path {
            for f in scanner.path_findings(&ctx) {
                set.add(f, origin);
            }
        }
        let Some(matches) = matches else {
            continue;
        };
        let added = added_since_parents(repository, intro, &path)?;
        let kept: Vec<_> = matches
            .iter()
            .filter(|m| added.touches(m.line, m.end_line))
            .cloned()
            .collect();
        if !kept.is_empty() {
            for f in scanner.findings(&kept, &ctx) {
                set.add(f, origin);
            }
        }
    }
    let messages = super::message::scan_commit_messages(repository, commits, scanner, &mut set)?;
    out.stats.set("commit_messages", messages);
    out.findings = set.into_findings();
    if !scan.skipped.is_empty() {
        let mut first: std::collections::HashMap<Oid, (String, Oid)> = Default::default();
        let wanted: HashSet<Oid> = scan.skipped.iter().map(|s| s.0).collect();
        for intro in &intros {
            if wanted.contains(&intro.blob) {
                first
                    .entry(intro.blob)
                    .or_insert_with(|| (super::path_string(&intro.path), commits[intro.commit]));
            }
        }
        out.skipped.extend(super::blobs::name_skipped(&scan, |id| {
            first.get(&id).cloned()
        }));
    }
    out.errors = scan.errors;
    out.stats.set("commits", commits.len() as u64);
    out.stats.set("blobs", unique.len() as u64);
    super::history::set_blob_stats(&mut out.stats, &scan.counts, started.elapsed());
    Ok(out)
}

/// Lines of the introduced blob that no parent's version at the same path has.
fn added_since_parents(
    repository: &Repository,
    intro: &Introduction,
    path: &str,
) -> Result<AddedLines, GitError> {
    let new = repository
        .find_blob(intro.blob)
        .git_context(|| format!("{path}: reading blob {}", intro.blob))?;
    let mut added = AddedLines::All;
    for base in &intro.bases {
        let Some(base) = base else {
            // Absent from this parent: every line is new relative to it.
            continue;
        };
        let old = repository
            .find_blob(*base)
            .git_context(|| format!("{path}: reading blob {base}"))?;
        // UTF-16 blobs were scanned decoded: diff the decoded text.
        let (Some(old_text), Some(new_text)) = (as_text(old.content()), as_text(new.content()))
        else {
            continue;
        };
        added = added.intersect(&added_lines(Some(&old_text), &new_text)?);
        if added.is_empty() {
            break;
        }
    }
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_ranges_are_rejected_with_the_spec_named() {
        let dir = tempfile::tempdir().unwrap();
        let repository = Repository::init(dir.path()).unwrap();
        let err = resolve_range(&repository, "main").unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid range `main`: expected A..B (commits in B but not in A), or A...B"
        );
        let err = resolve_range(&repository, "..").unwrap_err().to_string();
        assert_eq!(err, "invalid range `..`: both ends are empty");
        let err = resolve_range(&repository, "nope..HEAD")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("unknown revision or ref `nope`"), "{err}");
    }
}
