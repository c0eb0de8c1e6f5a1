//! Package inventory: what a project depends on, exactly, read from its lockfiles.
//!
//! One parser per lockfile kind, all registered in one table; each returns
//! [`Package`]s with the line of their entry so findings can point at it.
//! The inventory feeds both the SBOM writers (`sbom`) and vulnerability
//! matching (`vuln`).

use serde::{Deserialize, Serialize};
use std::fmt;

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
    /// Lockfile path, relative to the inventory root, `/`-separated.
    pub file: String,
    /// 1-based line of the package's entry (0 when the format has no lines, e.g. an SBOM read back).
    pub line: u32,
}

/// One resolved package.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Package {
    /// Ecosystem.
    pub ecosystem: Ecosystem,
    /// Name as the ecosystem spells it (`@scope/name` for npm, `group:artifact` for Maven).
    pub name: String,
    /// Exact version. `None` for unpinned requirements (e.g. `requests>=2` in requirements.txt):
    /// reported as unpinned, never guessed.
    pub version: Option<String>,
    /// Package URL (`pkg:cargo/serde@1.0.0`).
    pub purl: String,
    /// Declared directly by the project (not only pulled in transitively).
    pub direct: bool,
    /// Only needed for development/tests.
    pub dev: bool,
    /// Dependencies of this package.
    pub dependencies: Vec<PackageRef>,
    /// Entry location.
    pub location: SourceLocation,
    /// Integrity hashes the lockfile records, as (algorithm, hex digest), e.g. ("SHA-256", "ab…").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hashes: Vec<(String, String)>,
    /// SPDX licence expression, where the lockfile records one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
}
pub mod purl;
