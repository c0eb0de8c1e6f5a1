//! Engine benchmarks (criterion): throughput of `Scanner::find` in MB/s on the
//! labelled secret corpus and on a large source tree, and the cost of
//! building a scanner and scanning three staged files with it (what every
//! pre-commit run pays at start-up).
//!
//! Inputs: the corpus at `<crate>/../shared/corpus` (fallback
//! `/work/shared/corpus`; skipped if absent), and `~/.cargo/registry/src`
//! capped at 50 MB (or generated source-like text when absent).
//! `find/rules-single` and `find/rules-doubled` scan the same fixed input
//! (the crate's own `src/` and `rules/` text plus generated text with planted
//! tokens, about 4 MB, deterministic) with the built-in rules and with every
//! rule duplicated under a new id: the cost of doubling the rule set.
//! `find/rules-doubled-distinct` makes each copy's regex a different pattern
//! (wrapped in `(?:…)`), so identical rules cannot share a pass: the cost of
//! twice as many distinct rules.
//! Run: `cargo bench --bench engine` (or `-- rules-` for the doubling pair).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use leakgate::rules::RuleSet;
use leakgate::scanner::{ScanOptions, Scanner};
use std::hint::black_box;
use std::path::{Path, PathBuf};

/// Cap of the source-tree sample.
const SOURCE_CAP: usize = 50 << 20;

fn corpus_dir() -> Option<PathBuf> {
    let near = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    [near, PathBuf::from("/work/shared/corpus")]
        .into_iter()
        .find(|p| p.is_dir())
}

/// Text files under `dir` (sorted, for a stable sample), up to `cap` bytes.
fn read_tree(dir: &Path, cap: usize, skip: &[&str]) -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = ignore::WalkBuilder::new(dir)
        .hidden(false)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(|e| e.into_path())
        .filter(|p| !skip.iter().any(|s| p.file_name().is_some_and(|n| n == *s)))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    let mut total = 0;
    for p in paths {
        let Ok(data) = std::fs::read(&p) else {
            continue;
        };
        if leakgate::source::is_binary(&data) || data.len() > 1 << 20 {
            continue;
        }
        total += data.len();
        out.push(data);
        if total >= cap {
            break;
        }
    }
    out
}

/// Deterministic source-like text when no registry sources are available.
fn generated_source(size: usize) -> Vec<Vec<u8>> {
    let lines = [
        "fn parse_config(path: &Path) -> Result<Config, Error> {",
        "    let token = env::var(\"API_TOKEN\").unwrap_or_default();",
        "    // the key is read from the environment, never hard-coded",
        "    let password = prompt_password(\"Password: \")?;",
        "    let url = format!(\"https://{}/v1/secrets/{}\", host, id);",
        "    if secret.is_empty() { return Err(Error::MissingKey); }",
        "}",
    ];
    let mut out = Vec::new();
    let mut file = String::new();
    let mut total = 0;
    let mut i = 0usize;
    while total < size {
        file.push_str(lines[i % lines.len()]);
        file.push('\n');
        i += 1;
        if file.len() >= 64 << 10 {
            total += file.len();
            out.push(std::mem::take(&mut file).into_bytes());
        }
    }
    out
}

fn scanner() -> Scanner {
    Scanner::from_rules(
        RuleSet::builtin().expect("built-in rules"),
        ScanOptions::default(),
    )
    .expect("scanner")
}

fn bench_throughput(c: &mut Criterion) {
    let s = scanner();
    let mut group = c.benchmark_group("find");
    group.sample_size(10);
    let mut inputs: Vec<(&str, Vec<Vec<u8>>)> = Vec::new();
    if let Some(dir) = corpus_dir() {
        inputs.push((
            "corpus",
            read_tree(&dir, usize::MAX, &["labels.jsonl", "score.py", "README.md"]),
        ));
    }
    let registry = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/registry/src"));
    let source = match registry.filter(|p| p.is_dir()) {
        Some(dir) => read_tree(&dir, SOURCE_CAP, &[]),
        None => generated_source(SOURCE_CAP),
    };
    inputs.push(("source-tree", source));
    for (name, files) in &inputs {
        let bytes: usize = files.iter().map(Vec::len).sum();
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_with_input(BenchmarkId::new(*name, bytes), files, |b, files| {
            b.iter(|| {
                let mut n = 0;
                for f in files {
                    n += s.find(black_box(f)).len();
                }
                n
            })
        });
    }
    group.finish();
}

/// Three small staged source files mentioning common keywords (`key`,
/// `token`, `secret`, `api`): the typical pre-commit input.
const STAGED_FILES: [&str; 3] = [
    "fn load() {\n    let api_key = config.get(\"token\"); // secret\n}\n",
    "// Reads the secret token from the environment.\nlet key = std::env::var(\"API_KEY\");\n",
    "pub struct Settings {\n    pub token_ttl: u64,\n    pub secret_store: String,\n}\n",
];

fn bench_construction(c: &mut Criterion) {
    c.bench_function("scanner/build", |b| b.iter(|| black_box(scanner())));
    // What a pre-commit run pays in-process: a fresh scanner (rules loaded,
    // automaton built), then the first scan, which compiles every regex its
    // keywords select.
    c.bench_function("scanner/build+first-staged-scan", |b| {
        b.iter(|| {
            let s = scanner();
            STAGED_FILES
                .iter()
                .map(|f| s.find(black_box(f.as_bytes())).len())
                .sum::<usize>()
        })
    });
}

/// Tokens of a few rule formats, planted in the doubling input. Made of
/// fixed letters, not real credentials.
const PLANTED: [&str; 4] = [
    "ghp_Qx7Lm2Rz9Tw4Vb8Nc3Jd6Hf1Kp5Sg0Ya2Ue7", // leakgate:allow
    "password = \"Xq7Lm2Rz9Tw4Pq\"",            // leakgate:allow
    "AKIAQX7LM2RZ9TW4VB8N",                     // leakgate:allow
    "xoxb-1234567890-1234567890123-Qx7Lm2Rz9Tw4Vb8Nc3Jd6Hf1", // leakgate:allow
];

/// The doubling input: the crate's `src/` and `rules/` files, then generated
/// source-like text with a planted token every 97 lines, about 4 MB in all.
fn doubling_input() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = read_tree(&root.join("src"), 2 << 20, &[]);
    files.extend(read_tree(&root.join("rules"), 1 << 20, &[]));
    let mut generated = generated_source(1 << 20);
    for (i, f) in generated.iter_mut().enumerate() {
        let mut out = Vec::with_capacity(f.len() + 4096);
        for (n, line) in f.split_inclusive(|&b| b == b'\n').enumerate() {
            out.extend_from_slice(line);
            if n % 97 == 96 {
                out.extend_from_slice(PLANTED[(i + n) % PLANTED.len()].as_bytes());
                out.push(b'\n');
            }
        }
        *f = out;
    }
    files.extend(generated);
    files
}

/// The built-in rules plus a copy of each under a new id. With `distinct`,
/// each copy's regex is wrapped in a non-capturing group: it matches the
/// same text but is a different pattern, so the engine cannot share one
/// pass between a rule and its copy. That is the honest cost of twice as
/// many rules; the plain copies measure what identical rules cost.
fn doubled_rules(distinct: bool) -> RuleSet {
    let mut rules = RuleSet::builtin().expect("built-in rules");
    let copies: Vec<_> = rules
        .rules
        .iter()
        .map(|r| {
            let mut c = r.clone();
            c.id = format!("{}-copy", r.id);
            if distinct {
                c.regex_source = r.regex_source.as_ref().map(|re| format!("(?:{re})"));
            }
            c
        })
        .collect();
    rules.rules.extend(copies);
    rules
}

fn bench_doubling(c: &mut Criterion) {
    let files = doubling_input();
    let bytes: usize = files.iter().map(Vec::len).sum();
    let single = scanner();
    let doubled =
        Scanner::from_rules(doubled_rules(false), ScanOptions::default()).expect("scanner");
    let distinct =
        Scanner::from_rules(doubled_rules(true), ScanOptions::default()).expect("scanner");
    let mut group = c.benchmark_group("find");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes as u64));
    for (name, s) in [
        ("rules-single", &single),
        ("rules-doubled", &doubled),
        ("rules-doubled-distinct", &distinct),
    ] {
        group.bench_with_input(BenchmarkId::new(name, bytes), &files, |b, files| {
            b.iter(|| {
                files
                    .iter()
                    .map(|f| s.find(black_box(f)).len())
                    .sum::<usize>()
            })
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    bench_construction,
    bench_throughput,
    bench_doubling
);
criterion_main!(benches);
