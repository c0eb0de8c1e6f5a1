//! Matching an inventory against the database: which installed packages are
//! affected by which advisories, with advisories that alias each other merged
//! into one match per package, then filtered (`--only-fixed`,
//! `--exclude-dev`, ignores) and gated (`--fail-on`, `--unscored-pass`).
//!
//! Alias groups: two advisories for the same package are one vulnerability
//! when their id sets (id + aliases) intersect, transitively. The group is
//! reported under one primary id chosen deterministically by
//! [`advisory::id_rank`] (the ecosystem's native id — RUSTSEC, GO, PYSEC,
//! RUBYSEC — then GHSA, then CVE, then others; ties by lexical order), and
//! lists every other id as an alias.

use crate::finding::Severity;
use crate::inventory::Package;
use crate::report::Problem;
use crate::vuln::advisory::{self, Advisory, AffectedEntry};
use crate::vuln::db::Database;
use crate::vuln::fix::{self, FixAdvice};
use crate::vuln::ignore::{IgnoreList, Verdict};
use crate::vuln::matcher;
use crate::vuln::names;
use crate::vuln::severity::{Basis, Scored};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use time::Date;

/// The lowest severity that fails the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Only critical.
    Critical,
    /// High and above.
    High,
    /// Medium and above.
    Medium,
    /// Low and above.
    Low,
    /// Every finding (including informational).
    Any,
}

impl FailOn {
    /// Whether a finding of `severity` fails the run. Unscored (`Unknown`)
    /// findings fail unless `unscored_pass`: no score is not a pass.
    pub fn fails(self, severity: Severity, unscored_pass: bool) -> bool {
        let threshold = match self {
            FailOn::Any => Severity::Info,
            FailOn::Low => Severity::Low,
            FailOn::Medium => Severity::Medium,
            FailOn::High => Severity::High,
            FailOn::Critical => Severity::Critical,
        };
        match severity {
            Severity::Unknown => !unscored_pass,
            s => s >= threshold,
        }
    }
}

/// How to check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Gating threshold.
    pub fail_on: FailOn,
    /// Unscored advisories do not fail the run.
    pub unscored_pass: bool,
    /// Drop advisories that have no fixed version for the package.
    pub only_fixed: bool,
    /// Skip packages only dev/test dependencies pull in.
    pub exclude_dev: bool,
    /// Expiring ignores.
    pub ignores: IgnoreList,
    /// The date ignores are evaluated on (today, UTC, in production).
    pub today: Date,
}

/// One vulnerability of one installed package (an alias group).
#[derive(Debug, Clone, PartialEq)]
pub struct VulnMatch {
    /// The package as inventoried.
    pub package: Package,
    /// The installed version.
    pub version: String,
    /// Primary id.
    pub id: String,
    /// Every other id (the group's other ids and all aliases), sorted.
    pub aliases: Vec<String>,
    /// Summary (from the primary advisory, else the first with one).
    pub summary: String,
    /// Advisory link (of the primary).
    pub url: String,
    /// The group's highest severity, and its vector.
    pub severity: Scored,
    /// The id of the record the severity was taken from (a group member,
    /// or an alias record found in the database); `None` when unscored.
    pub severity_source: Option<String>,
    /// Whether [`VulnMatch::severity_source`] is an alias record that does
    /// not itself list the package (a CVE or GHSA record in the database).
    pub severity_from_alias: bool,
    /// Fixed versions from every matching range, ascending where they parse.
    pub fixed_versions: Vec<String>,
    /// The suggested upgrade ([`FixAdvice::suggested`]).
    pub suggested_fix: Option<String>,
    /// The full fix advice over every advisory for the package (see [`fix`]).
    pub advice: FixAdvice,
    /// Whether it fails the run under the options.
    pub failing: bool,
}

/// Counters of a check (keys as they appear in report stats).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckStats {
    /// Packages considered.
    pub packages: usize,
    /// Packages without a pinned version (not checked).
    pub unpinned: usize,
    /// Dev-only packages skipped (`--exclude-dev`).
    pub dev_excluded: usize,
    /// Distinct primary ids among findings (before ignores).
    pub advisories_matched: usize,
    /// `GIT` / unknown-type ranges skipped.
    pub ranges_git_skipped: usize,
    /// (package, range) pairs not evaluated: the installed version does not parse.
    pub ranges_unevaluated: usize,
    /// Advisory event versions that did not parse.
    pub events_unparseable: usize,
    /// Matches suppressed by ignores.
    pub ignored: usize,
    /// Matches dropped by `--only-fixed`.
    pub unfixed_dropped: usize,
    /// Pinned packages whose version does not parse under their
    /// ecosystem's scheme (Composer `dev-master`): never matched, warned.
    pub versions_unparseable: usize,
    /// Matches whose severity came from an alias record.
    pub severity_from_alias: usize,
    /// Matches with no severity in any record or alias.
    pub unscored: usize,
}

/// The outcome of a check.
#[derive(Debug, Clone, Default)]
pub struct CheckResult {
    /// Reported matches, in package order.
    pub matches: Vec<VulnMatch>,
    /// Counters.
    pub stats: CheckStats,
    /// Human-readable notes (ignores expired or stale, ...).
    pub warnings: Vec<String>,
    /// Package/advisory pairs that could not be decided (the installed
    /// version does not parse): reported as errors, never as clean.
    pub problems: Vec<Problem>,
}

impl CheckResult {
    /// How many matches fail the run.
    pub fn failing(&self) -> usize {
        self.matches.iter().filter(|m| m.failing).count()
    }
}

/// Per-package result before ignores.
struct PackageOutcome {
    groups: Vec<VulnMatch>,
    stats: CheckStats,
    problems: Vec<Problem>,
    warning: Option<String>,
}

/// Most per-package "version does not parse" warnings listed (the rest are counted).
pub const MAX_LISTED_VERSION_WARNINGS: usize = 20;

/// Checks `packages` against `db`.
pub fn check(db: &Database, packages: &[Package], options: &CheckOptions) -> CheckResult {
    let outcomes: Vec<PackageOutcome> = packages
        .par_iter()
        .map(|p| check_package(db, p, options))
        .collect();
    let mut result = CheckResult::default();
    let mut used = vec![false; options.ignores.entries.len()];
    let mut primary_ids = BTreeSet::new();
    let mut version_warnings = 0usize;
    for outcome in outcomes {
        add_stats(&mut result.stats, &outcome.stats);
        result.problems.extend(outcome.problems);
        if let Some(w) = outcome.warning {
            version_warnings += 1;
            if version_warnings <= MAX_LISTED_VERSION_WARNINGS {
                result.warnings.push(w);
            }
        }
        for m in outcome.groups {
            primary_ids.insert(m.id.clone());
            let mut ids = vec![m.id.clone()];
            ids.extend(m.aliases.iter().cloned());
            match options
                .ignores
                .verdict(&ids, m.package.ecosystem, &m.package.name, options.today)
            {
                Verdict::Suppressed(n) => {
                    used[n] = true;
                    result.stats.ignored += 1;
                }
                Verdict::Report | Verdict::Expired(_) => {
                    if m.severity_from_alias {
                        result.stats.severity_from_alias += 1;
                    }
                    if m.severity.severity == Severity::Unknown {
                        result.stats.unscored += 1;
                    }
                    result.matches.push(m)
                }
            }
        }
    }
    if version_warnings > MAX_LISTED_VERSION_WARNINGS {
        result.warnings.push(format!(
            "... and {} more packages whose version does not parse",
            version_warnings - MAX_LISTED_VERSION_WARNINGS
        ));
    }
    result.stats.advisories_matched = primary_ids.len();
    result
        .warnings
        .extend(options.ignores.warnings(&used, options.today));
    result
}

fn add_stats(into: &mut CheckStats, s: &CheckStats) {
    into.packages += s.packages;
    into.unpinned += s.unpinned;
    into.dev_excluded += s.dev_excluded;
    into.ranges_git_skipped += s.ranges_git_skipped;
    into.ranges_unevaluated += s.ranges_unevaluated;
    into.events_unparseable += s.events_unparseable;
    into.unfixed_dropped += s.unfixed_dropped;
    into.versions_unparseable += s.versions_unparseable;
}

fn check_package(db: &Database, package: &Package, options: &CheckOptions) -> PackageOutcome {
    let mut out = PackageOutcome {
        groups: Vec::new(),
        stats: CheckStats {
            packages: 1,
            ..CheckStats::default()
        },
        problems: Vec::new(),
        warning: None,
    };
    if options.exclude_dev && package.dev {
        out.stats.dev_excluded = 1;
        return out;
    }
    let Some(version) = package
        .version
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    else {
        out.stats.unpinned = 1;
        return out;
    };
    let key = names::normalize(package.ecosystem, &package.name);
    let scheme = crate::vuln::version::Scheme::for_ecosystem(package.ecosystem);
    if matcher::parse(scheme, version).is_none() {
        // Never matched by an ecosystem range, whether or not the database
        // has advisories for it today: say so instead of reading as clean.
        out.stats.versions_unparseable = 1;
        out.warning = Some(format!(
            "{}:{}: {} {} {version}: the version does not parse as a {} version, so advisories cannot be matched against it",
            package.location.file,
            package.location.line,
            package.ecosystem,
            package.name,
            scheme.name()
        ));
    }
    // (advisory, its affected entries that matched)
    let mut hits: Vec<(&Advisory, Vec<&AffectedEntry>)> = Vec::new();
    let mut installed = matcher::Installed::new(version);
    let all_entries: Vec<&AffectedEntry> =
        db.lookup(package.ecosystem, &key).map(|(_, e)| e).collect();
    for (advisory, entry) in db.lookup(package.ecosystem, &key) {
        let eval = matcher::evaluate_with(entry, &mut installed);
        out.stats.ranges_git_skipped += eval.ranges_git_skipped;
        out.stats.events_unparseable += eval.events_unparseable;
        if eval.ranges_unevaluated > 0 && !eval.affected {
            out.stats.ranges_unevaluated += eval.ranges_unevaluated;
            out.problems.push(Problem {
                path: format!("{}:{}", package.location.file, package.location.line),
                message: format!(
                    "{} {} {version}: the version does not parse, so {} could not be evaluated: check it by hand",
                    package.ecosystem, package.name, advisory.id
                ),
            });
        }
        if eval.affected {
            match hits.iter_mut().find(|(a, _)| a.id == advisory.id) {
                Some((_, entries)) => entries.push(entry),
                None => hits.push((advisory, vec![entry])),
            }
        }
    }
    let advice = if hits.is_empty() {
        FixAdvice::default()
    } else {
        fix::advise(package.ecosystem, version, &all_entries)
    };
    for group in alias_groups(&hits) {
        let m = merge_group(db, package, version, &group, &advice, options);
        if options.only_fixed && m.fixed_versions.is_empty() {
            out.stats.unfixed_dropped += 1;
            continue;
        }
        out.groups.push(m);
    }
    out.groups.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

type Hit<'a> = (&'a Advisory, Vec<&'a AffectedEntry>);

/// Partitions hits into groups whose id sets intersect (transitively), in
/// order of first appearance. Union-find over an id → hit map: linear in the
/// number of ids, which matters for packages like Go's `stdlib` that match
/// hundreds of advisories.
fn alias_groups<'a, 'h>(hits: &'h [Hit<'a>]) -> Vec<Vec<&'h Hit<'a>>> {
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut parent: Vec<usize> = (0..hits.len()).collect();
    let mut owner: HashMap<&str, usize> = HashMap::new();
    for (i, (advisory, _)) in hits.iter().enumerate() {
        let ids = std::iter::once(advisory.id.as_str())
            .chain(advisory.aliases.iter().map(String::as_str));
        for id in ids {
            match owner.get(id) {
                Some(&j) => {
                    let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                    // The earlier hit stays the root, so group order is stable.
                    parent[a.max(b)] = a.min(b);
                }
                None => {
                    owner.insert(id, i);
                }
            }
        }
    }
    let mut groups: Vec<Vec<&Hit>> = Vec::new();
    let mut group_of_root: HashMap<usize, usize> = HashMap::new();
    for (i, hit) in hits.iter().enumerate() {
        let root = find(&mut parent, i);
        let g = *group_of_root.entry(root).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(hit);
    }
    groups
}

fn merge_group(
    db: &Database,
    package: &Package,
    version: &str,
    group: &[&Hit],
    advice: &FixAdvice,
    options: &CheckOptions,
) -> VulnMatch {
    let ecosystem = package.ecosystem;
    let mut all_ids: BTreeSet<String> = BTreeSet::new();
    for (a, _) in group {
        all_ids.insert(a.id.clone());
        all_ids.extend(a.aliases.iter().cloned());
    }
    let rank = |id: &str| (advisory::id_rank(ecosystem, id), id.to_string());
    // The primary is the best-ranked id of a loaded record (not a bare alias),
    // so its summary and link exist.
    let primary = group
        .iter()
        .map(|(a, _)| *a)
        .min_by_key(|a| rank(&a.id))
        .map(|a| a.id.clone())
        .unwrap_or_default();
    let primary_advisory = group.iter().map(|(a, _)| *a).find(|a| a.id == primary);
    let summary = primary_advisory
        .map(|a| a.summary.clone())
        .filter(|s| !s.is_empty())
        .or_else(|| {
            group
                .iter()
                .map(|(a, _)| a.summary.clone())
                .find(|s| !s.is_empty())
        })
        .unwrap_or_default();
    // The group's best score; when no member has one, the best score of an
    // alias record in the database (osv.dev's GHSA and CVE records carry
    // CVSS vectors that Go and PyPA records leave out).
    let better = |x: &Scored, y: &Scored| {
        (x.severity, x.score.unwrap_or(-1.0))
            .partial_cmp(&(y.severity, y.score.unwrap_or(-1.0)))
            .unwrap_or(std::cmp::Ordering::Equal)
    };
    let best_of = |advisories: &mut dyn Iterator<Item = &Advisory>| {
        advisories
            .filter(|a| a.severity.basis != Basis::Unscored)
            .max_by(|x, y| better(&x.severity, &y.severity).then_with(|| y.id.cmp(&x.id)))
            .map(|a| (a.severity.clone(), a.id.clone()))
    };
    let own = best_of(&mut group.iter().map(|(a, _)| *a));
    let (severity, severity_source, severity_from_alias) = match own {
        Some((s, id)) if s.severity != Severity::Unknown => (s, Some(id), false),
        _ => {
            let members: BTreeSet<&str> = group.iter().map(|(a, _)| a.id.as_str()).collect();
            let mut aliases = all_ids
                .iter()
                .filter(|id| !members.contains(id.as_str()))
                .filter_map(|id| db.get(id));
            match best_of(&mut aliases) {
                Some((s, id)) if s.severity != Severity::Unknown => (s, Some(id), true),
                _ => (Scored::unscored(), None, false),
            }
        }
    };
    let mut fixed: Vec<String> = Vec::new();
    for (_, entries) in group {
        for entry in entries {
            for f in matcher::fixed_versions(entry) {
                if !fixed.iter().any(|x| x == f) {
                    fixed.push(f.to_string());
                }
            }
        }
    }
    let scheme = crate::vuln::version::Scheme::for_ecosystem(ecosystem);
    fixed.sort_by(
        |a, b| match (matcher::parse(scheme, a), matcher::parse(scheme, b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.cmp(b),
        },
    );
    let suggested_fix = advice.suggested().map(str::to_string);
    let failing = options
        .fail_on
        .fails(severity.severity, options.unscored_pass);
    VulnMatch {
        package: package.clone(),
        version: version.to_string(),
        aliases: all_ids.into_iter().filter(|i| *i != primary).collect(),
        url: primary_advisory
            .map(|a| a.url.clone())
            .unwrap_or_else(|| format!("https://osv.dev/vulnerability/{primary}")),
        id: primary,
        summary,
        severity,
        severity_source,
        severity_from_alias,
        fixed_versions: fixed,
        suggested_fix,
        advice: advice.clone(),
        failing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gating_thresholds_and_unscored() {
        use Severity::*;
        assert!(FailOn::Any.fails(Low, false));
        assert!(FailOn::Any.fails(Info, false));
        assert!(FailOn::High.fails(Critical, false));
        assert!(FailOn::High.fails(High, false));
        assert!(!FailOn::High.fails(Medium, false));
        assert!(!FailOn::Critical.fails(High, false));
        assert!(FailOn::Medium.fails(Medium, true));
        assert!(!FailOn::Low.fails(Info, false));
        assert!(FailOn::Critical.fails(Unknown, false));
        assert!(!FailOn::Any.fails(Unknown, true));
    }

    use crate::inventory::{Ecosystem, SourceLocation};
    use crate::vuln::advisory::{AffectedEntry, RangeKind, RangeSpec};
    use crate::vuln::osv::Event;
    use crate::vuln::severity::Scored;

    fn advisory(id: &str, aliases: &[&str], severity: Severity) -> Advisory {
        Advisory {
            id: id.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            summary: format!("summary of {id}"),
            url: format!("https://example.test/{id}"),
            modified: String::new(),
            severity: Scored {
                severity,
                vector: None,
                score: None,
                basis: if severity == Severity::Unknown {
                    Basis::Unscored
                } else {
                    Basis::DatabaseSpecific
                },
            },
            affected: vec![AffectedEntry {
                ecosystem: Ecosystem::CratesIo,
                name: "p".into(),
                key: "p".into(),
                ranges: vec![RangeSpec {
                    kind: RangeKind::SemVer,
                    events: vec![
                        Event::Introduced("0".into()),
                        Event::Fixed(format!("1.0.{}", id.len())),
                    ],
                }],
                versions: Vec::new(),
            }],
            other_ecosystems: Default::default(),
            source: "test".into(),
        }
    }

    fn options() -> CheckOptions {
        CheckOptions {
            fail_on: FailOn::Any,
            unscored_pass: false,
            only_fixed: false,
            exclude_dev: false,
            ignores: IgnoreList::default(),
            today: time::macros::date!(2026 - 01 - 01),
        }
    }

    fn package(version: &str) -> Package {
        Package {
            ecosystem: Ecosystem::CratesIo,
            name: "p".into(),
            version: Some(version.into()),
            source_purl: None,
            direct: true,
            dev: false,
            dependencies: Vec::new(),
            location: SourceLocation {
                file: "Cargo.lock".into(),
                line: 3,
            },
            hashes: Vec::new(),
            license: None,
        }
    }

    #[test]
    fn aliases_group_transitively_under_the_native_id() {
        // GHSA-1 ~ CVE-1 ~ RUSTSEC-1 (via CVE-1), and RUSTSEC-1 ~ CVE-2 ~ GHSA-2.
        let db = Database::from_advisories([
            advisory("GHSA-1", &["CVE-1"], Severity::High),
            advisory("RUSTSEC-1", &["CVE-1", "CVE-2"], Severity::Unknown),
            advisory("GHSA-2", &["CVE-2"], Severity::Medium),
            advisory("RUSTSEC-9", &[], Severity::Low),
        ]);
        let r = check(&db, &[package("0.1.0")], &options());
        assert_eq!(r.matches.len(), 2);
        let m = &r.matches[0];
        assert_eq!(m.id, "RUSTSEC-1");
        assert_eq!(m.aliases, ["CVE-1", "CVE-2", "GHSA-1", "GHSA-2"]);
        assert_eq!(m.summary, "summary of RUSTSEC-1");
        assert_eq!(m.url, "https://example.test/RUSTSEC-1");
        assert_eq!(m.severity.severity, Severity::High);
        assert_eq!(m.fixed_versions, ["1.0.6", "1.0.9"]);
        // 1.0.6 is still inside RUSTSEC-1's range: every advisory counts.
        assert_eq!(m.suggested_fix.as_deref(), Some("1.0.9"));
        assert_eq!(m.severity_source.as_deref(), Some("GHSA-1"));
        assert!(!m.severity_from_alias);
        assert_eq!(r.matches[1].id, "RUSTSEC-9");
        assert_eq!(r.stats.advisories_matched, 2);
    }

    #[test]
    fn unpinned_packages_are_counted_not_matched() {
        let db = Database::from_advisories([advisory("RUSTSEC-1", &[], Severity::Low)]);
        let mut p = package("0.1.0");
        p.version = None;
        let r = check(&db, &[p], &options());
        assert!(r.matches.is_empty());
        assert_eq!(r.stats.unpinned, 1);
        assert_eq!(r.stats.packages, 1);
    }

    #[test]
    fn unparseable_installed_version_is_a_problem() {
        let db = Database::from_advisories([advisory("RUSTSEC-1", &[], Severity::Low)]);
        let r = check(&db, &[package("latest")], &options());
        assert!(r.matches.is_empty());
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].path, "Cargo.lock:3");
        assert_eq!(
            r.problems[0].message,
            "crates.io p latest: the version does not parse, so RUSTSEC-1 could not be evaluated: check it by hand"
        );
    }
}
