//! CloudWatch alarms on bucket size (`model::alarm`): DescribeAlarms and the tags (from the
//! tagging batch when it confirms the state, else ListTagsForResource) on refresh;
//! PutMetricAlarm (create and update, the whole alarm each time) with tags; tag changes;
//! DeleteAlarms. The pipeline's dashboard (`model::dashboard`): GetDashboard, PutDashboard,
//! DeleteDashboards.

use aws_sdk_cloudwatch::types::{
    AlarmType, ComparisonOperator, Dimension, Metric, MetricAlarm, MetricDataQuery, MetricStat, Tag,
};

use crate::aws::retry::{call, Op};
use crate::aws::tagging::{self, Agrees};
use crate::aws::{AwsContext, AwsError};
use crate::model::alarm::{self, SizeAlarm};
use crate::model::dashboard::{self, Dashboard};
use crate::model::tags::{TagDelta, Tags};

fn tags_of(tags: &Tags) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

fn alarm_arn(ctx: &AwsContext, name: &str) -> String {
    let account = ctx
        .identity
        .as_ref()
        .map(|i| i.account_id.as_str())
        .unwrap_or_default();
    format!(
        "arn:{}:cloudwatch:{}:{account}:alarm:{name}",
        ctx.partition, ctx.region
    )
}

/// The alarm with its tags; `None` when it does not exist. `agrees` (a refresh): whether a
/// batched tag answer is what the state recorded.
pub async fn read(
    ctx: &AwsContext,
    name: &str,
    agrees: Option<Agrees<'_>>,
) -> Result<Option<SizeAlarm>, AwsError> {
    // The batched tags are asked for beside DescribeAlarms, by the alarm's ARN.
    let batched = async {
        match agrees {
            Some(agrees) => {
                tagging::confirmed(ctx, "cloudwatch", &alarm_arn(ctx, name), agrees).await
            }
            None => Ok(None),
        }
    };
    let (out, batched) = futures::join!(
        call(
            &ctx.retry,
            Op::new("cloudwatch", "DescribeAlarms", name),
            || {
                ctx.cloudwatch
                    .describe_alarms()
                    .alarm_names(name)
                    .alarm_types(AlarmType::MetricAlarm)
                    .send()
            },
        ),
        batched,
    );
    let out = out?;
    let Some(a) = out
        .metric_alarms()
        .iter()
        .find(|a| a.alarm_name() == Some(name))
    else {
        return Ok(None);
    };
    if let Some(tags) = batched? {
        return Ok(Some(observed(a, tags)));
    }
    let arn = a
        .alarm_arn()
        .map(str::to_string)
        .unwrap_or_else(|| alarm_arn(ctx, name));
    let tags = match call(
        &ctx.retry,
        Op::new("cloudwatch", "ListTagsForResource", name),
        || {
            ctx.cloudwatch
                .list_tags_for_resource()
                .resource_arn(&arn)
                .send()
        },
    )
    .await
    {
        Ok(t) => t
            .tags()
            .iter()
            .filter_map(|t| Some((t.key()?.to_string(), t.value()?.to_string())))
            .collect(),
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(Some(observed(a, tags)))
}

fn dimension(stat: &MetricStat, name: &str) -> Option<String> {
    stat.metric()?
        .dimensions()
        .iter()
        .find(|d| d.name() == Some(name))
        .and_then(|d| d.value())
        .map(str::to_string)
}

/// DescribeAlarms' answer in model form. Anything not in the pipeline's shape (another
/// metric, period, statistic or expression) makes `shape` differ.
fn observed(a: &MetricAlarm, tags: Tags) -> SizeAlarm {
    let stats: Vec<&MetricStat> = a.metrics().iter().filter_map(|q| q.metric_stat()).collect();
    let first = stats.first();
    let namespace = first
        .and_then(|s| s.metric()?.namespace())
        .or(a.namespace())
        .unwrap_or_default();
    let metric = first
        .and_then(|s| s.metric()?.metric_name())
        .or(a.metric_name())
        .unwrap_or_default();
    let period = first.and_then(|s| s.period()).or(a.period()).unwrap_or(0);
    let statistic = first
        .and_then(|s| s.stat())
        .map(str::to_string)
        .or_else(|| a.statistic().map(|s| s.as_str().to_string()))
        .unwrap_or_default();
    // Every metric must be the same one but for its StorageType; otherwise the shape says so.
    let uniform = stats.iter().all(|s| {
        s.metric().and_then(|m| m.namespace()) == Some(namespace)
            && s.metric().and_then(|m| m.metric_name()) == Some(metric)
            && s.period() == Some(period)
            && s.stat() == Some(statistic.as_str())
    });
    let expression = a
        .metrics()
        .iter()
        .filter(|q| q.return_data() == Some(true))
        .filter_map(|q| q.expression())
        .collect::<Vec<_>>()
        .join("; ");
    let mut storage_types: Vec<String> = stats
        .iter()
        .filter_map(|s| dimension(s, "StorageType"))
        .collect();
    storage_types.sort();
    let bucket = first
        .and_then(|s| dimension(s, "BucketName"))
        .unwrap_or_default();
    SizeAlarm {
        bucket,
        storage_types,
        threshold_bytes: a.threshold().unwrap_or(f64::NAN),
        actions: a.alarm_actions().to_vec(),
        description: a.alarm_description().unwrap_or_default().to_string(),
        shape: alarm::shape(
            namespace,
            if uniform { metric } else { "(mixed metrics)" },
            period,
            &statistic,
            a.comparison_operator()
                .map(|c| c.as_str())
                .unwrap_or_default(),
            a.evaluation_periods().unwrap_or(0),
            a.treat_missing_data().unwrap_or_default(),
            &expression,
        ),
        tags,
    }
}

/// PutMetricAlarm with the whole alarm (it creates or replaces). `tags` are applied only
/// when the alarm is new; an existing alarm's tags change with [`change_tags`].
pub async fn put(ctx: &AwsContext, name: &str, want: &SizeAlarm) -> Result<(), AwsError> {
    let mut queries = Vec::new();
    for (i, storage_type) in want.storage_types.iter().enumerate() {
        let metric = Metric::builder()
            .namespace(alarm::NAMESPACE)
            .metric_name(alarm::METRIC)
            .dimensions(
                Dimension::builder()
                    .name("BucketName")
                    .value(&want.bucket)
                    .build(),
            )
            .dimensions(
                Dimension::builder()
                    .name("StorageType")
                    .value(storage_type)
                    .build(),
            )
            .build();
        let q = MetricDataQuery::builder()
            .id(format!("m{i}"))
            .metric_stat(
                MetricStat::builder()
                    .metric(metric)
                    .period(alarm::PERIOD_SECONDS)
                    .stat(alarm::STATISTIC)
                    .build(),
            )
            .return_data(false)
            .build();
        queries.push(q);
    }
    queries.push(
        MetricDataQuery::builder()
            .id("total")
            .label(format!("{} size (all storage types)", want.bucket))
            .expression(alarm::expression(want.storage_types.len()))
            .return_data(true)
            .build(),
    );
    let req = ctx
        .cloudwatch
        .put_metric_alarm()
        .alarm_name(name)
        .alarm_description(&want.description)
        .set_metrics(Some(queries))
        .threshold(want.threshold_bytes)
        .comparison_operator(ComparisonOperator::from(alarm::COMPARISON))
        .evaluation_periods(alarm::EVALUATION_PERIODS)
        .treat_missing_data(alarm::TREAT_MISSING_DATA)
        .set_alarm_actions(Some(want.actions.clone()))
        .actions_enabled(true)
        .set_tags(Some(tags_of(&want.tags)));
    call(
        &ctx.retry,
        Op::new("cloudwatch", "PutMetricAlarm", name),
        || req.clone().send(),
    )
    .await
    .map(|_| ())
}

/// Brings an existing alarm's tags to the wanted ones.
pub async fn change_tags(ctx: &AwsContext, name: &str, delta: &TagDelta) -> Result<(), AwsError> {
    let arn = alarm_arn(ctx, name);
    if !delta.remove.is_empty() {
        call(
            &ctx.retry,
            Op::new("cloudwatch", "UntagResource", name),
            || {
                ctx.cloudwatch
                    .untag_resource()
                    .resource_arn(&arn)
                    .set_tag_keys(Some(delta.remove.clone()))
                    .send()
            },
        )
        .await?;
    }
    if !delta.add.is_empty() {
        let tags = tags_of(&delta.add);
        call(
            &ctx.retry,
            Op::new("cloudwatch", "TagResource", name),
            || {
                ctx.cloudwatch
                    .tag_resource()
                    .resource_arn(&arn)
                    .set_tags(Some(tags.clone()))
                    .send()
            },
        )
        .await?;
    }
    Ok(())
}

/// Deletes the alarm; one already gone is fine (DeleteAlarms ignores unknown names).
pub async fn delete(ctx: &AwsContext, name: &str) -> Result<(), AwsError> {
    call(
        &ctx.retry,
        Op::new("cloudwatch", "DeleteAlarms", name),
        || ctx.cloudwatch.delete_alarms().alarm_names(name).send(),
    )
    .await
    .map(|_| ())
}

/// The pipeline's dashboard (`model::dashboard`); `None` when it does not exist.
pub async fn read_dashboard(ctx: &AwsContext, name: &str) -> Result<Option<Dashboard>, AwsError> {
    match call(
        &ctx.retry,
        Op::new("cloudwatch", "GetDashboard", name),
        || ctx.cloudwatch.get_dashboard().dashboard_name(name).send(),
    )
    .await
    {
        Ok(out) => Ok(Some(dashboard::observed(
            out.dashboard_body().unwrap_or_default(),
        ))),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// PutDashboard with the whole body (it creates or replaces).
pub async fn put_dashboard(ctx: &AwsContext, name: &str, want: &Dashboard) -> Result<(), AwsError> {
    let body = want.body.to_string();
    call(
        &ctx.retry,
        Op::new("cloudwatch", "PutDashboard", name),
        || {
            ctx.cloudwatch
                .put_dashboard()
                .dashboard_name(name)
                .dashboard_body(&body)
                .send()
        },
    )
    .await
    .map(|_| ())
}

/// Deletes the dashboard; one already gone is fine.
pub async fn delete_dashboard(ctx: &AwsContext, name: &str) -> Result<(), AwsError> {
    match call(
        &ctx.retry,
        Op::new("cloudwatch", "DeleteDashboards", name),
        || {
            ctx.cloudwatch
                .delete_dashboards()
                .dashboard_names(name)
                .send()
        },
    )
    .await
    {
        Err(e) if e.is_not_found() => Ok(()),
        r => r.map(|_| ()),
    }
}
