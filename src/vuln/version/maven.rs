//! Maven versions: a port of `org.apache.maven.artifact.versioning.
//! ComparableVersion` from maven-artifact 3.9 (the algorithm behind the
//! POM reference's "Version Order Specification"), including its
//! MNG-5568, MNG-6572 and MNG-6964 fixes.
//!
//! The text is lowercased and split into items on `.`, on `-`, and on
//! every digit/letter transition. A `-` or a transition opens a nested
//! list (so `1-1 < 1.1` and `1.0-alpha-1 == 1-alpha-1`); `.` does not.
//! Numbers compare numerically at any size; qualifiers order
//! `alpha` = `a` < `beta` = `b` < `milestone` = `m` < `rc` = `cr` <
//! `snapshot` < `""` = `final` = `ga` = `release` < `sp` < unknown
//! qualifiers (lexically); `a`/`b`/`m` are aliases only when directly
//! followed by a digit (`1a1 == 1-alpha-1`, but `1.a` is the unknown
//! qualifier `a`). Trailing "null" items (`0`, `""`, empty lists) are
//! trimmed, so `1 == 1.0 == 1.0.0-ga`. When one list runs out, each
//! remaining item is compared with "nothing" (`1.1 > 1`, `1-rc < 1`,
//! `1-sp > 1`), and item kinds order `number > list > qualifier`.
//!
//! One deliberate deviation: Maven ranks items of different kinds by kind
//! alone, which is not transitive (`1-1 < 1.0.alpha < 1 < 1-1`), and a
//! non-transitive `Ord` breaks sorting. This port first ranks items by how
//! they compare with a missing item (below a release, neutral, above),
//! then by kind. That is a total order, and it keeps every result of
//! maven-artifact's `ComparableVersionTest`. It differs from Maven only
//! where an item that sorts below a release (a pre-release qualifier, or a
//! list or zero followed by one) meets an item of another kind that does
//! not, e.g. `1.0.alpha` vs `1-1` (here `1.0.alpha < 1 < 1-1`).
//!
//! Maven accepts any string; this port rejects empty strings, whitespace,
//! control characters and non-ASCII text (Java's `Character.isDigit` and
//! locale-independent lowercasing differ from Rust's on non-ASCII input,
//! and no published artifact needs them).

use super::num::Num;
use super::VersionError;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// Name of this scheme in errors.
pub(crate) const NAME: &str = "Maven";

/// Well-known qualifiers, in order; `""` is a release.
const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];

/// Index of the release qualifier `""` in [`QUALIFIERS`].
const RELEASE_INDEX: usize = 5;

/// One item of a parsed Maven version.
///
/// Every item also knows its *sign*: how it compares with a missing item
/// (Maven's `compareTo(null)`). For a zero that is the sign of what
/// follows it in its list, since Maven skips a zero and keeps comparing
/// the rest with nothing (MNG-6964).
#[derive(Debug, Clone)]
enum Item {
    /// A number (`IntItem`/`LongItem`/`BigIntegerItem` in Maven).
    Int(Num, Ordering),
    /// A qualifier, after alias resolution (`StringItem`).
    Str(Box<str>),
    /// A nested list opened by `-` or a digit/letter transition (`ListItem`).
    List(Vec<Item>, Ordering),
}

/// The comparable value of a qualifier: known ones by rank, then unknown
/// ones lexically (Maven's `comparableQualifier`).
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum QualifierRank<'a> {
    Known(usize),
    Unknown(&'a str),
}

fn qualifier_rank(q: &str) -> QualifierRank<'_> {
    match QUALIFIERS.iter().position(|k| *k == q) {
        Some(i) => QualifierRank::Known(i),
        None => QualifierRank::Unknown(q),
    }
}

impl Item {
    fn qualifier(value: &str, followed_by_digit: bool) -> Item {
        let value = match (followed_by_digit, value) {
            (true, "a") => "alpha",
            (true, "b") => "beta",
            (true, "m") => "milestone",
            (_, "ga" | "final" | "release") => "",
            (_, "cr") => "rc",
            (_, other) => other,
        };
        Item::Str(value.into())
    }

    fn parse(is_digit: bool, buf: &str) -> Item {
        if is_digit {
            let n = Num::parse(buf).unwrap_or_else(Num::zero);
            let sign = if n.is_zero() {
                Ordering::Equal
            } else {
                Ordering::Greater
            };
            Item::Int(n, sign)
        } else {
            Item::qualifier(buf, false)
        }
    }

    fn is_null(&self) -> bool {
        match self {
            Item::Int(n, _) => n.is_zero(),
            Item::Str(s) => s.is_empty(),
            Item::List(items, _) => items.is_empty(),
        }
    }

    /// How this item compares with a missing one.
    fn sign(&self) -> Ordering {
        match self {
            Item::Int(_, sign) | Item::List(_, sign) => *sign,
            Item::Str(s) => qualifier_rank(s).cmp(&QualifierRank::Known(RELEASE_INDEX)),
        }
    }

    /// Maven's kind order for items at the same position:
    /// qualifier < list < number.
    fn kind(&self) -> u8 {
        match self {
            Item::Str(_) => 0,
            Item::List(..) => 1,
            Item::Int(..) => 2,
        }
    }

    /// Compares items at the same position. Maven ranks by kind first,
    /// which is not transitive (`1-1 < 1.0.alpha < 1 < 1-1`); ranking by
    /// sign first, then kind, makes the order total and keeps every result
    /// of maven-artifact's test suite.
    fn cmp_item(&self, other: &Item) -> Ordering {
        let (a, b) = (self.sign(), other.sign());
        if a.is_eq() && b.is_eq() {
            // Both equal a missing item, hence each other.
            return Ordering::Equal;
        }
        a.cmp(&b)
            .then_with(|| self.kind().cmp(&other.kind()))
            .then_with(|| match (self, other) {
                (Item::Int(x, _), Item::Int(y, _)) => x.cmp(y),
                (Item::Str(x), Item::Str(y)) => qualifier_rank(x).cmp(&qualifier_rank(y)),
                (Item::List(x, _), Item::List(y, _)) => cmp_lists(x, y),
                _ => Ordering::Equal,
            })
    }
}

fn cmp_lists(a: &[Item], b: &[Item]) -> Ordering {
    for i in 0..a.len().max(b.len()) {
        let result = match (a.get(i), b.get(i)) {
            (Some(l), Some(r)) => l.cmp_item(r),
            (Some(l), None) => l.sign(),
            (None, Some(r)) => r.sign().reverse(),
            (None, None) => Ordering::Equal,
        };
        if result.is_ne() {
            return result;
        }
    }
    Ordering::Equal
}

/// Gives each zero the sign of the items after it and returns the sign of
/// the whole list (its first non-neutral item, as MNG-6964 compares).
fn assign_signs(items: &mut [Item]) -> Ordering {
    let mut rest = Ordering::Equal;
    for item in items.iter_mut().rev() {
        if let Item::Int(n, sign) = item {
            if n.is_zero() {
                *sign = rest;
            }
        }
        let sign = item.sign();
        if sign.is_ne() {
            rest = sign;
        }
    }
    rest
}

/// `ListItem.normalize`: drop null items from the end, looking through
/// (but keeping) non-null nested lists.
fn normalize(items: &mut Vec<Item>) {
    let mut i = items.len();
    while i > 0 {
        i -= 1;
        if items[i].is_null() {
            items.remove(i);
        } else if !matches!(items[i], Item::List(..)) {
            break;
        }
    }
}

fn write_items(items: &[Item], out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(if matches!(item, Item::List(..)) {
                '-'
            } else {
                '.'
            });
        }
        match item {
            Item::Int(n, _) => out.push_str(&n.to_string()),
            Item::Str(s) => out.push_str(s),
            Item::List(inner, _) => write_items(inner, out),
        }
    }
}

/// A Maven version; equality, ordering and hashing follow
/// `ComparableVersion.compareTo`.
#[derive(Debug, Clone)]
pub struct MavenVersion {
    text: Box<str>,
    items: Vec<Item>,
}

impl MavenVersion {
    /// Parses `input` as `ComparableVersion` does (see the module docs for
    /// the inputs this port rejects).
    pub fn parse(input: &str) -> Result<MavenVersion, VersionError> {
        let text = input.trim();
        let err = |reason: &str| VersionError::new(NAME, input, reason);
        if text.is_empty() {
            return Err(err("empty version"));
        }
        if let Some(c) = text.chars().find(|c| !c.is_ascii_graphic()) {
            return Err(err(&format!(
                "contains {c:?}; only printable ASCII is accepted"
            )));
        }
        let version = text.to_ascii_lowercase();
        let bytes = version.as_bytes();
        // `ComparableVersion` only ever appends a new list as the last item
        // of the current one, so the tree is a chain: keep one Vec per
        // nesting level and fold them together at the end.
        let mut levels: Vec<Vec<Item>> = vec![Vec::new()];
        let mut is_digit = false;
        let mut start = 0;
        for (i, &c) in bytes.iter().enumerate() {
            let token = &version[start..i];
            match c {
                b'.' | b'-' => {
                    let item = if token.is_empty() {
                        Item::parse(true, "0")
                    } else {
                        Item::parse(is_digit, token)
                    };
                    push(&mut levels, item);
                    start = i + 1;
                    if c == b'-' {
                        levels.push(Vec::new());
                    }
                }
                b'0'..=b'9' => {
                    if !is_digit && !token.is_empty() {
                        push(&mut levels, Item::qualifier(token, true));
                        start = i;
                        levels.push(Vec::new());
                    }
                    is_digit = true;
                }
                _ => {
                    if is_digit && !token.is_empty() {
                        push(&mut levels, Item::parse(true, token));
                        start = i;
                        levels.push(Vec::new());
                    }
                    is_digit = false;
                }
            }
        }
        if start < version.len() {
            push(&mut levels, Item::parse(is_digit, &version[start..]));
        }
        let mut nested: Option<Item> = None;
        while let Some(mut items) = levels.pop() {
            if let Some(child) = nested.take() {
                items.push(child);
            }
            normalize(&mut items);
            let sign = assign_signs(&mut items);
            nested = Some(Item::List(items, sign));
        }
        let items = match nested {
            Some(Item::List(items, _)) => items,
            _ => Vec::new(),
        };
        Ok(MavenVersion {
            text: text.into(),
            items,
        })
    }

    /// Maven's canonical form (`getCanonical`): `1.0.0-GA` -> `1`,
    /// `1.0-alpha1` -> `1-alpha-1`.
    pub fn canonical(&self) -> String {
        let mut out = String::new();
        write_items(&self.items, &mut out);
        out
    }

    /// Whether the version sorts below its release (a qualifier before
    /// `""`, such as `alpha`, `rc` or `snapshot`).
    pub fn is_prerelease(&self) -> bool {
        fn below_release(items: &[Item]) -> bool {
            items.iter().any(|item| match item {
                Item::Str(s) => qualifier_rank(s) < QualifierRank::Known(RELEASE_INDEX),
                Item::List(inner, _) => below_release(inner),
                Item::Int(..) => false,
            })
        }
        below_release(&self.items)
    }

    /// The text the version was parsed from, without surrounding whitespace.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

fn push(levels: &mut [Vec<Item>], item: Item) {
    if let Some(current) = levels.last_mut() {
        current.push(item);
    }
}

impl PartialEq for MavenVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for MavenVersion {}

impl Ord for MavenVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_lists(&self.items, &other.items)
    }
}

impl PartialOrd for MavenVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Hash for MavenVersion {
    /// Hashes the leading numbers with trailing zeros removed: equal
    /// versions always agree on them (a number never equals a qualifier or
    /// a list, and only a zero equals a missing item), which keeps `Hash`
    /// consistent with `Eq` without relying on normal forms being unique.
    fn hash<H: Hasher>(&self, state: &mut H) {
        let numbers: Vec<&Num> = self
            .items
            .iter()
            .map_while(|item| match item {
                Item::Int(n, _) => Some(n),
                _ => None,
            })
            .collect();
        let significant = numbers
            .iter()
            .rposition(|n| !n.is_zero())
            .map_or(0, |i| i + 1);
        numbers[..significant].hash(state);
    }
}

impl fmt::Display for MavenVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
#[path = "maven_tests.rs"]
mod tests;
