//! Fuzzes reading an OSV zip (what `db update` downloads): any bytes written
//! as `x.zip` must load or fail with an error, never panic or blow up memory
//! (libFuzzer's `-rss_limit_mb` catches the latter).

#![no_main]

use leakgate::vuln::source::{read_path, Harvest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("leakgate-fuzz-{}.zip", std::process::id()));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let mut harvest = Harvest::default();
    let _ = read_path(&path, &mut harvest);
    let _ = std::fs::remove_file(&path);
});
