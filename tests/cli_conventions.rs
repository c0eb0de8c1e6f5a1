//! CLI conventions, through the real binary: shell completions, man pages,
//! `--color`, `-q/--quiet`, `-v/--verbose`, one spelling for output files,
//! error causes printed once, plurals, and the unborn-HEAD message.

mod git_support;

use assert_cmd::Command;
use git_support::{secret, TestRepo};
use std::path::Path;

/// `leakgate` in `cwd` with a hermetic environment: no colour variables,
/// no config variables, HOME in `cwd`.
fn lg(cwd: &Path) -> Command {
    let mut cmd = Command::cargo_bin("leakgate").unwrap();
    cmd.current_dir(cwd).env("HOME", cwd);
    for var in [
        "NO_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "LEAKGATE_CONFIG",
        "GITLEAKS_CONFIG",
        "GITLEAKS_CONFIG_TOML",
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_CONFIG_GLOBAL",
        "XDG_CONFIG_HOME",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A plain directory (not a repository) holding one file with a secret.
fn dir_with_secret() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.env"),
        format!("GITHUB_TOKEN={}\n", secret(7)),
    )
    .unwrap();
    dir
}

/// A plain directory with one clean text file and one binary file (skipped).
fn dir_with_skip() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "nothing to see\n").unwrap();
    std::fs::write(
        dir.path().join("blob.bin"),
        b"\x00\x01\x02binary\x00data\x00",
    )
    .unwrap();
    dir
}

const ESC: &str = "\x1b[";

// ---------------------------------------------------------------- completions

#[test]
fn completions_for_every_shell_cover_subcommands_and_hide_compat_flags() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let r = run(lg(dir.path()).args(["completions", shell]));
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        // fish spells long flags `-l output`, the others `--output`.
        let flag = |name: &str| regex::Regex::new(&format!(r"(--|-l ){name}([^-a-z]|$)")).unwrap();
        for word in ["scan", "hook", "sbom", "completions", "install"] {
            assert!(r.stdout.contains(word), "{shell} completions lack {word}");
        }
        for name in ["output", "color", "quiet", "verbose", "history"] {
            assert!(
                flag(name).is_match(&r.stdout),
                "{shell} completions lack --{name}"
            );
        }
        // Hidden gitleaks compatibility flags and the old spelling stay out.
        for hidden in ["gitleaks-ignore-path", "enable-rule", "no-color", "report"] {
            assert!(
                !flag(hidden).is_match(&r.stdout),
                "{shell} completions offer the hidden --{hidden}"
            );
        }
    }
}

#[test]
fn bash_completion_script_parses_and_completes_subcommands() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(lg(dir.path()).args(["completions", "bash"]));
    let script = dir.path().join("leakgate.bash");
    std::fs::write(&script, &r.stdout).unwrap();
    // Source it and ask for the completions of `leakgate ho` and `leakgate scan --out`.
    let probe = format!(
        "source '{}'; COMP_WORDS=(leakgate ho); COMP_CWORD=1; _leakgate leakgate ho leakgate; echo \"${{COMPREPLY[@]}}\"; \
         COMP_WORDS=(leakgate scan --out); COMP_CWORD=2; _leakgate leakgate --out scan; echo \"${{COMPREPLY[@]}}\"",
        script.display()
    );
    let out = std::process::Command::new("bash")
        .args(["--norc", "-c", &probe])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    let mut lines = said.lines();
    assert_eq!(lines.next(), Some("hook"), "{said}");
    assert_eq!(lines.next(), Some("--output"), "{said}");
}

#[test]
fn unknown_shell_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(lg(dir.path()).args(["completions", "tcsh"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("tcsh"), "{}", r.stderr);
}

// ------------------------------------------------------------------ man pages

#[test]
fn man_prints_the_main_page_or_a_nested_subcommand_page() {
    let dir = tempfile::tempdir().unwrap();
    let main = run(lg(dir.path()).arg("man"));
    assert_eq!(main.code, 0, "{}", main.stderr);
    assert!(main.stdout.contains(".TH LEAKGATE 1"), "{}", main.stdout);
    assert!(main.stdout.contains("leakgate\\-scan(1)") || main.stdout.contains("scan"));
    let page = run(lg(dir.path()).args(["man", "hook", "install"]));
    assert_eq!(page.code, 0, "{}", page.stderr);
    assert!(page.stdout.contains(".TH LEAKGATE-HOOK-INSTALL 1"));
    assert!(page.stdout.contains("\\-\\-global"));
    let scan = run(lg(dir.path()).args(["man", "scan"]));
    assert!(scan.stdout.contains("\\-\\-output"));
    assert!(!scan.stdout.contains("gitleaks\\-ignore\\-path"));
    assert!(!scan.stdout.contains("enable\\-rule"));
}

#[test]
fn man_dir_writes_one_page_per_visible_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man/man1");
    let r = run(lg(dir.path()).args(["man", "--dir"]).arg(&out));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut pages: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    for want in [
        "leakgate.1",
        "leakgate-scan.1",
        "leakgate-hook.1",
        "leakgate-hook-install.1",
        "leakgate-hook-uninstall.1",
        "leakgate-rules-list.1",
        "leakgate-db-update.1",
        "leakgate-baseline-import.1",
        "leakgate-completions.1",
        "leakgate-man.1",
    ] {
        assert!(
            pages.iter().any(|p| p == want),
            "{want} missing from {pages:?}"
        );
    }
    // clap's `help` and the gitleaks verbs get no page.
    assert!(!pages.iter().any(|p| p.contains("help")), "{pages:?}");
    for verb in ["detect", "protect", "git", "dir", "stdin"] {
        assert!(!pages.iter().any(|p| p == &format!("leakgate-{verb}.1")));
    }
    assert!(
        r.stderr
            .contains(&format!("wrote {} man pages", pages.len())),
        "{}",
        r.stderr
    );
    // Every page is roff groff accepts without warnings, when groff is here.
    if std::process::Command::new("groff")
        .arg("-v")
        .output()
        .is_ok()
    {
        for p in &pages {
            let check = std::process::Command::new("groff")
                .args(["-man", "-Tutf8", "-ww", "-z"])
                .arg(out.join(p))
                .output()
                .unwrap();
            assert!(check.status.success(), "{p}");
            assert!(
                check.stderr.is_empty(),
                "{p}: {}",
                String::from_utf8_lossy(&check.stderr)
            );
        }
    }
}

#[test]
fn man_of_an_unknown_subcommand_names_it_and_the_choices() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(lg(dir.path()).args(["man", "hook", "nope"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("`leakgate hook nope`"), "{}", r.stderr);
    assert!(r.stderr.contains("install, uninstall"), "{}", r.stderr);
    // Gitleaks verbs are not leakgate subcommands with pages.
    let r = run(lg(dir.path()).args(["man", "protect"]));
    assert_eq!(r.code, 2, "{}", r.stdout);
}

// ---------------------------------------------------------------------- colour

#[test]
fn color_flag_wins_over_the_environment() {
    let dir = dir_with_secret();
    let scan = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = lg(dir.path());
        cmd.arg("scan").args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        run(&mut cmd)
    };
    // Not a terminal: auto means no colour.
    let plain = scan(&["."], &[]);
    assert_eq!(plain.code, 1, "{}", plain.stderr);
    assert!(!plain.stdout.contains(ESC));
    assert!(scan(&["--color", "always", "."], &[]).stdout.contains(ESC));
    assert!(scan(&["."], &[("CLICOLOR_FORCE", "1")])
        .stdout
        .contains(ESC));
    assert!(!scan(&["."], &[("CLICOLOR_FORCE", "0")])
        .stdout
        .contains(ESC));
    assert!(!scan(&["--color=never", "."], &[("CLICOLOR_FORCE", "1")])
        .stdout
        .contains(ESC));
    assert!(scan(&["--color=always", "."], &[("NO_COLOR", "1")])
        .stdout
        .contains(ESC));
    assert!(!scan(&["."], &[("NO_COLOR", "1"), ("CLICOLOR", "0")])
        .stdout
        .contains(ESC));
    // A global flag: before the subcommand too.
    let mut cmd = lg(dir.path());
    assert!(run(cmd.args(["--color", "always", "scan", "."]))
        .stdout
        .contains(ESC));
}

#[test]
fn color_applies_to_summaries_warnings_errors_and_help() {
    let dir = dir_with_skip();
    let report = dir.path().join("r.json");
    // The summary on stderr (with -o) and the skip warning.
    let r = run(lg(dir.path())
        .args(["scan", "--color", "always", "-o"])
        .arg(&report)
        .arg("."));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("\x1b[33mwarning:"), "{}", r.stderr);
    assert!(
        r.stderr.contains("\x1b[1;32mNo secrets found"),
        "{}",
        r.stderr
    );
    // The report file never gets colour.
    assert!(!std::fs::read_to_string(&report).unwrap().contains(ESC));
    let never = run(lg(dir.path())
        .args(["scan", "--color", "never", "-o"])
        .arg(&report)
        .arg(".")
        .env("CLICOLOR_FORCE", "1"));
    assert!(!never.stderr.contains(ESC), "{}", never.stderr);
    // Errors.
    let err = run(lg(dir.path()).args(["--color", "always", "scan", "missing-dir"]));
    assert_eq!(err.code, 2);
    assert!(err.stderr.contains("\x1b[1;31merror:"), "{}", err.stderr);
    // clap's own help and usage errors.
    let help = run(lg(dir.path()).args(["--color", "always", "scan", "--help"]));
    assert!(help.stdout.contains(ESC), "{}", help.stdout);
    let help = run(lg(dir.path())
        .args(["--color", "never", "scan", "--help"])
        .env("CLICOLOR_FORCE", "1"));
    assert!(!help.stdout.contains(ESC));
    let usage = run(lg(dir.path()).args(["--color=always", "scan", "--bogus"]));
    assert_eq!(usage.code, 2);
    assert!(usage.stderr.contains(ESC), "{}", usage.stderr);
}

#[test]
fn bad_color_value_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(lg(dir.path()).args(["scan", "--color", "sometimes", "."]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("sometimes"), "{}", r.stderr);
}

// ----------------------------------------------------------------- quiet/verbose

#[test]
fn quiet_prints_only_findings_and_errors() {
    let dir = dir_with_secret();
    std::fs::write(dir.path().join("blob.bin"), b"\x00\x01bin\x00").unwrap();
    let loud = run(lg(dir.path()).args(["scan", "."]));
    assert_eq!(loud.code, 1);
    assert!(loud.stdout.contains("1 finding ("), "{}", loud.stdout);
    assert!(loud.stderr.contains("warning:"), "{}", loud.stderr);
    let quiet = run(lg(dir.path()).args(["scan", "-q", "."]));
    assert_eq!(quiet.code, 1);
    assert!(quiet.stdout.contains("github-pat"), "{}", quiet.stdout);
    assert!(quiet.stdout.contains("app.env"));
    assert!(!quiet.stdout.contains("1 finding ("), "{}", quiet.stdout);
    assert!(!quiet.stdout.contains("files scanned"));
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
    // With -o: nothing on the terminal, the report in the file.
    let report = dir.path().join("r.json");
    let quiet = run(lg(dir.path())
        .args(["--quiet", "scan", "-o"])
        .arg(&report)
        .arg("."));
    assert_eq!(quiet.code, 1);
    assert!(
        quiet.stdout.is_empty() && quiet.stderr.is_empty(),
        "{}",
        quiet.stderr
    );
    assert!(std::fs::read_to_string(&report)
        .unwrap()
        .contains("app.env"));
    // Errors still show.
    let err = run(lg(dir.path()).args(["-q", "scan", "--config", "missing.toml", "."]));
    assert_eq!(err.code, 2);
    assert!(err.stderr.contains("missing.toml"), "{}", err.stderr);
}

#[test]
fn quiet_clean_scan_is_silent_and_quiet_conflicts_with_verbose() {
    let dir = dir_with_skip();
    let r = run(lg(dir.path()).args(["scan", "-q", "."]));
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.is_empty() && r.stderr.is_empty(),
        "{}{}",
        r.stdout,
        r.stderr
    );
    let r = run(lg(dir.path()).args(["scan", "-q", "-v", "."]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--quiet") && r.stderr.contains("--verbose"),
        "{}",
        r.stderr
    );
}

#[test]
fn quiet_hook_install_says_nothing() {
    let t = TestRepo::new();
    let r = run(lg(&t.root())
        .env("HOME", t.dir.path())
        .args(["hook", "install", "-q"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(t.repo.path().join("hooks/pre-commit").exists());
}

#[test]
fn verbose_names_the_config_its_origin_the_rule_count_and_skips() {
    let dir = dir_with_skip();
    std::fs::write(
        dir.path().join(".leakgate.toml"),
        "[[rules]]\nid = \"acme-key\"\ndescription = \"ACME key\"\nregex = '''acme_[0-9a-f]{32}'''\n",
    )
    .unwrap();
    std::fs::write(dir.path().join(".leakgateignore"), "").unwrap();
    let r = run(lg(dir.path()).args(["scan", "-v", "."]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("config: ./.leakgate.toml (found at the root .)"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("ignore file: ./.leakgateignore"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(" rules loaded") || r.stderr.contains("1 rule loaded"));
    assert!(r.stderr.contains("blob.bin"), "{}", r.stderr);
    assert!(r.stderr.contains("binary"), "{}", r.stderr);
    // --config and the environment variables are named as the origin.
    let cfg = dir.path().join(".leakgate.toml");
    let r = run(lg(dir.path())
        .args(["scan", "-v", "--config"])
        .arg(&cfg)
        .arg("."));
    assert!(r.stderr.contains("(given with --config)"), "{}", r.stderr);
    let r = run(lg(dir.path())
        .args(["scan", "-v", "."])
        .env("LEAKGATE_CONFIG", &cfg));
    assert!(
        r.stderr.contains("(named by $LEAKGATE_CONFIG)"),
        "{}",
        r.stderr
    );
    // Without -v none of it.
    let r = run(lg(dir.path()).args(["scan", "."]));
    assert!(!r.stderr.contains("config:") && !r.stderr.contains("rules loaded"));
}

#[test]
fn verbose_with_builtin_rules_counts_them() {
    let dir = dir_with_skip();
    let r = run(lg(dir.path()).args(["scan", "--verbose", "."]));
    assert!(r.stderr.contains("built-in rules"), "{}", r.stderr);
    let count_line = r
        .stderr
        .lines()
        .find(|l| l.ends_with(" rules loaded"))
        .unwrap_or_else(|| panic!("{}", r.stderr));
    let n: usize = count_line
        .trim_start_matches("leakgate: ")
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    // The same number `rules list` prints one line per rule for.
    let list = run(lg(dir.path()).args(["rules", "list"]));
    assert!(n > 50, "{n}");
    assert!(
        list.stdout.lines().count() >= n,
        "{n} vs {}",
        list.stdout.lines().count()
    );
}

#[test]
fn verbose_lists_every_skipped_file_default_caps_the_list() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..60 {
        std::fs::write(dir.path().join(format!("b{i:02}.bin")), b"\x00\x01x\x00").unwrap();
    }
    let normal = run(lg(dir.path()).args(["scan", "."]));
    let named = |s: &str| s.lines().filter(|l| l.contains(".bin")).count();
    assert_eq!(named(&normal.stderr), 50, "{}", normal.stderr);
    assert!(
        normal
            .stderr
            .contains("more 10 skipped files are listed in the report")
            || normal.stderr.contains("10 skipped files are listed"),
        "{}",
        normal.stderr
    );
    let verbose = run(lg(dir.path()).args(["scan", "-v", "."]));
    assert_eq!(named(&verbose.stderr), 60, "{}", verbose.stderr);
}

// ----------------------------------------------------------------- output files

#[test]
fn output_file_has_one_spelling_and_the_old_one_still_works() {
    let dir = dir_with_secret();
    for flag in ["-o", "--output", "--report"] {
        let file = dir.path().join(format!("r{}.json", flag.len()));
        let r = run(lg(dir.path())
            .args(["scan", "-f", "json", flag])
            .arg(&file)
            .arg("."));
        assert_eq!(r.code, 1, "{flag}: {}", r.stderr);
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains("\"app.env\""), "{flag}");
    }
    let file = dir.path().join("eq.json");
    let r = run(lg(dir.path())
        .args(["scan", "-f", "json"])
        .arg(format!("--output={}", file.display()))
        .arg("."));
    assert_eq!(r.code, 1);
    assert!(file.exists());
}

#[test]
fn help_of_every_command_writing_files_says_output_never_report() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in [
        &["scan"][..],
        &["deps"],
        &["policy"],
        &["sbom"],
        &["sbom", "check"],
        &["baseline", "import"],
    ] {
        let r = run(lg(dir.path()).args(cmd).arg("--help"));
        assert_eq!(r.code, 0, "{cmd:?}");
        assert!(r.stdout.contains("-o, --output <"), "{cmd:?}: {}", r.stdout);
        assert!(!r.stdout.contains("--report <"), "{cmd:?}");
        assert!(!r.stdout.contains("--report FILE"), "{cmd:?}");
    }
}

#[test]
fn unwritable_output_error_names_the_canonical_flag_target() {
    let dir = dir_with_secret();
    let r = run(lg(dir.path()).args(["scan", "-o", "no/such/dir/r.json", "."]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no/such/dir/r.json"), "{}", r.stderr);
}

// ------------------------------------------------------------------- errors

/// Fails when a `: `-separated segment of an error line repeats, or an OS
/// error text appears twice.
fn assert_no_repeated_cause(stderr: &str) {
    for line in stderr.lines() {
        let os = line.match_indices("(os error ").count();
        assert!(os <= 1, "an OS error appears {os} times: {line}");
        let parts: Vec<&str> = line.split(": ").collect();
        for w in parts.windows(2) {
            assert_ne!(w[0], w[1], "repeated cause in: {line}");
        }
    }
}

#[test]
fn error_messages_name_each_cause_once() {
    let dir = dir_with_secret();
    let cases: &[&[&str]] = &[
        &["scan", "--config", "missing.toml", "."],
        &["scan", "--gitleaks-ignore-path", "missing-ignore", "."],
        &["scan", "--baseline", "missing.json", "."],
        &["scan", "-o", "no/dir/r.json", "."],
        &["scan", "--write-baseline", "no/dir/b.json", "."],
        &["rules", "check", "--config", "missing.toml"],
        &["policy", "--config", "missing.toml", "."],
        &["sbom", "check", "missing.cdx.json"],
        &["baseline", "import", "missing.json"],
        &["deps", "missing-dir"],
    ];
    for args in cases {
        let r = run(lg(dir.path()).args(*args));
        // (`deps` names unreadable inputs in its report, on stdout.)
        let all = format!("{}{}", r.stdout, r.stderr);
        assert_eq!(r.code, 2, "{args:?}: {all}");
        assert!(
            all.contains("missing") || all.contains("no/dir"),
            "{args:?}: {all}"
        );
        assert!(all.contains("(os error 2)"), "{args:?}: {all}");
        assert_no_repeated_cause(&all);
    }
}

// ------------------------------------------------------------------- plurals

#[test]
fn counts_of_one_are_singular() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("one.txt"), "hello\n").unwrap();
    std::fs::write(dir.path().join("blob.bin"), b"\x00\x01x\x00").unwrap();
    let r = run(lg(dir.path()).args(["scan", "."]));
    assert!(r.stdout.contains("1 file scanned"), "{}", r.stdout);
    assert!(r.stdout.contains("1 skipped (1 binary)"), "{}", r.stdout);
    let strict = run(lg(dir.path()).args(["scan", "--strict", "."]));
    assert_eq!(strict.code, 2);
    assert!(
        strict.stderr.contains("1 file was skipped"),
        "{}",
        strict.stderr
    );
    let all = format!("{}{}{}", r.stdout, r.stderr, strict.stderr);
    let bad = regex::Regex::new(
        r"\b1 (files|findings|entries|rules|commits|blobs|lockfiles|packages|inputs|advisories)\b",
    )
    .unwrap();
    assert!(!bad.is_match(&all), "{all}");
    assert!(!all.contains("(s)"), "{all}");
}

// ---------------------------------------------------------------- unborn HEAD

#[test]
fn unborn_head_with_other_branches_says_so() {
    let t = TestRepo::new();
    t.add("a.txt", "hello\n");
    t.commit("first");
    // HEAD on a new branch with no commit yet (`git checkout --orphan fresh`).
    t.repo.set_head("refs/heads/fresh").unwrap();
    let r = run(lg(&t.root()).args(["scan", "--history"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(
        all.contains("HEAD is unborn on branch fresh; 1 other branch exists (use --all-refs, or name a ref with --branch)"),
        "{all}"
    );
    assert!(!all.contains("no commits"), "{all}");
    // The hint works.
    let r = run(lg(&t.root()).args(["scan", "--history", "--all-refs"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("1 commit"), "{}", r.stdout);
    let r = run(lg(&t.root()).args(["scan", "--since", "HEAD~0"]));
    assert_eq!(r.code, 2);
    let r = run(lg(&t.root()).args(["scan", "--since", "fresh"]));
    assert_eq!(r.code, 2);
}

#[test]
fn repository_without_any_commit_says_no_commits() {
    let t = TestRepo::new();
    let r = run(lg(&t.root()).args(["scan", "--history"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("the repository has no commits"), "{all}");
    assert!(!all.contains("unborn"), "{all}");
}
