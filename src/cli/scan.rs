//! `leakgate scan`: build the scanner from the config, scan paths, stdin or a
//! git source, apply the baseline, render the report.

use super::deps::VulnArgs;
use super::Outcome;
use anyhow::Context;
use clap::Args;
use leakgate::inventory::InventoryError;
use leakgate::report::Report;
use leakgate::rules::Confidence;
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
    /// Config file (default: $LEAKGATE_CONFIG, $GITLEAKS_CONFIG, the TOML in
    /// $GITLEAKS_CONFIG_TOML, else `.leakgate.toml` or `.gitleaks.toml` at the
    /// repository root, or at the scanned directory outside a repository).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Scan files that .gitignore / .ignore exclude too.
    #[arg(long)]
    pub no_ignore: bool,
    /// Read at most this many bytes of a file at once: larger text files are
    /// scanned in overlapping chunks of this size (git blobs larger than
    /// this are skipped and named).
    #[arg(long, value_name = "BYTES", default_value_t = 10 * 1024 * 1024)]
    pub max_file_size: u64,
    /// Show secrets in clear in the output (they are redacted by default).
    #[arg(long)]
    pub no_redact: bool,
    /// Exit 2 when some input could not be read or some file was skipped
    /// (binary, too large, not a regular file, link out of the root).
    #[arg(long)]
    pub strict: bool,
    /// Report only secrets at least this sure: high (valid checksum),
    /// medium (distinctive format) or low (context-keyed or generic; all).
    #[arg(long, value_name = "LEVEL", value_parser = parse_confidence, default_value = "low")]
    pub min_confidence: Confidence,
    /// After the secrets, check the lockfiles under PATH for known-vulnerable
    /// dependencies (OSV): one report and one exit code for both. Directory
    /// scans only. `--config` also supplies the `[[deps.ignore]]` entries.
    #[arg(long, conflicts_with_all = ["staged", "range", "since", "pre_push", "history"])]
    pub deps: bool,
    /// gitleaks compatibility: an extra `.gitleaksignore`-format file.
    #[arg(long, value_name = "FILE", hide = true)]
    pub gitleaks_ignore_path: Option<PathBuf>,
    /// gitleaks compatibility: report only these rules (repeatable).
    #[arg(long, value_name = "ID", hide = true)]
    pub enable_rule: Vec<String>,
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
    if args.deps && args.output.format == leakgate::report::Format::Gitlab {
        // A GitLab report is either secret_detection or dependency_scanning:
        // one file cannot hold both without dropping findings.
        anyhow::bail!(
            "--deps with --format gitlab would need two GitLab reports (secret_detection and dependency_scanning): run `leakgate scan -f gitlab` and `leakgate deps -f gitlab` separately"
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
    // failclosed: a path that does not exist is a usage error, not "0 files".
    if !args.git.mode_selected() {
        super::scan_git::require_paths_exist(&args.paths)?;
    }
    // A detect-secrets baseline names secrets by their SHA-1: matching
    // needs them in clear, and they are dropped again right after.
    let clear_for_baseline = super::baseline::needs_clear_secrets(&args.baseline)?;
    let opts = ScanOptions {
        redact: !args.no_redact && !clear_for_baseline,
        max_file_size: args.max_file_size,
        no_ignore: args.no_ignore,
    };
    let git = if args.git.mode_selected() {
        Some(super::scan_git::open_repository(&args.paths)?)
    } else {
        None
    };
    let mut scanner = match &git {
        Some((repository, path)) => {
            let root = super::scan_git::config_root(repository, path.as_deref());
            let scanner = Scanner::from_config(&root, args.config.as_deref(), opts)
                .context("cannot load the secret-scanning configuration")?;
            super::output::note_scanner(&root, args.config.as_deref(), &scanner);
            scanner
        }
        None => build_scanner(&args.paths, args.config.as_deref(), opts)?,
    };
    if let Some(p) = &args.gitleaks_ignore_path {
        // gitleaks accepts the file or the directory holding it.
        let file = if p.is_dir() {
            p.join(".gitleaksignore")
        } else {
            p.clone()
        };
        scanner.add_ignore_file(&file)?;
    }
    if let Some(id) = args
        .enable_rule
        .iter()
        .find(|id| scanner.rules().get(id).is_none())
    {
        anyhow::bail!("--enable-rule {}: no such rule", leakgate::escape::text(id));
    }
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
        scan_into(&scanner, &args.paths, &mut report);
    }
    if !args.enable_rule.is_empty() {
        report
            .findings
            .retain(|f| args.enable_rule.iter().any(|r| **r == *f.rule_id));
    }
    if args.policy {
        // The ignore file comes from the repository root, as for secrets.
        let base = config_root(&args.paths);
        let root = work_tree_root(&base).unwrap_or(base);
        add_policy(&args, &scanner, &root, &mut report)?;
    }
    super::baseline::apply(&args.baseline, &scanner, &mut report)?;
    report.findings.retain(|f| {
        f.secret
            .as_ref()
            .and_then(|s| s.confidence)
            .is_none_or(|c| c >= args.min_confidence)
    });
    if !args.no_redact {
        for s in report.findings.iter_mut().filter_map(|f| f.secret.as_mut()) {
            s.value = None;
        }
    }
    // The rules' compiled automata and match caches are done with: free
    // them before the dependency check builds its inventory.
    drop(scanner);
    let mut failing = report.findings.len();
    if args.deps {
        failing += check_deps(&args, &target, &mut report)?;
    }
    report.scan.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    report.sort();
    // The same file named twice (`a.py ../dir/a.py`) maps to one
    // repository path: report it once.
    report.findings.dedup_by(|a, b| {
        a.fingerprint == b.fingerprint && a.location == b.location && a.rule_id == b.rule_id
    });
    let outcome = super::output::emit(&report, &args.output, failing)?;
    // A lockfile that could not be read is a dependency check that did not
    // run: after reporting everything else, fail closed.
    let unreadable = report.scan.stats.get_u64("lockfiles_unreadable");
    if unreadable > 0 {
        anyhow::bail!(
            "{} could not be read or parsed (named above)",
            super::output::count(unreadable, "lockfile", "lockfiles")
        );
    }
    if args.strict && !report.scan.errors.is_empty() {
        anyhow::bail!(
            "{} could not be read (--strict)",
            super::output::count(report.scan.errors.len() as u64, "input", "inputs")
        );
    }
    let skipped = report
        .scan
        .stats
        .get_u64(leakgate::source::keys::FILES_SKIPPED);
    if args.strict && skipped > 0 {
        anyhow::bail!(
            "{} skipped, not scanned (--strict)",
            super::output::count(skipped, "file was", "files were")
        );
    }
    Ok(outcome)
}

/// `--deps`: inventories the lockfiles under the scanned paths and adds
/// their vulnerabilities to `report`; returns how many of them fail the run.
fn check_deps(args: &ScanArgs, target: &str, report: &mut Report) -> anyhow::Result<usize> {
    report.scan.command = "secrets+deps".to_string();
    let mut inventory = match super::deps::inventory_all(&args.paths) {
        // One bad lockfile must not hide the others: report it as an input
        // error (exit 2 at the end) and check every readable one.
        Ok((inventory, errors)) => {
            report
                .scan
                .stats
                .add("lockfiles_unreadable", errors.len() as u64);
            report
                .scan
                .errors
                .extend(errors.iter().map(super::deps::problem_of));
            inventory
        }
        // A project without dependencies has nothing to check: say so, and
        // let the secrets decide the exit code.
        Err(e) if matches!(e.downcast_ref(), Some(InventoryError::NoLockfiles { .. })) => {
            report.scan.stats.add("lockfiles", 0);
            report
                .scan
                .warnings
                .push(format!("no lockfiles found under {target}"));
            return Ok(0);
        }
        Err(e) => return Err(e),
    };
    report
        .scan
        .stats
        .add("lockfiles", inventory.lockfiles.len() as u64);
    // Moved, not copied: the inventory is done with its packages.
    let packages = inventory.take_packages();
    let vuln = VulnArgs {
        matching: args.vuln.clone(),
        config: args.config.clone(),
    };
    super::deps::collect(&packages, &vuln, &inventory.root, report)
}

/// `--min-confidence` values.
fn parse_confidence(s: &str) -> Result<Confidence, String> {
    Confidence::parse(s).ok_or_else(|| format!("`{s}` is not high, medium or low"))
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

/// The scanner for a file/directory/stdin scan of `paths`. Inside a git
/// work tree the repository's config and ignore files apply wherever the
/// scan starts, and finding paths are repository-relative.
pub(super) fn build_scanner(
    paths: &[PathBuf],
    config: Option<&Path>,
    opts: ScanOptions,
) -> anyhow::Result<Scanner> {
    let base = config_root(paths);
    let work_tree = work_tree_root(&base);
    let root = work_tree.clone().unwrap_or_else(|| base.clone());
    let mut scanner = Scanner::from_config(&root, config, opts)
        .context("cannot load the secret-scanning configuration")?;
    super::output::note_scanner(&root, config, &scanner);
    if let Some(top) = &work_tree {
        scanner.set_path_prefix(&base, top);
    }
    Ok(scanner)
}

/// Scans files, directories and `-` into `report` (findings, stats and
/// errors, with a warning on stderr per unreadable input).
pub(super) fn scan_into(scanner: &Scanner, paths: &[PathBuf], report: &mut Report) {
    let res = scan_inputs(scanner, paths);
    for p in &res.errors {
        super::output::warn(format_args!(
            "{}: {}",
            leakgate::escape::text(&p.path),
            leakgate::escape::text(&p.message)
        ));
    }
    super::scan_git::report_skips(&res.skipped, report);
    if report.findings.is_empty() {
        // Moved, not copied: 300k findings are not held twice.
        report.findings = res.findings;
    } else {
        report.findings.extend(res.findings);
    }
    report.scan.stats.merge(&res.stats);
    report.scan.errors.extend(res.errors);
}

/// The root of the git work tree containing `dir`, if any (bare
/// repositories and plain directories have none).
fn work_tree_root(dir: &Path) -> Option<PathBuf> {
    let repository = git2::Repository::discover(dir).ok()?;
    repository.workdir().map(Path::to_path_buf)
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
