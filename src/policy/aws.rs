//! Where IAM documents live in each input format, and which [`Context`]
//! each has: standalone policy JSON, CloudFormation/SAM resources, and
//! Terraform resources and `aws_iam_policy_document` data sources.

use super::check::Hit;
use super::doc::Node;
use super::iam::{check_statements, document_statements, json_statements, Context};
use super::terraform::TfBlock;

/// A standalone policy document (`{"Version": ..., "Statement": ...}`).
pub fn check_policy_file(doc: &Node, hits: &mut Vec<Hit>) {
    // A standalone document with principals is a resource or trust policy.
    let statements = json_statements(doc);
    let context = if statements.iter().any(|s| s.has_principal) {
        Context::Document
    } else {
        Context::Identity
    };
    check_statements(&statements, context, "policy", hits);
}

/// Checks a JSON-grammar document if `node` is one (it may be a reference).
fn check_doc(node: Option<&Node>, context: Context, owner: &str, hits: &mut Vec<Hit>) {
    if let Some(doc) = node.filter(|n| n.is_map()) {
        check_statements(&json_statements(doc), context, owner, hits);
    }
}

/// The IAM documents of one CloudFormation/SAM resource.
pub fn check_cfn_resource(name: &str, ty: &str, props: &Node, hits: &mut Vec<Hit>) {
    let owner = format!("Resources/{name}");
    let inline_policies = |hits: &mut Vec<Hit>| {
        if let Some(list) = props.get("Policies") {
            for (i, p) in list.items().into_iter().enumerate() {
                let owner = format!("{owner}/Policies[{i}]");
                check_doc(p.get("PolicyDocument"), Context::Identity, &owner, hits);
            }
        }
    };
    match ty {
        "AWS::IAM::Policy"
        | "AWS::IAM::ManagedPolicy"
        | "AWS::IAM::RolePolicy"
        | "AWS::IAM::UserPolicy"
        | "AWS::IAM::GroupPolicy" => {
            check_doc(props.get("PolicyDocument"), Context::Identity, &owner, hits);
        }
        "AWS::IAM::Role" => {
            check_doc(
                props.get("AssumeRolePolicyDocument"),
                Context::Trust,
                &owner,
                hits,
            );
            inline_policies(hits);
        }
        "AWS::IAM::User" | "AWS::IAM::Group" => inline_policies(hits),
        "AWS::Serverless::Function" | "AWS::Serverless::StateMachine" => {
            // SAM `Policies`: a document, or a list mixing managed-policy
            // names, policy templates and documents.
            if let Some(p) = props.get("Policies") {
                if p.get("Statement").is_some() {
                    check_doc(Some(p), Context::Identity, &owner, hits);
                } else {
                    for (i, item) in p.items().into_iter().enumerate() {
                        if item.get("Statement").is_some() {
                            let owner = format!("{owner}/Policies[{i}]");
                            check_doc(Some(item), Context::Identity, &owner, hits);
                        }
                    }
                }
            }
        }
        "AWS::S3::BucketPolicy" => {
            check_doc(props.get("PolicyDocument"), Context::Bucket, &owner, hits)
        }
        "AWS::SQS::QueuePolicy" | "AWS::SNS::TopicPolicy" => {
            check_doc(props.get("PolicyDocument"), Context::Resource, &owner, hits)
        }
        "AWS::KMS::Key" => check_doc(props.get("KeyPolicy"), Context::Resource, &owner, hits),
        "AWS::ECR::Repository" => check_doc(
            props.get("RepositoryPolicyText"),
            Context::Resource,
            &owner,
            hits,
        ),
        "AWS::SecretsManager::ResourcePolicy" => {
            check_doc(props.get("ResourcePolicy"), Context::Resource, &owner, hits)
        }
        _ => {}
    }
}

/// The IAM documents of one Terraform block.
pub fn check_tf_block(block: &TfBlock, hits: &mut Vec<Hit>) {
    let owner = block.address();
    let body = &block.body;
    match (block.kind.as_str(), block.type_name.as_str()) {
        ("data", "aws_iam_policy_document") => {
            check_statements(&document_statements(body), Context::Document, &owner, hits);
        }
        (
            "resource",
            "aws_iam_policy"
            | "aws_iam_role_policy"
            | "aws_iam_user_policy"
            | "aws_iam_group_policy",
        ) => check_doc(body.get("policy"), Context::Identity, &owner, hits),
        ("resource", "aws_iam_role") => {
            check_doc(body.get("assume_role_policy"), Context::Trust, &owner, hits);
            if let Some(inline) = body.get("inline_policy") {
                for (i, p) in inline.items().into_iter().enumerate() {
                    let owner = format!("{owner}/inline_policy[{i}]");
                    check_doc(p.get("policy"), Context::Identity, &owner, hits);
                }
            }
        }
        ("resource", "aws_s3_bucket_policy" | "aws_s3_bucket") => {
            check_doc(body.get("policy"), Context::Bucket, &owner, hits)
        }
        ("resource", t)
            if t.starts_with("aws_")
                && (t.ends_with("_policy")
                    || matches!(t, "aws_kms_key" | "aws_sqs_queue" | "aws_sns_topic")) =>
        {
            check_doc(body.get("policy"), Context::Resource, &owner, hits)
        }
        _ => {}
    }
}
