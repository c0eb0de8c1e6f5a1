//! `go.mod`: the module's requirements.
//!
//! `require` lines (single or in a block) give module path and version;
//! a `// indirect` comment marks a requirement the module does not import
//! itself. `replace` directives are applied: a replacement by another
//! module (at a version) becomes that module, a replacement by a local
//! directory is local code: listed under the module path it replaces, with
//! no version. The Go toolchain is the `stdlib` pseudo-package (as the OSV
//! Go database names the standard library), at the `toolchain` version, else
//! the `go` version (`go 1.21` is the 1.21.0 release). A file without a
//! `module` directive is not a go.mod and is refused. `exclude`, `retract`
//! and later directives do not name dependencies and are skipped. go.mod
//! records no dependency graph.

use super::collect::{Collector, Entry};
use super::lines::line_number;
use super::{Ecosystem, Input, InventoryError, Package};

struct Require {
    path: String,
    version: String,
    line: u32,
    indirect: bool,
}

struct Replace {
    old: String,
    old_version: Option<String>,
    new: String,
    new_version: Option<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Block {
    Require,
    Replace,
    Other,
}

/// Parses a `go.mod`.
pub(crate) fn parse(input: &Input<'_>) -> Result<Vec<Package>, InventoryError> {
    let mut requires = Vec::new();
    let mut replaces = Vec::new();
    let mut block: Option<(Block, u32)> = None;
    let mut module = false;
    // (version, line) of the `go` and `toolchain` directives.
    let mut go: Option<(String, u32)> = None;
    let mut toolchain: Option<(String, u32)> = None;
    for (i, raw) in input.text.lines().enumerate() {
        let line = line_number(i);
        let (code, comment) = split_comment(raw);
        let indirect = comment.is_some_and(|c| {
            let c = c.trim_start();
            c == "indirect" || c.starts_with("indirect;")
        });
        let tokens =
            tokenize(code).map_err(|m| InventoryError::parse(input.display, Some(line), m))?;
        if tokens.is_empty() {
            continue;
        }
        if let Some((kind, _)) = block {
            if tokens == [")"] {
                block = None;
                continue;
            }
            entry(
                kind,
                &tokens,
                line,
                indirect,
                input.display,
                &mut requires,
                &mut replaces,
            )?;
            continue;
        }
        match (tokens[0].as_str(), tokens.get(1)) {
            ("module", Some(_)) => module = true,
            ("go", Some(v)) => go = Some((v.clone(), line)),
            ("toolchain", Some(v)) => toolchain = Some((v.clone(), line)),
            _ => {}
        }
        let kind = match tokens[0].as_str() {
            "require" => Block::Require,
            "replace" => Block::Replace,
            _ => Block::Other,
        };
        if tokens.get(1).map(String::as_str) == Some("(") {
            block = Some((kind, line));
            continue;
        }
        entry(
            kind,
            &tokens[1..],
            line,
            indirect,
            input.display,
            &mut requires,
            &mut replaces,
        )?;
    }
    if let Some((_, start)) = block {
        return Err(InventoryError::parse(
            input.display,
            Some(start),
            "unterminated ( block",
        ));
    }

    if !module {
        return Err(InventoryError::parse(
            input.display,
            None,
            "not a go.mod: no `module` directive",
        ));
    }

    let mut out = Collector::new(Ecosystem::Go, input.display);
    let stdlib = toolchain
        .and_then(|(v, line)| {
            // `toolchain default` names no version.
            v.strip_prefix("go").map(|v| (v.to_string(), line))
        })
        .or(go)
        .and_then(|(v, line)| stdlib_version(&v).map(|v| (v, line)));
    if let Some((version, line)) = stdlib {
        let mut e = Entry::new("stdlib", Some(version), line);
        e.direct = true;
        out.push(e);
    }
    for r in requires {
        // A version-specific replacement wins over a path-wide one.
        let rep = replaces
            .iter()
            .find(|p| p.old == r.path && p.old_version.as_deref() == Some(r.version.as_str()))
            .or_else(|| {
                replaces
                    .iter()
                    .find(|p| p.old == r.path && p.old_version.is_none())
            });
        let (path, version) = match rep {
            Some(p) if is_local_path(&p.new) => {
                // Local code replacing the module: listed, never matched.
                input.local(&r.path, &p.new, Some(r.version.clone()));
                (r.path, None)
            }
            Some(p) => match &p.new_version {
                Some(v) => (p.new.clone(), Some(v.clone())),
                None => {
                    return Err(InventoryError::parse(
                        input.display,
                        Some(r.line),
                        format!("replacement {} of {} has no version", p.new, r.path),
                    ))
                }
            },
            None => (r.path, Some(r.version)),
        };
        let mut e = Entry::new(path, version, r.line);
        e.direct = !r.indirect;
        out.push(e);
    }
    Ok(out.finish())
}

fn entry(
    kind: Block,
    tokens: &[String],
    line: u32,
    indirect: bool,
    file: &str,
    requires: &mut Vec<Require>,
    replaces: &mut Vec<Replace>,
) -> Result<(), InventoryError> {
    match kind {
        Block::Require => match tokens {
            [_, version] if !version.starts_with('v') => {
                return Err(InventoryError::parse(
                    file,
                    Some(line),
                    format!("`{version}` is not a module version (they start with `v`)"),
                ));
            }
            [path, version] => requires.push(Require {
                path: path.clone(),
                version: version.clone(),
                line,
                indirect,
            }),
            _ => {
                return Err(InventoryError::parse(
                    file,
                    Some(line),
                    "expected `module/path version` in require",
                ));
            }
        },
        Block::Replace => {
            let arrow = tokens.iter().position(|t| t == "=>");
            let parsed = match arrow.map(|a| (&tokens[..a], &tokens[a + 1..])) {
                Some(([old], [new])) => Some((old, None, new, None)),
                Some(([old, ov], [new])) => Some((old, Some(ov), new, None)),
                Some(([old], [new, nv])) => Some((old, None, new, Some(nv))),
                Some(([old, ov], [new, nv])) => Some((old, Some(ov), new, Some(nv))),
                _ => None,
            };
            let Some((old, ov, new, nv)) = parsed else {
                return Err(InventoryError::parse(
                    file,
                    Some(line),
                    "expected `old [version] => new [version]` in replace",
                ));
            };
            replaces.push(Replace {
                old: old.clone(),
                old_version: ov.cloned(),
                new: new.clone(),
                new_version: nv.cloned(),
            });
        }
        Block::Other => {}
    }
    Ok(())
}

/// The release a `go`/`toolchain` version names: `1.21.5` as is, `1.21`
/// as `1.21.0`, a pre-release (`1.21rc2`) as written; `None` when it is
/// not a Go version at all.
fn stdlib_version(v: &str) -> Option<String> {
    let mut parts = v.split('.');
    let major = parts.next()?;
    let minor = parts.next()?;
    if major.is_empty() || !major.bytes().all(|b| b.is_ascii_digit()) || minor.is_empty() {
        return None;
    }
    if minor.bytes().all(|b| b.is_ascii_digit()) && parts.next().is_none() {
        return Some(format!("{major}.{minor}.0"));
    }
    Some(v.to_string())
}

/// A replacement target that is a directory, not a module.
fn is_local_path(target: &str) -> bool {
    target.starts_with("./")
        || target.starts_with("../")
        || target.starts_with('/')
        || target == "."
        || target == ".."
        || target.get(1..3) == Some(":\\")
}

/// Splits a line into code and the text of its `//` comment, ignoring `//`
/// inside quoted strings.
fn split_comment(line: &str) -> (&str, Option<&str>) {
    let mut quote: Option<char> = None;
    let mut prev = '\0';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q && !(q == '"' && prev == '\\') => quote = None,
            Some(_) => {}
            None if c == '"' || c == '`' => quote = Some(c),
            None if c == '/' && line[i + 1..].starts_with('/') => {
                return (&line[..i], Some(&line[i + 2..]))
            }
            None => {}
        }
        prev = c;
    }
    (line, None)
}

/// Splits on whitespace, keeping `(`, `)` and `=>` separate and unquoting
/// interpreted (`"…"`) and raw (`` `…` ``) strings.
fn tokenize(code: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = code.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '(' || c == ')' {
            out.push(c.to_string());
            chars.next();
        } else if c == '"' || c == '`' {
            chars.next();
            let mut s = String::new();
            loop {
                match chars.next() {
                    None => return Err("unterminated quoted string".to_string()),
                    Some(q) if q == c => break,
                    Some('\\') if c == '"' => s.extend(chars.next()),
                    Some(ch) => s.push(ch),
                }
            }
            out.push(s);
        } else {
            let mut s = String::new();
            while let Some(&ch) = chars.peek() {
                if ch.is_whitespace() || ch == '(' || ch == ')' || ch == '"' || ch == '`' {
                    break;
                }
                s.push(ch);
                chars.next();
            }
            out.push(s);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::{parse_str, LockfileKind};

    const GO_MOD: &str = r#"module example.com/app // the project

go 1.21

toolchain go1.21.5

require golang.org/x/text v0.3.5

require (
	github.com/gin-gonic/gin v1.6.0
	github.com/old/dep v1.0.0 // indirect
	"github.com/quoted/mod" v0.1.0
	example.com/local v0.0.0
)

exclude golang.org/x/net v0.0.1

replace github.com/old/dep => github.com/new/dep v1.2.3

replace (
	example.com/local => ../local
)
"#;

    #[test]
    fn parses_requires_and_replacements() {
        let pkgs = parse_str(LockfileKind::GoMod, "go.mod", GO_MOD).unwrap();
        let got: Vec<(&str, &str, bool, u32)> = pkgs
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.version.as_deref().unwrap_or("-"),
                    p.direct,
                    p.location.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("stdlib", "1.21.5", true, 5),
                ("golang.org/x/text", "v0.3.5", true, 7),
                ("github.com/gin-gonic/gin", "v1.6.0", true, 10),
                ("github.com/new/dep", "v1.2.3", false, 11),
                ("github.com/quoted/mod", "v0.1.0", true, 12),
                ("example.com/local", "-", true, 13),
            ]
        );
        assert_eq!(pkgs[0].purl(), "pkg:golang/stdlib@1.21.5");
        assert_eq!(pkgs[1].purl(), "pkg:golang/golang.org/x/text@v0.3.5");
        assert_eq!(pkgs[5].purl(), "pkg:golang/example.com/local");
    }

    #[test]
    fn stdlib_from_go_directive() {
        let pkgs = parse_str(
            LockfileKind::GoMod,
            "go.mod",
            "module a

go 1.21
",
        )
        .unwrap();
        assert_eq!(pkgs.len(), 1);
        assert_eq!(pkgs[0].purl(), "pkg:golang/stdlib@1.21.0");
        let pkgs = parse_str(
            LockfileKind::GoMod,
            "go.mod",
            "module a
go 1.22.1
toolchain default
",
        )
        .unwrap();
        assert_eq!(pkgs[0].version.as_deref(), Some("1.22.1"));
        let pkgs = parse_str(
            LockfileKind::GoMod,
            "go.mod",
            "module a
",
        )
        .unwrap();
        assert!(pkgs.is_empty());
    }

    #[test]
    fn refuses_what_is_not_a_go_mod() {
        let err = parse_str(
            LockfileKind::GoMod,
            "go.mod",
            "This is not a go.mod
but some notes
",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "go.mod: not a go.mod: no `module` directive"
        );
        let err = parse_str(
            LockfileKind::GoMod,
            "go.mod",
            "module a
require github.com/x/y 1.0.0
",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "go.mod:2: `1.0.0` is not a module version (they start with `v`)"
        );
    }

    #[test]
    fn reports_bad_lines() {
        let err = parse_str(
            LockfileKind::GoMod,
            "go.mod",
            "module a\n\nrequire (\n  only/path\n)\n",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "go.mod:4: expected `module/path version` in require"
        );
        let err = parse_str(
            LockfileKind::GoMod,
            "go.mod",
            "module a\nrequire (\n a v1\n",
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "go.mod:2: unterminated ( block");
        let err = parse_str(LockfileKind::GoMod, "go.mod", "require \"a v1\n").unwrap_err();
        assert_eq!(err.to_string(), "go.mod:1: unterminated quoted string");
    }
}
