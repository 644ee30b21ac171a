//! Tags of many Glue objects in one call: the Resource Groups Tagging API's GetResources
//! takes up to 100 ARNs, so concurrent refreshes share one call instead of one GetTags each
//! (see `aws::coalesce`).
//!
//! The tagging API is a separate, eventually consistent index of the services' tags, and
//! it omits untagged objects. So its answer is used only when it agrees with what the state
//! recorded (`expected`); any disagreement, a refusal (`tag:GetResources` not granted) or a
//! missing answer is settled by Glue's own GetTags. A steady refresh therefore makes no
//! GetTags call, and drift or a fresh change costs one, exactly as before.

use aws_sdk_resourcegroupstagging::types::ResourceTagMapping;

use crate::aws::coalesce::{Answer, BatchResult, Coalescer};
use crate::aws::glue::tags as glue_tags;
use crate::aws::retry::{call, Op};
use crate::aws::{AwsContext, AwsError};
use crate::model::tags::Tags;

/// ARNs per GetResources call (`ResourceARNList`: at most 100).
pub const LIMIT: usize = 100;

#[derive(Debug)]
pub struct TagReads(Coalescer<Tags>);

impl Default for TagReads {
    fn default() -> Self {
        TagReads(Coalescer::new("tagging:GetResources", LIMIT))
    }
}

fn tags_of(m: &ResourceTagMapping) -> Tags {
    m.tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

/// The tags of the Glue object `arn`. With `expected` (the tags the state recorded), a
/// batched answer that agrees is used; otherwise Glue's GetTags answers.
pub async fn glue_tags(
    ctx: &AwsContext,
    arn: &str,
    expected: Option<&Tags>,
) -> Result<Tags, AwsError> {
    if let Some(expected) = expected {
        match batched(ctx, arn).await {
            Answer::Failed(e) => return Err(e),
            answer if agrees(&answer, expected) => return Ok(expected.clone()),
            _ => tracing::debug!(arn, "tagging API answer not confirmed; asking Glue"),
        }
    }
    glue_tags::get(ctx, arn).await
}

/// Whether the tagging API's answer confirms the recorded tags. It leaves out objects
/// without tags, so "not listed" confirms only an empty set.
fn agrees(answer: &Answer<Tags>, expected: &Tags) -> bool {
    match answer {
        Answer::Found(t) => t == expected,
        Answer::Missing => expected.is_empty(),
        Answer::Unbatched | Answer::Failed(_) => false,
    }
}

async fn batched(ctx: &AwsContext, arn: &str) -> Answer<Tags> {
    let Some(client) = &ctx.tagging else {
        return Answer::Unbatched;
    };
    ctx.tag_reads
        .0
        .get(arn, |arns| async move {
            let target = match arns.as_slice() {
                [one] => one.clone(),
                [first, ..] => format!("{first} and {} more", arns.len() - 1),
                [] => String::new(),
            };
            let out = call(
                &ctx.retry,
                Op::new("tagging", "GetResources", &target),
                || {
                    client
                        .get_resources()
                        .set_resource_arn_list(Some(arns.clone()))
                        .send()
                },
            )
            .await?;
            let found: std::collections::HashMap<String, Tags> = out
                .resource_tag_mapping_list()
                .iter()
                .filter_map(|m| m.resource_arn().map(|a| (a.to_string(), tags_of(m))))
                .collect();
            // Every ARN asked about and not listed has no tags the index knows of.
            let missing = arns
                .iter()
                .filter(|a| !found.contains_key(*a))
                .cloned()
                .collect();
            Ok::<_, AwsError>(BatchResult { found, missing })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> Tags {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn only_an_answer_equal_to_the_record_is_taken_without_asking_glue() {
        let recorded = tags(&[("flywheel:owner", "a"), ("team", "data")]);
        assert!(agrees(&Answer::Found(recorded.clone()), &recorded));
        // A stale index (an owner tag not yet seen), drift, or no answer: Glue decides.
        let stale = tags(&[("team", "data")]);
        assert!(!agrees(&Answer::Found(stale), &recorded));
        assert!(!agrees(&Answer::Missing, &recorded));
        assert!(!agrees(&Answer::Unbatched, &recorded));
        // Not listed is what an untagged object looks like.
        assert!(agrees(&Answer::Missing, &Tags::new()));
        assert!(!agrees(&Answer::Found(recorded), &Tags::new()));
    }
}
