//! Line numbers for formats whose parsers do not report positions.
//!
//! `toml` and `serde_yaml_ng` give values without spans, so the parsers
//! deserialize values with serde and map each entry back to its line with
//! one light pass over the text (never a search per entry: 100k-package
//! lockfiles must stay linear).

use std::collections::HashMap;

/// 1-based line of byte `offset` in `text` (clamped to the text).
pub(crate) fn line_of_offset(text: &str, offset: usize) -> u32 {
    let end = offset.min(text.len());
    let newlines = memchr::memchr_iter(b'\n', &text.as_bytes()[..end]).count();
    u32::try_from(newlines + 1).unwrap_or(u32::MAX)
}

/// Converts a 0-based line index into a 1-based line number.
pub(crate) fn line_number(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

/// Lines (1-based) of every `header` table header (e.g. `[[package]]`), in
/// order, skipping text inside TOML multi-line strings so a description
/// quoting a header does not shift the mapping.
pub(crate) fn toml_headers(text: &str, header: &str) -> Vec<u32> {
    let mut out = Vec::new();
    let mut in_multiline: Option<&str> = None;
    for (i, line) in text.lines().enumerate() {
        if let Some(delim) = in_multiline {
            if line.matches(delim).count() % 2 == 1 {
                in_multiline = None;
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed == header
            || (trimmed.starts_with(header)
                && trimmed[header.len()..].trim_start().starts_with('#'))
        {
            out.push(line_number(i));
            continue;
        }
        for delim in ["\"\"\"", "'''"] {
            if line.matches(delim).count() % 2 == 1 {
                in_multiline = Some(delim);
                break;
            }
        }
    }
    out
}

/// Maps each block-mapping key written at exactly `indent` spaces to its
/// line, optionally only inside the top-level section `section` (e.g. the
/// `packages:` of a pnpm lockfile). Keys are unquoted (`'…'` and `"…"`);
/// the first occurrence wins.
pub(crate) fn yaml_keys(text: &str, indent: usize, section: Option<&str>) -> HashMap<String, u32> {
    let mut out = HashMap::new();
    let mut current: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let body = line.trim_start_matches(' ');
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let depth = line.len() - body.len();
        if depth == 0 {
            current = yaml_key(body);
        }
        if depth != indent || body.starts_with('-') {
            continue;
        }
        if let Some(want) = section {
            if current.as_deref() != Some(want) {
                continue;
            }
        }
        if let Some(key) = yaml_key(body) {
            out.entry(key).or_insert(line_number(i));
        }
    }
    out
}

/// The key of a `key: value` / `key:` line, unquoted; `None` when the
/// line is not a mapping entry.
pub(crate) fn yaml_key(body: &str) -> Option<String> {
    let mut chars = body.char_indices();
    match chars.next()?.1 {
        '\'' => {
            let mut key = String::new();
            let mut rest = body[1..].chars().peekable();
            while let Some(c) = rest.next() {
                if c == '\'' {
                    if rest.peek() == Some(&'\'') {
                        rest.next();
                        key.push('\'');
                        continue;
                    }
                    let after: String = rest.collect();
                    return after.trim_start().starts_with(':').then_some(key);
                }
                key.push(c);
            }
            None
        }
        '"' => {
            let mut key = String::new();
            let mut rest = body[1..].chars();
            while let Some(c) = rest.next() {
                match c {
                    '\\' => key.push(rest.next()?),
                    '"' => {
                        return rest.as_str().trim_start().starts_with(':').then_some(key);
                    }
                    _ => key.push(c),
                }
            }
            None
        }
        _ => {
            // A plain key ends at the first ": " or at a ':' closing the line.
            let end = body
                .match_indices(':')
                .map(|(i, _)| i)
                .find(|&i| matches!(body.as_bytes().get(i + 1), None | Some(b' ' | b'\t')))?;
            Some(body[..end].trim_end().to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_to_lines() {
        assert_eq!(line_of_offset("a\nb\nc", 0), 1);
        assert_eq!(line_of_offset("a\nb\nc", 2), 2);
        assert_eq!(line_of_offset("a\nb\nc", 4), 3);
        assert_eq!(line_of_offset("a\nb\nc", 99), 3);
    }

    #[test]
    fn finds_toml_headers_outside_strings() {
        let text = "[[package]]\nname = \"a\"\ndescription = \"\"\"\n[[package]]\n\"\"\"\n\n[[package]] # b\nname = \"b\"\n  [[package]]\n";
        assert_eq!(toml_headers(text, "[[package]]"), vec![1, 7, 9]);
    }

    #[test]
    fn maps_yaml_keys() {
        let text = "lockfileVersion: '6.0'\npackages:\n\n  /lodash@4.17.20:\n    resolution: {integrity: x}\n  '/@babel/core@7.12.3(a@1)':\n    dev: true\n  \"/x\\\"y@1\": {}\nsnapshots:\n  /other@1:\n";
        let keys = yaml_keys(text, 2, Some("packages"));
        assert_eq!(keys.get("/lodash@4.17.20"), Some(&4));
        assert_eq!(keys.get("/@babel/core@7.12.3(a@1)"), Some(&6));
        assert_eq!(keys.get("/x\"y@1"), Some(&8));
        assert_eq!(keys.get("/other@1"), None);
        assert_eq!(keys.len(), 3);
        let top = yaml_keys(text, 0, None);
        assert_eq!(top.get("snapshots"), Some(&9));
    }

    #[test]
    fn yaml_key_shapes() {
        assert_eq!(yaml_key("a: 1").as_deref(), Some("a"));
        assert_eq!(yaml_key("a:").as_deref(), Some("a"));
        assert_eq!(yaml_key("'it''s': x").as_deref(), Some("it's"));
        assert_eq!(
            yaml_key("\"lodash@npm:^4.17.20, lodash@npm:^4\":").as_deref(),
            Some("lodash@npm:^4.17.20, lodash@npm:^4")
        );
        assert_eq!(yaml_key("http://x"), None);
        assert_eq!(yaml_key("'unterminated"), None);
        assert_eq!(yaml_key("\"é\\"), None);
    }
}
