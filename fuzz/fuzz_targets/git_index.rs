//! Fuzzes the git index parser behind `scan --staged`: any bytes must parse
//! or fail with an [`IndexError`], never panic, abort on a huge allocation
//! or overflow the stack. Inputs get a valid SHA-1 trailer half the time so
//! the fuzzer gets past the checksum.

#![no_main]

use leakgate::git::index::parse;
use libfuzzer_sys::fuzz_target;
use sha1::Digest;

fuzz_target!(|data: &[u8]| {
    let _ = parse(data);
    if data.first().is_some_and(|b| b & 1 == 1) {
        let mut with_sum = b"DIRC".to_vec();
        with_sum.extend_from_slice(&data[1..]);
        let sum = sha1::Sha1::digest(&with_sum);
        with_sum.extend_from_slice(&sum);
        if let Ok(index) = parse(&with_sum) {
            for e in &index.entries {
                let _ = index.path(e);
            }
        }
    }
});
