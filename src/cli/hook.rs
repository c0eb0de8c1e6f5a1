//! `leakgate hook install|uninstall`: put leakgate's pre-commit and pre-push
//! hooks in place (chaining any existing hook) or take them out again.

use super::Outcome;
use anyhow::Context;
use clap::{Args, Subcommand};
use leakgate::hook::{self, HookKind, HooksDir, Installed, Uninstalled};

/// A status line on stdout, unless `--quiet`.
macro_rules! say {
    ($($t:tt)*) => {
        if !super::output::console().quiet {
            println!($($t)*);
        }
    };
}

/// Subcommands of `leakgate hook`.
#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Install the hooks (pre-commit by default). An existing hook is kept
    /// and still runs, before leakgate's.
    Install(InstallArgs),
    /// Remove leakgate's hooks (both by default), restoring chained hooks.
    Uninstall(SelectArgs),
}

/// Which hooks, and where.
#[derive(Debug, Args)]
pub struct SelectArgs {
    /// The pre-commit hook (scans staged changes).
    #[arg(long)]
    pub pre_commit: bool,
    /// The pre-push hook (scans the commits being pushed).
    #[arg(long)]
    pub pre_push: bool,
    /// For every repository: the global core.hooksPath (set to
    /// ~/.config/leakgate/hooks when unset) instead of this repository. The
    /// global git config is read and written with `git config --global`, so
    /// GIT_CONFIG_GLOBAL and $XDG_CONFIG_HOME/git/config are honoured.
    #[arg(long)]
    pub global: bool,
}

/// `hook install` flags.
#[derive(Debug, Args)]
pub struct InstallArgs {
    #[command(flatten)]
    select: SelectArgs,
    /// Replace a leakgate hook installed earlier (e.g. from another binary path).
    #[arg(long)]
    pub force: bool,
}

/// Runs `leakgate hook`.
pub fn run(cmd: HookCommand) -> anyhow::Result<Outcome> {
    match cmd {
        HookCommand::Install(args) => install(&args),
        HookCommand::Uninstall(args) => uninstall(&args),
    }
}

fn kinds(select: &SelectArgs, default: &[HookKind]) -> Vec<HookKind> {
    let mut out = Vec::new();
    if select.pre_commit {
        out.push(HookKind::PreCommit);
    }
    if select.pre_push {
        out.push(HookKind::PrePush);
    }
    if out.is_empty() {
        out.extend_from_slice(default);
    }
    out
}

fn install(args: &InstallArgs) -> anyhow::Result<Outcome> {
    let binary = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .context("cannot find the path of the running leakgate binary")?;
    let dir: HooksDir = if args.select.global {
        hook::global_hooks_dir(true)?.context("no global hooks directory could be set up")?
    } else {
        hook::repository_hooks_dir(&std::env::current_dir()?)?
    };
    if dir.configured {
        say!(
            "set the global core.hooksPath to {} (every repository now runs hooks from there; their own .git/hooks still run, chained)",
            dir.path.display()
        );
    } else if dir.scope == hook::Scope::Global && !args.select.global {
        say!(
            "note: core.hooksPath comes from your global git config: installing into {}, which serves every repository",
            dir.path.display()
        );
    }
    for kind in kinds(&args.select, &[HookKind::PreCommit]) {
        let path = dir.path.join(kind.file_name());
        match hook::install(&dir, kind, &binary, args.force)? {
            Installed::Fresh => say!("installed {}", path.display()),
            Installed::Chained(kept) => say!(
                "installed {} (the existing hook was kept as {} and runs first)",
                path.display(),
                kept.display()
            ),
            Installed::AlreadyCurrent => {
                say!("{} is already installed and up to date", path.display())
            }
            Installed::Replaced => say!("replaced the leakgate hook {}", path.display()),
        }
    }
    Ok(Outcome::Clean)
}

fn uninstall(args: &SelectArgs) -> anyhow::Result<Outcome> {
    let dir = if args.global {
        match hook::global_hooks_dir(false)? {
            Some(d) => d,
            None => {
                say!("no global core.hooksPath is set: nothing to uninstall");
                return Ok(Outcome::Clean);
            }
        }
    } else {
        hook::repository_hooks_dir(&std::env::current_dir()?)?
    };
    for kind in kinds(args, &HookKind::ALL) {
        let path = dir.path.join(kind.file_name());
        match hook::uninstall(&dir, kind)? {
            Uninstalled::Removed => say!("removed {}", path.display()),
            Uninstalled::Restored(p) => say!(
                "removed leakgate's hook and restored the previous {}",
                p.display()
            ),
            Uninstalled::NotInstalled => say!("no leakgate hook at {}", path.display()),
        }
    }
    if args.global && hook::release_global_hooks_dir(&dir.path)? {
        say!("unset the global core.hooksPath that leakgate had set");
    }
    Ok(Outcome::Clean)
}
