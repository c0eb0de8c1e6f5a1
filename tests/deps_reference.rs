//! Cross-check against an independent implementation: the expected ids in
//! `tests/fixtures/osv/pypa-reference.txt` were computed over the whole PyPA
//! database with Python's `packaging.version` (PEP 440) and the OSV
//! evaluation algorithm, one line per `name==version`: the name, the count,
//! then the ids. This test loads the same database (from
//! `<crate>/../shared/advisory-data`, else `/work/shared/advisory-data`) and
//! expects the same ids; it is skipped when the data is absent.

use leakgate::inventory::{Ecosystem, Package, SourceLocation};
use leakgate::vuln::ignore::IgnoreList;
use leakgate::vuln::{check, CheckOptions, Database, FailOn};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn pypa_dir() -> Option<PathBuf> {
    [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/advisory-data/pypa-osv-yaml/vulns"),
        PathBuf::from("/work/shared/advisory-data/pypa-osv-yaml/vulns"),
    ]
    .into_iter()
    .find(|p| p.is_dir())
}

#[test]
fn pypi_matches_agree_with_packaging_reference() {
    let Some(dir) = pypa_dir() else {
        eprintln!("skipped: PyPA advisory data not found");
        return;
    };
    let db = Database::load(&[dir]).unwrap();
    assert_eq!(db.stats().records_malformed, 0, "{:?}", db.warnings());
    let reference = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/osv/pypa-reference.txt"),
    )
    .unwrap();
    let options = CheckOptions {
        fail_on: FailOn::Any,
        unscored_pass: false,
        only_fixed: false,
        exclude_dev: false,
        ignores: IgnoreList::default(),
        today: time::macros::date!(2026 - 01 - 01),
    };
    let mut checked = 0;
    for line in reference.lines().filter(|l| !l.trim().is_empty()) {
        let mut fields = line.split_whitespace();
        let spec = fields.next().unwrap();
        let count: usize = fields.next().unwrap().parse().unwrap();
        let want: BTreeSet<String> = fields.map(str::to_string).collect();
        assert_eq!(want.len(), count, "{line}");
        let (name, version) = spec.split_once("==").unwrap();
        let package = Package {
            ecosystem: Ecosystem::PyPI,
            name: name.to_string(),
            version: Some(version.to_string()),
            source_purl: None,
            direct: true,
            dev: false,
            dependencies: Vec::new(),
            location: SourceLocation {
                file: "requirements.txt".into(),
                line: 1,
            },
            hashes: Vec::new(),
            license: None,
        };
        let result = check(&db, &[package], &options);
        // Alias groups fold records together: compare every PYSEC id reported.
        let got: BTreeSet<String> = result
            .matches
            .iter()
            .flat_map(|m| std::iter::once(&m.id).chain(m.aliases.iter()))
            .filter(|id| id.starts_with("PYSEC-"))
            .cloned()
            .collect();
        assert_eq!(got, want, "{spec}");
        checked += 1;
    }
    assert_eq!(checked, 16);
}
