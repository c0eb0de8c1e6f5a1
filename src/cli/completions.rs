//! `leakgate completions SHELL`: the shell completion script on stdout.

use super::Outcome;
use anyhow::Context;
use clap::{Args, Command, CommandFactory};
use clap_complete::Shell;
use std::io::Write;

/// Arguments of `leakgate completions`.
#[derive(Debug, Args)]
#[command(after_help = "\
Install:
  bash        leakgate completions bash > ~/.local/share/bash-completion/completions/leakgate
  zsh         leakgate completions zsh > ~/.zfunc/_leakgate   (with fpath+=~/.zfunc before compinit)
  fish        leakgate completions fish > ~/.config/fish/completions/leakgate.fish
  powershell  leakgate completions powershell >> $PROFILE
  elvish      leakgate completions elvish >> ~/.config/elvish/rc.elv")]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Writes the script for `args.shell` to stdout.
pub fn run(args: &CompletionsArgs) -> anyhow::Result<Outcome> {
    let mut out = Vec::new();
    write(args.shell, &mut out);
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(&out).and_then(|_| stdout.flush()) {
        Ok(()) => Ok(Outcome::Clean),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(Outcome::Clean),
        Err(e) => Err(e).context("cannot write the completion script to stdout"),
    }
}

/// The completion script for `shell`. Hidden subcommands and flags (the
/// gitleaks compatibility ones, earlier spellings) are left out:
/// clap_complete would complete them, so they are taken out first.
pub fn write(shell: Shell, out: &mut Vec<u8>) {
    let mut cmd = visible(&super::Cli::command());
    clap_complete::generate(shell, &mut cmd, "leakgate", out);
}

/// A copy of `cmd` with only what `--help` shows: its visible arguments
/// (with their visible aliases) and visible subcommands, recursively.
/// Argument groups are not copied (they name hidden arguments too, and
/// completion does not use them).
fn visible(cmd: &Command) -> Command {
    let mut out = Command::new(cmd.get_name().to_string())
        .args(cmd.get_arguments().filter(|a| !a.is_hide_set()).cloned())
        .subcommands(
            cmd.get_subcommands()
                .filter(|s| !s.is_hide_set())
                .map(visible),
        )
        .visible_aliases(cmd.get_visible_aliases().map(str::to_string));
    if let Some(about) = cmd.get_about() {
        out = out.about(about.clone());
    }
    if let Some(version) = cmd.get_version() {
        out = out.version(version.to_string());
    }
    if cmd.is_subcommand_required_set() {
        out = out.subcommand_required(true);
    }
    out
}
