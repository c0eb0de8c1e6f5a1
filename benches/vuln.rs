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

/// 5,000 packages drawn from the advisories themselves, like a large
/// monorepo's lockfiles: each distinct (ecosystem, name) once per round, with
/// a version at or around a range boundary (round 0: the first event's
/// version, round 1: the second, ...), so matching does real work on a mix
/// of affected and unaffected versions.
fn packages(db: &Database, n: usize) -> Vec<Package> {
    let mut names: Vec<(Ecosystem, &str, Vec<&str>)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for advisory in db.advisories() {
        for entry in &advisory.affected {
            if !seen.insert((entry.ecosystem, entry.key.as_str())) {
                continue;
            }
            let mut versions: Vec<&str> = entry
                .ranges
                .iter()
                .flat_map(|r| r.events.iter())
                .filter(|e| !matches!(e, Event::Limit(_)))
                .map(Event::version)
                .filter(|v| *v != "0")
                .collect();
            versions.extend(entry.versions.iter().map(String::as_str));
            if !versions.is_empty() {
                names.push((entry.ecosystem, entry.name.as_str(), versions));
            }
        }
    }
    let mut out = Vec::with_capacity(n);
    for round in 0.. {
        let before = out.len();
        for (ecosystem, name, versions) in &names {
            let Some(version) = versions.get(round) else {
                continue;
            };
            let version = if *ecosystem == Ecosystem::Go {
                format!("v{version}")
            } else {
                version.to_string()
            };
            out.push(Package {
                ecosystem: *ecosystem,
                name: name.to_string(),
                version: Some(version),
                source_purl: None,
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
                return out;
            }
        }
        if out.len() == before {
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
