//! Package inventory: what a project depends on, exactly, read from its lockfiles.
//!
//! One parser per lockfile kind, all registered in one table; each returns
//! [`Package`]s with the line of their entry so findings can point at it.
//! The inventory feeds both the SBOM writers (`sbom`) and vulnerability
//! matching (`vuln`).
//!
//! Conventions shared by every parser:
//! - a version is only ever what the lockfile pins; an unpinned requirement
//!   (a `requirements.txt` range, a VCS URL) has `version: None`;
//! - the project's own root (Cargo workspace members, the npm root and its
//!   workspaces, uv/Poetry editable roots, NuGet `Project` entries) is not
//!   a package: it is left out, but what it depends on is what makes a
//!   package `direct`;
//! - a *local* dependency (npm/yarn `file:`/`link:`, a Cargo path crate
//!   that is not a workspace member, a Gemfile `PATH` gem, a Go `replace`
//!   by a local directory) ships with the project, so it is listed, but it
//!   comes from no registry: it has `version: None` and a purl without a
//!   version, so no registry advisory can match it, and it is named in
//!   [`Lockfile::local`] with its directory and the version it declares;
//! - a package seen several times in one lockfile (nested `node_modules`,
//!   several gem platforms, several target frameworks) is one [`Package`],
//!   at its first entry, direct if any occurrence is, dev only if every
//!   occurrence is;
//! - [`Package::dependencies`] only name packages of the same lockfile.

use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::fmt;
use std::path::Path;

mod cargo;
mod cargo_manifest;
mod collect;
mod composer;
mod discover;
mod error;
mod gemfile;
mod gomod;
mod gradle;
mod graph;
mod guard;
mod hash;
mod json_lines;
mod licenses;
mod lines;
mod load;
mod manifest;
mod npm;
mod npm_v1;
mod nuget;
mod paths;
mod pipfile;
mod pnpm;
mod poetry;
pub mod purl;
mod requirements;
pub(crate) mod shared;
mod uv;
mod yarn;
mod yarn_berry;

pub use discover::discover;
pub use error::{InventoryError, InventoryWarning};
pub use load::{inventory, inventory_report, parse_lockfile, Inventory, InventoryReport, Lockfile};
pub use paths::{dependency_path, DependencyPaths};
pub use shared::{Digest, SharedStr};

/// A package ecosystem, named as OSV names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Ecosystem {
    /// Rust crates.
    #[serde(rename = "crates.io")]
    CratesIo,
    /// npm (also yarn, pnpm).
    #[serde(rename = "npm")]
    Npm,
    /// Python Package Index.
    #[serde(rename = "PyPI")]
    PyPI,
    /// Go modules.
    #[serde(rename = "Go")]
    Go,
    /// Ruby gems.
    #[serde(rename = "RubyGems")]
    RubyGems,
    /// PHP Composer.
    #[serde(rename = "Packagist")]
    Packagist,
    /// Maven / Gradle.
    #[serde(rename = "Maven")]
    Maven,
    /// .NET NuGet.
    #[serde(rename = "NuGet")]
    NuGet,
}

impl Ecosystem {
    /// Every ecosystem, in a fixed order.
    pub const ALL: [Ecosystem; 8] = [
        Ecosystem::CratesIo,
        Ecosystem::Npm,
        Ecosystem::PyPI,
        Ecosystem::Go,
        Ecosystem::RubyGems,
        Ecosystem::Packagist,
        Ecosystem::Maven,
        Ecosystem::NuGet,
    ];

    /// OSV's name for the ecosystem.
    pub fn osv_name(self) -> &'static str {
        match self {
            Ecosystem::CratesIo => "crates.io",
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Go => "Go",
            Ecosystem::RubyGems => "RubyGems",
            Ecosystem::Packagist => "Packagist",
            Ecosystem::Maven => "Maven",
            Ecosystem::NuGet => "NuGet",
        }
    }

    /// Parses OSV's name (exact, as OSV spells it; also the purl type).
    pub fn from_osv_name(s: &str) -> Option<Ecosystem> {
        Ecosystem::ALL
            .into_iter()
            .find(|e| e.osv_name() == s || e.purl_type() == s)
    }

    /// The purl type (`cargo`, `npm`, `pypi`, `golang`, `gem`, `composer`, `maven`, `nuget`).
    pub fn purl_type(self) -> &'static str {
        match self {
            Ecosystem::CratesIo => "cargo",
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "pypi",
            Ecosystem::Go => "golang",
            Ecosystem::RubyGems => "gem",
            Ecosystem::Packagist => "composer",
            Ecosystem::Maven => "maven",
            Ecosystem::NuGet => "nuget",
        }
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.osv_name())
    }
}

/// A reference from one package to another in the same inventory.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PackageRef {
    /// Name of the dependency.
    pub name: String,
    /// Resolved version, when the lockfile says which.
    pub version: Option<String>,
}

/// Where a package's entry is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourceLocation {
    /// Lockfile path, relative to the inventory root, `/`-separated (one
    /// copy shared by every package of the lockfile).
    pub file: SharedStr,
    /// 1-based line of the package's entry (0 when the format has no lines, e.g. an SBOM read back).
    pub line: u32,
}

/// One resolved package.
///
/// Kept compact, as a lockfile may hold a million: the purl is built when
/// asked for ([`Package::purl`]) unless the source gave one of its own, the
/// lockfile path and licence are shared, digests are bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Package {
    /// Ecosystem.
    pub ecosystem: Ecosystem,
    /// Name as the ecosystem spells it (`@scope/name` for npm, `group:artifact` for Maven).
    pub name: String,
    /// Exact version. `None` for unpinned requirements (e.g. `requests>=2` in requirements.txt):
    /// reported as unpinned, never guessed.
    pub version: Option<String>,
    /// The package URL the source recorded, when it is not the one
    /// [`purl::build`] makes from the coordinates (an SBOM read back, with
    /// qualifiers); `None` for every lockfile package.
    pub source_purl: Option<Box<str>>,
    /// Declared directly by the project (not only pulled in transitively).
    pub direct: bool,
    /// Only needed for development/tests.
    pub dev: bool,
    /// Dependencies of this package.
    pub dependencies: Vec<PackageRef>,
    /// Entry location.
    pub location: SourceLocation,
    /// Integrity digests the lockfile records (written as `["SHA-256", "ab…"]`).
    pub hashes: Vec<Digest>,
    /// SPDX licence expression, where the lockfile records one.
    pub license: Option<SharedStr>,
}

impl Package {
    /// The package URL (`pkg:cargo/serde@1.0.0`): the one the source
    /// recorded, else built from ecosystem, name and version.
    pub fn purl(&self) -> std::borrow::Cow<'_, str> {
        match &self.source_purl {
            Some(p) => std::borrow::Cow::Borrowed(p),
            None => std::borrow::Cow::Owned(purl::build(
                self.ecosystem,
                &self.name,
                self.version.as_deref(),
            )),
        }
    }
}

/// The serialised form of a [`Package`] (the `leakgate/inventory/v1`
/// listing's records): every field, the purl included.
#[derive(Serialize)]
struct PackageOut<'a> {
    ecosystem: Ecosystem,
    name: &'a str,
    version: Option<&'a str>,
    purl: std::borrow::Cow<'a, str>,
    direct: bool,
    dev: bool,
    dependencies: &'a [PackageRef],
    location: &'a SourceLocation,
    #[serde(skip_serializing_if = "<[Digest]>::is_empty")]
    hashes: &'a [Digest],
    #[serde(skip_serializing_if = "Option::is_none")]
    license: Option<&'a SharedStr>,
}

impl Serialize for Package {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        PackageOut {
            ecosystem: self.ecosystem,
            name: &self.name,
            version: self.version.as_deref(),
            purl: self.purl(),
            direct: self.direct,
            dev: self.dev,
            dependencies: &self.dependencies,
            location: &self.location,
            hashes: &self.hashes,
            license: self.license.as_ref(),
        }
        .serialize(s)
    }
}

#[derive(Deserialize)]
struct PackageIn {
    ecosystem: Ecosystem,
    name: String,
    version: Option<String>,
    purl: String,
    direct: bool,
    dev: bool,
    dependencies: Vec<PackageRef>,
    location: SourceLocation,
    #[serde(default)]
    hashes: Vec<Digest>,
    #[serde(default)]
    license: Option<SharedStr>,
}

impl<'de> Deserialize<'de> for Package {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let p = PackageIn::deserialize(d)?;
        let built = purl::build(p.ecosystem, &p.name, p.version.as_deref());
        Ok(Package {
            ecosystem: p.ecosystem,
            source_purl: (p.purl != built).then(|| p.purl.into_boxed_str()),
            name: p.name,
            version: p.version,
            direct: p.direct,
            dev: p.dev,
            dependencies: p.dependencies,
            location: p.location,
            hashes: p.hashes,
            license: p.license,
        })
    }
}

/// The lockfile formats leakgate reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum LockfileKind {
    /// `Cargo.lock`, versions 1 to 4.
    CargoLock,
    /// `package-lock.json` (lockfileVersion 1, 2, 3) and `npm-shrinkwrap.json`.
    PackageLock,
    /// `yarn.lock`, classic (v1) and berry (v2+).
    YarnLock,
    /// `pnpm-lock.yaml`, lockfile versions 5, 6 and 9.
    PnpmLock,
    /// `poetry.lock`.
    PoetryLock,
    /// `Pipfile.lock`.
    PipfileLock,
    /// `uv.lock`.
    UvLock,
    /// pip requirements files (`requirements.txt`, `requirements-dev.txt`, `requirements/*.txt`).
    Requirements,
    /// `go.mod`.
    GoMod,
    /// `Gemfile.lock` (and `gems.locked`).
    GemfileLock,
    /// `composer.lock`.
    ComposerLock,
    /// `gradle.lockfile` (and the older per-configuration `gradle/dependency-locks/*.lockfile`).
    GradleLockfile,
    /// NuGet `packages.lock.json`.
    NugetLock,
}

/// A dependency that is the project's own code in a directory (see the
/// module docs): listed among the packages with no version, described here.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LocalPackage {
    /// Name, as in the [`Package`] entry.
    pub name: String,
    /// The directory (or `file:` tarball) the lockfile points at, as written.
    pub path: String,
    /// The version the local package declares, when the lockfile records it
    /// (never matched against registry advisories).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declared_version: Option<String>,
}

/// What a parse noticed besides packages: warnings and local packages.
#[derive(Debug, Default)]
pub(crate) struct Notes {
    pub warnings: Vec<InventoryWarning>,
    pub local: Vec<LocalPackage>,
}

/// What a parser gets: the text, the name to report it under, and, when
/// it was read from disk, where it lives (for `-r` includes and for the
/// manifest beside a lockfile that does not record its roots).
pub(crate) struct Input<'a> {
    /// Path as reported in locations and errors.
    pub display: &'a str,
    /// The lockfile's text (UTF-8, BOM removed).
    pub text: &'a str,
    /// The file on disk, when there is one.
    pub disk: Option<&'a Path>,
    /// Inventory root, to make the display paths of included files.
    pub root: Option<&'a Path>,
    /// Warnings and local packages the parser reports.
    pub notes: RefCell<Notes>,
}

impl<'a> Input<'a> {
    /// An input for `text` reported as `display`.
    pub(crate) fn new(display: &'a str, text: &'a str) -> Self {
        Input {
            display,
            text,
            disk: None,
            root: None,
            notes: RefCell::new(Notes::default()),
        }
    }

    /// Records a warning about this lockfile (at `line`, when known).
    pub(crate) fn warn(&self, line: Option<u32>, message: impl Into<String>) {
        self.warn_in(self.display, line, message);
    }

    /// Records a warning about `file` (the lockfile or a file it includes).
    pub(crate) fn warn_in(&self, file: &str, line: Option<u32>, message: impl Into<String>) {
        self.notes.borrow_mut().warnings.push(InventoryWarning {
            path: file.to_string(),
            line,
            message: message.into(),
        });
    }

    /// Records a local package (its [`Package`] entry is pushed by the parser).
    pub(crate) fn local(&self, name: &str, path: &str, declared_version: Option<String>) {
        self.notes.borrow_mut().local.push(LocalPackage {
            name: name.to_string(),
            path: path.to_string(),
            declared_version,
        });
    }

    /// Reads a file next to the lockfile (e.g. `package.json` beside
    /// `yarn.lock`); `None` when parsing from a string or the file is absent.
    pub(crate) fn sibling(&self, name: &str) -> Option<String> {
        let dir = self.disk?.parent()?;
        guard::read_side_file(&dir.join(name))
    }
}

type ParseFn = fn(&Input<'_>) -> Result<Vec<Package>, InventoryError>;

/// One lockfile format: how to recognise its file and how to parse it.
struct Format {
    kind: LockfileKind,
    name: &'static str,
    ecosystem: Ecosystem,
    /// Takes the file name and the name of the directory holding it.
    matches: fn(&str, Option<&str>) -> bool,
    parse: ParseFn,
}

/// The one registry of lockfile formats: adding a format is one row here
/// plus its parser module.
const FORMATS: [Format; 13] = [
    Format {
        kind: LockfileKind::CargoLock,
        name: "Cargo.lock",
        ecosystem: Ecosystem::CratesIo,
        matches: |f, _| f == "Cargo.lock",
        parse: cargo::parse,
    },
    Format {
        kind: LockfileKind::PackageLock,
        name: "package-lock.json",
        ecosystem: Ecosystem::Npm,
        matches: |f, _| f == "package-lock.json" || f == "npm-shrinkwrap.json",
        parse: npm::parse,
    },
    Format {
        kind: LockfileKind::YarnLock,
        name: "yarn.lock",
        ecosystem: Ecosystem::Npm,
        matches: |f, _| f == "yarn.lock",
        parse: yarn::parse,
    },
    Format {
        kind: LockfileKind::PnpmLock,
        name: "pnpm-lock.yaml",
        ecosystem: Ecosystem::Npm,
        matches: |f, _| f == "pnpm-lock.yaml",
        parse: pnpm::parse,
    },
    Format {
        kind: LockfileKind::PoetryLock,
        name: "poetry.lock",
        ecosystem: Ecosystem::PyPI,
        matches: |f, _| f == "poetry.lock",
        parse: poetry::parse,
    },
    Format {
        kind: LockfileKind::PipfileLock,
        name: "Pipfile.lock",
        ecosystem: Ecosystem::PyPI,
        matches: |f, _| f == "Pipfile.lock",
        parse: pipfile::parse,
    },
    Format {
        kind: LockfileKind::UvLock,
        name: "uv.lock",
        ecosystem: Ecosystem::PyPI,
        matches: |f, _| f == "uv.lock",
        parse: uv::parse,
    },
    Format {
        kind: LockfileKind::Requirements,
        name: "requirements.txt",
        ecosystem: Ecosystem::PyPI,
        matches: requirements::is_requirements_file,
        parse: requirements::parse,
    },
    Format {
        kind: LockfileKind::GoMod,
        name: "go.mod",
        ecosystem: Ecosystem::Go,
        matches: |f, _| f == "go.mod",
        parse: gomod::parse,
    },
    Format {
        kind: LockfileKind::GemfileLock,
        name: "Gemfile.lock",
        ecosystem: Ecosystem::RubyGems,
        matches: |f, _| f == "Gemfile.lock" || f == "gems.locked",
        parse: gemfile::parse,
    },
    Format {
        kind: LockfileKind::ComposerLock,
        name: "composer.lock",
        ecosystem: Ecosystem::Packagist,
        matches: |f, _| f == "composer.lock",
        parse: composer::parse,
    },
    Format {
        kind: LockfileKind::GradleLockfile,
        name: "gradle.lockfile",
        ecosystem: Ecosystem::Maven,
        matches: |f, dir| {
            f == "gradle.lockfile" || (f.ends_with(".lockfile") && dir == Some("dependency-locks"))
        },
        parse: gradle::parse,
    },
    Format {
        kind: LockfileKind::NugetLock,
        name: "packages.lock.json",
        ecosystem: Ecosystem::NuGet,
        matches: |f, _| f == "packages.lock.json",
        parse: nuget::parse,
    },
];

impl LockfileKind {
    /// Every lockfile kind, in table order.
    pub const ALL: [LockfileKind; 13] = [
        LockfileKind::CargoLock,
        LockfileKind::PackageLock,
        LockfileKind::YarnLock,
        LockfileKind::PnpmLock,
        LockfileKind::PoetryLock,
        LockfileKind::PipfileLock,
        LockfileKind::UvLock,
        LockfileKind::Requirements,
        LockfileKind::GoMod,
        LockfileKind::GemfileLock,
        LockfileKind::ComposerLock,
        LockfileKind::GradleLockfile,
        LockfileKind::NugetLock,
    ];

    fn format(self) -> &'static Format {
        // The table holds exactly one row per kind, in `ALL` order.
        &FORMATS[self as usize]
    }

    /// Recognises a lockfile by its file name (and, for the older Gradle
    /// layout, its directory). Content is never sniffed.
    pub fn detect(path: &Path) -> Option<LockfileKind> {
        let file = path.file_name()?.to_str()?;
        let dir = path
            .parent()
            .and_then(Path::file_name)
            .and_then(|d| d.to_str());
        FORMATS
            .iter()
            .find(|f| (f.matches)(file, dir))
            .map(|f| f.kind)
    }

    /// The canonical file name of the format (`Cargo.lock`, `package-lock.json`, …).
    pub fn name(self) -> &'static str {
        self.format().name
    }

    /// The ecosystem the format's packages belong to.
    pub fn ecosystem(self) -> Ecosystem {
        self.format().ecosystem
    }
}

impl fmt::Display for LockfileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Parses lockfile text of a known kind, reporting locations and errors
/// under `display_path`. Nothing is read from disk: `-r`/`-c` includes in a
/// requirements file are not followed and no manifest is consulted beside
/// the lockfile (use [`parse_lockfile`] for both). Never panics.
pub fn parse_str(
    kind: LockfileKind,
    display_path: &str,
    text: &str,
) -> Result<Vec<Package>, InventoryError> {
    let input = Input::new(display_path, text.strip_prefix('\u{feff}').unwrap_or(text));
    parse_input(kind, &input)
}

/// What [`parse_str_with_notes`] returns: the packages, the warnings, and
/// the local packages (see [`LocalPackage`]).
pub type ParsedWithNotes = (Vec<Package>, Vec<InventoryWarning>, Vec<LocalPackage>);

/// Parses like [`parse_str`] and also returns the warnings and the local
/// packages the parse reported.
pub fn parse_str_with_notes(
    kind: LockfileKind,
    display_path: &str,
    text: &str,
) -> Result<ParsedWithNotes, InventoryError> {
    let input = Input::new(display_path, text.strip_prefix('\u{feff}').unwrap_or(text));
    let packages = parse_input(kind, &input)?;
    let notes = input.notes.into_inner();
    Ok((packages, notes.warnings, notes.local))
}

/// Runs the format's parser after the checks every format shares: an
/// empty or comment-only file is zero packages and a warning, and inputs
/// over the size and nesting bounds are refused before any parser runs.
pub(crate) fn parse_input(
    kind: LockfileKind,
    input: &Input<'_>,
) -> Result<Vec<Package>, InventoryError> {
    if guard::is_blank(kind, input.text) {
        input.warn(None, "empty lockfile (no entries): zero packages");
        return Ok(Vec::new());
    }
    guard::check(kind, input.display, input.text)?;
    (kind.format().parse)(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_in_kind_order() {
        for (i, kind) in LockfileKind::ALL.into_iter().enumerate() {
            assert_eq!(FORMATS[i].kind, kind);
        }
    }

    #[test]
    fn detects_by_file_name() {
        let cases = [
            ("a/Cargo.lock", Some(LockfileKind::CargoLock)),
            ("npm-shrinkwrap.json", Some(LockfileKind::PackageLock)),
            ("web/package-lock.json", Some(LockfileKind::PackageLock)),
            ("yarn.lock", Some(LockfileKind::YarnLock)),
            ("pnpm-lock.yaml", Some(LockfileKind::PnpmLock)),
            ("poetry.lock", Some(LockfileKind::PoetryLock)),
            ("Pipfile.lock", Some(LockfileKind::PipfileLock)),
            ("uv.lock", Some(LockfileKind::UvLock)),
            ("requirements.txt", Some(LockfileKind::Requirements)),
            ("requirements-dev.txt", Some(LockfileKind::Requirements)),
            ("requirements/base.txt", Some(LockfileKind::Requirements)),
            ("notes.txt", None),
            ("go.mod", Some(LockfileKind::GoMod)),
            ("go.sum", None),
            ("Gemfile.lock", Some(LockfileKind::GemfileLock)),
            ("composer.lock", Some(LockfileKind::ComposerLock)),
            ("gradle.lockfile", Some(LockfileKind::GradleLockfile)),
            (
                "gradle/dependency-locks/compileClasspath.lockfile",
                Some(LockfileKind::GradleLockfile),
            ),
            ("other.lockfile", None),
            ("packages.lock.json", Some(LockfileKind::NugetLock)),
            ("package.json", None),
        ];
        for (path, want) in cases {
            assert_eq!(LockfileKind::detect(Path::new(path)), want, "{path}");
        }
    }

    #[test]
    fn names_and_ecosystems() {
        assert_eq!(LockfileKind::PackageLock.name(), "package-lock.json");
        assert_eq!(LockfileKind::GoMod.ecosystem(), Ecosystem::Go);
        assert_eq!(LockfileKind::NugetLock.ecosystem(), Ecosystem::NuGet);
        assert_eq!(LockfileKind::YarnLock.to_string(), "yarn.lock");
    }
}
