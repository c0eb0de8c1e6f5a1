//! Git modes of `leakgate scan`: `--staged`, `--range`, `--since`, `--pre-push`,
//! `--history` (placeholder until the git work lands).

use clap::Args;

/// Flags selecting a git source.
#[derive(Debug, Clone, Args)]
pub struct GitScanArgs {}

impl GitScanArgs {
    /// True when one of the git modes was asked for.
    pub fn mode_selected(&self) -> bool {
        false
    }
}

/// Collects findings from the selected git source into `report`.
pub fn collect(
    _args: &GitScanArgs,
    _paths: &[std::path::PathBuf],
    _scanner: &leakgate::scanner::Scanner,
    _report: &mut leakgate::report::Report,
) -> anyhow::Result<()> {
    anyhow::bail!("git scanning not built")
}
