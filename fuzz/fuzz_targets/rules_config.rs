//! Fuzzes the config / rule loader (leakgate and gitleaks TOML): any UTF-8
//! must load or fail with an error; a loaded rule set must compile into a
//! scanner or fail with an error, never panic.

#![no_main]

use leakgate::rules::config::{parse_str, Origin};
use leakgate::scanner::{ScanOptions, Scanner};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let origin = Origin {
        path: "fuzz.toml".into(),
        dir: None,
    };
    if let Ok(rules) = parse_str(text, &origin) {
        if let Ok(scanner) = Scanner::from_rules(rules, ScanOptions::default()) {
            let _ = scanner.find(text.as_bytes());
        }
    }
});
