//! Shannon entropy of a byte string, in bits per byte: how random a candidate
//! secret looks. Written by hand: it is ten lines and a crate would add more.

/// Shannon entropy of `data` (0.0 for empty input; at most 8.0).
pub fn shannon(data: &[u8]) -> f64 {
    if data.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in data {
        counts[usize::from(b)] += 1;
    }
    let len = data.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(shannon(b""), 0.0);
        assert_eq!(shannon(b"aaaa"), 0.0);
        assert!((shannon(b"ab") - 1.0).abs() < 1e-12);
        assert!((shannon(b"abcd") - 2.0).abs() < 1e-12);
        let all: Vec<u8> = (0..=255).collect();
        assert!((shannon(&all) - 8.0).abs() < 1e-12);
        // A typical 40-char base62 token is well above 4 bits per byte.
        assert!(shannon(b"ghp_R8sN2kq7Lz0XwV4tYb6Pm1Hc9Jd3Fa5Ge0Q2") > 4.5); // leakgate:allow (fake)
    }
}
