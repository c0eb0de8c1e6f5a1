//! npm-family fixtures: package-lock v1/v2/v3, npm-shrinkwrap, yarn
//! classic and berry, pnpm v5/v6/v9.

mod inventory_support;

use inventory_support::{deps, find, flags, owned, parse};
use leakgate::inventory::{parse_str, LockfileKind};

#[test]
fn package_lock_v1_nested_tree_with_manifest() {
    let lock = parse("npm/v1/package-lock.json");
    assert_eq!(
        flags(&lock.packages),
        owned(&[
            ("debug", "2.6.9", true, false),
            ("handlebars", "4.0.11", true, false),
            ("minimist", "0.0.10", false, false),
            ("lodash", "4.17.11", true, false),
            ("minimist", "1.2.0", true, true),
            ("mocha", "5.2.0", true, true),
            ("debug", "3.1.0", false, true),
            ("ms", "2.0.0", false, false),
            ("optimist", "0.6.1", false, false),
        ])
    );
    // Two nested copies of minimist 0.0.10 are one package, at the first.
    assert_eq!(find(&lock.packages, "minimist", "0.0.10").location.line, 24);
    assert_eq!(
        deps(find(&lock.packages, "mocha", "5.2.0")),
        vec!["debug@3.1.0", "minimist@1.2.0"]
    );
    assert_eq!(
        find(&lock.packages, "lodash", "4.17.11").hashes[0].algorithm(),
        "SHA-512"
    );
}

#[test]
fn package_lock_v1_without_manifest_uses_graph_roots() {
    let root = inventory_support::fixtures();
    let text = std::fs::read_to_string(root.join("npm/v1/package-lock.json")).unwrap();
    let pkgs = parse_str(LockfileKind::PackageLock, "package-lock.json", &text).unwrap();
    let direct: Vec<&str> = pkgs
        .iter()
        .filter(|p| p.direct)
        .map(|p| p.name.as_str())
        .collect();
    // debug 2.6.9 is also required by nobody, lodash neither; minimist 1.2.0
    // is required by mocha, so the graph cannot know it is declared.
    assert_eq!(direct, vec!["debug", "handlebars", "lodash", "mocha"]);
}

#[test]
fn package_lock_v2_uses_packages_section() {
    let lock = parse("npm/v2/package-lock.json");
    assert_eq!(
        flags(&lock.packages),
        owned(&[
            ("express", "4.16.0", true, false),
            ("debug", "2.6.9", false, false),
            ("ms", "2.0.0", false, false),
            ("qs", "6.5.1", false, false),
            ("jest-util", "26.6.2", true, true),
            ("ms", "2.1.2", false, true),
        ])
    );
    assert_eq!(
        deps(find(&lock.packages, "jest-util", "26.6.2")),
        vec!["ms@2.1.2"]
    );
    assert_eq!(find(&lock.packages, "ms", "2.1.2").location.line, 53);
}

#[test]
fn package_lock_v3_aliases_links_workspaces_and_licences() {
    let lock = parse("npm/v3/package-lock.json");
    assert_eq!(
        flags(&lock.packages),
        owned(&[
            ("@babel/code-frame", "7.10.4", true, true),
            ("@babel/highlight", "7.10.4", false, true),
            ("axios", "0.21.0", true, false),
            ("follow-redirects", "1.13.0", false, false),
            ("lodash", "4.17.20", true, false),
            ("minimist", "1.2.5", true, true),
            ("mkdirp", "0.5.1", true, true),
            ("minimist", "0.0.8", false, true),
            ("fsevents", "2.3.2", true, false),
            ("string-width", "4.2.3", true, false),
        ])
    );
    let lodash = find(&lock.packages, "lodash", "4.17.20");
    assert_eq!(lodash.location.line, 59);
    assert_eq!(lodash.license.as_deref(), Some("MIT"));
    assert_eq!(lodash.purl(), "pkg:npm/lodash@4.17.20");
    assert_eq!(lodash.hashes[0].algorithm(), "SHA-512");
    assert_eq!(lodash.hashes[0].hex().len(), 128);
    let scoped = find(&lock.packages, "@babel/code-frame", "7.10.4");
    assert_eq!(scoped.purl(), "pkg:npm/%40babel/code-frame@7.10.4");
    assert_eq!(deps(scoped), vec!["@babel/highlight@7.10.4"]);
    assert_eq!(find(&lock.packages, "minimist", "0.0.8").location.line, 82);
}

#[test]
fn shrinkwrap_reads_like_a_package_lock() {
    let lock = parse("npm/shrinkwrap/npm-shrinkwrap.json");
    assert_eq!(lock.kind, LockfileKind::PackageLock);
    assert_eq!(
        flags(&lock.packages),
        owned(&[
            ("chalk", "2.4.2", true, false),
            ("ansi-styles", "3.2.1", false, false),
            ("node-fetch", "2.6.0", true, false),
        ])
    );
}

#[test]
fn yarn_classic_with_manifest() {
    let lock = parse("yarn/v1/yarn.lock");
    assert_eq!(
        flags(&lock.packages),
        owned(&[
            ("@types/node", "14.14.10", false, true),
            ("ansi-regex", "5.0.0", false, false),
            ("jest-util", "26.6.2", true, true),
            ("lodash", "4.17.20", true, false),
            ("micromatch", "4.0.2", false, true),
            ("strip-ansi", "6.0.0", true, false),
        ])
    );
    let jest = find(&lock.packages, "jest-util", "26.6.2");
    assert_eq!(jest.location.line, 15);
    assert_eq!(deps(jest), vec!["@types/node@14.14.10", "micromatch@4.0.2"]);
    assert_eq!(find(&lock.packages, "lodash", "4.17.20").location.line, 23);
}

#[test]
fn yarn_berry_skips_workspaces_and_patches() {
    let lock = parse("yarn/berry/yarn.lock");
    assert_eq!(
        flags(&lock.packages),
        owned(&[
            ("lodash", "4.17.20", true, false),
            ("node-fetch", "2.6.0", true, false),
            ("typescript", "4.1.2", true, true),
        ])
    );
    let lodash = find(&lock.packages, "lodash", "4.17.20");
    assert_eq!(lodash.location.line, 18);
    assert_eq!(lodash.hashes[0].algorithm(), "SHA-512");
}

#[test]
fn pnpm_v5_slash_keys_and_peer_suffixes() {
    let lock = parse("pnpm/v5/pnpm-lock.yaml");
    assert_eq!(
        flags(&lock.packages),
        owned(&[
            ("@babel/core", "7.12.3", true, false),
            ("debug", "4.2.0", false, false),
            ("debug", "4.3.1", false, true),
            ("lodash", "4.17.20", true, false),
            ("mocha", "8.2.1", true, true),
            ("ms", "2.1.2", false, false),
            ("supports-color", "5.5.0", false, false),
        ])
    );
    let core = find(&lock.packages, "@babel/core", "7.12.3");
    assert_eq!(core.location.line, 17);
    assert_eq!(deps(core), vec!["debug@4.2.0"]);
}

#[test]
fn pnpm_v6_importers_and_links() {
    let lock = parse("pnpm/v6/pnpm-lock.yaml");
    assert_eq!(
        flags(&lock.packages),
        owned(&[
            ("express", "4.17.1", true, false),
            ("qs", "6.7.0", false, false),
            ("react-dom", "16.13.1", true, false),
            ("react", "16.13.1", true, false),
            ("typescript", "5.0.4", true, true),
        ])
    );
    assert_eq!(
        find(&lock.packages, "react-dom", "16.13.1").location.line,
        47
    );
}

#[test]
fn pnpm_v9_snapshots_and_reachability() {
    let lock = parse("pnpm/v9/pnpm-lock.yaml");
    assert_eq!(
        flags(&lock.packages),
        owned(&[
            ("@babel/core", "7.12.3", true, false),
            ("debug", "4.3.4", false, false),
            ("ms", "2.1.2", false, false),
            ("string-width", "4.2.3", true, false),
            ("supports-color", "5.5.0", false, false),
            ("vitest", "0.34.6", true, true),
        ])
    );
    let debug = find(&lock.packages, "debug", "4.3.4");
    assert_eq!(debug.location.line, 28);
    assert_eq!(deps(debug), vec!["ms@2.1.2", "supports-color@5.5.0"]);
}
