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
