//! CSV: one row per finding, for spreadsheets and ad-hoc triage.
//!
//! Written by hand rather than with the `csv` crate: the format here is one
//! fixed header and a dozen string cells, and the two rules that matter —
//! RFC 4180 quoting and neutralising spreadsheet formulas — are a few lines
//! each and need care the crate does not provide anyway (it has no formula
//! protection). Rows end in CRLF as RFC 4180 specifies.
//!
//! Formula injection: a cell that starts with `=`, `+`, `-`, `@`, a tab or a
//! carriage return is executed by Excel, LibreOffice and Google Sheets when
//! the file is opened. File paths, commit authors and messages are attacker
//! controlled, so such cells get a leading `'` (OWASP's recommendation),
//! which spreadsheets display as text. This applies to the stdin path `-`
//! too, which reads `'-`.

use super::{shown_secret, Report};
use crate::finding::{Finding, FindingKind, SharedStr};
use std::borrow::Cow;
use std::io::{self, Write};

/// The columns, in order.
const HEADER: [&str; 16] = [
    "kind",
    "rule_id",
    "severity",
    "path",
    "line",
    "column",
    "commit",
    "author",
    "date",
    "secret",
    "package",
    "version",
    "fixed",
    "fingerprint",
    "title",
    "confidence",
];

/// Writes the header and one row per finding.
pub(super) fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    write_row(out, &HEADER.map(Cow::Borrowed))?;
    for finding in &report.findings {
        write_row(out, &row(finding))?;
    }
    Ok(())
}

/// The cells of one finding. `fixed` is the suggested upgrade when there is
/// one, else every fixed version the advisory lists, `; `-separated.
fn row(f: &Finding) -> [Cow<'_, str>; 16] {
    let loc = &f.location;
    let opt = |v: &Option<SharedStr>| Cow::Owned(v.as_deref().unwrap_or_default().to_string());
    let secret = f
        .secret
        .as_ref()
        .map(|s| Cow::Borrowed(shown_secret(s)))
        .unwrap_or_default();
    let (package, version, fixed) = match &f.vulnerability {
        Some(v) => (
            Cow::Borrowed(v.package.name.as_str()),
            Cow::Borrowed(v.package.version.as_str()),
            match &v.suggested_fix {
                Some(fix) => Cow::Borrowed(fix.as_str()),
                None => Cow::Owned(v.fixed_versions.join("; ")),
            },
        ),
        None => (Cow::default(), Cow::default(), Cow::default()),
    };
    let kind = match f.kind {
        FindingKind::Secret => "secret",
        FindingKind::Vulnerability => "vulnerability",
        FindingKind::License => "license",
        FindingKind::Policy => "policy",
    };
    [
        Cow::Borrowed(kind),
        Cow::Borrowed(f.rule_id.as_str()),
        Cow::Borrowed(f.severity.as_str()),
        Cow::Borrowed(loc.path.as_str()),
        Cow::Owned(loc.line.to_string()),
        Cow::Owned(loc.column.to_string()),
        opt(&loc.commit),
        opt(&loc.author),
        opt(&loc.date),
        secret,
        package,
        version,
        fixed,
        Cow::Borrowed(f.fingerprint.as_str()),
        Cow::Borrowed(f.title.as_str()),
        Cow::Borrowed(
            f.secret
                .as_ref()
                .and_then(|s| s.confidence)
                .map_or("", |c| c.as_str()),
        ),
    ]
}

fn write_row(out: &mut dyn Write, cells: &[Cow<'_, str>]) -> io::Result<()> {
    let line: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    write!(out, "{}\r\n", line.join(","))
}

/// One cell: formula-neutralised, then quoted if it holds a comma, quote,
/// CR or LF (quotes doubled), per RFC 4180.
fn cell(value: &str) -> String {
    // Control characters (ESC, BEL, C1, bidi overrides) from scanned data
    // are written as visible escapes; newlines, CR and tab stay (quoted).
    let unsafe_char = |c: char| {
        !matches!(c, '\n' | '\r' | '\t')
            && matches!(
                crate::escape::text(c.encode_utf8(&mut [0; 4])),
                Cow::Owned(_)
            )
    };
    let visible: Cow<'_, str> = if value.chars().any(unsafe_char) {
        let mut out = String::with_capacity(value.len() + 8);
        for c in value.chars() {
            match c {
                '\n' | '\r' | '\t' => out.push(c),
                c => out.push_str(&crate::escape::text(c.encode_utf8(&mut [0; 4]))),
            }
        }
        Cow::Owned(out)
    } else {
        Cow::Borrowed(value)
    };
    let value = visible.as_ref();
    let value: Cow<'_, str> = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    };
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_cells_are_untouched() {
        assert_eq!(cell("src/main.rs"), "src/main.rs");
        assert_eq!(cell(""), "");
        assert_eq!(cell("a'b"), "a'b");
    }

    #[test]
    fn quoting_follows_rfc_4180() {
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("cr\rhere"), "\"cr\rhere\"");
    }

    #[test]
    fn formulas_are_neutralised_before_quoting() {
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("+cmd"), "'+cmd");
        assert_eq!(cell("-"), "'-");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("\rx"), "\"'\rx\"");
        assert_eq!(
            cell("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        assert_eq!(cell("a=b"), "a=b");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            cell("a\x1b]8;;http://evil\x07b"),
            "a\\x1b]8;;http://evil\\x07b"
        );
        assert_eq!(cell("x\u{202e}y\u{9b}"), "x\\u{202e}y\\u{9b}");
        assert_eq!(cell("keep\ttab"), "keep\ttab");
    }

    #[test]
    fn empty_report_is_just_the_header() {
        let mut out = Vec::new();
        write(&Report::new("secrets", "."), &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "kind,rule_id,severity,path,line,column,commit,author,date,secret,package,version,fixed,fingerprint,title,confidence\r\n"
        );
    }
}
