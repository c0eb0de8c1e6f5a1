//! `leakgate scan --range`, `--since` and `--pre-push`: commits in a range,
//! only their added lines, attributed to the commit that added them.

mod git_support;

use git_support::{findings, git, locations, secret, stat, TestRepo};

const ZERO: &str = "0000000000000000000000000000000000000000";

/// base (clean) -> c1 (secret 1 in a.txt) -> c2 (secret 2 appended, b.txt clean).
fn three_commits() -> (TestRepo, [git2::Oid; 3]) {
    let t = TestRepo::new();
    t.add("a.txt", "first\n");
    let base = t.commit_as("base", "Base", "base@example.com", 1_600_000_000);
    t.add("a.txt", &format!("first\nk1 = {}\n", secret(1)));
    let c1 = t.commit_as("add k1", "Carol", "carol@example.com", 1_700_000_000);
    t.add(
        "a.txt",
        &format!("first\nk1 = {}\nk2 = {}\n", secret(1), secret(2)),
    );
    t.add("b.txt", "clean\n");
    let c2 = t.commit_as("add k2", "Dave", "dave@example.com", 1_700_000_500);
    (t, [base, c1, c2])
}

fn commit_of(f: &serde_json::Value) -> String {
    f["location"]["commit"].as_str().unwrap().to_string()
}

#[test]
fn range_reports_each_secret_at_the_commit_that_added_it() {
    let (t, [base, c1, c2]) = three_commits();
    let (code, report) = t.json(&["scan", "--range", &format!("{base}..{c2}")]);
    assert_eq!(code, 1);
    let all = findings(&report);
    assert_eq!(
        locations(&report),
        vec![("a.txt".into(), 2), ("a.txt".into(), 3)]
    );
    assert_eq!(commit_of(&all[0]), c1.to_string());
    assert_eq!(all[0]["location"]["author"], "Carol");
    assert_eq!(all[0]["location"]["email"], "carol@example.com");
    assert_eq!(all[0]["location"]["message"], "add k1");
    assert_eq!(commit_of(&all[1]), c2.to_string());
    assert_eq!(all[1]["location"]["author"], "Dave");
    assert_eq!(stat(&report, "commits"), 2);
    assert_eq!(report["scan"]["stats"]["mode"], "range");

    // Only c2: the secret c1 added is an old line there, not reported.
    let (_, only_c2) = t.json(&["scan", "--range", &format!("{c1}..{c2}")]);
    assert_eq!(locations(&only_c2), vec![("a.txt".into(), 3)]);
    assert_eq!(stat(&only_c2, "commits"), 1);

    let (_, since) = t.json(&["scan", "--since", &c1.to_string()]);
    assert_eq!(locations(&since), locations(&only_c2));
    assert_eq!(
        report["scan"]["stats"]["revisions"],
        format!("{base}..{c2}")
    );
}

#[test]
fn empty_and_invalid_ranges() {
    let (t, [_, _, c2]) = three_commits();
    let (code, report) = t.json(&["scan", "--range", &format!("{c2}..{c2}")]);
    assert_eq!((code, stat(&report, "commits")), (0, 0));

    for (spec, expected) in [
        ("HEAD", "invalid range `HEAD`: expected A..B"),
        ("nope..HEAD", "unknown revision or ref `nope`"),
    ] {
        let out = t
            .leakgate()
            .args(["scan", "--range", spec])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{spec}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{spec}: {err}");
    }
}

fn pre_push(t: &TestRepo, input: &str) -> (i32, serde_json::Value) {
    let out = t
        .leakgate()
        .args(["scan", "--pre-push", "-f", "json"])
        .write_stdin(input.to_string())
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    (out.status.code().unwrap_or(-1), report)
}

#[test]
fn pre_push_update_scans_remote_to_local() {
    let (t, [_, c1, c2]) = three_commits();
    let input = format!("refs/heads/main {c2} refs/heads/main {c1}\n");
    let (code, report) = pre_push(&t, &input);
    assert_eq!(code, 1);
    assert_eq!(locations(&report), vec![("a.txt".into(), 3)]);
    assert_eq!(report["scan"]["stats"]["mode"], "pre-push");
    assert_eq!(stat(&report, "commits"), 1);
}

#[test]
fn pre_push_new_branch_scans_commits_not_on_any_remote_tracking_ref() {
    let (t, [base, c1, c2]) = three_commits();
    // The remote already has `base`.
    t.repo
        .reference("refs/remotes/origin/main", base, true, "test")
        .unwrap();
    let input = format!("refs/heads/topic {c2} refs/heads/topic {ZERO}\n");
    let (code, report) = pre_push(&t, &input);
    assert_eq!(code, 1);
    assert_eq!(stat(&report, "commits"), 2);
    let commits: Vec<String> = findings(&report).iter().map(commit_of).collect();
    assert_eq!(commits, vec![c1.to_string(), c2.to_string()]);

    // Once the remote has c1, only c2 is new.
    t.repo
        .reference("refs/remotes/origin/main", c1, true, "test")
        .unwrap();
    let (_, report) = pre_push(&t, &input);
    assert_eq!(stat(&report, "commits"), 1);
}

#[test]
fn pre_push_deletions_send_nothing_and_unknown_remote_shas_fall_back() {
    let (t, [base, _, c2]) = three_commits();
    let (code, report) = pre_push(&t, &format!("(delete) {ZERO} refs/heads/old {c2}\n"));
    assert_eq!((code, stat(&report, "commits")), (0, 0));
    assert_eq!(stat(&report, "files_scanned"), 0);

    t.repo
        .reference("refs/remotes/origin/main", base, true, "test")
        .unwrap();
    let unknown = "1234567890123456789012345678901234567890";
    let (code, report) = pre_push(
        &t,
        &format!("refs/heads/main {c2} refs/heads/main {unknown}\n"),
    );
    assert_eq!(code, 1);
    assert_eq!(stat(&report, "commits"), 2);
    let warnings = report["scan"]["warnings"].to_string();
    assert!(
        warnings.contains("is not in this repository (fetch first)"),
        "{warnings}"
    );

    let out = t
        .leakgate()
        .args(["scan", "--pre-push"])
        .write_stdin("garbage line\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pre-push input line 1"));
}

#[test]
fn merge_commits_report_only_what_no_parent_had() {
    let t = TestRepo::new();
    let home = t.dir.path();
    t.add("conf.txt", "a\nb\n");
    let base = t.commit("base");
    git(&t.root(), home, &["checkout", "-q", "-b", "topic"], false);
    t.add("conf.txt", &format!("a\nb\ntopic = {}\n", secret(3)));
    let topic = t.commit("topic adds a secret");
    git(&t.root(), home, &["checkout", "-q", "-"], false);
    t.add("other.txt", "x\n");
    t.commit("main side");
    git(
        &t.root(),
        home,
        &["merge", "-q", "--no-edit", "--no-ff", "topic"],
        false,
    );
    // An "evil merge": amend the merge to add a line no parent had.
    t.add(
        "conf.txt",
        &format!("a\nb\ntopic = {}\nevil = {}\n", secret(3), secret(4)),
    );
    git(
        &t.root(),
        home,
        &["commit", "-q", "--amend", "--no-edit"],
        false,
    );
    let merge = t.repo.head().unwrap().peel_to_commit().unwrap().id();

    let (_, report) = t.json(&["scan", "--range", &format!("{base}..HEAD")]);
    let got: Vec<(u64, String)> = findings(&report)
        .iter()
        .map(|f| (f["location"]["line"].as_u64().unwrap(), commit_of(f)))
        .collect();
    assert_eq!(got, vec![(3, topic.to_string()), (4, merge.to_string())]);
}
