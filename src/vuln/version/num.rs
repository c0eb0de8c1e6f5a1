//! Arbitrary-size non-negative integers for version segments.
//!
//! Version strings are untrusted input: a segment such as
//! `99999999999999999999999` must neither overflow nor be rejected by
//! schemes whose reference implementation accepts it (Maven uses
//! `BigInteger`, PEP 440 uses Python integers). Numbers are kept as their
//! decimal digits with leading zeros stripped, so comparing length first and
//! then the digits lexically is numeric comparison, and equal numbers have
//! equal representations (which keeps `Eq`, `Ord` and `Hash` consistent).

use std::cmp::Ordering;
use std::fmt;

/// A non-negative integer of any size, stored as canonical decimal digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Num(Box<str>);

impl Num {
    /// The number zero.
    pub fn zero() -> Num {
        Num("0".into())
    }

    /// Parses a non-empty string of ASCII digits; `None` for anything else.
    pub fn parse(digits: &str) -> Option<Num> {
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let trimmed = digits.trim_start_matches('0');
        Some(if trimmed.is_empty() {
            Num::zero()
        } else {
            Num(trimmed.into())
        })
    }

    /// Whether this is zero.
    pub fn is_zero(&self) -> bool {
        &*self.0 == "0"
    }

    /// The value as a `u64`, when it fits.
    pub fn to_u64(&self) -> Option<u64> {
        self.0.parse().ok()
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_digits_only() {
        assert_eq!(Num::parse("007"), Num::parse("7"));
        assert_eq!(Num::parse("000"), Some(Num::zero()));
        assert_eq!(Num::parse(""), None);
        assert_eq!(Num::parse("1a"), None);
        assert_eq!(Num::parse("-1"), None);
        assert_eq!(Num::parse("１"), None);
    }

    #[test]
    fn orders_numerically_without_overflow() {
        let order = [
            "0",
            "9",
            "10",
            "18446744073709551615",
            "99999999999999999999999",
        ];
        for (i, a) in order.iter().enumerate() {
            for (j, b) in order.iter().enumerate() {
                let (a, b) = (Num::parse(a), Num::parse(b));
                assert_eq!(a.cmp(&b), i.cmp(&j));
            }
        }
        assert_eq!(
            Num::parse("18446744073709551615").and_then(|n| n.to_u64()),
            Some(u64::MAX)
        );
        assert_eq!(
            Num::parse("18446744073709551616").and_then(|n| n.to_u64()),
            None
        );
        assert!(Num::parse("00").is_some_and(|n| n.is_zero()));
    }
}
