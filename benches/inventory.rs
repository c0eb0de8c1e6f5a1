//! Lockfile parsing throughput on synthetic 100k-package lockfiles: the
//! "huge lockfile parses in well under a second" requirement, measured.
//!
//! Run with `cargo bench --bench inventory`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use leakgate::inventory::{parse_str, LockfileKind};
use std::fmt::Write as _;
use std::hint::black_box;

const PACKAGES: usize = 100_000;
const SRI: &str = "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==";
const SUM: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn package_lock_v3() -> String {
    let mut text = String::from(
        "{\n  \"name\": \"huge\",\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {\"dependencies\": {\"p0\": \"1\"}}",
    );
    for i in 0..PACKAGES {
        let _ = write!(
            text,
            ",\n    \"node_modules/p{i}\": {{\n      \"version\": \"1.0.{i}\",\n      \"resolved\": \"https://registry.example/p{i}/-/p{i}-1.0.{i}.tgz\",\n      \"integrity\": \"{SRI}\",\n      \"license\": \"MIT\",\n      \"dependencies\": {{\"p{}\": \"^1.0.0\"}}\n    }}",
            (i + 1) % PACKAGES
        );
    }
    text.push_str("\n  }\n}\n");
    text
}

fn cargo_lock_v4() -> String {
    let mut text = String::from(
        "version = 4\n\n[[package]]\nname = \"root\"\nversion = \"0.1.0\"\ndependencies = [\"crate0\"]\n",
    );
    for i in 0..PACKAGES {
        let _ = write!(
            text,
            "\n[[package]]\nname = \"crate{i}\"\nversion = \"1.0.{i}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{SUM}\"\ndependencies = [\n \"crate{}\",\n]\n",
            (i + 1) % PACKAGES
        );
    }
    text
}

fn pnpm_v9() -> String {
    let mut text = String::from(
        "lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      p0:\n        specifier: ^1.0.0\n        version: 1.0.0\n\npackages:\n\n",
    );
    for i in 0..PACKAGES {
        let _ = write!(
            text,
            "  p{i}@1.0.{i}:\n    resolution: {{integrity: {SRI}}}\n\n"
        );
    }
    text.push_str("snapshots:\n\n");
    for i in 0..PACKAGES {
        let _ = write!(
            text,
            "  p{i}@1.0.{i}:\n    dependencies:\n      p{}: 1.0.{}\n\n",
            (i + 1) % PACKAGES,
            (i + 1) % PACKAGES
        );
    }
    text
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_100k");
    group.sample_size(10);
    group.throughput(Throughput::Elements(PACKAGES as u64));
    for (name, kind, text) in [
        (
            "package-lock-v3",
            LockfileKind::PackageLock,
            package_lock_v3(),
        ),
        ("cargo-lock-v4", LockfileKind::CargoLock, cargo_lock_v4()),
        ("pnpm-lock-v9", LockfileKind::PnpmLock, pnpm_v9()),
    ] {
        let parsed = parse_str(kind, name, &text).map(|p| p.len());
        assert_eq!(parsed.ok(), Some(PACKAGES), "{name} must parse fully");
        group.bench_function(name, |b| {
            b.iter(|| parse_str(kind, name, black_box(&text)).map(|p| p.len()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
