//! Errors of the inventory: every one names the file, and the line where
//! the format allows, so `leakgate sbom` can say exactly what to fix.

use super::lines::line_of_offset;
use std::fmt;

/// Why a lockfile (or a tree of them) could not be inventoried.
#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    /// A file or directory could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path that failed.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The lockfile is malformed (truncated JSON, bad TOML, an entry of the wrong shape, …).
    #[error("{}: {message}", at(path, *line))]
    Parse {
        /// Lockfile path.
        path: String,
        /// 1-based line of the problem, when the format allows one to be named.
        line: Option<u32>,
        /// What is wrong.
        message: String,
    },
    /// The lockfile declares a format version leakgate does not read.
    #[error("{path}: unsupported lockfile version {found} (supported: {supported})")]
    UnsupportedVersion {
        /// Lockfile path.
        path: String,
        /// The version the file declares.
        found: String,
        /// The versions leakgate reads.
        supported: &'static str,
    },
    /// A file given explicitly is not a lockfile leakgate recognises.
    #[error("{path}: not a lockfile leakgate reads (expected one of: {expected})")]
    UnknownKind {
        /// The file.
        path: String,
        /// The recognised file names.
        expected: String,
    },
    /// Walking a directory for lockfiles failed.
    #[error("{path}: {message}")]
    Walk {
        /// Where the walk failed.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// No lockfile was found under the given paths.
    #[error("{root}: no lockfiles found")]
    NoLockfiles {
        /// The inventory root that was searched.
        root: String,
    },
}

/// Something worth telling the user about a lockfile that still parsed:
/// an empty lockfile, a missing `-c` constraints file, an include refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct InventoryWarning {
    /// The file the warning is about (relative to the inventory root).
    pub path: String,
    /// 1-based line, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// What happened, and what was done instead.
    pub message: String,
}

impl fmt::Display for InventoryWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", at(&self.path, self.line), self.message)
    }
}

fn at(path: &str, line: Option<u32>) -> String {
    match line {
        Some(line) => format!("{path}:{line}"),
        None => path.to_string(),
    }
}

impl InventoryError {
    /// The file the error is about (the root searched, for [`InventoryError::NoLockfiles`]).
    pub fn path(&self) -> &str {
        match self {
            InventoryError::Io { path, .. }
            | InventoryError::Parse { path, .. }
            | InventoryError::UnsupportedVersion { path, .. }
            | InventoryError::UnknownKind { path, .. }
            | InventoryError::Walk { path, .. } => path,
            InventoryError::NoLockfiles { root } => root,
        }
    }

    /// The 1-based line of the problem, when known.
    pub fn line(&self) -> Option<u32> {
        match self {
            InventoryError::Parse { line, .. } => *line,
            _ => None,
        }
    }

    /// A parse error at `line` (when known).
    pub(crate) fn parse(path: &str, line: Option<u32>, message: impl Into<String>) -> Self {
        InventoryError::Parse {
            path: path.to_string(),
            line,
            message: message.into(),
        }
    }

    /// An unsupported format version.
    pub(crate) fn version(path: &str, found: impl fmt::Display, supported: &'static str) -> Self {
        InventoryError::UnsupportedVersion {
            path: path.to_string(),
            found: found.to_string(),
            supported,
        }
    }

    /// Maps a `serde_json` error, which knows its line, dropping the
    /// "at line N column M" suffix that the path:line prefix now carries.
    pub(crate) fn json(path: &str, err: &serde_json::Error) -> Self {
        let line = u32::try_from(err.line()).ok().filter(|l| *l > 0);
        let text = err.to_string();
        let message = match text.rfind(" at line ") {
            Some(i) => text[..i].to_string(),
            None => text,
        };
        Self::parse(path, line, message)
    }

    /// Maps a `toml` error, whose span is a byte range into `text`.
    pub(crate) fn toml(path: &str, text: &str, err: &toml::de::Error) -> Self {
        let line = err.span().map(|s| line_of_offset(text, s.start));
        Self::parse(path, line, err.message().trim_end().to_string())
    }

    /// Maps a YAML error, which knows its line.
    pub(crate) fn yaml(path: &str, err: &serde_yaml_ng::Error) -> Self {
        let line = err
            .location()
            .and_then(|l| u32::try_from(l.line()).ok())
            .filter(|l| *l > 0);
        let text = err.to_string();
        let message = match text.find(" at line ") {
            Some(i) => text[..i].to_string(),
            None => text,
        };
        Self::parse(path, line, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_and_line() {
        let e = InventoryError::parse("package-lock.json", Some(12), "EOF while parsing an object");
        assert_eq!(
            e.to_string(),
            "package-lock.json:12: EOF while parsing an object"
        );
        let e = InventoryError::parse("go.mod", None, "bad");
        assert_eq!(e.to_string(), "go.mod: bad");
        let e = InventoryError::version("Cargo.lock", 7, "1, 2, 3, 4");
        assert_eq!(
            e.to_string(),
            "Cargo.lock: unsupported lockfile version 7 (supported: 1, 2, 3, 4)"
        );
    }

    #[test]
    fn maps_json_errors_to_lines() {
        let text = "{\n  \"a\": [1,\n";
        let err = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
        let e = InventoryError::json("x.json", &err);
        assert!(
            matches!(e, InventoryError::Parse { line: Some(3), .. }),
            "{e}"
        );
        assert!(!e.to_string().contains("column"), "{e}");
    }

    #[test]
    fn maps_toml_errors_to_lines() {
        let text = "a = 1\n\nb = = 2\n";
        let err = toml::from_str::<toml::Table>(text).unwrap_err();
        let e = InventoryError::toml("x.toml", text, &err);
        assert!(
            matches!(e, InventoryError::Parse { line: Some(3), .. }),
            "{e}"
        );
    }

    #[test]
    fn maps_yaml_errors_to_lines() {
        let text = "a: 1\nb: [1, 2\n";
        let err = serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text).unwrap_err();
        let e = InventoryError::yaml("x.yaml", &err);
        match e {
            InventoryError::Parse { line: Some(l), .. } => assert!(l >= 2, "{l}"),
            other => panic!("{other}"),
        }
    }
}
