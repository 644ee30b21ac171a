//! `flywheel_crawler` targets: the `s3_target` block form beside the `s3_targets` list, and
//! the targets beyond S3 (`catalog_target`, `jdbc_target`, `dynamodb_target`,
//! `mongodb_target`, `delta_target`, `iceberg_target`, `hudi_target`). Each is created and
//! checked in the emulator, imported (read back in the form that plans no change), updated
//! in place, drifted out of band and repaired; and Glue's rules fail `terraform validate`
//! naming the attribute.

use anyhow::{ensure, Result};
use aws_sdk_glue::types::{Crawler, CrawlerTargets, JdbcTarget, S3Target};

use crate::crawler::{crawler, fixture_roles, nothing_left, ROLE};
use crate::harness::*;

const ADDR: &str = "flywheel_crawler.c";
const QUEUE: &str = "arn:aws:sqs:us-east-1:123456789012:flywheel-acc-s3-events";

fn hcl(name: &str, body: &str) -> String {
    format!(
        r#"
provider "flywheel" {{}}

resource "flywheel_crawler" "c" {{
  name     = "{name}"
  role_arn = "{ROLE}"
  database = "omc_flywheel_acc"
{body}
}}
"#
    )
}

fn targets(c: &Crawler) -> CrawlerTargets {
    c.targets()
        .cloned()
        .unwrap_or_else(|| CrawlerTargets::builder().build())
}

/// (path, exclusions, connection, sample size) of an S3 target.
type S3Fields = (String, Vec<String>, Option<String>, Option<i32>);

/// Each S3 target's fields, in Glue's order.
fn s3(c: &Crawler) -> Vec<S3Fields> {
    targets(c)
        .s3_targets()
        .iter()
        .map(|t| {
            (
                t.path().unwrap_or_default().to_string(),
                t.exclusions().to_vec(),
                t.connection_name().map(str::to_string),
                t.sample_size(),
            )
        })
        .collect()
}

fn s3_blocks(name: &str, second_exclusions: &str, sample: u32) -> String {
    format!(
        r#"
  s3_target {{
    path            = "s3://flywheel-acc-data/opus/{name}/a/"
    connection_name = "flywheel-acc-vpc"
    exclusions      = ["**/_temporary/**"]
  }}

  s3_target {{
    path        = "s3://flywheel-acc-data/opus/{name}/b/"
    exclusions  = [{second_exclusions}]
    sample_size = {sample}
  }}"#
    )
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_targets_s3_blocks_create_import_update_drift() {
    if !acceptance_enabled("crawler_targets_s3_blocks_create_import_update_drift") {
        return;
    }
    fixture_roles().await;
    let name = unique_name("crw-acc-s3blocks");
    let (n1, n2, n3, n4, n5) = (
        name.clone(),
        name.clone(),
        name.clone(),
        name.clone(),
        name.clone(),
    );
    let a = format!("s3://flywheel-acc-data/opus/{name}/a/");
    let b = format!("s3://flywheel-acc-data/opus/{name}/b/");
    let (a1, b1, a2, b2) = (a.clone(), b.clone(), a.clone(), b.clone());
    TestCase::new()
        .step(
            Step::config(hcl(&name, &s3_blocks(&name, r#""*.crc""#, 10)))
                .checks([
                    check_attr(ADDR, "s3_target.0.connection_name", "flywheel-acc-vpc"),
                    check_attr(ADDR, "s3_target.1.sample_size", "10"),
                    check_attr(ADDR, "s3_target.1.exclusions.0", "*.crc"),
                    check_no_attr(ADDR, "s3_targets.0"),
                    check_no_attr(ADDR, "sample_size"),
                ])
                .emulator_check(move |ctx| {
                    let (name, a, b) = (n1.clone(), a1.clone(), b1.clone());
                    async move {
                        let c = crawler(&ctx, &name).await?;
                        let want = vec![
                            (
                                a,
                                vec!["**/_temporary/**".to_string()],
                                Some("flywheel-acc-vpc".to_string()),
                                None,
                            ),
                            (b, vec!["*.crc".to_string()], None, Some(10)),
                        ];
                        ensure!(s3(&c) == want, "S3 targets {:?}", s3(&c));
                        Ok(())
                    }
                }),
        )
        // The targets do not fit the list form (a connection, options per path): the
        // import reads them back as blocks, and plans no change.
        .step(Step::import_state_verify(
            ImportStateVerify::new(ADDR).import_block(),
        ))
        // In place: another exclusion and sample size (the version moves).
        .step(
            Step::config(hcl(&name, &s3_blocks(&name, r#""*.crc", "*.tmp""#, 20)))
                .expect_resource_action(ADDR, &["update"])
                .emulator_check(move |ctx| {
                    let (name, b) = (n2.clone(), b2.clone());
                    async move {
                        let c = crawler(&ctx, &name).await?;
                        ensure!(c.version() > 1, "version {}", c.version());
                        let got = s3(&c);
                        ensure!(
                            got.iter()
                                .any(|t| t.0 == b && t.1 == ["*.crc", "*.tmp"] && t.3 == Some(20)),
                            "S3 targets {got:?}"
                        );
                        Ok(())
                    }
                }),
        )
        // Out of band: the connection removed. The plan names it; the apply restores it.
        .step(
            Step::config(hcl(&name, &s3_blocks(&name, r#""*.crc", "*.tmp""#, 20)))
                .pre_apply(move |ctx| {
                    let (name, a) = (n3.clone(), a2.clone());
                    async move {
                        let c = crawler(&ctx, &name).await?;
                        let mut t = targets(&c);
                        let s3: Vec<S3Target> = t
                            .s3_targets()
                            .iter()
                            .map(|s| {
                                if s.path() == Some(a.as_str()) {
                                    S3Target::builder().path(&a).build()
                                } else {
                                    s.clone()
                                }
                            })
                            .collect();
                        t = CrawlerTargets::builder().set_s3_targets(Some(s3)).build();
                        ctx.aws
                            .glue
                            .update_crawler()
                            .name(&name)
                            .targets(t)
                            .send()
                            .await?;
                        Ok(())
                    }
                })
                .plan_only()
                .expect_non_empty_plan()
                .expect_resource_action(ADDR, &["update"])
                .expect_plan_text(r#"\+ connection_name\s+= "flywheel-acc-vpc""#),
        )
        .step(
            Step::config(hcl(&name, &s3_blocks(&name, r#""*.crc", "*.tmp""#, 20))).emulator_check(
                move |ctx| {
                    let name = n4.clone();
                    async move {
                        let c = crawler(&ctx, &name).await?;
                        let got = s3(&c);
                        ensure!(
                            got.iter()
                                .any(|t| t.2.as_deref() == Some("flywheel-acc-vpc")),
                            "the connection was not restored: {got:?}"
                        );
                        Ok(())
                    }
                },
            ),
        )
        .check_destroy(move |ctx| nothing_left(ctx, n5.clone()))
        .run()
        .await;
}

/// A crawler written with the list plans no change after import; rewriting the same
/// targets as blocks updates the state only (Glue is not called: the crawler's version
/// stays), and the blocks then plan no change.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_targets_import_picks_the_list_form_when_it_fits() {
    if !acceptance_enabled("crawler_targets_import_picks_the_list_form_when_it_fits") {
        return;
    }
    fixture_roles().await;
    let name = unique_name("crw-acc-s3form");
    let (n1, n2) = (name.clone(), name.clone());
    let blocks = format!(
        r#"
  s3_target {{
    path        = "s3://flywheel-acc-data/opus/{name}/a/"
    exclusions  = ["**/_temporary/**"]
    sample_size = 5
  }}

  s3_target {{
    path        = "s3://flywheel-acc-data/opus/{name}/b/"
    exclusions  = ["**/_temporary/**"]
    sample_size = 5
  }}"#
    );
    let list = format!(
        r#"  s3_targets = ["s3://flywheel-acc-data/opus/{name}/a/", "s3://flywheel-acc-data/opus/{name}/b/"]
  exclusions = ["**/_temporary/**"]
  sample_size = 5"#
    );
    TestCase::new()
        .step(Step::config(hcl(&name, &list)).checks([
            check_attr(
                ADDR,
                "s3_targets.1",
                format!("s3://flywheel-acc-data/opus/{name}/b/"),
            ),
            check_no_attr(ADDR, "s3_target.0"),
        ]))
        .step(Step::import_state_verify(
            ImportStateVerify::new(ADDR).import_block(),
        ))
        .step(
            Step::config(hcl(&name, &blocks))
                .expect_resource_action(ADDR, &["update"])
                .checks([
                    check_no_attr(ADDR, "s3_targets.0"),
                    check_attr(ADDR, "s3_target.1.sample_size", "5"),
                ])
                .emulator_check(move |ctx| {
                    let name = n2.clone();
                    async move {
                        let c = crawler(&ctx, &name).await?;
                        ensure!(
                            c.version() == 1,
                            "Glue was updated: version {}",
                            c.version()
                        );
                        Ok(())
                    }
                }),
        )
        .step(Step::config(hcl(&name, &blocks)).plan_only())
        .check_destroy(move |ctx| nothing_left(ctx, n1.clone()))
        .run()
        .await;
}

const CATALOG: &str = r#"
  recrawl_policy = "CRAWL_EVENT_MODE"

  schema_change_policy {
    update_behavior = "LOG"
    delete_behavior = "LOG"
  }

  catalog_target {
    database_name   = "omc_flywheel_acc"
    tables          = ["orders", "customers"]
    event_queue_arn = "arn:aws:sqs:us-east-1:123456789012:flywheel-acc-s3-events"
  }"#;

fn catalog_tables(c: &Crawler) -> Vec<(String, Vec<String>, Option<String>)> {
    targets(c)
        .catalog_targets()
        .iter()
        .map(|t| {
            (
                t.database_name().to_string(),
                t.tables().to_vec(),
                t.event_queue_arn().map(str::to_string),
            )
        })
        .collect()
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_targets_catalog_create_import_update_drift() {
    if !acceptance_enabled("crawler_targets_catalog_create_import_update_drift") {
        return;
    }
    fixture_roles().await;
    let name = unique_name("crw-acc-catalog");
    let (n1, n2, n3, n4) = (name.clone(), name.clone(), name.clone(), name.clone());
    let changed = CATALOG.replace(r#"["orders", "customers"]"#, r#"["orders"]"#);
    TestCase::new()
        .step(
            Step::config(hcl(&name, CATALOG))
                .checks([
                    check_attr(ADDR, "catalog_target.0.tables.1", "customers"),
                    check_no_attr(ADDR, "s3_targets.0"),
                    check_no_attr(ADDR, "event_queue_arn"),
                ])
                .emulator_check(move |ctx| {
                    let name = n1.clone();
                    async move {
                        let c = crawler(&ctx, &name).await?;
                        let want = vec![(
                            "omc_flywheel_acc".to_string(),
                            vec!["orders".to_string(), "customers".to_string()],
                            Some(QUEUE.to_string()),
                        )];
                        ensure!(catalog_tables(&c) == want, "{:?}", catalog_tables(&c));
                        ensure!(targets(&c).s3_targets().is_empty(), "{:?}", c.targets());
                        Ok(())
                    }
                }),
        )
        .step(Step::import_state_verify(
            ImportStateVerify::new(ADDR).import_block(),
        ))
        .step(
            Step::config(hcl(&name, &changed))
                .expect_resource_action(ADDR, &["update"])
                .emulator_check(move |ctx| {
                    let name = n2.clone();
                    async move {
                        let c = crawler(&ctx, &name).await?;
                        ensure!(c.version() > 1, "version {}", c.version());
                        let got = catalog_tables(&c);
                        ensure!(got.len() == 1 && got[0].1 == ["orders"], "{got:?}");
                        Ok(())
                    }
                }),
        )
        // Out of band: a table added. The plan names it; the apply removes it again.
        .step(
            Step::config(hcl(&name, &changed))
                .pre_apply(move |ctx| {
                    let name = n3.clone();
                    async move {
                        let t = CrawlerTargets::builder()
                            .catalog_targets(
                                aws_sdk_glue::types::CatalogTarget::builder()
                                    .database_name("omc_flywheel_acc")
                                    .tables("orders")
                                    .tables("by_hand")
                                    .event_queue_arn(QUEUE)
                                    .build()?,
                            )
                            .build();
                        ctx.aws
                            .glue
                            .update_crawler()
                            .name(&name)
                            .targets(t)
                            .send()
                            .await?;
                        Ok(())
                    }
                })
                .plan_only()
                .expect_non_empty_plan()
                .expect_resource_action(ADDR, &["update"])
                .expect_plan_text(r#"- "by_hand""#),
        )
        .step(
            Step::config(hcl(&name, &changed)).emulator_check(move |ctx| {
                let name = n4.clone();
                async move {
                    let c = crawler(&ctx, &name).await?;
                    let got = catalog_tables(&c);
                    ensure!(got.len() == 1 && got[0].1 == ["orders"], "{got:?}");
                    Ok(())
                }
            }),
        )
        // Glue reports the grouping it gives every crawler of catalog targets (above, none
        // was set, and the plans were empty); setting it explicitly plans empty after the
        // apply too. An import cannot tell the two apart and reads it as unset.
        .step(
            Step::config(hcl(
                &name,
                &format!(
                    "{changed}\n  configuration = jsonencode({{ Version = 1.0, Grouping = {{ TableGroupingPolicy = \"CombineCompatibleSchemas\" }} }})"
                ),
            ))
            .expect_resource_action(ADDR, &["update"]),
        )
        .step(Step::import_state_verify(
            ImportStateVerify::new(ADDR).ignore(["configuration"]),
        ))
        .check_destroy({
            let name = name.clone();
            move |ctx| nothing_left(ctx, name.clone())
        })
        .run()
        .await;
}

fn others(name: &str, scan_rate: &str, depth: u32) -> String {
    format!(
        r#"  s3_targets = ["s3://flywheel-acc-data/opus/{name}/raw/"]

  jdbc_target {{
    connection_name            = "flywheel-acc-postgres"
    path                       = "sales/public/%"
    exclusions                 = ["tmp_*"]
    enable_additional_metadata = ["COMMENTS"]
  }}

  dynamodb_target {{
    path      = "flywheel-acc-orders"
    scan_all  = false
    scan_rate = {scan_rate}
  }}

  mongodb_target {{
    connection_name = "flywheel-acc-mongo"
    path            = "shop/orders"
  }}

  delta_target {{
    delta_tables   = ["s3://flywheel-acc-data/delta/{name}/orders/"]
    write_manifest = true
  }}

  iceberg_target {{
    paths                   = ["s3://flywheel-acc-data/iceberg/{name}/"]
    maximum_traversal_depth = {depth}
  }}

  hudi_target {{
    paths                   = ["s3://flywheel-acc-data/hudi/{name}/"]
    exclusions              = ["**/.hoodie_partition_metadata"]
    maximum_traversal_depth = 5
  }}"#
    )
}

async fn check_others(ctx: &Ctx, name: &str, scan_rate: f64, depth: i32) -> Result<()> {
    let c = crawler(ctx, name).await?;
    let t = targets(&c);
    ensure!(t.s3_targets().len() == 1, "S3 {:?}", t.s3_targets());
    let j: &[JdbcTarget] = t.jdbc_targets();
    ensure!(
        j.len() == 1
            && j[0].connection_name() == Some("flywheel-acc-postgres")
            && j[0].path() == Some("sales/public/%")
            && j[0].exclusions() == ["tmp_*"]
            && j[0]
                .enable_additional_metadata()
                .iter()
                .map(|m| m.as_str())
                .eq(["COMMENTS"]),
        "JDBC {j:?}"
    );
    let d = t.dynamo_db_targets();
    ensure!(
        d.len() == 1
            && d[0].path() == Some("flywheel-acc-orders")
            && d[0].scan_all() == Some(false)
            && d[0].scan_rate() == Some(scan_rate),
        "DynamoDB {d:?}"
    );
    let m = t.mongo_db_targets();
    ensure!(
        m.len() == 1 && m[0].path() == Some("shop/orders") && m[0].scan_all() == Some(true),
        "MongoDB {m:?}"
    );
    let delta = t.delta_targets();
    ensure!(
        delta.len() == 1
            && delta[0].delta_tables() == [format!("s3://flywheel-acc-data/delta/{name}/orders/")]
            && delta[0].write_manifest() == Some(true)
            && delta[0].create_native_delta_table() == Some(false),
        "Delta {delta:?}"
    );
    let i = t.iceberg_targets();
    ensure!(
        i.len() == 1 && i[0].maximum_traversal_depth() == Some(depth),
        "Iceberg {i:?}"
    );
    let h = t.hudi_targets();
    ensure!(
        h.len() == 1
            && h[0].exclusions() == ["**/.hoodie_partition_metadata"]
            && h[0].maximum_traversal_depth() == Some(5),
        "Hudi {h:?}"
    );
    ensure!(t.catalog_targets().is_empty());
    Ok(())
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_targets_every_other_kind_create_import_update_drift() {
    if !acceptance_enabled("crawler_targets_every_other_kind_create_import_update_drift") {
        return;
    }
    fixture_roles().await;
    let name = unique_name("crw-acc-kinds");
    let (n1, n2, n3, n4, n5, n6) = (
        name.clone(),
        name.clone(),
        name.clone(),
        name.clone(),
        name.clone(),
        name.clone(),
    );
    TestCase::new()
        .step(
            Step::config(hcl(&name, &others(&name, "0.5", 3)))
                .checks([
                    // Glue's defaults, written out so that leaving them out plans the same.
                    check_attr(ADDR, "mongodb_target.0.scan_all", "true"),
                    check_attr(ADDR, "delta_target.0.create_native_delta_table", "false"),
                    check_attr(ADDR, "dynamodb_target.0.scan_rate", "0.5"),
                ])
                .emulator_check(move |ctx| {
                    let name = n1.clone();
                    async move { check_others(&ctx, &name, 0.5, 3).await }
                }),
        )
        .step(Step::import_state_verify(
            ImportStateVerify::new(ADDR).import_block(),
        ))
        .step(
            Step::config(hcl(&name, &others(&name, "1.2", 10)))
                .expect_resource_action(ADDR, &["update"])
                .emulator_check(move |ctx| {
                    let name = n2.clone();
                    async move {
                        let c = crawler(&ctx, &name).await?;
                        ensure!(c.version() > 1, "version {}", c.version());
                        check_others(&ctx, &name, 1.2, 10).await
                    }
                }),
        )
        .step(Step::import_state_verify(ImportStateVerify::new(ADDR)))
        // Out of band: the JDBC target's path changed and the Hudi target removed.
        .step(
            Step::config(hcl(&name, &others(&name, "1.2", 10)))
                .pre_apply(move |ctx| {
                    let name = n3.clone();
                    async move {
                        let c = crawler(&ctx, &name).await?;
                        let t = targets(&c);
                        let jdbc = JdbcTarget::builder()
                            .connection_name("flywheel-acc-postgres")
                            .path("sales/other/%")
                            .build();
                        let t = CrawlerTargets::builder()
                            .set_s3_targets(Some(t.s3_targets().to_vec()))
                            .jdbc_targets(jdbc)
                            .set_dynamo_db_targets(Some(t.dynamo_db_targets().to_vec()))
                            .set_mongo_db_targets(Some(t.mongo_db_targets().to_vec()))
                            .set_delta_targets(Some(t.delta_targets().to_vec()))
                            .set_iceberg_targets(Some(t.iceberg_targets().to_vec()))
                            .build();
                        ctx.aws
                            .glue
                            .update_crawler()
                            .name(&name)
                            .targets(t)
                            .send()
                            .await?;
                        Ok(())
                    }
                })
                .plan_only()
                .expect_non_empty_plan()
                .expect_resource_action(ADDR, &["update"])
                .expect_plan_text(r#"sales/other/%"#)
                .expect_plan_text(r#"\+ hudi_target"#),
        )
        .step(
            Step::config(hcl(&name, &others(&name, "1.2", 10))).emulator_check(move |ctx| {
                let name = n4.clone();
                async move { check_others(&ctx, &name, 1.2, 10).await }
            }),
        )
        // Kinds removed: Glue holds only what is left.
        .step(
            Step::config(hcl(
                &name,
                r#"  jdbc_target {
    connection_name = "flywheel-acc-postgres"
    path            = "sales/public/%"
  }"#,
            ))
            .expect_resource_action(ADDR, &["update"])
            .checks([
                check_no_attr(ADDR, "s3_targets.0"),
                check_no_attr(ADDR, "hudi_target.0"),
            ])
            .emulator_check(move |ctx| {
                let name = n5.clone();
                async move {
                    let c = crawler(&ctx, &name).await?;
                    let t = targets(&c);
                    ensure!(t.jdbc_targets().len() == 1, "{t:?}");
                    ensure!(
                        t.s3_targets().is_empty()
                            && t.dynamo_db_targets().is_empty()
                            && t.mongo_db_targets().is_empty()
                            && t.delta_targets().is_empty()
                            && t.iceberg_targets().is_empty()
                            && t.hudi_targets().is_empty(),
                        "{t:?}"
                    );
                    ensure!(t.jdbc_targets()[0].exclusions().is_empty(), "{t:?}");
                    Ok(())
                }
            }),
        )
        .step(Step::import_state_verify(
            ImportStateVerify::new(ADDR).import_block(),
        ))
        .check_destroy(move |ctx| nothing_left(ctx, n6.clone()))
        .run()
        .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_targets_invalid_values_fail_validate() {
    if !acceptance_enabled("crawler_targets_invalid_values_fail_validate") {
        return;
    }
    let name = "crw-acc-targets-validate";
    let s3 = r#"  s3_targets = ["s3://flywheel-acc-data/opus/x/"]"#;
    let block = r#"  s3_target {
    path = "s3://flywheel-acc-data/opus/y/"
  }"#;
    let catalog = r#"  catalog_target {
    database_name = "omc_flywheel_acc"
    tables        = ["orders"]
  }"#;
    let cases: Vec<(String, &str)> = vec![
        (String::new(), r"Invalid s3_targets.*at least one target"),
        (format!("{s3}\n{block}"), r"Invalid s3_target.*not both"),
        (format!("{block}\n  sample_size = 5"), r"Invalid sample_size.*each s3_target"),
        (format!("{block}\n  exclusions = [\"*.crc\"]"), r"Invalid exclusions.*each s3_target"),
        (format!("{s3}\n{catalog}"), r"Invalid catalog_target.*no other kind of target.*S3 targets"),
        (
            format!("{catalog}\n  schema_change_policy {{\n    delete_behavior = \"DEPRECATE_IN_DATABASE\"\n  }}"),
            r"Invalid schema_change_policy.*cannot deprecate tables",
        ),
        (
            format!("{catalog}\n  recrawl_policy = \"CRAWL_NEW_FOLDERS_ONLY\"\n  schema_change_policy {{\n    update_behavior = \"LOG\"\n  }}"),
            r"Invalid recrawl_policy.*S3 targets only",
        ),
        (
            r#"  s3_target {
    path            = "s3://flywheel-acc-data/opus/y/"
    event_queue_arn = "arn:aws:sqs:us-east-1:123456789012:q"
  }"#
            .into(),
            r"Invalid s3_target\[0\]\.event_queue_arn.*only with recrawl_policy",
        ),
        (
            r#"  s3_target {
    path        = "s3://flywheel-acc-data/opus/y/"
    sample_size = 250
  }"#
            .into(),
            r"Invalid sample_size.*from 1 to 249",
        ),
        (
            r#"  s3_target {
    path = "https://flywheel-acc-data/opus/y/"
  }"#
            .into(),
            r"Invalid s3_target\[0\]\.path",
        ),
        (
            r#"  catalog_target {
    database_name = "omc_flywheel_acc"
    tables        = []
  }"#
            .into(),
            r"Invalid tables.*at least one",
        ),
        (
            r#"  jdbc_target {
    connection_name            = "pg"
    path                       = "db/%"
    enable_additional_metadata = ["EVERYTHING"]
  }"#
            .into(),
            r"Invalid enable_additional_metadata\[0\].*COMMENTS, RAWTYPES",
        ),
        (
            r#"  dynamodb_target {
    path      = "orders"
    scan_rate = 2
  }"#
            .into(),
            r"Invalid dynamodb_target\[0\]\.scan_rate.*0\.1 to 1\.5",
        ),
        (
            r#"  mongodb_target {
    connection_name = "mongo"
    path            = "orders"
  }"#
            .into(),
            r"Invalid mongodb_target\[0\]\.path.*database/collection",
        ),
        (
            r#"  delta_target {
    delta_tables   = ["orders"]
    write_manifest = false
  }"#
            .into(),
            r"Invalid delta_tables\[0\]",
        ),
        (
            r#"  iceberg_target {
    paths                   = ["s3://flywheel-acc-data/iceberg/"]
    maximum_traversal_depth = 21
  }"#
            .into(),
            r"Invalid maximum_traversal_depth.*1 to 20",
        ),
        (
            r#"  hudi_target {
    paths                   = ["s3://flywheel-acc-data/hudi/"]
    maximum_traversal_depth = 0
  }
  recrawl_policy = "CRAWL_EVENT_MODE"
  event_queue_arn = "arn:aws:sqs:us-east-1:123456789012:q""#
                .into(),
            r"Invalid recrawl_policy.*S3 and catalog targets only",
        ),
    ];
    let mut case =
        TestCase::new().step(Step::config(hcl(name, &others(name, "0.5", 3))).validate_only());
    for (body, pattern) in cases {
        case = case.step(
            Step::config(hcl(name, &body))
                .validate_only()
                .expect_error(&format!("(?s){pattern}")),
        );
    }
    case.run().await;
}
