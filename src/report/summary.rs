//! The one-line totals that end every human report, and the number
//! formatting behind them.
//!
//! The line is built only from what the report holds: the findings (counted
//! by severity), the stats counters the command chose to record, and the wall
//! time. A secrets scan always states how many files it read, even zero, so a
//! pre-commit run that scanned nothing says so instead of passing silently.

use super::Report;
use crate::finding::{Finding, FindingKind, Severity};
use serde_json::Value;

/// Severities from worst to least, the order every count is listed in.
pub(super) const SEVERITY_ORDER: [Severity; 6] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Info,
    Severity::Unknown,
];

/// Stats keys rendered by [`stats_parts`] with their own wording, or hidden
/// from the line (`mode`, `revisions`: the command line already says them;
/// they stay in the JSON stats); every other key is printed generically.
const KNOWN_KEYS: [&str; 12] = [
    "mode",
    "revisions",
    "mb_per_s",
    "files_scanned",
    "commits",
    "blobs",
    "bytes_scanned",
    "files_skipped_binary",
    "files_skipped_size",
    "files_unreadable",
    "lockfiles",
    "packages",
];

/// The summary line, without colour:
/// `3 findings (2 high, 1 medium) · 1,204 files scanned · 14.2 MiB · 0.31 s`.
pub(super) fn line(report: &Report) -> String {
    let mut parts = vec![head(report)];
    parts.extend(stats_parts(report));
    parts.push(duration(report.scan.duration_ms));
    parts.join(" · ")
}

/// The first part of the summary: the finding count by severity, or the
/// all-clear naming what was looked for.
pub(super) fn head(report: &Report) -> String {
    let findings = &report.findings;
    if findings.is_empty() {
        return format!("No {} found", looked_for(report));
    }
    let counts: Vec<String> = severity_counts(findings)
        .into_iter()
        .map(|(severity, n)| format!("{n} {severity}"))
        .collect();
    format!(
        "{} ({})",
        plural(findings.len() as u64, "finding", "findings"),
        counts.join(", ")
    )
}

/// Non-zero finding counts per severity, worst first.
pub(super) fn severity_counts(findings: &[Finding]) -> Vec<(Severity, usize)> {
    SEVERITY_ORDER
        .iter()
        .map(|&s| (s, findings.iter().filter(|f| f.severity == s).count()))
        .filter(|&(_, n)| n > 0)
        .collect()
}

/// What the command searched for, from `scan.command` (`secrets`, `deps`,
/// `sbom-check`, or combinations such as `secrets+deps`).
fn looked_for(report: &Report) -> &'static str {
    let command = report.scan.command.as_str();
    if command.contains("policy") {
        return if command == "policy" {
            "policy findings"
        } else {
            "findings"
        };
    }
    let secrets = command.contains("secret");
    let vulns = command.contains("deps") || command.contains("sbom");
    match (secrets, vulns) {
        (true, true) => "secrets or vulnerabilities",
        (false, true) => "vulnerabilities",
        _ => "secrets",
    }
}

fn is_secrets_scan(report: &Report) -> bool {
    report.scan.command.contains("secret")
        || report
            .findings
            .iter()
            .any(|f| f.kind == FindingKind::Secret)
}

/// The stats counters in reading order: what was scanned, how much, what was
/// skipped, then any counter this module has no wording for.
pub(super) fn stats_parts(report: &Report) -> Vec<String> {
    let stats = &report.scan.stats;
    let has = |k: &str| stats.0.contains_key(k);
    let n = |k: &str| stats.get_u64(k);
    let mut parts = Vec::new();

    // A git scan counts commits and blobs instead of files; any other secrets
    // scan states its file count, zero included.
    let git_scan = has("commits") || has("blobs");
    if (has("files_scanned") || is_secrets_scan(report)) && !git_scan {
        parts.push(format!(
            "{} scanned",
            plural(n("files_scanned"), "file", "files")
        ));
    }
    if has("commits") {
        parts.push(plural(n("commits"), "commit", "commits"));
    }
    if has("blobs") {
        parts.push(plural(n("blobs"), "blob", "blobs"));
    }
    if has("bytes_scanned") {
        parts.push(bytes(n("bytes_scanned")));
    }
    if let Some(rate) = stats.0.get("mb_per_s").and_then(Value::as_f64) {
        parts.push(throughput(rate));
    }
    // One "N skipped (why, …)" part: `files_skipped` is the total and each
    // `files_skipped_<why>` a cause (printing both counted every skip twice).
    let mut causes: Vec<(u64, String)> = vec![
        (n("files_skipped_binary"), "binary".to_string()),
        (n("files_skipped_size"), "too large".to_string()),
    ];
    for key in stats.0.keys() {
        if let Some(why) = key.strip_prefix("files_skipped_") {
            // Allowlisted paths are left out on purpose, not skipped for
            // lack of a way to read them: they get a part of their own.
            if !KNOWN_KEYS.contains(&key.as_str()) && why != "allowlisted" {
                causes.push((n(key), why.replace('_', " ")));
            }
        }
    }
    causes.retain(|(count, _)| *count > 0);
    let total = n("files_skipped").max(causes.iter().map(|(count, _)| count).sum());
    if total > 0 {
        let mut part = format!("{} skipped", group_digits(total));
        if !causes.is_empty() {
            let why: Vec<String> = causes
                .iter()
                .map(|(count, why)| format!("{} {why}", group_digits(*count)))
                .collect();
            part.push_str(&format!(" ({})", why.join(", ")));
        }
        parts.push(part);
    }
    if n("files_skipped_allowlisted") > 0 {
        parts.push(format!(
            "{} allowlisted",
            group_digits(n("files_skipped_allowlisted"))
        ));
    }
    if n("files_unreadable") > 0 {
        parts.push(format!(
            "{} unreadable",
            group_digits(n("files_unreadable"))
        ));
    }
    if has("lockfiles") {
        parts.push(plural(n("lockfiles"), "lockfile", "lockfiles"));
    }
    if has("packages") {
        parts.push(plural(n("packages"), "package", "packages"));
    }
    for (key, value) in &stats.0 {
        if KNOWN_KEYS.contains(&key.as_str()) || key.starts_with("files_skipped") {
            continue;
        }
        if let Some(part) = generic_part(key, value) {
            parts.push(part);
        }
    }
    parts
}

/// Wording for a counter without its own: `advisories` 812 reads
/// `812 advisories`, `history_truncated` true reads `history truncated`.
/// Zero counts are left out: the line names what happened (the JSON stats
/// keep every counter).
fn generic_part(key: &str, value: &Value) -> Option<String> {
    let label = key.replace('_', " ");
    match value {
        Value::Number(num) => Some(match num.as_u64() {
            Some(0) => return None,
            Some(1) => format!("1 {}", singular(&label)),
            Some(count) => format!("{} {label}", group_digits(count)),
            None => format!("{label} {:.1}", num.as_f64().unwrap_or(0.0)),
        }),
        Value::Bool(true) => Some(label),
        Value::String(s) if !s.is_empty() => Some(format!("{label} {s}")),
        _ => None,
    }
}

/// A counter's label for a count of one: each plural noun in it made
/// singular (`files skipped` → `file skipped`, `advisories` → `advisory`,
/// `tag messages` → `tag message`). Words that are not plural nouns
/// (`skipped`, `unsafe`, `utf16`) are kept, and so is everything after a
/// preposition (`ecosystems without advisories` → `ecosystem without
/// advisories`): only the counted noun phrase is singular.
fn singular(label: &str) -> String {
    let mut counted = true;
    label
        .split(' ')
        .map(|word| {
            if matches!(word, "without" | "with" | "in" | "from" | "of" | "per") {
                counted = false;
            }
            if counted {
                singular_word(word)
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// One plural noun of a counter's label made singular; other words kept.
fn singular_word(word: &str) -> &str {
    match word {
        "advisories" => "advisory",
        "entries" => "entry",
        "policies" => "policy",
        "files" | "blobs" | "commits" | "messages" | "refs" | "records" | "licenses"
        | "findings" | "lockfiles" | "packages" | "paths" | "rules" | "lines" | "secrets"
        | "inputs" | "templates" | "errors" | "warnings" | "checks" | "tags" | "bytes"
        | "chunks" | "objects" | "ecosystems" => &word[..word.len() - 1],
        "vulnerabilities" => "vulnerability",
        other => other,
    }
}

/// `1 file`, `1,204 files`.
pub(super) fn plural(count: u64, one: &str, many: &str) -> String {
    let noun = if count == 1 { one } else { many };
    format!("{} {noun}", group_digits(count))
}

/// Thousands separated by commas: `1204` → `1,204`.
pub(super) fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Binary units with one decimal: `512 B`, `1.5 KiB`, `14.2 MiB`.
pub(super) fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Throughput in decimal megabytes per second: `164 MB/s`, `2.5 MB/s`.
pub(super) fn throughput(mb_per_s: f64) -> String {
    if mb_per_s < 10.0 {
        format!("{mb_per_s:.1} MB/s")
    } else {
        format!("{} MB/s", group_digits(mb_per_s.round() as u64))
    }
}

/// Wall time: `0.31 s`, `12.4 s`, `3 min 05 s`.
pub(super) fn duration(ms: u64) -> String {
    if ms < 10_000 {
        format!("{:.2} s", ms as f64 / 1000.0)
    } else if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        let secs = ms / 1000;
        format!("{} min {:02} s", group_digits(secs / 60), secs % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped_by_thousands() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1204), "1,204");
        assert_eq!(group_digits(1_234_567), "1,234,567");
        assert_eq!(group_digits(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn bytes_use_binary_units() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(14_890_000), "14.2 MiB");
        assert_eq!(bytes(u64::MAX), "16384.0 PiB");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(0), "0.00 s");
        assert_eq!(duration(310), "0.31 s");
        assert_eq!(duration(12_430), "12.4 s");
        assert_eq!(duration(185_000), "3 min 05 s");
    }

    #[test]
    fn secrets_scan_of_nothing_says_zero_files() {
        let report = Report::new("secrets", ".");
        assert_eq!(line(&report), "No secrets found · 0 files scanned · 0.00 s");
    }

    #[test]
    fn git_scan_shows_commits_and_blobs_instead_of_files() {
        let mut report = Report::new("secrets", "HEAD~3..HEAD");
        report.scan.stats.set("commits", 3);
        report.scan.stats.set("blobs", 1);
        report.scan.stats.set("bytes_scanned", 2048);
        report.scan.duration_ms = 40;
        assert_eq!(
            line(&report),
            "No secrets found · 3 commits · 1 blob · 2.0 KiB · 0.04 s"
        );
    }

    #[test]
    fn history_scan_reads_well_and_hides_mode_and_revisions() {
        let mut report = Report::new("secrets", ".");
        report.scan.stats.set("mode", "history");
        report.scan.stats.set("revisions", "HEAD");
        report.scan.stats.set("commits", 3000);
        report.scan.stats.set("blobs", 58_600);
        report.scan.stats.set("files_scanned", 58_600);
        report.scan.stats.set("bytes_scanned", 1_395_864_371);
        report.scan.stats.set("mb_per_s", 164.3);
        report.scan.duration_ms = 8_140;
        assert_eq!(
            line(&report),
            "No secrets found · 3,000 commits · 58,600 blobs · 1.3 GiB · 164 MB/s · 8.14 s"
        );
    }

    #[test]
    fn staged_scan_hides_its_mode() {
        let mut report = Report::new("secrets", ".");
        report.scan.stats.set("mode", "staged");
        report.scan.stats.set("files_scanned", 3);
        report.scan.stats.set("bytes_scanned", 270);
        report.scan.stats.set("mb_per_s", 2.46);
        report.scan.duration_ms = 12;
        assert_eq!(
            line(&report),
            "No secrets found · 3 files scanned · 270 B · 2.5 MB/s · 0.01 s"
        );
    }

    #[test]
    fn deps_scan_lists_inventory_and_unknown_counters() {
        let mut report = Report::new("deps", ".");
        report.scan.stats.set("lockfiles", 2);
        report.scan.stats.set("packages", 1204);
        report.scan.stats.set("advisories", 812);
        report.scan.stats.set("history_truncated", false);
        report.scan.stats.set("records_malformed", 0);
        report.scan.stats.set("db_source", "osv.zip");
        assert_eq!(
            line(&report),
            "No vulnerabilities found · 2 lockfiles · 1,204 packages · 812 advisories · db source osv.zip · 0.00 s"
        );
    }

    #[test]
    fn counters_of_one_read_in_the_singular() {
        let mut report = Report::new("secrets", ".");
        report.scan.stats.set("files_scanned", 1);
        report.scan.stats.set("files_skipped", 1);
        report.scan.stats.set("files_skipped_unsafe", 1);
        report.scan.stats.set("tag_messages", 1);
        report.scan.stats.set("advisories", 1);
        report.scan.stats.set("refs_pushed", 2);
        report.scan.stats.set("ecosystems_without_advisories", 1);
        assert_eq!(
            line(&report),
            "No secrets found · 1 file scanned · 1 skipped (1 unsafe) · 1 advisory · 1 ecosystem without advisories · 2 refs pushed · 1 tag message · 0.00 s"
        );
    }

    #[test]
    fn allowlisted_files_are_not_counted_as_skipped() {
        let mut report = Report::new("secrets", ".");
        report.scan.stats.set("files_scanned", 5);
        report.scan.stats.set("files_skipped", 1);
        report.scan.stats.set("files_skipped_binary", 1);
        report.scan.stats.set("files_skipped_allowlisted", 7);
        assert_eq!(
            line(&report),
            "No secrets found · 5 files scanned · 1 skipped (1 binary) · 7 allowlisted · 0.00 s"
        );
    }

    #[test]
    fn skipped_files_are_explained_and_zero_counters_hidden() {
        let mut report = Report::new("secrets", ".");
        report.scan.stats.set("files_scanned", 10);
        report.scan.stats.set("files_skipped_binary", 3);
        report.scan.stats.set("files_skipped_size", 0);
        report.scan.stats.set("files_unreadable", 0);
        assert_eq!(
            line(&report),
            "No secrets found · 10 files scanned · 3 skipped (3 binary) · 0.00 s"
        );
    }
}
