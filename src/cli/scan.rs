//! `leakgate scan`: build the scanner from the config, scan paths, stdin or a
//! git source, apply the baseline, render the report.

use super::deps::VulnArgs;
use super::Outcome;
use anyhow::Context;
use clap::Args;
use leakgate::inventory::{InventoryError, Package};
use leakgate::report::Report;
use leakgate::scanner::{ScanOptions, Scanner};
use leakgate::source::{self, fs::normalize, ScanResult};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `leakgate scan`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  leakgate scan                        scan the current directory
  leakgate scan src config/app.env     scan some directories and files
  cat file | leakgate scan -           scan standard input
  leakgate scan --no-ignore -f json    include git-ignored files, JSON output
  leakgate scan --staged               scan what is staged (pre-commit)
  leakgate scan --deps --db osv.zip    secrets and vulnerable dependencies, one report")]
pub struct ScanArgs {
    /// Files or directories to scan; `-` reads standard input.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Config file (default: `.leakgate.toml`, else `.gitleaks.toml`, at the scan root).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Scan files that .gitignore / .ignore exclude too.
    #[arg(long)]
    pub no_ignore: bool,
    /// Skip files larger than this many bytes (counted in the stats).
    #[arg(long, value_name = "BYTES", default_value_t = 10 * 1024 * 1024)]
    pub max_file_size: u64,
    /// Show secrets in clear in the output (they are redacted by default).
    #[arg(long)]
    pub no_redact: bool,
    /// Exit 2 when some input could not be read.
    #[arg(long)]
    pub strict: bool,
    /// After the secrets, check the lockfiles under PATH for known-vulnerable
    /// dependencies (OSV): one report and one exit code for both. Directory
    /// scans only. `--config` also supplies the `[[deps.ignore]]` entries.
    #[arg(long, conflicts_with_all = ["staged", "range", "since", "pre_push", "history"])]
    pub deps: bool,
    /// Also check the IaC and workflow files under PATH for misconfigured
    /// permissions (`leakgate policy`): one report and one exit code.
    #[arg(long, conflicts_with_all = ["staged", "range", "since", "pre_push", "history"])]
    pub policy: bool,
    #[command(flatten, next_help_heading = "Dependencies (with --deps)")]
    pub vuln: super::deps::VulnMatchArgs,
    #[command(flatten)]
    pub git: super::scan_git::GitScanArgs,
    #[command(flatten)]
    pub baseline: super::baseline::BaselineArgs,
    #[command(flatten)]
    pub output: super::output::OutputArgs,
}

/// Runs `leakgate scan`.
pub fn run(args: ScanArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    if args.deps && args.paths.iter().any(|p| p.as_os_str() == "-") {
        anyhow::bail!(
            "--deps checks the lockfiles under directories; it cannot read standard input (drop `-` or `--deps`)"
        );
    }
    let vuln = &args.vuln;
    if !args.deps
        && (!vuln.db.is_empty() || vuln.unscored_pass || vuln.only_fixed || vuln.exclude_dev)
    {
        anyhow::bail!(
            "--db, --unscored-pass, --only-fixed and --exclude-dev apply to the dependency check: add --deps"
        );
    }
    let opts = ScanOptions {
        redact: !args.no_redact,
        max_file_size: args.max_file_size,
        no_ignore: args.no_ignore,
    };
    let git = if args.git.mode_selected() {
        Some(super::scan_git::open_repository(&args.paths)?)
    } else {
        None
    };
    let root = match &git {
        Some((repository, path)) => super::scan_git::config_root(repository, path.as_deref()),
        None => config_root(&args.paths),
    };
    let scanner = Scanner::from_config(&root, args.config.as_deref(), opts)
        .context("cannot load the secret-scanning configuration")?;
    let target = args
        .paths
        .iter()
        .map(|p| normalize(p))
        .collect::<Vec<_>>()
        .join(" ");
    let mut report = Report::new("secrets", &target);
    if let Some((repository, path)) = &git {
        super::scan_git::collect(
            &args.git,
            repository,
            path.as_deref(),
            &scanner,
            &mut report,
        )?;
    } else {
        let res = scan_inputs(&scanner, &args.paths);
        for p in &res.errors {
            eprintln!("leakgate: warning: {}: {}", p.path, p.message);
        }
        report.findings.extend(res.findings);
        report.scan.stats.merge(&res.stats);
        report.scan.errors.extend(res.errors);
    }
    if args.policy {
        add_policy(&args, &scanner, &root, &mut report)?;
    }
    super::baseline::apply(&args.baseline, &scanner, &mut report)?;
    let mut failing = report.findings.len();
    if args.deps {
        failing += check_deps(&args, &target, &mut report)?;
    }
    report.scan.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    report.sort();
    let outcome = super::output::emit(&report, &args.output, failing)?;
    if args.strict && !report.scan.errors.is_empty() {
        anyhow::bail!(
            "{} input(s) could not be read (--strict)",
            report.scan.errors.len()
        );
    }
    Ok(outcome)
}

/// `--deps`: inventories the lockfiles under the scanned paths and adds
/// their vulnerabilities to `report`; returns how many of them fail the run.
fn check_deps(args: &ScanArgs, target: &str, report: &mut Report) -> anyhow::Result<usize> {
    report.scan.command = "secrets+deps".to_string();
    let inventory = match leakgate::inventory::inventory(&args.paths) {
        Ok(inventory) => inventory,
        // A project without dependencies has nothing to check: say so, and
        // let the secrets decide the exit code.
        Err(InventoryError::NoLockfiles { .. }) => {
            report.scan.stats.add("lockfiles", 0);
            report
                .scan
                .warnings
                .push(format!("no lockfiles found under {target}"));
            return Ok(0);
        }
        Err(e) => return Err(e.into()),
    };
    report
        .scan
        .stats
        .add("lockfiles", inventory.lockfiles.len() as u64);
    let packages: Vec<Package> = inventory.packages().cloned().collect();
    let vuln = VulnArgs {
        matching: args.vuln.clone(),
        config: args.config.clone(),
    };
    super::deps::collect(&packages, &vuln, &inventory.root, report)
}

/// `--policy`: the policy checks over the same paths, into the same report.
fn add_policy(
    args: &ScanArgs,
    scanner: &Scanner,
    root: &Path,
    report: &mut Report,
) -> anyhow::Result<()> {
    let files: Vec<PathBuf> = args
        .paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .cloned()
        .collect();
    report.scan.command = format!("{}+policy", report.scan.command);
    let any = leakgate::vuln::FailOn::Any;
    super::policy::collect(&files, args.no_ignore, any, scanner, root, report).map(|_| ())
}

/// Scans files, directories and `-` (stdin, at most once).
fn scan_inputs(scanner: &Scanner, paths: &[PathBuf]) -> ScanResult {
    let (stdin, files): (Vec<&PathBuf>, Vec<&PathBuf>) =
        paths.iter().partition(|p| p.as_os_str() == "-");
    let mut res = ScanResult::zeroed();
    if !files.is_empty() {
        let files: Vec<PathBuf> = files.into_iter().cloned().collect();
        res.merge(source::fs::scan_paths(scanner, &files));
    }
    if !stdin.is_empty() {
        res.merge(source::stdin::scan_stdin(scanner));
    }
    res
}

/// Where the config and ignore files are looked for: the directory being
/// scanned when there is exactly one, else the current directory.
fn config_root(paths: &[PathBuf]) -> PathBuf {
    match paths {
        [one] if one.is_dir() => one.clone(),
        _ => Path::new(".").to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_has_no_clashes() {
        // Panics on duplicate ids or flags, e.g. two `--config`s from
        // flattened argument groups.
        super::super::Cli::command().debug_assert();
    }

    #[test]
    fn config_root_is_the_single_scanned_directory() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let one = vec![dir.path().to_path_buf()];
        assert_eq!(config_root(&one), dir.path());
        let two = vec![dir.path().to_path_buf(), dir.path().to_path_buf()];
        assert_eq!(config_root(&two), Path::new("."));
        assert_eq!(config_root(&[PathBuf::from("-")]), Path::new("."));
    }
}
