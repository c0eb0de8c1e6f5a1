//! Fuzzes `Scanner::find` with the built-in rules on arbitrary bytes: it must
//! never panic, every match must be consistent with the bytes (offsets in
//! bounds and nested, `secret` and `matched` equal to those slices, `line`,
//! `end_line` and `column` counted from the start), and the matches must be
//! exactly those of the slow per-rule reference (`engine::reference`):
//! engine against `Reference::find`, `Scanner::find` against
//! `Reference::find_decoded` (rule, span, secret span, secret, line, column).

#![no_main]

use leakgate::engine::reference::{key_of, Key, Reference};
use leakgate::rules::RuleSet;
use leakgate::scanner::{ScanOptions, Scanner};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static SCANNER: LazyLock<Scanner> = LazyLock::new(|| {
    let rules = RuleSet::builtin().expect("built-in rules load");
    Scanner::from_rules(rules, ScanOptions::default()).expect("built-in rules compile")
});

static REFERENCE: LazyLock<Reference<'static>> = LazyLock::new(|| Reference::new(SCANNER.rules()));

fn line_of(data: &[u8], at: usize) -> u32 {
    1 + data[..at].iter().filter(|&&b| b == b'\n').count() as u32
}

fn keys(ms: &[leakgate::engine::Match]) -> Vec<Key> {
    ms.iter().map(key_of).collect()
}

fuzz_target!(|data: &[u8]| {
    let scanner = &*SCANNER;
    let found = scanner.find(data);
    for m in &found {
        assert!(m.start <= m.secret_start, "{m:?}");
        assert!(m.secret_start < m.secret_end, "{m:?}");
        assert!(m.secret_end <= m.end && m.end <= data.len(), "{m:?}");
        assert!(m.rule < scanner.rules().rules.len());
        if m.decoded.is_none() {
            assert_eq!(m.secret, &data[m.secret_start..m.secret_end]);
            assert_eq!(m.matched, &data[m.start..m.end]);
        }
        assert_eq!(m.line, line_of(data, m.start), "line of {m:?}");
        assert_eq!(m.end_line, line_of(data, m.end), "end line of {m:?}");
        let line_start = data[..m.secret_start]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        assert_eq!(m.column as usize, m.secret_start - line_start + 1, "{m:?}");
    }
    let reference = &*REFERENCE;
    assert_eq!(
        keys(&scanner.engine().find(data)),
        keys(&reference.find(data)),
        "engine vs reference"
    );
    assert_eq!(
        keys(&found),
        keys(&reference.find_decoded(data)),
        "Scanner::find vs reference with decoding"
    );
});
