//! Line numbers for JSON lockfiles.
//!
//! `serde_json` gives values without positions, so after a successful parse
//! one structural pass over the text reports, for every value, its path
//! (object keys and array indices from the root) and the line where it
//! starts (for an object member, the line of its key). Callers keep only
//! the paths they need, e.g. `packages/<key>` of a package-lock, giving a
//! key → line map in linear time whatever the lockfile's size.

use std::borrow::Cow;

/// One step of a path from the document root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg<'a> {
    /// An object member, by its (unescaped) key.
    Key(Cow<'a, str>),
    /// An array element, by its 0-based index.
    Index(usize),
}

impl Seg<'_> {
    /// The key, for an object member.
    pub(crate) fn key(&self) -> Option<&str> {
        match self {
            Seg::Key(k) => Some(k),
            Seg::Index(_) => None,
        }
    }

    /// True when this is the member `name`.
    pub(crate) fn is(&self, name: &str) -> bool {
        self.key() == Some(name)
    }
}

enum Frame<'t> {
    Object {
        expect_key: bool,
        key: Option<(Cow<'t, str>, u32)>,
    },
    Array {
        index: usize,
    },
}

/// Calls `visit(path, line)` for every value below the root, in document
/// order. Meant for text `serde_json` already accepted; on anything else it
/// stops early without panicking.
pub(crate) fn scan_json<'t>(text: &'t str, mut visit: impl FnMut(&[Seg<'t>], u32)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut line: u32 = 1;
    let mut frames: Vec<Frame<'t>> = Vec::new();
    let mut path: Vec<Seg<'t>> = Vec::new();
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\n' => {
                line = line.saturating_add(1);
                i += 1;
            }
            b' ' | b'\t' | b'\r' | b':' => i += 1,
            b',' => {
                match frames.last_mut() {
                    Some(Frame::Object { expect_key, .. }) => *expect_key = true,
                    Some(Frame::Array { index }) => *index += 1,
                    None => return,
                }
                i += 1;
            }
            b'}' | b']' => {
                frames.pop();
                if !frames.is_empty() {
                    path.pop();
                }
                i += 1;
            }
            b'"' => {
                let Some(end) = string_end(bytes, i) else {
                    return;
                };
                let raw = &text[i..=end];
                i = end + 1;
                if let Some(Frame::Object {
                    expect_key: expect @ true,
                    key,
                }) = frames.last_mut()
                {
                    *expect = false;
                    *key = Some((unescape(raw), line));
                    continue;
                }
                if enter(&mut frames, &mut path, line, &mut visit) {
                    path.pop();
                }
            }
            b'{' | b'[' => {
                enter(&mut frames, &mut path, line, &mut visit);
                frames.push(if b == b'{' {
                    Frame::Object {
                        expect_key: true,
                        key: None,
                    }
                } else {
                    Frame::Array { index: 0 }
                });
                i += 1;
            }
            _ => {
                // A number, `true`, `false` or `null`.
                let start = i;
                while i < bytes.len()
                    && !matches!(bytes[i], b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
                {
                    i += 1;
                }
                if i == start {
                    return;
                }
                if enter(&mut frames, &mut path, line, &mut visit) {
                    path.pop();
                }
            }
        }
    }
}

/// Starts a value inside the innermost container: pushes its path step and
/// reports it. Returns false for the root value (which has no step).
fn enter<'t>(
    frames: &mut [Frame<'t>],
    path: &mut Vec<Seg<'t>>,
    line: u32,
    visit: &mut impl FnMut(&[Seg<'t>], u32),
) -> bool {
    let (seg, at) = match frames.last_mut() {
        None => return false,
        Some(Frame::Array { index }) => (Seg::Index(*index), line),
        Some(Frame::Object { key, .. }) => match key.take() {
            Some((k, at)) => (Seg::Key(k), at),
            None => (Seg::Key(Cow::Borrowed("")), line),
        },
    };
    path.push(seg);
    visit(path, at);
    true
}

/// Index of the closing quote of the string opening at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut j = start + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            b'"' => return Some(j),
            _ => j += 1,
        }
    }
    None
}

/// The value of a quoted JSON string (escapes resolved when there are any).
fn unescape(raw: &str) -> Cow<'_, str> {
    let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
    if !inner.contains('\\') {
        return Cow::Borrowed(inner);
    }
    match serde_json::from_str::<String>(raw) {
        Ok(s) => Cow::Owned(s),
        Err(_) => Cow::Borrowed(inner),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(text: &str) -> Vec<(String, u32)> {
        let mut out = Vec::new();
        scan_json(text, |path, line| {
            let p: Vec<String> = path
                .iter()
                .map(|s| match s {
                    Seg::Key(k) => k.to_string(),
                    Seg::Index(i) => i.to_string(),
                })
                .collect();
            out.push((p.join("/"), line));
        });
        out
    }

    #[test]
    fn reports_paths_and_lines() {
        let text = "{\n  \"a\": 1,\n  \"b\": {\n    \"c\\\"d\": [\n      true,\n      {\"e\": null}\n    ]\n  },\n  \"f\": \"x,}\"\n}";
        assert_eq!(
            collect(text),
            vec![
                ("a".into(), 2),
                ("b".into(), 3),
                ("b/c\"d".into(), 4),
                ("b/c\"d/0".into(), 5),
                ("b/c\"d/1".into(), 6),
                ("b/c\"d/1/e".into(), 6),
                ("f".into(), 9),
            ]
        );
    }

    #[test]
    fn survives_garbage() {
        for text in [
            "",
            "{",
            "{\"a",
            "]]]",
            "{\"a\":}",
            "\"\\",
            "{,,,}",
            "[1,2",
            "é{\"é\":\"é\"}",
        ] {
            let _ = collect(text);
        }
    }
}
