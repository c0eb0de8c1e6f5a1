//! The GitHub Action's shell steps (`ci/action/*.sh`), run here the way the
//! runner runs them: the asset name for each OS/arch, checksum verification
//! (success and every failure), the commit range computed from event
//! payloads in a real repository, the scan step end to end with the built
//! binary, and the install step from a release laid out on disk.

mod git_support;
use git_support::git_ok as git;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("ci/action")
        .join(name)
}

fn bash(name: &str, args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Output {
    let mut c = Command::new("bash");
    c.arg(script(name)).args(args).current_dir(dir);
    for var in [
        "GITHUB_EVENT_NAME",
        "GITHUB_EVENT_PATH",
        "GITHUB_OUTPUT",
        "GITHUB_PATH",
        "LEAKGATE_VERSION",
    ] {
        c.env_remove(var);
    }
    c.env("GIT_CONFIG_NOSYSTEM", "1");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("bash runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn asset_names_for_every_runner() {
    let here = std::env::temp_dir();
    for (os, arch, asset) in [
        ("Linux", "X64", "leakgate-x86_64-unknown-linux-musl.tar.gz"),
        (
            "Linux",
            "ARM64",
            "leakgate-aarch64-unknown-linux-musl.tar.gz",
        ),
        ("macOS", "X64", "leakgate-x86_64-apple-darwin.tar.gz"),
        ("macOS", "ARM64", "leakgate-aarch64-apple-darwin.tar.gz"),
        ("Windows", "X64", "leakgate-x86_64-pc-windows-msvc.zip"),
    ] {
        let out = bash("asset.sh", &[os, arch], &here, &[]);
        assert!(out.status.success(), "{os}/{arch}: {}", stderr(&out));
        assert_eq!(stdout(&out), asset);
        // The release workflow uploads exactly this name.
        let release = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows/release.yml"),
        )
        .unwrap();
        let target = asset
            .trim_start_matches("leakgate-")
            .trim_end_matches(".tar.gz")
            .trim_end_matches(".zip");
        assert!(release.contains(target), "release.yml builds no {target}");
    }
    for (os, arch) in [("Windows", "ARM64"), ("Linux", "X86"), ("FreeBSD", "X64")] {
        let out = bash("asset.sh", &[os, arch], &here, &[]);
        assert_eq!(out.status.code(), Some(3), "{os}/{arch}");
        assert!(
            stderr(&out).contains("no release binary"),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(
        bash("asset.sh", &["Linux"], &here, &[]).status.code(),
        Some(2)
    );
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn checksum_verification_accepts_only_a_matching_entry() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let asset = "leakgate-x86_64-unknown-linux-musl.tar.gz";
    std::fs::write(d.join(asset), b"release bytes").unwrap();
    let good = sha256_hex(b"release bytes");
    let other = sha256_hex(b"other bytes");
    let verify = |sums: &str| {
        std::fs::write(d.join("SHA256SUMS"), sums).unwrap();
        bash("verify.sh", &[asset, "SHA256SUMS"], d, &[])
    };

    let ok = verify(&format!(
        "{other}  leakgate-aarch64-apple-darwin.tar.gz\n{good}  {asset}\n"
    ));
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("SHA-256 verified"));
    // sha256sum's binary-mode marker and upper-case digits are accepted.
    let ok = verify(&format!("{}  *{asset}\n", good.to_uppercase()));
    assert!(ok.status.success(), "{}", stderr(&ok));

    let cases = [
        (format!("{other}  {asset}\n"), "checksum mismatch"),
        (
            format!("{good}  another-file.tar.gz\n"),
            "no single SHA-256 entry",
        ),
        (
            format!("{good}  {asset}\n{good}  {asset}\n"),
            "no single SHA-256 entry",
        ),
        (
            format!("{}  {asset}\n", &good[..40]),
            "no single SHA-256 entry",
        ),
        (String::new(), "no single SHA-256 entry"),
    ];
    for (sums, message) in cases {
        let out = verify(&sums);
        assert_eq!(out.status.code(), Some(1), "accepted:\n{sums}");
        assert!(stderr(&out).contains(message), "{}", stderr(&out));
    }
    let out = bash("verify.sh", &["missing.tar.gz", "SHA256SUMS"], d, &[]);
    assert_eq!(out.status.code(), Some(1));
}

/// A repository with `main` (one commit), pushed to a bare `origin`, then a
/// feature commit on top. Returns (dir, main sha, feature sha).
struct Repo {
    dir: tempfile::TempDir,
    base: String,
    head: String,
}

fn repo(second_file: &str, second_content: &str) -> Repo {
    let dir = tempfile::tempdir().unwrap();
    let origin = dir.path().join("origin.git");
    let work = dir.path().join("work");
    git(
        dir.path(),
        &["init", "-q", "--bare", origin.to_str().unwrap()],
    );
    git(dir.path(), &["init", "-q", work.to_str().unwrap()]);
    std::fs::write(work.join("README"), "hello\n").unwrap();
    git(&work, &["add", "README"]);
    git(&work, &["commit", "-q", "-m", "Initial commit"]);
    git(
        &work,
        &["remote", "add", "origin", origin.to_str().unwrap()],
    );
    git(&work, &["push", "-q", "origin", "main"]);
    git(&work, &["fetch", "-q", "origin"]);
    let base = git(&work, &["rev-parse", "HEAD"]);
    std::fs::write(work.join(second_file), second_content).unwrap();
    git(&work, &["add", second_file]);
    git(&work, &["commit", "-q", "-m", "Add a file"]);
    let head = git(&work, &["rev-parse", "HEAD"]);
    Repo { dir, base, head }
}

impl Repo {
    fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    /// Runs range.sh for `event` with `payload`.
    fn range(&self, event: &str, payload: Value) -> Output {
        let path = self.dir.path().join("event.json");
        std::fs::write(&path, payload.to_string()).unwrap();
        bash(
            "range.sh",
            &[],
            &self.work(),
            &[
                ("GITHUB_EVENT_NAME", event),
                ("GITHUB_EVENT_PATH", path.to_str().unwrap()),
            ],
        )
    }
}

const ZERO: &str = "0000000000000000000000000000000000000000";

#[test]
fn range_follows_the_event_payload() {
    let r = repo("notes.txt", "notes\n");
    let (base, head) = (r.base.as_str(), r.head.as_str());

    let pr = json!({ "pull_request": { "base": { "sha": base }, "head": { "sha": head } } });
    for event in ["pull_request", "pull_request_target"] {
        let out = r.range(event, pr.clone());
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(stdout(&out), format!("--range {base}..{head}"));
    }

    let push = |before: &str, ref_: &str| {
        json!({ "ref": ref_, "before": before, "after": head, "deleted": false,
                "repository": { "default_branch": "main" } })
    };
    let out = r.range("push", push(base, "refs/heads/main"));
    assert_eq!(
        stdout(&out),
        format!("--range {base}..{head}"),
        "{}",
        stderr(&out)
    );
    // First push of a branch: its commits are those not on the default branch.
    let out = r.range("push", push(ZERO, "refs/heads/feature"));
    assert_eq!(
        stdout(&out),
        format!("--range origin/main..{head}"),
        "{}",
        stderr(&out)
    );
    // A before commit the clone does not have (force push) is treated alike.
    let unknown = "1234567890123456789012345678901234567890";
    let out = r.range("push", push(unknown, "refs/heads/feature"));
    assert_eq!(
        stdout(&out),
        format!("--range origin/main..{head}"),
        "{}",
        stderr(&out)
    );
    // ... and on the default branch itself, the whole history is scanned.
    let out = r.range("push", push(ZERO, "refs/heads/main"));
    assert_eq!(stdout(&out), "--history");
    // A deleted branch: nothing to scan.
    let out = r.range(
        "push",
        json!({ "ref": "refs/heads/feature", "before": head, "after": ZERO, "deleted": true }),
    );
    assert!(out.status.success());
    assert_eq!(stdout(&out), "");
    // Events without commits scan the history.
    for event in ["schedule", "workflow_dispatch"] {
        let out = r.range(event, json!({}));
        assert_eq!(stdout(&out), "--history");
    }

    // Bad payloads are errors naming what is missing.
    let out = r.range("pull_request", json!({ "pull_request": {} }));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("pull_request.base.sha"),
        "{}",
        stderr(&out)
    );
    let out = r.range(
        "pull_request",
        json!({ "pull_request": { "base": { "sha": unknown }, "head": { "sha": head } } }),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("fetch-depth: 0"), "{}", stderr(&out));
    let out = r.range("push", json!({ "before": base }));
    assert_eq!(out.status.code(), Some(2));
    let out = bash(
        "range.sh",
        &[],
        &r.work(),
        &[
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_EVENT_PATH", "/nonexistent/event.json"),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not found"), "{}", stderr(&out));
}

fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("leakgate")
}

/// A token for the generic rule, assembled at run time.
fn token() -> String {
    format!("ghp_{}", "R7kQ2mX9vL4pT8wZ1nB6cY3hJ5dF0sGaEuKi")
}

fn outputs(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn the_scan_step_gates_on_the_pushed_commits_and_writes_sarif() {
    let r = repo("deploy.sh", &format!("export API_TOKEN=\"{}\"\n", token()));
    let event = r.dir.path().join("event.json");
    std::fs::write(
        &event,
        json!({ "ref": "refs/heads/main", "before": r.base, "after": r.head,
                "repository": { "default_branch": "main" } })
        .to_string(),
    )
    .unwrap();
    let out_file = r.dir.path().join("github_output");
    let bin = binary();
    let run = |mode: &str, sarif: &str, extra: &[(&str, &str)]| {
        std::fs::write(&out_file, "").unwrap();
        let mut env = vec![
            ("MODE", mode),
            ("SARIF", sarif),
            ("LEAKGATE", bin.to_str().unwrap()),
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_EVENT_PATH", event.to_str().unwrap()),
            ("GITHUB_OUTPUT", out_file.to_str().unwrap()),
            ("NO_COLOR", "1"),
        ];
        env.extend_from_slice(extra);
        bash("run.sh", &[], &r.work(), &env)
    };

    let out = run("range", "true", &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains(&format!("scan --range {}..{}", r.base, r.head)));
    let written = outputs(&out_file);
    assert!(written.contains("exit-code=1"), "{written}");
    assert!(written.contains("sarif-file=leakgate.sarif"), "{written}");
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(r.work().join("leakgate.sarif")).unwrap())
            .unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "deploy.sh"
    );
    assert!(!sarif.to_string().contains(&token()));

    // fail-on and extra args are passed on; secret findings fail at any
    // severity (--fail-on gates dependency and policy findings).
    let out = run(
        "range",
        "false",
        &[("FAIL_ON", "critical"), ("ARGS", "--min-confidence low")],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(outputs(&out_file).contains("exit-code=1"));
    assert!(!outputs(&out_file).contains("sarif-file"));
    assert!(stdout(&out).contains("--fail-on critical --min-confidence low"));

    // Other modes run their command.
    let out = run("history", "false", &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let out = run("policy", "false", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let wf = r.work().join(".github/workflows");
    std::fs::create_dir_all(&wf).unwrap();
    std::fs::write(
        wf.join("ci.yml"),
        "on: push\npermissions: write-all\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n",
    )
    .unwrap();
    let out = run("policy", "true", &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(outputs(&out_file).contains("sarif-file=leakgate.sarif"));
    // A high-severity check passes under fail-on critical.
    let out = run("policy", "false", &[("FAIL_ON", "critical")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::remove_dir_all(r.work().join(".github")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/deps/rust/Cargo.lock"),
        r.work().join("Cargo.lock"),
    )
    .unwrap();
    let out = run("sbom", "false", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let sbom: Value =
        serde_json::from_str(&std::fs::read_to_string(r.work().join("leakgate.cdx.json")).unwrap())
            .unwrap();
    assert_eq!(sbom["bomFormat"], "CycloneDX");

    // Input errors are exit 2 with a message, and nothing runs.
    for (mode, sarif, message) in [
        ("everything", "false", "unknown mode"),
        ("dir", "yes", "must be \"true\" or \"false\""),
        ("sbom", "true", "not a SARIF report"),
    ] {
        let out = run(mode, sarif, &[]);
        assert_eq!(out.status.code(), Some(2), "{mode}");
        assert!(stderr(&out).contains(message), "{}", stderr(&out));
    }
}

/// Lays out a release like the release workflow's: the archive for this
/// runner and SHA256SUMS, under `<base>/download/v<version>/`.
#[cfg(unix)]
fn release(base: &Path, version: &str, tamper: bool) -> String {
    let asset = "leakgate-x86_64-unknown-linux-musl.tar.gz";
    let dir = base.join("download").join(format!("v{version}"));
    std::fs::create_dir_all(&dir).unwrap();
    let stage = base.join("stage");
    std::fs::create_dir_all(&stage).unwrap();
    // A stand-in executable: what is checked is download, verification and
    // installation, not the binary's contents.
    let fake = stage.join("leakgate");
    std::fs::write(&fake, format!("#!/bin/sh\necho \"leakgate {version}\"\n")).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let status = Command::new("tar")
        .args(["-czf", dir.join(asset).to_str().unwrap(), "-C"])
        .arg(&stage)
        .arg("leakgate")
        .status()
        .unwrap();
    assert!(status.success());
    let mut digest = sha256_hex(&std::fs::read(dir.join(asset)).unwrap());
    if tamper {
        digest = sha256_hex(b"something else");
    }
    std::fs::write(dir.join("SHA256SUMS"), format!("{digest}  {asset}\n")).unwrap();
    format!("file://{}", base.display())
}

#[cfg(unix)]
#[test]
fn the_install_step_verifies_the_release_it_installs() {
    if Command::new("curl").arg("--version").output().is_err() {
        println!("skipped: curl is not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("releases");
    let url = release(&base, "9.9.9", false);
    let runner_temp = tmp.path().join("runner");
    std::fs::create_dir_all(&runner_temp).unwrap();
    let path_file = tmp.path().join("github_path");
    let install = |version: &str, ref_: &str| {
        bash(
            "install.sh",
            &[],
            tmp.path(),
            &[
                ("LEAKGATE_VERSION", version),
                ("ACTION_REPOSITORY", "owner/leakgate"),
                ("ACTION_REF", ref_),
                ("LEAKGATE_DOWNLOAD_BASE", &url),
                ("RUNNER_OS", "Linux"),
                ("RUNNER_ARCH", "X64"),
                ("RUNNER_TEMP", runner_temp.to_str().unwrap()),
                ("GITHUB_PATH", path_file.to_str().unwrap()),
            ],
        )
    };
    // The version comes from the action's ref when it is a release tag.
    let out = install("", "v9.9.9");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("SHA-256 verified"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("leakgate 9.9.9"), "{}", stdout(&out));
    let installed = runner_temp.join("leakgate-bin/bin/leakgate");
    assert!(installed.is_file());
    assert_eq!(
        outputs(&path_file).trim(),
        runner_temp.join("leakgate-bin/bin").display().to_string()
    );

    // A checksum mismatch fails and installs nothing (no fallback build).
    std::fs::remove_dir_all(runner_temp.join("leakgate-bin")).unwrap();
    std::fs::remove_file(&path_file).unwrap();
    release(&base, "9.9.8", true);
    let out = install("9.9.8", "main");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("checksum mismatch"),
        "{}",
        stderr(&out)
    );
    assert!(!installed.exists());
    assert!(outputs(&path_file).is_empty());
}
