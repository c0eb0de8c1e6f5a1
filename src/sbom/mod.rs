//! SBOMs: the package inventory written out as CycloneDX or SPDX JSON, and
//! third-party SBOMs read back into the same inventory.
//!
//! Data flow: lockfiles (or an SBOM) become [`Package`]s in
//! [`crate::inventory`]; the writers here ([`cyclonedx`], [`spdx`]) turn a
//! package slice into a standard document, the reader ([`read`]) turns a
//! CycloneDX 1.4–1.7 or SPDX 2.2/2.3 JSON document back into packages so
//! `leakgate sbom check` can match someone else's SBOM against advisories,
//! and [`list`] prints the inventory itself.
//!
//! Every document is deterministic: components are merged by purl and sorted,
//! the serial number / document namespace is derived from the content, and
//! the timestamp comes from `SOURCE_DATE_EPOCH` when it is set — so two runs
//! on the same tree are byte-identical.
//!
//! [`Package`]: crate::inventory::Package

pub mod cyclonedx;
pub(crate) mod fields;
mod graph;
pub mod list;
pub mod read;
pub mod spdx;

pub use read::{read_sbom, read_sbom_str, SbomDocument, SbomKind, Skipped};

use sha2::{Digest, Sha256};
use std::fmt;
use time::OffsetDateTime;

/// Errors of SBOM reading and writing. Each names the file concerned (and the
/// line where the format allows).
#[derive(Debug, thiserror::Error)]
pub enum SbomError {
    /// The SBOM file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not well-formed JSON, or a field has the wrong type.
    #[error("{file}:{line}:{column}: {message}")]
    Json {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON parser said.
        message: String,
    },
    /// Well-formed JSON that is neither a CycloneDX nor an SPDX document.
    #[error("{file}: not an SBOM: expected a CycloneDX JSON document (`\"bomFormat\": \"CycloneDX\"`) or an SPDX JSON document (`\"spdxVersion\"`){hint}")]
    NotSbom {
        /// The file.
        file: String,
        /// Extra advice (e.g. "XML is not supported"), with its leading separator.
        hint: String,
    },
    /// A CycloneDX or SPDX document of a version leakgate does not read.
    #[error("{file}: unsupported {format} version `{found}` (supported: {supported})")]
    UnsupportedVersion {
        /// The file.
        file: String,
        /// `CycloneDX` or `SPDX`.
        format: &'static str,
        /// The version the document declares.
        found: String,
        /// The versions leakgate reads.
        supported: &'static str,
    },
    /// `SOURCE_DATE_EPOCH` is set but is not a Unix timestamp.
    #[error("SOURCE_DATE_EPOCH `{value}` is not a valid Unix timestamp (whole seconds since 1970-01-01)")]
    SourceDateEpoch {
        /// The variable's value.
        value: String,
    },
    /// Writing the document failed.
    #[error("cannot write SBOM: {0}")]
    Write(#[from] std::io::Error),
}

/// Which CycloneDX specification version to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum CycloneDxVersion {
    /// CycloneDX 1.5.
    V1_5,
    /// CycloneDX 1.6 (the default: the version most consumers read today).
    #[default]
    V1_6,
    /// CycloneDX 1.7.
    V1_7,
}

impl CycloneDxVersion {
    /// Every version leakgate writes, oldest first.
    pub const ALL: [CycloneDxVersion; 3] = [
        CycloneDxVersion::V1_5,
        CycloneDxVersion::V1_6,
        CycloneDxVersion::V1_7,
    ];

    /// The `specVersion` string (`"1.6"`).
    pub fn as_str(self) -> &'static str {
        match self {
            CycloneDxVersion::V1_5 => "1.5",
            CycloneDxVersion::V1_6 => "1.6",
            CycloneDxVersion::V1_7 => "1.7",
        }
    }

    /// Parses a `specVersion` string leakgate can write.
    pub fn parse(s: &str) -> Option<CycloneDxVersion> {
        CycloneDxVersion::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

impl fmt::Display for CycloneDxVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An SBOM format leakgate writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SbomFormat {
    /// CycloneDX JSON of the given specification version.
    CycloneDx(CycloneDxVersion),
    /// SPDX 2.3 JSON.
    Spdx,
}

impl Default for SbomFormat {
    fn default() -> Self {
        SbomFormat::CycloneDx(CycloneDxVersion::default())
    }
}

impl fmt::Display for SbomFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SbomFormat::CycloneDx(v) => write!(f, "CycloneDX {v}"),
            SbomFormat::Spdx => f.write_str("SPDX 2.3"),
        }
    }
}

/// Writes `packages` as an SBOM in `format` to `out`: the one entry point
/// the CLI and benchmarks use.
pub fn write(
    packages: &[crate::inventory::Package],
    format: SbomFormat,
    options: &WriteOptions,
    out: impl std::io::Write,
) -> Result<(), SbomError> {
    match format {
        SbomFormat::CycloneDx(version) => cyclonedx::write(packages, version, options, out),
        SbomFormat::Spdx => spdx::write(packages, options, out),
    }
}

/// What every writer needs besides the packages: the subject of the SBOM and
/// when it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOptions {
    /// Name of the root component / package (the scanned directory's name).
    pub root_name: String,
    /// Creation time written into the document (see [`creation_time`]).
    pub timestamp: OffsetDateTime,
}

impl WriteOptions {
    /// Options for a root named `root_name`, timestamped by [`creation_time`].
    pub fn new(root_name: impl Into<String>) -> Result<WriteOptions, SbomError> {
        Ok(WriteOptions {
            root_name: root_name.into(),
            timestamp: creation_time()?,
        })
    }
}

/// The document timestamp: `SOURCE_DATE_EPOCH` when set (reproducible builds),
/// otherwise now. A set but malformed variable is an error rather than a
/// silent fallback, so a broken reproducible build is noticed.
pub fn creation_time() -> Result<OffsetDateTime, SbomError> {
    creation_time_from(std::env::var("SOURCE_DATE_EPOCH").ok().as_deref())
}

/// [`creation_time`] with the variable's value passed in (testable without
/// touching the process environment). An empty value counts as unset.
pub fn creation_time_from(source_date_epoch: Option<&str>) -> Result<OffsetDateTime, SbomError> {
    match source_date_epoch.map(str::trim) {
        None | Some("") => {
            let now = OffsetDateTime::now_utc();
            // Sub-second precision would only make two runs differ.
            Ok(now.replace_nanosecond(0).unwrap_or(now))
        }
        Some(value) => value
            .parse::<i64>()
            .ok()
            .and_then(|secs| OffsetDateTime::from_unix_timestamp(secs).ok())
            .ok_or_else(|| SbomError::SourceDateEpoch {
                value: value.to_string(),
            }),
    }
}

/// RFC 3339 in UTC with whole seconds (`2024-01-02T03:04:05Z`), the form both
/// CycloneDX and SPDX expect.
pub(crate) fn format_timestamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// A UUID derived from content: the first 16 bytes of SHA-256 over `parts`
/// with the RFC 4122 version (5, name-based) and variant bits set. The same
/// inventory always gets the same serial number; any change gets a new one.
#[cfg(test)]
pub(crate) fn content_uuid(parts: &[&[u8]]) -> String {
    let mut h = ContentHash::default();
    for part in parts {
        h.bytes(part);
    }
    h.uuid()
}

/// [`content_uuid`] built part by part, where a part may be a value's JSON
/// (`serde_json::to_vec`) hashed as it is written, never held in memory.
#[derive(Default)]
pub(crate) struct ContentHash(Sha256);

/// An `io::Write` that only counts, or that feeds a hasher.
struct Sink<'h>(Option<&'h mut Sha256>, u64);

impl std::io::Write for Sink<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Some(h) = self.0.as_mut() {
            h.update(buf);
        }
        self.1 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl ContentHash {
    /// Adds one part (length-prefixed, so ("ab","c") and ("a","bc") differ).
    pub(crate) fn bytes(&mut self, part: &[u8]) {
        self.0.update((part.len() as u64).to_le_bytes());
        self.0.update(part);
    }

    /// Adds the compact JSON of `value` as one part, exactly as
    /// `bytes(&serde_json::to_vec(value)?)` would (an empty part when it
    /// cannot be serialised), in two streaming passes: length, then bytes.
    pub(crate) fn json<T: serde::Serialize + ?Sized>(&mut self, value: &T) {
        let mut count = Sink(None, 0);
        if serde_json::to_writer(&mut count, value).is_err() {
            self.bytes(&[]);
            return;
        }
        self.0.update(count.1.to_le_bytes());
        let mut feed = Sink(Some(&mut self.0), 0);
        // The first pass succeeded: so does this one, on the same value.
        let _ = serde_json::to_writer(&mut feed, value);
    }

    /// The UUID of everything added.
    pub(crate) fn uuid(self) -> String {
        let digest = self.0.finalize();
        let mut b = [0u8; 16];
        b.copy_from_slice(&digest[..16]);
        crate::finding::content_uuid(&b, 5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_date_epoch_fixes_the_timestamp() {
        let t = creation_time_from(Some("1700000000")).unwrap();
        assert_eq!(format_timestamp(t), "2023-11-14T22:13:20Z");
        assert_eq!(
            format_timestamp(creation_time_from(Some("0")).unwrap()),
            "1970-01-01T00:00:00Z"
        );
    }

    #[test]
    fn malformed_source_date_epoch_is_an_error() {
        for bad in ["yesterday", "1.5", "99999999999999999999"] {
            let err = creation_time_from(Some(bad)).unwrap_err();
            assert!(err.to_string().contains(bad), "{err}");
        }
    }

    #[test]
    fn unset_source_date_epoch_means_now_in_whole_seconds() {
        let t = creation_time_from(None).unwrap();
        assert_eq!(t.nanosecond(), 0);
        assert!((OffsetDateTime::now_utc() - t).whole_seconds() < 60);
        assert_eq!(creation_time_from(Some("")).unwrap().nanosecond(), 0);
    }

    #[test]
    fn content_uuid_is_stable_and_rfc4122_v5() {
        let a = content_uuid(&[b"pkg:cargo/serde@1.0.0"]);
        assert_eq!(a, content_uuid(&[b"pkg:cargo/serde@1.0.0"]));
        assert_ne!(a, content_uuid(&[b"pkg:cargo/serde@1.0.1"]));
        assert_ne!(content_uuid(&[b"ab", b"c"]), content_uuid(&[b"a", b"bc"]));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "5");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
    }

    #[test]
    fn spec_versions_parse_and_print() {
        assert_eq!(CycloneDxVersion::default().as_str(), "1.6");
        assert_eq!(CycloneDxVersion::parse("1.7"), Some(CycloneDxVersion::V1_7));
        assert_eq!(CycloneDxVersion::parse("1.4"), None);
    }
}
