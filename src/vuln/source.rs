//! Where OSV records come from: directory trees of `.json` / `.yaml` files
//! (searched recursively, hidden entries skipped) and osv.dev-style zips
//! (`<Ecosystem>/all.zip`, one JSON record per entry), possibly nested in a
//! directory (the cache written by `leakgate db update` is such a tree).
//!
//! Records are parsed in parallel (rayon); zips are read sequentially (a zip
//! reader is not shareable) in bounded chunks so memory stays proportional to
//! a chunk, not to the archive. Zip bombs are defused by a cap on each entry's
//! uncompressed size, on the archive's total, and on its entry count.

use crate::vuln::db::{DbError, LoadWarning};
use crate::vuln::osv::Record;
use rayon::prelude::*;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// Largest uncompressed zip entry accepted (real records are a few KiB; the
/// biggest PyPA records with long version lists stay under 1 MiB).
pub const MAX_ENTRY_BYTES: u64 = 32 * 1024 * 1024;
/// Largest total uncompressed size read from one zip (osv.dev's largest
/// per-ecosystem export is well below it).
pub const MAX_ZIP_TOTAL_BYTES: u64 = 4 * 1024 * 1024 * 1024;
/// Largest ratio of uncompressed bytes read to the zip's size on disk. OSV
/// JSON deflates about 10:1; a zip bomb reaches 1000:1 and more.
pub const MAX_ZIP_RATIO: u64 = 100;
/// Uncompressed bytes below which the ratio is not checked (tiny zips of
/// a few records compress unusually well).
pub const ZIP_RATIO_FLOOR: u64 = 16 * 1024 * 1024;
/// Uncompressed bytes buffered before a parallel parse: memory stays
/// proportional to this, not to the archive.
const CHUNK_BYTES: usize = 64 * 1024 * 1024;
/// Most entries read from one zip.
pub const MAX_ZIP_ENTRIES: usize = 2_000_000;
/// Zip entries buffered before a parallel parse.
const CHUNK: usize = 2048;

/// The serialisation of a record file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RecordFormat {
    /// JSON: one record, or an array of records.
    Json,
    /// YAML: one record.
    Yaml,
}

impl RecordFormat {
    /// The format a file name implies, if it is a record file.
    pub fn of(name: &str) -> Option<RecordFormat> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".json") {
            Some(RecordFormat::Json)
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            Some(RecordFormat::Yaml)
        } else {
            None
        }
    }
}

/// A parsed record and where it came from, or a warning about the input.
pub type Parsed = Result<(Record, String), LoadWarning>;

/// What reading the sources produced, in a deterministic order.
#[derive(Debug, Default)]
pub struct Harvest {
    /// Records, or warnings for inputs that did not parse.
    pub records: Vec<Parsed>,
    /// Files and zip entries read.
    pub inputs: usize,
    /// Zip entries that are not record files (skipped).
    pub entries_skipped: usize,
}

/// Reads every record under `path` (a directory, a zip, or a single record file).
pub fn read_path(path: &Path, harvest: &mut Harvest) -> Result<(), DbError> {
    let meta = std::fs::metadata(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            DbError::NotFound {
                path: path.to_path_buf(),
            }
        } else {
            DbError::Io {
                path: path.to_path_buf(),
                source: e,
            }
        }
    })?;
    if meta.is_dir() {
        read_dir(path, harvest)
    } else if is_zip(path) {
        read_zip(path, harvest)
    } else {
        let name = path.to_string_lossy();
        let format = RecordFormat::of(&name).unwrap_or(RecordFormat::Json);
        harvest.inputs += 1;
        harvest.records.extend(parse_file(path, format));
        Ok(())
    }
}

fn is_zip(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

fn read_dir(dir: &Path, harvest: &mut Harvest) -> Result<(), DbError> {
    let mut files: Vec<(PathBuf, RecordFormat)> = Vec::new();
    let mut zips: Vec<PathBuf> = Vec::new();
    let walker = ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .hidden(true)
        .follow_links(false)
        .build();
    for entry in walker {
        let entry = entry.map_err(|e| DbError::Walk {
            path: dir.to_path_buf(),
            message: e.to_string(),
        })?;
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.into_path();
        if is_zip(&path) {
            zips.push(path);
        } else if let Some(format) = RecordFormat::of(&path.to_string_lossy()) {
            files.push((path, format));
        }
    }
    files.sort();
    zips.sort();
    harvest.inputs += files.len();
    let parsed: Vec<Vec<Parsed>> = files
        .par_iter()
        .map(|(path, format)| parse_file(path, *format))
        .collect();
    harvest.records.extend(parsed.into_iter().flatten());
    for zip in zips {
        read_zip(&zip, harvest)?;
    }
    Ok(())
}

fn parse_file(path: &Path, format: RecordFormat) -> Vec<Parsed> {
    let label = path.display().to_string();
    // A bounded read of a regular file only: `--db /dev/zero`, a FIFO
    // (which would block an open) or a huge file must not hang or exhaust
    // memory.
    match crate::source::read::read_small(path, None, MAX_ENTRY_BYTES) {
        Ok(bytes) => parse_bytes(&bytes, format, &label),
        Err(e) => vec![Err(LoadWarning {
            source: label,
            message: format!("cannot read: {e}"),
        })],
    }
}

/// Parses one record file's bytes; `source` names it in warnings.
pub fn parse_bytes(bytes: &[u8], format: RecordFormat, source: &str) -> Vec<Parsed> {
    let warn = |message: String| {
        Err(LoadWarning {
            source: source.to_string(),
            message,
        })
    };
    match format {
        RecordFormat::Json => {
            let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
            if first == Some(&b'[') {
                match serde_json::from_slice::<Vec<Record>>(bytes) {
                    Ok(records) => records
                        .into_iter()
                        .map(|r| Ok((r, source.to_string())))
                        .collect(),
                    Err(e) => vec![warn(format!("malformed OSV JSON: {e}"))],
                }
            } else {
                match serde_json::from_slice::<Record>(bytes) {
                    Ok(r) => vec![Ok((r, source.to_string()))],
                    Err(e) => vec![warn(format!("malformed OSV JSON: {e}"))],
                }
            }
        }
        RecordFormat::Yaml => match serde_yaml_ng::from_slice::<Record>(bytes) {
            Ok(r) => vec![Ok((r, source.to_string()))],
            Err(e) => vec![warn(format!("malformed OSV YAML: {e}"))],
        },
    }
}

fn read_zip(path: &Path, harvest: &mut Harvest) -> Result<(), DbError> {
    let zip_err = |e: zip::result::ZipError| DbError::Zip {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    // Regular files only, opened non-blocking: a FIFO named `*.zip` cannot hang the load.
    let (file, _) = crate::source::read::open_regular(path, None).map_err(|e| DbError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()),
    })?;
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(zip_err)?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(DbError::ZipLimit {
            path: path.to_path_buf(),
            message: format!("{} entries (limit {MAX_ZIP_ENTRIES})", archive.len()),
        });
    }
    let label = path.display().to_string();
    let compressed = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0).max(1);
    let mut total: u64 = 0;
    let mut chunk_bytes: usize = 0;
    let mut chunk: Vec<(Vec<u8>, RecordFormat, String)> = Vec::with_capacity(CHUNK);
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(zip_err)?;
        if entry.is_dir() {
            continue;
        }
        let source = format!("{label}!{}", entry.name());
        let Some(format) = RecordFormat::of(entry.name()) else {
            harvest.entries_skipped += 1;
            continue;
        };
        harvest.inputs += 1;
        if entry.size() > MAX_ENTRY_BYTES {
            harvest.records.push(Err(LoadWarning {
                source,
                message: format!(
                    "entry of {} bytes exceeds the {MAX_ENTRY_BYTES}-byte limit",
                    entry.size()
                ),
            }));
            continue;
        }
        // The declared size can lie: read at most one byte past the cap.
        let mut bytes = Vec::with_capacity(entry.size().min(MAX_ENTRY_BYTES) as usize);
        if let Err(e) = (&mut entry)
            .take(MAX_ENTRY_BYTES + 1)
            .read_to_end(&mut bytes)
        {
            harvest.records.push(Err(LoadWarning {
                source,
                message: format!("cannot decompress: {e}"),
            }));
            continue;
        }
        if bytes.len() as u64 > MAX_ENTRY_BYTES {
            harvest.records.push(Err(LoadWarning {
                source,
                message: format!("entry exceeds the {MAX_ENTRY_BYTES}-byte limit"),
            }));
            continue;
        }
        total += bytes.len() as u64;
        if total > MAX_ZIP_TOTAL_BYTES {
            return Err(DbError::ZipLimit {
                path: path.to_path_buf(),
                message: format!("more than {MAX_ZIP_TOTAL_BYTES} uncompressed bytes"),
            });
        }
        if total > ZIP_RATIO_FLOOR && total / compressed > MAX_ZIP_RATIO {
            return Err(DbError::ZipLimit {
                path: path.to_path_buf(),
                message: format!(
                    "{total} uncompressed bytes from a {compressed}-byte archive exceed the {MAX_ZIP_RATIO}:1 compression ratio limit (a zip bomb?)"
                ),
            });
        }
        chunk_bytes += bytes.len();
        chunk.push((bytes, format, source));
        if chunk.len() == CHUNK || chunk_bytes >= CHUNK_BYTES {
            parse_chunk(&mut chunk, harvest);
            chunk_bytes = 0;
        }
    }
    parse_chunk(&mut chunk, harvest);
    Ok(())
}

fn parse_chunk(chunk: &mut Vec<(Vec<u8>, RecordFormat, String)>, harvest: &mut Harvest) {
    let parsed: Vec<Vec<Parsed>> = chunk
        .par_iter()
        .map(|(bytes, format, source)| parse_bytes(bytes, *format, source))
        .collect();
    harvest.records.extend(parsed.into_iter().flatten());
    chunk.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(RecordFormat::of("a/B.JSON"), Some(RecordFormat::Json));
        assert_eq!(RecordFormat::of("x.yml"), Some(RecordFormat::Yaml));
        assert_eq!(RecordFormat::of("PYSEC-1.yaml"), Some(RecordFormat::Yaml));
        assert_eq!(RecordFormat::of("README.md"), None);
    }

    #[test]
    fn json_arrays_and_malformed_input() {
        let ok = parse_bytes(br#" [{"id":"A"},{"id":"B"}]"#, RecordFormat::Json, "s");
        let ids: Vec<String> = ok
            .into_iter()
            .map(|r| r.map(|(r, _)| r.id).unwrap_or_default())
            .collect();
        assert_eq!(ids, vec!["A", "B"]);
        let bad = parse_bytes(b"{\"id\": 3}", RecordFormat::Json, "bad.json");
        let warning = bad.into_iter().next().and_then(|r| r.err()).unwrap();
        assert_eq!(warning.source, "bad.json");
        assert!(
            warning
                .message
                .starts_with("malformed OSV JSON: invalid type"),
            "{}",
            warning.message
        );
    }
}
