//! Turning matches into findings that name the commit that introduced them.
//!
//! A commit "introduces" a blob at a path when its tree has that blob there
//! and its first parent's tree does not. For a merge, content counts as
//! introduced only when *no* parent had it (git's combined-diff rule): what
//! a merge brings in unchanged from a branch was introduced, and is reported,
//! at the branch commit; conflict resolutions and "evil merges" are reported
//! at the merge. Commits are visited oldest first, so the first commit that
//! introduces a secret is the one a finding names; with `--all-commits` the
//! later ones are listed in `Location::other_commits`.

use super::diff::{changed_blobs, ChangedBlob};
use super::{GitContext, GitError};
use crate::finding::Finding;
use crate::scanner::CommitMeta;
use git2::{Commit, Oid, Repository};
use std::collections::HashMap;
use time::format_description::well_known::Rfc3339;

/// The metadata findings carry for `commit`: id, author, email, author date
/// (RFC 3339, in the author's offset) and the first line of the message.
pub fn commit_meta(commit: &Commit<'_>) -> CommitMeta {
    let author = commit.author();
    CommitMeta {
        id: commit.id().to_string().into(),
        author: String::from_utf8_lossy(author.name_bytes())
            .into_owned()
            .into(),
        email: String::from_utf8_lossy(author.email_bytes())
            .into_owned()
            .into(),
        date: rfc3339(author.when()).into(),
        message: commit
            .summary_bytes()
            .map(|s| String::from_utf8_lossy(s).trim().to_string())
            .unwrap_or_default()
            .into(),
    }
}

/// Formats a git timestamp as RFC 3339 in its own UTC offset (UTC when the
/// recorded offset is invalid; empty when the timestamp is out of range).
pub fn rfc3339(when: git2::Time) -> String {
    let Ok(utc) = time::OffsetDateTime::from_unix_timestamp(when.seconds()) else {
        return String::new();
    };
    let offset = time::UtcOffset::from_whole_seconds(when.offset_minutes().saturating_mul(60))
        .unwrap_or(time::UtcOffset::UTC);
    utc.to_offset(offset).format(&Rfc3339).unwrap_or_default()
}

/// The file blobs `commit` introduces (see the module docs for merges). A
/// parent that is missing (a shallow clone's boundary, or a corrupt
/// repository) is treated as absent, so its content counts as introduced
/// here; the caller reports the truncation.
pub fn introduced_blobs(
    repo: &Repository,
    commit: &Commit<'_>,
) -> Result<Vec<ChangedBlob>, GitError> {
    let tree = commit
        .tree()
        .git_context(|| format!("reading the tree of commit {}", commit.id()))?;
    let parents: Vec<git2::Tree<'_>> = commit
        .parent_ids()
        .filter_map(|id| repo.find_commit(id).ok())
        .filter_map(|p| p.tree().ok())
        .collect();
    let mut changed = Vec::new();
    changed_blobs(repo, parents.first(), &tree, &mut |c| changed.push(c))?;
    if parents.len() > 1 {
        changed.retain(|c| {
            let path = super::path_string(&c.path);
            !parents[1..].iter().any(|p| {
                p.get_path(std::path::Path::new(&path))
                    .is_ok_and(|e| e.id() == c.id)
            })
        });
    }
    Ok(changed)
}

/// Where a finding came from, for de-duplication across commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// Commit that introduced the content.
    pub commit: Oid,
    /// Blob the content is in.
    pub blob: Oid,
}

/// Findings of a range or history scan, one per fingerprint: the first
/// (oldest) commit wins, later commits that introduce the same secret at the
/// same path are dropped or, with `all_commits`, listed on the first finding.
/// Several matches in one blob (the same secret on two lines) are all kept.
#[derive(Debug, Default)]
pub struct FindingSet {
    all_commits: bool,
    first: HashMap<String, (usize, Origin)>,
    findings: Vec<Finding>,
}

impl FindingSet {
    /// An empty set; `all_commits` keeps every introducing commit.
    pub fn new(all_commits: bool) -> FindingSet {
        FindingSet {
            all_commits,
            ..FindingSet::default()
        }
    }

    /// Adds `finding`, introduced at `origin`. Call in oldest-first commit order.
    pub fn add(&mut self, finding: Finding, origin: Origin) {
        match self.first.get(&finding.fingerprint) {
            None => {
                self.first
                    .insert(finding.fingerprint.clone(), (self.findings.len(), origin));
                self.findings.push(finding);
            }
            Some(&(_, first)) if first == origin => self.findings.push(finding),
            Some(&(index, first)) => {
                if self.all_commits && first.commit != origin.commit {
                    let other = origin.commit.to_string();
                    let listed = &mut self.findings[index].location.other_commits;
                    if !listed.contains(&other) {
                        listed.push(other);
                    }
                }
            }
        }
    }

    /// Number of findings kept so far.
    pub fn len(&self) -> usize {
        self.findings.len()
    }

    /// True when no finding was kept.
    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
    }

    /// The findings, in insertion order.
    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{FindingKind, Location, Severity};

    fn finding(fp: &str, line: u32) -> Finding {
        Finding {
            kind: FindingKind::Secret,
            rule_id: "r".into(),
            title: "t".into(),
            severity: Severity::High,
            fingerprint: fp.into(),
            location: Location {
                path: "p".into(),
                line,
                ..Location::default()
            },
            secret: None,
            vulnerability: None,
            help: String::new().into(),
        }
    }

    fn oid(n: u8) -> Oid {
        Oid::from_bytes(&[n; 20]).unwrap()
    }

    #[test]
    fn first_commit_wins_and_all_commits_lists_the_rest() {
        let (c1, c2, b1, b2) = (oid(1), oid(2), oid(3), oid(4));
        for all in [false, true] {
            let mut set = FindingSet::new(all);
            set.add(
                finding("fp", 3),
                Origin {
                    commit: c1,
                    blob: b1,
                },
            );
            set.add(
                finding("fp", 9),
                Origin {
                    commit: c1,
                    blob: b1,
                },
            );
            set.add(
                finding("fp", 4),
                Origin {
                    commit: c2,
                    blob: b2,
                },
            );
            set.add(
                finding("fp", 4),
                Origin {
                    commit: c2,
                    blob: b2,
                },
            );
            set.add(
                finding("other", 1),
                Origin {
                    commit: c2,
                    blob: b2,
                },
            );
            let out = set.into_findings();
            let lines: Vec<u32> = out.iter().map(|f| f.location.line).collect();
            assert_eq!(lines, vec![3, 9, 1]);
            let expected = if all { vec![c2.to_string()] } else { vec![] };
            assert_eq!(out[0].location.other_commits, expected);
        }
    }

    #[test]
    fn dates_are_rfc3339_in_the_author_offset() {
        assert_eq!(
            rfc3339(git2::Time::new(0, 120)),
            "1970-01-01T02:00:00+02:00"
        );
        assert_eq!(
            rfc3339(git2::Time::new(1_700_000_000, 0)),
            "2023-11-14T22:13:20Z"
        );
    }
}
