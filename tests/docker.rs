//! The container image: `docker build` of the repository's Dockerfile, then
//! `docker run … scan` over a mounted directory and a mounted git repository
//! owned by another user. Skipped, with the reason printed, only when
//! `docker info` fails (no Docker client or no daemon).
//!
//! Environment (for machines that cannot reach the default base images):
//! `LEAKGATE_DOCKER_RUST_IMAGE` / `LEAKGATE_DOCKER_BASE_IMAGE` become the
//! Dockerfile's `RUST_IMAGE` / `BASE_IMAGE` build arguments, and
//! `LEAKGATE_DOCKER_CONTEXT` names a build context to use instead of this
//! checkout (a copy of it with vendored crates, for an offline build).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn docker(args: &[&str]) -> Output {
    Command::new("docker")
        .args(args)
        .output()
        .expect("docker runs")
}

/// Why Docker cannot be used here, if it cannot.
fn docker_unavailable() -> Option<String> {
    match Command::new("docker")
        .args(["info", "--format", "{{.ServerVersion}}"])
        .output()
    {
        Err(e) => Some(format!("`docker info` could not run: {e}")),
        Ok(out) if !out.status.success() => Some(format!(
            "`docker info` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Ok(_) => None,
    }
}

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A world-readable directory the container's non-root user can read.
fn shared_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir
}

/// Runs the image with `dir` mounted at /src (its WORKDIR).
fn run(image: &str, dir: &Path, args: &[&str]) -> Output {
    let mount = format!("{}:/src:ro", dir.display());
    let mut all = vec!["run", "--rm", "--network", "none", "-v", &mount, image];
    all.extend_from_slice(args);
    docker(&all)
}

/// A high-entropy token assigned to a key name, assembled at run time.
fn token() -> String {
    format!("ghp_{}", "R7kQ2mX9vL4pT8wZ1nB6cY3hJ5dF0sGaEuKi")
}

#[test]
fn the_image_builds_and_scans_a_mounted_repository() {
    if let Some(reason) = docker_unavailable() {
        println!("skipped: {reason}");
        eprintln!("tests/docker.rs skipped: {reason}");
        return;
    }
    let context = std::env::var_os("LEAKGATE_DOCKER_CONTEXT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let image = format!("leakgate-test:{}", std::process::id());
    let dockerfile = Path::new(env!("CARGO_MANIFEST_DIR")).join("Dockerfile");
    let dockerfile = dockerfile.display().to_string();
    let context = context.display().to_string();
    let mut build: Vec<String> = ["build", "-t", &image, "-f", &dockerfile]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for (var, arg) in [
        ("LEAKGATE_DOCKER_RUST_IMAGE", "RUST_IMAGE"),
        ("LEAKGATE_DOCKER_BASE_IMAGE", "BASE_IMAGE"),
    ] {
        if let Ok(value) = std::env::var(var) {
            build.push("--build-arg".into());
            build.push(format!("{arg}={value}"));
        }
    }
    build.push(context);
    let args: Vec<&str> = build.iter().map(String::as_str).collect();
    let out = docker(&args);
    assert!(out.status.success(), "docker build failed: {}", text(&out));

    let result = std::panic::catch_unwind(|| check_image(&image));
    docker(&["rmi", "-f", &image]);
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

fn check_image(image: &str) {
    // Non-root, leakgate as the entry point.
    let out = docker(&["run", "--rm", "--entrypoint", "id", image, "-u"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_ne!(String::from_utf8_lossy(&out.stdout).trim(), "0");
    let out = docker(&["run", "--rm", image, "--version"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains(env!("CARGO_PKG_VERSION")));

    // A clean directory passes, a planted secret fails with exit 1, redacted.
    let dir = shared_dir();
    std::fs::write(dir.path().join("README"), "nothing to see\n").unwrap();
    let out = run(image, dir.path(), &["scan", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    std::fs::write(
        dir.path().join("settings.py"),
        format!("API_TOKEN = \"{}\"\n", token()),
    )
    .unwrap();
    let out = run(image, dir.path(), &["scan", ".", "-f", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("settings.py"), "{stdout}");
    assert!(
        !stdout.contains(&token()),
        "secret shown in clear: {stdout}"
    );

    // A git repository owned by another user (the host's): git and libgit2
    // accept it (safe.directory) and the history scan attributes the commit.
    let repo = shared_dir();
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .current_dir(repo.path())
            .args([
                "-c",
                "user.name=Jane Doe",
                "-c",
                "user.email=jane@example.com",
            ])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    std::fs::write(
        repo.path().join("deploy.sh"),
        format!("export API_TOKEN=\"{}\"\n", token()),
    )
    .unwrap();
    git(&["add", "deploy.sh"]);
    git(&["commit", "-q", "-m", "Add deploy script"]);
    let out = run(image, repo.path(), &["scan", "--history", "-f", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"][0]["location"]["author"], "Jane Doe");
    assert_eq!(report["findings"][0]["location"]["path"], "deploy.sh");
    let out = docker(&[
        "run",
        "--rm",
        "--network",
        "none",
        "-v",
        &format!("{}:/src:ro", repo.path().display()),
        "--entrypoint",
        "git",
        image,
        "log",
        "--format=%s",
    ]);
    assert!(out.status.success(), "git in the image: {}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "Add deploy script"
    );
}
