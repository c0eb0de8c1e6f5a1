//! SARIF 2.1.0, the format GitHub code scanning (and most security
//! dashboards) ingest.
//!
//! One run; the driver lists one rule per distinct `rule_id` (secret rule or
//! advisory id) in order of first appearance, and every finding becomes a
//! result pointing at its rule by id and index. GitHub conventions followed:
//! `properties.security-severity` on rules (a CVSS-like number GitHub buckets
//! into critical/high/medium/low), `properties.tags` including `security`,
//! artifact URIs relative to `%SRCROOT%`, and `partialFingerprints` so alerts
//! are tracked across runs even when lines move. Columns are leakgate's
//! 1-based byte columns; for the ASCII lines secrets live on they equal the
//! code-point columns SARIF assumes by default.
//!
//! Inputs that could not be read, and warnings, become tool execution
//! notifications of the run's invocation, so the SARIF consumer sees them too.

use super::stream::{LazySeq, Splice};
use super::text::short_id;
use super::{information_uri, shown_secret, Report};
use crate::finding::{Finding, FindingKind, Severity};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::io::{self, Write};

/// Location base every relative URI is resolved against.
const SRCROOT: &str = "%SRCROOT%";
/// Key of our fingerprint in `partialFingerprints`.
const FINGERPRINT_KEY: &str = "leakgate/v1";
/// CWE-798, "Use of Hard-coded Credentials": the weakness every secret rule finds.
const CWE_HARDCODED_CREDENTIALS: &str = "external/cwe/cwe-798";
/// Bytes kept as-is in URIs: RFC 3986 unreserved characters and `/`.
/// Everything else (spaces, `%`, `:`, `#`, `?`, non-ASCII) is percent-encoded,
/// which also keeps a first segment such as `a:b` from reading as a scheme.
const PATH_KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// Writes the SARIF log, pretty-printed. The results are built one at a
/// time as they are written (see [`super::stream`]): the output is the same
/// as serializing [`log`], without a JSON tree of every result in memory.
pub(super) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let (top, run, rule_index) = skeleton(report);
    let results = LazySeq {
        items: &report.findings,
        item: |f: &Finding| result(f, index_of(&rule_index, f)),
    };
    let doc = Splice {
        map: top,
        key: "runs",
        value: [Splice {
            map: run,
            key: "results",
            value: results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// The SARIF log as a JSON value (what [`write`] streams).
#[cfg(test)]
pub(super) fn log(report: &Report) -> Value {
    let (mut top, mut run, rule_index) = skeleton(report);
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| result(f, index_of(&rule_index, f)))
        .collect();
    run.insert("results".into(), Value::Array(results));
    top.insert("runs".into(), Value::Array(vec![Value::Object(run)]));
    Value::Object(top)
}

/// The index of `f`'s rule in the driver's rule list.
fn index_of(rule_index: &HashMap<&str, usize>, f: &Finding) -> usize {
    rule_index.get(f.rule_id.as_str()).copied().unwrap_or(0)
}

/// The log without its one run, the run without its results, and the index
/// of every rule id in the driver's rule list.
type Skeleton<'a> = (
    Map<String, Value>,
    Map<String, Value>,
    HashMap<&'a str, usize>,
);

/// See [`Skeleton`].
fn skeleton(report: &Report) -> Skeleton<'_> {
    let mut rule_index: HashMap<&str, usize> = HashMap::new();
    let mut rule_findings: Vec<Vec<&Finding>> = Vec::new();
    for finding in &report.findings {
        let idx = *rule_index
            .entry(finding.rule_id.as_str())
            .or_insert_with(|| {
                rule_findings.push(Vec::new());
                rule_findings.len() - 1
            });
        rule_findings[idx].push(finding);
    }
    let rules: Vec<Value> = rule_findings.iter().map(|fs| rule(fs)).collect();

    let mut driver = Map::new();
    driver.insert("name".into(), json!(report.tool.name));
    driver.insert("version".into(), json!(report.tool.version));
    if semver::Version::parse(&report.tool.version).is_ok() {
        driver.insert("semanticVersion".into(), json!(report.tool.version));
    }
    if let Some(uri) = tool_home() {
        driver.insert("informationUri".into(), json!(uri));
    }
    driver.insert("rules".into(), Value::Array(rules));

    let mut run = Map::new();
    run.insert("tool".into(), json!({ "driver": driver }));
    run.insert(
        "originalUriBaseIds".into(),
        json!({
            SRCROOT: {
                "description": { "text": "The root of the scanned git work tree (the scan root outside one). Every relative artifact URI is relative to it." }
            }
        }),
    );
    run.insert("invocations".into(), json!([invocation(report)]));
    let mut top = Map::new();
    top.insert(
        "$schema".into(),
        json!("https://json.schemastore.org/sarif-2.1.0.json"),
    );
    top.insert("version".into(), json!("2.1.0"));
    (top, run, rule_index)
}

/// The run's invocation: it completed (a report exists), and here is what it
/// could not read and what it warned about.
fn invocation(report: &Report) -> Value {
    let mut notes: Vec<Value> = report
        .scan
        .errors
        .iter()
        .map(|p| {
            json!({
                "level": "error",
                "message": { "text": format!("{}: {}", p.path, p.message) },
                "locations": [{ "physicalLocation": { "artifactLocation": artifact(&p.path) } }],
            })
        })
        .collect();
    notes.extend(
        report
            .scan
            .warnings
            .iter()
            .map(|w| json!({ "level": "warning", "message": { "text": w } })),
    );
    json!({ "executionSuccessful": true, "toolExecutionNotifications": notes })
}

/// The rule behind `findings` (all sharing one `rule_id`, at least one).
/// Severity is the worst among them, so the rule never under-states a result.
fn rule(findings: &[&Finding]) -> Value {
    let first = findings[0];
    let worst = findings
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(first.severity);
    let cvss = findings
        .iter()
        .filter_map(|f| f.vulnerability.as_ref()?.cvss_score)
        .fold(None, |acc: Option<f64>, s| {
            Some(acc.map_or(s, |a| a.max(s)))
        });

    let mut properties = Map::new();
    let (full, tags, help_uri) = match (&first.kind, &first.vulnerability) {
        (FindingKind::Vulnerability, Some(v)) => {
            let mut full = if v.summary.is_empty() {
                first.title.to_string()
            } else {
                v.summary.clone()
            };
            full.push_str(&format!(" (affects {} packages", v.package.ecosystem));
            if !v.aliases.is_empty() {
                full.push_str(&format!("; also known as {}", v.aliases.join(", ")));
            }
            full.push(')');
            let tags = vec!["security", "vulnerability", "dependency"];
            (full, tags, Some(advisory_uri(v)))
        }
        (FindingKind::License, _) => (
            first.title.to_string(),
            vec!["license", "dependency"],
            None,
        ),
        (FindingKind::Policy, _) => match crate::policy::find_check(&first.rule_id) {
            Some(c) => (
                format!("{} {}", c.rationale, c.remediation),
                vec!["security", "policy", c.family.as_str()],
                c.references.first().map(|r| r.to_string()),
            ),
            None => (first.title.to_string(), vec!["security", "policy"], None),
        },
        _ => (
            format!(
                "{}: a credential committed to source or history, readable by anyone with access to the repository.",
                first.title
            ),
            vec!["security", "secret", CWE_HARDCODED_CREDENTIALS],
            secret_rule_uri(&first.rule_id),
        ),
    };
    properties.insert("tags".into(), json!(tags));
    let score = match first.kind {
        // A dependency's score is its advisory's CVSS base score or nothing:
        // a label such as "HIGH" is not turned into a number.
        FindingKind::Vulnerability => cvss.map(|s| format!("{s:.1}")),
        // Licences are not security findings (no `security` tag either).
        FindingKind::License => None,
        FindingKind::Secret | FindingKind::Policy => security_severity(worst, None),
    };
    if let Some(score) = score {
        properties.insert("security-severity".into(), json!(score));
    }

    let help = help_text(first);
    // GitHub shows `help.markdown` under the alert; link the advisory there.
    let markdown = match &help_uri {
        Some(uri) if first.kind == FindingKind::Vulnerability => {
            format!("{help}\n\nAdvisory: [{}]({uri})", first.rule_id)
        }
        Some(uri) => format!("{help}\n\nReference: [{}]({uri})", first.rule_id),
        None => help.clone(),
    };
    let mut rule = json!({
        "id": first.rule_id,
        "shortDescription": { "text": first.title },
        "fullDescription": { "text": full },
        "help": { "text": help, "markdown": markdown },
        "defaultConfiguration": { "level": level(worst, first.kind) },
        "properties": properties,
    });
    if let (Some(uri), Some(obj)) = (help_uri, rule.as_object_mut()) {
        obj.insert("helpUri".into(), json!(uri));
    }
    rule
}

/// Where the tool is documented: the package's homepage or repository from
/// `Cargo.toml`, else the repository URL the binary was built from
/// (`LEAKGATE_REPOSITORY_URL` at build time, which the release workflow and
/// the GitHub Action's `cargo install` fallback set). `None` when neither is
/// known: SARIF wants an absolute URI, and none is made up.
fn tool_home() -> Option<&'static str> {
    information_uri().or(option_env!("LEAKGATE_REPOSITORY_URL").filter(|u| !u.is_empty()))
}

/// A vulnerability rule's page: the advisory's own URL, else its record on
/// osv.dev (every id leakgate reports comes from an OSV record).
fn advisory_uri(v: &crate::finding::VulnerabilityInfo) -> String {
    match &v.url {
        Some(url) if !url.is_empty() => url.clone(),
        _ => format!(
            "https://osv.dev/vulnerability/{}",
            utf8_percent_encode(&v.id, PATH_KEEP)
        ),
    }
}

/// A secret rule's page: the provider documentation the built-in rule was
/// written from, else the rule catalogue (`docs/RULES.md`, which lists every
/// built-in rule) at this version in the tool's repository, when that is
/// known. User rules (an id no built-in rule has) get none.
fn secret_rule_uri(rule_id: &str) -> Option<String> {
    let builtin = crate::rules::builtin::RULES
        .iter()
        .find(|r| r.id == rule_id)?;
    if let Some(reference) = builtin.references.first() {
        return Some((*reference).to_string());
    }
    let home = tool_home()?.trim_end_matches('/');
    Some(format!(
        "{home}/blob/v{}/docs/RULES.md",
        env!("CARGO_PKG_VERSION")
    ))
}

/// GitHub's `security-severity`: the CVSS base score when there is one, else
/// a representative score inside the bucket of the severity (critical 9.5,
/// high 8.0, medium 5.5, low 3.0). None for info and unknown severities,
/// which GitHub then ranks by `level` alone.
fn security_severity(severity: Severity, cvss: Option<f64>) -> Option<String> {
    if let Some(score) = cvss {
        return Some(format!("{score:.1}"));
    }
    let score = match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info | Severity::Unknown => return None,
    };
    Some(score.to_string())
}

/// SARIF level. An unscored vulnerability is still a known vulnerability,
/// hence `warning`, where an unknown-severity secret rule stays a `note`.
fn level(severity: Severity, kind: FindingKind) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Unknown if kind == FindingKind::Vulnerability => "warning",
        Severity::Low | Severity::Info | Severity::Unknown => "note",
    }
}

fn help_text(f: &Finding) -> String {
    if !f.help.is_empty() {
        return f.help.to_string();
    }
    match &f.vulnerability {
        Some(v) => match &v.suggested_fix {
            Some(fix) => format!("Upgrade {} to {fix} or later.", v.package.name),
            None => format!(
                "No fixed version of {} is published; assess the advisory and consider replacing the package.",
                v.package.name
            ),
        },
        None => "Revoke or rotate the secret at its provider, then remove it from the code and from the git history.".to_string(),
    }
}

/// One result.
fn result(f: &Finding, rule_index: usize) -> Value {
    let loc = &f.location;
    let mut physical = Map::new();
    physical.insert("artifactLocation".into(), artifact(&loc.path));
    if loc.line > 0 {
        let mut region = Map::new();
        region.insert("startLine".into(), json!(loc.line));
        if loc.column > 0 {
            region.insert("startColumn".into(), json!(loc.column));
        }
        region.insert(
            "endLine".into(),
            json!(loc.end_line.unwrap_or(loc.line).max(loc.line)),
        );
        physical.insert("region".into(), Value::Object(region));
    }
    json!({
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": level(f.severity, f.kind),
        "message": { "text": message(f) },
        "locations": [{ "physicalLocation": physical }],
        "partialFingerprints": { FINGERPRINT_KEY: f.fingerprint },
        "properties": properties(f),
    })
}

fn message(f: &Finding) -> String {
    let loc = &f.location;
    let mut text = match (&f.secret, &f.vulnerability) {
        (_, Some(v)) => {
            let mut t = format!(
                "{}@{} is affected by {}",
                v.package.name, v.package.version, f.rule_id
            );
            if !v.aliases.is_empty() {
                t.push_str(&format!(" ({})", v.aliases.join(", ")));
            }
            t.push_str(&format!(": {}.", f.title.trim_end_matches('.')));
            match &v.suggested_fix {
                Some(fix) => t.push_str(&format!(" Upgrade to {fix}.")),
                None => t.push_str(" No fixed version is published."),
            }
            t
        }
        (Some(s), None) => format!("{} found: {}", f.title, shown_secret(s)),
        (None, None) => format!("{} found", f.title),
    };
    if let Some(commit) = &loc.commit {
        text.push_str(&format!(" (commit {}", short_id(commit)));
        if let Some(author) = &loc.author {
            text.push_str(&format!(" by {author}"));
        }
        text.push(')');
    }
    text
}

/// Result properties: git attribution for secrets, package details for
/// vulnerabilities.
fn properties(f: &Finding) -> Value {
    let loc = &f.location;
    let mut p = Map::new();
    p.insert("kind".into(), json!(f.kind));
    p.insert("severity".into(), json!(f.severity));
    if let Some(s) = &f.secret {
        p.insert("secret".into(), json!(shown_secret(s)));
        p.insert("entropy".into(), json!(s.entropy));
        if let Some(c) = s.confidence {
            p.insert("confidence".into(), json!(c));
        }
    }
    let git = [
        ("commit", &loc.commit),
        ("author", &loc.author),
        ("email", &loc.email),
        ("date", &loc.date),
        ("commitMessage", &loc.message),
    ];
    for (key, value) in git {
        if let Some(v) = value {
            p.insert(key.into(), json!(v));
        }
    }
    if !loc.other_commits.is_empty() {
        p.insert("otherCommits".into(), json!(loc.other_commits));
    }
    if let Some(v) = &f.vulnerability {
        p.insert("advisory".into(), json!(v.id));
        p.insert("aliases".into(), json!(v.aliases));
        p.insert("ecosystem".into(), json!(v.package.ecosystem));
        p.insert("package".into(), json!(v.package.name));
        p.insert("version".into(), json!(v.package.version));
        if let Some(purl) = &v.package.purl {
            p.insert("purl".into(), json!(purl));
        }
        p.insert("fixed".into(), json!(v.fixed_versions));
        if let Some(fix) = &v.suggested_fix {
            p.insert("suggestedFix".into(), json!(fix));
        }
        if let Some(vector) = &v.cvss_vector {
            p.insert("cvssVector".into(), json!(vector));
        }
        if let Some(score) = v.cvss_score {
            p.insert("cvssScore".into(), json!(score));
        }
        p.insert("dev".into(), json!(v.dev));
    }
    Value::Object(p)
}

/// An `artifactLocation`: relative paths against `%SRCROOT%`, absolute ones
/// (a scan of an explicit absolute path) as `file://` URIs.
fn artifact(path: &str) -> Value {
    let b = path.as_bytes();
    let windows_drive = b.len() >= 2
        && b[0].is_ascii_alphabetic()
        && b[1] == b':'
        && (b.len() == 2 || matches!(b[2], b'/' | b'\\'));
    if path.starts_with('/') || windows_drive {
        let sep = if windows_drive { "/" } else { "" };
        let (drive, rest) = if windows_drive {
            path.split_at(2)
        } else {
            ("", path)
        };
        let uri = format!(
            "file://{sep}{drive}{}",
            utf8_percent_encode(&rest.replace('\\', "/"), PATH_KEEP)
        );
        json!({ "uri": uri })
    } else {
        let uri = utf8_percent_encode(path, PATH_KEEP).to_string();
        json!({ "uri": uri, "uriBaseId": SRCROOT })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_streamed_log_is_the_whole_value() {
        let report = super::super::stream::sample_report();
        let mut out = Vec::new();
        write(&report, &mut out).unwrap();
        let whole = serde_json::to_string_pretty(&log(&report)).unwrap() + "\n";
        assert_eq!(String::from_utf8(out).unwrap(), whole);
        assert_eq!(
            log(&report)["runs"][0]["results"].as_array().unwrap().len(),
            4
        );
    }

    #[test]
    fn uris_are_relative_and_percent_encoded() {
        assert_eq!(
            artifact("src/a b/ü%.rs"),
            json!({ "uri": "src/a%20b/%C3%BC%25.rs", "uriBaseId": "%SRCROOT%" })
        );
        assert_eq!(
            artifact("a:b/c#d?e"),
            json!({ "uri": "a%3Ab/c%23d%3Fe", "uriBaseId": "%SRCROOT%" })
        );
        assert_eq!(artifact("/tmp/x y"), json!({ "uri": "file:///tmp/x%20y" }));
        assert_eq!(
            artifact("C:\\work\\k.env"),
            json!({ "uri": "file:///C:/work/k.env" })
        );
    }

    #[test]
    fn security_severity_follows_github_buckets() {
        assert_eq!(
            security_severity(Severity::Critical, None).as_deref(),
            Some("9.5")
        );
        assert_eq!(
            security_severity(Severity::High, None).as_deref(),
            Some("8.0")
        );
        assert_eq!(
            security_severity(Severity::Medium, None).as_deref(),
            Some("5.5")
        );
        assert_eq!(
            security_severity(Severity::Low, None).as_deref(),
            Some("3.0")
        );
        assert_eq!(security_severity(Severity::Info, None), None);
        assert_eq!(
            security_severity(Severity::Low, Some(7.45)).as_deref(),
            Some("7.5")
        );
    }

    #[test]
    fn levels() {
        assert_eq!(level(Severity::High, FindingKind::Secret), "error");
        assert_eq!(level(Severity::Medium, FindingKind::Secret), "warning");
        assert_eq!(level(Severity::Unknown, FindingKind::Secret), "note");
        assert_eq!(
            level(Severity::Unknown, FindingKind::Vulnerability),
            "warning"
        );
    }
}
