//! Configuration errors: each names the file, and the line or rule id where
//! it can, so a user can fix a config without guessing.

use std::path::PathBuf;

/// Why a rule file or user config could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{}: cannot read config: {source}", path.display())]
    Io {
        /// The config file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not valid TOML, or a value has the wrong type.
    #[error("{}:{line}: {reason}", path.display())]
    Syntax {
        /// The config file.
        path: PathBuf,
        /// 1-based line of the error (0 when unknown).
        line: u32,
        /// What is wrong.
        reason: String,
    },
    /// A rule is invalid (bad regex, missing regex and path, ...).
    #[error("{}:{line}: rule `{rule}`: {reason}", path.display())]
    Rule {
        /// The config file.
        path: PathBuf,
        /// 1-based line of the rule's `id` (0 when unknown).
        line: u32,
        /// The rule id.
        rule: String,
        /// What is wrong.
        reason: String,
    },
    /// A global allowlist or `[extend]` setting is invalid.
    #[error("{}: {reason}", path.display())]
    Invalid {
        /// The config file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
}

/// 1-based line of byte offset `pos` in `text`.
pub(crate) fn line_of(text: &str, pos: usize) -> u32 {
    let pos = pos.min(text.len());
    let n = memchr::memchr_iter(b'\n', &text.as_bytes()[..pos]).count();
    u32::try_from(n + 1).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_one_based() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 4), 3);
        assert_eq!(line_of("a", 99), 1);
    }

    #[test]
    fn messages_name_file_line_and_rule() {
        let e = ConfigError::Rule {
            path: "x/.gitleaks.toml".into(),
            line: 7,
            rule: "my-rule".into(),
            reason: "invalid regex: oops".into(),
        };
        assert_eq!(
            e.to_string(),
            "x/.gitleaks.toml:7: rule `my-rule`: invalid regex: oops"
        );
    }
}
