//! GitHub Actions workflows (`.github/workflows/*.yml`): token permissions,
//! privileged triggers that run a pull request's code, attacker-controlled
//! event fields expanded into scripts, and actions or reusable workflows not
//! pinned to a commit.

use super::check::{Check, Example, Family, Hit};
use super::doc::{Node, Value};
use crate::finding::Severity;
use regex::Regex;
use std::sync::LazyLock;

/// Event fields anyone who can open an issue or pull request controls.
static UNTRUSTED: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"github\.head_ref\b|github\.event\.(",
        r"(issue|pull_request|discussion)\.(title|body)\b",
        r"|(comment|review|review_comment)\.body\b",
        r"|pages\b.*\.page_name\b",
        r"|(head_commit|workflow_run\.head_commit)\.(message|author\.(name|email))\b",
        r"|commits\b.*\.(message|author\.(name|email))\b",
        r"|pull_request\.head\.(ref|label|repo\.default_branch)\b",
        r"|workflow_run\.(head_branch|display_title)\b",
        r")"
    ))
    .ok()
});

/// `${{ ... }}` expressions.
static EXPRESSION: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\$\{\{([^}]|\}[^}])*\}\}").ok());

/// Refs of a checkout that select the pull request's code.
const PR_HEAD_REFS: &[&str] = &[
    "github.event.pull_request.head.sha",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.merge_commit_sha",
    "github.head_ref",
    "github.event.workflow_run.head_sha",
    "github.event.workflow_run.head_branch",
    "refs/pull/",
];

fn is_sha(r: &str) -> bool {
    r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Splits `owner/repo/path@ref`; `None` for local (`./`) and docker uses.
fn remote_ref(uses: &str) -> Option<(&str, &str)> {
    if uses.starts_with("./") || uses.starts_with("docker://") {
        return None;
    }
    let (target, r) = uses.rsplit_once('@')?;
    let owner = target.split('/').next()?;
    Some((owner, r))
}

/// Runs the workflow checks on a parsed workflow; `text` is its source (to
/// place findings inside multi-line scripts).
pub fn check_workflow(doc: &Node, text: &str, hits: &mut Vec<Hit>) {
    let triggers: Vec<String> = match doc.get("on") {
        Some(on) => match &on.value {
            Value::Str(s) => vec![s.clone()],
            Value::Seq(_) => on
                .strings()
                .into_iter()
                .map(|(s, _)| s.to_string())
                .collect(),
            Value::Map(m) => m.iter().map(|(k, _)| k.clone()).collect(),
            _ => Vec::new(),
        },
        None => Vec::new(),
    };
    let jobs = doc.get("jobs").map(Node::entries).unwrap_or_default();
    let top = doc.get("permissions");
    if let Some(p) = top.filter(|p| p.as_str() == Some("write-all")) {
        hits.push(Hit::new(
            "gha-write-all",
            p.line,
            "permissions".into(),
            "the workflow grants permissions: write-all to every job".into(),
        ));
    }
    let only_called = !triggers.is_empty() && triggers.iter().all(|t| t == "workflow_call");
    if top.is_none() && !only_called {
        if let Some((name, _)) = jobs.iter().find(|(_, j)| j.get("permissions").is_none()) {
            hits.push(Hit::new(
                "gha-no-permissions",
                doc.line,
                "permissions".into(),
                format!("no top-level permissions and job `{name}` sets none: it gets the repository's default token scopes"),
            ));
        }
    }
    let privileged = triggers
        .iter()
        .any(|t| t == "pull_request_target" || t == "workflow_run");
    let lines: Vec<&str> = text.lines().collect();
    for (job, j) in jobs {
        if let Some(p) = j
            .get("permissions")
            .filter(|p| p.as_str() == Some("write-all"))
        {
            hits.push(Hit::new(
                "gha-write-all",
                p.line,
                format!("jobs/{job}/permissions"),
                format!("job `{job}` grants permissions: write-all"),
            ));
        }
        reusable(job, j, hits);
        let steps = j.get("steps").map(Node::items).unwrap_or_default();
        for (i, step) in steps.into_iter().enumerate() {
            let at = format!("jobs/{job}/steps[{i}]");
            let uses = step.get("uses");
            let uses_str = uses.and_then(Node::as_str).unwrap_or("");
            if let Some(u) = uses.filter(|_| !uses_str.is_empty()) {
                pinning(&at, uses_str, u, hits);
            }
            let action = uses_str
                .split('@')
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            if privileged && action == "actions/checkout" {
                if let Some(r) = step.path(&["with", "ref"]) {
                    let s = r.as_str().unwrap_or("");
                    if PR_HEAD_REFS.iter().any(|p| s.contains(p)) {
                        hits.push(Hit::new(
                            "gha-pr-target-checkout",
                            r.line,
                            format!("{at}/with/ref"),
                            format!("job `{job}` checks out the pull request's code ({}) in a privileged pull_request_target/workflow_run workflow", s.trim()),
                        ));
                    }
                }
            }
            if let Some(run) = step.get("run") {
                injection("gha-script-injection", &at, run, &lines, hits);
            }
            if action == "actions/github-script" {
                if let Some(script) = step.path(&["with", "script"]) {
                    injection("gha-github-script-injection", &at, script, &lines, hits);
                }
            }
        }
    }
}

fn pinning(at: &str, uses: &str, node: &Node, hits: &mut Vec<Hit>) {
    if let Some(image) = uses.strip_prefix("docker://") {
        if !image.contains("@sha256:") {
            hits.push(Hit::new(
                "gha-unpinned-docker",
                node.line,
                format!("{at}/uses"),
                format!("step runs the container image {image} by tag, not by digest"),
            ));
        }
        return;
    }
    let Some((owner, r)) = remote_ref(uses) else {
        return;
    };
    let first_party = owner.eq_ignore_ascii_case("actions") || owner.eq_ignore_ascii_case("github");
    if !first_party && !is_sha(r) {
        hits.push(Hit::new(
            "gha-unpinned-action",
            node.line,
            format!("{at}/uses/{}", uses.split('@').next().unwrap_or(uses)),
            format!("third-party action {uses} is pinned to `{r}`, which its owner can move"),
        ));
    }
}

fn reusable(job: &str, j: &Node, hits: &mut Vec<Hit>) {
    let Some(u) = j.get("uses") else { return };
    let Some(uses) = u.as_str() else { return };
    let Some((owner, r)) = remote_ref(uses) else {
        return;
    };
    if is_sha(r) {
        return;
    }
    let at = format!("jobs/{job}/uses");
    if j.get("secrets").and_then(Node::as_str) == Some("inherit") {
        hits.push(Hit::new(
            "gha-reusable-secrets-inherit-unpinned",
            u.line,
            at,
            format!("job `{job}` passes all secrets (secrets: inherit) to {uses}, pinned to the movable ref `{r}`"),
        ));
    } else if !owner.eq_ignore_ascii_case("actions") && !owner.eq_ignore_ascii_case("github") {
        hits.push(Hit::new(
            "gha-unpinned-reusable-workflow",
            u.line,
            at,
            format!("job `{job}` calls the reusable workflow {uses} at the movable ref `{r}`"),
        ));
    }
}

fn injection(id: &'static str, at: &str, script: &Node, lines: &[&str], hits: &mut Vec<Hit>) {
    let (Some(text), Some(expr_re), Some(untrusted)) =
        (script.as_str(), EXPRESSION.as_ref(), UNTRUSTED.as_ref())
    else {
        return;
    };
    for m in expr_re.find_iter(text) {
        let expr = m.as_str();
        let Some(field) = untrusted.find(expr) else {
            continue;
        };
        // The script node starts at its key (or `|`); find the line of the
        // expression itself in the source.
        let start = script.line.max(1) as usize;
        let line = lines
            .iter()
            .enumerate()
            .skip(start - 1)
            .take(2000)
            .find(|(_, l)| l.contains(expr))
            .map_or(script.line, |(i, _)| {
                u32::try_from(i + 1).unwrap_or(script.line)
            });
        hits.push(Hit::new(
            id,
            line,
            format!("{at}/{}", field.as_str()),
            format!("{} is expanded into the script: whoever writes it can run commands with the job's token and secrets", field.as_str()),
        ));
    }
}

const HARDENING: &str = "https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions";
const TOKEN: &str = "https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication#modifying-the-permissions-for-the-github_token";

/// The workflow checks.
pub const CHECKS: &[Check] = &[
    Check {
        id: "gha-no-permissions",
        family: Family::Actions,
        severity: Severity::Medium,
        title: "Workflow does not limit the GITHUB_TOKEN permissions",
        rationale: "Without a `permissions:` block the token gets the repository or organisation default, which is read-write for everything in many repositories: one compromised step can push code or releases.",
        remediation: "Add `permissions: contents: read` at the top level and grant more per job where needed.",
        references: &[TOKEN],
        examples: &[
            Example { path: ".github/workflows/ci.yml", text: "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n", line: 1 },
        ],
        negatives: &[
            Example { path: ".github/workflows/ci.yml", text: "on: push\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n", line: 0 },
            Example { path: ".github/workflows/ci.yml", text: "on: push\njobs:\n  test:\n    permissions: {}\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n", line: 0 },
            Example { path: ".github/workflows/lib.yml", text: "on: workflow_call\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n", line: 0 },
        ],
    },
    Check {
        id: "gha-write-all",
        family: Family::Actions,
        severity: Severity::High,
        title: "Workflow grants the GITHUB_TOKEN write access to everything",
        rationale: "`permissions: write-all` lets every step push to branches, publish releases and packages and change issues and settings with the token.",
        remediation: "Grant only the scopes the job uses, e.g. `contents: read`, `pull-requests: write`.",
        references: &[TOKEN],
        examples: &[
            Example { path: ".github/workflows/release.yml", text: "on: push\npermissions: write-all\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make release\n", line: 2 },
        ],
        negatives: &[
            Example { path: ".github/workflows/release.yml", text: "on: push\npermissions: read-all\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make release\n", line: 0 },
        ],
    },
    Check {
        id: "gha-pr-target-checkout",
        family: Family::Actions,
        severity: Severity::Critical,
        title: "Privileged workflow checks out the pull request's code",
        rationale: "`pull_request_target` and `workflow_run` run with secrets and a write token; checking out the pull request head and building it runs an outsider's code with those privileges.",
        remediation: "Use the `pull_request` trigger for building untrusted code; keep privileged work in a separate workflow that never executes the checked-out code.",
        references: &[HARDENING, "https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/"],
        examples: &[
            Example { path: ".github/workflows/pr.yml", text: "on: pull_request_target\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: npm ci && npm test\n", line: 10 },
        ],
        negatives: &[
            Example { path: ".github/workflows/pr.yml", text: "on: pull_request_target\npermissions:\n  contents: read\njobs:\n  label:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ./label.sh\n", line: 0 },
            Example { path: ".github/workflows/pr.yml", text: "on: pull_request\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n", line: 0 },
        ],
    },
    Check {
        id: "gha-script-injection",
        family: Family::Actions,
        severity: Severity::High,
        title: "Attacker-controlled event field expanded into a run script",
        rationale: "`${{ }}` is substituted into the script before the shell runs it: an issue title, pull request body, branch name or commit message containing `$(...)` or `\"; curl ... | sh` runs as a command with the job's token and secrets.",
        remediation: "Pass the value through an environment variable (`env: TITLE: ${{ github.event.issue.title }}`) and use \"$TITLE\" in the script.",
        references: &["https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections"],
        examples: &[
            Example { path: ".github/workflows/triage.yml", text: "on: issues\npermissions:\n  issues: write\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n          echo \"triaging\"\n          echo \"${{ github.event.issue.title }}\" | ./classify\n", line: 10 },
            Example { path: ".github/workflows/pr.yml", text: "on: pull_request\npermissions: {}\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: git log origin/${{ github.head_ref }}\n", line: 7 },
        ],
        negatives: &[
            Example { path: ".github/workflows/triage.yml", text: "on: issues\npermissions:\n  issues: write\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          TITLE: ${{ github.event.issue.title }}\n        run: echo \"$TITLE\" | ./classify\n      - run: echo ${{ github.event.issue.number }}\n", line: 0 },
        ],
    },
    Check {
        id: "gha-github-script-injection",
        family: Family::Actions,
        severity: Severity::High,
        title: "Attacker-controlled event field expanded into a github-script",
        rationale: "`${{ }}` in `actions/github-script`'s `script` is substituted into JavaScript before it runs: a crafted title or body becomes code running with the job's token.",
        remediation: "Read the value from `context.payload` inside the script instead of expanding it.",
        references: &["https://github.com/actions/github-script#security"],
        examples: &[
            Example { path: ".github/workflows/c.yml", text: "on: issue_comment\npermissions:\n  issues: write\njobs:\n  c:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/github-script@v7\n        with:\n          script: |\n            const body = `${{ github.event.comment.body }}`\n", line: 11 },
        ],
        negatives: &[
            Example { path: ".github/workflows/c.yml", text: "on: issue_comment\npermissions:\n  issues: write\njobs:\n  c:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/github-script@v7\n        with:\n          script: |\n            const body = context.payload.comment.body\n", line: 0 },
        ],
    },
    Check {
        id: "gha-unpinned-action",
        family: Family::Actions,
        severity: Severity::Medium,
        title: "Third-party action not pinned to a commit SHA",
        rationale: "A tag or branch can be moved by the action's owner or by whoever compromises the owner's account; the next run then executes the new code with the job's secrets. Only a full commit SHA is immutable.",
        remediation: "Pin to the full 40-character commit SHA (with the tag in a comment) and let Dependabot or Renovate update it.",
        references: &["https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions"],
        examples: &[
            Example { path: ".github/workflows/ci.yml", text: "on: push\npermissions:\n  contents: read\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: example-org/setup-tool@v2\n", line: 9 },
        ],
        negatives: &[
            Example { path: ".github/workflows/ci.yml", text: "on: push\npermissions:\n  contents: read\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-node@v4\n      - uses: example-org/setup-tool@8f4b7f84864484a7bf31766abe9204da3cbe65b3 # v2.1.0\n      - uses: ./.github/actions/local\n", line: 0 },
        ],
    },
    Check {
        id: "gha-unpinned-docker",
        family: Family::Actions,
        severity: Severity::Low,
        title: "Container step not pinned to an image digest",
        rationale: "`uses: docker://image:tag` runs whatever the tag points to at run time; a pushed tag changes the code that runs with the job's secrets.",
        remediation: "Reference the image by digest: `docker://image@sha256:...`.",
        references: &["https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions#example-using-a-docker-hub-action"],
        examples: &[
            Example { path: ".github/workflows/ci.yml", text: "on: push\npermissions: {}\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker://alpine:3.20\n", line: 7 },
        ],
        negatives: &[
            Example { path: ".github/workflows/ci.yml", text: "on: push\npermissions: {}\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker://alpine@sha256:0a4eaa0eecf5f8c050e5bba433f58c052be7587ee8af3e8b3910ef9ab5fbe9f5\n", line: 0 },
        ],
    },
    Check {
        id: "gha-reusable-secrets-inherit-unpinned",
        family: Family::Actions,
        severity: Severity::High,
        title: "All secrets passed to a reusable workflow at a movable ref",
        rationale: "`secrets: inherit` hands every repository and organisation secret to the called workflow; when that workflow is referenced by branch or tag, whoever can move the ref receives them.",
        remediation: "Pin the reusable workflow to a commit SHA and pass only the secrets it needs by name.",
        references: &["https://docs.github.com/en/actions/sharing-automations/reusing-workflows#passing-inputs-and-secrets-to-a-reusable-workflow"],
        examples: &[
            Example { path: ".github/workflows/deploy.yml", text: "on: push\npermissions:\n  contents: read\njobs:\n  deploy:\n    uses: example-org/pipelines/.github/workflows/deploy.yml@main\n    secrets: inherit\n", line: 6 },
        ],
        negatives: &[
            Example { path: ".github/workflows/deploy.yml", text: "on: push\npermissions:\n  contents: read\njobs:\n  deploy:\n    uses: ./.github/workflows/deploy.yml\n    secrets: inherit\n  other:\n    uses: example-org/pipelines/.github/workflows/deploy.yml@8f4b7f84864484a7bf31766abe9204da3cbe65b3\n    secrets: inherit\n", line: 0 },
        ],
    },
    Check {
        id: "gha-unpinned-reusable-workflow",
        family: Family::Actions,
        severity: Severity::Medium,
        title: "Third-party reusable workflow not pinned to a commit SHA",
        rationale: "A reusable workflow referenced by branch or tag runs whatever its owner pushes next, with the permissions the caller grants.",
        remediation: "Pin the `uses:` reference to a full commit SHA.",
        references: &["https://docs.github.com/en/actions/sharing-automations/reusing-workflows#calling-a-reusable-workflow"],
        examples: &[
            Example { path: ".github/workflows/ci.yml", text: "on: push\npermissions:\n  contents: read\njobs:\n  lint:\n    uses: example-org/pipelines/.github/workflows/lint.yml@v1\n", line: 6 },
        ],
        negatives: &[
            Example { path: ".github/workflows/ci.yml", text: "on: push\npermissions:\n  contents: read\njobs:\n  lint:\n    uses: ./.github/workflows/lint.yml\n", line: 0 },
        ],
    },
];
