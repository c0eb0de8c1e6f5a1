//! The `leakgate` binary: parse arguments, call the library, map the outcome
//! to the exit-code API (0 clean, 1 findings — configurable —, 2 error).

use clap::Parser;
use std::process::ExitCode;

mod cli;

fn main() -> ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let args = match cli::gitleaks::translate(&argv) {
        Ok(Some(translated)) => cli::Cli::parse_from(translated),
        Ok(None) => cli::Cli::parse_from(argv),
        Err(e) => {
            eprintln!("leakgate: error: {e}");
            return ExitCode::from(2);
        }
    };
    match cli::run(args) {
        Ok(cli::Outcome::Clean) => ExitCode::SUCCESS,
        Ok(cli::Outcome::Findings(code)) => ExitCode::from(code),
        Err(err) => {
            eprintln!("leakgate: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
