//! EventBridge rules on the default bus for alerts: ListRules by the rules' shared prefix
//! (DescribeRule for a single rule), ListTargetsByRule and the tags (from the tagging batch when it confirms the state, else ListTagsForResource) on
//! refresh; PutRule (create and update) with tags; tag changes;
//! PutTargets with an input transformer; RemoveTargets; DeleteRule after its targets.

use std::collections::BTreeMap;

use aws_sdk_eventbridge::types::{InputTransformer, RuleState, Tag, Target};
use serde_json::Value;

use crate::aws::retry::{call, Op};
use crate::aws::tagging::{self, Agrees};
use crate::aws::{AwsContext, AwsError, ErrorKind};
use crate::model::pipeline::{ObservedRule, ObservedTarget};
use crate::model::tags::{TagDelta, Tags};

fn request_error(operation: &'static str, target: &str, e: impl std::fmt::Display) -> AwsError {
    AwsError {
        service: "events",
        operation,
        target: target.to_string(),
        kind: ErrorKind::Validation,
        code: None,
        message: format!("building the request: {e}"),
        status: None,
    }
}

fn tags_of(operation: &'static str, rule: &str, tags: &Tags) -> Result<Vec<Tag>, AwsError> {
    tags.iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| request_error(operation, rule, e))
        })
        .collect()
}

/// The ARN of the rule `name` on the default bus (what the tagging API names it by).
pub fn arn(ctx: &AwsContext, name: &str) -> String {
    let account = ctx
        .identity
        .as_ref()
        .map(|i| i.account_id.as_str())
        .unwrap_or_default();
    format!(
        "arn:{}:events:{}:{account}:rule/{name}",
        ctx.partition, ctx.region
    )
}

/// What DescribeRule (one rule) or ListRules (several) says of a rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Listed {
    pub arn: String,
    pub pattern: Option<String>,
    pub description: Option<String>,
    pub enabled: bool,
}

/// The rules `names` as ListRules lists them, by the prefix they share (one call for a
/// pipeline's four rules instead of four DescribeRule): `None` when there are fewer than
/// two or they share no prefix, so each is described on its own. A name missing from the
/// answer does not exist.
pub async fn list(
    ctx: &AwsContext,
    names: &[String],
) -> Result<Option<BTreeMap<String, Listed>>, AwsError> {
    let prefix = common_prefix(names);
    if names.len() < 2 || prefix.is_empty() {
        return Ok(None);
    }
    let mut out = BTreeMap::new();
    let mut token: Option<String> = None;
    loop {
        let page = call(&ctx.retry, Op::new("events", "ListRules", prefix), || {
            ctx.events
                .list_rules()
                .name_prefix(prefix)
                .set_next_token(token.clone())
                .send()
        })
        .await?;
        for r in page.rules() {
            let Some(name) = r.name().filter(|n| names.iter().any(|w| w == n)) else {
                continue;
            };
            out.insert(
                name.to_string(),
                Listed {
                    arn: r.arn().unwrap_or_default().to_string(),
                    pattern: r.event_pattern().map(str::to_string),
                    description: r.description().map(str::to_string),
                    enabled: r.state() == Some(&RuleState::Enabled),
                },
            );
        }
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    Ok(Some(out))
}

/// The longest prefix every name starts with.
fn common_prefix(names: &[String]) -> &str {
    let Some(first) = names.first() else {
        return "";
    };
    let mut len = first.len();
    for n in &names[1..] {
        len = first
            .bytes()
            .zip(n.bytes())
            .take(len)
            .take_while(|(a, b)| a == b)
            .count();
    }
    // Rule names are ASCII; stay on a character boundary regardless.
    while !first.is_char_boundary(len) {
        len -= 1;
    }
    &first[..len]
}

/// The rule with its tags and targets; `None` when it does not exist. `listed`: what
/// [`list`] said (then no DescribeRule), `Some(None)` when it did not list it. `agrees` (a
/// refresh): whether a batched tag answer is what the state recorded.
pub async fn read(
    ctx: &AwsContext,
    name: &str,
    listed: Option<Option<&Listed>>,
    agrees: Option<Agrees<'_>>,
) -> Result<Option<ObservedRule>, AwsError> {
    if listed == Some(None) {
        return Ok(None);
    }
    // The batched tags are asked for beside the rule, by the ARN the rule has on the
    // default bus; ListTagsForResource, when needed, uses the ARN EventBridge reports.
    let batched = async {
        match agrees {
            Some(agrees) => tagging::confirmed(ctx, "events", &arn(ctx, name), agrees).await,
            None => Ok(None),
        }
    };
    let described = async {
        match listed.flatten() {
            Some(l) => Ok(Some(l.clone())),
            None => match call(&ctx.retry, Op::new("events", "DescribeRule", name), || {
                ctx.events.describe_rule().name(name).send()
            })
            .await
            {
                Ok(r) => Ok(Some(Listed {
                    arn: r.arn().unwrap_or_default().to_string(),
                    pattern: r.event_pattern().map(str::to_string),
                    description: r.description().map(str::to_string),
                    enabled: r.state() == Some(&RuleState::Enabled),
                })),
                Err(e) if e.is_not_found() => Ok(None),
                Err(e) => Err(e),
            },
        }
    };
    let (rule, batched, targets) = futures::join!(described, batched, targets(ctx, name));
    let Some(rule) = rule? else {
        return Ok(None);
    };
    let tags = match batched? {
        Some(t) => Ok(t),
        None => call(
            &ctx.retry,
            Op::new("events", "ListTagsForResource", name),
            || {
                ctx.events
                    .list_tags_for_resource()
                    .resource_arn(&rule.arn)
                    .send()
            },
        )
        .await
        .map(|t| {
            t.tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect::<Tags>()
        }),
    };
    let (tags, targets) = match (tags, targets) {
        (Err(e), _) | (_, Err(e)) if e.is_not_found() => return Ok(None),
        (t, ts) => (t?, ts?),
    };
    Ok(Some(ObservedRule {
        pattern: rule
            .pattern
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
            .unwrap_or(Value::Null),
        description: rule.description.unwrap_or_default(),
        enabled: rule.enabled,
        tags,
        targets,
    }))
}

async fn targets(
    ctx: &AwsContext,
    rule: &str,
) -> Result<BTreeMap<String, ObservedTarget>, AwsError> {
    let mut out = BTreeMap::new();
    let mut token: Option<String> = None;
    loop {
        let page = call(
            &ctx.retry,
            Op::new("events", "ListTargetsByRule", rule),
            || {
                ctx.events
                    .list_targets_by_rule()
                    .rule(rule)
                    .set_next_token(token.clone())
                    .send()
            },
        )
        .await?;
        for t in page.targets() {
            let (input_paths, input_template) = match t.input_transformer() {
                Some(it) => (
                    it.input_paths_map()
                        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                        .unwrap_or_default(),
                    it.input_template().to_string(),
                ),
                None => (BTreeMap::new(), String::new()),
            };
            out.insert(
                t.id().to_string(),
                ObservedTarget {
                    arn: t.arn().to_string(),
                    input_paths,
                    input_template,
                },
            );
        }
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(out);
        }
    }
}

/// PutRule: creates the rule with its tags, or updates its pattern, description and
/// state (EventBridge ignores the tags of a PutRule on an existing rule).
pub async fn put_rule(
    ctx: &AwsContext,
    name: &str,
    pattern: &Value,
    description: &str,
    tags: &Tags,
) -> Result<String, AwsError> {
    let tags = tags_of("PutRule", name, tags)?;
    let pattern = pattern.to_string();
    let out = call(&ctx.retry, Op::new("events", "PutRule", name), || {
        ctx.events
            .put_rule()
            .name(name)
            .event_pattern(pattern.clone())
            .description(description)
            .state(RuleState::Enabled)
            .set_tags(Some(tags.clone()))
            .send()
    })
    .await?;
    Ok(out.rule_arn().unwrap_or_default().to_string())
}

pub async fn change_tags(
    ctx: &AwsContext,
    name: &str,
    rule_arn: &str,
    delta: &TagDelta,
) -> Result<(), AwsError> {
    if !delta.remove.is_empty() {
        call(&ctx.retry, Op::new("events", "UntagResource", name), || {
            ctx.events
                .untag_resource()
                .resource_arn(rule_arn)
                .set_tag_keys(Some(delta.remove.clone()))
                .send()
        })
        .await?;
    }
    if !delta.add.is_empty() {
        let tags = tags_of("TagResource", name, &delta.add)?;
        call(&ctx.retry, Op::new("events", "TagResource", name), || {
            ctx.events
                .tag_resource()
                .resource_arn(rule_arn)
                .set_tags(Some(tags.clone()))
                .send()
        })
        .await?;
    }
    Ok(())
}

/// PutTargets of one target with an input transformer (creates or replaces it).
pub async fn put_target(
    ctx: &AwsContext,
    rule: &str,
    id: &str,
    arn: &str,
    input_paths: &BTreeMap<String, String>,
    input_template: &str,
) -> Result<(), AwsError> {
    let transformer = InputTransformer::builder()
        .set_input_paths_map(Some(
            input_paths
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ))
        .input_template(input_template)
        .build()
        .map_err(|e| request_error("PutTargets", rule, e))?;
    let target = Target::builder()
        .id(id)
        .arn(arn)
        .input_transformer(transformer)
        .build()
        .map_err(|e| request_error("PutTargets", rule, e))?;
    let out = call(&ctx.retry, Op::new("events", "PutTargets", rule), || {
        ctx.events
            .put_targets()
            .rule(rule)
            .targets(target.clone())
            .send()
    })
    .await?;
    // PutTargets answers 200 with the targets it could not add.
    match out.failed_entries().first() {
        Some(f) if out.failed_entry_count() > 0 => Err(AwsError {
            service: "events",
            operation: "PutTargets",
            target: format!("{rule}/{id}"),
            kind: ErrorKind::Validation,
            code: f.error_code().map(str::to_string),
            message: f.error_message().unwrap_or("target not added").to_string(),
            status: None,
        }),
        _ => Ok(()),
    }
}

/// RemoveTargets (a rule or target already gone is done).
pub async fn remove_targets(ctx: &AwsContext, rule: &str, ids: &[String]) -> Result<(), AwsError> {
    if ids.is_empty() {
        return Ok(());
    }
    match call(&ctx.retry, Op::new("events", "RemoveTargets", rule), || {
        ctx.events
            .remove_targets()
            .rule(rule)
            .set_ids(Some(ids.to_vec()))
            .send()
    })
    .await
    {
        Err(e) if e.is_not_found() => Ok(()),
        other => other.map(|_| ()),
    }
}

/// Deletes the rule after removing every target (EventBridge refuses a rule that has
/// targets). A rule already gone is done.
pub async fn delete(ctx: &AwsContext, name: &str) -> Result<(), AwsError> {
    let ids: Vec<String> = match targets(ctx, name).await {
        Ok(t) => t.into_keys().collect(),
        Err(e) if e.is_not_found() => return Ok(()),
        Err(e) => return Err(e),
    };
    remove_targets(ctx, name, &ids).await?;
    match call(&ctx.retry, Op::new("events", "DeleteRule", name), || {
        ctx.events.delete_rule().name(name).send()
    })
    .await
    {
        Err(e) if e.is_not_found() => Ok(()),
        other => other.map(|_| ()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_common_prefix() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            common_prefix(&names(&[
                "p-prod-job-failed",
                "p-prod-job-long-run",
                "p-prod-crawler-failed"
            ])),
            "p-prod-"
        );
        assert_eq!(common_prefix(&names(&["a", "b"])), "");
        assert_eq!(common_prefix(&names(&["same", "same"])), "same");
        assert_eq!(common_prefix(&names(&["pré-x", "pré-y"])), "pré-");
        assert_eq!(common_prefix(&[]), "");
    }
}
