//! Terraform (`.tf`) as policy input, parsed with `hcl-rs` (its `hcl-edit`
//! parser keeps byte spans, which give every node its line).
//!
//! Each `resource "TYPE" "NAME"` and `data "TYPE" "NAME"` block becomes a
//! [`TfBlock`] whose body is a [`Node`] mapping: attributes by name, nested
//! blocks as lists of mappings under their block name (blocks repeat). Policy
//! documents are decoded where Terraform writes them inline:
//! `jsonencode({...})` becomes the object it encodes, a heredoc or string
//! literal holding JSON is parsed as JSON at its own line. Anything computed
//! at plan time (references, functions, templates with interpolations)
//! becomes [`Value::Expr`], which no check treats as a literal.

use super::doc::{parse_json, LineIndex, Node, ParseError, Value, MAX_DEPTH};
use hcl::edit::expr::{Expression, ObjectKey};
use hcl::edit::structure::{Body, Structure};
use hcl::edit::Span;

/// One `resource` or `data` block.
#[derive(Debug, Clone)]
pub struct TfBlock {
    /// `resource` or `data`.
    pub kind: String,
    /// Resource type (`aws_iam_policy`).
    pub type_name: String,
    /// Resource name.
    pub name: String,
    /// Line of the block header.
    pub line: u32,
    /// The body.
    pub body: Node,
}

impl TfBlock {
    /// The Terraform address (`aws_iam_policy.admin`, `data.aws_iam_policy_document.x`).
    pub fn address(&self) -> String {
        if self.kind == "data" {
            format!("data.{}.{}", self.type_name, self.name)
        } else {
            format!("{}.{}", self.type_name, self.name)
        }
    }
}

/// Parses a Terraform file into its resource and data blocks.
pub fn parse(text: &str) -> Result<Vec<TfBlock>, ParseError> {
    let index = LineIndex::new(text);
    // The HCL parser recurses on nesting: refuse absurd depth before it runs.
    if let Some(line) = too_deep(text, &index) {
        return Err(ParseError::at(
            line,
            format!("nesting deeper than {MAX_DEPTH} levels"),
        ));
    }
    let body = hcl::edit::parser::parse_body(text).map_err(|e| {
        ParseError::at(
            u32::try_from(e.location().line()).unwrap_or(0),
            format!("invalid HCL: {}", e.message()),
        )
    })?;
    let conv = Converter {
        text,
        index: &index,
    };
    let mut out = Vec::new();
    for s in body.iter() {
        let Structure::Block(b) = s else { continue };
        let kind = b.ident.as_str();
        if kind != "resource" && kind != "data" {
            continue;
        }
        let (Some(t), Some(n)) = (b.labels.first(), b.labels.get(1)) else {
            continue;
        };
        out.push(TfBlock {
            kind: kind.to_string(),
            type_name: t.as_str().to_string(),
            name: n.as_str().to_string(),
            line: conv.line_of(b.span()),
            body: conv.body(&b.body, 0),
        });
    }
    Ok(out)
}

/// The line where bracket nesting first exceeds [`MAX_DEPTH`], ignoring
/// brackets inside double-quoted strings and comments.
fn too_deep(text: &str, index: &LineIndex) -> Option<u32> {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    let mut in_str = false;
    while i < bytes.len() {
        let c = bytes[i];
        if in_str {
            match c {
                b'\\' => i += 1,
                b'"' | b'\n' => in_str = false,
                _ => {}
            }
        } else {
            match c {
                b'"' => in_str = true,
                b'#' => {
                    i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |p| i + p);
                }
                b'{' | b'[' | b'(' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Some(index.line(i));
                    }
                }
                b'}' | b']' | b')' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        i += 1;
    }
    None
}

struct Converter<'a> {
    text: &'a str,
    index: &'a LineIndex,
}

impl Converter<'_> {
    fn line_of(&self, span: Option<std::ops::Range<usize>>) -> u32 {
        span.map_or(0, |r| self.index.line(r.start))
    }

    fn body(&self, body: &Body, depth: usize) -> Node {
        let mut entries: Vec<(String, Node)> = Vec::new();
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => {
                    entries.push((a.key.as_str().to_string(), self.expr(&a.value, depth + 1)));
                }
                Structure::Block(b) => {
                    let node = self.body(&b.body, depth + 1);
                    let node = Node::new(self.line_of(b.span()), node.value);
                    let key = b.ident.as_str();
                    match entries.iter_mut().find(|(k, _)| k == key) {
                        Some((
                            _,
                            Node {
                                value: Value::Seq(items),
                                ..
                            },
                        )) => items.push(node),
                        _ => entries.push((
                            key.to_string(),
                            Node::new(node.line, Value::Seq(vec![node])),
                        )),
                    }
                }
            }
        }
        Node::new(self.line_of(body.span()), Value::Map(entries))
    }

    fn expr(&self, e: &Expression, depth: usize) -> Node {
        let line = self.line_of(e.span());
        if depth > MAX_DEPTH {
            return Node::new(line, Value::Expr);
        }
        let value = match e {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(n) => Value::Str(n.value().to_string()),
            Expression::String(s) => {
                let s = s.value().as_str();
                // A JSON policy written as a plain string literal.
                if s.trim_start().starts_with('{') {
                    if let Ok(doc) = parse_json(s, line) {
                        return doc;
                    }
                }
                Value::Str(s.to_string())
            }
            Expression::Array(a) => Value::Seq(a.iter().map(|x| self.expr(x, depth + 1)).collect()),
            Expression::Object(o) => Value::Map(
                o.iter()
                    .filter_map(|(k, v)| {
                        let key = match k {
                            ObjectKey::Ident(i) => i.as_str().to_string(),
                            ObjectKey::Expression(Expression::String(s)) => {
                                s.value().as_str().to_string()
                            }
                            ObjectKey::Expression(_) => return None,
                        };
                        Some((key, self.expr(v.expr(), depth + 1)))
                    })
                    .collect(),
            ),
            Expression::FuncCall(f) if f.name.namespace.is_empty() => {
                let args: Vec<&Expression> = f.args.iter().collect();
                match (f.name.name.as_str(), args.as_slice()) {
                    ("jsonencode", [one]) => return self.expr(one, depth + 1),
                    _ => Value::Expr,
                }
            }
            Expression::HeredocTemplate(h) => {
                return self
                    .heredoc(h.span(), line)
                    .unwrap_or(Node::new(line, Value::Expr))
            }
            Expression::Parenthesis(p) => return self.expr(p.inner(), depth + 1),
            _ => Value::Expr,
        };
        Node::new(line, value)
    }

    /// A heredoc whose body is JSON (`<<EOF {...} EOF`): parsed from the
    /// source text, so lines are exact. Interpolations inside JSON strings
    /// stay strings; a heredoc that is not JSON on its own is an expression.
    fn heredoc(&self, span: Option<std::ops::Range<usize>>, line: u32) -> Option<Node> {
        let raw = self.text.get(span?)?;
        let start = raw.find('\n')? + 1;
        let end = raw.trim_end().rfind('\n')?;
        let body = raw.get(start..end)?;
        if !body.trim_start().starts_with('{') {
            return None;
        }
        parse_json(body, line + 1).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_attributes_and_policy_forms() {
        let tf = r#"
resource "aws_iam_policy" "a" {
  name = "a"
  policy = jsonencode({
    Statement = [{
      Effect   = "Allow"
      Action   = "*"
      Resource = "*"
    }]
  })
}

resource "aws_iam_role_policy" "b" {
  policy = <<EOF
{
  "Statement": [
    {"Effect": "Allow", "Action": "s3:*", "Resource": "${var.arn}"}
  ]
}
EOF
}

data "aws_iam_policy_document" "c" {
  statement {
    actions   = ["s3:GetObject"]
    resources = [var.bucket_arn]
  }
  statement {
    actions = ["*"]
  }
}
"#;
        let blocks = parse(tf).unwrap();
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[0].address(), "aws_iam_policy.a");
        assert_eq!(blocks[0].line, 2);
        let st = &blocks[0]
            .body
            .get("policy")
            .unwrap()
            .get("Statement")
            .unwrap()
            .items()[0];
        assert_eq!(st.get("Action").unwrap().line, 7);
        assert_eq!(st.get("Action").unwrap().as_str(), Some("*"));
        let st = &blocks[1]
            .body
            .get("policy")
            .unwrap()
            .get("Statement")
            .unwrap()
            .items()[0];
        assert_eq!(st.get("Action").unwrap().line, 17);
        assert_eq!(blocks[2].address(), "data.aws_iam_policy_document.c");
        let sts = blocks[2].body.get("statement").unwrap().items();
        assert_eq!(sts.len(), 2);
        assert_eq!(
            sts[0].get("resources").unwrap().items()[0].value,
            Value::Expr
        );
        assert_eq!(sts[1].line, 28);
    }

    #[test]
    fn errors_and_depth() {
        let err = parse("resource \"x\" \"y\" {\n  a = \n}\n").unwrap_err();
        assert!(err.line >= 2, "{err}");
        let deep = format!("a = {}{}", "[".repeat(200), "]".repeat(200));
        let err = parse(&deep).unwrap_err();
        assert!(err.message.contains("nesting deeper"), "{err}");
    }
}
