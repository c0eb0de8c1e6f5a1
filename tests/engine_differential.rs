//! Differential safety net for the matching engine: its matches must be
//! identical (rule, span, secret span, secret bytes, line, column) to those of
//! a slow, obviously-correct reference scan that spells out the engine's
//! semantics rule by rule:
//!
//! - a content rule without keywords runs over the whole blob;
//! - otherwise every occurrence of any of its keywords (ASCII
//!   case-insensitive, overlapping occurrences included) opens the window
//!   `window::around(hit, REACH or REACH_MULTILINE)`; the rule's windows are
//!   merged (overlapping or touching ones become one) and the rule's regex
//!   runs over each merged window;
//! - the secret is the `secretGroup`, else the first non-empty group, else
//!   the whole match; empty secrets are skipped; `verify::accept` decides.
//!
//! The reference finds keywords by a naive byte-pair index, not with the
//! engine's Aho-Corasick automata, and runs every rule on its own.
//!
//! Inputs: the shared labelled corpus (`LEAKGATE_DIFF_CORPUS`, default
//! `../shared/corpus` next to the checkout; the repository's own
//! `tests/fixtures` are always scanned as well) and blobs generated from
//! every built-in rule's regex (random strings drawn from the regex syntax
//! tree, embedded among keywords, assignments, noise and long lines).
//! `scripts/diff-engine.sh DIR` (`LEAKGATE_DIFF_CORPUS=DIR`) runs the same
//! comparison over any tree.

use leakgate::engine::decode;
use leakgate::engine::reference::{key_of, Key, Reference};
use leakgate::rules::{Rule, RuleSet};
use leakgate::scanner::{ScanOptions, Scanner};
use regex_syntax::hir::{Class, Hir, HirKind};
use std::path::{Path, PathBuf};

/// Compares engine and reference on one blob, then `Scanner::find` (engine
/// plus decode-and-rescan) with the reference plus the same rescan; returns
/// the rules of the matches.
fn compare(scanner: &Scanner, reference: &Reference, name: &str, data: &[u8]) -> Vec<usize> {
    let set = scanner.rules();
    let got: Vec<Key> = scanner.engine().find(data).iter().map(key_of).collect();
    let mut want = reference.find(data);
    check(
        set,
        name,
        &got,
        &want.iter().map(key_of).collect::<Vec<_>>(),
    );
    let got: Vec<Key> = scanner.find(data).iter().map(key_of).collect();
    decode::rescan_with(&|b: &[u8]| reference.find(b), data, &mut want);
    let want: Vec<Key> = want.iter().map(key_of).collect();
    check(set, &format!("{name} (decoded)"), &got, &want);
    got.iter().map(|k| k.0).collect()
}

/// Panics, naming the first differences, when `got` and `want` differ.
fn check(set: &RuleSet, name: &str, got: &[Key], want: &[Key]) {
    if got != want {
        let only_engine: Vec<_> = got.iter().filter(|k| !want.contains(k)).collect();
        let only_ref: Vec<_> = want.iter().filter(|k| !got.contains(k)).collect();
        let show = |v: &[&Key]| {
            v.iter()
                .take(5)
                .map(|k| format!("{} at {}..{}", set.rules[k.0].id, k.1, k.2))
                .collect::<Vec<_>>()
                .join(", ")
        };
        panic!(
            "{name}: engine and reference differ ({} vs {} matches); only engine: [{}]; only reference: [{}]",
            got.len(),
            want.len(),
            show(&only_engine),
            show(&only_ref)
        );
    }
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            if e.file_name() != ".git" {
                files_under(&e.path(), out);
            }
        } else if ft.is_file() {
            out.push(e.path());
        }
    }
}

/// A scanner over `rules` (the reference reads the scanner's rule set, so
/// regexes compile once).
fn scanner_of(rules: RuleSet) -> Scanner {
    Scanner::from_rules(rules, ScanOptions::default()).expect("scanner builds")
}

fn builtin() -> Scanner {
    scanner_of(RuleSet::builtin().expect("built-in rules load"))
}

/// Files of a tree no larger than `max` bytes each.
fn tree_blobs(root: &Path, max: u64) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    files_under(root, &mut files);
    files
        .into_iter()
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() <= max))
        .filter_map(|p| Some((p.display().to_string(), std::fs::read(&p).ok()?)))
        .collect()
}

#[test]
fn corpus_findings_match_the_reference_scan() {
    let scanner = builtin();
    let set = scanner.rules();
    let reference = Reference::new(set);
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut roots = vec![manifest.join("tests/fixtures")];
    match std::env::var_os("LEAKGATE_DIFF_CORPUS") {
        Some(dir) => roots.push(PathBuf::from(dir)),
        None => {
            let shared = manifest.join("../shared/corpus");
            if shared.is_dir() {
                roots.push(shared);
            } else {
                eprintln!(
                    "note: {} absent, only tests/fixtures compared",
                    shared.display()
                );
            }
        }
    }
    let (mut blobs, mut matches) = (0usize, 0usize);
    for root in &roots {
        assert!(root.is_dir(), "{} is not a directory", root.display());
        for (name, data) in tree_blobs(root, 10 << 20) {
            matches += compare(&scanner, &reference, &name, &data).len();
            blobs += 1;
        }
    }
    eprintln!("compared {blobs} blobs, {matches} matches");
    assert!(blobs > 0 && matches > 0, "the comparison saw no matches");
}

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A random string the regex `hir` tends to match (look-arounds are
/// ignored, so not every sample matches: that is fine, both sides see it).
fn sample(hir: &Hir, rng: &mut Rng, out: &mut Vec<u8>) {
    if out.len() > 4096 {
        return;
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(lit) => out.extend_from_slice(&lit.0),
        HirKind::Class(Class::Bytes(c)) => {
            let rs = c.ranges();
            if rs.is_empty() {
                return;
            }
            let printable: Vec<_> = rs
                .iter()
                .filter(|r| r.start() < 0x7f && r.end() > 0x20)
                .collect();
            let r = if !printable.is_empty() && rng.below(8) != 0 {
                *printable[rng.below(printable.len())]
            } else {
                rs[rng.below(rs.len())]
            };
            let (lo, hi) = (r.start() as usize, r.end() as usize);
            out.push((lo + rng.below(hi - lo + 1)) as u8);
        }
        HirKind::Class(Class::Unicode(c)) => {
            let rs = c.ranges();
            if rs.is_empty() {
                return;
            }
            let ascii: Vec<_> = rs
                .iter()
                .filter(|r| (r.start() as u32) < 0x7f && (r.end() as u32) > 0x20)
                .collect();
            let r = if !ascii.is_empty() && rng.below(8) != 0 {
                *ascii[rng.below(ascii.len())]
            } else {
                rs[rng.below(rs.len())]
            };
            let (lo, hi) = (r.start() as u32, r.end() as u32);
            let hi = if lo < 0x7f {
                hi.min(0x7e).max(lo)
            } else {
                hi.min(lo + 64)
            };
            let ch = (0..8)
                .map(|_| lo + rng.below((hi - lo + 1) as usize) as u32)
                .find_map(char::from_u32)
                .unwrap_or(r.start());
            let mut buf = [0u8; 4];
            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
        }
        HirKind::Repetition(rep) => {
            let extra = match rep.max {
                Some(max) => (max - rep.min).min(6) as usize,
                None => 6,
            };
            let n = rep.min.min(200) as usize + rng.below(extra + 1);
            for _ in 0..n {
                sample(&rep.sub, rng, out);
            }
        }
        HirKind::Capture(c) => sample(&c.sub, rng, out),
        HirKind::Concat(hs) => {
            for h in hs {
                sample(h, rng, out);
            }
        }
        HirKind::Alternation(hs) => sample(&hs[rng.below(hs.len())], rng, out),
    }
}

/// A rule regex parsed as the engine compiles it.
fn parse(pattern: &str) -> Option<Hir> {
    leakgate::engine::literals::parse(pattern)
}

const CONTEXTS: &[(&str, &str)] = &[
    ("", ""),
    ("key = \"", "\""),
    ("export TOKEN=", ""),
    ("  password: '", "'"),
    ("{\"secret\": \"", "\"}"),
    ("api_key=", "&user=admin"),
    ("// ", " -- see docs"),
    ("Authorization: Bearer ", ""),
    ("<value>", "</value>"),
    ("x", "y"),
];

const NOISE: &[&str] = &[
    "fn main() { println!(\"hello\"); }",
    "the user key is stored in the vault; rotate it monthly",
    "[default]",
    "[pypi]",
    "username = deploy",
    "id: 1234567890",
    "pat sk s. api key token secret password",
    "-----BEGIN CERTIFICATE-----",
    "",
];

/// Generated blobs: samples of every built-in rule among keywords of other
/// rules, assignments, noise, CRLF endings, long lines and repeats. With
/// `spread`, up to a few KiB of noise lines separate the samples, so that
/// windows are wide and hits sparse: the engine then verifies rules around
/// their hits (anchored), which this compares with the window scan.
fn generated_with(set: &RuleSet, seed: u64, spread: bool) -> Vec<Vec<u8>> {
    let mut rng = Rng(seed);
    let hirs: Vec<Option<Hir>> = set
        .rules
        .iter()
        .map(|r| match r.regex() {
            Some(Ok(re)) => parse(re.as_str()),
            _ => None,
        })
        .collect();
    let content: Vec<usize> = (0..set.rules.len())
        .filter(|&i| hirs[i].is_some())
        .collect();
    let mut blobs = Vec::new();
    let mut blob = Vec::new();
    for (n, &r) in content.iter().cycle().take(content.len() * 3).enumerate() {
        let rule = &set.rules[r];
        let (pre, post) = CONTEXTS[rng.below(CONTEXTS.len())];
        if rng.below(3) == 0 {
            if let Some(k) = rule.keywords.get(rng.below(rule.keywords.len().max(1))) {
                let k = if rng.below(2) == 0 {
                    k.to_ascii_uppercase()
                } else {
                    k.clone()
                };
                blob.extend_from_slice(k.as_bytes());
                blob.push(b' ');
            }
        }
        blob.extend_from_slice(pre.as_bytes());
        if let Some(h) = &hirs[r] {
            sample(h, &mut rng, &mut blob);
        }
        blob.extend_from_slice(post.as_bytes());
        match rng.below(10) {
            0 => blob.extend_from_slice(b"\r\n"),
            1 => blob.push(b' '), // the next sample continues the line
            2 => {
                // A keyword of a random other rule next to this one.
                let o = &set.rules[content[rng.below(content.len())]];
                if let Some(k) = o.keywords.first() {
                    blob.extend_from_slice(format!(" {k}=\n").as_bytes());
                } else {
                    blob.push(b'\n');
                }
            }
            3 => {
                blob.push(b'\n');
                blob.extend_from_slice(NOISE[rng.below(NOISE.len())].as_bytes());
                blob.push(b'\n');
            }
            4 => blob.extend_from_slice(&b"a".repeat(rng.below(3000))),
            _ => blob.push(b'\n'),
        }
        if spread {
            let target = blob.len() + rng.below(4000);
            while blob.len() < target {
                blob.extend_from_slice(NOISE[rng.below(NOISE.len())].as_bytes());
                blob.extend_from_slice(if rng.below(8) == 0 { b"\r\n" } else { b"\n" });
            }
        }
        if n % 40 == 39 {
            blobs.push(std::mem::take(&mut blob));
        }
    }
    blobs.push(blob);
    blobs
}

/// [`generated_with`], samples packed.
fn generated(set: &RuleSet, seed: u64) -> Vec<Vec<u8>> {
    generated_with(set, seed, false)
}

/// Samples far apart (wide windows, sparse hits): the anchored path.
#[test]
fn spread_generated_findings_match_the_reference_scan() {
    let scanner = builtin();
    let set = scanner.rules();
    let reference = Reference::new(set);
    let (mut blobs, mut matches) = (0usize, 0usize);
    for seed in [0xD1B5_4A32_D192_ED03u64, 1234] {
        for (i, data) in generated_with(set, seed, true).iter().enumerate() {
            matches += compare(
                &scanner,
                &reference,
                &format!("spread seed {seed:x} blob {i}"),
                data,
            )
            .len();
            blobs += 1;
        }
    }
    eprintln!("compared {blobs} spread generated blobs, {matches} matches");
    assert!(matches > set.rules.len() / 3, "only {matches} matches");
}

#[test]
fn generated_findings_match_the_reference_scan() {
    let scanner = builtin();
    let set = scanner.rules();
    let reference = Reference::new(set);
    let (mut blobs, mut matches) = (0usize, 0usize);
    for seed in [0x9E37_79B9_7F4A_7C15u64, 42] {
        for (i, data) in generated(set, seed).iter().enumerate() {
            matches += compare(
                &scanner,
                &reference,
                &format!("seed {seed:x} blob {i}"),
                data,
            )
            .len();
            blobs += 1;
        }
    }
    eprintln!("compared {blobs} generated blobs, {matches} matches");
    // Most rules' samples match their own regex: the comparison is not vacuous.
    assert!(matches > set.rules.len() / 2, "only {matches} matches");
}

/// Every rule twice, the copy under a new id (the engine matches such rules
/// together): each copy must report exactly what the reference finds for it
/// on its own.
#[test]
fn duplicated_rules_match_the_reference_scan() {
    let mut rules = RuleSet::builtin().expect("built-in rules load");
    let copies: Vec<Rule> = rules
        .rules
        .iter()
        .map(|r| {
            let mut c = r.clone();
            c.id = format!("{}-copy", r.id);
            c
        })
        .collect();
    rules.rules.extend(copies);
    let scanner = scanner_of(rules);
    let set = scanner.rules();
    let reference = Reference::new(set);
    let half = set.rules.len() / 2;
    let (mut blobs, mut matches, mut copies) = (0usize, 0usize, 0usize);
    for (i, data) in generated(set, 7).iter().enumerate() {
        let rules = compare(&scanner, &reference, &format!("doubled blob {i}"), data);
        matches += rules.len();
        copies += rules.iter().filter(|&&r| r >= half).count();
        blobs += 1;
    }
    // The copies report as often as the originals.
    assert_eq!(copies * 2, matches, "copies are not dropped");
    eprintln!("compared {blobs} generated blobs over doubled rules, {matches} matches");
    assert!(matches > half / 2, "only {matches} matches");
}
