//! Packagist (Composer) versions: Composer's `VersionParser::normalize`
//! (composer/semver 3.x), then PHP's `version_compare` on the normalised
//! strings, which is how Composer's `Constraint` orders versions.
//!
//! Normalisation accepts `v1.2.3`, one to four numeric parts (padded to
//! four: `1.2` -> `1.2.0.0`), date versions (`2010-01-02` ->
//! `2010.01.02`), stability suffixes (`-beta2`, `RC1`, `-b`, `.pl3`,
//! `-patch1`, with an optional `-dev`), `+build` metadata (dropped),
//! `@stability` flags and `as` aliases (stripped), and numeric branches
//! (`1.x-dev` -> `1.9999999.9999999.9999999-dev`).
//!
//! `version_compare` splits on `.` and on digit/letter transitions and
//! orders `dev < alpha = a < beta = b < RC = rc < (number) < pl = p`
//! (so `patch` sorts above a release); unknown words sort below `dev`.
//! When one version runs out, a further number makes the longer one
//! greater and a further word is compared with a number.
//!
//! Named branches (`dev-master`, `dev-feature/x`, `master`) are valid in
//! Composer but unordered: its `Constraint::versionCompare` only tests them
//! for string equality. They are rejected here with an error, so range
//! evaluation skips them instead of guessing; callers can still compare
//! such strings for equality against an advisory's explicit version list.
//! Numbers compare at any size (PHP's `strtol` saturates instead).

use super::num::Num;
use super::VersionError;
use regex::Regex;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

/// Name of this scheme in errors.
pub(crate) const NAME: &str = "Packagist";

/// `VersionParser::$modifierRegex`.
const MODIFIER: &str =
    r"[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?[0-9]+)*)?)?([.-]?dev)?";

/// The patterns `normalize` tries, compiled once.
struct Patterns {
    alias: Regex,
    stability_flag: Regex,
    metadata: Regex,
    classical: Regex,
    date: Regex,
    dev_suffix: Regex,
    branch: Regex,
}

static PATTERNS: LazyLock<Option<Patterns>> = LazyLock::new(|| {
    Some(Patterns {
        alias: Regex::new(r"^([^,\s]+) +as +([^,\s]+)$").ok()?,
        stability_flag: Regex::new(r"(?i)@(?:stable|RC|beta|alpha|dev)$").ok()?,
        metadata: Regex::new(r"^([^,\s+]+)\+[^\s]+$").ok()?,
        classical: Regex::new(&format!(
            r"(?i)^v?([0-9]{{1,5}})(\.[0-9]+)?(\.[0-9]+)?(\.[0-9]+)?{MODIFIER}$"
        ))
        .ok()?,
        date: Regex::new(&format!(
            r"(?i)^v?([0-9]{{4}}(?:[.:-]?[0-9]{{2}}){{1,6}}(?:[.:-]?[0-9]{{1,3}}){{0,2}}){MODIFIER}$"
        ))
        .ok()?,
        dev_suffix: Regex::new(r"(?i)^(.*?)[.-]?dev$").ok()?,
        branch: Regex::new(
            r"(?i)^v?([0-9]+)(\.(?:[0-9]+|[xX*]))?(\.(?:[0-9]+|[xX*]))?(\.(?:[0-9]+|[xX*]))?$",
        )
        .ok()?,
    })
});

/// Why normalisation did not produce an orderable version.
enum NotOrderable {
    Branch(String),
    Invalid,
}

/// PHP's `trim`, which strips NUL and vertical tab as well as whitespace.
fn php_trim(s: &str) -> &str {
    s.trim_matches([' ', '\t', '\n', '\r', '\0', '\x0B'])
}

/// `VersionParser::expandStability`.
fn expand_stability(stability: &str) -> String {
    match stability.to_ascii_lowercase().as_str() {
        "a" => "alpha".to_owned(),
        "b" => "beta".to_owned(),
        "p" | "pl" => "patch".to_owned(),
        "rc" => "RC".to_owned(),
        other => other.to_owned(),
    }
}

fn normalize(p: &Patterns, input: &str) -> Result<String, NotOrderable> {
    let mut version = php_trim(input).to_owned();
    if let Some(c) = p.alias.captures(&version) {
        version = c[1].to_owned();
    }
    if let Some(m) = p.stability_flag.find(&version) {
        version.truncate(m.start());
    }
    if matches!(version.as_str(), "master" | "trunk" | "default") {
        version = format!("dev-{version}");
    }
    if let Some(name) = version
        .get(..4)
        .filter(|prefix| prefix.eq_ignore_ascii_case("dev-"))
        .and_then(|_| version.get(4..))
    {
        return Err(NotOrderable::Branch(format!("dev-{name}")));
    }
    if let Some(c) = p.metadata.captures(&version) {
        version = c[1].to_owned();
    }
    let (mut normalized, caps, index) = if let Some(c) = p.classical.captures(&version) {
        let part = |i: usize| c.get(i).map_or(".0", |m| m.as_str()).to_owned();
        (format!("{}{}{}{}", &c[1], part(2), part(3), part(4)), c, 5)
    } else if let Some(c) = p.date.captures(&version) {
        let digits: String = c[1]
            .chars()
            .map(|ch| if ch.is_ascii_digit() { ch } else { '.' })
            .collect();
        (digits, c, 2)
    } else {
        return normalize_dev_branch(p, &version);
    };
    if let Some(stability) = caps.get(index).filter(|m| !m.as_str().is_empty()) {
        if stability.as_str() == "stable" {
            return Ok(normalized);
        }
        normalized.push('-');
        normalized.push_str(&expand_stability(stability.as_str()));
        if let Some(n) = caps.get(index + 1) {
            normalized.push_str(n.as_str().trim_start_matches(['.', '-']));
        }
    }
    if caps.get(index + 2).is_some_and(|m| !m.as_str().is_empty()) {
        normalized.push_str("-dev");
    }
    Ok(normalized)
}

/// The `{(.*?)[.-]?dev$}i` fallback: only numeric branches are versions.
fn normalize_dev_branch(p: &Patterns, version: &str) -> Result<String, NotOrderable> {
    let name = p
        .dev_suffix
        .captures(version)
        .and_then(|c| c.get(1))
        .ok_or(NotOrderable::Invalid)?
        .as_str()
        .trim();
    let c = p.branch.captures(name).ok_or(NotOrderable::Invalid)?;
    let mut out = String::new();
    for i in 1..5 {
        match c.get(i) {
            Some(m) => out.push_str(&m.as_str().replace(['*', 'X'], "x")),
            None => out.push_str(".x"),
        }
    }
    Ok(format!("{}-dev", out.replace('x', "9999999")))
}

/// PHP's `php_canonicalize_version`: `-`, `_`, `+` and other
/// non-alphanumerics become `.`, and `.` is inserted at digit/non-digit
/// transitions, never doubling a `.`.
fn php_canonicalize(version: &str) -> String {
    let mut out = String::with_capacity(version.len() * 2);
    let mut previous: Option<char> = None;
    for c in version.chars() {
        let last_out = out.chars().last();
        let Some(lp) = previous else {
            out.push(c);
            previous = Some(c);
            continue;
        };
        let is_dig = |x: char| x.is_ascii_digit();
        let is_ndig = |x: char| !x.is_ascii_digit() && x != '.';
        if matches!(c, '-' | '_' | '+') {
            if last_out != Some('.') {
                out.push('.');
            }
        } else if (is_ndig(lp) && is_dig(c)) || (is_dig(lp) && is_ndig(c)) {
            if last_out != Some('.') {
                out.push('.');
            }
            out.push(c);
        } else if !c.is_ascii_alphanumeric() {
            if last_out != Some('.') {
                out.push('.');
            }
        } else {
            out.push(c);
        }
        previous = Some(c);
    }
    out
}

/// PHP's `compare_special_version_forms` ranks, matched by prefix as PHP
/// does (`patch` is `p`); `#` is the rank a number has.
fn special_rank(form: &str) -> i8 {
    const FORMS: [(&str, i8); 10] = [
        ("dev", 0),
        ("alpha", 1),
        ("a", 1),
        ("beta", 2),
        ("b", 2),
        ("RC", 3),
        ("rc", 3),
        ("#", 4),
        ("pl", 5),
        ("p", 5),
    ];
    FORMS
        .iter()
        .find(|(name, _)| form.starts_with(name))
        .map_or(-1, |(_, rank)| *rank)
}

/// Rank of a number in `compare_special_version_forms`.
const NUMBER_RANK: i8 = 4;

/// One `version_compare` element.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Token {
    Number(Num),
    Word(i8),
}

impl Token {
    /// Position in a total order that reproduces `version_compare`,
    /// including against the end of a shorter version (`None`): words by
    /// rank, the end at a number's rank but below every number.
    fn key(token: Option<&Token>) -> (i8, u8, Option<&Num>) {
        match token {
            Some(Token::Word(rank)) => (*rank, 0, None),
            None => (NUMBER_RANK, 1, None),
            Some(Token::Number(n)) => (NUMBER_RANK, 2, Some(n)),
        }
    }
}

fn tokens(normalized: &str) -> Vec<Token> {
    php_canonicalize(normalized)
        .split('.')
        .filter(|t| !t.is_empty())
        .map(|t| {
            let digits_end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
            match Num::parse(&t[..digits_end]) {
                Some(n) => Token::Number(n),
                None => Token::Word(special_rank(t)),
            }
        })
        .collect()
}

/// A Composer version; equality, ordering and hashing follow
/// `version_compare` on the normalised form.
#[derive(Debug, Clone)]
pub struct PackagistVersion {
    text: Box<str>,
    normalized: Box<str>,
    tokens: Vec<Token>,
}

impl PackagistVersion {
    /// Normalises `input` as Composer does; named branches are errors.
    pub fn parse(input: &str) -> Result<PackagistVersion, VersionError> {
        let err = |reason: String| VersionError::new(NAME, input, reason);
        let patterns = PATTERNS
            .as_ref()
            .ok_or_else(|| err("version patterns failed to compile".to_owned()))?;
        let normalized = normalize(patterns, input).map_err(|e| match e {
            NotOrderable::Branch(name) => {
                err(format!("branch {name:?} has no order among versions"))
            }
            NotOrderable::Invalid => err("not a Composer version".to_owned()),
        })?;
        Ok(PackagistVersion {
            text: php_trim(input).into(),
            tokens: tokens(&normalized),
            normalized: normalized.into(),
        })
    }

    /// Composer's normalised form (`v1.2-beta.2` -> `1.2.0.0-beta2`).
    pub fn normalized(&self) -> &str {
        &self.normalized
    }

    /// Whether the stability is below stable (dev, alpha, beta, RC).
    pub fn is_prerelease(&self) -> bool {
        self.tokens
            .iter()
            .any(|t| matches!(t, Token::Word(rank) if *rank < NUMBER_RANK))
    }

    /// The text the version was parsed from, without what PHP's `trim`
    /// strips.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for PackagistVersion {
    fn eq(&self, other: &Self) -> bool {
        self.tokens == other.tokens
    }
}

impl Eq for PackagistVersion {}

impl Ord for PackagistVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let len = self.tokens.len().max(other.tokens.len());
        for i in 0..len {
            let ordering = Token::key(self.tokens.get(i)).cmp(&Token::key(other.tokens.get(i)));
            if ordering.is_ne() {
                return ordering;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for PackagistVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Hash for PackagistVersion {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.tokens.hash(state);
    }
}

impl fmt::Display for PackagistVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
#[path = "packagist_tests.rs"]
mod tests;
