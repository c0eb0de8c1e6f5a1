//! pip requirements files.
//!
//! Only an exact pin (`==1.2.3`, `===1.2.3`) is a version; ranges, `~=`,
//! wildcards, and VCS/URL requirements are reported with no version
//! (unpinned), never guessed; so is a pin to an environment variable
//! (`==${VERSION}`, which pip expands at install time). `-r`/`--requirement`
//! and `-c`/`--constraint` includes are read relative to the including
//! file (each file once, so cycles end), when the file was read from disk.
//! An include that does not exist is a warning (the rest of the file is
//! still read); one that leaves the inventory root, is not a regular file,
//! or is over the size limit is an error at the including line. Editable installs and
//! local paths are the project's own code and are skipped, as are global
//! options (`--index-url`, …). Every requirement is direct except those
//! `pip-compile` annotates as pulled in by another package (`# via pkg`),
//! which also gives the dependency edges. Requirements in a file whose name
//! marks it as development-only (`requirements-dev.txt`,
//! `test-requirements.txt`, `requirements/test.txt`) are dev.

use super::collect::{pep503, Collector, Entry};
use super::guard::MAX_SIDE_FILE_BYTES;
use super::lines::line_number;
use super::load::{display_path, read_text_limited};
use super::{hash, Ecosystem, Input, InventoryError, Package, PackageRef};
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// Whether a file (by name, and the name of its directory) is a requirements file.
pub(crate) fn is_requirements_file(file: &str, dir: Option<&str>) -> bool {
    let Some(stem) = file.strip_suffix(".txt") else {
        return false;
    };
    stem.starts_with("requirements")
        || stem.ends_with("-requirements")
        || stem.ends_with("_requirements")
        || dir == Some("requirements")
}

/// Whether the file's name marks it as development-only.
fn is_dev_file(display: &str) -> bool {
    let mut parts = display.rsplit('/');
    let file = parts.next().unwrap_or("");
    let dir = parts.next().unwrap_or("");
    let stem = file
        .strip_suffix(".txt")
        .unwrap_or(file)
        .to_ascii_lowercase();
    let words: Vec<&str> = stem.split(['-', '_', '.']).collect();
    let dev_words = [
        "dev",
        "develop",
        "development",
        "test",
        "tests",
        "testing",
        "lint",
        "docs",
    ];
    words.iter().any(|w| dev_words.contains(w))
        && (words.contains(&"requirements") || dir == "requirements")
        || (dir == "requirements" && dev_words.contains(&stem.as_str()))
}

/// One requirement and what `pip-compile` says pulled it in.
struct Requirement {
    entry: Entry,
    via: Vec<String>,
}

struct Walk<'a> {
    top: &'a str,
    root: Option<&'a Path>,
    input: &'a Input<'a>,
    visited: HashSet<PathBuf>,
    found: Vec<Requirement>,
}

/// Parses a requirements file and, from disk, the files it includes.
pub(crate) fn parse(input: &Input<'_>) -> Result<Vec<Package>, InventoryError> {
    let mut walk = Walk {
        top: input.display,
        root: input.root,
        input,
        visited: HashSet::new(),
        found: Vec::new(),
    };
    if let Some(p) = input.disk {
        walk.visited
            .insert(p.canonicalize().unwrap_or_else(|_| p.to_path_buf()));
    }
    parse_file(input.text, input.display, input.disk, &mut walk)?;

    // `# via pkg` means pkg depends on this requirement.
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in walk.found.iter().enumerate() {
        by_name.entry(pep503(&r.entry.name)).or_default().push(i);
    }
    let mut edges: Vec<(usize, PackageRef)> = Vec::new();
    for r in &walk.found {
        for parent in &r.via {
            for &j in by_name.get(&pep503(parent)).into_iter().flatten() {
                edges.push((
                    j,
                    PackageRef {
                        name: r.entry.name.clone(),
                        version: r.entry.version.clone(),
                    },
                ));
            }
        }
    }
    for (j, dep) in edges {
        walk.found[j].entry.dependencies.push(dep);
    }
    let mut out = Collector::new(Ecosystem::PyPI, input.display);
    for r in walk.found {
        out.push(r.entry);
    }
    Ok(out.finish())
}

fn parse_file(
    text: &str,
    display: &str,
    disk: Option<&Path>,
    walk: &mut Walk<'_>,
) -> Result<(), InventoryError> {
    let dev = is_dev_file(display);
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let start = i;
        // Join `\` continuations; the requirement is reported at its first line.
        let mut logical = String::new();
        loop {
            let physical = lines[i];
            i += 1;
            match physical.strip_suffix('\\') {
                Some(head) if i < lines.len() => {
                    logical.push_str(head);
                    logical.push(' ');
                }
                Some(head) => {
                    logical.push_str(head);
                    break;
                }
                None => {
                    logical.push_str(physical);
                    break;
                }
            }
        }
        let line = line_number(start);
        let code = strip_comment(&logical).trim();
        if code.is_empty() {
            continue;
        }
        if code.starts_with('-') {
            if let Some(target) = include_target(code) {
                include(target, display, disk, line, walk)?;
            }
            continue;
        }
        let Some(mut entry) = requirement(code, line) else {
            continue;
        };
        entry.dev = dev;
        entry.direct = true;
        if display != walk.top {
            entry.file = Some(display.to_string());
        }
        // pip-compile: "# via a" on the line, or "# via" then "#   a" lines below.
        let mut via = Vec::new();
        let mut j = i;
        while let Some(comment) = lines
            .get(j)
            .map(|l| l.trim())
            .and_then(|l| l.strip_prefix('#'))
        {
            let comment = comment.trim();
            let item = if j == i {
                match comment.strip_prefix("via") {
                    Some(rest) => rest.trim(),
                    None => break,
                }
            } else {
                comment
            };
            if !item.is_empty() {
                via.push(item.to_string());
            }
            j += 1;
        }
        if !via.is_empty() {
            entry.direct = via
                .iter()
                .any(|v| v.starts_with("-r ") || v.starts_with("-c ") || v.ends_with(".in"));
            via.retain(|v| !v.starts_with('-') && !v.contains(' ') && !v.ends_with(".in"));
        }
        walk.found.push(Requirement { entry, via });
    }
    Ok(())
}

/// Removes a `#` comment: at the start, or after whitespace (a `#` inside a
/// URL fragment such as `#egg=name` is not a comment).
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return &line[..i];
        }
    }
    line
}

/// The file named by `-r`/`--requirement`/`-c`/`--constraint`, if the option is one of those.
fn include_target(code: &str) -> Option<&str> {
    for opt in ["--requirement", "--constraint", "-r", "-c"] {
        if let Some(rest) = code.strip_prefix(opt) {
            let rest = rest.strip_prefix('=').unwrap_or(rest).trim();
            // `-rfile` is allowed for the short forms; `--requirementx` is another option.
            if opt.starts_with("--") && !(code[opt.len()..].starts_with([' ', '=', '\t'])) {
                continue;
            }
            return (!rest.is_empty()).then_some(rest);
        }
    }
    None
}

fn include(
    target: &str,
    from: &str,
    disk: Option<&Path>,
    line: u32,
    walk: &mut Walk<'_>,
) -> Result<(), InventoryError> {
    let Some(disk) = disk else { return Ok(()) };
    if target.contains("://") {
        // Remote includes are not fetched: leakgate works offline.
        walk.input.warn_in(
            from,
            Some(line),
            "remote include not fetched (leakgate works offline): its requirements are not listed",
        );
        return Ok(());
    }
    let path = lexical_join(disk.parent().unwrap_or(Path::new(".")), target);
    let display = match walk.root {
        Some(root) => display_path(&path, root),
        None => path.to_string_lossy().replace('\\', "/"),
    };
    let shown = crate::escape::text(&display);
    let written = crate::escape::text(target);
    let refuse = |why: &str| {
        InventoryError::parse(
            from,
            Some(line),
            format!("include {written} refused: {why}"),
        )
    };
    let canonical = match std::fs::canonicalize(&path) {
        Ok(c) => c,
        Err(_) => {
            walk.input.warn_in(
                from,
                Some(line),
                format!("included file {shown} does not exist: skipped"),
            );
            return Ok(());
        }
    };
    // Includes stay inside the inventory root (links resolved), so a
    // hostile `-r /dev/zero` or `-r ../../../etc/passwd` is never read.
    let root = walk
        .root
        .filter(|r| !r.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let inside = std::fs::canonicalize(root).is_ok_and(|r| canonical.starts_with(r));
    if !inside {
        return Err(refuse("it is outside the scanned root"));
    }
    if !canonical.is_file() {
        return Err(refuse("not a regular file"));
    }
    if !walk.visited.insert(canonical) {
        return Ok(());
    }
    let text = read_text_limited(&path, &display, MAX_SIDE_FILE_BYTES).map_err(|e| {
        InventoryError::parse(
            from,
            Some(line),
            format!("cannot read included file {shown}: {e}"),
        )
    })?;
    parse_file(&text, &display, Some(&path), walk)
}

/// `base/target` with `.` and `..` resolved textually, so an include is
/// reported as `reqs/base.txt`, not `reqs/sub/../base.txt`.
fn lexical_join(base: &Path, target: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for c in base.join(target).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let popped =
                    matches!(out.components().next_back(), Some(Component::Normal(_))) && out.pop();
                if !popped {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Parses one requirement specifier (`name[extras] specs ; markers --hash=…`).
fn requirement(code: &str, line: u32) -> Option<Entry> {
    // Per-requirement options (`--hash`, `-C`/`--config-settings`,
    // `--global-option`) start at the first whitespace-separated `-`.
    let (spec, options) = match code
        .char_indices()
        .find(|&(i, c)| c == '-' && i > 0 && code[..i].ends_with([' ', '\t']))
    {
        Some((i, _)) => (&code[..i], &code[i..]),
        None => (code, ""),
    };
    let mut hashes = Vec::new();
    let mut tokens = options.split_whitespace();
    while let Some(t) = tokens.next() {
        let value = match t.strip_prefix("--hash") {
            Some("") => tokens.next(),
            Some(v) => v.strip_prefix('='),
            None => None,
        };
        if let Some(h) = value.and_then(hash::prefixed_hex) {
            hashes.push(h);
        }
    }
    let spec = spec.split(';').next().unwrap_or("").trim();
    let (name, version) = match named_requirement(spec) {
        Some(named) => named,
        None => {
            // A bare URL: a package only when it names itself (`#egg=`);
            // a bare local path is the project's own code.
            if !spec.contains("://") {
                return None;
            }
            let egg = spec
                .split_once("#egg=")
                .map(|(_, e)| e.split('&').next().unwrap_or(e))?;
            (project_name(egg)?.to_string(), None)
        }
    };
    let mut entry = Entry::new(name, version, line);
    entry.hashes = hashes;
    Some(entry)
}

/// `name[extras] specs` or `name[extras] @ url`, as (name, exact pin).
fn named_requirement(spec: &str) -> Option<(String, Option<String>)> {
    let name = project_name(spec)?;
    let rest = spec[name.len()..].trim_start();
    let rest = match rest.strip_prefix('[') {
        Some(r) => r.split_once(']').map_or("", |(_, after)| after),
        None => rest,
    };
    let rest = rest.trim();
    if rest.starts_with('@') {
        return Some((name.to_string(), None));
    }
    let is_spec = rest.is_empty() || rest.starts_with(['=', '<', '>', '~', '!', '(']);
    is_spec.then(|| (name.to_string(), pinned(rest)))
}

/// The leading PEP 508 project name of `spec`.
fn project_name(spec: &str) -> Option<&str> {
    let end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(spec.len());
    let name = &spec[..end];
    name.starts_with(|c: char| c.is_ascii_alphanumeric())
        .then_some(name)
}

/// The version of an exact pin among the comma-separated clauses, if any.
fn pinned(specs: &str) -> Option<String> {
    let specs = specs.trim().trim_start_matches('(').trim_end_matches(')');
    specs.split(',').find_map(|clause| {
        let clause = clause.trim();
        let version = clause
            .strip_prefix("===")
            .or_else(|| clause.strip_prefix("=="))?
            .trim();
        // `${VAR}` is expanded by pip at install time: not a pin we can know.
        (!version.is_empty()
            && !version.contains('*')
            && !version.contains(' ')
            && !version.contains('$'))
        .then(|| version.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::super::{parse_str, LockfileKind};
    use super::*;

    const SHA: &str = "f21b6dc1f7b8a8b2d1b0c17c4bd1a4b5fdb2d1a3e1e3c5f1c1b1b1b1b1b1b1b1";

    #[test]
    fn only_exact_pins_are_versions() {
        let text = format!(
            "# top comment\nrequests==2.19.1 \\\n    --hash=sha256:{SHA}\nDjango[argon2,bcrypt] == 3.0.0 ; python_version >= \"3.6\"  # pinned\nflask>=1.0\nurllib3~=1.24\nsix===1.11.0\nidna==2.*\n-e git+https://github.com/x/y.git#egg=y\n--index-url https://example.invalid/simple\ngit+https://github.com/psf/black@22.3.0#egg=black\npip @ https://example.invalid/pip.whl\n./local/pkg\nnumpy>=1.0,==1.16.0\n"
        );
        let pkgs = parse_str(LockfileKind::Requirements, "requirements.txt", &text).unwrap();
        let got: Vec<(&str, Option<&str>, u32)> = pkgs
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_deref(), p.location.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("requests", Some("2.19.1"), 2),
                ("Django", Some("3.0.0"), 4),
                ("flask", None, 5),
                ("urllib3", None, 6),
                ("six", Some("1.11.0"), 7),
                ("idna", None, 8),
                ("black", None, 11),
                ("pip", None, 12),
                ("numpy", Some("1.16.0"), 14),
            ]
        );
        assert_eq!(
            pkgs[0].hashes,
            vec![("SHA-256".to_string(), SHA.to_string())]
        );
        assert!(pkgs.iter().all(|p| p.direct && !p.dev));
        assert_eq!(pkgs[1].purl(), "pkg:pypi/django@3.0.0");
    }

    #[test]
    fn pip_compile_via_comments() {
        let text = "certifi==2018.4.16\n    # via requests\nrequests==2.19.1\n    # via -r requirements.in\nidna==2.7\n    # via\n    #   -r requirements.in\n    #   requests\n";
        let pkgs = parse_str(LockfileKind::Requirements, "requirements.txt", text).unwrap();
        let direct: Vec<(&str, bool)> = pkgs.iter().map(|p| (p.name.as_str(), p.direct)).collect();
        assert_eq!(
            direct,
            vec![("certifi", false), ("requests", true), ("idna", true)]
        );
        let deps: Vec<&str> = pkgs[1]
            .dependencies
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(deps, vec!["certifi", "idna"]);
    }

    #[test]
    fn include_options_and_paths() {
        assert_eq!(include_target("-r base.txt"), Some("base.txt"));
        assert_eq!(include_target("-rbase.txt"), Some("base.txt"));
        assert_eq!(include_target("--requirement=base.txt"), Some("base.txt"));
        assert_eq!(include_target("--constraint c.txt"), Some("c.txt"));
        assert_eq!(include_target("--requirementx"), None);
        assert_eq!(include_target("--index-url https://x"), None);
        assert_eq!(include_target("-r"), None);
        assert_eq!(
            lexical_join(Path::new("a/reqs"), "../base.txt"),
            PathBuf::from("a/base.txt")
        );
        assert_eq!(
            lexical_join(Path::new(""), "../x.txt"),
            PathBuf::from("../x.txt")
        );
    }

    #[test]
    fn short_options_and_variables() {
        let text = "foo==1.0 -C bar\nqwert==${VAR}\nbaz==2.0\t--config-settings=x=y\nname-with-dash==3.0 ; python_version > \"3\"\n";
        let pkgs = parse_str(LockfileKind::Requirements, "requirements.txt", text).unwrap();
        let got: Vec<(&str, Option<&str>)> = pkgs
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("foo", Some("1.0")),
                ("qwert", None),
                ("baz", Some("2.0")),
                ("name-with-dash", Some("3.0")),
            ]
        );
        assert_eq!(pkgs[1].purl(), "pkg:pypi/qwert");
    }

    #[test]
    fn recognises_files() {
        assert!(is_requirements_file("requirements.txt", None));
        assert!(is_requirements_file("requirements-dev.txt", None));
        assert!(is_requirements_file("test-requirements.txt", None));
        assert!(is_requirements_file("base.txt", Some("requirements")));
        assert!(!is_requirements_file("README.txt", None));
        assert!(is_dev_file("requirements-dev.txt"));
        assert!(is_dev_file("a/test-requirements.txt"));
        assert!(is_dev_file("requirements/test.txt"));
        assert!(!is_dev_file("requirements.txt"));
        assert!(!is_dev_file("requirements/base.txt"));
    }
}
