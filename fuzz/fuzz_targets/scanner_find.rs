//! Fuzzes `Scanner::find` with the built-in rules on arbitrary bytes: it must
//! never panic, and every match must agree with a slow reference computed
//! here from the bytes alone: offsets in bounds and nested
//! (start <= secret_start < secret_end <= end), `secret` and `matched` equal
//! to those slices, `line` and `end_line` equal to one plus the newlines
//! before the start and end, and `column` the byte column of the secret.

#![no_main]

use leakgate::rules::RuleSet;
use leakgate::scanner::{ScanOptions, Scanner};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static SCANNER: LazyLock<Scanner> = LazyLock::new(|| {
    let rules = RuleSet::builtin().expect("built-in rules load");
    Scanner::from_rules(rules, ScanOptions::default()).expect("built-in rules compile")
});

fn line_of(data: &[u8], at: usize) -> u32 {
    1 + data[..at].iter().filter(|&&b| b == b'\n').count() as u32
}

fuzz_target!(|data: &[u8]| {
    let scanner = &*SCANNER;
    for m in scanner.find(data) {
        assert!(m.start <= m.secret_start, "{m:?}");
        assert!(m.secret_start < m.secret_end, "{m:?}");
        assert!(m.secret_end <= m.end && m.end <= data.len(), "{m:?}");
        assert_eq!(m.secret, &data[m.secret_start..m.secret_end]);
        assert_eq!(m.matched, &data[m.start..m.end]);
        assert!(m.rule < scanner.rules().rules.len());
        assert_eq!(m.line, line_of(data, m.start), "line of {m:?}");
        assert_eq!(m.end_line, line_of(data, m.end), "end line of {m:?}");
        let line_start = data[..m.secret_start]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        assert_eq!(m.column as usize, m.secret_start - line_start + 1, "{m:?}");
    }
});
