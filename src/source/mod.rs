//! Where bytes come from: files and directories ([`fs`]) and standard input
//! ([`stdin`]) here; git sources live in the git modules. Every source yields
//! blobs with a display path, skips what it must (binaries, oversized
//! files), counts what it did in [`Stats`], and reports what it could not
//! read as a [`Problem`] instead of failing the whole scan.

pub mod fs;
pub mod stdin;

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
        self.findings.extend(other.findings);
        self.stats.merge(&other.stats);
        self.errors.extend(other.errors);
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
