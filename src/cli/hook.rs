//! `leakgate hook` (placeholder until its owner lands it).

use super::Outcome;
use clap::Subcommand;

/// Subcommands of `leakgate hook`.
#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Placeholder.
    List,
}

/// Runs `leakgate hook`.
pub fn run(_cmd: HookCommand) -> anyhow::Result<Outcome> {
    anyhow::bail!("`leakgate hook` is not built yet")
}
