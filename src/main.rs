//! The `leakgate` binary: parse arguments, call the library, map the outcome
//! to the exit-code API (0 clean, 1 findings — configurable —, 2 error).

use clap::{CommandFactory, FromArgMatches};
use std::ffi::OsString;
use std::process::ExitCode;

mod cli;

fn main() -> ExitCode {
    let argv: Vec<OsString> = std::env::args_os().collect();
    let argv = match cli::gitleaks::translate(&argv) {
        Ok(Some(translated)) => translated,
        Ok(None) => argv,
        Err(e) => {
            eprintln!("leakgate: error: {e}");
            return ExitCode::from(2);
        }
    };
    let args = parse(argv);
    cli::output::init(args.console.console());
    match cli::run(args) {
        Ok(cli::Outcome::Clean) => ExitCode::SUCCESS,
        Ok(cli::Outcome::Findings(code)) => ExitCode::from(code),
        Err(err) => {
            let stderr = std::io::stderr();
            let label = if cli::output::color_on(&stderr) {
                "\x1b[1;31merror:\x1b[0m"
            } else {
                "error:"
            };
            eprintln!("leakgate: {label} {}", error_chain(err.chain()));
            ExitCode::from(2)
        }
    }
}

/// Parses the command line; clap's own help and usage errors follow
/// `--color` too (under `auto`, clap already honours `NO_COLOR`,
/// `CLICOLOR` and `CLICOLOR_FORCE`).
fn parse(argv: Vec<OsString>) -> cli::Cli {
    let choice = match color_flag(&argv).as_deref() {
        Some("always") => clap::ColorChoice::Always,
        Some("never") => clap::ColorChoice::Never,
        _ => clap::ColorChoice::Auto,
    };
    let mut cmd = cli::Cli::command().color(choice);
    let parsed = cmd
        .try_get_matches_from_mut(argv)
        .and_then(|mut m| cli::Cli::from_arg_matches_mut(&mut m));
    match parsed {
        Ok(cli) => cli,
        Err(e) => e.format(&mut cmd).exit(),
    }
}

/// The last `--color WHEN` / `--color=WHEN` before a `--`, if any.
fn color_flag(argv: &[OsString]) -> Option<String> {
    let mut found = None;
    let mut it = argv.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(arg) = it.next() {
        if arg == "--" {
            break;
        }
        if let Some(v) = arg.strip_prefix("--color=") {
            found = Some(v.to_string());
        } else if arg == "--color" {
            found = it.next().map(|v| v.to_string());
        }
    }
    found
}

/// An error and its causes as one line, `outer: cause: root cause`, each
/// cause once: a message that already ends with its cause's text (a
/// `thiserror` variant with `{source}` in its message and `#[source]`, or an
/// anyhow context repeating the error) does not get it printed again.
fn error_chain<'a>(chain: impl Iterator<Item = &'a (dyn std::error::Error + 'static)>) -> String {
    let mut out = String::new();
    for cause in chain {
        let text = cause.to_string();
        if text.is_empty() || out.ends_with(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Wrap(
        String,
        Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    );
    impl std::fmt::Display for Wrap {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }
    impl std::error::Error for Wrap {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1
                .as_deref()
                .map(|e| e as &(dyn std::error::Error + 'static))
        }
    }

    #[test]
    fn each_cause_is_printed_once() {
        let os = std::io::Error::from_raw_os_error(2);
        let text = os.to_string();
        // `#[error("{path}: {source}")]` with `#[source]`, under a context.
        let inner = Wrap(format!("a.toml: {text}"), Some(Box::new(os)));
        let err = anyhow::Error::new(inner).context("cannot load the configuration");
        let line = error_chain(err.chain());
        assert_eq!(
            line,
            format!("cannot load the configuration: a.toml: {text}")
        );
        assert_eq!(line.matches(&text).count(), 1);
    }

    #[test]
    fn distinct_causes_are_all_kept() {
        let os = std::io::Error::from_raw_os_error(2);
        let text = os.to_string();
        let err = anyhow::Error::new(os).context("cannot read a.toml");
        assert_eq!(
            error_chain(err.chain()),
            format!("cannot read a.toml: {text}")
        );
    }

    #[test]
    fn color_flag_is_found_in_both_spellings() {
        let argv = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            color_flag(&argv(&["lg", "--color", "never", "scan"])).as_deref(),
            Some("never")
        );
        assert_eq!(
            color_flag(&argv(&["lg", "scan", "--color=always"])).as_deref(),
            Some("always")
        );
        assert_eq!(
            color_flag(&argv(&["lg", "scan", "--", "--color=always"])),
            None
        );
    }
}
