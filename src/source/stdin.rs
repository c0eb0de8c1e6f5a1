//! Standard input as a source (`leakgate scan -`): one blob, path `-`.

use super::{is_binary, keys, ScanResult};
use crate::report::Problem;
use crate::scanner::{BlobContext, Scanner};
use std::io::Read;

/// Display path of stdin in findings.
pub const STDIN_PATH: &str = "-";

/// Reads all of `input` and scans it as one blob.
pub fn scan_reader(scanner: &Scanner, input: &mut dyn Read) -> ScanResult {
    let mut res = ScanResult::zeroed();
    // Read one byte past the limit to tell "at the limit" from "over it".
    let limit = scanner.options().max_file_size;
    let mut data = Vec::new();
    if let Err(e) = input.take(limit.saturating_add(1)).read_to_end(&mut data) {
        res.stats.add(keys::FILES_UNREADABLE, 1);
        res.errors.push(Problem {
            path: STDIN_PATH.into(),
            message: format!("cannot read standard input: {e}"),
        });
        return res;
    }
    if data.len() as u64 > limit {
        res.stats.add(keys::FILES_SKIPPED_SIZE, 1);
        return res;
    }
    if is_binary(&data) {
        res.stats.add(keys::FILES_SKIPPED_BINARY, 1);
        return res;
    }
    res.stats.add(keys::FILES_SCANNED, 1);
    res.stats.add(keys::BYTES_SCANNED, data.len() as u64);
    res.findings = scanner.scan_blob(
        &data,
        &BlobContext {
            path: STDIN_PATH,
            commit: None,
        },
    );
    res
}

/// Scans the process's standard input.
pub fn scan_stdin(scanner: &Scanner) -> ScanResult {
    scan_reader(scanner, &mut std::io::stdin().lock())
}
