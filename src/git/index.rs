//! A read-only fast path over git's index file for `scan --staged`.
//!
//! libgit2 loads an index by SHA-1-checking the whole file (collision
//! detecting SHA-1) and hashing every entry into a map: about 25 ms for a
//! 50,000-file repository, over the pre-commit budget by itself. git does
//! neither on read, and it uses the index's cache-tree (`TREE` extension) to
//! skip every directory whose tree id still equals `HEAD`'s. This module
//! does the same, read-only, for the common case; anything unusual (index
//! v1 or v5+, split or sparse indexes, conflict stages, unknown required
//! extensions) returns [`IndexError::Unsupported`] and the caller uses
//! libgit2's general path; a malformed index ([`IndexError::Corrupt`]: bad
//! checksum, counts larger than the file, nesting deeper than git allows)
//! stops the scan with an error naming the problem. Every allocation is
//! bounded by the bytes that remain and nothing recurses on input data. No crate reads the index without a whole git
//! implementation, hence this small parser.

use super::diff::is_file_mode;
use git2::{Oid, Repository, Tree};
use std::collections::HashSet;
use std::path::Path;

/// One stage-0 index entry; its path lives in [`FastIndex::paths`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Start of the path in the path arena.
    start: u32,
    /// Length of the path.
    len: u32,
    /// Staged object id.
    pub id: Oid,
    /// Git file mode (`0o100644`, `0o100755`, `0o120000`, `0o160000`).
    pub mode: u32,
}

/// A node of the cache-tree: the tree id a directory would be written as,
/// when still valid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheNode {
    /// Directory name (empty for the root).
    pub name: Vec<u8>,
    /// Tree id, `None` when invalidated by a change below it.
    pub id: Option<Oid>,
    /// Subdirectories.
    pub children: Vec<CacheNode>,
}

/// The parts of an index the staged scan needs. Paths are kept in one
/// arena: a 50,000-entry index would otherwise cost 50,000 allocations.
#[derive(Debug, Default)]
pub struct FastIndex {
    /// Entries in index order (sorted by path).
    pub entries: Vec<Entry>,
    /// Every path, back to back.
    paths: Vec<u8>,
    /// The cache-tree, when the index has one.
    pub cache: Option<CacheNode>,
}

impl FastIndex {
    /// The path of `entry` (repository-relative, `/`-separated).
    pub fn path(&self, entry: &Entry) -> &[u8] {
        &self.paths[entry.start as usize..(entry.start + entry.len) as usize]
    }
}

/// A staged path that differs from `HEAD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Path.
    pub path: Vec<u8>,
    /// Staged id and mode.
    pub id: Oid,
    /// Staged mode.
    pub mode: u32,
    /// `HEAD`'s id and mode at the path, if any.
    pub old: Option<(Oid, u32)>,
}

/// Deepest directory nesting accepted in a path or the cache-tree (git's
/// own `core.maxTreeDepth` default): bounds the staged walk's recursion.
pub const MAX_DEPTH: usize = 4096;

/// Why the fast path was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    /// A valid index this parser does not handle (v1/v5, split or sparse,
    /// conflict stages): use libgit2's general path.
    #[error("unsupported index: {0}")]
    Unsupported(&'static str),
    /// The file is not a well-formed index: the scan must stop.
    #[error("corrupt index: {0}")]
    Corrupt(String),
}

/// Largest index file read (a 1,000,000-file index is about 100 MB).
pub const MAX_INDEX_BYTES: u64 = 4 << 30;

/// Reads the index at `path` (a regular file, read with a bounded read).
/// A missing index is an empty staging area (`Unsupported`, for libgit2).
pub fn read(path: &Path) -> Result<FastIndex, IndexError> {
    if std::fs::symlink_metadata(path).is_err() {
        return Err(IndexError::Unsupported("no index file"));
    }
    let refused = |r: crate::source::read::OpenRefusal| {
        IndexError::Corrupt(format!("{}: {r}", crate::escape::path(path)))
    };
    let (file, size) = crate::source::read::open_regular(path, None).map_err(refused)?;
    if size > MAX_INDEX_BYTES {
        return Err(refused(crate::source::read::OpenRefusal::Io(format!(
            "{size} bytes, over the {MAX_INDEX_BYTES}-byte limit for this file"
        ))));
    }
    // Sized up front: the index is read on every pre-commit run, and a
    // growing buffer would copy it a dozen times on the way.
    let mut data = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    use std::io::Read;
    file.take(MAX_INDEX_BYTES.saturating_add(1))
        .read_to_end(&mut data)
        .map_err(|e| refused(crate::source::read::OpenRefusal::Io(e.to_string())))?;
    if data.len() as u64 > MAX_INDEX_BYTES {
        return Err(refused(crate::source::read::OpenRefusal::Io(format!(
            "grew past the {MAX_INDEX_BYTES}-byte limit for this file while being read"
        ))));
    }
    parse(&data)
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

/// Smallest on-disk entry: 62 bytes of fixed fields, then at least a NUL.
const MIN_ENTRY: usize = 63;

/// Parses index bytes (v2, v3 or v4). Every count is checked against the
/// bytes that remain before anything is allocated, nothing recurses, and the
/// trailing SHA-1 must match (an all-zero trailer, written under
/// `index.skipHash`, is accepted).
pub fn parse(data: &[u8]) -> Result<FastIndex, IndexError> {
    let corrupt = |what: &str| IndexError::Corrupt(what.to_string());
    if data.get(0..4) != Some(b"DIRC".as_slice()) {
        return Err(corrupt("no `DIRC` signature"));
    }
    let version = be32(data, 4).ok_or_else(|| corrupt("truncated header"))?;
    if !(2..=4).contains(&version) {
        return Err(IndexError::Unsupported("version other than 2, 3 or 4"));
    }
    let count = be32(data, 8).ok_or_else(|| corrupt("truncated header"))? as usize;
    let end = data
        .len()
        .checked_sub(20)
        .filter(|&e| e >= 12)
        .ok_or_else(|| corrupt("shorter than its header and checksum"))?;
    let trailer = &data[end..];
    if trailer.iter().any(|&b| b != 0) {
        use sha1::Digest;
        let digest = sha1::Sha1::digest(&data[..end]);
        if digest.as_slice() != trailer {
            return Err(corrupt(
                "checksum mismatch (the trailing SHA-1 does not match the content)",
            ));
        }
    }
    if u32::try_from(data.len()).is_err() {
        return Err(IndexError::Unsupported("index over 4 GiB"));
    }
    if count > (end - 12) / MIN_ENTRY {
        return Err(IndexError::Corrupt(format!(
            "claims {count} entries, more than its {} bytes can hold",
            data.len()
        )));
    }
    let mut at = 12;
    let mut entries = Vec::with_capacity(count);
    let mut paths: Vec<u8> = Vec::with_capacity(end - 12);
    let mut previous = 0..0;
    for n in 0..count {
        let truncated = || IndexError::Corrupt(format!("entry {n} is truncated"));
        let start = at;
        let mode = be32(data, at + 24).ok_or_else(truncated)?;
        let id = data
            .get(at + 40..at + 60)
            .and_then(|b| Oid::from_bytes(b).ok())
            .ok_or_else(truncated)?;
        let flags = data
            .get(at + 60..at + 62)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(truncated)?;
        if flags & 0x3000 != 0 {
            return Err(IndexError::Unsupported("conflict stages")); // libgit2 handles merges
        }
        at += 62;
        if flags & 0x4000 != 0 {
            if version < 3 {
                return Err(corrupt("extended flags in a version 2 index"));
            }
            at += 2;
        }
        let path = if version == 4 {
            let mut strip = 0usize;
            loop {
                let byte = *data.get(at).filter(|_| at < end).ok_or_else(truncated)?;
                at += 1;
                strip = strip
                    .checked_shl(7)
                    .filter(|s| s >> 7 == strip)
                    .ok_or_else(|| corrupt("path prefix length overflows"))?
                    | usize::from(byte & 0x7f);
                if byte & 0x80 == 0 {
                    break;
                }
                strip = strip
                    .checked_add(1)
                    .ok_or_else(|| corrupt("path prefix length overflows"))?;
            }
            let keep = previous.len().checked_sub(strip).ok_or_else(|| {
                IndexError::Corrupt(format!("entry {n} strips more than the previous path"))
            })?;
            let len = data
                .get(at..end)
                .and_then(|rest| memchr::memchr(0, rest))
                .ok_or_else(truncated)?;
            let begin = paths.len();
            if begin + keep + len > end * 4 {
                // Prefix compression lets tiny entries repeat long paths:
                // bound the arena by a multiple of the input.
                return Err(corrupt("expanded paths exceed four times the index size"));
            }
            paths.extend_from_within(previous.start..previous.start + keep);
            paths.extend_from_slice(&data[at..at + len]);
            at += len + 1;
            begin..paths.len()
        } else {
            let len = data
                .get(at..end)
                .and_then(|rest| memchr::memchr(0, rest))
                .ok_or_else(truncated)?;
            let begin = paths.len();
            paths.extend_from_slice(&data[at..at + len]);
            // Entries are NUL-padded to a multiple of 8 bytes.
            at = start + (at - start + len + 8) / 8 * 8;
            begin..paths.len()
        };
        if at > end {
            return Err(truncated());
        }
        if memchr::memchr_iter(b'/', &paths[path.clone()]).count() >= MAX_DEPTH {
            return Err(IndexError::Corrupt(format!(
                "entry {n}: path nested deeper than {MAX_DEPTH} directories"
            )));
        }
        entries.push(Entry {
            start: path.start as u32,
            len: path.len() as u32,
            id,
            mode,
        });
        previous = path;
    }
    let mut cache = None;
    while at < end {
        let bad_ext = || corrupt("truncated extension");
        let signature = data.get(at..at + 4).ok_or_else(bad_ext)?;
        let size = be32(data, at + 4).ok_or_else(bad_ext)? as usize;
        let body = (at + 8)
            .checked_add(size)
            .filter(|&e| e <= end)
            .and_then(|e| data.get(at + 8..e))
            .ok_or_else(bad_ext)?;
        match signature {
            b"TREE" => cache = Some(parse_cache_tree(body)?),
            // Split and sparse indexes keep entries elsewhere.
            b"link" | b"sdir" => return Err(IndexError::Unsupported("split or sparse index")),
            // Other optional extensions (upper-case first letter) are skipped.
            s if s[0].is_ascii_uppercase() => {}
            _ => return Err(IndexError::Unsupported("unknown required extension")),
        }
        at += 8 + size;
    }
    Ok(FastIndex {
        entries,
        paths,
        cache,
    })
}

/// Smallest cache-tree node: an empty name's NUL and `0 0\n`.
const MIN_NODE: usize = 5;

/// Parses the `TREE` extension iteratively (a pre-order list of nodes, each
/// followed by its subtrees): an explicit stack of nodes still waiting for
/// children, bounded by [`MAX_DEPTH`], and subtree counts bounded by the
/// bytes left.
fn parse_cache_tree(body: &[u8]) -> Result<CacheNode, IndexError> {
    let corrupt = |what: String| IndexError::Corrupt(format!("cache-tree: {what}"));
    let mut at = 0;
    // (node, children still to read)
    let mut stack: Vec<(CacheNode, usize)> = Vec::new();
    loop {
        let (node, subtrees) = parse_node(body, &mut at).map_err(corrupt)?;
        if subtrees > (body.len() - at) / MIN_NODE {
            return Err(corrupt(format!(
                "a node claims {subtrees} subtrees, more than the bytes left can hold"
            )));
        }
        if stack.len() >= MAX_DEPTH {
            return Err(corrupt(format!("nested deeper than {MAX_DEPTH} levels")));
        }
        stack.push((node, subtrees));
        // Close every finished node into its parent.
        while let Some(&(_, 0)) = stack.last() {
            let Some((done, _)) = stack.pop() else { break };
            match stack.last_mut() {
                Some((parent, left)) => {
                    parent.children.push(done);
                    *left -= 1;
                }
                None => {
                    return if at == body.len() {
                        Ok(done)
                    } else {
                        Err(corrupt("trailing bytes after the root".to_string()))
                    };
                }
            }
        }
    }
}

fn parse_node(body: &[u8], at: &mut usize) -> Result<(CacheNode, usize), String> {
    let rest = body.get(*at..).unwrap_or_default();
    let nul = memchr::memchr(0, rest).ok_or("truncated node name")?;
    let name = rest[..nul].to_vec();
    *at += nul + 1;
    let rest = body.get(*at..).unwrap_or_default();
    let newline = memchr::memchr(b'\n', rest).ok_or("truncated node header")?;
    let header = std::str::from_utf8(&rest[..newline]).map_err(|_| "node header is not text")?;
    *at += newline + 1;
    let (count, subtrees) = header.split_once(' ').ok_or("malformed node header")?;
    let count: i64 = count.parse().map_err(|_| "malformed entry count")?;
    let subtrees: usize = subtrees.parse().map_err(|_| "malformed subtree count")?;
    let id = if count >= 0 {
        let id = body
            .get(*at..*at + 20)
            .and_then(|b| Oid::from_bytes(b).ok())
            .ok_or("truncated tree id")?;
        *at += 20;
        Some(id)
    } else {
        None
    };
    Ok((
        CacheNode {
            name,
            id,
            children: Vec::with_capacity(subtrees.min(64)),
        },
        subtrees,
    ))
}

/// Staged changes against `head`, and whether any path was deleted (the
/// caller needs libgit2's rename detection then). Directories whose
/// cache-tree id equals `head`'s are skipped unread.
pub fn changes(
    repo: &Repository,
    index: &FastIndex,
    head: &Tree<'_>,
) -> Result<(Vec<Change>, bool), git2::Error> {
    let mut out = Vec::new();
    let mut deleted = false;
    walk(
        repo,
        index,
        &index.entries,
        0,
        Some(head),
        index.cache.as_ref(),
        &mut out,
        &mut deleted,
    )?;
    Ok((out, deleted))
}

#[allow(clippy::too_many_arguments)] // recursion state, kept flat for speed
fn walk(
    repo: &Repository,
    index: &FastIndex,
    entries: &[Entry],
    prefix_len: usize,
    head: Option<&Tree<'_>>,
    cache: Option<&CacheNode>,
    out: &mut Vec<Change>,
    deleted: &mut bool,
) -> Result<(), git2::Error> {
    if let (Some(tree), Some(id)) = (head, cache.and_then(|c| c.id)) {
        if tree.id() == id {
            return Ok(());
        }
    }
    let mut names: HashSet<&[u8]> = HashSet::new();
    let mut i = 0;
    while i < entries.len() {
        let rest = &index.path(&entries[i])[prefix_len..];
        match memchr::memchr(b'/', rest) {
            None => {
                let e = &entries[i];
                names.insert(rest);
                let before = head.and_then(|t| t.get_name_bytes(rest));
                let old = before
                    .as_ref()
                    .map(|b| (b.id(), b.filemode() as u32))
                    .filter(|&(_, mode)| mode != 0o040000);
                if before.as_ref().is_some_and(|b| b.filemode() == 0o040000) {
                    *deleted = true; // a directory replaced by a file
                }
                if old != Some((e.id, e.mode)) {
                    out.push(Change {
                        path: index.path(e).to_vec(),
                        id: e.id,
                        mode: e.mode,
                        old,
                    });
                }
                i += 1;
            }
            Some(slash) => {
                let dir = &rest[..slash];
                names.insert(dir);
                let len = prefix_len + slash + 1;
                let dir_prefix = &index.path(&entries[i])[..len];
                let j = i + entries[i..]
                    .iter()
                    .position(|e| !index.path(e).starts_with(dir_prefix))
                    .unwrap_or(entries.len() - i);
                let sub = match head.and_then(|t| t.get_name_bytes(dir)) {
                    Some(e) if e.filemode() == 0o040000 => Some(repo.find_tree(e.id())?),
                    Some(_) => {
                        *deleted = true; // a file replaced by a directory
                        None
                    }
                    None => None,
                };
                let child = cache.and_then(|c| c.children.iter().find(|n| n.name == dir));
                walk(
                    repo,
                    index,
                    &entries[i..j],
                    len,
                    sub.as_ref(),
                    child,
                    out,
                    deleted,
                )?;
                i = j;
            }
        }
    }
    if let Some(tree) = head {
        if tree.iter().any(|e| !names.contains(e.name_bytes())) {
            *deleted = true;
        }
    }
    Ok(())
}

/// True for modes whose content is scanned (regular and executable files).
pub fn is_scanned_mode(mode: u32) -> bool {
    is_file_mode(mode as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry_bytes(path: &str, id: u8, mode: u32, flags_extra: u16) -> Vec<u8> {
        let mut e = vec![0u8; 24];
        e.extend_from_slice(&mode.to_be_bytes());
        e.extend_from_slice(&[0u8; 12]);
        e.extend_from_slice(&[id; 20]);
        e.extend_from_slice(&((path.len().min(0xfff) as u16) | flags_extra).to_be_bytes());
        e.extend_from_slice(path.as_bytes());
        let pad = 8 - (e.len() % 8);
        e.extend(std::iter::repeat_n(0u8, pad));
        e
    }

    fn index(entries: &[Vec<u8>], ext: &[u8]) -> Vec<u8> {
        index_claiming(entries.len() as u32, entries, ext)
    }

    fn index_claiming(count: u32, entries: &[Vec<u8>], ext: &[u8]) -> Vec<u8> {
        use sha1::Digest;
        let mut d = b"DIRC".to_vec();
        d.extend_from_slice(&2u32.to_be_bytes());
        d.extend_from_slice(&count.to_be_bytes());
        for e in entries {
            d.extend_from_slice(e);
        }
        d.extend_from_slice(ext);
        let sum = sha1::Sha1::digest(&d);
        d.extend_from_slice(&sum);
        d
    }

    fn tree_ext(body: &[u8]) -> Vec<u8> {
        let mut t = b"TREE".to_vec();
        t.extend_from_slice(&(body.len() as u32).to_be_bytes());
        t.extend_from_slice(body);
        t
    }

    fn corrupt(data: &[u8]) -> String {
        match parse(data) {
            Err(IndexError::Corrupt(m)) => m,
            other => panic!("expected a corrupt-index error, got {other:?}"),
        }
    }

    #[test]
    fn hostile_indexes_fail_cleanly_without_huge_allocations() {
        let one = [entry_bytes("a", 1, 0o100644, 0)];
        // An entry count of 0x7fffffff: rejected before any allocation.
        let m = corrupt(&index_claiming(0x7fff_ffff, &one, b""));
        assert!(m.contains("claims 2147483647 entries"), "{m}");
        // A subtree count of 2^64-1.
        let mut huge = b"\x001 18446744073709551615\n".to_vec();
        huge.extend_from_slice(&[7u8; 20]);
        let m = corrupt(&index(&one, &tree_ext(&huge)));
        assert!(m.contains("subtrees"), "{m}");
        // A cache-tree nested 2M deep: iterative, bounded by MAX_DEPTH.
        let deep = b"\x00-1 1\n".repeat(2_000_000);
        let m = corrupt(&index(&one, &tree_ext(&deep)));
        assert!(m.contains("deeper than 4096"), "{m}");
        // A flipped byte breaks the checksum.
        let mut flipped = index(&one, b"");
        flipped[30] ^= 1;
        assert!(corrupt(&flipped).contains("checksum mismatch"));
        // A path nested deeper than git allows.
        let deep_path = "a/".repeat(5000) + "f";
        let m = corrupt(&index(&[entry_bytes(&deep_path, 1, 0o100644, 0)], b""));
        assert!(m.contains("deeper than 4096"), "{m}");
        assert!(corrupt(b"garbage").contains("DIRC"));
        // An all-zero trailer (index.skipHash) is accepted.
        let mut skip = index(&one, b"");
        let n = skip.len();
        skip[n - 20..].fill(0);
        assert_eq!(parse(&skip).unwrap().entries.len(), 1);
    }

    #[test]
    fn parses_v2_entries_and_the_cache_tree() {
        let mut tree = b"TREE".to_vec();
        let mut body = b"\x002 1\n".to_vec();
        body.extend_from_slice(&[9u8; 20]);
        body.extend_from_slice(b"dir\x00-1 0\n");
        tree.extend_from_slice(&(body.len() as u32).to_be_bytes());
        tree.extend_from_slice(&body);
        let data = index(
            &[
                entry_bytes("a.txt", 1, 0o100644, 0),
                entry_bytes("dir/b", 2, 0o100755, 0),
            ],
            &tree,
        );
        let parsed = parse(&data).unwrap();
        assert!(corrupt(&index(&[], &tree_ext(b"\x002 1\n"))).contains("cache-tree"));
        assert_eq!(parsed.entries.len(), 2);
        assert_eq!(parsed.path(&parsed.entries[1]), b"dir/b");
        assert_eq!(parsed.entries[1].mode, 0o100755);
        assert_eq!(parsed.entries[0].id, Oid::from_bytes(&[1; 20]).unwrap());
        let cache = parsed.cache.unwrap();
        assert_eq!(cache.id, Some(Oid::from_bytes(&[9; 20]).unwrap()));
        assert_eq!(cache.children[0].name, b"dir");
        assert_eq!(cache.children[0].id, None);
    }

    #[test]
    fn unsupported_indexes_fall_back() {
        let unsupported = |d: &[u8]| matches!(parse(d), Err(IndexError::Unsupported(_)));
        let conflict = index(&[entry_bytes("a", 1, 0o100644, 0x1000)], b"");
        assert!(unsupported(&conflict));
        let split = index(&[entry_bytes("a", 1, 0o100644, 0)], b"link\x00\x00\x00\x00");
        assert!(unsupported(&split));
        assert!(unsupported(b"DIRC\x00\x00\x00\x07"));
        let mut truncated = index(&[entry_bytes("abc", 1, 0o100644, 0)], b"");
        truncated.truncate(40);
        assert!(parse(&truncated).is_err());
    }

    #[test]
    fn matches_libgit2_on_a_real_index_and_finds_changes() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let sig = git2::Signature::now("t", "t@e").unwrap();
        let mut idx = repo.index().unwrap();
        for p in ["a.txt", "d/x.txt", "d/e/y.txt", "z.txt"] {
            std::fs::create_dir_all(dir.path().join(p).parent().unwrap()).unwrap();
            std::fs::write(dir.path().join(p), p).unwrap();
            idx.add_path(Path::new(p)).unwrap();
        }
        idx.write().unwrap();
        let tree = repo.find_tree(idx.write_tree().unwrap()).unwrap();
        repo.commit(Some("HEAD"), &sig, &sig, "m", &tree, &[])
            .unwrap();
        std::fs::write(dir.path().join("d/e/y.txt"), "changed").unwrap();
        std::fs::write(dir.path().join("d/new.txt"), "new").unwrap();
        idx.add_path(Path::new("d/e/y.txt")).unwrap();
        idx.add_path(Path::new("d/new.txt")).unwrap();
        idx.write().unwrap();

        let fast = read(&repo.path().join("index")).unwrap();
        let paths: Vec<&[u8]> = fast.entries.iter().map(|e| fast.path(e)).collect();
        let expected: Vec<Vec<u8>> = idx.iter().map(|e| e.path).collect();
        assert_eq!(
            paths,
            expected.iter().map(Vec::as_slice).collect::<Vec<_>>()
        );
        let (changes, deleted) = changes(&repo, &fast, &tree).unwrap();
        let changed: Vec<&[u8]> = changes.iter().map(|c| c.path.as_slice()).collect();
        assert_eq!(
            changed,
            vec![b"d/e/y.txt".as_slice(), b"d/new.txt".as_slice()]
        );
        assert!(changes[0].old.is_some() && changes[1].old.is_none());
        assert!(!deleted);

        // Version 4 prefix-compresses paths; the result must be identical.
        idx.set_version(4).unwrap();
        idx.write().unwrap();
        let v4 = read(&repo.path().join("index")).unwrap();
        let v4_paths: Vec<&[u8]> = v4.entries.iter().map(|e| v4.path(e)).collect();
        assert_eq!(v4_paths, paths);

        idx.remove_path(Path::new("z.txt")).unwrap();
        idx.write().unwrap();
        let fast = read(&repo.path().join("index")).unwrap();
        assert!(changes_deleted(&repo, &fast, &tree));
    }

    fn changes_deleted(repo: &Repository, index: &FastIndex, tree: &Tree<'_>) -> bool {
        changes(repo, index, tree).unwrap().1
    }
}
