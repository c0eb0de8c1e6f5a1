//! `leakgate deps`: inventory the lockfiles under the given paths, match them
//! against the offline OSV database, report. The back half ([`collect`],
//! [`check_packages`]) is shared with `leakgate sbom check` and with
//! `leakgate scan --deps`, so every command reports vulnerabilities the same way.

use super::output::{emit, OutputArgs};
use super::Outcome;
use clap::Args;
use leakgate::inventory::Package;
use leakgate::report::Report;
use leakgate::vuln::db::{self, Database};
use leakgate::vuln::findings::add_to_report;
use leakgate::vuln::ignore::IgnoreList;
use leakgate::vuln::{check, CheckOptions, FailOn};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Vulnerability-matching flags shared by `deps`, `sbom check` and
/// `scan --deps` (`--db`, `--fail-on`, `--unscored-pass`, `--only-fixed`,
/// `--exclude-dev`). The config file flag is separate ([`VulnArgs`]) because
/// `scan` already has its own `--config`, which then also names the
/// `[deps]` ignores.
#[derive(Debug, Clone, Args)]
pub struct VulnMatchArgs {
    /// OSV database: a directory of OSV JSON/YAML records or an osv.dev zip
    /// (repeatable; sources are merged). Default: the cache written by
    /// `leakgate db update` ($XDG_CACHE_HOME/leakgate/osv or ~/.cache/leakgate/osv).
    #[arg(long = "db", value_name = "PATH")]
    pub db: Vec<PathBuf>,
    /// Lowest severity that fails the run (exit 1).
    #[arg(long, value_enum, default_value = "any", value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// Advisories without any severity score do not fail the run (by default they do).
    #[arg(long)]
    pub unscored_pass: bool,
    /// Ignore advisories that have no fixed version yet.
    #[arg(long)]
    pub only_fixed: bool,
    /// Skip packages only needed for development or tests.
    #[arg(long)]
    pub exclude_dev: bool,
}

/// Vulnerability flags of `deps` and `sbom check`: the matching flags plus
/// the config file holding `[[deps.ignore]]` entries.
#[derive(Debug, Clone, Args)]
pub struct VulnArgs {
    /// Matching flags.
    #[command(flatten)]
    pub matching: VulnMatchArgs,
    /// Config file with `[[deps.ignore]]` entries (default: `.leakgate.toml` at the target root).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Arguments of `leakgate deps`.
#[derive(Debug, Args)]
pub struct DepsArgs {
    /// Project directories or lockfiles to check.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Vulnerability flags.
    #[command(flatten)]
    pub vuln: VulnArgs,
    /// Output flags.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `leakgate deps`.
pub fn run(args: DepsArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let inventory = leakgate::inventory::inventory(&args.paths)?;
    let target = args
        .paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let mut report = Report::new("deps", &target);
    report
        .scan
        .stats
        .add("lockfiles", inventory.lockfiles.len() as u64);
    if inventory.lockfiles.is_empty() {
        report
            .scan
            .warnings
            .push(format!("no lockfiles found under {target}"));
    }
    let packages: Vec<Package> = inventory.packages().cloned().collect();
    let failing = collect(&packages, &args.vuln, &inventory.root, &mut report)?;
    report.scan.duration_ms = started.elapsed().as_millis() as u64;
    report.sort();
    emit(&report, &args.output, failing)
}

/// Matches an inventory against the vulnerability database and reports it:
/// the shared back half of `deps` and `sbom check`. `target` is what was
/// checked (its directory holds the default `.leakgate.toml`).
// Called by `sbom check`, which its owner wires up on another branch.
#[allow(dead_code)]
pub fn check_packages(
    packages: &[Package],
    command: &str,
    target: &str,
    vuln: &VulnArgs,
    output: &OutputArgs,
) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let mut report = Report::new(command, target);
    let target_path = Path::new(target);
    let root = if target_path.is_dir() {
        target_path.to_path_buf()
    } else {
        target_path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."))
    };
    let failing = collect(packages, vuln, &root, &mut report)?;
    report.scan.duration_ms = started.elapsed().as_millis() as u64;
    report.sort();
    emit(&report, output, failing)
}

/// Adds the vulnerabilities of `packages` to `report` (findings, stats,
/// warnings, errors) and returns how many findings fail the run. `root` is
/// where the default `.leakgate.toml` is looked for. Used by `deps`,
/// `sbom check` and `scan --deps`.
pub fn collect(
    packages: &[Package],
    vuln: &VulnArgs,
    root: &Path,
    report: &mut Report,
) -> anyhow::Result<usize> {
    let matching = &vuln.matching;
    let sources = if matching.db.is_empty() {
        vec![db::default_dir().ok_or_else(|| {
            anyhow::anyhow!(
                "no OSV database location: neither XDG_CACHE_HOME nor HOME is set; {}",
                db::HINT
            )
        })?]
    } else {
        matching.db.clone()
    };
    let database = Database::load(&sources)?;
    let ignores = match &vuln.config {
        Some(path) => IgnoreList::load(path, true)?,
        None => IgnoreList::load(&root.join(".leakgate.toml"), false)?,
    };
    let options = CheckOptions {
        fail_on: matching.fail_on,
        unscored_pass: matching.unscored_pass,
        only_fixed: matching.only_fixed,
        exclude_dev: matching.exclude_dev,
        ignores,
        today: time::OffsetDateTime::now_utc().date(),
    };
    let result = check(&database, packages, &options);

    add_to_report(report, &database, packages, matching.exclude_dev, &result);
    Ok(result.failing())
}
