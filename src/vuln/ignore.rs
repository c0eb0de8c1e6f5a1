//! Expiring ignores for dependency advisories, from `.leakgate.toml`:
//!
//! ```toml
//! [[deps.ignore]]
//! id = "RUSTSEC-2019-0009"          # any id of the advisory: primary or alias
//! reason = "not reachable: we never call insert_many"
//! until = "2026-12-31"              # last day it suppresses (UTC)
//! package = "smallvec"              # optional: only for this package
//! ```
//!
//! An ignore is a promise to look again, so `until` and `reason` are
//! required. From the day after `until` the entry stops suppressing and is
//! reported as expired; an entry that matched nothing is reported as stale,
//! so the list cannot silently rot. Other tables of the file (secret rules,
//! allowlists) are not this module's business and are ignored here.

use crate::inventory::Ecosystem;
use crate::vuln::names;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use time::Date;

/// A configuration error, naming the file and line.
#[derive(Debug, thiserror::Error)]
pub enum IgnoreError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not valid TOML or the `[deps]` table is malformed.
    #[error("{}: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The parser's message (with line and column).
        message: String,
    },
    /// An entry is invalid.
    #[error("{}:{line}: [[deps.ignore]] {message}", path.display())]
    Entry {
        /// The file.
        path: PathBuf,
        /// The entry's line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// One ignore entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreEntry {
    /// The advisory id (matched case-insensitively against every id of a finding).
    pub id: String,
    /// Why it is ignored.
    pub reason: String,
    /// Last day it suppresses.
    pub until: Date,
    /// Only suppress for this package (name, normalised per ecosystem when compared).
    pub package: Option<String>,
    /// 1-based line of the entry in its file (0 when built in code).
    pub line: usize,
}

/// The ignore list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IgnoreList {
    /// Entries, in file order.
    pub entries: Vec<IgnoreEntry>,
    /// The file they came from (for messages).
    pub path: Option<PathBuf>,
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    deps: Option<DepsTable>,
}

#[derive(Deserialize)]
struct DepsTable {
    #[serde(default)]
    ignore: Vec<toml::Spanned<RawEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: String,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    until: Option<String>,
    #[serde(default)]
    package: Option<String>,
}

/// What applying the list to a finding decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// No entry concerns the finding.
    Report,
    /// Entry `n` suppresses it.
    Suppressed(usize),
    /// Entry `n` concerns it but has expired: reported.
    Expired(usize),
}

/// Largest config file read for `[[deps.ignore]]`.
const MAX_IGNORE_FILE_BYTES: u64 = 16 << 20;

impl IgnoreList {
    /// Reads `[[deps.ignore]]` from a TOML file. A missing file is an empty list
    /// only when `required` is false (the default `.leakgate.toml`).
    pub fn load(path: &Path, required: bool) -> Result<IgnoreList, IgnoreError> {
        let io = |source: std::io::Error| IgnoreError::Io {
            path: path.to_path_buf(),
            source,
        };
        match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                return Ok(IgnoreList::default())
            }
            Err(e) => return Err(io(e)),
            Ok(_) => {}
        }
        // A bounded read of a regular file: a FIFO or `/dev/zero` named as
        // the config must neither hang nor exhaust memory.
        let bytes =
            crate::source::read::read_small(path, None, MAX_IGNORE_FILE_BYTES).map_err(|e| {
                io(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    e.to_string(),
                ))
            })?;
        let text = String::from_utf8(bytes).map_err(|_| {
            io(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "not valid UTF-8 text",
            ))
        })?;
        IgnoreList::parse(&text, path)
    }

    /// Parses the TOML `text` of `path`.
    pub fn parse(text: &str, path: &Path) -> Result<IgnoreList, IgnoreError> {
        let file: File = toml::from_str(text).map_err(|e| IgnoreError::Syntax {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })?;
        let mut entries = Vec::new();
        for spanned in file.deps.map(|d| d.ignore).unwrap_or_default() {
            let line = 1 + text[..spanned.span().start.min(text.len())]
                .matches('\n')
                .count();
            let raw = spanned.into_inner();
            let bad = |message: String| IgnoreError::Entry {
                path: path.to_path_buf(),
                line,
                message,
            };
            let id = raw.id.trim().to_string();
            if id.is_empty() {
                return Err(bad("`id` is empty".into()));
            }
            let reason = raw
                .reason
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty())
                .ok_or_else(|| bad(format!("{id}: `reason` is required")))?;
            let until_text = raw
                .until
                .ok_or_else(|| bad(format!("{id}: `until = \"YYYY-MM-DD\"` is required")))?;
            let until = Date::parse(
                until_text.trim(),
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .map_err(|e| {
                bad(format!(
                    "{id}: `until = \"{until_text}\"` is not YYYY-MM-DD: {e}"
                ))
            })?;
            entries.push(IgnoreEntry {
                id,
                reason,
                until,
                package: raw
                    .package
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty()),
                line,
            });
        }
        Ok(IgnoreList {
            entries,
            path: Some(path.to_path_buf()),
        })
    }

    /// Decides for a finding known by `ids` on package `name` of `ecosystem`, on `today`.
    /// A live entry wins over an expired one for the same finding.
    pub fn verdict(
        &self,
        ids: &[String],
        ecosystem: Ecosystem,
        name: &str,
        today: Date,
    ) -> Verdict {
        let mut expired = None;
        for (n, entry) in self.entries.iter().enumerate() {
            if !ids.iter().any(|id| id.eq_ignore_ascii_case(&entry.id)) {
                continue;
            }
            if let Some(p) = &entry.package {
                if names::normalize(ecosystem, p) != names::normalize(ecosystem, name) {
                    continue;
                }
            }
            if today > entry.until {
                expired.get_or_insert(n);
            } else {
                return Verdict::Suppressed(n);
            }
        }
        expired.map_or(Verdict::Report, Verdict::Expired)
    }

    /// Warnings for expired entries and for live entries that suppressed
    /// nothing (`used[n]` tells whether entry `n` suppressed a finding).
    pub fn warnings(&self, used: &[bool], today: Date) -> Vec<String> {
        let file = self
            .path
            .as_deref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "ignore list".into());
        let mut out = Vec::new();
        for (n, entry) in self.entries.iter().enumerate() {
            if today > entry.until {
                out.push(format!(
                    "{file}:{}: ignore of {} expired on {} and no longer suppresses it (reason was: {})",
                    entry.line, entry.id, entry.until, entry.reason
                ));
            } else if !used.get(n).copied().unwrap_or(false) {
                out.push(format!(
                    "{file}:{}: ignore of {} matches no finding (stale): remove it",
                    entry.line, entry.id
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TOML: &str = r#"
[rules]
anything = "else"

[[deps.ignore]]
id = "CVE-2019-1"
reason = "not reachable"
until = "2030-01-31"

[[deps.ignore]]
id = "ghsa-aaaa"
reason = "accepted"
until = "2020-01-01"
package = "Django"
"#;

    fn list() -> IgnoreList {
        IgnoreList::parse(TOML, Path::new(".leakgate.toml")).unwrap()
    }

    #[test]
    fn parses_entries_with_lines() {
        let l = list();
        assert_eq!(l.entries.len(), 2);
        assert_eq!(l.entries[0].line, 5);
        assert_eq!(l.entries[0].until, date!(2030 - 01 - 31));
        assert_eq!(l.entries[1].package.as_deref(), Some("Django"));
    }

    #[test]
    fn suppresses_until_the_last_day_then_expires() {
        let l = list();
        let ids = vec!["RUSTSEC-1".to_string(), "CVE-2019-1".to_string()];
        let v = |d| l.verdict(&ids, Ecosystem::CratesIo, "x", d);
        assert_eq!(v(date!(2030 - 01 - 31)), Verdict::Suppressed(0));
        assert_eq!(v(date!(2030 - 02 - 01)), Verdict::Expired(0));
        assert_eq!(
            l.verdict(
                &["X".into()],
                Ecosystem::CratesIo,
                "x",
                date!(2025 - 01 - 01)
            ),
            Verdict::Report
        );
    }

    #[test]
    fn package_scope_uses_normalised_names_and_ids_ignore_case() {
        let l = list();
        let ids = vec!["GHSA-AAAA".to_string()];
        assert_eq!(
            l.verdict(&ids, Ecosystem::PyPI, "django", date!(2019 - 06 - 01)),
            Verdict::Suppressed(1)
        );
        assert_eq!(
            l.verdict(&ids, Ecosystem::PyPI, "flask", date!(2019 - 06 - 01)),
            Verdict::Report
        );
    }

    #[test]
    fn warns_about_expired_and_stale_entries() {
        let l = list();
        let w = l.warnings(&[false, false], date!(2025 - 01 - 01));
        assert_eq!(
            w,
            vec![
                ".leakgate.toml:5: ignore of CVE-2019-1 matches no finding (stale): remove it",
                ".leakgate.toml:10: ignore of ghsa-aaaa expired on 2020-01-01 and no longer suppresses it (reason was: accepted)",
            ]
        );
        assert_eq!(l.warnings(&[true, true], date!(2019 - 01 - 01)).len(), 0);
    }

    #[test]
    fn rejects_entries_without_reason_or_date() {
        let e = IgnoreList::parse(
            "[[deps.ignore]]\nid = \"X-1\"\nreason = \"r\"\n",
            Path::new("c.toml"),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.toml:1: [[deps.ignore]] X-1: `until = \"YYYY-MM-DD\"` is required"
        );
        let e = IgnoreList::parse(
            "[[deps.ignore]]\nid = \"X-1\"\nreason = \"r\"\nuntil = \"31/12/2030\"\n",
            Path::new("c.toml"),
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with(
                "c.toml:1: [[deps.ignore]] X-1: `until = \"31/12/2030\"` is not YYYY-MM-DD"
            ),
            "{e}"
        );
        let e = IgnoreList::parse(
            "[[deps.ignore]]\nid = \"X\"\nreason = \"r\"\nuntil = \"2030-01-01\"\nbogus = 1\n",
            Path::new("c.toml"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("unknown field `bogus`"), "{e}");
    }

    #[test]
    fn missing_optional_file_is_empty() {
        let l = IgnoreList::load(Path::new("/nonexistent/.leakgate.toml"), false).unwrap();
        assert!(l.entries.is_empty());
        assert!(IgnoreList::load(Path::new("/nonexistent/.leakgate.toml"), true).is_err());
    }
}
