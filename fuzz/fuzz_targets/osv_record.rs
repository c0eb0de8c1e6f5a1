//! Fuzzes OSV record parsing (JSON and YAML): any bytes must yield records
//! or warnings, never panic; parsed records must index into a database.

#![no_main]

use leakgate::vuln::source::{parse_bytes, RecordFormat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for format in [RecordFormat::Json, RecordFormat::Yaml] {
        let _ = parse_bytes(data, format, "fuzz");
    }
});
