//! `leakgate db`: manage the offline OSV database. `update` is the only
//! command in leakgate that uses the network; `status` says what is cached
//! and how old it is.

use super::Outcome;
use clap::{Args, Subcommand};
use leakgate::inventory::Ecosystem;
use leakgate::vuln::db;
use leakgate::vuln::update::{self, DEFAULT_BASE_URL};
use std::path::PathBuf;
use std::time::SystemTime;

/// Subcommands of `leakgate db`.
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Download the OSV database (osv.dev per-ecosystem exports) into the cache.
    Update(UpdateArgs),
    /// Show the cached advisories per ecosystem and their age.
    Status(StatusArgs),
}

/// Arguments of `leakgate db update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Ecosystem to download, as OSV names it (repeatable; default: all that
    /// leakgate checks: crates.io, npm, PyPI, Go, RubyGems, Packagist, Maven, NuGet).
    #[arg(long = "ecosystem", value_name = "ECOSYSTEM", value_parser = parse_ecosystem)]
    pub ecosystems: Vec<Ecosystem>,
    /// Base URL of the exports: downloads `<URL>/<Ecosystem>/all.zip`.
    #[arg(long, value_name = "URL", default_value = DEFAULT_BASE_URL)]
    pub url: String,
    /// Cache directory to write (default: $XDG_CACHE_HOME/leakgate/osv or ~/.cache/leakgate/osv).
    #[arg(long = "db", value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Arguments of `leakgate db status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Database sources to describe (repeatable; default: the cache).
    #[arg(long = "db", value_name = "PATH")]
    pub db: Vec<PathBuf>,
}

fn parse_ecosystem(s: &str) -> Result<Ecosystem, String> {
    Ecosystem::ALL
        .into_iter()
        .find(|e| e.osv_name().eq_ignore_ascii_case(s) || e.purl_type().eq_ignore_ascii_case(s))
        .ok_or_else(|| {
            let names: Vec<&str> = Ecosystem::ALL.iter().map(|e| e.osv_name()).collect();
            format!(
                "unknown ecosystem `{s}` (expected one of: {})",
                names.join(", ")
            )
        })
}

fn cache_dir(explicit: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    explicit.or_else(db::default_dir).ok_or_else(|| {
        anyhow::anyhow!("no cache location: set XDG_CACHE_HOME or HOME, or pass --db DIR")
    })
}

/// Runs `leakgate db`.
pub fn run(cmd: DbCommand) -> anyhow::Result<Outcome> {
    match cmd {
        DbCommand::Update(args) => {
            let dir = cache_dir(args.dir)?;
            let ecosystems = if args.ecosystems.is_empty() {
                Ecosystem::ALL.to_vec()
            } else {
                let mut e = args.ecosystems;
                e.sort_unstable();
                e.dedup();
                e
            };
            let updated = update::update(&dir, &args.url, &ecosystems)?;
            for u in &updated {
                println!(
                    "updated {:<10} {:>6} advisories  {:>9}  {}{}",
                    u.ecosystem.osv_name(),
                    u.records,
                    human_bytes(u.bytes),
                    u.path.display(),
                    if u.malformed > 0 {
                        format!("  ({} malformed records skipped)", u.malformed)
                    } else {
                        String::new()
                    }
                );
            }
            println!("database: {}", dir.display());
            Ok(Outcome::Clean)
        }
        DbCommand::Status(args) => {
            let sources = if args.db.is_empty() {
                vec![cache_dir(None)?]
            } else {
                args.db
            };
            let (rows, malformed) = update::status(&sources)?;
            let now = SystemTime::now();
            println!(
                "{:<10} {:>8}  {:<10}  {:<20}  source",
                "ecosystem", "records", "age", "newest record"
            );
            let mut total = 0;
            for row in &rows {
                total += row.records;
                let age = row
                    .modified
                    .and_then(|m| now.duration_since(m).ok())
                    .map(|d| human_age(d.as_secs()))
                    .unwrap_or_else(|| "unknown".into());
                println!(
                    "{:<10} {:>8}  {:<10}  {:<20}  {}",
                    row.ecosystem.osv_name(),
                    row.records,
                    age,
                    leakgate::escape::text(row.newest_record.as_deref().unwrap_or("unknown")),
                    leakgate::escape::path(&row.source)
                );
            }
            println!("total: {total} advisories, {malformed} malformed records skipped");
            Ok(Outcome::Clean)
        }
    }
}

fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / (1 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / (1 << 10) as f64),
        n => format!("{n} B"),
    }
}

fn human_age(secs: u64) -> String {
    match secs {
        s if s >= 2 * 86_400 => format!("{} days", s / 86_400),
        s if s >= 2 * 3_600 => format!("{} hours", s / 3_600),
        s if s >= 2 * 60 => format!("{} minutes", s / 60),
        s => format!("{s} seconds"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecosystem_names_parse_case_insensitively() {
        assert_eq!(parse_ecosystem("pypi"), Ok(Ecosystem::PyPI));
        assert_eq!(parse_ecosystem("crates.io"), Ok(Ecosystem::CratesIo));
        assert_eq!(parse_ecosystem("cargo"), Ok(Ecosystem::CratesIo));
        assert!(parse_ecosystem("Debian")
            .unwrap_err()
            .starts_with("unknown ecosystem `Debian`"));
    }

    #[test]
    fn human_units() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(3 * 1024 * 1024), "3.0 MiB");
        assert_eq!(human_age(90), "90 seconds");
        assert_eq!(human_age(3 * 86_400 + 5), "3 days");
    }
}
