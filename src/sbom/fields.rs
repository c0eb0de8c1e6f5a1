//! Field-level conversions shared by the writers and readers: hash algorithm
//! names (lockfiles, CycloneDX and SPDX each spell them differently) and the
//! check that a licence string is an SPDX expression (both formats reject
//! free text where an expression is expected).

/// A hash algorithm both formats can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum HashAlg {
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Sha512,
    Sha3_256,
    Sha3_384,
    Sha3_512,
    Blake2b256,
    Blake2b384,
    Blake2b512,
    Blake3,
}

impl HashAlg {
    const ALL: [HashAlg; 12] = [
        HashAlg::Md5,
        HashAlg::Sha1,
        HashAlg::Sha256,
        HashAlg::Sha384,
        HashAlg::Sha512,
        HashAlg::Sha3_256,
        HashAlg::Sha3_384,
        HashAlg::Sha3_512,
        HashAlg::Blake2b256,
        HashAlg::Blake2b384,
        HashAlg::Blake2b512,
        HashAlg::Blake3,
    ];

    /// Parses any common spelling: `SHA-256`, `sha256`, `SHA256`, `sha-512`.
    pub(crate) fn parse(s: &str) -> Option<HashAlg> {
        let key: String = s
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        HashAlg::ALL.into_iter().find(|a| {
            a.cyclonedx()
                .chars()
                .filter(|c| *c != '-')
                .map(|c| c.to_ascii_lowercase())
                .eq(key.chars())
        })
    }

    /// CycloneDX `hash-alg` enum value (also leakgate's canonical spelling in
    /// [`Package::hashes`](crate::inventory::Package::hashes)).
    pub(crate) fn cyclonedx(self) -> &'static str {
        match self {
            HashAlg::Md5 => "MD5",
            HashAlg::Sha1 => "SHA-1",
            HashAlg::Sha256 => "SHA-256",
            HashAlg::Sha384 => "SHA-384",
            HashAlg::Sha512 => "SHA-512",
            HashAlg::Sha3_256 => "SHA3-256",
            HashAlg::Sha3_384 => "SHA3-384",
            HashAlg::Sha3_512 => "SHA3-512",
            HashAlg::Blake2b256 => "BLAKE2b-256",
            HashAlg::Blake2b384 => "BLAKE2b-384",
            HashAlg::Blake2b512 => "BLAKE2b-512",
            HashAlg::Blake3 => "BLAKE3",
        }
    }

    /// SPDX 2.3 checksum `algorithm` enum value.
    pub(crate) fn spdx(self) -> &'static str {
        match self {
            HashAlg::Md5 => "MD5",
            HashAlg::Sha1 => "SHA1",
            HashAlg::Sha256 => "SHA256",
            HashAlg::Sha384 => "SHA384",
            HashAlg::Sha512 => "SHA512",
            HashAlg::Sha3_256 => "SHA3-256",
            HashAlg::Sha3_384 => "SHA3-384",
            HashAlg::Sha3_512 => "SHA3-512",
            HashAlg::Blake2b256 => "BLAKE2b-256",
            HashAlg::Blake2b384 => "BLAKE2b-384",
            HashAlg::Blake2b512 => "BLAKE2b-512",
            HashAlg::Blake3 => "BLAKE3",
        }
    }

    /// Digest length in hex digits (BLAKE3's default output is 256 bits).
    pub(crate) fn hex_len(self) -> usize {
        match self {
            HashAlg::Md5 => 32,
            HashAlg::Sha1 => 40,
            HashAlg::Sha256 | HashAlg::Sha3_256 | HashAlg::Blake2b256 | HashAlg::Blake3 => 64,
            HashAlg::Sha384 | HashAlg::Sha3_384 | HashAlg::Blake2b384 => 96,
            HashAlg::Sha512 | HashAlg::Sha3_512 | HashAlg::Blake2b512 => 128,
        }
    }
}

/// Whether `s` is shaped like an SPDX licence expression: licence ids (with
/// an optional `+`), `LicenseRef-`/`DocumentRef-` references, `AND`/`OR`/
/// `WITH` between operands, and balanced parentheses. Free text such as
/// `MIT/Apache-2.0` or `BSD License` is not, and the writers then fall back
/// to a named licence (CycloneDX) or `NOASSERTION` plus a comment (SPDX).
pub(crate) fn is_spdx_expression(s: &str) -> bool {
    let spaced = s.replace('(', " ( ").replace(')', " ) ");
    let mut depth = 0usize;
    let mut expect_operand = true;
    let mut any = false;
    for token in spaced.split_whitespace() {
        any = true;
        match token {
            "(" if expect_operand => depth += 1,
            ")" if !expect_operand && depth > 0 => depth -= 1,
            "AND" | "OR" | "WITH" if !expect_operand => expect_operand = true,
            t if expect_operand && is_licence_id(t) => expect_operand = false,
            _ => return false,
        }
    }
    any && depth == 0 && !expect_operand
}

/// The SPDX licence list as the CycloneDX schema (`spdx.schema.json`)
/// enumerates it, one id a line.
const SPDX_IDS: &str = include_str!("spdx-license-ids.txt");

/// The canonical spelling of an SPDX licence id (ids match
/// case-insensitively, as the SPDX specification says), or `None` when `s`
/// is not on the list.
pub(crate) fn spdx_id(s: &str) -> Option<&'static str> {
    static IDS: std::sync::OnceLock<std::collections::HashMap<String, &'static str>> =
        std::sync::OnceLock::new();
    IDS.get_or_init(|| {
        SPDX_IDS
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| (l.to_ascii_lowercase(), l))
            .collect()
    })
    .get(&s.to_ascii_lowercase())
    .copied()
}

/// An SPDX expression every licence id of which is on the SPDX list (an
/// exception after `WITH` too), with no `LicenseRef-`/`DocumentRef-`
/// (those need an extracted-licence section): what `licenseDeclared` and
/// a CycloneDX `expression` may carry as is.
pub(crate) fn is_known_spdx_expression(s: &str) -> bool {
    is_spdx_expression(s)
        && s.replace(['(', ')'], " ")
            .split_whitespace()
            .filter(|t| !matches!(*t, "AND" | "OR" | "WITH"))
            .all(|t| spdx_id(t.strip_suffix('+').unwrap_or(t)).is_some())
}

fn is_licence_id(t: &str) -> bool {
    let t = t.strip_suffix('+').unwrap_or(t);
    let t = t.strip_prefix("DocumentRef-").map_or(t, |rest| {
        // `DocumentRef-x:LicenseRef-y`: validate the licence part.
        rest.split_once(':').map_or("", |(_, lic)| lic)
    });
    !t.is_empty()
        && !matches!(t, "AND" | "OR" | "WITH")
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_spdx_ids_and_expressions() {
        assert_eq!(spdx_id("mit"), Some("MIT"));
        assert_eq!(spdx_id("Apache-2.0"), Some("Apache-2.0"));
        assert_eq!(spdx_id("Foo-1.0"), None);
        assert!(is_known_spdx_expression(
            "MIT OR (Apache-2.0 AND BSD-3-Clause)"
        ));
        assert!(is_known_spdx_expression("GPL-2.0+"));
        assert!(is_known_spdx_expression(
            "GPL-2.0-only WITH Classpath-exception-2.0"
        ));
        assert!(!is_known_spdx_expression("MIT OR Foo-1.0"));
        assert!(!is_known_spdx_expression("LicenseRef-Acme"));
        assert!(!is_known_spdx_expression("BSD License"));
    }

    #[test]
    fn hash_algorithms_in_every_spelling() {
        for s in ["SHA-256", "sha256", "SHA256", "sha-256", "Sha_256"] {
            assert_eq!(HashAlg::parse(s), Some(HashAlg::Sha256), "{s}");
        }
        assert_eq!(HashAlg::parse("sha1"), Some(HashAlg::Sha1));
        assert_eq!(HashAlg::parse("SHA3-512"), Some(HashAlg::Sha3_512));
        assert_eq!(HashAlg::parse("blake2b-256"), Some(HashAlg::Blake2b256));
        assert_eq!(HashAlg::parse("crc32"), None);
        assert_eq!(HashAlg::Sha512.spdx(), "SHA512");
        assert_eq!(HashAlg::Sha512.cyclonedx(), "SHA-512");
    }

    #[test]
    fn licence_expressions() {
        for ok in [
            "MIT",
            "Apache-2.0 OR MIT",
            "(MIT OR Apache-2.0) AND BSD-3-Clause",
            "GPL-2.0+ WITH Classpath-exception-2.0",
            "LicenseRef-Custom",
            "DocumentRef-other:LicenseRef-x",
        ] {
            assert!(is_spdx_expression(ok), "{ok}");
        }
        for bad in [
            "",
            "MIT/Apache-2.0",
            "BSD License",
            "MIT OR",
            "(MIT",
            "MIT)",
            "AND MIT",
            "MIT Apache-2.0",
        ] {
            assert!(!is_spdx_expression(bad), "{bad}");
        }
    }
}
