//! Keyword prefilter: one Aho-Corasick automaton (ASCII case-insensitive)
//! over every rule's keywords. A blob's keyword hits decide which rules run
//! and where, so most rules never touch most blobs.
//!
//! Two forms of the same automaton: a contiguous NFA, built at start-up in
//! about a millisecond (the pre-commit path scans a few kilobytes and must
//! not pay for more), and a DFA, about twice as fast per byte but slower to
//! build, built once a process has pushed [`DFA_AFTER_BYTES`] through the
//! prefilter (directory and history scans, where the prefilter is a third of
//! the time).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// Bytes searched with the NFA before the DFA is built.
pub const DFA_AFTER_BYTES: u64 = 8 << 20;

/// The automaton and the map from keyword to the rules that declared it.
#[derive(Debug)]
pub struct Prefilter {
    ac: Option<AhoCorasick>,
    /// The same keywords as a DFA, built on demand (see the module doc).
    dfa: OnceLock<Option<AhoCorasick>>,
    /// Bytes searched so far, to decide when the DFA pays for itself.
    searched: AtomicU64,
    /// The keywords, kept to build the DFA later.
    patterns: Vec<String>,
    /// For each automaton pattern, the indexes of the rules using that keyword.
    pattern_rules: Vec<Vec<usize>>,
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
    /// Automaton pattern index (see [`Prefilter::rules_for`]).
    pub pattern: usize,
}

impl Prefilter {
    /// Builds the automaton over `keywords[i]` of content rule `i` (`None` for
    /// rules that do not match content, e.g. path-only rules).
    pub fn new<'a, I>(rules: I) -> Result<Prefilter, String>
    where
        I: IntoIterator<Item = Option<&'a [String]>>,
    {
        let mut index: HashMap<&'a str, usize> = HashMap::new();
        let mut patterns: Vec<&'a str> = Vec::new();
        let mut pattern_rules: Vec<Vec<usize>> = Vec::new();
        let mut keywordless = Vec::new();
        for (i, kws) in rules.into_iter().enumerate() {
            let Some(kws) = kws else { continue };
            if kws.is_empty() {
                keywordless.push(i);
                continue;
            }
            for k in kws {
                let p = *index.entry(k.as_str()).or_insert_with(|| {
                    patterns.push(k.as_str());
                    pattern_rules.push(Vec::new());
                    patterns.len() - 1
                });
                if !pattern_rules[p].contains(&i) {
                    pattern_rules[p].push(i);
                }
            }
        }
        let ac = if patterns.is_empty() {
            None
        } else {
            Some(
                automaton(&patterns, AhoCorasickKind::ContiguousNFA)
                    .map_err(|e| format!("cannot build the keyword automaton: {e}"))?,
            )
        };
        Ok(Prefilter {
            ac,
            dfa: OnceLock::new(),
            searched: AtomicU64::new(0),
            patterns: patterns.iter().map(|p| p.to_string()).collect(),
            pattern_rules,
            keywordless,
        })
    }

    /// Rules whose keyword is automaton pattern `pattern`.
    pub fn rules_for(&self, pattern: usize) -> &[usize] {
        self.pattern_rules.get(pattern).map_or(&[], Vec::as_slice)
    }

    /// Content rules without keywords.
    pub fn keywordless(&self) -> &[usize] {
        &self.keywordless
    }

    /// Calls `f` for every keyword occurrence in `data`, overlapping ones
    /// included (a keyword may be a prefix of another).
    pub fn for_each_hit(&self, data: &[u8], mut f: impl FnMut(Hit)) {
        let Some(nfa) = &self.ac else { return };
        let before = self
            .searched
            .fetch_add(data.len() as u64, Ordering::Relaxed);
        let ac = if before >= DFA_AFTER_BYTES {
            // A DFA that fails to build (it has a size limit) leaves the NFA in charge.
            self.dfa
                .get_or_init(|| automaton(&self.patterns, AhoCorasickKind::DFA).ok())
                .as_ref()
                .unwrap_or(nfa)
        } else {
            nfa
        };
        for m in ac.find_overlapping_iter(data) {
            f(Hit {
                start: m.start(),
                end: m.end(),
                pattern: m.pattern().as_usize(),
            });
        }
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
    fn dfa_takes_over_after_enough_bytes_with_identical_hits() {
        let r0 = kw(&["ghp_", "key"]);
        let r1 = kw(&["api_key", "xoxb-"]);
        let p = Prefilter::new([Some(r0.as_slice()), Some(r1.as_slice())]).unwrap();
        let blob = b"API_KEY=ghp_x; Key xoxb-1 api_keY".repeat(1000);
        let collect = |p: &Prefilter| {
            let mut v = Vec::new();
            p.for_each_hit(&blob, |h| v.push(h));
            v
        };
        let first = collect(&p);
        assert!(p.dfa.get().is_none(), "small scans never build the DFA");
        while p.searched.load(Ordering::Relaxed) < DFA_AFTER_BYTES {
            collect(&p);
        }
        let with_dfa = collect(&p);
        assert!(matches!(p.dfa.get(), Some(Some(_))), "the DFA was built");
        assert_eq!(first, with_dfa);
        // api_key and key overlap twice per repetition: 7 hits each.
        assert_eq!(first.len(), 7 * 1000);
    }
}
