//! Git scan benchmarks on generated repositories.
//!
//! - `staged/*`: a repository with many files (50,000 by default, set
//!   `LEAKGATE_BENCH_FILES`) and some history, 3 files staged. Measured
//!   twice: the library call (open + diff index/HEAD + scan), and the whole
//!   `leakgate scan --staged` process as a pre-commit hook runs it.
//! - `history/*`: full-history audit throughput (bytes of unique blobs per
//!   second) on a generated history of text files (`LEAKGATE_BENCH_COMMITS`
//!   commits, 400 by default, each rewriting 10 files of ~8 KiB).
//!
//! Run: `cargo bench --bench git`. Generation uses git2 and the `git` binary
//! (for `git add -A` and `git repack` on the big tree).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use git2::{IndexEntry, IndexTime, Repository, Signature};
use leakgate::git::history::{scan_history, HistoryOptions};
use leakgate::git::progress::Progress;
use leakgate::git::staged::scan_staged;
use leakgate::scanner::{ScanOptions, Scanner};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Deterministic pseudo-random text: config-like lines of words and hex.
fn text(seed: u64, len: usize) -> Vec<u8> {
    const WORDS: [&str; 12] = [
        "server", "timeout", "user", "enable", "path", "value", "retry", "cache", "level", "name",
        "port", "mode",
    ];
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut out = Vec::with_capacity(len + 64);
    while out.len() < len {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let w = WORDS[(x >> 33) as usize % WORDS.len()];
        out.extend_from_slice(format!("{w}_{} = \"{:016x}\"\n", (x >> 50) % 100, x).as_bytes());
    }
    out
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

fn staged_repo(files: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let repo = Repository::init(root).expect("init");
    for i in 0..files {
        let path = root.join(format!("d{:03}/f{:05}.txt", i % 500, i));
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, text(i as u64, 300)).expect("write");
    }
    git(
        root,
        &["-c", "user.name=b", "-c", "user.email=b@x", "add", "-A"],
    );
    git(
        root,
        &[
            "-c",
            "user.name=b",
            "-c",
            "user.email=b@x",
            "commit",
            "-qm",
            "tree",
        ],
    );
    // Some history on top (staged scans must not depend on it).
    let sig = Signature::now("bench", "bench@example.com").expect("sig");
    let mut index = repo.index().expect("index");
    for c in 0..50u64 {
        let data = text(1_000_000 + c, 300);
        let mut entry = entry(&format!("d000/f{:05}.txt", c * 500));
        entry.file_size = data.len() as u32;
        index.add_frombuffer(&entry, &data).expect("add");
        let tree = repo
            .find_tree(index.write_tree().expect("tree"))
            .expect("tree");
        let parent = repo.head().expect("head").peel_to_commit().expect("commit");
        repo.commit(Some("HEAD"), &sig, &sig, "edit", &tree, &[&parent])
            .expect("commit");
    }
    index.write().expect("write index");
    git(root, &["repack", "-adq"]);
    git(root, &["checkout", "-q", "--", "."]);
    // Stage three changed files, one with a secret.
    for (n, i) in [7usize, 20_011 % files, 33_333 % files]
        .into_iter()
        .enumerate()
    {
        let rel = format!("d{:03}/f{:05}.txt", i % 500, i);
        let mut data = text(i as u64, 300);
        if n == 0 {
            // A fake token, planted on purpose. pragma: allowlist nextline secret
            data.extend_from_slice(b"token = \"ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1x0001Y\"\n");
        } else {
            data.extend_from_slice(b"extra = 1\n");
        }
        std::fs::write(root.join(&rel), data).expect("write");
        git(root, &["add", &rel]);
    }
    dir
}

fn entry(path: &str) -> IndexEntry {
    IndexEntry {
        ctime: IndexTime::new(0, 0),
        mtime: IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: 0o100644,
        uid: 0,
        gid: 0,
        file_size: 0,
        id: git2::Oid::zero(),
        flags: 0,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    }
}

/// A history of `commits` commits, each rewriting 10 of 200 files; returns
/// the repository and the total bytes of its unique blobs.
fn history_repo(commits: usize) -> (tempfile::TempDir, u64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = Repository::init(dir.path()).expect("init");
    let sig = Signature::now("bench", "bench@example.com").expect("sig");
    let mut index = repo.index().expect("index");
    let mut bytes = 0u64;
    let mut parent: Option<git2::Oid> = None;
    for c in 0..commits {
        for k in 0..10 {
            let file = (c * 7 + k * 13) % 200;
            let mut data = text((c * 1000 + k) as u64, 8 * 1024);
            if c % 97 == 0 && k == 0 {
                // A fake token, planted on purpose. pragma: allowlist nextline secret
                data.extend_from_slice(b"token = \"ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1x0002Y\"\n");
            }
            bytes += data.len() as u64;
            let mut e = entry(&format!("src/m{:02}/file{file:03}.conf", file % 20));
            e.file_size = data.len() as u32;
            index.add_frombuffer(&e, &data).expect("add");
        }
        let tree = repo
            .find_tree(index.write_tree().expect("tree"))
            .expect("tree");
        let parents: Vec<git2::Commit> = parent
            .map(|p| repo.find_commit(p).expect("parent"))
            .into_iter()
            .collect();
        let refs: Vec<&git2::Commit> = parents.iter().collect();
        parent = Some(
            repo.commit(Some("HEAD"), &sig, &sig, "change", &tree, &refs)
                .expect("commit"),
        );
    }
    git(dir.path(), &["repack", "-adq"]);
    (dir, bytes)
}

fn scanner(root: &Path) -> Scanner {
    Scanner::from_config(root, None, ScanOptions::default()).expect("built-in rules load")
}

fn bench_staged(c: &mut Criterion) {
    let files = env_usize("LEAKGATE_BENCH_FILES", 50_000);
    let dir = staged_repo(files);
    let root = dir.path();
    let scanner = scanner(root);
    let mut group = c.benchmark_group("staged");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));
    group.bench_function(format!("library_3_of_{files}_files"), |b| {
        b.iter(|| {
            let repo = Repository::open(root).expect("open");
            let out = scan_staged(&repo, None, &scanner, 10 << 20).expect("scan");
            assert_eq!(out.findings.len(), 1);
        })
    });
    group.bench_function(format!("process_3_of_{files}_files"), |b| {
        b.iter(|| {
            let out = Command::new(env!("CARGO_BIN_EXE_leakgate"))
                .current_dir(root)
                .args(["scan", "--staged", "-f", "json"])
                .output()
                .expect("leakgate runs");
            assert_eq!(out.status.code(), Some(1));
        })
    });
    group.finish();
}

fn bench_history(c: &mut Criterion) {
    let commits = env_usize("LEAKGATE_BENCH_COMMITS", 400);
    let (dir, bytes) = history_repo(commits);
    let scanner = scanner(dir.path());
    let repo = Repository::open(dir.path()).expect("open");
    let mut group = c.benchmark_group("history");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Bytes(bytes));
    group.bench_function(format!("{commits}_commits"), |b| {
        b.iter(|| {
            let out = scan_history(
                &repo,
                &scanner,
                &HistoryOptions::default(),
                &Progress::hidden(),
            )
            .expect("scan");
            assert!(!out.findings.is_empty());
        })
    });
    group.finish();
}

criterion_group!(benches, bench_staged, bench_history);
criterion_main!(benches);
