//! Output options shared by every command that produces findings, and the one
//! place reports are rendered and exit codes decided.
//!
//! The report goes to stdout in the chosen format, or with `--report FILE` to
//! that file while stderr gets the compact human summary (errors, warnings,
//! the totals line), so a CI log stays readable when the artifact is SARIF.

use super::Outcome;
use anyhow::Context;
use clap::Args;
use leakgate::report::{self, Format, RenderOptions, Report};
use std::ffi::OsStr;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Flags common to `scan`, `deps` and `sbom check`.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: Format,
    /// Write the report to FILE (a short summary still goes to stderr).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Exit code when findings fail the run.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub exit_code: u8,
    /// Never colour text output (also: NO_COLOR environment variable).
    #[arg(long)]
    pub no_color: bool,
}

/// Renders `report` as asked, and returns the outcome for the exit code:
/// `failing` is how many findings fail the run (all of them for secrets; those
/// above the threshold for vulnerabilities).
pub fn emit(report: &Report, args: &OutputArgs, failing: usize) -> anyhow::Result<Outcome> {
    // One clock reading for the whole run, so every timestamp a format
    // carries (GitLab's scan times) agrees.
    let finished_at = Some(time::OffsetDateTime::now_utc());
    match &args.report {
        Some(path) => {
            let mut file = std::io::BufWriter::new(
                std::fs::File::create(path)
                    .with_context(|| format!("cannot write report {}", path.display()))?,
            );
            let file_opts = RenderOptions {
                color: false,
                finished_at,
            };
            report::write(report, args.format, &file_opts, &mut file)
                .and_then(|_| file.flush())
                .with_context(|| format!("cannot write report {}", path.display()))?;
            // The file holds the report; the terminal gets the short summary.
            let stderr = std::io::stderr();
            let opts = RenderOptions {
                color: color_for(&stderr, args),
                finished_at,
            };
            let mut err = stderr.lock();
            report::write_summary(report, &opts, &mut err)
                .and_then(|_| writeln!(err, "Report written to {}", path.display()))
                .context("cannot write the summary to stderr")?;
        }
        None => {
            let stdout = std::io::stdout();
            let opts = RenderOptions {
                color: color_for(&stdout, args),
                finished_at,
            };
            let mut out = stdout.lock();
            match report::write(report, args.format, &opts, &mut out).and_then(|_| out.flush()) {
                Ok(()) => {}
                // A closed pipe (`leakgate scan | head`) is not an error worth exit 2.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(e) => return Err(e).context("cannot write report to stdout"),
            }
        }
    }
    if failing > 0 && args.exit_code != 0 {
        Ok(Outcome::Findings(args.exit_code))
    } else {
        Ok(Outcome::Clean)
    }
}

/// Colour only on a terminal, and never with `--no-color` or a non-empty
/// `NO_COLOR` (<https://no-color.org>).
fn color_for(stream: &impl IsTerminal, args: &OutputArgs) -> bool {
    wants_color(
        stream.is_terminal(),
        args.no_color,
        std::env::var_os("NO_COLOR").as_deref(),
    )
}

fn wants_color(is_terminal: bool, no_color_flag: bool, no_color_env: Option<&OsStr>) -> bool {
    is_terminal && !no_color_flag && no_color_env.is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use leakgate::finding::{Finding, FindingKind, Location, SecretInfo, Severity};

    fn args(format: Format, report: Option<PathBuf>, exit_code: u8) -> OutputArgs {
        OutputArgs {
            format,
            report,
            exit_code,
            no_color: false,
        }
    }

    fn one_finding() -> Report {
        let mut report = Report::new("secrets", ".");
        report.scan.stats.set("files_scanned", 1);
        report.findings.push(Finding {
            kind: FindingKind::Secret,
            rule_id: "github-pat".into(),
            title: "GitHub personal access token".into(),
            severity: Severity::High,
            fingerprint: "fp".into(),
            location: Location {
                path: "a.env".into(),
                line: 1,
                column: 7,
                ..Location::default()
            },
            secret: Some(SecretInfo {
                confidence: None,
                redacted: "ghp_…".into(),
                entropy: 4.2,
                value: None,
            }),
            vulnerability: None,
            help: String::new(),
        });
        report
    }

    #[test]
    fn colour_needs_a_terminal_and_no_opt_out() {
        assert!(wants_color(true, false, None));
        assert!(wants_color(true, false, Some(OsStr::new(""))));
        assert!(!wants_color(false, false, None));
        assert!(!wants_color(true, true, None));
        assert!(!wants_color(true, false, Some(OsStr::new("1"))));
    }

    #[test]
    fn report_file_gets_the_format_and_findings_fail_the_run() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let outcome = emit(&one_finding(), &args(Format::Csv, Some(path.clone()), 1), 1).unwrap();
        assert_eq!(outcome, Outcome::Findings(1));
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(written.starts_with("kind,rule_id,severity,path,"));
        assert!(written.contains("\r\nsecret,github-pat,high,a.env,1,7,"));
    }

    #[test]
    fn exit_code_follows_failing_count_and_flag() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        let report = one_finding();
        let run = |failing, code| {
            emit(
                &report,
                &args(Format::Json, Some(path.clone()), code),
                failing,
            )
            .unwrap()
        };
        assert_eq!(run(1, 3), Outcome::Findings(3));
        assert_eq!(run(0, 1), Outcome::Clean);
        assert_eq!(run(1, 0), Outcome::Clean);
    }

    #[test]
    fn unwritable_report_path_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-dir").join("out.json");
        let err = emit(
            &one_finding(),
            &args(Format::Json, Some(path.clone()), 1),
            1,
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains(&path.display().to_string()));
    }
}
