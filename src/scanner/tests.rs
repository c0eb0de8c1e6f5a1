//! Unit tests of the scanner facade: allowlists end to end, generic-vs-specific
//! dedupe, path rules, ignore file, redaction and fingerprints.

use super::*;
use crate::allow::ignore_file::IgnoreFile;
use crate::rules::config::{parse_str, Origin};

const CONFIG: &str = r#"
[[rules]]
id = "tok"
description = "Test token"
regex = '''\b(tok_[a-z0-9]{10})\b'''
keywords = ["tok_"]
severity = "critical"
help = "Rotate it."

[[rules]]
id = "generic-secret"
regex = '''secret\s*=\s*"([^"]{8,})"'''
keywords = ["secret"]

[[rules]]
id = "scoped"
regex = '''\b(scp_[a-z0-9]{10})\b'''
keywords = ["scp_"]
path = '''\.env$'''

[[rules]]
id = "keyfile"
path = '''(^|/)id_rsa$'''

[[rules.allowlists]]
paths = ['''^fixtures/''']

[[allowlists]]
stopwords = ["sandbox"]

[[allowlists]]
targetRules = ["tok"]
regexTarget = "line"
regexes = ['''#\s*fake''']

[[allowlists]]
paths = ['''^vendor/''']
"#;

fn scanner(opts: ScanOptions) -> Scanner {
    let origin = Origin {
        path: "test.toml".into(),
        dir: None,
    };
    Scanner::from_rules(parse_str(CONFIG, &origin).unwrap(), opts).unwrap()
}

fn ids(s: &Scanner, text: &str, path: &str) -> Vec<String> {
    s.scan_blob(text.as_bytes(), &BlobContext { path, commit: None })
        .into_iter()
        .map(|f| f.rule_id.to_string())
        .collect()
}

#[test]
fn finding_fields() {
    let s = scanner(ScanOptions::default());
    let commit = CommitMeta {
        id: "c0ffee".into(),
        author: "A".into(),
        email: "a@x".into(),
        date: "2024-01-01T00:00:00Z".into(),
        message: "add".into(),
    };
    let f = s.scan_blob(
        b"\n k = tok_q8w7e6r5t4\n",
        &BlobContext {
            path: "src/a.rs",
            commit: Some(&commit),
        },
    );
    assert_eq!(f.len(), 1);
    let f = &f[0];
    assert_eq!(
        (f.rule_id.as_str(), f.title.as_str(), f.severity),
        ("tok", "Test token", Severity::Critical)
    );
    assert_eq!(
        (f.location.line, f.location.column, f.location.end_line),
        (2, 6, None)
    );
    assert_eq!(f.location.commit.as_deref(), Some("c0ffee"));
    assert_eq!(f.location.message.as_deref(), Some("add"));
    assert_eq!(
        f.fingerprint,
        Fingerprint::secret("tok", "src/a.rs", b"tok_q8w7e6r5t4")
    );
    let secret = f.secret.as_ref().unwrap();
    assert_eq!(
        (secret.redacted.as_str(), secret.value.as_deref()),
        ("tok_…", None)
    );
    assert_eq!(f.help, "Rotate it.");
    let clear = scanner(ScanOptions {
        redact: false,
        ..ScanOptions::default()
    });
    let f = clear.scan_blob(
        b"tok_q8w7e6r5t4",
        &BlobContext {
            path: "a",
            commit: None,
        },
    );
    assert_eq!(
        f[0].secret.as_ref().unwrap().value.as_deref(),
        Some("tok_q8w7e6r5t4")
    );
}

use crate::finding::Severity;

#[test]
fn specific_beats_generic_on_the_same_secret() {
    let s = scanner(ScanOptions::default());
    assert_eq!(ids(&s, r#"secret = "tok_q8w7e6r5t4""#, "a"), vec!["tok"]);
    assert_eq!(
        ids(&s, r#"secret = "Q8w7E6r5T4y3""#, "a"),
        vec!["generic-secret"]
    );
}

#[test]
fn one_finding_per_secret_span_among_generic_rules() {
    let config = r#"
[[rules]]
id = "generic-api-key"
regex = '''(?:key|secret)\s*=\s*"([^"]{8,})"'''
keywords = ["secret"]

[[rules]]
id = "generic-password"
regex = '''(?:secret|password)\s*=\s*"([^"]{8,})"'''
keywords = ["secret", "password"]

[[rules]]
id = "pypirc-like"
tags = ["generic"]
regex = '''(?m)^\[pypi\]\s*\npassword\s*=\s*"([^"]{8,})"'''
keywords = ["[pypi]"]

[[rules]]
id = "generic-quoted"
regex = '''secret\s*=\s*("[^"]{8,}")'''
keywords = ["secret"]
"#;
    let origin = Origin {
        path: "generic.toml".into(),
        dir: None,
    };
    let s =
        Scanner::from_rules(parse_str(config, &origin).unwrap(), ScanOptions::default()).unwrap();
    // The first two report the same span: the earlier rule in the set wins.
    // The third one's secret includes the quotes, a different span.
    assert_eq!(
        ids(&s, r#"client_secret = "Q8w7E6r5T4y3""#, "a"),
        vec!["generic-api-key", "generic-quoted"]
    );
    // A rule merely tagged generic beats the `generic-*` catch-alls.
    let pypirc = "[pypi]\npassword = \"Q8w7E6r5T4y3\"\n";
    assert_eq!(ids(&s, pypirc, "a"), vec!["pypirc-like"]);
}

#[test]
fn rule_path_constraints_and_path_only_rules() {
    let s = scanner(ScanOptions::default());
    assert_eq!(ids(&s, "scp_q8w7e6r5t4", "app/.env"), vec!["scoped"]);
    assert!(ids(&s, "scp_q8w7e6r5t4", "app/main.rs").is_empty());
    assert_eq!(ids(&s, "", "home/.ssh/id_rsa"), vec!["keyfile"]);
    assert!(ids(&s, "", "fixtures/id_rsa").is_empty(), "rule allowlist");
    assert!(ids(&s, "", "id_rsa.pub").is_empty());
}

#[test]
fn global_allowlists() {
    let s = scanner(ScanOptions::default());
    assert!(
        ids(&s, r#"secret = "Sandbox9Key77""#, "a").is_empty(),
        "stopword"
    );
    assert!(
        ids(&s, "tok_q8w7e6r5t4 # fake", "a").is_empty(),
        "targetRules + line target"
    );
    assert_eq!(
        ids(&s, r#"secret = "Q8w7E6r5T4y3" # fake"#, "a"),
        vec!["generic-secret"]
    );
    assert!(ids(&s, "tok_q8w7e6r5t4", "vendor/x.js").is_empty());
    assert!(s.is_path_allowlisted("vendor/x.js"));
    assert!(
        !s.is_path_allowlisted("fixtures/x.js"),
        "rule allowlists do not skip files"
    );
}

#[test]
fn inline_markers_suppress() {
    let s = scanner(ScanOptions::default());
    assert!(ids(&s, "tok_q8w7e6r5t4 // gitleaks:allow", "a").is_empty());
    assert!(ids(
        &s,
        "# pragma: allowlist nextline secret\ntok_q8w7e6r5t4",
        "a"
    )
    .is_empty());
}

#[test]
fn ignore_file_and_stale_entries() {
    let mut s = scanner(ScanOptions::default());
    let fp = Fingerprint::secret("tok", "a.txt", b"tok_q8w7e6r5t4");
    let mut ig = IgnoreFile::default();
    ig.add_text(
        &format!("{fp}\nb.txt:tok:1\nc.txt:tok:9\n"),
        std::path::Path::new(".leakgateignore"),
    )
    .unwrap();
    s.set_ignore_file(ig);
    // The fingerprint survives a line move.
    assert!(ids(&s, "\n\n\ntok_q8w7e6r5t4", "a.txt").is_empty());
    assert!(ids(&s, "tok_q8w7e6r5t4", "b.txt").is_empty());
    assert_eq!(ids(&s, "\ntok_q8w7e6r5t4", "b.txt"), vec!["tok"]);
    assert_eq!(s.stale_ignores(), vec!["c.txt:tok:9".to_string()]);
}

#[test]
fn find_is_path_independent() {
    let s = scanner(ScanOptions::default());
    let m = s.find(b"tok_q8w7e6r5t4");
    let a = s.findings(
        &m,
        &BlobContext {
            path: "x/a",
            commit: None,
        },
    );
    let b = s.findings(
        &m,
        &BlobContext {
            path: "y/b",
            commit: None,
        },
    );
    assert_eq!(a.len(), 1);
    assert_eq!(b.len(), 1);
    assert_ne!(a[0].fingerprint, b[0].fingerprint);
}

#[test]
fn scanner_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Scanner>();
}

#[test]
fn span_index_overlap() {
    let idx = SpanIndex::new([(10, 20), (30, 40), (0, 2)].into_iter());
    assert!(idx.overlaps(15, 16));
    assert!(idx.overlaps(5, 11));
    assert!(idx.overlaps(39, 50));
    assert!(!idx.overlaps(20, 30));
    assert!(!idx.overlaps(2, 10));
    assert!(!idx.overlaps(40, 41));
    assert!(!SpanIndex::new(std::iter::empty()).overlaps(0, 100));
}

#[test]
fn config_discovery_follows_gitleaks_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let explicit = root.join("explicit.toml");
    let vars = |set: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            set.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| std::ffi::OsString::from(v))
        }
    };
    let all: &[(&str, &str)] = &[
        ("LEAKGATE_CONFIG", "lg.toml"),
        ("GITLEAKS_CONFIG", "gl.toml"),
        ("GITLEAKS_CONFIG_TOML", "title = 'x'"),
    ];
    let file = |p: &Path, from: &'static str| ConfigSource::File {
        path: p.to_path_buf(),
        from,
    };
    assert_eq!(
        discover_config(root, Some(&explicit), &vars(all)),
        file(&explicit, "--config")
    );
    assert_eq!(
        discover_config(root, None, &vars(all)),
        file(Path::new("lg.toml"), "LEAKGATE_CONFIG")
    );
    assert_eq!(
        discover_config(root, None, &vars(&all[1..])),
        file(Path::new("gl.toml"), "GITLEAKS_CONFIG")
    );
    // An empty variable counts as unset.
    assert_eq!(
        discover_config(
            root,
            None,
            &vars(&[
                ("LEAKGATE_CONFIG", ""),
                ("GITLEAKS_CONFIG_TOML", "title = 'x'")
            ])
        ),
        ConfigSource::Text {
            var: "GITLEAKS_CONFIG_TOML",
            text: "title = 'x'".into()
        }
    );
    assert_eq!(
        discover_config(root, None, &vars(&[])),
        ConfigSource::Builtin
    );
    std::fs::write(root.join(".gitleaks.toml"), "").unwrap();
    assert_eq!(
        discover_config(root, None, &vars(&[])),
        file(&root.join(".gitleaks.toml"), "root")
    );
    std::fs::write(root.join(".leakgate.toml"), "").unwrap();
    assert_eq!(
        discover_config(root, None, &vars(&[])),
        file(&root.join(".leakgate.toml"), "root")
    );
}

#[test]
fn path_prefix_maps_to_repository_relative_paths() {
    let p = PathPrefix {
        prefix: "src".into(),
        root: "/repo".into(),
    };
    assert_eq!(p.map("settings.py"), "src/settings.py");
    assert_eq!(p.map("a/b.txt"), "src/a/b.txt");
    assert_eq!(p.map("../README.md"), "README.md");
    // Leaves the repository: kept as the source gave it.
    assert_eq!(p.map("../../x"), "../../x");
    assert_eq!(p.map("-"), "-");
    assert_eq!(p.map("/repo/src/a.py"), "src/a.py");
    assert_eq!(p.map("/repository/a.py"), "/repository/a.py");
    let top = PathPrefix {
        prefix: String::new(),
        root: "/repo".into(),
    };
    assert_eq!(top.map("src/a.py"), "src/a.py");
}
