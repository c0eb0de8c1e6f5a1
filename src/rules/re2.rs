//! Translation of RE2 (Go `regexp`) syntax into the `regex` crate's syntax.
//!
//! gitleaks configs are written for Go's RE2 dialect. The two dialects agree
//! on almost everything, but a few constructs that RE2 accepts are either
//! rejected by `regex` or mean something else there:
//!
//! - a `{` that does not start a valid repetition (`{{[^}]+}}`,
//!   `import[ \t]+{[ \t\w,]+}`, `${…}`, `x{,3}`) is a literal in RE2 and a
//!   syntax error (or, for `{,n}`, a repetition) in `regex`;
//! - inside a bracket class, `[` is a literal in RE2 but opens a nested class
//!   in `regex`, and `&&`, `--`, `~~` are literals in RE2 but set operations
//!   in `regex`;
//! - `\Q…\E` quotes a literal, `\C` matches any single byte, and `\0`,
//!   `\012`, `\17` are octal escapes in RE2; `regex` has none of these.
//!
//! [`translate`] rewrites exactly those constructs and copies everything
//! else verbatim, so a pattern valid in both dialects comes out unchanged.
//! It is a hand-written scanner rather than a full parser because the only
//! state that matters is "inside a bracket class or not" and "inside
//! `\Q…\E` or not"; everything else is decided from the next few bytes.
//! Constructs that are invalid RE2 are passed through untouched, so the
//! `regex` crate reports them with its own precise error.

/// Rewrites RE2-only syntax in `src` into equivalent `regex` crate syntax.
/// Patterns that use no RE2-only construct are returned unchanged.
pub fn translate(src: &str) -> String {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => i = escape_outside(&chars, i, &mut out),
            '[' => i = class(&chars, i, &mut out),
            '{' => match repetition_len(&chars, i) {
                Some(n) => {
                    out.extend(&chars[i..i + n]);
                    i += n;
                }
                None => {
                    out.push_str("\\{");
                    i += 1;
                }
            },
            '}' => {
                // A stray `}` is a literal in both dialects; escaping it
                // keeps the output unambiguous.
                out.push_str("\\}");
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Length of a valid RE2 repetition `{n}`, `{n,}` or `{n,m}` starting at
/// `chars[at]` (which is `{`), or `None` when RE2 reads the brace literally.
fn repetition_len(chars: &[char], at: usize) -> Option<usize> {
    let mut i = at + 1;
    // Overlong counts are RE2 errors, not literals: they are kept as
    // repetitions so the `regex` crate reports them.
    let digits = |i: &mut usize| -> bool {
        let start = *i;
        while chars.get(*i).is_some_and(char::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if !digits(&mut i) {
        return None;
    }
    if chars.get(i) == Some(&',') {
        i += 1;
        digits(&mut i);
    }
    (chars.get(i) == Some(&'}')).then_some(i + 1 - at)
}

/// Handles a backslash escape outside a class at `chars[at]`; returns the
/// index after it.
fn escape_outside(chars: &[char], at: usize, out: &mut String) -> usize {
    match chars.get(at + 1) {
        None => {
            // Trailing backslash: invalid in both; let `regex` say so.
            out.push('\\');
            at + 1
        }
        Some('Q') => {
            let mut i = at + 2;
            let mut lit = String::new();
            while i < chars.len() {
                if chars[i] == '\\' && chars.get(i + 1) == Some(&'E') {
                    i += 2;
                    out.push_str(&regex::escape(&lit));
                    return i;
                }
                lit.push(chars[i]);
                i += 1;
            }
            // RE2: `\Q` without `\E` quotes to the end of the pattern.
            out.push_str(&regex::escape(&lit));
            i
        }
        Some('E') => {
            // A stray `\E` is ignored by RE2.
            at + 2
        }
        Some('C') => {
            out.push_str("(?s-u:.)");
            at + 2
        }
        Some(_) => copy_escape(chars, at, out),
    }
}

/// Copies one escape sequence (`\p{..}`, `\x{..}`, `\xHH`, `\n`, …) starting
/// at `chars[at]`, translating RE2 octal escapes; returns the index after it.
fn copy_escape(chars: &[char], at: usize, out: &mut String) -> usize {
    let Some(&c) = chars.get(at + 1) else {
        out.push('\\');
        return at + 1;
    };
    if let Some((value, len)) = octal(chars, at + 1) {
        out.push_str(&format!("\\x{{{value:02X}}}"));
        return at + 1 + len;
    }
    out.push('\\');
    out.push(c);
    let mut i = at + 2;
    if matches!(c, 'p' | 'P' | 'x') && chars.get(i) == Some(&'{') {
        while i < chars.len() {
            out.push(chars[i]);
            i += 1;
            if chars[i - 1] == '}' {
                break;
            }
        }
    } else if c == 'x' {
        for _ in 0..2 {
            if let Some(h) = chars.get(i).filter(|h| h.is_ascii_hexdigit()) {
                out.push(*h);
                i += 1;
            }
        }
    } else if matches!(c, 'p' | 'P') {
        if let Some(n) = chars.get(i) {
            out.push(*n);
            i += 1;
        }
    }
    i
}

/// An RE2 octal escape at `chars[at]` (just after the backslash): `\0`
/// followed by up to two octal digits, or `\1`–`\7` followed by one or two
/// (a single non-zero digit is a backreference, which RE2 rejects).
/// Returns the byte value and the number of digits consumed.
fn octal(chars: &[char], at: usize) -> Option<(u32, usize)> {
    let first = *chars.get(at)?;
    let is_oct = |c: Option<&char>| c.is_some_and(|c| ('0'..='7').contains(c));
    if !is_oct(Some(&first)) {
        return None;
    }
    if first != '0' && !is_oct(chars.get(at + 1)) {
        return None;
    }
    let mut len = 1;
    while len < 3 && is_oct(chars.get(at + len)) {
        len += 1;
    }
    let value = chars[at..at + len]
        .iter()
        .fold(0u32, |v, d| v * 8 + d.to_digit(8).unwrap_or(0));
    Some((value, len))
}

/// Translates a bracket class starting at `chars[at]` (`[`); returns the
/// index after its closing `]`. An unterminated class is copied verbatim.
fn class(chars: &[char], at: usize, out: &mut String) -> usize {
    let mut body = String::from("[");
    let mut i = at + 1;
    if chars.get(i) == Some(&'^') {
        body.push('^');
        i += 1;
    }
    let mut first = true;
    loop {
        let Some(&c) = chars.get(i) else {
            // Unterminated: invalid in both dialects.
            out.extend(&chars[at..]);
            return chars.len();
        };
        if c == ']' && !first {
            body.push(']');
            out.push_str(&body);
            return i + 1;
        }
        first = false;
        // `[:alpha:]`, `[:^space:]`: the same in both dialects.
        if c == '[' && chars.get(i + 1) == Some(&':') {
            if let Some(len) = posix_class_len(chars, i) {
                body.extend(&chars[i..i + len]);
                i += len;
                continue;
            }
        }
        i = class_atom(chars, i, &mut body);
        // A range `a-z`: the `-` stays unescaped, the end is an atom.
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|n| *n != ']') {
            body.push('-');
            i = class_atom(chars, i + 1, &mut body);
        }
    }
}

/// Length of a POSIX class `[:name:]` / `[:^name:]` at `chars[at]`.
fn posix_class_len(chars: &[char], at: usize) -> Option<usize> {
    let mut i = at + 2;
    if chars.get(i) == Some(&'^') {
        i += 1;
    }
    let start = i;
    while chars.get(i).is_some_and(char::is_ascii_lowercase) {
        i += 1;
    }
    (i > start && chars.get(i) == Some(&':') && chars.get(i + 1) == Some(&']'))
        .then_some(i + 2 - at)
}

/// Emits one class member at `chars[at]` (a literal or an escape) into
/// `body`, escaping characters that are special only in `regex` classes.
fn class_atom(chars: &[char], at: usize, body: &mut String) -> usize {
    match chars[at] {
        '\\' => match chars.get(at + 1) {
            // `\C` and `\Q` are not allowed in RE2 classes: pass through.
            Some(_) => copy_escape(chars, at, body),
            None => {
                body.push('\\');
                at + 1
            }
        },
        c @ ('[' | ']' | '&' | '~' | '-' | '^') => {
            body.push('\\');
            body.push(c);
            at + 1
        }
        c => {
            body.push(c);
            at + 1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::translate;
    use regex::Regex;

    /// Translates and compiles `re2`, then checks it matches exactly as RE2
    /// does on the given inputs.
    fn check(re2: &str, matches: &[&str], non_matches: &[&str]) {
        let t = translate(re2);
        let re = Regex::new(&t).unwrap_or_else(|e| panic!("{re2} -> {t}: {e}"));
        for m in matches {
            assert!(re.is_match(m), "{re2} -> {t} should match {m:?}");
        }
        for m in non_matches {
            assert!(!re.is_match(m), "{re2} -> {t} should not match {m:?}");
        }
    }

    #[test]
    fn double_brace_templates_are_literals() {
        assert_eq!(translate("{{[^}]+}}"), r"\{\{[^}]+\}\}");
        check(
            r"\$?{{[^}]+}}",
            &["${{ secrets.TOKEN }}", "{{token}}"],
            &["{token}", "{{}}"],
        );
    }

    #[test]
    fn import_braces_are_literals() {
        assert_eq!(
            translate(r"import[ \t]+{[ \t\w,]+}"),
            r"import[ \t]+\{[ \t\w,]+\}"
        );
        check(
            r"import[ \t]+{[ \t\w,]+}",
            &["import { a, b }"],
            &["import a"],
        );
    }

    #[test]
    fn brace_around_a_class_is_a_literal() {
        assert_eq!(translate(r"{\d+}"), r"\{\d+\}");
        check(r"id{\d+}", &["id{42}"], &["id42", "id{}"]);
    }

    #[test]
    fn dollar_brace_interpolation_is_literal() {
        assert_eq!(translate(r"\${[A-Z_]+}"), r"\$\{[A-Z_]+\}");
        check(r"\${[A-Z_]+}", &["${API_KEY}"], &["$API_KEY"]);
    }

    #[test]
    fn valid_repetitions_are_kept() {
        for re in [r"a{3}", r"a{3,}", r"a{3,5}", r"[0-9a-f]{32}", r"(ab){2}"] {
            assert_eq!(translate(re), re);
        }
        check(r"^a{2,3}$", &["aa", "aaa"], &["a", "aaaa"]);
    }

    #[test]
    fn brace_forms_re2_reads_literally() {
        // `{,3}` is a literal in RE2 (a repetition in `regex`).
        assert_eq!(translate("a{,3}"), r"a\{,3\}");
        check("^a{,3}$", &["a{,3}"], &["aaa", ""]);
        assert_eq!(translate("a{x}"), r"a\{x\}");
        assert_eq!(translate("a{3"), r"a\{3");
        assert_eq!(translate("{"), r"\{");
        assert_eq!(translate("}"), r"\}");
    }

    #[test]
    fn end_of_text_and_flags_are_unchanged() {
        for re in [
            r"\Aabc\z",
            r"(?i)secret",
            r"(?i:secret)x",
            r"(?-i:Key)",
            r"(?s)a.b",
            r"(?U)a+",
            r"(?P<name>x)",
            r"\bkey\B",
        ] {
            assert_eq!(translate(re), re);
        }
        check(r"(?i)\Atok\z", &["TOK", "tok"], &["tok\n", "atok"]);
        check(r"(?i:ab)C", &["ABC"], &["abc"]);
    }

    #[test]
    fn posix_classes_are_kept() {
        for re in [r"[[:alpha:]]+", r"[[:^space:][:digit:]_]", r"[^[:alnum:]]"] {
            assert_eq!(translate(re), re);
        }
        check(r"^[[:alpha:]]+$", &["abcXYZ"], &["ab1"]);
        check(r"^[[:^digit:]]$", &["x"], &["5"]);
    }

    #[test]
    fn nested_bracket_in_class_is_a_literal() {
        assert_eq!(translate(r"[a[b]"), r"[a\[b]");
        check(r"^[a[]$", &["a", "["], &["b"]);
    }

    #[test]
    fn class_set_operators_are_literals() {
        check(r"^[a&&b]$", &["a", "&", "b"], &["c"]);
        check(r"^[a~~b]$", &["~", "a"], &["c"]);
        check(r"^[a-]$", &["a", "-"], &["b"]);
        check(r"^[-a]$", &["a", "-"], &["b"]);
        check(r"^[%--]$", &["%", "*", "-"], &["a"]);
        // A range ending in `-`: `+` (0x2B) to `-` (0x2D) includes `,`.
        check(r"^[+--]$", &["+", ",", "-"], &["a"]);
    }

    #[test]
    fn class_edge_literals() {
        // A leading `]` is a member; a trailing `-` is a literal.
        check(r"^[]a]$", &["]", "a"], &["b"]);
        check(r"^[\w.-]+$", &["a.b-c"], &["a b"]);
        check(r"^[^]]$", &["a"], &["]"]);
        assert_eq!(translate(r"[\d\-_]"), r"[\d\-_]");
    }

    #[test]
    fn quoted_literals() {
        assert_eq!(translate(r"\Qa.b*\E+"), r"a\.b\*+");
        check(r"^\Q{{x}}\E$", &["{{x}}"], &["x"]);
        // No `\E`: quotes to the end.
        check(r"^\Q(a|b)", &["(a|b)"], &["a"]);
    }

    #[test]
    fn any_byte() {
        assert_eq!(translate(r"a\Cb"), r"a(?s-u:.)b");
        let re = regex::bytes::Regex::new(&translate(r"^a\Cb$")).unwrap();
        assert!(re.is_match(b"a\xffb"));
        assert!(re.is_match(b"a\nb"));
        assert!(!re.is_match(b"ab"));
    }

    #[test]
    fn octal_escapes() {
        assert_eq!(translate(r"\0"), r"\x{00}");
        assert_eq!(translate(r"\101\12"), r"\x{41}\x{0A}");
        assert_eq!(translate(r"[\101-\103]"), r"[\x{41}-\x{43}]");
        check(r"^\101\102$", &["AB"], &["ab"]);
        // `\1` alone is a backreference (invalid in both): left alone.
        assert_eq!(translate(r"(a)\1"), r"(a)\1");
    }

    #[test]
    fn other_escapes_copied() {
        for re in [
            r"\x41\x{263a}",
            r"\pL\p{Greek}\PN",
            r"[\p{L}\x{41}-\x{5A}]",
            r"\.\*\{",
            r"\t\n\r\f\v",
        ] {
            assert_eq!(translate(re), re);
        }
    }

    #[test]
    fn unterminated_class_passes_through_to_the_error() {
        assert_eq!(translate("[abc"), "[abc");
        assert!(Regex::new(&translate("[abc")).is_err());
    }
}
