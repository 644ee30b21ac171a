//! Plan-time help for the bucket blocks: the warning when `allowed_principal_arns` would
//! shut out the principal Terraform runs as, and plans that name the children a
//! configuration change rewrites.

use super::*;

/// A warning per bucket whose `allowed_principal_arns` leaves out `caller` (the ARN STS
/// reported at configure time): the deployer could no longer read or write the bucket's
/// objects (on the assets bucket: upload job scripts). `None` caller: not known
/// (`skip_requesting_account_id`), no warning.
pub(super) fn deployer_warnings(caller: Option<&str>, s: &Settings) -> Vec<Diagnostic> {
    let Some(caller) = caller.filter(|c| !c.is_empty()) else {
        return Vec::new();
    };
    BucketRole::ALL
        .into_iter()
        .filter(|role| {
            let allowed = &s.bucket(*role).allowed_principal_arns;
            !allowed.is_empty() && !model::caller_allowed(caller, allowed)
        })
        .map(|role| {
            let scripts = if role == BucketRole::Assets {
                " Job scripts are uploaded to this bucket with these credentials, so flywheel_job applies would fail."
            } else {
                ""
            };
            Diagnostic::new(
                "The deploying principal is not in allowed_principal_arns",
                format!(
                    "Terraform runs as {caller:?}, which `{}.allowed_principal_arns` leaves out: once applied, the bucket policy denies it s3:GetObject, s3:PutObject and s3:DeleteObject on the bucket's objects.{scripts} Add its role or user ARN (for a role session, arn:<partition>:iam::<account>:role/<path><role name>) to the list if it needs object access.",
                    role.block()
                ),
                path_of(&[role.block(), "allowed_principal_arns"]),
            )
        })
        .collect()
}

/// Marks as unknown the planned status of every child whose desired configuration differs
/// between `prior` and `planned` (a change of `sse_algorithm`, `intelligent_tiering`,
/// `allowed_principal_arns`, ...): the plan then names each child the apply rewrites,
/// `"<address>" = "ok" -> (known after apply)`, beside the attribute that changes it. Its
/// status after apply can only be known by reading it.
pub(super) fn mark_changed_children(prior: &Desired, planned: &Desired, s: &mut State) {
    let Value::Value(children) = &mut s.children else {
        return;
    };
    for c in &planned.children {
        if prior.child(&c.key).is_some_and(|p| p.spec != c.spec) {
            children.insert(c.key.address(), Value::Unknown);
        }
    }
}
