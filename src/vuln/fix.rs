//! Fix advice: which version to upgrade an affected package to.
//!
//! "The smallest fixed version above the installed one" is wrong whenever an
//! advisory lists isolated fixed points: RUSTSEC-2020-0071 fixes `time` in
//! 0.2.0 … 0.2.6 one patch at a time, yet 0.2.7 to 0.2.22 are affected again,
//! and only 0.2.23 starts a line that stays fixed. So the advice here is the
//! smallest version above the installed one from which **every later
//! version** is outside all affected ranges of **all advisories for the
//! package** (not only those affecting the installed version: upgrading into
//! another advisory's range is not a fix). Versions that are unaffected but
//! followed by affected ones are listed separately ([`FixAdvice::isolated`]).
//! When the installed version's own major.minor line has a version from
//! which the rest of that line is unaffected (a backported fix), it is
//! preferred ([`FixAdvice::line_fix`]): it is the smaller upgrade.
//!
//! Candidates are the `fixed` events of the ranges (a registry's full version
//! list is not available offline); a candidate is "safe onward" when no
//! range affects it and no range opens (`introduced`) or lists (`versions`)
//! an affected version above it.

use crate::inventory::Ecosystem;
use crate::vuln::advisory::AffectedEntry;
use crate::vuln::matcher::{self, Installed};
use crate::vuln::osv::Event;
use crate::vuln::version::{Scheme, Version};

/// What to upgrade to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FixAdvice {
    /// The smallest version above the installed one from which every later
    /// version is outside every affected range of every advisory for the package.
    pub safe_from: Option<String>,
    /// A version of the installed version's major.minor line from which
    /// every later version of that line is unaffected, when it is smaller
    /// than [`FixAdvice::safe_from`].
    pub line_fix: Option<String>,
    /// Fixed versions above the installed one that are unaffected, but
    /// followed by affected ones (below [`FixAdvice::safe_from`]), ascending.
    pub isolated: Vec<String>,
}

impl FixAdvice {
    /// The version to suggest: the same-line fix when there is one, else
    /// [`FixAdvice::safe_from`].
    pub fn suggested(&self) -> Option<&str> {
        self.line_fix.as_deref().or(self.safe_from.as_deref())
    }
}

/// The advice for `installed` (a version of `ecosystem`) given every
/// `affected[]` entry the database holds for the package. Empty when the
/// installed version does not parse.
pub fn advise(ecosystem: Ecosystem, installed: &str, entries: &[&AffectedEntry]) -> FixAdvice {
    let scheme = Scheme::for_ecosystem(ecosystem);
    let Some(mine) = matcher::parse(scheme, installed) else {
        return FixAdvice::default();
    };
    let mut candidates: Vec<(Version, &str)> = entries
        .iter()
        .flat_map(|e| matcher::fixed_versions(e))
        .filter_map(|f| matcher::parse(scheme, f).map(|p| (p, f.trim())))
        .filter(|(p, _)| *p > mine)
        .collect();
    candidates.sort_by(|a, b| a.0.cmp(&b.0));
    candidates.dedup_by(|a, b| a.0 == b.0);
    // Versions above which an affected span opens or is listed.
    let openings: Vec<Version> = entries
        .iter()
        .flat_map(|e| {
            let introduced = e
                .ranges
                .iter()
                .filter(|r| matcher::scheme_for(&r.kind, e.ecosystem).is_some())
                .flat_map(|r| r.events.iter())
                .filter_map(|ev| match ev {
                    Event::Introduced(v) if v.trim() != "0" => Some(v.as_str()),
                    _ => None,
                });
            introduced.chain(e.versions.iter().map(String::as_str))
        })
        .filter_map(|v| matcher::parse(scheme, v))
        .collect();
    let line = release_line(installed);
    let mut advice = FixAdvice::default();
    for (version, text) in &candidates {
        let mut probe = Installed::new(text);
        let affected = entries
            .iter()
            .any(|e| matcher::evaluate_with(e, &mut probe).affected);
        if affected {
            continue;
        }
        let reopens_above = |same_line: bool| {
            openings
                .iter()
                .any(|o| o > version && (!same_line || release_line(o.as_str()) == line))
        };
        if !reopens_above(false) {
            advice.safe_from = Some(text.to_string());
            break;
        }
        if advice.line_fix.is_none()
            && line.is_some()
            && release_line(text) == line
            && !reopens_above(true)
        {
            advice.line_fix = Some(text.to_string());
            continue;
        }
        advice.isolated.push(text.to_string());
    }
    if advice.safe_from.is_none() {
        // Without a version that stays fixed, a line fix is all there is.
        return advice;
    }
    if advice.line_fix.is_some() {
        // Isolated versions above the line fix are of no interest.
        let line_fix = advice.line_fix.clone().unwrap_or_default();
        let bound = matcher::parse(scheme, &line_fix);
        advice
            .isolated
            .retain(|v| matcher::parse(scheme, v) < bound);
    }
    advice
}

/// The `major.minor` line of a version string (`v1.2.3` → `1.2`), from its
/// leading numeric components; `None` when it has fewer than two.
fn release_line(version: &str) -> Option<(String, String)> {
    let v = version.trim();
    let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
    let mut parts = v.split(|c: char| !c.is_ascii_digit());
    let major = parts.next().filter(|p| !p.is_empty())?;
    let rest = &v[major.len()..];
    let rest = rest.strip_prefix('.')?;
    let minor: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if minor.is_empty() {
        return None;
    }
    Some((major.to_string(), minor))
}

/// The advice in words, for the finding's `help`: what to upgrade to, the
/// isolated safe versions, or that no fix exists.
pub fn help_text(
    name: &str,
    installed: &str,
    advice: &FixAdvice,
    fixed_versions: &[String],
) -> String {
    let isolated = |list: &[String]| {
        format!(
            " ({} {} unaffected too, but later versions are affected again)",
            list.join(", "),
            if list.len() == 1 { "is" } else { "are" }
        )
    };
    match (&advice.line_fix, &advice.safe_from) {
        (Some(line), Some(all)) => {
            let mut s = format!(
                "Upgrade {name} to {line} or a later release of the same line; every version from {all} on is fixed too."
            );
            if !advice.isolated.is_empty() {
                s.pop();
                s.push_str(&isolated(&advice.isolated));
                s.push('.');
            }
            s
        }
        (None, Some(all)) => {
            let mut s = format!("Upgrade {name} to {all} or later.");
            if !advice.isolated.is_empty() {
                s.pop();
                s.push_str(&isolated(&advice.isolated));
                s.push('.');
            }
            s
        }
        (Some(line), None) => format!(
            "Upgrade {name} to {line} or a later release of the same line; no later line is known to stay fixed."
        ),
        (None, None) if !advice.isolated.is_empty() => format!(
            "No version of {name} is known to stay fixed: {} unaffected, but later versions are affected again. Remove or replace it, or record an ignore with a reason and an expiry date.",
            advice.isolated.join(", ")
                + if advice.isolated.len() == 1 { " is" } else { " are" }
        ),
        (None, None) if fixed_versions.is_empty() => format!(
            "No fixed version of {name} is known: remove or replace it, or record an ignore with a reason and an expiry date."
        ),
        (None, None) => format!(
            "Fixed in {} (none above the installed {installed} stays fixed): check the advisory.",
            fixed_versions.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vuln::advisory::{RangeKind, RangeSpec};

    fn entry(events: &[(&str, &str)]) -> AffectedEntry {
        AffectedEntry {
            ecosystem: Ecosystem::CratesIo,
            name: "p".into(),
            key: "p".into(),
            ranges: vec![RangeSpec {
                kind: RangeKind::SemVer,
                events: events
                    .iter()
                    .map(|(k, v)| match *k {
                        "i" => Event::Introduced(v.to_string()),
                        "f" => Event::Fixed(v.to_string()),
                        _ => Event::LastAffected(v.to_string()),
                    })
                    .collect(),
            }],
            versions: Vec::new(),
        }
    }

    #[test]
    fn isolated_fixed_points_are_not_the_advice() {
        let e = entry(&[
            ("i", "0.0.0-0"),
            ("f", "0.2.0"),
            ("i", "0.2.1-0"),
            ("f", "0.2.1"),
            ("i", "0.2.7-0"),
            ("f", "0.2.23"),
        ]);
        let a = advise(Ecosystem::CratesIo, "0.1.43", &[&e]);
        assert_eq!(a.safe_from.as_deref(), Some("0.2.23"));
        assert_eq!(a.line_fix, None);
        assert_eq!(a.isolated, ["0.2.0", "0.2.1"]);
        assert_eq!(a.suggested(), Some("0.2.23"));
    }

    #[test]
    fn a_backported_fix_in_the_installed_line_is_preferred() {
        let e = entry(&[("i", "0"), ("f", "1.2.5"), ("i", "1.3.0"), ("f", "1.3.2")]);
        let a = advise(Ecosystem::CratesIo, "1.2.3", &[&e]);
        assert_eq!(a.line_fix.as_deref(), Some("1.2.5"));
        assert_eq!(a.safe_from.as_deref(), Some("1.3.2"));
        assert!(a.isolated.is_empty());
        assert_eq!(
            help_text("p", "1.2.3", &a, &[]),
            "Upgrade p to 1.2.5 or a later release of the same line; every version from 1.3.2 on is fixed too."
        );
    }

    #[test]
    fn another_advisory_above_the_fix_moves_the_advice() {
        let a1 = entry(&[("i", "0"), ("f", "1.1.0")]);
        let a2 = entry(&[("i", "1.2.0"), ("f", "1.4.0")]);
        let a = advise(Ecosystem::CratesIo, "1.0.0", &[&a1, &a2]);
        assert_eq!(a.safe_from.as_deref(), Some("1.4.0"));
        assert_eq!(a.isolated, ["1.1.0"]);
    }

    #[test]
    fn no_fix_when_a_later_span_stays_open() {
        let e = entry(&[("i", "0"), ("f", "1.0.1"), ("i", "2.0.0")]);
        let a = advise(Ecosystem::CratesIo, "1.0.0", &[&e]);
        assert_eq!(a.safe_from, None);
        assert_eq!(a.line_fix.as_deref(), Some("1.0.1"));
        let a = advise(Ecosystem::CratesIo, "0.9.0", &[&e]);
        assert_eq!(a.safe_from, None);
        assert_eq!(a.isolated, ["1.0.1"]);
        assert_eq!(
            help_text("p", "0.9.0", &a, &["1.0.1".into()]),
            "No version of p is known to stay fixed: 1.0.1 is unaffected, but later versions are affected again. Remove or replace it, or record an ignore with a reason and an expiry date."
        );
        let open = entry(&[("i", "0")]);
        let a = advise(Ecosystem::CratesIo, "1.0.0", &[&open]);
        assert_eq!(a, FixAdvice::default());
        assert_eq!(
            help_text("p", "1.0.0", &a, &[]),
            "No fixed version of p is known: remove or replace it, or record an ignore with a reason and an expiry date."
        );
    }

    #[test]
    fn release_lines() {
        assert_eq!(release_line("v1.22.3"), Some(("1".into(), "22".into())));
        assert_eq!(release_line("0.2.1-0"), Some(("0".into(), "2".into())));
        assert_eq!(release_line("7"), None);
        assert_eq!(release_line("dev-master"), None);
    }
}
