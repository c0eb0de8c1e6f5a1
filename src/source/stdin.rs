//! Standard input as a source (`leakgate scan -`): one blob, path `-`,
//! streamed in bounded, overlapping chunks ([`scan_stream`]) so input of any
//! size is scanned whole without being held in memory; UTF-16 input is
//! decoded first.

use super::read::scan_stream;
use super::text::Encoding;
use super::{keys, ScanResult, Skip, SkipReason};
use crate::report::Problem;
use crate::scanner::{BlobContext, Scanner};
use std::io::Read;

/// Display path of stdin in findings.
pub const STDIN_PATH: &str = "-";

/// Reads all of `input` and scans it as one blob.
pub fn scan_reader(scanner: &Scanner, input: &mut dyn Read) -> ScanResult {
    let mut res = ScanResult::zeroed();
    let ctx = BlobContext {
        path: STDIN_PATH,
        commit: None,
    };
    let scan = match scan_stream(scanner, input, scanner.options().max_file_size) {
        Ok(scan) => scan,
        Err(e) => {
            res.stats.add(keys::FILES_UNREADABLE, 1);
            res.errors.push(Problem {
                path: STDIN_PATH.into(),
                message: format!("cannot read standard input: {e}"),
            });
            return res;
        }
    };
    match scan.encoding {
        Some(Encoding::Binary) => {
            res.stats.add(keys::FILES_SKIPPED_BINARY, 1);
            res.skipped.push(Skip {
                path: STDIN_PATH.into(),
                reason: SkipReason::Binary,
                detail: "binary content".into(),
            });
            return res;
        }
        Some(e) if e.is_utf16() => res.stats.add(keys::FILES_DECODED_UTF16, 1),
        _ => {}
    }
    if scan.chunks > 1 {
        res.stats.add(keys::FILES_CHUNKED, 1);
    }
    res.stats.add(keys::FILES_SCANNED, 1);
    res.stats.add(keys::BYTES_SCANNED, scan.bytes);
    res.findings = scanner.path_findings(&ctx);
    res.findings.extend(scanner.findings(&scan.matches, &ctx));
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
        // Over the limit: scanned in chunks, not skipped.
        let mut big = vec![b'a'; 100_000];
        big.extend_from_slice(b" tok_q8w7e6r5t4\n");
        let res = scan_reader(&s, &mut big.as_slice());
        assert_eq!(res.stats.get_u64(keys::FILES_SKIPPED_SIZE), 0);
        assert_eq!(res.stats.get_u64(keys::FILES_CHUNKED), 1);
        assert_eq!(res.findings.len(), 1);
        assert_eq!(res.findings[0].location.column, 100_002);
        let res = scan_reader(&s, &mut b"tok_q8w7e6r5t4\0".as_slice());
        assert_eq!(res.stats.get_u64(keys::FILES_SKIPPED_BINARY), 1);
        assert_eq!(res.skipped.len(), 1);
        assert!(res.findings.is_empty());
    }
}
