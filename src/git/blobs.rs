//! Scanning a set of unique blobs, each exactly once, in parallel.
//!
//! This is where a history audit spends its time. Blobs are read one at a
//! time per worker straight from the object database and dropped after the
//! scan, so memory stays bounded by the number of workers, not the size of
//! the history. libgit2 repositories must not be shared across threads, so
//! every worker opens its own `Repository` and pulls chunks of blob ids from
//! a shared counter (cheap, and it balances a few huge blobs against many
//! small ones). Only blobs with matches are kept, with their matches.

use super::progress::Progress;
use crate::report::Problem;
use crate::scanner::{Match, Scanner};
use crate::source::{text, SkipReason};
use git2::{ObjectType, Odb, Oid, Repository};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// Below this many blobs, scanning on the calling thread beats opening a
/// repository per worker (pre-commit runs usually stage a handful of files).
const PARALLEL_THRESHOLD: usize = 64;

/// Blob ids handed to a worker at a time.
const CHUNK: usize = 32;

/// Counters of a blob scan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BlobCounts {
    /// Blobs read and scanned.
    pub scanned: u64,
    /// Bytes of the blobs scanned.
    pub bytes: u64,
    /// Blobs skipped as binary (NUL in the first 8 KiB).
    pub skipped_binary: u64,
    /// Blobs skipped for exceeding the size limit.
    pub skipped_large: u64,
    /// Blobs that could not be read (missing or corrupt objects).
    pub unreadable: u64,
}

impl BlobCounts {
    /// Adds `o`'s counters to these.
    pub fn add(&mut self, o: &BlobCounts) {
        self.scanned += o.scanned;
        self.bytes += o.bytes;
        self.skipped_binary += o.skipped_binary;
        self.skipped_large += o.skipped_large;
        self.unreadable += o.unreadable;
    }
}

/// The result of scanning a set of blobs.
#[derive(Debug, Default)]
pub struct BlobScan {
    /// Matches of every blob that had any (path-independent: findings are
    /// made later, per path and commit the blob appears at).
    pub matches: HashMap<Oid, Vec<Match>>,
    /// Counters.
    pub counts: BlobCounts,
    /// Blobs that could not be read, by id.
    pub errors: Vec<Problem>,
    /// Blobs skipped (binary, too large), by id: the caller names them by path.
    pub skipped: Vec<(Oid, SkipReason, String)>,
    /// Blobs scanned without a match, with the bytes scanned (what a history
    /// cache records).
    pub clean: Vec<(Oid, u64)>,
    /// Blobs that could not be read, by id (their problems are in `errors`).
    pub unreadable: Vec<Oid>,
}

/// Scans each blob of `ids` (expected unique) once. `max_size` skips larger
/// blobs (0: no limit) without inflating them.
pub fn scan_blobs(
    repo: &Repository,
    ids: &[Oid],
    scanner: &Scanner,
    max_size: u64,
    progress: &Progress,
) -> BlobScan {
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let bytes_done = AtomicU64::new(0);
    let result = Mutex::new(BlobScan::default());
    let work = |odb: &Odb<'_>| {
        let mut local = BlobScan::default();
        loop {
            let start = next.fetch_add(CHUNK, Ordering::Relaxed);
            if start >= ids.len() {
                break;
            }
            let chunk = &ids[start..ids.len().min(start + CHUNK)];
            let before = local.counts.bytes;
            for &id in chunk {
                scan_one(odb, id, scanner, max_size, &mut local);
            }
            let total = bytes_done.fetch_add(local.counts.bytes - before, Ordering::Relaxed)
                + (local.counts.bytes - before);
            progress.advance(chunk.len() as u64, total, started.elapsed());
        }
        merge(&result, local);
    };

    let threads = rayon::current_num_threads();
    if ids.len() >= PARALLEL_THRESHOLD && threads > 1 {
        let git_dir = repo.path().to_path_buf();
        rayon::broadcast(|_| {
            // A worker that cannot open the repository simply takes no work;
            // whatever is left is finished on the calling thread below.
            if let Ok(own) = Repository::open(&git_dir) {
                if let Ok(odb) = own.odb() {
                    work(&odb);
                }
            }
        });
    }
    match repo.odb() {
        Ok(odb) => work(&odb),
        Err(e) => {
            let mut guard = result.lock().unwrap_or_else(|p| p.into_inner());
            for &id in &ids[next.load(Ordering::Relaxed).min(ids.len())..] {
                guard.counts.unreadable += 1;
                guard.unreadable.push(id);
                guard.errors.push(Problem {
                    path: id.to_string(),
                    message: format!("cannot open the object database: {}", e.message()),
                });
            }
        }
    }
    result.into_inner().unwrap_or_else(|p| p.into_inner())
}

/// Names each skipped blob of `scan` by a path (and commit) it appears at,
/// from `place` (`None`: named by its id alone), so a history or range scan
/// lists what it did not read the way a directory scan does.
pub fn name_skipped(
    scan: &BlobScan,
    mut place: impl FnMut(Oid) -> Option<(String, Oid)>,
) -> Vec<crate::source::Skip> {
    let mut named: Vec<crate::source::Skip> = scan
        .skipped
        .iter()
        .map(|(id, reason, detail)| match place(*id) {
            Some((path, commit)) => crate::source::Skip {
                path,
                reason: *reason,
                detail: format!("blob {id} of commit {commit}: {detail}"),
            },
            None => crate::source::Skip {
                path: format!("blob {id}"),
                reason: *reason,
                detail: detail.clone(),
            },
        })
        .collect();
    named.sort_by(|a, b| (&a.path, &a.detail).cmp(&(&b.path, &b.detail)));
    named
}

fn merge(into: &Mutex<BlobScan>, local: BlobScan) {
    let mut guard = into.lock().unwrap_or_else(|p| p.into_inner());
    guard.counts.add(&local.counts);
    guard.matches.extend(local.matches);
    guard.errors.extend(local.errors);
    guard.skipped.extend(local.skipped);
    guard.clean.extend(local.clean);
    guard.unreadable.extend(local.unreadable);
}

fn scan_one(odb: &Odb<'_>, id: Oid, scanner: &Scanner, max_size: u64, out: &mut BlobScan) {
    let unreadable = |out: &mut BlobScan, message: String| {
        out.counts.unreadable += 1;
        out.unreadable.push(id);
        out.errors.push(Problem {
            path: format!("blob {id}"),
            message,
        });
    };
    if max_size > 0 {
        match odb.read_header(id) {
            Ok((size, _)) if size as u64 > max_size => {
                out.counts.skipped_large += 1;
                out.skipped.push((
                    id,
                    SkipReason::TooLarge,
                    format!("{size} bytes, over --max-file-size {max_size} (not inflated)"),
                ));
                return;
            }
            Ok(_) => {}
            Err(e) => {
                return unreadable(out, format!("cannot read object header: {}", e.message()))
            }
        }
    }
    let object = match odb.read(id) {
        Ok(o) => o,
        Err(e) => return unreadable(out, format!("cannot read object: {}", e.message())),
    };
    if object.kind() != ObjectType::Blob {
        return unreadable(out, format!("expected a blob, found a {}", object.kind()));
    }
    // UTF-16 is decoded as in work-tree and staged scans.
    let Some(data) = text::as_text(object.data()) else {
        out.counts.skipped_binary += 1;
        out.skipped.push((
            id,
            SkipReason::Binary,
            format!("binary content, {} bytes", object.data().len()),
        ));
        return;
    };
    out.counts.scanned += 1;
    out.counts.bytes += data.len() as u64;
    let found = scanner.find(&data);
    if found.is_empty() {
        out.clean.push((id, data.len() as u64));
    } else {
        out.matches.insert(id, found);
    }
}
