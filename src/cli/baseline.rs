//! `--baseline`, `--write-baseline` and `--report-stale` of `leakgate scan`:
//! applied after any source (directory, stdin or git) has filled the report.

use clap::{Args, Subcommand};
use leakgate::allow::baseline::{self, Baseline};
use leakgate::report::Report;
use leakgate::scanner::{ScanOptions, Scanner};
use std::path::PathBuf;

/// Baseline and stale-entry flags.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Baselines")]
pub struct BaselineArgs {
    /// Report and fail only on findings whose fingerprint is not in FILE (a
    /// JSON report, e.g. from --write-baseline). A secret whose line moved is not new.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in FILE (secrets redacted), before
    /// --baseline is applied. The run still reports and fails on them.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Warn about baseline and ignore-file entries that matched nothing
    /// (meaningful for full scans: a directory or --history).
    #[arg(long)]
    pub report_stale: bool,
}

/// True when `--baseline` names a baseline whose matching needs the
/// secrets in clear (a detect-secrets baseline).
pub fn needs_clear_secrets(args: &BaselineArgs) -> anyhow::Result<bool> {
    Ok(match &args.baseline {
        Some(p) => Baseline::load(p)?.needs_secrets(),
        None => false,
    })
}

/// `leakgate baseline …`
#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Convert a gitleaks JSON report or a detect-secrets `.secrets.baseline`
    /// into a leakgate baseline: scans PATH and records the findings the
    /// foreign baseline accepts.
    Import(ImportArgs),
}

/// Arguments of `leakgate baseline import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The gitleaks report (`--report-format json`) or `.secrets.baseline`.
    #[arg(value_name = "FILE")]
    pub from: PathBuf,
    /// Files or directories to scan (default: the current directory).
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Where to write the leakgate baseline.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "OUT",
        default_value = ".leakgate-baseline.json"
    )]
    pub output: PathBuf,
    /// Config file (same discovery as `scan`).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Runs `leakgate baseline …`.
pub fn run(cmd: BaselineCommand) -> anyhow::Result<super::Outcome> {
    let BaselineCommand::Import(args) = cmd;
    let from = Baseline::load(&args.from)?;
    let total = from.foreign_entries().len() + from.entries().len();
    let opts = ScanOptions {
        redact: false,
        ..ScanOptions::default()
    };
    let scanner = super::scan::build_scanner(&args.paths, args.config.as_deref(), opts)?;
    let mut report = Report::new("secrets", ".");
    super::scan::scan_into(&scanner, &args.paths, &mut report);
    report.findings.retain(|f| from.accepts(f));
    let unmatched = from
        .foreign_entries()
        .iter()
        .filter(|e| !report.findings.iter().any(|f| e.matches(f)))
        .count();
    baseline::write(&report, &args.output)?;
    if !super::output::console().quiet {
        eprintln!(
            "Imported {} from {} ({}) into {}",
            super::output::count(report.findings.len() as u64, "finding", "findings"),
            leakgate::escape::path(&args.from),
            super::output::count(total as u64, "entry", "entries"),
            leakgate::escape::path(&args.output)
        );
    }
    if unmatched > 0 {
        super::output::warn(format_args!(
            "{} no current finding (removed secrets, audited-as-real secrets, or secrets leakgate's rules do not detect)",
            super::output::count(unmatched as u64, "entry matched", "entries matched")
        ));
    }
    Ok(super::Outcome::Clean)
}

/// Modes that see only part of the code: every entry about the rest would
/// look stale.
const INCREMENTAL_MODES: [&str; 4] = ["staged", "range", "since", "pre-push"];

/// Writes, applies and checks baselines on `report`.
pub fn apply(args: &BaselineArgs, scanner: &Scanner, report: &mut Report) -> anyhow::Result<()> {
    let loaded = args.baseline.as_deref().map(Baseline::load).transpose()?;
    if let Some(path) = &args.write_baseline {
        baseline::write(report, path)?;
        report.scan.warnings.push(format!(
            "wrote {} to the baseline {}",
            super::output::count(report.findings.len() as u64, "finding", "findings"),
            path.display()
        ));
    }
    let applied = loaded.as_ref().map(|b| {
        let applied = b.apply(&mut report.findings);
        report
            .scan
            .stats
            .set("baseline_suppressed", applied.suppressed as u64);
        applied
    });
    if !args.report_stale {
        return Ok(());
    }
    let mode = report
        .scan
        .stats
        .0
        .get("mode")
        .and_then(|m| m.as_str())
        .unwrap_or("");
    if INCREMENTAL_MODES.contains(&mode) {
        report.scan.warnings.push(format!(
            "--report-stale skipped: a {mode} scan sees only changed content, so unrelated entries would all look stale; run it with a directory scan or --history"
        ));
        return Ok(());
    }
    if let (Some(b), Some(applied)) = (&loaded, &applied) {
        for entry in b.stale(applied) {
            report.scan.warnings.push(format!(
                "stale baseline entry in {}: {} ({} at {}:{}) matched no finding",
                b.path().display(),
                entry.fingerprint,
                entry.rule_id,
                entry.path,
                entry.line
            ));
        }
    }
    for entry in scanner.stale_ignores() {
        report.scan.warnings.push(format!(
            "stale ignore-file entry matched no finding: {entry}"
        ));
    }
    Ok(())
}
