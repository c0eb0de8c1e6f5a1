//! What changed: the lines a new blob adds over an old one, and the blob
//! entries a tree adds over another.
//!
//! Incremental modes (staged, range, pre-push) report only matches that
//! touch *added* lines, so a secret committed long ago is not blamed on every
//! later edit of its file. A multi-line match counts when any of its lines
//! was added. Tree diffs here compare object ids and never descend into a
//! subtree whose id is unchanged, which keeps a walk over thousands of
//! commits proportional to what each commit changed.

use super::{GitContext, GitError};
use git2::{DiffOptions, FileMode, Oid, Patch, Repository, Tree};

/// The 1-based lines of a blob that a change added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddedLines {
    /// The whole blob is new (an added file).
    All,
    /// Sorted, disjoint, non-adjacent inclusive line ranges.
    Ranges(Vec<(u32, u32)>),
}

impl AddedLines {
    /// Builds the set from `(first, count)` pairs such as diff hunks' new
    /// sides; pairs with a zero count (pure deletions) add nothing.
    pub fn from_spans(spans: impl IntoIterator<Item = (u32, u32)>) -> AddedLines {
        let mut ranges: Vec<(u32, u32)> = spans
            .into_iter()
            .filter(|&(_, count)| count > 0)
            .map(|(first, count)| (first, first.saturating_add(count - 1)))
            .collect();
        ranges.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
        for (start, end) in ranges {
            match merged.last_mut() {
                Some(last) if start <= last.1.saturating_add(1) => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        AddedLines::Ranges(merged)
    }

    /// True when no line was added.
    pub fn is_empty(&self) -> bool {
        matches!(self, AddedLines::Ranges(r) if r.is_empty())
    }

    /// True when any line of `first..=last` was added.
    pub fn touches(&self, first: u32, last: u32) -> bool {
        let last = last.max(first);
        match self {
            AddedLines::All => true,
            AddedLines::Ranges(ranges) => {
                // First range that ends at or after `first`; it touches when it starts by `last`.
                let i = ranges.partition_point(|&(_, end)| end < first);
                ranges.get(i).is_some_and(|&(start, _)| start <= last)
            }
        }
    }

    /// Lines added relative to both bases: a merge adds a line only when no
    /// parent had it (the combined-diff rule).
    pub fn intersect(&self, other: &AddedLines) -> AddedLines {
        match (self, other) {
            (AddedLines::All, x) | (x, AddedLines::All) => x.clone(),
            (AddedLines::Ranges(a), AddedLines::Ranges(b)) => {
                let (mut i, mut j) = (0, 0);
                let mut out = Vec::new();
                while i < a.len() && j < b.len() {
                    let start = a[i].0.max(b[j].0);
                    let end = a[i].1.min(b[j].1);
                    if start <= end {
                        out.push((start, end));
                    }
                    if a[i].1 < b[j].1 {
                        i += 1;
                    } else {
                        j += 1;
                    }
                }
                AddedLines::Ranges(out)
            }
        }
    }
}

/// The lines `new` adds over `old` (`None`: everything is new), from a
/// zero-context text diff, so every new-side hunk line is an added line.
pub fn added_lines(old: Option<&[u8]>, new: &[u8]) -> Result<AddedLines, GitError> {
    let Some(old) = old else {
        return Ok(AddedLines::All);
    };
    let mut opts = DiffOptions::new();
    // Binary-looking blobs were filtered out before; what remains is diffed
    // as text even if libgit2's own heuristic would disagree.
    opts.context_lines(0).interhunk_lines(0).force_text(true);
    let patch = Patch::from_buffers(old, None, new, None, Some(&mut opts))
        .git_context(|| "diffing blob contents".to_string())?;
    let mut spans = Vec::with_capacity(patch.num_hunks());
    for i in 0..patch.num_hunks() {
        let (hunk, _) = patch
            .hunk(i)
            .git_context(|| "reading a diff hunk".to_string())?;
        spans.push((hunk.new_start(), hunk.new_lines()));
    }
    Ok(AddedLines::from_spans(spans))
}

/// A blob entry that a tree has and its base tree had not (same path, same id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedBlob {
    /// Repository-relative path, `/`-separated, as raw bytes.
    pub path: Vec<u8>,
    /// The blob now at that path.
    pub id: Oid,
    /// The blob at that path in the base tree, when there was one.
    pub old_id: Option<Oid>,
}

/// Whether a tree entry mode is a regular or executable file: the only
/// entries whose blobs are scanned (symlink targets and submodule commits
/// are not file contents).
pub fn is_file_mode(mode: i32) -> bool {
    mode == i32::from(FileMode::Blob) || mode == i32::from(FileMode::BlobExecutable)
}

fn is_tree_mode(mode: i32) -> bool {
    mode == i32::from(FileMode::Tree)
}

/// Calls `f` for each regular-file blob in `new` that differs from `old` at
/// the same path (all of them when `old` is `None`), in tree order. Subtrees
/// with equal ids are skipped without being read.
pub fn changed_blobs(
    repo: &Repository,
    old: Option<&Tree<'_>>,
    new: &Tree<'_>,
    f: &mut dyn FnMut(ChangedBlob),
) -> Result<(), GitError> {
    let mut prefix = Vec::new();
    walk_changes(repo, old, new, &mut prefix, f)
}

fn walk_changes(
    repo: &Repository,
    old: Option<&Tree<'_>>,
    new: &Tree<'_>,
    prefix: &mut Vec<u8>,
    f: &mut dyn FnMut(ChangedBlob),
) -> Result<(), GitError> {
    if old.is_some_and(|o| o.id() == new.id()) {
        return Ok(());
    }
    for entry in new.iter() {
        let mode = entry.filemode();
        let before = old.and_then(|o| o.get_name_bytes(entry.name_bytes()));
        let unchanged = before
            .as_ref()
            .is_some_and(|b| b.id() == entry.id() && b.filemode() == mode);
        if unchanged {
            continue;
        }
        let len = prefix.len();
        prefix.extend_from_slice(entry.name_bytes());
        if is_tree_mode(mode) {
            let subtree = repo.find_tree(entry.id()).git_context(|| {
                format!(
                    "reading tree {} ({})",
                    entry.id(),
                    super::path_string(prefix)
                )
            })?;
            let old_subtree = match &before {
                Some(b) if is_tree_mode(b.filemode()) => Some(
                    repo.find_tree(b.id())
                        .git_context(|| format!("reading tree {}", b.id()))?,
                ),
                _ => None,
            };
            prefix.push(b'/');
            walk_changes(repo, old_subtree.as_ref(), &subtree, prefix, f)?;
        } else if is_file_mode(mode) {
            let old_id = before
                .as_ref()
                .filter(|b| is_file_mode(b.filemode()))
                .map(|b| b.id());
            f(ChangedBlob {
                path: prefix.clone(),
                id: entry.id(),
                old_id,
            });
        }
        prefix.truncate(len);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_merge_and_skip_deletions() {
        let set = AddedLines::from_spans([(10, 2), (3, 1), (4, 3), (20, 0)]);
        assert_eq!(set, AddedLines::Ranges(vec![(3, 6), (10, 11)]));
        assert!(set.touches(6, 6));
        assert!(!set.touches(7, 9));
        assert!(
            set.touches(8, 10),
            "a multi-line match touching an added line counts"
        );
        assert!(!set.touches(12, 12));
        assert!(!set.touches(1, 2));
        assert!(AddedLines::from_spans([(5, 0)]).is_empty());
    }

    #[test]
    fn intersection_keeps_lines_new_to_every_parent() {
        let a = AddedLines::Ranges(vec![(1, 5), (10, 12)]);
        let b = AddedLines::Ranges(vec![(4, 11)]);
        assert_eq!(a.intersect(&b), AddedLines::Ranges(vec![(4, 5), (10, 11)]));
        assert_eq!(AddedLines::All.intersect(&b), b);
        assert!(a.intersect(&AddedLines::Ranges(vec![])).is_empty());
    }

    #[test]
    fn added_lines_of_an_edit() {
        let old = b"a\nb\nc\nd\n";
        let new = b"a\nB\nc\nd\ne\nf\n";
        let set = added_lines(Some(old), new).unwrap();
        assert_eq!(set, AddedLines::Ranges(vec![(2, 2), (5, 6)]));
        assert_eq!(added_lines(None, new).unwrap(), AddedLines::All);
        assert!(added_lines(Some(new), new).unwrap().is_empty());
        // Moving a line down adds it at its new position only.
        let moved = added_lines(Some(b"x\ny\nz\n"), b"y\nz\nx\n").unwrap();
        assert_eq!(moved, AddedLines::Ranges(vec![(3, 3)]));
    }

    #[test]
    fn changed_blobs_reports_added_and_modified_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let blob = |data: &[u8]| repo.blob(data).unwrap();
        let tree = |entries: &[(&str, Oid, i32)]| {
            let mut b = repo.treebuilder(None).unwrap();
            for (name, id, mode) in entries {
                b.insert(name, *id, *mode).unwrap();
            }
            b.write().unwrap()
        };
        let (a1, a2, c) = (blob(b"one"), blob(b"two"), blob(b"three"));
        let sub1 = tree(&[("c.txt", c, 0o100644)]);
        let old = tree(&[
            ("a.txt", a1, 0o100644),
            ("dir", sub1, 0o040000),
            ("gone", c, 0o100644),
        ]);
        let sub2 = tree(&[("c.txt", c, 0o100644), ("d.txt", a1, 0o100755)]);
        let new = tree(&[
            ("a.txt", a2, 0o100644),
            ("dir", sub2, 0o040000),
            ("link", a1, 0o120000),
        ]);
        let (old, new) = (repo.find_tree(old).unwrap(), repo.find_tree(new).unwrap());
        let mut seen = Vec::new();
        changed_blobs(&repo, Some(&old), &new, &mut |c| seen.push(c)).unwrap();
        assert_eq!(
            seen,
            vec![
                ChangedBlob {
                    path: b"a.txt".to_vec(),
                    id: a2,
                    old_id: Some(a1)
                },
                ChangedBlob {
                    path: b"dir/d.txt".to_vec(),
                    id: a1,
                    old_id: None
                },
            ]
        );
        let mut all = Vec::new();
        changed_blobs(&repo, None, &old, &mut |c| {
            all.push(String::from_utf8(c.path).unwrap())
        })
        .unwrap();
        assert_eq!(all, vec!["a.txt", "dir/c.txt", "gone"]);
    }
}
