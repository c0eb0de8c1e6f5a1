//! Compact pieces of a [`Package`](super::Package): strings many packages
//! share (the lockfile path, a licence), integrity digests as bytes, and a
//! fast hasher for the parsers' own indexes.
//!
//! A 1M-package lockfile has one path and a handful of licences but a
//! million packages: one shared copy each instead of a million, and a
//! SHA-512 digest in 64 bytes instead of a 128-digit hex string plus its
//! algorithm's name, is what keeps an inventory within a small multiple of
//! the lockfile's size.

use crate::sbom::fields::HashAlg;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::collections::HashSet;
use std::fmt;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

/// An immutable string shared by reference count: cloning it is cheap and
/// allocates nothing. Compares, hashes, orders, prints and serialises as
/// the string it holds.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SharedStr(Arc<str>);

impl SharedStr {
    /// The string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> Self {
        SharedStr(Arc::from(s))
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> Self {
        SharedStr(Arc::from(s))
    }
}

impl From<&String> for SharedStr {
    fn from(s: &String) -> Self {
        SharedStr(Arc::from(s.as_str()))
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<SharedStr> for str {
    fn eq(&self, other: &SharedStr) -> bool {
        *self == *other.0
    }
}

impl PartialEq<SharedStr> for &str {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl PartialEq<SharedStr> for String {
    fn eq(&self, other: &SharedStr) -> bool {
        **self == *other.0
    }
}

impl Default for SharedStr {
    /// The empty string.
    fn default() -> Self {
        SharedStr::from("")
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for SharedStr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SharedStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(SharedStr::from)
    }
}

/// Hands out one [`SharedStr`] per distinct string (licences of one
/// lockfile, say): the second `MIT` costs a reference count, not a copy.
#[derive(Default)]
pub(crate) struct Interner(HashSet<SharedStr, FastHash>);

impl Interner {
    /// The shared copy of `s`.
    pub(crate) fn get(&mut self, s: &str) -> SharedStr {
        if let Some(shared) = self.0.get(s) {
            return shared.clone();
        }
        let shared = SharedStr::from(s);
        self.0.insert(shared.clone());
        shared
    }
}

/// An integrity digest a lockfile records: the algorithm and the digest's
/// bytes (at most 64, SHA-512's). Written as `[algorithm, lower-case hex]`
/// (`["SHA-256", "ab…"]`), the algorithm spelled as CycloneDX spells it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Digest {
    alg: HashAlg,
    bytes: [u8; 64],
}

impl Digest {
    /// A digest from its algorithm (any common spelling: `SHA-256`,
    /// `sha256`) and its hex digits (either case); `None` for an unknown
    /// algorithm or a digest that is not hex of the algorithm's length.
    pub fn from_hex(algorithm: &str, hex: &str) -> Option<Digest> {
        Digest::from_hex_of(HashAlg::parse(algorithm)?, hex)
    }

    /// [`Digest::from_hex`] of a known algorithm.
    pub(crate) fn from_hex_of(alg: HashAlg, hex: &str) -> Option<Digest> {
        let hex = hex.trim().as_bytes();
        if hex.len() != alg.hex_len() {
            return None;
        }
        let mut bytes = [0u8; 64];
        for (out, pair) in bytes.iter_mut().zip(hex.chunks_exact(2)) {
            *out = (nibble(pair[0])? << 4) | nibble(pair[1])?;
        }
        Some(Digest { alg, bytes })
    }

    /// A digest of `alg` from its raw bytes; `None` when the length is not
    /// the algorithm's.
    pub(crate) fn from_bytes(alg: HashAlg, raw: &[u8]) -> Option<Digest> {
        if raw.len() * 2 != alg.hex_len() {
            return None;
        }
        let mut bytes = [0u8; 64];
        bytes[..raw.len()].copy_from_slice(raw);
        Some(Digest { alg, bytes })
    }

    /// The algorithm as CycloneDX names it (`SHA-512`).
    pub fn algorithm(&self) -> &'static str {
        self.alg.cyclonedx()
    }

    /// The algorithm.
    pub(crate) fn alg(&self) -> HashAlg {
        self.alg
    }

    /// The digest's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes[..self.alg.hex_len() / 2]
    }

    /// The digest in lower-case hex.
    pub fn hex(&self) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(self.alg.hex_len());
        for &b in self.bytes() {
            out.push(char::from(DIGITS[usize::from(b >> 4)]));
            out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
        }
        out
    }
}

fn nibble(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("")
            .field(&self.algorithm())
            .field(&self.hex())
            .finish()
    }
}

impl PartialEq<(String, String)> for Digest {
    fn eq(&self, (alg, hex): &(String, String)) -> bool {
        self.algorithm() == alg && self.hex() == *hex
    }
}

impl PartialEq<(&str, &str)> for Digest {
    fn eq(&self, (alg, hex): &(&str, &str)) -> bool {
        self.algorithm() == *alg && self.hex() == *hex
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.algorithm(), self.hex()).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (alg, hex) = <(String, String)>::deserialize(d)?;
        Digest::from_hex(&alg, &hex)
            .ok_or_else(|| serde::de::Error::custom(format!("not a {alg} digest in hex: `{hex}`")))
    }
}

/// FxHash (as in rustc): a multiply-rotate hasher, many times faster than
/// SipHash on short keys. Only for indexes over a lockfile's own entries,
/// which are not attacker-chosen hash-flooding targets of any consequence
/// (a lockfile is bounded in size, and a collision costs time, never a
/// wrong answer).
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// `BuildHasher` of [`FxHasher`].
pub(crate) type FastHash = BuildHasherDefault<FxHasher>;

/// A `HashMap` keyed with [`FxHasher`].
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, FastHash>;

/// Hashes `value` with [`FxHasher`].
pub(crate) fn fast_hash<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = FxHasher::default();
    value.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_round_trip_hex_and_json() {
        let hex = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
        let d = Digest::from_hex("sha1", &hex.to_ascii_uppercase()).unwrap();
        assert_eq!(d.algorithm(), "SHA-1");
        assert_eq!(d.hex(), hex);
        assert_eq!(d.bytes().len(), 20);
        assert_eq!(d, ("SHA-1", hex));
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, format!("[\"SHA-1\",\"{hex}\"]"));
        assert_eq!(serde_json::from_str::<Digest>(&json).unwrap(), d);
        assert_eq!(format!("{d:?}"), format!("(\"SHA-1\", \"{hex}\")"));
        assert!(Digest::from_hex("sha256", hex).is_none());
        assert!(Digest::from_hex("sha1", &"g".repeat(40)).is_none());
        assert!(Digest::from_hex("crc32", "00000000").is_none());
        assert!(Digest::from_bytes(HashAlg::Sha512, &[0; 64]).is_some());
        assert!(Digest::from_bytes(HashAlg::Sha512, &[0; 20]).is_none());
    }

    #[test]
    fn shared_strings_compare_as_strings_and_intern() {
        let mut i = Interner::default();
        let a = i.get("MIT");
        let b = i.get("MIT");
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, "MIT");
        assert_eq!("MIT", a);
        assert_eq!(a, "MIT".to_string());
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"MIT\"");
        assert_eq!(format!("{a}/{a:?}"), "MIT/\"MIT\"");
        let (x, y) = (SharedStr::from("a"), SharedStr::from("b"));
        assert!(x < y);
    }

    #[test]
    fn fast_hash_tells_short_keys_apart() {
        let keys = ["", "a", "b", "ab", "ba", "node_modules/a", "node_modules/b"];
        let hashes: HashSet<u64> = keys.iter().map(|k| fast_hash(*k)).collect();
        assert_eq!(hashes.len(), keys.len());
    }
}
