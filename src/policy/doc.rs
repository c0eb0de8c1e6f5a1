//! One tree model for every policy input: JSON, YAML and Terraform all become
//! [`Node`]s that carry the 1-based line of the element they came from, so a
//! check written once (an IAM statement, a pod spec) works on every format and
//! every finding points at the offending line.
//!
//! Parsers: [`parse_json`] uses `serde_json` (borrowed [`RawValue`]s give the
//! byte offset of every value, which [`LineIndex`] turns into lines);
//! [`parse_yaml`] builds nodes from `saphyr-parser`'s marked events. Both
//! bound nesting depth ([`MAX_DEPTH`]); YAML aliases are expanded against a
//! node budget ([`MAX_ALIAS_NODES`]) so a billion-laughs document is an error,
//! not an allocation spree.

use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// Deepest nesting accepted in any policy input (real IaC stays below 20).
pub const MAX_DEPTH: usize = 64;
/// Most nodes that YAML alias expansion may add to one file.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// A value with the line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// 1-based line.
    pub line: u32,
    /// The value.
    pub value: Value,
}

/// The value of a [`Node`]. Numbers are kept as their text: checks compare
/// them (`runAsUser: 0`) but never compute with them.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`, `~`, an empty YAML value.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A string or number, as text.
    Str(String),
    /// Something only known at deploy time: a Terraform reference or
    /// template, a CloudFormation `!Ref`/`!GetAtt`/`!If`. Checks never treat
    /// it as `*`, `true` or any other literal (precision first).
    Expr,
    /// A list.
    Seq(Vec<Node>),
    /// A mapping, in source order.
    Map(Vec<(String, Node)>),
}

impl Node {
    /// A node on `line`.
    pub fn new(line: u32, value: Value) -> Node {
        Node { line, value }
    }

    /// The value under `key` of a mapping (exact key).
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Follows a path of keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |n, k| n.get(k))
    }

    /// The string, for strings (and numbers).
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// True for `true` (or the string `"true"`, as Terraform and some YAML write it).
    pub fn is_true(&self) -> bool {
        match &self.value {
            Value::Bool(b) => *b,
            Value::Str(s) => s.eq_ignore_ascii_case("true"),
            _ => false,
        }
    }

    /// True for `false` (or the string `"false"`).
    pub fn is_false(&self) -> bool {
        match &self.value {
            Value::Bool(b) => !*b,
            Value::Str(s) => s.eq_ignore_ascii_case("false"),
            _ => false,
        }
    }

    /// The items of a list, or the node itself when it is not one (IAM and
    /// Kubernetes both accept a single value where a list is expected).
    pub fn items(&self) -> Vec<&Node> {
        match &self.value {
            Value::Seq(items) => items.iter().collect(),
            Value::Null => Vec::new(),
            _ => vec![self],
        }
    }

    /// The string items of [`Node::items`], with their nodes.
    pub fn strings(&self) -> Vec<(&str, &Node)> {
        self.items()
            .into_iter()
            .filter_map(|n| n.as_str().map(|s| (s, n)))
            .collect()
    }

    /// The entries of a mapping (empty for anything else).
    pub fn entries(&self) -> &[(String, Node)] {
        match &self.value {
            Value::Map(m) => m,
            _ => &[],
        }
    }

    /// True for a mapping.
    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }
}

/// A parse failure, with the line it happened on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line (0 when unknown).
    pub line: u32,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            f.write_str(&self.message)
        }
    }
}

impl ParseError {
    /// An error on `line`.
    pub fn at(line: u32, message: impl Into<String>) -> ParseError {
        ParseError {
            line,
            message: message.into(),
        }
    }
}

/// Byte offset → 1-based line, by binary search over line starts.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// The line of byte `offset`.
    pub fn line(&self, offset: usize) -> u32 {
        let i = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        u32::try_from(i + 1).unwrap_or(u32::MAX)
    }

    /// Byte range of 1-based `line` (without its newline), if it exists.
    pub fn span(&self, line: u32) -> Option<(usize, usize)> {
        let i = usize::try_from(line).ok()?.checked_sub(1)?;
        let start = *self.starts.get(i)?;
        let end = self.starts.get(i + 1).map_or(usize::MAX, |e| e - 1);
        Some((start, end))
    }
}

/// Parses a JSON document. `first_line` is the line the text starts on in
/// its file (1 for a file; later for JSON embedded in a Terraform heredoc).
pub fn parse_json(text: &str, first_line: u32) -> Result<Node, ParseError> {
    let index = LineIndex::new(text);
    let shift = first_line.saturating_sub(1);
    let raw: &RawValue = serde_json::from_str(text).map_err(|e| {
        ParseError::at(
            u32::try_from(e.line()).unwrap_or(0).saturating_add(shift),
            format!("invalid JSON: {e}"),
        )
    })?;
    json_node(text, &index, shift, raw, 0)
}

fn json_node(
    text: &str,
    index: &LineIndex,
    shift: u32,
    raw: &RawValue,
    depth: usize,
) -> Result<Node, ParseError> {
    let s = raw.get();
    let offset = (s.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    let line = index.line(offset).saturating_add(shift);
    if depth > MAX_DEPTH {
        return Err(ParseError::at(
            line,
            format!("nesting deeper than {MAX_DEPTH} levels"),
        ));
    }
    let invalid = |e: serde_json::Error| ParseError::at(line, format!("invalid JSON: {e}"));
    let value = match s.as_bytes().first() {
        Some(b'{') => {
            let entries = RawEntries::parse(s).map_err(invalid)?;
            let mut out = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                out.push((k.into_owned(), json_node(text, index, shift, v, depth + 1)?));
            }
            Value::Map(out)
        }
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(s).map_err(invalid)?;
            let mut out = Vec::with_capacity(items.len());
            for v in items {
                out.push(json_node(text, index, shift, v, depth + 1)?);
            }
            Value::Seq(out)
        }
        Some(b'"') => Value::Str(serde_json::from_str::<String>(s).map_err(invalid)?),
        Some(b't') => Value::Bool(true),
        Some(b'f') => Value::Bool(false),
        Some(b'n') => Value::Null,
        _ => Value::Str(s.to_string()),
    };
    Ok(Node::new(line, value))
}

/// The entries of a JSON object as borrowed raw values, in order (a
/// `serde_json::Map` would lose the positions we need).
struct RawEntries;

impl RawEntries {
    fn parse(s: &str) -> Result<Vec<(Cow<'_, str>, &RawValue)>, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(s);
        let out = de.deserialize_map(EntriesVisitor)?;
        de.end()?;
        Ok(out)
    }
}

struct EntriesVisitor;

impl<'de> Visitor<'de> for EntriesVisitor {
    type Value = Vec<(Cow<'de, str>, &'de RawValue)>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(k) = map.next_key::<Cow<'de, str>>()? {
            let v: &'de RawValue = map.next_value()?;
            out.push((k, v));
        }
        Ok(out)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<Self::Value, A::Error> {
        Err(serde::de::Error::custom("expected an object"))
    }
}

/// Most indentation repairs ([`repair_indentation`]) tried on one file.
const MAX_REPAIRS: usize = 64;

/// Parses every document of a (multi-document) YAML stream.
///
/// The parser is strict about YAML 1.2 indentation where the parsers that
/// actually read these files (Kubernetes' and CloudFormation's, PyYAML) are
/// lenient: the continuation lines of a multi-line quoted scalar, and the
/// lines of a multi-line flow collection, indented no deeper than their key.
/// Such a file is repaired by indenting the offending lines, which changes
/// no value (leading blanks of those lines are not content) and no line
/// number, and parsed again; anything else is an error.
pub fn parse_yaml(text: &str) -> Result<Vec<Node>, ParseError> {
    let mut repaired: Option<String> = None;
    for _ in 0..=MAX_REPAIRS {
        let current = repaired.as_deref().unwrap_or(text);
        match parse_yaml_strict(current) {
            Ok(docs) => return Ok(docs),
            Err((err, mark)) => match mark.and_then(|m| repair_indentation(current, m)) {
                Some(fixed) => repaired = Some(fixed),
                None => return Err(err),
            },
        }
    }
    parse_yaml_strict(repaired.as_deref().unwrap_or(text)).map_err(|(e, _)| e)
}

/// [`parse_yaml`] of text that starts on line `first_line` of its file
/// (one document of a stream): lines of nodes and errors are the file's.
pub fn parse_yaml_at(text: &str, first_line: u32) -> Result<Vec<Node>, ParseError> {
    let shift = first_line.saturating_sub(1);
    let mut docs = parse_yaml(text).map_err(|mut e| {
        if e.line > 0 {
            e.line = e.line.saturating_add(shift);
        }
        e
    })?;
    if shift > 0 {
        for d in &mut docs {
            shift_lines(d, shift);
        }
    }
    Ok(docs)
}

fn shift_lines(n: &mut Node, shift: u32) {
    n.line = n.line.saturating_add(shift);
    match &mut n.value {
        Value::Seq(items) => items.iter_mut().for_each(|i| shift_lines(i, shift)),
        Value::Map(m) => m.iter_mut().for_each(|(_, v)| shift_lines(v, shift)),
        _ => {}
    }
}

/// What an indentation error points at: 1-based line, 0-based char column,
/// and whether it is the start of a quoted scalar.
#[derive(Debug, Clone, Copy)]
struct IndentError {
    line: usize,
    col: usize,
    quoted: bool,
}

/// Indents the lines an [`IndentError`] is about, or `None` when the error
/// is not one of the two lenient-parser shapes.
fn repair_indentation(text: &str, at: IndentError) -> Option<String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let start = at.line.checked_sub(1)?;
    let first = *lines.get(start)?;
    let indent_of = |l: &str| l.len() - l.trim_start_matches(' ').len();
    // Column of the key (after any `- ` sequence indicators) on a line.
    let key_col = |l: &str| {
        let mut i = indent_of(l);
        let b = l.as_bytes();
        while b.get(i) == Some(&b'-') && b.get(i + 1) == Some(&b' ') {
            i += 2;
            while b.get(i) == Some(&b' ') {
                i += 1;
            }
        }
        i
    };
    let mut pad = vec![0usize; lines.len()];
    if at.quoted {
        // The scalar starts at the mark: find its end, pad its later lines.
        let quote = *first.as_bytes().get(first.char_indices().nth(at.col)?.0)?;
        if quote != b'\'' && quote != b'"' {
            return None;
        }
        let want = key_col(first) + 1;
        let offset = first.char_indices().nth(at.col)?.0 + 1;
        let mut escaped = false;
        let mut closed = false;
        'lines: for (i, line) in lines.iter().enumerate().skip(start) {
            if i > start && line.trim().is_empty() {
                continue;
            }
            if i > start && indent_of(line) < want {
                pad[i] = want - indent_of(line);
            }
            let from = if i == start { offset } else { 0 };
            let bytes = line.as_bytes();
            let mut j = from;
            while j < bytes.len() {
                let c = bytes[j];
                if quote == b'"' {
                    if escaped {
                        escaped = false;
                    } else if c == b'\\' {
                        escaped = true;
                    } else if c == b'"' {
                        closed = true;
                        break 'lines;
                    }
                } else if c == b'\'' {
                    if bytes.get(j + 1) == Some(&b'\'') {
                        j += 1;
                    } else {
                        closed = true;
                        break 'lines;
                    }
                }
                j += 1;
            }
        }
        if !closed {
            return None;
        }
    } else {
        // Inside a multi-line flow collection: the offending line closes or
        // continues one, or follows a line that opens or continues one.
        let line = first;
        let here = line.trim_start_matches(' ');
        let prev = lines[..start]
            .iter()
            .rev()
            .map(|l| l.trim_end())
            .find(|l| !l.trim().is_empty())?;
        let in_flow = here.starts_with([']', '}', ','])
            || prev.ends_with(['[', '{', ','])
            || (prev.trim_start().starts_with(['"', '\'']) && prev.ends_with(['"', '\'']));
        if !in_flow || at.col != indent_of(line) {
            return None;
        }
        // One deeper than the innermost block key above it.
        let owner = lines[..start]
            .iter()
            .rev()
            .find(|l| {
                let t = l.trim();
                !t.is_empty() && !t.starts_with(['"', '\'', ']', '}', ',', '#']) && t.contains(':')
            })
            .map_or(0, |l| indent_of(l));
        pad[start] = (owner + 1).saturating_sub(indent_of(line)).max(1);
    }
    if pad.iter().all(|p| *p == 0) {
        return None;
    }
    let mut out = String::with_capacity(text.len() + pad.iter().sum::<usize>());
    for (line, p) in lines.iter().zip(&pad) {
        out.extend(std::iter::repeat_n(' ', *p));
        out.push_str(line);
    }
    Some(out)
}

/// [`parse_yaml`] without repairs; an indentation error also says where.
fn parse_yaml_strict(text: &str) -> Result<Vec<Node>, (ParseError, Option<IndentError>)> {
    use saphyr_parser::{Event, Parser, ScalarStyle};

    enum Open {
        Seq(u32, usize, Vec<Node>, bool),
        Map(u32, usize, Vec<(String, Node)>, Option<String>, bool),
    }
    let mut docs = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: Vec<(usize, Node)> = Vec::new();
    let mut alias_budget = MAX_ALIAS_NODES;

    // Places a finished node into its parent (or the document list). Keys of
    // mappings must be scalars; a complex key makes the mapping opaque.
    fn place(stack: &mut [Open], docs: &mut Vec<Node>, node: Node) {
        match stack.last_mut() {
            None => docs.push(node),
            Some(Open::Seq(_, _, items, _)) => items.push(node),
            Some(Open::Map(_, _, entries, key, _)) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => match node.value {
                    Value::Str(s) => *key = Some(s),
                    Value::Bool(b) => *key = Some(b.to_string()),
                    Value::Null => *key = Some(String::new()),
                    _ => *key = Some("\u{0}complex-key".to_string()),
                },
            },
        }
    }

    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| {
            let m = e.marker();
            let repairable = match e.info() {
                "invalid indentation in quoted scalar" => Some(true),
                "invalid indentation" | "invalid indentation in flow construct" => Some(false),
                _ => None,
            };
            (
                ParseError::at(
                    u32::try_from(m.line()).unwrap_or(0),
                    format!("invalid YAML: {}", e.info()),
                ),
                repairable.map(|quoted| IndentError {
                    line: m.line(),
                    col: m.col(),
                    quoted,
                }),
            )
        })?;
        let line = u32::try_from(span.start.line()).unwrap_or(0);
        match event {
            Event::Scalar(v, style, anchor, tag) => {
                let value = match &tag {
                    Some(t) if t.handle == "!" && t.suffix != "Sub" => Value::Expr,
                    _ if style == ScalarStyle::Plain => plain_scalar(&v),
                    _ => Value::Str(v.into_owned()),
                };
                let node = Node::new(line, value);
                if anchor > 0 {
                    anchors.push((anchor, node.clone()));
                }
                place(&mut stack, &mut docs, node);
            }
            Event::SequenceStart(anchor, tag) => {
                if stack.len() >= MAX_DEPTH {
                    return Err((
                        ParseError::at(line, format!("nesting deeper than {MAX_DEPTH} levels")),
                        None,
                    ));
                }
                let opaque = tag.is_some_and(|t| t.handle == "!");
                stack.push(Open::Seq(line, anchor, Vec::new(), opaque));
            }
            Event::MappingStart(anchor, tag) => {
                if stack.len() >= MAX_DEPTH {
                    return Err((
                        ParseError::at(line, format!("nesting deeper than {MAX_DEPTH} levels")),
                        None,
                    ));
                }
                let opaque = tag.is_some_and(|t| t.handle == "!");
                stack.push(Open::Map(line, anchor, Vec::new(), None, opaque));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match stack.pop() {
                    Some(Open::Seq(l, a, items, opaque)) => (
                        Node::new(
                            l,
                            if opaque {
                                Value::Expr
                            } else {
                                Value::Seq(items)
                            },
                        ),
                        a,
                    ),
                    Some(Open::Map(l, a, entries, _, opaque)) => {
                        let value = if opaque {
                            Value::Expr
                        } else {
                            Value::Map(merge_keys(entries))
                        };
                        (Node::new(l, value), a)
                    }
                    None => {
                        return Err((ParseError::at(line, "unbalanced YAML collection end"), None))
                    }
                };
                if anchor > 0 {
                    anchors.push((anchor, node.clone()));
                }
                place(&mut stack, &mut docs, node);
            }
            Event::Alias(id) => {
                let target = anchors
                    .iter()
                    .rev()
                    .find(|(a, _)| *a == id)
                    .map(|(_, n)| n.clone())
                    .ok_or_else(|| (ParseError::at(line, "alias to an unknown anchor"), None))?;
                let size = count_nodes(&target);
                if size > alias_budget {
                    return Err((
                        ParseError::at(
                            line,
                            format!(
                            "YAML aliases expand to more than {MAX_ALIAS_NODES} nodes (alias bomb?)"
                        ),
                        ),
                        None,
                    ));
                }
                alias_budget -= size;
                place(&mut stack, &mut docs, target);
            }
            Event::DocumentStart(_) => {
                anchors.clear();
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    Ok(docs)
}

/// Applies YAML merge keys (`<<: *defaults`): entries of the merged mapping
/// that the mapping does not set itself.
fn merge_keys(entries: Vec<(String, Node)>) -> Vec<(String, Node)> {
    if !entries.iter().any(|(k, _)| k == "<<") {
        return entries;
    }
    let mut own = Vec::new();
    let mut merged = Vec::new();
    for (k, v) in entries {
        if k == "<<" {
            for m in v.items() {
                merged.extend(m.entries().iter().cloned());
            }
        } else {
            own.push((k, v));
        }
    }
    for (k, v) in merged {
        if !own.iter().any(|(o, _)| *o == k) {
            own.push((k, v));
        }
    }
    own
}

fn count_nodes(n: &Node) -> usize {
    1 + match &n.value {
        Value::Seq(items) => items.iter().map(count_nodes).sum(),
        Value::Map(m) => m.iter().map(|(_, v)| count_nodes(v)).sum(),
        _ => 0,
    }
}

/// YAML 1.2 core-schema resolution of a plain scalar: booleans and null;
/// everything else (numbers included) stays text.
fn plain_scalar(v: &str) -> Value {
    match v {
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        _ => Value::Str(v.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_nodes_carry_lines() {
        let doc = parse_json(
            "{\n  \"a\": [\n    1,\n    \"x\"\n  ],\n  \"b\": true\n}",
            1,
        )
        .unwrap();
        assert_eq!(doc.line, 1);
        let a = doc.get("a").unwrap();
        assert_eq!(a.line, 2);
        assert_eq!(a.items()[1].line, 4);
        assert_eq!(a.items()[1].as_str(), Some("x"));
        assert_eq!(doc.get("b").unwrap().line, 6);
        assert!(doc.get("b").unwrap().is_true());
        let shifted = parse_json("{\"a\":\n1}", 10).unwrap();
        assert_eq!(shifted.get("a").unwrap().line, 11);
    }

    #[test]
    fn json_errors_and_depth() {
        let err = parse_json("{\n\"a\": }", 1).unwrap_err();
        assert_eq!(err.line, 2);
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        let err = parse_json(&deep, 1).unwrap_err();
        assert!(err.message.contains("nesting deeper than 64"), "{err}");
    }

    #[test]
    fn yaml_multi_documents_with_lines_and_tags() {
        let docs = parse_yaml("a: 1\nb:\n  - x\n  - !Ref Y\n---\nc: true\nd: !Sub s\n").unwrap();
        assert_eq!(docs.len(), 2);
        let b = docs[0].get("b").unwrap();
        assert_eq!(b.items()[0].line, 3);
        assert_eq!(b.items()[1].value, Value::Expr);
        assert!(docs[1].get("c").unwrap().is_true());
        assert_eq!(docs[1].get("d").unwrap().as_str(), Some("s"));
        assert_eq!(docs[1].get("d").unwrap().line, 7);
    }

    #[test]
    fn yaml_aliases_and_merge_keys_and_bombs() {
        let docs = parse_yaml("d: &d {x: 1}\ne:\n  <<: *d\n  y: 2\n").unwrap();
        assert_eq!(docs[0].path(&["e", "x"]).unwrap().as_str(), Some("1"));
        let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
        for i in 0..8 {
            let prev = (b'a' + i) as char;
            let next = (b'a' + i + 1) as char;
            bomb.push_str(&format!(
                "{next}: &{next} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
        }
        let err = parse_yaml(&bomb).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{err}");
        let err = parse_yaml("a: [\n").unwrap_err();
        assert!(err.line >= 1);
    }
}
