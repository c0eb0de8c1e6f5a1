//! `scan --pre-push`: which commits a `git push` is about to send.
//!
//! git runs the pre-push hook with one line per ref on stdin:
//! `<local ref> <local sha> <remote ref> <remote sha>`. An all-zero local
//! sha is a deletion (nothing is sent: skipped). An all-zero remote sha is a
//! new branch: the commits sent are those not already on the remote, which
//! locally means not reachable from any remote-tracking ref
//! (`refs/remotes/*`). Otherwise the commits are `remote..local`; when the
//! remote sha is unknown locally (someone else pushed, we have not fetched),
//! the remote-tracking refs stand in for it, with a warning.

use super::range::walk;
use super::{GitContext, GitError};
use git2::{Oid, Repository};
use std::collections::HashSet;

/// One line of git's pre-push input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushUpdate {
    /// Local ref being pushed (`refs/heads/main`, or `(delete)`).
    pub local_ref: String,
    /// Commit being pushed; zero for a deletion.
    pub local: Oid,
    /// Ref updated on the remote.
    pub remote_ref: String,
    /// What the remote has now; zero for a new ref.
    pub remote: Oid,
}

/// Parses git's pre-push stdin. Blank lines are ignored (a hook that
/// forwards an empty input with `printf '%s\n'` produces one).
pub fn parse_updates(input: &str) -> Result<Vec<PushUpdate>, GitError> {
    let mut updates = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let bad = |reason: &str| GitError::PrePushInput {
            line_no: i + 1,
            line: trimmed.to_string(),
            reason: reason.to_string(),
        };
        let fields: Vec<&str> = trimmed.split_whitespace().collect();
        let [local_ref, local, remote_ref, remote] = fields[..] else {
            return Err(bad(
                "expected `<local ref> <local sha> <remote ref> <remote sha>`",
            ));
        };
        let sha = |s: &str| {
            if s.len() < 40 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(bad("not a full object id"));
            }
            Oid::from_str(s).map_err(|_| bad("not a full object id"))
        };
        updates.push(PushUpdate {
            local_ref: local_ref.to_string(),
            local: sha(local)?,
            remote_ref: remote_ref.to_string(),
            remote: sha(remote)?,
        });
    }
    Ok(updates)
}

/// The commits the push sends, oldest first, without duplicates across
/// refs, plus warnings for remote shas that are unknown locally.
pub fn commits_to_push(
    repository: &Repository,
    updates: &[PushUpdate],
) -> Result<(Vec<Oid>, Vec<String>), GitError> {
    let mut warnings = Vec::new();
    let mut remote_tips: Option<Vec<Oid>> = None;
    let mut tips = |repository: &Repository| -> Result<Vec<Oid>, GitError> {
        if let Some(t) = &remote_tips {
            return Ok(t.clone());
        }
        let refs = repository
            .references_glob("refs/remotes/*")
            .git_context(|| "listing remote-tracking refs".to_string())?;
        let t: Vec<Oid> = refs
            .filter_map(Result::ok)
            .filter_map(|r| r.peel_to_commit().ok())
            .map(|c| c.id())
            .collect();
        remote_tips = Some(t.clone());
        Ok(t)
    };
    let mut all = Vec::new();
    let mut seen = HashSet::new();
    for update in updates {
        if update.local.is_zero() {
            continue;
        }
        if repository.find_commit(update.local).is_err() {
            return Err(GitError::UnknownRevision {
                spec: update.local.to_string(),
                reason: format!("{} is not a commit in this repository", update.local_ref),
            });
        }
        let hide = if update.remote.is_zero() {
            tips(repository)?
        } else if repository.find_commit(update.remote).is_ok() {
            vec![update.remote]
        } else {
            warnings.push(format!(
                "{}: the remote's commit {} is not in this repository (fetch first); scanning the commits not on any remote-tracking ref instead",
                update.remote_ref, update.remote
            ));
            tips(repository)?
        };
        for id in walk(repository, &[update.local], &hide)? {
            if seen.insert(id) {
                all.push(id);
            }
        }
    }
    Ok((all, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "1111111111111111111111111111111111111111";
    const Z: &str = "0000000000000000000000000000000000000000";

    #[test]
    fn parses_updates_deletions_and_new_branches() {
        let input = format!(
            "refs/heads/main {A} refs/heads/main {A}\n\n(delete) {Z} refs/heads/old {A}\nrefs/heads/new {A} refs/heads/new {Z}\n"
        );
        let updates = parse_updates(&input).unwrap();
        assert_eq!(updates.len(), 3);
        assert!(updates[1].local.is_zero());
        assert_eq!(updates[1].remote_ref, "refs/heads/old");
        assert!(updates[2].remote.is_zero());
        assert!(parse_updates("").unwrap().is_empty());
    }

    #[test]
    fn malformed_lines_name_the_line() {
        let err = parse_updates(&format!("\nrefs/heads/main {A} refs/heads/main\n"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("pre-push input line 2: expected"), "{err}");
        let err = parse_updates("a bad refs/heads/x 12")
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a full object id"), "{err}");
    }
}
