//! Terminal- and report-safe rendering of bytes that came from scanned data.
//!
//! File names, lockfile package names, rule descriptions from a user config
//! and the like are attacker-controlled: printed raw, an ESC or OSC sequence
//! in them can rewrite the terminal, hide a line, or plant a hyperlink. Every
//! such string goes through [`text`] (or [`path`]) before it reaches stderr,
//! stdout or a text report. Printable characters, including non-ASCII ones,
//! are kept; control characters are written as visible escapes.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::Path;

/// True for characters that must never reach a terminal raw: every C0
/// control (tab and newline too, so one value stays on one line), DEL, C1
/// controls, and the Unicode bidirectional overrides that can make displayed
/// text differ from what it is.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// `s` with every control character written as a visible escape (`\n`,
/// `\t`, `\x1b`, `\u{9b}`, …). Borrows when nothing needs escaping.
pub fn text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 && is_unsafe(c) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Bytes that may not be UTF-8 (a blob's line, a non-UTF-8 file name):
/// invalid bytes are written as `\xNN`, then control characters escaped as
/// by [`text`]. Two inputs that differ only in invalid bytes render
/// differently, so distinct files never collapse to one display name.
pub fn bytes(b: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(b) {
        Ok(s) => text(s),
        Err(_) => {
            let mut out = String::with_capacity(b.len() + 8);
            for chunk in b.utf8_chunks() {
                out.push_str(&text(chunk.valid()));
                for x in chunk.invalid() {
                    let _ = write!(out, "\\x{x:02x}");
                }
            }
            Cow::Owned(out)
        }
    }
}

/// A path for display: lossless (invalid UTF-8 escaped, see [`bytes`]) and
/// terminal-safe.
pub fn path(p: &Path) -> Cow<'_, str> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        bytes(p.as_os_str().as_bytes())
    }
    #[cfg(not(unix))]
    {
        match p.to_str() {
            Some(s) => text(s),
            None => Cow::Owned(text(&p.to_string_lossy()).into_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(text("src/main.rs — ünïcode"), Cow::Borrowed(_)));
    }

    #[test]
    fn escape_sequences_are_made_visible() {
        assert_eq!(text("a\x1b[31mred\x07"), "a\\x1b[31mred\\x07");
        assert_eq!(text("line\nnext\tcol\r"), "line\\nnext\\tcol\\r");
        assert_eq!(text("c1\u{9b}2J"), "c1\\u{9b}2J");
        assert_eq!(text("del\x7f"), "del\\x7f");
        assert_eq!(text("bidi\u{202e}txt"), "bidi\\u{202e}txt");
    }

    #[test]
    fn invalid_utf8_is_escaped_losslessly() {
        assert_eq!(bytes(b"caf\xe9.txt"), "caf\\xe9.txt");
        assert_ne!(bytes(b"a\xff"), bytes(b"a\xfe"));
        assert_eq!(bytes(b"ok\x1b"), "ok\\x1b");
    }

    #[cfg(unix)]
    #[test]
    fn paths_render_losslessly() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let p = Path::new(OsStr::from_bytes(b"dir/n\xffame\x1b"));
        assert_eq!(path(p), "dir/n\\xffame\\x1b");
    }
}
