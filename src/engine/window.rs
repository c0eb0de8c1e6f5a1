//! Search windows: the byte ranges around keyword hits where a rule's regex
//! runs. Windows follow line boundaries (a secret sits near its keyword, on
//! the same or an adjacent line) but are capped in bytes, so a 50 MB
//! single-line file costs a few KiB of regex work per hit, not 50 MB.

use std::ops::Range;

/// Bytes a window may extend before a hit.
pub const BEFORE: usize = 4 << 10;
/// Bytes a window may extend after a hit, for single-line rules.
pub const AFTER: usize = 4 << 10;
/// Bytes a window may extend after a hit, for multi-line rules (private keys,
/// certificates: a 16 kbit RSA key in PEM is under 13 KiB).
pub const AFTER_MULTILINE: usize = 64 << 10;

/// The window around hit `start..end`: the hit's line plus one line on each
/// side, within [`BEFORE`] and `after` bytes of the hit.
pub fn around(data: &[u8], start: usize, end: usize, after: usize) -> Range<usize> {
    let lo = start.saturating_sub(BEFORE);
    let hi = end.saturating_add(after).min(data.len());
    // Start of the previous line (or the cap).
    let ws = match memchr::memrchr(b'\n', &data[lo..start]) {
        Some(p) => {
            let nl = lo + p;
            memchr::memrchr(b'\n', &data[lo..nl]).map_or(lo, |q| lo + q + 1)
        }
        None => lo,
    };
    // End of the next line (or the cap). Multi-line windows keep the full span.
    let we = if after > AFTER {
        hi
    } else {
        match memchr::memchr(b'\n', &data[end..hi]) {
            Some(p) => {
                let nl = end + p + 1;
                memchr::memchr(b'\n', &data[nl..hi]).map_or(hi, |q| nl + q)
            }
            None => hi,
        }
    };
    ws..we
}

/// Pushes `w` onto `list`, merging it with the last window when they touch.
pub fn push_merged(list: &mut Vec<Range<usize>>, w: Range<usize>) {
    if let Some(last) = list.last_mut() {
        if w.start <= last.end && w.end >= last.start {
            last.start = last.start.min(w.start);
            last.end = last.end.max(w.end);
            return;
        }
    }
    list.push(w);
}

/// Sorts and merges overlapping windows in place.
pub fn normalize(list: &mut Vec<Range<usize>>) {
    if list.len() < 2 {
        return;
    }
    list.sort_by_key(|r| r.start);
    let mut out: Vec<Range<usize>> = Vec::with_capacity(list.len());
    for w in list.drain(..) {
        push_merged(&mut out, w);
    }
    *list = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_each_side() {
        let d = b"l1\nl2\nkey=1\nl4\nl5\n";
        let s = 6; // "key"
        let w = around(d, s, s + 3, AFTER);
        assert_eq!(&d[w], b"l2\nkey=1\nl4");
    }

    #[test]
    fn capped_on_long_lines() {
        let mut d = vec![b'a'; 100_000];
        d[50_000..50_003].copy_from_slice(b"key");
        let w = around(&d, 50_000, 50_003, AFTER);
        assert_eq!(w, 50_000 - BEFORE..50_003 + AFTER);
        let w = around(&d, 50_000, 50_003, AFTER_MULTILINE);
        assert_eq!(w, 50_000 - BEFORE..100_000);
    }

    #[test]
    fn edges() {
        let d = b"key";
        assert_eq!(around(d, 0, 3, AFTER), 0..3);
        let d = b"a\nkey";
        assert_eq!(around(d, 2, 5, AFTER), 0..5);
    }

    #[test]
    fn merging() {
        let mut v = vec![10..20, 0..5, 4..12, 30..40];
        normalize(&mut v);
        assert_eq!(v, vec![0..20, 30..40]);
    }
}
