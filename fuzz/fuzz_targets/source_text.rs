//! Fuzzes the text sources: encoding detection, the streaming UTF-16
//! decoder (which must equal the whole-buffer decoding, however the input is
//! split into reads), and the chunked stream scan (which must never panic
//! and must find, with a small chunk, every match the whole-buffer scan
//! finds, at the same line).

#![no_main]

use leakgate::rules::RuleSet;
use leakgate::scanner::{ScanOptions, Scanner};
use leakgate::source::read::{scan_stream, MIN_CHUNK};
use leakgate::source::text::{decode_utf16, sniff, Encoding, Utf16Decoder};
use libfuzzer_sys::fuzz_target;
use std::io::Read;
use std::sync::LazyLock;

static SCANNER: LazyLock<Scanner> = LazyLock::new(|| {
    let rules = RuleSet::builtin().expect("built-in rules load");
    Scanner::from_rules(rules, ScanOptions::default()).expect("built-in rules compile")
});

/// A reader handing out `step`-byte reads.
struct Steps<'a>(&'a [u8], usize);

impl Read for Steps<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.1.min(buf.len()).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&step, rest)) = data.split_first() else {
        return;
    };
    let _ = sniff(rest);
    for enc in [Encoding::Utf16Le, Encoding::Utf16Be] {
        let whole = decode_utf16(rest, enc);
        let mut streamed = Vec::new();
        Utf16Decoder::new(Steps(rest, usize::from(step) + 1), enc)
            .read_to_end(&mut streamed)
            .expect("reading from memory");
        assert_eq!(whole, streamed);
    }
    if sniff(rest) == Encoding::Utf8 {
        // Repeat the input past a few chunks so boundaries fall inside it.
        let mut big = Vec::new();
        while big.len() < 3 * MIN_CHUNK && !rest.is_empty() {
            big.extend_from_slice(rest);
        }
        let whole = scan_stream(&SCANNER, &mut big.as_slice(), 1 << 30).expect("memory");
        let chunked = scan_stream(&SCANNER, &mut big.as_slice(), MIN_CHUNK as u64).expect("memory");
        assert_eq!(whole.bytes, chunked.bytes);
        let key = |m: &leakgate::scanner::Match| (m.rule, m.secret_start, m.line, m.secret.clone());
        let found: std::collections::HashSet<_> = chunked.matches.iter().map(key).collect();
        for m in &whole.matches {
            // Secrets shorter than the overlap are found whole in some chunk.
            if m.end - m.start < MIN_CHUNK / 8 {
                assert!(found.contains(&key(m)), "chunked scan missed {m:?}");
            }
        }
    }
});
