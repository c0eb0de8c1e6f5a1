//! Inline allow markers: a comment on the line of a match that says "this is
//! not a secret" (`leakgate:allow`, gitleaks' `gitleaks:allow`, detect-secrets'
//! `pragma: allowlist secret`), or `pragma: allowlist nextline secret` on the
//! line above. Markers are checked against the blob bytes, so the engine
//! decides them while it still has the data.

use memchr::memmem;

/// Markers that allow a match on their own line.
const SAME_LINE: [&[u8]; 3] = [
    b"leakgate:allow",
    b"gitleaks:allow",
    b"pragma: allowlist secret",
];
/// Marker that allows a match on the following line.
const NEXT_LINE: &[u8] = b"pragma: allowlist nextline secret";

/// How far from a match markers are looked for on very long lines (minified
/// files): bounds the work per match on a 50 MB single-line file.
const MAX_LINE_REACH: usize = 8 << 10;

/// Byte range of the line(s) containing `start..end` (without the final
/// newline), at most [`MAX_LINE_REACH`] bytes either side of the match.
pub fn line_span(data: &[u8], start: usize, end: usize) -> (usize, usize) {
    let start = start.min(data.len());
    let end = end.clamp(start, data.len());
    let lo = start.saturating_sub(MAX_LINE_REACH);
    let hi = end.saturating_add(MAX_LINE_REACH).min(data.len());
    let ls = memchr::memrchr(b'\n', &data[lo..start]).map_or(lo, |p| lo + p + 1);
    let le = memchr::memchr(b'\n', &data[end..hi]).map_or(hi, |p| end + p);
    (ls, le)
}

/// True when the match at `start..end` carries an inline allow marker.
pub fn is_allowed(data: &[u8], start: usize, end: usize) -> bool {
    let (ls, le) = line_span(data, start, end);
    let lines = &data[ls..le];
    if SAME_LINE.iter().any(|m| memmem::find(lines, m).is_some()) {
        return true;
    }
    if ls == 0 || data[ls - 1] != b'\n' {
        return false;
    }
    let prev_end = ls - 1;
    let lo = prev_end.saturating_sub(MAX_LINE_REACH);
    let prev_start = memchr::memrchr(b'\n', &data[lo..prev_end]).map_or(lo, |p| lo + p + 1);
    memmem::find(&data[prev_start..prev_end], NEXT_LINE).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(text: &str, needle: &str) -> bool {
        let start = text.find(needle).unwrap_or(0);
        is_allowed(text.as_bytes(), start, start + needle.len())
    }

    #[test]
    fn same_line_markers() {
        assert!(allowed("a\nkey = SECRET # leakgate:allow\nb", "SECRET"));
        assert!(allowed("key = SECRET // gitleaks:allow", "SECRET"));
        assert!(allowed(
            "key = SECRET  # pragma: allowlist secret",
            "SECRET"
        ));
        assert!(!allowed("key = SECRET\n# leakgate:allow", "SECRET"));
        assert!(!allowed("# leakgate:allow\nkey = SECRET", "SECRET"));
    }

    #[test]
    fn nextline_pragma() {
        assert!(allowed(
            "# pragma: allowlist nextline secret\nkey = SECRET\n",
            "SECRET"
        ));
        assert!(!allowed(
            "# pragma: allowlist nextline secret\n\nkey = SECRET\n",
            "SECRET"
        ));
        assert!(!allowed(
            "key = SECRET\n# pragma: allowlist nextline secret\n",
            "SECRET"
        ));
    }

    #[test]
    fn multi_line_match_marker_on_last_line() {
        let t = "-----BEGIN KEY-----\nabc\n-----END KEY----- # leakgate:allow\n";
        assert!(is_allowed(t.as_bytes(), 0, t.len() - 17));
    }

    #[test]
    fn spans() {
        assert_eq!(line_span(b"ab\ncd\nef", 3, 4), (3, 5));
        assert_eq!(line_span(b"abc", 1, 2), (0, 3));
        assert_eq!(line_span(b"", 0, 0), (0, 0));
    }
}
