//! The ignore file: findings a team decided to accept, one per line.
//!
//! `.leakgateignore` holds leakgate fingerprints (content-based, so an entry
//! keeps working when the secret moves to another line). `.gitleaksignore`
//! entries are read too, in gitleaks' `file:rule:line` and
//! `commit:file:rule:line` forms, so a repository migrating from gitleaks
//! keeps its decisions. Either file may hold either form. `#` starts a
//! comment. Entries that suppressed nothing are reported as stale.

use crate::rules::ConfigError;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// At most `max` characters of `s`, with `…` when cut (error messages).
fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}

/// Largest ignore file read (a fingerprint line is under 200 bytes).
pub const MAX_IGNORE_FILE_BYTES: u64 = 16 << 20;

/// File names read from the scan root, in order.
pub const FILE_NAMES: [&str; 2] = [".leakgateignore", ".gitleaksignore"];

/// One entry of an ignore file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IgnoreEntry {
    /// A leakgate fingerprint (hex).
    Fingerprint(String),
    /// A gitleaks location entry.
    Location {
        /// Commit id (full or prefix), for history entries.
        commit: Option<String>,
        /// Path, `/`-separated.
        file: String,
        /// Rule id.
        rule: String,
        /// 1-based start line.
        line: u32,
    },
}

impl IgnoreEntry {
    /// Parses one non-comment line; `None` when it is neither form.
    pub fn parse(line: &str) -> Option<IgnoreEntry> {
        let line = line.trim();
        if line.is_empty() {
            return None;
        }
        if !line.contains(':') {
            return is_hex(line).then(|| IgnoreEntry::Fingerprint(line.to_ascii_lowercase()));
        }
        let mut parts = line.rsplitn(3, ':');
        let line_no: u32 = parts.next()?.trim().parse().ok()?;
        let rule = parts.next()?.trim().to_string();
        let rest = parts.next()?.trim();
        if rule.is_empty() || rest.is_empty() {
            return None;
        }
        let (commit, file) = match rest.split_once(':') {
            Some((c, f)) if c.len() >= 7 && c.len() <= 64 && is_hex(c) && !f.is_empty() => {
                (Some(c.to_ascii_lowercase()), f)
            }
            _ => (None, rest),
        };
        Some(IgnoreEntry::Location {
            commit,
            file: file.replace('\\', "/").trim_start_matches("./").to_string(),
            rule,
            line: line_no,
        })
    }
}

fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// What an ignore entry is compared with.
#[derive(Debug, Clone, Copy)]
pub struct IgnoreKey<'a> {
    /// The finding's fingerprint.
    pub fingerprint: &'a str,
    /// Rule id.
    pub rule: &'a str,
    /// Path.
    pub path: &'a str,
    /// 1-based start line.
    pub line: u32,
    /// Commit id, for git sources.
    pub commit: Option<&'a str>,
}

#[derive(Debug)]
struct Slot {
    entry: IgnoreEntry,
    text: String,
    used: AtomicBool,
}

/// The loaded ignore entries, with per-entry "used" tracking for stale reports.
#[derive(Debug, Default)]
pub struct IgnoreFile {
    slots: Vec<Slot>,
    /// Files the entries came from.
    pub sources: Vec<PathBuf>,
}

impl IgnoreFile {
    /// Reads `.leakgateignore` and `.gitleaksignore` from `root` (missing files are fine).
    pub fn load(root: &Path) -> Result<IgnoreFile, ConfigError> {
        let mut out = IgnoreFile::default();
        for name in FILE_NAMES {
            let path = root.join(name);
            if std::fs::symlink_metadata(&path).is_err() {
                continue; // missing is fine
            }
            // A hostile repository may make the ignore file a link to
            // `/dev/zero`, a FIFO or a file outside the root: only a bounded
            // regular file inside the root is read.
            match crate::source::read::read_small(&path, Some(root), MAX_IGNORE_FILE_BYTES) {
                Ok(bytes) => {
                    out.add_text(&String::from_utf8_lossy(&bytes), &path)?;
                    out.sources.push(path);
                }
                Err(refusal) => {
                    return Err(ConfigError::Io {
                        source: std::io::Error::other(refusal.to_string()),
                        path,
                    })
                }
            }
        }
        Ok(out)
    }

    /// Adds the entries of one file's text; an unparseable line is an error naming it.
    pub fn add_text(&mut self, text: &str, origin: &Path) -> Result<(), ConfigError> {
        for (i, raw) in text.lines().enumerate() {
            let content = strip_comment(raw).trim();
            if content.is_empty() {
                continue;
            }
            let entry = IgnoreEntry::parse(content).ok_or_else(|| ConfigError::Syntax {
                path: origin.to_path_buf(),
                line: u32::try_from(i + 1).unwrap_or(u32::MAX),
                reason: format!(
                    "not a fingerprint nor a `file:rule:line` / `commit:file:rule:line` entry: `{}`",
                    crate::escape::text(&truncate_chars(content, 200))
                ),
            })?;
            self.slots.push(Slot {
                entry,
                text: content.to_string(),
                used: AtomicBool::new(false),
            });
        }
        Ok(())
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// True when an entry suppresses this finding (and marks it used).
    pub fn suppresses(&self, key: &IgnoreKey) -> bool {
        let mut hit = false;
        for slot in &self.slots {
            let m = match &slot.entry {
                IgnoreEntry::Fingerprint(fp) => fp.eq_ignore_ascii_case(key.fingerprint),
                IgnoreEntry::Location {
                    commit,
                    file,
                    rule,
                    line,
                } => {
                    *line == key.line
                        && rule == key.rule
                        && file == key.path
                        && match (commit, key.commit) {
                            (None, _) => true,
                            (Some(c), Some(k)) => {
                                k.get(..c.len()).is_some_and(|p| p.eq_ignore_ascii_case(c))
                            }
                            (Some(_), None) => false,
                        }
                }
            };
            if m {
                slot.used.store(true, Ordering::Relaxed);
                hit = true;
            }
        }
        hit
    }

    /// Entries that have suppressed nothing so far, as written.
    pub fn stale(&self) -> Vec<String> {
        self.slots
            .iter()
            .filter(|s| !s.used.load(Ordering::Relaxed))
            .map(|s| s.text.clone())
            .collect()
    }
}

/// Strips a `#` comment that starts the line or follows whitespace.
fn strip_comment(line: &str) -> &str {
    let t = line.trim_start();
    if t.starts_with('#') {
        return "";
    }
    match line.find(" #").or_else(|| line.find("\t#")) {
        Some(p) => &line[..p],
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_forms() {
        assert_eq!(
            IgnoreEntry::parse("ABCDEF0123456789abcdef0123456789"),
            Some(IgnoreEntry::Fingerprint(
                "abcdef0123456789abcdef0123456789".into()
            ))
        );
        assert_eq!(
            IgnoreEntry::parse("config/app.env:aws-access-key:12"),
            Some(IgnoreEntry::Location {
                commit: None,
                file: "config/app.env".into(),
                rule: "aws-access-key".into(),
                line: 12
            })
        );
        assert_eq!(
            IgnoreEntry::parse(
                "1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d:a/b.txt:generic-api-key:3"
            ),
            Some(IgnoreEntry::Location {
                commit: Some("1a2b3c4d5e6f7a8b9c0d1a2b3c4d5e6f7a8b9c0d".into()),
                file: "a/b.txt".into(),
                rule: "generic-api-key".into(),
                line: 3
            })
        );
        assert_eq!(IgnoreEntry::parse("not an entry"), None);
        assert_eq!(IgnoreEntry::parse("a:b:notanumber"), None);
    }

    #[test]
    fn suppression_and_staleness() {
        let mut f = IgnoreFile::default();
        let text = "# accepted\nabcdef0123456789abcdef0123456789 # old test key\nsrc/a.rs:r1:3\ndeadbeefcafe:src/b.rs:r1:4\n";
        f.add_text(text, Path::new(".leakgateignore")).unwrap();
        assert_eq!(f.len(), 3);
        let k = IgnoreKey {
            fingerprint: "ffff",
            rule: "r1",
            path: "src/a.rs",
            line: 3,
            commit: None,
        };
        assert!(f.suppresses(&k));
        assert!(!f.suppresses(&IgnoreKey { line: 4, ..k }));
        assert!(!f.suppresses(&IgnoreKey {
            path: "src/b.rs",
            line: 4,
            ..k
        }));
        assert!(f.suppresses(&IgnoreKey {
            path: "src/b.rs",
            line: 4,
            commit: Some("deadbeefcafe0000"),
            ..k
        }));
        assert_eq!(
            f.stale(),
            vec!["abcdef0123456789abcdef0123456789".to_string()]
        );
        assert!(f.suppresses(&IgnoreKey {
            fingerprint: "ABCDEF0123456789ABCDEF0123456789",
            ..k
        }));
        assert!(f.stale().is_empty());
    }

    #[test]
    fn bad_line_is_named() {
        let mut f = IgnoreFile::default();
        let err = f
            .add_text("\n\nwhat is this\n", Path::new(".leakgateignore"))
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with(".leakgateignore:3: not a fingerprint"),
            "{err}"
        );
    }
}
