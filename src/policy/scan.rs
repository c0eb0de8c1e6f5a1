//! Walking files and directories for `leakgate policy` with the same walker
//! and rules as the secret scan ([`crate::source::fs::collect_files`]:
//! `.gitignore` honoured, no symlinks followed, regular files only), in
//! parallel, with the policy size limit.

use super::{check_text, file_findings, Outcome, MAX_FILE_SIZE};
use crate::report::{Problem, Stats};
use crate::source::fs::collect_files;
use crate::source::read::{open_regular, OpenRefusal};
use crate::Finding;
use rayon::prelude::*;
use std::io::Read;
use std::path::PathBuf;

/// Stats keys of a policy scan.
pub mod keys {
    /// Files parsed and checked.
    pub const FILES_CHECKED: &str = "policy_files_checked";
    /// Files that are not infrastructure or CI code.
    pub const FILES_NOT_APPLICABLE: &str = "policy_files_not_applicable";
    /// Unrendered templates (Helm): not checked, named in a warning.
    pub const TEMPLATES_SKIPPED: &str = "policy_templates_skipped";
    /// Files not read for safety (links out of the root, broken links, FIFOs).
    pub const FILES_SKIPPED_UNSAFE: &str = "policy_files_skipped_unsafe";
    /// Files skipped by a config allowlist.
    pub const FILES_ALLOWLISTED: &str = "files_skipped_allowlisted";
}

/// What a policy scan produced.
#[derive(Debug, Default)]
pub struct PolicyScan {
    /// Findings, unsorted.
    pub findings: Vec<Finding>,
    /// Counters (see [`keys`]).
    pub stats: Stats,
    /// Files that could not be read or parsed, with the line.
    pub errors: Vec<Problem>,
    /// Unrendered templates that were not checked.
    pub templates: Vec<String>,
    /// Files not read for safety (links out of the root, broken links,
    /// FIFOs, devices), with the reason.
    pub skipped: Vec<(String, String)>,
}

enum FileResult {
    Findings(Vec<Finding>),
    NotApplicable,
    Allowlisted,
    Template(String),
    /// Not a regular file inside the root (a link out of it, a broken
    /// link, a FIFO or device): not read, named in a warning.
    Skipped(String, String),
    Error(Problem),
}

/// Checks every file under `paths`. `allowlisted` says whether a config
/// allowlist covers a display path.
pub fn scan_paths(
    paths: &[PathBuf],
    no_ignore: bool,
    allowlisted: &(dyn Fn(&str) -> bool + Sync),
) -> PolicyScan {
    let (files, problems) = collect_files(paths, no_ignore);
    let mut out = PolicyScan::default();
    for k in [keys::FILES_CHECKED, keys::FILES_NOT_APPLICABLE] {
        out.stats.set(k, 0u64);
    }
    out.errors.extend(problems);
    let results: Vec<FileResult> = files
        .par_iter()
        .map(|f| {
            let display = f.display.as_str();
            // Cheap name filter first: most files of a tree are not IaC.
            if !maybe_policy_input(display) {
                return FileResult::NotApplicable;
            }
            if allowlisted(display) {
                return FileResult::Allowlisted;
            }
            let problem = |message: String| {
                FileResult::Error(Problem {
                    path: display.to_string(),
                    message,
                })
            };
            // The secret scan's rules: no link out of the root followed, no
            // FIFO or device opened, the size bounded while reading.
            let (file, size) = match open_regular(&f.fs_path, f.root.as_deref()) {
                Ok(opened) => opened,
                // A link to a directory: the walker lists its files.
                Err(OpenRefusal::NotRegular("directory")) => return FileResult::NotApplicable,
                Err(OpenRefusal::Io(e)) => return problem(e),
                Err(refusal) => {
                    return FileResult::Skipped(display.to_string(), refusal.to_string())
                }
            };
            if size > MAX_FILE_SIZE {
                return problem(format!(
                    "{size} bytes exceeds the policy input limit of {MAX_FILE_SIZE} bytes; not checked"
                ));
            }
            let mut data = Vec::new();
            if let Err(e) = file.take(MAX_FILE_SIZE + 1).read_to_end(&mut data) {
                return problem(e.to_string());
            }
            if data.len() as u64 > MAX_FILE_SIZE {
                return problem(format!(
                    "grew past the policy input limit of {MAX_FILE_SIZE} bytes while being read; not checked"
                ));
            }
            let Ok(text) = std::str::from_utf8(&data) else {
                return match super::classify(display, "") {
                    Some(_) => problem("not valid UTF-8; not checked".into()),
                    None => FileResult::NotApplicable,
                };
            };
            match check_text(display, text) {
                Outcome::NotApplicable => FileResult::NotApplicable,
                Outcome::Template => FileResult::Template(display.to_string()),
                Outcome::Invalid(format, e) => {
                    problem(format!("cannot parse as {}: {e}", format.as_str()))
                }
                Outcome::Checked(_, hits) => {
                    FileResult::Findings(file_findings(display, text, &hits))
                }
            }
        })
        .collect();
    for r in results {
        match r {
            FileResult::Findings(f) => {
                out.stats.add(keys::FILES_CHECKED, 1);
                out.findings.extend(f);
            }
            FileResult::NotApplicable => out.stats.add(keys::FILES_NOT_APPLICABLE, 1),
            FileResult::Allowlisted => out.stats.add(keys::FILES_ALLOWLISTED, 1),
            FileResult::Template(p) => {
                out.stats.add(keys::TEMPLATES_SKIPPED, 1);
                out.templates.push(p);
            }
            FileResult::Skipped(p, why) => {
                out.stats.add(keys::FILES_SKIPPED_UNSAFE, 1);
                out.skipped.push((p, why));
            }
            FileResult::Error(p) => out.errors.push(p),
        }
    }
    out
}

/// True for names that may hold policy input (`.tf`, `.json`, `.yaml`,
/// `.yml`, `.template`).
fn maybe_policy_input(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    ["tf", "json", "yaml", "yml", "template"]
        .iter()
        .any(|e| ext.eq_ignore_ascii_case(e))
}
