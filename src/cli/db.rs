//! `leakgate db` (placeholder until its owner lands it).

use super::Outcome;
use clap::Subcommand;

/// Subcommands of `leakgate db`.
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Placeholder.
    List,
}

/// Runs `leakgate db`.
pub fn run(_cmd: DbCommand) -> anyhow::Result<Outcome> {
    anyhow::bail!("`leakgate db` is not built yet")
}
