//! Every report format, rendered from reports built in code: secret findings
//! (directory and git-attributed) and vulnerability findings, separately and
//! mixed. Checks the formats' contracts (schema validity, quoting, escaping,
//! required fields) and that no format ever leaks a redacted secret.

#[path = "fixtures/report/findings.rs"]
mod findings;

use findings::*;
use leakgate::report::{self, Format, Report};
use serde_json::Value;

#[test]
fn json_round_trips() {
    let report = mixed_report();
    let back: Report = serde_json::from_str(&render(&report, Format::Json, false)).unwrap();
    assert_eq!(back, report);
}

#[test]
fn jsonl_lines_are_exactly_the_findings_array() {
    let report = mixed_report();
    let doc = json(&report, Format::Json);
    let lines: Vec<Value> = render(&report, Format::Jsonl, false)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(Value::Array(lines), doc["findings"]);
}

#[test]
fn text_report_is_exact_without_colour() {
    let text = render(&mixed_report(), Format::Text, false);
    assert!(!text.contains('\x1b'));
    let expected = "\
HIGH github-pat: GitHub personal access token
  src/config.rs:12:9
  secret      ghp_…  (entropy 4.72)
  help        Revoke the token at the provider, then remove it from history.
  fingerprint FP1

MEDIUM aws-access-key-id: AWS access key ID
  deploy/env.sh:3:19
  secret      AKIA…  (entropy 3.90)
  commit      9f3c2a1b  Jane Doe <jane@example.com>  2024-05-01T10:00:00+00:00
  message     Add deploy script
  fingerprint FP2

HIGH GHSA-c2qf-rxjj-qqgw: semver vulnerable to Regular Expression Denial of Service
  package-lock.json:1042
  package     semver@7.5.1 (npm)
  aliases     CVE-2022-25883
  fix         upgrade to 7.5.2 (fixed in 5.7.2, 6.3.1, 7.5.2)
  cvss        7.5 CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H
  url         https://github.com/advisories/GHSA-c2qf-rxjj-qqgw
  fingerprint FP3

error: secret/locked.txt: permission denied
warning: 1 stale entry in .leakgateignore
3 findings (2 high, 1 medium) · 1,204 files scanned · 14.2 MiB · 2 skipped (2 binary) · 1 unreadable · 0.31 s
"
    .replace("FP1", &secret_finding().fingerprint)
    .replace("FP2", &git_finding().fingerprint)
    .replace("FP3", &vuln_finding().fingerprint);
    assert_eq!(text, expected);
}

#[test]
fn text_summary_lines_for_clean_scans() {
    let mut empty = Report::new("secrets", ".");
    empty.scan.stats.set("files_scanned", 0);
    assert_eq!(
        render(&empty, Format::Text, false),
        "No secrets found · 0 files scanned · 0.00 s\n"
    );
    let mut deps = deps_report();
    deps.findings.clear();
    assert_eq!(
        render(&deps, Format::Text, false),
        "No vulnerabilities found · 1 lockfile · 311 packages · 0.04 s\n"
    );
}

#[test]
fn text_colours_only_when_asked() {
    let coloured = render(&mixed_report(), Format::Text, true);
    assert!(coloured.contains("\x1b[1;31mHIGH\x1b[0m"));
    assert!(coloured.contains("\x1b[1;33mwarning:\x1b[0m"));
    assert!(
        coloured.contains("\x1b[1;31m3 findings (2 high, 1 medium)\x1b[0m · 1,204 files scanned")
    );
}

#[test]
fn summary_only_form_has_problems_and_totals() {
    let mut out = Vec::new();
    report::write_summary(&mixed_report(), &opts(false), &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "error: secret/locked.txt: permission denied\n\
         warning: 1 stale entry in .leakgateignore\n\
         3 findings (2 high, 1 medium) · 1,204 files scanned · 14.2 MiB · 2 skipped (2 binary) · 1 unreadable · 0.31 s\n"
    );
}

#[test]
fn csv_rows_are_quoted_and_formula_safe() {
    let mut hostile = git_finding();
    hostile.location.path = "ops/a,\"b\".env".into();
    hostile.location.author = Some("=HYPERLINK(\"http://evil\",\"x\")".into());
    hostile.title = "multi\nline".into();
    let mut report = secrets_report();
    report.findings = vec![hostile, vuln_finding()];
    let csv = render(&report, Format::Csv, false);
    let rows: Vec<&str> = csv.split_inclusive("\r\n").collect();
    assert_eq!(rows.len(), 3, "{csv}");
    assert_eq!(
        rows[0],
        "kind,rule_id,severity,path,line,column,commit,author,date,secret,package,version,fixed,fingerprint,title,confidence\r\n"
    );
    assert_eq!(
        rows[1],
        format!(
            "secret,aws-access-key-id,medium,\"ops/a,\"\"b\"\".env\",3,19,\
             9f3c2a1b7e6d5c4b3a291807f6e5d4c3b2a19087,\
             \"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",\
             2024-05-01T10:00:00+00:00,AKIA…,,,,{},\"multi\nline\",\r\n",
            git_finding().fingerprint
        )
    );
    assert_eq!(
        rows[2],
        format!(
            "vulnerability,GHSA-c2qf-rxjj-qqgw,high,package-lock.json,1042,0,,,,,semver,7.5.1,7.5.2,{},\
             semver vulnerable to Regular Expression Denial of Service,\r\n",
            vuln_finding().fingerprint
        )
    );
}

#[test]
fn junit_escapes_markup_and_drops_control_characters() {
    let mut nasty = secret_finding();
    nasty.rule_id = "rule<&\"'>".into();
    nasty.title = "Title <b>&\"quoted\" 'single'\u{1b}[31m\u{0}".into();
    nasty.location.path = "a&b.txt".into();
    let mut report = Report::new("secrets", ".");
    report.findings = vec![nasty.clone()];
    let xml = render(&report, Format::Junit, false);
    assert!(xml.starts_with(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <testsuites name=\"leakgate\" tests=\"1\" failures=\"1\" errors=\"0\" time=\"0.000\">\n"
    ));
    assert!(xml.contains(
        "    <testcase classname=\"rule&lt;&amp;&quot;&apos;&gt;\" name=\"a&amp;b.txt:12:9\" file=\"a&amp;b.txt\" line=\"12\" time=\"0\">\n\
         \x20     <failure type=\"high\" message=\"Title &lt;b&gt;&amp;&quot;quoted&quot; &apos;single&apos;[31m\">"
    ), "{xml}");
    // The failure body is the text block; the terminal escape is shown escaped
    // there (as text), never as a raw control character.
    assert!(
        xml.contains(
            "HIGH rule&lt;&amp;\"'&gt;: Title &lt;b&gt;&amp;\"quoted\" 'single'\\u{1b}[31m\\u{0}\n"
        ),
        "{xml}"
    );
    assert!(!xml.chars().any(|c| c.is_control() && c != '\n'));
    assert!(xml.ends_with("  </testsuite>\n</testsuites>\n"));
}

#[test]
fn junit_reports_unreadable_inputs_as_errors() {
    let xml = render(&secrets_report(), Format::Junit, false);
    assert!(xml.contains(
        "<testsuites name=\"leakgate\" tests=\"3\" failures=\"2\" errors=\"1\" time=\"0.310\">"
    ));
    assert!(xml.contains(
        "    <testcase classname=\"leakgate\" name=\"cannot scan secret/locked.txt\" file=\"secret/locked.txt\">\n\
         \x20     <error type=\"error\" message=\"permission denied\">secret/locked.txt: permission denied</error>\n\
         \x20   </testcase>\n"
    ));
    assert!(xml.contains("name=\"deploy/env.sh:3:19 @ 9f3c2a1b\""));
}

#[test]
fn redacted_secrets_never_appear_in_any_format() {
    for report in [secrets_report(), mixed_report()] {
        for format in ALL_FORMATS {
            for color in [false, true] {
                let out = render(&report, format, color);
                for secret in [SECRET, GIT_SECRET] {
                    assert!(!out.contains(secret), "{format:?} leaked {secret}");
                    // Nor its tail, where a partial leak would show.
                    assert!(!out.contains(&secret[secret.len() - 8..]), "{format:?}");
                }
            }
        }
        let mut summary = Vec::new();
        report::write_summary(&report, &opts(true), &mut summary).unwrap();
        assert!(!String::from_utf8(summary).unwrap().contains(SECRET));
    }
}

#[test]
fn no_redact_shows_the_value_everywhere_a_secret_is_shown() {
    let mut report = Report::new("secrets", ".");
    let mut finding = secret_finding();
    if let Some(s) = finding.secret.as_mut() {
        s.value = Some(SECRET.to_string());
    }
    report.findings = vec![finding];
    for format in ALL_FORMATS {
        assert!(
            render(&report, format, false).contains(SECRET),
            "{format:?} hides a value the user asked to see"
        );
    }
}

#[test]
fn output_is_deterministic() {
    let report = mixed_report();
    for format in ALL_FORMATS {
        assert_eq!(
            render(&report, format, false),
            render(&report, format, false)
        );
    }
}
