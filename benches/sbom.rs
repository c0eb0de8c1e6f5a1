//! SBOM throughput on a monorepo-sized inventory: 20,000 packages spread over
//! 50 lockfiles and four ecosystems, each package depending on up to three
//! others in its lockfile (so the dependency graph is realistic in size).
//!
//! Run: `cargo bench --bench sbom`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use leakgate::inventory::{Digest, Ecosystem, Package, PackageRef, SourceLocation};
use leakgate::sbom::{self, creation_time_from, CycloneDxVersion, SbomFormat, WriteOptions};
use std::hint::black_box;

const PACKAGES: usize = 20_000;
const LOCKFILES: usize = 50;

/// A deterministic synthetic inventory: lockfile `k` holds packages
/// `k*400 .. (k+1)*400`; package `i` depends on the next three of its lockfile.
fn inventory() -> Vec<Package> {
    let per_file = PACKAGES / LOCKFILES;
    let ecosystems = [
        (Ecosystem::CratesIo, "Cargo.lock"),
        (Ecosystem::Npm, "package-lock.json"),
        (Ecosystem::PyPI, "poetry.lock"),
        (Ecosystem::Go, "go.mod"),
    ];
    (0..PACKAGES)
        .map(|i| {
            let file_no = i / per_file;
            let (eco, file_name) = ecosystems[file_no % ecosystems.len()];
            let name = |j: usize| match eco {
                Ecosystem::Npm if j.is_multiple_of(5) => format!("@scope{}/pkg-{j}", j % 7),
                Ecosystem::Go => format!("github.com/org{}/mod-{j}", j % 11),
                _ => format!("pkg-{j}"),
            };
            let version = format!("{}.{}.{}", i % 9, i % 17, i % 5);
            let last = (file_no + 1) * per_file;
            Package {
                ecosystem: eco,
                name: name(i),
                version: Some(version.clone()),
                source_purl: None,
                direct: i % per_file < 20,
                dev: i % 13 == 0,
                dependencies: (i + 1..(i + 4).min(last))
                    .map(|j| PackageRef {
                        name: name(j),
                        version: Some(format!("{}.{}.{}", j % 9, j % 17, j % 5)),
                    })
                    .collect(),
                location: SourceLocation {
                    file: format!("services/svc-{file_no}/{file_name}").into(),
                    line: (i % per_file) as u32 * 7 + 1,
                },
                hashes: vec![Digest::from_hex("SHA-256", &format!("{i:064x}")).unwrap()],
                license: (i % 3 == 0).then(|| "MIT OR Apache-2.0".into()),
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let packages = inventory();
    let options = WriteOptions {
        root_name: "monorepo".into(),
        timestamp: creation_time_from(Some("1700000000")).unwrap_or_else(|e| panic!("{e}")),
    };
    let mut group = c.benchmark_group("sbom_20k_packages");
    group.sample_size(20);
    group.throughput(Throughput::Elements(PACKAGES as u64));
    for (label, format) in [
        (
            "cyclonedx-1.6",
            SbomFormat::CycloneDx(CycloneDxVersion::V1_6),
        ),
        ("spdx-2.3", SbomFormat::Spdx),
    ] {
        group.bench_with_input(BenchmarkId::new("write", label), &format, |b, &format| {
            b.iter(|| {
                let mut out = Vec::with_capacity(32 << 20);
                sbom::write(black_box(&packages), format, &options, &mut out)
                    .unwrap_or_else(|e| panic!("{e}"));
                out.len()
            })
        });
    }
    let mut cdx = Vec::new();
    sbom::write(&packages, SbomFormat::default(), &options, &mut cdx)
        .unwrap_or_else(|e| panic!("{e}"));
    let cdx = String::from_utf8(cdx).unwrap_or_else(|e| panic!("{e}"));
    group.bench_function("read/cyclonedx-1.6", |b| {
        b.iter(|| {
            sbom::read_sbom_str(black_box(&cdx), "bom.json")
                .unwrap_or_else(|e| panic!("{e}"))
                .packages
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
