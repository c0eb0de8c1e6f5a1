//! The history-audit cache: what an earlier `scan --history` of the same
//! repository, with the same rules, already established.
//!
//! A re-audit after a few new commits should not read 20,000 trees and
//! rescan 60,000 blobs to learn what it knew a minute ago. Everything kept
//! here is a fact about content-addressed objects (or about the previous
//! walk), so it stays true whatever happened to the repository since:
//!
//! - the commits walked, in order, each with three flags: its message is
//!   non-empty, its message matched a rule, it introduces a blob that matched;
//! - every tree already enumerated, and a 128-bit hash of every path already
//!   checked against the path rules (so the enumeration resumes exactly
//!   where it stopped);
//! - every unique blob with what its scan gave: clean (with the number of
//!   bytes scanned, for the report's counters), skipped (binary or too
//!   large, with the path and commit that name it), *matched* with the
//!   *positions* of its matches (rule index, byte offsets, line and column:
//!   never the matched bytes), or *rescan* (it matched in a way positions
//!   cannot rebuild exactly, such as a decoded secret: scanned again);
//! - for each commit that introduces a matched blob, the (path, blob) pairs
//!   it introduces that matched, so it is not diffed again;
//! - the (path, commit, blob) of each path that a path-only rule matches.
//!
//! No blob content, no matched text, no secret and no commit message is
//! stored: a matched blob is read again on every audit and its matches are
//! rebuilt from the stored positions and the blob's bytes
//! ([`rebuild`](super::blobs::rebuild)).
//!
//! A cache is valid only for the key it was written with: the leakgate
//! build (version and executable), the rules and allowlists in force, and
//! `--max-file-size`. Its file is named after the repository and the refs
//! audited. It is written to a temporary file and renamed into place, so
//! concurrent audits never see a torn file (the last writer wins), and it
//! carries a SHA-256 of its contents: a truncated or corrupt file (a killed
//! process, a full disk) is detected, reported as a warning and ignored —
//! the audit then runs in full.

use super::history::RefSelection;
use crate::rules::{Rule, RuleSet};
use crate::scanner::Scanner;
use crate::source::SkipReason;
use git2::{Oid, Repository};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Environment variable naming the cache directory (tests, CI caches).
pub const CACHE_DIR_VAR: &str = "LEAKGATE_CACHE_DIR";

/// First bytes of a cache file; the digit is the format version.
const MAGIC: &[u8; 8] = b"LGHIST02";

/// Header: magic, key, payload length, payload SHA-256.
const HEADER_LEN: usize = 8 + 32 + 8 + 32;

/// Cache files larger than this are not read (a history cache of a very
/// large repository is tens of MiB).
const MAX_CACHE_BYTES: u64 = 4 << 30;

/// Commit flag: the commit has a non-empty message.
pub const MSG_NONEMPTY: u8 = 1;
/// Commit flag: a rule matched the commit's message (it is scanned again).
pub const MSG_MATCHED: u8 = 2;
/// Commit flag: the commit introduces a blob that matched (diffed again).
pub const INTRODUCES_MATCHED: u8 = 4;

/// The directory the cache lives in: `$LEAKGATE_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/leakgate`, else `~/.cache/leakgate` (`None` when none
/// of these is set).
pub fn default_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = var(CACHE_DIR_VAR) {
        return Some(PathBuf::from(dir));
    }
    if let Some(dir) = var("XDG_CACHE_HOME").map(PathBuf::from) {
        if dir.is_absolute() {
            return Some(dir.join("leakgate"));
        }
    }
    var("HOME").map(|h| PathBuf::from(h).join(".cache").join("leakgate"))
}

/// The cache file of `repository` audited from `refs`, in `dir`.
pub fn file_for(dir: &Path, repository: &Repository, refs: &RefSelection) -> PathBuf {
    let git_dir = std::fs::canonicalize(repository.path())
        .unwrap_or_else(|_| repository.path().to_path_buf());
    let mut h = Sha256::new();
    h.update(git_dir.as_os_str().as_encoded_bytes());
    h.update([0]);
    match refs {
        RefSelection::Head => h.update(b"HEAD"),
        RefSelection::AllRefs => h.update(b"--all-refs"),
        RefSelection::Revisions(revs) => {
            for r in revs {
                h.update(b"rev:");
                h.update(r.as_bytes());
                h.update([0]);
            }
        }
    }
    let digest = h.finalize();
    dir.join(format!("history-{}.bin", hex(&digest[..12])))
}

/// What the cache's validity depends on: the leakgate build, every field of
/// every rule and allowlist that can change a match, and `max_size` (which
/// blobs are skipped).
pub fn key(scanner: &Scanner, max_size: u64) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(MAGIC);
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update([0]);
    // The build itself: another engine (the same version number, rebuilt)
    // may match differently, so a new executable starts a new cache.
    if let Some(meta) = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(&p).ok().map(|m| (p, m)))
    {
        h.update(meta.0.as_os_str().as_encoded_bytes());
        h.update(meta.1.len().to_le_bytes());
        if let Ok(t) = meta.1.modified() {
            if let Ok(d) = t.duration_since(std::time::UNIX_EPOCH) {
                h.update(d.as_nanos().to_le_bytes());
            }
        }
    }
    h.update(max_size.to_le_bytes());
    hash_rules(&mut h, scanner.rules());
    h.finalize().into()
}

fn put_str(h: &mut Sha256, s: &str) {
    h.update((s.len() as u64).to_le_bytes());
    h.update(s.as_bytes());
}

fn put_opt(h: &mut Sha256, s: Option<&str>) {
    match s {
        Some(s) => {
            h.update([1]);
            put_str(h, s);
        }
        None => h.update([0]),
    }
}

fn put_list(h: &mut Sha256, items: &[String]) {
    h.update((items.len() as u64).to_le_bytes());
    for s in items {
        put_str(h, s);
    }
}

fn hash_allowlist(h: &mut Sha256, a: &crate::allow::Allowlist) {
    put_str(h, &format!("{:?}/{:?}", a.condition, a.regex_target));
    put_list(h, &a.commits);
    put_list(h, &a.paths);
    put_list(h, &a.regexes);
    put_list(h, &a.stopwords);
    put_list(h, &a.target_rules);
}

fn hash_rule(h: &mut Sha256, r: &Rule) {
    put_str(h, &r.id);
    put_opt(h, r.regex_source.as_deref());
    put_opt(h, r.path_source.as_deref());
    put_str(
        h,
        &format!(
            "{:?}/{:?}/{:?}/{:?}/{:?}/{:?}",
            r.secret_group,
            r.entropy.map(f64::to_bits),
            r.severity,
            r.source,
            r.checksum,
            r.confidence_set
        ),
    );
    put_list(h, &r.keywords);
    put_list(h, &r.tags);
    h.update((r.allowlists.len() as u64).to_le_bytes());
    for a in &r.allowlists {
        hash_allowlist(h, a);
    }
}

fn hash_rules(h: &mut Sha256, rules: &RuleSet) {
    h.update((rules.rules.len() as u64).to_le_bytes());
    for r in &rules.rules {
        hash_rule(h, r);
    }
    h.update((rules.allowlists.len() as u64).to_le_bytes());
    for a in &rules.allowlists {
        hash_allowlist(h, a);
    }
}

/// 128-bit hash of a path, for the set of paths already checked.
pub fn path_hash(path: &[u8]) -> u128 {
    use std::hash::{Hash, Hasher};
    // SipHash with two fixed keys: fast, and a collision (which could only
    // hide a path-rule finding) has a probability around 2^-128 per pair.
    #[allow(deprecated)]
    let mut a = std::hash::SipHasher::new_with_keys(0x6c65_616b_6761_7465, 0x6869_7374_6f72_7931);
    #[allow(deprecated)]
    let mut b = std::hash::SipHasher::new_with_keys(0x7061_7468_7365_656e, 0x0123_4567_89ab_cdef);
    path.hash(&mut a);
    path.hash(&mut b);
    (u128::from(a.finish()) << 64) | u128::from(b.finish())
}

/// Where one match of a blob lies: everything of a
/// [`Match`](crate::scanner::Match) but what is read from the blob again
/// (secret, matched text, line text) or derived from those bytes (entropy,
/// confidence). Offsets are into the blob's scanned text (UTF-16 decoded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchSpan {
    /// Index of the rule in the rule set (the cache key pins the rules).
    pub rule: u32,
    /// The whole match.
    pub start: u64,
    /// End of the whole match.
    pub end: u64,
    /// The secret.
    pub secret_start: u64,
    /// End of the secret.
    pub secret_end: u64,
    /// The line text kept with the match (`line_start == line_end`: none).
    pub line_start: u64,
    /// End of the line text.
    pub line_end: u64,
    /// 1-based line of the start.
    pub line: u32,
    /// 1-based line of the end.
    pub end_line: u32,
    /// 1-based column of the secret.
    pub column: u32,
    /// An inline marker allows it.
    pub inline_allowed: bool,
}

/// What is known of one blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobStatus {
    /// Scanned, no match: `bytes` of text were scanned.
    Clean {
        /// Bytes scanned (after UTF-16 decoding), for the counters.
        bytes: u64,
        /// Over the size limit, scanned in chunks.
        chunked: bool,
    },
    /// Matched at these positions: read again and rebuilt, not rescanned.
    Matched(Vec<MatchSpan>),
    /// Matched (or was unreadable): scanned again on every audit.
    Rescan,
    /// Not scanned, for `reason`: named by `path` at `commit`.
    Skipped {
        /// Why.
        reason: SkipReason,
        /// The skip's detail text (size, binary).
        detail: String,
        /// The path it was first seen at.
        path: Vec<u8>,
        /// The commit it was first seen in.
        commit: Oid,
    },
}

/// One blob of the enumeration, in enumeration order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobEntry {
    /// Its id.
    pub id: Oid,
    /// What its scan gave.
    pub status: BlobStatus,
}

/// A path a path-only rule matches, where the enumeration first met it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathHit {
    /// The git path.
    pub path: Vec<u8>,
    /// The commit.
    pub commit: Oid,
    /// The blob at that path.
    pub blob: Oid,
}

/// The (path, blob) pairs a commit introduces that matched, in diff order.
pub type Intros = Vec<(Vec<u8>, Oid)>;

/// Everything a cache file holds.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct State {
    /// Commits walked, oldest first, with their flags.
    pub commits: Vec<(Oid, u8)>,
    /// Trees already enumerated.
    pub trees: Vec<Oid>,
    /// Unique blobs in enumeration order.
    pub blobs: Vec<BlobEntry>,
    /// Hashes of the paths already checked against the path rules.
    pub paths: Vec<u128>,
    /// Path-rule hits in enumeration order.
    pub path_hits: Vec<PathHit>,
    /// Per commit introducing a matched (or unreadable) blob: the (path,
    /// blob) pairs of those blobs it introduces, in diff order.
    pub intros: Vec<(Oid, Intros)>,
}

/// Why a cache file was not used.
#[derive(Debug)]
pub enum LoadError {
    /// Written with another key (rules, options or build changed): not an
    /// error, the audit simply runs in full and replaces it.
    Stale,
    /// Unreadable, truncated or corrupt: reported, then ignored.
    Corrupt(String),
}

/// Reads the cache at `file` written with `key`. `Ok(None)`: no cache yet.
pub fn load(file: &Path, key: &[u8; 32]) -> Result<Option<State>, LoadError> {
    let bytes = match std::fs::metadata(file) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(LoadError::Corrupt(e.to_string())),
        Ok(m) if m.len() > MAX_CACHE_BYTES => {
            return Err(LoadError::Corrupt(format!("{} bytes, too large", m.len())))
        }
        Ok(_) => std::fs::read(file).map_err(|e| LoadError::Corrupt(e.to_string()))?,
    };
    decode(&bytes, key).map(Some)
}

/// Parses a cache file's bytes.
pub fn decode(bytes: &[u8], key: &[u8; 32]) -> Result<State, LoadError> {
    let corrupt = |why: &str| LoadError::Corrupt(why.to_string());
    if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
        return Err(corrupt(
            "not a leakgate history cache of this format (truncated or overwritten)",
        ));
    }
    if &bytes[8..40] != key {
        return Err(LoadError::Stale);
    }
    let len = u64::from_le_bytes(bytes[40..48].try_into().unwrap_or_default());
    let payload = &bytes[HEADER_LEN..];
    if len != payload.len() as u64 {
        return Err(corrupt("length does not match (truncated)"));
    }
    if Sha256::digest(payload).as_slice() != &bytes[48..80] {
        return Err(corrupt("checksum mismatch (corrupt)"));
    }
    let mut r = Reader {
        buf: payload,
        at: 0,
    };
    parse(&mut r).map_err(|e| LoadError::Corrupt(e.to_string()))
}

fn parse(r: &mut Reader<'_>) -> Result<State, &'static str> {
    let mut state = State::default();
    let n = r.count(21)?;
    state.commits.reserve(n);
    for _ in 0..n {
        let id = r.oid()?;
        state.commits.push((id, r.u8()?));
    }
    let n = r.count(20)?;
    state.trees.reserve(n);
    for _ in 0..n {
        state.trees.push(r.oid()?);
    }
    let n = r.count(21)?;
    state.blobs.reserve(n);
    for _ in 0..n {
        let id = r.oid()?;
        let status = match r.u8()? {
            0 => BlobStatus::Clean {
                bytes: r.u64()?,
                chunked: r.u8()? != 0,
            },
            1 => BlobStatus::Rescan,
            4 => {
                let n = r.count(45)?;
                let mut spans = Vec::with_capacity(n);
                for _ in 0..n {
                    spans.push(MatchSpan {
                        rule: r.u32()?,
                        start: r.u64()?,
                        end: r.u64()?,
                        secret_start: r.u64()?,
                        secret_end: r.u64()?,
                        line_start: r.u64()?,
                        line_end: r.u64()?,
                        line: r.u32()?,
                        end_line: r.u32()?,
                        column: r.u32()?,
                        inline_allowed: r.u8()? != 0,
                    });
                }
                BlobStatus::Matched(spans)
            }
            t @ (2 | 3) => BlobStatus::Skipped {
                reason: if t == 2 {
                    SkipReason::Binary
                } else {
                    SkipReason::TooLarge
                },
                detail: String::from_utf8(r.bytes()?.to_vec()).map_err(|_| "bad detail")?,
                path: r.bytes()?.to_vec(),
                commit: r.oid()?,
            },
            _ => return Err("unknown blob status"),
        };
        state.blobs.push(BlobEntry { id, status });
    }
    let n = r.count(16)?;
    state.paths.reserve(n);
    for _ in 0..n {
        let b = r.take(16)?;
        state
            .paths
            .push(u128::from_le_bytes(b.try_into().map_err(|_| "short")?));
    }
    let n = r.count(44)?;
    for _ in 0..n {
        let path = r.bytes()?.to_vec();
        let commit = r.oid()?;
        let blob = r.oid()?;
        state.path_hits.push(PathHit { path, commit, blob });
    }
    let n = r.count(28)?;
    for _ in 0..n {
        let commit = r.oid()?;
        let m = r.count(24)?;
        let mut list = Vec::with_capacity(m);
        for _ in 0..m {
            let path = r.bytes()?.to_vec();
            list.push((path, r.oid()?));
        }
        state.intros.push((commit, list));
    }
    if r.at != r.buf.len() {
        return Err("trailing bytes");
    }
    Ok(state)
}

/// Serializes `state` with `key` (header included).
pub fn encode(state: &State, key: &[u8; 32]) -> Vec<u8> {
    let mut p = Vec::with_capacity(
        state.commits.len() * 21 + state.trees.len() * 20 + state.blobs.len() * 29 + 64,
    );
    let len = |p: &mut Vec<u8>, n: usize| p.extend_from_slice(&(n as u64).to_le_bytes());
    let bytes = |p: &mut Vec<u8>, b: &[u8]| {
        p.extend_from_slice(&(b.len() as u32).to_le_bytes());
        p.extend_from_slice(b);
    };
    len(&mut p, state.commits.len());
    for (id, flags) in &state.commits {
        p.extend_from_slice(id.as_bytes());
        p.push(*flags);
    }
    len(&mut p, state.trees.len());
    for id in &state.trees {
        p.extend_from_slice(id.as_bytes());
    }
    len(&mut p, state.blobs.len());
    for b in &state.blobs {
        p.extend_from_slice(b.id.as_bytes());
        match &b.status {
            BlobStatus::Clean { bytes, chunked } => {
                p.push(0);
                p.extend_from_slice(&bytes.to_le_bytes());
                p.push(u8::from(*chunked));
            }
            BlobStatus::Rescan => p.push(1),
            BlobStatus::Matched(spans) => {
                p.push(4);
                len(&mut p, spans.len());
                for m in spans {
                    p.extend_from_slice(&m.rule.to_le_bytes());
                    for v in [
                        m.start,
                        m.end,
                        m.secret_start,
                        m.secret_end,
                        m.line_start,
                        m.line_end,
                    ] {
                        p.extend_from_slice(&v.to_le_bytes());
                    }
                    for v in [m.line, m.end_line, m.column] {
                        p.extend_from_slice(&v.to_le_bytes());
                    }
                    p.push(u8::from(m.inline_allowed));
                }
            }
            BlobStatus::Skipped {
                reason,
                detail,
                path,
                commit,
            } => {
                p.push(if *reason == SkipReason::Binary { 2 } else { 3 });
                bytes(&mut p, detail.as_bytes());
                bytes(&mut p, path);
                p.extend_from_slice(commit.as_bytes());
            }
        }
    }
    len(&mut p, state.paths.len());
    for h in &state.paths {
        p.extend_from_slice(&h.to_le_bytes());
    }
    len(&mut p, state.path_hits.len());
    for hit in &state.path_hits {
        bytes(&mut p, &hit.path);
        p.extend_from_slice(hit.commit.as_bytes());
        p.extend_from_slice(hit.blob.as_bytes());
    }
    len(&mut p, state.intros.len());
    for (commit, list) in &state.intros {
        p.extend_from_slice(commit.as_bytes());
        len(&mut p, list.len());
        for (path, blob) in list {
            bytes(&mut p, path);
            p.extend_from_slice(blob.as_bytes());
        }
    }
    let mut out = Vec::with_capacity(HEADER_LEN + p.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(key);
    out.extend_from_slice(&(p.len() as u64).to_le_bytes());
    out.extend_from_slice(&Sha256::digest(&p));
    out.extend_from_slice(&p);
    out
}

/// Writes `state` to `file` atomically: a temporary file in the same
/// directory (private to the user), then a rename over the old one.
pub fn save(file: &Path, key: &[u8; 32], state: &State) -> std::io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.{nanos}.tmp", std::process::id()));
    let result = (|| {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(&encode(state, key))?;
        drop(f);
        std::fs::rename(&tmp, file)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Lower-case hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], &'static str> {
        let end = self.at.checked_add(n).ok_or("overflow")?;
        let out = self.buf.get(self.at..end).ok_or("truncated")?;
        self.at = end;
        Ok(out)
    }
    fn u8(&mut self) -> Result<u8, &'static str> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, &'static str> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().map_err(|_| "short")?,
        ))
    }
    fn u64(&mut self) -> Result<u64, &'static str> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().map_err(|_| "short")?,
        ))
    }
    fn oid(&mut self) -> Result<Oid, &'static str> {
        Oid::from_bytes(self.take(20)?).map_err(|_| "bad object id")
    }
    fn bytes(&mut self) -> Result<&'a [u8], &'static str> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    /// A count of records of at least `min` bytes each, checked against
    /// what is left (no allocation from a corrupt count).
    fn count(&mut self, min: usize) -> Result<usize, &'static str> {
        let n = usize::try_from(self.u64()?).map_err(|_| "count too large")?;
        if n.saturating_mul(min) > self.buf.len() - self.at {
            return Err("count larger than the file");
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(n: u8) -> Oid {
        Oid::from_bytes(&[n; 20]).unwrap()
    }

    fn sample() -> State {
        State {
            commits: vec![
                (oid(1), MSG_NONEMPTY),
                (oid(2), MSG_MATCHED | INTRODUCES_MATCHED),
            ],
            trees: vec![oid(3), oid(4)],
            blobs: vec![
                BlobEntry {
                    id: oid(5),
                    status: BlobStatus::Clean {
                        bytes: 42,
                        chunked: true,
                    },
                },
                BlobEntry {
                    id: oid(8),
                    status: BlobStatus::Matched(vec![MatchSpan {
                        rule: 3,
                        start: 10,
                        end: 40,
                        secret_start: 15,
                        secret_end: 40,
                        line_start: 0,
                        line_end: 41,
                        line: 2,
                        end_line: 2,
                        column: 16,
                        inline_allowed: true,
                    }]),
                },
                BlobEntry {
                    id: oid(6),
                    status: BlobStatus::Rescan,
                },
                BlobEntry {
                    id: oid(7),
                    status: BlobStatus::Skipped {
                        reason: SkipReason::TooLarge,
                        detail: "99 bytes".into(),
                        path: b"big.bin".to_vec(),
                        commit: oid(1),
                    },
                },
            ],
            paths: vec![path_hash(b"a"), path_hash(b"b/c")],
            path_hits: vec![PathHit {
                path: b"id_rsa".to_vec(),
                commit: oid(2),
                blob: oid(6),
            }],
            intros: vec![(oid(2), vec![(b"a/b.env".to_vec(), oid(8))])],
        }
    }

    #[test]
    fn round_trips() {
        let key = [9u8; 32];
        let state = sample();
        let bytes = encode(&state, &key);
        assert_eq!(decode(&bytes, &key).unwrap(), state);
    }

    #[test]
    fn another_key_is_stale_and_damage_is_corrupt() {
        let key = [9u8; 32];
        let bytes = encode(&sample(), &key);
        assert!(matches!(decode(&bytes, &[8u8; 32]), Err(LoadError::Stale)));
        for cut in [0, 10, HEADER_LEN, bytes.len() - 1] {
            assert!(
                matches!(decode(&bytes[..cut], &key), Err(LoadError::Corrupt(_))),
                "cut at {cut}"
            );
        }
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(matches!(decode(&flipped, &key), Err(LoadError::Corrupt(_))));
    }

    #[test]
    fn path_hashes_differ() {
        assert_ne!(path_hash(b"a"), path_hash(b"b"));
        assert_eq!(path_hash(b"x/y"), path_hash(b"x/y"));
    }

    #[test]
    fn save_replaces_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sub/history-x.bin");
        let key = [1u8; 32];
        save(&file, &key, &sample()).unwrap();
        save(&file, &key, &State::default()).unwrap();
        assert_eq!(load(&file, &key).unwrap(), Some(State::default()));
        let left: Vec<_> = std::fs::read_dir(file.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 1, "{left:?}");
    }
}
