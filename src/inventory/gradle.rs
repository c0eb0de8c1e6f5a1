//! Gradle dependency lock files (`gradle.lockfile`, and the older
//! per-configuration `gradle/dependency-locks/*.lockfile`).
//!
//! One line per resolved module, `group:artifact:version=conf1,conf2`, plus
//! `empty=…` naming configurations that resolved nothing and `#` comments.
//! A module only in test configurations (`testCompileClasspath`, …) is dev.
//! The lockfile does not say which modules the build asked for directly,
//! nor how they depend on each other.

use super::collect::{Collector, Entry};
use super::lines::line_number;
use super::{Ecosystem, Input, InventoryError, Package};

/// Parses a Gradle lockfile.
pub(crate) fn parse(input: &Input<'_>) -> Result<Vec<Package>, InventoryError> {
    // The single-file format (Gradle 6.4+) puts `=configurations` on every
    // line and always ends with an `empty=` line: without them the file
    // was cut off. The older per-configuration files have neither.
    let single_file = input.display.rsplit('/').next() == Some("gradle.lockfile");
    let mut out = Collector::new(Ecosystem::Maven, input.display);
    let mut saw_empty = false;
    let mut last_line = 0;
    for (i, line) in input.text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        last_line = line_number(i);
        if line.starts_with("empty=") {
            saw_empty = true;
            continue;
        }
        if single_file && !line.contains('=') {
            return Err(InventoryError::parse(
                input.display,
                Some(line_number(i)),
                "line has no `=configurations` part (truncated lockfile?)",
            ));
        }
        let (coordinates, configurations) = line.split_once('=').unwrap_or((line, ""));
        let parts: Vec<&str> = coordinates.split(':').collect();
        let [group, artifact, version] = parts.as_slice() else {
            return Err(InventoryError::parse(
                input.display,
                Some(line_number(i)),
                format!("expected `group:artifact:version=configurations`, found `{coordinates}`"),
            ));
        };
        if group.is_empty() || artifact.is_empty() || version.is_empty() {
            return Err(InventoryError::parse(
                input.display,
                Some(line_number(i)),
                "empty group, artifact or version",
            ));
        }
        let mut entry = Entry::new(
            format!("{group}:{artifact}"),
            Some((*version).to_string()),
            line_number(i),
        );
        let confs: Vec<&str> = configurations
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        entry.dev = !confs.is_empty() && confs.iter().all(|c| c.starts_with("test"));
        out.push(entry);
    }
    if single_file && !saw_empty {
        return Err(InventoryError::parse(
            input.display,
            Some(last_line),
            "no closing `empty=` line (truncated lockfile?)",
        ));
    }
    Ok(out.finish())
}

#[cfg(test)]
mod tests {
    use super::super::{parse_str, LockfileKind};

    #[test]
    fn parses_lines() {
        let text = "# comment\ncom.google.guava:guava:31.0-jre=compileClasspath,testCompileClasspath\njunit:junit:4.12=testCompileClasspath,testRuntimeClasspath\nempty=annotationProcessor\n";
        let pkgs = parse_str(LockfileKind::GradleLockfile, "gradle.lockfile", text).unwrap();
        let got: Vec<(&str, &str, bool, u32)> = pkgs
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.version.as_deref().unwrap(),
                    p.dev,
                    p.location.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("com.google.guava:guava", "31.0-jre", false, 2),
                ("junit:junit", "4.12", true, 3)
            ]
        );
        assert_eq!(pkgs[0].purl(), "pkg:maven/com.google.guava/guava@31.0-jre");
        let err = parse_str(
            LockfileKind::GradleLockfile,
            "gradle.lockfile",
            "\nbad:line=x\n",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "gradle.lockfile:2: expected `group:artifact:version=configurations`, found `bad:line`"
        );
    }
}
