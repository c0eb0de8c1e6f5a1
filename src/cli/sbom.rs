//! `leakgate sbom` (placeholder until its owner lands it).

use super::Outcome;
use clap::Args;

/// Arguments of `leakgate sbom`.
#[derive(Debug, Args)]
pub struct SbomArgs {}

/// Runs `leakgate sbom`.
pub fn run(_args: SbomArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`leakgate sbom` is not built yet")
}
