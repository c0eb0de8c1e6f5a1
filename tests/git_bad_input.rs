//! Bad input for the git modes: a clear message and exit 2, or a warning
//! where scanning can go on; never a panic.

mod git_support;

use git_support::{findings, leakgate_in, secret, stat, TestRepo};

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn not_a_repository_and_unknown_refs_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = leakgate_in(dir.path(), dir.path())
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .args(["scan", "--history"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("not a git repository"),
        "{}",
        stderr_of(&out)
    );

    let t = TestRepo::new();
    t.add("a.txt", "a\n");
    t.commit("one");
    let out = t
        .leakgate()
        .args(["scan", "--history", "--branch", "no-such-branch"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("unknown revision or ref `no-such-branch`"));

    let out = t
        .leakgate()
        .args(["scan", "--branch", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "--branch needs --history");
    let out = t
        .leakgate()
        .args(["scan", "--staged", "--history"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "one mode at a time");
    let out = t
        .leakgate()
        .args(["scan", "--history", "a", "b"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("at most one PATH"));
}

#[test]
fn empty_repositories_warn_instead_of_failing_history_and_fail_ranges() {
    let t = TestRepo::new();
    let (code, report) = t.json(&["scan", "--history"]);
    assert_eq!(code, 0);
    assert_eq!(stat(&report, "commits"), 0);
    assert!(report["scan"]["warnings"]
        .to_string()
        .contains("the repository has no commits: nothing to scan"));
    // Staged works before the first commit; --since needs a commit.
    let (code, _) = t.json(&["scan", "--staged"]);
    assert_eq!(code, 0);
    let out = t
        .leakgate()
        .args(["scan", "--since", "HEAD"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("unknown revision or ref `HEAD`"));
}

#[test]
fn detached_head_is_fine() {
    let t = TestRepo::new();
    t.add("a.txt", &format!("{}\n", secret(1)));
    let c = t.commit("one");
    t.repo.set_head_detached(c).unwrap();
    let (code, report) = t.json(&["scan", "--history"]);
    assert_eq!(code, 1);
    assert_eq!(findings(&report)[0]["location"]["commit"], c.to_string());
    t.add("b.txt", &format!("{}\n", secret(2)));
    let (code, report) = t.json(&["scan", "--staged"]);
    assert_eq!((code, findings(&report).len()), (1, 1));
}

/// Path of a loose object in the repository.
fn loose(t: &TestRepo, id: git2::Oid) -> std::path::PathBuf {
    let hex = id.to_string();
    t.repo
        .path()
        .join("objects")
        .join(&hex[..2])
        .join(&hex[2..])
}

#[test]
fn a_missing_blob_is_reported_and_the_audit_goes_on() {
    let t = TestRepo::new();
    t.add("ok.txt", &format!("{}\n", secret(3)));
    t.add("lost.txt", "this blob will be lost\n");
    t.commit("one");
    let lost = t
        .repo
        .index()
        .unwrap()
        .get_path(std::path::Path::new("lost.txt"), 0)
        .unwrap()
        .id;
    std::fs::remove_file(loose(&t, lost)).unwrap();

    let (code, report) = t.json(&["scan", "--history"]);
    assert_eq!(code, 1, "the readable blob's finding still fails the run");
    assert_eq!(findings(&report).len(), 1);
    assert_eq!(stat(&report, "files_unreadable"), 1);
    let errors = report["scan"]["errors"].to_string();
    assert!(errors.contains(&format!("blob {lost}")), "{errors}");

    let out = t
        .leakgate()
        .args(["scan", "--history", "--strict"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "--strict turns unreadable input into exit 2"
    );
}

#[test]
fn a_missing_tree_stops_the_audit_with_exit_2() {
    let t = TestRepo::new();
    t.add("dir/a.txt", "a\n");
    let c = t.commit("one");
    let tree = t.repo.find_commit(c).unwrap().tree().unwrap();
    let subtree = tree.get_name("dir").unwrap().id();
    std::fs::remove_file(loose(&t, subtree)).unwrap();
    let out = t.leakgate().args(["scan", "--history"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(err.contains(&format!("reading tree {subtree}")), "{err}");
}
