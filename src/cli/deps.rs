//! `leakgate deps` (placeholder until the vulnerability work lands).

use super::output::OutputArgs;
use super::Outcome;
use clap::Args;
use leakgate::inventory::Package;

/// Vulnerability-matching flags shared by `deps` and `sbom check`
/// (`--db`, `--fail-on`, `--unscored-pass`, `--only-fixed`, `--exclude-dev`).
#[derive(Debug, Clone, Args)]
pub struct VulnArgs {}

/// Arguments of `leakgate deps`.
#[derive(Debug, Args)]
pub struct DepsArgs {
    /// Vulnerability flags.
    #[command(flatten)]
    pub vuln: VulnArgs,
    /// Output flags.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Runs `leakgate deps`.
pub fn run(_args: DepsArgs) -> anyhow::Result<Outcome> {
    anyhow::bail!("`leakgate deps` is not built yet")
}

/// Matches an inventory against the vulnerability database and reports it:
/// the shared back half of `deps` and `sbom check`.
pub fn check_packages(
    _packages: &[Package],
    _command: &str,
    _target: &str,
    _vuln: &VulnArgs,
    _output: &OutputArgs,
) -> anyhow::Result<Outcome> {
    anyhow::bail!("vulnerability matching is not built yet")
}
