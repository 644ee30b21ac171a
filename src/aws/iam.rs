//! IAM roles for Glue: the role with its path, trust policy, permissions boundary and tags,
//! its inline policies, and managed-policy attachments.
//!
//! A refresh reads a role with four concurrent calls: GetRole (path, trust policy,
//! permissions boundary and tags), GetRolePolicy for the pipeline's inline policy,
//! ListRolePolicies (every inline policy's name, so one the configuration does not want
//! shows as drift without reading its document) and ListAttachedRolePolicies; both lists
//! are followed page by page. IAM returns policy documents percent-encoded;
//! `model::policy::parse` decodes them.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_iam::types::Tag;
use serde_json::Value;

use crate::aws::retry::{call, Op};
use crate::aws::{AwsContext, AwsError, ErrorKind};
use crate::model::pipeline::ObservedRole;
use crate::model::policy;
use crate::model::tags::{TagDelta, Tags};

fn build_error(operation: &'static str, role: &str, e: impl std::fmt::Display) -> AwsError {
    AwsError {
        service: "iam",
        operation,
        target: role.to_string(),
        kind: ErrorKind::Validation,
        code: None,
        message: format!("building the request: {e}"),
        status: None,
    }
}

fn sdk_tags(role: &str, tags: &Tags) -> Result<Vec<Tag>, AwsError> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| build_error("TagRole", role, e))
}

fn unparseable(operation: &'static str, role: &str) -> AwsError {
    AwsError {
        service: "iam",
        operation,
        target: role.to_string(),
        kind: ErrorKind::Fatal,
        code: None,
        message: "the policy document IAM returned is not JSON".into(),
        status: None,
    }
}

/// The role with its inline policy `policy_name`, the documents of the inline policies
/// `others` (those that exist), and its attachments, or `None` when the role does not
/// exist.
pub async fn read(
    ctx: &AwsContext,
    role: &str,
    policy_name: &str,
    others: &[String],
) -> Result<Option<ObservedRole>, AwsError> {
    let (got, inline, names, attached, other_policies) = futures::join!(
        call(&ctx.retry, Op::new("iam", "GetRole", role), || {
            ctx.iam.get_role().role_name(role).send()
        }),
        call(&ctx.retry, Op::new("iam", "GetRolePolicy", role), || {
            ctx.iam
                .get_role_policy()
                .role_name(role)
                .policy_name(policy_name)
                .send()
        }),
        inline_policy_names(ctx, role),
        attached_policies(ctx, role),
        policy_documents(ctx, role, others),
    );
    let got = match got {
        Ok(g) => g,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    let Some(r) = got.role else { return Ok(None) };
    let trust_policy = r
        .assume_role_policy_document()
        .map(|d| policy::parse(d).ok_or_else(|| unparseable("GetRole", role)))
        .transpose()?
        .unwrap_or(Value::Null);
    let inline_policy = match inline {
        Ok(o) => Some(
            policy::parse(o.policy_document()).ok_or_else(|| unparseable("GetRolePolicy", role))?,
        ),
        Err(e) if e.is_not_found() => None,
        Err(e) => return Err(e),
    };
    let (inline_policy_names, attached) = match (names, attached) {
        (Ok(n), Ok(a)) => (n, a),
        (Err(e), _) | (_, Err(e)) if e.is_not_found() => return Ok(None),
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    Ok(Some(ObservedRole {
        arn: r.arn().to_string(),
        path: r.path().to_string(),
        trust_policy,
        permissions_boundary: r
            .permissions_boundary()
            .and_then(|b| b.permissions_boundary_arn())
            .map(str::to_string),
        tags: r
            .tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect(),
        inline_policy,
        inline_policy_names,
        other_policies: other_policies?,
        attached,
    }))
}

/// The documents of the inline policies `names` on `role` (GetRolePolicy each); one that
/// does not exist is left out.
pub async fn policy_documents(
    ctx: &AwsContext,
    role: &str,
    names: &[String],
) -> Result<BTreeMap<String, Value>, AwsError> {
    let reads = futures::future::join_all(names.iter().map(|name| async move {
        let got = call(&ctx.retry, Op::new("iam", "GetRolePolicy", role), || {
            ctx.iam
                .get_role_policy()
                .role_name(role)
                .policy_name(name)
                .send()
        })
        .await;
        match got {
            Ok(o) => policy::parse(o.policy_document())
                .ok_or_else(|| unparseable("GetRolePolicy", role))
                .map(|doc| Some((name.clone(), doc))),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }))
    .await;
    reads.into_iter().filter_map(Result::transpose).collect()
}

/// Every inline policy's name, page by page (IAM may answer with fewer names than exist
/// and `IsTruncated`, even below `MaxItems`).
async fn inline_policy_names(ctx: &AwsContext, role: &str) -> Result<BTreeSet<String>, AwsError> {
    let mut out = BTreeSet::new();
    let mut marker: Option<String> = None;
    loop {
        let page = call(&ctx.retry, Op::new("iam", "ListRolePolicies", role), || {
            ctx.iam
                .list_role_policies()
                .role_name(role)
                .set_marker(marker.clone())
                .send()
        })
        .await?;
        out.extend(page.policy_names().iter().cloned());
        match page.marker() {
            Some(m) if page.is_truncated() => marker = Some(m.to_string()),
            _ => return Ok(out),
        }
    }
}

async fn attached_policies(ctx: &AwsContext, role: &str) -> Result<BTreeSet<String>, AwsError> {
    let mut out = BTreeSet::new();
    let mut marker: Option<String> = None;
    loop {
        let page = call(
            &ctx.retry,
            Op::new("iam", "ListAttachedRolePolicies", role),
            || {
                ctx.iam
                    .list_attached_role_policies()
                    .role_name(role)
                    .set_marker(marker.clone())
                    .send()
            },
        )
        .await?;
        out.extend(
            page.attached_policies()
                .iter()
                .filter_map(|p| p.policy_arn().map(str::to_string)),
        );
        match page.marker() {
            Some(m) if page.is_truncated() => marker = Some(m.to_string()),
            _ => return Ok(out),
        }
    }
}

/// What a role is created with.
pub struct NewRole<'a> {
    pub name: &'a str,
    pub path: &'a str,
    pub trust_policy: &'a Value,
    /// Set in the same call, so the role never exists without it.
    pub permissions_boundary: Option<&'a str>,
    pub tags: &'a Tags,
}

/// Creates the role with its path, trust policy, permissions boundary and tags.
pub async fn create(ctx: &AwsContext, new: &NewRole<'_>) -> Result<(), AwsError> {
    let role = new.name;
    let tags = sdk_tags(role, new.tags)?;
    let doc = new.trust_policy.to_string();
    call(&ctx.retry, Op::new("iam", "CreateRole", role), || {
        ctx.iam
            .create_role()
            .role_name(role)
            .path(new.path)
            .assume_role_policy_document(&doc)
            .set_permissions_boundary(new.permissions_boundary.map(str::to_string))
            .description(
                "Glue service role managed by terraform-provider-flywheel (flywheel_pipeline)",
            )
            .set_tags(Some(tags.clone()))
            .send()
    })
    .await
    .map(|_| ())
}

/// Replaces the trust policy.
pub async fn put_trust_policy(ctx: &AwsContext, role: &str, doc: &Value) -> Result<(), AwsError> {
    let doc = doc.to_string();
    call(
        &ctx.retry,
        Op::new("iam", "UpdateAssumeRolePolicy", role),
        || {
            ctx.iam
                .update_assume_role_policy()
                .role_name(role)
                .policy_document(&doc)
                .send()
        },
    )
    .await
    .map(|_| ())
}

/// Sets (or replaces) the role's permissions boundary.
pub async fn put_permissions_boundary(
    ctx: &AwsContext,
    role: &str,
    policy_arn: &str,
) -> Result<(), AwsError> {
    call(
        &ctx.retry,
        Op::new("iam", "PutRolePermissionsBoundary", role),
        || {
            ctx.iam
                .put_role_permissions_boundary()
                .role_name(role)
                .permissions_boundary(policy_arn)
                .send()
        },
    )
    .await
    .map(|_| ())
}

/// Removes the role's permissions boundary.
pub async fn delete_permissions_boundary(ctx: &AwsContext, role: &str) -> Result<(), AwsError> {
    call(
        &ctx.retry,
        Op::new("iam", "DeleteRolePermissionsBoundary", role),
        || {
            ctx.iam
                .delete_role_permissions_boundary()
                .role_name(role)
                .send()
        },
    )
    .await
    .map(|_| ())
}

/// Applies a tag change (see `model::tags::delta`): UntagRole, then TagRole; no call for
/// an empty change.
pub async fn change_tags(ctx: &AwsContext, role: &str, delta: &TagDelta) -> Result<(), AwsError> {
    if !delta.remove.is_empty() {
        call(&ctx.retry, Op::new("iam", "UntagRole", role), || {
            ctx.iam
                .untag_role()
                .role_name(role)
                .set_tag_keys(Some(delta.remove.clone()))
                .send()
        })
        .await?;
    }
    if !delta.add.is_empty() {
        let tags = sdk_tags(role, &delta.add)?;
        call(&ctx.retry, Op::new("iam", "TagRole", role), || {
            ctx.iam
                .tag_role()
                .role_name(role)
                .set_tags(Some(tags.clone()))
                .send()
        })
        .await?;
    }
    Ok(())
}

pub async fn put_inline_policy(
    ctx: &AwsContext,
    role: &str,
    name: &str,
    doc: &Value,
) -> Result<(), AwsError> {
    let doc = doc.to_string();
    call(&ctx.retry, Op::new("iam", "PutRolePolicy", role), || {
        ctx.iam
            .put_role_policy()
            .role_name(role)
            .policy_name(name)
            .policy_document(&doc)
            .send()
    })
    .await
    .map(|_| ())
}

pub async fn attach(ctx: &AwsContext, role: &str, policy_arn: &str) -> Result<(), AwsError> {
    call(&ctx.retry, Op::new("iam", "AttachRolePolicy", role), || {
        ctx.iam
            .attach_role_policy()
            .role_name(role)
            .policy_arn(policy_arn)
            .send()
    })
    .await
    .map(|_| ())
}

/// Detaches; a role or attachment already gone is fine.
pub async fn detach(ctx: &AwsContext, role: &str, policy_arn: &str) -> Result<(), AwsError> {
    match call(&ctx.retry, Op::new("iam", "DetachRolePolicy", role), || {
        ctx.iam
            .detach_role_policy()
            .role_name(role)
            .policy_arn(policy_arn)
            .send()
    })
    .await
    {
        Err(e) if !e.is_not_found() => Err(e),
        _ => Ok(()),
    }
}

/// Deletes an inline policy; one already gone is fine.
pub async fn delete_inline_policy(
    ctx: &AwsContext,
    role: &str,
    name: &str,
) -> Result<(), AwsError> {
    match call(&ctx.retry, Op::new("iam", "DeleteRolePolicy", role), || {
        ctx.iam
            .delete_role_policy()
            .role_name(role)
            .policy_name(name)
            .send()
    })
    .await
    {
        Err(e) if !e.is_not_found() => Err(e),
        _ => Ok(()),
    }
}

/// Deletes the role after removing every inline policy and attachment it still has (IAM
/// refuses to delete a role that has any). A role already gone is fine.
pub async fn delete(ctx: &AwsContext, role: &str) -> Result<(), AwsError> {
    let inline = match inline_policy_names(ctx, role).await {
        Ok(names) => names,
        Err(e) if e.is_not_found() => return Ok(()),
        Err(e) => return Err(e),
    };
    for name in inline {
        delete_inline_policy(ctx, role, &name).await?;
    }
    let attached = match attached_policies(ctx, role).await {
        Ok(a) => a,
        Err(e) if e.is_not_found() => return Ok(()),
        Err(e) => return Err(e),
    };
    for arn in attached {
        detach(ctx, role, &arn).await?;
    }
    match call(&ctx.retry, Op::new("iam", "DeleteRole", role), || {
        ctx.iam.delete_role().role_name(role).send()
    })
    .await
    {
        Err(e) if !e.is_not_found() => Err(e),
        _ => Ok(()),
    }
}
