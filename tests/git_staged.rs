//! `leakgate scan --staged`: the pre-commit scan reads the index, not the
//! work tree, and reports only added lines.

mod git_support;

use git_support::{findings, git, locations, secret, stat, TestRepo};

#[test]
fn partial_staging_scans_the_index_not_the_work_tree() {
    let t = TestRepo::new();
    t.add("app.cfg", "name = demo\n");
    t.commit("initial");

    // Secret only in the work tree: not staged, not committed, not reported.
    t.write("app.cfg", &format!("name = demo\ntoken = {}\n", secret(1)));
    let (code, report) = t.json(&["scan", "--staged"]);
    assert_eq!((code, findings(&report).len()), (0, 0));
    assert_eq!(stat(&report, "files_scanned"), 0);

    // Staged, then removed from the work tree again: the index still has it.
    t.stage("app.cfg");
    t.write("app.cfg", "name = demo\n");
    let (code, report) = t.json(&["scan", "--staged"]);
    assert_eq!(code, 1);
    assert_eq!(locations(&report), vec![("app.cfg".to_string(), 2)]);
    assert_eq!(stat(&report, "files_scanned"), 1);
    assert!(findings(&report)[0]["location"].get("commit").is_none());
}

#[test]
fn only_added_lines_count_with_correct_line_numbers() {
    let t = TestRepo::new();
    t.add("keys.txt", &format!("old = {}\n", secret(2)));
    t.commit("accepted earlier");
    t.add(
        "keys.txt",
        &format!("header\nold = {}\nmore\nnew = {}\n", secret(2), secret(3)),
    );
    let (code, report) = t.json(&["scan", "--staged"]);
    assert_eq!(code, 1);
    assert_eq!(locations(&report), vec![("keys.txt".to_string(), 4)]);
}

#[test]
fn first_commit_is_compared_with_the_empty_tree() {
    let t = TestRepo::new();
    t.add("a/b/c.env", &format!("X={}\n", secret(4)));
    let (code, report) = t.json(&["scan", "--staged"]);
    assert_eq!(code, 1);
    assert_eq!(locations(&report), vec![("a/b/c.env".to_string(), 1)]);
}

#[test]
fn renames_deletions_binaries_and_symlinks_behave() {
    let t = TestRepo::new();
    t.add(
        "old/name.txt",
        &format!("{}\nsome\ncontent\nlines\n", secret(5)),
    );
    t.add("gone.txt", &format!("{}\n", secret(6)));
    t.commit("initial");

    // A pure rename adds no lines: the existing secret is not blamed on it.
    std::fs::create_dir_all(t.root().join("new")).unwrap();
    std::fs::rename(t.root().join("old/name.txt"), t.root().join("new/name.txt")).unwrap();
    t.stage("old/name.txt");
    t.stage("new/name.txt");
    // A deletion adds nothing.
    std::fs::remove_file(t.root().join("gone.txt")).unwrap();
    t.stage("gone.txt");
    // A binary file is skipped and counted.
    std::fs::write(
        t.root().join("blob.bin"),
        [b"\x00\x01".as_slice(), secret(7).as_bytes()].concat(),
    )
    .unwrap();
    t.stage("blob.bin");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(secret(8), t.root().join("link")).unwrap();
        t.stage("link");
    }
    let (code, report) = t.json(&["scan", "--staged"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(stat(&report, "files_skipped_binary"), 1);
    #[cfg(unix)]
    assert_eq!(stat(&report, "files_skipped_symlink"), 1);
    assert_eq!(
        stat(&report, "files_scanned"),
        1,
        "the renamed file is read: {report:#}"
    );
}

#[test]
fn nothing_staged_says_zero_files_scanned() {
    let t = TestRepo::new();
    t.add("a.txt", "a\n");
    t.commit("one");
    let out = t.leakgate().args(["scan", "--staged"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("0 files scanned"), "{text}");
}

#[test]
fn merge_conflicts_are_reported_and_resolved_paths_scanned() {
    let t = TestRepo::new();
    let home = t.dir.path();
    t.add("shared.txt", "base\n");
    t.commit("base");
    git(&t.root(), home, &["checkout", "-q", "-b", "topic"], false);
    t.add("shared.txt", "topic change\n");
    t.add("from-topic.txt", &format!("{}\n", secret(9)));
    t.commit("topic");
    git(&t.root(), home, &["checkout", "-q", "-"], false);
    t.add("shared.txt", "main change\n");
    t.commit("main");
    let merge = git(&t.root(), home, &["merge", "-q", "topic"], true);
    assert!(!merge.status.success(), "the merge must conflict");

    let (code, report) = t.json(&["scan", "--staged"]);
    // The merged branch's file is staged and new to this branch: reported.
    assert_eq!(code, 1);
    assert_eq!(locations(&report), vec![("from-topic.txt".to_string(), 1)]);
    let warnings = report["scan"]["warnings"].to_string();
    assert!(
        warnings.contains("merge in progress: 1 conflicted path not scanned"),
        "{warnings}"
    );
    assert!(warnings.contains("shared.txt"), "{warnings}");
}

#[test]
fn git_index_file_from_the_hook_environment_is_honoured() {
    let t = TestRepo::new();
    t.add("a.txt", "a\n");
    t.commit("one");
    // `git commit -a` stages into a temporary index and points hooks at it.
    let alt = t.repo.path().join("index.alt");
    let mut index = git2::Index::open(&alt).unwrap();
    index
        .read_tree(&t.repo.head().unwrap().peel_to_tree().unwrap())
        .unwrap();
    let blob = t
        .repo
        .blob(format!("a\n{}\n", secret(10)).as_bytes())
        .unwrap();
    let entry = git2::IndexEntry {
        ctime: git2::IndexTime::new(0, 0),
        mtime: git2::IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: 0o100644,
        uid: 0,
        gid: 0,
        file_size: 0,
        id: blob,
        flags: 0,
        flags_extended: 0,
        path: b"a.txt".to_vec(),
    };
    index.add(&entry).unwrap();
    index.write().unwrap();
    let (code, plain) = t.json(&["scan", "--staged"]);
    assert_eq!((code, findings(&plain).len()), (0, 0));
    let (code, report) = git_support::run_json(
        t.leakgate()
            .env("GIT_INDEX_FILE", &alt)
            .args(["scan", "--staged"]),
    );
    assert_eq!(code, 1);
    assert_eq!(locations(&report), vec![("a.txt".to_string(), 2)]);
}

#[test]
fn bad_repositories_exit_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain");
    std::fs::create_dir(&plain).unwrap();
    let out = git_support::leakgate_in(&plain, dir.path())
        .env("GIT_CEILING_DIRECTORIES", dir.path())
        .args(["scan", "--staged"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a git repository"), "{err}");

    let bare = dir.path().join("bare.git");
    git2::Repository::init_bare(&bare).unwrap();
    let out = git_support::leakgate_in(dir.path(), dir.path())
        .args(["scan", "--staged", bare.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bare repository: --staged needs a work tree"),
        "{err}"
    );
}

#[test]
fn index_v4_written_by_git_is_read_on_the_fast_path() {
    let t = TestRepo::new();
    let home = t.dir.path();
    for i in 0..20 {
        t.write(&format!("dir{}/file{i}.txt", i % 3), &format!("line {i}\n"));
    }
    git(&t.root(), home, &["add", "-A"], false);
    git(&t.root(), home, &["commit", "-q", "-m", "many"], false);
    git(
        &t.root(),
        home,
        &["update-index", "--index-version", "4"],
        false,
    );
    t.write("dir1/file4.txt", &format!("line 4\nkey = {}\n", secret(11)));
    t.write("dir2/new.txt", &format!("{}\n", secret(12)));
    git(
        &t.root(),
        home,
        &["add", "dir1/file4.txt", "dir2/new.txt"],
        false,
    );
    let (code, report) = t.json(&["scan", "--staged"]);
    assert_eq!(code, 1);
    assert_eq!(
        locations(&report),
        vec![
            ("dir1/file4.txt".to_string(), 2),
            ("dir2/new.txt".to_string(), 1)
        ]
    );
    assert_eq!(stat(&report, "files_scanned"), 2);
}
