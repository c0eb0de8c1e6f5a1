//! Catalogue-wide tests: every check's examples, and the format edge cases
//! (hostile input, unparseable files, templates, inline markers).

use super::*;

#[test]
fn every_check_passes_its_examples() {
    let failures = check_examples();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn catalogue_has_forty_checks_in_four_families() {
    let all: Vec<&Check> = catalogue().collect();
    assert!(all.len() >= 40, "{} checks", all.len());
    for family in [
        Family::Iam,
        Family::Storage,
        Family::Actions,
        Family::Kubernetes,
    ] {
        assert!(all.iter().any(|c| c.family == family), "{family:?}");
    }
    for c in &all {
        assert!(!c.references.is_empty(), "{} has no reference", c.id);
        assert!(
            !c.rationale.is_empty() && !c.remediation.is_empty(),
            "{}",
            c.id
        );
    }
}

fn hits(path: &str, text: &str) -> Vec<(&'static str, u32)> {
    match check_text(path, text) {
        Outcome::Checked(_, hits) => hits.iter().map(|h| (h.check, h.line)).collect(),
        other => panic!("not checked: {other:?}"),
    }
}

#[test]
fn seed_example_bad_and_good_policy() {
    let bad = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\n    \"Effect\": \"Allow\",\n    \"Action\": \"*\",\n    \"Resource\": \"*\"\n  }]\n}\n";
    assert_eq!(hits("policy.json", bad), vec![("iam-admin-wildcard", 5)]);
    let good = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\n    \"Effect\": \"Allow\",\n    \"Action\": [\"s3:GetObject\", \"s3:PutObject\"],\n    \"Resource\": \"arn:aws:s3:::example-bucket/*\"\n  }]\n}\n";
    assert_eq!(hits("policy.json", good), vec![]);
}

#[test]
fn service_wildcard_does_not_also_report_each_escalation() {
    let p =
        "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:*\", \"Resource\": \"*\"}]}";
    assert_eq!(hits("p.json", p), vec![("iam-service-wildcard", 1)]);
}

#[test]
fn unparseable_files_name_the_line() {
    match check_text(
        "main.tf",
        "resource \"aws_iam_policy\" \"p\" {\n  policy = \n",
    ) {
        Outcome::Invalid(Format::Terraform, e) => assert!(e.line >= 2, "{e}"),
        other => panic!("{other:?}"),
    }
    match check_text("pod.yaml", "apiVersion: v1\nkind: Pod\nspec: [\n") {
        Outcome::Invalid(Format::Kubernetes, e) => assert!(e.line >= 3, "{e}"),
        other => panic!("{other:?}"),
    }
    match check_text(".github/workflows/x.yml", "on: push\njobs:\n  a: [\n") {
        Outcome::Invalid(Format::Workflow, _) => {}
        other => panic!("{other:?}"),
    }
    match check_text(
        "template.json",
        "{\"AWSTemplateFormatVersion\": \"2010-09-09\",\n\"Resources\": }",
    ) {
        Outcome::Invalid(Format::CloudFormation, e) => assert_eq!(e.line, 2),
        other => panic!("{other:?}"),
    }
}

#[test]
fn helm_templates_and_unrelated_files() {
    let helm = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\n  {{- include \"labels\" . | nindent 4 }}\n";
    assert_eq!(check_text("templates/pod.yaml", helm), Outcome::Template);
    assert_eq!(
        check_text("package.json", "{\"name\": \"x\"}"),
        Outcome::NotApplicable
    );
    assert_eq!(
        check_text("values.yaml", "replicas: 1\n"),
        Outcome::NotApplicable
    );
}

#[test]
fn inline_marker_suppresses_a_hit() {
    let tf = "resource \"aws_s3_bucket_acl\" \"a\" {\n  acl = \"public-read\" # leakgate:allow public website\n}\nresource \"aws_s3_bucket_acl\" \"b\" {\n  acl = \"public-read\"\n}\n";
    let Outcome::Checked(_, h) = check_text("s3.tf", tf) else {
        panic!("not checked")
    };
    assert_eq!(h.len(), 2);
    let findings = file_findings("s3.tf", tf, &h);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].location.line, 5);
    assert_eq!(findings[0].rule_id, "s3-acl-public-read");
    assert_eq!(findings[0].kind, crate::FindingKind::Policy);
}

#[test]
fn fingerprints_survive_line_moves() {
    let a = "resource \"aws_s3_bucket_acl\" \"a\" {\n  acl = \"public-read\"\n}\n";
    let b = format!("\n\n# moved\n{a}");
    let fa = match check_text("s3.tf", a) {
        Outcome::Checked(_, h) => file_findings("s3.tf", a, &h),
        _ => panic!(),
    };
    let fb = match check_text("s3.tf", &b) {
        Outcome::Checked(_, h) => file_findings("s3.tf", &b, &h),
        _ => panic!(),
    };
    assert_eq!(fa[0].fingerprint, fb[0].fingerprint);
    assert_eq!((fa[0].location.line, fb[0].location.line), (2, 5));
}

#[test]
fn kubernetes_lists_and_multi_documents() {
    let y = "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: a}\n    spec:\n      hostPID: true\n      securityContext: {runAsNonRoot: true}\n      containers: [{name: c, image: x}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec:\n  hostNetwork: true\n  securityContext: {runAsNonRoot: true}\n  containers: [{name: c, image: x}]\n";
    assert_eq!(
        hits("all.yaml", y),
        vec![("k8s-host-pid", 8), ("k8s-host-network", 16)]
    );
}

#[test]
fn hostile_yaml_is_an_error_not_a_hang() {
    let mut bomb = String::from("apiVersion: v1\nkind: Pod\na: &a [x,x,x,x,x,x,x,x,x,x]\n");
    for i in 0..9u8 {
        let (p, n) = ((b'a' + i) as char, (b'a' + i + 1) as char);
        bomb.push_str(&format!(
            "{n}: &{n} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        ));
    }
    assert!(matches!(
        check_text("bomb.yaml", &bomb),
        Outcome::Invalid(Format::Kubernetes, _)
    ));
    let deep = format!(
        "apiVersion: v1\nkind: Pod\nspec: {}{}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    assert!(matches!(
        check_text("deep.yaml", &deep),
        Outcome::Invalid(Format::Kubernetes, _)
    ));
    let deep_tf = format!("x = {}{}\n", "[".repeat(5000), "]".repeat(5000));
    assert!(matches!(
        check_text("deep.tf", &deep_tf),
        Outcome::Invalid(Format::Terraform, _)
    ));
}

#[test]
fn manifest_streams_are_checked_per_document_with_file_lines() {
    // A CRD (not read by any check) between two workloads: the lines of the
    // later documents are the file's, and `---` inside a block scalar
    // (indented) does not split.
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  hostPID: true\n  containers:\n    - name: c\n      image: x\n      securityContext: {runAsNonRoot: true}\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: big\nspec:\n  description: |\n    text\n    ---\n    more\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\nspec:\n  hostNetwork: true\n  containers: []\n";
    assert_eq!(
        hits("k8s/all.yaml", text),
        vec![("k8s-host-pid", 6), ("k8s-host-network", 27)]
    );
    let docs = yaml_documents(text);
    assert_eq!(
        docs.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
        vec![1, 11, 21]
    );
    assert_eq!(top_level_kind(docs[1].1), Some("CustomResourceDefinition"));
    assert!(!k8s::reads_kind("CustomResourceDefinition"));
    assert!(k8s::reads_kind("Deployment") && k8s::reads_kind("PodList"));
    // An error in a later document is on the file's line.
    let bad = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: [b\n";
    match check_text("k8s/bad.yaml", bad) {
        Outcome::Invalid(Format::Kubernetes, e) => assert!(e.line >= 8, "{e}"),
        other => panic!("{other:?}"),
    }
    // Without a clear top-level kind the document is parsed.
    assert_eq!(top_level_kind("kind: {a: 1}\n"), None);
    assert_eq!(top_level_kind("kind: Pod\nkind: Job\n"), None);
    assert_eq!(top_level_kind("kind: \"Pod\" # c\n"), Some("Pod"));
}

#[test]
fn lenient_indentation_is_repaired_without_moving_lines() {
    // Continuation of a quoted scalar at its key's column.
    let docs = doc::parse_yaml("a:\n  b: 'one\n  two'\n  c: true\n").unwrap();
    assert_eq!(docs[0].path(&["a", "b"]).unwrap().as_str(), Some("one two"));
    assert_eq!(docs[0].path(&["a", "c"]).unwrap().line, 4);
    // A flow list closed at its key's column.
    let docs = doc::parse_yaml("m:\n  k: [\n    \"x\",\n    \"y\"\n  ]\n  n: 1\n").unwrap();
    assert_eq!(docs[0].path(&["m", "k"]).unwrap().items().len(), 2);
    assert_eq!(docs[0].path(&["m", "n"]).unwrap().line, 6);
    // Real structural errors stay errors.
    assert!(doc::parse_yaml("a:\n  b: 1\n c: 2\n").is_err());
    assert!(doc::parse_yaml("a: 'unterminated\n").is_err());
}
