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
use super::tags::Peeled;
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
            line: shown_line(trimmed),
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

fn peel(repository: &Repository, update: &PushUpdate) -> Result<Peeled, GitError> {
    super::tags::peel(repository, &update.local_ref, update.local)
}

/// Scans what a push sends besides commits: the messages of the annotated
/// tags pushed, and the blobs and trees that pushed tags point at. Adds the
/// findings, skips and stats to `out`.
pub fn scan_pushed_tags(
    repository: &Repository,
    updates: &[PushUpdate],
    scanner: &crate::scanner::Scanner,
    max_size: u64,
    out: &mut super::ScanOutput,
) -> Result<(), GitError> {
    let mut pushed = Vec::new();
    for update in updates.iter().filter(|u| !u.local.is_zero()) {
        let mut p = peel(repository, update)?;
        if p.tags.is_empty() && p.kind == git2::ObjectType::Commit {
            continue;
        }
        if p.kind == git2::ObjectType::Commit {
            // A tag of a commit: only its message is new here, the commits
            // are scanned by the range walk.
            p.kind = git2::ObjectType::Any;
        }
        pushed.push(p);
    }
    let mut set = super::attribution::FindingSet::new(false);
    super::tags::scan_targets(repository, &pushed, scanner, max_size, &mut set, out)?;
    out.findings.extend(set.into_findings());
    Ok(())
}

/// Most characters of a malformed input line quoted in an error.
pub const MAX_QUOTED_CHARS: usize = 120;

/// Largest pre-push input read (about 400,000 ref lines).
pub const MAX_INPUT_BYTES: u64 = 64 << 20;

/// A malformed line as an error quotes it: at most [`MAX_QUOTED_CHARS`]
/// characters (then `… (N bytes)`), control characters escaped, so a
/// hostile or broken input cannot flood or drive the terminal.
pub fn shown_line(line: &str) -> String {
    let cut = line
        .char_indices()
        .nth(MAX_QUOTED_CHARS)
        .map_or(line.len(), |(at, _)| at);
    let head = crate::escape::text(&line[..cut]);
    if cut < line.len() {
        format!("{head}… ({} bytes)", line.len())
    } else {
        head.into_owned()
    }
}

/// Reads git's pre-push input from `input`: at most [`MAX_INPUT_BYTES`],
/// and UTF-8 (ref names and hex ids always are).
pub fn read_input(input: &mut dyn std::io::Read) -> Result<String, GitError> {
    let mut raw = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(&mut *input, MAX_INPUT_BYTES + 1),
        &mut raw,
    )
    .map_err(|source| GitError::Io {
        what: "the pre-push input on stdin".to_string(),
        source,
    })?;
    if raw.len() as u64 > MAX_INPUT_BYTES {
        return Err(GitError::Io {
            what: "the pre-push input on stdin".to_string(),
            source: std::io::Error::other(format!(
                "more than {MAX_INPUT_BYTES} bytes: not git's pre-push input"
            )),
        });
    }
    String::from_utf8(raw).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let line_no = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        let start = bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |p| start + p);
        GitError::PrePushInput {
            line_no,
            line: shown_line(&String::from_utf8_lossy(&bytes[start..end])),
            reason: "not UTF-8".to_string(),
        }
    })
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
        // An annotated tag is pushed as its tag object: peel it. Tags of
        // blobs and trees have no commits ([`scan_pushed_tags`] scans them).
        let local = match peel(repository, update) {
            Ok(p) if p.kind == git2::ObjectType::Commit => p.target,
            Ok(_) => continue,
            Err(_) => {
                return Err(GitError::UnknownRevision {
                    spec: update.local.to_string(),
                    reason: format!(
                        "{} is not an object in this repository",
                        crate::escape::text(&update.local_ref)
                    ),
                })
            }
        };
        let remote = repository
            .find_object(update.remote, None)
            .and_then(|o| o.peel_to_commit())
            .map(|c| c.id());
        let hide = if update.remote.is_zero() {
            tips(repository)?
        } else if let Ok(remote) = remote {
            vec![remote]
        } else {
            warnings.push(format!(
                "{}: the remote's commit {} is not in this repository (fetch first); scanning the commits not on any remote-tracking ref instead",
                crate::escape::text(&update.remote_ref), update.remote
            ));
            tips(repository)?
        };
        for id in walk(repository, &[local], &hide)? {
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
        // A huge line with control characters is quoted short and escaped.
        let hostile = format!("x\x1b]0;pwned\x07 {}", "A".repeat(1 << 20));
        let err = parse_updates(&hostile).unwrap_err().to_string();
        assert!(err.len() < 400, "{}", err.len());
        assert!(err.contains("x\\x1b]0;pwned\\x07 AAA"), "{err}");
        assert!(err.contains("(1048588 bytes)"), "{err}");
        assert!(!err.contains('\x1b'));
        // Fuzz regression (fuzz/regressions/prepush_input): NULs and DEL
        // escape to four characters each; the quote stays bounded.
        let mut nuls = vec![0u8; 84];
        nuls[5] = 0x7f;
        nuls[6] = b'@';
        nuls[83] = b'\n';
        let err = parse_updates(&read_input(&mut nuls.as_slice()).unwrap())
            .unwrap_err()
            .to_string();
        assert!(err.contains("\\x00\\x7f@"), "{err}");
        assert!(!err.chars().any(char::is_control), "{err}");
        assert!(err.chars().count() < 1500);
        let err = read_input(&mut b"ok\nbad \xff line\n".as_slice())
            .unwrap_err()
            .to_string();
        assert_eq!(err, "pre-push input line 2: not UTF-8: `bad \u{fffd} line`");
    }
}
