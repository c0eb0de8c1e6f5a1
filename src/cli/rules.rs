//! `leakgate rules` (placeholder until its owner lands it).

use super::Outcome;
use clap::Subcommand;

/// Subcommands of `leakgate rules`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Placeholder.
    List,
}

/// Runs `leakgate rules`.
pub fn run(_cmd: RulesCommand) -> anyhow::Result<Outcome> {
    anyhow::bail!("`leakgate rules` is not built yet")
}
