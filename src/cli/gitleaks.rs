//! gitleaks command lines, rewritten into leakgate's: `leakgate detect …`
//! (hidden verbs, absent from `--help`) and any invocation through a binary
//! or symlink named `gitleaks`, so existing hooks and CI steps keep working
//! when `gitleaks` becomes `leakgate`.
//!
//! Verbs: `detect` (history, or files with `--no-git`), `protect`
//! (`--staged`: the index; without it the work tree's files), `git`
//! (history; `--staged`/`--pre-commit`: the index), `dir`, `stdin`.
//! Flags: `-s/--source`, `--no-git`, `--staged`, `--pre-commit`,
//! `--log-opts` (a revision range, or `--all`), `-f/--report-format`,
//! `-r/--report-path`, `-b/--baseline-path`, `--redact[=N]`, `--no-banner`,
//! `-v/--verbose`, `--exit-code`, `--max-target-megabytes`, `-c/--config`,
//! `-i/--gitleaks-ignore-path`, `--enable-rule`, `--no-color`,
//! `-l/--log-level`. One difference by design: secrets are redacted whether
//! or not `--redact` is given (leakgate never prints a secret in clear
//! unless told `--no-redact`). An unknown flag is a usage error, never
//! silently ignored.

use std::ffi::OsString;

/// The gitleaks verbs.
pub const VERBS: [&str; 5] = ["detect", "protect", "git", "dir", "stdin"];

/// Rewrites `argv` when it is a gitleaks command line: argv[0] named
/// `gitleaks`, or a gitleaks verb as the first argument. `Ok(None)` means
/// "not a gitleaks command line, parse it as leakgate's".
pub fn translate(argv: &[OsString]) -> Result<Option<Vec<OsString>>, String> {
    let as_gitleaks = argv
        .first()
        .and_then(|a| std::path::Path::new(a).file_stem().map(|s| s == "gitleaks"))
        .unwrap_or(false);
    let args: Vec<String> = argv
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let verb = args.first().map(String::as_str);
    match verb {
        Some(v) if VERBS.contains(&v) => {}
        // `gitleaks version`, `gitleaks --version`, `gitleaks help`.
        Some("version") if as_gitleaks => {
            return Ok(Some(vec!["leakgate".into(), "--version".into()]))
        }
        _ if as_gitleaks => {
            return Err(format!(
                "invoked as gitleaks: expected one of {} (got {})",
                VERBS.join(", "),
                verb.map_or("nothing".to_string(), |v| format!("`{v}`"))
            ))
        }
        _ => return Ok(None),
    }
    let verb = verb.unwrap_or_default().to_string();
    let mut source: Option<String> = None;
    let mut no_git = false;
    let mut staged = false;
    let mut log_opts: Option<String> = None;
    let mut out: Vec<String> = Vec::new();
    let mut rest = args;
    rest.remove(0);
    let mut it = rest.into_iter();
    while let Some(arg) = it.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with('-') => (n.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let value = |it: &mut std::vec::IntoIter<String>| {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("gitleaks flag {name} needs a value"))
        };
        match name.as_str() {
            "-s" | "--source" => source = Some(value(&mut it)?),
            "--no-git" => no_git = true,
            "--staged" | "--pre-commit" => staged = true,
            "--log-opts" => log_opts = Some(value(&mut it)?),
            "-f" | "--report-format" => {
                let f = value(&mut it)?;
                let mapped = match f.as_str() {
                    "json" => "gitleaks-json",
                    "sarif" | "csv" | "junit" => f.as_str(),
                    other => {
                        return Err(format!(
                            "gitleaks report format `{other}` is not supported (json, sarif, csv, junit)"
                        ))
                    }
                };
                out.extend(["--format".into(), mapped.to_string()]);
            }
            "-r" | "--report-path" => {
                let p = value(&mut it)?;
                if p != "-" {
                    out.extend(["--output".into(), p]);
                }
            }
            "-b" | "--baseline-path" => out.extend(["--baseline".into(), value(&mut it)?]),
            "-c" | "--config" => out.extend(["--config".into(), value(&mut it)?]),
            "-i" | "--gitleaks-ignore-path" => {
                out.extend(["--gitleaks-ignore-path".into(), value(&mut it)?])
            }
            "--enable-rule" => out.extend(["--enable-rule".into(), value(&mut it)?]),
            "--exit-code" => out.extend(["--exit-code".into(), value(&mut it)?]),
            "--max-target-megabytes" => {
                let mb = value(&mut it)?;
                let n: u64 = mb
                    .parse()
                    .map_err(|_| format!("--max-target-megabytes `{mb}` is not a number"))?;
                if n > 0 {
                    out.extend([
                        "--max-file-size".into(),
                        (n.saturating_mul(1 << 20)).to_string(),
                    ]);
                }
            }
            // Redaction is always on; `--redact=N` (partial) redacts fully.
            "--redact" => {}
            "--no-banner" | "-v" | "--verbose" => {}
            "--no-color" => out.push("--no-color".into()),
            "-l" | "--log-level" => {
                value(&mut it)?;
            }
            s if !s.starts_with('-')
                && source.is_none()
                && matches!(verb.as_str(), "git" | "dir") =>
            {
                source = Some(arg)
            }
            other => return Err(format!("unsupported gitleaks flag or argument `{other}`")),
        }
    }
    let mut cmd: Vec<String> = vec!["leakgate".into(), "scan".into(), "--no-progress".into()];
    match verb.as_str() {
        "stdin" => cmd.push("-".into()),
        "dir" => cmd.push(source.unwrap_or_else(|| ".".into())),
        "detect" if no_git => cmd.push(source.unwrap_or_else(|| ".".into())),
        "protect" if !staged => cmd.push(source.unwrap_or_else(|| ".".into())),
        _ if staged => {
            cmd.push("--staged".into());
            cmd.extend(source);
        }
        _ => {
            match log_opts.as_deref().map(str::trim) {
                None | Some("") => cmd.push("--history".into()),
                Some("--all") => cmd.extend(["--history".into(), "--all-refs".into()]),
                Some(r) if r.contains("..") && !r.contains(' ') => {
                    cmd.extend(["--range".into(), r.to_string()])
                }
                Some(r) => {
                    return Err(format!(
                        "--log-opts `{r}`: only a revision range (A..B) or --all is supported"
                    ))
                }
            }
            cmd.extend(source);
        }
    }
    cmd.extend(out);
    Ok(Some(cmd.into_iter().map(OsString::from).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tr(args: &[&str]) -> Result<Option<Vec<String>>, String> {
        let argv: Vec<OsString> = args.iter().map(OsString::from).collect();
        translate(&argv).map(|o| {
            o.map(|v| {
                v.into_iter()
                    .map(|a| a.to_string_lossy().into_owned())
                    .collect()
            })
        })
    }

    fn ok(args: &[&str]) -> String {
        tr(args).unwrap().unwrap()[1..].join(" ")
    }

    #[test]
    fn leakgate_command_lines_are_left_alone() {
        assert_eq!(tr(&["leakgate", "scan", "."]), Ok(None));
        assert_eq!(tr(&["/usr/bin/leakgate"]), Ok(None));
    }

    #[test]
    fn verbs_map_to_scan_modes() {
        assert_eq!(
            ok(&["leakgate", "detect", "--no-git", "-s", "src"]),
            "scan --no-progress src"
        );
        assert_eq!(
            ok(&["leakgate", "detect", "--source=."]),
            "scan --no-progress --history ."
        );
        assert_eq!(
            ok(&["gitleaks", "protect", "--staged"]),
            "scan --no-progress --staged"
        );
        assert_eq!(
            ok(&["gitleaks", "git", "--pre-commit", "--redact", "--staged"]),
            "scan --no-progress --staged"
        );
        assert_eq!(ok(&["gitleaks", "dir", "app"]), "scan --no-progress app");
        assert_eq!(ok(&["gitleaks", "stdin"]), "scan --no-progress -");
        assert_eq!(
            ok(&["gitleaks", "git", "--log-opts", "main..HEAD"]),
            "scan --no-progress --range main..HEAD"
        );
        assert_eq!(
            ok(&["gitleaks", "git", "--log-opts=--all"]),
            "scan --no-progress --history --all-refs"
        );
    }

    #[test]
    fn flags_map_to_leakgate_flags() {
        assert_eq!(
            ok(&[
                "gitleaks", "dir", ".", "--report-format", "json", "--report-path", "r.json",
                "--baseline-path", "b.json", "--redact=50", "--no-banner", "-v", "--exit-code", "3",
                "--max-target-megabytes", "2", "-c", "gl.toml", "-i", "ign", "--enable-rule", "jwt"
            ]),
            "scan --no-progress . --format gitleaks-json --output r.json --baseline b.json --exit-code 3 --max-file-size 2097152 --config gl.toml --gitleaks-ignore-path ign --enable-rule jwt"
        );
    }

    #[test]
    fn unknown_input_is_a_usage_error() {
        assert!(tr(&["gitleaks", "dir", "--frobnicate"])
            .unwrap_err()
            .contains("--frobnicate"));
        assert!(tr(&["gitleaks", "scan"])
            .unwrap_err()
            .contains("invoked as gitleaks"));
        assert!(tr(&["gitleaks", "dir", "-f", "xml"])
            .unwrap_err()
            .contains("xml"));
        assert!(tr(&["gitleaks", "git", "--log-opts", "-n 5"]).is_err());
        assert!(tr(&["gitleaks", "dir", "--config"])
            .unwrap_err()
            .contains("needs a value"));
    }
}
