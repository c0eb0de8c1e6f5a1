//! What refs point at besides commits: annotated tags (whose messages are
//! scanned, see [`message`](super::message)) and tags of blobs and trees.
//!
//! `git tag key-backup <blob>` stores a blob no commit contains; a history
//! walk starting from commits never sees it. [`resolve`] peels each ref
//! through its chain of tag objects, and [`scan_targets`] scans the blobs
//! and trees found at the end. Findings are named after the ref: the blob
//! of `refs/tags/k` is `refs/tags/k`, a file in a tagged tree is
//! `refs/tags/t:dir/file` (what `git show` accepts).

use super::attribution::{FindingSet, Origin};
use super::{GitContext, GitError, ScanOutput};
use crate::scanner::{BlobContext, Scanner};
use crate::source::text::{self, Encoding};
use crate::source::{Skip, SkipReason};
use git2::{ObjectType, Oid, Repository};
use std::borrow::Cow;
use std::collections::HashSet;

/// Longest chain of tags of tags followed.
const MAX_TAG_CHAIN: usize = 64;

/// One ref, peeled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peeled {
    /// Full ref name (`refs/tags/v1`).
    pub name: String,
    /// Annotated tag objects on the way, outermost first.
    pub tags: Vec<Oid>,
    /// What the chain ends at.
    pub target: Oid,
    /// Its kind (commit, tree or blob).
    pub kind: ObjectType,
}

/// Peels the object `id` reached through ref `name`.
pub fn peel(repository: &Repository, name: &str, id: Oid) -> Result<Peeled, GitError> {
    let mut tags = Vec::new();
    let mut at = id;
    loop {
        let object = repository
            .find_object(at, None)
            .git_context(|| format!("{}: reading object {at}", crate::escape::text(name)))?;
        match object.kind() {
            Some(ObjectType::Tag) if tags.len() < MAX_TAG_CHAIN => {
                tags.push(at);
                let tag = object
                    .peel_to_tag()
                    .git_context(|| format!("reading tag {at}"))?;
                at = tag.target_id();
            }
            Some(kind @ (ObjectType::Commit | ObjectType::Tree | ObjectType::Blob)) => {
                return Ok(Peeled {
                    name: name.to_string(),
                    tags,
                    target: at,
                    kind,
                })
            }
            _ => {
                return Err(GitError::Git {
                    context: format!("{}: peeling {id}", crate::escape::text(name)),
                    source: git2::Error::from_str("tag chain too long or of an unknown kind"),
                })
            }
        }
    }
}

/// Every ref of the repository, peeled (refs that cannot be read are skipped
/// here: the history walk reports them).
pub fn resolve(repository: &Repository) -> Result<Vec<Peeled>, GitError> {
    let refs = repository
        .references()
        .git_context(|| "listing refs".to_string())?;
    let mut out = Vec::new();
    for r in refs.filter_map(Result::ok) {
        let (Some(name), Some(id)) = (r.name().map(str::to_string), r.target()) else {
            continue;
        };
        out.push(peel(repository, &name, id)?);
    }
    Ok(out)
}

/// Scans the messages of the annotated tags in `refs` and the blobs and
/// trees they point at (commits are left to the walk), into `set` and `out`.
pub fn scan_targets(
    repository: &Repository,
    refs: &[Peeled],
    scanner: &Scanner,
    max_size: u64,
    set: &mut FindingSet,
    out: &mut ScanOutput,
) -> Result<(), GitError> {
    let mut seen_tags = HashSet::new();
    let mut messages = 0u64;
    for r in refs {
        for &tag in &r.tags {
            if seen_tags.insert(tag)
                && super::message::scan_tag_message(repository, &r.name, tag, scanner, set)?
            {
                messages += 1;
            }
        }
        match r.kind {
            ObjectType::Blob => {
                scan_blob(repository, &r.name, r.target, scanner, max_size, set, out)?;
            }
            ObjectType::Tree => {
                let mut stack = vec![(r.target, String::new())];
                let mut seen = HashSet::new();
                while let Some((tree_id, prefix)) = stack.pop() {
                    if !seen.insert(tree_id) {
                        continue;
                    }
                    let tree = repository
                        .find_tree(tree_id)
                        .git_context(|| format!("{}: reading tree {tree_id}", r.name))?;
                    for entry in tree.iter() {
                        let name = format!("{prefix}{}", super::path_string(entry.name_bytes()));
                        match entry.kind() {
                            Some(ObjectType::Tree) => stack.push((entry.id(), format!("{name}/"))),
                            Some(ObjectType::Blob)
                                if super::diff::is_file_mode(entry.filemode()) =>
                            {
                                let path = format!("{}:{name}", r.name);
                                scan_blob(
                                    repository,
                                    &path,
                                    entry.id(),
                                    scanner,
                                    max_size,
                                    set,
                                    out,
                                )?;
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if messages > 0 {
        out.stats.add("tag_messages", messages);
    }
    Ok(())
}

fn scan_blob(
    repository: &Repository,
    path: &str,
    id: Oid,
    scanner: &Scanner,
    max_size: u64,
    set: &mut FindingSet,
    out: &mut ScanOutput,
) -> Result<(), GitError> {
    let odb = repository
        .odb()
        .git_context(|| "opening the object database".to_string())?;
    let (size, _) = odb
        .read_header(id)
        .git_context(|| format!("{path}: reading blob {id}"))?;
    if max_size > 0 && size as u64 > max_size {
        out.skipped.push(Skip {
            path: path.to_string(),
            reason: SkipReason::TooLarge,
            detail: format!("{size} bytes, over --max-file-size {max_size}"),
        });
        return Ok(());
    }
    let blob = repository
        .find_blob(id)
        .git_context(|| format!("{path}: reading blob {id}"))?;
    let raw = blob.content();
    let data: Cow<'_, [u8]> = match text::sniff(raw) {
        Encoding::Binary => {
            out.skipped.push(Skip {
                path: path.to_string(),
                reason: SkipReason::Binary,
                detail: format!("binary content, {} bytes", raw.len()),
            });
            return Ok(());
        }
        e if e.is_utf16() => Cow::Owned(text::decode_utf16(raw, e)),
        _ => Cow::Borrowed(raw),
    };
    out.stats.add("tagged_blobs", 1);
    let ctx = BlobContext { path, commit: None };
    let origin = Origin {
        commit: Oid::zero(),
        blob: id,
    };
    for f in scanner.scan_blob(&data, &ctx) {
        set.add(f, origin);
    }
    Ok(())
}
