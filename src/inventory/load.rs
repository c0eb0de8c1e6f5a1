//! Reading lockfiles from disk into an [`Inventory`]: the entry point the
//! `sbom` and `deps` commands call.

use super::guard::{read_bounded, MAX_LOCKFILE_BYTES};
use super::{
    discover, parse_input, Input, InventoryError, InventoryWarning, LocalPackage, LockfileKind,
    Package,
};
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Component, Path, PathBuf};

/// One parsed lockfile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lockfile {
    /// Path relative to the inventory root, `/`-separated.
    pub path: String,
    /// Format.
    pub kind: LockfileKind,
    /// Its packages, in lockfile order.
    pub packages: Vec<Package>,
    /// The packages that are local code (listed in `packages` with no
    /// version), with the directory each comes from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub local: Vec<LocalPackage>,
    /// What the parse warned about (an empty lockfile, a missing
    /// constraints file, a refused include).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<InventoryWarning>,
}

impl Lockfile {
    /// Whether `package` (of this lockfile) is local code rather than a
    /// registry package.
    pub fn is_local(&self, package: &Package) -> bool {
        package.version.is_none()
            && package.location.file == self.path
            && self.local.iter().any(|l| l.name == package.name)
    }
}

/// Every lockfile found under the paths given, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inventory {
    /// Directory the lockfile paths are relative to.
    pub root: PathBuf,
    /// The lockfiles, sorted by path.
    pub lockfiles: Vec<Lockfile>,
}

impl Inventory {
    /// Every package of every lockfile, lockfile by lockfile.
    pub fn packages(&self) -> impl Iterator<Item = &Package> {
        self.lockfiles.iter().flat_map(|l| l.packages.iter())
    }

    /// Moves every package out of the lockfiles (which keep their paths,
    /// warnings and counts), lockfile by lockfile: for callers done with the
    /// inventory's packages, so a 1M-package lockfile is not held twice.
    pub fn take_packages(&mut self) -> Vec<Package> {
        let mut packages: Vec<Package> = Vec::new();
        for l in &mut self.lockfiles {
            if packages.is_empty() {
                packages = std::mem::take(&mut l.packages);
            } else {
                packages.append(&mut l.packages);
            }
        }
        packages
    }

    /// Every warning of every lockfile, lockfile by lockfile.
    pub fn warnings(&self) -> impl Iterator<Item = &InventoryWarning> {
        self.lockfiles.iter().flat_map(|l| l.warnings.iter())
    }
}

/// An inventory that went on past the lockfiles it could not read: what
/// [`inventory_report`] returns. A caller reports `inventory` as usual,
/// then every error (each names its file, and its line when known), and
/// fails (exit 2) when `errors` is not empty.
#[derive(Debug)]
pub struct InventoryReport {
    /// Every lockfile that parsed.
    pub inventory: Inventory,
    /// Every lockfile (or path) that could not be read or parsed, in path order.
    pub errors: Vec<InventoryError>,
}

/// `path` relative to `root`, `/`-separated (as given when it is not under `root`).
pub(crate) fn display_path(path: &Path, root: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        path.to_string_lossy().replace('\\', "/")
    } else {
        parts.join("/").replace("//", "/")
    }
}

/// Reads a file as UTF-8 text (BOM removed); invalid UTF-8 is a parse
/// error at the line of the first bad byte.
pub(crate) fn read_text(path: &Path, display: &str) -> Result<String, InventoryError> {
    read_text_limited(path, display, MAX_LOCKFILE_BYTES)
}

/// [`read_text`] with a size limit: only regular files (links followed to
/// one), at most `limit` bytes.
pub(crate) fn read_text_limited(
    path: &Path,
    display: &str,
    limit: u64,
) -> Result<String, InventoryError> {
    let bytes = read_bounded(path, limit).map_err(|source| InventoryError::Io {
        path: display.to_string(),
        source,
    })?;
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..'\u{feff}'.len_utf8());
            }
            Ok(text)
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let line = memchr::memchr_iter(b'\n', &e.as_bytes()[..valid]).count() + 1;
            Err(InventoryError::parse(
                display,
                u32::try_from(line).ok(),
                "not valid UTF-8 text",
            ))
        }
    }
}

/// Parses one lockfile, recognised by its file name; locations are
/// reported relative to `root`.
pub fn parse_lockfile(path: &Path, root: &Path) -> Result<Lockfile, InventoryError> {
    let display = display_path(path, root);
    let kind = LockfileKind::detect(path).ok_or_else(|| InventoryError::UnknownKind {
        path: display.clone(),
        expected: LockfileKind::ALL.map(LockfileKind::name).join(", "),
    })?;
    let text = read_text(path, &display)?;
    let mut input = Input::new(&display, &text);
    input.disk = Some(path);
    input.root = Some(root);
    let mut packages = parse_input(kind, &input)?;
    super::licenses::fill(&mut packages, path);
    let notes = input.notes.into_inner();
    Ok(Lockfile {
        path: display,
        kind,
        packages,
        local: notes.local,
        warnings: notes.warnings,
    })
}

/// Inventories `paths`: directories are searched with [`discover`], files
/// are parsed as given (and must be lockfiles). The root is the directory
/// when exactly one is given, otherwise the deepest directory holding every
/// path (the current directory when none is given or they share nothing).
/// Fails on the first lockfile that does not parse, and when no lockfile
/// is found at all; [`inventory_report`] goes on past bad lockfiles.
pub fn inventory(paths: &[PathBuf]) -> Result<Inventory, InventoryError> {
    let report = inventory_report(paths)?;
    match report.errors.into_iter().next() {
        Some(first) => Err(first),
        None => Ok(report.inventory),
    }
}

/// Inventories `paths` like [`inventory`], but one unreadable path or
/// malformed lockfile never hides the others: every lockfile that parses is
/// in the inventory, and every failure is in
/// [`InventoryReport::errors`], in path order. Fails only when nothing was
/// found and nothing failed ([`InventoryError::NoLockfiles`]).
pub fn inventory_report(paths: &[PathBuf]) -> Result<InventoryReport, InventoryError> {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let root = inventory_root(&paths);
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in &paths {
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(source) => {
                errors.push(InventoryError::Io {
                    path: path.display().to_string(),
                    source,
                });
                continue;
            }
        };
        if meta.is_dir() {
            match discover(path) {
                Ok(found) => files.extend(found),
                Err(e) => errors.push(e),
            }
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    files.dedup();
    if files.is_empty() && errors.is_empty() {
        return Err(InventoryError::NoLockfiles {
            root: root.display().to_string(),
        });
    }
    let results: Vec<Result<Lockfile, InventoryError>> =
        files.par_iter().map(|f| parse_lockfile(f, &root)).collect();
    let mut lockfiles = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(l) => lockfiles.push(l),
            Err(e) => errors.push(e),
        }
    }
    lockfiles.sort_by(|a, b| a.path.cmp(&b.path));
    errors.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(InventoryReport {
        inventory: Inventory { root, lockfiles },
        errors,
    })
}

fn inventory_root(paths: &[PathBuf]) -> PathBuf {
    if let [only] = paths {
        if only.is_dir() {
            return only.clone();
        }
    }
    let dirs: Vec<PathBuf> = paths
        .iter()
        .map(|p| {
            if p.is_dir() {
                p.clone()
            } else {
                p.parent().map(Path::to_path_buf).unwrap_or_default()
            }
        })
        .collect();
    let mut common: Vec<Component<'_>> = match dirs.first() {
        Some(d) => d.components().collect(),
        None => Vec::new(),
    };
    for d in dirs.iter().skip(1) {
        let n = common
            .iter()
            .zip(d.components())
            .take_while(|(a, b)| *a == b)
            .count();
        common.truncate(n);
    }
    let root: PathBuf = common.iter().collect();
    if root.as_os_str().is_empty() {
        let all_relative = paths.iter().all(|p| p.is_relative());
        if all_relative {
            return PathBuf::from(".");
        }
        return std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    }
    root
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_paths_are_relative_and_slashed() {
        assert_eq!(
            display_path(Path::new("/r/a/b.lock"), Path::new("/r")),
            "a/b.lock"
        );
        assert_eq!(
            display_path(Path::new("./a/Cargo.lock"), Path::new(".")),
            "a/Cargo.lock"
        );
        assert_eq!(display_path(Path::new("/x/y"), Path::new("/r")), "/x/y");
    }

    #[test]
    fn root_is_the_common_directory() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        assert_eq!(inventory_root(std::slice::from_ref(&a)), a);
        assert_eq!(
            inventory_root(&[a.join("Cargo.lock"), b.join("go.mod")]),
            dir.path()
        );
        assert_eq!(
            inventory_root(&[PathBuf::from("Cargo.lock")]),
            PathBuf::from(".")
        );
    }

    #[test]
    fn reports_invalid_utf8_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("go.mod");
        std::fs::write(&p, b"module x\n\nrequire a v1\xff\n").unwrap();
        let err = read_text(&p, "go.mod").unwrap_err();
        assert_eq!(err.to_string(), "go.mod:3: not valid UTF-8 text");
    }
}
