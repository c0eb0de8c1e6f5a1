//! Discovery, whole-tree inventories, error reporting, and robustness of
//! every parser against truncated and corrupted input.

mod inventory_support;

use inventory_support::fixtures;
use leakgate::inventory::{
    discover, inventory, parse_lockfile, parse_str, InventoryError, LockfileKind,
};
use std::fs;
use std::path::{Path, PathBuf};

fn rel(paths: &[PathBuf], root: &Path) -> Vec<String> {
    paths
        .iter()
        .map(|p| {
            p.strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

#[test]
fn discovers_every_fixture_lockfile_sorted() {
    let root = fixtures();
    let found = rel(&discover(&root).unwrap(), &root);
    assert_eq!(
        found,
        vec![
            "cargo/v1/Cargo.lock",
            "cargo/v3/Cargo.lock",
            "cargo/v4/Cargo.lock",
            "composer/composer.lock",
            "errors/bad-yaml/pnpm-lock.yaml",
            "errors/truncated/package-lock.json",
            "errors/unknown-version/Cargo.lock",
            "gemfile/Gemfile.lock",
            "gomod/go.mod",
            "gradle/gradle.lockfile",
            "npm/shrinkwrap/npm-shrinkwrap.json",
            "npm/v1/package-lock.json",
            "npm/v2/package-lock.json",
            "npm/v3/package-lock.json",
            "nuget/packages.lock.json",
            "pipfile/Pipfile.lock",
            "pnpm/v5/pnpm-lock.yaml",
            "pnpm/v6/pnpm-lock.yaml",
            "pnpm/v9/pnpm-lock.yaml",
            "poetry/v1/poetry.lock",
            "poetry/v2/poetry.lock",
            "requirements-txt/requirements/base.txt",
            "requirements-txt/requirements-dev.txt",
            "requirements-txt/requirements.txt",
            "uv/uv.lock",
            "yarn/berry/yarn.lock",
            "yarn/v1/yarn.lock",
        ]
    );
}

#[test]
fn inventories_a_directory_relative_to_it() {
    let root = fixtures().join("npm");
    let inv = inventory(std::slice::from_ref(&root)).unwrap();
    assert_eq!(inv.root, root);
    let paths: Vec<&str> = inv.lockfiles.iter().map(|l| l.path.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            "shrinkwrap/npm-shrinkwrap.json",
            "v1/package-lock.json",
            "v2/package-lock.json",
            "v3/package-lock.json"
        ]
    );
    assert_eq!(inv.packages().count(), 3 + 9 + 6 + 10);
    let lodash = inv
        .packages()
        .find(|p| p.name == "lodash" && p.version.as_deref() == Some("4.17.20"))
        .unwrap();
    assert_eq!(lodash.location.file, "v3/package-lock.json");
    assert_eq!(lodash.location.line, 59);
}

#[test]
fn explicit_files_share_their_common_directory_as_root() {
    let base = fixtures();
    let inv = inventory(&[base.join("gomod/go.mod"), base.join("cargo/v4/Cargo.lock")]).unwrap();
    assert_eq!(inv.root, base);
    let kinds: Vec<(&str, LockfileKind)> = inv
        .lockfiles
        .iter()
        .map(|l| (l.path.as_str(), l.kind))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("cargo/v4/Cargo.lock", LockfileKind::CargoLock),
            ("gomod/go.mod", LockfileKind::GoMod)
        ]
    );
}

#[test]
fn honours_gitignore_and_skips_dependency_directories() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let go_mod = fs::read_to_string(fixtures().join("gomod/go.mod")).unwrap();
    for f in [
        "svc/go.mod",
        "node_modules/x/go.mod",
        "build/go.mod",
        ".tools/go.mod",
    ] {
        let p = root.join(f);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, &go_mod).unwrap();
    }
    fs::write(root.join(".gitignore"), "build/\n").unwrap();
    let inv = inventory(&[root.to_path_buf()]).unwrap();
    let paths: Vec<&str> = inv.lockfiles.iter().map(|l| l.path.as_str()).collect();
    assert_eq!(paths, vec![".tools/go.mod", "svc/go.mod"]);
}

#[test]
fn truncated_json_names_file_and_line() {
    let root = fixtures();
    let err = parse_lockfile(&root.join("errors/truncated/package-lock.json"), &root).unwrap_err();
    assert_eq!(
        err.to_string(),
        "errors/truncated/package-lock.json:24: EOF while parsing a string"
    );
    assert!(matches!(err, InventoryError::Parse { line: Some(24), .. }));
}

#[test]
fn unknown_version_names_found_and_supported() {
    let root = fixtures();
    let err = parse_lockfile(&root.join("errors/unknown-version/Cargo.lock"), &root).unwrap_err();
    match &err {
        InventoryError::UnsupportedVersion {
            path,
            found,
            supported,
        } => {
            assert_eq!(path, "errors/unknown-version/Cargo.lock");
            assert_eq!(found, "7");
            assert_eq!(*supported, "1, 2, 3, 4");
        }
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn malformed_yaml_names_a_line() {
    let root = fixtures();
    let err = parse_lockfile(&root.join("errors/bad-yaml/pnpm-lock.yaml"), &root).unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("errors/bad-yaml/pnpm-lock.yaml:8: "),
        "{text}"
    );
}

#[test]
fn one_bad_lockfile_fails_the_inventory() {
    let err = inventory(&[fixtures().join("errors/truncated")]).unwrap_err();
    assert!(matches!(err, InventoryError::Parse { .. }), "{err}");
}

#[test]
fn no_lockfiles_and_unknown_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let err = inventory(&[dir.path().to_path_buf()]).unwrap_err();
    assert!(matches!(err, InventoryError::NoLockfiles { .. }), "{err}");
    assert!(err.to_string().ends_with(": no lockfiles found"));

    let readme = dir.path().join("README.md");
    fs::write(&readme, "hello").unwrap();
    let err = parse_lockfile(&readme, dir.path()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("README.md: not a lockfile leakgate reads"),
        "{err}"
    );
    let err = inventory(&[dir.path().join("missing.lock")]).unwrap_err();
    assert!(matches!(err, InventoryError::Io { .. }), "{err}");
}

/// Every fixture, truncated at many points and with bytes flipped, parses
/// or fails with an error: never a panic.
#[test]
fn no_parser_panics_on_damaged_input() {
    let root = fixtures();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let noise = [
        b'"', b'{', b'}', b'[', b']', b':', b',', b'\n', b' ', b'@', b'(', b'#', b'\\', 0xC3,
    ];
    for path in discover(&root).unwrap() {
        let kind = LockfileKind::detect(&path).unwrap();
        let bytes = fs::read(&path).unwrap();
        for cut in (0..bytes.len()).step_by(13) {
            let text = String::from_utf8_lossy(&bytes[..cut]);
            let _ = parse_str(kind, "x", &text);
        }
        for _ in 0..200 {
            let mut damaged = bytes.clone();
            for _ in 0..3 {
                let at = (next() as usize) % damaged.len().max(1);
                if let Some(b) = damaged.get_mut(at) {
                    *b = noise[(next() as usize) % noise.len()];
                }
            }
            let text = String::from_utf8_lossy(&damaged);
            let _ = parse_str(kind, "x", &text);
        }
    }
    for kind in LockfileKind::ALL {
        for text in [
            "",
            "\u{feff}",
            "\0\0\0",
            "é",
            "[[package]]",
            "{}",
            "[]",
            "- a\n- b",
            "a:\n  b:\n    - c",
        ] {
            let _ = parse_str(kind, "x", text);
        }
    }
}
