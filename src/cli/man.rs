//! `leakgate man [SUBCOMMAND…]`: a man page (roff) on stdout, or with
//! `--dir DIR` one page per subcommand, nested ones included
//! (`leakgate.1`, `leakgate-scan.1`, `leakgate-hook-install.1`, …).
//! Hidden subcommands are left out.

use super::Outcome;
use anyhow::Context;
use clap::{Args, Command, CommandFactory};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `leakgate man`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  leakgate man | man -l -             read the main page
  leakgate man hook install           the page of `leakgate hook install`
  leakgate man --dir target/man       write every page (leakgate.1, leakgate-scan.1, ...)")]
pub struct ManArgs {
    /// The subcommand whose page to print (`scan`, `hook install`); the
    /// main page without one.
    #[arg(value_name = "SUBCOMMAND", conflicts_with = "dir")]
    pub subcommand: Vec<String>,
    /// Write every page into DIR (created if missing) instead of printing one.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Runs `leakgate man`.
pub fn run(args: &ManArgs) -> anyhow::Result<Outcome> {
    let mut root = super::Cli::command();
    root.build();
    if let Some(dir) = &args.dir {
        let written = write_all(&root, dir)?;
        super::output::note(
            0,
            format!(
                "wrote {} to {}",
                super::output::count(written as u64, "man page", "man pages"),
                leakgate::escape::path(dir)
            ),
        );
        return Ok(Outcome::Clean);
    }
    let mut cmd = &root;
    let mut path = Vec::new();
    for name in &args.subcommand {
        path.push(name.as_str());
        cmd = visible_subcommands(cmd)
            .find(|c| c.get_name() == name || c.get_all_aliases().any(|a| a == name))
            .with_context(|| {
                let names: Vec<&str> = visible_subcommands(cmd).map(Command::get_name).collect();
                format!(
                    "no such subcommand `leakgate {}` (subcommands here: {})",
                    leakgate::escape::text(&path.join(" ")),
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    }
                )
            })?;
    }
    let mut page = Vec::new();
    render(cmd, &mut page)?;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(&page).and_then(|_| stdout.flush()) {
        Ok(()) => Ok(Outcome::Clean),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(Outcome::Clean),
        Err(e) => Err(e).context("cannot write the man page to stdout"),
    }
}

/// The subcommands that get a page: not hidden, not clap's `help`.
fn visible_subcommands(cmd: &Command) -> impl Iterator<Item = &Command> {
    cmd.get_subcommands()
        .filter(|c| !c.is_hide_set() && c.get_name() != "help")
}

/// The page's name: `leakgate-hook-install` for `leakgate hook install`.
fn page_name(cmd: &Command) -> String {
    cmd.get_display_name()
        .unwrap_or_else(|| cmd.get_name())
        .to_string()
}

fn render(cmd: &Command, out: &mut Vec<u8>) -> anyhow::Result<()> {
    let name = page_name(cmd);
    let mut roff = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .title(name.to_uppercase())
        .source(format!("leakgate {}", env!("CARGO_PKG_VERSION")))
        .manual("leakgate manual")
        .render(&mut roff)
        .with_context(|| format!("cannot render the man page {name}"))?;
    out.extend_from_slice(ascii_roff(&String::from_utf8_lossy(&roff)).as_bytes());
    Ok(())
}

/// Help texts use `…`, `·`, `—`: troff reads its input as Latin-1, so each
/// non-ASCII character becomes the named-glyph escape `\[uXXXX]`.
fn ascii_roff(roff: &str) -> String {
    let mut out = String::with_capacity(roff.len());
    for c in roff.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", u32::from(c)));
        }
    }
    out
}

/// Writes `cmd`'s page and every visible subcommand's, recursively, into
/// `dir`; returns how many.
fn write_all(cmd: &Command, dir: &Path) -> anyhow::Result<usize> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create {}", leakgate::escape::path(dir)))?;
    let mut page = Vec::new();
    render(cmd, &mut page)?;
    let file = dir.join(format!("{}.1", page_name(cmd)));
    std::fs::write(&file, &page)
        .with_context(|| format!("cannot write {}", leakgate::escape::path(&file)))?;
    let mut n = 1;
    for sub in visible_subcommands(cmd) {
        n += write_all(sub, dir)?;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    #[test]
    fn non_ascii_becomes_glyph_escapes() {
        assert_eq!(super::ascii_roff("a … b·"), "a \\[u2026] b\\[u00B7]");
    }
}
