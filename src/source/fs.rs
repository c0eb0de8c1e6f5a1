//! Files and directories as a source.
//!
//! Directories are walked with the `ignore` crate (ripgrep's walker), in
//! parallel: `.gitignore`, `.ignore` and git excludes are honoured unless
//! `no_ignore` is set, hidden files are scanned (`.env`, `.npmrc`,
//! `.github/workflows/*.yml` are where secrets live) and only `.git/` itself
//! is skipped. Inside a git work tree, every *tracked* file is scanned too,
//! ignored or not ([`tracked`](super::tracked)): a committed `.env` is in the
//! repository whatever `.gitignore` says. Files are then read and scanned in
//! parallel with rayon.
//!
//! Hostile trees: symbolic links are never followed out of the scanned
//! directory, only regular files are opened (never a FIFO, device or
//! socket), and reads are bounded ([`read`](super::read)): files larger than
//! `--max-file-size` are scanned in overlapping chunks of that size instead
//! of being loaded whole. Every file not scanned is named in
//! [`ScanResult::skipped`].
//!
//! Display paths: for a single directory argument, relative to it; for
//! several arguments, the argument joined with the relative path; for an
//! explicit file, the argument as given. Always normalised, `/`-separated,
//! without a leading `./`, with bytes that are not UTF-8 or are control
//! characters escaped ([`crate::escape::path`]). Files are de-duplicated on
//! their real path, so two names differing only in invalid bytes stay two.

use super::read::{open_regular, scan_stream, OpenRefusal};
use super::{keys, ScanResult, Skip, SkipReason};
use crate::report::Problem;
use crate::scanner::{BlobContext, Scanner};
use rayon::prelude::*;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// One file to scan: where it is on disk, and the path findings show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// Path on disk.
    pub fs_path: PathBuf,
    /// Normalised display path.
    pub display: String,
    /// The directory argument this file was found under (links must not
    /// leave it); `None` for a file named on the command line.
    pub root: Option<PathBuf>,
}

/// Scans files and directories (not `-`; see [`super::stdin`]).
pub fn scan_paths(scanner: &Scanner, paths: &[PathBuf]) -> ScanResult {
    let mut res = ScanResult::zeroed();
    let (files, problems) = collect_files(paths, scanner.options().no_ignore);
    for p in problems {
        res.stats.add(keys::FILES_UNREADABLE, 1);
        res.errors.push(p);
    }
    let mut parts: Vec<ScanResult> = files.par_iter().map(|f| scan_file(scanner, f)).collect();
    // The largest part's findings become the result, grown once to hold
    // the others as their parts are freed: never two copies of the bulk.
    if let Some(big) = (0..parts.len()).max_by_key(|&i| parts[i].findings.len()) {
        res.findings = std::mem::take(&mut parts[big].findings);
    }
    res.findings
        .reserve_exact(parts.iter().map(|p| p.findings.len()).sum());
    for mut p in parts {
        res.findings.append(&mut p.findings);
        res.merge(p);
    }
    res.skipped.sort();
    res
}

/// Expands `paths` into the files to scan, plus the problems met on the way.
pub fn collect_files(paths: &[PathBuf], no_ignore: bool) -> (Vec<FileEntry>, Vec<Problem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let single = paths.len() == 1;
    for arg in paths {
        match std::fs::metadata(arg) {
            Ok(m) if m.is_dir() => {
                let prefix = if single { None } else { Some(normalize(arg)) };
                walk(arg, prefix.as_deref(), no_ignore, &mut files, &mut problems);
            }
            Ok(_) => files.push(FileEntry {
                fs_path: arg.clone(),
                display: normalize(arg),
                root: None,
            }),
            Err(e) => problems.push(Problem {
                path: normalize(arg),
                message: describe(arg, &e),
            }),
        }
    }
    files.sort_by(|a, b| (&a.display, &a.fs_path).cmp(&(&b.display, &b.fs_path)));
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(f.fs_path.clone()));
    (files, problems)
}

fn display_of(root: &Path, path: &Path, prefix: Option<&str>) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    match prefix {
        Some(p) if !p.is_empty() && p != "." => format!("{p}/{}", normalize(rel)),
        _ => normalize(rel),
    }
}

fn walk(
    root: &Path,
    prefix: Option<&str>,
    no_ignore: bool,
    files: &mut Vec<FileEntry>,
    problems: &mut Vec<Problem>,
) {
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(false)
        .follow_links(false)
        .require_git(false)
        .git_ignore(!no_ignore)
        .git_global(!no_ignore)
        .git_exclude(!no_ignore)
        .ignore(!no_ignore)
        .parents(!no_ignore)
        .filter_entry(|e| e.file_name() != ".git");
    let found = Mutex::new((Vec::new(), Vec::new()));
    builder.build_parallel().run(|| {
        let found = &found;
        Box::new(move |entry| {
            let item = match entry {
                Ok(e) => {
                    // Directories are descended into; everything else (files,
                    // links, FIFOs, devices) is listed so it is scanned or
                    // named as skipped.
                    if e.file_type().is_none_or(|t| t.is_dir()) {
                        return ignore::WalkState::Continue;
                    }
                    Ok(FileEntry {
                        fs_path: e.path().to_path_buf(),
                        display: display_of(root, e.path(), prefix),
                        root: Some(root.to_path_buf()),
                    })
                }
                Err(err) => Err(walk_problem(root, &err)),
            };
            if let Ok(mut g) = found.lock() {
                match item {
                    Ok(f) => g.0.push(f),
                    Err(p) => g.1.push(p),
                }
            }
            ignore::WalkState::Continue
        })
    });
    let (mut f, p): (Vec<FileEntry>, Vec<Problem>) = found
        .into_inner()
        .unwrap_or_else(|poison| poison.into_inner());
    if !no_ignore {
        match super::tracked::tracked_under(root) {
            None => {}
            Some(Err(problem)) => problems.push(problem),
            Some(Ok(tracked)) => {
                for rel in tracked {
                    let path = root.join(&rel);
                    // A tracked path deleted from the work tree is not there to scan.
                    if std::fs::symlink_metadata(&path).is_err() {
                        continue;
                    }
                    f.push(FileEntry {
                        display: display_of(root, &path, prefix),
                        fs_path: path,
                        root: Some(root.to_path_buf()),
                    });
                }
            }
        }
    }
    files.extend(f);
    problems.extend(p);
}

fn walk_problem(root: &Path, err: &ignore::Error) -> Problem {
    let mut path = None;
    let mut cur = err;
    loop {
        match cur {
            ignore::Error::WithPath { path: p, err } => {
                path = Some(p.clone());
                cur = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                cur = err
            }
            _ => break,
        }
    }
    let shown = path
        .as_deref()
        .map(|p| normalize(p.strip_prefix(root).unwrap_or(p)))
        .unwrap_or_else(|| normalize(root));
    Problem {
        path: shown,
        message: crate::escape::text(&cur.to_string()).into_owned(),
    }
}

/// Reads and scans one file.
pub fn scan_file(scanner: &Scanner, f: &FileEntry) -> ScanResult {
    let mut res = ScanResult::default();
    let ctx = BlobContext {
        path: &f.display,
        commit: None,
    };
    if scanner.is_path_allowlisted(&f.display) {
        res.stats.add(keys::FILES_SKIPPED_ALLOWLISTED, 1);
        return res;
    }
    let skip = |res: &mut ScanResult, reason: SkipReason, detail: String| {
        res.skipped.push(Skip {
            path: f.display.clone(),
            reason,
            detail,
        });
    };
    let (mut file, size) = match open_regular(&f.fs_path, f.root.as_deref()) {
        Ok(opened) => opened,
        Err(OpenRefusal::NotRegular("directory")) => {
            // A symbolic link to a directory inside the root: the walker
            // lists the directory's own files when it is not ignored.
            return res;
        }
        Err(
            refusal @ (OpenRefusal::NotRegular(_)
            | OpenRefusal::OutsideRoot(_)
            | OpenRefusal::OutsidePath(_)),
        ) => {
            res.stats.add(keys::FILES_SKIPPED_UNSAFE, 1);
            skip(&mut res, SkipReason::Unsafe, refusal.to_string());
            return res;
        }
        Err(refusal) => {
            res.stats.add(keys::FILES_UNREADABLE, 1);
            res.errors.push(Problem {
                path: f.display.clone(),
                message: refusal.to_string(),
            });
            return res;
        }
    };
    // Path-only rules (a committed `id_rsa`, a `.p12`) apply to binary and
    // large files too.
    res.findings = scanner.path_findings(&ctx);
    let scan = match scan_stream(scanner, &mut file, scanner.options().max_file_size) {
        Ok(scan) => scan,
        Err(e) => {
            res.stats.add(keys::FILES_UNREADABLE, 1);
            res.errors.push(Problem {
                path: f.display.clone(),
                message: crate::escape::text(&e.to_string()).into_owned(),
            });
            return res;
        }
    };
    match scan.encoding {
        Some(super::text::Encoding::Binary) => {
            res.stats.add(keys::FILES_SKIPPED_BINARY, 1);
            skip(
                &mut res,
                SkipReason::Binary,
                format!("binary content, {size} bytes"),
            );
            return res;
        }
        Some(e) if e.is_utf16() => res.stats.add(keys::FILES_DECODED_UTF16, 1),
        _ => {}
    }
    if scan.chunks > 1 {
        res.stats.add(keys::FILES_CHUNKED, 1);
    }
    res.stats.add(keys::FILES_SCANNED, 1);
    res.stats.add(keys::BYTES_SCANNED, scan.bytes);
    let found = scanner.findings(&scan.matches, &ctx);
    drop(scan);
    if res.findings.is_empty() {
        res.findings = found;
    } else {
        res.findings.extend(found);
    }
    res
}

/// A readable explanation of an I/O error, naming broken symlinks as such.
fn describe(path: &Path, e: &std::io::Error) -> String {
    let broken_link = e.kind() == std::io::ErrorKind::NotFound
        && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if broken_link {
        "broken symbolic link".to_string()
    } else {
        crate::escape::text(&e.to_string()).into_owned()
    }
}

/// Normalises a path for display: `/` separators, no `.` components, no
/// leading `./`, invalid UTF-8 and control characters escaped (lossless: two
/// distinct names never display the same).
pub fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut absolute = false;
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::RootDir => absolute = true,
            Component::Prefix(p) => parts.push(p.as_os_str().to_string_lossy().into_owned()),
            Component::ParentDir => parts.push("..".into()),
            Component::Normal(s) => parts.push(crate::escape::path(Path::new(s)).into_owned()),
        }
    }
    let joined = parts.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization() {
        assert_eq!(normalize(Path::new("./src/a.rs")), "src/a.rs");
        assert_eq!(normalize(Path::new("src/./b/../c")), "src/b/../c");
        assert_eq!(normalize(Path::new(".")), ".");
        assert_eq!(normalize(Path::new("/tmp/x")), "/tmp/x");
    }

    #[test]
    fn walk_honours_gitignore_and_keeps_hidden_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join(".gitignore"), "ignored.txt\n").unwrap();
        std::fs::write(root.join("ignored.txt"), "x").unwrap();
        std::fs::write(root.join(".env"), "x").unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join(".git/config"), "x").unwrap();
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/a.txt"), "x").unwrap();
        let names = |no_ignore| {
            let (files, problems) = collect_files(&[root.to_path_buf()], no_ignore);
            assert!(problems.is_empty());
            files.into_iter().map(|f| f.display).collect::<Vec<_>>()
        };
        assert_eq!(names(false), vec![".env", ".gitignore", "sub/a.txt"]);
        assert_eq!(
            names(true),
            vec![".env", ".gitignore", "ignored.txt", "sub/a.txt"]
        );
    }

    #[test]
    fn missing_argument_is_a_problem() {
        let (files, problems) = collect_files(&[PathBuf::from("./does/not/exist")], false);
        assert!(files.is_empty());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, "does/not/exist");
    }
}
