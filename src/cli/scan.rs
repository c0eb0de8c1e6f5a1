//! `leakgate scan` (placeholder until its owner lands it).

use super::Outcome;
use clap::Args;

/// Arguments of `leakgate scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {}

/// Runs `leakgate scan`.
pub fn run(_args: ScanArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`leakgate scan` is not built yet")
}
