//! OSV's evaluation rules: is a version inside an `affected[]` entry?
//!
//! An entry affects a version when the version is in its explicit
//! `versions` list, or inside any of its ranges. A range is evaluated as the
//! OSV schema specifies (section "Evaluation"): sort the events by version
//! (`introduced: "0"` first), walk them, `introduced ≤ v` opens an affected
//! span, `fixed ≤ v` closes it, `last_affected < v` closes it; and when the
//! range has `limit` events, `v` must also be below one of them (`"*"` is no
//! limit). The algorithm is generic over any totally ordered version type so
//! it can be tested on its own; [`evaluate`] plugs in the per-ecosystem
//! ordering from [`crate::vuln::version`]. `GIT` ranges describe commits, not
//! versions, and are skipped and counted, never guessed.

use crate::inventory::Ecosystem;
use crate::vuln::advisory::{AffectedEntry, RangeKind};
use crate::vuln::osv::Event;
use crate::vuln::version::{self, Scheme, Version};
use std::cmp::Ordering;

/// The result of evaluating one range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RangeVerdict {
    /// Whether the version is inside the range (as far as it could be evaluated).
    pub affected: bool,
    /// Events whose version did not parse and were left out of the timeline.
    pub events_unparseable: usize,
}

/// Where an event sits on the version line: `introduced: "0"` is below every version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Point<V> {
    Zero,
    At(V),
}

/// Evaluates one range timeline for `installed`, parsing event versions with
/// `parse`. Events whose version does not parse are skipped and counted.
pub fn range_affects<V: Ord>(
    events: &[Event],
    installed: &V,
    parse: impl Fn(&str) -> Option<V>,
) -> RangeVerdict {
    let mut unparseable = 0;
    let mut timeline: Vec<(Point<V>, &Event)> = Vec::with_capacity(events.len());
    let mut limits: Vec<Option<V>> = Vec::new();
    for event in events {
        match event {
            Event::Limit(v) if v.trim() == "*" => limits.push(None),
            Event::Limit(v) => match parse(v) {
                Some(p) => limits.push(Some(p)),
                None => unparseable += 1,
            },
            Event::Introduced(v) if v.trim() == "0" => timeline.push((Point::Zero, event)),
            _ => match parse(event.version()) {
                Some(p) => timeline.push((Point::At(p), event)),
                None => unparseable += 1,
            },
        }
    }
    // Stable sort: events at the same version keep their written order.
    timeline.sort_by(|a, b| a.0.cmp(&b.0));
    let mut affected = false;
    for (point, event) in &timeline {
        let at = |f: fn(Ordering) -> bool| match point {
            Point::Zero => f(Ordering::Greater),
            Point::At(p) => f(installed.cmp(p)),
        };
        match event {
            Event::Introduced(_) if at(|o| o != Ordering::Less) => affected = true,
            Event::Fixed(_) if at(|o| o != Ordering::Less) => affected = false,
            Event::LastAffected(_) if at(|o| o == Ordering::Greater) => affected = false,
            _ => {}
        }
    }
    if affected && !limits.is_empty() {
        affected = limits.iter().any(|limit| match limit {
            None => true,
            Some(l) => installed < l,
        });
    }
    RangeVerdict {
        affected,
        events_unparseable: unparseable,
    }
}

/// The result of evaluating one `affected[]` entry for an installed version.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evaluation {
    /// The version is affected.
    pub affected: bool,
    /// `GIT` (or unknown-type) ranges skipped.
    pub ranges_git_skipped: usize,
    /// Ranges that could not be evaluated because the installed version does
    /// not parse in the range's scheme.
    pub ranges_unevaluated: usize,
    /// Event versions that did not parse (left out of their timelines).
    pub events_unparseable: usize,
}

/// The version scheme a range of `kind` uses in `ecosystem`; `None` for
/// ranges that are not about versions (`GIT`, unknown types).
pub fn scheme_for(kind: &RangeKind, ecosystem: Ecosystem) -> Option<Scheme> {
    match kind {
        // The Go database writes SEMVER ranges without the `v` Go tooling
        // prints; the Go scheme accepts both spellings and pseudo-versions.
        RangeKind::SemVer if ecosystem == Ecosystem::Go => Some(Scheme::Go),
        RangeKind::SemVer => Some(Scheme::SemVer),
        RangeKind::Ecosystem => Some(Scheme::for_ecosystem(ecosystem)),
        RangeKind::Git | RangeKind::Unsupported(_) => None,
    }
}

/// Parses `s` in `scheme`, or `None`.
pub fn parse(scheme: Scheme, s: &str) -> Option<Version> {
    version::parse(scheme, s.trim()).ok()
}

/// An installed version, parsed at most once per scheme however many
/// advisories it is checked against.
#[derive(Debug, Clone)]
pub struct Installed<'a> {
    raw: &'a str,
    parsed: Vec<(Scheme, Option<Version>)>,
}

impl<'a> Installed<'a> {
    /// Wraps the version string as the lockfile writes it.
    pub fn new(raw: &'a str) -> Installed<'a> {
        Installed {
            raw: raw.trim(),
            parsed: Vec::new(),
        }
    }

    /// The version string.
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// The version parsed under `scheme`, or `None` when it does not parse.
    pub fn get(&mut self, scheme: Scheme) -> Option<&Version> {
        let i = match self.parsed.iter().position(|(s, _)| *s == scheme) {
            Some(i) => i,
            None => {
                self.parsed.push((scheme, parse(scheme, self.raw)));
                self.parsed.len() - 1
            }
        };
        self.parsed[i].1.as_ref()
    }
}

/// Evaluates an `affected[]` entry for `installed` (a version of `entry.ecosystem`).
pub fn evaluate(entry: &AffectedEntry, installed: &str) -> Evaluation {
    evaluate_with(entry, &mut Installed::new(installed))
}

/// [`evaluate`] with the installed version's parses cached across entries.
pub fn evaluate_with(entry: &AffectedEntry, installed: &mut Installed) -> Evaluation {
    let mut out = Evaluation::default();
    let ecosystem = entry.ecosystem;
    if in_versions_list(entry, installed) {
        out.affected = true;
    }
    for range in &entry.ranges {
        let Some(scheme) = scheme_for(&range.kind, ecosystem) else {
            out.ranges_git_skipped += 1;
            continue;
        };
        if out.affected {
            // Already decided; keep counting skipped GIT ranges only.
            continue;
        }
        let Some(v) = installed.get(scheme) else {
            out.ranges_unevaluated += 1;
            continue;
        };
        let verdict = range_affects(&range.events, v, |s| parse(scheme, s));
        out.events_unparseable += verdict.events_unparseable;
        if verdict.affected {
            out.affected = true;
        }
    }
    out
}

/// Whether `installed` is in the entry's explicit `versions` list: exactly,
/// or equal under the ecosystem's ordering where that ordering has several
/// spellings of one version (PEP 440 `1.0` is `1.0.0`; SemVer and Go
/// spellings are unique up to build metadata, so an exact match suffices).
fn in_versions_list(entry: &AffectedEntry, installed: &mut Installed) -> bool {
    let raw = installed.raw();
    if entry.versions.iter().any(|v| v == raw) {
        return true;
    }
    let scheme = Scheme::for_ecosystem(entry.ecosystem);
    if entry.versions.is_empty() || matches!(scheme, Scheme::SemVer | Scheme::Go) {
        return false;
    }
    let Some(mine) = installed.get(scheme) else {
        return false;
    };
    entry
        .versions
        .iter()
        .any(|v| parse(scheme, v).is_some_and(|p| p == *mine))
}

/// Every `fixed` version of the entry's version ranges, in written order.
pub fn fixed_versions(entry: &AffectedEntry) -> impl Iterator<Item = &str> {
    entry
        .ranges
        .iter()
        .filter(|r| !matches!(r.kind, RangeKind::Git | RangeKind::Unsupported(_)))
        .flat_map(|r| r.events.iter())
        .filter_map(|e| match e {
            Event::Fixed(v) => Some(v.as_str()),
            _ => None,
        })
}

/// The smallest of `fixed` above `installed` in `ecosystem`'s ordering: the
/// suggested upgrade. `None` when nothing parses or nothing is above.
pub fn smallest_fix_above<'a>(
    ecosystem: Ecosystem,
    installed: &str,
    fixed: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let scheme = Scheme::for_ecosystem(ecosystem);
    let mine = parse(scheme, installed)?;
    fixed
        .into_iter()
        .filter_map(|f| parse(scheme, f).map(|p| (p, f)))
        .filter(|(p, _)| *p > mine)
        .min_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, f)| f.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(spec: &[(&str, &str)]) -> Vec<Event> {
        spec.iter()
            .map(|(k, v)| {
                let v = v.to_string();
                match *k {
                    "i" => Event::Introduced(v),
                    "f" => Event::Fixed(v),
                    "l" => Event::LastAffected(v),
                    "x" => Event::Limit(v),
                    other => panic!("bad test event kind {other}"),
                }
            })
            .collect()
    }

    /// Versions are plain integers here so the algorithm is tested on its own.
    fn hit(events: &[(&str, &str)], v: u32) -> bool {
        range_affects(&ev(events), &v, |s| s.parse::<u32>().ok()).affected
    }

    #[test]
    fn introduced_and_fixed() {
        let r = [("i", "3"), ("f", "5")];
        let got: Vec<bool> = (1..=6).map(|v| hit(&r, v)).collect();
        assert_eq!(got, [false, false, true, true, false, false]);
    }

    #[test]
    fn introduced_zero_is_the_beginning() {
        let r = [("i", "0"), ("f", "2")];
        assert!(hit(&r, 0));
        assert!(hit(&r, 1));
        assert!(!hit(&r, 2));
    }

    #[test]
    fn introduced_without_end_is_open() {
        assert!(hit(&[("i", "4")], 4));
        assert!(hit(&[("i", "4")], 400));
        assert!(!hit(&[("i", "4")], 3));
    }

    #[test]
    fn last_affected_is_inclusive() {
        let r = [("i", "2"), ("l", "4")];
        assert!(!hit(&r, 1));
        assert!(hit(&r, 2));
        assert!(hit(&r, 4));
        assert!(!hit(&r, 5));
    }

    #[test]
    fn several_spans_in_one_range() {
        let r = [("i", "1"), ("f", "3"), ("i", "5"), ("f", "7")];
        let got: Vec<bool> = (0..=8).map(|v| hit(&r, v)).collect();
        assert_eq!(
            got,
            [false, true, true, false, false, true, true, false, false]
        );
    }

    #[test]
    fn unsorted_events_are_sorted_first() {
        let r = [("f", "7"), ("i", "5"), ("f", "3"), ("i", "1")];
        let got: Vec<bool> = (0..=8).map(|v| hit(&r, v)).collect();
        assert_eq!(
            got,
            [false, true, true, false, false, true, true, false, false]
        );
    }

    #[test]
    fn limit_caps_the_range() {
        let r = [("i", "0"), ("x", "5")];
        assert!(hit(&r, 4));
        assert!(!hit(&r, 5));
        assert!(!hit(&r, 9));
        assert!(hit(&[("i", "0"), ("x", "*")], 1000));
        // With several limits, being below any one of them suffices.
        assert!(hit(&[("i", "0"), ("x", "3"), ("x", "8")], 6));
    }

    #[test]
    fn unparseable_events_are_skipped_and_counted() {
        let v = range_affects(&ev(&[("i", "0"), ("f", "not-a-version")]), &7u32, |s| {
            s.parse::<u32>().ok()
        });
        assert_eq!(
            v,
            RangeVerdict {
                affected: true,
                events_unparseable: 1
            }
        );
    }

    #[test]
    fn empty_range_affects_nothing() {
        assert!(!hit(&[], 1));
        assert!(!hit(&[("f", "3")], 1));
    }

    fn entry(
        ecosystem: Ecosystem,
        ranges: Vec<(RangeKind, Vec<Event>)>,
        versions: &[&str],
    ) -> AffectedEntry {
        AffectedEntry {
            ecosystem,
            name: "p".into(),
            key: "p".into(),
            ranges: ranges
                .into_iter()
                .map(|(kind, events)| crate::vuln::advisory::RangeSpec { kind, events })
                .collect(),
            versions: versions.iter().map(|v| v.to_string()).collect(),
        }
    }

    #[test]
    fn go_semver_ranges_accept_v_prefix_and_pseudo_versions() {
        let e = entry(
            Ecosystem::Go,
            vec![(
                RangeKind::SemVer,
                ev(&[("i", "1.3.1-0.20190301021747-ccb9e902956d"), ("f", "1.9.1")]),
            )],
            &[],
        );
        assert!(evaluate(&e, "v1.6.0").affected);
        assert!(evaluate(&e, "v1.3.1-0.20190301021747-ccb9e902956d").affected);
        assert!(!evaluate(&e, "v1.3.0").affected);
        assert!(!evaluate(&e, "v1.9.1").affected);
    }

    #[test]
    fn versions_list_uses_ecosystem_equality_and_git_ranges_are_counted() {
        let e = entry(
            Ecosystem::PyPI,
            vec![(RangeKind::Git, ev(&[("i", "abc123")]))],
            &["1.0", "2.0rc1"],
        );
        let got = evaluate(&e, "1.0.0");
        assert!(got.affected);
        assert_eq!(got.ranges_git_skipped, 1);
        assert!(evaluate(&e, "2.0.0rc1").affected);
        assert!(!evaluate(&e, "2.0").affected);
    }

    #[test]
    fn unparseable_installed_versions_are_counted_not_cleared() {
        let e = entry(
            Ecosystem::CratesIo,
            vec![(RangeKind::SemVer, ev(&[("i", "0"), ("f", "1.0.0")]))],
            &[],
        );
        let got = evaluate(&e, "not a version");
        assert!(!got.affected);
        assert_eq!(got.ranges_unevaluated, 1);
    }

    #[test]
    fn pep440_ecosystem_ranges() {
        let e = entry(
            Ecosystem::PyPI,
            vec![(RangeKind::Ecosystem, ev(&[("i", "0"), ("f", "2.20")]))],
            &[],
        );
        assert!(evaluate(&e, "2.19.1").affected);
        assert!(evaluate(&e, "2.20.0rc1").affected);
        assert!(!evaluate(&e, "2.20.0").affected);
        assert!(!evaluate(&e, "2.20.post1").affected);
    }

    #[test]
    fn smallest_fix_above_the_installed_version() {
        let fixed = ["0.6.14", "1.6.1", "0.6.10"];
        assert_eq!(
            smallest_fix_above(Ecosystem::CratesIo, "0.6.9", fixed).as_deref(),
            Some("0.6.10")
        );
        assert_eq!(
            smallest_fix_above(Ecosystem::CratesIo, "1.0.0", fixed).as_deref(),
            Some("1.6.1")
        );
        assert_eq!(
            smallest_fix_above(Ecosystem::CratesIo, "2.0.0", fixed),
            None
        );
    }
}
