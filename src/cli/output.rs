//! Output options shared by every command that produces findings, and the one
//! place reports are rendered and exit codes decided.
//!
//! The report goes to stdout in the chosen format, or with `-o/--output FILE`
//! to that file while stderr gets the compact human summary (errors,
//! warnings, the totals line), so a CI log stays readable when the artifact
//! is SARIF.
//!
//! Also the process-wide console settings of the global flags (`--color`,
//! `-q/--quiet`, `-v/--verbose`): every warning, note and summary goes
//! through [`warn`], [`note`] and [`emit`] so the flags apply everywhere.

use super::Outcome;
use anyhow::Context;
use clap::Args;
use leakgate::report::{self, Format, RenderOptions, Report};
use std::ffi::OsStr;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when the stream is a terminal, unless `NO_COLOR` or
    /// `CLICOLOR=0` is set (`CLICOLOR_FORCE=1` forces it).
    #[default]
    Auto,
    /// Always colour (overrides the environment).
    Always,
    /// Never colour (overrides the environment).
    Never,
}

/// The console settings from the global flags, fixed once at start-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Console {
    /// `--color` (or `auto`).
    pub color: ColorChoice,
    /// `-q/--quiet`: only findings and errors.
    pub quiet: bool,
    /// `-v/--verbose` count.
    pub verbose: u8,
}

static CONSOLE: OnceLock<Console> = OnceLock::new();

/// Sets the console settings (first call wins; `main` calls it once).
pub fn init(console: Console) {
    let _ = CONSOLE.set(console);
}

/// The console settings (defaults before [`init`]).
pub fn console() -> Console {
    CONSOLE.get().copied().unwrap_or_default()
}

/// A warning on stderr (`leakgate: warning: …`), unless `--quiet`.
pub fn warn(message: impl std::fmt::Display) {
    if console().quiet {
        return;
    }
    let stderr = std::io::stderr();
    let label = if color_on(&stderr) {
        "\x1b[33mwarning:\x1b[0m"
    } else {
        "warning:"
    };
    let _ = writeln!(stderr.lock(), "leakgate: {label} {message}");
}

/// A `--verbose` note on stderr (`leakgate: …`), shown from `level` `-v`s on.
pub fn note(level: u8, message: impl std::fmt::Display) {
    let c = console();
    if c.quiet || c.verbose < level {
        return;
    }
    let _ = writeln!(std::io::stderr().lock(), "leakgate: {message}");
}

/// Whether `-v` was given (callers skip work that only feeds notes).
pub fn verbose() -> bool {
    let c = console();
    !c.quiet && c.verbose > 0
}

/// `1 file`, `2 files`: a count with its noun agreeing.
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `-v`: where the secret-scanning config came from, what was loaded.
pub fn note_scanner(root: &Path, explicit: Option<&Path>, scanner: &leakgate::scanner::Scanner) {
    if !verbose() {
        return;
    }
    use leakgate::scanner::{discover_config, ConfigSource};
    let source = discover_config(root, explicit, &|var| std::env::var_os(var));
    match source {
        ConfigSource::File { path, from } => {
            let how = match from {
                "--config" => "given with --config".to_string(),
                "root" => format!(
                    "found at the root {}",
                    leakgate::escape::path(root)
                ),
                var => format!("named by ${var}"),
            };
            note(1, format!("config: {} ({how})", leakgate::escape::path(&path)));
        }
        ConfigSource::Text { var, .. } => note(1, format!("config: the TOML text in ${var}")),
        ConfigSource::Builtin => note(
            1,
            format!(
                "config: none found (no --config, $LEAKGATE_CONFIG, $GITLEAKS_CONFIG, $GITLEAKS_CONFIG_TOML, or .leakgate.toml/.gitleaks.toml at {}): built-in rules",
                leakgate::escape::path(root)
            ),
        ),
    }
    for name in [".leakgateignore", ".gitleaksignore"] {
        let file = root.join(name);
        if file.is_file() {
            note(1, format!("ignore file: {}", leakgate::escape::path(&file)));
        }
    }
    note(
        1,
        format!(
            "{} loaded",
            count(scanner.rules().len() as u64, "rule", "rules")
        ),
    );
}

/// Flags common to `scan`, `deps` and `sbom check`.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: Format,
    /// Write the report to FILE (a short summary still goes to stderr).
    // `--report` is the earlier spelling, kept working but out of the help.
    #[arg(long = "output", short = 'o', alias = "report", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit code when findings fail the run.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub exit_code: u8,
    /// Never colour text output (the same as the global `--color never`).
    #[arg(long, hide = true)]
    pub no_color: bool,
}

/// Renders `report` as asked, and returns the outcome for the exit code:
/// `failing` is how many findings fail the run (all of them for secrets; those
/// above the threshold for vulnerabilities).
pub fn emit(report: &Report, args: &OutputArgs, failing: usize) -> anyhow::Result<Outcome> {
    // One clock reading for the whole run, so every timestamp a format
    // carries (GitLab's scan times) agrees.
    let finished_at = Some(time::OffsetDateTime::now_utc());
    match &args.output {
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
            // (`--quiet`: nothing; the file and the exit code say it all.)
            if !console().quiet {
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
        }
        None => {
            let stdout = std::io::stdout();
            let opts = RenderOptions {
                color: color_for(&stdout, args),
                finished_at,
            };
            let mut out = stdout.lock();
            let written = if console().quiet && args.format == Format::Text {
                report::write_findings(report, &opts, &mut out)
            } else {
                report::write(report, args.format, &opts, &mut out)
            };
            match written.and_then(|_| out.flush()) {
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

fn color_for(stream: &impl IsTerminal, args: &OutputArgs) -> bool {
    !args.no_color && color_on(stream)
}

/// Whether to colour `stream`, from `--color` and the environment.
pub fn color_on(stream: &impl IsTerminal) -> bool {
    resolve_color(console().color, stream.is_terminal(), &|v| {
        std::env::var_os(v)
    })
}

/// The colour decision: `--color always|never` wins; under `auto`,
/// `CLICOLOR_FORCE` (set, not `0`) forces colour, else a non-empty
/// `NO_COLOR` (<https://no-color.org>) or `CLICOLOR=0` turn it off, else
/// colour exactly when the stream is a terminal.
pub fn resolve_color(
    choice: ColorChoice,
    is_terminal: bool,
    env: &dyn Fn(&str) -> Option<std::ffi::OsString>,
) -> bool {
    let set = |v: &str| env(v).filter(|x| !x.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if set("CLICOLOR_FORCE").is_some_and(|v| v != OsStr::new("0")) {
                return true;
            }
            if set("NO_COLOR").is_some() || set("CLICOLOR").is_some_and(|v| v == OsStr::new("0")) {
                return false;
            }
            is_terminal
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leakgate::finding::{Finding, FindingKind, Location, SecretInfo, Severity};

    fn args(format: Format, output: Option<PathBuf>, exit_code: u8) -> OutputArgs {
        OutputArgs {
            format,
            output,
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
            help: String::new().into(),
        });
        report
    }

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<std::ffi::OsString> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| std::ffi::OsString::from(v))
        }
    }

    #[test]
    fn colour_follows_flag_then_environment_then_terminal() {
        use ColorChoice::*;
        assert!(resolve_color(Auto, true, &env(&[])));
        assert!(!resolve_color(Auto, false, &env(&[])));
        assert!(resolve_color(Auto, true, &env(&[("NO_COLOR", "")])));
        assert!(!resolve_color(Auto, true, &env(&[("NO_COLOR", "1")])));
        assert!(!resolve_color(Auto, true, &env(&[("CLICOLOR", "0")])));
        assert!(resolve_color(Auto, true, &env(&[("CLICOLOR", "1")])));
        assert!(resolve_color(Auto, false, &env(&[("CLICOLOR_FORCE", "1")])));
        assert!(!resolve_color(
            Auto,
            false,
            &env(&[("CLICOLOR_FORCE", "0")])
        ));
        // The flag wins over every variable.
        assert!(!resolve_color(
            Never,
            true,
            &env(&[("CLICOLOR_FORCE", "1")])
        ));
        assert!(resolve_color(Always, false, &env(&[("NO_COLOR", "1")])));
    }

    #[test]
    fn counts_agree_with_their_noun() {
        assert_eq!(count(1u64, "file", "files"), "1 file");
        assert_eq!(count(0u64, "file", "files"), "0 files");
        assert_eq!(count(2u64, "entry", "entries"), "2 entries");
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
