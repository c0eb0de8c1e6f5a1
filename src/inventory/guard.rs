//! Checks every lockfile passes before its parser runs, and bounded reads.
//!
//! A lockfile is hostile input: it may be a link to `/dev/zero`, a FIFO,
//! gigabytes of text, or YAML built to make the parser slow (deeply nested
//! flow collections take quadratic time; aliases expand exponentially).
//! These checks are linear in the input and run before any parser, so no
//! parser ever sees an input it could blow up on.

use super::{InventoryError, LockfileKind};
use std::io::Read;
use std::path::Path;

/// Largest lockfile read (a 1M-package package-lock is about 222 MB).
pub(crate) const MAX_LOCKFILE_BYTES: u64 = 1 << 30;

/// Largest YAML lockfile handed to the YAML parser.
pub(crate) const MAX_YAML_BYTES: usize = 256 << 20;

/// Deepest flow-collection nesting (`[`, `{`) accepted in a YAML lockfile;
/// pnpm and yarn write at most one level.
pub(crate) const MAX_FLOW_DEPTH: usize = 16;

/// Largest manifest or included file read beside a lockfile.
pub(crate) const MAX_SIDE_FILE_BYTES: u64 = 64 << 20;

/// Reads a regular file of at most `limit` bytes; links are followed only
/// to regular files, and the read itself is bounded (the size may change
/// between the check and the read).
pub(crate) fn read_bounded(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    if meta.len() > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{} bytes, over the {limit}-byte limit", meta.len()),
        ));
    }
    // Opened non-blocking and checked again on the handle: a FIFO swapped
    // in after the check above cannot hang the read.
    let (file, _) = crate::source::read::open_regular(path, None)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("grew over the {limit}-byte limit while read"),
        ));
    }
    Ok(bytes)
}

/// Reads a small side file (a manifest beside the lockfile) as text;
/// `None` when absent, not a regular file, too large or not UTF-8.
pub(crate) fn read_side_file(path: &Path) -> Option<String> {
    let bytes = read_bounded(path, MAX_SIDE_FILE_BYTES).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    Some(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// Whether the text has no content at all: empty, whitespace, or only
/// comments in a format that has them.
pub(crate) fn is_blank(kind: LockfileKind, text: &str) -> bool {
    let hash_comments = !matches!(
        kind,
        LockfileKind::PackageLock
            | LockfileKind::PipfileLock
            | LockfileKind::ComposerLock
            | LockfileKind::NugetLock
            | LockfileKind::GoMod
    );
    text.lines().all(|l| {
        let l = l.trim();
        l.is_empty()
            || (hash_comments && l.starts_with('#'))
            || (kind == LockfileKind::GoMod && l.starts_with("//"))
    })
}

/// Size and structure bounds, by format.
pub(crate) fn check(kind: LockfileKind, display: &str, text: &str) -> Result<(), InventoryError> {
    let yaml = kind == LockfileKind::PnpmLock
        || (kind == LockfileKind::YarnLock && text.contains("__metadata:"));
    if yaml {
        check_yaml(display, text)?;
    }
    Ok(())
}

/// Refuses YAML over [`MAX_YAML_BYTES`], with flow collections nested
/// deeper than [`MAX_FLOW_DEPTH`], or with anchors, aliases or tags (no
/// lockfile generator writes them; they are how YAML bombs are built).
fn check_yaml(display: &str, text: &str) -> Result<(), InventoryError> {
    if text.len() > MAX_YAML_BYTES {
        return Err(InventoryError::parse(
            display,
            None,
            format!(
                "YAML lockfile of {} bytes is over the {MAX_YAML_BYTES}-byte limit",
                text.len()
            ),
        ));
    }
    let mut depth = 0usize;
    let mut line: u32 = 1;
    let mut quote: Option<u8> = None;
    // Whether the previous significant byte allows a node to start here.
    let mut node_start = true;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if let Some(q) = quote {
            if b == b'\n' {
                line = line.saturating_add(1);
            } else if q == b'"' && b == b'\\' {
                i += 1;
            } else if b == q {
                if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                    i += 1;
                } else {
                    quote = None;
                    node_start = false;
                }
            }
            i += 1;
            continue;
        }
        match b {
            b'\n' => {
                line = line.saturating_add(1);
                node_start = true;
            }
            b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n') => {
                // A comment runs to the end of the line.
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b' ' | b'\t' | b'\r' => {}
            b'"' | b'\'' if node_start => quote = Some(b),
            b'[' | b'{' if node_start => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Err(InventoryError::parse(
                        display,
                        Some(line),
                        format!("YAML flow collections nested deeper than {MAX_FLOW_DEPTH}"),
                    ));
                }
            }
            b']' | b'}' if depth > 0 => {
                depth -= 1;
                node_start = false;
            }
            b',' if depth > 0 => node_start = true,
            b':' | b'-' | b'?'
                if bytes
                    .get(i + 1)
                    .is_none_or(|n| matches!(n, b' ' | b'\n' | b'\r' | b'\t')) =>
            {
                node_start = true;
            }
            b'&' | b'*' | b'!' if node_start => {
                let what = match b {
                    b'&' => "anchor",
                    b'*' => "alias",
                    _ => "tag",
                };
                return Err(InventoryError::parse(
                    display,
                    Some(line),
                    format!("YAML {what} in a lockfile (no lockfile tool writes one)"),
                ));
            }
            _ => node_start = false,
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_by_format() {
        assert!(is_blank(LockfileKind::PnpmLock, ""));
        assert!(is_blank(LockfileKind::UvLock, "# only a comment\n\n"));
        assert!(is_blank(LockfileKind::PipfileLock, "  \n"));
        assert!(!is_blank(LockfileKind::PipfileLock, "# x\n"));
        assert!(is_blank(LockfileKind::GoMod, "// nothing\n"));
        assert!(!is_blank(LockfileKind::GoMod, "module x\n"));
    }

    #[test]
    fn yaml_bounds() {
        let ok = "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a: {specifier: '*', version: 1.0.0}\n# &not an anchor\nb: a&b*c\n";
        check_yaml("pnpm-lock.yaml", ok).unwrap();
        let deep = format!("a: {}{}\n", "[".repeat(20), "]".repeat(20));
        assert_eq!(
            check_yaml("pnpm-lock.yaml", &deep).unwrap_err().to_string(),
            "pnpm-lock.yaml:1: YAML flow collections nested deeper than 16"
        );
        let bomb = "a: &a [x, x]\nb: [*a, *a]\n";
        assert_eq!(
            check_yaml("pnpm-lock.yaml", bomb).unwrap_err().to_string(),
            "pnpm-lock.yaml:1: YAML anchor in a lockfile (no lockfile tool writes one)"
        );
        let alias = "a:\n  - x\nb:\n  - *a\n";
        assert_eq!(
            check_yaml("pnpm-lock.yaml", alias).unwrap_err().to_string(),
            "pnpm-lock.yaml:4: YAML alias in a lockfile (no lockfile tool writes one)"
        );
    }

    #[test]
    fn bounded_reads_refuse_devices_and_big_files() {
        let err = read_bounded(Path::new("/dev/zero"), 10).unwrap_err();
        assert_eq!(err.to_string(), "not a regular file");
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big");
        std::fs::write(&p, vec![b'a'; 100]).unwrap();
        assert!(read_bounded(&p, 10).is_err());
        assert_eq!(read_bounded(&p, 100).unwrap().len(), 100);
    }
}
