//! Integrity hashes as lockfiles write them, normalised to
//! (CycloneDX algorithm name, lower-case hex digest).
//!
//! npm and NuGet record base64 digests (Subresource Integrity style),
//! Python lockfiles `sha256:<hex>`, Cargo bare hex SHA-256, Composer bare
//! hex SHA-1; SBOM hashes are hex, so everything is converted here.

use super::Digest;
use crate::sbom::fields::HashAlg;
use base64::Engine as _;

/// A hash algorithm as lockfiles spell it (`sha512`, `SHA-256`, any case,
/// dashes ignored), without allocating: called once per package.
pub(crate) fn algorithm(name: &str) -> Option<HashAlg> {
    let mut key = [0u8; 8];
    let mut n = 0;
    for b in name.bytes().filter(|&b| b != b'-') {
        *key.get_mut(n)? = b.to_ascii_lowercase();
        n += 1;
    }
    Some(match &key[..n] {
        b"md5" => HashAlg::Md5,
        b"sha1" => HashAlg::Sha1,
        b"sha256" => HashAlg::Sha256,
        b"sha384" => HashAlg::Sha384,
        b"sha512" => HashAlg::Sha512,
        _ => return None,
    })
}

/// A hex digest of `algorithm`, validated.
pub(crate) fn hex(algorithm: &'static str, digest: &str) -> Option<Digest> {
    Digest::from_hex_of(self::algorithm(algorithm)?, digest)
}

/// A base64 (standard alphabet, padded or not) digest of `algorithm`.
pub(crate) fn base64(algorithm: &'static str, digest: &str) -> Option<Digest> {
    base64_of(self::algorithm(algorithm)?, digest)
}

fn base64_of(alg: HashAlg, digest: &str) -> Option<Digest> {
    let trimmed = digest.trim().trim_end_matches('=');
    // Decoded into a stack buffer: a SHA-512 digest is 64 bytes.
    let mut buf = [0u8; 96];
    let n = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode_slice(trimmed, &mut buf)
        .ok()?;
    Digest::from_bytes(alg, &buf[..n])
}

/// Subresource Integrity strings (`sha512-<base64> sha1-<base64>`), as npm
/// and yarn write them.
pub(crate) fn sri(value: &str) -> Vec<Digest> {
    let mut out: Vec<Digest> = value
        .split_whitespace()
        .filter_map(|item| {
            let (alg, digest) = item.split_once('-')?;
            base64_of(algorithm(alg)?, digest)
        })
        .collect();
    // `collect` leaves room for four digests (260 bytes) where one is usual.
    out.shrink_to_fit();
    out
}

/// `<algorithm>:<hex>` as Python lockfiles write them (`sha256:ab…`).
pub(crate) fn prefixed_hex(value: &str) -> Option<Digest> {
    let (alg, digest) = value.split_once(':')?;
    Digest::from_hex_of(algorithm(alg)?, digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_sri() {
        // sha1 of the empty string, base64.
        let got = sri("sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=");
        assert_eq!(
            got,
            vec![("SHA-1", "da39a3ee5e6b4b0d3255bfef95601890afd80709")]
        );
        assert_eq!(sri("sha512-notbase64!").len(), 0);
        assert_eq!(sri("md4-AAAA").len(), 0);
        // Wrong length for the algorithm is rejected.
        assert_eq!(sri("sha512-2jmj7l5rSw0yVb/vlWAYkK/YBwk=").len(), 0);
    }

    #[test]
    fn decodes_prefixed_hex() {
        let digest = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
        assert_eq!(
            prefixed_hex(&format!("sha256:{digest}")).map(|d| d.hex()),
            Some(digest.to_ascii_lowercase())
        );
        assert_eq!(prefixed_hex("sha256:xyz"), None);
        assert_eq!(prefixed_hex("nocolon"), None);
        assert_eq!(prefixed_hex("sha256:é"), None);
    }
}
