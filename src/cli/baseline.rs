//! Baseline and stale-entry flags of `leakgate scan` (placeholder until the git/baseline work lands).

use clap::Args;

/// `--baseline`, `--write-baseline`, `--report-stale`.
#[derive(Debug, Clone, Args)]
pub struct BaselineArgs {}
