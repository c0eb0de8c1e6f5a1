//! `leakgate sbom`: write an SBOM (CycloneDX or SPDX JSON) from the
//! lockfiles under the given paths, list the inventory (`--list`), or check
//! an existing SBOM against the vulnerability database (`sbom check FILE`).
//! The work is done by [`leakgate::inventory`] and [`leakgate::sbom`]; this
//! module only maps flags to those calls and picks where output goes.

use super::deps::{check_packages, inventory_all, problem_of, VulnArgs};
use super::output::OutputArgs;
use super::Outcome;
use anyhow::{bail, Context};
use clap::{Args, Subcommand, ValueEnum};
use leakgate::escape;
use leakgate::sbom::{self, list, CycloneDxVersion, SbomFormat, WriteOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `leakgate sbom`.
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Examples:
  leakgate sbom .                          CycloneDX 1.6 JSON on stdout
  leakgate sbom . -o sbom.cdx.json         ... into a file
  leakgate sbom . --format spdx-json       SPDX 2.3 JSON
  leakgate sbom api/poetry.lock --list     the inventory as a table
  leakgate sbom check vendor-sbom.json     match an SBOM against OSV advisories

Set SOURCE_DATE_EPOCH for a reproducible timestamp. A directory literally
named `check` is written `./check`."
)]
pub struct SbomArgs {
    #[command(subcommand)]
    command: Option<SbomCommand>,
    #[command(flatten)]
    generate: GenerateArgs,
}

#[derive(Debug, Subcommand)]
enum SbomCommand {
    /// Check an SBOM (CycloneDX 1.4–1.7 or SPDX 2.2/2.3 JSON) for known-vulnerable packages.
    Check(CheckArgs),
}

/// Arguments of `leakgate sbom check`.
#[derive(Debug, Args)]
struct CheckArgs {
    /// The SBOM file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    #[command(flatten)]
    vuln: VulnArgs,
    #[command(flatten)]
    output: OutputArgs,
}

/// Arguments of SBOM generation and listing.
#[derive(Debug, Args)]
struct GenerateArgs {
    /// Directories to search for lockfiles (honouring .gitignore, skipping
    /// node_modules, vendor and target), or lockfiles. Default: `.`.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format: an SBOM (cyclonedx-json, spdx-json) or the inventory
    /// listing (json, text). Default: cyclonedx-json, or text with --list.
    #[arg(long, short = 'f', value_enum, value_name = "FORMAT")]
    format: Option<FormatArg>,
    /// CycloneDX specification version to write. Default: 1.6.
    #[arg(long, value_name = "VERSION", value_parser = ["1.5", "1.6", "1.7"])]
    spec_version: Option<String>,
    /// Write to FILE instead of stdout.
    #[arg(long = "output", short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print the inventory (ecosystem, name, version, direct/dev, file:line)
    /// instead of an SBOM.
    #[arg(long)]
    list: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    /// CycloneDX JSON (see --spec-version).
    CyclonedxJson,
    /// SPDX 2.3 JSON.
    SpdxJson,
    /// The inventory as a `leakgate/inventory/v1` JSON document.
    Json,
    /// The inventory as a text table.
    Text,
}

/// What `leakgate sbom` (without `check`) was asked to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Product {
    Sbom(SbomFormat),
    ListText,
    ListJson,
}

impl GenerateArgs {
    /// Resolves the flag combination, rejecting contradictory ones.
    fn product(&self) -> anyhow::Result<Product> {
        let version = match self.spec_version.as_deref() {
            None => None,
            Some(v) => Some(
                CycloneDxVersion::parse(v)
                    .with_context(|| format!("unsupported --spec-version {v}"))?,
            ),
        };
        let product = match (self.format, self.list) {
            (None, false) | (Some(FormatArg::CyclonedxJson), false) => {
                Product::Sbom(SbomFormat::CycloneDx(version.unwrap_or_default()))
            }
            (Some(FormatArg::SpdxJson), false) => Product::Sbom(SbomFormat::Spdx),
            (None | Some(FormatArg::Text), _) => Product::ListText,
            (Some(FormatArg::Json), _) => Product::ListJson,
            (Some(f @ (FormatArg::CyclonedxJson | FormatArg::SpdxJson)), true) => bail!(
                "--list prints the inventory as text or json, not {}",
                f.to_possible_value()
                    .map_or_else(String::new, |v| v.get_name().to_string())
            ),
        };
        if version.is_some() && !matches!(product, Product::Sbom(SbomFormat::CycloneDx(_))) {
            bail!("--spec-version applies to --format cyclonedx-json only");
        }
        Ok(product)
    }
}

/// Runs `leakgate sbom`.
pub fn run(args: SbomArgs) -> anyhow::Result<Outcome> {
    match args.command {
        Some(SbomCommand::Check(check)) => run_check(check),
        None => run_generate(args.generate),
    }
}

fn run_check(args: CheckArgs) -> anyhow::Result<Outcome> {
    let doc = sbom::read_sbom(&args.file)?;
    if !doc.skipped.is_empty() {
        let examples: Vec<String> = doc
            .skipped
            .iter()
            .take(3)
            .map(|s| format!("{} ({})", s.name, s.reason))
            .collect();
        let total = (doc.skipped.len() + doc.packages.len()) as u64;
        super::output::warn(format_args!(
            "{} of {} in {} {} not packages leakgate can check, e.g. {}",
            doc.skipped.len(),
            super::output::count(total, "entry", "entries"),
            args.file.display(),
            if doc.skipped.len() == 1 { "is" } else { "are" },
            examples.join(", ")
        ));
    }
    check_packages(
        &doc.packages,
        "sbom-check",
        &args.file.display().to_string(),
        &args.vuln,
        &args.output,
    )
}

fn run_generate(args: GenerateArgs) -> anyhow::Result<Outcome> {
    let product = args.product()?;
    let (mut inv, errors) = inventory_all(&args.paths)?;
    // One bad lockfile must not hide the others: name each, write the
    // document from the readable ones, and exit 2 at the end.
    for e in &errors {
        let p = problem_of(e);
        eprintln!(
            "leakgate: error: {}: {} (left out of the output)",
            escape::text(&p.path),
            escape::text(&p.message)
        );
    }
    if inv.lockfiles.is_empty() {
        // Nothing readable: an empty SBOM would read as "no dependencies".
        anyhow::bail!("no lockfile could be read ({} failed)", errors.len());
    }
    // Moved out of the inventory, not copied: a 1M-package lockfile's
    // packages are the largest thing this command holds.
    let packages = inv.take_packages();
    let root_name = root_name(&inv.root);
    let write = |out: &mut dyn Write| -> anyhow::Result<()> {
        match product {
            Product::Sbom(format) => {
                let options = WriteOptions::new(root_name.clone())?;
                sbom::write(&packages, format, &options, &mut *out)?;
            }
            Product::ListText => list::write_text(&packages, &mut *out)?,
            Product::ListJson => list::write_json(&packages, &root_name, &mut *out)?,
        }
        out.flush()?;
        Ok(())
    };
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut out = std::io::BufWriter::new(file);
            write(&mut out).with_context(|| format!("cannot write {}", path.display()))?;
            let what = match product {
                Product::Sbom(format) => format!("{format} SBOM"),
                Product::ListText | Product::ListJson => "inventory".to_string(),
            };
            if !super::output::console().quiet {
                eprintln!(
                    "leakgate: wrote {what} of {} from {} to {}",
                    super::output::count(packages.len() as u64, "package", "packages"),
                    super::output::count(inv.lockfiles.len() as u64, "lockfile", "lockfiles"),
                    escape::path(path)
                );
            }
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            if let Err(e) = write(&mut out) {
                // `leakgate sbom | head` closing the pipe is not a failure.
                let broken_pipe = e
                    .chain()
                    .filter_map(|c| c.downcast_ref::<std::io::Error>())
                    .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe);
                if !broken_pipe {
                    return Err(e.context("cannot write to stdout"));
                }
            }
        }
    }
    if !errors.is_empty() {
        eprintln!(
            "leakgate: error: {} lockfile{} could not be read",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        );
        return Ok(Outcome::Findings(2));
    }
    Ok(Outcome::Clean)
}

/// The SBOM subject's name: the inventory root directory's own name.
fn root_name(root: &Path) -> String {
    std::fs::canonicalize(root)
        .ok()
        .as_deref()
        .and_then(Path::file_name)
        .or_else(|| root.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "project".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Harness {
        #[command(flatten)]
        sbom: SbomArgs,
    }

    fn product(args: &[&str]) -> anyhow::Result<Product> {
        let parsed = Harness::try_parse_from(std::iter::once("sbom").chain(args.iter().copied()))?;
        parsed.sbom.generate.product()
    }

    #[test]
    fn flag_combinations() {
        use SbomFormat::*;
        assert_eq!(
            product(&[]).unwrap(),
            Product::Sbom(CycloneDx(CycloneDxVersion::V1_6))
        );
        assert_eq!(
            product(&[".", "--spec-version", "1.7"]).unwrap(),
            Product::Sbom(CycloneDx(CycloneDxVersion::V1_7))
        );
        assert_eq!(product(&["-f", "spdx-json"]).unwrap(), Product::Sbom(Spdx));
        assert_eq!(product(&["--list"]).unwrap(), Product::ListText);
        assert_eq!(
            product(&["--list", "-f", "json"]).unwrap(),
            Product::ListJson
        );
        assert_eq!(product(&["--format", "text"]).unwrap(), Product::ListText);
        assert!(product(&["--list", "-f", "spdx-json"]).is_err());
        assert!(product(&["-f", "spdx-json", "--spec-version", "1.6"]).is_err());
        assert!(product(&["--spec-version", "1.4"]).is_err());
    }

    #[test]
    fn check_is_a_subcommand_and_conflicts_with_generation_flags() {
        let parsed = Harness::try_parse_from(["sbom", "check", "bom.json"]).unwrap();
        assert!(
            matches!(parsed.sbom.command, Some(SbomCommand::Check(ref c)) if c.file == Path::new("bom.json"))
        );
        // Once generation flags are given, `check` is just a path.
        let parsed = Harness::try_parse_from(["sbom", "--list", "check"]).unwrap();
        assert!(parsed.sbom.command.is_none());
        assert_eq!(parsed.sbom.generate.paths, [PathBuf::from("check")]);
        assert!(Harness::try_parse_from(["sbom", "check", "bom.json", "--list"]).is_err());
        let parsed = Harness::try_parse_from(["sbom", "./check"]).unwrap();
        assert!(parsed.sbom.command.is_none());
        assert_eq!(parsed.sbom.generate.paths, [PathBuf::from("./check")]);
    }

    #[test]
    fn root_name_is_the_directory_name() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("my-service");
        std::fs::create_dir(&sub).unwrap();
        assert_eq!(root_name(&sub), "my-service");
        assert_eq!(root_name(Path::new("/")), "project");
    }
}
