//! Hostile and broken inventories (issue 9): one malformed lockfile never
//! hides the others, line-based formats refuse cut-off files, includes stay
//! inside the root, YAML bombs are refused before parsing, and empty
//! lockfiles are zero packages with a warning.

use leakgate::inventory::{inventory, inventory_report, parse_str, InventoryError, LockfileKind};
use std::fs;
use std::path::Path;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

const GOOD_CARGO: &str = "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"itoa\"]\n\n[[package]]\nname = \"itoa\"\nversion = \"1.0.11\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";

#[test]
fn one_malformed_lockfile_never_hides_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "rust/Cargo.lock", GOOD_CARGO);
    write(
        root,
        "web/package-lock.json",
        "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"node_modules/a\": {\"version\": \"1.0.0\",\n",
    );
    write(root, "py/requirements.txt", "requests==2.19.1\n");
    write(root, "go/go.mod", "this is a README, not a go.mod\n");
    let report = inventory_report(&[root.to_path_buf()]).unwrap();
    let paths: Vec<&str> = report
        .inventory
        .lockfiles
        .iter()
        .map(|l| l.path.as_str())
        .collect();
    assert_eq!(paths, vec!["py/requirements.txt", "rust/Cargo.lock"]);
    let errors: Vec<String> = report.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        vec![
            "go/go.mod: not a go.mod: no `module` directive".to_string(),
            "web/package-lock.json:5: EOF while parsing a value".to_string(),
        ]
    );
    assert_eq!(report.errors[1].path(), "web/package-lock.json");
    assert_eq!(report.errors[1].line(), Some(5));
    // The strict API still fails on the first error.
    let err = inventory(&[root.to_path_buf()]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "go/go.mod: not a go.mod: no `module` directive"
    );
}

#[test]
fn empty_and_comment_only_lockfiles_are_zero_packages_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a/Pipfile.lock", "");
    write(root, "b/uv.lock", "# nothing locked yet\n\n");
    write(root, "c/pnpm-lock.yaml", "\n");
    let report = inventory_report(&[root.to_path_buf()]).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.inventory.lockfiles.len(), 3);
    assert_eq!(report.inventory.packages().count(), 0);
    let warnings: Vec<String> = report
        .inventory
        .warnings()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        warnings,
        vec![
            "a/Pipfile.lock: empty lockfile (no entries): zero packages",
            "b/uv.lock: empty lockfile (no entries): zero packages",
            "c/pnpm-lock.yaml: empty lockfile (no entries): zero packages",
        ]
    );
}

#[test]
fn missing_paths_are_errors_beside_what_was_read() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Cargo.lock", GOOD_CARGO);
    let report = inventory_report(&[
        dir.path().join("Cargo.lock"),
        dir.path().join("nope/go.mod"),
    ])
    .unwrap();
    assert_eq!(report.inventory.packages().count(), 1);
    assert_eq!(report.errors.len(), 1);
    assert!(matches!(report.errors[0], InventoryError::Io { .. }));
}

#[test]
fn line_based_parsers_refuse_cut_off_files() {
    let yarn = "# yarn lockfile v1\n\nlodash@^4.17.20:\n  version \"4.17.21\"\n  resolved \"https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz#679591c564c3bffaae8454cf0b3df370c3d6911c\"\n\nms@^2.1.1:\n";
    let err = parse_str(LockfileKind::YarnLock, "yarn.lock", yarn).unwrap_err();
    assert_eq!(
        err.to_string(),
        "yarn.lock:7: entry has no version (truncated lockfile?)"
    );
    let pnpm = "lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      ms:\n        specifier: ^2.1.3\n        version: 2.1.3\n      lodash:\n        specifier: ^4.17.21\n        version: 4.17.21\n\npackages:\n\n  lodash@4.17.21:\n    resolution: {integrity: sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg==}\n";
    let err = parse_str(LockfileKind::PnpmLock, "pnpm-lock.yaml", pnpm).unwrap_err();
    assert_eq!(
        err.to_string(),
        "pnpm-lock.yaml: importers depend on ms@2.1.3, which `packages` does not define (truncated lockfile?)"
    );
    let gradle = "# This is a Gradle generated file for dependency locking.\ncom.google.guava:guava:31.1-jre=compileClasspath\norg.slf4j:slf4j-api:2.0.\n";
    let err = parse_str(LockfileKind::GradleLockfile, "gradle.lockfile", gradle).unwrap_err();
    assert_eq!(
        err.to_string(),
        "gradle.lockfile:3: line has no `=configurations` part (truncated lockfile?)"
    );
    let gomod =
        "module example.com/app\n\ngo 1.22\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.9.1\n";
    let err = parse_str(LockfileKind::GoMod, "go.mod", gomod).unwrap_err();
    assert_eq!(err.to_string(), "go.mod:5: unterminated ( block");
}

#[test]
fn pnpm_yaml_bombs_are_refused_before_parsing() {
    let deep = format!(
        "lockfileVersion: '9.0'\nimporters: {}{}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let err = parse_str(LockfileKind::PnpmLock, "pnpm-lock.yaml", &deep).unwrap_err();
    assert_eq!(
        err.to_string(),
        "pnpm-lock.yaml:2: YAML flow collections nested deeper than 16"
    );
    let laughs = "lockfileVersion: '9.0'\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n";
    let err = parse_str(LockfileKind::PnpmLock, "pnpm-lock.yaml", laughs).unwrap_err();
    assert_eq!(
        err.to_string(),
        "pnpm-lock.yaml:2: YAML anchor in a lockfile (no lockfile tool writes one)"
    );
}

#[cfg(unix)]
#[test]
fn requirements_includes_stay_inside_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("proj");
    write(&root, "base.txt", "six==1.16.0\n");
    write(
        &root,
        "requirements.txt",
        "-r base.txt\n-c missing-constraints.txt\n-r missing.txt\nrequests==2.19.1\n",
    );
    let report = inventory_report(std::slice::from_ref(&root)).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let lock = &report.inventory.lockfiles[0];
    let names: Vec<&str> = lock.packages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, vec!["six", "requests"]);
    let warnings: Vec<String> = lock.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        vec![
            "requirements.txt:2: included file missing-constraints.txt does not exist: skipped",
            "requirements.txt:3: included file missing.txt does not exist: skipped",
        ]
    );

    for (include, why) in [
        ("/dev/zero", "it is outside the scanned root"),
        ("../outside.txt", "it is outside the scanned root"),
        ("zero-link.txt", "it is outside the scanned root"),
        ("fifo.txt", "not a regular file"),
    ] {
        write(
            &root,
            "requirements.txt",
            &format!("requests==2.19.1\n-r {include}\n"),
        );
        write(dir.path(), "outside.txt", "django==3.0.0\n");
        let _ = fs::remove_file(root.join("zero-link.txt"));
        std::os::unix::fs::symlink("/dev/zero", root.join("zero-link.txt")).unwrap();
        let fifo = root.join("fifo.txt");
        if !fifo.exists() {
            let status = std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap();
            assert!(status.success());
        }
        let report = inventory_report(std::slice::from_ref(&root)).unwrap();
        let errors: Vec<String> = report.errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            vec![format!(
                "requirements.txt:2: include {include} refused: {why}"
            )],
            "{include}"
        );
    }
}
