//! `leakgate db update` and `leakgate db status`: the offline database's
//! life cycle. This is the only code in leakgate that touches the network.
//!
//! Layout of the cache: `<dir>/<Ecosystem>/all.zip`, exactly as osv.dev
//! publishes it (`<BASE>/<Ecosystem>/all.zip`), so the cache is also a valid
//! `--db` directory. An update builds a complete new tree in a temporary
//! directory beside the cache (same filesystem, so renames are atomic),
//! carrying over the ecosystems not being updated, validates every download
//! (it must open as a zip and hold at least one OSV record), and only then
//! swaps it in with two renames (old → backup, new → cache; restored on
//! failure). A failed or interrupted update leaves the previous cache intact.

use crate::inventory::Ecosystem;
use crate::vuln::db::{Database, DbError};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Where osv.dev publishes its per-ecosystem exports.
pub const DEFAULT_BASE_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";
/// Largest download accepted per ecosystem (the biggest export is a few hundred MiB).
pub const MAX_DOWNLOAD_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// An update failure; the existing cache is untouched.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    /// The download failed.
    #[error("cannot download {url}: {message}")]
    Download {
        /// The URL.
        url: String,
        /// The cause.
        message: String,
    },
    /// A filesystem operation failed.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// On what.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The downloaded file is not a usable OSV export.
    #[error("downloaded {ecosystem} database from {url} is not a usable OSV export: {source}")]
    Invalid {
        /// Ecosystem.
        ecosystem: String,
        /// The URL.
        url: String,
        /// What is wrong with it.
        source: DbError,
    },
    /// The cache path has no parent directory to stage the update in.
    #[error("cache directory {} has no parent directory", .0.display())]
    NoParent(PathBuf),
}

/// What one ecosystem's update did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Updated {
    /// Ecosystem.
    pub ecosystem: Ecosystem,
    /// Advisories in the new export.
    pub records: usize,
    /// Malformed records in it (skipped when loading).
    pub malformed: usize,
    /// Size of the zip.
    pub bytes: u64,
    /// Where it now lives.
    pub path: PathBuf,
}

/// Downloads `<base_url>/<Ecosystem>/all.zip` for each of `ecosystems` into
/// the cache `dir`, replacing it atomically.
pub fn update(
    dir: &Path,
    base_url: &str,
    ecosystems: &[Ecosystem],
) -> Result<Vec<Updated>, UpdateError> {
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let name = dir
        .file_name()
        .ok_or_else(|| UpdateError::NoParent(dir.to_path_buf()))?
        .to_string_lossy()
        .into_owned();
    std::fs::create_dir_all(&parent).map_err(io("cannot create", &parent))?;
    let stamp = format!(
        "{}-{}",
        std::process::id(),
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or(Duration::ZERO)
            .as_nanos()
    );
    let staging = parent.join(format!(".{name}.new-{stamp}"));
    let result = stage(dir, &staging, base_url, ecosystems);
    let updated = match result {
        Ok(u) => u,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let backup = parent.join(format!(".{name}.old-{stamp}"));
    let had_old = dir.exists();
    if had_old {
        std::fs::rename(dir, &backup).map_err(|e| {
            let _ = std::fs::remove_dir_all(&staging);
            UpdateError::Io {
                action: "cannot move aside",
                path: dir.to_path_buf(),
                source: e,
            }
        })?;
    }
    if let Err(e) = std::fs::rename(&staging, dir) {
        if had_old {
            let _ = std::fs::rename(&backup, dir);
        }
        let _ = std::fs::remove_dir_all(&staging);
        return Err(UpdateError::Io {
            action: "cannot install",
            path: dir.to_path_buf(),
            source: e,
        });
    }
    if had_old {
        // The new cache is in place; a leftover backup only wastes space.
        let _ = std::fs::remove_dir_all(&backup);
    }
    Ok(updated
        .into_iter()
        .map(|u| Updated {
            path: dir.join(u.ecosystem.osv_name()).join("all.zip"),
            ..u
        })
        .collect())
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> UpdateError + 'a {
    move |source| UpdateError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// Builds the new tree in `staging`: carried-over ecosystems, then downloads.
fn stage(
    dir: &Path,
    staging: &Path,
    base_url: &str,
    ecosystems: &[Ecosystem],
) -> Result<Vec<Updated>, UpdateError> {
    std::fs::create_dir_all(staging).map_err(io("cannot create", staging))?;
    if dir.is_dir() {
        let replaced: Vec<&str> = ecosystems.iter().map(|e| e.osv_name()).collect();
        for entry in std::fs::read_dir(dir).map_err(io("cannot read", dir))? {
            let entry = entry.map_err(io("cannot read", dir))?;
            let file_name = entry.file_name();
            if replaced.iter().any(|r| file_name.to_string_lossy() == *r) {
                continue;
            }
            copy_tree(&entry.path(), &staging.join(&file_name))?;
        }
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(30)))
        .timeout_global(Some(Duration::from_secs(30 * 60)))
        .build()
        .into();
    let mut updated = Vec::new();
    for &ecosystem in ecosystems {
        let url = format!(
            "{}/{}/all.zip",
            base_url.trim_end_matches('/'),
            ecosystem.osv_name()
        );
        let target_dir = staging.join(ecosystem.osv_name());
        std::fs::create_dir_all(&target_dir).map_err(io("cannot create", &target_dir))?;
        let target = target_dir.join("all.zip");
        let bytes = download(&agent, &url, &target)?;
        let db = Database::load(std::slice::from_ref(&target)).map_err(|source| {
            UpdateError::Invalid {
                ecosystem: ecosystem.osv_name().to_string(),
                url: url.clone(),
                source,
            }
        })?;
        updated.push(Updated {
            ecosystem,
            records: db.stats().advisories_loaded,
            malformed: db.stats().records_malformed,
            bytes,
            path: target,
        });
    }
    Ok(updated)
}

fn download(agent: &ureq::Agent, url: &str, target: &Path) -> Result<u64, UpdateError> {
    let fail = |message: String| UpdateError::Download {
        url: url.to_string(),
        message,
    };
    let response = agent.get(url).call().map_err(|e| fail(e.to_string()))?;
    let mut reader = response
        .into_body()
        .into_with_config()
        .limit(MAX_DOWNLOAD_BYTES)
        .reader();
    let mut file = std::fs::File::create(target).map_err(io("cannot create", target))?;
    let bytes = std::io::copy(&mut reader, &mut file).map_err(|e| fail(e.to_string()))?;
    file.flush().map_err(io("cannot write", target))?;
    file.sync_all().map_err(io("cannot write", target))?;
    Ok(bytes)
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), UpdateError> {
    let meta = std::fs::symlink_metadata(from).map_err(io("cannot read", from))?;
    if meta.is_dir() {
        std::fs::create_dir_all(to).map_err(io("cannot create", to))?;
        for entry in std::fs::read_dir(from).map_err(io("cannot read", from))? {
            let entry = entry.map_err(io("cannot read", from))?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
    } else if meta.is_file() {
        std::fs::copy(from, to).map_err(io("cannot copy", from))?;
        // Keep the original age: `db status` reports when data was downloaded.
        if let Ok(mtime) = meta.modified() {
            if let Ok(f) = std::fs::File::options().write(true).open(to) {
                let _ = f.set_modified(mtime);
            }
        }
    }
    Ok(())
}

/// One row of `db status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRow {
    /// The source (a zip of the cache, or a `--db` path).
    pub source: PathBuf,
    /// Ecosystem.
    pub ecosystem: Ecosystem,
    /// Advisories for it.
    pub records: usize,
    /// The newest `modified` time of the ecosystem's records in the source:
    /// how old the data is (file times only say when it was copied).
    pub modified: Option<SystemTime>,
    /// That time as the record writes it (RFC 3339).
    pub newest_record: Option<String>,
}

/// Per-source, per-ecosystem record counts and ages. Sources laid out as the
/// cache (`<dir>/<Ecosystem>/all.zip`) are reported one zip at a time, so each
/// ecosystem shows its own download age.
pub fn status(paths: &[PathBuf]) -> Result<(Vec<StatusRow>, usize), DbError> {
    let mut rows = Vec::new();
    let mut malformed = 0;
    for path in paths {
        let cache_zips = cache_zips(path);
        let sources = if cache_zips.is_empty() {
            vec![path.clone()]
        } else {
            cache_zips
        };
        for source in sources {
            let db = Database::load(std::slice::from_ref(&source))?;
            malformed += db.stats().records_malformed;
            let per: BTreeMap<Ecosystem, usize> = db.stats().per_ecosystem.clone();
            for (ecosystem, records) in per {
                let newest = db
                    .advisories()
                    .iter()
                    .filter(|a| a.affected.iter().any(|e| e.ecosystem == ecosystem))
                    .map(|a| a.modified.as_str())
                    .filter(|m| parse_time(m).is_some())
                    .max_by(|a, b| crate::vuln::db::compare_rfc3339(a, b))
                    .map(str::to_string);
                rows.push(StatusRow {
                    source: source.clone(),
                    ecosystem,
                    records,
                    modified: newest.as_deref().and_then(parse_time),
                    newest_record: newest,
                });
            }
        }
    }
    Ok((rows, malformed))
}

fn cache_zips(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("all.zip"))
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

/// An RFC 3339 time as a `SystemTime` (`None` when it does not parse or
/// lies before 1970).
fn parse_time(s: &str) -> Option<SystemTime> {
    let t = time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
        .ok()?;
    let secs = u64::try_from(t.unix_timestamp()).ok()?;
    SystemTime::UNIX_EPOCH.checked_add(std::time::Duration::from_secs(secs))
}
