//! Commit and tag messages: scanned as a source, and redacted wherever shown.
//!
//! A token pasted into a commit message (`fix: rotate key ghp_…`) is in the
//! repository as surely as one in a file, so history, range and pre-push
//! scans look for secrets in every message. Findings in a message have the
//! path [`COMMIT_MESSAGE_PATH`] (or [`tag_message_path`]) and carry the
//! commit (or tag) like any other finding, with the line inside the message.
//!
//! Reports print a commit's summary line next to every finding in it, so a
//! secret in a message would leak through the findings of *other* secrets.
//! [`commit_meta`] therefore redacts every rule match in the summary before
//! it is stored, unless the scan runs with `--no-redact`.

use super::attribution::{self, FindingSet, Origin};
use super::{GitContext, GitError};
use crate::finding;
use crate::scanner::{BlobContext, CommitMeta, Scanner};
use git2::{Commit, Oid, Repository};

/// Path of findings in a commit message.
pub const COMMIT_MESSAGE_PATH: &str = "<commit message>";

/// Longest message scanned whole; longer ones are scanned up to here (git
/// itself never writes messages anywhere near this).
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;

/// Path of findings in the message of the tag `name` (`v1.2`).
pub fn tag_message_path(name: &str) -> String {
    format!("<tag message {}>", crate::escape::text(name))
}

/// `text` with every secret a rule matches replaced by its redacted form
/// (unchanged when the scanner shows secrets, `--no-redact`).
pub fn redact(scanner: &Scanner, text: &str) -> String {
    if !scanner.options().redact || text.is_empty() {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut spans: Vec<(usize, usize)> = scanner
        .find(bytes)
        .into_iter()
        .filter(|m| m.secret_end > m.secret_start && m.secret_end <= bytes.len())
        .map(|m| (m.secret_start, m.secret_end))
        .collect();
    if spans.is_empty() {
        return text.to_string();
    }
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in spans {
        let start = start.max(at);
        if end <= start {
            continue;
        }
        out.push_str(&String::from_utf8_lossy(&bytes[at..start]));
        out.push_str(&finding::redact(&String::from_utf8_lossy(
            &bytes[start..end],
        )));
        at = end;
    }
    out.push_str(&String::from_utf8_lossy(&bytes[at..]));
    out
}

/// [`attribution::commit_meta`] with secrets in the summary line redacted.
pub fn commit_meta(scanner: &Scanner, commit: &Commit<'_>) -> CommitMeta {
    let mut meta = attribution::commit_meta(commit);
    meta.message = redact(scanner, &meta.message).into();
    meta
}

/// Scans the messages of `commits` (in parallel, see
/// [`super::per_commit`]) and adds their findings to `set` in commit
/// order. Returns how many messages were non-empty.
pub fn scan_commit_messages(
    repository: &Repository,
    commits: &[Oid],
    scanner: &Scanner,
    set: &mut FindingSet,
) -> Result<u64, GitError> {
    let found = super::per_commit(repository, commits, &|repo, id| {
        find_in_message(repo, id, scanner)
    })?;
    let mut scanned = 0;
    for (&id, (nonempty, matches)) in commits.iter().zip(found) {
        scanned += u64::from(nonempty);
        add_message_findings(repository, id, scanner, &matches, set)?;
    }
    Ok(scanned)
}

/// The matches in the message of commit `id` (its first
/// [`MAX_MESSAGE_BYTES`]), and whether the message is non-empty.
pub fn find_in_message(
    repository: &Repository,
    id: Oid,
    scanner: &Scanner,
) -> Result<(bool, Vec<crate::engine::Match>), GitError> {
    let commit = repository
        .find_commit(id)
        .git_context(|| format!("reading commit {id}"))?;
    let message = commit.message_bytes();
    if message.is_empty() {
        return Ok((false, Vec::new()));
    }
    let data = &message[..message.len().min(MAX_MESSAGE_BYTES)];
    Ok((true, scanner.find(data)))
}

/// Adds the findings of `matches`, found in the message of commit `id`
/// ([`find_in_message`]), to `set`.
pub fn add_message_findings(
    repository: &Repository,
    id: Oid,
    scanner: &Scanner,
    matches: &[crate::engine::Match],
    set: &mut FindingSet,
) -> Result<(), GitError> {
    if matches.is_empty() {
        return Ok(());
    }
    let commit = repository
        .find_commit(id)
        .git_context(|| format!("reading commit {id}"))?;
    let meta = commit_meta(scanner, &commit);
    let ctx = BlobContext {
        path: COMMIT_MESSAGE_PATH,
        commit: Some(&meta),
    };
    for f in scanner.findings(matches, &ctx) {
        set.add(
            f,
            Origin {
                commit: id,
                blob: id,
            },
        );
    }
    Ok(())
}

/// Scans the message of the annotated tag `tag` (reached through the ref
/// `name`) and adds the findings to `set`; the finding's commit fields
/// describe the tag (its id, tagger and date).
pub fn scan_tag_message(
    repository: &Repository,
    name: &str,
    tag: Oid,
    scanner: &Scanner,
    set: &mut FindingSet,
) -> Result<bool, GitError> {
    let tag = repository
        .find_tag(tag)
        .git_context(|| format!("reading tag {tag}"))?;
    let Some(message) = tag.message_bytes() else {
        return Ok(false);
    };
    let data = &message[..message.len().min(MAX_MESSAGE_BYTES)];
    let matches = scanner.find(data);
    if !matches.is_empty() {
        let tagger = tag.tagger();
        let summary = String::from_utf8_lossy(data.split(|&b| b == b'\n').next().unwrap_or(b""))
            .trim()
            .to_string();
        let meta = CommitMeta {
            id: tag.id().to_string().into(),
            author: tagger
                .as_ref()
                .map(|t| String::from_utf8_lossy(t.name_bytes()).into_owned())
                .unwrap_or_default()
                .into(),
            email: tagger
                .as_ref()
                .map(|t| String::from_utf8_lossy(t.email_bytes()).into_owned())
                .unwrap_or_default()
                .into(),
            date: tagger
                .as_ref()
                .map(|t| attribution::rfc3339(t.when()))
                .unwrap_or_default()
                .into(),
            message: redact(scanner, &summary).into(),
        };
        let path = tag_message_path(name);
        let ctx = BlobContext {
            path: &path,
            commit: Some(&meta),
        };
        for f in scanner.findings(&matches, &ctx) {
            set.add(
                f,
                Origin {
                    commit: tag.id(),
                    blob: tag.id(),
                },
            );
        }
    }
    Ok(true)
}
