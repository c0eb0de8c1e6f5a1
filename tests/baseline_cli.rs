//! `--baseline`, `--write-baseline` and `--report-stale`: only new findings
//! fail, whatever the mode, and moved lines are not new.

mod git_support;

use git_support::{findings, locations, secret, stat, TestRepo};

#[test]
fn a_secret_whose_line_moved_is_not_new_but_a_new_one_is() {
    let t = TestRepo::new();
    t.write(
        "app/settings.ini",
        &format!("[auth]\ntoken = {}\n", secret(1)),
    );
    let baseline = t.dir.path().join("baseline.json");
    let b = baseline.to_str().unwrap();
    let (code, first) = t.json(&["scan", ".", "--write-baseline", b]);
    assert_eq!(code, 1, "writing a baseline still reports the findings");
    assert_eq!(findings(&first).len(), 1);
    let written = std::fs::read_to_string(&baseline).unwrap();
    assert!(written.contains("leakgate/findings/v1"));
    assert!(
        !written.contains(&secret(1)),
        "baselines never hold clear secrets"
    );

    // Shift the secret down by three lines: same fingerprint, not new.
    t.write(
        "app/settings.ini",
        &format!("# a\n# b\n# c\n[auth]\ntoken = {}\n", secret(1)),
    );
    let (code, moved) = t.json(&["scan", ".", "--baseline", b]);
    assert_eq!((code, findings(&moved).len()), (0, 0));
    assert_eq!(stat(&moved, "baseline_suppressed"), 1);

    // A second secret is new and fails the run.
    t.write(
        "app/settings.ini",
        &format!(
            "# a\n[auth]\ntoken = {}\nother = {}\n",
            secret(1),
            secret(2)
        ),
    );
    let (code, new) = t.json(&["scan", ".", "--baseline", b]);
    assert_eq!(code, 1);
    assert_eq!(locations(&new), vec![("app/settings.ini".to_string(), 4)]);
}

#[test]
fn one_baseline_serves_directory_staged_and_history_scans() {
    let t = TestRepo::new();
    t.add("k.txt", &format!("x\n{}\n", secret(3)));
    t.commit("leak");
    let baseline = t.dir.path().join("b.json");
    let b = baseline.to_str().unwrap();
    t.json(&["scan", ".", "--write-baseline", b]);

    let (code, history) = t.json(&["scan", "--history", "--baseline", b]);
    assert_eq!((code, findings(&history).len()), (0, 0));

    t.add("k.txt", &format!("moved\nx\n{}\n", secret(3)));
    t.add("other.txt", &format!("{}\n", secret(3)));
    let (code, staged) = t.json(&["scan", "--staged", "--baseline", b]);
    assert_eq!(code, 1);
    assert_eq!(
        locations(&staged),
        vec![("other.txt".to_string(), 1)],
        "the copy in another file is new, the moved line is not"
    );
}

#[test]
fn report_stale_lists_unused_baseline_and_ignore_entries() {
    let t = TestRepo::new();
    t.write("a.txt", &format!("{}\n", secret(4)));
    t.write("b.txt", &format!("{}\n", secret(5)));
    let baseline = t.dir.path().join("b.json");
    let b = baseline.to_str().unwrap();
    t.json(&["scan", ".", "--write-baseline", b]);
    std::fs::remove_file(t.root().join("b.txt")).unwrap();
    t.write(".leakgateignore", "0123456789abcdef0123456789abcdef\n");

    let (code, report) = t.json(&["scan", ".", "--baseline", b, "--report-stale"]);
    assert_eq!(code, 0);
    let warnings: Vec<String> = report["scan"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect();
    let stale_baseline: Vec<&String> = warnings
        .iter()
        .filter(|w| w.starts_with("stale baseline entry"))
        .collect();
    assert_eq!(stale_baseline.len(), 1, "{warnings:?}");
    assert!(
        stale_baseline[0].contains("github-pat at b.txt:1"),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("stale ignore-file entry")
                && w.contains("0123456789abcdef0123456789abcdef")),
        "{warnings:?}"
    );

    // Without the flag, nothing is said about stale entries.
    let (_, quiet) = t.json(&["scan", ".", "--baseline", b]);
    assert!(quiet["scan"].get("warnings").is_none(), "{quiet:#}");
}

#[test]
fn report_stale_is_skipped_for_incremental_scans() {
    let t = TestRepo::new();
    t.add("a.txt", "clean\n");
    let baseline = t.dir.path().join("b.json");
    std::fs::write(
        &baseline,
        r#"{"schema":"leakgate/findings/v1","findings":[{"fingerprint":"ffff","rule_id":"r","location":{"path":"x","line":1}}]}"#,
    )
    .unwrap();
    let (code, report) = t.json(&[
        "scan",
        "--staged",
        "--baseline",
        baseline.to_str().unwrap(),
        "--report-stale",
    ]);
    assert_eq!(code, 0);
    let warnings = report["scan"]["warnings"].to_string();
    assert!(
        warnings.contains("--report-stale skipped: a staged scan"),
        "{warnings}"
    );
    assert!(!warnings.contains("stale baseline entry"), "{warnings}");
}

#[test]
fn unreadable_baselines_exit_2_naming_the_file() {
    let t = TestRepo::new();
    t.write("a.txt", "clean\n");
    let bad = t.dir.path().join("bad.json");
    std::fs::write(&bad, "{\n  \"findings\": [1]\n}\n").unwrap();
    for (file, expected) in [
        (
            bad.to_str().unwrap().to_string(),
            format!("{}:2:", bad.display()),
        ),
        (
            "/nonexistent/b.json".to_string(),
            "cannot read baseline /nonexistent/b.json".to_string(),
        ),
    ] {
        let out = t
            .leakgate()
            .args(["scan", ".", "--baseline", &file])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&expected), "{err}");
    }
}
