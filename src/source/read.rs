//! Reading files the way a hostile repository cannot abuse: only regular
//! files, never through a symbolic link that leaves the scanned root, never
//! blocking on a FIFO, and never more than a bounded buffer in memory.
//!
//! [`open_regular`] is the one way sources open a path. [`scan_stream`] then
//! scans whatever it reads in chunks of at most the `--max-file-size` bytes,
//! each overlapping the previous one, so a 50 MB single-line file is scanned
//! whole with bounded memory and a secret at its end is still found.

use super::text::{self, Encoding};
use crate::scanner::{Match, Scanner};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Why a path was not opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenRefusal {
    /// A symbolic link whose target does not exist.
    BrokenLink,
    /// A symbolic link (or a path through one) that leads outside the scanned root.
    OutsideRoot(PathBuf),
    /// A path that is not a link but names a file outside the root (an
    /// absolute `[extend] path`, an include).
    OutsidePath(PathBuf),
    /// Not a regular file: a FIFO, socket, device or directory.
    NotRegular(&'static str),
    /// The file could not be opened or inspected.
    Io(String),
}

impl std::fmt::Display for OpenRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenRefusal::BrokenLink => f.write_str("broken symbolic link"),
            OpenRefusal::OutsideRoot(to) => write!(
                f,
                "symbolic link to {} outside the scanned directory: not followed",
                crate::escape::path(to)
            ),
            OpenRefusal::OutsidePath(to) => write!(
                f,
                "{} is outside the scanned directory: not read",
                crate::escape::path(to)
            ),
            OpenRefusal::NotRegular(kind) => write!(f, "not a regular file ({kind}): not read"),
            OpenRefusal::Io(e) => f.write_str(e),
        }
    }
}

/// What kind of non-regular file `t` is.
fn kind_name(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "FIFO";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_block_device() {
            return "block device";
        }
        if t.is_char_device() {
            return "character device";
        }
    }
    if t.is_dir() {
        "directory"
    } else if t.is_symlink() {
        "symbolic link"
    } else {
        "special file"
    }
}

/// Opens `path` for reading when it is a regular file. With `root`, the path
/// must resolve (after every symbolic link) inside `root`'s canonical form;
/// `None` is for paths the user named explicitly. The file is opened
/// non-blocking (a FIFO swapped in after the check cannot hang the scan)
/// and checked again on the open handle.
pub fn open_regular(path: &Path, root: Option<&Path>) -> Result<(File, u64), OpenRefusal> {
    let io = |e: io::Error| OpenRefusal::Io(e.to_string());
    let link = std::fs::symlink_metadata(path).map_err(io)?;
    if link.file_type().is_symlink() || root.is_some() {
        let target = match std::fs::canonicalize(path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound && link.file_type().is_symlink() => {
                return Err(OpenRefusal::BrokenLink)
            }
            Err(e) => return Err(io(e)),
        };
        if let Some(root) = root {
            let root = std::fs::canonicalize(root).map_err(io)?;
            if !target.starts_with(&root) {
                if link.file_type().is_symlink() {
                    return Err(OpenRefusal::OutsideRoot(target));
                }
                return Err(OpenRefusal::OutsidePath(target));
            }
        }
    }
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.file_type().is_file() {
        return Err(OpenRefusal::NotRegular(kind_name(meta.file_type())));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if !meta.file_type().is_file() {
        return Err(OpenRefusal::NotRegular(kind_name(meta.file_type())));
    }
    Ok((file, meta.len()))
}

/// Reads a small regular file whole (config and ignore files): refused when
/// it is not a regular file, leaves `root`, or is larger than `limit`.
pub fn read_small(path: &Path, root: Option<&Path>, limit: u64) -> Result<Vec<u8>, OpenRefusal> {
    let (file, size) = open_regular(path, root)?;
    if size > limit {
        return Err(OpenRefusal::Io(format!(
            "{size} bytes, over the {limit}-byte limit for this file"
        )));
    }
    let mut data = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut data)
        .map_err(|e| OpenRefusal::Io(e.to_string()))?;
    if data.len() as u64 > limit {
        return Err(OpenRefusal::Io(format!(
            "grew past the {limit}-byte limit for this file while being read"
        )));
    }
    Ok(data)
}

/// Bytes of each chunk carried into the next, at most: a secret up to this
/// long that straddles a chunk boundary is still found whole.
pub const MAX_OVERLAP: usize = 64 << 10;

/// Smallest chunk, whatever `--max-file-size` says.
pub const MIN_CHUNK: usize = 8 << 10;

/// What [`scan_stream`] saw.
#[derive(Debug, Default)]
pub struct StreamScan {
    /// Matches, with lines, columns and offsets relative to the whole
    /// (decoded) stream.
    pub matches: Vec<Match>,
    /// Bytes scanned (after decoding).
    pub bytes: u64,
    /// Number of chunks (1 when the stream fit in one buffer).
    pub chunks: u64,
    /// How the bytes were read.
    pub encoding: Option<Encoding>,
}

/// Scans everything `input` yields, in chunks of at most `chunk` bytes
/// (clamped to at least [`MIN_CHUNK`]) that overlap by up to
/// [`MAX_OVERLAP`] bytes. The first bytes decide the encoding: binary
/// streams return with `encoding: Some(Binary)` and nothing scanned; UTF-16
/// is decoded to UTF-8 first.
pub fn scan_stream(scanner: &Scanner, input: &mut dyn Read, chunk: u64) -> io::Result<StreamScan> {
    let chunk = usize::try_from(chunk).unwrap_or(usize::MAX).max(MIN_CHUNK);
    let mut head = Vec::new();
    input
        .take(super::BINARY_SNIFF as u64)
        .read_to_end(&mut head)?;
    let encoding = text::sniff(&head);
    let mut out = StreamScan {
        encoding: Some(encoding),
        ..StreamScan::default()
    };
    if encoding == Encoding::Binary {
        return Ok(out);
    }
    let raw = io::Cursor::new(head).chain(input);
    let mut reader: Box<dyn Read + '_> = if encoding.is_utf16() {
        Box::new(text::Utf16Decoder::new(raw, encoding))
    } else {
        Box::new(raw)
    };
    let overlap = MAX_OVERLAP.min(chunk / 4);
    let mut buf: Vec<u8> = Vec::new();
    // Where `buf[0]` sits in the whole stream: byte offset, newlines before
    // it, and bytes since the last newline before it.
    let (mut base, mut lines_before, mut col_before) = (0usize, 0usize, 0usize);
    // End of the furthest match reported from earlier chunks: a match of
    // this chunk starting before it is the tail of one already reported.
    let mut reported_end = 0usize;
    let mut chunk_end = 0usize;
    loop {
        let want = chunk - buf.len();
        let before = buf.len();
        (&mut reader).take(want as u64).read_to_end(&mut buf)?;
        let last = buf.len() - before < want;
        out.bytes += (buf.len() - before) as u64;
        out.chunks += 1;
        // Matches starting in the carried tail are left to the next chunk,
        // which holds them whole.
        let keep_before = if last {
            usize::MAX
        } else {
            buf.len() - overlap
        };
        // Adjusted in place and moved: one copy of a chunk's matches.
        let mut found = scanner.find(&buf);
        found.retain_mut(|m| {
            if m.start >= keep_before || m.start + base < reported_end {
                return false;
            }
            if m.line == 1 {
                m.column = m
                    .column
                    .saturating_add(u32::try_from(col_before).unwrap_or(u32::MAX));
            }
            let shift = u32::try_from(lines_before).unwrap_or(u32::MAX);
            m.line = m.line.saturating_add(shift);
            m.end_line = m.end_line.saturating_add(shift);
            m.start += base;
            m.end += base;
            m.secret_start += base;
            m.secret_end += base;
            chunk_end = chunk_end.max(m.end);
            true
        });
        if out.matches.is_empty() {
            out.matches = found;
        } else {
            out.matches.append(&mut found);
        }
        if last {
            break;
        }
        reported_end = chunk_end;
        let cut = buf.len() - overlap;
        let dropped = &buf[..cut];
        let newlines = memchr::memchr_iter(b'\n', dropped).count();
        lines_before += newlines;
        col_before = match memchr::memrchr(b'\n', dropped) {
            Some(p) => cut - p - 1,
            None => col_before + cut,
        };
        base += cut;
        buf.drain(..cut);
    }
    out.matches.shrink_to_fit();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::config::{parse_str, Origin};
    use crate::scanner::ScanOptions;

    fn scanner() -> Scanner {
        let cfg =
            "[[rules]]\nid = \"tok\"\nregex = '''tok_[a-z0-9]{10}'''\nkeywords = [\"tok_\"]\n";
        let origin = Origin {
            path: "t.toml".into(),
            dir: None,
        };
        Scanner::from_rules(parse_str(cfg, &origin).unwrap(), ScanOptions::default()).unwrap()
    }

    #[test]
    fn chunked_scan_finds_every_secret_once_at_the_right_place() {
        let s = scanner();
        let mut data = Vec::new();
        let mut expected = Vec::new();
        for i in 0..2000u32 {
            if i % 97 == 0 {
                let col = data.len() - data.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
                expected.push((i / 10 + 1, col as u32 + 1));
                data.extend_from_slice(b"tok_");
                let mut x = u64::from(i).wrapping_mul(6364136223846793005) | 1;
                for _ in 0..10 {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    data.push(b"abcdefghijklmnopqrstuvwxyz0123456789"[(x >> 59) as usize % 36]);
                }
            } else {
                data.extend_from_slice(b"filler text ");
            }
            if i % 10 == 9 {
                data.push(b'\n');
            }
        }
        let whole = scan_stream(&s, &mut data.as_slice(), 1 << 30).unwrap();
        let chunked = scan_stream(&s, &mut data.as_slice(), MIN_CHUNK as u64).unwrap();
        assert_eq!(whole.chunks, 1);
        assert!(chunked.chunks > 2);
        let pos = |r: &StreamScan| -> Vec<(u32, u32)> {
            r.matches.iter().map(|m| (m.line, m.column)).collect()
        };
        assert_eq!(pos(&whole), expected);
        assert_eq!(pos(&chunked), expected);
        assert_eq!(chunked.bytes, data.len() as u64);
        let starts: Vec<usize> = chunked.matches.iter().map(|m| m.start).collect();
        let whole_starts: Vec<usize> = whole.matches.iter().map(|m| m.start).collect();
        assert_eq!(starts, whole_starts);
    }

    #[test]
    fn one_long_line_keeps_its_columns() {
        let s = scanner();
        let mut data = vec![b'x'; 100_000];
        data.extend_from_slice(b" tok_q8w7e6r5t4");
        let r = scan_stream(&s, &mut data.as_slice(), MIN_CHUNK as u64).unwrap();
        assert_eq!(r.matches.len(), 1);
        assert_eq!((r.matches[0].line, r.matches[0].column), (1, 100_002));
    }

    #[test]
    fn utf16_streams_are_decoded_and_binary_is_not_scanned() {
        let s = scanner();
        let text = "line one\r\n$t = 'tok_q8w7e6r5t4'\r\n";
        let mut le = vec![0xff, 0xfe];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let r = scan_stream(&s, &mut le.as_slice(), 1 << 20).unwrap();
        assert_eq!(r.encoding, Some(Encoding::Utf16Le));
        assert_eq!(r.matches.len(), 1);
        assert_eq!((r.matches[0].line, r.matches[0].column), (2, 7));
        let r = scan_stream(&s, &mut b"tok_q8w7e6r5t4\0\x01\x02".as_slice(), 1 << 20).unwrap();
        assert_eq!(r.encoding, Some(Encoding::Binary));
        assert!(r.matches.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn refuses_fifos_devices_and_links_out_of_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(dir.path().join("outside"), "x").unwrap();
        std::fs::write(root.join("inside"), "x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("outside"), root.join("out")).unwrap();
        std::os::unix::fs::symlink("inside", root.join("in")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", root.join("zero")).unwrap();
        std::os::unix::fs::symlink("missing", root.join("broken")).unwrap();
        let fifo = root.join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let r = Some(root.as_path());
        assert!(open_regular(&root.join("in"), r).is_ok());
        assert!(matches!(
            open_regular(&root.join("out"), r),
            Err(OpenRefusal::OutsideRoot(_))
        ));
        assert!(open_regular(&root.join("out"), None).is_ok());
        assert!(matches!(
            open_regular(&root.join("zero"), r),
            Err(OpenRefusal::OutsideRoot(_))
        ));
        assert_eq!(
            open_regular(&root.join("zero"), None).err(),
            Some(OpenRefusal::NotRegular("character device"))
        );
        assert_eq!(
            open_regular(&fifo, r).err(),
            Some(OpenRefusal::NotRegular("FIFO"))
        );
        assert_eq!(
            open_regular(&root.join("broken"), r).err(),
            Some(OpenRefusal::BrokenLink)
        );
        assert!(read_small(&root.join("inside"), r, 0).is_err());
        assert_eq!(read_small(&root.join("inside"), r, 1).unwrap(), b"x");
    }
}
