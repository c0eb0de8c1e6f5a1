//! Gemfile.lock, composer.lock, gradle.lockfile and packages.lock.json fixtures.

mod inventory_support;

use inventory_support::{deps, find, flags, owned, parse};
use leakgate::inventory::{Ecosystem, LockfileKind};

#[test]
fn gemfile_lock_sections_platforms_and_checksums() {
    let lock = parse("gemfile/Gemfile.lock");
    assert_eq!(lock.kind, LockfileKind::GemfileLock);
    assert_eq!(
        flags(&lock.packages),
        owned(&[
            ("sidekiq-tools", "0.3.1", true, false),
            // A PATH gem: local code, listed without a version.
            ("internal-gem", "-", true, false),
            ("actionpack", "5.2.0", true, false),
            ("mini_portile2", "2.4.0", false, false),
            // Locked for two platforms: one package at its first line.
            ("nokogiri", "1.10.4", true, false),
            ("rack", "2.0.6", false, false),
            ("rack-test", "1.1.0", false, false),
            ("rspec-core", "3.8.0", true, false),
        ])
    );
    let nokogiri = find(&lock.packages, "nokogiri", "1.10.4");
    assert_eq!(nokogiri.location.line, 21);
    assert_eq!(nokogiri.purl(), "pkg:gem/nokogiri@1.10.4");
    assert_eq!(nokogiri.hashes.len(), 1);
    assert_eq!(deps(nokogiri), vec!["mini_portile2@2.4.0"]);
    assert_eq!(
        deps(find(&lock.packages, "actionpack", "5.2.0")),
        vec!["rack@2.0.6", "rack-test@1.1.0"]
    );
    let internal = &lock.packages[1];
    assert!(lock.is_local(internal));
    assert_eq!(internal.purl(), "pkg:gem/internal-gem");
    assert_eq!(internal.location.line, 11);
    assert_eq!(lock.local[0].path, ".");
    assert_eq!(lock.local[0].declared_version.as_deref(), Some("0.1.0"));
}

#[test]
fn composer_lock_packages_dev_licences_and_shasums() {
    let lock = parse("composer/composer.lock");
    assert_eq!(
        flags(&lock.packages),
        owned(&[
            ("guzzlehttp/guzzle", "7.4.0", true, false),
            ("guzzlehttp/psr7", "1.8.3", false, false),
            ("psr/http-client", "1.0.1", false, false),
            ("psr/http-message", "1.0.1", false, false),
            ("symfony/http-kernel", "v4.4.0", true, false),
            ("psr/log", "1.1.4", false, false),
            ("phpunit/phpunit", "8.5.0", true, true),
            ("doctrine/instantiator", "1.4.0", false, true),
        ])
    );
    let guzzle = find(&lock.packages, "guzzlehttp/guzzle", "7.4.0");
    assert_eq!(guzzle.location.line, 7);
    assert_eq!(guzzle.ecosystem, Ecosystem::Packagist);
    assert_eq!(guzzle.purl(), "pkg:composer/guzzlehttp/guzzle@7.4.0");
    assert_eq!(guzzle.hashes[0].algorithm(), "SHA-1");
    assert_eq!(
        deps(guzzle),
        vec!["guzzlehttp/psr7@1.8.3", "psr/http-client@1.0.1"]
    );
    assert!(find(&lock.packages, "psr/http-message", "1.0.1")
        .hashes
        .is_empty());
    assert_eq!(
        find(&lock.packages, "doctrine/instantiator", "1.4.0")
            .license
            .as_deref(),
        Some("MIT OR Apache-2.0")
    );
}

#[test]
fn gradle_lockfile_test_configurations_are_dev() {
    let lock = parse("gradle/gradle.lockfile");
    assert_eq!(
        flags(&lock.packages),
        owned(&[
            (
                "com.fasterxml.jackson.core:jackson-annotations",
                "2.9.10",
                false,
                false
            ),
            (
                "com.fasterxml.jackson.core:jackson-core",
                "2.9.10",
                false,
                false
            ),
            (
                "com.fasterxml.jackson.core:jackson-databind",
                "2.9.10",
                false,
                false
            ),
            ("junit:junit", "4.12", false, true),
            ("org.apache.logging.log4j:log4j-api", "2.14.1", false, false),
            (
                "org.apache.logging.log4j:log4j-core",
                "2.14.1",
                false,
                false
            ),
            ("org.hamcrest:hamcrest-core", "1.3", false, true),
        ])
    );
    let log4j = find(
        &lock.packages,
        "org.apache.logging.log4j:log4j-core",
        "2.14.1",
    );
    assert_eq!(log4j.location.line, 9);
    assert_eq!(
        log4j.purl(),
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
    );
}

#[test]
fn nuget_lock_merges_frameworks_and_skips_projects() {
    let lock = parse("nuget/packages.lock.json");
    assert_eq!(
        flags(&lock.packages),
        owned(&[
            ("Newtonsoft.Json", "12.0.1", true, false),
            ("System.Text.Encodings.Web", "4.5.0", true, false),
            ("Microsoft.Extensions.Logging", "6.0.0", false, false),
            (
                "Microsoft.Extensions.Logging.Abstractions",
                "6.0.0",
                false,
                false
            ),
            ("NETStandard.Library", "2.0.3", true, false),
            ("Microsoft.NETCore.Platforms", "1.1.0", false, false),
        ])
    );
    let json = find(&lock.packages, "Newtonsoft.Json", "12.0.1");
    assert_eq!(json.location.line, 5);
    assert_eq!(json.purl(), "pkg:nuget/Newtonsoft.Json@12.0.1");
    assert_eq!(json.hashes[0].algorithm(), "SHA-512");
    assert_eq!(json.hashes[0].hex().len(), 128);
    assert_eq!(
        deps(find(
            &lock.packages,
            "Microsoft.Extensions.Logging",
            "6.0.0"
        )),
        vec!["Microsoft.Extensions.Logging.Abstractions@6.0.0"]
    );
}
