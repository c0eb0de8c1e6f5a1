//! The history-audit cache: a re-audit reports exactly what a full audit
//! reports, whatever the cache holds (nothing, a valid cache, a corrupt
//! one, one written with other rules, several written at once).

mod git_support;

use git_support::{findings, secret, TestRepo};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A repository with content findings, a clean file, a binary file (a
/// named skip), a path-rule hit and a secret in a commit message.
fn repo() -> TestRepo {
    let t = TestRepo::new();
    t.add("README.md", "hello\n");
    t.add("logo.bin", "PNG\u{0}\u{0}\u{1}binary");
    t.commit("initial");
    t.add("config/app.env", &format!("A=1\nTOKEN={}\n", secret(1)));
    t.add(".ssh/id_rsa", "not really a key\n");
    t.commit("add config");
    t.add("src/lib.rs", "fn main() {}\n");
    t.commit(&format!("rotate {}", secret(2)));
    t
}

fn cache_dir(t: &TestRepo) -> PathBuf {
    t.dir.path().join("cache")
}

/// `scan --history ARGS -f json -v` with the test's cache dir: (exit code,
/// report, stderr).
fn audit(t: &TestRepo, args: &[&str]) -> (i32, Value, String) {
    let out = t
        .leakgate()
        .env("LEAKGATE_CACHE_DIR", cache_dir(t))
        .args(["scan", "--history", "-v"])
        .args(args)
        .args(["-f", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let report: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("no JSON ({e}): {stderr}"));
    (out.status.code().unwrap_or(-1), report, stderr)
}

/// The report without what depends on time.
fn normalized(report: &Value) -> Value {
    let mut r = report.clone();
    let scan = r["scan"].as_object_mut().unwrap();
    scan.remove("duration_ms");
    scan["stats"].as_object_mut().unwrap().remove("mb_per_s");
    r
}

/// The report without time, and without cache warnings (a corrupt cache
/// is worth a warning, the rest must be equal).
fn without_cache_warnings(report: &Value) -> Value {
    let mut r = normalized(report);
    let warnings = r["scan"]["warnings"].as_array_mut().unwrap();
    warnings.retain(|w| !w.as_str().unwrap().contains("history cache"));
    r
}

fn cache_files(dir: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn second_audit_reuses_the_cache_and_reports_the_same() {
    let t = repo();
    let (code1, first, _) = audit(&t, &[]);
    assert_eq!(code1, 1);
    let rules: Vec<&str> = findings(&first)
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    assert!(rules.len() >= 3, "{first:#}");
    assert!(
        first["scan"]["stats"]["files_skipped_binary"] == 1,
        "{first:#}"
    );
    assert_eq!(cache_files(&cache_dir(&t)).len(), 1);

    let (code2, second, stderr) = audit(&t, &[]);
    assert_eq!(code2, code1);
    assert_eq!(normalized(&second), normalized(&first));
    assert!(
        stderr.contains("history cache: 3 of 3 commits and 5 of 5 blobs known, 0 commits diffed"),
        "{stderr}"
    );
    let (code3, uncached, _) = audit(&t, &["--no-cache"]);
    assert_eq!(code3, code1);
    assert_eq!(normalized(&uncached), normalized(&first));
}

#[test]
fn new_commit_with_a_secret_is_found_on_a_re_audit() {
    let t = repo();
    audit(&t, &[]);
    t.add("deploy/keys.txt", &format!("key {}\n", secret(7)));
    let c = t.commit("deploy");
    let (code, cached, stderr) = audit(&t, &[]);
    assert!(
        stderr.contains("history cache: 3 of 4 commits"),
        "resumed: {stderr}"
    );
    let (code_full, full, _) = audit(&t, &["--no-cache"]);
    assert_eq!(code, code_full);
    assert_eq!(normalized(&cached), normalized(&full));
    assert!(findings(&cached).iter().any(|f| {
        f["location"]["path"] == "deploy/keys.txt" && f["location"]["commit"] == c.to_string()
    }));
    // The same secret re-added elsewhere in an old blob's commit is still
    // attributed to its first commit.
    t.add("again.env", &format!("A=1\nTOKEN={}\n", secret(1)));
    t.commit("copy");
    let (_, cached, _) = audit(&t, &[]);
    let (_, full, _) = audit(&t, &["--no-cache"]);
    assert_eq!(normalized(&cached), normalized(&full));
}

#[test]
fn no_cache_neither_reads_nor_writes() {
    let t = repo();
    let (_, uncached, stderr) = audit(&t, &["--no-cache"]);
    assert!(cache_files(&cache_dir(&t)).is_empty());
    assert!(!stderr.contains("history cache"), "{stderr}");
    audit(&t, &[]);
    let file = cache_files(&cache_dir(&t)).remove(0);
    let before = std::fs::read(&file).unwrap();
    t.add("more.txt", "more\n");
    t.commit("more");
    let (_, again, stderr) = audit(&t, &["--no-cache"]);
    assert!(!stderr.contains("history cache"), "{stderr}");
    assert_eq!(std::fs::read(&file).unwrap(), before, "not rewritten");
    assert_eq!(
        findings(&again).len(),
        findings(&uncached).len(),
        "same findings"
    );
}

#[test]
fn corrupt_or_truncated_cache_is_ignored_with_a_warning() {
    let t = repo();
    let (code, full, _) = audit(&t, &[]);
    let file = cache_files(&cache_dir(&t)).remove(0);
    let good = std::fs::read(&file).unwrap();
    let mut flipped = good.clone();
    let at = flipped.len() - 3;
    flipped[at] ^= 0x55;
    for damaged in [
        good[..good.len() / 2].to_vec(),
        flipped,
        b"garbage".to_vec(),
    ] {
        std::fs::write(&file, &damaged).unwrap();
        let (code2, report, stderr) = audit(&t, &[]);
        assert_eq!(code2, code);
        assert!(stderr.contains("history cache"), "{stderr}");
        let warned = report["scan"]["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("ignored"));
        assert!(warned, "{report:#}");
        assert_eq!(without_cache_warnings(&report), normalized(&full));
        // The full audit rewrote a good cache.
        let (_, again, _) = audit(&t, &[]);
        assert_eq!(normalized(&again), normalized(&full));
    }
}

#[test]
fn a_rule_set_change_invalidates_the_cache() {
    let t = repo();
    t.add("notes.txt", "widget id wdg_k3j4h5g6f7d8s9a0q1w2e3\n");
    t.commit("notes");
    let (_, before, _) = audit(&t, &[]);
    assert!(!findings(&before)
        .iter()
        .any(|f| f["rule_id"] == "widget-key"));
    t.write(
        ".leakgate.toml",
        "[extend]\nuseDefault = true\n\n[[rules]]\nid = \"widget-key\"\ndescription = \"Widget key\"\nregex = '''wdg_[a-z0-9]{20}'''\nkeywords = [\"wdg_\"]\n",
    );
    let (_, after, stderr) = audit(&t, &[]);
    assert!(
        findings(&after)
            .iter()
            .any(|f| f["rule_id"] == "widget-key"),
        "{stderr}\n{after:#}"
    );
    assert!(stderr.contains("other rules"), "{stderr}");
    let (_, full, _) = audit(&t, &["--no-cache"]);
    assert_eq!(normalized(&after), normalized(&full));
}

#[test]
fn concurrent_audits_share_one_cache_safely() {
    let t = repo();
    let (_, full, _) = audit(&t, &["--no-cache"]);
    let children: Vec<_> = (0..4)
        .map(|_| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("leakgate"))
                .current_dir(t.root())
                .env("HOME", t.dir.path())
                .env("LEAKGATE_CACHE_DIR", cache_dir(&t))
                .env_remove("XDG_CACHE_HOME")
                .args(["scan", "--history", "-f", "json"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(normalized(&report), normalized(&full));
    }
    // One complete cache file, no temporary file left behind.
    let files = cache_files(&cache_dir(&t));
    assert_eq!(files.len(), 1, "{files:?}");
    let (_, cached, stderr) = audit(&t, &[]);
    assert!(stderr.contains("3 of 3 commits"), "{stderr}");
    assert_eq!(normalized(&cached), normalized(&full));
}

#[test]
fn the_cache_never_holds_secrets() {
    let t = repo();
    t.add("b64.txt", &format!("x = \"{}\"\n", secret(9)));
    t.commit("more");
    audit(&t, &["--all-refs"]);
    audit(&t, &[]);
    let files = cache_files(&cache_dir(&t));
    assert_eq!(files.len(), 2, "one per ref selection: {files:?}");
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        for n in [1, 2, 9] {
            let s = secret(n);
            assert!(
                !bytes.windows(s.len()).any(|w| w == s.as_bytes()),
                "{} holds secret {n}",
                file.display()
            );
            // Not even a recognisable part of it.
            let tail = &s.as_bytes()[s.len() - 12..];
            assert!(!bytes.windows(tail.len()).any(|w| w == tail));
        }
    }
}

/// Matched blobs are rebuilt from cached match positions, not rescanned:
/// several matches per blob, a UTF-16 blob (positions in the decoded text),
/// an inline-allowed match, the same blob at two paths, and a matched blob
/// modified by a later commit. Every re-audit equals `--no-cache`, and a
/// re-audit with nothing new diffs no commit.
#[test]
fn matches_rebuilt_from_cached_positions_equal_a_full_audit() {
    let t = repo();
    let many = format!(
        "A={}\nB={} # leakgate:allow\n{}C={}\n",
        secret(3),
        secret(4),
        "filler\n".repeat(50),
        secret(5)
    );
    t.add("multi/one.env", &many);
    t.add("multi/copy.env", &many);
    let wide: Vec<u8> = format!("# ps\r\n$k = '{}'\r\n", secret(6))
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    std::fs::write(
        t.root().join("win.ps1"),
        [&[0xff, 0xfe][..], &wide].concat(),
    )
    .unwrap();
    t.stage("win.ps1");
    t.commit("more secrets");
    let (code, first, _) = audit(&t, &[]);
    assert_eq!(code, 1);
    let (_, full, _) = audit(&t, &["--no-cache"]);
    assert_eq!(normalized(&first), normalized(&full));
    let (_, again, stderr) = audit(&t, &[]);
    assert_eq!(normalized(&again), normalized(&full));
    assert!(stderr.contains(", 0 commits diffed"), "{stderr}");

    t.add("multi/one.env", &format!("{many}D={}\n", secret(8)));
    t.commit("one more");
    let (_, cached, stderr) = audit(&t, &[]);
    let (_, full, _) = audit(&t, &["--no-cache"]);
    assert_eq!(normalized(&cached), normalized(&full));
    assert!(stderr.contains(", 1 commits diffed"), "{stderr}");
    let paths: Vec<&str> = findings(&full)
        .iter()
        .map(|f| f["location"]["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"win.ps1") && paths.contains(&"multi/copy.env"),
        "{paths:?}"
    );
}
