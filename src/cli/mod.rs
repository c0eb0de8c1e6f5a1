//! Command-line definitions (clap) and dispatch. No scanning logic lives
//! here: each subcommand module turns its arguments into library calls and a
//! [`Report`](leakgate::report::Report), and [`output`] renders it.

use clap::{Parser, Subcommand};

mod baseline;
mod completions;
mod db;
mod deps;
pub mod gitleaks;
mod hook;
mod man;
pub mod output;
mod policy;
mod rules;
mod sbom;
mod scan;
mod scan_git;

/// How a successful run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to report: exit 0.
    Clean,
    /// Findings that fail the run: exit with this code (1 unless `--exit-code`).
    Findings(u8),
}

/// Stops secrets and vulnerable dependencies from reaching a repository or a release.
#[derive(Debug, Parser)]
#[command(name = "leakgate", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    pub console: ConsoleArgs,
}

/// The global flags: how leakgate talks on the terminal.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Console")]
pub struct ConsoleArgs {
    /// Colour the text report, summaries, warnings and help: auto (on a
    /// terminal, unless NO_COLOR or CLICOLOR=0; CLICOLOR_FORCE=1 forces it),
    /// always, never. The flag wins over the environment.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "WHEN",
        default_value = "auto"
    )]
    pub color: output::ColorChoice,
    /// Print only findings and errors: no summaries, warnings, notes or progress.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Say more: the config file loaded and from where, how many rules, each
    /// file skipped and why (repeatable).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

impl ConsoleArgs {
    /// The settings for [`output::init`].
    pub fn console(&self) -> output::Console {
        output::Console {
            color: self.color,
            quiet: self.quiet,
            verbose: self.verbose,
        }
    }
}

const EXAMPLES: &str = "\
Examples:
  leakgate scan .                      scan a directory (honours .gitignore)
  leakgate scan --staged               pre-commit: scan what is staged
  leakgate scan --history --all-refs   audit the full git history
  leakgate deps .                      check lockfiles against OSV advisories
  leakgate sbom . -o sbom.cdx.json     write a CycloneDX SBOM
  leakgate policy .                    check IaC and workflows for risky permissions
  leakgate hook install --pre-commit   install the git hook

Exit codes: 0 clean, 1 findings (see --exit-code), 2 usage, config or runtime error.";

#[derive(Debug, Subcommand)]
enum Command {
    /// Scan files, directories, stdin or git history for secrets.
    Scan(scan::ScanArgs),
    /// List or check the secret rules.
    #[command(subcommand)]
    Rules(rules::RulesCommand),
    /// Install or remove the git hooks.
    #[command(subcommand)]
    Hook(hook::HookCommand),
    /// Check lockfiles for known-vulnerable dependencies (OSV).
    Deps(deps::DepsArgs),
    /// Generate an SBOM from lockfiles, list the inventory, or check an SBOM.
    Sbom(sbom::SbomArgs),
    /// Manage the offline OSV vulnerability database.
    #[command(subcommand)]
    Db(db::DbCommand),
    /// Import a gitleaks or detect-secrets baseline.
    #[command(subcommand)]
    Baseline(baseline::BaselineCommand),
    /// Check IaC and CI code for misconfigured permissions (IAM, storage, workflows, Kubernetes).
    Policy(policy::PolicyArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(completions::CompletionsArgs),
    /// Print a man page (roff), or write one per subcommand with --dir.
    Man(man::ManArgs),
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Scan(a) => scan::run(a),
        Command::Rules(c) => rules::run(c),
        Command::Hook(c) => hook::run(c),
        Command::Deps(a) => deps::run(a),
        Command::Sbom(a) => sbom::run(a),
        Command::Db(c) => db::run(c),
        Command::Baseline(c) => baseline::run(c),
        Command::Policy(a) => policy::run(a),
        Command::Completions(a) => completions::run(&a),
        Command::Man(a) => man::run(&a),
    }
}
