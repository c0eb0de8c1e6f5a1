//! Library-level matching against the real OSV fixture records in
//! `tests/fixtures/osv/`: exact advisory ids per package, alias grouping,
//! severities, suggested fixes, ignores, loading of dirs, zips and bad input.

use leakgate::finding::Severity;
use leakgate::inventory::{Ecosystem, Package, SourceLocation};
use leakgate::vuln::ignore::IgnoreList;
use leakgate::vuln::{check, CheckOptions, Database, DbError, FailOn};
use std::io::Write;
use std::path::{Path, PathBuf};
use time::macros::date;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/osv")
}

fn package(ecosystem: Ecosystem, name: &str, version: Option<&str>, line: u32) -> Package {
    Package {
        ecosystem,
        name: name.to_string(),
        version: version.map(str::to_string),
        source_purl: Some(format!("pkg:{}/{name}", ecosystem.purl_type()).into()),
        direct: true,
        dev: false,
        dependencies: Vec::new(),
        location: SourceLocation {
            file: "lockfile".into(),
            line,
        },
        hashes: Vec::new(),
        license: None,
    }
}

fn options() -> CheckOptions {
    CheckOptions {
        fail_on: FailOn::Any,
        unscored_pass: false,
        only_fixed: false,
        exclude_dev: false,
        ignores: IgnoreList::default(),
        today: date!(2026 - 01 - 15),
    }
}

fn ids_for(db: &Database, p: Package, opts: &CheckOptions) -> Vec<String> {
    let r = check(db, &[p], opts);
    r.matches.iter().map(|m| m.id.clone()).collect()
}

fn load_all() -> Database {
    Database::load(&[fixtures()]).unwrap()
}

#[test]
fn loads_every_fixture_and_skips_withdrawn() {
    let db = load_all();
    let s = db.stats();
    // 10 RustSec + 8 Go + 5 requests + 4 PyYAML + 12 Django + 1 GHSA = 40 files;
    // RUSTSEC-2019-0031 and GO-2022-0617 are withdrawn.
    assert_eq!(s.inputs, 40);
    assert_eq!(s.records_withdrawn, 2);
    assert_eq!(s.advisories_loaded, 38);
    assert_eq!(s.records_malformed, 0);
    assert_eq!(s.per_ecosystem.get(&Ecosystem::CratesIo), Some(&10));
    assert_eq!(s.per_ecosystem.get(&Ecosystem::Go), Some(&7));
    assert_eq!(s.per_ecosystem.get(&Ecosystem::PyPI), Some(&21));
}

#[test]
fn crates_match_exact_ids_with_alias_grouping() {
    let db = load_all();
    let r = check(
        &db,
        &[package(Ecosystem::CratesIo, "smallvec", Some("0.6.9"), 22)],
        &options(),
    );
    let ids: Vec<&str> = r.matches.iter().map(|m| m.id.as_str()).collect();
    // RUSTSEC-2018-0003 is fixed in 0.6.3; GHSA-mm7v-vpv8-xfc3 is folded into
    // RUSTSEC-2019-0009 (same CVE).
    assert_eq!(
        ids,
        [
            "RUSTSEC-2018-0018",
            "RUSTSEC-2019-0009",
            "RUSTSEC-2019-0012",
            "RUSTSEC-2021-0003"
        ]
    );
    let grouped = &r.matches[1];
    assert_eq!(grouped.aliases, ["CVE-2019-15551", "GHSA-mm7v-vpv8-xfc3"]);
    assert_eq!(grouped.severity.severity, Severity::Critical);
    assert_eq!(grouped.severity.score, Some(9.8));
    assert_eq!(grouped.fixed_versions, ["0.6.10"]);
    // 0.6.10 is still inside RUSTSEC-2021-0003; 0.6.14 ends the 0.6 line's
    // advisories (every version from 1.6.1 on is fixed too).
    assert_eq!(grouped.suggested_fix.as_deref(), Some("0.6.14"));
    assert_eq!(
        grouped.url,
        "https://rustsec.org/advisories/RUSTSEC-2019-0009.html"
    );
    // No CVSS and no database_specific severity: unknown.
    assert_eq!(r.matches[0].severity.severity, Severity::Unknown);
    assert_eq!(r.stats.advisories_matched, 4);

    let time = ids_for(
        &db,
        package(Ecosystem::CratesIo, "time", Some("0.1.43"), 1),
        &options(),
    );
    assert_eq!(time, ["RUSTSEC-2020-0071"]);
    let fixed = ids_for(
        &db,
        package(Ecosystem::CratesIo, "smallvec", Some("1.6.1"), 1),
        &options(),
    );
    assert!(fixed.is_empty(), "{fixed:?}");
}

#[test]
fn suggested_fix_is_smallest_fixed_above_installed() {
    let db = load_all();
    let r = check(
        &db,
        &[package(Ecosystem::CratesIo, "smallvec", Some("1.2.0"), 1)],
        &options(),
    );
    assert_eq!(r.matches.len(), 1);
    assert_eq!(r.matches[0].id, "RUSTSEC-2021-0003");
    assert_eq!(r.matches[0].fixed_versions, ["0.6.14", "1.6.1"]);
    assert_eq!(r.matches[0].suggested_fix.as_deref(), Some("1.6.1"));
}

#[test]
fn go_modules_match_with_v_prefix_and_pseudo_versions() {
    let db = load_all();
    let text = ids_for(
        &db,
        package(Ecosystem::Go, "golang.org/x/text", Some("v0.3.5"), 7),
        &options(),
    );
    assert_eq!(text, ["GO-2021-0113", "GO-2022-1059", "GO-2026-5970"]);
    // GO-2023-1737 is introduced at a pseudo-version below 1.6.0.
    let gin = ids_for(
        &db,
        package(Ecosystem::Go, "github.com/gin-gonic/gin", Some("v1.6.0"), 6),
        &options(),
    );
    assert_eq!(gin, ["GO-2021-0052", "GO-2023-1737"]);
}

#[test]
fn pypi_names_are_normalised_and_versions_use_pep440() {
    let db = load_all();
    let requests = ids_for(
        &db,
        package(Ecosystem::PyPI, "Requests", Some("2.19.1"), 2),
        &options(),
    );
    assert_eq!(requests, ["PYSEC-2018-28", "PYSEC-2023-74"]);
    let django = ids_for(
        &db,
        package(Ecosystem::PyPI, "django", Some("3.0"), 3),
        &options(),
    );
    assert_eq!(
        django,
        [
            "PYSEC-2020-31",
            "PYSEC-2020-32",
            "PYSEC-2020-33",
            "PYSEC-2020-34",
            "PYSEC-2020-35",
            "PYSEC-2020-36",
            "PYSEC-2021-6",
            "PYSEC-2021-9",
            "PYSEC-2021-98",
            "PYSEC-2021-99"
        ]
    );
    let yaml = ids_for(
        &db,
        package(Ecosystem::PyPI, "pyyaml", Some("5.3"), 1),
        &options(),
    );
    assert_eq!(yaml, ["PYSEC-2020-96", "PYSEC-2021-142"]);
}

#[test]
fn unpinned_dev_only_fixed_and_gating() {
    let db = load_all();
    let mut dev = package(Ecosystem::CratesIo, "time", Some("0.1.43"), 1);
    dev.dev = true;
    let pkgs = [
        package(Ecosystem::CratesIo, "smallvec", Some("0.6.9"), 1),
        package(Ecosystem::PyPI, "flask", None, 4),
        dev,
    ];
    let r = check(&db, &pkgs, &options());
    assert_eq!(r.stats.unpinned, 1);
    assert_eq!(r.matches.len(), 5);
    assert_eq!(r.failing(), 5);

    let opts = CheckOptions {
        exclude_dev: true,
        fail_on: FailOn::High,
        ..options()
    };
    let r = check(&db, &pkgs, &opts);
    assert_eq!(r.stats.dev_excluded, 1);
    assert_eq!(r.matches.len(), 4);
    // RUSTSEC-2018-0018 is unscored: failing unless --unscored-pass.
    assert_eq!(r.failing(), 4);
    let r = check(
        &db,
        &pkgs,
        &CheckOptions {
            unscored_pass: true,
            ..opts.clone()
        },
    );
    assert_eq!(r.failing(), 3);
    let r = check(
        &db,
        &pkgs,
        &CheckOptions {
            fail_on: FailOn::Critical,
            unscored_pass: true,
            ..opts
        },
    );
    assert_eq!(r.failing(), 3);
}

#[test]
fn ignores_suppress_by_alias_until_they_expire() {
    let db = load_all();
    let cfg = r#"
[[deps.ignore]]
id = "CVE-2019-15551"
reason = "grow() is never called"
until = "2026-01-31"

[[deps.ignore]]
id = "RUSTSEC-2020-0071"
reason = "no local time use"
until = "2025-12-31"

[[deps.ignore]]
id = "RUSTSEC-2099-0001"
reason = "gone"
until = "2030-01-01"
"#;
    let ignores = IgnoreList::parse(cfg, Path::new(".leakgate.toml")).unwrap();
    let opts = CheckOptions {
        ignores,
        ..options()
    };
    let pkgs = [
        package(Ecosystem::CratesIo, "smallvec", Some("0.6.9"), 1),
        package(Ecosystem::CratesIo, "time", Some("0.1.43"), 1),
    ];
    let r = check(&db, &pkgs, &opts);
    let ids: Vec<&str> = r.matches.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "RUSTSEC-2018-0018",
            "RUSTSEC-2019-0012",
            "RUSTSEC-2021-0003",
            "RUSTSEC-2020-0071"
        ]
    );
    assert_eq!(r.stats.ignored, 1);
    assert_eq!(
        r.warnings,
        [
            ".leakgate.toml:7: ignore of RUSTSEC-2020-0071 expired on 2025-12-31 and no longer suppresses it (reason was: no local time use)",
            ".leakgate.toml:12: ignore of RUSTSEC-2099-0001 matches no finding (stale): remove it",
        ]
    );
}

#[test]
fn zips_and_dirs_merge_and_deduplicate() {
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("all.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    for id in ["RUSTSEC-2019-0009", "RUSTSEC-2020-0071"] {
        zip.start_file(format!("{id}.json"), opts).unwrap();
        zip.write_all(&std::fs::read(fixtures().join(format!("rustsec/{id}.json"))).unwrap())
            .unwrap();
    }
    zip.start_file("README.txt", opts).unwrap();
    zip.write_all(b"not a record").unwrap();
    zip.finish().unwrap();

    let db = Database::load(std::slice::from_ref(&zip_path)).unwrap();
    assert_eq!(db.stats().advisories_loaded, 2);
    assert_eq!(db.stats().entries_skipped, 1);
    let db = Database::load(&[fixtures().join("rustsec"), zip_path]).unwrap();
    assert_eq!(db.stats().advisories_loaded, 9);
    assert_eq!(db.stats().records_duplicate, 2);
}

#[test]
fn malformed_records_are_warnings_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures().join("rustsec/RUSTSEC-2020-0071.json"),
        tmp.path().join("good.json"),
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("broken.json"),
        b"{\"id\": \"X\", \"affected\": 7}",
    )
    .unwrap();
    std::fs::write(tmp.path().join("events.yaml"), b"id: Y\naffected:\n- package: {name: a, ecosystem: PyPI}\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - {}\n").unwrap();
    std::fs::write(tmp.path().join("notes.txt"), b"ignored").unwrap();
    let db = Database::load(&[tmp.path().to_path_buf()]).unwrap();
    assert_eq!(db.stats().advisories_loaded, 1);
    assert_eq!(db.stats().records_malformed, 2);
    let mut sources: Vec<String> = db
        .warnings()
        .iter()
        .map(|w| {
            Path::new(&w.source)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    sources.sort();
    assert_eq!(sources, ["broken.json", "events.yaml"]);
}

#[test]
fn missing_or_empty_database_is_an_error() {
    let err = Database::load(&[PathBuf::from("/nonexistent/osv")]).unwrap_err();
    assert!(matches!(err, DbError::NotFound { .. }));
    assert!(err.to_string().contains("leakgate db update"), "{err}");
    let tmp = tempfile::tempdir().unwrap();
    let err = Database::load(&[tmp.path().to_path_buf()]).unwrap_err();
    assert!(matches!(err, DbError::Empty { malformed: 0, .. }), "{err}");
}

#[test]
fn zip_bomb_entries_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("bomb.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("huge.json", opts).unwrap();
    let block = vec![b' '; 1 << 20];
    for _ in 0..33 {
        zip.write_all(&block).unwrap();
    }
    zip.start_file("ok.json", opts).unwrap();
    zip.write_all(&std::fs::read(fixtures().join("rustsec/RUSTSEC-2020-0071.json")).unwrap())
        .unwrap();
    zip.finish().unwrap();
    let db = Database::load(&[zip_path]).unwrap();
    assert_eq!(db.stats().advisories_loaded, 1);
    assert_eq!(db.stats().records_malformed, 1);
    assert!(
        db.warnings()[0]
            .message
            .contains("exceeds the 33554432-byte limit"),
        "{:?}",
        db.warnings()
    );
}

#[test]
fn only_fixed_drops_advisories_without_a_fix() {
    let db = load_all();
    let pkgs = [package(Ecosystem::CratesIo, "atty", Some("0.2.14"), 1)];
    let ids: Vec<String> = check(&db, &pkgs, &options())
        .matches
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(ids, ["RUSTSEC-2021-0145", "RUSTSEC-2024-0375"]);
    let r = check(
        &db,
        &pkgs,
        &CheckOptions {
            only_fixed: true,
            ..options()
        },
    );
    assert!(r.matches.is_empty());
    assert_eq!(r.stats.unfixed_dropped, 2);
}

#[test]
fn time_0_1_43_is_advised_the_version_that_stays_fixed() {
    // RUSTSEC-2020-0071 fixes 0.2.0 … 0.2.6 one patch at a time; 0.2.7 to
    // 0.2.22 are affected again, and only 0.2.23 on stays fixed.
    let db = Database::load(&[fixtures().join("rustsec/RUSTSEC-2020-0071.json")]).unwrap();
    let r = check(
        &db,
        &[package(Ecosystem::CratesIo, "time", Some("0.1.43"), 5)],
        &options(),
    );
    assert_eq!(r.matches.len(), 1);
    let m = &r.matches[0];
    assert_eq!(m.suggested_fix.as_deref(), Some("0.2.23"));
    assert_eq!(m.advice.safe_from.as_deref(), Some("0.2.23"));
    assert_eq!(
        m.advice.isolated,
        ["0.2.0", "0.2.1", "0.2.2", "0.2.3", "0.2.4", "0.2.5", "0.2.6"]
    );
    let f = leakgate::vuln::findings::to_finding(m);
    assert_eq!(
        f.help,
        "Upgrade time to 0.2.23 or later (0.2.0, 0.2.1, 0.2.2, 0.2.3, 0.2.4, 0.2.5, 0.2.6 are unaffected too, but later versions are affected again)."
    );
    // From inside the re-vulnerable span, the same answer.
    let r = check(
        &db,
        &[package(Ecosystem::CratesIo, "time", Some("0.2.10"), 5)],
        &options(),
    );
    assert_eq!(r.matches[0].suggested_fix.as_deref(), Some("0.2.23"));
    assert!(r.matches[0].advice.isolated.is_empty());
}

#[test]
fn unscored_advisories_borrow_the_score_of_an_alias_record() {
    let alias_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/deps/osv-alias");
    let pysec = fixtures().join("pypa/requests/PYSEC-2018-28.yaml");
    let requests = package(Ecosystem::PyPI, "requests", Some("2.19.1"), 2);
    // Alone, PYSEC-2018-28 has no severity: unknown, and it fails closed.
    let db = Database::load(std::slice::from_ref(&pysec)).unwrap();
    let r = check(&db, std::slice::from_ref(&requests), &options());
    assert_eq!(r.matches[0].severity.severity, Severity::Unknown);
    assert_eq!(r.matches[0].severity_source, None);
    assert_eq!(r.stats.unscored, 1);
    assert!(r.matches[0].failing);
    // With the CVE record it aliases, the CVE's CVSS v3.1 score applies.
    let db = Database::load(&[pysec, alias_dir]).unwrap();
    let mut opts = options();
    opts.fail_on = FailOn::Critical;
    let r = check(&db, &[requests], &opts);
    let m = &r.matches[0];
    assert_eq!(m.id, "PYSEC-2018-28");
    assert_eq!(m.severity.severity, Severity::High);
    assert_eq!(m.severity.score, Some(7.5));
    assert_eq!(m.severity_source.as_deref(), Some("CVE-2018-18074"));
    assert!(m.severity_from_alias);
    assert_eq!(r.stats.unscored, 0);
    assert_eq!(r.stats.severity_from_alias, 1);
    assert!(!m.failing, "high is below --fail-on critical");
    let f = leakgate::vuln::findings::to_finding(m);
    let source = f.vulnerability.unwrap().severity_source.unwrap();
    assert_eq!(
        (source.id.as_str(), source.basis.as_str(), source.alias),
        ("CVE-2018-18074", "cvss_v3", true)
    );
}

#[test]
fn a_version_no_scheme_parses_is_warned_and_counted() {
    let db = load_all();
    let r = check(
        &db,
        &[
            package(
                Ecosystem::Packagist,
                "monolog/monolog",
                Some("dev-master"),
                9,
            ),
            package(Ecosystem::Packagist, "symfony/yaml", Some("v5.4.0"), 30),
        ],
        &options(),
    );
    assert_eq!(r.stats.versions_unparseable, 1);
    assert_eq!(
        r.warnings,
        ["lockfile:9: Packagist monolog/monolog dev-master: the version does not parse as a Packagist version, so advisories cannot be matched against it"]
    );
}

#[test]
fn a_zip_bomb_is_rejected_with_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("all.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    // Three 8 MiB entries of JSON whitespace: 24 MiB from a few KiB.
    let filler = vec![b' '; 8 * 1024 * 1024];
    for i in 0..3 {
        zip.start_file(format!("BOMB-{i}.json"), opts).unwrap();
        zip.write_all(&filler).unwrap();
    }
    zip.finish().unwrap();
    let err = Database::load(std::slice::from_ref(&zip_path)).unwrap_err();
    assert!(matches!(err, DbError::ZipLimit { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.starts_with(&format!("OSV zip {} rejected: ", zip_path.display()))
            && message.ends_with("exceed the 100:1 compression ratio limit (a zip bomb?)"),
        "{message}"
    );
}
