//! Glue resource tags (jobs, crawlers, triggers, databases): read and change.

use std::collections::BTreeMap;

use crate::aws::retry::{call, Op};
use crate::aws::{AwsContext, AwsError};
use crate::model::tags::TagDelta;

/// The Glue ARN of an object; without a known account the partial ARN still names it
/// for error messages, and tagging calls will fail with a clear diagnostic.
pub fn arn(ctx: &AwsContext, kind: &str, name: &str) -> String {
    let account = ctx
        .identity
        .as_ref()
        .map(|i| i.account_id.as_str())
        .unwrap_or("");
    format!(
        "arn:{}:glue:{}:{account}:{kind}/{name}",
        ctx.partition, ctx.region
    )
}

pub async fn get(ctx: &AwsContext, arn: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let out = call(&ctx.retry, Op::new("glue", "GetTags", arn), || {
        ctx.glue.get_tags().resource_arn(arn).send()
    })
    .await?;
    Ok(out.tags.unwrap_or_default().into_iter().collect())
}

/// Applies a tag change: removes with UntagResource, adds and changes with TagResource. No
/// call when the delta is empty. What to change is the model's (`tags::delta`).
pub async fn change(ctx: &AwsContext, arn: &str, delta: &TagDelta) -> Result<(), AwsError> {
    if delta.is_empty() {
        return Ok(());
    }
    if !delta.remove.is_empty() {
        call(&ctx.retry, Op::new("glue", "UntagResource", arn), || {
            ctx.glue
                .untag_resource()
                .resource_arn(arn)
                .set_tags_to_remove(Some(delta.remove.clone()))
                .send()
        })
        .await?;
    }
    if !delta.add.is_empty() {
        let tags: std::collections::HashMap<String, String> = delta
            .add
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        call(&ctx.retry, Op::new("glue", "TagResource", arn), || {
            ctx.glue
                .tag_resource()
                .resource_arn(arn)
                .set_tags_to_add(Some(tags.clone()))
                .send()
        })
        .await?;
    }
    Ok(())
}
