//! Hostile and unlucky inputs for the git modes (issue 9): corrupt indexes,
//! secrets in commit and tag messages, tags of blobs and trees, UTF-16 and
//! binary staged files, malformed pre-push input. Each test drives the real
//! binary on a real repository and asserts the exact outcome.

mod git_support;

use git_support::{findings, locations, secret, TestRepo};
use serde_json::Value;
use sha1::Digest;

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A repository with one commit and a staged change, ready for `--staged`.
fn staged_repo() -> TestRepo {
    let t = TestRepo::new();
    t.add("a.txt", "one\n");
    t.add("dir/b.txt", "two\n");
    t.commit("first");
    t.add("a.txt", "one\nchanged\n");
    t
}

/// Replaces the repository's index with `body` plus a valid SHA-1 trailer.
fn write_index(t: &TestRepo, body: &[u8]) {
    let mut data = body.to_vec();
    let sum = sha1::Sha1::digest(&data);
    data.extend_from_slice(&sum);
    std::fs::write(t.repo.path().join("index"), data).unwrap();
}

fn staged_fails_with(t: &TestRepo, expected: &str) {
    let out = t.leakgate().args(["scan", "--staged"]).output().unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("corrupt git index"), "{err}");
    assert!(err.contains(expected), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

// 9.11: a corrupt index fails with exit 2 and a reason, never an abort.
#[test]
fn an_index_claiming_2g_entries_fails_cleanly() {
    let t = staged_repo();
    let real = std::fs::read(t.repo.path().join("index")).unwrap();
    let mut body = real[..real.len() - 20].to_vec();
    body[8..12].copy_from_slice(&0x7fff_ffffu32.to_be_bytes());
    write_index(&t, &body);
    staged_fails_with(&t, "claims 2147483647 entries");
}

#[test]
fn a_cache_tree_with_2_pow_64_subtrees_or_2m_levels_fails_cleanly() {
    for (tree, expected) in [
        (
            {
                let mut b = b"\x001 18446744073709551615\n".to_vec();
                b.extend_from_slice(&[7u8; 20]);
                b
            },
            "subtrees",
        ),
        (b"\x00-1 1\n".repeat(2_000_000), "nested deeper than 4096"),
    ] {
        let t = staged_repo();
        let real = std::fs::read(t.repo.path().join("index")).unwrap();
        // Keep the header and entries, replace every extension.
        let parsed_end = entries_end(&real);
        let mut body = real[..parsed_end].to_vec();
        body.extend_from_slice(b"TREE");
        body.extend_from_slice(&(tree.len() as u32).to_be_bytes());
        body.extend_from_slice(&tree);
        write_index(&t, &body);
        staged_fails_with(&t, expected);
    }
}

#[test]
fn an_index_with_a_bad_checksum_fails_cleanly() {
    let t = staged_repo();
    let path = t.repo.path().join("index");
    let mut real = std::fs::read(&path).unwrap();
    let n = real.len();
    real[n - 1] ^= 0xff;
    std::fs::write(&path, real).unwrap();
    staged_fails_with(&t, "checksum mismatch");
}

/// End of the entries of a v2 index written by libgit2 (entry sizes are
/// 62 + path, padded to 8).
fn entries_end(data: &[u8]) -> usize {
    let count = u32::from_be_bytes(data[8..12].try_into().unwrap()) as usize;
    let mut at = 12;
    for _ in 0..count {
        let len = data[at + 62..].iter().position(|&b| b == 0).unwrap();
        at += (62 + len + 8) / 8 * 8;
    }
    at
}

// 9.7: commit messages are scanned, and redacted wherever printed.
#[test]
fn secrets_in_commit_messages_are_found_and_never_printed() {
    let t = TestRepo::new();
    t.add("config.txt", &format!("key = {}\n", secret(1)));
    let leaked = secret(2);
    t.commit(&format!(
        "add key {leaked}\n\nbody also has {}\n",
        secret(3)
    ));
    for format in ["json", "jsonl", "sarif", "junit", "gitlab", "text", "csv"] {
        let out = t
            .leakgate()
            .args(["scan", "--history", "-f", format])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            !text.contains(&leaked),
            "{format} leaks the message secret: {text}"
        );
        assert!(!text.contains(&secret(3)), "{format}");
        assert!(!stderr_of(&out).contains(&leaked));
    }
    let (code, report) = t.json(&["scan", "--history"]);
    assert_eq!(code, 1);
    assert_eq!(
        locations(&report),
        vec![
            ("<commit message>".to_string(), 1),
            ("<commit message>".to_string(), 3),
            ("config.txt".to_string(), 1)
        ]
    );
    let summary = findings(&report)[2]["location"]["message"]
        .as_str()
        .unwrap();
    assert!(summary.starts_with("add key ghp_"), "{summary}");
    assert!(!summary.contains(&leaked), "{summary}");
    assert_eq!(report["scan"]["stats"]["commit_messages"], 1);
}

#[test]
fn range_and_pre_push_scan_commit_messages() {
    let t = TestRepo::new();
    t.add("a.txt", "one\n");
    let base = t.commit("base");
    t.add("b.txt", "two\n");
    let tip = t.commit(&format!("token {}", secret(4)));
    let (code, report) = t.json(&["scan", "--range", &format!("{base}..{tip}")]);
    assert_eq!(code, 1);
    assert_eq!(
        locations(&report),
        vec![("<commit message>".to_string(), 1)]
    );
    assert_eq!(findings(&report)[0]["location"]["commit"], tip.to_string());
    let input = format!("refs/heads/main {tip} refs/heads/main {base}\n");
    let out = t
        .leakgate()
        .args(["scan", "--pre-push", "-f", "json"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        locations(&report),
        vec![("<commit message>".to_string(), 1)]
    );
}

// 9.6 and 9.7: tags of blobs and trees, and tag messages.
#[test]
fn all_refs_scans_tags_of_blobs_trees_and_tag_messages() {
    let t = TestRepo::new();
    t.add("a.txt", "clean\n");
    let head = t.commit("clean");
    let blob = t.repo.blob(format!("{}\n", secret(5)).as_bytes()).unwrap();
    t.repo
        .reference("refs/tags/key-backup", blob, false, "")
        .unwrap();
    let mut tb = t.repo.treebuilder(None).unwrap();
    let inner = t
        .repo
        .blob(format!("x\n{}\n", secret(6)).as_bytes())
        .unwrap();
    tb.insert("creds.txt", inner, 0o100644).unwrap();
    let sub = tb.write().unwrap();
    let mut top = t.repo.treebuilder(None).unwrap();
    top.insert("dir", sub, 0o040000).unwrap();
    let tree = top.write().unwrap();
    t.repo
        .reference("refs/tags/snapshot", tree, false, "")
        .unwrap();
    let sig = git2::Signature::now("Tagger", "tagger@example.com").unwrap();
    let target = t.repo.find_object(head, None).unwrap();
    t.repo
        .tag(
            "v1",
            &target,
            &sig,
            &format!("release\n\ntoken {}\n", secret(7)),
            false,
        )
        .unwrap();
    let (code, report) = t.json(&["scan", "--history", "--all-refs"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        locations(&report),
        vec![
            ("<tag message refs/tags/v1>".to_string(), 3),
            ("refs/tags/key-backup".to_string(), 1),
            ("refs/tags/snapshot:dir/creds.txt".to_string(), 2)
        ]
    );
    // Without --all-refs, only HEAD's history: none of these.
    let (code, _) = t.json(&["scan", "--history"]);
    assert_eq!(code, 0);
}

#[test]
fn pushing_an_annotated_tag_scans_its_message() {
    let t = TestRepo::new();
    t.add("a.txt", "clean\n");
    let head = t.commit("clean");
    let sig = git2::Signature::now("Tagger", "tagger@example.com").unwrap();
    let target = t.repo.find_object(head, None).unwrap();
    let tag = t
        .repo
        .tag(
            "v2",
            &target,
            &sig,
            &format!("notes {}\n", secret(8)),
            false,
        )
        .unwrap();
    let zero = "0".repeat(40);
    let input = format!("refs/tags/v2 {tag} refs/tags/v2 {zero}\n");
    let out = t
        .leakgate()
        .args(["scan", "--pre-push", "-f", "json"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(locations(&report).contains(&("<tag message refs/tags/v2>".to_string(), 1)));
}

// 9.15: a malformed pre-push line is quoted short and escaped.
#[test]
fn pre_push_never_echoes_a_huge_malformed_line() {
    let t = TestRepo::new();
    t.add("a.txt", "x\n");
    t.commit("one");
    let line = format!("\x1b]8;;http://evil\x07{}\n", "A".repeat(10 << 20));
    let out = t
        .leakgate()
        .args(["scan", "--pre-push"])
        .write_stdin(line)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(err.len() < 1000, "stderr is {} bytes", err.len());
    assert!(err.contains("pre-push input line 1"), "{err}");
    assert!(err.contains("\\x1b]8;;http://evil\\x07AAA"), "{err}");
    assert!(!err.contains('\x1b'));
}

// 9.3 and 9.4 for --staged: UTF-16 decoded, binary named.
#[test]
fn staged_utf16_is_decoded_and_binary_is_named() {
    let t = TestRepo::new();
    t.add("readme.txt", "hi\n");
    t.commit("first");
    let mut ps1 = vec![0xff, 0xfe];
    ps1.extend(
        format!("# setup\r\n$t = '{}'\r\n", secret(9))
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    std::fs::write(t.root().join("setup.ps1"), &ps1).unwrap();
    t.stage("setup.ps1");
    std::fs::write(t.root().join("img.bin"), b"\0\x01\x02\x03").unwrap();
    t.stage("img.bin");
    let (code, report) = t.json(&["scan", "--staged"]);
    assert_eq!(code, 1);
    assert_eq!(locations(&report), vec![("setup.ps1".to_string(), 2)]);
    assert_eq!(findings(&report)[0]["location"]["column"], 7);
    assert_eq!(
        report["scan"]["warnings"],
        serde_json::json!(["img.bin: skipped (binary): binary content, 4 bytes"])
    );
    let out = t
        .leakgate()
        .args(["scan", "--staged", "--strict"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

fn utf16(s: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut v = match (bom, big_endian) {
        (false, _) => Vec::new(),
        (true, false) => vec![0xff, 0xfe],
        (true, true) => vec![0xfe, 0xff],
    };
    for unit in s.encode_utf16() {
        v.extend(if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    v
}

fn warnings(report: &Value) -> Vec<String> {
    report["scan"]["warnings"]
        .as_array()
        .map(|a| a.iter().map(|w| w.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

// 9.4 for --staged: a staged file over --max-file-size is scanned in
// overlapping chunks (as in directory scans), not skipped.
#[test]
fn staged_files_over_the_size_limit_are_scanned_in_chunks() {
    let t = TestRepo::new();
    t.add("readme.txt", "hi\n");
    t.commit("first");
    let mut big = "a".repeat(20_000);
    big.push_str(&format!(" key={}\n", secret(11)));
    t.add("big.txt", &big);
    let (code, report) = t.json(&["scan", "--staged", "--max-file-size", "10000"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(locations(&report), vec![("big.txt".to_string(), 1)]);
    assert_eq!(findings(&report)[0]["location"]["column"], 20_006);
    assert_eq!(git_support::stat(&report, "files_chunked"), 1);
    assert!(warnings(&report).is_empty(), "{report}");
}

// 9.3 and 9.4 for history and ranges: UTF-16 blobs (LE/BE, with or without
// a byte-order mark) are decoded; binary and oversized blobs are named by
// path and commit, and --strict fails on them.
#[test]
fn history_and_ranges_decode_utf16_and_name_skipped_blobs() {
    let t = TestRepo::new();
    std::fs::write(
        t.root().join("le.ps1"),
        utf16(&format!("# one\n$k = '{}'\n", secret(12)), false, false),
    )
    .unwrap();
    t.stage("le.ps1");
    std::fs::write(t.root().join("logo.bin"), b"\x89PNG\0\0\0\x01").unwrap();
    t.stage("logo.bin");
    t.add("huge.txt", &"b".repeat(20_000));
    let first = t.commit("first");
    let (code, report) = t.json(&["scan", "--history", "--max-file-size", "10000"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(locations(&report), vec![("le.ps1".to_string(), 2)]);
    // huge.txt is over --max-file-size: scanned in chunks, not skipped.
    assert_eq!(
        warnings(&report),
        vec![format!(
            "logo.bin: skipped (binary): blob {} of commit {first}: binary content, 8 bytes",
            t.repo.revparse_single("HEAD:logo.bin").unwrap().id()
        )]
    );
    assert_eq!(git_support::stat(&report, "files_chunked"), 1);
    let strict = t
        .leakgate()
        .args(["scan", "--history", "--max-file-size", "10000", "--strict"])
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(2), "{}", stderr_of(&strict));
    assert!(
        stderr_of(&strict).contains("1 file was skipped"),
        "{}",
        stderr_of(&strict)
    );

    // Re-encoded as UTF-16BE with a mark plus one new secret line: only the
    // new line is blamed on the second commit.
    std::fs::write(
        t.root().join("le.ps1"),
        utf16(
            &format!("# one\n$k = '{}'\n$j = '{}'\n", secret(12), secret(13)),
            true,
            true,
        ),
    )
    .unwrap();
    t.stage("le.ps1");
    t.commit("second");
    let (code, report) = t.json(&["scan", "--range", "HEAD~1..HEAD"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(locations(&report), vec![("le.ps1".to_string(), 3)]);
    assert!(warnings(&report).is_empty(), "{report}");
}

// 9.4 for history and ranges: a text blob over --max-file-size is scanned
// in overlapping chunks (one such blob in memory at a time), and a secret
// at its end is found on the right line, in history and in a range, with
// and without the history cache.
#[test]
fn oversized_blobs_in_history_and_ranges_are_scanned_in_chunks() {
    let t = TestRepo::new();
    t.add("readme.txt", "hi\n");
    t.commit("first");
    let mut big = String::new();
    for i in 0..3000 {
        big.push_str(&format!("filler line {i} with some words in it\n"));
    }
    big.push_str(&format!("key={}\n", secret(14)));
    assert!(big.len() > 100_000);
    t.add("big.txt", &big);
    t.commit("second");
    let expected = vec![("big.txt".to_string(), 3001)];
    for args in [
        &[
            "scan",
            "--history",
            "--no-cache",
            "--max-file-size",
            "20000",
        ][..],
        &[
            "scan",
            "--range",
            "HEAD~1..HEAD",
            "--max-file-size",
            "20000",
        ][..],
    ] {
        let (code, report) = t.json(args);
        assert_eq!(code, 1, "{args:?}: {report}");
        assert_eq!(locations(&report), expected, "{args:?}");
        assert_eq!(git_support::stat(&report, "files_chunked"), 1, "{args:?}");
        assert!(warnings(&report).is_empty(), "{args:?}: {report}");
        let strict = t.leakgate().args(args).arg("--strict").output().unwrap();
        assert_eq!(strict.status.code(), Some(1), "{}", stderr_of(&strict));
    }
    // Through the cache: the second audit rebuilds the same report.
    let cache = t.dir.path().join("cache");
    let mut reports = Vec::new();
    for _ in 0..2 {
        let out = t
            .leakgate()
            .env("LEAKGATE_CACHE_DIR", &cache)
            .args([
                "scan",
                "--history",
                "--max-file-size",
                "20000",
                "-f",
                "json",
            ])
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(locations(&report), expected);
        assert_eq!(git_support::stat(&report, "files_chunked"), 1);
        reports.push(report["findings"].clone());
    }
    assert_eq!(reports[0], reports[1]);
}

// Never silent: a blob the object database cannot produce (a damaged or
// incomplete clone) is named on stderr and in the report's errors, the other
// blobs are still scanned and reported, and `--strict` fails the run.
#[test]
fn an_unreadable_history_blob_is_named_and_fails_strict() {
    let t = TestRepo::new();
    t.add("a.txt", &format!("k = '{}'\n", secret(21)));
    t.add("b.txt", "plain text\n");
    t.commit("first");
    let blob = t
        .repo
        .revparse_single("HEAD:b.txt")
        .unwrap()
        .id()
        .to_string();
    let loose = t
        .repo
        .path()
        .join("objects")
        .join(&blob[..2])
        .join(&blob[2..]);
    std::fs::remove_file(&loose).unwrap();

    let out = t
        .leakgate()
        .args(["scan", "--history", "--no-cache", "-f", "json"])
        .output()
        .unwrap();
    let err = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("blob {blob}")), "{err}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(locations(&report), vec![("a.txt".to_string(), 1)]);
    let errors = report["scan"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{report}");
    assert_eq!(errors[0]["path"], format!("blob {blob}"));

    let strict = t
        .leakgate()
        .args(["scan", "--history", "--no-cache", "--strict"])
        .output()
        .unwrap();
    assert_eq!(strict.status.code(), Some(2), "{}", stderr_of(&strict));
    assert!(
        stderr_of(&strict).contains("1 input could not be read (--strict)"),
        "{}",
        stderr_of(&strict)
    );
}
