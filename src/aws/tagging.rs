//! Tags of many objects in one call: the Resource Groups Tagging API's GetResources takes
//! up to 100 ARNs, so concurrent refreshes share one call instead of one tag read per
//! object (see `aws::coalesce`). It serves Glue jobs, crawlers, triggers and databases, S3
//! buckets, the SNS topic, EventBridge rules and CloudWatch alarms alike.
//!
//! The tagging API is a separate, eventually consistent index of the services' tags, and
//! it omits untagged objects. So its answer is used only when it agrees with what the state
//! recorded; any disagreement, a refusal (`tag:GetResources` not granted) or a missing
//! answer is settled by the service's own tag read (GetTags, GetBucketTagging,
//! ListTagsForResource). A steady refresh therefore makes no per-object tag call, and drift
//! or a fresh change costs one, exactly as before.

use aws_sdk_resourcegroupstagging::types::ResourceTagMapping;

use crate::aws::coalesce::{Answer, BatchResult, Coalescer};
use crate::aws::glue::tags as glue_tags;
use crate::aws::retry::{call, Op};
use crate::aws::{AwsContext, AwsError};
use crate::model::tags::Tags;

/// Whether a batched tag answer is what the state recorded (on a refresh; each object
/// kind says what it compares).
pub type Agrees<'a> = &'a (dyn Fn(&Tags) -> bool + Sync);

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
        if let Some(tags) = confirmed(ctx, "glue", arn, |t| t == expected).await? {
            return Ok(tags);
        }
    }
    glue_tags::get(ctx, arn).await
}

/// The batched answer for `arn` (a `service` object), when `agrees` accepts it as what the
/// state recorded; `None` when it does not (or there is no batched answer), so the caller
/// reads the object's own tags. An object the index does not list is offered as untagged.
pub async fn confirmed(
    ctx: &AwsContext,
    service: &str,
    arn: &str,
    agrees: impl Fn(&Tags) -> bool,
) -> Result<Option<Tags>, AwsError> {
    if !ctx.tagging_indexes.contains(&service) {
        return Ok(None);
    }
    match settle(batched(ctx, arn).await, agrees) {
        Ok(t) => Ok(t),
        Err(Some(e)) => Err(e),
        Err(None) => {
            tracing::debug!(arn, "tagging API answer not confirmed; asking the service");
            Ok(None)
        }
    }
}

/// A batched answer judged: `Ok(Some(tags))` when `agrees` accepts it, `Err(Some(e))` for
/// a batch that failed as a single read would, `Err(None)` otherwise.
fn settle(
    answer: Answer<Tags>,
    agrees: impl Fn(&Tags) -> bool,
) -> Result<Option<Tags>, Option<AwsError>> {
    let tags = match answer {
        Answer::Found(t) => t,
        // Not listed is what an untagged object looks like.
        Answer::Missing => Tags::new(),
        Answer::Failed(e) => return Err(Some(e)),
        Answer::Unbatched => return Err(None),
    };
    if agrees(&tags) {
        Ok(Some(tags))
    } else {
        Err(None)
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
            // The answer comes in pages (by resources, and by tags: 100 by default), so an
            // ARN is known untagged only once the last page is in.
            let mut found = std::collections::HashMap::new();
            let mut token: Option<String> = None;
            loop {
                let out = call(
                    &ctx.retry,
                    Op::new("tagging", "GetResources", &target),
                    || {
                        client
                            .get_resources()
                            .set_resource_arn_list(Some(arns.clone()))
                            .resources_per_page(LIMIT as i32)
                            .set_pagination_token(token.clone())
                            .send()
                    },
                )
                .await?;
                found.extend(
                    out.resource_tag_mapping_list()
                        .iter()
                        .filter_map(|m| m.resource_arn().map(|a| (a.to_string(), tags_of(m)))),
                );
                token = out
                    .pagination_token()
                    .filter(|t| !t.is_empty())
                    .map(str::to_string);
                if token.is_none() {
                    break;
                }
            }
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
    fn only_an_answer_equal_to_the_record_is_taken_without_asking_the_service() {
        let recorded = tags(&[("flywheel:owner", "a"), ("team", "data")]);
        let equal = |t: &Tags| *t == recorded;
        assert_eq!(
            settle(Answer::Found(recorded.clone()), equal)
                .ok()
                .flatten(),
            Some(recorded.clone())
        );
        // A stale index (an owner tag not yet seen), drift, or no answer: the service decides.
        let stale = tags(&[("team", "data")]);
        assert!(matches!(settle(Answer::Found(stale), equal), Err(None)));
        assert!(matches!(settle(Answer::Missing, equal), Err(None)));
        assert!(matches!(settle(Answer::Unbatched, equal), Err(None)));
        // Not listed is what an untagged object looks like.
        let none = |t: &Tags| t.is_empty();
        assert_eq!(
            settle(Answer::Missing, none).ok().flatten(),
            Some(Tags::new())
        );
        assert!(matches!(settle(Answer::Found(recorded), none), Err(None)));
    }

    #[test]
    fn a_batch_that_failed_as_a_single_read_would_is_that_error() {
        let e = AwsError {
            service: "tagging",
            operation: "GetResources",
            target: "x".into(),
            kind: crate::aws::ErrorKind::Transient,
            code: None,
            message: "slow down".into(),
            status: None,
        };
        assert!(matches!(
            settle(Answer::Failed(e), |_| true),
            Err(Some(e)) if e.kind == crate::aws::ErrorKind::Transient
        ));
    }

    #[test]
    fn an_adopted_objects_own_tags_are_kept_when_ours_agree() {
        // The caller's rule may look at only some keys; the whole answer is handed back.
        let answer = tags(&[("flywheel:owner", "a"), ("owner-team", "finance")]);
        let ours = |t: &Tags| t.get("flywheel:owner").map(String::as_str) == Some("a");
        assert_eq!(
            settle(Answer::Found(answer.clone()), ours).ok().flatten(),
            Some(answer)
        );
    }
}
