//! `leakgate policy`: check infrastructure and CI code for misconfigured
//! permissions; `leakgate policy rules list|check` for the check catalogue.
//! Also the back half of `leakgate scan --policy` ([`collect`]).

use super::output::{emit, OutputArgs};
use super::Outcome;
use anyhow::Context;
use clap::{Args, Subcommand};
use leakgate::allow::ignore_file::{IgnoreFile, IgnoreKey};
use leakgate::policy::{self, catalogue, check_examples, scan::scan_paths};
use leakgate::report::Report;
use leakgate::scanner::{ScanOptions, Scanner};
use leakgate::source::fs::normalize;
use leakgate::vuln::FailOn;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `leakgate policy`.
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "\
Examples:
  leakgate policy                      check the current directory
  leakgate policy infra .github        check some directories
  leakgate policy --fail-on high -f sarif -o policy.sarif
  leakgate policy rules list           the check catalogue
  leakgate policy rules check          run every check's examples"
)]
pub struct PolicyArgs {
    /// Catalogue subcommands.
    #[command(subcommand)]
    pub command: Option<PolicyCommand>,
    /// Files or directories to check.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Config file whose allowlists apply (default: `.leakgate.toml` at the root).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Check files that .gitignore / .ignore exclude too.
    #[arg(long)]
    pub no_ignore: bool,
    /// Lowest severity that fails the run (exit 1).
    #[arg(long, value_enum, default_value = "any", value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// Stop with an error message when some file could not be read or
    /// parsed (without it such files are named in the report and the run
    /// still exits 2 after reporting every other file).
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub baseline: super::baseline::BaselineArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `leakgate policy rules ...`.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// List or check the policy checks.
    #[command(subcommand)]
    Rules(PolicyRules),
}

/// `leakgate policy rules list|check`.
#[derive(Debug, Subcommand)]
pub enum PolicyRules {
    /// One line per check: id, severity, family, title (`--format md`:
    /// the Markdown catalogue of docs/policy.md, with rationale,
    /// remediation and references).
    List {
        /// `text` (one line per check) or `md`.
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Run every check on its examples; exit 1 naming any failure.
    Check,
}

/// Output of `leakgate policy rules list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// One line per check.
    Text,
    /// Markdown: a table, then one section per check.
    Md,
}

/// Runs `leakgate policy`.
pub fn run(args: PolicyArgs) -> anyhow::Result<Outcome> {
    match args.command {
        Some(PolicyCommand::Rules(PolicyRules::List { format })) => return list(format),
        Some(PolicyCommand::Rules(PolicyRules::Check)) => return check(),
        None => {}
    }
    let started = Instant::now();
    let root = match args.paths.as_slice() {
        [one] if one.is_dir() => one.clone(),
        _ => PathBuf::from("."),
    };
    let scanner = Scanner::from_config(
        &root,
        args.config.as_deref(),
        ScanOptions {
            redact: true,
            max_file_size: policy::MAX_FILE_SIZE,
            no_ignore: args.no_ignore,
        },
    )
    .context("cannot load the configuration")?;
    super::output::note_scanner(&root, args.config.as_deref(), &scanner);
    let target = args
        .paths
        .iter()
        .map(|p| normalize(p))
        .collect::<Vec<_>>()
        .join(" ");
    let mut report = Report::new("policy", &target);
    let failing = collect(
        &args.paths,
        args.no_ignore,
        args.fail_on,
        &scanner,
        &root,
        &mut report,
    )?;
    super::baseline::apply(&args.baseline, &scanner, &mut report)?;
    // The baseline may have removed findings: count again.
    let failing = failing.min(
        report
            .findings
            .iter()
            .filter(|f| args.fail_on.fails(f.severity, false))
            .count(),
    );
    report.scan.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    report.sort();
    let outcome = emit(&report, &args.output, failing)?;
    if args.strict && !report.scan.errors.is_empty() {
        anyhow::bail!(
            "{} could not be read or parsed (--strict)",
            super::output::count(report.scan.errors.len() as u64, "file", "files")
        );
    }
    if !report.scan.errors.is_empty() {
        // Every readable file was reported; the unreadable or unparseable
        // ones make the run an error, whatever the findings (as `deps`).
        return Ok(Outcome::Findings(2));
    }
    Ok(outcome)
}

/// Checks `paths` and adds the policy findings, stats, errors and warnings
/// to `report`; returns how many findings fail the run at `fail_on`. Config
/// allowlists (path criteria) and the ignore file of `root` apply. Used by
/// `policy` and `scan --policy`.
pub fn collect(
    paths: &[PathBuf],
    no_ignore: bool,
    fail_on: FailOn,
    scanner: &Scanner,
    root: &Path,
    report: &mut Report,
) -> anyhow::Result<usize> {
    let ignore = IgnoreFile::load(root).context("cannot load the ignore file")?;
    let res = scan_paths(paths, no_ignore, &|p| scanner.is_path_allowlisted(p));
    let before = res.findings.len();
    let findings: Vec<_> = res
        .findings
        .into_iter()
        .filter(|f| {
            !ignore.suppresses(&IgnoreKey {
                fingerprint: &f.fingerprint,
                rule: &f.rule_id,
                path: &f.location.path,
                line: f.location.line,
                commit: None,
            })
        })
        .collect();
    if findings.len() < before {
        report
            .scan
            .stats
            .add("policy_ignored", (before - findings.len()) as u64);
    }
    if !res.templates.is_empty() {
        let shown: Vec<&str> = res.templates.iter().take(5).map(String::as_str).collect();
        let more = res.templates.len().saturating_sub(shown.len());
        report.scan.warnings.push(format!(
            "{} not checked (render them, e.g. `helm template`, and check the output): {}{}",
            super::output::count(
                res.templates.len() as u64,
                "unrendered template",
                "unrendered templates"
            ),
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    for (path, why) in &res.skipped {
        report.scan.warnings.push(format!("{path}: {why}"));
    }
    // The errors go into the report (every format shows them; the text
    // summary on stderr too): printing them here as well showed each twice.
    let failing = findings
        .iter()
        .filter(|f| fail_on.fails(f.severity, false))
        .count();
    report.findings.extend(findings);
    report.scan.stats.merge(&res.stats);
    report.scan.errors.extend(res.errors);
    Ok(failing)
}

fn list(format: ListFormat) -> anyhow::Result<Outcome> {
    let mut out = std::io::stdout().lock();
    let text = match format {
        ListFormat::Text => catalogue()
            .map(|c| {
                format!(
                    "{:<40} {:<9} {:<11} {}\n",
                    c.id,
                    c.severity.as_str(),
                    c.family.as_str(),
                    c.title
                )
            })
            .collect(),
        ListFormat::Md => markdown(),
    };
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(e).context("cannot write to stdout"),
    }
    Ok(Outcome::Clean)
}

/// The catalogue as Markdown: a summary table, then per check its
/// rationale, remediation, references and first example.
fn markdown() -> String {
    let cell = |s: &str| s.replace('|', "\\|");
    let mut md = String::from("| Check | Severity | Family | Title |\n|---|---|---|---|\n");
    for c in catalogue() {
        md.push_str(&format!(
            "| [`{}`](#{}) | {} | {} | {} |\n",
            c.id,
            c.id,
            c.severity.as_str(),
            c.family.as_str(),
            cell(c.title)
        ));
    }
    for c in catalogue() {
        md.push_str(&format!(
            "\n### `{}`\n\n**{}** · {} · {}\n\n{}\n\n**Fix:** {}\n",
            c.id,
            c.title,
            c.severity.as_str(),
            c.family.as_str(),
            c.rationale,
            c.remediation
        ));
        if !c.references.is_empty() {
            md.push_str("\nReferences: ");
            let refs: Vec<String> = c.references.iter().map(|r| format!("<{r}>")).collect();
            md.push_str(&refs.join(", "));
            md.push('\n');
        }
        if let Some(ex) = c.examples.first() {
            let lang = match ex.path.rsplit('.').next() {
                Some("tf") => "hcl",
                Some("json") => "json",
                _ => "yaml",
            };
            md.push_str(&format!(
                "\nFires on line {} of `{}`:\n\n```{lang}\n{}```\n",
                ex.line,
                ex.path,
                if ex.text.ends_with('\n') {
                    ex.text.to_string()
                } else {
                    format!("{}\n", ex.text)
                }
            ));
        }
    }
    md
}

fn check() -> anyhow::Result<Outcome> {
    let failures = check_examples();
    let checks = catalogue().count();
    let examples: usize = catalogue()
        .map(|c| c.examples.len() + c.negatives.len())
        .sum();
    for f in &failures {
        eprintln!("FAIL {}: {}", f.check, f.message);
    }
    if failures.is_empty() {
        println!("{checks} policy checks, {examples} examples: all pass");
        Ok(Outcome::Clean)
    } else {
        eprintln!(
            "{} in {checks} policy checks",
            super::output::count(failures.len() as u64, "failure", "failures")
        );
        Ok(Outcome::Findings(1))
    }
}
