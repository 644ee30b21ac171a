//! Glue crawlers: get, create, update and delete one crawler. Every call goes through
//! `retry::call`, so CreateCrawler and UpdateCrawler wait out IAM propagation of a fresh
//! role ("Service is unable to assume provided role").

use aws_sdk_glue::types::{
    CatalogTarget as GlueCatalogTarget, Crawler, CrawlerLineageSettings, CrawlerTargets,
    DeleteBehavior, DeltaTarget as GlueDeltaTarget, DynamoDbTarget as GlueDynamoDbTarget,
    HudiTarget as GlueHudiTarget, IcebergTarget as GlueIcebergTarget, JdbcMetadataEntry,
    JdbcTarget as GlueJdbcTarget, LakeFormationConfiguration, LineageConfiguration,
    MongoDbTarget as GlueMongoDbTarget, RecrawlBehavior, RecrawlPolicy, S3Target as GlueS3Target,
    SchemaChangePolicy, UpdateBehavior,
};

use crate::aws::coalesce::Answer;
use crate::aws::retry::{call, Op};
use crate::aws::{AwsContext, AwsError};
use crate::model::crawler::{DesiredCrawler, ObservedCrawler, S3Target};
use crate::model::crawler_settings::{LakeFormation, ObservedSettings};
use crate::model::crawler_targets::{
    CatalogTarget, DeltaTarget, DynamoDbTarget, JdbcTarget, MongoDbTarget, OtherTargets,
    TableFormatTarget,
};

/// The crawler, or `None` when it does not exist.
pub async fn get(ctx: &AwsContext, name: &str) -> Result<Option<ObservedCrawler>, AwsError> {
    Ok(fetch(ctx, name).await?.map(|c| observed(&c, name)))
}

/// GetCrawler's whole answer (its state and last crawl too: `glue::crawls`), or `None`
/// when the crawler does not exist.
pub(crate) async fn fetch(ctx: &AwsContext, name: &str) -> Result<Option<Crawler>, AwsError> {
    // Usually answered by a batch shared with concurrent reads (`glue::batch`).
    match ctx.glue_reads.crawler(ctx, name).await {
        Answer::Found(c) => return Ok(Some(c)),
        Answer::Missing => return Ok(None),
        Answer::Failed(e) => return Err(e),
        Answer::Unbatched => {}
    }
    match call(&ctx.retry, Op::new("glue", "GetCrawler", name), || {
        ctx.glue.get_crawler().name(name).send()
    })
    .await
    {
        Ok(out) => Ok(out.crawler),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
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
                    connection_name: named(s.connection_name()),
                    sample_size: s.sample_size().map(i64::from),
                    event_queue_arn: named(s.event_queue_arn()),
                    dlq_event_queue_arn: named(s.dlq_event_queue_arn()),
                })
                .collect()
        })
        .unwrap_or_default();
    let policy = c.schema_change_policy();
    let other_targets = c.targets().map(other_targets).unwrap_or_default();
    ObservedCrawler {
        name: c.name().unwrap_or(name).to_string(),
        role: c.role().map(str::to_string),
        database: c.database_name().map(str::to_string),
        targets,
        other_targets,
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
        settings: ObservedSettings {
            description: c.description().map(str::to_string),
            classifiers: c.classifiers().to_vec(),
            lineage: c
                .lineage_configuration()
                .and_then(|l| l.crawler_lineage_settings())
                .map(|l| l.as_str().to_string()),
            security_configuration: named(c.crawler_security_configuration()),
            lake_formation: c.lake_formation_configuration().map(|l| LakeFormation {
                use_credentials: l.use_lake_formation_credentials().unwrap_or(false),
                account_id: named(l.account_id()),
            }),
        },
    }
}

/// The targets beyond S3 as GetCrawler reports them.
fn other_targets(t: &CrawlerTargets) -> OtherTargets {
    let strings = |v: &[String]| v.to_vec();
    let table_format = |paths: &[String], conn: Option<&str>, x: &[String], depth: Option<i32>| {
        TableFormatTarget {
            paths: strings(paths),
            connection_name: named(conn),
            exclusions: strings(x),
            maximum_traversal_depth: depth.map(i64::from).unwrap_or_default(),
        }
    };
    OtherTargets {
        catalog: t
            .catalog_targets()
            .iter()
            .map(|c| CatalogTarget {
                database: c.database_name().to_string(),
                tables: strings(c.tables()),
                connection_name: named(c.connection_name()),
                event_queue_arn: named(c.event_queue_arn()),
                dlq_event_queue_arn: named(c.dlq_event_queue_arn()),
            })
            .collect(),
        jdbc: t
            .jdbc_targets()
            .iter()
            .map(|j| JdbcTarget {
                connection_name: j.connection_name().unwrap_or_default().to_string(),
                path: j.path().unwrap_or_default().to_string(),
                exclusions: strings(j.exclusions()),
                enable_additional_metadata: j
                    .enable_additional_metadata()
                    .iter()
                    .map(|m| m.as_str().to_string())
                    .collect(),
            })
            .collect(),
        dynamodb: t
            .dynamo_db_targets()
            .iter()
            .map(|d| DynamoDbTarget {
                path: d.path().unwrap_or_default().to_string(),
                scan_all: d.scan_all(),
                scan_rate_milli: d
                    .scan_rate()
                    .map(crate::model::crawler_targets::scan_rate_milli),
            })
            .collect(),
        mongodb: t
            .mongo_db_targets()
            .iter()
            .map(|m| MongoDbTarget {
                connection_name: m.connection_name().unwrap_or_default().to_string(),
                path: m.path().unwrap_or_default().to_string(),
                scan_all: m.scan_all(),
            })
            .collect(),
        delta: t
            .delta_targets()
            .iter()
            .map(|d| DeltaTarget {
                delta_tables: strings(d.delta_tables()),
                connection_name: named(d.connection_name()),
                write_manifest: d.write_manifest().unwrap_or(false),
                create_native_delta_table: d.create_native_delta_table(),
            })
            .collect(),
        iceberg: t
            .iceberg_targets()
            .iter()
            .map(|i| {
                table_format(
                    i.paths(),
                    i.connection_name(),
                    i.exclusions(),
                    i.maximum_traversal_depth(),
                )
            })
            .collect(),
        hudi: t
            .hudi_targets()
            .iter()
            .map(|h| {
                table_format(
                    h.paths(),
                    h.connection_name(),
                    h.exclusions(),
                    h.maximum_traversal_depth(),
                )
            })
            .collect(),
    }
}

/// `Some` of a list that is not empty (Glue takes an absent list and an empty one alike).
fn some_list(v: &[String]) -> Option<Vec<String>> {
    (!v.is_empty()).then(|| v.to_vec())
}

/// A name Glue may report as empty for none.
fn named(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_string)
}

/// Every kind is sent, empty when the crawler has none of it: UpdateCrawler replaces the
/// targets whole, so a kind left out would be removed anyway, and an empty list says so.
fn targets(want: &DesiredCrawler, operation: &'static str) -> Result<CrawlerTargets, AwsError> {
    let o = &want.other_targets;
    let catalog = o
        .catalog
        .iter()
        .map(|c| {
            GlueCatalogTarget::builder()
                .database_name(&c.database)
                .set_tables(Some(c.tables.clone()))
                .set_connection_name(c.connection_name.clone())
                .set_event_queue_arn(c.event_queue_arn.clone())
                .set_dlq_event_queue_arn(c.dlq_event_queue_arn.clone())
                .build()
                // Only a missing database or table list fails here; validation rules both out.
                .map_err(|e| AwsError {
                    service: "glue",
                    operation,
                    target: want.name.clone(),
                    kind: crate::aws::errors::ErrorKind::Validation,
                    code: None,
                    message: format!("catalog target of database {:?}: {e}", c.database),
                    status: None,
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let table_format = |t: &TableFormatTarget| {
        (
            Some(t.paths.clone()),
            t.connection_name.clone(),
            some_list(&t.exclusions),
            i32::try_from(t.maximum_traversal_depth).ok(),
        )
    };
    Ok(CrawlerTargets::builder()
        .set_catalog_targets(Some(catalog))
        .set_jdbc_targets(Some(
            o.jdbc
                .iter()
                .map(|j| {
                    GlueJdbcTarget::builder()
                        .connection_name(&j.connection_name)
                        .path(&j.path)
                        .set_exclusions(some_list(&j.exclusions))
                        .set_enable_additional_metadata(
                            (!j.enable_additional_metadata.is_empty()).then(|| {
                                j.enable_additional_metadata
                                    .iter()
                                    .map(|m| JdbcMetadataEntry::from(m.as_str()))
                                    .collect()
                            }),
                        )
                        .build()
                })
                .collect(),
        ))
        .set_dynamo_db_targets(Some(
            o.dynamodb
                .iter()
                .map(|d| {
                    GlueDynamoDbTarget::builder()
                        .path(&d.path)
                        .set_scan_all(d.scan_all)
                        .set_scan_rate(d.scan_rate_milli.map(|m| m as f64 / 1000.0))
                        .build()
                })
                .collect(),
        ))
        .set_mongo_db_targets(Some(
            o.mongodb
                .iter()
                .map(|m| {
                    GlueMongoDbTarget::builder()
                        .connection_name(&m.connection_name)
                        .path(&m.path)
                        .set_scan_all(m.scan_all)
                        .build()
                })
                .collect(),
        ))
        .set_delta_targets(Some(
            o.delta
                .iter()
                .map(|d| {
                    GlueDeltaTarget::builder()
                        .set_delta_tables(Some(d.delta_tables.clone()))
                        .set_connection_name(d.connection_name.clone())
                        .write_manifest(d.write_manifest)
                        .set_create_native_delta_table(d.create_native_delta_table)
                        .build()
                })
                .collect(),
        ))
        .set_iceberg_targets(Some(
            o.iceberg
                .iter()
                .map(|t| {
                    let (paths, conn, x, depth) = table_format(t);
                    GlueIcebergTarget::builder()
                        .set_paths(paths)
                        .set_connection_name(conn)
                        .set_exclusions(x)
                        .set_maximum_traversal_depth(depth)
                        .build()
                })
                .collect(),
        ))
        .set_hudi_targets(Some(
            o.hudi
                .iter()
                .map(|t| {
                    let (paths, conn, x, depth) = table_format(t);
                    GlueHudiTarget::builder()
                        .set_paths(paths)
                        .set_connection_name(conn)
                        .set_exclusions(x)
                        .set_maximum_traversal_depth(depth)
                        .build()
                })
                .collect(),
        ))
        .set_s3_targets(Some(
            want.targets
                .iter()
                .map(|t| {
                    GlueS3Target::builder()
                        .path(&t.path)
                        .set_exclusions((!t.exclusions.is_empty()).then(|| t.exclusions.clone()))
                        .set_connection_name(t.connection_name.clone())
                        .set_sample_size(t.sample_size.and_then(|n| i32::try_from(n).ok()))
                        .set_event_queue_arn(t.event_queue_arn.clone())
                        .set_dlq_event_queue_arn(t.dlq_event_queue_arn.clone())
                        .build()
                })
                .collect(),
        ))
        .build())
}

fn schema_change_policy(want: &DesiredCrawler) -> SchemaChangePolicy {
    SchemaChangePolicy::builder()
        .update_behavior(UpdateBehavior::from(want.update_behavior.as_str()))
        .delete_behavior(DeleteBehavior::from(want.delete_behavior.as_str()))
        .build()
}

fn lineage(want: &DesiredCrawler) -> LineageConfiguration {
    let setting = if want.settings.lineage {
        CrawlerLineageSettings::Enable
    } else {
        CrawlerLineageSettings::Disable
    };
    LineageConfiguration::builder()
        .crawler_lineage_settings(setting)
        .build()
}

/// Off (sent to remove a configuration: UpdateCrawler keeps what it is not given) when
/// not set.
fn lake_formation(want: &DesiredCrawler) -> LakeFormationConfiguration {
    let l = want.settings.lake_formation.clone().unwrap_or_default();
    LakeFormationConfiguration::builder()
        .use_lake_formation_credentials(l.use_credentials)
        .set_account_id(l.account_id)
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
        .description(want.settings.description_text())
        .targets(targets(want, "CreateCrawler")?)
        .set_table_prefix(want.table_prefix.clone())
        .schema_change_policy(schema_change_policy(want))
        .recrawl_policy(recrawl_policy(want))
        .set_schedule(want.schedule.clone())
        .set_configuration(want.configuration.clone())
        .set_classifiers(
            (!want.settings.classifiers.is_empty()).then(|| want.settings.classifiers.clone()),
        )
        .set_crawler_security_configuration(want.settings.security_configuration.clone())
        .set_lineage_configuration(want.settings.lineage.then(|| lineage(want)))
        .set_lake_formation_configuration(
            want.settings
                .lake_formation
                .is_some()
                .then(|| lake_formation(want)),
        )
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
/// removed are sent empty: no schedule, no prefix, the version-only configuration, no
/// classifiers, no security configuration, lineage and Lake Formation off, the provider's
/// description).
pub async fn update(ctx: &AwsContext, want: &DesiredCrawler) -> Result<(), AwsError> {
    let req = ctx
        .glue
        .update_crawler()
        .name(&want.name)
        .role(&want.role)
        .database_name(&want.database)
        .targets(targets(want, "UpdateCrawler")?)
        .table_prefix(want.table_prefix.clone().unwrap_or_default())
        .schema_change_policy(schema_change_policy(want))
        .recrawl_policy(recrawl_policy(want))
        .schedule(want.schedule.clone().unwrap_or_default())
        .configuration(
            want.configuration
                .clone()
                .unwrap_or_else(|| EMPTY_CONFIGURATION.to_string()),
        )
        .description(want.settings.description_text())
        .set_classifiers(Some(want.settings.classifiers.clone()))
        .crawler_security_configuration(
            want.settings
                .security_configuration
                .clone()
                .unwrap_or_default(),
        )
        .lineage_configuration(lineage(want))
        .lake_formation_configuration(lake_formation(want));
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
