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
    let Some(hir) = parse(pattern) else {
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

/// Longest match, in bytes, for which keyword-anchored verification is used:
/// beyond it a window scan costs no more.
pub const MAX_ANCHOR: usize = 2 << 10;

/// `pattern` parsed the way `rules::compile` compiles it (bytes, no
/// Unicode; Unicode only when that fails), so that properties read from
/// the parse (lengths in bytes, literals) hold for the compiled regex.
pub fn parse(pattern: &str) -> Option<Hir> {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()
        .or_else(|| regex_syntax::Parser::new().parse(pattern).ok())
}

/// How a rule can be verified around its keyword hits instead of over
/// whole windows (see `Engine::run_anchored`): every match of its regex
/// holds a keyword occurrence, which the prefilter reports, and each match
/// is bounded in length, or confined to one line, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    /// The longest match in bytes, when at most [`MAX_ANCHOR`].
    pub reach: Option<usize>,
    /// True when no match can hold a `\n`, and cutting the haystack just
    /// before a `\n` cannot change any look-around assertion of the regex
    /// (only line and word-boundary assertions: at the cut they see a
    /// non-word end of line either way).
    pub line: bool,
}

/// The [`Anchor`] of `pattern` (the translated rule regex) with these
/// keywords, or `None` when its matches need not hold a keyword or are
/// neither bounded nor confined to a line.
///
/// The keyword proof is a required literal set whose every string contains
/// a keyword (ASCII case-insensitively): every match contains a string of
/// the set, hence a keyword occurrence.
pub fn anchor(pattern: &str, keywords: &[String]) -> Option<Anchor> {
    let kws: Vec<Vec<u8>> = keywords
        .iter()
        .map(|k| k.as_bytes().to_ascii_lowercase())
        .filter(|k| !k.is_empty())
        .collect();
    if kws.is_empty() {
        return None;
    }
    let hir = parse(pattern)?;
    let reach = hir
        .properties()
        .maximum_len()
        .filter(|&n| n > 0 && n <= MAX_ANCHOR);
    let line = within_line(&hir);
    if reach.is_none() && !line {
        return None;
    }
    let holds_keyword = |s: &Vec<u8>| kws.iter().any(|k| memchr::memmem::find(s, k).is_some());
    req_all(&hir)
        .iter()
        .any(|set| !set.is_empty() && set.iter().all(holds_keyword))
        .then_some(Anchor { reach, line })
}

/// True when no match of `h` holds a `\n` and its look-around assertions
/// are all ones that a `\n` after the haystack's end satisfies exactly as
/// the end itself does (`(?m)^`, `(?m)$`, word boundaries; not `\z`, and
/// not CRLF mode, whose `$` fails between `\r` and `\n`).
fn within_line(h: &Hir) -> bool {
    use regex_syntax::hir::Look;
    match h.kind() {
        HirKind::Empty => true,
        HirKind::Literal(l) => !l.0.contains(&b'\n'),
        HirKind::Class(Class::Bytes(c)) => !c
            .ranges()
            .iter()
            .any(|r| r.start() <= b'\n' && b'\n' <= r.end()),
        HirKind::Class(Class::Unicode(c)) => !c
            .ranges()
            .iter()
            .any(|r| r.start() <= '\n' && '\n' <= r.end()),
        HirKind::Look(l) => !matches!(l, Look::End | Look::StartCRLF | Look::EndCRLF),
        HirKind::Repetition(r) => within_line(&r.sub),
        HirKind::Capture(c) => within_line(&c.sub),
        HirKind::Concat(hs) | HirKind::Alternation(hs) => hs.iter().all(within_line),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn kw(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn required_sets_of_prefixed_and_keyed_regexes() {
        assert_eq!(
            required(r"ghp_[A-Za-z0-9]{36}"),
            vec![vec![b"ghp_".to_vec()]]
        );
        // Case-insensitive literals fold to one lowercase string.
        assert_eq!(
            required(r"(?i)Token[=:]\w+"),
            vec![vec![b"token:".to_vec(), b"token=".to_vec()]]
        );
        // Nothing required, or only one-byte strings: no useful set.
        assert!(required(r"[a-z]{10}").is_empty());
        assert!(required(r"x\d+").is_empty());
    }

    #[test]
    fn bounded_prefixed_rule_is_anchored_by_length() {
        let a = anchor(r"\bghp_[A-Za-z0-9]{36}\b", &kw(&["ghp_"])).expect("anchored");
        assert_eq!(a.reach, Some(40));
        assert!(a.line);
        // Keywords matched case-insensitively: `GHP_` proves `ghp_` too.
        assert!(anchor(r"GHP_[A-Z0-9]{36}", &kw(&["ghp_"])).is_some());
    }

    #[test]
    fn unbounded_one_line_rule_is_anchored_by_line() {
        let a = anchor(
            r"(?m)^[A-Z_]{0,20}TOKEN[ \t]*=[ \t]*(\S{8,})[ \t]*$",
            &kw(&["token"]),
        )
        .expect("anchored");
        assert_eq!(a.reach, None);
        assert!(a.line);
    }

    #[test]
    fn rules_whose_matches_need_not_hold_a_keyword_are_not_anchored() {
        // The keyword is context only (gitleaks semantics): the match is the
        // bare token.
        assert_eq!(
            anchor(r"[MN][A-Za-z\d]{23}\.[\w-]{6}", &kw(&["discord"])),
            None
        );
        // One branch lacks the keyword.
        assert_eq!(anchor(r"(?:key=|val=)\w{8}", &kw(&["key"])), None);
        // No keywords at all.
        assert_eq!(anchor(r"ghp_\w{36}", &[]), None);
    }

    #[test]
    fn unbounded_multi_line_rules_are_not_anchored() {
        // `\s` holds `\n`: unbounded and not confined to a line.
        assert_eq!(anchor(r"password\s*=\s*(\w+)", &kw(&["password"])), None);
        // `\z` differs at a cut before `\n`; CRLF `$` too.
        assert_eq!(anchor(r"token=\w+\z", &kw(&["token"])), None);
        assert_eq!(anchor(r"(?Rm)token=\w+$", &kw(&["token"])), None);
        // Bounded but longer than MAX_ANCHOR: windows cost no more.
        assert_eq!(anchor(r"(?s)key=.{3000}", &kw(&["key"])), None);
        // Bounded, multi-line: anchored by length only.
        let a = anchor(r"user=\w{1,9}\npass=\w{1,9}", &kw(&["user"])).expect("anchored");
        assert_eq!((a.reach, a.line), (Some(29), false));
    }
}
