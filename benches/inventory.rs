//! Lockfile parsing throughput on synthetic 100k-package lockfiles: the
//! "huge lockfile parses in well under a second" requirement, measured;
//! and the 1M-package package-lock.json `scripts/gen-package-lock.py`
//! writes (about 327 MB, npm-shaped: scoped, nested and dev entries), in
//! bytes per second, with the peak heap of one parse (counted by this
//! bench's allocator) printed as a multiple of the input size.
//!
//! The 1M lockfile is generated once and cached as
//! `<target dir>/bench-data/package-lock-1m.json` (needs `python3`).
//!
//! Run with `cargo bench --bench inventory` (the 1M case alone:
//! `cargo bench --bench inventory -- parse_1m`).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use leakgate::inventory::{parse_str, LockfileKind};
use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting live and peak bytes.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to `System` unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let live = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                    - layout.size();
                PEAK.fetch_max(live, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Packages in the large package-lock (about 327 MB of JSON).
const LARGE: usize = 1_000_000;

/// The 1M-package lockfile of `scripts/gen-package-lock.py`, generated
/// into the target directory on first use.
fn generated_package_lock() -> String {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("target"));
    let path = target.join("bench-data").join("package-lock-1m.json");
    if !path.is_file() {
        let partial = path.with_extension("json.partial");
        let status = std::process::Command::new("python3")
            .arg(manifest.join("scripts/gen-package-lock.py"))
            .arg(LARGE.to_string())
            .arg(&partial)
            .status()
            .expect("python3 runs scripts/gen-package-lock.py");
        assert!(status.success(), "gen-package-lock.py failed: {status}");
        std::fs::rename(&partial, &path).expect("cache the generated lockfile");
    }
    std::fs::read_to_string(&path).expect("read the generated lockfile")
}

const PACKAGES: usize = 100_000;
const SRI: &str = "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==";
const SUM: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn package_lock_v3() -> String {
    package_lock_of(PACKAGES)
}

/// A v3 package-lock of `count` packages, each in the shape npm writes
/// (version, resolved, integrity, license, one dependency).
fn package_lock_of(count: usize) -> String {
    let mut text = String::from(
        "{\n  \"name\": \"huge\",\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {\"dependencies\": {\"p0\": \"1\"}}",
    );
    for i in 0..count {
        let _ = write!(
            text,
            ",\n    \"node_modules/p{i}\": {{\n      \"version\": \"1.0.{i}\",\n      \"resolved\": \"https://registry.example/p{i}/-/p{i}-1.0.{i}.tgz\",\n      \"integrity\": \"{SRI}\",\n      \"license\": \"MIT\",\n      \"dependencies\": {{\"p{}\": \"^1.0.0\"}}\n    }}",
            (i + 1) % count
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

fn bench_large(c: &mut Criterion) {
    let text = generated_package_lock();
    let input = text.len();
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let parsed = parse_str(LockfileKind::PackageLock, "package-lock.json", &text).map(|p| p.len());
    let peak = PEAK.load(Ordering::Relaxed) - before;
    assert_eq!(
        parsed.ok(),
        Some(LARGE),
        "the 1M-package lockfile must parse fully"
    );
    eprintln!(
        "parse_1m: input {input} bytes, peak heap of one parse {peak} bytes ({:.2}x the input)",
        peak as f64 / input as f64
    );
    let mut group = c.benchmark_group("parse_1m");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(input as u64));
    group.bench_function("package-lock-v3", |b| {
        b.iter(|| {
            parse_str(
                LockfileKind::PackageLock,
                "package-lock.json",
                black_box(&text),
            )
            .map(|p| p.len())
        })
    });
    group.finish();
}

criterion_group!(benches, bench, bench_large);
criterion_main!(benches);
