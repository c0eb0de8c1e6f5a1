//! Package URLs (purl, <https://github.com/package-url/purl-spec>): built for
//! every inventoried package, parsed back when reading SBOMs.
//!
//! Hand-written because the rules we need are small (type, namespace, name,
//! version, percent-encoding) and the purl crates on crates.io either lag the
//! spec's per-type normalisation or pull in more than they give.

use super::Ecosystem;

/// A parsed package URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purl {
    /// purl type (`cargo`, `npm`, ...).
    pub ty: String,
    /// Namespace segments joined with `/` (npm scope with its `@`, Maven group, Go module path prefix).
    pub namespace: Option<String>,
    /// Name.
    pub name: String,
    /// Version.
    pub version: Option<String>,
}

impl Purl {
    /// The ecosystem this purl's type maps to, if leakgate knows it.
    pub fn ecosystem(&self) -> Option<Ecosystem> {
        Ecosystem::ALL
            .into_iter()
            .find(|e| e.purl_type() == self.ty)
    }

    /// The package name as the ecosystem spells it: `@scope/name` (npm),
    /// `group:artifact` (Maven), `vendor/name` (Composer), full module path (Go).
    pub fn package_name(&self) -> String {
        match (self.ty.as_str(), &self.namespace) {
            ("maven", Some(ns)) => format!("{ns}:{}", self.name),
            (_, Some(ns)) => format!("{ns}/{}", self.name),
            (_, None) => self.name.clone(),
        }
    }
}

/// Builds the purl for a package of `ecosystem` named `name` (as the ecosystem
/// spells it) at `version`.
pub fn build(ecosystem: Ecosystem, name: &str, version: Option<&str>) -> String {
    let (namespace, short): (Option<&str>, String) = match ecosystem {
        Ecosystem::Maven => match name.split_once(':') {
            Some((g, a)) => (Some(g), a.to_string()),
            None => (None, name.to_string()),
        },
        Ecosystem::Npm | Ecosystem::Go | Ecosystem::Packagist => match name.rsplit_once('/') {
            Some((ns, n)) => (Some(ns), n.to_string()),
            None => (None, name.to_string()),
        },
        // purl spec: PyPI names are lower-cased and `_` becomes `-`.
        Ecosystem::PyPI => (None, name.to_ascii_lowercase().replace('_', "-")),
        Ecosystem::CratesIo | Ecosystem::RubyGems | Ecosystem::NuGet => (None, name.to_string()),
    };
    let mut out = format!("pkg:{}/", ecosystem.purl_type());
    if let Some(ns) = namespace {
        let ns = if ecosystem == Ecosystem::Packagist {
            ns.to_ascii_lowercase()
        } else {
            ns.to_string()
        };
        for seg in ns.split('/') {
            out.push_str(&encode(seg));
            out.push('/');
        }
    }
    let short = if ecosystem == Ecosystem::Packagist {
        short.to_ascii_lowercase()
    } else {
        short
    };
    out.push_str(&encode(&short));
    if let Some(v) = version {
        out.push('@');
        out.push_str(&encode(v));
    }
    out
}

/// Parses a purl. Returns `None` for anything that is not `pkg:type/…name`.
pub fn parse(s: &str) -> Option<Purl> {
    let rest = s.strip_prefix("pkg:")?.trim_start_matches('/');
    let rest = rest.split_once('#').map_or(rest, |(a, _)| a);
    let rest = rest.split_once('?').map_or(rest, |(a, _)| a);
    let (ty, path) = rest.split_once('/')?;
    if ty.is_empty() {
        return None;
    }
    let (path, version) = match path.rsplit_once('@') {
        Some((p, v)) if !p.is_empty() => (p, Some(decode(v)?)),
        _ => (path, None),
    };
    let path = path.trim_matches('/');
    let (namespace, name) = match path.rsplit_once('/') {
        Some((ns, n)) => {
            let segs: Option<Vec<String>> = ns.split('/').map(decode).collect();
            (Some(segs?.join("/")), decode(n)?)
        }
        None => (None, decode(path)?),
    };
    if name.is_empty() {
        return None;
    }
    Some(Purl {
        ty: ty.to_ascii_lowercase(),
        namespace,
        name,
        version,
    })
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~' | b'+') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_per_ecosystem() {
        assert_eq!(
            build(Ecosystem::CratesIo, "serde", Some("1.0.0")),
            "pkg:cargo/serde@1.0.0"
        );
        assert_eq!(
            build(Ecosystem::Npm, "@babel/core", Some("7.0.0")),
            "pkg:npm/%40babel/core@7.0.0"
        );
        assert_eq!(
            build(Ecosystem::PyPI, "Django_Rest", Some("3.1")),
            "pkg:pypi/django-rest@3.1"
        );
        assert_eq!(
            build(Ecosystem::Go, "github.com/gin-gonic/gin", Some("v1.9.0")),
            "pkg:golang/github.com/gin-gonic/gin@v1.9.0"
        );
        assert_eq!(
            build(
                Ecosystem::Maven,
                "org.apache.logging.log4j:log4j-core",
                Some("2.14.1")
            ),
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
        );
        assert_eq!(build(Ecosystem::RubyGems, "rails", None), "pkg:gem/rails");
    }

    #[test]
    fn round_trips() {
        for (eco, name, ver) in [
            (Ecosystem::Npm, "@babel/core", "7.0.0"),
            (
                Ecosystem::Go,
                "golang.org/x/net",
                "v0.0.0-20200202094626-16171245cfb2",
            ),
            (Ecosystem::Maven, "com.google.guava:guava", "31.0-jre"),
            (Ecosystem::NuGet, "Newtonsoft.Json", "13.0.1"),
        ] {
            let p = parse(&build(eco, name, Some(ver))).unwrap();
            assert_eq!(p.ecosystem(), Some(eco));
            assert_eq!(p.package_name(), name);
            assert_eq!(p.version.as_deref(), Some(ver));
        }
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse("cargo/serde").is_none());
        assert!(parse("pkg:").is_none());
        assert!(parse("pkg:npm/%zz@1").is_none());
    }
}
