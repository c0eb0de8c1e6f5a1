//! The secret scanner facade: config discovery, the engine, and every allow
//! decision, behind one `Send + Sync` value that all sources share.
//!
//! Work is split so git sources can scan each unique blob once: [`Scanner::find`]
//! is path-independent (prefilter, regex, entropy, placeholders, inline
//! markers) and [`Scanner::findings`] turns its matches into findings for one
//! path and commit (rule path constraints, allowlists, generic-vs-specific
//! dedupe, ignore file, redaction, fingerprint). [`Scanner::scan_blob`] does
//! both, plus path-only rules.

use crate::allow::ignore_file::{IgnoreFile, IgnoreKey};
use crate::allow::Candidate;
use crate::engine::Engine;
use crate::finding::{self, Finding, FindingKind, Fingerprint, Location, SecretInfo, SharedStr};
use crate::rules::{config, ConfigError, Rule, RuleSet};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub use crate::engine::Match;

/// Config file names looked for at the scan root, in order.
pub const CONFIG_NAMES: [&str; 2] = [".leakgate.toml", ".gitleaks.toml"];

/// Scan settings that do not come from the config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanOptions {
    /// Redact secrets in findings (default). `false` fills [`SecretInfo::value`].
    pub redact: bool,
    /// Files larger than this are skipped and counted (default 10 MiB).
    pub max_file_size: u64,
    /// Ignore `.gitignore` and friends when walking directories.
    pub no_ignore: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            redact: true,
            max_file_size: 10 << 20,
            no_ignore: false,
        }
    }
}

/// The commit a blob was found in (git sources).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommitMeta {
    /// Full commit id.
    pub id: SharedStr,
    /// Author name.
    pub author: SharedStr,
    /// Author email.
    pub email: SharedStr,
    /// Author date, RFC 3339.
    pub date: SharedStr,
    /// First line of the commit message.
    pub message: SharedStr,
}

/// Where a blob sits: everything path- or commit-dependent about a finding.
#[derive(Debug, Clone, Copy)]
pub struct BlobContext<'a> {
    /// Repository- or root-relative path, `/`-separated (`-` for stdin).
    pub path: &'a str,
    /// The commit, for git sources.
    pub commit: Option<&'a CommitMeta>,
}

/// Finds secrets. Build once, share across threads.
#[derive(Debug)]
pub struct Scanner {
    engine: Engine,
    opts: ScanOptions,
    ignore: IgnoreFile,
    config_path: Option<PathBuf>,
    /// Root-relative path of the config file in use: its rule examples are
    /// intentional, so it is never scanned.
    config_rel: Option<String>,
    /// Maps source paths to repository-relative ones ([`Scanner::set_path_prefix`]).
    path_prefix: Option<PathPrefix>,
    /// Per rule, made on its first finding: the id, title and help every
    /// finding of the rule shares.
    texts: Vec<OnceLock<RuleTexts>>,
}

/// A rule's strings as its findings carry them.
#[derive(Debug)]
struct RuleTexts {
    id: SharedStr,
    title: SharedStr,
    help: SharedStr,
}

/// Where the secret-scanning config comes from, in discovery order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// A config file: from `--config`, an environment variable (`from`
    /// names it) or found at the root.
    File {
        /// The file.
        path: PathBuf,
        /// `--config`, `LEAKGATE_CONFIG`, `GITLEAKS_CONFIG` or `root`.
        from: &'static str,
    },
    /// Config text held in an environment variable (`GITLEAKS_CONFIG_TOML`).
    Text {
        /// The variable.
        var: &'static str,
        /// Its TOML text.
        text: String,
    },
    /// No config: the built-in rules.
    Builtin,
}

/// Finds the config the way gitleaks does: `explicit` (`--config`), then
/// the file named by `LEAKGATE_CONFIG`, then by `GITLEAKS_CONFIG`, then the
/// text of `GITLEAKS_CONFIG_TOML`, then `.leakgate.toml` / `.gitleaks.toml`
/// in `root`, else the built-in rules. Empty variables count as unset.
/// `env` reads a variable (a parameter so tests need not mutate the
/// process environment).
pub fn discover_config(
    root: &Path,
    explicit: Option<&Path>,
    env: &dyn Fn(&str) -> Option<std::ffi::OsString>,
) -> ConfigSource {
    if let Some(p) = explicit {
        return ConfigSource::File {
            path: p.to_path_buf(),
            from: "--config",
        };
    }
    for var in ["LEAKGATE_CONFIG", "GITLEAKS_CONFIG"] {
        if let Some(v) = env(var).filter(|v| !v.is_empty()) {
            return ConfigSource::File {
                path: PathBuf::from(v),
                from: var,
            };
        }
    }
    let var = "GITLEAKS_CONFIG_TOML";
    if let Some(v) = env(var).filter(|v| !v.is_empty()) {
        return ConfigSource::Text {
            var,
            text: v.to_string_lossy().into_owned(),
        };
    }
    match CONFIG_NAMES
        .iter()
        .map(|n| root.join(n))
        // Any entry counts (a FIFO, a link out of the root): loading it then
        // fails closed instead of silently falling back to the built-in rules.
        .find(|p| std::fs::symlink_metadata(p).is_ok())
    {
        Some(path) => ConfigSource::File { path, from: "root" },
        None => ConfigSource::Builtin,
    }
}

/// Turns the paths a source reports (relative to the directory it was
/// given, or absolute) into paths relative to the repository root.
#[derive(Debug, Clone)]
struct PathPrefix {
    /// The source's base directory relative to the repository root
    /// (`src`, or empty when they coincide), `/`-separated.
    prefix: String,
    /// The repository root, canonical and `/`-separated, for absolute paths.
    root: String,
}

impl PathPrefix {
    fn map<'a>(&self, path: &'a str) -> std::borrow::Cow<'a, str> {
        use std::borrow::Cow;
        if path == "-" {
            return Cow::Borrowed(path);
        }
        if path.starts_with('/') {
            return match path.strip_prefix(self.root.as_str()) {
                Some(rest) if rest.starts_with('/') => Cow::Owned(rest[1..].to_string()),
                _ => Cow::Borrowed(path),
            };
        }
        if self.prefix.is_empty() {
            return Cow::Borrowed(path);
        }
        // Lexical join: `src` + `../README.md` is `README.md`; a path that
        // leaves the repository keeps its source form.
        let mut parts: Vec<&str> = self.prefix.split('/').collect();
        for c in path.split('/') {
            match c {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Cow::Borrowed(path);
                    }
                }
                c => parts.push(c),
            }
        }
        Cow::Owned(parts.join("/"))
    }
}

impl Scanner {
    /// Builds a scanner. The config is the first of ([`discover_config`]):
    /// `config` if given, the file named by `LEAKGATE_CONFIG`, the file named
    /// by `GITLEAKS_CONFIG`, the TOML text of `GITLEAKS_CONFIG_TOML`,
    /// `.leakgate.toml` or `.gitleaks.toml` in `root`, else the built-in
    /// rules only. Also loads `.leakgateignore` and `.gitleaksignore` from
    /// `root` (the repository's work tree root when scanning inside one).
    pub fn from_config(
        root: &Path,
        config: Option<&Path>,
        opts: ScanOptions,
    ) -> Result<Scanner, ConfigError> {
        let source = discover_config(root, config, &|var| std::env::var_os(var));
        let rules = match &source {
            // A config found in the scanned tree must stay inside it.
            ConfigSource::File { path, from: "root" } => config::load_file_in(path, root)?,
            ConfigSource::File { path, .. } => config::load_file(path)?,
            ConfigSource::Text { var, text } => config::parse_str(
                text,
                &config::Origin {
                    path: PathBuf::from(format!("${var}")),
                    dir: None,
                },
            )?,
            ConfigSource::Builtin => RuleSet::builtin()?,
        };
        let config_path = match source {
            ConfigSource::File { path, .. } => Some(path),
            _ => None,
        };
        let mut scanner = Scanner::from_rules(rules, opts)?;
        scanner.ignore = IgnoreFile::load(root)?;
        scanner.config_rel = config_path.as_deref().and_then(|p| relative_to(root, p));
        scanner.config_path = config_path;
        Ok(scanner)
    }

    /// Builds a scanner over an explicit rule set, without config discovery
    /// or ignore files.
    pub fn from_rules(rules: RuleSet, opts: ScanOptions) -> Result<Scanner, ConfigError> {
        let engine = Engine::new(rules).map_err(|reason| ConfigError::Invalid {
            path: PathBuf::from("<rules>"),
            reason,
        })?;
        let texts = engine
            .rules()
            .rules
            .iter()
            .map(|_| OnceLock::new())
            .collect();
        Ok(Scanner {
            engine,
            opts,
            ignore: IgnoreFile::default(),
            config_path: None,
            config_rel: None,
            path_prefix: None,
            texts,
        })
    }

    /// Adds the entries of one more ignore file (gitleaks'
    /// `--gitleaks-ignore-path`).
    pub fn add_ignore_file(&mut self, path: &Path) -> Result<(), ConfigError> {
        let limit = crate::allow::ignore_file::MAX_IGNORE_FILE_BYTES;
        let text = config::read_text(path, None, limit)?;
        self.ignore.add_text(&text, path)
    }

    /// Replaces the ignore-file entries.
    pub fn set_ignore_file(&mut self, ignore: IgnoreFile) {
        self.ignore = ignore;
    }

    /// Reports findings relative to the repository root `repo_root` for a
    /// source whose paths are relative to `base` (a directory inside the
    /// work tree), so fingerprints, ignore entries and baselines do not
    /// depend on where the scan started. Paths outside the repository keep
    /// their source form. Has no effect when `base` is not inside `repo_root`.
    pub fn set_path_prefix(&mut self, base: &Path, repo_root: &Path) {
        let Some(prefix) = relative_to(repo_root, base) else {
            return;
        };
        let Ok(root) = std::fs::canonicalize(repo_root) else {
            return;
        };
        let prefix = if prefix == "." { String::new() } else { prefix };
        self.path_prefix = Some(PathPrefix {
            prefix,
            root: crate::source::fs::normalize(&root),
        });
    }

    /// The path a finding shows for a blob the source calls `path`.
    pub fn finding_path<'a>(&self, path: &'a str) -> std::borrow::Cow<'a, str> {
        match &self.path_prefix {
            Some(p) => p.map(path),
            None => std::borrow::Cow::Borrowed(path),
        }
    }

    /// The config file in use, if any.
    pub fn config_path(&self) -> Option<&Path> {
        self.config_path.as_deref()
    }

    /// The options the scanner was built with.
    pub fn options(&self) -> &ScanOptions {
        &self.opts
    }

    /// The resolved rules.
    pub fn rules(&self) -> &RuleSet {
        self.engine.rules()
    }

    /// The matching engine (for the differential checks and fuzz targets).
    #[doc(hidden)]
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Every rule match in `data`: path-independent, so a blob seen under
    /// many paths or commits is matched once.
    pub fn find(&self, data: &[u8]) -> Vec<Match> {
        let mut found = self.engine.find(data);
        crate::engine::decode::rescan(&self.engine, data, &mut found);
        found
    }

    /// Turns `matches` (from [`Scanner::find`] on one blob) into findings for
    /// the blob at `ctx`: rule path constraints, generic-vs-specific dedupe,
    /// inline markers, allowlists, ignore file, redaction, fingerprint.
    pub fn findings(&self, matches: &[Match], ctx: &BlobContext) -> Vec<Finding> {
        self.findings_inner(matches, ctx, None)
    }

    /// [`Scanner::findings`], with rule `waive`'s `path` constraint waived
    /// (rule examples have no path).
    pub(crate) fn findings_waiving_path(
        &self,
        matches: &[Match],
        ctx: &BlobContext,
        waive: usize,
    ) -> Vec<Finding> {
        self.findings_inner(matches, ctx, Some(waive))
    }

    fn findings_inner(
        &self,
        matches: &[Match],
        ctx: &BlobContext,
        waive: Option<usize>,
    ) -> Vec<Finding> {
        let mapped = self.finding_path(ctx.path);
        let ctx = &BlobContext {
            path: &mapped,
            commit: ctx.commit,
        };
        if self.config_rel.as_deref() == Some(ctx.path) {
            return Vec::new();
        }
        let rules = &self.rules().rules;
        let mut in_scope: Vec<&Match> = matches
            .iter()
            .filter(|m| {
                rules
                    .get(m.rule)
                    .is_some_and(|r| waive == Some(m.rule) || path_ok(r, ctx.path))
            })
            .collect();
        let specific = SpanIndex::new(
            in_scope
                .iter()
                .filter(|m| !rules[m.rule].is_generic())
                .map(|m| (m.secret_start, m.secret_end)),
        );
        // A generic match inside a specific rule's secret is that secret;
        // an inline marker allows its match.
        in_scope.retain(|m| {
            let covered =
                rules[m.rule].is_generic() && specific.overlaps(m.secret_start, m.secret_end);
            !(m.inline_allowed || covered)
        });
        // At most one finding per match left: one allocation, not a
        // doubling vector's slack (a file may hold 100k+ findings).
        let mut out = Vec::with_capacity(in_scope.len());
        // Generic rules overlap by design (`client_secret = "…"` is both an
        // API key and a password assignment): one finding per secret span,
        // preferring rules only tagged generic (context-bound, such as a
        // `.pypirc` password) over `generic-*` catch-alls, then the earlier
        // rule in the set. When checking a rule's examples it goes first.
        let rank = |rule: usize| {
            let catch_all = rules[rule].id.starts_with("generic");
            (waive != Some(rule), catch_all, rule)
        };
        let mut generic_spans: HashMap<(usize, usize), (GenericRank, usize)> = HashMap::new();
        let mut path = None;
        for m in &in_scope {
            let rule = &rules[m.rule];
            let cand = Candidate {
                path: ctx.path,
                commit: ctx.commit.map(|c| c.id.as_str()),
                secret: &m.secret,
                matched: &m.matched,
                line: &m.line_text,
            };
            if self.allowed(rule, &cand) {
                continue;
            }
            let mut f = self.finding(
                m.rule, ctx, &mut path, m.line, m.end_line, m.column, &m.secret, m.entropy,
            );
            if let Some(s) = f.secret.as_mut() {
                s.confidence = Some(m.confidence);
            }
            if let Some(enc) = m.decoded {
                f.title = format!("{} (decoded from {enc})", f.title).into();
            }
            if self.ignored(&f, ctx) {
                continue;
            }
            if rule.is_generic() {
                let span = (m.secret_start, m.secret_end);
                if let Some(&(kept_rank, at)) = generic_spans.get(&span) {
                    if rank(m.rule) < kept_rank {
                        out[at] = f;
                        generic_spans.insert(span, (rank(m.rule), at));
                    }
                    continue;
                }
                generic_spans.insert(span, (rank(m.rule), out.len()));
            }
            out.push(f);
        }
        out.shrink_to_fit();
        out
    }

    /// Findings of path-only rules (e.g. a committed `id_rsa` or `.p12`) for the blob at `ctx`.
    pub fn path_findings(&self, ctx: &BlobContext) -> Vec<Finding> {
        let mapped = self.finding_path(ctx.path);
        let ctx = &BlobContext {
            path: &mapped,
            commit: ctx.commit,
        };
        let mut out = Vec::new();
        let mut path = None;
        for (r, rule) in self.rules().rules.iter().enumerate() {
            if !rule.is_path_only() || !path_ok(rule, ctx.path) {
                continue;
            }
            let cand = Candidate {
                path: ctx.path,
                commit: ctx.commit.map(|c| c.id.as_str()),
                secret: b"",
                matched: ctx.path.as_bytes(),
                line: b"",
            };
            if self.allowed(rule, &cand) {
                continue;
            }
            let f = self.finding(r, ctx, &mut path, 0, 0, 0, b"", 0.0);
            if !self.ignored(&f, ctx) {
                out.push(f);
            }
        }
        out
    }

    /// All findings in one blob: [`Scanner::find`], [`Scanner::findings`]
    /// and [`Scanner::path_findings`].
    pub fn scan_blob(&self, data: &[u8], ctx: &BlobContext) -> Vec<Finding> {
        let mut out = self.path_findings(ctx);
        out.extend(self.findings(&self.find(data), ctx));
        out
    }

    /// True when a global allowlist allows every finding under `path`:
    /// sources may skip reading such files.
    pub fn is_path_allowlisted(&self, path: &str) -> bool {
        let path: &str = &self.finding_path(path);
        self.config_rel.as_deref() == Some(path)
            || self
                .rules()
                .allowlists
                .iter()
                .any(|a| a.allows_whole_path(path))
    }

    /// Ignore-file entries that have suppressed nothing in this process.
    pub fn stale_ignores(&self) -> Vec<String> {
        self.ignore.stale()
    }

    fn allowed(&self, rule: &Rule, cand: &Candidate) -> bool {
        rule.allowlists.iter().any(|a| a.allows(cand))
            || self
                .rules()
                .allowlists
                .iter()
                .any(|a| a.applies_to(&rule.id) && a.allows(cand))
    }

    fn ignored(&self, f: &Finding, ctx: &BlobContext) -> bool {
        !self.ignore.is_empty()
            && self.ignore.suppresses(&IgnoreKey {
                fingerprint: &f.fingerprint,
                rule: &f.rule_id,
                path: ctx.path,
                line: f.location.line,
                commit: ctx.commit.map(|c| c.id.as_str()),
            })
    }

    /// The finding of rule `r` at `ctx`. `path` is `ctx.path` shared by
    /// every finding of one blob, made on the first.
    #[allow(clippy::too_many_arguments)]
    fn finding(
        &self,
        r: usize,
        ctx: &BlobContext,
        path: &mut Option<SharedStr>,
        line: u32,
        end_line: u32,
        column: u32,
        secret: &[u8],
        entropy: f64,
    ) -> Finding {
        let rule = &self.rules().rules[r];
        let texts = self.texts[r].get_or_init(|| RuleTexts {
            id: SharedStr::from(rule.id.as_str()),
            title: SharedStr::from(rule.title()),
            help: SharedStr::from(rule.help_text()),
        });
        let text = String::from_utf8_lossy(secret);
        let commit = ctx.commit;
        Finding {
            kind: FindingKind::Secret,
            rule_id: texts.id.clone(),
            title: texts.title.clone(),
            severity: rule.severity,
            fingerprint: Fingerprint::secret(&rule.id, ctx.path, secret),
            location: Location {
                path: path
                    .get_or_insert_with(|| SharedStr::from(ctx.path))
                    .clone(),
                line,
                column,
                end_line: (end_line > line).then_some(end_line),
                commit: commit.map(|c| c.id.clone()),
                author: commit.map(|c| c.author.clone()),
                email: commit.map(|c| c.email.clone()),
                date: commit.map(|c| c.date.clone()),
                message: commit.map(|c| c.message.clone()),
                other_commits: Vec::new(),
            },
            secret: Some(SecretInfo {
                redacted: finding::redact(&text),
                entropy: (entropy * 1000.0).round() / 1000.0,
                confidence: None,
                value: (!self.opts.redact).then(|| text.into_owned()),
            }),
            vulnerability: None,
            help: texts.help.clone(),
        }
    }
}

/// Preference among generic rules reporting one secret span (lowest wins):
/// (not the rule being checked, is a `generic-*` catch-all, rule index).
type GenericRank = (bool, bool, usize);

/// Secret spans of specific rules, for the generic-vs-specific dedupe in
/// O(n log n) (a blob may hold many thousands of matches).
struct SpanIndex {
    /// Spans sorted by start.
    spans: Vec<(usize, usize)>,
    /// `max_end[i]`: the largest end among `spans[..=i]`.
    max_end: Vec<usize>,
}

impl SpanIndex {
    fn new(spans: impl Iterator<Item = (usize, usize)>) -> SpanIndex {
        let mut spans: Vec<(usize, usize)> = spans.collect();
        spans.sort_unstable();
        let mut max_end = Vec::with_capacity(spans.len());
        let mut cur = 0;
        for &(_, e) in &spans {
            cur = cur.max(e);
            max_end.push(cur);
        }
        SpanIndex { spans, max_end }
    }

    /// True when some span overlaps `start..end`.
    fn overlaps(&self, start: usize, end: usize) -> bool {
        let before_end = self.spans.partition_point(|&(s, _)| s < end);
        before_end > 0 && self.max_end[before_end - 1] > start
    }
}

/// `path` relative to `root`, `/`-separated, when it lies inside it.
fn relative_to(root: &Path, path: &Path) -> Option<String> {
    let abs = |p: &Path| std::fs::canonicalize(p).ok();
    let rel = abs(path)?.strip_prefix(abs(root)?).ok()?.to_path_buf();
    Some(crate::source::fs::normalize(&rel))
}

/// True when the rule's `path` constraint (if any) accepts `path`.
fn path_ok(rule: &Rule, path: &str) -> bool {
    match rule.path_regex() {
        None => true,
        Some(Ok(re)) => re.is_match(path.as_bytes()),
        Some(Err(_)) => false,
    }
}

#[cfg(test)]
mod tests;
