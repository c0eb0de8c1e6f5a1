//! Table-driven assertions shared by every scheme's tests.
//!
//! An ordered table is checked for every pair (not only neighbours), and
//! every table is also checked for the laws a sort or a range check relies
//! on: antisymmetry, transitivity, and `Eq`/`Hash` agreeing with `Ord`.

use super::VersionError;
use std::collections::hash_map::DefaultHasher;
use std::fmt::Debug;
use std::hash::{Hash, Hasher};

fn hash_of<T: Hash>(value: &T) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

fn parse_all<T>(parse: impl Fn(&str) -> Result<T, VersionError>, inputs: &[&str]) -> Vec<T> {
    inputs
        .iter()
        .map(|s| match parse(s) {
            Ok(v) => v,
            Err(e) => panic!("{s:?} should parse: {e}"),
        })
        .collect()
}

/// Asserts `inputs` parse and are strictly increasing, checking all pairs,
/// then checks the order laws over the table.
pub(crate) fn assert_strictly_increasing<T: Ord + Hash + Debug>(
    parse: impl Fn(&str) -> Result<T, VersionError>,
    inputs: &[&str],
) {
    let parsed = parse_all(parse, inputs);
    for (i, a) in parsed.iter().enumerate() {
        for (j, b) in parsed.iter().enumerate() {
            assert_eq!(
                a.cmp(b),
                i.cmp(&j),
                "{:?} vs {:?} should be {:?}",
                inputs[i],
                inputs[j],
                i.cmp(&j)
            );
            assert_eq!(a == b, i == j, "{:?} == {:?}", inputs[i], inputs[j]);
        }
    }
    assert_order_laws(&parsed);
}

/// Asserts `inputs` parse and all compare equal, with equal hashes.
pub(crate) fn assert_all_equal<T: Ord + Hash + Debug>(
    parse: impl Fn(&str) -> Result<T, VersionError>,
    inputs: &[&str],
) {
    let parsed = parse_all(parse, inputs);
    for (i, a) in parsed.iter().enumerate() {
        for (j, b) in parsed.iter().enumerate() {
            assert_eq!(a, b, "{:?} should equal {:?}", inputs[i], inputs[j]);
            assert_eq!(
                hash_of(a),
                hash_of(b),
                "hash {:?} vs {:?}",
                inputs[i],
                inputs[j]
            );
        }
    }
    assert_order_laws(&parsed);
}

/// Asserts every input is rejected with an error naming that input.
pub(crate) fn assert_invalid<T: Debug>(
    parse: impl Fn(&str) -> Result<T, VersionError>,
    inputs: &[&str],
) {
    for s in inputs {
        match parse(s) {
            Ok(v) => panic!("{s:?} should be rejected, parsed as {v:?}"),
            Err(e) => assert_eq!(e.input, *s, "error should name the input"),
        }
    }
}

/// Checks, over every pair and triple of `items`: antisymmetry,
/// transitivity, and that `==` and `Hash` agree with `cmp`.
pub(crate) fn assert_order_laws<T: Ord + Hash + Debug>(items: &[T]) {
    for a in items {
        for b in items {
            assert_eq!(a.cmp(b), b.cmp(a).reverse(), "antisymmetry {a:?} {b:?}");
            assert_eq!(a == b, a.cmp(b).is_eq(), "Eq agrees with Ord {a:?} {b:?}");
            if a == b {
                assert_eq!(hash_of(a), hash_of(b), "Hash agrees with Eq {a:?} {b:?}");
            }
            for c in items {
                if a <= b && b <= c {
                    assert!(a <= c, "transitivity {a:?} <= {b:?} <= {c:?}");
                }
            }
        }
    }
}

/// Parses the ordered table and every equality group together and checks
/// the order laws across all of them (catches cross-table inconsistencies).
pub(crate) fn assert_laws_across<T: Ord + Hash + Debug>(
    parse: impl Fn(&str) -> Result<T, VersionError>,
    tables: &[&[&str]],
) {
    let inputs: Vec<&str> = tables.iter().flat_map(|t| t.iter().copied()).collect();
    assert_order_laws(&parse_all(parse, &inputs));
}

/// Deterministically generates `count` strings of up to `max_parts` pieces
/// drawn from `alphabet` (a fixed linear congruential sequence, so failures
/// reproduce), for order-law checks beyond hand-written tables.
pub(crate) fn generate_versions(alphabet: &[&str], max_parts: usize, count: usize) -> Vec<String> {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |bound: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(state >> 33).unwrap_or(0) % bound.max(1)
    };
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let parts = 1 + next(max_parts);
        let mut s = String::new();
        for _ in 0..parts {
            s.push_str(alphabet[next(alphabet.len())]);
        }
        out.push(s);
    }
    out
}
