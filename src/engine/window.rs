//! Search windows: the byte ranges around keyword hits where a rule's regex
//! runs. A secret sits near its keyword, but a rule may look a few lines up
//! (a `[pypi]` section header above `password =`) or down; a window reaches
//! about [`REACH`] bytes each way, widened to whole lines, and is hard-capped
//! so that a 50 MB single-line file costs a few KiB of regex work per hit,
//! not 50 MB.

use std::ops::Range;

/// Bytes a window reaches before and after a hit before snapping to lines.
pub const REACH: usize = 1 << 10;
/// Hard cap of a window on each side of a hit (long lines).
pub const CAP: usize = 4 << 10;
/// Reach after a hit for multi-line rules (private keys, certificates: a
/// 16 kbit RSA key in PEM is under 13 KiB).
pub const REACH_MULTILINE: usize = 64 << 10;

/// The window around hit `start..end`, reaching `after` bytes past it
/// ([`REACH`] or [`REACH_MULTILINE`]).
pub fn around(data: &[u8], start: usize, end: usize, after: usize) -> Range<usize> {
    let start = start.min(data.len());
    let end = end.clamp(start, data.len());
    // Back: to the start of the line containing `start - REACH`, within CAP.
    let cap_lo = start.saturating_sub(CAP);
    let reach_lo = start.saturating_sub(REACH);
    let ws = memchr::memrchr(b'\n', &data[cap_lo..reach_lo]).map_or(cap_lo, |p| cap_lo + p + 1);
    // Forward: to the end of the line containing `end + after`, within CAP of it.
    let reach_hi = end.saturating_add(after).min(data.len());
    let cap_hi = reach_hi.saturating_add(CAP - REACH).min(data.len());
    let we = memchr::memchr(b'\n', &data[reach_hi..cap_hi]).map_or(cap_hi, |p| reach_hi + p);
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
    fn whole_lines_within_reach() {
        let mut d = Vec::new();
        for i in 0..200 {
            d.extend_from_slice(format!("line {i:03} ..........\n").as_bytes());
        }
        // 20 bytes per line; a hit on line 100 reaches ~52 lines each way.
        let hit = 100 * 20;
        let w = around(&d, hit, hit + 4, REACH);
        assert_eq!(&d[w.start..w.start + 8], b"line 048");
        assert_eq!(w.start % 20, 0);
        assert_eq!(d[w.end], b'\n');
        assert_eq!(&d[w.end - 19..w.end - 11], b"line 151");
    }

    #[test]
    fn capped_on_long_lines() {
        let mut d = vec![b'a'; 100_000];
        d[50_000..50_003].copy_from_slice(b"key");
        let w = around(&d, 50_000, 50_003, REACH);
        assert_eq!(w, 50_000 - CAP..50_003 + CAP);
        let w = around(&d, 50_000, 50_003, REACH_MULTILINE);
        assert_eq!(w, 50_000 - CAP..100_000);
    }

    #[test]
    fn edges() {
        assert_eq!(around(b"key", 0, 3, REACH), 0..3);
        assert_eq!(around(b"a\nkey", 2, 5, REACH), 0..5);
        assert_eq!(around(b"", 0, 0, REACH), 0..0);
    }

    #[test]
    fn merging() {
        let mut v = vec![10..20, 0..5, 4..12, 30..40];
        normalize(&mut v);
        assert_eq!(v, vec![0..20, 30..40]);
    }
}
