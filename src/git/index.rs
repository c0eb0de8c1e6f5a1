//! A read-only fast path over git's index file for `scan --staged`.
//!
//! libgit2 loads an index by SHA-1-checking the whole file (collision
//! detecting SHA-1) and hashing every entry into a map: about 25 ms for a
//! 50,000-file repository, over the pre-commit budget by itself. git does
//! neither on read, and it uses the index's cache-tree (`TREE` extension) to
//! skip every directory whose tree id still equals `HEAD`'s. This module
//! does the same, read-only, for the common case; anything unusual (index
//! v1 or v5+, split or sparse indexes, conflict stages, unknown required
//! extensions, malformed data) returns `None` and the caller uses libgit2's
//! general path. No crate reads the index without a whole git
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

/// Reads the index at `path`; `None` when the fast path does not apply.
pub fn read(path: &Path) -> Option<FastIndex> {
    parse(&std::fs::read(path).ok()?)
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Parses index bytes (v2, v3 or v4); `None` when unsupported or malformed.
pub fn parse(data: &[u8]) -> Option<FastIndex> {
    if data.get(0..4)? != b"DIRC" {
        return None;
    }
    let version = be32(data, 4)?;
    if !(2..=4).contains(&version) {
        return None;
    }
    let count = be32(data, 8)? as usize;
    let end = data.len().checked_sub(20)?;
    let mut at = 12;
    let mut entries = Vec::with_capacity(count);
    let mut paths: Vec<u8> = Vec::with_capacity(data.len() / 2);
    let mut previous = 0..0;
    if u32::try_from(data.len()).is_err() {
        return None;
    }
    for _ in 0..count {
        let start = at;
        let mode = be32(data, at + 24)?;
        let id = Oid::from_bytes(data.get(at + 40..at + 60)?).ok()?;
        let flags = u16::from_be_bytes(data.get(at + 60..at + 62)?.try_into().ok()?);
        if flags & 0x3000 != 0 {
            return None; // a conflict stage: libgit2's path handles merges
        }
        at += 62;
        if flags & 0x4000 != 0 {
            if version < 3 {
                return None;
            }
            at += 2;
        }
        let path = if version == 4 {
            let mut strip = 0usize;
            loop {
                let byte = *data.get(at)?;
                at += 1;
                strip = (strip << 7) | usize::from(byte & 0x7f);
                if byte & 0x80 == 0 {
                    break;
                }
                strip += 1;
            }
            let keep = previous.len().checked_sub(strip)?;
            let len = memchr::memchr(0, data.get(at..end)?)?;
            let begin = paths.len();
            paths.extend_from_within(previous.start..previous.start + keep);
            paths.extend_from_slice(&data[at..at + len]);
            at += len + 1;
            begin..paths.len()
        } else {
            let len = memchr::memchr(0, data.get(at..end)?)?;
            let begin = paths.len();
            paths.extend_from_slice(&data[at..at + len]);
            // Entries are NUL-padded to a multiple of 8 bytes.
            at = start + (at - start + len + 8) / 8 * 8;
            begin..paths.len()
        };
        if at > end {
            return None;
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
        let signature = data.get(at..at + 4)?;
        let size = be32(data, at + 4)? as usize;
        let body = data.get(at + 8..(at + 8).checked_add(size)?)?;
        match signature {
            b"TREE" => cache = Some(parse_cache_tree(body)?),
            // Split and sparse indexes keep entries elsewhere.
            b"link" | b"sdir" => return None,
            // Other optional extensions (upper-case first letter) are skipped.
            s if s[0].is_ascii_uppercase() => {}
            _ => return None,
        }
        at += 8 + size;
    }
    Some(FastIndex {
        entries,
        paths,
        cache,
    })
}

fn parse_cache_tree(body: &[u8]) -> Option<CacheNode> {
    let mut at = 0;
    let node = parse_node(body, &mut at)?;
    (at == body.len()).then_some(node)
}

fn parse_node(body: &[u8], at: &mut usize) -> Option<CacheNode> {
    let nul = memchr::memchr(0, body.get(*at..)?)?;
    let name = body[*at..*at + nul].to_vec();
    *at += nul + 1;
    let newline = memchr::memchr(b'\n', body.get(*at..)?)?;
    let header = std::str::from_utf8(&body[*at..*at + newline]).ok()?;
    *at += newline + 1;
    let (count, subtrees) = header.split_once(' ')?;
    let count: i64 = count.parse().ok()?;
    let subtrees: usize = subtrees.parse().ok()?;
    let id = if count >= 0 {
        let id = Oid::from_bytes(body.get(*at..*at + 20)?).ok()?;
        *at += 20;
        Some(id)
    } else {
        None
    };
    let mut children = Vec::with_capacity(subtrees);
    for _ in 0..subtrees {
        children.push(parse_node(body, at)?);
    }
    Some(CacheNode { name, id, children })
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
        e.extend_from_slice(&((path.len() as u16) | flags_extra).to_be_bytes());
        e.extend_from_slice(path.as_bytes());
        let pad = 8 - (e.len() % 8);
        e.extend(std::iter::repeat_n(0u8, pad));
        e
    }

    fn index(entries: &[Vec<u8>], ext: &[u8]) -> Vec<u8> {
        let mut d = b"DIRC".to_vec();
        d.extend_from_slice(&2u32.to_be_bytes());
        d.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        for e in entries {
            d.extend_from_slice(e);
        }
        d.extend_from_slice(ext);
        d.extend_from_slice(&[0u8; 20]);
        d
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
        let conflict = index(&[entry_bytes("a", 1, 0o100644, 0x1000)], b"");
        assert!(parse(&conflict).is_none());
        let split = index(&[entry_bytes("a", 1, 0o100644, 0)], b"link\x00\x00\x00\x00");
        assert!(parse(&split).is_none());
        assert!(parse(b"DIRC\x00\x00\x00\x07").is_none());
        assert!(parse(b"garbage").is_none());
        let mut truncated = index(&[entry_bytes("abc", 1, 0o100644, 0)], b"");
        truncated.truncate(40);
        assert!(parse(&truncated).is_none());
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
