//! Where bytes come from: files and directories ([`fs`]) and standard input
//! ([`stdin`]) here; git sources live in the git modules. Every source yields
//! blobs with a display path, decodes what is text ([`text`]), reads only
//! what is safe to read ([`read`]), counts what it did in [`Stats`], names
//! every file it skipped as a [`Skip`], and reports what it could not read as
//! a [`Problem`] instead of failing the whole scan.

pub mod fs;
pub mod read;
pub mod stdin;
pub mod text;
pub mod tracked;

use crate::finding::Finding;
use crate::report::{Problem, Stats};

/// Bytes inspected for a NUL to decide a file is binary.
pub const BINARY_SNIFF: usize = 8 << 10;

/// Stats keys written by the sources.
pub mod keys {
    /// Files read and scanned.
    pub const FILES_SCANNED: &str = "files_scanned";
    /// Bytes read and scanned.
    pub const BYTES_SCANNED: &str = "bytes_scanned";
    /// Files skipped because they look binary.
    pub const FILES_SKIPPED_BINARY: &str = "files_skipped_binary";
    /// Files skipped because they exceed the size limit.
    pub const FILES_SKIPPED_SIZE: &str = "files_skipped_size";
    /// Files skipped because a global allowlist covers their path.
    pub const FILES_SKIPPED_ALLOWLISTED: &str = "files_skipped_allowlisted";
    /// Files that could not be read.
    pub const FILES_UNREADABLE: &str = "files_unreadable";
    /// Files not read because they are not regular files (FIFOs, devices,
    /// sockets) or are symbolic links leaving the scanned root.
    pub const FILES_SKIPPED_UNSAFE: &str = "files_skipped_unsafe";
    /// Files decoded from UTF-16 before scanning.
    pub const FILES_DECODED_UTF16: &str = "files_decoded_utf16";
    /// Files named as skipped (every [`Skip`](super::Skip)), whatever the reason.
    pub const FILES_SKIPPED: &str = "files_skipped";
    /// Files larger than one buffer, scanned in overlapping chunks.
    pub const FILES_CHUNKED: &str = "files_chunked";
}

/// Why a file was not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SkipReason {
    /// Binary content (path rules still applied).
    Binary,
    /// Over the size limit (git blobs, which are not streamed).
    TooLarge,
    /// Not a regular file, or a link out of the scanned root.
    Unsafe,
    /// A symbolic link or submodule in a git index or tree (never followed).
    Link,
}

impl SkipReason {
    /// Short label used in messages.
    pub fn label(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge => "too large",
            SkipReason::Unsafe => "not read",
            SkipReason::Link => "link",
        }
    }
}

/// A file that was seen and deliberately not scanned: always named, so
/// nothing is skipped silently (`--strict` fails on any).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skip {
    /// Display path (already terminal-safe).
    pub path: String,
    /// Why.
    pub reason: SkipReason,
    /// Details (size, link target, file type).
    pub detail: String,
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: skipped ({}): {}",
            self.path,
            self.reason.label(),
            self.detail
        )
    }
}

/// What scanning some inputs produced.
#[derive(Debug, Default)]
pub struct ScanResult {
    /// Findings, unsorted.
    pub findings: Vec<Finding>,
    /// Counters (see [`keys`]).
    pub stats: Stats,
    /// Inputs that could not be read.
    pub errors: Vec<Problem>,
    /// Files deliberately not scanned, each named.
    pub skipped: Vec<Skip>,
}

impl ScanResult {
    /// A result with every counter present at zero, so reports always show them.
    pub fn zeroed() -> ScanResult {
        let mut stats = Stats::default();
        for k in [
            keys::FILES_SCANNED,
            keys::BYTES_SCANNED,
            keys::FILES_SKIPPED_BINARY,
            keys::FILES_SKIPPED_SIZE,
            keys::FILES_UNREADABLE,
            keys::FILES_SKIPPED_UNSAFE,
        ] {
            stats.set(k, 0u64);
        }
        ScanResult {
            stats,
            ..ScanResult::default()
        }
    }

    /// Adds another result into this one.
    pub fn merge(&mut self, other: ScanResult) {
        if self.findings.is_empty() && self.findings.capacity() < other.findings.len() {
            // Moved, not copied: a large result is never held twice.
            self.findings = other.findings;
        } else {
            self.findings.extend(other.findings);
        }
        self.stats.merge(&other.stats);
        self.errors.extend(other.errors);
        self.skipped.extend(other.skipped);
    }
}

/// True when `data` looks binary: a NUL byte in its first [`BINARY_SNIFF`] bytes.
pub fn is_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(BINARY_SNIFF)]).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_sniff() {
        assert!(is_binary(b"abc\0def"));
        assert!(!is_binary(b"plain text"));
        let mut late = vec![b'a'; BINARY_SNIFF + 10];
        late[BINARY_SNIFF + 5] = 0;
        assert!(!is_binary(&late));
    }
}
