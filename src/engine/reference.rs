//! A slow, obviously-correct reference for the matching engine, used by the
//! differential test (`tests/engine_differential.rs`), `scripts/diff-engine.sh`
//! and the `scanner_find` fuzz target. Not part of the public API.
//!
//! It spells out the engine's semantics rule by rule, with none of its
//! machinery (no Aho-Corasick, no required-literal filters, no grouping of
//! rules that match alike):
//!
//! - a content rule without keywords runs over the whole blob;
//! - otherwise every occurrence of any of its keywords (ASCII
//!   case-insensitive, overlapping occurrences included) opens the window
//!   `window::around(hit, REACH or REACH_MULTILINE)`; the rule's windows are
//!   merged (overlapping or touching ones become one) and the rule's regex
//!   runs over each merged window;
//! - the secret is the `secretGroup`, else the first non-empty group, else
//!   the whole match; empty secrets are skipped; `verify::accept` decides;
//! - line and column are counted from the start of the blob.
//!
//! Keywords are found by a naive byte-pair index, every position checked.
//! [`Reference::find_decoded`] adds the decode-and-rescan pass
//! ([`super::decode::rescan_with`]) on top, which is what `Scanner::find`
//! does with the engine.

use super::{decode, verify, window, Match};
use crate::rules::{Rule, RuleSet};
use std::collections::HashMap;
use std::ops::Range;

/// What the differential checks compare: rule, span, secret span, secret,
/// line, column.
pub type Key = (usize, usize, usize, usize, usize, Vec<u8>, u32, u32);

/// The [`Key`] of a match.
pub fn key_of(m: &Match) -> Key {
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

/// The reference scanner over one rule set.
#[derive(Debug)]
pub struct Reference<'a> {
    set: &'a RuleSet,
    /// Lowercased keyword → content rules declaring it.
    rules: HashMap<Vec<u8>, Vec<usize>>,
    /// Keywords of two bytes or more, by their first two bytes.
    by_pair: HashMap<[u8; 2], Vec<Vec<u8>>>,
    /// One-byte keywords.
    single: HashMap<u8, Vec<Vec<u8>>>,
}

impl<'a> Reference<'a> {
    /// Indexes the keywords of `set` (its regexes compile on first use, once,
    /// shared with any engine over the same rule set).
    pub fn new(set: &'a RuleSet) -> Reference<'a> {
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
        Reference {
            set,
            rules,
            by_pair,
            single,
        }
    }

    /// Per rule, the windows opened by its keyword hits in `data` (unmerged).
    fn windows(&self, data: &[u8]) -> Vec<Vec<Range<usize>>> {
        let set = self.set;
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

    /// Every rule match in `data`, sorted by position then rule: what
    /// `Engine::find` must return.
    pub fn find(&self, data: &[u8]) -> Vec<Match> {
        let mut out = Vec::new();
        for (r, ws) in self.windows(data).into_iter().enumerate() {
            let rule: &Rule = &self.set.rules[r];
            let Some(Ok(re)) = rule.regex() else { continue };
            for w in merge(ws) {
                let hay = &data[w.clone()];
                for caps in re.captures_iter(hay) {
                    let Some(whole) = caps.get(0) else { continue };
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
                    let Some(v) = verify::accept(rule, secret.as_bytes()) else {
                        continue;
                    };
                    let (start, end) = (w.start + whole.start(), w.start + whole.end());
                    let (ss, se) = (w.start + secret.start(), w.start + secret.end());
                    out.push(Match {
                        rule: r,
                        start,
                        end,
                        line: line_of(data, start),
                        end_line: line_of(data, end),
                        column: column_of(data, ss),
                        secret: secret.as_bytes().to_vec(),
                        entropy: v.entropy,
                        confidence: v.confidence,
                        decoded: None,
                        inline_allowed: crate::allow::inline::is_allowed(data, start, end),
                        secret_start: ss,
                        secret_end: se,
                        matched: whole.as_bytes().to_vec(),
                        line_text: Vec::new(),
                    });
                }
            }
        }
        out.sort_by_key(|m| (m.start, m.end, m.rule));
        out
    }

    /// [`Reference::find`] plus the decode-and-rescan pass: what
    /// `Scanner::find` must return.
    pub fn find_decoded(&self, data: &[u8]) -> Vec<Match> {
        let mut out = self.find(data);
        decode::rescan_with(&|b: &[u8]| self.find(b), data, &mut out);
        out
    }
}

/// Sorts and merges overlapping or touching ranges.
fn merge(mut ws: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ws.sort_by_key(|w| (w.start, w.end));
    let mut out: Vec<Range<usize>> = Vec::new();
    for w in ws {
        match out.last_mut() {
            Some(last) if w.start <= last.end => last.end = last.end.max(w.end),
            _ => out.push(w),
        }
    }
    out
}

/// 1-based line of byte offset `at`.
fn line_of(data: &[u8], at: usize) -> u32 {
    let n = 1 + data[..at].iter().filter(|&&b| b == b'\n').count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// 1-based byte column of byte offset `at`.
fn column_of(data: &[u8], at: usize) -> u32 {
    let ls = data[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    u32::try_from(at - ls + 1).unwrap_or(u32::MAX)
}
