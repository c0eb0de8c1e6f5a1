//! Checksums embedded in credential formats.
//!
//! Some providers append a checksum to their tokens so that a scanner can
//! tell a real token from a random string of the right shape without asking
//! the provider. A rule names its scheme (`checksum = "crc32-base62"`); the
//! verifier ([`super::verify`]) then reports a token whose checksum holds at
//! high confidence whatever its body looks like, and drops one whose checksum
//! fails (it is not a token of that format, though a generic rule may still
//! report it as a context-keyed value).
//!
//! Schemes, from the providers' own descriptions:
//! - `crc32-base62`: GitHub's `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` tokens (GitHub
//!   blog, "Behind GitHub's new authentication token formats", 2021) and npm's
//!   `npm_` access tokens (GitHub blog, "Announcing npm's new access token
//!   format", same design): `prefix_` + 30 random base62 characters + the
//!   CRC-32 (IEEE) of those 30 characters, base62-encoded
//!   (`0-9A-Za-z`), left-padded with `0` to 6 characters.
//! - `basic-credentials`: not a checksum but the structure RFC 7617 gives
//!   the credentials of an `Authorization: Basic` header: base64 of
//!   `user-id:password`, printable text with a non-empty user-id and a
//!   password. A random base64 string of the right alphabet decodes to
//!   binary and fails; so does an obvious placeholder password
//!   (`user:password`, `foo:bar`, `${PASS}`).

use std::fmt;

/// A checksum scheme a rule's secret carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Checksum {
    /// `<prefix>_` + 30 base62 characters + 6-character base62 CRC-32 of them.
    Crc32Base62,
    /// Base64 of `user-id:password` (RFC 7617), printable, with a
    /// non-placeholder password.
    BasicCredentials,
}

impl Checksum {
    /// The name written in rule files.
    pub fn as_str(self) -> &'static str {
        match self {
            Checksum::Crc32Base62 => "crc32-base62",
            Checksum::BasicCredentials => "basic-credentials",
        }
    }

    /// Parses a scheme name from a rule file.
    pub fn parse(s: &str) -> Option<Checksum> {
        match s {
            "crc32-base62" => Some(Checksum::Crc32Base62),
            "basic-credentials" => Some(Checksum::BasicCredentials),
            _ => None,
        }
    }

    /// True when `secret` carries a valid checksum of this scheme.
    pub fn is_valid(self, secret: &[u8]) -> bool {
        match self {
            Checksum::Crc32Base62 => crc32_base62_valid(secret),
            Checksum::BasicCredentials => basic_credentials_valid(secret),
        }
    }
}

impl fmt::Display for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Length of the random body and of the checksum in `crc32-base62` tokens.
const BODY_LEN: usize = 30;
const CHECK_LEN: usize = 6;

/// Checks `prefix_` + 30 + 6: the prefix is everything up to the last `_`.
fn crc32_base62_valid(secret: &[u8]) -> bool {
    let Some(us) = memchr::memrchr(b'_', secret) else {
        return false;
    };
    let tail = &secret[us + 1..];
    if tail.len() != BODY_LEN + CHECK_LEN || !tail.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let (body, check) = tail.split_at(BODY_LEN);
    base62_fixed(crc32(body)) == check
}

/// Longest Basic credential decoded (a header value is bounded anyway).
const MAX_BASIC: usize = 1024;

/// Passwords that mark a Basic credential as a documentation sample.
const WEAK_PASSWORDS: &[&str] = &[
    "password", "passwd", "pass", "pwd", "secret", "bar", "baz", "foo", "test", "changeme",
];

/// Checks base64 of `user-id:password`: printable UTF-8 without line
/// breaks, a non-empty user-id before the first `:`, a password of at least
/// 3 characters that is neither a placeholder nor a filler word.
fn basic_credentials_valid(secret: &[u8]) -> bool {
    use base64::Engine as _;
    if secret.len() > MAX_BASIC {
        return false;
    }
    let Ok(dec) = base64::engine::general_purpose::STANDARD.decode(secret) else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(&dec) else {
        return false;
    };
    if text.chars().any(char::is_control) {
        return false;
    }
    let Some((user, pass)) = text.split_once(':') else {
        return false;
    };
    !user.trim().is_empty()
        && pass.chars().count() >= 3
        && !WEAK_PASSWORDS.iter().any(|w| pass.eq_ignore_ascii_case(w))
        && !super::placeholder::is_placeholder(pass.as_bytes())
}

/// `n` in base62, left-padded with `0` to [`CHECK_LEN`] digits (a u32 needs
/// at most 6 base62 digits: 62^6 > 2^32).
fn base62_fixed(mut n: u32) -> [u8; CHECK_LEN] {
    let mut out = [b'0'; CHECK_LEN];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out
}

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), bitwise: tokens
/// are 30 bytes, so a table (or a crate) would buy nothing measurable.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// Appends a valid `crc32-base62` checksum to `prefix_` + `body` (30
/// base62 characters). Used by tests to build valid example tokens.
pub fn crc32_base62_token(prefix: &str, body: &str) -> String {
    let check = base62_fixed(crc32(body.as_bytes()));
    format!("{prefix}{body}{}", String::from_utf8_lossy(&check))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_known_vectors() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn base62_padding() {
        assert_eq!(&base62_fixed(0), b"000000");
        assert_eq!(&base62_fixed(61), b"00000z");
        assert_eq!(&base62_fixed(62), b"000010");
        assert_eq!(&base62_fixed(u32::MAX), b"4gfFC3");
    }

    #[test]
    fn valid_and_invalid_tokens() {
        // Bodies generated at random for this test.
        let gh = crc32_base62_token("ghp_", "Qm7Rb2XkT9wLc4NvZp8Hs1JdF6yGa3");
        assert!(Checksum::Crc32Base62.is_valid(gh.as_bytes()), "{gh}");
        let npm = crc32_base62_token("npm_", "e5Kq1VzW8rTn3YbC0LxM7uJg2PdA9h");
        assert!(Checksum::Crc32Base62.is_valid(npm.as_bytes()), "{npm}");
        // A sequential-looking body is still valid when its checksum holds.
        let seq = crc32_base62_token("gho_", "abcdefghijklmnopqrstuvwxyz0123");
        assert!(Checksum::Crc32Base62.is_valid(seq.as_bytes()), "{seq}");
        // One changed body character breaks it.
        let mut bad = gh.clone().into_bytes();
        bad[10] = if bad[10] == b'a' { b'b' } else { b'a' };
        assert!(!Checksum::Crc32Base62.is_valid(&bad));
        for s in [
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "ghp_short",
            "no-underscore-at-all",
            "ghp_Qm7Rb2XkT9wLc4NvZp8Hs1JdF6yGa3-1234",
        ] {
            assert!(!Checksum::Crc32Base62.is_valid(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn basic_credentials() {
        use base64::Engine as _;
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let ok = Checksum::BasicCredentials;
        // Random values generated for this test.
        assert!(ok.is_valid(b64("svc-deploy:Qz8rT4mW1vXk").as_bytes()));
        assert!(ok.is_valid(b64("ci@demo.org:h7:Lp2x!").as_bytes()));
        for bad in [
            "foo:bar",
            "user:password",
            "nocolon",
            ":Qz8rT4mW1vXk",
            "u:${PASS}",
        ] {
            assert!(!ok.is_valid(b64(bad).as_bytes()), "{bad}");
        }
        // Random base64 decodes to binary, not to credentials.
        assert!(!ok.is_valid(b"roZYd3JebeZ5yz0H114kTr26gI+fXa2M"));
        assert!(!ok.is_valid(b"not base64!"));
    }

    #[test]
    fn names_round_trip() {
        assert_eq!(
            Checksum::parse(Checksum::Crc32Base62.as_str()),
            Some(Checksum::Crc32Base62)
        );
        assert_eq!(
            Checksum::parse(Checksum::BasicCredentials.as_str()),
            Some(Checksum::BasicCredentials)
        );
        assert_eq!(Checksum::parse("luhn"), None);
    }
}
