//! The pipeline's monthly AWS Budget (`model::budget`): DescribeBudget,
//! DescribeNotificationsForBudget, DescribeSubscribersForNotification and
//! ListTagsForResource on refresh; CreateBudget with its notifications and tags; UpdateBudget,
//! and DeleteNotification / CreateNotification for the notifications that differ; tag
//! changes; DeleteBudget.

use std::collections::HashMap;

use aws_sdk_budgets::types::{
    BudgetType, ComparisonOperator, Notification, NotificationType, NotificationWithSubscribers,
    ResourceTag, Spend, Subscriber, SubscriptionType, ThresholdType, TimeUnit,
};

use crate::aws::retry::{call, Op};
use crate::aws::{AwsContext, AwsError, ErrorKind};
use crate::model::budget::{self, Budget, Notice};
use crate::model::tags::{TagDelta, Tags};

fn request_error(operation: &'static str, target: &str, e: impl std::fmt::Display) -> AwsError {
    AwsError {
        service: "budgets",
        operation,
        target: target.to_string(),
        kind: ErrorKind::Validation,
        code: None,
        message: format!("building the request: {e}"),
        status: None,
    }
}

fn arn(ctx: &AwsContext, account: &str, name: &str) -> String {
    budget::arn(ctx.partition, account, name)
}

fn notification(op: &'static str, name: &str, n: &Notice) -> Result<Notification, AwsError> {
    Notification::builder()
        .notification_type(NotificationType::from(n.kind.as_str()))
        .comparison_operator(ComparisonOperator::from(n.comparison.as_str()))
        .threshold(n.threshold)
        .threshold_type(ThresholdType::from(n.threshold_type.as_str()))
        .build()
        .map_err(|e| request_error(op, name, e))
}

fn subscribers(op: &'static str, name: &str, n: &Notice) -> Result<Vec<Subscriber>, AwsError> {
    n.subscribers
        .iter()
        .map(|(kind, address)| {
            Subscriber::builder()
                .subscription_type(SubscriptionType::from(kind.as_str()))
                .address(address)
                .build()
                .map_err(|e| request_error(op, name, e))
        })
        .collect()
}

// CostFilters is deprecated in the SDK in favour of FilterExpression, but is what AWS
// Budgets documents for tag filters (`user:<key>$<value>`) and what terraform-provider-aws'
// `cost_filter` writes; a budget edited to a FilterExpression reads back as filters changed.
#[allow(deprecated)]
fn budget_request(
    op: &'static str,
    name: &str,
    want: &Budget,
) -> Result<aws_sdk_budgets::types::Budget, AwsError> {
    let limit = Spend::builder()
        .amount(format!("{}", want.limit_usd))
        .unit(budget::UNIT)
        .build()
        .map_err(|e| request_error(op, name, e))?;
    let filters: HashMap<String, Vec<String>> = want
        .cost_filters
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    aws_sdk_budgets::types::Budget::builder()
        .budget_name(name)
        .budget_type(BudgetType::from(budget::BUDGET_TYPE))
        .time_unit(TimeUnit::from(budget::TIME_UNIT))
        .budget_limit(limit)
        .set_cost_filters(Some(filters))
        .build()
        .map_err(|e| request_error(op, name, e))
}

fn tags_of(op: &'static str, name: &str, tags: &Tags) -> Result<Vec<ResourceTag>, AwsError> {
    tags.iter()
        .map(|(k, v)| {
            ResourceTag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| request_error(op, name, e))
        })
        .collect()
}

fn notice_of(n: &Notification, subscribers: &[Subscriber]) -> Notice {
    Notice {
        kind: n.notification_type().as_str().to_string(),
        comparison: n.comparison_operator().as_str().to_string(),
        threshold: n.threshold(),
        // AWS's default when a notification was made without one.
        threshold_type: n
            .threshold_type()
            .map(|t| t.as_str())
            .unwrap_or(budget::PERCENTAGE)
            .to_string(),
        subscribers: subscribers
            .iter()
            .map(|s| {
                (
                    s.subscription_type().as_str().to_string(),
                    s.address().to_string(),
                )
            })
            .collect(),
    }
}

/// The budget with its notifications, their subscribers and its tags; `None` when it does
/// not exist.
#[allow(deprecated)]
pub async fn read(ctx: &AwsContext, account: &str, name: &str) -> Result<Option<Budget>, AwsError> {
    let out = match call(
        &ctx.retry,
        Op::new("budgets", "DescribeBudget", name),
        || {
            ctx.budgets
                .describe_budget()
                .account_id(account)
                .budget_name(name)
                .send()
        },
    )
    .await
    {
        Ok(o) => o,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    let Some(b) = out.budget() else {
        return Ok(None);
    };
    let resource = arn(ctx, account, name);
    let tags = async {
        call(
            &ctx.retry,
            Op::new("budgets", "ListTagsForResource", name),
            || {
                ctx.budgets
                    .list_tags_for_resource()
                    .resource_arn(&resource)
                    .send()
            },
        )
        .await
        .map(|t| {
            t.resource_tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect::<Tags>()
        })
    };
    let (tags, notices) = futures::join!(tags, notices(ctx, account, name));
    let (tags, mut notices) = match (tags, notices) {
        (Err(e), _) | (_, Err(e)) if e.is_not_found() => return Ok(None),
        (t, n) => (t?, n?),
    };
    budget::sort_notices(&mut notices);
    let mut cost_filters: std::collections::BTreeMap<String, Vec<String>> = b
        .cost_filters()
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let mut v = v.clone();
                    v.sort();
                    (k.clone(), v)
                })
                .collect()
        })
        .unwrap_or_default();
    // The pipeline's filter is always there (empty before its identity exists).
    cost_filters.entry(budget::TAG_FILTER.into()).or_default();
    let limit = b.budget_limit();
    Ok(Some(Budget {
        limit_usd: limit
            .and_then(|l| l.amount().parse::<f64>().ok())
            .unwrap_or(f64::NAN),
        shape: budget::shape(
            b.budget_type().as_str(),
            b.time_unit().as_str(),
            limit.map(|l| l.unit()).unwrap_or_default(),
        ),
        cost_filters,
        notices,
        tags,
    }))
}

/// Every notification of the budget with its subscribers.
async fn notices(ctx: &AwsContext, account: &str, name: &str) -> Result<Vec<Notice>, AwsError> {
    let mut found: Vec<Notification> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = call(
            &ctx.retry,
            Op::new("budgets", "DescribeNotificationsForBudget", name),
            || {
                ctx.budgets
                    .describe_notifications_for_budget()
                    .account_id(account)
                    .budget_name(name)
                    .max_results(100)
                    .set_next_token(token.clone())
                    .send()
            },
        )
        .await?;
        found.extend(page.notifications().iter().cloned());
        match page.next_token() {
            Some(t) if !t.is_empty() && Some(t) != token.as_deref() => token = Some(t.into()),
            _ => break,
        }
    }
    let reads = found.iter().map(|n| async move {
        call(
            &ctx.retry,
            Op::new("budgets", "DescribeSubscribersForNotification", name),
            || {
                ctx.budgets
                    .describe_subscribers_for_notification()
                    .account_id(account)
                    .budget_name(name)
                    .notification(n.clone())
                    .max_results(100)
                    .send()
            },
        )
        .await
        .map(|s| notice_of(n, s.subscribers()))
    });
    futures::future::join_all(reads).await.into_iter().collect()
}

/// CreateBudget with its notifications and tags.
pub async fn create(
    ctx: &AwsContext,
    account: &str,
    name: &str,
    want: &Budget,
) -> Result<(), AwsError> {
    const OP: &str = "CreateBudget";
    let req = ctx
        .budgets
        .create_budget()
        .account_id(account)
        .budget(budget_request(OP, name, want)?)
        .set_notifications_with_subscribers(Some(
            want.notices
                .iter()
                .map(|n| {
                    NotificationWithSubscribers::builder()
                        .notification(notification(OP, name, n)?)
                        .set_subscribers(Some(subscribers(OP, name, n)?))
                        .build()
                        .map_err(|e| request_error(OP, name, e))
                })
                .collect::<Result<Vec<_>, _>>()?,
        ))
        .set_resource_tags(Some(tags_of(OP, name, &want.tags)?));
    call(&ctx.retry, Op::new("budgets", "CreateBudget", name), || {
        req.clone().send()
    })
    .await
    .map(|_| ())
}

/// Brings an existing budget to `want`: UpdateBudget when its settings differ, and each
/// notification that differs deleted and made again (AWS identifies a notification by its
/// type, operator and threshold, so a changed one is a different one).
pub async fn update(
    ctx: &AwsContext,
    account: &str,
    name: &str,
    want: &Budget,
    have: &Budget,
) -> Result<(), AwsError> {
    if want.limit_usd != have.limit_usd
        || want.shape != have.shape
        || want.cost_filters != have.cost_filters
    {
        const OP: &str = "UpdateBudget";
        let new = budget_request(OP, name, want)?;
        call(&ctx.retry, Op::new("budgets", "UpdateBudget", name), || {
            ctx.budgets
                .update_budget()
                .account_id(account)
                .new_budget(new.clone())
                .send()
        })
        .await?;
    }
    for n in &have.notices {
        if want.notices.contains(n) {
            continue;
        }
        const OP: &str = "DeleteNotification";
        let req = notification(OP, name, n)?;
        let r = call(
            &ctx.retry,
            Op::new("budgets", "DeleteNotification", name),
            || {
                ctx.budgets
                    .delete_notification()
                    .account_id(account)
                    .budget_name(name)
                    .notification(req.clone())
                    .send()
            },
        )
        .await;
        match r {
            Err(e) if !e.is_not_found() => return Err(e),
            _ => {}
        }
    }
    for n in &want.notices {
        if have.notices.contains(n) {
            continue;
        }
        const OP: &str = "CreateNotification";
        let req = notification(OP, name, n)?;
        let subs = subscribers(OP, name, n)?;
        call(
            &ctx.retry,
            Op::new("budgets", "CreateNotification", name),
            || {
                ctx.budgets
                    .create_notification()
                    .account_id(account)
                    .budget_name(name)
                    .notification(req.clone())
                    .set_subscribers(Some(subs.clone()))
                    .send()
            },
        )
        .await?;
    }
    Ok(())
}

/// Brings an existing budget's tags to the wanted ones.
pub async fn change_tags(
    ctx: &AwsContext,
    account: &str,
    name: &str,
    delta: &TagDelta,
) -> Result<(), AwsError> {
    let resource = arn(ctx, account, name);
    if !delta.remove.is_empty() {
        call(
            &ctx.retry,
            Op::new("budgets", "UntagResource", name),
            || {
                ctx.budgets
                    .untag_resource()
                    .resource_arn(&resource)
                    .set_resource_tag_keys(Some(delta.remove.clone()))
                    .send()
            },
        )
        .await?;
    }
    if !delta.add.is_empty() {
        let tags = tags_of("TagResource", name, &delta.add)?;
        call(&ctx.retry, Op::new("budgets", "TagResource", name), || {
            ctx.budgets
                .tag_resource()
                .resource_arn(&resource)
                .set_resource_tags(Some(tags.clone()))
                .send()
        })
        .await?;
    }
    Ok(())
}

/// Deletes the budget and its notifications; one already gone is fine.
pub async fn delete(ctx: &AwsContext, account: &str, name: &str) -> Result<(), AwsError> {
    match call(&ctx.retry, Op::new("budgets", "DeleteBudget", name), || {
        ctx.budgets
            .delete_budget()
            .account_id(account)
            .budget_name(name)
            .send()
    })
    .await
    {
        Err(e) if e.is_not_found() => Ok(()),
        r => r.map(|_| ()),
    }
}
