//! `--baseline`, `--write-baseline` and `--report-stale` of `leakgate scan`:
//! applied after any source (directory, stdin or git) has filled the report.

use clap::Args;
use leakgate::allow::baseline::{self, Baseline};
use leakgate::report::Report;
use leakgate::scanner::Scanner;
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

/// Modes that see only part of the code: every entry about the rest would
/// look stale.
const INCREMENTAL_MODES: [&str; 4] = ["staged", "range", "since", "pre-push"];

/// Writes, applies and checks baselines on `report`.
pub fn apply(args: &BaselineArgs, scanner: &Scanner, report: &mut Report) -> anyhow::Result<()> {
    let loaded = args.baseline.as_deref().map(Baseline::load).transpose()?;
    if let Some(path) = &args.write_baseline {
        baseline::write(report, path)?;
        report.scan.warnings.push(format!(
            "wrote {} finding(s) to the baseline {}",
            report.findings.len(),
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
