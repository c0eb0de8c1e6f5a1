//! Integrity hashes as lockfiles write them, normalised to
//! (CycloneDX algorithm name, lower-case hex digest).
//!
//! npm and NuGet record base64 digests (Subresource Integrity style),
//! Python lockfiles `sha256:<hex>`, Cargo bare hex SHA-256, Composer bare
//! hex SHA-1; SBOM hashes are hex, so everything is converted here.

use base64::Engine as _;

/// The CycloneDX name of a hash algorithm as lockfiles spell it.
pub(crate) fn algorithm(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_lowercase().replace('-', "").as_str() {
        "md5" => "MD5",
        "sha1" => "SHA-1",
        "sha256" => "SHA-256",
        "sha384" => "SHA-384",
        "sha512" => "SHA-512",
        _ => return None,
    })
}

/// Expected hex length of a digest of `algorithm` (a CycloneDX name).
fn hex_len(algorithm: &str) -> usize {
    match algorithm {
        "MD5" => 32,
        "SHA-1" => 40,
        "SHA-256" => 64,
        "SHA-384" => 96,
        _ => 128,
    }
}

/// A hex digest of `algorithm`, validated and lower-cased.
pub(crate) fn hex(algorithm: &'static str, digest: &str) -> Option<(String, String)> {
    let ok = digest.len() == hex_len(algorithm) && digest.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| (algorithm.to_string(), digest.to_ascii_lowercase()))
}

/// A base64 (standard alphabet, padded or not) digest of `algorithm`.
pub(crate) fn base64(algorithm: &'static str, digest: &str) -> Option<(String, String)> {
    let trimmed = digest.trim().trim_end_matches('=');
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(trimmed)
        .ok()?;
    hex(algorithm, &to_hex(&bytes))
}

/// Lower-case hex of `bytes`.
fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Subresource Integrity strings (`sha512-<base64> sha1-<base64>`), as npm
/// and yarn write them.
pub(crate) fn sri(value: &str) -> Vec<(String, String)> {
    value
        .split_whitespace()
        .filter_map(|item| {
            let (alg, digest) = item.split_once('-')?;
            base64(algorithm(alg)?, digest)
        })
        .collect()
}

/// `<algorithm>:<hex>` as Python lockfiles write them (`sha256:ab…`).
pub(crate) fn prefixed_hex(value: &str) -> Option<(String, String)> {
    let (alg, digest) = value.split_once(':')?;
    hex(algorithm(alg)?, digest)
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
            vec![(
                "SHA-1".to_string(),
                "da39a3ee5e6b4b0d3255bfef95601890afd80709".to_string()
            )]
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
            prefixed_hex(&format!("sha256:{digest}")),
            Some(("SHA-256".to_string(), digest.to_ascii_lowercase()))
        );
        assert_eq!(prefixed_hex("sha256:xyz"), None);
        assert_eq!(prefixed_hex("nocolon"), None);
        assert_eq!(prefixed_hex("sha256:é"), None);
    }
}
