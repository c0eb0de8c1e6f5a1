//! Required character runs of a rule's regex: "every match contains at
//! least `n` consecutive bytes of class `k`", for a small chain of nested
//! byte classes (hex ⊂ alphanumeric ⊂ word ⊂ base64-ish ⊂ printable ⊂
//! non-space).
//!
//! Most secret formats end in a long run of one alphabet (`[a-z0-9]{52}`,
//! `[A-Za-z0-9_-]{24,200}`, 64 hex digits), and source text rarely holds
//! such runs. A window (see `window`) without a long enough run of the
//! class cannot contain a match, so the rule's regex is not run there: an
//! exact filter, like the required literals of [`super::literals`], that
//! does not depend on the keyword. It pays off most for rules whose keyword
//! is everywhere (`pat` in every `path`, `s.`, `key`), whose windows cover
//! whole files.
//!
//! Per blob, the maximal runs of each class that some rule asks about are
//! found once ([`BlobRuns`]), with a skip-ahead scan that looks at few bytes
//! of text made of short words; a window check is then a binary search.

use regex_syntax::hir::{Class, Hir, HirKind};
use std::cell::OnceCell;
use std::ops::Range;

/// Number of classes in the chain.
pub const LEVELS: usize = 6;

/// Shortest run worth checking, per class: shorter runs are everywhere in
/// text, so the check would rarely skip a window. Also the shortest run
/// [`BlobRuns`] records.
/// The two widest classes are never checked: runs of printable bytes are
/// long in most text, so finding them would cost a pass over nearly every
/// byte for little skipping (they still bound the narrower classes).
const MIN_USEFUL: [usize; LEVELS] = [12, 12, 16, 16, usize::MAX, usize::MAX];

/// The widest class checked: narrower ones are searched inside its runs.
const WIDEST: usize = 3;
/// Shortest run of class [`WIDEST`] recorded to search the narrower ones in.
const WIDE_MIN: usize = {
    let mut m = usize::MAX;
    let mut k = 0;
    while k <= WIDEST {
        if MIN_USEFUL[k] < m {
            m = MIN_USEFUL[k];
        }
        k += 1;
    }
    m
};

/// Level of whitespace bytes: in no class.
const NONE: u8 = LEVELS as u8;

/// Per byte: the smallest class of the chain holding it.
/// 0 hex digits; 1 other ASCII letters; 2 `_` and `-`; 3 `+ / = . ~`;
/// 4 other printable ASCII; 5 any other byte except ASCII whitespace;
/// [`NONE`] for ASCII whitespace (`\t \n \v \f \r` and space).
static LEVEL: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = if c.is_ascii_hexdigit() {
            0
        } else if c.is_ascii_alphabetic() {
            1
        } else if c == b'_' || c == b'-' {
            2
        } else if matches!(c, b'+' | b'/' | b'=' | b'.' | b'~') {
            3
        } else if c > b' ' && c < 0x7f {
            4
        } else if matches!(c, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ') {
            NONE
        } else {
            5
        };
        i += 1;
    }
    t
};

/// `need[k]`: every match contains a run of at least `need[k]` bytes of
/// level `<= k` (0: nothing known). Non-decreasing in `k`.
type Need = [usize; LEVELS];

/// The run conditions worth checking for `pattern` (the translated rule
/// regex): `(level, n)` pairs, by level; empty when none is useful. The
/// pattern is parsed the way `rules::compile` compiles it (Unicode off when
/// it parses so, else on), as [`super::literals::required`] does.
pub fn required(pattern: &str) -> Vec<(u8, usize)> {
    let parse = |unicode: bool| {
        regex_syntax::ParserBuilder::new()
            .unicode(unicode)
            .utf8(unicode)
            .build()
            .parse(pattern)
            .ok()
    };
    let Some(hir) = parse(false).or_else(|| parse(true)) else {
        return Vec::new();
    };
    let n = need(&hir);
    let mut out: Vec<(u8, usize)> = Vec::new();
    for k in 0..LEVELS {
        // A class-k requirement no stronger than the one below adds nothing.
        let below = if k == 0 { 0 } else { n[k - 1] };
        if n[k] >= MIN_USEFUL[k] && n[k] > below {
            out.push((k as u8, n[k]));
        }
    }
    out
}

/// What `h` can match, as a byte run: the highest level of any byte it can
/// match and its minimum length in bytes.
fn pure(h: &Hir) -> (u8, usize) {
    let min = h.properties().minimum_len().unwrap_or(0);
    (top_level(h), min)
}

/// The highest level of any byte `h` can match.
fn top_level(h: &Hir) -> u8 {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => 0,
        HirKind::Literal(l) => {
            l.0.iter()
                .map(|&b| LEVEL[usize::from(b)])
                .max()
                .unwrap_or(0)
        }
        HirKind::Class(Class::Bytes(c)) => {
            let mut top = 0;
            for r in c.ranges() {
                for b in r.start()..=r.end() {
                    top = top.max(LEVEL[usize::from(b)]);
                }
            }
            top
        }
        HirKind::Class(Class::Unicode(c)) => {
            let mut top = 0;
            for r in c.ranges() {
                let (s, e) = (u32::from(r.start()), u32::from(r.end()));
                for b in s.min(0x80)..e.min(0x7f) + 1 {
                    top = top.max(LEVEL[b as usize]);
                }
                if e >= 0x80 {
                    // UTF-8 of a non-ASCII character: bytes 0x80..=0xff.
                    top = top.max(5);
                }
            }
            top
        }
        HirKind::Capture(c) => top_level(&c.sub),
        HirKind::Repetition(r) => {
            if r.max == Some(0) {
                0
            } else {
                top_level(&r.sub)
            }
        }
        HirKind::Concat(hs) | HirKind::Alternation(hs) => {
            hs.iter().map(top_level).max().unwrap_or(0)
        }
    }
}

/// The run requirement of every match of `h`.
fn need(h: &Hir) -> Need {
    let mut out = [0usize; LEVELS];
    let (top, min) = pure(h);
    for (k, n) in out.iter_mut().enumerate() {
        if usize::from(top) <= k {
            *n = min;
        }
    }
    let sub = match h.kind() {
        HirKind::Capture(c) => need(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => need(&r.sub),
        HirKind::Concat(hs) => {
            let parts: Vec<(u8, usize)> = hs.iter().map(pure).collect();
            let mut n = [0usize; LEVELS];
            for (k, nk) in n.iter_mut().enumerate() {
                // Longest stretch of consecutive children made only of
                // level <= k bytes: their minimum lengths add up.
                let mut cur = 0usize;
                for &(t, m) in &parts {
                    if usize::from(t) <= k {
                        cur = cur.saturating_add(m);
                        *nk = (*nk).max(cur);
                    } else {
                        cur = 0;
                    }
                }
            }
            for c in hs {
                let cn = need(c);
                for k in 0..LEVELS {
                    n[k] = n[k].max(cn[k]);
                }
            }
            n
        }
        HirKind::Alternation(hs) => {
            let mut n = [usize::MAX; LEVELS];
            for c in hs {
                let cn = need(c);
                for k in 0..LEVELS {
                    n[k] = n[k].min(cn[k]);
                }
            }
            if hs.is_empty() {
                [0; LEVELS]
            } else {
                n
            }
        }
        _ => [0; LEVELS],
    };
    for k in 0..LEVELS {
        out[k] = out[k].max(sub[k]);
        if k > 0 {
            out[k] = out[k].max(out[k - 1]);
        }
    }
    out
}

/// The maximal runs of each level in one blob, found on first use.
#[derive(Debug)]
pub struct BlobRuns<'a> {
    data: &'a [u8],
    /// Per level: maximal runs of at least `MIN_USEFUL[k]` bytes, in order.
    runs: [OnceCell<Vec<Range<usize>>>; LEVELS],
    /// Maximal runs of level `<= WIDEST` and at least [`WIDE_MIN`] bytes.
    wide: OnceCell<Vec<Range<usize>>>,
}

impl<'a> BlobRuns<'a> {
    /// Nothing is scanned until a window is checked.
    pub fn new(data: &'a [u8]) -> BlobRuns<'a> {
        BlobRuns {
            data,
            runs: Default::default(),
            wide: OnceCell::new(),
        }
    }

    /// True when `w` holds `n` consecutive bytes of level `<= k` (an
    /// `(k, n)` pair of [`required`]).
    pub fn has(&self, w: &Range<usize>, k: u8, n: usize) -> bool {
        let k = usize::from(k).min(LEVELS - 1);
        let runs = self.runs[k].get_or_init(|| self.find(k));
        let first = runs.partition_point(|r| r.end <= w.start);
        runs[first..]
            .iter()
            .take_while(|r| r.start < w.end)
            .any(|r| r.end.min(w.end).saturating_sub(r.start.max(w.start)) >= n)
    }
}

impl BlobRuns<'_> {
    /// The maximal runs of level `<= k` and at least `MIN_USEFUL[k]` bytes.
    /// Below [`WIDEST`], they are searched only inside the runs of that
    /// level (a run of a narrower class lies inside one of a wider class),
    /// which cover a small part of most text: one pass over the blob in all.
    fn find(&self, k: usize) -> Vec<Range<usize>> {
        let m = MIN_USEFUL[k];
        if k > WIDEST {
            return scan(self.data, k as u8, m);
        }
        let wide = self
            .wide
            .get_or_init(|| scan(self.data, WIDEST as u8, WIDE_MIN));
        if k == WIDEST {
            return wide.iter().filter(|w| w.len() >= m).cloned().collect();
        }
        let mut out = Vec::new();
        for w in wide.iter().filter(|w| w.len() >= m) {
            out.extend(
                scan(&self.data[w.clone()], k as u8, m)
                    .into_iter()
                    .map(|r| r.start + w.start..r.end + w.start),
            );
        }
        out
    }
}

/// Maximal runs of at least `m` bytes of level `<= k` in `data`
/// ([`next_run`]).
fn scan(data: &[u8], k: u8, m: usize) -> Vec<Range<usize>> {
    let ok = |c: u8| LEVEL[usize::from(c)] <= k;
    let mut out = Vec::new();
    let mut i = 0usize;
    while let Some((start, end)) = next_run(data, i, m.max(1), ok) {
        out.push(start..end);
        // `data[end]` fails `ok` (or is past the end): the invariant holds.
        i = end + 1;
    }
    out
}

/// The first maximal run of at least `m` (≥ 1) bytes that satisfy `ok`,
/// starting at or after `from`, where `from` is 0 or just past a byte that
/// fails `ok`: its span.
///
/// Skips ahead like Boyer-Moore: a run of `m` bytes starting in `i..=p`
/// (`p = i + m - 1`) covers `p`, so a failing byte at `p` rules out every
/// start up to it; otherwise the bytes before `p` are checked backwards,
/// and the first failing one moves the earliest possible start past it.
/// Source text, whose words are short, is crossed looking at a fraction of
/// its bytes.
#[inline]
pub(super) fn next_run(
    data: &[u8],
    from: usize,
    m: usize,
    ok: impl Fn(u8) -> bool,
) -> Option<(usize, usize)> {
    let n = data.len();
    // Invariant: `i == 0` or `data[i - 1]` fails `ok`.
    let mut i = from;
    while i + m <= n {
        let p = i + m - 1;
        if !ok(data[p]) {
            i = p + 1;
            continue;
        }
        let mut j = p;
        while j > i && ok(data[j - 1]) {
            j -= 1;
        }
        if j > i {
            i = j;
            continue;
        }
        let mut e = p + 1;
        while e < n && ok(data[e]) {
            e += 1;
        }
        return Some((i, e));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_of_typical_formats() {
        // 52 lowercase alphanumerics after a context: alphanumeric run of 52.
        assert_eq!(
            required(r"(?i)(?:pat|token)[\w.-]{0,20}[:=]\s*((?-i:[a-z0-9]{52}))\b"),
            vec![(1, 52)]
        );
        // Literal prefix joins the run: `s.` + 24 of [\w-] is 26 at level 3.
        assert_eq!(
            required(r"\b((?:hvs\.[\w-]{24,120}|s\.[A-Za-z0-9_-]{24,200}))"),
            vec![(2, 24), (3, 26)]
        );
        assert_eq!(required(r"\b(SK[0-9a-fA-F]{32})\b"), vec![(0, 32), (1, 34)]);
        // Nothing long required: no condition.
        assert!(required(r"(?i)password\s*=\s*(\S+)").is_empty());
        assert!(required(r"[a-z]{4,}").is_empty());
        // An alternation is as weak as its weakest branch.
        assert_eq!(required(r"(?:[a-f0-9]{40}|[A-Z]{20})"), vec![(1, 20)]);
    }

    /// The plain definition `scan` must agree with.
    fn scan_slow(data: &[u8], k: u8, m: usize) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < data.len() {
            if LEVEL[usize::from(data[i])] > k {
                i += 1;
                continue;
            }
            let s = i;
            while i < data.len() && LEVEL[usize::from(data[i])] <= k {
                i += 1;
            }
            if i - s >= m {
                out.push(s..i);
            }
        }
        out
    }

    #[test]
    fn skip_scan_matches_the_plain_scan() {
        let mut next = crate::engine::tests::xorshift();
        let alphabet = b"a0Zq_-+/.~:;! \n\x80\x00";
        for _ in 0..2000 {
            let len = (next() % 200) as usize;
            let data: Vec<u8> = (0..len)
                .map(|_| {
                    // Long stretches of one byte kind, like words.
                    alphabet[(next() % alphabet.len() as u64) as usize]
                })
                .collect();
            for k in 0..LEVELS as u8 {
                for m in [1, 3, 12, 16] {
                    assert_eq!(
                        scan(&data, k, m),
                        scan_slow(&data, k, m),
                        "{data:?} {k} {m}"
                    );
                }
            }
        }
        for _ in 0..500 {
            let len = (next() % 300) as usize;
            let data: Vec<u8> = (0..len)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let r = BlobRuns::new(&data);
            for (k, &m) in MIN_USEFUL.iter().enumerate().take(WIDEST + 1) {
                assert_eq!(r.find(k), scan_slow(&data, k as u8, m), "{data:?} {k}");
            }
        }
        let text = b"fn resolve_with_previous(x: u32) {} abcdef0123456789abcdef";
        let r = BlobRuns::new(text);
        assert!(r.has(&(0..text.len()), 0, 20));
        assert!(!r.has(&(0..text.len() - 3), 0, 20));
        assert!(r.has(&(0..text.len()), 2, 22));
        assert!(!r.has(&(0..text.len()), 2, 30));
    }

    #[test]
    fn runs_are_necessary_for_matches() {
        // Every match of each pattern, on inputs built to match, satisfies
        // the pattern's own conditions.
        let cases = [
            (
                r"\b(SK[0-9a-fA-F]{32})\b",
                "x SK0123456789abcdef0123456789ABCDEF y", // leakgate:allow (a built test input)
            ),
            (
                r"\b((?:hvs\.[\w-]{24,120}|s\.[A-Za-z0-9_-]{24,200}))",
                "t = s.abcdefghijklmnopqrstuvwx_yz",
            ),
            (r"(?i)tok_[a-z0-9]{12}", "TOK_Q8W7E6R5T4Y3"),
        ];
        for (re, text) in cases {
            let rx = regex::bytes::Regex::new(re).unwrap();
            let data = text.as_bytes();
            let runs = BlobRuns::new(data);
            for m in rx.find_iter(data) {
                for (k, n) in required(re) {
                    assert!(runs.has(&(m.start()..m.end()), k, n), "{re} {text}");
                }
            }
            assert!(rx.is_match(data), "{re}");
        }
    }
}
