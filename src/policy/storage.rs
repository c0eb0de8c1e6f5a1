//! Public storage: S3 canned ACLs and public-access blocks, bucket policies
//! open to `*` (judged in [`super::iam`]), GCS bindings and ACLs for
//! `allUsers`/`allAuthenticatedUsers`, Azure storage accounts and containers
//! open to anonymous reads. Terraform and CloudFormation.

use super::check::{Check, Example, Family, Hit};
use super::doc::Node;
use super::terraform::TfBlock;
use crate::finding::Severity;

/// The check for a canned S3 ACL (Terraform or CloudFormation spelling).
fn acl_check(acl: &str) -> Option<&'static str> {
    match acl {
        "public-read" | "PublicRead" => Some("s3-acl-public-read"),
        "public-read-write" | "PublicReadWrite" => Some("s3-acl-public-read-write"),
        "authenticated-read" | "AuthenticatedRead" => Some("s3-acl-authenticated-read"),
        _ => None,
    }
}

const PAB_FLAGS: [&str; 4] = [
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
];
const CFN_PAB_FLAGS: [&str; 4] = [
    "BlockPublicAcls",
    "BlockPublicPolicy",
    "IgnorePublicAcls",
    "RestrictPublicBuckets",
];

fn is_public_member(m: &str) -> bool {
    m == "allUsers" || m == "allAuthenticatedUsers"
}

/// Storage checks on one Terraform block.
pub fn check_tf_block(block: &TfBlock, hits: &mut Vec<Hit>) {
    if block.kind != "resource" {
        return;
    }
    let owner = block.address();
    let body = &block.body;
    let attr = |name: &str| body.get(name);
    match block.type_name.as_str() {
        "aws_s3_bucket_acl" | "aws_s3_bucket" | "aws_s3_object" | "aws_s3_bucket_object" => {
            if let Some(n) = attr("acl") {
                if let Some(id) = n.as_str().and_then(acl_check) {
                    hits.push(Hit::new(
                        id,
                        n.line,
                        format!("{owner}/acl"),
                        format!("{owner} sets the canned ACL {:?}", n.as_str().unwrap_or("")),
                    ));
                }
            }
        }
        "aws_s3_bucket_public_access_block" | "aws_s3_account_public_access_block" => {
            for flag in PAB_FLAGS {
                if let Some(n) = attr(flag).filter(|n| n.is_false()) {
                    hits.push(Hit::new(
                        "s3-public-access-block-disabled",
                        n.line,
                        format!("{owner}/{flag}"),
                        format!("{owner} sets {flag} = false"),
                    ));
                }
            }
        }
        "google_storage_bucket_iam_member" | "google_storage_bucket_iam_binding" => {
            let members = attr("member").into_iter().chain(attr("members"));
            for list in members {
                for (m, n) in list.strings() {
                    if is_public_member(m) {
                        hits.push(Hit::new(
                            "gcs-public-binding",
                            n.line,
                            format!("{owner}/{m}"),
                            format!("{owner} grants {} to {m}", role(body)),
                        ));
                    }
                }
            }
        }
        "google_storage_bucket_acl"
        | "google_storage_object_acl"
        | "google_storage_default_object_acl" => {
            if let Some(n) = attr("predefined_acl") {
                if matches!(n.as_str(), Some("publicRead" | "publicReadWrite")) {
                    hits.push(Hit::new(
                        "gcs-public-acl",
                        n.line,
                        format!("{owner}/predefined_acl"),
                        format!("{owner} sets predefined_acl {:?}", n.as_str().unwrap_or("")),
                    ));
                }
            }
            if let Some(list) = attr("role_entity") {
                for (e, n) in list.strings() {
                    if e.split(':').nth(1).is_some_and(is_public_member) {
                        hits.push(Hit::new(
                            "gcs-public-acl",
                            n.line,
                            format!("{owner}/{e}"),
                            format!("{owner} grants the ACL entry {e:?}"),
                        ));
                    }
                }
            }
        }
        "azurerm_storage_account" => {
            for flag in [
                "allow_nested_items_to_be_public",
                "allow_blob_public_access",
            ] {
                if let Some(n) = attr(flag).filter(|n| n.is_true()) {
                    hits.push(Hit::new(
                        "azure-storage-public-nested-items",
                        n.line,
                        format!("{owner}/{flag}"),
                        format!("{owner} sets {flag} = true"),
                    ));
                }
            }
        }
        "azurerm_storage_container" => {
            if let Some(n) = attr("container_access_type") {
                if matches!(n.as_str(), Some("blob" | "container")) {
                    hits.push(Hit::new(
                        "azure-container-public-access",
                        n.line,
                        format!("{owner}/container_access_type"),
                        format!(
                            "{owner} sets container_access_type = {:?}",
                            n.as_str().unwrap_or("")
                        ),
                    ));
                }
            }
        }
        _ => {}
    }
}

fn role(body: &Node) -> &str {
    body.get("role").and_then(Node::as_str).unwrap_or("a role")
}

/// Storage checks on one CloudFormation resource.
pub fn check_cfn_resource(name: &str, ty: &str, props: &Node, hits: &mut Vec<Hit>) {
    if ty != "AWS::S3::Bucket" {
        return;
    }
    let owner = format!("Resources/{name}");
    if let Some(n) = props.get("AccessControl") {
        if let Some(id) = n.as_str().and_then(acl_check) {
            hits.push(Hit::new(
                id,
                n.line,
                format!("{owner}/AccessControl"),
                format!("{owner} sets AccessControl {}", n.as_str().unwrap_or("")),
            ));
        }
    }
    if let Some(pab) = props.get("PublicAccessBlockConfiguration") {
        for flag in CFN_PAB_FLAGS {
            if let Some(n) = pab.get(flag).filter(|n| n.is_false()) {
                hits.push(Hit::new(
                    "s3-public-access-block-disabled",
                    n.line,
                    format!("{owner}/{flag}"),
                    format!("{owner} sets {flag}: false"),
                ));
            }
        }
    }
}

const S3_ACL_REF: &str =
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl";
const S3_PAB_REF: &str =
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html";

/// The storage checks.
pub const CHECKS: &[Check] = &[
    Check {
        id: "s3-acl-public-read",
        family: Family::Storage,
        severity: Severity::High,
        title: "S3 bucket or object readable by anyone",
        rationale: "The `public-read` canned ACL grants READ to the AllUsers group: anyone on the internet can list or download the contents.",
        remediation: "Use the `private` ACL (or none, with Object Ownership `BucketOwnerEnforced`) and serve public content through CloudFront with origin access control.",
        references: &[S3_ACL_REF],
        examples: &[
            Example { path: "s3.tf", text: "resource \"aws_s3_bucket_acl\" \"site\" {\n  bucket = aws_s3_bucket.site.id\n  acl    = \"public-read\"\n}\n", line: 3 },
            Example { path: "template.yaml", text: "Resources:\n  Site:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n", line: 5 },
        ],
        negatives: &[
            Example { path: "s3.tf", text: "resource \"aws_s3_bucket_acl\" \"logs\" {\n  bucket = aws_s3_bucket.logs.id\n  acl    = \"log-delivery-write\"\n}\n", line: 0 },
            Example { path: "s3.tf", text: "resource \"aws_s3_bucket_acl\" \"b\" {\n  acl = var.acl\n}\n", line: 0 },
        ],
    },
    Check {
        id: "s3-acl-public-read-write",
        family: Family::Storage,
        severity: Severity::Critical,
        title: "S3 bucket writable by anyone",
        rationale: "The `public-read-write` canned ACL lets anyone on the internet upload, overwrite and list objects: the bucket becomes free hosting for malware and its contents cannot be trusted.",
        remediation: "Use the `private` ACL; grant uploads through presigned URLs or a role.",
        references: &[S3_ACL_REF],
        examples: &[
            Example { path: "s3.tf", text: "resource \"aws_s3_bucket\" \"upload\" {\n  bucket = \"uploads\"\n  acl    = \"public-read-write\"\n}\n", line: 3 },
        ],
        negatives: &[
            Example { path: "s3.tf", text: "resource \"aws_s3_bucket\" \"upload\" {\n  bucket = \"uploads\"\n  acl    = \"private\"\n}\n", line: 0 },
        ],
    },
    Check {
        id: "s3-acl-authenticated-read",
        family: Family::Storage,
        severity: Severity::Medium,
        title: "S3 bucket readable by any AWS account",
        rationale: "`authenticated-read` grants READ to every authenticated AWS principal of every account, which is public in practice.",
        remediation: "Use the `private` ACL and grant the accounts that need access in a bucket policy.",
        references: &[S3_ACL_REF],
        examples: &[
            Example { path: "template.json", text: "{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\n  \"AccessControl\": \"AuthenticatedRead\"}}}}", line: 2 },
        ],
        negatives: &[
            Example { path: "template.json", text: "{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\"AccessControl\": \"Private\"}}}}", line: 0 },
        ],
    },
    Check {
        id: "s3-public-access-block-disabled",
        family: Family::Storage,
        severity: Severity::High,
        title: "S3 Block Public Access turned off",
        rationale: "Each of the four Block Public Access settings is a guard against one way of making data public (ACLs, policies); setting one to false removes that guard for the bucket or account.",
        remediation: "Set block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets to true; serve public content through CloudFront.",
        references: &[S3_PAB_REF],
        examples: &[
            Example { path: "s3.tf", text: "resource \"aws_s3_bucket_public_access_block\" \"b\" {\n  bucket                  = aws_s3_bucket.b.id\n  block_public_acls       = true\n  block_public_policy     = false\n  ignore_public_acls      = true\n  restrict_public_buckets = true\n}\n", line: 4 },
            Example { path: "template.yaml", text: "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      PublicAccessBlockConfiguration:\n        BlockPublicAcls: true\n        RestrictPublicBuckets: false\n", line: 7 },
        ],
        negatives: &[
            Example { path: "s3.tf", text: "resource \"aws_s3_bucket_public_access_block\" \"b\" {\n  bucket                  = aws_s3_bucket.b.id\n  block_public_acls       = true\n  block_public_policy     = true\n  ignore_public_acls      = true\n  restrict_public_buckets = var.restrict\n}\n", line: 0 },
        ],
    },
    Check {
        id: "s3-bucket-policy-public",
        family: Family::Storage,
        severity: Severity::Critical,
        title: "S3 bucket policy allows any principal",
        rationale: "A bucket policy statement with `Principal: \"*\"` and no Condition grants its actions to anyone on the internet, without credentials.",
        remediation: "Name the principals that need access, or restrict with aws:SourceArn / aws:SourceVpce / aws:PrincipalOrgID Conditions; for websites use CloudFront origin access control.",
        references: &["https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-bucket-policies.html"],
        examples: &[
            Example { path: "s3.tf", text: "resource \"aws_s3_bucket_policy\" \"p\" {\n  bucket = aws_s3_bucket.b.id\n  policy = jsonencode({\n    Statement = [{\n      Effect    = \"Allow\"\n      Principal = \"*\"\n      Action    = \"s3:GetObject\"\n      Resource  = \"${aws_s3_bucket.b.arn}/*\"\n    }]\n  })\n}\n", line: 6 },
            Example { path: "template.yaml", text: "Resources:\n  P:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref B\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal:\n              AWS: '*'\n            Action: s3:GetObject\n            Resource: !Sub 'arn:aws:s3:::${B}/*'\n", line: 10 },
        ],
        negatives: &[
            Example { path: "s3.tf", text: "resource \"aws_s3_bucket_policy\" \"p\" {\n  policy = jsonencode({\n    Statement = [{\n      Effect    = \"Deny\"\n      Principal = \"*\"\n      Action    = \"s3:*\"\n      Resource  = \"*\"\n      Condition = { Bool = { \"aws:SecureTransport\" = \"false\" } }\n    }]\n  })\n}\n", line: 0 },
            Example { path: "s3.tf", text: "resource \"aws_s3_bucket_policy\" \"p\" {\n  policy = jsonencode({\n    Statement = [{\n      Effect    = \"Allow\"\n      Principal = { Service = \"cloudfront.amazonaws.com\" }\n      Action    = \"s3:GetObject\"\n      Resource  = \"*\"\n    }]\n  })\n}\n", line: 0 },
        ],
    },
    Check {
        id: "gcs-public-binding",
        family: Family::Storage,
        severity: Severity::Critical,
        title: "GCS bucket IAM binding for allUsers or allAuthenticatedUsers",
        rationale: "Binding a role to `allUsers` (anyone) or `allAuthenticatedUsers` (any Google account) makes the bucket public.",
        remediation: "Bind the role to the service accounts or groups that need it; enable public access prevention on the bucket.",
        references: &["https://cloud.google.com/storage/docs/access-control/making-data-public", "https://cloud.google.com/storage/docs/public-access-prevention"],
        examples: &[
            Example { path: "gcs.tf", text: "resource \"google_storage_bucket_iam_member\" \"public\" {\n  bucket = google_storage_bucket.b.name\n  role   = \"roles/storage.objectViewer\"\n  member = \"allUsers\"\n}\n", line: 4 },
            Example { path: "gcs.tf", text: "resource \"google_storage_bucket_iam_binding\" \"b\" {\n  bucket  = google_storage_bucket.b.name\n  role    = \"roles/storage.objectViewer\"\n  members = [\n    \"group:data@example.com\",\n    \"allAuthenticatedUsers\",\n  ]\n}\n", line: 6 },
        ],
        negatives: &[
            Example { path: "gcs.tf", text: "resource \"google_storage_bucket_iam_member\" \"m\" {\n  bucket = google_storage_bucket.b.name\n  role   = \"roles/storage.objectViewer\"\n  member = \"serviceAccount:app@example-project.iam.gserviceaccount.com\"\n}\n", line: 0 },
        ],
    },
    Check {
        id: "gcs-public-acl",
        family: Family::Storage,
        severity: Severity::Critical,
        title: "GCS ACL grants allUsers or allAuthenticatedUsers",
        rationale: "A `publicRead`/`publicReadWrite` predefined ACL or a `READER:allUsers` entry makes the bucket or objects public.",
        remediation: "Remove the public entries, use uniform bucket-level access and enforce public access prevention.",
        references: &["https://cloud.google.com/storage/docs/access-control/lists"],
        examples: &[
            Example { path: "gcs.tf", text: "resource \"google_storage_bucket_acl\" \"a\" {\n  bucket = google_storage_bucket.b.name\n  role_entity = [\n    \"OWNER:user-ops@example.com\",\n    \"READER:allUsers\",\n  ]\n}\n", line: 5 },
            Example { path: "gcs.tf", text: "resource \"google_storage_object_acl\" \"a\" {\n  bucket = google_storage_bucket.b.name\n  object = \"index.html\"\n  predefined_acl = \"publicRead\"\n}\n", line: 4 },
        ],
        negatives: &[
            Example { path: "gcs.tf", text: "resource \"google_storage_bucket_acl\" \"a\" {\n  bucket         = google_storage_bucket.b.name\n  predefined_acl = \"projectPrivate\"\n}\n", line: 0 },
        ],
    },
    Check {
        id: "azure-storage-public-nested-items",
        family: Family::Storage,
        severity: Severity::High,
        title: "Azure storage account allows public blob access",
        rationale: "`allow_nested_items_to_be_public = true` (formerly `allow_blob_public_access`) lets any container of the account be made anonymously readable with one setting.",
        remediation: "Set allow_nested_items_to_be_public = false and grant access with Entra ID roles or short-lived SAS tokens.",
        references: &["https://learn.microsoft.com/azure/storage/blobs/anonymous-read-access-prevent"],
        examples: &[
            Example { path: "azure.tf", text: "resource \"azurerm_storage_account\" \"sa\" {\n  name                            = \"examplesa\"\n  account_tier                    = \"Standard\"\n  allow_nested_items_to_be_public = true\n}\n", line: 4 },
        ],
        negatives: &[
            Example { path: "azure.tf", text: "resource \"azurerm_storage_account\" \"sa\" {\n  name                            = \"examplesa\"\n  allow_nested_items_to_be_public = false\n}\n", line: 0 },
        ],
    },
    Check {
        id: "azure-container-public-access",
        family: Family::Storage,
        severity: Severity::High,
        title: "Azure storage container readable anonymously",
        rationale: "`container_access_type` `blob` lets anyone read blobs by URL; `container` also lets anyone list them.",
        remediation: "Use container_access_type = \"private\" and hand out SAS tokens or Entra ID roles.",
        references: &["https://learn.microsoft.com/azure/storage/blobs/anonymous-read-access-configure"],
        examples: &[
            Example { path: "azure.tf", text: "resource \"azurerm_storage_container\" \"c\" {\n  name                  = \"assets\"\n  container_access_type = \"container\"\n}\n", line: 3 },
        ],
        negatives: &[
            Example { path: "azure.tf", text: "resource \"azurerm_storage_container\" \"c\" {\n  name                  = \"assets\"\n  container_access_type = \"private\"\n}\n", line: 0 },
        ],
    },
];
