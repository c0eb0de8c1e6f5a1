//! Package-name normalisation per ecosystem, so that the name a lockfile
//! writes and the name an advisory writes meet in the database index.
//!
//! Rules, and why:
//! - PyPI: PEP 503 (`re.sub(r"[-_.]+", "-", name).lower()`): `Django`,
//!   `django` and `DJANGO` are one project, as are `zope.interface` and
//!   `zope-interface`.
//! - NuGet and Packagist: case-insensitive registries (`Newtonsoft.Json` is
//!   `newtonsoft.json`; Composer names are lower-case by convention but older
//!   lockfiles and advisories mix case), so names are lower-cased.
//! - crates.io, npm, Go, Maven, RubyGems: compared exactly. Their lockfiles
//!   and OSV records both carry the canonical spelling, and for Go module
//!   paths case is significant (`github.com/Sirupsen/logrus` and
//!   `github.com/sirupsen/logrus` are different modules).

use crate::inventory::Ecosystem;

/// The normalised form of `name` in `ecosystem`, used as the index key.
pub fn normalize(ecosystem: Ecosystem, name: &str) -> String {
    match ecosystem {
        Ecosystem::PyPI => pep503(name),
        Ecosystem::NuGet | Ecosystem::Packagist => name.trim().to_lowercase(),
        Ecosystem::CratesIo
        | Ecosystem::Npm
        | Ecosystem::Go
        | Ecosystem::Maven
        | Ecosystem::RubyGems => name.trim().to_string(),
    }
}

/// PEP 503 normalisation: runs of `-`, `_` and `.` become one `-`, then lower case.
fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_separator_run = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_separator_run {
                out.push('-');
            }
            in_separator_run = true;
        } else {
            out.extend(c.to_lowercase());
            in_separator_run = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pypi_follows_pep_503() {
        for (raw, want) in [
            ("Django", "django"),
            ("zope.interface", "zope-interface"),
            ("Flask_SQLAlchemy", "flask-sqlalchemy"),
            ("a-_.-b", "a-b"),
            ("requests", "requests"),
            ("  PyYAML ", "pyyaml"),
        ] {
            assert_eq!(normalize(Ecosystem::PyPI, raw), want, "{raw}");
        }
    }

    #[test]
    fn case_insensitive_registries_lower_case() {
        assert_eq!(
            normalize(Ecosystem::NuGet, "Newtonsoft.Json"),
            "newtonsoft.json"
        );
        assert_eq!(
            normalize(Ecosystem::Packagist, "Symfony/HTTP-Kernel"),
            "symfony/http-kernel"
        );
    }

    #[test]
    fn exact_ecosystems_keep_case_and_separators() {
        assert_eq!(
            normalize(Ecosystem::Go, "github.com/Sirupsen/logrus"),
            "github.com/Sirupsen/logrus"
        );
        assert_eq!(normalize(Ecosystem::CratesIo, "serde_json"), "serde_json");
        assert_eq!(normalize(Ecosystem::Npm, "@babel/core"), "@babel/core");
        assert_eq!(
            normalize(Ecosystem::Maven, "org.Apache:Log4j"),
            "org.Apache:Log4j"
        );
    }
}
