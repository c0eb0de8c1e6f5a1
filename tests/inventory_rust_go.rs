//! Cargo.lock (v1, v3, v4) and go.mod fixtures: exact packages, flags,
//! lines, hashes and dependency edges.

mod inventory_support;

use inventory_support::{deps, find, flags, owned, parse};
use leakgate::inventory::{Ecosystem, LockfileKind};

#[test]
fn cargo_v1_reads_metadata_checksums() {
    let lock = parse("cargo/v1/Cargo.lock");
    assert_eq!(lock.kind, LockfileKind::CargoLock);
    assert_eq!(lock.path, "cargo/v1/Cargo.lock");
    assert_eq!(
        flags(&lock.packages),
        owned(&[
            ("libc", "0.2.66", false, false),
            ("smallvec", "0.6.9", true, false),
            ("time", "0.1.43", true, false),
            ("winapi", "0.3.8", false, false),
        ])
    );
    let time = find(&lock.packages, "time", "0.1.43");
    assert_eq!(time.location.line, 19);
    assert_eq!(deps(time), vec!["libc@0.2.66", "winapi@0.3.8"]);
    assert_eq!(time.purl(), "pkg:cargo/time@0.1.43");
    assert_eq!(time.ecosystem, Ecosystem::CratesIo);
    // sha256("time-0.1.43"), as the fixture generator wrote it.
    assert_eq!(time.hashes.len(), 1);
    assert_eq!(time.hashes[0].algorithm(), "SHA-256");
    assert_eq!(time.hashes[0].hex().len(), 64);
    assert!(lock.packages.iter().all(|p| p.hashes.len() == 1));
}

#[test]
fn cargo_v3_keeps_both_versions_and_resolves_short_dependencies() {
    let lock = parse("cargo/v3/Cargo.lock");
    assert_eq!(
        flags(&lock.packages),
        owned(&[
            ("libc", "0.2.101", false, false),
            ("proc-macro2", "1.0.29", false, false),
            ("quote", "1.0.9", false, false),
            ("serde", "1.0.130", true, false),
            ("serde_derive", "1.0.130", false, false),
            ("smallvec", "0.6.9", false, false),
            ("smallvec", "1.6.0", true, false),
            ("syn", "1.0.76", false, false),
            ("time", "0.1.43", true, false),
            ("uses-old-smallvec", "0.2.0", false, false),
            ("unicode-xid", "0.2.2", false, false),
            ("winapi", "0.3.9", false, false),
        ])
    );
    assert_eq!(find(&lock.packages, "serde", "1.0.130").location.line, 38);
    assert_eq!(find(&lock.packages, "smallvec", "0.6.9").location.line, 58);
    assert_eq!(
        deps(find(&lock.packages, "uses-old-smallvec", "0.2.0")),
        vec!["smallvec@0.6.9"]
    );
    assert_eq!(
        deps(find(&lock.packages, "serde_derive", "1.0.130")),
        vec!["proc-macro2@1.0.29", "quote@1.0.9", "syn@1.0.76"]
    );
}

#[test]
fn cargo_v4_workspace_members_are_not_packages_but_make_direct() {
    let lock = parse("cargo/v4/Cargo.lock");
    assert_eq!(
        flags(&lock.packages),
        owned(&[
            ("memchr", "2.4.0", true, false),
            ("regex", "1.5.4", true, false),
            ("serde", "1.0.130", true, false),
            ("tokio", "1.8.0", true, false),
        ])
    );
    let tokio = find(&lock.packages, "tokio", "1.8.0");
    assert!(tokio.hashes.is_empty(), "git sources have no checksum");
    assert_eq!(tokio.location.line, 43);
}

#[test]
fn go_mod_applies_indirect_and_replace() {
    let lock = parse("gomod/go.mod");
    assert_eq!(lock.kind, LockfileKind::GoMod);
    assert_eq!(
        flags(&lock.packages),
        owned(&[
            // The toolchain, as the OSV Go database names the standard library.
            ("stdlib", "1.21.4", true, false),
            ("github.com/gin-gonic/gin", "v1.6.0", true, false),
            ("github.com/gorilla/websocket", "v1.4.0", true, false),
            (
                "golang.org/x/crypto",
                "v0.0.0-20200220183623-bac4c82f6975",
                true,
                false
            ),
            ("golang.org/x/text", "v0.3.5", false, false),
            // Version-specific replacement.
            ("gopkg.in/yaml.v2", "v2.2.8", false, false),
            // Replaced by a local directory: local code, no version.
            ("github.com/example/shared", "-", true, false),
            // Module replaced by another module.
            (
                "github.com/golang-jwt/jwt",
                "v3.2.1+incompatible",
                true,
                false
            ),
        ])
    );
    let text = find(&lock.packages, "golang.org/x/text", "v0.3.5");
    assert_eq!(text.location.line, 11);
    assert_eq!(text.purl(), "pkg:golang/golang.org/x/text@v0.3.5");
    assert_eq!(
        find(
            &lock.packages,
            "github.com/golang-jwt/jwt",
            "v3.2.1+incompatible"
        )
        .location
        .line,
        16
    );
    // Replaced by a local directory: listed as local, never matched.
    let shared = lock
        .packages
        .iter()
        .find(|p| p.name == "github.com/example/shared")
        .unwrap();
    assert!(lock.is_local(shared));
    assert_eq!(shared.purl(), "pkg:golang/github.com/example/shared");
    assert_eq!(lock.local[0].path, "../shared");
    assert_eq!(find(&lock.packages, "stdlib", "1.21.4").location.line, 5);
}
