//! Encoded secrets: segments of a blob that are base64, hex or
//! percent-encoded text, and PEM blocks behind comment prefixes, are decoded
//! and scanned again, so `password: UzNjcjN0UEBzcw==` in a Kubernetes Secret,
//! a hex-encoded `.env` line or a private key inside a ` * ` comment block
//! are found.
//!
//! How it fits: [`rescan`] runs after the engine's pass over the raw blob
//! (`Scanner::find`). Each decodable segment is replaced, on a copy of its
//! own line, by its decoding (so the key before it, `password:`, still gives
//! context-keyed rules their keyword); the copies are scanned in one engine
//! pass, and every match that touches a decoded segment becomes a [`Match`]
//! at the segment's place in the original blob (line, column, span), with
//! [`Match::decoded`] naming the encoding. Decoded text is decoded again up
//! to [`MAX_DEPTH`] levels.
//!
//! Bounds, so hostile input cannot make this expensive: segments of
//! [`MIN_BASE64`]..=[`MAX_SEGMENT`] bytes, at most [`MAX_SEGMENTS`] per blob
//! and [`MAX_DECODED`] decoded bytes in all; a decoding is kept only when it
//! is printable text (random base64 identifiers decode to binary and are
//! dropped).

use super::{Engine, Match};
use base64::Engine as _;
use std::fmt;

/// How deep decodings nest (base64 of hex of a secret is depth 2).
pub const MAX_DEPTH: usize = 2;
/// Shortest base64 run considered (12 characters decode to 9 bytes).
pub const MIN_BASE64: usize = 12;
/// Shortest hex run considered (32 hex digits, 16 bytes).
pub const MIN_HEX: usize = 32;
/// Longest encoded segment decoded.
pub const MAX_SEGMENT: usize = 64 << 10;
/// Most segments decoded per blob and level.
pub const MAX_SEGMENTS: usize = 4096;
/// Most decoded bytes per blob and level.
pub const MAX_DECODED: usize = 4 << 20;

/// The encoding a finding was decoded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Standard or URL-safe base64.
    Base64,
    /// Hexadecimal bytes.
    Hex,
    /// Percent-encoding (`%3D`).
    Percent,
    /// A PEM block whose lines carry a comment prefix (` * `, `// `, `# `).
    CommentedPem,
}

impl Encoding {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Base64 => "base64",
            Encoding::Hex => "hex",
            Encoding::Percent => "percent-encoding",
            Encoding::CommentedPem => "comment prefixes",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One decodable segment of a blob: where it is, and the text to rescan.
#[derive(Debug, Clone)]
struct Segment {
    /// Span of the encoded bytes in the blob.
    start: usize,
    end: usize,
    /// Span of the lines holding it (the rescanned text is built from them).
    line_start: usize,
    line_end: usize,
    /// 1-based line of `start`.
    line: u32,
    /// 1-based last line of the segment.
    end_line: u32,
    decoded: Vec<u8>,
    encoding: Encoding,
}

/// Decodes the encoded segments of `data`, scans them with `engine` and
/// appends the new matches (at the encoded location) to `found`, keeping
/// `found` sorted by position then rule.
pub fn rescan(engine: &Engine, data: &[u8], found: &mut Vec<Match>) {
    rescan_with(&|b: &[u8]| engine.find(b), data, found);
}

/// [`rescan`] with any matcher in place of the engine (the differential
/// reference uses its own).
pub fn rescan_with(find: &dyn Fn(&[u8]) -> Vec<Match>, data: &[u8], found: &mut Vec<Match>) {
    rescan_depth(find, data, found, MAX_DEPTH, None);
}

fn rescan_depth(
    find: &dyn Fn(&[u8]) -> Vec<Match>,
    data: &[u8],
    found: &mut Vec<Match>,
    depth: usize,
    outer: Option<Encoding>,
) {
    if depth == 0 || data.is_empty() {
        return;
    }
    let segments = segments(data);
    if segments.is_empty() {
        return;
    }
    // One buffer, one engine pass: each segment's line with the segment
    // replaced by its decoding, separated by blank lines.
    let mut buf = Vec::new();
    let mut spans = Vec::with_capacity(segments.len());
    for s in &segments {
        let begin = buf.len();
        buf.extend_from_slice(&data[s.line_start..s.start]);
        let dec_start = buf.len();
        buf.extend_from_slice(&s.decoded);
        let dec_end = buf.len();
        buf.extend_from_slice(&data[s.end..s.line_end]);
        let end = buf.len();
        buf.extend_from_slice(b"\n\n");
        spans.push((begin, dec_start, dec_end, end));
    }
    let mut inner = find(&buf);
    // Nested encodings inside the decoded text.
    rescan_depth(find, &buf, &mut inner, depth - 1, None);
    let mut added = Vec::new();
    for m in inner {
        let Some(i) = spans
            .partition_point(|&(b, ..)| b <= m.secret_start)
            .checked_sub(1)
        else {
            continue;
        };
        let (_, ds, de, end) = spans[i];
        // Only what the decoding revealed: the secret must lie in, or
        // overlap, the decoded bytes, and not already be a finding.
        if m.secret_end > end || m.secret_end <= ds || m.secret_start >= de {
            continue;
        }
        let s = &segments[i];
        if found
            .iter()
            .chain(added.iter())
            .any(|f: &Match| f.rule == m.rule && f.secret == m.secret)
        {
            continue;
        }
        let column = s.start - s.line_start + 1;
        added.push(Match {
            start: s.start,
            end: s.end,
            line: s.line,
            end_line: s.end_line,
            column: u32::try_from(column).unwrap_or(u32::MAX),
            inline_allowed: crate::allow::inline::is_allowed(data, s.start, s.end),
            secret_start: s.start,
            secret_end: s.end,
            decoded: Some(outer.unwrap_or(s.encoding)),
            ..m
        });
    }
    if added.is_empty() {
        return;
    }
    // The decoded finding replaces the same rule's match on the encoded
    // bytes themselves (`password: <base64>` matched in clear).
    found.retain(|f| {
        !added
            .iter()
            .any(|a| a.rule == f.rule && f.secret_start >= a.start && f.secret_end <= a.end)
    });
    found.extend(added);
    found.sort_by_key(|m| (m.start, m.end, m.rule));
}

/// The decodable segments of `data`, in order, within the bounds.
fn segments(data: &[u8]) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut decoded_total = 0usize;
    let mut push = |out: &mut Vec<Segment>, s: Segment| {
        if out.len() < MAX_SEGMENTS && decoded_total + s.decoded.len() <= MAX_DECODED {
            decoded_total += s.decoded.len();
            out.push(s);
        }
    };
    // Blob-level checks first: most blobs have no PEM header or escape,
    // and many no run long enough to be base64 or hex.
    let any_pem = memchr::memmem::find(data, b"-----BEGIN ").is_some();
    let any_percent = memchr::memchr(b'%', data).is_some();
    if !any_pem && !any_percent && !has_b64_run(data) {
        return out;
    }
    let mut line_no = 1u32;
    let mut line_start = 0usize;
    while line_start < data.len() {
        let line_end =
            memchr::memchr(b'\n', &data[line_start..]).map_or(data.len(), |p| line_start + p);
        let line = &data[line_start..line_end];
        if line.len() <= MAX_SEGMENT {
            for (a, b, enc, dec) in line_segments(line, any_percent) {
                push(
                    &mut out,
                    Segment {
                        start: line_start + a,
                        end: line_start + b,
                        line_start,
                        line_end,
                        line: line_no,
                        end_line: line_no,
                        decoded: dec,
                        encoding: enc,
                    },
                );
            }
        }
        if let Some((block_end, end_line, text)) = any_pem
            .then(|| commented_pem(data, line_start, line_end, line_no))
            .flatten()
        {
            push(
                &mut out,
                Segment {
                    start: line_start,
                    end: block_end,
                    line_start,
                    line_end: block_end,
                    line: line_no,
                    end_line,
                    decoded: text,
                    encoding: Encoding::CommentedPem,
                },
            );
        }
        line_start = line_end + 1;
        line_no = line_no.saturating_add(1);
    }
    out.sort_by_key(|s| s.start);
    out
}

type LineSegment = (usize, usize, Encoding, Vec<u8>);

/// Byte classes for the run scan ([`CLASS`]).
const B64: u8 = 1;
const UPPER: u8 = 2;
const LOWER: u8 = 4;
const DIGIT: u8 = 8;
const HEX: u8 = 16;

/// Per byte: in a base64 alphabet (standard or URL-safe), upper, lower,
/// digit, hex digit.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        let mut f = 0;
        if c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_') {
            f |= B64;
        }
        if c.is_ascii_uppercase() {
            f |= UPPER;
        }
        if c.is_ascii_lowercase() {
            f |= LOWER;
        }
        if c.is_ascii_digit() {
            f |= DIGIT;
        }
        if c.is_ascii_hexdigit() {
            f |= HEX;
        }
        t[i] = f;
        i += 1;
    }
    t
};

/// Shortest run of alphabet bytes that can be a segment: a base64 segment
/// may end in up to two `=`.
const MIN_RUN: usize = MIN_BASE64 - 2;

/// True when `data` holds a run of at least [`MIN_RUN`] base64-alphabet
/// bytes (the only place a base64 or hex segment can be).
fn has_b64_run(data: &[u8]) -> bool {
    next_b64_run(data, 0).is_some()
}

/// Is `c` in a base64 alphabet (standard or URL-safe)?
#[inline(always)]
fn is_b64(c: u8) -> bool {
    CLASS[usize::from(c)] & B64 != 0
}

/// The first maximal run of at least [`MIN_RUN`] base64-alphabet bytes
/// starting at or after `from`, where `from` is 0 or just past a byte
/// outside the alphabet: its span (a skip-ahead scan, [`super::runs::next_run`]).
fn next_b64_run(data: &[u8], from: usize) -> Option<(usize, usize)> {
    super::runs::next_run(data, from, MIN_RUN, is_b64)
}

/// Base64, hex and percent-encoded segments of one line.
///
/// Maximal runs of at least [`MIN_RUN`] base64-alphabet bytes are found by
/// a skip-ahead scan ([`next_b64_run`]) that looks at few bytes of short
/// words; only their bytes are classified, and only runs that `decode_hex`
/// or `decode_base64` could accept (all hex and long enough, or mixing
/// letter cases or letters and digits) are decoded.
fn line_segments(line: &[u8], percent: bool) -> Vec<LineSegment> {
    let mut out = Vec::new();
    let n = line.len();
    let mut from = 0;
    while let Some((start, i)) = next_b64_run(line, from) {
        from = i + 1;
        let (mut any, mut all) = (0u8, 0xffu8);
        for &c in &line[start..i] {
            let f = CLASS[usize::from(c)];
            any |= f;
            all &= f;
        }
        let mut end = i;
        while end < n && end - i < 2 && line[end] == b'=' {
            end += 1;
        }
        let run = &line[start..end];
        let hex = end == i && all & HEX != 0 && run.len() >= MIN_HEX;
        let letters = any & (UPPER | LOWER) != 0;
        let mixed = (any & UPPER != 0 && any & LOWER != 0) || (any & DIGIT != 0 && letters);
        if run.len() >= MIN_BASE64 && (hex || mixed) {
            if let Some(dec) = decode_hex(run) {
                out.push((start, end, Encoding::Hex, dec));
            } else if let Some(dec) = decode_base64(run) {
                out.push((start, end, Encoding::Base64, dec));
            }
        }
    }
    if let Some(dec) = percent.then(|| decode_percent(line)).flatten() {
        out.push((0, line.len(), Encoding::Percent, dec));
    }
    out
}

/// Decoded text worth rescanning: printable ASCII/UTF-8 with tabs and line
/// breaks, and not just an echo of the input alphabet.
fn is_text(b: &[u8]) -> bool {
    b.len() >= 8
        && std::str::from_utf8(b).is_ok_and(|s| {
            s.chars()
                .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        })
}

fn decode_hex(run: &[u8]) -> Option<Vec<u8>> {
    if run.len() < MIN_HEX || !run.len().is_multiple_of(2) || !run.iter().all(u8::is_ascii_hexdigit)
    {
        return None;
    }
    let nib = |c: u8| match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => c.to_ascii_lowercase() - b'a' + 10,
    };
    let out: Vec<u8> = run
        .chunks_exact(2)
        .map(|p| (nib(p[0]) << 4) | nib(p[1]))
        .collect();
    is_text(&out).then_some(out)
}

fn decode_base64(run: &[u8]) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
    let has_std = run.iter().any(|c| matches!(c, b'+' | b'/'));
    let has_url = run.iter().any(|c| matches!(c, b'-' | b'_'));
    if has_std && has_url {
        return None;
    }
    // Plain words and identifiers (`getElementById`, `snake_case_name`)
    // are valid base64 too; real encodings mix classes.
    let digits = run.iter().any(u8::is_ascii_digit);
    let upper = run.iter().any(u8::is_ascii_uppercase);
    let lower = run.iter().any(u8::is_ascii_lowercase);
    if !(upper && lower) && !(digits && (upper || lower)) {
        return None;
    }
    let out = if has_url {
        let unpadded = run
            .strip_suffix(b"==")
            .or(run.strip_suffix(b"="))
            .unwrap_or(run);
        URL_SAFE_NO_PAD
            .decode(unpadded)
            .or_else(|_| URL_SAFE.decode(run))
            .ok()?
    } else if run.len().is_multiple_of(4) {
        STANDARD.decode(run).ok()?
    } else {
        return None;
    };
    is_text(&out).then_some(out)
}

/// The whole line percent-decoded, when it holds at least two escapes that
/// decode to text.
fn decode_percent(line: &[u8]) -> Option<Vec<u8>> {
    let escapes = memchr::memchr_iter(b'%', line)
        .filter(|&i| {
            line.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && line.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
        })
        .count();
    if escapes < 2 {
        return None;
    }
    let out: Vec<u8> = percent_encoding::percent_decode(line).collect();
    (out != line && std::str::from_utf8(&out).is_ok()).then_some(out)
}

/// Most lines of one commented PEM block.
const MAX_PEM_LINES: usize = 200;

/// A PEM block starting at this line behind a comment prefix (`* `, `// `,
/// `# `, `; `, `-- `): its end offset, last line and the block with the
/// prefixes stripped.
fn commented_pem(
    data: &[u8],
    line_start: usize,
    line_end: usize,
    line_no: u32,
) -> Option<(usize, u32, Vec<u8>)> {
    let line = &data[line_start..line_end];
    let at = memchr::memmem::find(line, b"-----BEGIN ")?;
    let prefix = &line[..at];
    let marker = prefix
        .iter()
        .filter(|c| !c.is_ascii_whitespace())
        .collect::<Vec<_>>();
    let allowed: &[&[u8]] = &[b"*", b"//", b"#", b";", b"--", b"/*", b"/**", b"'", b"%"];
    if marker.is_empty()
        || !allowed
            .iter()
            .any(|a| a.iter().collect::<Vec<_>>() == marker)
    {
        return None;
    }
    let mut text = Vec::new();
    let mut pos = line_start;
    let mut n = 0;
    while pos < data.len() && n < MAX_PEM_LINES {
        let end = memchr::memchr(b'\n', &data[pos..]).map_or(data.len(), |p| pos + p);
        let l = &data[pos..end];
        let body = strip_comment(l)?;
        text.extend_from_slice(body);
        text.push(b'\n');
        n += 1;
        if memchr::memmem::find(body, b"-----END ").is_some() {
            let last = line_no.saturating_add(u32::try_from(n - 1).unwrap_or(u32::MAX));
            return Some((end, last, text));
        }
        pos = end + 1;
    }
    None
}

/// A line without its comment prefix (`  * abc` → `abc`); `None` when the
/// line has no such prefix (the block ended).
fn strip_comment(l: &[u8]) -> Option<&[u8]> {
    let t = l.trim_ascii_start();
    for p in [
        &b"/**"[..],
        b"/*",
        b"//",
        b"--",
        b"*",
        b"#",
        b";",
        b"'",
        b"%",
    ] {
        if let Some(rest) = t.strip_prefix(p) {
            return Some(rest.trim_ascii());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Rule, RuleSet};

    fn engine() -> Engine {
        let mut pw = Rule::new("pw");
        pw.regex_source = Some(r#"password[:=] ?"?([A-Za-z0-9@#!]{8,})"#.into());
        pw.keywords = vec!["password".into()];
        let mut tok = Rule::new("tok");
        tok.regex_source = Some(r"\btok_[a-z0-9]{12}\b".into());
        tok.keywords = vec!["tok_".into()];
        let mut pem = Rule::new("pem");
        pem.regex_source =
            Some(r"-----BEGIN RSA PRIVATE KEY-----\n[A-Za-z0-9+/=\n]{20,}-----END".into());
        pem.keywords = vec!["-----begin".into()];
        Engine::new(RuleSet {
            rules: vec![pw, tok, pem],
            allowlists: Vec::new(),
        })
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn found(text: &str) -> Vec<(usize, u32, u32, String, Option<Encoding>)> {
        let e = engine();
        let mut m = e.find(text.as_bytes());
        rescan(&e, text.as_bytes(), &mut m);
        m.into_iter()
            .map(|m| {
                (
                    m.rule,
                    m.line,
                    m.column,
                    String::from_utf8_lossy(&m.secret).into_owned(),
                    m.decoded,
                )
            })
            .collect()
    }

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn kubernetes_secret_data_keeps_its_key() {
        let text = format!("kind: Secret\ndata:\n  password: {}\n", b64("Xq7Lm2Rz9Tw4"));
        assert_eq!(
            found(&text),
            vec![(0, 3, 13, "Xq7Lm2Rz9Tw4".into(), Some(Encoding::Base64))]
        );
    }

    #[test]
    fn hex_percent_and_nested_encodings() {
        let hex: String = "tok_q8w7e6r5t4y3"
            .bytes()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            found(&format!("blob = {hex}\n")),
            vec![(1, 1, 8, "tok_q8w7e6r5t4y3".into(), Some(Encoding::Hex))]
        );
        assert_eq!(
            found("u=https://h/?q=password%3D%22Zx8Wv7Ut6Sr5%22\n"), // leakgate:allow (fake)
            vec![(0, 1, 1, "Zx8Wv7Ut6Sr5".into(), Some(Encoding::Percent))]
        );
        // base64 of hex of a token: depth 2.
        let nested = b64(&hex);
        assert_eq!(
            found(&format!("x {nested}\n")),
            vec![(1, 1, 3, "tok_q8w7e6r5t4y3".into(), Some(Encoding::Base64))]
        );
    }

    #[test]
    fn plain_findings_are_not_duplicated_and_noise_is_ignored() {
        // Already found in clear: no second, decoded copy.
        assert_eq!(
            found("tok_q8w7e6r5t4y3\n"),
            vec![(1, 1, 1, "tok_q8w7e6r5t4y3".into(), None)]
        );
        // Identifiers and binary base64 decode to nothing worth rescanning.
        assert!(segments(b"getElementByIdentifierName snake_case_identifier_here").is_empty());
        assert!(segments(b"k = 3q2+7w8AAAD/////AQIDBAUGBwg=").is_empty());
    }

    /// The straightforward byte-by-byte run scan `line_segments` replaced.
    fn line_segments_slow(line: &[u8], percent: bool) -> Vec<LineSegment> {
        let mut out = Vec::new();
        let is_b64 = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_');
        let mut i = 0;
        while i < line.len() {
            if !is_b64(line[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < line.len() && is_b64(line[i]) {
                i += 1;
            }
            let mut end = i;
            while end < line.len() && end - i < 2 && line[end] == b'=' {
                end += 1;
            }
            i = end;
            let run = &line[start..end];
            if run.len() < MIN_BASE64 {
                continue;
            }
            if let Some(dec) = decode_hex(run) {
                out.push((start, end, Encoding::Hex, dec));
            } else if let Some(dec) = decode_base64(run) {
                out.push((start, end, Encoding::Base64, dec));
            }
        }
        if let Some(dec) = percent.then(|| decode_percent(line)).flatten() {
            out.push((0, line.len(), Encoding::Percent, dec));
        }
        out
    }

    #[test]
    fn run_scan_matches_the_byte_by_byte_scan() {
        let mut next = crate::engine::tests::xorshift();
        let texts = [
            "password=Xq7Lm2Rz9Tw4",
            "tok_q8w7e6r5t4y3",
            "let to_ascii_lowercase = AhoCorasickBuilder::new();",
            "deadbeef",
            "x%3D%22y",
        ];
        let alphabet = b"aZ09+/-_=%.: \t\x80";
        let (mut lines, mut segs) = (0, 0);
        for _ in 0..4000 {
            let mut line = Vec::new();
            for _ in 0..(next() % 8) {
                match next() % 4 {
                    0 => {
                        let t = texts[(next() % texts.len() as u64) as usize];
                        line.extend_from_slice(b64(t).as_bytes());
                    }
                    1 => {
                        let t = texts[(next() % texts.len() as u64) as usize];
                        line.extend(t.bytes().flat_map(|b| format!("{b:02x}").into_bytes()));
                    }
                    2 => line.extend_from_slice(
                        texts[(next() % texts.len() as u64) as usize].as_bytes(),
                    ),
                    _ => {
                        for _ in 0..(next() % 20) {
                            line.push(alphabet[(next() % alphabet.len() as u64) as usize]);
                        }
                    }
                }
                let pad = (next() % 3) as usize;
                line.resize(line.len() + pad, b'=');
            }
            for percent in [false, true] {
                let want = line_segments_slow(&line, percent);
                assert_eq!(line_segments(&line, percent), want, "{line:?}");
                segs += want.len();
            }
            lines += 1;
        }
        assert!(segs > lines / 2, "only {segs} segments in {lines} lines");
    }

    #[test]
    fn pem_behind_comment_prefixes() {
        let text = "/**\n * -----BEGIN RSA PRIVATE KEY-----\n * MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n * KUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ==\n * -----END RSA PRIVATE KEY-----\n */\n";
        let got = found(text);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!((got[0].0, got[0].1), (2, 2));
        assert_eq!(got[0].4, Some(Encoding::CommentedPem));
    }
}
