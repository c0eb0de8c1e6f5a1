//! Deciding how a file's bytes are text: UTF-8 (or anything ASCII-compatible),
//! UTF-16 little- or big-endian (with or without a byte-order mark), or
//! binary.
//!
//! Windows tools write UTF-16 by default (PowerShell 5 `Out-File`, `.reg`
//! exports, many `.config` files); read as bytes, every ASCII character is
//! followed or preceded by a NUL and the file looks binary, so a secret in a
//! `.ps1` would never be scanned. [`sniff`] recognises such files from their
//! first bytes and [`Utf16Decoder`] turns them into UTF-8 as they stream, so
//! the engine sees the same text an editor shows (and the same lines).

use std::io::{self, Read};

/// How a file's bytes are to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 or another ASCII-compatible encoding: scanned as is.
    Utf8,
    /// UTF-16, least significant byte first.
    Utf16Le,
    /// UTF-16, most significant byte first.
    Utf16Be,
    /// Not text: skipped (path rules still apply).
    Binary,
}

impl Encoding {
    /// The name used in stats and messages.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Binary => "binary",
        }
    }

    /// True for the UTF-16 encodings.
    pub fn is_utf16(self) -> bool {
        matches!(self, Encoding::Utf16Le | Encoding::Utf16Be)
    }
}

/// Classifies a file from its first bytes (at most
/// [`BINARY_SNIFF`](super::BINARY_SNIFF) are looked at).
///
/// A UTF-16 byte-order mark decides alone (unless it is the start of a
/// UTF-32 mark). Without one, a file with NUL bytes is UTF-16 when the NULs
/// sit (almost) only on one byte parity, at least a third of the code units
/// have one, and the decoded text has no NUL and (nearly) no other control
/// characters; anything else with a NUL is binary.
pub fn sniff(data: &[u8]) -> Encoding {
    let head = &data[..data.len().min(super::BINARY_SNIFF)];
    if head.starts_with(&[0xff, 0xfe, 0, 0]) || head.starts_with(&[0, 0, 0xfe, 0xff]) {
        return Encoding::Binary; // UTF-32: not worth a decoder, and rare
    }
    if head.starts_with(&[0xff, 0xfe]) {
        return Encoding::Utf16Le;
    }
    if head.starts_with(&[0xfe, 0xff]) {
        return Encoding::Utf16Be;
    }
    if memchr::memchr(0, head).is_none() {
        return Encoding::Utf8;
    }
    let units = head.len() / 2;
    if units == 0 {
        return Encoding::Binary;
    }
    let (mut zero_even, mut zero_odd) = (0usize, 0usize);
    for pair in head.chunks_exact(2) {
        zero_even += usize::from(pair[0] == 0);
        zero_odd += usize::from(pair[1] == 0);
    }
    let candidate = if zero_odd * 3 >= units && zero_even * 50 <= units {
        Encoding::Utf16Le
    } else if zero_even * 3 >= units && zero_odd * 50 <= units {
        Encoding::Utf16Be
    } else {
        return Encoding::Binary;
    };
    if looks_like_text(head, candidate) {
        candidate
    } else {
        Encoding::Binary
    }
}

/// True when the UTF-16 decoding of `head` has no NUL and at most 1% other
/// control characters (tab, newline, carriage return and form feed are text).
fn looks_like_text(head: &[u8], enc: Encoding) -> bool {
    let units = head.chunks_exact(2).map(|p| unit(p, enc));
    let mut total = 0usize;
    let mut control = 0usize;
    for c in char::decode_utf16(units) {
        total += 1;
        match c {
            Ok('\0') => return false,
            Ok('\t' | '\n' | '\r' | '\x0c') => {}
            Ok(c) if c.is_control() => control += 1,
            Ok(_) => {}
            Err(_) => control += 1,
        }
    }
    total > 0 && control * 100 <= total
}

fn unit(pair: &[u8], enc: Encoding) -> u16 {
    match enc {
        Encoding::Utf16Be => u16::from_be_bytes([pair[0], pair[1]]),
        _ => u16::from_le_bytes([pair[0], pair[1]]),
    }
}

/// Decodes a whole UTF-16 buffer to UTF-8 (a leading byte-order mark is
/// dropped, unpaired surrogates become U+FFFD, an odd trailing byte too).
pub fn decode_utf16(data: &[u8], enc: Encoding) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 2 * 3 / 2 + 4);
    let mut dec = Utf16Decoder::new(io::empty(), enc);
    dec.push(data, true, &mut out);
    out
}

/// `data` as text to scan: borrowed when it is UTF-8 (or plain bytes),
/// decoded when it is UTF-16 (LE/BE, with or without a byte-order mark),
/// `None` when it is binary. Git blobs go through this, so a file is read
/// the same way in the work tree, the index and history.
pub fn as_text(data: &[u8]) -> Option<std::borrow::Cow<'_, [u8]>> {
    match sniff(data) {
        Encoding::Binary => None,
        e if e.is_utf16() => Some(std::borrow::Cow::Owned(decode_utf16(data, e))),
        _ => Some(std::borrow::Cow::Borrowed(data)),
    }
}

/// A reader that decodes a UTF-16 byte stream into UTF-8, in bounded steps
/// (surrogate pairs split across reads are kept whole).
pub struct Utf16Decoder<R> {
    inner: R,
    enc: Encoding,
    /// Raw bytes not yet decoded (at most one code unit and a high surrogate).
    raw: Vec<u8>,
    /// Decoded bytes not yet handed out.
    pending: Vec<u8>,
    at: usize,
    started: bool,
    done: bool,
}

impl<R: Read> Utf16Decoder<R> {
    /// Decodes `inner`, which holds UTF-16 in `enc`.
    pub fn new(inner: R, enc: Encoding) -> Self {
        Utf16Decoder {
            inner,
            enc,
            raw: Vec::new(),
            pending: Vec::new(),
            at: 0,
            started: false,
            done: false,
        }
    }

    /// Appends the decoding of `raw` (after any leftover bytes) to `out`.
    /// With `last`, leftovers are flushed as U+FFFD.
    fn push(&mut self, raw: &[u8], last: bool, out: &mut Vec<u8>) {
        let mut buf = std::mem::take(&mut self.raw);
        buf.extend_from_slice(raw);
        let mut units: Vec<u16> = buf.chunks_exact(2).map(|p| unit(p, self.enc)).collect();
        let odd = buf.len() % 2 == 1;
        let mut keep: Vec<u8> = if odd {
            buf[buf.len() - 1..].to_vec()
        } else {
            Vec::new()
        };
        if !last {
            // A trailing high surrogate waits for its pair.
            if let Some(&u) = units.last() {
                if (0xd800..0xdc00).contains(&u) {
                    units.pop();
                    let end = units.len() * 2;
                    let mut k = buf[end..end + 2].to_vec();
                    k.extend_from_slice(&keep);
                    keep = k;
                }
            }
        }
        let mut skip_bom = !self.started;
        self.started |= !units.is_empty();
        for c in char::decode_utf16(units) {
            let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
            if std::mem::take(&mut skip_bom) && c == '\u{feff}' {
                continue;
            }
            let mut tmp = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
        }
        if last && !keep.is_empty() {
            out.extend_from_slice("\u{fffd}".as_bytes());
            keep.clear();
        }
        self.raw = keep;
    }
}

impl<R: Read> Read for Utf16Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at >= self.pending.len() {
            if self.done {
                return Ok(0);
            }
            self.pending.clear();
            self.at = 0;
            let mut raw = vec![0u8; 64 << 10];
            let n = self.inner.read(&mut raw)?;
            let mut pending = std::mem::take(&mut self.pending);
            if n == 0 {
                self.done = true;
                self.push(&[], true, &mut pending);
            } else {
                self.push(&raw[..n], false, &mut pending);
            }
            self.pending = pending;
        }
        let n = buf.len().min(self.pending.len() - self.at);
        buf[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xff, 0xfe] } else { Vec::new() };
        v.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        v
    }

    fn be(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xfe, 0xff] } else { Vec::new() };
        v.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
        v
    }

    #[test]
    fn recognises_utf16_with_and_without_bom() {
        let text = "$token = \"abc\"\r\nWrite-Host $token\r\n";
        assert_eq!(sniff(&le(text, true)), Encoding::Utf16Le);
        assert_eq!(sniff(&le(text, false)), Encoding::Utf16Le);
        assert_eq!(sniff(&be(text, true)), Encoding::Utf16Be);
        assert_eq!(sniff(&be(text, false)), Encoding::Utf16Be);
        assert_eq!(sniff(text.as_bytes()), Encoding::Utf8);
        assert_eq!(sniff(b""), Encoding::Utf8);
    }

    #[test]
    fn binary_stays_binary() {
        assert_eq!(
            sniff(b"PK\x03\x04\x14\x00\x00\x00\x08\x00"),
            Encoding::Binary
        );
        assert_eq!(sniff(&[0xff, 0xfe, 0, 0, 0x41, 0, 0, 0]), Encoding::Binary);
        // Little-endian integers: NULs on one parity, but control characters.
        let ints: Vec<u8> = (1u16..200).flat_map(|n| (n % 20).to_le_bytes()).collect();
        assert_eq!(sniff(&ints), Encoding::Binary);
        assert_eq!(sniff(b"\0"), Encoding::Binary);
    }

    #[test]
    fn decodes_bom_surrogates_and_split_reads() {
        let text = "key=\u{1f511}secret\nä\n";
        assert_eq!(
            decode_utf16(&le(text, true), Encoding::Utf16Le),
            text.as_bytes()
        );
        assert_eq!(
            decode_utf16(&be(text, false), Encoding::Utf16Be),
            text.as_bytes()
        );
        // One byte at a time: surrogate pairs and code units split across reads.
        struct Dribble(Vec<u8>, usize);
        impl Read for Dribble {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.1 >= self.0.len() || buf.is_empty() {
                    return Ok(0);
                }
                buf[0] = self.0[self.1];
                self.1 += 1;
                Ok(1)
            }
        }
        let mut out = String::new();
        Utf16Decoder::new(Dribble(le(text, true), 0), Encoding::Utf16Le)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, text);
        // An odd trailing byte and a lone surrogate become U+FFFD.
        let mut odd = le("ab", false);
        odd.push(0x41);
        assert_eq!(
            decode_utf16(&odd, Encoding::Utf16Le),
            "ab\u{fffd}".as_bytes()
        );
        assert_eq!(
            decode_utf16(&[0x00, 0xd8, 0x41, 0x00], Encoding::Utf16Le),
            "\u{fffd}A".as_bytes()
        );
    }
}
