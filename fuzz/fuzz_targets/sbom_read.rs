//! Fuzzes the SBOM readers (CycloneDX and SPDX JSON) behind `sbom check`:
//! any UTF-8 must read or fail with an error, never panic.

#![no_main]

use leakgate::sbom::read::read_sbom_str;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = read_sbom_str(text, "fuzz.json");
    }
});
