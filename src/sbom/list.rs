//! The inventory itself, for people and scripts: `leakgate sbom --list`
//! prints every package with its ecosystem, version (or `unpinned`), whether
//! it is direct and/or dev-only, and the `file:line` of its lockfile entry —
//! as an aligned text table or as a `leakgate/inventory/v1` JSON document
//! with the same `tool` block as the findings reports.
//!
//! Both orders are by lockfile, then line, then name, so output is stable.

use crate::escape;
use crate::inventory::Package;
use crate::report::Tool;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::io::{self, Write};

/// Schema id of the JSON listing.
pub const SCHEMA: &str = "leakgate/inventory/v1";

/// Summary counts of an inventory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Totals {
    /// Packages listed.
    pub packages: usize,
    /// Distinct lockfiles (or SBOM files) they come from.
    pub lockfiles: usize,
    /// Packages declared directly.
    pub direct: usize,
    /// Development-only packages.
    pub dev: usize,
    /// Packages without an exact version.
    pub unpinned: usize,
}

impl Totals {
    /// Counts `packages`.
    pub fn of(packages: &[Package]) -> Totals {
        let files: BTreeSet<&str> = packages.iter().map(|p| p.location.file.as_str()).collect();
        Totals {
            packages: packages.len(),
            lockfiles: files.len(),
            direct: packages.iter().filter(|p| p.direct).count(),
            dev: packages.iter().filter(|p| p.dev).count(),
            unpinned: packages.iter().filter(|p| p.version.is_none()).count(),
        }
    }
}

/// The packages in listing order.
fn sorted(packages: &[Package]) -> Vec<&Package> {
    let mut v: Vec<&Package> = packages.iter().collect();
    v.sort_by(|a, b| {
        (&a.location.file, a.location.line, &a.name, &a.version).cmp(&(
            &b.location.file,
            b.location.line,
            &b.name,
            &b.version,
        ))
    });
    v
}

/// `direct`, `direct, dev`, `dev` or `transitive`.
fn scope(p: &Package) -> &'static str {
    match (p.direct, p.dev) {
        (true, false) => "direct",
        (true, true) => "direct, dev",
        (false, true) => "dev",
        (false, false) => "transitive",
    }
}

/// The five cells of a package's row, escaped: names, versions and paths
/// come from the scanned tree, so a package name cannot drive the terminal.
fn cells(p: &Package) -> [Cow<'_, str>; 5] {
    [
        Cow::Borrowed(p.ecosystem.osv_name()),
        escape::text(&p.name),
        p.version
            .as_deref()
            .map_or(Cow::Borrowed("unpinned"), escape::text),
        Cow::Borrowed(scope(p)),
        Cow::Owned(format!(
            "{}:{}",
            escape::text(&p.location.file),
            p.location.line
        )),
    ]
}

/// Writes the aligned text table and a one-line summary.
///
/// Two passes over the packages (column widths, then rows), each row
/// built in one reused buffer: a 1M-package listing holds no table.
pub fn write_text(packages: &[Package], mut out: impl Write) -> io::Result<()> {
    let rows = sorted(packages);
    let header = ["ECOSYSTEM", "NAME", "VERSION", "SCOPE", "LOCATION"];
    let mut widths = header.map(str::len);
    for p in &rows {
        for (w, cell) in widths.iter_mut().zip(cells(p)) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut s = String::new();
    let mut line = |cells: [&str; 5]| -> io::Result<()> {
        s.clear();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                s.push_str(cell);
            } else {
                // As `format!("{cell:<w$}  ")`: padded to `w` characters.
                s.push_str(cell);
                let pad = w.saturating_sub(cell.chars().count());
                s.extend(std::iter::repeat_n(' ', pad + 2));
            }
        }
        let kept = s.trim_end().len();
        s.truncate(kept);
        s.push('\n');
        out.write_all(s.as_bytes())
    };
    line(header)?;
    for p in &rows {
        let [a, b, c, d, e] = cells(p);
        line([&a, &b, &c, &d, &e])?;
    }
    let t = Totals::of(packages);
    writeln!(
        out,
        "\n{} package{} in {} file{}: {} direct, {} dev, {} unpinned",
        t.packages,
        if t.packages == 1 { "" } else { "s" },
        t.lockfiles,
        if t.lockfiles == 1 { "" } else { "s" },
        t.direct,
        t.dev,
        t.unpinned
    )
}

/// Writes the `leakgate/inventory/v1` JSON document: `schema`, `tool`,
/// `target`, `totals` and the full [`Package`] records (pretty-printed).
pub fn write_json(packages: &[Package], target: &str, mut out: impl Write) -> io::Result<()> {
    #[derive(Serialize)]
    struct Listing<'a> {
        schema: &'static str,
        tool: Tool,
        target: &'a str,
        totals: Totals,
        packages: Vec<&'a Package>,
    }
    let listing = Listing {
        schema: SCHEMA,
        tool: Tool::default(),
        target,
        totals: Totals::of(packages),
        packages: sorted(packages),
    };
    serde_json::to_writer_pretty(&mut out, &listing).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::Ecosystem;
    use crate::sbom::graph::tests::pkg;

    fn sample() -> Vec<Package> {
        let mut serde = pkg(
            Ecosystem::CratesIo,
            "serde",
            Some("1.0.200"),
            "Cargo.lock",
            &[],
        );
        serde.location.line = 12;
        serde.direct = true;
        let mut itoa = pkg(
            Ecosystem::CratesIo,
            "itoa",
            Some("1.0.11"),
            "Cargo.lock",
            &[],
        );
        itoa.location.line = 4;
        let mut pytest = pkg(Ecosystem::PyPI, "pytest", None, "requirements-dev.txt", &[]);
        pytest.location.line = 3;
        pytest.direct = true;
        pytest.dev = true;
        vec![serde, pytest, itoa]
    }

    #[test]
    fn text_table_escapes_terminal_controls() {
        let mut packages = sample();
        packages[0].name = "evil\x1b]0;pwned\x07".into();
        let mut out = Vec::new();
        write_text(&packages, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text}");
        assert!(text.contains("evil\\x1b]0;pwned\\x07"), "{text}");
    }

    #[test]
    fn text_table_is_aligned_sorted_and_summarised() {
        let mut out = Vec::new();
        write_text(&sample(), &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\
ECOSYSTEM  NAME    VERSION   SCOPE        LOCATION
crates.io  itoa    1.0.11    transitive   Cargo.lock:4
crates.io  serde   1.0.200   direct       Cargo.lock:12
PyPI       pytest  unpinned  direct, dev  requirements-dev.txt:3

3 packages in 2 files: 2 direct, 1 dev, 1 unpinned
"
        );
    }

    #[test]
    fn json_listing_carries_schema_totals_and_packages() {
        let mut out = Vec::new();
        write_json(&sample(), "demo", &mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["schema"], SCHEMA);
        assert_eq!(v["tool"]["name"], "leakgate");
        assert_eq!(v["target"], "demo");
        assert_eq!(v["totals"]["packages"], 3);
        assert_eq!(v["totals"]["unpinned"], 1);
        assert_eq!(v["packages"][0]["name"], "itoa");
        assert_eq!(v["packages"][0]["ecosystem"], "crates.io");
        assert_eq!(v["packages"][2]["version"], serde_json::Value::Null);
        assert_eq!(v["packages"][2]["location"]["line"], 3);
    }
}
