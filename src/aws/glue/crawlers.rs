//! Glue crawlers: get, create, update and delete one crawler. Every call goes through
//! `retry::call`, so CreateCrawler and UpdateCrawler wait out IAM propagation of a fresh
//! role ("Service is unable to assume provided role").

use aws_sdk_glue::types::{
    Crawler, CrawlerTargets, DeleteBehavior, RecrawlBehavior, RecrawlPolicy,
    S3Target as GlueS3Target, SchemaChangePolicy, UpdateBehavior,
};

use crate::aws::retry::{call, Op};
use crate::aws::{AwsContext, AwsError};
use crate::model::crawler::{DesiredCrawler, ObservedCrawler, S3Target};

/// The crawler, or `None` when it does not exist.
pub async fn get(ctx: &AwsContext, name: &str) -> Result<Option<ObservedCrawler>, AwsError> {
    let out = match call(&ctx.retry, Op::new("glue", "GetCrawler", name), || {
        ctx.glue.get_crawler().name(name).send()
    })
    .await
    {
        Ok(out) => out,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(out.crawler.as_ref().map(|c| observed(c, name)))
}

/// GetCrawler's answer in model form; every field may be missing, as the SDK allows.
pub(crate) fn observed(c: &Crawler, name: &str) -> ObservedCrawler {
    let targets = c
        .targets()
        .map(|t| {
            t.s3_targets()
                .iter()
                .map(|s| S3Target {
                    path: s.path().unwrap_or_default().to_string(),
                    exclusions: s.exclusions().to_vec(),
                })
                .collect()
        })
        .unwrap_or_default();
    let policy = c.schema_change_policy();
    ObservedCrawler {
        name: c.name().unwrap_or(name).to_string(),
        role: c.role().map(str::to_string),
        database: c.database_name().map(str::to_string),
        targets,
        table_prefix: c.table_prefix().map(str::to_string),
        update_behavior: policy
            .and_then(|p| p.update_behavior())
            .map(|b| b.as_str().to_string()),
        delete_behavior: policy
            .and_then(|p| p.delete_behavior())
            .map(|b| b.as_str().to_string()),
        recrawl_behavior: c
            .recrawl_policy()
            .and_then(|p| p.recrawl_behavior())
            .map(|b| b.as_str().to_string()),
        schedule: c
            .schedule()
            .and_then(|s| s.schedule_expression())
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        configuration: c
            .configuration()
            .filter(|s| !s.trim().is_empty())
            .map(str::to_string),
    }
}

fn targets(want: &DesiredCrawler) -> CrawlerTargets {
    CrawlerTargets::builder()
        .set_s3_targets(Some(
            want.targets
                .iter()
                .map(|t| {
                    GlueS3Target::builder()
                        .path(&t.path)
                        .set_exclusions((!t.exclusions.is_empty()).then(|| t.exclusions.clone()))
                        .build()
                })
                .collect(),
        ))
        .build()
}

fn schema_change_policy(want: &DesiredCrawler) -> SchemaChangePolicy {
    SchemaChangePolicy::builder()
        .update_behavior(UpdateBehavior::from(want.update_behavior.as_str()))
        .delete_behavior(DeleteBehavior::from(want.delete_behavior.as_str()))
        .build()
}

fn recrawl_policy(want: &DesiredCrawler) -> RecrawlPolicy {
    RecrawlPolicy::builder()
        .recrawl_behavior(RecrawlBehavior::from(want.recrawl_behavior.as_str()))
        .build()
}

/// Creates the crawler with its tags in one call.
pub async fn create(ctx: &AwsContext, want: &DesiredCrawler) -> Result<(), AwsError> {
    let req = ctx
        .glue
        .create_crawler()
        .name(&want.name)
        .role(&want.role)
        .database_name(&want.database)
        .description(description())
        .targets(targets(want))
        .set_table_prefix(want.table_prefix.clone())
        .schema_change_policy(schema_change_policy(want))
        .recrawl_policy(recrawl_policy(want))
        .set_schedule(want.schedule.clone())
        .set_configuration(want.configuration.clone())
        .set_tags(Some(want.tags.clone().into_iter().collect()));
    call(
        &ctx.retry,
        Op::new("glue", "CreateCrawler", &want.name),
        || req.clone().send(),
    )
    .await
    .map(|_| ())
}

/// Sets every managed field (UpdateCrawler changes only what it is given, so fields being
/// removed are sent empty: no schedule, no prefix, the version-only configuration).
pub async fn update(ctx: &AwsContext, want: &DesiredCrawler) -> Result<(), AwsError> {
    let req = ctx
        .glue
        .update_crawler()
        .name(&want.name)
        .role(&want.role)
        .database_name(&want.database)
        .targets(targets(want))
        .table_prefix(want.table_prefix.clone().unwrap_or_default())
        .schema_change_policy(schema_change_policy(want))
        .recrawl_policy(recrawl_policy(want))
        .schedule(want.schedule.clone().unwrap_or_default())
        .configuration(
            want.configuration
                .clone()
                .unwrap_or_else(|| EMPTY_CONFIGURATION.to_string()),
        );
    call(
        &ctx.retry,
        Op::new("glue", "UpdateCrawler", &want.name),
        || req.clone().send(),
    )
    .await
    .map(|_| ())
}

/// What "no configuration" is sent as when one is removed: Glue keeps a configuration that
/// UpdateCrawler omits.
pub const EMPTY_CONFIGURATION: &str = r#"{"Version":1.0}"#;

/// Deletes the crawler; one that is already gone is fine.
pub async fn delete(ctx: &AwsContext, name: &str) -> Result<(), AwsError> {
    match call(&ctx.retry, Op::new("glue", "DeleteCrawler", name), || {
        ctx.glue.delete_crawler().name(name).send()
    })
    .await
    {
        Err(e) if !e.is_not_found() => Err(e),
        _ => Ok(()),
    }
}

fn description() -> &'static str {
    "Managed by terraform-provider-flywheel."
}
