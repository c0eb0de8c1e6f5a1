//! Keyword prefilter: every rule's keywords, found ASCII case-insensitively,
//! overlapping occurrences included. A blob's keyword hits decide which rules
//! run and where, so most rules never touch most blobs.
//!
//! Three searchers report the same hits in the same order, each taking over
//! once a process has pushed enough bytes through the prefilter to pay for
//! building the next one:
//! - a suffix table ([`Table`]), built in tens of microseconds: the
//!   pre-commit path scans a few kilobytes and must not pay more to build a
//!   searcher than to use it;
//! - after [`NFA_AFTER_BYTES`], a contiguous Aho-Corasick NFA (a few
//!   milliseconds to build over the built-in keywords);
//! - after [`DFA_AFTER_BYTES`], the same automaton as a DFA, about twice as
//!   fast per byte but slower to build (directory and history scans, where
//!   the prefilter is a third of the time).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// Bytes searched with the suffix table before the NFA is built.
pub const NFA_AFTER_BYTES: u64 = 1 << 20;
/// Bytes searched before the DFA is built.
pub const DFA_AFTER_BYTES: u64 = 8 << 20;

/// The searchers and the map from keyword to the rules that declared it.
#[derive(Debug)]
pub struct Prefilter {
    /// The suffix table; `None` without keywords, or when a keyword is empty
    /// (the NFA is then built up front and used from the first byte).
    table: Option<Table>,
    /// The keywords as a contiguous NFA, built on demand (see the module doc).
    nfa: OnceLock<Option<AhoCorasick>>,
    /// The same keywords as a DFA, built on demand.
    dfa: OnceLock<Option<AhoCorasick>>,
    /// Bytes searched so far, to decide when an automaton pays for itself.
    searched: AtomicU64,
    /// The keywords end to end, kept to build the automata later.
    text: String,
    /// Pattern `p` is `text[bounds[p]..bounds[p + 1]]`.
    bounds: Vec<usize>,
    /// Pattern `p`'s rules are `rules[rule_starts[p]..rule_starts[p + 1]]`.
    rule_starts: Vec<usize>,
    /// The indexes of the rules using each keyword, grouped by pattern.
    rules: Vec<usize>,
    /// Content rules without keywords: they run on every blob.
    keywordless: Vec<usize>,
}

/// One keyword occurrence in a blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Byte offset of the keyword.
    pub start: usize,
    /// Byte offset just past the keyword.
    pub end: usize,
    /// Pattern index (see [`Prefilter::rules_for`]).
    pub pattern: usize,
}

impl Prefilter {
    /// Indexes `keywords[i]` of content rule `i` (`None` for rules that do
    /// not match content, e.g. path-only rules). Builds only the suffix
    /// table: the automata wait until enough bytes were searched.
    pub fn new<'a, I>(rules: I) -> Result<Prefilter, String>
    where
        I: IntoIterator<Item = Option<&'a [String]>>,
    {
        let rules: Vec<Option<&'a [String]>> = rules.into_iter().collect();
        let n = rules.iter().flatten().map(|k| k.len()).sum();
        let mut index: HashMap<&'a str, usize> = HashMap::with_capacity(n);
        let mut patterns: Vec<&'a str> = Vec::with_capacity(n);
        // (pattern, rule), in rule order, each pair once.
        let mut uses: Vec<(usize, usize)> = Vec::with_capacity(n);
        let mut keywordless = Vec::new();
        for (i, kws) in rules.into_iter().enumerate() {
            let Some(kws) = kws else { continue };
            if kws.is_empty() {
                keywordless.push(i);
                continue;
            }
            let first = uses.len();
            for k in kws {
                let p = *index.entry(k.as_str()).or_insert_with(|| {
                    patterns.push(k.as_str());
                    patterns.len() - 1
                });
                if !uses[first..].iter().any(|&(q, _)| q == p) {
                    uses.push((p, i));
                }
            }
        }
        // Group the rules by pattern; a counting sort keeps rule order.
        let mut rule_starts = vec![0usize; patterns.len() + 1];
        for &(p, _) in &uses {
            rule_starts[p + 1] += 1;
        }
        for p in 0..patterns.len() {
            rule_starts[p + 1] += rule_starts[p];
        }
        let mut fill = rule_starts.clone();
        let mut grouped = vec![0usize; uses.len()];
        for &(p, i) in &uses {
            grouped[fill[p]] = i;
            fill[p] += 1;
        }
        let table = Table::new(&patterns);
        let nfa = OnceLock::new();
        if table.is_none() && !patterns.is_empty() {
            // An empty keyword matches everywhere: only the automaton has
            // its semantics, so it is needed from the first byte.
            let ac = automaton(&patterns, AhoCorasickKind::ContiguousNFA)
                .map_err(|e| format!("cannot build the keyword automaton: {e}"))?;
            let _ = nfa.set(Some(ac));
        }
        Ok(Prefilter {
            table,
            nfa,
            dfa: OnceLock::new(),
            searched: AtomicU64::new(0),
            text: patterns.concat(),
            bounds: std::iter::once(0)
                .chain(patterns.iter().scan(0, |end, p| {
                    *end += p.len();
                    Some(*end)
                }))
                .collect(),
            rule_starts,
            rules: grouped,
            keywordless,
        })
    }

    /// Rules whose keyword is pattern `pattern`.
    pub fn rules_for(&self, pattern: usize) -> &[usize] {
        match (
            self.rule_starts.get(pattern),
            self.rule_starts.get(pattern + 1),
        ) {
            (Some(&a), Some(&b)) => &self.rules[a..b],
            _ => &[],
        }
    }

    /// The keywords, in pattern order.
    fn patterns(&self) -> Vec<&str> {
        self.bounds
            .windows(2)
            .map(|w| &self.text[w[0]..w[1]])
            .collect()
    }

    /// Content rules without keywords.
    pub fn keywordless(&self) -> &[usize] {
        &self.keywordless
    }

    /// Calls `f` for every keyword occurrence in `data`, overlapping ones
    /// included (a keyword may be a prefix or suffix of another), ordered by
    /// end offset, then longest keyword first, then pattern index: the
    /// order of an Aho-Corasick overlapping search, whichever searcher runs.
    pub fn for_each_hit(&self, data: &[u8], mut f: impl FnMut(Hit)) {
        if self.bounds.len() < 2 {
            return;
        }
        let before = self
            .searched
            .fetch_add(data.len() as u64, Ordering::Relaxed);
        // An automaton that fails to build (they have size limits) leaves
        // the previous searcher in charge.
        if before >= DFA_AFTER_BYTES {
            let dfa = self
                .dfa
                .get_or_init(|| automaton(&self.patterns(), AhoCorasickKind::DFA).ok());
            if let Some(ac) = dfa {
                return automaton_hits(ac, data, f);
            }
        }
        if before >= NFA_AFTER_BYTES || self.table.is_none() {
            let nfa = self
                .nfa
                .get_or_init(|| automaton(&self.patterns(), AhoCorasickKind::ContiguousNFA).ok());
            if let Some(ac) = nfa {
                return automaton_hits(ac, data, f);
            }
        }
        if let Some(table) = &self.table {
            table.for_each_hit(data, &mut f);
        }
    }
}

fn automaton_hits(ac: &AhoCorasick, data: &[u8], mut f: impl FnMut(Hit)) {
    for m in ac.find_overlapping_iter(data) {
        f(Hit {
            start: m.start(),
            end: m.end(),
            pattern: m.pattern().as_usize(),
        });
    }
}

/// The keyword automaton of the given kind: ASCII case-insensitive, all
/// (overlapping) occurrences.
fn automaton<P: AsRef<[u8]>>(
    patterns: &[P],
    kind: AhoCorasickKind,
) -> Result<AhoCorasick, aho_corasick::BuildError> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(kind))
        .build(patterns)
}

/// ASCII upper case to lower case, every other byte unchanged: the folding
/// of Aho-Corasick's `ascii_case_insensitive`.
const FOLD: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = (i as u8).to_ascii_lowercase();
        i += 1;
    }
    t
};

/// The suffix table: keywords looked up by the (ASCII-folded) bytes that
/// end at each position, cheap enough to build that a scan of a few
/// kilobytes does not notice it.
///
/// Keywords are split by length into four [`Level`]s (1, 2, 3, and 4 or
/// more bytes), each a hash table keyed by the keyword's last
/// `min(len, 4)` folded bytes. At every end offset the levels are probed
/// longest first and each level's candidates are kept longest first, then
/// by pattern index, which is exactly the order in which an Aho-Corasick
/// automaton reports overlapping matches ending at one offset (a state's
/// own keywords, then those of its failure chain, shorter each time).
#[derive(Debug)]
struct Table {
    /// Bit `k` set when some keyword of 2 or more bytes ends with the
    /// folded byte pair `k` (first byte in the high half): most offsets are
    /// rejected by this test alone.
    pairs: Box<[u64; 1024]>,
    /// Levels for keywords of 4+, 3, 2 and 1 bytes, in probe order.
    levels: [Level; 4],
    /// The folded bytes of the keywords longer than the 8 bytes a
    /// candidate compares at once, all but their last 8 bytes, end to end.
    heads: Vec<u8>,
}

/// Keywords of one length class, hashed by their last `min(len, 4)` bytes.
#[derive(Debug, Default)]
struct Level {
    /// Slot `h` holds candidates `starts[h]..starts[h + 1]`; empty without keywords.
    starts: Vec<u32>,
    /// Candidates grouped by slot, each slot longest first, then by pattern.
    cands: Vec<Cand>,
    /// `log2` of the slot count.
    bits: u32,
}

/// One keyword in a [`Level`].
#[derive(Debug, Clone, Copy)]
struct Cand {
    /// The last `min(len, 8)` folded bytes, the last one in the low byte.
    suffix: u64,
    /// Keyword length in bytes.
    len: u32,
    /// Pattern index.
    pattern: u32,
    /// Where the keyword's first `len - 8` bytes start in [`Table::heads`].
    head: u32,
}

/// Multiplicative hash of a level key into `bits` bits.
#[inline]
fn slot(key: u64, bits: u32) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}

impl Level {
    /// `cands` in pattern order.
    fn new(cands: Vec<Cand>, key_len: u32) -> Level {
        if cands.is_empty() {
            return Level::default();
        }
        let bits = (cands.len() * 4)
            .next_power_of_two()
            .trailing_zeros()
            .max(4);
        let key_mask = mask(key_len);
        let slot_of = |c: &Cand| slot(c.suffix & key_mask, bits);
        // A counting sort by slot keeps pattern order within each slot...
        let mut starts = vec![0u32; (1 << bits) + 1];
        for c in &cands {
            starts[slot_of(c) + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut fill: Vec<u32> = starts.clone();
        let mut sorted = cands.clone();
        for c in cands {
            let at = &mut fill[slot_of(&c)];
            sorted[*at as usize] = c;
            *at += 1;
        }
        // ... and a stable sort of each (short) slot puts longer keywords first.
        for h in 0..1 << bits {
            let (a, b) = (starts[h] as usize, starts[h + 1] as usize);
            if b - a > 1 {
                sorted[a..b].sort_by_key(|c| std::cmp::Reverse(c.len));
            }
        }
        Level {
            starts,
            cands: sorted,
            bits,
        }
    }

    /// The candidates whose key could be `key`.
    #[inline]
    fn get(&self, key: u64) -> &[Cand] {
        if self.cands.is_empty() {
            return &[];
        }
        let h = slot(key, self.bits);
        let (a, b) = (self.starts[h] as usize, self.starts[h + 1] as usize);
        &self.cands[a..b]
    }
}

/// A mask of the low `n` bytes (`n <= 8`).
#[inline]
fn mask(n: u32) -> u64 {
    if n >= 8 {
        u64::MAX
    } else {
        (1u64 << (8 * n)) - 1
    }
}

impl Table {
    /// `None` when a keyword is empty (it would match at every offset,
    /// before the first byte too: left to the automaton) or there are more
    /// keywords or longer ones than the table indexes.
    fn new(patterns: &[&str]) -> Option<Table> {
        if patterns.is_empty()
            || u32::try_from(patterns.len()).is_err()
            || patterns
                .iter()
                .any(|p| p.is_empty() || u32::try_from(p.len()).is_err())
        {
            return None;
        }
        let mut pairs = Box::new([0u64; 1024]);
        let mut by_level: [Vec<Cand>; 4] = Default::default();
        let mut heads = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            let f = p.as_bytes();
            let n = f.len();
            let fold = |b: &u8| FOLD[usize::from(*b)];
            let suffix = f[n.saturating_sub(8)..]
                .iter()
                .fold(0u64, |w, b| (w << 8) | u64::from(fold(b)));
            let head = u32::try_from(heads.len()).ok()?;
            if n > 8 {
                heads.extend(f[..n - 8].iter().map(fold));
            }
            if n >= 2 {
                let k = (usize::from(fold(&f[n - 2])) << 8) | usize::from(fold(&f[n - 1]));
                pairs[k >> 6] |= 1 << (k & 63);
            }
            by_level[4 - n.min(4)].push(Cand {
                suffix,
                len: n as u32,
                pattern: i as u32,
                head,
            });
        }
        let [l4, l3, l2, l1] = by_level;
        Some(Table {
            pairs,
            levels: [
                Level::new(l4, 4),
                Level::new(l3, 3),
                Level::new(l2, 2),
                Level::new(l1, 1),
            ],
            heads,
        })
    }

    fn for_each_hit(&self, data: &[u8], f: &mut impl FnMut(Hit)) {
        // The last (up to) 8 folded bytes, the latest in the low byte.
        let mut w = 0u64;
        for (i, &b) in data.iter().enumerate() {
            w = (w << 8) | u64::from(FOLD[usize::from(b)]);
            let end = i + 1;
            let pair = (w & 0xffff) as usize;
            if end >= 2 && self.pairs[pair >> 6] & (1 << (pair & 63)) != 0 {
                for (level, key_len) in self.levels[..3].iter().zip([4u32, 3, 2]) {
                    if end >= key_len as usize {
                        self.check(level.get(w & mask(key_len)), data, end, w, f);
                    }
                }
            }
            self.check(self.levels[3].get(w & 0xff), data, end, w, f);
        }
    }

    /// Reports the candidates that end at `end`.
    #[inline]
    fn check(&self, cands: &[Cand], data: &[u8], end: usize, w: u64, f: &mut impl FnMut(Hit)) {
        for c in cands {
            let len = c.len as usize;
            if len > end || w & mask(c.len) != c.suffix {
                continue;
            }
            if len > 8 {
                let start = end - len;
                let at = c.head as usize;
                let head = &self.heads[at..at + len - 8];
                if !data[start..end - 8]
                    .iter()
                    .zip(head)
                    .all(|(&d, &p)| FOLD[usize::from(d)] == p)
                {
                    continue;
                }
            }
            f(Hit {
                start: end - len,
                end,
                pattern: c.pattern as usize,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kw(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn hits_map_to_rules_case_insensitively() {
        let r0 = kw(&["ghp_", "gho_"]);
        let r1 = kw(&["ghp_"]);
        let r2: Vec<String> = Vec::new();
        let p = Prefilter::new([
            Some(r0.as_slice()),
            Some(r1.as_slice()),
            Some(r2.as_slice()),
            None,
        ])
        .unwrap();
        assert_eq!(p.keywordless(), &[2]);
        let mut seen = Vec::new();
        p.for_each_hit(b"x GHP_abc gho_", |h| {
            seen.push((h.start, p.rules_for(h.pattern).to_vec()))
        });
        assert_eq!(seen, vec![(2, vec![0, 1]), (10, vec![0])]);
    }

    #[test]
    fn overlapping_keywords_all_hit() {
        let r0 = kw(&["xox"]);
        let r1 = kw(&["xoxb-"]);
        let p = Prefilter::new([Some(r0.as_slice()), Some(r1.as_slice())]).unwrap();
        let mut rules = Vec::new();
        p.for_each_hit(b"xoxb-1", |h| {
            rules.extend_from_slice(p.rules_for(h.pattern))
        });
        rules.sort_unstable();
        assert_eq!(rules, vec![0, 1]);
    }

    #[test]
    fn each_searcher_takes_over_in_turn_with_identical_hits() {
        let r0 = kw(&["ghp_", "key"]);
        let r1 = kw(&["api_key", "xoxb-", "k"]);
        let p = Prefilter::new([Some(r0.as_slice()), Some(r1.as_slice())]).unwrap();
        let blob = b"API_KEY=ghp_x; Key xoxb-1 api_keY".repeat(1000);
        let collect = |p: &Prefilter| {
            let mut v = Vec::new();
            p.for_each_hit(&blob, |h| v.push(h));
            v
        };
        let first = collect(&p);
        assert!(p.nfa.get().is_none(), "small scans build no automaton");
        while p.searched.load(Ordering::Relaxed) < NFA_AFTER_BYTES {
            collect(&p);
        }
        let with_nfa = collect(&p);
        assert!(matches!(p.nfa.get(), Some(Some(_))), "the NFA was built");
        assert!(p.dfa.get().is_none());
        while p.searched.load(Ordering::Relaxed) < DFA_AFTER_BYTES {
            collect(&p);
        }
        let with_dfa = collect(&p);
        assert!(matches!(p.dfa.get(), Some(Some(_))), "the DFA was built");
        assert_eq!(first, with_nfa);
        assert_eq!(first, with_dfa);
        // Per repetition: 3 keys (2 inside api_key), 2 api_keys, 3 `k`s, ghp_, xoxb-.
        assert_eq!(first.len(), 10 * 1000);
    }

    /// The hits of an Aho-Corasick overlapping search, the reference.
    fn reference(patterns: &[&str], data: &[u8]) -> Vec<Hit> {
        let mut v = Vec::new();
        let ac = automaton(patterns, AhoCorasickKind::NoncontiguousNFA).unwrap();
        automaton_hits(&ac, data, |h| v.push(h));
        v
    }

    fn table_hits(patterns: &[&str], data: &[u8]) -> Vec<Hit> {
        let mut v = Vec::new();
        let table = Table::new(patterns).unwrap();
        table.for_each_hit(data, &mut |h| v.push(h));
        v
    }

    #[test]
    fn table_reports_the_automaton_hits_on_generated_inputs() {
        let mut next = crate::engine::tests::xorshift();
        // Few symbols so keywords overlap, nest and share suffixes; both
        // cases of letters; UTF-8 letters that ASCII folding leaves alone.
        const SYMBOLS: &[&str] = &[
            "a", "A", "b", "B", "k", "K", "_", "-", "0", "é", "É", "\u{0}",
        ];
        let mut total = 0;
        for _ in 0..3000 {
            let n_patterns = 1 + (next() % 24) as usize;
            let mut owned: Vec<String> = Vec::new();
            for _ in 0..n_patterns {
                let len = 1 + (next() % 13) as usize;
                let p: String = (0..len)
                    .map(|_| SYMBOLS[(next() % SYMBOLS.len() as u64) as usize])
                    .collect();
                owned.push(p);
                // Suffixes, prefixes and case variants of earlier keywords.
                if next().is_multiple_of(3) {
                    let base = owned[(next() % owned.len() as u64) as usize].clone();
                    let cut = base.char_indices().map(|(i, _)| i).nth(1).unwrap_or(0);
                    let variant = match next() % 4 {
                        0 => base[cut..].to_string(),
                        1 => base[..base.len() - base.chars().last().map_or(0, char::len_utf8)]
                            .to_string(),
                        2 => base.to_ascii_uppercase(),
                        _ => format!("{base}{base}"),
                    };
                    if !variant.is_empty() {
                        owned.push(variant);
                    }
                }
            }
            let patterns: Vec<&str> = owned.iter().map(String::as_str).collect();
            let mut data = Vec::new();
            let len = (next() % 200) as usize;
            while data.len() < len {
                match next() % 8 {
                    // Raw bytes, invalid UTF-8 included.
                    0 => data.push((next() % 256) as u8),
                    // A keyword in a random case.
                    1 => {
                        let p = patterns[(next() % patterns.len() as u64) as usize];
                        data.extend(p.bytes().map(|b| {
                            if next().is_multiple_of(2) {
                                b.to_ascii_uppercase()
                            } else {
                                b
                            }
                        }));
                    }
                    _ => data.extend_from_slice(
                        SYMBOLS[(next() % SYMBOLS.len() as u64) as usize].as_bytes(),
                    ),
                }
            }
            // A keyword right at the end of the input.
            if next().is_multiple_of(2) {
                data.extend_from_slice(
                    patterns[(next() % patterns.len() as u64) as usize].as_bytes(),
                );
            }
            let want = reference(&patterns, &data);
            total += want.len();
            assert_eq!(
                table_hits(&patterns, &data),
                want,
                "keywords {patterns:?} input {:?}",
                String::from_utf8_lossy(&data)
            );
        }
        assert!(total > 10_000, "the inputs hold keywords ({total} hits)");
    }

    #[test]
    fn table_reports_the_automaton_hits_for_the_builtin_keywords() {
        let rules = crate::rules::RuleSet::builtin().unwrap_or_else(|e| panic!("{e}"));
        let mut patterns: Vec<&str> = Vec::new();
        for r in &rules.rules {
            for k in &r.keywords {
                if !patterns.contains(&k.as_str()) {
                    patterns.push(k);
                }
            }
        }
        assert!(patterns.len() > 100);
        let mut next = crate::engine::tests::xorshift();
        let mut data = Vec::new();
        while data.len() < 200_000 {
            let p = patterns[(next() % patterns.len() as u64) as usize].as_bytes();
            // Whole keywords, their tails and heads, in mixed case.
            let (a, b) = match next() % 3 {
                0 => (0, p.len()),
                1 => ((next() % p.len() as u64) as usize, p.len()),
                _ => (0, 1 + (next() % p.len() as u64) as usize),
            };
            data.extend(p[a..b].iter().map(|&c| {
                if next().is_multiple_of(3) {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            }));
            if next().is_multiple_of(4) {
                data.push(b" =\n\"'\xff"[(next() % 6) as usize]);
            }
        }
        let want = reference(&patterns, &data);
        assert!(want.len() > 10_000);
        assert_eq!(table_hits(&patterns, &data), want);
    }

    #[test]
    fn table_handles_one_byte_long_and_end_of_input_keywords() {
        let patterns = ["a", "A", "ba", "xa", "0123456789abcdef", "9ABCDEF", "é"];
        for data in [
            &b""[..],
            b"a",
            b"BA",
            b"0123456789ABCDEF",
            b"x0123456789abcdeF",
            b"\xc3\xa9\xc3",
            b"123456789abcdef",
        ] {
            assert_eq!(table_hits(&patterns, data), reference(&patterns, data));
        }
        assert_eq!(table_hits(&patterns, b"bA").len(), 3, "ba, a, A");
    }

    #[test]
    fn an_empty_keyword_uses_the_automaton_from_the_first_byte() {
        let r0 = kw(&["", "ab"]);
        let p = Prefilter::new([Some(r0.as_slice())]).unwrap();
        assert!(p.table.is_none());
        let mut v = Vec::new();
        p.for_each_hit(b"xab", |h| v.push(h));
        assert_eq!(v, reference(&["", "ab"], b"xab"));
        assert!(v.contains(&Hit {
            start: 0,
            end: 0,
            pattern: 0
        }));
        assert!(v.contains(&Hit {
            start: 1,
            end: 3,
            pattern: 1
        }));
    }
}
