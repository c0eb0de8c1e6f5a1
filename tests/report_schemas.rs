//! The machine formats other tools ingest: SARIF must validate against the
//! official 2.1.0 schema and carry what GitHub code scanning reads; the
//! GitLab reports must carry the fields GitLab's security report schemas
//! require.

#[path = "fixtures/report/findings.rs"]
mod findings;

use findings::*;
use leakgate::report::{Format, Report};
use serde_json::{json, Value};

/// The official SARIF 2.1.0 schema: the shared copy beside the checkout
/// (`../shared/schemas`) when there is one, else the identical fixture.
fn sarif_validator() -> jsonschema::Validator {
    let shared = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/schemas/sarif/sarif-schema-2.1.0.json"
    );
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/report/sarif-schema-2.1.0.json"
    );
    let path = if std::path::Path::new(shared).is_file() {
        shared
    } else {
        fixture
    };
    let text = std::fs::read_to_string(path).expect("SARIF schema");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

fn assert_valid_sarif(report: &Report) -> Value {
    let log = json(report, Format::Sarif);
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF: {errors:#?}");
    log
}

#[test]
fn sarif_validates_for_every_kind_of_report() {
    let mut empty = Report::new("secrets", ".");
    empty.scan.stats.set("files_scanned", 0);
    for report in [empty, secrets_report(), deps_report(), mixed_report()] {
        assert_valid_sarif(&report);
    }
}

/// A policy finding for a check of the catalogue.
fn policy_finding() -> leakgate::Finding {
    let mut f = secret_finding();
    f.kind = leakgate::FindingKind::Policy;
    f.rule_id = "gha-write-all".into();
    f.title = "Workflow grants write-all permissions".into();
    f.secret = None;
    f.location.path = ".github/workflows/ci.yml".into();
    f
}

#[test]
fn sarif_rules_link_docs_and_score_only_what_is_scored() {
    let mut report = mixed_report();
    // An advisory with a severity label but no CVSS score, and no URL.
    let mut unscored = vuln_finding();
    unscored.rule_id = "RUSTSEC-2099-0001".into();
    unscored.severity = leakgate::Severity::High;
    if let Some(v) = unscored.vulnerability.as_mut() {
        v.id = "RUSTSEC-2099-0001".into();
        v.cvss_score = None;
        v.cvss_vector = None;
        v.url = None;
    }
    report.findings.push(unscored);
    report.findings.push(policy_finding());
    let log = assert_valid_sarif(&report);
    let run = &log["runs"][0];

    // informationUri: the repository the binary knows, never a made-up one.
    let home = [
        env!("CARGO_PKG_HOMEPAGE"),
        env!("CARGO_PKG_REPOSITORY"),
        option_env!("LEAKGATE_REPOSITORY_URL").unwrap_or(""),
    ]
    .into_iter()
    .find(|u| !u.is_empty());
    let driver = &run["tool"]["driver"];
    assert_eq!(driver.get("informationUri").and_then(Value::as_str), home);

    // %SRCROOT% is declared, and every relative URI uses it.
    assert!(
        run["originalUriBaseIds"]["%SRCROOT%"]["description"]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    for result in run["results"].as_array().unwrap() {
        let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
        assert!(!artifact["uri"].as_str().unwrap().starts_with('/'));
    }

    let rules = driver["rules"].as_array().unwrap();
    let rule = |id: &str| {
        rules
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("rule {id}"))
    };
    // A built-in secret rule links the provider documentation it was written from.
    let builtin = leakgate::rules::RuleSet::builtin().unwrap();
    let pat = rule("github-pat");
    assert_eq!(
        pat["helpUri"].as_str(),
        builtin
            .get("github-pat")
            .unwrap()
            .references
            .first()
            .map(String::as_str)
    );
    assert!(pat["helpUri"].as_str().unwrap().starts_with("https://"));
    assert!(pat["help"]["markdown"]
        .as_str()
        .unwrap()
        .contains("Reference: [github-pat](https://"));
    // A rule id no built-in rule has (a user rule) links nothing.
    assert!(builtin.get("aws-access-key-id").is_none());
    assert!(rule("aws-access-key-id").get("helpUri").is_none());
    // Secret rules are scored from their severity.
    assert_eq!(pat["properties"]["security-severity"], "8.0");

    // Dependency rules: the advisory URL, else its OSV record; CVSS or nothing.
    let scored = rule("GHSA-c2qf-rxjj-qqgw");
    assert_eq!(
        scored["helpUri"],
        "https://github.com/advisories/GHSA-c2qf-rxjj-qqgw"
    );
    assert_eq!(scored["properties"]["security-severity"], "7.5");
    let unscored = rule("RUSTSEC-2099-0001");
    assert_eq!(
        unscored["helpUri"],
        "https://osv.dev/vulnerability/RUSTSEC-2099-0001"
    );
    assert!(unscored["properties"].get("security-severity").is_none());
    assert_eq!(unscored["defaultConfiguration"]["level"], "error");

    // Policy checks link their catalogue reference and are scored by severity.
    let check = leakgate::policy::find_check("gha-write-all").unwrap();
    let policy = rule("gha-write-all");
    assert_eq!(
        policy["helpUri"].as_str(),
        check.references.first().copied()
    );
    assert_eq!(policy["properties"]["security-severity"], "8.0");
    assert!(policy["properties"]["tags"]
        .as_array()
        .unwrap()
        .contains(&json!("policy")));
}

#[test]
fn sarif_schema_rejects_a_broken_log() {
    // The validator is live: a result without a message must fail.
    let mut log = json(&mixed_report(), Format::Sarif);
    if let Some(result) = log["runs"][0]["results"][0].as_object_mut() {
        result.remove("message");
    }
    assert!(!sarif_validator().is_valid(&log));
}

#[test]
fn sarif_driver_and_rules_follow_github_conventions() {
    let log = assert_valid_sarif(&mixed_report());
    assert_eq!(log["version"], "2.1.0");
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "leakgate");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["github-pat", "aws-access-key-id", "GHSA-c2qf-rxjj-qqgw"]
    );

    let pat = &rules[0];
    assert_eq!(
        pat["shortDescription"]["text"],
        "GitHub personal access token"
    );
    assert_eq!(pat["defaultConfiguration"]["level"], "error");
    assert_eq!(pat["properties"]["security-severity"], "8.0");
    assert_eq!(
        pat["properties"]["tags"],
        json!(["security", "secret", "external/cwe/cwe-798"])
    );
    assert_eq!(
        pat["help"]["text"],
        "Revoke the token at the provider, then remove it from history."
    );
    assert_eq!(rules[1]["properties"]["security-severity"], "5.5");
    assert_eq!(rules[1]["defaultConfiguration"]["level"], "warning");

    let vuln = &rules[2];
    assert_eq!(vuln["properties"]["security-severity"], "7.5");
    assert_eq!(
        vuln["helpUri"],
        "https://github.com/advisories/GHSA-c2qf-rxjj-qqgw"
    );
    assert_eq!(vuln["help"]["text"], "Upgrade semver to 7.5.2 or later.");
    assert_eq!(
        vuln["help"]["markdown"],
        "Upgrade semver to 7.5.2 or later.\n\nAdvisory: \
         [GHSA-c2qf-rxjj-qqgw](https://github.com/advisories/GHSA-c2qf-rxjj-qqgw)"
    );
    assert_eq!(
        vuln["fullDescription"]["text"],
        "semver vulnerable to Regular Expression Denial of Service (affects npm packages; also known as CVE-2022-25883)"
    );
}

#[test]
fn sarif_results_locate_fingerprint_and_attribute() {
    let log = assert_valid_sarif(&mixed_report());
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);

    let dir = &results[0];
    assert_eq!(dir["ruleId"], "github-pat");
    assert_eq!(dir["ruleIndex"], 0);
    assert_eq!(dir["level"], "error");
    assert_eq!(
        dir["message"]["text"],
        "GitHub personal access token found: ghp_…"
    );
    assert_eq!(
        dir["locations"][0]["physicalLocation"],
        json!({
            "artifactLocation": { "uri": "src/config.rs", "uriBaseId": "%SRCROOT%" },
            "region": { "startLine": 12, "startColumn": 9, "endLine": 12 }
        })
    );
    assert_eq!(
        dir["partialFingerprints"]["leakgate/v1"],
        secret_finding().fingerprint
    );

    let git = &results[1];
    assert_eq!(git["ruleIndex"], 1);
    assert_eq!(
        git["message"]["text"],
        "AWS access key ID found: AKIA… (commit 9f3c2a1b by Jane Doe)"
    );
    let props = &git["properties"];
    assert_eq!(props["commit"], "9f3c2a1b7e6d5c4b3a291807f6e5d4c3b2a19087");
    assert_eq!(props["author"], "Jane Doe");
    assert_eq!(props["date"], "2024-05-01T10:00:00+00:00");
    assert_eq!(props["secret"], "AKIA…");

    let vuln = &results[2];
    assert_eq!(vuln["ruleIndex"], 2);
    assert_eq!(
        vuln["message"]["text"],
        "semver@7.5.1 is affected by GHSA-c2qf-rxjj-qqgw (CVE-2022-25883): \
         semver vulnerable to Regular Expression Denial of Service. Upgrade to 7.5.2."
    );
    assert_eq!(
        vuln["locations"][0]["physicalLocation"]["region"],
        json!({ "startLine": 1042, "endLine": 1042 })
    );
    assert_eq!(vuln["properties"]["purl"], "pkg:npm/semver@7.5.1");
    assert_eq!(
        vuln["properties"]["fixed"],
        json!(["5.7.2", "6.3.1", "7.5.2"])
    );
    assert_eq!(vuln["properties"]["package"], "semver");
}

#[test]
fn sarif_carries_scan_problems_as_notifications() {
    let log = assert_valid_sarif(&secrets_report());
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    assert_eq!(
        invocation["toolExecutionNotifications"],
        json!([
            {
                "level": "error",
                "message": { "text": "secret/locked.txt: permission denied" },
                "locations": [{ "physicalLocation": { "artifactLocation":
                    { "uri": "secret/locked.txt", "uriBaseId": "%SRCROOT%" } } }]
            },
            { "level": "warning", "message": { "text": "1 stale entry in .leakgateignore" } }
        ])
    );
}

/// Fields the GitLab v15 schemas require of every report.
fn assert_gitlab_envelope(doc: &Value, kind: &str) {
    assert_eq!(doc["version"], "15.2.1");
    assert!(doc["schema"]
        .as_str()
        .unwrap()
        .ends_with("-report-format.json"));
    let scan = &doc["scan"];
    assert_eq!(scan["type"], kind);
    assert_eq!(scan["status"], "success");
    assert_eq!(scan["start_time"], "2024-06-01T11:59:59");
    assert_eq!(scan["end_time"], "2024-06-01T12:00:00");
    for component in ["analyzer", "scanner"] {
        let c = &scan[component];
        assert_eq!(c["id"], "leakgate");
        assert_eq!(c["name"], "leakgate");
        assert_eq!(c["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(c["vendor"]["name"], "leakgate");
    }
    for v in doc["vulnerabilities"].as_array().unwrap() {
        let id = v["id"].as_str().unwrap();
        assert_eq!(id.len(), 36, "UUID-shaped id: {id}");
        assert_eq!(id.matches('-').count(), 4);
        assert!(!v["identifiers"].as_array().unwrap().is_empty());
        for ident in v["identifiers"].as_array().unwrap() {
            for field in ["type", "name", "value"] {
                assert!(!ident[field].as_str().unwrap().is_empty());
            }
        }
        assert!(["Critical", "High", "Medium", "Low", "Info", "Unknown"]
            .contains(&v["severity"].as_str().unwrap()));
        assert!(v.get("raw_source_code_extract").is_none());
    }
}

#[test]
fn gitlab_secret_detection_report() {
    let mut report = secrets_report();
    report.scan.duration_ms = 1000;
    let doc = json(&report, Format::Gitlab);
    assert_gitlab_envelope(&doc, "secret_detection");
    let vulns = doc["vulnerabilities"].as_array().unwrap();
    assert_eq!(vulns.len(), 2);
    let dir = &vulns[0];
    assert_eq!(dir["category"], "secret_detection");
    assert_eq!(dir["name"], "GitHub personal access token");
    assert_eq!(dir["severity"], "High");
    assert_eq!(
        dir["description"],
        "GitHub personal access token found at src/config.rs:12:9: ghp_…"
    );
    assert_eq!(
        dir["location"],
        json!({ "file": "src/config.rs", "start_line": 12, "end_line": 12,
                "commit": { "sha": "0000000" } })
    );
    assert_eq!(
        dir["identifiers"],
        json!([{ "type": "leakgate_rule_id", "name": "leakgate rule ID github-pat",
                 "value": "github-pat" }])
    );
    let git = &vulns[1];
    assert_eq!(git["severity"], "Medium");
    assert_eq!(
        git["location"]["commit"],
        json!({ "sha": "9f3c2a1b7e6d5c4b3a291807f6e5d4c3b2a19087", "author": "Jane Doe",
                "date": "2024-05-01T10:00:00+00:00", "message": "Add deploy script" })
    );
    assert_ne!(dir["id"], git["id"]);
    assert_eq!(
        doc["scan"]["messages"],
        json!([
            { "level": "warn", "value": "secret/locked.txt: permission denied" },
            { "level": "warn", "value": "1 stale entry in .leakgateignore" }
        ])
    );
}

#[test]
fn gitlab_dependency_scanning_report() {
    let mut report = deps_report();
    report.scan.duration_ms = 1000;
    let doc = json(&report, Format::Gitlab);
    assert_gitlab_envelope(&doc, "dependency_scanning");
    let v = &doc["vulnerabilities"][0];
    assert_eq!(v["category"], "dependency_scanning");
    assert_eq!(v["severity"], "High");
    assert_eq!(v["solution"], "Upgrade semver to 7.5.2 or later.");
    assert_eq!(
        v["location"],
        json!({ "file": "package-lock.json",
                "dependency": { "package": { "name": "semver" }, "version": "7.5.1" } })
    );
    assert_eq!(
        v["identifiers"],
        json!([
            { "type": "ghsa", "name": "GHSA-c2qf-rxjj-qqgw", "value": "GHSA-c2qf-rxjj-qqgw",
              "url": "https://github.com/advisories/GHSA-c2qf-rxjj-qqgw" },
            { "type": "cve", "name": "CVE-2022-25883", "value": "CVE-2022-25883",
              "url": "https://nvd.nist.gov/vuln/detail/CVE-2022-25883" },
            { "type": "leakgate_rule_id", "name": "leakgate advisory GHSA-c2qf-rxjj-qqgw",
              "value": "GHSA-c2qf-rxjj-qqgw" }
        ])
    );
    assert_eq!(
        v["links"],
        json!([{ "url": "https://github.com/advisories/GHSA-c2qf-rxjj-qqgw" }])
    );
}

#[test]
fn gitlab_mixed_report_keeps_secrets_and_says_what_it_left_out() {
    let mut report = mixed_report();
    report.scan.duration_ms = 1000;
    let doc = json(&report, Format::Gitlab);
    assert_gitlab_envelope(&doc, "secret_detection");
    let vulns = doc["vulnerabilities"].as_array().unwrap();
    assert_eq!(vulns.len(), 2);
    assert!(vulns.iter().all(|v| v["category"] == "secret_detection"));
    let messages = doc["scan"]["messages"].as_array().unwrap();
    assert_eq!(
        messages.last().unwrap(),
        &json!({ "level": "warn", "value":
            "1 vulnerability finding(s) are not in this secret detection report; \
             run `leakgate deps --format gitlab` for a dependency scanning report" })
    );
}

/// Findings at the edges of the model: no line, an absolute path with
/// spaces, unknown severity, a vulnerability with no fix and no score.
fn edge_report() -> Report {
    let mut stdin = secret_finding();
    stdin.location.path = "-".into();
    stdin.location.line = 0;
    stdin.location.column = 0;
    stdin.severity = leakgate::Severity::Info;
    let mut absolute = git_finding();
    absolute.location.path = "/home/dev/my project/.env".into();
    absolute.location.end_line = Some(5);
    let mut unfixed = vuln_finding();
    unfixed.severity = leakgate::Severity::Unknown;
    if let Some(v) = unfixed.vulnerability.as_mut() {
        v.fixed_versions.clear();
        v.suggested_fix = None;
        v.cvss_score = None;
        v.cvss_vector = None;
        v.url = None;
        v.aliases.clear();
    }
    let mut r = mixed_report();
    r.findings = vec![stdin, absolute, unfixed];
    r
}

#[test]
fn sarif_validates_at_the_edges() {
    let log = assert_valid_sarif(&edge_report());
    let results = &log["runs"][0]["results"];
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"],
        json!({ "artifactLocation": { "uri": "-", "uriBaseId": "%SRCROOT%" } })
    );
    assert_eq!(results[0]["level"], "note");
    assert_eq!(
        results[1]["locations"][0]["physicalLocation"],
        json!({
            "artifactLocation": { "uri": "file:///home/dev/my%20project/.env" },
            "region": { "startLine": 3, "startColumn": 19, "endLine": 5 }
        })
    );
    assert_eq!(results[2]["level"], "warning");
    let rules = &log["runs"][0]["tool"]["driver"]["rules"];
    assert!(rules[0]["properties"].get("security-severity").is_none());
    assert!(rules[2]["properties"].get("security-severity").is_none());
    assert_eq!(
        rules[2]["help"]["text"],
        "No fixed version of semver is published; assess the advisory and consider replacing the package."
    );
}

#[test]
fn gitlab_reports_at_the_edges() {
    let mut report = edge_report();
    report.scan.duration_ms = 1000;
    let doc = json(&report, Format::Gitlab);
    assert_gitlab_envelope(&doc, "secret_detection");
    let stdin = &doc["vulnerabilities"][0];
    assert_eq!(stdin["severity"], "Info");
    assert_eq!(
        stdin["location"],
        json!({ "file": "-", "commit": { "sha": "0000000" } })
    );

    report
        .findings
        .retain(|f| f.kind == leakgate::FindingKind::Vulnerability);
    let doc = json(&report, Format::Gitlab);
    assert_gitlab_envelope(&doc, "dependency_scanning");
    let v = &doc["vulnerabilities"][0];
    assert_eq!(v["severity"], "Unknown");
    assert_eq!(v["solution"], "No fixed version of semver is published.");
    assert!(v.get("links").is_none());
    assert_eq!(
        v["identifiers"][0],
        json!({ "type": "ghsa", "name": "GHSA-c2qf-rxjj-qqgw", "value": "GHSA-c2qf-rxjj-qqgw",
                "url": "https://github.com/advisories/GHSA-c2qf-rxjj-qqgw" })
    );
}
