//! Baseline and stale-entry flags of `leakgate scan` (placeholder until the git/baseline work lands).

use clap::Args;

/// `--baseline`, `--write-baseline`, `--report-stale`.
#[derive(Debug, Clone, Args)]
pub struct BaselineArgs {}

/// Applies the baseline and stale-entry flags to `report`.
pub fn apply(
    _args: &BaselineArgs,
    _scanner: &leakgate::scanner::Scanner,
    _report: &mut leakgate::report::Report,
) -> anyhow::Result<()> {
    Ok(())
}
