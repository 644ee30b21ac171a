//! Glue resource tags (jobs, crawlers, triggers, databases): read and converge.

use std::collections::BTreeMap;

use crate::aws::retry::{call, Op};
use crate::aws::{AwsContext, AwsError};

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

/// Sets exactly `want` on the object: adds and changes with TagResource, removes extras
/// with UntagResource. No call when nothing differs.
pub async fn converge(
    ctx: &AwsContext,
    arn: &str,
    want: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let have = get(ctx, arn).await?;
    let remove: Vec<String> = have
        .keys()
        .filter(|k| !want.contains_key(*k))
        .cloned()
        .collect();
    let add: BTreeMap<&String, &String> = want
        .iter()
        .filter(|(k, v)| have.get(*k) != Some(*v))
        .collect();
    if !remove.is_empty() {
        call(&ctx.retry, Op::new("glue", "UntagResource", arn), || {
            ctx.glue
                .untag_resource()
                .resource_arn(arn)
                .set_tags_to_remove(Some(remove.clone()))
                .send()
        })
        .await?;
    }
    if !add.is_empty() {
        let tags: std::collections::HashMap<String, String> = add
            .iter()
            .map(|(k, v)| ((*k).clone(), (*v).clone()))
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
