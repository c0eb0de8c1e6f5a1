//! The CI files this repository ships: the GitLab CI template (every key a
//! keyword of GitLab's CI/CD YAML reference, the report artifacts declared,
//! and its job scripts run here with the built binary), and the GitHub
//! workflows and action (every third-party action pinned to a full commit
//! SHA, top-level permissions, the release matrix, and leakgate's own
//! policy checks passing on them).

mod git_support;
use git_support::git_ok as git;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn yaml(path: &str) -> serde_yaml_ng::Value {
    let text = std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn keys(v: &serde_yaml_ng::Value) -> Vec<String> {
    v.as_mapping()
        .map(|m| {
            m.keys()
                .map(|k| k.as_str().expect("string keys").to_string())
                .collect()
        })
        .unwrap_or_default()
}

// --- GitLab: keywords from GitLab's "CI/CD YAML syntax reference" ---

/// Global keywords (plus `spec`, the header keyword).
const GITLAB_GLOBAL: &[&str] = &[
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "spec",
];
/// Job keywords.
const GITLAB_JOB: &[&str] = &[
    "after_script",
    "allow_failure",
    "artifacts",
    "before_script",
    "cache",
    "coverage",
    "dast_configuration",
    "dependencies",
    "environment",
    "except",
    "extends",
    "hooks",
    "identity",
    "id_tokens",
    "image",
    "inherit",
    "interruptible",
    "manual_confirmation",
    "needs",
    "only",
    "pages",
    "parallel",
    "release",
    "resource_group",
    "retry",
    "rules",
    "run",
    "script",
    "secrets",
    "services",
    "stage",
    "start_in",
    "tags",
    "timeout",
    "trigger",
    "variables",
    "when",
];
/// `artifacts:` keywords.
const GITLAB_ARTIFACTS: &[&str] = &[
    "paths",
    "exclude",
    "expire_in",
    "expose_as",
    "name",
    "public",
    "access",
    "reports",
    "untracked",
    "when",
];
/// `artifacts:reports:` types.
const GITLAB_REPORTS: &[&str] = &[
    "accessibility",
    "annotations",
    "api_fuzzing",
    "browser_performance",
    "coverage_report",
    "codequality",
    "container_scanning",
    "coverage_fuzzing",
    "cyclonedx",
    "dast",
    "dependency_scanning",
    "dotenv",
    "junit",
    "load_performance",
    "metrics",
    "requirements",
    "repository_xray",
    "sast",
    "secret_detection",
    "terraform",
];
/// `image:` keywords.
const GITLAB_IMAGE: &[&str] = &["name", "entrypoint", "docker", "pull_policy", "kubernetes"];
/// `rules:` entry keywords.
const GITLAB_RULES: &[&str] = &[
    "if",
    "changes",
    "exists",
    "when",
    "allow_failure",
    "needs",
    "variables",
    "interruptible",
];
/// The stages every pipeline has without a `stages:` list.
const GITLAB_DEFAULT_STAGES: &[&str] = &[".pre", "build", "test", "deploy", ".post"];

const TEMPLATE: &str = "ci/leakgate.gitlab-ci.yml";

#[track_caller]
fn assert_known(what: &str, found: &[String], allowed: &[&str]) {
    for key in found {
        assert!(
            allowed.contains(&key.as_str()),
            "{TEMPLATE}: `{key}` is not a GitLab {what} keyword"
        );
    }
}

#[test]
fn the_gitlab_template_uses_only_documented_keywords() {
    let doc = yaml(TEMPLATE);
    let top = keys(&doc);
    let jobs: Vec<&String> = top
        .iter()
        .filter(|k| !GITLAB_GLOBAL.contains(&k.as_str()))
        .collect();
    assert!(jobs.len() >= 3, "{top:?}");
    for name in &jobs {
        let job = &doc[name.as_str()];
        assert_known("job", &keys(job), GITLAB_JOB);
        if let Some(parent) = job["extends"].as_str() {
            assert!(
                top.iter().any(|k| k == parent),
                "{name} extends unknown {parent}"
            );
        }
        if !job["artifacts"].is_null() {
            assert_known("artifacts", &keys(&job["artifacts"]), GITLAB_ARTIFACTS);
            assert_known(
                "artifacts:reports",
                &keys(&job["artifacts"]["reports"]),
                GITLAB_REPORTS,
            );
        }
        if job["image"].is_mapping() {
            assert_known("image", &keys(&job["image"]), GITLAB_IMAGE);
            assert!(job["image"]["name"].as_str().is_some());
        }
        if let Some(rules) = job["rules"].as_sequence() {
            for rule in rules {
                assert_known("rules", &keys(rule), GITLAB_RULES);
            }
        }
        if let Some(stage) = job["stage"].as_str() {
            assert!(GITLAB_DEFAULT_STAGES.contains(&stage), "stage {stage}");
        }
        // Hidden jobs are templates; every real job runs a script.
        if !name.starts_with('.') {
            assert!(job["script"].is_sequence(), "{name} has no script");
        }
    }
    for var in keys(&doc["variables"]) {
        assert!(var.starts_with("LEAKGATE_"), "{var}");
    }

    // The two report artifacts, each written by its job's script.
    let reports = [
        (
            "leakgate-secrets",
            "secret_detection",
            "gl-secret-detection-report.json",
        ),
        (
            "leakgate-deps",
            "dependency_scanning",
            "gl-dependency-scanning-report.json",
        ),
    ];
    for (job, kind, file) in reports {
        let j = &doc[job];
        assert_eq!(
            j["artifacts"]["reports"][kind].as_str(),
            Some(file),
            "{job}"
        );
        assert_eq!(j["artifacts"]["when"].as_str(), Some("always"), "{job}");
        assert!(script(job).contains(&format!("--format gitlab > {file}")));
    }
    assert_eq!(
        doc[".leakgate"]["image"]["name"].as_str(),
        Some("$LEAKGATE_IMAGE")
    );
}

/// A job's script, as the runner would run it (the lines joined).
fn script(job: &str) -> String {
    let doc = yaml(TEMPLATE);
    doc[job]["script"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs a template job's script with bash (GitLab runs it with `set -e`
/// semantics: the first failing command fails the job), the built binary
/// first on PATH.
fn run_job(job: &str, dir: &Path, env: &[(&str, &str)]) -> (i32, String) {
    let bin = assert_cmd::cargo::cargo_bin("leakgate");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut c = Command::new("bash");
    c.args(["-e", "-c", &script(job)])
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env("LEAKGATE_SCAN_ARGS", "")
        .env("LEAKGATE_DEPS_ARGS", "")
        .env("LEAKGATE_HISTORY", "false")
        .env_remove("CI_MERGE_REQUEST_DIFF_BASE_SHA")
        .env_remove("CI_COMMIT_BEFORE_SHA");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn report(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_gitlab_jobs_write_their_reports() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    std::fs::write(d.join("README"), "hello\n").unwrap();
    git(d, &["add", "README"]);
    git(d, &["commit", "-q", "-m", "Initial commit"]);
    let before = git(d, &["rev-parse", "HEAD"]);
    let token = format!("ghp_{}", "R7kQ2mX9vL4pT8wZ1nB6cY3hJ5dF0sGaEuKi");
    std::fs::write(
        d.join("deploy.sh"),
        format!("export API_TOKEN=\"{token}\"\n"),
    )
    .unwrap();
    git(d, &["add", "deploy.sh"]);
    git(d, &["commit", "-q", "-m", "Add deploy script"]);
    let after = git(d, &["rev-parse", "HEAD"]);

    // A push: the pushed commit is scanned; findings fail the job.
    let (code, stderr) = run_job(
        "leakgate-secrets",
        d,
        &[("CI_COMMIT_BEFORE_SHA", &before), ("CI_COMMIT_SHA", &after)],
    );
    assert_eq!(code, 1, "{stderr}");
    let doc = report(&d.join("gl-secret-detection-report.json"));
    assert_eq!(doc["scan"]["type"], "secret_detection");
    assert_eq!(doc["vulnerabilities"][0]["location"]["file"], "deploy.sh");
    assert_eq!(
        doc["vulnerabilities"][0]["location"]["commit"]["sha"],
        after
    );
    assert!(!doc.to_string().contains(&token));

    // A merge request whose commits are clean passes.
    let (code, stderr) = run_job(
        "leakgate-secrets",
        d,
        &[
            ("CI_MERGE_REQUEST_DIFF_BASE_SHA", &before),
            ("CI_COMMIT_SHA", &before),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let doc = report(&d.join("gl-secret-detection-report.json"));
    assert_eq!(doc["vulnerabilities"].as_array().unwrap().len(), 0);

    // A new branch (no before commit): the whole history.
    let (code, stderr) = run_job(
        "leakgate-secrets",
        d,
        &[
            (
                "CI_COMMIT_BEFORE_SHA",
                "0000000000000000000000000000000000000000",
            ),
            ("CI_COMMIT_SHA", &after),
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("leakgate scan --history"), "{stderr}");

    // Dependency scanning over a lockfile, against the test advisories.
    let deps = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("tests/fixtures/deps/rust/Cargo.lock"),
        deps.path().join("Cargo.lock"),
    )
    .unwrap();
    let db = format!("--db {}", root().join("tests/fixtures/osv").display());
    let (code, stderr) = run_job("leakgate-deps", deps.path(), &[("LEAKGATE_DEPS_ARGS", &db)]);
    assert_eq!(code, 1, "{stderr}");
    let doc = report(&deps.path().join("gl-dependency-scanning-report.json"));
    assert_eq!(doc["scan"]["type"], "dependency_scanning");
    assert!(!doc["vulnerabilities"].as_array().unwrap().is_empty());
}

// --- GitHub workflows and the action ---

fn workflows() -> Vec<(String, serde_yaml_ng::Value)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root().join(".github/workflows")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".yml") || name.ends_with(".yaml") {
            out.push((
                format!(".github/workflows/{name}"),
                yaml(&format!(".github/workflows/{name}")),
            ));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Every `uses:` of a list of steps.
fn uses_of(steps: &serde_yaml_ng::Value) -> Vec<String> {
    steps
        .as_sequence()
        .map(|s| {
            s.iter()
                .filter_map(|step| step["uses"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[track_caller]
fn assert_pinned(file: &str, uses: &str) {
    if uses.starts_with("./") {
        return; // this repository's own action, at the checked-out commit
    }
    let (action, rev) = uses
        .split_once('@')
        .unwrap_or_else(|| panic!("{file}: `{uses}` has no ref"));
    assert!(
        rev.len() == 40
            && rev
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
        "{file}: `{uses}` is not pinned to a full commit SHA"
    );
    assert!(action.split('/').count() >= 2, "{file}: `{uses}`");
    assert!(!action.starts_with("docker://"), "{file}: `{uses}`");
}

#[test]
fn workflows_pin_every_action_and_set_permissions() {
    let all = workflows();
    let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&".github/workflows/release.yml"),
        "{names:?}"
    );
    assert!(names.contains(&".github/workflows/ci.yml"), "{names:?}");
    let mut pinned = BTreeSet::new();
    for (file, wf) in &all {
        let perms = &wf["permissions"];
        assert!(perms.is_mapping(), "{file}: no top-level permissions map");
        for (scope, level) in perms.as_mapping().unwrap() {
            assert_eq!(
                level.as_str(),
                Some("read"),
                "{file}: top-level {scope:?} is not read"
            );
        }
        for (job, body) in wf["jobs"].as_mapping().unwrap() {
            let job = job.as_str().unwrap();
            for uses in uses_of(&body["steps"]) {
                assert_pinned(&format!("{file} job {job}"), &uses);
                pinned.insert(uses);
            }
            assert!(body["uses"].is_null(), "{file}: reusable workflow in {job}");
        }
    }
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    for uses in uses_of(&action["runs"]["steps"]) {
        assert_pinned("action.yml", &uses);
        pinned.insert(uses);
    }
    assert!(
        pinned
            .iter()
            .any(|u| u.starts_with("github/codeql-action/upload-sarif@")),
        "{pinned:?}"
    );
}

#[test]
fn the_action_declares_its_inputs_and_runs_its_scripts() {
    let action = yaml("action.yml");
    let inputs = keys(&action["inputs"]);
    for input in ["mode", "args", "fail-on", "sarif", "version"] {
        assert!(inputs.iter().any(|i| i == input), "input {input}");
    }
    let modes = action["inputs"]["mode"]["description"].as_str().unwrap();
    for mode in [
        "range", "staged", "history", "dir", "deps", "policy", "sbom",
    ] {
        assert!(modes.contains(mode), "mode {mode} undocumented");
    }
    for step in action["runs"]["steps"].as_sequence().unwrap() {
        if let Some(run) = step["run"].as_str() {
            // Inputs reach the scripts through env, never spliced into code.
            assert!(!run.contains("${{"), "expression in run: {run}");
            let script = run
                .trim_matches('\'')
                .trim_matches('"')
                .trim_start_matches("$GITHUB_ACTION_PATH/");
            let script = script.trim_end_matches('"');
            assert!(root().join(script).is_file(), "{script} missing");
            assert_eq!(step["shell"].as_str(), Some("bash"));
        }
    }
}

#[test]
fn the_release_workflow_builds_every_target_with_checksums_and_sbom() {
    let wf = yaml(".github/workflows/release.yml");
    let on = &wf["on"];
    assert!(
        on["push"]["tags"].is_sequence(),
        "release runs on tag pushes"
    );
    assert!(on["push"]["branches"].is_null());
    let targets: BTreeSet<String> = wf["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|e| e["target"].as_str().unwrap().to_string())
        .collect();
    let expected: BTreeSet<String> = [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(targets, expected);
    let text = std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    assert!(text.contains("cargo build --release --locked --target"));
    assert!(text.contains("sha256sum -- * > SHA256SUMS"));
    assert!(text.contains("leakgate sbom . --format cyclonedx-json"));
    // Only the publishing job may write.
    let publish = &wf["jobs"]["publish"];
    assert_eq!(publish["permissions"]["contents"].as_str(), Some("write"));
    for (job, body) in wf["jobs"].as_mapping().unwrap() {
        if job.as_str() != Some("publish") {
            assert!(body["permissions"].is_null(), "{job:?} widens permissions");
        }
    }
    // `leakgate sbom --format cyclonedx-json` is a real invocation.
    let out = assert_cmd::Command::cargo_bin("leakgate")
        .unwrap()
        .current_dir(root())
        .args(["sbom", ".", "--format", "cyclonedx-json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sbom: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sbom["bomFormat"], "CycloneDX");
}

#[test]
fn leakgate_policy_passes_on_its_own_ci_and_catches_a_widened_copy() {
    let run = |dir: &Path, target: &str| {
        assert_cmd::Command::cargo_bin("leakgate")
            .unwrap()
            .current_dir(dir)
            .args(["policy", target, "-f", "json"])
            .output()
            .unwrap()
    };
    let out = run(&root(), ".");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doc["scan"]["stats"]["policy_files_checked"].as_u64() >= Some(2),
        "{doc:#}"
    );

    // The same workflow with write-all permissions: caught.
    let copy = tempfile::tempdir().unwrap();
    let wf = copy.path().join(".github/workflows");
    std::fs::create_dir_all(&wf).unwrap();
    let text = std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    let widened = text.replacen(
        "permissions:\n  contents: read\n",
        "permissions: write-all\n",
        1,
    );
    assert_ne!(text, widened);
    std::fs::write(wf.join("release.yml"), widened).unwrap();
    let out = run(copy.path(), ".");
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule_id"] == "gha-write-all"));
}
