//! `leakgate db update` / `db status` against a local HTTP server on
//! 127.0.0.1 started by each test (serving zips built from the fixture
//! records; it answers a bounded number of requests and stops by itself).

use assert_cmd::Command;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A zip of every `.json` record in a fixture folder, plus a non-record entry.
fn zip_of(folder: &str) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures().join("osv").join(folder))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        for p in paths {
            zip.start_file(p.file_name().unwrap().to_string_lossy(), opts)
                .unwrap();
            zip.write_all(&std::fs::read(&p).unwrap()).unwrap();
        }
        zip.start_file("LICENSE", opts).unwrap();
        zip.write_all(b"license text").unwrap();
        zip.finish().unwrap();
    }
    buf.into_inner()
}

/// Serves `routes` (path → body; anything else is 404) for at most
/// `requests` requests or 30 seconds, then stops. Returns the base URL and
/// the thread, which yields the paths requested.
fn serve(routes: HashMap<String, Vec<u8>>, requests: usize) -> (String, JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut seen = Vec::new();
        while seen.len() < requests && Instant::now() < deadline {
            let (stream, _) = match listener.accept() {
                Ok(s) => s,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                }
                Err(_) => break,
            };
            stream.set_nonblocking(false).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let mut reader = BufReader::new(stream);
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                match reader.read_line(&mut header) {
                    Ok(0) | Err(_) => break,
                    Ok(_) if header == "\r\n" || header == "\n" => break,
                    Ok(_) => {}
                }
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .to_string();
            let mut stream = reader.into_inner();
            let (status, body) = match routes.get(&path) {
                Some(b) => ("200 OK", b.clone()),
                None => ("404 Not Found", b"not found".to_vec()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/zip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
            let _ = stream.flush();
            seen.push(path);
        }
        seen
    });
    (base, handle)
}

fn leakgate(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("leakgate").unwrap();
    cmd.env("XDG_CACHE_HOME", home.join("cache"))
        .env("HOME", home)
        .env("NO_COLOR", "1");
    cmd
}

/// The first `n` whitespace-separated fields of a line.
fn fields(line: &str, n: usize) -> Vec<&str> {
    line.split_whitespace().take(n).collect()
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn update_downloads_validates_and_replaces_the_cache() {
    let home = tempfile::tempdir().unwrap();
    let routes = HashMap::from([
        ("/crates.io/all.zip".to_string(), zip_of("rustsec")),
        ("/Go/all.zip".to_string(), zip_of("go")),
    ]);
    let (base, server) = serve(routes, 3);
    let out = stdout_of(leakgate(home.path()).args([
        "db",
        "update",
        "--url",
        &base,
        "--ecosystem",
        "crates.io",
        "--ecosystem",
        "go",
    ]));
    // 10 RustSec records, one withdrawn; 8 Go records, one withdrawn.
    assert!(
        out.contains("updated crates.io       9 advisories"),
        "{out}"
    );
    assert!(
        out.contains("updated Go              7 advisories"),
        "{out}"
    );
    let cache = home.path().join("cache/leakgate/osv");
    assert!(cache.join("crates.io/all.zip").is_file());
    assert!(cache.join("Go/all.zip").is_file());

    // Only Go again: crates.io is carried over, nothing else is left behind.
    let out = stdout_of(leakgate(home.path()).args([
        "db",
        "update",
        "--url",
        &base,
        "--ecosystem",
        "Go",
    ]));
    assert!(out.contains("updated Go"), "{out}");
    assert!(!out.contains("crates.io"), "{out}");
    assert!(cache.join("crates.io/all.zip").is_file());
    let leftovers: Vec<String> = std::fs::read_dir(cache.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(leftovers, ["osv"]);
    assert_eq!(
        server.join().unwrap(),
        ["/crates.io/all.zip", "/Go/all.zip", "/Go/all.zip"]
    );

    // The default `deps` database is now the cache.
    let project = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures().join("deps/go/go.mod"),
        project.path().join("go.mod"),
    )
    .unwrap();
    leakgate(home.path())
        .current_dir(project.path())
        .args(["deps", ".", "-f", "json"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("GO-2021-0113"));

    let status = stdout_of(leakgate(home.path()).args(["db", "status"]));
    let lines: Vec<&str> = status.lines().collect();
    assert_eq!(lines.len(), 4, "{status}");
    assert_eq!(fields(lines[1], 2), ["Go", "7"], "{status}");
    // Age comes from the records' `modified`, not from when the files were
    // written: the Go snapshot's records carry the zero time, so it is unknown.
    assert_eq!(
        fields(lines[1], 4),
        ["Go", "7", "unknown", "unknown"],
        "{status}"
    );
    assert_eq!(fields(lines[2], 2), ["crates.io", "9"], "{status}");
    let crates = fields(lines[2], 5);
    assert_eq!(crates[3], "days", "{status}");
    assert!(
        crates[4].starts_with("20") && crates[4].ends_with('Z'),
        "{status}"
    );
    assert_eq!(
        lines[3],
        "total: 16 advisories, 0 malformed records skipped"
    );
}

#[test]
fn failed_downloads_leave_the_cache_untouched() {
    let home = tempfile::tempdir().unwrap();
    let cache = home.path().join("cache/leakgate/osv");
    let routes = HashMap::from([
        ("/crates.io/all.zip".to_string(), zip_of("rustsec")),
        ("/npm/all.zip".to_string(), b"this is not a zip".to_vec()),
    ]);
    let (base, server) = serve(routes, 3);
    stdout_of(leakgate(home.path()).args([
        "db",
        "update",
        "--url",
        &base,
        "--ecosystem",
        "crates.io",
    ]));
    let before = std::fs::read(cache.join("crates.io/all.zip")).unwrap();

    leakgate(home.path())
        .args(["db", "update", "--url", &base, "--ecosystem", "PyPI"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("/PyPI/all.zip"))
        .stderr(predicates::str::contains("404"));
    leakgate(home.path())
        .args(["db", "update", "--url", &base, "--ecosystem", "npm"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("downloaded npm database from"))
        .stderr(predicates::str::contains("is not a usable OSV export"));
    assert_eq!(
        std::fs::read(cache.join("crates.io/all.zip")).unwrap(),
        before
    );
    assert!(!cache.join("PyPI").exists());
    assert!(!cache.join("npm").exists());
    let leftovers: Vec<String> = std::fs::read_dir(cache.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(leftovers, ["osv"]);
    assert_eq!(server.join().unwrap().len(), 3);
}

#[test]
fn status_of_explicit_sources_and_missing_cache() {
    let home = tempfile::tempdir().unwrap();
    let status = stdout_of(leakgate(home.path()).args([
        "db",
        "status",
        "--db",
        fixtures().join("osv").to_str().unwrap(),
    ]));
    let rows: Vec<&str> = status.lines().skip(1).collect();
    assert_eq!(fields(rows[0], 2), ["crates.io", "10"], "{status}");
    assert_eq!(fields(rows[1], 2), ["PyPI", "21"], "{status}");
    assert_eq!(fields(rows[2], 2), ["Go", "7"], "{status}");
    assert_eq!(rows[3], "total: 38 advisories, 0 malformed records skipped");
    leakgate(home.path())
        .args(["db", "status"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("run `leakgate db update`"));
    leakgate(home.path())
        .args(["db", "update", "--ecosystem", "Debian"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown ecosystem `Debian`"));
}
