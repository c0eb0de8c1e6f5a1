//! Hostile and unlucky inputs for directory and stdin scans (issue 9): each
//! test drives the real binary on a real temp dir and asserts the exact
//! outcome (exit code, finding path and line, skip named).

mod git_support;

use git_support::{findings, leakgate_in, locations, run_json, secret, stat, TestRepo};
use serde_json::Value;
use std::path::Path;

fn write(dir: &Path, rel: &str, content: impl AsRef<[u8]>) {
    let full = dir.join(rel);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, content).unwrap();
}

/// `leakgate scan <args> -f json` in `dir`; (exit code, report, stderr).
fn scan(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let out = leakgate_in(dir, dir)
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap())
        .arg("scan")
        .args(args)
        .args(["-f", "json"])
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    (
        out.status.code().unwrap_or(-1),
        report,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn warnings(report: &Value) -> Vec<String> {
    report["scan"]["warnings"]
        .as_array()
        .map(|a| a.iter().map(|w| w.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

fn utf16le(s: &str, bom: bool) -> Vec<u8> {
    let mut v = if bom { vec![0xff, 0xfe] } else { Vec::new() };
    v.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
    v
}

fn utf16be(s: &str, bom: bool) -> Vec<u8> {
    let mut v = if bom { vec![0xfe, 0xff] } else { Vec::new() };
    v.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
    v
}

// 9.1: a tracked file that .gitignore matches is still in the repository.
#[test]
fn tracked_but_ignored_files_are_scanned_in_a_work_tree() {
    let t = TestRepo::new();
    t.write(".gitignore", ".env\nbuild/\n");
    t.write(".env", &format!("TOKEN={}\n", secret(1)));
    t.stage(".gitignore");
    let mut index = t.repo.index().unwrap();
    index.add_path(Path::new(".env")).unwrap(); // `git add -f .env`
    index.write().unwrap();
    t.commit("add env");
    // Untracked and ignored: still not scanned.
    t.write("build/out.txt", &format!("{}\n", secret(2)));
    let (code, report) = run_json(t.leakgate().args(["scan", "."]));
    assert_eq!(code, 1);
    assert_eq!(locations(&report), vec![(".env".to_string(), 1)]);
    // Outside git the ignore file is honoured as before.
    let plain = tempfile::tempdir().unwrap();
    let root = plain.path().join("p");
    write(&root, ".gitignore", ".env\n");
    write(&root, ".env", format!("TOKEN={}\n", secret(1)));
    let (code, report, _) = scan(&root, &["."]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(stat(&report, "files_scanned"), 1);
}

// 9.2: names that differ only in invalid bytes stay two files.
#[cfg(target_os = "linux")]
#[test]
fn non_utf8_names_are_not_collapsed() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("r");
    std::fs::create_dir(&root).unwrap();
    for (name, n) in [(&b"a\xfe.txt"[..], 1), (&b"a\xff.txt"[..], 2)] {
        let p = root.join(std::ffi::OsStr::from_bytes(name));
        std::fs::write(p, format!("{}\n", secret(n))).unwrap();
    }
    let (code, report, _) = scan(&root, &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        locations(&report),
        vec![("a\\xfe.txt".to_string(), 1), ("a\\xff.txt".to_string(), 1)]
    );
}

// 9.3: UTF-16 files are decoded, with lines as an editor shows them.
#[test]
fn utf16_files_are_decoded_with_correct_lines() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("r");
    let body = |n| format!("# deploy\r\n\r\n$token = \"{}\"\r\n", secret(n));
    write(&root, "le-bom.ps1", utf16le(&body(1), true));
    write(&root, "le.ps1", utf16le(&body(2), false));
    write(&root, "be-bom.reg", utf16be(&body(3), true));
    write(&root, "be.config", utf16be(&body(4), false));
    let (code, report, _) = scan(&root, &["."]);
    assert_eq!(code, 1);
    let locs = locations(&report);
    assert_eq!(
        locs,
        vec![
            ("be-bom.reg".to_string(), 3),
            ("be.config".to_string(), 3),
            ("le-bom.ps1".to_string(), 3),
            ("le.ps1".to_string(), 3)
        ]
    );
    for f in findings(&report) {
        assert_eq!(f["location"]["column"], 11);
    }
    assert_eq!(stat(&report, "files_decoded_utf16"), 4);
}

// 9.4: every skipped file is named; --strict fails on any skip; large text
// files are scanned in chunks instead of being skipped.
#[test]
fn skipped_files_are_named_and_strict_fails() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("r");
    write(&root, "logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    write(&root, "ok.txt", "fine\n");
    let (code, report, stderr) = scan(&root, &["."]);
    assert_eq!(code, 0);
    assert_eq!(
        warnings(&report),
        vec!["logo.png: skipped (binary): binary content, 16 bytes"]
    );
    assert!(
        stderr.contains("leakgate: warning: logo.png: skipped (binary)"),
        "{stderr}"
    );
    assert_eq!(stat(&report, "files_skipped"), 1);
    let out = leakgate_in(&root, dir.path())
        .args(["scan", ".", "--strict", "-f", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("1 file was skipped, not scanned (--strict)")
    );
}

#[test]
fn skips_appear_as_sarif_notifications() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("r");
    write(&root, "blob.bin", b"\0\x01\x02\x03");
    let out = leakgate_in(&root, dir.path())
        .args(["scan", ".", "-f", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = sarif.to_string();
    assert!(
        text.contains("blob.bin: skipped (binary): binary content, 4 bytes"),
        "{text}"
    );
}

#[test]
fn a_large_single_line_file_is_scanned_in_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("r");
    let mut data = vec![b'x'; 3 << 20];
    data.extend_from_slice(format!(" {}\n", secret(5)).as_bytes());
    write(&root, "min.js", &data);
    let (code, report, _) = scan(&root, &[".", "--max-file-size", "65536"]);
    assert_eq!(code, 1);
    assert_eq!(locations(&report), vec![("min.js".to_string(), 1)]);
    assert_eq!(findings(&report)[0]["location"]["column"], (3 << 20) + 2);
    assert_eq!(stat(&report, "files_chunked"), 1);
    assert_eq!(stat(&report, "files_skipped_size"), 0);
    assert_eq!(stat(&report, "bytes_scanned"), data.len() as u64);
    // The same through stdin.
    let out = leakgate_in(&root, dir.path())
        .args(["scan", "-", "--max-file-size", "65536", "-f", "json"])
        .write_stdin(data)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(locations(&report), vec![("-".to_string(), 1)]);
}

// 9.5: a missing path is an error, not "0 files scanned".
#[test]
fn a_missing_path_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = leakgate_in(dir.path(), dir.path())
        .args(["scan", "/nonexistent/leakgate-test"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("/nonexistent/leakgate-test: no such file or directory"));
}

// 9.10: links out of the root, devices and FIFOs are never read.
#[cfg(unix)]
#[test]
fn links_out_of_the_root_devices_and_fifos_are_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("r");
    write(&root, "inside.txt", format!("{}\n", secret(1)));
    write(dir.path(), "outside.txt", format!("{}\n", secret(2)));
    let link =
        |target: &Path, name: &str| std::os::unix::fs::symlink(target, root.join(name)).unwrap();
    link(&dir.path().join("outside.txt"), "out-link");
    link(Path::new("/dev/zero"), "zero");
    link(Path::new("/dev/stdin"), "stdin");
    link(Path::new("/etc"), "etc");
    link(Path::new("inside.txt"), "in-link");
    let fifo = std::ffi::CString::new(root.join("fifo").to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc_mkfifo(fifo.as_ptr()) }, 0);
    let (code, report, _) = scan(&root, &["."]);
    assert_eq!(code, 1);
    // The link inside the root is read; nothing outside it is.
    assert_eq!(
        locations(&report),
        vec![("in-link".to_string(), 1), ("inside.txt".to_string(), 1)]
    );
    let w = warnings(&report);
    let named: Vec<&str> = w.iter().map(|s| s.split(':').next().unwrap()).collect();
    // `/dev/stdin` resolves to whatever fd 0 is (a pipe, /dev/null): named
    // as skipped or, when it cannot be resolved, as unreadable; never read.
    let errors: Vec<String> = report["scan"]["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["path"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default();
    let mut all: Vec<&str> = named.clone();
    all.extend(errors.iter().map(String::as_str));
    all.sort();
    assert_eq!(all, vec!["etc", "fifo", "out-link", "stdin", "zero"]);
    assert!(w[1].contains("not a regular file (FIFO)"), "{w:?}");
    assert!(w[2].contains("outside the scanned directory"), "{w:?}");
    assert_eq!(stat(&report, "files_skipped_unsafe"), named.len() as u64);
}

#[cfg(unix)]
extern "C" {
    fn mkfifo(path: *const std::ffi::c_char, mode: u32) -> i32;
}

#[cfg(unix)]
unsafe fn libc_mkfifo(path: *const std::ffi::c_char) -> i32 {
    mkfifo(path, 0o600)
}

#[cfg(unix)]
#[test]
fn a_hostile_ignore_file_is_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("r");
    write(&root, "a.txt", "ok\n");
    std::os::unix::fs::symlink("/dev/zero", root.join(".leakgateignore")).unwrap();
    let out = leakgate_in(&root, dir.path())
        .args(["scan", "."])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(".leakgateignore"), "{err}");
    assert!(err.contains("outside the scanned directory"), "{err}");
}

#[test]
fn a_malformed_ignore_line_is_quoted_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("r");
    write(&root, ".leakgateignore", "bad\x1b]0;x\x07line\n");
    let out = leakgate_in(&root, dir.path())
        .args(["scan", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`bad\\x1b]0;x\\x07line`"), "{err}");
    assert!(!err.contains('\x1b'));
}

/// `leakgate scan . <args>` in `root` (60 s cap): (exit code, stderr).
#[cfg(unix)]
fn scan_err(root: &Path, home: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = leakgate_in(root, home)
        .env("GIT_CEILING_DIRECTORIES", home)
        .args(["scan", "."])
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// 9.10 for config files and baselines: a committed `.leakgate.toml` that is
// a link out of the root or a FIFO, an `[extend] path` to a device or a file
// outside the root, and a FIFO given as --config or --baseline are refused
// with exit 2 and the file named; never read, never waited on, never
// silently replaced by the built-in rules.
#[cfg(unix)]
#[test]
fn hostile_config_files_and_baselines_are_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("r");
    write(&root, "a.txt", "ok\n");
    write(dir.path(), "outside.toml", "title = \"outside\"\n");
    let cfg = root.join(".leakgate.toml");

    std::os::unix::fs::symlink(dir.path().join("outside.toml"), &cfg).unwrap();
    let (code, err) = scan_err(&root, dir.path(), &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(".leakgate.toml: cannot read config: symbolic link to"),
        "{err}"
    );
    assert!(err.contains("outside the scanned directory"), "{err}");
    std::fs::remove_file(&cfg).unwrap();

    let status = std::process::Command::new("mkfifo")
        .arg(&cfg)
        .status()
        .unwrap();
    assert!(status.success());
    let (code, err) = scan_err(&root, dir.path(), &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(".leakgate.toml: cannot read config: not a regular file (FIFO)"),
        "{err}"
    );

    // The same FIFO named explicitly (as --config and as --baseline).
    let (code, err) = scan_err(&root, dir.path(), &["--config", ".leakgate.toml"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not a regular file (FIFO)"), "{err}");
    std::fs::rename(&cfg, root.join("fifo")).unwrap();
    let (code, err) = scan_err(&root, dir.path(), &["--baseline", "fifo"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("baseline fifo: not a regular file (FIFO)"),
        "{err}"
    );
    std::fs::remove_file(root.join("fifo")).unwrap();

    for target in [
        "/dev/zero",
        dir.path().join("outside.toml").to_str().unwrap(),
    ] {
        std::fs::write(&cfg, format!("[extend]\npath = \"{target}\"\n")).unwrap();
        let (code, err) = scan_err(&root, dir.path(), &[]);
        assert_eq!(code, Some(2), "{err}");
        assert!(
            err.contains("is outside the scanned directory: not read"),
            "{err}"
        );
    }
}
