//! Reading lockfiles from disk into an [`Inventory`]: the entry point the
//! `sbom` and `deps` commands call.

use super::{discover, parse_input, Input, InventoryError, LockfileKind, Package};
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
    let bytes = std::fs::read(path).map_err(|source| InventoryError::Io {
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
    let input = Input {
        display: &display,
        text: &text,
        disk: Some(path),
        root: Some(root),
    };
    let packages = parse_input(kind, &input)?;
    Ok(Lockfile {
        path: display,
        kind,
        packages,
    })
}

/// Inventories `paths`: directories are searched with [`discover`], files
/// are parsed as given (and must be lockfiles). The root is the directory
/// when exactly one is given, otherwise the deepest directory holding every
/// path (the current directory when none is given or they share nothing).
/// Fails on the first lockfile that does not parse, and when no lockfile
/// is found at all.
pub fn inventory(paths: &[PathBuf]) -> Result<Inventory, InventoryError> {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let root = inventory_root(&paths);
    let mut files = Vec::new();
    for path in &paths {
        let meta = std::fs::metadata(path).map_err(|source| InventoryError::Io {
            path: path.display().to_string(),
            source,
        })?;
        if meta.is_dir() {
            files.extend(discover(path)?);
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    files.dedup();
    if files.is_empty() {
        return Err(InventoryError::NoLockfiles {
            root: root.display().to_string(),
        });
    }
    let mut lockfiles = files
        .par_iter()
        .map(|f| parse_lockfile(f, &root))
        .collect::<Result<Vec<_>, _>>()?;
    lockfiles.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Inventory { root, lockfiles })
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
