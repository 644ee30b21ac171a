//! SNS topics for alerts: GetTopicAttributes, ListSubscriptionsByTopic and the tags (from
//! the tagging batch when it confirms the state, else ListTagsForResource) on refresh; CreateTopic with tags; tag changes; the topic
//! policy (whole, or only the pipeline's statements on an existing topic); email
//! subscriptions; DeleteTopic.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::aws::retry::{call, Op};
use crate::aws::tagging::{self, Agrees};
use crate::aws::{AwsContext, AwsError, ErrorKind};
use crate::model::pipeline::{ObservedTopic, TOPIC_SID_PREFIX};
use crate::model::policy;
use crate::model::tags::{TagDelta, Tags};

fn request_error(operation: &'static str, target: &str, e: impl std::fmt::Display) -> AwsError {
    AwsError {
        service: "sns",
        operation,
        target: target.to_string(),
        kind: ErrorKind::Validation,
        code: None,
        message: format!("building the request: {e}"),
        status: None,
    }
}

fn sns_tags(
    operation: &'static str,
    arn: &str,
    tags: &Tags,
) -> Result<Vec<aws_sdk_sns::types::Tag>, AwsError> {
    tags.iter()
        .map(|(k, v)| {
            aws_sdk_sns::types::Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| request_error(operation, arn, e))
        })
        .collect()
}

/// The topic's name, the last part of its ARN.
fn name_of(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}

/// The topic with its tags, policy and email subscriptions; `None` when it does not exist.
/// `agrees` (a refresh): whether a batched tag answer is what the state recorded.
pub async fn read(
    ctx: &AwsContext,
    arn: &str,
    created: bool,
    agrees: Option<Agrees<'_>>,
) -> Result<Option<ObservedTopic>, AwsError> {
    let tags = async {
        if let Some(agrees) = agrees {
            if let Some(t) = tagging::confirmed(ctx, "sns", arn, agrees).await? {
                return Ok(t);
            }
        }
        call(
            &ctx.retry,
            Op::new("sns", "ListTagsForResource", arn),
            || ctx.sns.list_tags_for_resource().resource_arn(arn).send(),
        )
        .await
        .map(|t| {
            t.tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect::<Tags>()
        })
    };
    let (attrs, tags) = futures::join!(
        call(
            &ctx.retry,
            Op::new("sns", "GetTopicAttributes", arn),
            || { ctx.sns.get_topic_attributes().topic_arn(arn).send() }
        ),
        tags,
    );
    let attrs = match attrs {
        Ok(a) => a,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    let tags = match tags {
        Ok(t) => t,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    let policy = attrs
        .attributes()
        .and_then(|a| a.get("Policy"))
        .and_then(|p| policy::parse(p));
    let mut subscriptions = BTreeMap::new();
    let mut token: Option<String> = None;
    loop {
        let page = match call(
            &ctx.retry,
            Op::new("sns", "ListSubscriptionsByTopic", arn),
            || {
                ctx.sns
                    .list_subscriptions_by_topic()
                    .topic_arn(arn)
                    .set_next_token(token.clone())
                    .send()
            },
        )
        .await
        {
            Ok(p) => p,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e),
        };
        for s in page.subscriptions() {
            if s.protocol() != Some("email") {
                continue;
            }
            let Some(endpoint) = s.endpoint() else {
                continue;
            };
            // "PendingConfirmation" (or "Deleted") until the address confirms.
            let sub_arn = s.subscription_arn().filter(|a| a.starts_with("arn:"));
            subscriptions.insert(endpoint.to_ascii_lowercase(), sub_arn.map(str::to_string));
        }
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    Ok(Some(ObservedTopic {
        created,
        tags,
        policy,
        subscriptions,
    }))
}

/// CreateTopic with its tags (SNS answers the same ARN for an existing topic with the same
/// tags, and refuses one with other tags).
pub async fn create(ctx: &AwsContext, arn: &str, tags: &Tags) -> Result<(), AwsError> {
    let tags = sns_tags("CreateTopic", arn, tags)?;
    call(&ctx.retry, Op::new("sns", "CreateTopic", arn), || {
        ctx.sns
            .create_topic()
            .name(name_of(arn))
            .set_tags(Some(tags.clone()))
            .send()
    })
    .await
    .map(|_| ())
}

pub async fn change_tags(ctx: &AwsContext, arn: &str, delta: &TagDelta) -> Result<(), AwsError> {
    if !delta.remove.is_empty() {
        call(&ctx.retry, Op::new("sns", "UntagResource", arn), || {
            ctx.sns
                .untag_resource()
                .resource_arn(arn)
                .set_tag_keys(Some(delta.remove.clone()))
                .send()
        })
        .await?;
    }
    if !delta.add.is_empty() {
        let tags = sns_tags("TagResource", arn, &delta.add)?;
        call(&ctx.retry, Op::new("sns", "TagResource", arn), || {
            ctx.sns
                .tag_resource()
                .resource_arn(arn)
                .set_tags(Some(tags.clone()))
                .send()
        })
        .await?;
    }
    Ok(())
}

async fn current_policy(ctx: &AwsContext, arn: &str) -> Result<Option<Value>, AwsError> {
    let attrs = call(
        &ctx.retry,
        Op::new("sns", "GetTopicAttributes", arn),
        || ctx.sns.get_topic_attributes().topic_arn(arn).send(),
    )
    .await?;
    Ok(attrs
        .attributes()
        .and_then(|a| a.get("Policy"))
        .and_then(|p| policy::parse(p)))
}

/// Writes the pipeline's statements into the topic policy: the whole policy on a topic the
/// pipeline created (`whole`), else replacing only the statements whose Sid starts with
/// the pipeline's prefix. A policy left with no statement is not written (SNS needs one):
/// the pipeline's stay until the topic goes.
pub async fn put_policy_statements(
    ctx: &AwsContext,
    arn: &str,
    ours: &[Value],
    whole: bool,
) -> Result<(), AwsError> {
    let mut statements = if whole {
        Vec::new()
    } else {
        let current = current_policy(ctx, arn).await?;
        current
            .map(|p| policy::split_by_sid(&p, TOPIC_SID_PREFIX).1)
            .unwrap_or_default()
    };
    statements.extend(ours.iter().cloned());
    if statements.is_empty() {
        return Ok(());
    }
    let doc = policy::document(statements).to_string();
    call(
        &ctx.retry,
        Op::new("sns", "SetTopicAttributes", arn),
        || {
            ctx.sns
                .set_topic_attributes()
                .topic_arn(arn)
                .attribute_name("Policy")
                .attribute_value(doc.clone())
                .send()
        },
    )
    .await
    .map(|_| ())
}

/// Subscribes an email address; SNS sends it a confirmation message, and the subscription
/// is pending until the address confirms. Subscribing again is harmless.
pub async fn subscribe(ctx: &AwsContext, arn: &str, email: &str) -> Result<(), AwsError> {
    call(&ctx.retry, Op::new("sns", "Subscribe", arn), || {
        ctx.sns
            .subscribe()
            .topic_arn(arn)
            .protocol("email")
            .endpoint(email)
            .return_subscription_arn(true)
            .send()
    })
    .await
    .map(|_| ())
}

/// Unsubscribes a confirmed subscription (a pending one cannot be: SNS deletes it after
/// three days unconfirmed). A subscription already gone is done.
pub async fn unsubscribe(ctx: &AwsContext, subscription_arn: &str) -> Result<(), AwsError> {
    match call(
        &ctx.retry,
        Op::new("sns", "Unsubscribe", subscription_arn),
        || {
            ctx.sns
                .unsubscribe()
                .subscription_arn(subscription_arn)
                .send()
        },
    )
    .await
    {
        Err(e) if e.is_not_found() => Ok(()),
        other => other.map(|_| ()),
    }
}

/// Deletes the topic and with it its subscriptions and policy (already gone is done).
pub async fn delete(ctx: &AwsContext, arn: &str) -> Result<(), AwsError> {
    match call(&ctx.retry, Op::new("sns", "DeleteTopic", arn), || {
        ctx.sns.delete_topic().topic_arn(arn).send()
    })
    .await
    {
        Err(e) if e.is_not_found() => Ok(()),
        other => other.map(|_| ()),
    }
}
