//! The project manifest beside a lockfile that does not record the
//! project's own requirements (`package.json` for npm v1 and yarn,
//! `composer.json`, `Pipfile`, `pyproject.toml`).
//!
//! Only read when a lockfile is parsed from disk. Without a manifest the
//! graph's roots stand in for the direct packages ([`graph::roots_as_direct`]).

use super::collect::{identity, pep503};
use super::graph;
use super::guard::read_side_file;
use super::{Ecosystem, Input, Package};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The names a project declares, split by whether they are only for development.
#[derive(Debug, Default)]
pub(crate) struct Manifest {
    prod: HashSet<String>,
    dev: HashSet<String>,
}

impl Manifest {
    /// Reads the manifest of `ecosystem` beside the lockfile, if any.
    /// A manifest that does not parse is treated as absent: it is not the
    /// file being inventoried, and the lockfile alone still answers.
    pub(crate) fn beside(input: &Input<'_>, ecosystem: Ecosystem) -> Option<Manifest> {
        match ecosystem {
            Ecosystem::Npm => {
                let text = input.sibling("package.json")?;
                let v: serde_json::Value = serde_json::from_str(&text).ok()?;
                let mut m = Manifest::default();
                m.add_npm(&v);
                // Workspace packages' own dependencies are the project's too
                // (what yarn and npm install for `workspaces`).
                let dir = input.disk.and_then(Path::parent);
                for ws in dir.map(|d| workspace_dirs(d, &v)).unwrap_or_default() {
                    let Some(text) = read_side_file(&ws.join("package.json")) else {
                        continue;
                    };
                    if let Ok(w) = serde_json::from_str::<serde_json::Value>(&text) {
                        m.add_npm(&w);
                    }
                }
                Some(m)
            }
            Ecosystem::Packagist => {
                let text = input.sibling("composer.json")?;
                let v: serde_json::Value = serde_json::from_str(&text).ok()?;
                let mut m = Manifest::default();
                m.prod
                    .extend(json_keys(&v["require"]).map(|k| k.to_ascii_lowercase()));
                m.dev
                    .extend(json_keys(&v["require-dev"]).map(|k| k.to_ascii_lowercase()));
                Some(m)
            }
            Ecosystem::PyPI => Self::python(input),
            Ecosystem::RubyGems => {
                let text = input
                    .sibling("Gemfile")
                    .or_else(|| input.sibling("gems.rb"))?;
                Some(Self::gemfile(&text))
            }
            _ => None,
        }
    }

    fn add_npm(&mut self, v: &serde_json::Value) {
        for key in ["dependencies", "optionalDependencies", "peerDependencies"] {
            self.prod.extend(json_keys(&v[key]));
        }
        self.dev.extend(json_keys(&v["devDependencies"]));
    }

    fn python(input: &Input<'_>) -> Option<Manifest> {
        let mut m = Manifest::default();
        if let Some(text) = input.sibling("Pipfile") {
            let t: toml::Table = toml::from_str(&text).ok()?;
            m.prod
                .extend(table_keys(t.get("packages")).map(|k| pep503(&k)));
            m.dev
                .extend(table_keys(t.get("dev-packages")).map(|k| pep503(&k)));
            return Some(m);
        }
        let text = input.sibling("pyproject.toml")?;
        let t: toml::Table = toml::from_str(&text).ok()?;
        let poetry = t.get("tool").and_then(|t| t.get("poetry"));
        let names = |v: Option<&toml::Value>| {
            table_keys(v)
                .filter(|k| k != "python")
                .map(|k| pep503(&k))
                .collect::<Vec<_>>()
        };
        m.prod
            .extend(names(poetry.and_then(|p| p.get("dependencies"))));
        m.dev
            .extend(names(poetry.and_then(|p| p.get("dev-dependencies"))));
        if let Some(groups) = poetry
            .and_then(|p| p.get("group"))
            .and_then(toml::Value::as_table)
        {
            for (group, body) in groups {
                let deps = names(body.get("dependencies"));
                if group == "main" {
                    m.prod.extend(deps);
                } else {
                    m.dev.extend(deps);
                }
            }
        }
        let project = t.get("project");
        let pep508 = |v: Option<&toml::Value>| -> Vec<String> {
            v.and_then(toml::Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().and_then(requirement_name))
                        .collect()
                })
                .unwrap_or_default()
        };
        m.prod
            .extend(pep508(project.and_then(|p| p.get("dependencies"))));
        // PEP 621 extras are optional *runtime* features (`pip install
        // app[socks]`), not development tools.
        if let Some(extras) = project
            .and_then(|p| p.get("optional-dependencies"))
            .and_then(toml::Value::as_table)
        {
            for body in extras.values() {
                m.prod.extend(pep508(Some(body)));
            }
        }
        // PEP 735 groups, and uv's older `[tool.uv] dev-dependencies`: what
        // `uv sync` installs for development only.
        if let Some(groups) = t.get("dependency-groups").and_then(toml::Value::as_table) {
            for body in groups.values() {
                m.dev.extend(pep508(Some(body)));
            }
        }
        let uv = t.get("tool").and_then(|t| t.get("uv"));
        m.dev
            .extend(pep508(uv.and_then(|u| u.get("dev-dependencies"))));
        Some(m)
    }

    /// The gems a `Gemfile` declares: a gem is development-only when every
    /// group it is in (`group :development, :test do … end` blocks, and
    /// `group:`/`groups:` options) is `development` or `test`, the groups
    /// `bundle config set without 'development test'` leaves out.
    fn gemfile(text: &str) -> Manifest {
        let mut m = Manifest::default();
        // One entry per open block: the groups it sets (empty for any other block).
        let mut blocks: Vec<Vec<String>> = Vec::new();
        for raw in text.lines() {
            let line = raw.split_once(" #").map_or(raw, |(code, _)| code).trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let word = line
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("");
            if word == "end" {
                blocks.pop();
                continue;
            }
            let opens = line.ends_with(" do")
                || line.contains(" do |")
                || matches!(
                    word,
                    "if" | "unless"
                        | "case"
                        | "while"
                        | "until"
                        | "begin"
                        | "def"
                        | "class"
                        | "module"
                );
            if word == "group" {
                if opens {
                    blocks.push(ruby_symbols(line.trim_start_matches("group")));
                }
                continue;
            }
            if word == "gem" {
                let Some(name) = first_ruby_string(line) else {
                    continue;
                };
                let mut groups: Vec<String> = blocks.iter().flatten().cloned().collect();
                for key in ["groups:", "group:", ":groups =>", ":group =>"] {
                    if let Some(i) = line.find(key) {
                        groups.extend(inline_groups(&line[i + key.len()..]));
                        break;
                    }
                }
                let dev =
                    !groups.is_empty() && groups.iter().all(|g| g == "development" || g == "test");
                if dev {
                    m.dev.insert(name);
                } else {
                    m.prod.insert(name);
                }
                if opens {
                    blocks.push(Vec::new());
                }
                continue;
            }
            if opens {
                blocks.push(Vec::new());
            }
        }
        // A name declared in a runtime group and a dev group is runtime.
        let prod = m.prod.clone();
        m.dev.retain(|n| !prod.contains(n));
        m
    }

    /// Whether the project declares `name` (identity-normalised by the
    /// caller's ecosystem): `Some(true)` only for development,
    /// `Some(false)` for production, `None` when not declared.
    pub(crate) fn declared(&self, ecosystem: Ecosystem, name: &str) -> Option<bool> {
        let name = identity(ecosystem, name);
        if self.prod.contains(&name) {
            Some(false)
        } else if self.dev.contains(&name) {
            Some(true)
        } else {
            None
        }
    }

    /// Marks the declared packages direct (dev when only declared for
    /// development), then derives dev for the rest from the graph.
    pub(crate) fn apply(&self, packages: &mut [Package]) {
        for p in packages.iter_mut() {
            if let Some(dev) = self.declared(p.ecosystem, &p.name) {
                p.direct = true;
                p.dev = dev;
            }
        }
        graph::propagate_dev(packages);
    }
}

/// Direct and dev flags for a lockfile that does not record the project's
/// requirements: from the manifest beside it when there is one, otherwise
/// the graph's roots are taken as direct (dev flags left as the lockfile
/// recorded them).
pub(crate) fn settle_direct(input: &Input<'_>, ecosystem: Ecosystem, packages: &mut [Package]) {
    match Manifest::beside(input, ecosystem) {
        Some(m) => m.apply(packages),
        None => graph::roots_as_direct(packages),
    }
}

/// Most workspace folders read for one manifest.
const MAX_WORKSPACES: usize = 4096;

/// The folders a `package.json`'s `workspaces` (an array, or yarn's
/// `{"packages": […]}`) names under `dir`: a pattern is a relative path
/// whose last segment may be `*` or `**` (every folder directly below);
/// patterns leaving `dir` (`..`, absolute) are ignored.
pub(crate) fn workspace_dirs(dir: &Path, manifest: &serde_json::Value) -> Vec<PathBuf> {
    let patterns = match &manifest["workspaces"] {
        serde_json::Value::Array(a) => a.clone(),
        serde_json::Value::Object(o) => o
            .get("packages")
            .and_then(|p| p.as_array())
            .cloned()
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    member_dirs(dir, patterns.iter().filter_map(|p| p.as_str()))
}

/// Workspace member folders of `dir` from path patterns (npm/yarn
/// `workspaces`, Cargo `members`): a relative path whose last segment may be
/// `*` or `**` (every folder directly below). Patterns leaving `dir` (`..`,
/// absolute) and exclusions (`!…`) are ignored; at most [`MAX_WORKSPACES`].
pub(crate) fn member_dirs<'a>(
    dir: &Path,
    patterns: impl IntoIterator<Item = &'a str>,
) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for pattern in patterns {
        let pattern = pattern.trim_start_matches("./").trim_end_matches('/');
        if pattern.is_empty()
            || pattern.starts_with('/')
            || pattern.split('/').any(|s| s == "..")
            || pattern.starts_with('!')
        {
            continue;
        }
        match pattern
            .strip_suffix("/**")
            .or_else(|| pattern.strip_suffix("/*"))
        {
            Some(parent) if !parent.contains('*') => {
                let Ok(entries) = std::fs::read_dir(dir.join(parent)) else {
                    continue;
                };
                let mut found: Vec<PathBuf> = entries
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .map(|e| e.path())
                    .collect();
                found.sort();
                out.extend(found);
            }
            Some(_) => {}
            None if !pattern.contains('*') => out.push(dir.join(pattern)),
            None => {}
        }
        if out.len() >= MAX_WORKSPACES {
            out.truncate(MAX_WORKSPACES);
            break;
        }
    }
    out
}

/// The Ruby symbols (`:test`) and quoted names in a group list, until the
/// end of the line or a block's `do`.
fn ruby_symbols(s: &str) -> Vec<String> {
    let s = s.split(" do").next().unwrap_or(s);
    s.split(|c: char| c == ',' || c == '[' || c == ']' || c.is_whitespace())
        .filter_map(|t| {
            let t = t.trim_start_matches("groups:").trim_start_matches("group:");
            let t = t
                .trim_start_matches(':')
                .trim_matches(|c| c == '"' || c == '\'');
            (!t.is_empty()
                && t != "=>"
                && t != "group"
                && t != "groups"
                && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .then(|| t.to_string())
        })
        .collect()
}

/// The value of a `group:` option: one symbol, or a `[…]` / `%i[…]` list.
fn inline_groups(after: &str) -> Vec<String> {
    let a = after.trim_start();
    let a = a
        .strip_prefix("%i")
        .or_else(|| a.strip_prefix("%w"))
        .unwrap_or(a);
    match a.strip_prefix('[') {
        Some(list) => ruby_symbols(list.split(']').next().unwrap_or(list)),
        None => ruby_symbols(a.split(',').next().unwrap_or(a)),
    }
}

/// The first quoted string of a `gem "name", …` line.
fn first_ruby_string(line: &str) -> Option<String> {
    let start = line.find(['"', '\''])?;
    let quote = line[start..].chars().next()?;
    let rest = &line[start + 1..];
    let end = rest.find(quote)?;
    let name = &rest[..end];
    (!name.is_empty()).then(|| name.to_string())
}

fn json_keys(v: &serde_json::Value) -> impl Iterator<Item = String> + '_ {
    v.as_object().into_iter().flat_map(|o| o.keys().cloned())
}

fn table_keys(v: Option<&toml::Value>) -> impl Iterator<Item = String> + '_ {
    v.and_then(toml::Value::as_table)
        .into_iter()
        .flat_map(|t| t.keys().cloned())
}

/// The normalised project name of a PEP 508 requirement string.
pub(crate) fn requirement_name(spec: &str) -> Option<String> {
    let end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(spec.len());
    let name = &spec[..end];
    (!name.is_empty()).then(|| pep503(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemfile_groups() {
        let gemfile = r#"source "https://rubygems.org"
ruby "3.3.0"

gem "rails", "~> 7.1"
gem 'pg', '>= 1.1' # the database
gem "debug", platforms: %i[ mri windows ], group: :development
gem "rspec-rails", groups: [:development, :test]
gem "bootsnap", :group => :test, require: false
gem "web-console", groups: %i[development], require: false
gem "puma", group: :default, require: false

group :development, :test do
  gem "rubocop", require: false
  platforms :mri do
    gem "byebug"
  end
end

group :test do
  gem "capybara"
  gem "pg"
end

group :production, :development do
  gem "lograge"
end

if ENV["CI"]
  gem "simplecov"
end
"#;
        let m = Manifest::gemfile(gemfile);
        let dev = |n: &str| m.declared(Ecosystem::RubyGems, n);
        assert_eq!(dev("rails"), Some(false));
        assert_eq!(dev("pg"), Some(false), "declared for runtime too");
        assert_eq!(dev("puma"), Some(false));
        for n in [
            "debug",
            "rspec-rails",
            "bootsnap",
            "web-console",
            "rubocop",
            "byebug",
            "capybara",
        ] {
            assert_eq!(dev(n), Some(true), "{n}");
        }
        assert_eq!(dev("lograge"), Some(false));
        assert_eq!(dev("simplecov"), Some(false));
        assert_eq!(dev("nokogiri"), None);
    }

    #[test]
    fn pyproject_extras_and_uv_dev_dependencies() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            r#"[project]
name = "app"
dependencies = ["requests>=2"]

[project.optional-dependencies]
socks = ["PySocks!=1.5.7,>=1.5.6"]

[dependency-groups]
lint = ["ruff"]

[tool.uv]
dev-dependencies = ["pytest>=8", "Coverage[toml]"]
"#,
        )
        .unwrap();
        let lock = dir.path().join("uv.lock");
        let mut input = Input::new("uv.lock", "");
        input.disk = Some(&lock);
        let m = Manifest::beside(&input, Ecosystem::PyPI).unwrap();
        let dev = |n: &str| m.declared(Ecosystem::PyPI, n);
        assert_eq!(dev("requests"), Some(false));
        assert_eq!(dev("pysocks"), Some(false));
        assert_eq!(dev("ruff"), Some(true));
        assert_eq!(dev("pytest"), Some(true));
        assert_eq!(dev("coverage"), Some(true));
        assert_eq!(dev("idna"), None);
    }

    #[test]
    fn pep508_names() {
        assert_eq!(
            requirement_name("Requests[socks]>=2.19; python_version<'3'").as_deref(),
            Some("requests")
        );
        assert_eq!(requirement_name("django"), Some("django".to_string()));
        assert_eq!(requirement_name(">=1"), None);
    }
}
