//! `leakgate deps`: inventory the lockfiles under the given paths, match them
//! against the offline OSV database, report. The back half ([`collect`],
//! [`check_packages`]) is shared with `leakgate sbom check` and with
//! `leakgate scan --deps`, so every command reports vulnerabilities the same way.

use super::output::{emit, OutputArgs};
use super::Outcome;
use clap::Args;
use leakgate::inventory::{Inventory, InventoryError, Package};
use leakgate::report::{Problem, Report};
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
    /// Text output: one block per advisory instead of the grouped table
    /// (one row per vulnerable package).
    #[arg(long)]
    pub details: bool,
    /// Report packages whose licence needs one of these (an SPDX expression
    /// joined with OR; repeatable). Findings of kind `license`, exit 1.
    #[arg(long = "deny-license", value_name = "EXPR")]
    pub deny_license: Vec<String>,
    /// Report packages whose licence cannot be satisfied with these alone
    /// (SPDX expression joined with OR; repeatable). Packages without a
    /// recorded licence are reported too (`license-unknown`).
    #[arg(long = "allow-license", value_name = "EXPR")]
    pub allow_license: Vec<String>,
}

/// Every readable lockfile under `paths`, and an error for each one that
/// could not be read or parsed: one bad lockfile must not hide the others.
/// A missing path or an unwalkable directory is one of those errors; the
/// call fails outright only when nothing was found and nothing failed.
pub fn inventory_all(paths: &[PathBuf]) -> anyhow::Result<(Inventory, Vec<InventoryError>)> {
    let report = leakgate::inventory::inventory_report(paths)?;
    Ok((report.inventory, report.errors))
}

/// A lockfile error as a report problem: `file:line` and the message.
pub fn problem_of(e: &InventoryError) -> Problem {
    match e {
        InventoryError::Parse {
            path,
            line,
            message,
        } => Problem {
            path: match line {
                Some(l) => format!("{path}:{l}"),
                None => path.clone(),
            },
            message: message.clone(),
        },
        InventoryError::Io { path, source } => Problem {
            path: path.clone(),
            message: source.to_string(),
        },
        other => {
            let text = other.to_string();
            match text.split_once(": ") {
                Some((path, message)) => Problem {
                    path: path.to_string(),
                    message: message.to_string(),
                },
                None => Problem {
                    path: String::new(),
                    message: text,
                },
            }
        }
    }
}

/// Runs `leakgate deps`.
pub fn run(args: DepsArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let policy =
        leakgate::vuln::license::LicensePolicy::new(&args.deny_license, &args.allow_license)
            .map_err(anyhow::Error::msg)?;
    let (mut inventory, errors) = inventory_all(&args.paths)?;
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
    report
        .scan
        .stats
        .add("lockfiles_unreadable", errors.len() as u64);
    report.scan.errors.extend(errors.iter().map(problem_of));
    // Moved out of the inventory, not copied: a 1M-package lockfile's
    // packages are the largest thing this command holds.
    let packages = inventory.take_packages();
    let failing = if packages.is_empty() && inventory.lockfiles.is_empty() {
        0
    } else {
        collect(&packages, &args.vuln, &inventory.root, &mut report)?
    };
    let mut failing = failing;
    if !policy.is_empty() {
        let licences = policy.check(&packages);
        let stats = &mut report.scan.stats;
        stats.add("licenses_checked", licences.checked as u64);
        stats.add("licenses_unknown", licences.unknown as u64);
        stats.add("license_findings", licences.findings.len() as u64);
        if licences.unknown > 0 && args.allow_license.is_empty() {
            report.scan.warnings.push(format!(
                "{} packages have no recorded licence (or one that is not an SPDX expression) and were not checked against --deny-license",
                licences.unknown
            ));
        }
        failing += licences.findings.len();
        report.findings.extend(licences.findings);
    }
    report.scan.duration_ms = started.elapsed().as_millis() as u64;
    report.sort();
    let grouped = args.output.format == leakgate::report::Format::Text
        && args.output.output.is_none()
        && !args.details;
    let outcome = if grouped {
        emit_grouped(&report, &args.output, failing)?
    } else {
        emit(&report, &args.output, failing)?
    };
    if !errors.is_empty() {
        // Every readable lockfile was reported; the unreadable ones make the
        // run an error, whatever the findings.
        return Ok(Outcome::Findings(2));
    }
    Ok(outcome)
}

/// The default text output of `deps`: the triage table (one row per
/// vulnerable package, unscored ones in their own group), then the errors,
/// warnings and summary line of the text format.
fn emit_grouped(report: &Report, args: &OutputArgs, failing: usize) -> anyhow::Result<Outcome> {
    use std::io::Write;
    let stdout = std::io::stdout();
    let color = !args.no_color && super::output::color_on(&stdout);
    let opts = leakgate::report::RenderOptions {
        color,
        finished_at: None,
    };
    let mut out = stdout.lock();
    let written = leakgate::vuln::triage::write_table(&report.findings, &mut out)
        .and_then(|_| {
            if super::output::console().quiet {
                // `--quiet`: the table and the errors, no warnings or summary.
                let mut errors_only = Report::new(&report.scan.command, &report.scan.target);
                errors_only.scan.errors = report.scan.errors.clone();
                leakgate::report::write_findings(&errors_only, &opts, &mut out)
            } else {
                leakgate::report::write_summary(report, &opts, &mut out)
            }
        })
        .and_then(|_| out.flush());
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(anyhow::Error::new(e).context("cannot write report to stdout")),
    }
    if failing > 0 && args.exit_code != 0 {
        Ok(Outcome::Findings(args.exit_code))
    } else {
        Ok(Outcome::Clean)
    }
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
        Some(path) => {
            super::output::note(
                1,
                format!(
                    "deps config: {} (given with --config)",
                    leakgate::escape::path(path)
                ),
            );
            IgnoreList::load(path, true)?
        }
        None => {
            let file = root.join(".leakgate.toml");
            if file.is_file() {
                super::output::note(
                    1,
                    format!(
                        "deps config: {} (found at the root)",
                        leakgate::escape::path(&file)
                    ),
                );
            }
            IgnoreList::load(&file, false)?
        }
    };
    super::output::note(
        1,
        format!(
            "advisory database: {}",
            sources
                .iter()
                .map(|s| leakgate::escape::path(s).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
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
