//! `leakgate policy` end to end through the binary: one project with an
//! offending file of each family (IAM JSON, Terraform storage, a GitHub
//! workflow, a Kubernetes manifest, CloudFormation), checked for exit codes,
//! every report format, the line of the offending element, inline markers,
//! the ignore file, baselines, `--fail-on`, `scan --policy`, unparseable and
//! hostile files (named with file and line, exit 2, the other findings kept).

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

const IAM_ADMIN: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}\n";
const IAM_GOOD: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": [\"s3:GetObject\", \"s3:PutObject\"],\n      \"Resource\": \"arn:aws:s3:::example-bucket/*\"\n    }\n  ]\n}\n";
const TF_PUBLIC_ACL: &str = "resource \"aws_s3_bucket_acl\" \"site\" {\n  bucket = aws_s3_bucket.site.id\n  acl    = \"public-read\"\n}\n";
const WORKFLOW: &str = "on: push\npermissions:\n  contents: read\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: example-org/setup-tool@v2\n";
const POD_PRIVILEGED: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: example/app:1.0\n      securityContext:\n        privileged: true\n        runAsNonRoot: true\n";
const CFN_PUBLIC: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Site:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n";

/// The expected findings of [`project`]: (rule, path, line).
const EXPECTED: &[(&str, &str, u64)] = &[
    ("gha-unpinned-action", ".github/workflows/ci.yml", 9),
    ("iam-admin-wildcard", "iam/admin.json", 6),
    ("k8s-privileged", "k8s/pod.yaml", 10),
    ("s3-acl-public-read", "infra/s3.tf", 3),
    ("s3-acl-public-read", "stack/site.yaml", 6),
];

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A project with one offending file per family and some good ones.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "iam/admin.json", IAM_ADMIN);
    write(d, "iam/reader.json", IAM_GOOD);
    write(d, "infra/s3.tf", TF_PUBLIC_ACL);
    write(d, ".github/workflows/ci.yml", WORKFLOW);
    write(d, "k8s/pod.yaml", POD_PRIVILEGED);
    write(d, "stack/site.yaml", CFN_PUBLIC);
    write(d, "data/config.json", "{\"name\": \"not a policy\"}\n");
    write(d, "README.md", "# infra\n");
    dir
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn leakgate(dir: &Path, args: &[&str]) -> Run {
    let out = Command::cargo_bin("leakgate")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

/// (rule, path, line) of every finding of a JSON report, sorted.
fn triples(doc: &Value) -> Vec<(String, String, u64)> {
    let mut out: Vec<_> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["location"]["path"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn expected() -> Vec<(String, String, u64)> {
    EXPECTED
        .iter()
        .map(|(r, p, l)| (r.to_string(), p.to_string(), *l))
        .collect()
}

#[test]
fn every_family_is_found_on_the_offending_line_and_exits_1() {
    let dir = project();
    let run = leakgate(dir.path(), &["policy", ".", "-f", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc = json(&run);
    assert_eq!(triples(&doc), expected());
    for f in doc["findings"].as_array().unwrap() {
        assert_eq!(f["kind"], "policy");
        assert!(f["fingerprint"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(!f["help"].as_str().unwrap().is_empty());
    }
    assert_eq!(doc["scan"]["command"], "policy");
    assert_eq!(doc["scan"]["stats"]["policy_files_checked"], 6);
}

#[test]
fn a_clean_project_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "iam/reader.json", IAM_GOOD);
    write(
        dir.path(),
        ".github/workflows/ci.yml",
        "on: push\npermissions:\n  contents: read\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n",
    );
    let run = leakgate(dir.path(), &["policy", "."]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("No policy findings"), "{}", run.stdout);
}

#[test]
fn fail_on_gates_by_severity() {
    let dir = tempfile::tempdir().unwrap();
    // Only a medium finding (the unpinned action).
    write(dir.path(), ".github/workflows/ci.yml", WORKFLOW);
    let run = leakgate(dir.path(), &["policy", ".", "--fail-on", "high"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    // Still reported, just not failing.
    assert!(run.stdout.contains("gha-unpinned-action"), "{}", run.stdout);
    let run = leakgate(dir.path(), &["policy", ".", "--fail-on", "medium"]);
    assert_eq!(run.code, 1);
    // The critical IAM finding fails at every threshold.
    write(dir.path(), "iam/admin.json", IAM_ADMIN);
    let run = leakgate(dir.path(), &["policy", ".", "--fail-on", "critical"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
}

#[test]
fn every_report_format_carries_the_findings() {
    let dir = project();
    for format in ["text", "json", "jsonl", "sarif", "junit", "csv", "gitlab"] {
        let run = leakgate(dir.path(), &["policy", ".", "-f", format]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        for (rule, path, line) in EXPECTED {
            assert!(
                run.stdout.contains(rule) && run.stdout.contains(path),
                "{format} lacks {rule} in {path}:\n{}",
                run.stdout
            );
            let _ = line;
        }
        match format {
            "text" => {
                assert!(run.stdout.contains("iam/admin.json:6"), "{}", run.stdout);
                assert!(run.stdout.contains("infra/s3.tf:3"), "{}", run.stdout);
            }
            "jsonl" => {
                let lines: Vec<Value> = run
                    .stdout
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| serde_json::from_str(l).unwrap())
                    .collect();
                assert_eq!(lines.len(), EXPECTED.len());
                assert!(lines.iter().all(|f| f["kind"] == "policy"));
            }
            "sarif" => {
                let doc = json(&run);
                let results = doc["runs"][0]["results"].as_array().unwrap();
                assert_eq!(results.len(), EXPECTED.len());
                let iam = results
                    .iter()
                    .find(|r| r["ruleId"] == "iam-admin-wildcard")
                    .unwrap();
                let region = &iam["locations"][0]["physicalLocation"]["region"];
                assert_eq!(region["startLine"], 6);
                let rules = doc["runs"][0]["tool"]["driver"]["rules"]
                    .as_array()
                    .unwrap();
                assert!(rules.iter().any(|r| r["id"] == "k8s-privileged"));
            }
            "gitlab" => {
                let doc = json(&run);
                assert_eq!(doc["scan"]["type"], "sast");
                assert!(doc["schema"]
                    .as_str()
                    .unwrap()
                    .ends_with("/sast-report-format.json"));
                let vulns = doc["vulnerabilities"].as_array().unwrap();
                assert_eq!(vulns.len(), EXPECTED.len());
                let iam = vulns
                    .iter()
                    .find(|v| v["identifiers"][0]["value"] == "iam-admin-wildcard")
                    .unwrap();
                assert_eq!(iam["location"]["file"], "iam/admin.json");
                assert_eq!(iam["location"]["start_line"], 6);
                assert_eq!(iam["severity"], "Critical");
                assert!(!iam["solution"].as_str().unwrap().is_empty());
                assert!(doc["scan"].get("messages").is_none(), "{doc}");
            }
            "junit" => assert!(run.stdout.contains("<testsuite"), "{}", run.stdout),
            "csv" => assert!(
                run.stdout.lines().count() > EXPECTED.len(),
                "{}",
                run.stdout
            ),
            _ => {}
        }
    }
}

#[test]
fn inline_markers_drop_the_finding_on_their_line() {
    let dir = project();
    write(
        dir.path(),
        "infra/s3.tf",
        "resource \"aws_s3_bucket_acl\" \"site\" {\n  bucket = aws_s3_bucket.site.id\n  acl    = \"public-read\" # leakgate:allow (public website)\n}\n",
    );
    let run = leakgate(dir.path(), &["policy", ".", "-f", "json"]);
    let got = triples(&json(&run));
    assert!(!got.iter().any(|(_, p, _)| p == "infra/s3.tf"), "{got:?}");
    assert_eq!(got.len(), EXPECTED.len() - 1);
}

#[test]
fn ignore_file_fingerprints_suppress_and_survive_line_moves() {
    let dir = project();
    let run = leakgate(dir.path(), &["policy", ".", "-f", "json"]);
    let doc = json(&run);
    let fp = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "k8s-privileged")
        .unwrap()["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    write(
        dir.path(),
        ".leakgateignore",
        &format!("# accepted\n{fp}\n"),
    );
    // Move the offending line down: the fingerprint does not depend on it.
    write(
        dir.path(),
        "k8s/pod.yaml",
        &format!("# a comment\n# another\n{POD_PRIVILEGED}"),
    );
    let run = leakgate(dir.path(), &["policy", ".", "-f", "json"]);
    let doc = json(&run);
    let got = triples(&doc);
    assert!(
        !got.iter().any(|(r, _, _)| r == "k8s-privileged"),
        "{got:?}"
    );
    assert_eq!(got.len(), EXPECTED.len() - 1);
    assert_eq!(doc["scan"]["stats"]["policy_ignored"], 1);
}

#[test]
fn baselines_accept_known_findings_and_report_new_ones() {
    let dir = project();
    let run = leakgate(
        dir.path(),
        &[
            "policy",
            ".",
            "--write-baseline",
            "baseline.json",
            "-f",
            "json",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(dir.path().join("baseline.json").is_file());
    let run = leakgate(
        dir.path(),
        &["policy", ".", "--baseline", "baseline.json", "-f", "json"],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(triples(&json(&run)).is_empty());
    // A new misconfiguration is not in the baseline.
    write(dir.path(), "iam/second.json", IAM_ADMIN);
    let run = leakgate(
        dir.path(),
        &["policy", ".", "--baseline", "baseline.json", "-f", "json"],
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        triples(&json(&run)),
        vec![(
            "iam-admin-wildcard".to_string(),
            "iam/second.json".to_string(),
            6
        )]
    );
}

#[test]
fn an_unparseable_file_is_named_once_with_its_line_and_exits_2_keeping_the_rest() {
    let dir = project();
    write(
        dir.path(),
        "k8s/broken.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\nspec: {}\n",
    );
    let run = leakgate(dir.path(), &["policy", "."]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert_eq!(
        all.matches("k8s/broken.yaml").count(),
        1,
        "named exactly once:\n{all}"
    );
    assert!(
        all.contains("k8s/broken.yaml: cannot parse as kubernetes: line "),
        "{all}"
    );
    for (rule, _, _) in EXPECTED {
        assert!(run.stdout.contains(rule), "{rule} dropped:\n{}", run.stdout);
    }
    let run = leakgate(dir.path(), &["policy", ".", "-f", "json"]);
    assert_eq!(run.code, 2);
    let doc = json(&run);
    assert_eq!(triples(&doc), expected());
    let errors = doc["scan"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["path"], "k8s/broken.yaml");
    // --strict stops with a message instead.
    let run = leakgate(dir.path(), &["policy", ".", "--strict"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--strict"), "{}", run.stderr);
}

#[test]
fn lenient_yaml_indentation_of_real_files_parses() {
    // Continuation lines of a quoted scalar no deeper than their key, and a
    // flow list closed at the key's column: accepted by the parsers that
    // read these files, repaired without changing values or lines.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "stack.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Site:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\nOutputs:\n  Help:\n    Description: 'Log in to the console and\n    open the bucket'\n    Value: x\n  Keys:\n    Value: [\n      \"a\",\n      \"b\"\n    ]\n",
    );
    let run = leakgate(dir.path(), &["policy", ".", "-f", "json"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let doc = json(&run);
    assert_eq!(
        triples(&doc),
        vec![(
            "s3-acl-public-read".to_string(),
            "stack.yaml".to_string(),
            6
        )]
    );
    assert!(doc["scan"]["errors"]
        .as_array()
        .is_none_or(|e| e.is_empty()));
}

#[test]
fn hostile_inputs_are_errors_not_hangs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A billion-laughs alias bomb in a manifest.
    let mut bomb = String::from("apiVersion: v1\nkind: Pod\na: &a [x,x,x,x,x,x,x,x,x,x]\n");
    for i in 0..9u8 {
        let prev = (b'a' + i) as char;
        let next = (b'a' + i + 1) as char;
        bomb.push_str(&format!(
            "{next}: &{next} [{}]\n",
            vec![format!("*{prev}"); 10].join(",")
        ));
    }
    write(d, "k8s/bomb.yaml", &bomb);
    // Deep nesting in an IAM document.
    write(
        d,
        "iam/deep.json",
        &format!(
            "{{\"Statement\": [{}{}], \"Effect\": \"Allow\"}}",
            "[".repeat(10_000),
            "]".repeat(10_000)
        ),
    );
    // Deep YAML nesting.
    write(
        d,
        "k8s/deep.yaml",
        &format!(
            "apiVersion: v1\nkind: Pod\nspec: {}{}\n",
            "[".repeat(5_000),
            "]".repeat(5_000)
        ),
    );
    // A Terraform file over the size limit.
    let mut huge = String::with_capacity(5 << 20);
    while huge.len() < (4 << 20) + 10 {
        huge.push_str("# padding padding padding padding padding padding padding\n");
    }
    write(d, "infra/huge.tf", &huge);
    // And one real finding that must survive all of them.
    write(d, "iam/admin.json", IAM_ADMIN);
    let started = std::time::Instant::now();
    let run = leakgate(d, &["policy", ".", "-f", "json"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert_eq!(run.code, 2, "{}", run.stderr);
    let doc = json(&run);
    assert_eq!(
        triples(&doc),
        vec![(
            "iam-admin-wildcard".to_string(),
            "iam/admin.json".to_string(),
            6
        )]
    );
    let errors: Vec<(String, String)> = doc["scan"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().to_string(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let find = |p: &str| {
        errors
            .iter()
            .find(|(path, _)| path == p)
            .map(|(_, m)| m.clone())
            .unwrap_or_else(|| panic!("{p} not named: {errors:?}"))
    };
    assert!(find("k8s/bomb.yaml").contains("alias bomb"));
    assert!(find("k8s/bomb.yaml").contains("line "));
    assert!(find("iam/deep.json").contains("nesting deeper than"));
    // Flow nesting meets the YAML parser's own recursion limit first.
    let deep = find("k8s/deep.yaml");
    assert!(
        deep.contains("nesting deeper than") || deep.contains("recursion limit"),
        "{deep}"
    );
    assert!(deep.contains("line 3"), "{deep}");
    assert!(find("infra/huge.tf").contains("exceeds the policy input limit"));
}

#[test]
fn scan_policy_combines_secrets_and_policy_findings() {
    let dir = project();
    let run = leakgate(dir.path(), &["scan", "--policy", ".", "-f", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc = json(&run);
    assert_eq!(doc["scan"]["command"], "secrets+policy");
    let policy: Vec<_> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "policy")
        .collect();
    assert_eq!(policy.len(), EXPECTED.len());
}

#[test]
fn gitlab_refuses_to_drop_policy_findings_next_to_secrets() {
    let dir = project();
    // A project rule and a token of its shape (not a real credential).
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scan/rules.toml"),
        dir.path().join(".leakgate.toml"),
    )
    .unwrap();
    write(
        dir.path(),
        "app/settings.py",
        "TOKEN = \"tok_q8w7e6r5t4y3u2i1o0pz\"\n",
    );
    let run = leakgate(dir.path(), &["scan", "--policy", ".", "-f", "json"]);
    let doc = json(&run);
    let kinds: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"secret"), "{kinds:?}");
    assert!(kinds.contains(&"policy"), "{kinds:?}");
    let run = leakgate(dir.path(), &["scan", "--policy", ".", "-f", "gitlab"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("leakgate policy -f gitlab"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("5 policy finding(s)"), "{}", run.stderr);
    // Each kind on its own is written: secrets as secret detection...
    let run = leakgate(dir.path(), &["scan", ".", "-f", "gitlab"]);
    assert_eq!(json(&run)["scan"]["type"], "secret_detection");
    // ...policy findings as SAST.
    let run = leakgate(dir.path(), &["policy", ".", "-f", "gitlab"]);
    assert_eq!(json(&run)["scan"]["type"], "sast");
}

#[test]
fn the_catalogue_lists_and_checks_every_check() {
    let dir = tempfile::tempdir().unwrap();
    let run = leakgate(dir.path(), &["policy", "rules", "list"]);
    assert_eq!(run.code, 0);
    let lines = run.stdout.lines().count();
    assert!(lines >= 40, "{lines} checks:\n{}", run.stdout);
    for family in ["iam", "storage", "actions", "kubernetes"] {
        assert!(run.stdout.contains(family), "{family}");
    }
    let run = leakgate(dir.path(), &["policy", "rules", "check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("all pass"), "{}", run.stdout);
}

#[test]
fn a_single_file_argument_is_checked() {
    let dir = project();
    let run = leakgate(dir.path(), &["policy", "infra/s3.tf", "-f", "json"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        triples(&json(&run)),
        vec![(
            "s3-acl-public-read".to_string(),
            "infra/s3.tf".to_string(),
            3
        )]
    );
}

#[cfg(unix)]
#[test]
fn links_out_of_the_root_and_fifos_are_not_read_but_named() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "admin.json", IAM_ADMIN);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "infra/s3.tf", TF_PUBLIC_ACL);
    std::fs::create_dir_all(dir.path().join("iam")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("admin.json"),
        dir.path().join("iam/linked.json"),
    )
    .unwrap();
    std::os::unix::fs::symlink("nowhere", dir.path().join("iam/broken.json")).unwrap();
    let fifo = dir.path().join("k8s/pipe.yaml");
    std::fs::create_dir_all(fifo.parent().unwrap()).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let run = leakgate(dir.path(), &["policy", ".", "-f", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc = json(&run);
    assert_eq!(
        triples(&doc),
        vec![(
            "s3-acl-public-read".to_string(),
            "infra/s3.tf".to_string(),
            3
        )]
    );
    let warnings = doc["scan"]["warnings"].to_string();
    assert!(warnings.contains("iam/linked.json"), "{warnings}");
    assert!(
        warnings.contains("outside the scanned directory"),
        "{warnings}"
    );
    assert!(
        warnings.contains("iam/broken.json: broken symbolic link"),
        "{warnings}"
    );
    if made {
        assert!(
            warnings.contains("k8s/pipe.yaml: not a regular file (FIFO)"),
            "{warnings}"
        );
    }
}
