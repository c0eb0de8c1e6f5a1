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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::config::{parse_str, Origin};
    use crate::scanner::ScanOptions;

    fn scanner(max: u64) -> Scanner {
        let cfg =
            "[[rules]]\nid = \"tok\"\nregex = '''tok_[a-z0-9]{10}'''\nkeywords = [\"tok_\"]\n";
        let rules = parse_str(
            cfg,
            &Origin {
                path: "t.toml".into(),
                dir: None,
            },
        )
        .unwrap();
        Scanner::from_rules(
            rules,
            ScanOptions {
                max_file_size: max,
                ..ScanOptions::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn scans_counts_and_skips() {
        let s = scanner(100);
        let res = scan_reader(&s, &mut "x tok_q8w7e6r5t4\n".as_bytes());
        assert_eq!(res.findings.len(), 1);
        assert_eq!(res.findings[0].location.path, "-");
        assert_eq!(res.stats.get_u64(keys::FILES_SCANNED), 1);
        assert_eq!(res.stats.get_u64(keys::BYTES_SCANNED), 17);
        let big = vec![b'a'; 101];
        let res = scan_reader(&s, &mut big.as_slice());
        assert_eq!(res.stats.get_u64(keys::FILES_SKIPPED_SIZE), 1);
        assert_eq!(res.stats.get_u64(keys::FILES_SCANNED), 0);
        let res = scan_reader(&s, &mut b"tok_q8w7e6r5t4\0".as_slice());
        assert_eq!(res.stats.get_u64(keys::FILES_SKIPPED_BINARY), 1);
        assert!(res.findings.is_empty());
    }
}
