//! Fuzzes git's pre-push input parsing: any bytes must yield updates or an
//! error whose message is short (a malformed line is never echoed in full)
//! and free of raw control characters.

#![no_main]

use leakgate::git::prepush::{parse_updates, read_input};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = match read_input(&mut &data[..]) {
        Ok(t) => t,
        Err(e) => {
            check(&e.to_string());
            return;
        }
    };
    if let Err(e) = parse_updates(&text) {
        check(&e.to_string());
    }
});

fn check(message: &str) {
    // 120 quoted characters, each at most 10 once escaped (`\u{10ffff}`),
    // plus the line number, reason and length.
    assert!(message.chars().count() < 1500, "error too long: {}", message.len());
    assert!(
        !message.chars().any(|c| c.is_control()),
        "raw control character in {message:?}"
    );
}
