//! `leakgate sbom` end to end: the real binary on a multi-ecosystem fixture
//! project and on this repository, every document schema-validated.

mod sbom_support;

use assert_cmd::Command;
use predicates::prelude::*;
use sbom_support::{assert_valid_cyclonedx, assert_valid_spdx, fixture};
use serde_json::Value;
use std::path::Path;

fn leakgate() -> Command {
    let mut cmd = Command::cargo_bin("leakgate").unwrap();
    cmd.env("SOURCE_DATE_EPOCH", "1700000000")
        .env_remove("NO_COLOR");
    cmd
}

/// Runs `leakgate sbom <args>` in `dir`, expecting success, and returns stdout.
fn sbom_ok(dir: &Path, args: &[&str]) -> String {
    let out = leakgate()
        .current_dir(dir)
        .arg("sbom")
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

fn project() -> std::path::PathBuf {
    fixture("project")
}

/// Every package of the fixture project; the lockfile under
/// `web/node_modules/` belongs to a dependency and must not appear.
const PROJECT_PURLS: [&str; 14] = [
    "pkg:cargo/anyhow@1.0.86",
    "pkg:cargo/itoa@1.0.11",
    "pkg:cargo/ryu@1.0.18",
    "pkg:cargo/serde@1.0.204",
    "pkg:cargo/serde_json@1.0.120",
    "pkg:golang/github.com/gin-gonic/gin@v1.9.1",
    "pkg:golang/golang.org/x/net@v0.25.0",
    // The Go toolchain named by `go`/`toolchain`, so standard-library advisories apply.
    "pkg:golang/stdlib@1.22.0",
    "pkg:npm/debug@4.3.4",
    "pkg:npm/ms@2.1.2",
    "pkg:npm/ms@2.1.3",
    "pkg:pypi/django@4.2.13",
    "pkg:pypi/requests",
    "pkg:pypi/sqlparse@0.5.0",
];

#[test]
fn default_is_schema_valid_cyclonedx_1_6_of_the_whole_tree() {
    let doc: Value = serde_json::from_str(&sbom_ok(&project(), &["."])).unwrap();
    assert_valid_cyclonedx(&doc);
    assert_eq!(doc["specVersion"], "1.6");
    assert_eq!(doc["metadata"]["timestamp"], "2023-11-14T22:13:20Z");
    assert_eq!(doc["metadata"]["component"]["name"], "project");
    let purls: Vec<&str> = doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["purl"].as_str().unwrap())
        .collect();
    assert_eq!(purls, PROJECT_PURLS);

    let deps = doc["dependencies"].as_array().unwrap();
    let depends_on = |r: &str| -> Vec<&str> {
        deps.iter().find(|d| d["ref"] == r).unwrap()["dependsOn"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect()
    };
    assert_eq!(
        depends_on("pkg:cargo/serde_json@1.0.120"),
        [
            "pkg:cargo/itoa@1.0.11",
            "pkg:cargo/ryu@1.0.18",
            "pkg:cargo/serde@1.0.204"
        ]
    );
    assert_eq!(depends_on("pkg:npm/debug@4.3.4"), ["pkg:npm/ms@2.1.2"]);
    let root = depends_on("root:project");
    assert!(root.contains(&"pkg:cargo/anyhow@1.0.86"));
    assert!(
        !root.contains(&"pkg:cargo/serde@1.0.204"),
        "serde is transitive"
    );

    let debug = doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "debug")
        .unwrap();
    assert_eq!(debug["scope"], "optional");
    assert_eq!(debug["hashes"][0]["alg"], "SHA-512");
    assert_eq!(debug["licenses"][0]["license"]["id"], "MIT");
}

#[test]
fn two_runs_are_byte_identical() {
    let a = sbom_ok(&project(), &["."]);
    let b = sbom_ok(&project(), &["."]);
    assert_eq!(a, b);
    let c = sbom_ok(&project(), &["--format", "spdx-json"]);
    let d = sbom_ok(&project(), &["--format", "spdx-json"]);
    assert_eq!(c, d);
}

#[test]
fn spdx_and_cyclonedx_1_7_are_schema_valid() {
    let spdx: Value =
        serde_json::from_str(&sbom_ok(&project(), &["--format", "spdx-json"])).unwrap();
    assert_valid_spdx(&spdx);
    assert_eq!(spdx["packages"].as_array().unwrap().len(), 15);
    assert_eq!(spdx["creationInfo"]["created"], "2023-11-14T22:13:20Z");

    let cdx: Value =
        serde_json::from_str(&sbom_ok(&project(), &["--spec-version", "1.7"])).unwrap();
    assert_eq!(cdx["specVersion"], "1.7");
    assert_valid_cyclonedx(&cdx);
}

#[test]
fn output_file_and_explicit_lockfiles() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sbom.cdx.json");
    leakgate()
        .current_dir(project())
        .args(["sbom", "Cargo.lock", "svc/go.mod", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains(format!(
            "wrote CycloneDX 1.6 SBOM of 8 packages from 2 lockfiles to {}",
            out.display()
        )));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_valid_cyclonedx(&doc);
    assert_eq!(doc["components"].as_array().unwrap().len(), 8);
}

#[test]
fn list_prints_the_inventory() {
    let text = sbom_ok(&project(), &["--list"]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "ECOSYSTEM  NAME                      VERSION   SCOPE        LOCATION"
    );
    assert!(
        lines.contains(&"crates.io  anyhow                    1.0.86    direct       Cargo.lock:5")
    );
    assert!(lines.contains(
        &"PyPI       requests                  unpinned  direct       api/requirements.txt:4"
    ));
    assert!(lines.contains(
        &"npm        ms                        2.1.2     dev          web/package-lock.json:27"
    ));
    assert_eq!(
        lines.last().copied(),
        Some("14 packages in 4 files: 9 direct, 2 dev, 1 unpinned")
    );

    let json: Value =
        serde_json::from_str(&sbom_ok(&project(), &["--list", "--format", "json"])).unwrap();
    assert_eq!(json["schema"], "leakgate/inventory/v1");
    assert_eq!(json["target"], "project");
    assert_eq!(json["totals"]["packages"], 14);
    assert_eq!(json["packages"][0]["name"], "anyhow");
    assert_eq!(json["packages"][0]["location"]["file"], "Cargo.lock");
    assert_eq!(json["packages"][0]["location"]["line"], 5);
    // `--format json` alone means the listing too.
    let alone: Value = serde_json::from_str(&sbom_ok(&project(), &["-f", "json"])).unwrap();
    assert_eq!(alone, json);
}

#[test]
fn errors_exit_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("package-lock.json"),
        "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"node_modules/a\": {\"version\": ",
    )
    .unwrap();
    leakgate()
        .current_dir(dir.path())
        .args(["sbom", "."])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("package-lock.json:4"));

    leakgate()
        .current_dir(project())
        .args(["sbom", "--list", "--format", "spdx-json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--list prints the inventory as text or json",
        ));
    leakgate()
        .current_dir(project())
        .args(["sbom", "--spec-version", "1.4"])
        .assert()
        .code(2);
    leakgate()
        .args(["sbom", "check"])
        .arg(fixture("bad/package.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("package.json: not an SBOM"));
    leakgate()
        .args(["sbom", "check"])
        .arg(fixture("bad/truncated.cdx.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("truncated.cdx.json:5:"));
}

#[test]
fn generated_sbom_reads_back_through_the_library() {
    let text = sbom_ok(&project(), &["."]);
    let doc = leakgate::sbom::read_sbom_str(&text, "bom.json").unwrap();
    let mut purls: Vec<String> = doc.packages.iter().map(|p| p.purl().into_owned()).collect();
    purls.sort_unstable();
    assert_eq!(purls, PROJECT_PURLS);
}

/// The project ships its own SBOM: `leakgate sbom .` on this repository is
/// schema-valid and lists the crates of its Cargo.lock (test fixtures are
/// excluded by `tests/fixtures/.ignore`).
#[test]
fn this_repository_sbom_is_schema_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for args in [
        &["."][..],
        &[".", "--spec-version", "1.7"],
        &[".", "-f", "spdx-json"],
    ] {
        let doc: Value = serde_json::from_str(&sbom_ok(root, args)).unwrap();
        if doc.get("spdxVersion").is_some() {
            assert_valid_spdx(&doc);
        } else {
            assert_valid_cyclonedx(&doc);
            let components = doc["components"].as_array().unwrap();
            assert!(components.iter().any(|c| c["name"] == "serde_json"));
            assert!(components
                .iter()
                .all(|c| c["purl"].as_str().unwrap().starts_with("pkg:cargo/")));
        }
    }
}

/// Runs `leakgate <args> --db <osv fixtures> -f json` with an empty cache,
/// expecting exit 1 (vulnerable), and returns the sorted advisory ids and
/// the report.
fn vulnerability_ids(args: &[&str]) -> (Vec<String>, Value) {
    let cache = tempfile::tempdir().unwrap();
    let osv = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/osv");
    let out = leakgate()
        .env("XDG_CACHE_HOME", cache.path())
        .env("HOME", cache.path())
        .args(args)
        .arg("--db")
        .arg(&osv)
        .args(["-f", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut ids: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort_unstable();
    (ids, report)
}

/// An SBOM leakgate wrote, checked with `sbom check`, finds exactly what
/// `deps` finds on the lockfile it came from, in both formats; findings
/// point into the SBOM file.
#[test]
fn sbom_check_finds_what_deps_finds() {
    let lockfiles = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/deps/rust");
    let lockfiles = lockfiles.to_str().unwrap();
    let (expected, _) = vulnerability_ids(&["deps", lockfiles]);
    assert!(!expected.is_empty());
    let dir = tempfile::tempdir().unwrap();
    for (name, format) in [
        ("bom.cdx.json", "cyclonedx-json"),
        ("bom.spdx.json", "spdx-json"),
    ] {
        let bom = dir.path().join(name);
        leakgate()
            .args(["sbom", lockfiles, "--format", format, "-o"])
            .arg(&bom)
            .assert()
            .success();
        let bom = bom.to_str().unwrap();
        let (ids, report) = vulnerability_ids(&["sbom", "check", bom]);
        assert_eq!(ids, expected, "{format}");
        assert_eq!(report["scan"]["command"], "sbom-check");
        let finding = &report["findings"][0];
        assert!(
            finding["location"]["path"]
                .as_str()
                .unwrap()
                .ends_with(name),
            "{finding}"
        );
        assert!(finding["location"]["line"].as_u64().unwrap() > 0);
    }
}
