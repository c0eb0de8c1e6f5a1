//! Hostile and random input through every scheme: parsing never panics,
//! and whatever parses compares consistently, sorts, and keeps its text.

use leakgate::vuln::version::{parse, Scheme, Version, MAX_VERSION_LEN};

/// Pieces that make near-miss version strings likely.
const PIECES: &[&str] = &[
    "0",
    "1",
    "9",
    "10",
    "99999999999999999999999",
    ".",
    "..",
    "-",
    "_",
    "+",
    "!",
    "v",
    "V",
    "=",
    "a",
    "b",
    "rc",
    "RC",
    "alpha",
    "beta",
    "dev",
    "post",
    "pre",
    "sp",
    "ga",
    "SNAPSHOT",
    "patch",
    "pl",
    "x",
    "*",
    "@",
    " ",
    "\t",
    "\u{0}",
    "é",
    "١",
    "💥",
    "\u{202e}",
    "dev-",
    " as ",
];

fn generated(count: usize) -> Vec<String> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % u64::try_from(bound).unwrap_or(1)).unwrap_or(0)
    };
    (0..count)
        .map(|_| {
            let parts = 1 + next(7);
            (0..parts).map(|_| PIECES[next(PIECES.len())]).collect()
        })
        .collect()
}

#[test]
fn random_input_never_panics_and_orders_consistently() {
    let inputs = generated(1500);
    for scheme in Scheme::ALL {
        let mut parsed: Vec<Version> = Vec::new();
        for input in &inputs {
            match parse(scheme, input) {
                Ok(v) => {
                    assert_eq!(v.scheme(), scheme);
                    assert_eq!(v.as_str(), v.to_string());
                    assert_eq!(v.cmp(&v), std::cmp::Ordering::Equal, "{scheme}: {input:?}");
                    parsed.push(v);
                }
                Err(e) => {
                    assert_eq!(e.scheme, scheme.name());
                    assert_eq!(&e.input, input);
                    assert!(!e.reason.is_empty());
                }
            }
        }
        assert!(
            parsed.len() >= 5,
            "{scheme}: only {} random inputs parsed",
            parsed.len()
        );
        parsed.sort();
        for (i, a) in parsed.iter().enumerate() {
            for b in &parsed[i..] {
                assert!(a <= b, "{scheme}: sorted {a:?} before {b:?}");
            }
        }
    }
}

#[test]
fn oversized_and_empty_input_is_rejected_everywhere() {
    let long = format!("1.{}", "0".repeat(MAX_VERSION_LEN));
    for scheme in Scheme::ALL {
        for input in ["", " ", "\t\n", long.as_str(), "💥", "\u{0}"] {
            let err = parse(scheme, input).expect_err("rejected");
            assert_eq!(err.scheme, scheme.name(), "{input:?}");
            assert!(err
                .to_string()
                .starts_with(&format!("invalid {} version ", scheme.name())));
        }
    }
}

#[test]
fn the_brief_pep440_ladder_holds_through_the_public_api() {
    let ladder = [
        "1.0.dev0",
        "1.0a1",
        "1.0b2",
        "1.0rc1",
        "1.0",
        "1.0.post1",
        "1.1",
    ];
    for (i, a) in ladder.iter().enumerate() {
        for (j, b) in ladder.iter().enumerate() {
            let got = leakgate::vuln::version::compare(leakgate::inventory::Ecosystem::PyPI, a, b);
            assert_eq!(got, Some(i.cmp(&j)), "{a} vs {b}");
        }
    }
}
