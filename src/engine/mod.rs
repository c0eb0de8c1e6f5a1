//! The matching engine: keyword prefilter → regex → secret group → entropy →
//! placeholder filter, producing path-independent [`Match`]es.
//!
//! Work per blob is proportional to the keyword hits in it: the
//! [`prefilter`] finds hits, each hit opens a [`window`] for the rules using
//! that keyword, and only those rules' regexes (compiled lazily, once per
//! process) run, only inside their windows. Keyword-less rules are the
//! exception and scan the whole blob. Matches carry everything later stages
//! need (secret, spans, the line text) so they can become findings without
//! the blob bytes, for any path or commit the blob appears under.

pub mod checksum;
pub mod decode;
pub mod entropy;
pub mod literals;
pub mod placeholder;
pub mod prefilter;
#[doc(hidden)]
pub mod reference;
pub mod runs;
pub mod verify;
pub mod window;

use crate::allow::inline;
use crate::rules::{Rule, RuleSet};
use prefilter::Prefilter;
use rayon::prelude::*;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The fixed cost of one anchored regex search, in bytes of window scan it
/// is worth (call set-up, span filter): windows where hits are so dense
/// that their spans would cost more than the window are scanned whole.
const ANCHOR_CALL_COST: usize = 256;

/// The assumed span, in bytes, of one anchored search of a one-line rule
/// without a length bound (a typical line), for the cost comparison.
const LINE_SPAN_COST: usize = 160;

/// Longest line text kept with a match, on each side of it (for `regexTarget = "line"`).
const LINE_CONTEXT: usize = 1 << 10;

/// A path-independent rule match in one blob: everything needed to build a
/// finding later without the blob bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    /// Index of the rule in the rule set.
    pub rule: usize,
    /// Byte offset of the start of the whole match.
    pub start: usize,
    /// Byte offset just past the whole match.
    pub end: usize,
    /// 1-based line of the start of the match.
    pub line: u32,
    /// 1-based line of the end of the match.
    pub end_line: u32,
    /// 1-based byte column of the start of the secret.
    pub column: u32,
    /// The secret bytes.
    pub secret: Vec<u8>,
    /// Shannon entropy of the secret.
    pub entropy: f64,
    /// How sure the match is (see `verify`).
    pub confidence: crate::rules::Confidence,
    /// The encoding the secret was found under, when it was decoded (see
    /// `decode`); the match spans the encoded bytes.
    pub decoded: Option<decode::Encoding>,
    /// True when an inline marker (`leakgate:allow`, `gitleaks:allow`,
    /// `pragma: allowlist secret`, or `pragma: allowlist nextline secret` on
    /// the line above) allows this match.
    pub inline_allowed: bool,
    /// Byte offset of the start of the secret.
    pub secret_start: usize,
    /// Byte offset just past the secret.
    pub secret_end: usize,
    /// The whole regex match.
    pub matched: Vec<u8>,
    /// The line(s) containing the match (capped around it on very long
    /// lines). Filled only when an allowlist with `regexTarget = "line"` can
    /// apply to the rule; empty otherwise.
    pub line_text: Vec<u8>,
}

/// The windows of the latest keyword hit: hit start, hit end, the
/// single-line window and (computed on demand) the multi-line one.
type HitWindows = (usize, usize, Range<usize>, Option<Range<usize>>);

/// The compiled rule set: rules plus the keyword automaton over them.
#[derive(Debug)]
pub struct Engine {
    rules: RuleSet,
    prefilter: Prefilter,
    multiline: Vec<bool>,
    /// Per rule: does an allowlist that can apply to it look at the line?
    /// Only then is the line text kept with each match (memory on huge files).
    needs_line: Vec<bool>,
    /// Per rule, built with its regex: its exact window filters.
    required: Vec<OnceLock<Filters>>,
    /// Per rule: the rules matched together with it (same regex, secret
    /// group and keywords, so the same windows and regex matches; only
    /// verification differs). Empty except for each group's first rule,
    /// the only one the prefilter and the regex pass see.
    members: Vec<Vec<usize>>,
}

/// The exact window filters of one rule: a window failing any holds no
/// match of the rule's regex, which is then not run there.
#[derive(Debug, Default)]
struct Filters {
    /// Required character runs ([`runs`]): `(class, length)`.
    runs: Vec<(u8, usize)>,
    /// Automata over the rule's required literal sets ([`literals`]) that
    /// its keywords do not already imply: a window lacking a string of any
    /// set is skipped.
    literals: Vec<aho_corasick::AhoCorasick>,
    /// Set when every match holds a keyword hit and is bounded in length
    /// or confined to a line ([`literals::anchor`]): the regex then runs
    /// around the hits only ([`Engine::run_anchored`]).
    anchor: Option<literals::Anchor>,
}

/// Groups content rules that match identically (same regex source, secret
/// group and keyword set, ASCII case folded as the prefilter matches it):
/// `members[r]` lists the rules (itself first) of each group's first rule
/// `r`, and is empty otherwise. Runs at every start-up, so only rules whose
/// regex source collides are compared further.
fn matcher_groups(rules: &[Rule]) -> Vec<Vec<usize>> {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); rules.len()];
    // The first rule of each regex source; `others` holds further group
    // leaders whose source collides but whose group or keywords differ.
    let mut first: std::collections::HashMap<&str, usize> = Default::default();
    let mut others: Vec<usize> = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        let Some(src) = r.regex_source.as_deref() else {
            continue;
        };
        let lead = *first.entry(src).or_insert(i);
        let rep = if lead == i {
            i
        } else {
            std::iter::once(lead)
                .chain(others.iter().copied())
                .find(|&j| {
                    rules[j].regex_source.as_deref() == Some(src) && same_matcher(&rules[j], r)
                })
                .unwrap_or_else(|| {
                    others.push(i);
                    i
                })
        };
        members[rep].push(i);
    }
    members
}

/// True when two rules with the same regex source also have the same
/// secret group and keyword set (so the same windows and regex matches).
fn same_matcher(a: &Rule, b: &Rule) -> bool {
    let keyword_set = |r: &Rule| {
        let mut k: Vec<Vec<u8>> = r
            .keywords
            .iter()
            .map(|k| k.as_bytes().to_ascii_lowercase())
            .collect();
        k.sort_unstable();
        k.dedup();
        k
    };
    a.secret_group == b.secret_group && keyword_set(a) == keyword_set(b)
}

impl Engine {
    /// Indexes `rules`. Cheap: no regex is compiled here.
    pub fn new(rules: RuleSet) -> Result<Engine, String> {
        let members = matcher_groups(&rules.rules);
        // Only each group's first rule is indexed: the others share its
        // windows and regex matches.
        let prefilter = Prefilter::new(rules.rules.iter().zip(&members).map(|(r, m)| {
            (r.regex_source.is_some() && !m.is_empty()).then_some(r.keywords.as_slice())
        }))?;
        let multiline = rules.rules.iter().map(Rule::is_multiline).collect();
        let looks_at_line = |a: &crate::allow::Allowlist| {
            a.regex_target == crate::allow::RegexTarget::Line && !a.regexes.is_empty()
        };
        let needs_line = rules
            .rules
            .iter()
            .map(|r| {
                r.allowlists.iter().any(looks_at_line)
                    || rules
                        .allowlists
                        .iter()
                        .any(|a| a.applies_to(&r.id) && looks_at_line(a))
            })
            .collect();
        let required = rules.rules.iter().map(|_| OnceLock::new()).collect();
        Ok(Engine {
            rules,
            prefilter,
            multiline,
            needs_line,
            required,
            members,
        })
    }

    /// The rules this engine runs.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Every rule match in `data`, sorted by position then rule.
    pub fn find(&self, data: &[u8]) -> Vec<Match> {
        let mut windows: Vec<Vec<Range<usize>>> = vec![Vec::new(); self.rules.rules.len()];
        // Per rule, its keyword hits (start, end), for anchored verification.
        let mut hits: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.rules.rules.len()];
        let mut cache: Option<HitWindows> = None;
        self.prefilter.for_each_hit(data, |hit| {
            // Hits of several keywords at one spot share their windows.
            let fresh = !matches!(&cache, Some((s, e, ..)) if *s == hit.start && *e == hit.end);
            if fresh {
                cache = Some((
                    hit.start,
                    hit.end,
                    window::around(data, hit.start, hit.end, window::REACH),
                    None,
                ));
            }
            let Some((_, _, single, multi)) = cache.as_mut() else {
                return;
            };
            for &r in self.prefilter.rules_for(hit.pattern) {
                let w = if self.multiline[r] {
                    multi
                        .get_or_insert_with(|| {
                            window::around(data, hit.start, hit.end, window::REACH_MULTILINE)
                        })
                        .clone()
                } else {
                    single.clone()
                };
                window::push_merged(&mut windows[r], w);
                hits[r].push((hit.start, hit.end));
            }
        });
        for &r in self.prefilter.keywordless() {
            windows[r] = std::iter::once(0..data.len()).collect();
        }
        self.compile_pending(&windows);
        let blob_runs = runs::BlobRuns::new(data);
        let mut out = Vec::new();
        for (r, ws) in windows.iter_mut().enumerate() {
            if ws.is_empty() {
                continue;
            }
            window::normalize(ws);
            self.run_rule(r, data, ws, &mut hits[r], &blob_runs, &mut out);
        }
        out.sort_by_key(|m| (m.start, m.end, m.rule));
        fill_positions(data, &mut out, &self.needs_line);
        out
    }

    /// Compiles, in parallel, the not-yet-compiled regexes of the rules
    /// about to run. A pre-commit run is dominated by first-use compilation
    /// (up to a few milliseconds per rule); doing it one by one under each
    /// rule's `OnceLock` would leave the other cores idle.
    fn compile_pending(&self, windows: &[Vec<Range<usize>>]) {
        let pending: Vec<usize> = windows
            .iter()
            .zip(&self.rules.rules)
            .enumerate()
            .filter(|(_, (ws, r))| {
                !ws.is_empty() && r.regex_source.is_some() && r.regex.get().is_none()
            })
            .map(|(i, _)| i)
            .collect();
        if pending.len() < 2 {
            return;
        }
        if rayon::current_thread_index().is_some() {
            // Inside a pool (directory and history scans): this worker joins in.
            pending.par_iter().for_each(|&r| {
                let _ = self.required_filter(r);
            });
            return;
        }
        // On the main thread (pre-commit): the caller works too, so a busy
        // machine never leaves it blocked waiting for a pool to wake up.
        let helpers = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(pending.len())
            .saturating_sub(1);
        let next = AtomicUsize::new(0);
        let work = || {
            while let Some(&r) = pending.get(next.fetch_add(1, Ordering::Relaxed)) {
                let _ = self.required_filter(r);
            }
        };
        std::thread::scope(|s| {
            for _ in 0..helpers {
                s.spawn(work);
            }
            work();
        });
    }

    /// Compiles rule `r`'s regex if needed and returns its window filters:
    /// required character runs and required-literal automata. Literal sets
    /// implied by the keywords (every keyword contains one of the set's
    /// strings, so every window holds one) are left out: they would never
    /// skip a window.
    fn required_filter(&self, r: usize) -> &Filters {
        self.required[r].get_or_init(|| {
            let rule = &self.rules.rules[r];
            let Some(Ok(re)) = rule.regex() else {
                return Filters::default();
            };
            let kws: Vec<Vec<u8>> = rule
                .keywords
                .iter()
                .map(|k| k.as_bytes().to_ascii_lowercase())
                .collect();
            let implied = |set: &Vec<Vec<u8>>| {
                !kws.is_empty()
                    && kws
                        .iter()
                        .all(|k| set.iter().any(|x| memchr::memmem::find(k, x).is_some()))
            };
            let literals = literals::required(re.as_str())
                .into_iter()
                .filter(|set| !implied(set))
                .filter_map(|set| {
                    aho_corasick::AhoCorasickBuilder::new()
                        .ascii_case_insensitive(true)
                        .build(&set)
                        .ok()
                })
                .collect();
            Filters {
                runs: runs::required(re.as_str()),
                literals,
                anchor: literals::anchor(re.as_str(), &rule.keywords),
            }
        })
    }

    fn run_rule(
        &self,
        r: usize,
        data: &[u8],
        windows: &[Range<usize>],
        hits: &mut [(usize, usize)],
        blob_runs: &runs::BlobRuns<'_>,
        out: &mut Vec<Match>,
    ) {
        let rule = &self.rules.rules[r];
        // A built-in regex that does not compile is caught by `rules check`
        // and the test suite; at scan time the rule is simply inert.
        let Some(Ok(re)) = rule.regex() else { return };
        let filters = self.required_filter(r);
        if filters.anchor.is_some() {
            hits.sort_unstable();
        }
        let mut next_hit = 0;
        for w in windows {
            // The rule's hits inside this window (every hit lies inside the
            // merged window its own window joined).
            let first = next_hit;
            while hits.get(next_hit).is_some_and(|h| h.0 < w.end) {
                next_hit += 1;
            }
            let w_hits = &hits[first..next_hit];
            // Exact: a match holds every required run, and a string of
            // every required set.
            if !filters.runs.iter().all(|&(k, n)| blob_runs.has(w, k, n)) {
                continue;
            }
            let hay = &data[w.clone()];
            if let Some(anchor) = filters.anchor {
                // Sparse hits: verify around each; dense ones: one scan of
                // the window costs less than overlapping spans.
                let span = anchor.reach.map_or(LINE_SPAN_COST, |n| 2 * n);
                if w_hits.len().saturating_mul(span + ANCHOR_CALL_COST) < hay.len() {
                    self.run_anchored(
                        r,
                        re,
                        w,
                        w_hits,
                        anchor,
                        &filters.runs,
                        blob_runs,
                        data,
                        out,
                    );
                    continue;
                }
            }
            if !filters.literals.iter().all(|f| f.is_match(hay)) {
                continue;
            }
            for caps in re.captures_iter(hay) {
                self.push_match(r, &caps, w.start, out);
            }
        }
    }

    /// Verifies rule `r` in window `w` around its keyword hits `w_hits`
    /// (sorted by start, absolute offsets), given that every match holds a
    /// hit and is at most `anchor.reach` bytes long and/or confined to one
    /// line. Finds exactly the matches of the regex iterated over the whole
    /// window (`captures_iter` on `data[w]`), searching only near hits:
    ///
    /// - from a position `p`, the next match starts at or after `p` and
    ///   holds a hit starting at or after `p`; for the first such hit `h`,
    ///   it starts no earlier than `h - reach`, nor before `h`'s line (a
    ///   one-line match in an earlier line would hold an earlier hit). The
    ///   search starts there (`captures_at`: look-behind still sees the
    ///   bytes before it);
    /// - the haystack is cut at the end of `h`'s line (for one-line rules:
    ///   no match crosses it and the assertions allowed see the same there)
    ///   or the window's end: cuts that change nothing. With a reach, it is
    ///   cut earlier, at `e = hit end + reach + 1`; a match found at `s`
    ///   with `s + reach < e` is then still the window scan's match (every
    ///   candidate at or before `s` ends before the cut), otherwise `e`
    ///   grows to `s + reach + 1` and the search repeats;
    /// - no match found: none starts before the exact cut, or before
    ///   `e - reach` for an early cut, so the search resumes from there.
    #[allow(clippy::too_many_arguments)]
    fn run_anchored(
        &self,
        r: usize,
        re: &regex::bytes::Regex,
        w: &Range<usize>,
        w_hits: &[(usize, usize)],
        anchor: literals::Anchor,
        required_runs: &[(u8, usize)],
        blob_runs: &runs::BlobRuns<'_>,
        data: &[u8],
        out: &mut Vec<Match>,
    ) {
        let hay = &data[w.clone()];
        let len = hay.len();
        let mut p = 0usize;
        let mut i = 0usize;
        while p < len {
            // First hit starting at or after `p`.
            while w_hits.get(i).is_some_and(|h| h.0 < w.start + p) {
                i += 1;
            }
            let Some(&(hs, he)) = w_hits.get(i) else {
                return;
            };
            let (hs, he) = (hs - w.start, he.min(w.end) - w.start);
            let (mut lo, exact_end) = if anchor.line {
                let ls = memchr::memrchr(b'\n', &hay[..hs]).map_or(0, |q| q + 1);
                let le = memchr::memchr(b'\n', &hay[hs..]).map_or(len, |q| hs + q);
                (p.max(ls), le)
            } else {
                (p, len)
            };
            let mut e = exact_end;
            if let Some(reach) = anchor.reach {
                lo = lo.max(hs.saturating_sub(reach));
                e = e.min(he.saturating_add(reach + 1));
            }
            loop {
                // Exact span filter: a match inside lo..e holds every
                // required run there.
                let span = w.start + lo..w.start + e;
                let runs_ok = required_runs
                    .iter()
                    .all(|&(k, n)| blob_runs.has(&span, k, n));
                let caps = if runs_ok && lo < e {
                    re.captures_at(&hay[..e], lo)
                } else {
                    None
                };
                let found = caps
                    .as_ref()
                    .and_then(|c| c.get(0))
                    .map(|m| (m.start(), m.end()));
                match (found, anchor.reach) {
                    (Some((s, end)), reach)
                        if e == exact_end || reach.is_some_and(|n| s + n < e) =>
                    {
                        if let Some(caps) = &caps {
                            self.push_match(r, caps, w.start, out);
                        }
                        p = end.max(s + 1);
                        break;
                    }
                    (Some((s, _)), Some(reach)) => e = exact_end.min(s + reach + 1),
                    (None, reach) => {
                        p = match reach {
                            Some(n) if e < exact_end => p.max(e - n),
                            // Nothing up to the exact cut: resume there
                            // (past the `\n` of a one-line rule).
                            _ if exact_end == len => return,
                            _ => exact_end,
                        };
                        break;
                    }
                    // Unreachable: without a reach the cut is exact.
                    (Some(_), None) => return,
                }
            }
        }
    }

    /// Turns one regex match of rule `r` (group leader) in a haystack that
    /// starts at `base` into matches of the group's members that accept it.
    fn push_match(
        &self,
        r: usize,
        caps: &regex::bytes::Captures<'_>,
        base: usize,
        out: &mut Vec<Match>,
    ) {
        let rule = &self.rules.rules[r];
        let Some(whole) = caps.get(0) else { return };
        let secret = match rule.secret_group {
            Some(g) => caps.get(g),
            None => (1..caps.len())
                .filter_map(|i| caps.get(i))
                .find(|m| !m.is_empty())
                .or(Some(whole)),
        };
        let Some(secret) = secret.filter(|m| !m.is_empty()) else {
            return;
        };
        let bytes = secret.as_bytes();
        for &member in &self.members[r] {
            let Some(m) = verify::accept(&self.rules.rules[member], bytes) else {
                continue;
            };
            out.push(Match {
                rule: member,
                start: base + whole.start(),
                end: base + whole.end(),
                line: 0,
                end_line: 0,
                column: 0,
                secret: bytes.to_vec(),
                entropy: m.entropy,
                confidence: m.confidence,
                decoded: None,
                inline_allowed: false,
                secret_start: base + secret.start(),
                secret_end: base + secret.end(),
                matched: whole.as_bytes().to_vec(),
                line_text: Vec::new(),
            });
        }
    }
}

/// Fills line, column, inline marker and line text for matches sorted by
/// start, counting newlines incrementally: one pass over the blob however
/// many matches it has.
fn fill_positions(data: &[u8], matches: &mut [Match], needs_line: &[bool]) {
    let mut pos = 0usize;
    let mut line = 1usize;
    let mut line_start = 0usize;
    for m in matches.iter_mut() {
        let gap = &data[pos..m.start.max(pos)];
        line += memchr::memchr_iter(b'\n', gap).count();
        if let Some(p) = memchr::memrchr(b'\n', gap) {
            line_start = pos + p + 1;
        }
        pos = m.start.max(pos);
        let end_line = line + memchr::memchr_iter(b'\n', &data[m.start..m.end]).count();
        let secret_line_start = if m.secret_start >= m.start {
            memchr::memrchr(b'\n', &data[m.start..m.secret_start])
                .map_or(line_start, |p| m.start + p + 1)
        } else {
            line_start
        };
        m.line = u32::try_from(line).unwrap_or(u32::MAX);
        m.end_line = u32::try_from(end_line).unwrap_or(u32::MAX);
        m.column =
            u32::try_from(m.secret_start.saturating_sub(secret_line_start) + 1).unwrap_or(u32::MAX);
        m.inline_allowed = inline::is_allowed(data, m.start, m.end);
        if needs_line.get(m.rule).copied().unwrap_or(true) {
            let (ls, le) = inline::line_span(data, m.start, m.end);
            let ls = ls.max(m.start.saturating_sub(LINE_CONTEXT));
            let le = le.min(m.end.saturating_add(LINE_CONTEXT));
            m.line_text = data[ls..le].to_vec();
        }
    }
}

#[cfg(test)]
mod tests;
