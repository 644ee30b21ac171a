//! `flywheel_crawler` settings beyond targets and policies: `sample_size`, the S3 event
//! queues with `recrawl_policy = "CRAWL_EVENT_MODE"`, `lineage`, `security_configuration`,
//! `description`, `classifiers` and `lake_formation_configuration`. Each is created, read
//! back from the emulator, updated in place, imported, drifted out of band and repaired,
//! and removed (back to Glue's "not set", the provider's description).

use anyhow::{ensure, Context, Result};
use aws_sdk_glue::types::Crawler;

use crate::crawler::{crawler, fixture_roles, nothing_left, ROLE};
use crate::harness::*;

const ADDR: &str = "flywheel_crawler.c";
const QUEUE: &str = "arn:aws:sqs:us-east-1:123456789012:flywheel-acc-s3-events";
const DLQ: &str = "arn:aws:sqs:us-east-1:123456789012:flywheel-acc-s3-events-dlq";

fn hcl(name: &str, settings: &str) -> String {
    format!(
        r#"
provider "flywheel" {{}}

resource "flywheel_crawler" "c" {{
  name       = "{name}"
  role_arn   = "{ROLE}"
  database   = "omc_flywheel_acc"
  s3_targets = ["s3://flywheel-acc-data/opus/{name}/a/", "s3://flywheel-acc-data/opus/{name}/b/"]
{settings}
}}
"#
    )
}

const ALL: &str = r#"  sample_size            = 20
  recrawl_policy         = "CRAWL_EVENT_MODE"
  event_queue_arn        = "arn:aws:sqs:us-east-1:123456789012:flywheel-acc-s3-events"
  dlq_event_queue_arn    = "arn:aws:sqs:us-east-1:123456789012:flywheel-acc-s3-events-dlq"
  description            = "Raw input, catalogued nightly."
  classifiers            = ["flywheel-acc-csv", "flywheel-acc-json"]
  lineage                = true
  security_configuration = "flywheel-acc-sse"

  lake_formation_configuration {
    use_lake_formation_credentials = true
    account_id                     = "123456789012"
  }"#;

const CHANGED: &str = r#"  sample_size            = 100
  description            = "Raw input."
  classifiers            = ["flywheel-acc-json", "flywheel-acc-csv"]
  lineage                = false
  security_configuration = "flywheel-acc-sse-2"

  lake_formation_configuration {
    use_lake_formation_credentials = true
  }"#;

fn lineage(c: &Crawler) -> String {
    c.lineage_configuration()
        .and_then(|l| l.crawler_lineage_settings())
        .map(|l| l.as_str().to_string())
        .unwrap_or_default()
}

/// Every S3 target's (sample size, event queue, dead-letter queue).
fn target_options(c: &Crawler) -> Vec<(Option<i32>, Option<String>, Option<String>)> {
    c.targets()
        .map(|t| {
            t.s3_targets()
                .iter()
                .map(|s| {
                    (
                        s.sample_size(),
                        s.event_queue_arn().map(str::to_string),
                        s.dlq_event_queue_arn().map(str::to_string),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn check_all(ctx: &Ctx, name: &str) -> Result<()> {
    let c = crawler(ctx, name).await?;
    let want = (Some(20), Some(QUEUE.to_string()), Some(DLQ.to_string()));
    ensure!(
        target_options(&c) == vec![want.clone(), want],
        "targets {:?}",
        c.targets()
    );
    let recrawl = c.recrawl_policy().and_then(|r| r.recrawl_behavior());
    ensure!(
        recrawl.map(|r| r.as_str()) == Some("CRAWL_EVENT_MODE"),
        "{recrawl:?}"
    );
    ensure!(
        c.description() == Some("Raw input, catalogued nightly."),
        "{:?}",
        c.description()
    );
    ensure!(
        c.classifiers() == ["flywheel-acc-csv", "flywheel-acc-json"],
        "{:?}",
        c.classifiers()
    );
    ensure!(lineage(&c) == "ENABLE", "lineage {}", lineage(&c));
    ensure!(c.crawler_security_configuration() == Some("flywheel-acc-sse"));
    let lf = c
        .lake_formation_configuration()
        .context("no Lake Formation configuration")?;
    ensure!(
        lf.use_lake_formation_credentials() == Some(true)
            && lf.account_id() == Some("123456789012"),
        "{lf:?}"
    );
    Ok(())
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_settings_create_update_import_drift_and_remove() {
    if !acceptance_enabled("crawler_settings_create_update_import_drift_and_remove") {
        return;
    }
    fixture_roles().await;
    let name = unique_name("crw-acc-settings");
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
            Step::config(hcl(&name, ALL))
                .checks([
                    check_attr(ADDR, "sample_size", "20"),
                    check_attr(ADDR, "event_queue_arn", QUEUE),
                    check_attr(ADDR, "lineage", "true"),
                    check_attr(ADDR, "classifiers.1", "flywheel-acc-json"),
                    check_attr(
                        ADDR,
                        "lake_formation_configuration.0.account_id",
                        "123456789012",
                    ),
                ])
                .emulator_check(move |ctx| {
                    let name = n1.clone();
                    async move { check_all(&ctx, &name).await }
                }),
        )
        .step(Step::import_state_verify(ImportStateVerify::new(ADDR)))
        // Changed out of band: each setting is named in the plan, and the apply repairs it.
        .step(
            Step::config(hcl(&name, ALL))
                .pre_apply(move |ctx| {
                    let name = n2.clone();
                    async move {
                        ctx.aws
                            .glue
                            .update_crawler()
                            .name(&name)
                            .description("changed by hand")
                            .classifiers("flywheel-acc-other")
                            .lineage_configuration(
                                aws_sdk_glue::types::LineageConfiguration::builder()
                                    .crawler_lineage_settings(
                                        aws_sdk_glue::types::CrawlerLineageSettings::Disable,
                                    )
                                    .build(),
                            )
                            .crawler_security_configuration("")
                            .send()
                            .await?;
                        Ok(())
                    }
                })
                .plan_only()
                .expect_non_empty_plan()
                .expect_resource_action(ADDR, &["update"])
                .expect_plan_text("changed by hand")
                .expect_plan_text("flywheel-acc-other")
                .expect_plan_text(r"lineage\s+= false -> true")
                .expect_plan_text(r#"\+ security_configuration\s+= "flywheel-acc-sse""#),
        )
        .step(Step::config(hcl(&name, ALL)).emulator_check(move |ctx| {
            let name = n3.clone();
            async move { check_all(&ctx, &name).await }
        }))
        // Every setting changed in place (the version moves; a replacement would be 1).
        .step(
            Step::config(hcl(&name, CHANGED))
                .expect_resource_action(ADDR, &["update"])
                .emulator_check(move |ctx| {
                    let name = n4.clone();
                    async move {
                        let c = crawler(&ctx, &name).await?;
                        ensure!(c.version() > 1, "version {}", c.version());
                        ensure!(
                            target_options(&c)
                                == vec![(Some(100), None, None), (Some(100), None, None)],
                            "targets {:?}",
                            c.targets()
                        );
                        let recrawl = c.recrawl_policy().and_then(|r| r.recrawl_behavior());
                        ensure!(
                            recrawl.map(|r| r.as_str()) == Some("CRAWL_EVERYTHING"),
                            "{recrawl:?}"
                        );
                        ensure!(c.description() == Some("Raw input."));
                        ensure!(c.classifiers() == ["flywheel-acc-json", "flywheel-acc-csv"]);
                        ensure!(lineage(&c) == "DISABLE", "lineage {}", lineage(&c));
                        ensure!(c.crawler_security_configuration() == Some("flywheel-acc-sse-2"));
                        let lf = c
                            .lake_formation_configuration()
                            .context("no Lake Formation")?;
                        ensure!(lf.use_lake_formation_credentials() == Some(true));
                        ensure!(lf.account_id().unwrap_or_default().is_empty(), "{lf:?}");
                        Ok(())
                    }
                }),
        )
        .step(Step::import_state_verify(ImportStateVerify::new(ADDR)))
        // Removed: Glue's "not set" for each, and the provider's description.
        .step(
            Step::config(hcl(&name, ""))
                .expect_resource_action(ADDR, &["update"])
                .checks([
                    check_no_attr(ADDR, "description"),
                    check_no_attr(ADDR, "sample_size"),
                    check_attr(ADDR, "lineage", "false"),
                    check_no_attr(ADDR, "lake_formation_configuration.0"),
                ])
                .emulator_check(move |ctx| {
                    let name = n5.clone();
                    async move {
                        let c = crawler(&ctx, &name).await?;
                        ensure!(
                            target_options(&c) == vec![(None, None, None), (None, None, None)],
                            "targets {:?}",
                            c.targets()
                        );
                        ensure!(
                            c.description() == Some("Managed by terraform-provider-flywheel."),
                            "{:?}",
                            c.description()
                        );
                        ensure!(c.classifiers().is_empty(), "{:?}", c.classifiers());
                        ensure!(lineage(&c) != "ENABLE");
                        ensure!(c
                            .crawler_security_configuration()
                            .unwrap_or_default()
                            .is_empty());
                        let lf_on = c
                            .lake_formation_configuration()
                            .and_then(|l| l.use_lake_formation_credentials())
                            .unwrap_or(false);
                        ensure!(!lf_on, "Lake Formation still on");
                        Ok(())
                    }
                }),
        )
        .step(Step::import_state_verify(ImportStateVerify::new(ADDR)))
        .check_destroy(move |ctx| nothing_left(ctx, n6.clone()))
        .run()
        .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_settings_invalid_values_fail_validate() {
    if !acceptance_enabled("crawler_settings_invalid_values_fail_validate") {
        return;
    }
    let name = "crw-acc-settings-validate";
    let cases: Vec<(&str, &str)> = vec![
        ("  sample_size = 0", r"Invalid sample_size.*from 1 to 249"),
        ("  sample_size = 2.5", r"Invalid sample_size.*whole number"),
        ("  recrawl_policy = \"CRAWL_EVENT_MODE\"", r"Invalid event_queue_arn.*needs event_queue_arn"),
        (
            "  event_queue_arn = \"arn:aws:sqs:us-east-1:123456789012:q\"",
            r"Invalid event_queue_arn.*only with recrawl_policy",
        ),
        (
            "  recrawl_policy = \"CRAWL_EVENT_MODE\"\n  event_queue_arn = \"https://sqs.us-east-1.amazonaws.com/123456789012/q\"",
            r"Invalid event_queue_arn.*not an SQS queue ARN",
        ),
        (
            "  dlq_event_queue_arn = \"arn:aws:sqs:us-east-1:123456789012:d\"",
            r"Invalid dlq_event_queue_arn.*needs event_queue_arn",
        ),
        ("  description = \"bell\\u0007\"", r"Invalid description.*control characters"),
        ("  classifiers = [\"a\", \"a\"]", r"Invalid classifiers\[1\].*more than once"),
        ("  classifiers = [\"\"]", r"Invalid classifiers\[0\].*classifier name"),
        ("  security_configuration = \"\"", r"Invalid security_configuration"),
        (
            "  lake_formation_configuration {\n    account_id = \"12345\"\n  }",
            r"Invalid lake_formation_configuration\.account_id.*12-digit",
        ),
    ];
    let mut case = TestCase::new().step(Step::config(hcl(name, ALL)).validate_only());
    for (settings, pattern) in cases {
        case = case.step(
            Step::config(hcl(name, settings))
                .validate_only()
                .expect_error(&format!("(?s){pattern}")),
        );
    }
    case.run().await;
}
