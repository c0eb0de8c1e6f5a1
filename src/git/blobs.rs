//! Scanning a set of unique blobs, each exactly once, in parallel.
//!
//! This is where a history audit spends its time. Blobs are read one at a
//! time per worker straight from the object database and dropped after the
//! scan, so memory stays bounded by the number of workers, not the size of
//! the history. libgit2 repositories must not be shared across threads, so
//! every worker opens its own `Repository` and pulls chunks of blob ids from
//! a shared counter (cheap, and it balances a few huge blobs against many
//! small ones). Only blobs with matches are kept, with their matches.

use super::cache::MatchSpan;
use super::progress::Progress;
use crate::report::Problem;
use crate::scanner::{Match, Scanner};
use crate::source::{read, text, SkipReason};
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

/// Largest blob over `--max-file-size` that is still scanned (in chunks of
/// that size): libgit2 inflates a packed object whole, so such a blob is
/// held in memory while it is scanned. Larger ones are skipped and named.
pub const MAX_OVERSIZED_BLOB: u64 = 256 << 20;

/// Held while an oversized blob is inflated and scanned: at most one is in
/// memory at a time, whatever the number of workers (at most
/// [`MAX_OVERSIZED_BLOB`] plus one chunk).
static OVERSIZED: Mutex<()> = Mutex::new(());

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
    /// Blobs over the size limit, scanned in overlapping chunks.
    pub chunked: u64,
}

impl BlobCounts {
    /// Adds `o`'s counters to these.
    pub fn add(&mut self, o: &BlobCounts) {
        self.scanned += o.scanned;
        self.bytes += o.bytes;
        self.skipped_binary += o.skipped_binary;
        self.skipped_large += o.skipped_large;
        self.unreadable += o.unreadable;
        self.chunked += o.chunked;
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
    /// Blobs scanned without a match, with the bytes scanned and whether
    /// they were chunked (what a history cache records).
    pub clean: Vec<(Oid, u64, bool)>,
    /// Matched blobs whose matches [`rebuild`] recreates exactly from these
    /// positions (what a history cache records instead of the matches).
    pub spans: Vec<(Oid, Vec<MatchSpan>)>,
    /// Blobs that could not be read, by id (their problems are in `errors`).
    pub unreadable: Vec<Oid>,
}

/// Scans each blob of `ids` (expected unique) once. A blob over `max_size`
/// (0: no limit) is scanned in overlapping chunks of `max_size` bytes, one
/// such blob at a time, up to [`MAX_OVERSIZED_BLOB`]; larger ones are
/// skipped without being inflated.
pub fn scan_blobs(
    repo: &Repository,
    ids: &[Oid],
    scanner: &Scanner,
    max_size: u64,
    progress: &Progress,
) -> BlobScan {
    scan_blobs_known(repo, ids, scanner, max_size, progress, &Known::default())
}

/// Match positions of blobs known to match (from a history cache).
pub type Known = HashMap<Oid, Vec<MatchSpan>>;

/// [`scan_blobs`], where a blob of `known` is read and its matches rebuilt
/// from the positions ([`rebuild`]) instead of scanned (scanned after all
/// when they do not rebuild).
pub fn scan_blobs_known(
    repo: &Repository,
    ids: &[Oid],
    scanner: &Scanner,
    max_size: u64,
    progress: &Progress,
    known: &Known,
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
                scan_one(odb, id, scanner, max_size, known.get(&id), &mut local);
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
    guard.spans.extend(local.spans);
    guard.unreadable.extend(local.unreadable);
}

/// Records a blob skipped as binary (named in the report, counted).
fn skip_binary(out: &mut BlobScan, id: Oid, len: usize) {
    out.counts.skipped_binary += 1;
    out.skipped.push((
        id,
        SkipReason::Binary,
        format!("binary content, {len} bytes"),
    ));
}

fn scan_one(
    odb: &Odb<'_>,
    id: Oid,
    scanner: &Scanner,
    max_size: u64,
    known: Option<&Vec<MatchSpan>>,
    out: &mut BlobScan,
) {
    let unreadable = |out: &mut BlobScan, message: String| {
        out.counts.unreadable += 1;
        out.unreadable.push(id);
        out.errors.push(Problem {
            path: format!("blob {id}"),
            message,
        });
    };
    let mut oversized = None;
    if max_size > 0 {
        match odb.read_header(id) {
            Ok((size, _)) if size as u64 > max_size.max(MAX_OVERSIZED_BLOB) => {
                out.counts.skipped_large += 1;
                out.skipped.push((
                    id,
                    SkipReason::TooLarge,
                    format!(
                        "{size} bytes, over --max-file-size {max_size} and over the {} MiB that an oversized blob may take in memory (not inflated)",
                        MAX_OVERSIZED_BLOB >> 20
                    ),
                ));
                return;
            }
            Ok((size, _)) if size as u64 > max_size => {
                oversized = Some(OVERSIZED.lock().unwrap_or_else(|p| p.into_inner()));
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
    if oversized.is_some() {
        // Chunked as a work-tree file over the limit is: the decoded text
        // never exists whole, only the inflated blob and one chunk.
        let scan = match read::scan_stream(scanner, &mut object.data(), max_size) {
            Ok(scan) => scan,
            Err(e) => return unreadable(out, format!("cannot scan the blob: {e}")),
        };
        if scan.encoding == Some(text::Encoding::Binary) {
            return skip_binary(out, id, object.data().len());
        }
        out.counts.scanned += 1;
        out.counts.chunked += 1;
        out.counts.bytes += scan.bytes;
        if scan.matches.is_empty() {
            out.clean.push((id, scan.bytes, true));
        } else {
            out.matches.insert(id, scan.matches);
        }
        return;
    }
    // UTF-16 is decoded as in work-tree and staged scans.
    let Some(data) = text::as_text(object.data()) else {
        return skip_binary(out, id, object.data().len());
    };
    out.counts.scanned += 1;
    out.counts.bytes += data.len() as u64;
    if let Some(found) = known.and_then(|spans| rebuild(scanner, &data, spans)) {
        out.spans.push((id, known.cloned().unwrap_or_default()));
        out.matches.insert(id, found);
        return;
    }
    let found = scanner.find(&data);
    if found.is_empty() {
        out.clean.push((id, data.len() as u64, false));
    } else {
        if let Some(spans) = spans_of(scanner, &data, &found) {
            out.spans.push((id, spans));
        }
        out.matches.insert(id, found);
    }
}

/// Rebuilds the matches of `data` at `spans`: the secret, matched text and
/// line text are read back from `data`, entropy and confidence recomputed
/// from the secret as the engine computes them. `None` when a span does not
/// fit `data` or its secret is no longer accepted (a damaged cache).
pub fn rebuild(scanner: &Scanner, data: &[u8], spans: &[MatchSpan]) -> Option<Vec<Match>> {
    let rules = &scanner.rules().rules;
    let slice = |a: u64, b: u64| -> Option<&[u8]> {
        data.get(usize::try_from(a).ok()?..usize::try_from(b).ok()?)
    };
    spans
        .iter()
        .map(|s| {
            let rule = rules.get(s.rule as usize)?;
            let secret = slice(s.secret_start, s.secret_end)?;
            let verdict = crate::engine::verify::accept(rule, secret)?;
            Some(Match {
                rule: s.rule as usize,
                start: usize::try_from(s.start).ok()?,
                end: usize::try_from(s.end).ok()?,
                line: s.line,
                end_line: s.end_line,
                column: s.column,
                secret: secret.to_vec(),
                entropy: verdict.entropy,
                confidence: verdict.confidence,
                decoded: None,
                inline_allowed: s.inline_allowed,
                secret_start: usize::try_from(s.secret_start).ok()?,
                secret_end: usize::try_from(s.secret_end).ok()?,
                matched: slice(s.start, s.end)?.to_vec(),
                line_text: slice(s.line_start, s.line_end)?.to_vec(),
            })
        })
        .collect()
}

/// The positions that [`rebuild`] turns back into exactly `found` (the
/// matches of `data`), or `None` when they would not (a secret found
/// decoded is not a slice of the blob): such a blob is scanned again.
pub fn spans_of(scanner: &Scanner, data: &[u8], found: &[Match]) -> Option<Vec<MatchSpan>> {
    let mut spans = Vec::with_capacity(found.len());
    for m in found {
        if m.decoded.is_some() {
            return None;
        }
        let (line_start, line_end) = if m.line_text.is_empty() {
            (0, 0)
        } else {
            // The engine keeps the line(s) around the match, capped on
            // each side; find where that text sits.
            let (ls, _) = crate::allow::inline::line_span(data, m.start, m.end);
            let fits = |i: &usize| data.get(*i..*i + m.line_text.len()) == Some(&m.line_text[..]);
            let at = (ls..=m.start.max(ls).min(data.len())).find(fits)?;
            (at, at + m.line_text.len())
        };
        spans.push(MatchSpan {
            rule: u32::try_from(m.rule).ok()?,
            start: m.start as u64,
            end: m.end as u64,
            secret_start: m.secret_start as u64,
            secret_end: m.secret_end as u64,
            line_start: line_start as u64,
            line_end: line_end as u64,
            line: m.line,
            end_line: m.end_line,
            column: m.column,
            inline_allowed: m.inline_allowed,
        });
    }
    // Exact or nothing: what the cache records must rebuild these matches.
    (rebuild(scanner, data, &spans).as_deref() == Some(found)).then_some(spans)
}
