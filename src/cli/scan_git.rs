//! Git modes of `leakgate scan`: `--staged` (pre-commit), `--range`,
//! `--since` and `--pre-push` (pre-push and CI), `--history` (audit). Turns
//! the flags into calls to [`leakgate::git`] and the result into the report.

use clap::Args;
use leakgate::git::history::{HistoryOptions, RefSelection};
use leakgate::git::progress::Progress;
use leakgate::git::range::CommitScanOptions;
use leakgate::git::{history, prepush, range, repo, staged, ScanOutput};
use leakgate::report::Report;
use leakgate::scanner::Scanner;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Flags selecting a git source. At most one mode; PATH (optional) is any
/// directory inside the repository.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Git sources")]
pub struct GitScanArgs {
    /// Scan the changes staged for the next commit (the index, not the work
    /// tree); only added lines are reported. For the pre-commit hook.
    #[arg(long, conflicts_with_all = ["range", "since", "pre_push", "history"])]
    pub staged: bool,
    /// Scan the commits reachable from B but not from A (`A..B`; `A...B`
    /// for both sides since their merge base); only added lines are reported.
    #[arg(long, value_name = "A..B", conflicts_with_all = ["since", "pre_push", "history"])]
    pub range: Option<String>,
    /// Scan the commits of REV..HEAD.
    #[arg(long, value_name = "REV", conflicts_with_all = ["pre_push", "history"])]
    pub since: Option<String>,
    /// Scan what `git push` is about to send, from the pre-push hook's stdin.
    #[arg(long, conflicts_with = "history")]
    pub pre_push: bool,
    /// Audit every blob reachable from HEAD (or --branch / --all-refs), each
    /// scanned once, in parallel; findings name the commit that introduced them.
    #[arg(long)]
    pub history: bool,
    /// With --history: start from REF instead of HEAD (repeatable).
    #[arg(
        long,
        value_name = "REF",
        requires = "history",
        conflicts_with = "all_refs"
    )]
    pub branch: Vec<String>,
    /// With --history: start from every ref (branches, tags, remotes, stash).
    #[arg(long, requires = "history")]
    pub all_refs: bool,
    /// With --history: neither read nor write the history cache (by default
    /// a re-audit skips the commits, trees and clean blobs an earlier audit
    /// of the same repository with the same rules already covered; the cache
    /// is in $LEAKGATE_CACHE_DIR, else $XDG_CACHE_HOME/leakgate, else
    /// ~/.cache/leakgate).
    #[arg(long, requires = "history")]
    pub no_cache: bool,
    /// List every commit that introduces a secret (Location.other_commits), not only the first.
    #[arg(long)]
    pub all_commits: bool,
    /// Never draw the progress bar (it is only drawn when stderr is a terminal).
    #[arg(long)]
    pub no_progress: bool,
}

impl GitScanArgs {
    /// True when one of the git modes was asked for.
    pub fn mode_selected(&self) -> bool {
        self.staged || self.range.is_some() || self.since.is_some() || self.pre_push || self.history
    }
}

/// The repository a git mode reads, found from the PATH argument (or, for
/// the default `.`, the way git hooks expect: `GIT_DIR` and friends, then
/// the current directory upwards). Also returns that PATH.
pub fn open_repository(paths: &[PathBuf]) -> anyhow::Result<(git2::Repository, Option<PathBuf>)> {
    let path: Option<&Path> = match paths {
        [] => None,
        [one] if one.as_os_str() == "." => None,
        [one] if one.as_os_str() == "-" => {
            anyhow::bail!("git modes read the repository, not stdin: drop `-`")
        }
        [one] => Some(one),
        _ => anyhow::bail!(
            "git modes take at most one PATH (a directory inside the repository), got {}",
            paths.len()
        ),
    };
    // libgit2 re-hashes every object it reads to verify its id. A scanner
    // only needs the bytes (a corrupt blob scans as whatever it holds), and
    // hashing costs about as much as scanning, so it is turned off for this
    // process.
    git2::opts::strict_hash_verification(false);
    // libgit2 maps pack files in windows of 1 GiB, up to 8 GiB at once: an
    // audit that reads every object would keep the whole pack resident.
    // Smaller windows under a lower cap (least recently used ones are
    // unmapped) bound that part of the memory.
    // SAFETY: set before any other libgit2 call of this process, on the
    // only thread that uses libgit2 yet.
    unsafe {
        let _ = git2::opts::set_mwindow_size(32 << 20);
        let _ = git2::opts::set_mwindow_mapped_limit(128 << 20);
    }
    let repository = repo::open(path)?;
    Ok((repository, path.map(Path::to_path_buf)))
}

/// Where a git scan looks for `.leakgate.toml` and `.leakgateignore`: the
/// root of the repository's work tree, wherever inside it the scan started;
/// for a bare repository, the PATH given (else the current directory).
pub fn config_root(repository: &git2::Repository, path: Option<&Path>) -> PathBuf {
    match repository.workdir() {
        Some(dir) => dir.to_path_buf(),
        None => path.map_or_else(|| PathBuf::from("."), Path::to_path_buf),
    }
}

/// Runs the selected git mode on `repository` (from [`open_repository`],
/// with its PATH) and fills `report` (findings, target, stats, errors and
/// warnings).
pub fn collect(
    args: &GitScanArgs,
    repository: &git2::Repository,
    path: Option<&Path>,
    scanner: &Scanner,
    report: &mut Report,
) -> anyhow::Result<()> {
    let max_size = scanner.options().max_file_size;
    let progress = Progress::new(!args.no_progress && !super::output::console().quiet);
    let commit_opts = CommitScanOptions {
        all_commits: args.all_commits,
        max_size,
    };
    let (mode, revisions, out) = if args.staged {
        // A hook's GIT_INDEX_FILE (`git commit -a`, `git commit <paths>`)
        // applies only to a repository found through the environment.
        let index_file = path
            .is_none()
            .then(|| std::env::var_os("GIT_INDEX_FILE").map(PathBuf::from))
            .flatten();
        let out = staged::scan_staged(repository, index_file.as_deref(), scanner, max_size)?;
        ("staged", String::new(), out)
    } else if let Some(spec) = &args.range {
        let commits = range::resolve_range(repository, spec)?;
        let out = range::scan_commits(repository, &commits, scanner, commit_opts, &progress)?;
        ("range", spec.clone(), out)
    } else if let Some(rev) = &args.since {
        let commits = range::resolve_since(repository, rev)?;
        let out = range::scan_commits(repository, &commits, scanner, commit_opts, &progress)?;
        ("since", format!("{rev}..HEAD"), out)
    } else if args.pre_push {
        let out = pre_push(repository, scanner, commit_opts, &progress)?;
        ("pre-push", String::new(), out)
    } else {
        let refs = if args.all_refs {
            RefSelection::AllRefs
        } else if !args.branch.is_empty() {
            RefSelection::Revisions(args.branch.clone())
        } else {
            RefSelection::Head
        };
        let revisions = match &refs {
            RefSelection::Head => "HEAD".to_string(),
            RefSelection::Revisions(r) => r.join(" "),
            RefSelection::AllRefs => "--all-refs".to_string(),
        };
        let opts = HistoryOptions {
            refs,
            all_commits: args.all_commits,
            max_size,
            cache_dir: if args.no_cache {
                None
            } else {
                leakgate::git::cache::default_dir()
            },
        };
        let out = history::scan_history(repository, scanner, &opts, &progress)?;
        ("history", revisions, out)
    };
    if report.scan.target.is_empty() {
        report.scan.target = path.map_or_else(|| ".".to_string(), |p| p.display().to_string());
    }
    merge(report, mode, &revisions, out);
    Ok(())
}

/// Reads git's pre-push input from stdin and scans the commits being pushed.
fn pre_push(
    repository: &git2::Repository,
    scanner: &Scanner,
    opts: CommitScanOptions,
    progress: &Progress,
) -> anyhow::Result<ScanOutput> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        anyhow::bail!(
            "--pre-push reads git's pre-push input (`<local ref> <local sha> <remote ref> <remote sha>` lines) on stdin; run it from the pre-push hook or pipe the lines in"
        );
    }
    let input = prepush::read_input(&mut stdin.lock())?;
    let updates = prepush::parse_updates(&input)?;
    let (commits, warnings) = prepush::commits_to_push(repository, &updates)?;
    let mut out = range::scan_commits(repository, &commits, scanner, opts, progress)?;
    prepush::scan_pushed_tags(repository, &updates, scanner, opts.max_size, &mut out)?;
    out.warnings.extend(warnings);
    out.stats.set("refs_pushed", updates.len() as u64);
    Ok(out)
}

// failclosed: skips are named (stderr and report warnings), paths must exist.

/// Most skipped files named one per line on stderr (all are in the report).
const MAX_SKIPS_ON_STDERR: usize = 50;

/// Names every skipped file: in the report's warnings (so JSON, SARIF,
/// JUnit and GitLab carry them) and on stderr (all of them with `-v`, none
/// with `-q`), and counts them.
pub fn report_skips(skipped: &[leakgate::source::Skip], report: &mut Report) {
    let shown = if super::output::verbose() {
        usize::MAX
    } else {
        MAX_SKIPS_ON_STDERR
    };
    for (i, skip) in skipped.iter().enumerate() {
        if i < shown {
            super::output::warn(skip);
        } else if i == shown {
            super::output::warn(format!(
                "more {} listed in the report (-v lists them all here)",
                super::output::count(
                    (skipped.len() - i) as u64,
                    "skipped file is",
                    "skipped files are"
                ),
            ));
        }
        report.scan.warnings.push(skip.to_string());
    }
    report
        .scan
        .stats
        .add(leakgate::source::keys::FILES_SKIPPED, skipped.len() as u64);
}

/// Fails (exit 2) when a PATH argument other than `-` does not exist.
pub fn require_paths_exist(paths: &[PathBuf]) -> anyhow::Result<()> {
    for p in paths {
        if p.as_os_str() != "-" && std::fs::symlink_metadata(p).is_err() {
            anyhow::bail!("{}: no such file or directory", leakgate::escape::path(p));
        }
    }
    Ok(())
}

fn merge(report: &mut Report, mode: &str, revisions: &str, out: ScanOutput) {
    for note in &out.notes {
        super::output::note(1, note);
    }
    report.findings.extend(out.findings);
    report.scan.stats.merge(&out.stats);
    report.scan.stats.set("mode", mode);
    if !revisions.is_empty() {
        report.scan.stats.set("revisions", revisions);
    }
    // An object that could not be read is input that was not scanned: name
    // each one on stderr as well as in the report (`--strict` fails on them).
    for e in &out.errors {
        super::output::warn(format_args!(
            "{}: {}",
            leakgate::escape::text(&e.path),
            leakgate::escape::text(&e.message)
        ));
    }
    report.scan.errors.extend(out.errors);
    report.scan.warnings.extend(out.warnings);
    report_skips(&out.skipped, report);
}
