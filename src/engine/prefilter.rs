//! Keyword prefilter: one Aho-Corasick automaton (ASCII case-insensitive)
//! over every rule's keywords. A blob's keyword hits decide which rules run
//! and where, so most rules never touch most blobs.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::collections::HashMap;

/// The automaton and the map from keyword to the rules that declared it.
#[derive(Debug)]
pub struct Prefilter {
    ac: Option<AhoCorasick>,
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
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&patterns)
                    .map_err(|e| format!("cannot build the keyword automaton: {e}"))?,
            )
        };
        Ok(Prefilter {
            ac,
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
        let Some(ac) = &self.ac else { return };
        for m in ac.find_overlapping_iter(data) {
            f(Hit {
                start: m.start(),
                end: m.end(),
                pattern: m.pattern().as_usize(),
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
}
