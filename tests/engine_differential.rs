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

use leakgate::engine::{verify, window, Engine, Match};
use leakgate::rules::{Rule, RuleSet};
use regex_syntax::hir::{Class, Hir, HirKind};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What is compared: rule, span, secret span, secret, line, column.
type Key = (usize, usize, usize, usize, usize, Vec<u8>, u32, u32);

fn key_of(m: &Match) -> Key {
    (
        m.rule,
        m.start,
        m.end,
        m.secret_start,
        m.secret_end,
        m.secret.clone(),
        m.line,
        m.column,
    )
}

/// Keyword occurrences found naively: keywords indexed by their first two
/// lowercased bytes (one-byte keywords apart), every position checked.
struct NaiveKeywords {
    /// Lowercased keyword → rules declaring it.
    rules: HashMap<Vec<u8>, Vec<usize>>,
    by_pair: HashMap<[u8; 2], Vec<Vec<u8>>>,
    single: HashMap<u8, Vec<Vec<u8>>>,
}

impl NaiveKeywords {
    fn new(set: &RuleSet) -> NaiveKeywords {
        let mut rules: HashMap<Vec<u8>, Vec<usize>> = HashMap::new();
        for (i, r) in set.rules.iter().enumerate() {
            if r.regex_source.is_none() {
                continue;
            }
            for k in &r.keywords {
                let lower = k.as_bytes().to_ascii_lowercase();
                let v = rules.entry(lower).or_default();
                if !v.contains(&i) {
                    v.push(i);
                }
            }
        }
        let mut by_pair: HashMap<[u8; 2], Vec<Vec<u8>>> = HashMap::new();
        let mut single: HashMap<u8, Vec<Vec<u8>>> = HashMap::new();
        for k in rules.keys() {
            match k.len() {
                0 => {}
                1 => single.entry(k[0]).or_default().push(k.clone()),
                _ => by_pair.entry([k[0], k[1]]).or_default().push(k.clone()),
            }
        }
        NaiveKeywords {
            rules,
            by_pair,
            single,
        }
    }

    /// Per rule, the windows opened by its keyword hits in `data`.
    fn windows(&self, set: &RuleSet, data: &[u8]) -> Vec<Vec<std::ops::Range<usize>>> {
        let mut out = vec![Vec::new(); set.rules.len()];
        let lower = data.to_ascii_lowercase();
        let mut open = |kw: &[u8], at: usize| {
            for &r in &self.rules[kw] {
                let reach = if set.rules[r].is_multiline() {
                    window::REACH_MULTILINE
                } else {
                    window::REACH
                };
                out[r].push(window::around(data, at, at + kw.len(), reach));
            }
        };
        for i in 0..lower.len() {
            if let Some(ks) = self.single.get(&lower[i]) {
                for k in ks {
                    open(k, i);
                }
            }
            if i + 1 < lower.len() {
                if let Some(ks) = self.by_pair.get(&[lower[i], lower[i + 1]]) {
                    for k in ks {
                        if lower[i..].starts_with(k) {
                            open(k, i);
                        }
                    }
                }
            }
        }
        for (i, r) in set.rules.iter().enumerate() {
            if r.regex_source.is_some() && r.keywords.is_empty() {
                out[i] = std::iter::once(0..data.len()).collect();
            }
        }
        out
    }
}

/// Sorts and merges overlapping or touching ranges.
fn merge(mut ws: Vec<std::ops::Range<usize>>) -> Vec<std::ops::Range<usize>> {
    ws.sort_by_key(|w| (w.start, w.end));
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for w in ws {
        match out.last_mut() {
            Some(last) if w.start <= last.end => last.end = last.end.max(w.end),
            _ => out.push(w),
        }
    }
    out
}

fn line_col(data: &[u8], start: usize, secret_start: usize) -> (u32, u32) {
    let line = 1 + data[..start].iter().filter(|&&b| b == b'\n').count();
    let ls = data[..secret_start]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    (line as u32, (secret_start - ls + 1) as u32)
}

/// The reference scan of `data` (see the module doc).
fn reference(set: &RuleSet, kws: &NaiveKeywords, data: &[u8]) -> Vec<Key> {
    let mut out = Vec::new();
    for (r, ws) in kws.windows(set, data).into_iter().enumerate() {
        let rule: &Rule = &set.rules[r];
        let Some(Ok(re)) = rule.regex() else { continue };
        for w in merge(ws) {
            let hay = &data[w.clone()];
            for caps in re.captures_iter(hay) {
                let whole = caps.get(0).expect("group 0 always participates");
                let secret = match rule.secret_group {
                    Some(g) => caps.get(g),
                    None => (1..caps.len())
                        .filter_map(|i| caps.get(i))
                        .find(|m| !m.is_empty())
                        .or(Some(whole)),
                };
                let Some(secret) = secret.filter(|m| !m.is_empty()) else {
                    continue;
                };
                if verify::accept(rule, secret.as_bytes()).is_none() {
                    continue;
                }
                let (start, end) = (w.start + whole.start(), w.start + whole.end());
                let (ss, se) = (w.start + secret.start(), w.start + secret.end());
                let (line, col) = line_col(data, start, ss);
                out.push((r, start, end, ss, se, secret.as_bytes().to_vec(), line, col));
            }
        }
    }
    out.sort_by_key(|a| (a.1, a.2, a.0));
    out
}

/// Compares engine and reference on one blob; returns the number of matches.
fn compare(set: &RuleSet, engine: &Engine, kws: &NaiveKeywords, name: &str, data: &[u8]) -> usize {
    let got: Vec<Key> = engine.find(data).iter().map(key_of).collect();
    let want = reference(set, kws, data);
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
    got.len()
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

/// The built-in engine and the reference's keyword index over its rules
/// (the reference reads the engine's rule set, so regexes compile once).
fn builtin() -> (Engine, NaiveKeywords) {
    let engine =
        Engine::new(RuleSet::builtin().expect("built-in rules load")).expect("engine builds");
    let kws = NaiveKeywords::new(engine.rules());
    (engine, kws)
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
    let (engine, kws) = builtin();
    let set = engine.rules();
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
            matches += compare(set, &engine, &kws, &name, &data);
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

fn parse(pattern: &str) -> Option<Hir> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()
        .or_else(|| regex_syntax::Parser::new().parse(pattern).ok())
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
/// rules, assignments, noise, CRLF endings, long lines and repeats.
fn generated(set: &RuleSet, seed: u64) -> Vec<Vec<u8>> {
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
        if n % 40 == 39 {
            blobs.push(std::mem::take(&mut blob));
        }
    }
    blobs.push(blob);
    blobs
}

#[test]
fn generated_findings_match_the_reference_scan() {
    let (engine, kws) = builtin();
    let set = engine.rules();
    let (mut blobs, mut matches) = (0usize, 0usize);
    for seed in [0x9E37_79B9_7F4A_7C15u64, 42] {
        for (i, data) in generated(set, seed).iter().enumerate() {
            matches += compare(set, &engine, &kws, &format!("seed {seed:x} blob {i}"), data);
            blobs += 1;
        }
    }
    eprintln!("compared {blobs} generated blobs, {matches} matches");
    // Most rules' samples match their own regex: the comparison is not vacuous.
    assert!(matches > set.rules.len() / 2, "only {matches} matches");
}
