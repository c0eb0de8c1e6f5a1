//! Vulnerability database benchmarks: loading the shared advisory data
//! (RustSec OSV JSON + Go OSV JSON + PyPA OSV YAML, about 8,000 records) and
//! matching 5,000 packages against it.
//!
//! Data: `$LEAKGATE_ADVISORY_DATA`, else `<crate>/../shared/advisory-data`,
//! else `/work/shared/advisory-data`; the benchmarks are skipped (with a
//! note) when none exists. Run: `cargo bench --bench vuln`.

use criterion::{criterion_group, criterion_main, Criterion};
use leakgate::inventory::{Ecosystem, Package, SourceLocation};
use leakgate::vuln::ignore::IgnoreList;
use leakgate::vuln::osv::Event;
use leakgate::vuln::{check, CheckOptions, Database, FailOn};
use std::hint::black_box;
use std::path::PathBuf;

fn data_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("LEAKGATE_ADVISORY_DATA").map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/advisory-data")),
        Some(PathBuf::from("/work/shared/advisory-data")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_dir())
}

fn sources(root: &std::path::Path) -> Vec<PathBuf> {
    vec![
        root.join("rustsec-osv/crates"),
        root.join("go-osv/data/osv"),
        root.join("pypa-osv-yaml/vulns"),
    ]
}

/// 5,000 packages drawn from the advisories themselves (names that exist,
/// versions at and around range boundaries), so matching does real work:
/// a mix of affected and unaffected versions.
fn packages(db: &Database, n: usize) -> Vec<Package> {
    let mut out = Vec::with_capacity(n);
    let mut versions_seen = 0usize;
    'outer: loop {
        for advisory in db.advisories() {
            for entry in &advisory.affected {
                let version = entry
                    .ranges
                    .iter()
                    .flat_map(|r| r.events.iter())
                    .filter(|e| !matches!(e, Event::Limit(_)))
                    .map(Event::version)
                    .filter(|v| *v != "0")
                    .nth(versions_seen % 2)
                    .or_else(|| entry.versions.first().map(String::as_str));
                let Some(version) = version else { continue };
                let version = if entry.ecosystem == Ecosystem::Go {
                    format!("v{version}")
                } else {
                    version.to_string()
                };
                out.push(Package {
                    ecosystem: entry.ecosystem,
                    name: entry.name.clone(),
                    version: Some(version),
                    purl: String::new(),
                    direct: true,
                    dev: false,
                    dependencies: Vec::new(),
                    location: SourceLocation {
                        file: "lockfile".into(),
                        line: out.len() as u32 + 1,
                    },
                    hashes: Vec::new(),
                    license: None,
                });
                if out.len() == n {
                    break 'outer;
                }
            }
        }
        versions_seen += 1;
        if out.is_empty() {
            break;
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let Some(root) = data_dir() else {
        eprintln!("vuln benchmarks skipped: no advisory data (set LEAKGATE_ADVISORY_DATA)");
        return;
    };
    let paths = sources(&root);
    let db = match Database::load(&paths) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("vuln benchmarks skipped: {e}");
            return;
        }
    };
    let s = db.stats();
    eprintln!(
        "advisory data: {} inputs, {} advisories, {} withdrawn, {} malformed",
        s.inputs, s.advisories_loaded, s.records_withdrawn, s.records_malformed
    );
    let mut group = c.benchmark_group("vuln");
    group.sample_size(10);
    group.bench_function("load_8k_records", |b| {
        b.iter(|| Database::load(black_box(&paths)).map(|db| db.stats().advisories_loaded))
    });
    let pkgs = packages(&db, 5000);
    let options = CheckOptions {
        fail_on: FailOn::Any,
        unscored_pass: false,
        only_fixed: false,
        exclude_dev: false,
        ignores: IgnoreList::default(),
        today: time::macros::date!(2026 - 01 - 01),
    };
    let found = check(&db, &pkgs, &options).matches.len();
    eprintln!("{} packages, {found} vulnerabilities found", pkgs.len());
    group.bench_function("match_5000_packages", |b| {
        b.iter(|| {
            check(black_box(&db), black_box(&pkgs), &options)
                .matches
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
