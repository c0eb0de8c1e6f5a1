//! JUnit XML, so CI systems that only understand test results (GitLab's
//! test report widget, Jenkins, Azure Pipelines) show findings as failed tests.
//!
//! One `<testsuite>` for the scan; each finding is a `<testcase>` whose
//! `<failure>` carries the same block the text format prints; each input that
//! could not be read is a test case with an `<error>`. A clean scan is one
//! passing test case, so the pipeline shows a green test rather than an
//! empty, ambiguous suite.
//!
//! The XML is written by hand: the document has a fixed, shallow shape and
//! the only difficulty is escaping, done here for both text and attribute
//! contexts. Characters XML 1.0 cannot carry at all (most C0 controls,
//! U+FFFE, U+FFFF) are dropped, since no escape makes them legal.

use super::text::{finding_block, position, short_id, Paint};
use super::{summary, Report};
use crate::finding::Finding;
use std::io::{self, Write};

/// Writes the report as a JUnit `<testsuites>` document.
pub(super) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let scan = &report.scan;
    let failures = report.findings.len();
    let errors = scan.errors.len();
    let tests = (failures + errors).max(1);
    let time = format!("{:.3}", scan.duration_ms as f64 / 1000.0);
    let suite = format!("leakgate {}", scan.command);

    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="leakgate" tests="{tests}" failures="{failures}" errors="{errors}" time="{time}">"#
    )?;
    writeln!(
        out,
        r#"  <testsuite name="{}" tests="{tests}" failures="{failures}" errors="{errors}" skipped="0" time="{time}">"#,
        attr(&suite)
    )?;
    writeln!(out, "    <properties>")?;
    writeln!(
        out,
        r#"      <property name="target" value="{}"/>"#,
        attr(&scan.target)
    )?;
    writeln!(
        out,
        r#"      <property name="tool" value="{} {}"/>"#,
        attr(&report.tool.name),
        attr(&report.tool.version)
    )?;
    writeln!(out, "    </properties>")?;

    for finding in &report.findings {
        write_failure(finding, out)?;
    }
    for problem in &scan.errors {
        writeln!(
            out,
            r#"    <testcase classname="leakgate" name="{}" file="{}">"#,
            attr(&format!("cannot scan {}", problem.path)),
            attr(&problem.path)
        )?;
        writeln!(
            out,
            r#"      <error type="error" message="{}">{}</error>"#,
            attr(&problem.message),
            text(&format!("{}: {}", problem.path, problem.message))
        )?;
        writeln!(out, "    </testcase>")?;
    }
    if failures == 0 && errors == 0 {
        writeln!(
            out,
            r#"    <testcase classname="leakgate" name="{}" time="{time}"/>"#,
            attr(&summary::head(report))
        )?;
    }

    let mut system_out: Vec<String> = scan
        .warnings
        .iter()
        .map(|w| format!("warning: {w}"))
        .collect();
    system_out.push(summary::line(report));
    writeln!(
        out,
        "    <system-out>{}</system-out>",
        text(&system_out.join("\n"))
    )?;
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

/// A finding as a failed test case: class = rule or advisory id, name = where
/// (with the commit for git findings, so names stay unique across commits).
fn write_failure(finding: &Finding, out: &mut dyn Write) -> io::Result<()> {
    let loc = &finding.location;
    let mut name = position(loc);
    if let Some(commit) = &loc.commit {
        name.push_str(&format!(" @ {}", short_id(commit)));
    }
    let line = if loc.line > 0 {
        format!(r#" line="{}""#, loc.line)
    } else {
        String::new()
    };
    writeln!(
        out,
        r#"    <testcase classname="{}" name="{}" file="{}"{line} time="0">"#,
        attr(&finding.rule_id),
        attr(&name),
        attr(&loc.path)
    )?;
    writeln!(
        out,
        r#"      <failure type="{}" message="{}">{}</failure>"#,
        finding.severity,
        attr(&finding.title),
        text(&finding_block(finding, Paint(false)))
    )?;
    writeln!(out, "    </testcase>")
}

/// Whether XML 1.0 can carry `c` at all (its `Char` production).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes character data: `&`, `<`, `>` (the latter for `]]>`).
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|&c| xml_char(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes an attribute value (double-quoted). Tabs and line breaks become
/// character references, since parsers normalise literal ones to spaces.
fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|&c| xml_char(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_escape_markup_quotes_and_whitespace() {
        assert_eq!(
            attr("a<b>&\"c'\t\n\r"),
            "a&lt;b&gt;&amp;&quot;c&apos;&#9;&#10;&#13;"
        );
    }

    #[test]
    fn text_escapes_markup_and_drops_illegal_characters() {
        assert_eq!(text("x]]>y & <z>"), "x]]&gt;y &amp; &lt;z&gt;");
        assert_eq!(text("bell\u{7}esc\u{1b}nul\u{0}\u{FFFE}ok"), "bellescnulok");
        assert_eq!(text("tab\tnl\ncr\r"), "tab\tnl\ncr\r");
        assert_eq!(text("é😀"), "é😀");
    }

    #[test]
    fn clean_scan_is_one_passing_test() {
        let mut report = Report::new("secrets", "repo & co");
        report.scan.stats.set("files_scanned", 4);
        report.scan.duration_ms = 1500;
        let mut out = Vec::new();
        write(&report, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
                 <testsuites name=\"leakgate\" tests=\"1\" failures=\"0\" errors=\"0\" time=\"1.500\">\n\
                 \x20 <testsuite name=\"leakgate secrets\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"1.500\">\n\
                 \x20   <properties>\n\
                 \x20     <property name=\"target\" value=\"repo &amp; co\"/>\n\
                 \x20     <property name=\"tool\" value=\"leakgate {v}\"/>\n\
                 \x20   </properties>\n\
                 \x20   <testcase classname=\"leakgate\" name=\"No secrets found\" time=\"1.500\"/>\n\
                 \x20   <system-out>No secrets found · 4 files scanned · 1.50 s</system-out>\n\
                 \x20 </testsuite>\n\
                 </testsuites>\n",
                v = env!("CARGO_PKG_VERSION")
            )
        );
    }
}
