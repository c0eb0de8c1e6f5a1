//! Fuzzes the `yarn.lock` parser: any UTF-8 input must parse or fail with an
//! error, never panic. Run: `cargo +nightly fuzz run yarn_lock`.

#![no_main]

use leakgate::inventory::{parse_str, LockfileKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_str(LockfileKind::YarnLock, "yarn.lock", text);
    }
});
