//! Required literals of a rule's regex: a small set of byte strings such
//! that every match of the regex contains at least one of them.
//!
//! The engine uses the set as an exact window filter: a window that contains
//! none of a rule's required literals cannot hold a match of that rule, so
//! the regex is not run there. Findings are unchanged by construction (the
//! filter only skips windows where the regex would find nothing); the win is
//! on rules whose keywords are weaker than their regex (keyword `sk`, regex
//! `sk_live_…`; keyword matched case-insensitively, regex case-sensitive).
//!
//! Literals are folded to ASCII lowercase and searched ASCII
//! case-insensitively: a superset of what the regex needs, so still exact.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Most strings a literal set may hold.
const MAX_SET: usize = 64;
/// Longest string kept in a set while building cross products.
const MAX_LEN: usize = 32;
/// Shortest useful required literal: shorter ones are everywhere.
const MIN_USEFUL: usize = 2;
/// Most required sets checked per rule.
const MAX_SETS: usize = 3;

/// A set of lowercased byte strings.
type Set = Vec<Vec<u8>>;

/// The required literal sets of `pattern` (the translated rule regex),
/// parsed the way `rules::compile` compiles it: every match contains a
/// string of each set (lowercased; compare ASCII case-insensitively). Only
/// useful sets are kept (strings at least [`MIN_USEFUL`] bytes long), most
/// selective first, at most [`MAX_SETS`]; empty when nothing is required.
pub fn required(pattern: &str) -> Vec<Vec<Vec<u8>>> {
    let Some(hir) = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()
        .or_else(|| regex_syntax::Parser::new().parse(pattern).ok())
    else {
        return Vec::new();
    };
    let mut sets: Vec<Set> = req_all(&hir)
        .into_iter()
        .filter(|s| s.iter().all(|x| x.len() >= MIN_USEFUL))
        .collect();
    sets.sort_by(|a, b| {
        if better(a, b) {
            std::cmp::Ordering::Less
        } else if better(b, a) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    });
    sets.dedup();
    sets.truncate(MAX_SETS);
    sets
}

fn fold(mut s: Set) -> Set {
    for x in &mut s {
        x.make_ascii_lowercase();
    }
    s.sort();
    s.dedup();
    s
}

/// Every string `h` can match, when that is a small finite set.
fn exact(h: &Hir) -> Option<Set> {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(vec![Vec::new()]),
        HirKind::Literal(l) => Some(fold(vec![l.0.to_vec()])),
        HirKind::Class(Class::Bytes(c)) => {
            let mut out = Vec::new();
            for r in c.ranges() {
                for b in r.start()..=r.end() {
                    out.push(vec![b]);
                    if out.len() > MAX_SET * 2 {
                        return None;
                    }
                }
            }
            let out = fold(out);
            (out.len() <= MAX_SET).then_some(out)
        }
        HirKind::Class(Class::Unicode(c)) => {
            let mut out = Vec::new();
            for r in c.ranges() {
                for ch in r.start()..=r.end() {
                    let mut buf = [0u8; 4];
                    out.push(ch.encode_utf8(&mut buf).as_bytes().to_vec());
                    if out.len() > MAX_SET * 2 {
                        return None;
                    }
                }
            }
            let out = fold(out);
            (out.len() <= MAX_SET).then_some(out)
        }
        HirKind::Capture(c) => exact(&c.sub),
        HirKind::Repetition(r) => {
            let max = r.max?;
            if max > 4 {
                return None;
            }
            let sub = exact(&r.sub)?;
            let mut out: Set = Vec::new();
            let mut cur: Set = vec![Vec::new()];
            for n in 0..=max {
                if n >= r.min {
                    out.extend(cur.iter().cloned());
                }
                if n < max {
                    cur = product(&cur, &sub)?;
                }
            }
            let out = fold(out);
            (out.len() <= MAX_SET).then_some(out)
        }
        HirKind::Concat(hs) => {
            let mut cur: Set = vec![Vec::new()];
            for h in hs {
                cur = product(&cur, &exact(h)?)?;
            }
            Some(cur)
        }
        HirKind::Alternation(hs) => {
            let mut out = Vec::new();
            for h in hs {
                out.extend(exact(h)?);
                if out.len() > MAX_SET * 2 {
                    return None;
                }
            }
            let out = fold(out);
            (out.len() <= MAX_SET).then_some(out)
        }
    }
}

/// All concatenations `a + b`, when small enough.
fn product(a: &Set, b: &Set) -> Option<Set> {
    if a.len().saturating_mul(b.len()) > MAX_SET {
        return None;
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            let mut s = Vec::with_capacity(x.len() + y.len());
            s.extend_from_slice(x);
            s.extend_from_slice(y);
            if s.len() > MAX_LEN {
                return None;
            }
            out.push(s);
        }
    }
    Some(fold(out))
}

/// Sets of non-empty strings such that every match of `h` contains a
/// string of each set.
fn req_all(h: &Hir) -> Vec<Set> {
    if let Some(e) = exact(h) {
        return if e.iter().all(|s| !s.is_empty()) {
            vec![e]
        } else {
            Vec::new()
        };
    }
    match h.kind() {
        HirKind::Capture(c) => req_all(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => req_all(&r.sub),
        HirKind::Concat(hs) => {
            let mut out = Vec::new();
            // Each maximal run of children with small exact sets: the most
            // selective cross product of a sub-run.
            let ex: Vec<Option<Set>> = hs.iter().map(exact).collect();
            let mut i = 0;
            while i < hs.len() {
                if ex[i].is_none() {
                    out.extend(req_all(&hs[i]));
                    i += 1;
                    continue;
                }
                let run_end = (i..hs.len()).find(|&j| ex[j].is_none()).unwrap_or(hs.len());
                let mut best: Option<Set> = None;
                for a in i..run_end {
                    let mut cur: Set = vec![Vec::new()];
                    for e in ex[a..run_end].iter().flatten() {
                        let Some(next) = product(&cur, e) else { break };
                        cur = next;
                        if cur.iter().all(|s| !s.is_empty())
                            && best.as_ref().is_none_or(|b| better(&cur, b))
                        {
                            best = Some(cur.clone());
                        }
                    }
                }
                out.extend(best);
                i = run_end;
            }
            out
        }
        HirKind::Alternation(hs) => {
            let mut out = Vec::new();
            for h in hs {
                let Some(best) = req_all(h)
                    .into_iter()
                    .reduce(|a, b| if better(&b, &a) { b } else { a })
                else {
                    return Vec::new();
                };
                out.extend(best);
                if out.len() > MAX_SET * 2 {
                    return Vec::new();
                }
            }
            let out = fold(out);
            if out.len() <= MAX_SET {
                vec![out]
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

/// Is `a` a more selective required set than `b`? Longer shortest string
/// first, then fewer strings.
fn better(a: &Set, b: &Set) -> bool {
    let min = |s: &Set| s.iter().map(Vec::len).min().unwrap_or(0);
    (min(a), std::cmp::Reverse(a.len())) > (min(b), std::cmp::Reverse(b.len()))
}
