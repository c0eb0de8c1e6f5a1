//! `scan --history`: audit every blob reachable from the chosen refs.
//!
//! Three passes, never `git log -p`-style rescanning of every diff:
//! 1. *Enumerate*: walk the commits oldest first and their trees, skipping
//!    every tree already seen, collecting each unique blob id once (and
//!    checking each unique path once against the path rules).
//! 2. *Scan*: every unique blob, once, in parallel ([`scan_blobs`]), streamed
//!    from the object database.
//! 3. *Attribute*: only when some blob matched, walk the commits again and
//!    diff each tree against its parents to find the commit(s) and path(s)
//!    that introduced the matching blobs ([`introduced_blobs`]).
//!
//! A history audit scans whole blobs, so a secret present in a file is
//! reported at the commit that first introduced a version containing it,
//! whether or not later commits kept it.

use super::attribution::{introduced_blobs, FindingSet, Origin};
use super::blobs::{scan_blobs, BlobCounts};
use super::diff::is_file_mode;
use super::progress::Progress;
use super::range::walk;
use super::{repo, GitContext, GitError, ScanOutput};
use crate::report::Stats;
use crate::scanner::{BlobContext, Scanner};
use crate::source::keys;
use git2::{FileMode, Oid, Repository};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::time::{Duration, Instant};

/// Which refs a history audit starts from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RefSelection {
    /// `HEAD` (the default; a detached `HEAD` is fine).
    #[default]
    Head,
    /// These revisions (`--branch REF`, repeatable).
    Revisions(Vec<String>),
    /// Every ref (branches, tags, remote-tracking refs, notes, stash) and `HEAD`.
    AllRefs,
}

/// Options of a history audit.
#[derive(Debug, Clone, Default)]
pub struct HistoryOptions {
    /// Where to start.
    pub refs: RefSelection,
    /// List every commit that introduces a secret, not only the first.
    pub all_commits: bool,
    /// Skip blobs larger than this (0: no limit).
    pub max_size: u64,
}

/// Hashes object ids by their leading bytes: they are already uniformly
/// distributed, so SipHash would only cost time on sets of millions of ids.
#[derive(Default)]
struct OidHasher(u64);

impl Hasher for OidHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut word = [0u8; 8];
        let n = bytes.len().min(8);
        word[..n].copy_from_slice(&bytes[..n]);
        self.0 = self.0.rotate_left(17) ^ u64::from_le_bytes(word);
    }
}

type OidSet = HashSet<Oid, BuildHasherDefault<OidHasher>>;

/// Resolves the starting commits of `selection`; empty for a repository
/// without commits.
pub fn tips(repository: &Repository, selection: &RefSelection) -> Result<Vec<Oid>, GitError> {
    match selection {
        RefSelection::Head => Ok(repo::head_commit(repository)?
            .map(|c| c.id())
            .into_iter()
            .collect()),
        RefSelection::Revisions(revs) => revs
            .iter()
            .map(|r| repo::resolve_commit(repository, r))
            .collect(),
        RefSelection::AllRefs => {
            let mut out: Vec<Oid> = repo::head_commit(repository)?
                .map(|c| c.id())
                .into_iter()
                .collect();
            let refs = repository.references().git_context(|| {
                format!("{}: listing refs", repo::display_path(repository).display())
            })?;
            // Refs that do not lead to a commit (a tag of a tree or blob) have no history to walk.
            out.extend(
                refs.filter_map(Result::ok)
                    .filter_map(|r| r.peel_to_commit().ok())
                    .map(|c| c.id()),
            );
            out.sort();
            out.dedup();
            Ok(out)
        }
    }
}

/// Audits the history reachable from `opts.refs`.
pub fn scan_history(
    repository: &Repository,
    scanner: &Scanner,
    opts: &HistoryOptions,
    progress: &Progress,
) -> Result<ScanOutput, GitError> {
    let started = Instant::now();
    let mut out = ScanOutput::default();
    out.stats.set("mode", "history");
    let starts = tips(repository, &opts.refs)?;
    if starts.is_empty() {
        out.warnings.push(format!(
            "{}: {}: nothing to scan",
            repo::display_path(repository).display(),
            repo::no_head_commit_reason(repository)
        ));
        set_blob_stats(&mut out.stats, &BlobCounts::default(), started.elapsed());
        out.stats.set("commits", 0u64);
        out.stats.set("blobs", 0u64);
        return Ok(out);
    }
    if repository.is_shallow() {
        out.warnings.push(repo::SHALLOW_WARNING.to_string());
        out.stats.set("history_truncated", true);
    }

    progress.spinner("enumerating commits");
    let commits = walk(repository, &starts, &[])?;
    progress.spinner("enumerating blobs");
    let (blobs, first_seen, mut path_findings) =
        enumerate(repository, &commits, scanner, progress)?;

    progress.blobs(blobs.len() as u64);
    let scan = scan_blobs(repository, &blobs, scanner, opts.max_size, progress);

    let mut set = FindingSet::new(opts.all_commits);
    if !scan.matches.is_empty() {
        progress.spinner("attributing findings to commits");
        for &id in &commits {
            let commit = repository
                .find_commit(id)
                .git_context(|| format!("reading commit {id}"))?;
            let mut meta = None;
            for changed in introduced_blobs(repository, &commit)? {
                let Some(matches) = scan.matches.get(&changed.id) else {
                    continue;
                };
                let meta =
                    meta.get_or_insert_with(|| super::message::commit_meta(scanner, &commit));
                let path = super::path_string(&changed.path);
                let ctx = BlobContext {
                    path: &path,
                    commit: Some(meta),
                };
                let origin = Origin {
                    commit: id,
                    blob: changed.id,
                };
                for f in scanner.findings(matches, &ctx) {
                    set.add(f, origin);
                }
            }
        }
    }
    progress.finish();
    for (f, origin) in path_findings.drain(..) {
        set.add(f, origin);
    }
    // failclosed (issue 9.6, 9.7): commit messages, tag messages, and the
    // blobs and trees that tags point at.
    let messages = super::message::scan_commit_messages(repository, &commits, scanner, &mut set)?;
    out.stats.set("commit_messages", messages);
    if opts.refs == RefSelection::AllRefs {
        let refs = super::tags::resolve(repository)?;
        super::tags::scan_targets(
            repository,
            &refs,
            scanner,
            opts.max_size,
            &mut set,
            &mut out,
        )?;
    }
    // end failclosed
    out.findings = set.into_findings();
    if !scan.skipped.is_empty() {
        // failclosed (issue 9.4): name skipped blobs by the first path seen.
        let index: HashMap<Oid, usize> = blobs.iter().enumerate().map(|(i, &b)| (b, i)).collect();
        out.skipped.extend(super::blobs::name_skipped(&scan, |id| {
            let (path, commit) = &first_seen[*index.get(&id)?];
            Some((super::path_string(path), *commit))
        }));
    }
    out.errors = scan.errors;
    out.stats.set("commits", commits.len() as u64);
    out.stats.set("blobs", blobs.len() as u64);
    set_blob_stats(&mut out.stats, &scan.counts, started.elapsed());
    Ok(out)
}

type PathFinding = (crate::finding::Finding, Origin);

/// Blobs, the (path, commit) each was first seen at, and path findings.
type Enumerated = (Vec<Oid>, Vec<(Vec<u8>, Oid)>, Vec<PathFinding>);

/// Pass 1: unique file blobs of `commits` (oldest first), plus findings of
/// the path rules for each unique path, attributed to the first commit
/// whose new trees contain it.
fn enumerate(
    repository: &Repository,
    commits: &[Oid],
    scanner: &Scanner,
    progress: &Progress,
) -> Result<Enumerated, GitError> {
    let mut seen_trees = OidSet::default();
    let mut seen_blobs = OidSet::default();
    let mut seen_paths: HashSet<Vec<u8>> = HashSet::new();
    let mut blobs = Vec::new();
    let mut first_seen = Vec::new();
    let mut path_findings = Vec::new();
    let mut stack: Vec<(Oid, Vec<u8>)> = Vec::new();
    for (n, &id) in commits.iter().enumerate() {
        if n % 256 == 0 {
            progress.message(format!(
                "enumerating: {n}/{} commits, {} unique blobs",
                commits.len(),
                blobs.len()
            ));
        }
        let commit = repository
            .find_commit(id)
            .git_context(|| format!("reading commit {id}"))?;
        let root = commit.tree_id();
        if !seen_trees.insert(root) {
            continue;
        }
        stack.push((root, Vec::new()));
        while let Some((tree_id, prefix)) = stack.pop() {
            let tree = repository
                .find_tree(tree_id)
                .git_context(|| format!("reading tree {tree_id} of commit {id}"))?;
            for entry in tree.iter() {
                let mode = entry.filemode();
                let mut path = prefix.clone();
                path.extend_from_slice(entry.name_bytes());
                if mode == i32::from(FileMode::Tree) {
                    if seen_trees.insert(entry.id()) {
                        path.push(b'/');
                        stack.push((entry.id(), path));
                    }
                    continue;
                }
                if !is_file_mode(mode) {
                    continue;
                }
                if seen_blobs.insert(entry.id()) {
                    blobs.push(entry.id());
                    first_seen.push((path.clone(), id));
                }
                if !seen_paths.contains(&path) {
                    let text = super::path_string(&path);
                    let probe = scanner.path_findings(&BlobContext {
                        path: &text,
                        commit: None,
                    });
                    if !probe.is_empty() {
                        let meta = super::message::commit_meta(scanner, &commit);
                        let origin = Origin {
                            commit: id,
                            blob: entry.id(),
                        };
                        let ctx = BlobContext {
                            path: &text,
                            commit: Some(&meta),
                        };
                        path_findings
                            .extend(scanner.path_findings(&ctx).into_iter().map(|f| (f, origin)));
                    }
                    seen_paths.insert(path);
                }
            }
        }
    }
    Ok((blobs, first_seen, path_findings))
}

/// Writes the blob counters and throughput into `stats`, with the keys
/// directory scans use (skip and error counters only when non-zero).
pub fn set_blob_stats(stats: &mut Stats, counts: &BlobCounts, elapsed: Duration) {
    stats.set(keys::FILES_SCANNED, counts.scanned);
    stats.set(keys::BYTES_SCANNED, counts.bytes);
    for (key, n) in [
        (keys::FILES_SKIPPED_BINARY, counts.skipped_binary),
        (keys::FILES_SKIPPED_SIZE, counts.skipped_large),
        (keys::FILES_UNREADABLE, counts.unreadable),
    ] {
        if n > 0 {
            stats.set(key, n);
        }
    }
    let mb_per_s = counts.bytes as f64 / 1e6 / elapsed.as_secs_f64().max(1e-6);
    stats.set("mb_per_s", (mb_per_s * 10.0).round() / 10.0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn oid_hasher_spreads_distinct_ids() {
        let build = BuildHasherDefault::<OidHasher>::default();
        let h = |n: u8| build.hash_one(Oid::from_bytes(&[n; 20]).unwrap());
        assert_ne!(h(1), h(2));
        assert_eq!(h(7), h(7));
    }

    #[test]
    fn tips_of_an_empty_repository_are_empty_and_unknown_branches_fail() {
        let dir = tempfile::tempdir().unwrap();
        let repository = Repository::init(dir.path()).unwrap();
        assert!(tips(&repository, &RefSelection::Head).unwrap().is_empty());
        assert!(tips(&repository, &RefSelection::AllRefs)
            .unwrap()
            .is_empty());
        let err = tips(&repository, &RefSelection::Revisions(vec!["nope".into()])).unwrap_err();
        assert!(matches!(err, GitError::UnknownRevision { .. }));
    }
}
