//! Interim stand-in for `vuln::version` (SemVer only) until the versions branch is merged.
use crate::inventory::Ecosystem;
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme { SemVer, Go, Pep440, Maven, RubyGems, NuGet, Packagist }
impl Scheme {
    pub fn for_ecosystem(e: Ecosystem) -> Scheme {
        match e { Ecosystem::Go => Scheme::Go, Ecosystem::PyPI => Scheme::Pep440, Ecosystem::Maven => Scheme::Maven, Ecosystem::RubyGems => Scheme::RubyGems, Ecosystem::NuGet => Scheme::NuGet, Ecosystem::Packagist => Scheme::Packagist, _ => Scheme::SemVer }
    }
}
pub type Version = semver::Version;
pub fn parse(_s: Scheme, v: &str) -> Result<Version, semver::Error> {
    let v = v.strip_prefix('v').unwrap_or(v);
    semver::Version::parse(v).or_else(|e| {
        let parts = v.split('.').count();
        if parts == 2 { semver::Version::parse(&format!("{v}.0")) } else if parts == 1 { semver::Version::parse(&format!("{v}.0.0")) } else { Err(e) }
    })
}
