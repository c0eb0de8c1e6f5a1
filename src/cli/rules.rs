//! `leakgate rules`: list the rules in effect, or check every rule against
//! its own examples.

use super::Outcome;
use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use leakgate::rules::{check_examples, config, RuleSet};
use std::io::Write;
use std::path::PathBuf;

/// Subcommands of `leakgate rules`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules in effect (id, severity, keywords, description).
    List {
        /// Config file to resolve (default: built-in rules only).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Output format.
        #[arg(long, short = 'f', value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Compile every rule and run its examples; exit 1 naming any failing rule.
    Check {
        /// Config file to check (default: the built-in rules).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

/// Formats of `rules list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// One rule per line.
    Text,
    /// A JSON array of rule objects.
    Json,
}

/// Runs `leakgate rules`.
pub fn run(cmd: RulesCommand) -> anyhow::Result<Outcome> {
    match cmd {
        RulesCommand::List { config, format } => list(&load(config)?, format),
        RulesCommand::Check { config } => check(&load(config)?),
    }
}

fn load(config: Option<PathBuf>) -> anyhow::Result<RuleSet> {
    match config {
        Some(p) => config::load_file(&p).with_context(|| "cannot load rules".to_string()),
        None => RuleSet::builtin().context("cannot load the built-in rules"),
    }
}

fn list(set: &RuleSet, format: ListFormat) -> anyhow::Result<Outcome> {
    let mut out = std::io::stdout().lock();
    let written = match format {
        ListFormat::Json => {
            let rules: Vec<serde_json::Value> = set
                .rules
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "severity": r.severity.as_str(),
                        "keywords": r.keywords,
                        "description": r.description,
                        "tags": r.tags,
                        "generic": r.is_generic(),
                        "path_only": r.is_path_only(),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &rules)
                .map_err(std::io::Error::from)
                .and_then(|_| writeln!(out))
        }
        ListFormat::Text => {
            let width = set.rules.iter().map(|r| r.id.len()).max().unwrap_or(2);
            let mut res = Ok(());
            for r in &set.rules {
                let kws = if r.keywords.is_empty() {
                    "-".to_string()
                } else {
                    r.keywords.join(",")
                };
                res = writeln!(
                    out,
                    "{:width$}  {:8}  {:30}  {}",
                    leakgate::escape::text(&r.id),
                    r.severity.as_str(),
                    leakgate::escape::text(&kws),
                    leakgate::escape::text(&r.description)
                );
                if res.is_err() {
                    break;
                }
            }
            res.and_then(|_| writeln!(out, "{} rules", set.rules.len()))
        }
    };
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("cannot write to stdout")
        }
        _ => Ok(Outcome::Clean),
    }
}

fn check(set: &RuleSet) -> anyhow::Result<Outcome> {
    let failures = check_examples(set);
    let examples: usize = set
        .rules
        .iter()
        .map(|r| r.examples.len() + r.negative_examples.len())
        .sum();
    for f in &failures {
        eprintln!("FAIL {f}");
    }
    let mut failed: Vec<&str> = failures.iter().map(|f| f.rule.as_str()).collect();
    failed.dedup();
    println!(
        "{} rules, {} examples checked, {} failures in {} rules",
        set.rules.len(),
        examples,
        failures.len(),
        failed.len()
    );
    Ok(if failures.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings(1)
    })
}
