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
use super::blobs::{scan_blobs_known, BlobCounts};
use super::cache::{self, BlobStatus, LoadError, PathHit};
use super::diff::is_file_mode;
use super::progress::Progress;
use super::range::walk_sorted;
use super::{repo, GitContext, GitError, ScanOutput};
use crate::report::Stats;
use crate::scanner::{BlobContext, Scanner};
use crate::source::{keys, SkipReason};
use git2::{FileMode, Oid, Repository};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::path::PathBuf;
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
    /// Directory of the history cache ([`cache::default_dir`]); `None`
    /// audits without reading or writing a cache (`--no-cache`).
    pub cache_dir: Option<PathBuf>,
}

/// The (path, blob) pairs that each commit of `ids` introduces (see
/// [`introduced_blobs`]) and `keep` selects, in the order of `ids`, diffed
/// in parallel ([`super::per_commit`]).
fn introduced_in_parallel(
    repository: &Repository,
    ids: &[Oid],
    keep: &(dyn Fn(&Oid) -> bool + Sync),
) -> Result<Vec<cache::Intros>, GitError> {
    super::per_commit(repository, ids, &|repo, id| {
        let commit = repo
            .find_commit(id)
            .git_context(|| format!("reading commit {id}"))?;
        Ok(introduced_blobs(repo, &commit)?
            .into_iter()
            .filter(|c| keep(&c.id))
            .map(|c| (c.path, c.id))
            .collect())
    })
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
///
/// With `opts.cache_dir`, what an earlier audit of the same repository and
/// refs established with the same rules is reused ([`cache`](super::cache)):
/// commits already walked are not enumerated again (when the new walk
/// extends the old one), clean and skipped blobs are not read again, commits
/// known not to introduce a matching blob are not diffed, and clean commit
/// messages are not rescanned. Blobs and messages that matched are always
/// scanned again, so findings are rebuilt exactly as without the cache.
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

    let cache_file = opts.cache_dir.as_deref().map(|dir| {
        (
            cache::file_for(dir, repository, &opts.refs),
            cache::key(scanner, opts.max_size),
        )
    });
    let mut cached = None;
    if let Some((file, key)) = &cache_file {
        match cache::load(file, key) {
            Ok(state) => cached = state,
            Err(LoadError::Stale) => out.notes.push(format!(
                "history cache {}: written with other rules, options or build; auditing in full",
                file.display()
            )),
            Err(LoadError::Corrupt(why)) => out.warnings.push(format!(
                "history cache {} ignored ({why}); auditing in full",
                file.display()
            )),
        }
    }

    progress.spinner("enumerating commits");
    // Parents before children, otherwise oldest (committer date) first: new
    // commits are usually the newest, so a re-audit's walk extends the
    // previous one and the enumeration resumes.
    let commits = walk_sorted(
        repository,
        &starts,
        &[],
        git2::Sort::TOPOLOGICAL | git2::Sort::TIME,
    )?;
    progress.spinner("enumerating blobs");
    let mut cached = cached.unwrap_or_default();
    let old_flags: HashMap<Oid, u8, BuildHasherDefault<OidHasher>> =
        cached.commits.iter().copied().collect();
    // The enumeration resumes only when this walk extends the cached one
    // exactly: then its state is the state a full walk reaches there.
    let resumable = !cached.commits.is_empty()
        && cached.commits.len() <= commits.len()
        && cached
            .commits
            .iter()
            .zip(&commits)
            .all(|((old, _), new)| old == new);
    let (mut en, from) = if resumable {
        let from = cached.commits.len();
        (Enumerator::resume(&mut cached), from)
    } else {
        (Enumerator::new(scanner), 0)
    };
    en.path_rules = path_rules(scanner);
    let known: HashMap<Oid, BlobStatus, BuildHasherDefault<OidHasher>> =
        std::mem::take(&mut cached.blobs)
            .into_iter()
            .map(|b| (b.id, b.status))
            .collect();
    let mut old_intros: HashMap<Oid, cache::Intros, BuildHasherDefault<OidHasher>> =
        std::mem::take(&mut cached.intros).into_iter().collect();
    drop(cached);
    en.enumerate(repository, &commits[from..], scanner, progress)?;

    // Blobs whose scan result is known are counted, not read.
    let mut counts = BlobCounts::default();
    let mut cached_skips = Vec::new();
    let mut to_scan = Vec::new();
    let mut positions = super::blobs::Known::default();
    for (i, &id) in en.blobs.iter().enumerate() {
        match known.get(&id) {
            Some(BlobStatus::Clean { bytes, chunked }) => {
                counts.scanned += 1;
                counts.bytes += bytes;
                counts.chunked += u64::from(*chunked);
            }
            Some(BlobStatus::Matched(spans)) => {
                positions.insert(id, spans.clone());
                to_scan.push(id);
            }
            Some(BlobStatus::Skipped {
                reason,
                detail,
                path,
                commit,
            }) => {
                match reason {
                    SkipReason::Binary => counts.skipped_binary += 1,
                    _ => counts.skipped_large += 1,
                }
                cached_skips.push((id, *reason, detail.clone()));
                if en.first_seen[i].is_none() {
                    en.first_seen[i] = Some((path.clone(), *commit));
                }
            }
            Some(BlobStatus::Rescan) | None => to_scan.push(id),
        }
    }
    let reused = en.blobs.len() - to_scan.len() + positions.len();
    progress.blobs(to_scan.len() as u64);
    let mut scan = scan_blobs_known(
        repository,
        &to_scan,
        scanner,
        opts.max_size,
        progress,
        &positions,
    );
    drop(to_scan);
    drop(positions);
    counts.add(&scan.counts);

    let mut set = FindingSet::new(opts.all_commits);
    let mut flags = vec![0u8; commits.len()];
    // What each commit introduces that matters (matched or unreadable
    // blobs), for the cache.
    let mut intros: Vec<(Oid, cache::Intros)> = Vec::new();
    progress.spinner("attributing findings to commits");
    let mut diffed = 0u64;
    // failclosed: what an unreadable blob holds is unknown, so the commits
    // introducing one are recorded as if it matched (diffed again next time,
    // when the blob is read again).
    let unreadable: OidSet = scan.unreadable.iter().copied().collect();
    // A commit cached as introducing no matching blob introduces none:
    // blobs are immutable and the rules are those of the cache.
    let check = |id: &Oid| {
        old_flags
            .get(id)
            .is_none_or(|f| f & cache::INTRODUCES_MATCHED != 0)
    };
    let attributing = !(scan.matches.is_empty() && unreadable.is_empty());
    // The commits to diff, diffed in parallel (each diff is independent);
    // their findings are then added in commit order below.
    let to_diff: Vec<Oid> = if attributing {
        commits
            .iter()
            .filter(|id| check(id) && !old_intros.contains_key(id))
            .copied()
            .collect()
    } else {
        Vec::new()
    };
    let keep = |c: &Oid| scan.matches.contains_key(c) || unreadable.contains(c);
    let mut diffs = introduced_in_parallel(repository, &to_diff, &keep)?.into_iter();
    drop(to_diff);
    for (n, &id) in commits.iter().enumerate() {
        if !attributing || !check(&id) {
            continue;
        }
        let changed = match old_intros.remove(&id) {
            // Known from the cache: the same (path, blob) pairs a diff gives.
            Some(list) => list,
            None => {
                diffed += 1;
                diffs.next().unwrap_or_default()
            }
        };
        if changed.is_empty() {
            continue;
        }
        flags[n] |= cache::INTRODUCES_MATCHED;
        let mut meta = None;
        for (changed_path, changed_id) in &changed {
            let Some(matches) = scan.matches.get(changed_id) else {
                continue;
            };
            let meta = match &mut meta {
                Some(m) => m,
                None => {
                    let commit = repository
                        .find_commit(id)
                        .git_context(|| format!("reading commit {id}"))?;
                    meta.insert(super::message::commit_meta(scanner, &commit))
                }
            };
            let path = super::path_string(changed_path);
            let ctx = BlobContext {
                path: &path,
                commit: Some(meta),
            };
            let origin = Origin {
                commit: id,
                blob: *changed_id,
            };
            for f in scanner.findings(matches, &ctx) {
                set.add(f, origin);
            }
        }
        if cache_file.is_some() {
            intros.push((id, changed));
        }
    }
    progress.finish();
    for hit in &en.path_hits {
        let text = super::path_string(&hit.path);
        let probe = scanner.path_findings(&BlobContext {
            path: &text,
            commit: None,
        });
        if probe.is_empty() {
            continue;
        }
        let commit = repository
            .find_commit(hit.commit)
            .git_context(|| format!("reading commit {}", hit.commit))?;
        let meta = super::message::commit_meta(scanner, &commit);
        let ctx = BlobContext {
            path: &text,
            commit: Some(&meta),
        };
        let origin = Origin {
            commit: hit.commit,
            blob: hit.blob,
        };
        for f in scanner.path_findings(&ctx) {
            set.add(f, origin);
        }
    }
    // failclosed (issue 9.6, 9.7): commit messages, tag messages, and the
    // blobs and trees that tags point at.
    let mut messages = 0u64;
    // Messages not known from the cache are scanned in parallel; their
    // findings are added in commit order.
    let known_message = |id: &Oid| {
        old_flags
            .get(id)
            .is_some_and(|&f| f & cache::MSG_MATCHED == 0)
    };
    let to_read: Vec<Oid> = commits
        .iter()
        .filter(|id| !known_message(id))
        .copied()
        .collect();
    let mut read = super::per_commit(repository, &to_read, &|repo, id| {
        super::message::find_in_message(repo, id, scanner)
    })?
    .into_iter();
    drop(to_read);
    for (n, &id) in commits.iter().enumerate() {
        let (nonempty, matched) = match old_flags.get(&id) {
            Some(&f) if f & cache::MSG_MATCHED == 0 => (f & cache::MSG_NONEMPTY != 0, false),
            _ => {
                let (nonempty, matches) = read.next().unwrap_or_default();
                super::message::add_message_findings(repository, id, scanner, &matches, &mut set)?;
                (nonempty, !matches.is_empty())
            }
        };
        messages += u64::from(nonempty);
        if nonempty {
            flags[n] |= cache::MSG_NONEMPTY;
        }
        if matched {
            flags[n] |= cache::MSG_MATCHED;
        }
    }
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

    scan.skipped.extend(cached_skips);
    if !scan.skipped.is_empty() {
        // failclosed (issue 9.4): name skipped blobs by the first path seen.
        let index: HashMap<Oid, usize> =
            en.blobs.iter().enumerate().map(|(i, &b)| (b, i)).collect();
        out.skipped.extend(super::blobs::name_skipped(&scan, |id| {
            let (path, commit) = en.first_seen[*index.get(&id)?].as_ref()?;
            Some((super::path_string(path), *commit))
        }));
    }
    out.stats.set("commits", commits.len() as u64);
    out.stats.set("blobs", en.blobs.len() as u64);
    set_blob_stats(&mut out.stats, &counts, started.elapsed());
    if let Some((file, key)) = &cache_file {
        out.notes.push(format!(
            "history cache: {} of {} commits and {reused} of {} blobs known, {diffed} commits diffed",
            if resumable { from } else { 0 },
            commits.len(),
            en.blobs.len()
        ));
        if !resumable || from < commits.len() || reused < en.blobs.len() {
            let mut state = en.into_state(&commits, &flags, &known, &scan);
            state.intros = intros;
            if let Err(e) = cache::save(file, key, &state) {
                out.warnings
                    .push(format!("history cache {} not written: {e}", file.display()));
            }
        }
    }

    out.errors = scan.errors;
    Ok(out)
}

/// Indices of the path-only rules.
fn path_rules(scanner: &Scanner) -> Vec<usize> {
    scanner
        .rules()
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is_path_only())
        .map(|(i, _)| i)
        .collect()
}

type U128Set = HashSet<u128, BuildHasherDefault<OidHasher>>;

/// Pass 1, resumable: unique file blobs of the commits (oldest first), the
/// (path, commit) each was first seen at, and the paths a path-only rule
/// matches, attributed to the first commit whose new trees contain them.
#[derive(Default)]
struct Enumerator {
    seen_trees: OidSet,
    seen_blobs: OidSet,
    /// [`cache::path_hash`] of every path already checked.
    seen_paths: U128Set,
    blobs: Vec<Oid>,
    /// Where each blob of `blobs` was first seen (`None` for blobs of a
    /// resumed enumeration, whose place is only kept when they were skipped).
    first_seen: Vec<Option<(Vec<u8>, Oid)>>,
    path_hits: Vec<PathHit>,
    path_rules: Vec<usize>,
}

impl Enumerator {
    fn new(scanner: &Scanner) -> Enumerator {
        Enumerator {
            path_rules: path_rules(scanner),
            ..Enumerator::default()
        }
    }

    /// Continues from a cached enumeration (takes its trees, paths and hits;
    /// the blobs' ids are copied, their statuses left to the caller).
    fn resume(state: &mut cache::State) -> Enumerator {
        let mut en = Enumerator {
            seen_trees: std::mem::take(&mut state.trees).into_iter().collect(),
            seen_paths: std::mem::take(&mut state.paths).into_iter().collect(),
            path_hits: std::mem::take(&mut state.path_hits),
            ..Enumerator::default()
        };
        en.blobs = state.blobs.iter().map(|b| b.id).collect();
        en.seen_blobs = en.blobs.iter().copied().collect();
        en.first_seen = vec![None; en.blobs.len()];
        en
    }

    fn is_path_hit(&self, scanner: &Scanner, path: &str) -> bool {
        let mapped = scanner.finding_path(path);
        let rules = &scanner.rules().rules;
        self.path_rules.iter().any(
            |&i| matches!(rules[i].path_regex(), Some(Ok(re)) if re.is_match(mapped.as_bytes())),
        )
    }

    fn enumerate(
        &mut self,
        repository: &Repository,
        commits: &[Oid],
        scanner: &Scanner,
        progress: &Progress,
    ) -> Result<(), GitError> {
        let mut stack: Vec<(Oid, Vec<u8>)> = Vec::new();
        for (n, &id) in commits.iter().enumerate() {
            if n % 256 == 0 {
                progress.message(format!(
                    "enumerating: {n}/{} commits, {} unique blobs",
                    commits.len(),
                    self.blobs.len()
                ));
            }
            let commit = repository
                .find_commit(id)
                .git_context(|| format!("reading commit {id}"))?;
            let root = commit.tree_id();
            if !self.seen_trees.insert(root) {
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
                        if self.seen_trees.insert(entry.id()) {
                            path.push(b'/');
                            stack.push((entry.id(), path));
                        }
                        continue;
                    }
                    if !is_file_mode(mode) {
                        continue;
                    }
                    if self.seen_blobs.insert(entry.id()) {
                        self.blobs.push(entry.id());
                        self.first_seen.push(Some((path.clone(), id)));
                    }
                    if self.seen_paths.insert(cache::path_hash(&path)) {
                        let text = super::path_string(&path);
                        if self.is_path_hit(scanner, &text) {
                            self.path_hits.push(PathHit {
                                path,
                                commit: id,
                                blob: entry.id(),
                            });
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// What the cache keeps of this audit.
    fn into_state(
        self,
        commits: &[Oid],
        flags: &[u8],
        known: &HashMap<Oid, BlobStatus, BuildHasherDefault<OidHasher>>,
        scan: &super::blobs::BlobScan,
    ) -> cache::State {
        let clean: HashMap<Oid, (u64, bool), BuildHasherDefault<OidHasher>> = scan
            .clean
            .iter()
            .map(|&(id, bytes, chunked)| (id, (bytes, chunked)))
            .collect();
        let spans: HashMap<Oid, &Vec<cache::MatchSpan>, BuildHasherDefault<OidHasher>> =
            scan.spans.iter().map(|(id, s)| (*id, s)).collect();
        let skipped: HashMap<Oid, (SkipReason, &String), BuildHasherDefault<OidHasher>> = scan
            .skipped
            .iter()
            .map(|(id, reason, detail)| (*id, (*reason, detail)))
            .collect();
        let blobs = self
            .blobs
            .iter()
            .zip(self.first_seen)
            .map(|(&id, place)| {
                let status = if let Some(&(bytes, chunked)) = clean.get(&id) {
                    BlobStatus::Clean { bytes, chunked }
                } else if let Some(spans) = spans.get(&id) {
                    BlobStatus::Matched((*spans).clone())
                } else if let Some(&(reason, detail)) = skipped.get(&id) {
                    let (path, commit) = place.unwrap_or_else(|| (Vec::new(), Oid::zero()));
                    BlobStatus::Skipped {
                        reason,
                        detail: detail.clone(),
                        path,
                        commit,
                    }
                } else {
                    match known.get(&id) {
                        Some(status @ (BlobStatus::Clean { .. } | BlobStatus::Skipped { .. })) => {
                            status.clone()
                        }
                        _ => BlobStatus::Rescan,
                    }
                };
                cache::BlobEntry { id, status }
            })
            .collect();
        cache::State {
            commits: commits.iter().copied().zip(flags.iter().copied()).collect(),
            trees: self.seen_trees.into_iter().collect(),
            blobs,
            paths: self.seen_paths.into_iter().collect(),
            path_hits: self.path_hits,
            intros: Vec::new(),
        }
    }
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
        (keys::FILES_CHUNKED, counts.chunked),
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
