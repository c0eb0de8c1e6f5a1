//! Global false-positive filter: candidate secrets that are obviously not
//! real credentials (documentation placeholders, template variables, runs of
//! one character, keyboard sequences), so rule authors need not repeat these
//! exclusions in each regex.
//!
//! Two strengths (the policy is applied in [`super::verify`]):
//! [`has_doc_marker`] finds only explicit documentation markers (`EXAMPLE`,
//! `xxxx`, `your-token-here`, `${VAR}`, `<…>`, `***`) and is all a
//! distinctive provider format gets: a token with the right prefix, length
//! and alphabet is reported even when its body happens to look sequential.
//! [`is_placeholder`] adds the low-variety heuristic, for context-keyed and
//! generic rules, whose values have no format of their own.

use aho_corasick::AhoCorasick;
use std::sync::LazyLock;

/// Words that mark a value as a placeholder wherever they appear (lower case).
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "xxxx",
    "changeme",
    "change_me",
    "change-me",
    "placeholder",
    "your_api",
    "your-api",
    "yourapi",
    "your_token",
    "your-token",
    "yourtoken",
    "your_secret",
    "your-secret",
    "yoursecret",
    "your_key",
    "your-key",
    "your_password",
    "your-password",
    "yourpassword",
    "_here",
    "-here",
    "replace_me",
    "replace-me",
    "replaceme",
    "redacted",
    "insert_",
    "insert-",
    "***",
];

/// One automaton over all placeholder words, built once per process: this
/// check runs on every candidate secret.
static WORDS: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(PLACEHOLDER_WORDS)
        .ok()
});

/// True when `secret` is an obvious placeholder rather than a credential:
/// a documentation marker, or a value made mostly of repeated or ascending
/// runs.
pub fn is_placeholder(secret: &[u8]) -> bool {
    has_doc_marker(secret) || is_low_variety(secret) || has_filler_run(secret)
}

/// Shortest ascending run (`0123456789`, `ABCDEFGHIJ`) that [`has_filler_run`]
/// takes for typed filler.
pub const FILLER_RUN: usize = 10;

/// True when `secret` holds a run of at least [`FILLER_RUN`] alphanumeric
/// characters ascending by one (`ABCDEFGHIJKL`, `0123456789`) anywhere in it,
/// even when the rest looks random. In a random base62 value such a run
/// turns up with odds of about 62^-9 per position, so it means a hand-edited
/// or filler value. Runs of one repeated character are not counted: base64
/// of zero bytes (`AAAAAAAAAA`) is part of real formats (Dropbox long-lived
/// tokens, SSH public keys). Applied to generic rules and to context-keyed
/// rules (confidence low), whose values have no format of their own to vouch
/// for them; a distinctive provider format is reported whatever its body
/// looks like.
pub fn has_filler_run(secret: &[u8]) -> bool {
    let mut asc = 1usize;
    for w in secret.windows(2) {
        let (a, b) = (w[0], w[1]);
        asc = if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() && b == a + 1 {
            asc + 1
        } else {
            1
        };
        if asc >= FILLER_RUN {
            return true;
        }
    }
    false
}

/// True when `secret` carries an explicit documentation marker: a template
/// or variable reference, or a placeholder word (`EXAMPLE`, `xxxx`,
/// `your_token`, `_here`, `changeme`, `***`, ...).
pub fn has_doc_marker(secret: &[u8]) -> bool {
    is_template(secret) || WORDS.as_ref().is_some_and(|ac| ac.is_match(secret))
}

/// Template and variable references: `${VAR}`, `{{ var }}`, `<your-token>`,
/// `%(name)s`, `$VAR`, `%VAR%`, `@var@`.
fn is_template(s: &[u8]) -> bool {
    // Openers and closers of template syntaxes, found with memchr: cheap.
    let pair = |a: u8, b: u8| memchr::memchr_iter(a, s).any(|i| s.get(i + 1) == Some(&b));
    if pair(b'$', b'{')
        || pair(b'{', b'{')
        || pair(b'}', b'}')
        || pair(b'#', b'{')
        || has_percent_format(s)
    {
        return true;
    }
    let ident =
        |b: &[u8]| !b.is_empty() && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_');
    match (s.first(), s.last()) {
        (Some(b'<'), Some(b'>')) | (Some(b'%'), Some(b'%')) | (Some(b'@'), Some(b'@'))
            if s.len() > 2 =>
        {
            true
        }
        (Some(b'$'), _) => ident(&s[1..]),
        _ => false,
    }
}

/// True when `s` contains a whole Python `%(name)s`-style reference: `%(`,
/// an identifier, `)` and a conversion letter. A bare `%(` is common in
/// random keys (Django's `django-insecure-…` keys draw from punctuation).
fn has_percent_format(s: &[u8]) -> bool {
    memchr::memmem::find_iter(s, b"%(").any(|i| {
        let rest = &s[i + 2..];
        let name = rest
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        name > 0
            && rest.get(name) == Some(&b')')
            && rest.get(name + 1).is_some_and(u8::is_ascii_alphabetic)
    })
}

/// Values made mostly of one repeated character or of ascending sequences
/// (`aaaaaaaa`, `0000-0000`, `abcdef123456`, `1234567890`): real keys are
/// random, so runs like these covering most of the value mean a placeholder.
fn is_low_variety(s: &[u8]) -> bool {
    let alnum: Vec<u8> = s
        .iter()
        .copied()
        .filter(u8::is_ascii_alphanumeric)
        .collect();
    if alnum.len() < 6 {
        return false;
    }
    // Length covered by runs (of length >= 4) that repeat or ascend by one.
    let mut covered = 0usize;
    let mut i = 0usize;
    while i < alnum.len() {
        let mut j = i + 1;
        while j < alnum.len() && alnum[j] == alnum[j - 1] {
            j += 1;
        }
        let mut k = i + 1;
        while k < alnum.len()
            && (alnum[k] == alnum[k - 1] + 1 || (alnum[k - 1] == b'9' && alnum[k] == b'0'))
        {
            k += 1;
        }
        let run = (j - i).max(k - i);
        if run >= 4 {
            covered += run;
            i += run;
        } else {
            i += 1;
        }
    }
    covered * 4 >= alnum.len() * 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for p in [
            "AKIAIOSFODNN7EXAMPLE",
            "xxxxxxxxxxxxxxxxxxxx",
            "${GITHUB_TOKEN}",
            "{{ secrets.token }}",
            "<your-token>",
            "changeme",
            "your_api_key_here",
            "aaaaaaaaaaaaaaaa",
            "abcdef123456",
            "1234567890abcdef",
            "00000000-0000-0000-0000-000000000000",
            "$DB_PASSWORD",
            "%(password)s",
            "db-%(db_pass)s-x",
            "%API_KEY%",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p}");
        }
    }

    #[test]
    fn doc_markers_only() {
        for p in [
            "AKIAIOSFODNN7EXAMPLE",
            "ghp_xxxxAb12",
            "tok_***",
            "${T}",
            "<token>",
        ] {
            assert!(has_doc_marker(p.as_bytes()), "{p}");
        }
        // Sequential bodies are placeholders for generic rules only.
        // pragma: allowlist nextline secret
        for s in ["abcdef123456", "sk_live_0123456789abcdefghij"] {
            assert!(!has_doc_marker(s.as_bytes()), "{s}");
            assert!(is_placeholder(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn filler_runs() {
        // pragma: allowlist nextline secret
        for s in [
            "00QCjAl4MlV-WPXM-ABCDEFGHIJKL-0HmjFx-vbGu-",
            "Zq9x_0123456789_Wk3",
            "k7RtJKLMNOPQRSTLm",
        ] {
            assert!(has_filler_run(s.as_bytes()), "{s}");
            assert!(is_placeholder(s.as_bytes()), "{s}");
        }
        // Runs broken by punctuation, and short runs, are not filler.
        for s in [
            "1234-5678-abcd-efgh",
            "Qz8rT4mW1vXk9pLs",
            "abcdefg1Xq",
            "A123456789b",
            "G2klIKUHXZxAAAAAAAAAA4-LpFmHL",
        ] {
            assert!(!has_filler_run(s.as_bytes()), "{s}");
        }
    }

    #[test]
    fn real_looking_values_pass() {
        for s in [
            "ghp_R8sN2kq7Lz0XwV4tYb6Pm1Hc9Jd3Fa5Ge0Q2", // leakgate:allow (fake)
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8a3Lq2Vd",
            "sk_live_4eC39HqLyjWDarjtT1zdp7dc", // leakgate:allow (fake)
            "S3cr3tP@ssw0rd!2024",
            "$2a$10$N9qo8uLOickgx2ZMRZoMye",
            "django-insecure-k9#x%(^w3v!2zq8@r7m_t5y$e1b0n4c6",
            "a%(b%(%(Zq9x7",
        ] {
            assert!(!is_placeholder(s.as_bytes()), "{s}");
        }
    }
}
