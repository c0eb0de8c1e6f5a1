//! AWS IAM policy documents, wherever they are written: one statement model
//! ([`Statement`]) over the JSON grammar (`Effect`/`Action`/`Resource`/
//! `Principal`/`Condition`, as in standalone files, CloudFormation and
//! `jsonencode`) and the Terraform `aws_iam_policy_document` grammar
//! (`effect`/`actions`/`resources`/`principals`/`condition` blocks).
//!
//! What is checked depends on where the document is attached ([`Context`]):
//! `Resource: "*"` in a bucket or key policy means "this resource" and is
//! normal, so action/resource wildcards are judged in identity policies
//! only, and principals in resource and trust policies only.

use super::check::{Check, Example, Family, Hit};
use super::doc::{Node, Value};
use crate::finding::Severity;

/// Where a policy document is attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Attached to a user, group or role: grants permissions.
    Identity,
    /// A role's trust (assume-role) policy.
    Trust,
    /// A resource policy (SQS, SNS, KMS, ECR, Secrets Manager, ...).
    Resource,
    /// An S3 bucket policy.
    Bucket,
    /// A Terraform `aws_iam_policy_document`: identity unless it names
    /// principals, then trust (only `sts:AssumeRole*` actions) or resource.
    Document,
}

/// One statement, whichever grammar it was written in.
#[derive(Debug)]
pub struct Statement<'a> {
    /// Line of the statement.
    pub line: u32,
    /// `Allow` (statements that deny are never findings).
    pub allow: bool,
    /// `Action` / `actions`.
    pub actions: Vec<(&'a str, &'a Node)>,
    /// `NotAction` / `not_actions`.
    pub not_action: Option<&'a Node>,
    /// `Resource` / `resources`.
    pub resources: Vec<&'a str>,
    /// `NotResource` / `not_resources`.
    pub not_resource: Option<&'a Node>,
    /// The node of a public principal (`*`, `{"AWS": "*"}`), if any.
    pub public_principal: Option<&'a Node>,
    /// Whether a principal is given at all.
    pub has_principal: bool,
    /// Whether a `Condition` restricts the statement.
    pub has_condition: bool,
    /// Path of the statement inside its owner, for fingerprints.
    pub label: String,
}

/// The statements of a JSON-grammar policy document (`{"Statement": ...}`).
pub fn json_statements(doc: &Node) -> Vec<Statement<'_>> {
    let Some(st) = doc.get("Statement") else {
        return Vec::new();
    };
    st.items()
        .into_iter()
        .enumerate()
        .filter(|(_, s)| s.is_map())
        .map(|(i, s)| {
            let label = match s.get("Sid").and_then(Node::as_str) {
                Some(sid) if !sid.is_empty() => format!("Statement[{sid}]"),
                _ => format!("Statement[{i}]"),
            };
            let principal = s.get("Principal");
            Statement {
                line: s.line,
                allow: s.get("Effect").and_then(Node::as_str) == Some("Allow"),
                actions: s.get("Action").map(Node::strings).unwrap_or_default(),
                not_action: s.get("NotAction"),
                resources: strs(s.get("Resource")),
                not_resource: s.get("NotResource"),
                public_principal: principal.and_then(public_json_principal),
                has_principal: principal.is_some(),
                has_condition: s.get("Condition").is_some_and(|c| c.value != Value::Null),
                label,
            }
        })
        .collect()
}

/// The statements of a Terraform `aws_iam_policy_document` body.
pub fn document_statements(body: &Node) -> Vec<Statement<'_>> {
    let Some(st) = body.get("statement") else {
        return Vec::new();
    };
    st.items()
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let label = match s.get("sid").and_then(Node::as_str) {
                Some(sid) if !sid.is_empty() => format!("statement[{sid}]"),
                _ => format!("statement[{i}]"),
            };
            let principals = s.get("principals").map(Node::items).unwrap_or_default();
            Statement {
                line: s.line,
                // `effect` defaults to Allow in this grammar.
                allow: s.get("effect").is_none_or(|e| e.as_str() == Some("Allow")),
                actions: s.get("actions").map(Node::strings).unwrap_or_default(),
                not_action: s.get("not_actions"),
                resources: strs(s.get("resources")),
                not_resource: s.get("not_resources"),
                public_principal: principals.iter().find_map(|p| {
                    let ty = p.get("type").and_then(Node::as_str)?;
                    if ty != "*" && ty != "AWS" {
                        return None;
                    }
                    p.get("identifiers")?
                        .strings()
                        .into_iter()
                        .find(|(s, _)| *s == "*")
                        .map(|(_, n)| n)
                }),
                has_principal: !principals.is_empty(),
                has_condition: s.get("condition").is_some(),
                label,
            }
        })
        .collect()
}

fn strs(n: Option<&Node>) -> Vec<&str> {
    n.map(|n| n.strings().into_iter().map(|(s, _)| s).collect())
        .unwrap_or_default()
}

/// `"*"`, `{"AWS": "*"}` or `{"AWS": ["*", ...]}`.
fn public_json_principal(p: &Node) -> Option<&Node> {
    if p.as_str() == Some("*") {
        return Some(p);
    }
    p.get("AWS")?
        .strings()
        .into_iter()
        .find(|(s, _)| *s == "*")
        .map(|(_, n)| n)
}

/// Case-insensitive IAM wildcard match (`*` any run, `?` one character).
pub fn action_matches(pattern: &str, action: &str) -> bool {
    fn go(p: &[u8], a: &[u8]) -> bool {
        // Iterative glob with one backtrack point: linear in practice.
        let (mut pi, mut ai) = (0, 0);
        let (mut star, mut mark) = (None, 0);
        while ai < a.len() {
            if pi < p.len() && (p[pi] == b'?' || p[pi].eq_ignore_ascii_case(&a[ai])) {
                pi += 1;
                ai += 1;
            } else if pi < p.len() && p[pi] == b'*' {
                star = Some(pi);
                mark = ai;
                pi += 1;
            } else if let Some(s) = star {
                pi = s + 1;
                mark += 1;
                ai = mark;
            } else {
                return false;
            }
        }
        p[pi..].iter().all(|&c| c == b'*')
    }
    go(pattern.as_bytes(), action.as_bytes())
}

fn full_wildcard(a: &str) -> bool {
    a == "*" || a == "*:*"
}

fn service_wildcard(a: &str) -> bool {
    a.len() > 2 && a.ends_with(":*") && !a[..a.len() - 2].contains('*')
}

/// Privilege-escalation groups: (check id, actions).
const ESCALATIONS: &[(&str, &[&str])] = &[
    ("iam-passrole-wildcard", &["iam:PassRole"]),
    (
        "iam-policy-version-escalation",
        &["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"],
    ),
    (
        "iam-attach-policy-escalation",
        &[
            "iam:AttachRolePolicy",
            "iam:AttachUserPolicy",
            "iam:AttachGroupPolicy",
        ],
    ),
    (
        "iam-put-policy-escalation",
        &[
            "iam:PutRolePolicy",
            "iam:PutUserPolicy",
            "iam:PutGroupPolicy",
        ],
    ),
    ("iam-assume-role-wildcard", &["sts:AssumeRole"]),
    (
        "iam-credential-escalation",
        &[
            "iam:CreateAccessKey",
            "iam:CreateLoginProfile",
            "iam:UpdateLoginProfile",
        ],
    ),
    ("iam-trust-policy-update", &["iam:UpdateAssumeRolePolicy"]),
    (
        "iam-secrets-read-wildcard",
        &[
            "secretsmanager:GetSecretValue",
            "ssm:GetParameter",
            "ssm:GetParameters",
            "ssm:GetParametersByPath",
            "kms:Decrypt",
        ],
    ),
];

/// Runs the IAM checks on the statements of one document owned by `owner`
/// (a resource address or document path).
pub fn check_statements(
    statements: &[Statement],
    context: Context,
    owner: &str,
    hits: &mut Vec<Hit>,
) {
    for st in statements {
        if !st.allow {
            continue;
        }
        let context = match context {
            Context::Document if st.has_principal => {
                let trust = !st.actions.is_empty()
                    && st
                        .actions
                        .iter()
                        .all(|(a, _)| a.to_ascii_lowercase().starts_with("sts:assumerole"));
                if trust {
                    Context::Trust
                } else {
                    Context::Resource
                }
            }
            Context::Document => Context::Identity,
            c => c,
        };
        let subject = |field: &str| format!("{owner}/{}/{field}", st.label);
        match context {
            Context::Identity => identity(st, &subject, hits),
            Context::Trust | Context::Resource | Context::Bucket => {
                if let (Some(p), false) = (st.public_principal, st.has_condition) {
                    let (id, what) = match context {
                        Context::Trust => ("iam-trust-any-principal", "trust policy"),
                        Context::Bucket => ("s3-bucket-policy-public", "bucket policy"),
                        _ => ("iam-public-principal", "resource policy"),
                    };
                    hits.push(Hit::new(
                        id,
                        p.line,
                        subject("Principal"),
                        format!(
                            "{owner}: {what} {} allows Principal \"*\" without a Condition",
                            st.label
                        ),
                    ));
                }
            }
            Context::Document => {}
        }
    }
}

fn identity(st: &Statement, subject: &dyn Fn(&str) -> String, hits: &mut Vec<Hit>) {
    let on_all = st.resources.contains(&"*");
    if let Some(n) = st.not_action {
        hits.push(Hit::new(
            "iam-not-action",
            n.line,
            subject("NotAction"),
            format!(
                "{} allows every action except those listed (NotAction)",
                st.label
            ),
        ));
    }
    if let Some(n) = st.not_resource {
        hits.push(Hit::new(
            "iam-not-resource",
            n.line,
            subject("NotResource"),
            format!(
                "{} allows its actions on every resource except those listed (NotResource)",
                st.label
            ),
        ));
    }
    if !on_all {
        return;
    }
    for (a, n) in &st.actions {
        if full_wildcard(a) {
            hits.push(Hit::new(
                "iam-admin-wildcard",
                n.line,
                subject("Action"),
                format!("{} allows Action \"{a}\" on Resource \"*\"", st.label),
            ));
        } else if service_wildcard(a) {
            hits.push(Hit::new(
                "iam-service-wildcard",
                n.line,
                subject(&format!("Action/{a}")),
                format!("{} allows every {a} action on Resource \"*\"", st.label),
            ));
        }
    }
    if st.has_condition {
        return;
    }
    for (id, targets) in ESCALATIONS {
        let found = st.actions.iter().find(|(a, _)| {
            !full_wildcard(a)
                && !service_wildcard(a)
                && targets.iter().any(|t| action_matches(a, t))
        });
        if let Some((a, n)) = found {
            hits.push(Hit::new(
                id,
                n.line,
                subject(id),
                format!(
                    "{} allows {a} on Resource \"*\" without a Condition",
                    st.label
                ),
            ));
        }
    }
}

const POLICY_REF: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html";
const BEST_REF: &str = "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html";

/// The IAM checks.
pub const CHECKS: &[Check] = &[
    Check {
        id: "iam-admin-wildcard",
        family: Family::Iam,
        severity: Severity::Critical,
        title: "IAM policy allows every action on every resource",
        rationale: "`Action: \"*\"` on `Resource: \"*\"` is full administrator access: whoever holds the role or key can do anything in the account, including reading every secret and deleting every backup.",
        remediation: "Grant only the actions the workload calls, on the resources it uses (for example s3:GetObject and s3:PutObject on one bucket's objects).",
        references: &[BEST_REF, POLICY_REF],
        examples: &[
            Example { path: "policy.json", text: "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}\n", line: 6 },
            Example { path: "main.tf", text: "resource \"aws_iam_policy\" \"ci\" {\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      Effect   = \"Allow\"\n      Action   = [\"*\"]\n      Resource = \"*\"\n    }]\n  })\n}\n", line: 6 },
            Example { path: "template.yaml", text: "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Admin:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action: '*'\n            Resource: '*'\n", line: 10 },
        ],
        negatives: &[
            Example { path: "policy.json", text: "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": [\"s3:GetObject\", \"s3:PutObject\"],\n      \"Resource\": \"arn:aws:s3:::example-bucket/*\"\n    }\n  ]\n}\n", line: 0 },
            Example { path: "policy.json", text: "{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\"}]}", line: 0 },
        ],
    },
    Check {
        id: "iam-service-wildcard",
        family: Family::Iam,
        severity: Severity::High,
        title: "IAM policy allows every action of a service on every resource",
        rationale: "`s3:*` or `iam:*` on `*` grants a whole service, including its destructive and permission-changing actions, on every resource of the account.",
        remediation: "List the actions the workload needs and scope Resource to its ARNs.",
        references: &[BEST_REF],
        examples: &[
            Example { path: "policy.json", text: "{\"Statement\": [{\n  \"Effect\": \"Allow\",\n  \"Action\": [\"s3:GetObject\", \"dynamodb:*\"],\n  \"Resource\": \"*\"\n}]}\n", line: 3 },
            Example { path: "iam.tf", text: "data \"aws_iam_policy_document\" \"d\" {\n  statement {\n    actions   = [\"ec2:*\"]\n    resources = [\"*\"]\n  }\n}\n", line: 3 },
        ],
        negatives: &[
            Example { path: "policy.json", text: "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"dynamodb:*\", \"Resource\": \"arn:aws:dynamodb:eu-west-1:111122223333:table/orders\"}]}", line: 0 },
            Example { path: "key.tf", text: "resource \"aws_kms_key\" \"k\" {\n  policy = jsonencode({\n    Statement = [{\n      Effect = \"Allow\"\n      Principal = { AWS = \"arn:aws:iam::111122223333:root\" }\n      Action = \"kms:*\"\n      Resource = \"*\"\n    }]\n  })\n}\n", line: 0 },
        ],
    },
    Check {
        id: "iam-not-action",
        family: Family::Iam,
        severity: Severity::High,
        title: "IAM policy allows with NotAction",
        rationale: "`Allow` with `NotAction` grants every action except the listed ones, including actions AWS adds later: it is almost always broader than intended.",
        remediation: "Replace NotAction with an explicit Action list, or use NotAction only in Deny statements.",
        references: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html"],
        examples: &[
            Example { path: "policy.json", text: "{\"Statement\": [{\n  \"Effect\": \"Allow\",\n  \"NotAction\": \"iam:*\",\n  \"Resource\": \"*\"\n}]}\n", line: 3 },
        ],
        negatives: &[
            Example { path: "policy.json", text: "{\"Statement\": [{\"Effect\": \"Deny\", \"NotAction\": \"iam:*\", \"Resource\": \"*\"}]}", line: 0 },
        ],
    },
    Check {
        id: "iam-not-resource",
        family: Family::Iam,
        severity: Severity::Medium,
        title: "IAM policy allows with NotResource",
        rationale: "`Allow` with `NotResource` grants the actions on every resource except the listed ones, including every resource created later.",
        remediation: "List the resources the statement applies to in Resource instead.",
        references: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html"],
        examples: &[
            Example { path: "policy.json", text: "{\"Statement\": [{\n  \"Effect\": \"Allow\",\n  \"Action\": \"s3:DeleteObject\",\n  \"NotResource\": \"arn:aws:s3:::audit-logs/*\"\n}]}\n", line: 4 },
        ],
        negatives: &[
            Example { path: "policy.json", text: "{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"s3:*\", \"NotResource\": \"arn:aws:s3:::public-site/*\"}]}", line: 0 },
        ],
    },
    Check {
        id: "iam-passrole-wildcard",
        family: Family::Iam,
        severity: Severity::High,
        title: "iam:PassRole on every role",
        rationale: "PassRole on `*` lets the holder hand any role in the account, administrator roles included, to a service it controls (EC2, Lambda, ECS), and so act with that role's permissions.",
        remediation: "Scope Resource to the role ARNs the workload passes, or add a Condition on iam:PassedToService.",
        references: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html"],
        examples: &[
            Example { path: "policy.json", text: "{\"Statement\": [{\n  \"Effect\": \"Allow\",\n  \"Action\": [\"ec2:RunInstances\", \"iam:PassRole\"],\n  \"Resource\": \"*\"\n}]}\n", line: 3 },
        ],
        negatives: &[
            Example { path: "policy.json", text: "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:PassRole\", \"Resource\": \"*\", \"Condition\": {\"StringEquals\": {\"iam:PassedToService\": \"ecs-tasks.amazonaws.com\"}}}]}", line: 0 },
            Example { path: "policy.json", text: "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:PassRole\", \"Resource\": \"arn:aws:iam::111122223333:role/app-task\"}]}", line: 0 },
        ],
    },
    Check {
        id: "iam-policy-version-escalation",
        family: Family::Iam,
        severity: Severity::High,
        title: "Policy versions can be rewritten on every policy",
        rationale: "iam:CreatePolicyVersion or iam:SetDefaultPolicyVersion on `*` lets the holder replace any managed policy, including its own, with one granting `*`.",
        remediation: "Reserve these actions for an administration role, scoped to the policies it manages.",
        references: &["https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicyVersion.html"],
        examples: &[
            Example { path: "policy.json", text: "{\"Statement\": [{\n  \"Effect\": \"Allow\",\n  \"Action\": \"iam:CreatePolicyVersion\",\n  \"Resource\": \"*\"\n}]}\n", line: 3 },
        ],
        negatives: &[
            Example { path: "policy.json", text: "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:GetPolicyVersion\", \"Resource\": \"*\"}]}", line: 0 },
        ],
    },
    Check {
        id: "iam-attach-policy-escalation",
        family: Family::Iam,
        severity: Severity::High,
        title: "Managed policies can be attached to any principal",
        rationale: "iam:Attach{Role,User,Group}Policy on `*` lets the holder attach AdministratorAccess to itself.",
        remediation: "Scope Resource to specific roles and add a Condition on iam:PolicyARN, or remove the action.",
        references: &["https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html"],
        examples: &[
            Example { path: "policy.json", text: "{\"Statement\": [{\n  \"Effect\": \"Allow\",\n  \"Action\": \"iam:Attach*Policy\",\n  \"Resource\": \"*\"\n}]}\n", line: 3 },
        ],
        negatives: &[
            Example { path: "policy.json", text: "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:ListAttachedRolePolicies\", \"Resource\": \"*\"}]}", line: 0 },
        ],
    },
    Check {
        id: "iam-put-policy-escalation",
        family: Family::Iam,
        severity: Severity::High,
        title: "Inline policies can be written on any principal",
        rationale: "iam:Put{Role,User,Group}Policy on `*` lets the holder write an inline policy granting `*` to itself.",
        remediation: "Remove the action or scope Resource to the principals an automation manages.",
        references: &["https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html"],
        examples: &[
            Example { path: "policy.json", text: "{\"Statement\": [{\n  \"Effect\": \"Allow\",\n  \"Action\": [\"iam:PutUserPolicy\"],\n  \"Resource\": [\"*\"]\n}]}\n", line: 3 },
        ],
        negatives: &[
            Example { path: "policy.json", text: "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:PutUserPolicy\", \"Resource\": \"arn:aws:iam::111122223333:user/bot\"}]}", line: 0 },
        ],
    },
    Check {
        id: "iam-assume-role-wildcard",
        family: Family::Iam,
        severity: Severity::High,
        title: "sts:AssumeRole on every role",
        rationale: "AssumeRole on `*` lets the holder become any role whose trust policy admits the account, which is how a narrow role turns into an administrator.",
        remediation: "List the role ARNs the workload assumes.",
        references: &["https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html"],
        examples: &[
            Example { path: "policy.json", text: "{\"Statement\": [{\n  \"Effect\": \"Allow\",\n  \"Action\": \"sts:AssumeRole\",\n  \"Resource\": \"*\"\n}]}\n", line: 3 },
        ],
        negatives: &[
            Example { path: "policy.json", text: "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"sts:AssumeRole\", \"Resource\": \"arn:aws:iam::111122223333:role/deploy\"}]}", line: 0 },
        ],
    },
    Check {
        id: "iam-credential-escalation",
        family: Family::Iam,
        severity: Severity::High,
        title: "Credentials can be created for any user",
        rationale: "iam:CreateAccessKey, iam:CreateLoginProfile or iam:UpdateLoginProfile on `*` lets the holder mint keys or set a console password for any user, administrators included.",
        remediation: "Scope Resource to `arn:aws:iam::ACCOUNT:user/${aws:username}` (self-service) or to specific users.",
        references: &["https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html"],
        examples: &[
            Example { path: "policy.json", text: "{\"Statement\": [{\n  \"Effect\": \"Allow\",\n  \"Action\": \"iam:CreateAccessKey\",\n  \"Resource\": \"*\"\n}]}\n", line: 3 },
        ],
        negatives: &[
            Example { path: "policy.json", text: "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:CreateAccessKey\", \"Resource\": \"arn:aws:iam::111122223333:user/${aws:username}\"}]}", line: 0 },
        ],
    },
    Check {
        id: "iam-trust-policy-update",
        family: Family::Iam,
        severity: Severity::High,
        title: "Trust policies can be rewritten on every role",
        rationale: "iam:UpdateAssumeRolePolicy on `*` lets the holder make any role assumable by itself.",
        remediation: "Remove the action or scope it to the roles an automation manages.",
        references: &["https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAssumeRolePolicy.html"],
        examples: &[
            Example { path: "policy.json", text: "{\"Statement\": [{\n  \"Effect\": \"Allow\",\n  \"Action\": \"iam:UpdateAssumeRolePolicy\",\n  \"Resource\": \"*\"\n}]}\n", line: 3 },
        ],
        negatives: &[
            Example { path: "policy.json", text: "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"iam:GetRole\", \"Resource\": \"*\"}]}", line: 0 },
        ],
    },
    Check {
        id: "iam-secrets-read-wildcard",
        family: Family::Iam,
        severity: Severity::Medium,
        title: "Every secret, parameter or KMS key can be read",
        rationale: "secretsmanager:GetSecretValue, ssm:GetParameter* or kms:Decrypt on `*` reads every secret of the account, not only the workload's own.",
        remediation: "Scope Resource to the ARNs of the workload's secrets, parameters or keys.",
        references: &["https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html"],
        examples: &[
            Example { path: "policy.json", text: "{\"Statement\": [{\n  \"Effect\": \"Allow\",\n  \"Action\": [\"secretsmanager:GetSecretValue\"],\n  \"Resource\": \"*\"\n}]}\n", line: 3 },
        ],
        negatives: &[
            Example { path: "policy.json", text: "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"secretsmanager:GetSecretValue\", \"Resource\": \"arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/db-AbCdEf\"}]}", line: 0 },
        ],
    },
    Check {
        id: "iam-public-principal",
        family: Family::Iam,
        severity: Severity::Critical,
        title: "Resource policy allows any principal",
        rationale: "`Principal: \"*\"` without a Condition opens the queue, topic, key or repository to every AWS account and, for some services, to anonymous callers.",
        remediation: "Name the accounts or roles that need access, or add a Condition (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID).",
        references: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"],
        examples: &[
            Example { path: "queue.tf", text: "resource \"aws_sqs_queue_policy\" \"q\" {\n  queue_url = aws_sqs_queue.q.id\n  policy = jsonencode({\n    Statement = [{\n      Effect    = \"Allow\"\n      Principal = \"*\"\n      Action    = \"sqs:SendMessage\"\n      Resource  = aws_sqs_queue.q.arn\n    }]\n  })\n}\n", line: 6 },
            Example { path: "template.json", text: "{\"Resources\": {\"P\": {\"Type\": \"AWS::SNS::TopicPolicy\", \"Properties\": {\"PolicyDocument\": {\"Statement\": [{\"Effect\": \"Allow\",\n\"Principal\": {\"AWS\": \"*\"}, \"Action\": \"sns:Publish\", \"Resource\": \"*\"}]}}}}}", line: 2 },
        ],
        negatives: &[
            Example { path: "queue.tf", text: "resource \"aws_sqs_queue_policy\" \"q\" {\n  policy = jsonencode({\n    Statement = [{\n      Effect    = \"Allow\"\n      Principal = { Service = \"sns.amazonaws.com\" }\n      Action    = \"sqs:SendMessage\"\n      Resource  = \"*\"\n    }]\n  })\n}\n", line: 0 },
            Example { path: "queue.tf", text: "resource \"aws_sqs_queue_policy\" \"q\" {\n  policy = jsonencode({\n    Statement = [{\n      Effect = \"Allow\"\n      Principal = \"*\"\n      Action = \"sqs:SendMessage\"\n      Condition = { ArnEquals = { \"aws:SourceArn\" = aws_sns_topic.t.arn } }\n    }]\n  })\n}\n", line: 0 },
        ],
    },
    Check {
        id: "iam-trust-any-principal",
        family: Family::Iam,
        severity: Severity::Critical,
        title: "Role can be assumed by any principal",
        rationale: "A trust policy with `Principal: \"*\"` (or `{\"AWS\": \"*\"}`) and no Condition lets any AWS account in the world assume the role.",
        remediation: "Name the trusted accounts, roles or services; for cross-account or OIDC trust add sts:ExternalId or token-audience Conditions.",
        references: &["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html"],
        examples: &[
            Example { path: "role.tf", text: "resource \"aws_iam_role\" \"r\" {\n  name = \"r\"\n  assume_role_policy = <<EOF\n{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\n    \"Effect\": \"Allow\",\n    \"Principal\": {\"AWS\": \"*\"},\n    \"Action\": \"sts:AssumeRole\"\n  }]\n}\nEOF\n}\n", line: 8 },
            Example { path: "trust.tf", text: "data \"aws_iam_policy_document\" \"trust\" {\n  statement {\n    actions = [\"sts:AssumeRole\"]\n    principals {\n      type        = \"AWS\"\n      identifiers = [\"*\"]\n    }\n  }\n}\n", line: 6 },
        ],
        negatives: &[
            Example { path: "role.tf", text: "resource \"aws_iam_role\" \"r\" {\n  assume_role_policy = jsonencode({\n    Statement = [{\n      Effect = \"Allow\"\n      Principal = { Service = \"lambda.amazonaws.com\" }\n      Action = \"sts:AssumeRole\"\n    }]\n  })\n}\n", line: 0 },
            Example { path: "trust.tf", text: "data \"aws_iam_policy_document\" \"trust\" {\n  statement {\n    actions = [\"sts:AssumeRole\"]\n    principals {\n      type        = \"AWS\"\n      identifiers = [\"*\"]\n    }\n    condition {\n      test     = \"StringEquals\"\n      variable = \"aws:PrincipalOrgID\"\n      values   = [\"o-a1b2c3d4e5\"]\n    }\n  }\n}\n", line: 0 },
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_matching() {
        assert!(action_matches("iam:Attach*Policy", "iam:AttachRolePolicy"));
        assert!(action_matches("IAM:passrole", "iam:PassRole"));
        assert!(action_matches("iam:Pass?ole", "iam:PassRole"));
        assert!(!action_matches("iam:Get*", "iam:PassRole"));
        assert!(service_wildcard("s3:*"));
        assert!(!service_wildcard("s3:Get*"));
        assert!(!service_wildcard("*:*"));
    }
}
