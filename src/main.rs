//! The `leakgate` binary: parse arguments, call the library, map the outcome
//! to the exit-code API (0 clean, 1 findings — configurable —, 2 error).

use clap::Parser;
use std::process::ExitCode;

mod cli;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(cli::Outcome::Clean) => ExitCode::SUCCESS,
        Ok(cli::Outcome::Findings(code)) => ExitCode::from(code),
        Err(err) => {
            eprintln!("leakgate: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
