//! Streaming JSON for the formats whose document is built as a
//! `serde_json::Value` (SARIF, GitLab): the per-finding part of the document
//! is produced one element at a time while it is written, so a report with
//! hundreds of thousands of findings never holds a JSON tree of all of them
//! (a `Value` per finding is about ten times the finding itself).
//!
//! The output is byte for byte what serializing the whole `Value` gives:
//! `serde_json::Map` keeps its keys sorted, and [`Splice`] writes its extra
//! entry at the sorted position.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

/// A JSON object: the entries of `map` plus `key: value`, in sorted key
/// order, as if `value` had been inserted into `map`.
pub(super) struct Splice<S> {
    /// Every other entry.
    pub map: Map<String, Value>,
    /// The spliced entry's key (not a key of `map`).
    pub key: &'static str,
    /// The spliced entry's value.
    pub value: S,
}

impl<S: Serialize> Serialize for Splice<S> {
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        let mut out = serializer.serialize_map(Some(self.map.len() + 1))?;
        let mut pending = true;
        for (k, v) in &self.map {
            if pending && k.as_str() > self.key {
                out.serialize_entry(self.key, &self.value)?;
                pending = false;
            }
            out.serialize_entry(k, v)?;
        }
        if pending {
            out.serialize_entry(self.key, &self.value)?;
        }
        out.end()
    }
}

/// A JSON array of `item(x)` for every `x` of `items`, each element built
/// just before it is written and dropped just after.
pub(super) struct LazySeq<'a, T, F> {
    /// The inputs, one per element.
    pub items: &'a [T],
    /// Builds one element.
    pub item: F,
}

impl<T, F: Fn(&T) -> Value> Serialize for LazySeq<'_, T, F> {
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        let mut out = serializer.serialize_seq(Some(self.items.len()))?;
        for x in self.items {
            out.serialize_element(&(self.item)(x))?;
        }
        out.end()
    }
}

/// A report exercising the streamed parts: secret findings of two rules
/// (one in a commit), a vulnerability, an unreadable input and a warning.
#[cfg(test)]
pub(super) fn sample_report() -> super::Report {
    use crate::finding::{
        Finding, FindingKind, Location, PackageInfo, SecretInfo, Severity, VulnerabilityInfo,
    };
    let mut r = super::Report::new("secrets", ".");
    let secret = |rule: &str, path: &str, line: u32, commit: Option<&str>| Finding {
        kind: FindingKind::Secret,
        rule_id: rule.into(),
        title: format!("{rule} token").into(),
        severity: Severity::High,
        fingerprint: format!("fp-{rule}-{line}"),
        location: Location {
            path: path.into(),
            line,
            column: 7,
            commit: commit.map(crate::finding::SharedStr::from),
            author: commit.map(|_| "A. Author".into()),
            email: commit.map(|_| "a@example.com".into()),
            ..Location::default()
        },
        secret: Some(SecretInfo {
            confidence: None,
            redacted: "abcd…".into(),
            entropy: 4.25,
            value: None,
        }),
        vulnerability: None,
        help: "Rotate it.".into(),
    };
    r.findings.push(secret("github-pat", "src/a.rs", 3, None));
    r.findings.push(secret(
        "aws-access-key",
        "b c/d.env",
        1,
        Some("0123456789abcdef0123"),
    ));
    r.findings.push(secret("github-pat", "src/e.rs", 9, None));
    r.findings.push(Finding {
        kind: FindingKind::Vulnerability,
        rule_id: "RUSTSEC-2020-0071".into(),
        title: "Potential segfault".into(),
        severity: Severity::Medium,
        fingerprint: "fp-v".into(),
        location: Location {
            path: "Cargo.lock".into(),
            line: 12,
            ..Location::default()
        },
        secret: None,
        vulnerability: Some(Box::new(VulnerabilityInfo {
            id: "RUSTSEC-2020-0071".into(),
            aliases: vec!["CVE-2020-26235".into()],
            summary: "Potential segfault in the time crate".into(),
            package: PackageInfo {
                ecosystem: "crates.io".into(),
                name: "time".into(),
                version: "0.1.43".into(),
                purl: Some("pkg:cargo/time@0.1.43".into()),
            },
            fixed_versions: vec!["0.2.23".into()],
            suggested_fix: Some("0.2.23".into()),
            cvss_vector: None,
            cvss_score: Some(6.2),
            url: None,
            dev: false,
            severity_source: None,
            dependency_path: Vec::new(),
        })),
        help: String::new().into(),
    });
    r.scan.errors.push(super::Problem {
        path: "locked.txt".into(),
        message: "permission denied".into(),
    });
    r.scan.warnings.push("a warning".into());
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pretty(v: &impl Serialize) -> String {
        serde_json::to_string_pretty(v).unwrap()
    }

    #[test]
    fn splice_writes_what_the_whole_value_would() {
        for key in ["a", "m", "z", "results", "$schema"] {
            let base = json!({ "b": 1, "n": [1, 2], "y": { "k": "v" } });
            let Value::Object(map) = base.clone() else {
                unreachable!()
            };
            let items = [1u32, 2, 3];
            let lazy = Splice {
                map,
                key,
                value: LazySeq {
                    items: &items,
                    item: |x: &u32| json!({ "x": x }),
                },
            };
            let mut whole = base;
            whole[key] = json!([{ "x": 1 }, { "x": 2 }, { "x": 3 }]);
            assert_eq!(pretty(&lazy), pretty(&whole), "key {key}");
        }
    }

    #[test]
    fn empty_parts_match_too() {
        let lazy = Splice {
            map: Map::new(),
            key: "results",
            value: LazySeq {
                items: &[] as &[u8],
                item: |_: &u8| Value::Null,
            },
        };
        assert_eq!(pretty(&lazy), pretty(&json!({ "results": [] })));
    }
}
