//! Python fixtures: poetry.lock (1.x and 2.x), Pipfile.lock, uv.lock and
//! requirements files with includes.

mod inventory_support;

use inventory_support::{deps, find, flags, owned, parse};
use leakgate::inventory::{parse_str, Ecosystem, LockfileKind};

#[test]
fn poetry_1x_category_and_metadata_files() {
    let lock = parse("poetry/v1/poetry.lock");
    assert_eq!(
        flags(&lock.packages),
        owned(&[
            ("certifi", "2018.4.16", false, false),
            ("chardet", "3.0.4", false, false),
            ("idna", "2.7", false, false),
            ("pytest", "3.6.0", true, true),
            ("requests", "2.19.1", true, false),
            ("six", "1.11.0", false, true),
            ("urllib3", "1.23", false, false),
        ])
    );
    let requests = find(&lock.packages, "requests", "2.19.1");
    assert_eq!(requests.location.line, 36);
    assert_eq!(requests.ecosystem, Ecosystem::PyPI);
    assert_eq!(requests.purl(), "pkg:pypi/requests@2.19.1");
    assert_eq!(requests.hashes.len(), 2);
    assert!(requests
        .hashes
        .iter()
        .all(|d| d.algorithm() == "SHA-256" && d.hex().len() == 64));
    assert_eq!(
        deps(requests),
        vec![
            "certifi@2018.4.16",
            "chardet@3.0.4",
            "idna@2.7",
            "urllib3@1.23"
        ]
    );
}

#[test]
fn poetry_2x_groups_files_and_directory_sources() {
    let lock = parse("poetry/v2/poetry.lock");
    assert_eq!(
        flags(&lock.packages),
        owned(&[
            ("asgiref", "3.2.10", false, false),
            ("django", "3.0.0", true, false),
            ("mypy-extensions", "0.4.3", true, true),
            ("pytz", "2020.4", false, false),
            ("sqlparse", "0.4.1", false, false),
        ])
    );
    let django = find(&lock.packages, "django", "3.0.0");
    assert_eq!(django.location.line, 15);
    assert_eq!(django.hashes.len(), 1);
    assert_eq!(find(&lock.packages, "asgiref", "3.2.10").hashes.len(), 2);
}

#[test]
fn pipfile_lock_sections_and_pipfile() {
    let lock = parse("pipfile/Pipfile.lock");
    assert_eq!(
        flags(&lock.packages),
        owned(&[
            ("flask", "0.12.2", true, false),
            ("jinja2", "2.10", false, false),
            ("pyyaml", "5.3", true, false),
            ("werkzeug", "0.14.1", false, false),
            // A VCS requirement: declared, but with no version to compare.
            ("toolbox", "-", true, false),
            ("pytest", "6.2.5", true, true),
            ("py", "1.10.0", false, true),
        ])
    );
    let flask = find(&lock.packages, "flask", "0.12.2");
    assert_eq!(flask.location.line, 19);
    assert_eq!(flask.hashes.len(), 2);
}

#[test]
fn uv_lock_project_roots_and_dev_groups() {
    let lock = parse("uv/uv.lock");
    assert_eq!(
        flags(&lock.packages),
        owned(&[
            ("certifi", "2024.2.2", false, false),
            ("charset-normalizer", "3.3.2", false, false),
            ("idna", "3.6", false, false),
            ("iniconfig", "2.0.0", false, true),
            ("packaging", "24.0", false, true),
            ("pluggy", "1.4.0", false, true),
            ("pytest", "8.1.1", true, true),
            ("requests", "2.31.0", true, false),
            ("urllib3", "2.2.1", false, false),
        ])
    );
    let requests = find(&lock.packages, "requests", "2.31.0");
    assert_eq!(requests.location.line, 92);
    assert_eq!(requests.hashes.len(), 2);
    assert_eq!(
        deps(requests),
        vec![
            "certifi@2024.2.2",
            "charset-normalizer@3.3.2",
            "idna@3.6",
            "urllib3@2.2.1"
        ]
    );
}

#[test]
fn requirements_follow_includes_once_and_pin_only_exact() {
    let lock = parse("requirements-txt/requirements.txt");
    assert_eq!(lock.kind, LockfileKind::Requirements);
    assert_eq!(
        flags(&lock.packages),
        owned(&[
            ("idna", "2.7", true, false),
            ("pytest", "6.2.5", true, true),
            ("flake8", "-", true, true),
            ("Django", "3.0.0", true, false),
            ("requests", "2.19.1", true, false),
            ("urllib3", "-", true, false),
            ("celery", "-", true, false),
            ("black", "-", true, false),
            ("PyYAML", "5.3", true, false),
            ("Jinja2", "2.10", true, false),
        ])
    );
    let requests = find(&lock.packages, "requests", "2.19.1");
    assert_eq!(requests.location.file, "requirements-txt/requirements.txt");
    assert_eq!(
        requests.location.line, 7,
        "a continued line is reported at its first line"
    );
    assert_eq!(requests.hashes.len(), 2);
    let yaml = find(&lock.packages, "PyYAML", "5.3");
    assert_eq!(yaml.location.file, "requirements-txt/requirements/base.txt");
    assert_eq!(yaml.location.line, 2);
    assert_eq!(yaml.purl(), "pkg:pypi/pyyaml@5.3");
    assert_eq!(
        find(&lock.packages, "idna", "2.7").location.file,
        "requirements-txt/constraints.txt"
    );
}

#[test]
fn requirements_from_a_string_do_not_touch_the_disk() {
    let pkgs = parse_str(
        LockfileKind::Requirements,
        "requirements.txt",
        "-r /etc/passwd\nflask==1.0.2\n",
    )
    .unwrap();
    assert_eq!(pkgs.len(), 1);
    assert_eq!(pkgs[0].name, "flask");
}
