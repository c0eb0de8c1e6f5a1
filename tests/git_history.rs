//! `leakgate scan --history`: unique-blob audit with commit attribution,
//! against real repositories built in temp dirs.

mod git_support;

use git_support::{findings, git, locations, secret, stat, TestRepo};

#[test]
fn secret_added_then_deleted_is_attributed_to_the_commit_that_added_it() {
    let t = TestRepo::new();
    t.add("README.md", "hello\n");
    t.commit_as("initial", "Ann Init", "ann@example.com", 1_600_000_000);
    t.add("config/app.env", &format!("A=1\nTOKEN={}\n", secret(1)));
    let c2 = t.commit_as(
        "add config",
        "Alice Leaker",
        "alice@example.com",
        1_700_000_000,
    );
    std::fs::remove_file(t.root().join("config/app.env")).unwrap();
    t.stage("config/app.env");
    t.commit_as(
        "remove config",
        "Bob Fixer",
        "bob@example.com",
        1_700_000_100,
    );

    let (code, report) = t.json(&["scan", "--history"]);
    assert_eq!(code, 1);
    let all = findings(&report);
    assert_eq!(all.len(), 1, "{report:#}");
    let loc = &all[0]["location"];
    assert_eq!(all[0]["rule_id"], "github-pat");
    assert_eq!(loc["path"], "config/app.env");
    assert_eq!(loc["line"], 2);
    assert_eq!(loc["commit"], c2.to_string());
    assert_eq!(loc["author"], "Alice Leaker");
    assert_eq!(loc["email"], "alice@example.com");
    assert_eq!(loc["date"], "2023-11-14T23:13:20+01:00");
    assert_eq!(loc["message"], "add config");
    assert_eq!(stat(&report, "commits"), 3);
    assert_eq!(stat(&report, "blobs"), 2);
    assert_eq!(report["scan"]["stats"]["mode"], "history");
    assert!(
        !report.to_string().contains(&secret(1)),
        "secrets stay redacted"
    );
}

#[test]
fn history_fingerprints_equal_directory_scan_fingerprints() {
    let t = TestRepo::new();
    t.add(
        "src/settings.py",
        &format!("# settings\nGITHUB = '{}'\n", secret(2)),
    );
    t.commit("add settings");
    let (_, history) = t.json(&["scan", "--history"]);
    let (_, dir) = t.json(&["scan", "."]);
    let fp = |r: &serde_json::Value| {
        findings(r)
            .iter()
            .map(|f| f["fingerprint"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(fp(&history).len(), 1);
    assert_eq!(fp(&history), fp(&dir));
    assert_eq!(locations(&history), locations(&dir));
}

#[test]
fn all_commits_lists_every_commit_that_reintroduces_the_secret() {
    let t = TestRepo::new();
    t.add("a.txt", &format!("token {}\n", secret(3)));
    let c1 = t.commit("one");
    t.add("a.txt", &format!("intro\ntoken {}\n", secret(3)));
    let c2 = t.commit("two: same secret, file edited");
    t.add("b.txt", "unrelated\n");
    t.commit("three");

    let (_, first_only) = t.json(&["scan", "--history"]);
    let f = &findings(&first_only)[0]["location"];
    assert_eq!(findings(&first_only).len(), 1);
    assert_eq!(f["commit"], c1.to_string());
    assert_eq!(f["line"], 1);
    assert!(f.get("other_commits").is_none());

    let (_, all) = t.json(&["scan", "--history", "--all-commits"]);
    assert_eq!(findings(&all).len(), 1);
    let f = &findings(&all)[0]["location"];
    assert_eq!(f["commit"], c1.to_string());
    assert_eq!(f["other_commits"], serde_json::json!([c2.to_string()]));
}

#[test]
fn a_blob_at_two_paths_is_scanned_once_and_reported_at_both() {
    let t = TestRepo::new();
    let content = format!("key={}\n", secret(4));
    t.add("one.cfg", &content);
    t.add("copy/two.cfg", &content);
    t.commit("both");
    let (_, report) = t.json(&["scan", "--history"]);
    assert_eq!(stat(&report, "blobs"), 1);
    assert_eq!(stat(&report, "files_scanned"), 1);
    assert_eq!(
        locations(&report),
        vec![("copy/two.cfg".to_string(), 1), ("one.cfg".to_string(), 1)]
    );
}

#[test]
fn branch_and_all_refs_choose_the_starting_points() {
    let t = TestRepo::new();
    t.add("a.txt", "clean\n");
    let base = t.commit("base");
    let base_commit = t.repo.find_commit(base).unwrap();
    t.repo.branch("feature", &base_commit, false).unwrap();
    t.repo.set_head("refs/heads/feature").unwrap();
    t.add("leak.txt", &format!("{}\n", secret(5)));
    let leak = t.commit("leak on feature");
    // Back to the default branch, which never saw the secret.
    let default_branch = t
        .repo
        .branches(Some(git2::BranchType::Local))
        .unwrap()
        .filter_map(Result::ok)
        .map(|(b, _)| b.name().unwrap().unwrap().to_string())
        .find(|n| n != "feature")
        .unwrap();
    t.repo
        .set_head(&format!("refs/heads/{default_branch}"))
        .unwrap();

    let (code, head) = t.json(&["scan", "--history"]);
    assert_eq!((code, findings(&head).len()), (0, 0));
    let (_, feature) = t.json(&["scan", "--history", "--branch", "feature"]);
    assert_eq!(
        findings(&feature)[0]["location"]["commit"],
        leak.to_string()
    );
    let (_, all) = t.json(&["scan", "--history", "--all-refs"]);
    assert_eq!(findings(&all).len(), 1);
    assert_eq!(stat(&all, "commits"), 2);
}

#[test]
fn merged_branch_content_is_attributed_to_the_branch_commit_not_the_merge() {
    let t = TestRepo::new();
    t.add("a.txt", "base\n");
    t.commit("base");
    let home = t.dir.path();
    git(&t.root(), home, &["checkout", "-q", "-b", "topic"], false);
    t.add("topic.txt", &format!("{}\n", secret(6)));
    let topic = t.commit("topic leak");
    git(&t.root(), home, &["checkout", "-q", "-"], false);
    t.add("main.txt", "main side\n");
    t.commit("main side");
    git(
        &t.root(),
        home,
        &["merge", "-q", "--no-edit", "--no-ff", "topic"],
        false,
    );
    let (_, report) = t.json(&["scan", "--history", "--all-commits"]);
    let f = &findings(&report)[0]["location"];
    assert_eq!(findings(&report).len(), 1);
    assert_eq!(f["commit"], topic.to_string());
    assert!(
        f.get("other_commits").is_none(),
        "the merge introduced nothing: {f}"
    );
}

#[test]
fn binary_blobs_are_skipped_and_counted() {
    let t = TestRepo::new();
    t.write("img.bin", "");
    std::fs::write(
        t.root().join("img.bin"),
        [b"\x89PNG\x00\x00".as_slice(), secret(7).as_bytes()].concat(),
    )
    .unwrap();
    t.stage("img.bin");
    t.add("ok.txt", "fine\n");
    t.commit("binary");
    let (code, report) = t.json(&["scan", "--history"]);
    assert_eq!(code, 0);
    assert_eq!(stat(&report, "files_skipped_binary"), 1);
    assert_eq!(stat(&report, "files_scanned"), 1);
}

#[test]
fn bare_clones_can_be_audited() {
    let t = TestRepo::new();
    t.add("k.txt", &format!("{}\n", secret(8)));
    let c = t.commit("leak");
    let bare = t.dir.path().join("bare.git");
    git2::build::RepoBuilder::new()
        .bare(true)
        .clone(t.root().to_str().unwrap(), &bare)
        .unwrap();
    let (code, report) =
        git_support::run_json(git_support::leakgate_in(t.dir.path(), t.dir.path()).args([
            "scan",
            "--history",
            bare.to_str().unwrap(),
        ]));
    assert_eq!(code, 1);
    assert_eq!(findings(&report)[0]["location"]["commit"], c.to_string());
}

#[test]
fn shallow_clones_scan_what_exists_and_say_history_is_truncated() {
    let t = TestRepo::new();
    t.add("old.txt", &format!("{}\n", secret(9)));
    t.commit("old leak");
    std::fs::remove_file(t.root().join("old.txt")).unwrap();
    t.stage("old.txt");
    t.add("new.txt", &format!("{}\n", secret(10)));
    t.commit("new leak");
    let home = t.dir.path();
    let url = format!("file://{}", t.root().display());
    git(
        home,
        home,
        &["clone", "-q", "--depth", "1", &url, "shallow"],
        false,
    );
    let (code, report) = git_support::run_json(
        git_support::leakgate_in(&home.join("shallow"), home).args(["scan", "--history"]),
    );
    assert_eq!(code, 1);
    assert_eq!(locations(&report), vec![("new.txt".to_string(), 1)]);
    assert_eq!(report["scan"]["stats"]["history_truncated"], true);
    let warnings = report["scan"]["warnings"].to_string();
    assert!(
        warnings.contains("shallow clone: history is truncated"),
        "{warnings}"
    );
}

/// Enough commits that attribution and message scanning run in parallel:
/// every secret, in a file or a commit message, is still attributed to the
/// commit that introduced it.
#[test]
fn attribution_over_many_commits_names_each_introducing_commit() {
    let t = TestRepo::new();
    let mut introduced = Vec::new();
    for i in 0..150u32 {
        t.add(&format!("notes/n{}.txt", i % 7), &format!("note {i}\n"));
        if i % 37 == 5 {
            t.add(
                &format!("conf/c{i}.env"),
                &format!("X=1\nTOKEN={}\n", secret(100 + i)),
            );
        }
        let message = if i % 41 == 3 {
            format!("commit {i}\n\nTOKEN={}\n", secret(300 + i))
        } else {
            format!("commit {i}")
        };
        let c = t.commit(&message);
        if i % 37 == 5 {
            introduced.push((format!("conf/c{i}.env"), c.to_string()));
        }
        if i % 41 == 3 {
            introduced.push(("<commit message>".to_string(), c.to_string()));
        }
    }
    let (code, report) = t.json(&["scan", "--history", "--no-cache"]);
    assert_eq!(code, 1);
    let mut got: Vec<(String, String)> = findings(&report)
        .iter()
        .map(|f| {
            (
                f["location"]["path"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                f["location"]["commit"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    got.sort();
    introduced.sort();
    assert_eq!(got, introduced, "{report:#}");
    assert_eq!(stat(&report, "commits"), 150);
}
