//! `flywheel_crawler`: create and an empty plan, in-place updates proven by the crawler's
//! version in the emulator, equivalent `configuration` spellings, schedule and run-after-job
//! triggers added and removed, import, out-of-band drift repaired, IAM propagation retried,
//! destroy leaving nothing, and offline validation naming the attribute.

use anyhow::{bail, ensure, Context, Result};
use aws_sdk_glue::types::Crawler;

use crate::harness::*;

const ADDR: &str = "flywheel_crawler.c";
pub(crate) const ROLE: &str = "arn:aws:iam::123456789012:role/flywheel-acc-glue-role";

/// Creates the fixture roles standalone crawlers name (this file's and `job::ROLE`), if
/// missing: Glue refuses a crawler whose role does not exist.
pub(crate) async fn fixture_roles() {
    let aws = clients().await;
    for role in [ROLE, crate::job::ROLE] {
        ensure_role(&aws, role).await.expect("fixture role");
    }
}
pub(crate) const BUCKET: &str = "flywheel-acc-data";

/// A pipeline context literal whose tags carry the pipeline's identity (the crawler's own
/// `role_arn` and `database` win over the context's).
pub(crate) fn pipeline_context(pipeline_owner: &str) -> String {
    format!(
        r#"  pipeline = {{
    role_arn              = "{ROLE}"
    database              = "omc_flywheel_acc"
    data_bucket           = "{BUCKET}"
    assets_bucket         = "{BUCKET}"
    analysis_bucket       = "{BUCKET}"
    scripts_prefix        = "scripts/"
    temp_dir              = "s3://{BUCKET}/temporary/"
    spark_event_logs_path = "s3://{BUCKET}/sparkHistoryLogs/"
    tags                  = {{ "flywheel:pipeline-owner" = "{pipeline_owner}" }}
  }}"#
    )
}

/// Everything a test varies, rendered into one configuration.
#[derive(Clone)]
struct Cfg {
    name: String,
    targets: Vec<String>,
    prefix: Option<String>,
    extra: String,
}

impl Cfg {
    fn new(name: &str) -> Self {
        Cfg {
            name: name.to_string(),
            targets: vec![format!("s3://{BUCKET}/opus/{name}/raw_input/")],
            prefix: Some("addressable_".into()),
            extra: String::new(),
        }
    }

    fn extra(mut self, hcl: &str) -> Self {
        self.extra.push_str(hcl);
        self.extra.push('\n');
        self
    }

    fn hcl(&self) -> String {
        let targets: Vec<String> = self.targets.iter().map(|t| format!("{t:?}")).collect();
        let prefix = self
            .prefix
            .as_ref()
            .map(|p| format!("  table_prefix = {p:?}\n"))
            .unwrap_or_default();
        format!(
            r#"
provider "flywheel" {{}}

resource "flywheel_crawler" "c" {{
  name       = "{name}"
  role_arn   = "{ROLE}"
  database   = "omc_flywheel_acc"
  s3_targets = [{targets}]
{prefix}{extra}}}
"#,
            name = self.name,
            targets = targets.join(", "),
            extra = self.extra,
        )
    }
}

async fn get_crawler(ctx: &Ctx, name: &str) -> Result<Option<Crawler>> {
    match ctx.aws.glue.get_crawler().name(name).send().await {
        Ok(out) => Ok(out.crawler),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_entity_not_found_exception()) =>
        {
            Ok(None)
        }
        Err(e) => Err(e).context("GetCrawler"),
    }
}

pub(crate) async fn crawler(ctx: &Ctx, name: &str) -> Result<Crawler> {
    get_crawler(ctx, name)
        .await?
        .with_context(|| format!("crawler {name} is not in the emulator"))
}

pub(crate) async fn trigger(ctx: &Ctx, name: &str) -> Result<Option<aws_sdk_glue::types::Trigger>> {
    match ctx.aws.glue.get_trigger().name(name).send().await {
        Ok(out) => Ok(out.trigger),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_entity_not_found_exception()) =>
        {
            Ok(None)
        }
        Err(e) => Err(e).context("GetTrigger"),
    }
}

fn paths(c: &Crawler) -> Vec<String> {
    c.targets()
        .map(|t| {
            t.s3_targets()
                .iter()
                .filter_map(|s| s.path().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// After the destroy: neither the crawler nor its trigger is left in the emulator.
pub(crate) async fn nothing_left(ctx: Ctx, name: String) -> Result<()> {
    ensure!(
        get_crawler(&ctx, &name).await?.is_none(),
        "crawler {name} survived the destroy"
    );
    let t = format!("{name}-after-job");
    ensure!(
        trigger(&ctx, &t).await?.is_none(),
        "trigger {t} survived the destroy"
    );
    Ok(())
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_create_update_in_place_import_destroy() {
    if !acceptance_enabled("crawler_create_update_in_place_import_destroy") {
        return;
    }
    fixture_roles().await;
    let name = unique_name("crw-acc-basic");
    let v1 = Cfg::new(&name).extra(
        r#"  exclusions    = ["**/_temporary/**"]
  configuration = jsonencode({ Version = 1.0, Grouping = { TableGroupingPolicy = "CombineCompatibleSchemas" } })"#,
    );
    let mut v2 = v1.clone();
    v2.targets = vec![
        format!("s3://{BUCKET}/omc_cleanroom_data/{name}/a/"),
        format!("s3://{BUCKET}/omc_cleanroom_data/{name}/b/"),
    ];
    v2.prefix = Some("infobase_attributes_".into());
    let (n1, n2, n3, nd) = (name.clone(), name.clone(), name.clone(), name.clone());
    let first_target = v1.targets[0].clone();
    let new_targets = v2.targets.clone();
    TestCase::new()
        .step(
            Step::config(v1.hcl())
                .expect_resource_action(ADDR, &["create"])
                // managed_objects and the ARN are known at plan time.
                .expect_plan_text(r"aws_glue_crawler")
                .expect_plan_text(
                    r#"arn\s+= "arn:aws:glue:us-east-1:\d{12}:crawler/crw-acc-basic-"#,
                )
                .checks([
                    check_attr(ADDR, "id", &name),
                    check_attr_regex(
                        ADDR,
                        "arn",
                        &format!(r"^arn:aws:glue:us-east-1:\d{{12}}:crawler/{name}$"),
                    ),
                    check_attr(ADDR, "role_arn", ROLE),
                    check_attr(
                        ADDR,
                        "schema_change_policy.update_behavior",
                        "UPDATE_IN_DATABASE",
                    ),
                    check_attr(ADDR, "schema_change_policy.delete_behavior", "LOG"),
                    check_attr(ADDR, "recrawl_policy", "CRAWL_EVERYTHING"),
                    check_attr(ADDR, "managed_objects.#", "1"),
                    check_attr(ADDR, "managed_objects.0.type", "aws_glue_crawler"),
                    check_attr(
                        ADDR,
                        "tags_all.flywheel:managed-by",
                        "terraform-provider-flywheel",
                    ),
                ])
                .emulator_check(move |ctx| {
                    let (name, target) = (n1.clone(), first_target.clone());
                    async move {
                        let c = crawler(&ctx, &name).await?;
                        ensure!(paths(&c) == vec![target.clone()], "targets {:?}", paths(&c));
                        let excl = c
                            .targets()
                            .map(|t| t.s3_targets()[0].exclusions().to_vec())
                            .unwrap_or_default();
                        ensure!(
                            excl == vec!["**/_temporary/**".to_string()],
                            "exclusions {excl:?}"
                        );
                        ensure!(
                            c.table_prefix() == Some("addressable_"),
                            "prefix {:?}",
                            c.table_prefix()
                        );
                        ensure!(c.database_name() == Some("omc_flywheel_acc"));
                        let p = c
                            .schema_change_policy()
                            .context("no schema change policy")?;
                        ensure!(
                            p.update_behavior().map(|b| b.as_str()) == Some("UPDATE_IN_DATABASE")
                        );
                        ensure!(p.delete_behavior().map(|b| b.as_str()) == Some("LOG"));
                        ensure!(c.version() == 1, "version {}", c.version());
                        let tags = ctx
                            .aws
                            .glue
                            .get_tags()
                            .resource_arn(
                                ctx.state
                                    .attr(ADDR, "arn")?
                                    .and_then(|v| v.as_str().map(str::to_string))
                                    .unwrap_or_default(),
                            )
                            .send()
                            .await?;
                        ensure!(
                            tags.tags()
                                .and_then(|t| t.get("flywheel:managed-by"))
                                .map(String::as_str)
                                == Some("terraform-provider-flywheel"),
                            "ownership tag missing: {:?}",
                            tags.tags()
                        );
                        Ok(())
                    }
                }),
        )
        .step(
            Step::config(v2.hcl())
                .expect_resource_action(ADDR, &["update"])
                .checks([
                    check_attr(ADDR, "s3_targets.#", "2"),
                    check_attr(ADDR, "table_prefix", "infobase_attributes_"),
                ])
                .emulator_check(move |ctx| {
                    let (name, want) = (n2.clone(), new_targets.clone());
                    async move {
                        let c = crawler(&ctx, &name).await?;
                        let mut got = paths(&c);
                        got.sort();
                        ensure!(got == want, "targets {got:?}, expected {want:?}");
                        ensure!(
                            c.table_prefix() == Some("infobase_attributes_"),
                            "prefix {:?}",
                            c.table_prefix()
                        );
                        // UpdateCrawler bumps the version; a recreate would start again at 1.
                        ensure!(
                            c.version() == 2,
                            "expected an in-place update (version 2), got version {}",
                            c.version()
                        );
                        Ok(())
                    }
                }),
        )
        .step(Step::import_state_verify(ImportStateVerify::new(ADDR)))
        .step(Step::import_state_verify(
            ImportStateVerify::new(ADDR).import_block(),
        ))
        // A changed name replaces the crawler.
        .step({
            let mut renamed = v2.clone();
            renamed.name = format!("{name}-x");
            Step::config(renamed.hcl())
                .plan_only()
                .expect_non_empty_plan()
                .expect_resource_action(ADDR, &["delete", "create"])
        })
        .step(
            Step::config(v2.hcl().replace("omc_flywheel_acc", "omc_flywheel_other"))
                .plan_only()
                .expect_non_empty_plan()
                .expect_resource_action(ADDR, &["delete", "create"])
                .expect_plan_text("forces replacement"),
        )
        .check_destroy(move |ctx| {
            let name = n3.clone();
            let _ = &nd;
            nothing_left(ctx, name)
        })
        .run()
        .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_configuration_equivalent_spellings_never_diff() {
    if !acceptance_enabled("crawler_configuration_equivalent_spellings_never_diff") {
        return;
    }
    fixture_roles().await;
    let name = unique_name("crw-acc-config");
    let base = Cfg::new(&name);
    let jsonencoded = base.clone().extra(
        r#"  configuration = jsonencode({ Version = 1.0, Grouping = { TableGroupingPolicy = "CombineCompatibleSchemas" } })"#,
    );
    let heredoc = base.clone().extra(
        "  configuration = <<-EOT\n    {\n      \"Grouping\": {\"TableGroupingPolicy\": \"CombineCompatibleSchemas\"},\n      \"Version\": 1.0\n    }\n  EOT",
    );
    let literal = base.clone().extra(
        r#"  configuration = "{\"Version\":10e-1,\"CreatePartitionIndex\":true,\"Grouping\":{\"TableGroupingPolicy\":\"CombineCompatibleSchemas\"}}""#,
    );
    let different = base.clone().extra(
        r#"  configuration = jsonencode({ Version = 1.0, Grouping = { TableGroupingPolicy = "CombineCompatibleSchemas", TableLevelConfiguration = 3 } })"#,
    );
    let (n1, n2, n3) = (name.clone(), name.clone(), name.clone());
    TestCase::new()
        .step(Step::config(jsonencoded.hcl()))
        .step(Step::config(heredoc.hcl()).plan_only())
        .step(Step::config(literal.hcl()).plan_only())
        // Glue adding its own default (CreatePartitionIndex) and reformatting is no drift.
        .step(
            Step::config(heredoc.hcl())
                .pre_apply(move |ctx| {
                    let name = n1.clone();
                    async move {
                        ctx.aws
                            .glue
                            .update_crawler()
                            .name(&name)
                            .configuration(r#"{ "CreatePartitionIndex": true, "Version": 1, "Grouping": { "TableGroupingPolicy": "CombineCompatibleSchemas" } }"#)
                            .send()
                            .await?;
                        Ok(())
                    }
                })
                .plan_only(),
        )
        // A real change is one (so the steps above could have failed).
        .step(
            Step::config(different.hcl())
                .expect_resource_action(ADDR, &["update"])
                .emulator_check(move |ctx| {
                    let name = n2.clone();
                    async move {
                        let c = crawler(&ctx, &name).await?;
                        let conf = c.configuration().unwrap_or_default();
                        ensure!(conf.contains("TableLevelConfiguration"), "configuration {conf:?}");
                        Ok(())
                    }
                }),
        )
        // Removing the configuration resets it.
        .step(Step::config(base.hcl()).expect_resource_action(ADDR, &["update"]).check(check_no_attr(ADDR, "configuration")))
        .check_destroy(move |ctx| nothing_left(ctx, n3.clone()))
        .run()
        .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_schedule_and_run_after_job_added_and_removed() {
    if !acceptance_enabled("crawler_schedule_and_run_after_job_added_and_removed") {
        return;
    }
    fixture_roles().await;
    let name = unique_name("crw-acc-sched");
    let job = format!("etl-{name}");
    let plain = Cfg::new(&name);
    let scheduled = plain.clone().extra(&format!(
        "  schedule      = \"cron(0 4 * * ? *)\"\n  run_after_job = \"{job}\""
    ));
    let rate = plain.clone().extra("  schedule = \"rate(1 day)\"");
    let trig = format!("{name}-after-job");
    let (n1, n2, n3, n4, nd) = (
        name.clone(),
        name.clone(),
        name.clone(),
        name.clone(),
        name.clone(),
    );
    let (t1, t2, t3) = (trig.clone(), trig.clone(), trig.clone());
    let (job1, job2) = (job.clone(), job.clone());
    TestCase::new()
        .step(Step::config(plain.hcl()).check(check_attr(ADDR, "managed_objects.#", "1")))
        .step(
            Step::config(scheduled.hcl())
                .expect_resource_action(ADDR, &["update"])
                .expect_plan_text(&trig)
                .checks([
                    check_attr(ADDR, "managed_objects.#", "2"),
                    check_attr(ADDR, "managed_objects.1.type", "aws_glue_trigger"),
                    check_attr(ADDR, "managed_objects.1.name", &trig),
                ])
                .emulator_check(move |ctx| {
                    let (name, trig, job) = (n1.clone(), t1.clone(), job1.clone());
                    async move {
                        let c = crawler(&ctx, &name).await?;
                        let sched = c
                            .schedule()
                            .and_then(|s| s.schedule_expression())
                            .unwrap_or_default()
                            .to_string();
                        ensure!(sched == "cron(0 4 * * ? *)", "crawler schedule {sched:?}");
                        let t = trigger(&ctx, &trig)
                            .await?
                            .with_context(|| format!("trigger {trig} missing"))?;
                        ensure!(
                            t.r#type().map(|t| t.as_str()) == Some("CONDITIONAL"),
                            "type {:?}",
                            t.r#type()
                        );
                        let cond = t
                            .predicate()
                            .map(|p| p.conditions().to_vec())
                            .unwrap_or_default();
                        ensure!(
                            cond.len() == 1
                                && cond[0].job_name() == Some(job.as_str())
                                && cond[0].state().map(|s| s.as_str()) == Some("SUCCEEDED"),
                            "predicate {cond:?}"
                        );
                        let actions = t.actions();
                        ensure!(
                            actions.len() == 1 && actions[0].crawler_name() == Some(name.as_str()),
                            "actions {actions:?}"
                        );
                        ensure!(
                            t.state().map(|s| s.as_str()) == Some("ACTIVATED"),
                            "state {:?}",
                            t.state()
                        );
                        Ok(())
                    }
                }),
        )
        // Also after a failed run: the trigger is made again with one condition per state,
        // ANY of which starts the crawler; the refresh after it plans nothing.
        .step(
            Step::config(
                scheduled
                    .clone()
                    .extra("  run_after_job_states = [\"SUCCEEDED\", \"FAILED\"]")
                    .hcl(),
            )
            .expect_resource_action(ADDR, &["update"])
            .check(check_attr(ADDR, "run_after_job_states.#", "2"))
            .emulator_check(move |ctx| {
                let (trig, job) = (t3.clone(), job2.clone());
                async move {
                    let t = trigger(&ctx, &trig)
                        .await?
                        .with_context(|| format!("trigger {trig} missing"))?;
                    let p = t.predicate().context("no predicate")?;
                    ensure!(
                        p.logical().map(|l| l.as_str()) == Some("ANY"),
                        "logical {:?}",
                        p.logical()
                    );
                    let mut states: Vec<&str> = p
                        .conditions()
                        .iter()
                        .filter(|c| c.job_name() == Some(job.as_str()))
                        .filter_map(|c| c.state().map(|s| s.as_str()))
                        .collect();
                    states.sort();
                    ensure!(states == ["FAILED", "SUCCEEDED"], "conditions {states:?}");
                    Ok(())
                }
            }),
        )
        // rate(1 day) is sent as cron(0 0 * * ? *); the user's spelling stays in state.
        .step(
            Step::config(rate.hcl())
                .check(check_attr(ADDR, "schedule", "rate(1 day)"))
                .check(check_attr(ADDR, "managed_objects.#", "1"))
                .emulator_check(move |ctx| {
                    let (name, trig) = (n2.clone(), t2.clone());
                    async move {
                        let c = crawler(&ctx, &name).await?;
                        let sched = c
                            .schedule()
                            .and_then(|s| s.schedule_expression())
                            .unwrap_or_default()
                            .to_string();
                        ensure!(sched == "cron(0 0 * * ? *)", "crawler schedule {sched:?}");
                        ensure!(
                            trigger(&ctx, &trig).await?.is_none(),
                            "trigger {trig} should be gone"
                        );
                        Ok(())
                    }
                }),
        )
        .step(
            Step::config(plain.hcl())
                .check(check_no_attr(ADDR, "schedule"))
                .emulator_check(move |ctx| {
                    let name = n3.clone();
                    async move {
                        let c = crawler(&ctx, &name).await?;
                        let sched = c
                            .schedule()
                            .and_then(|s| s.schedule_expression())
                            .unwrap_or_default();
                        ensure!(sched.is_empty(), "schedule should be removed, is {sched:?}");
                        Ok(())
                    }
                }),
        )
        // Add the trigger back so the destroy must remove it.
        .step(Step::config(scheduled.hcl()))
        .check_destroy(move |ctx| {
            let _ = &n4;
            nothing_left(ctx, nd.clone())
        })
        .run()
        .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_out_of_band_delete_and_change_are_repaired() {
    if !acceptance_enabled("crawler_out_of_band_delete_and_change_are_repaired") {
        return;
    }
    fixture_roles().await;
    let name = unique_name("crw-acc-drift");
    let job = format!("etl-{name}");
    let cfg = Cfg::new(&name).extra(&format!("  run_after_job = \"{job}\""));
    let hcl = cfg.hcl();
    let target = cfg.targets[0].clone();
    let trig = format!("{name}-after-job");
    let (n1, n2, n3, n4, n5) = (
        name.clone(),
        name.clone(),
        name.clone(),
        name.clone(),
        name.clone(),
    );
    let (t1, t2) = (trig.clone(), trig.clone());
    let target1 = target.clone();
    TestCase::new()
        .step(Step::config(hcl.clone()))
        // Deleted out of band while its trigger is left: planned for replacement, so the
        // destroy half removes the trigger this instance owns and its identity is not lost.
        .step(
            Step::config(hcl.clone())
                .pre_apply(move |ctx| {
                    let name = n1.clone();
                    async move {
                        ctx.aws.glue.delete_crawler().name(&name).send().await?;
                        Ok(())
                    }
                })
                .plan_only()
                .expect_non_empty_plan()
                .expect_resource_action(ADDR, &["delete", "create"])
                .expect_plan_text(&format!(
                    r#"(?s)flywheel_crawler\.c must be replaced.*name\s*=\s*"{}""#,
                    regex::escape(&name)
                )),
        )
        .step(
            Step::config(hcl.clone())
                .expect_resource_action(ADDR, &["delete", "create"])
                .emulator_check(move |ctx| {
                    let name = n2.clone();
                    async move {
                        crawler(&ctx, &name).await?;
                        Ok(())
                    }
                }),
        )
        // Changed out of band (targets, prefix, policy, and the trigger deleted): an update.
        .step(
            Step::config(hcl.clone())
                .pre_apply(move |ctx| {
                    let (name, trig) = (n3.clone(), t1.clone());
                    async move {
                        ctx.aws
                            .glue
                            .update_crawler()
                            .name(&name)
                            .targets(
                                aws_sdk_glue::types::CrawlerTargets::builder()
                                    .s3_targets(
                                        aws_sdk_glue::types::S3Target::builder()
                                            .path(format!("s3://{BUCKET}/elsewhere/"))
                                            .build(),
                                    )
                                    .build(),
                            )
                            .table_prefix("changed_")
                            .schema_change_policy(
                                aws_sdk_glue::types::SchemaChangePolicy::builder()
                                    .update_behavior(aws_sdk_glue::types::UpdateBehavior::Log)
                                    .delete_behavior(
                                        aws_sdk_glue::types::DeleteBehavior::DeleteFromDatabase,
                                    )
                                    .build(),
                            )
                            .send()
                            .await?;
                        ctx.aws.glue.delete_trigger().name(&trig).send().await?;
                        Ok(())
                    }
                })
                .plan_only()
                .expect_non_empty_plan()
                .expect_resource_action(ADDR, &["update"])
                .expect_plan_text("changed_")
                .expect_plan_text("DELETE_FROM_DATABASE")
                .expect_plan_text(r"run_after_job\s+=\s+\S*etl-"),
        )
        .step(
            Step::config(hcl.clone())
                .expect_resource_action(ADDR, &["update"])
                .emulator_check(move |ctx| {
                    let (name, trig, target) = (n4.clone(), t2.clone(), target1.clone());
                    async move {
                        let c = crawler(&ctx, &name).await?;
                        ensure!(paths(&c) == vec![target.clone()], "targets {:?}", paths(&c));
                        ensure!(
                            c.table_prefix() == Some("addressable_"),
                            "prefix {:?}",
                            c.table_prefix()
                        );
                        let p = c.schema_change_policy().context("policy")?;
                        ensure!(p.delete_behavior().map(|b| b.as_str()) == Some("LOG"));
                        ensure!(
                            trigger(&ctx, &trig).await?.is_some(),
                            "trigger {trig} not recreated"
                        );
                        Ok(())
                    }
                }),
        )
        .check_destroy(move |ctx| nothing_left(ctx, n5.clone()))
        .run()
        .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_pipeline_context_and_iam_propagation() {
    if !acceptance_enabled("crawler_pipeline_context_and_iam_propagation") {
        return;
    }
    fixture_roles().await;
    let name = unique_name("crw-acc-ctx");
    // Glue answers the first two CreateCrawler calls for this crawler as it does while a
    // fresh role is not yet assumable; the provider must wait it out.
    let fault = serde_json::json!({
        "service": "glue",
        "operation": "CreateCrawler",
        "status": 400,
        "code": "InvalidInputException",
        "message": "Service is unable to assume provided role. Please verify role's TrustPolicy",
        "count": 2,
        "match": name,
    });
    let endpoint = emulator_settings().endpoint;
    let fault_id = add_fault(fault);
    let hcl = format!(
        r#"
provider "flywheel" {{}}

resource "flywheel_crawler" "c" {{
  name       = "{name}"
  pipeline   = {{
    role_arn              = "{ROLE}"
    database              = "omc_flywheel_ctx"
    data_bucket           = "{BUCKET}"
    assets_bucket         = "flywheel-acc-assets"
    analysis_bucket       = "flywheel-acc-analysis"
    scripts_prefix        = "scripts/"
    temp_dir              = "s3://flywheel-acc-assets/temporary/"
    spark_event_logs_path = "s3://flywheel-acc-assets/sparkHistoryLogs/"
    tags                  = {{ "flywheel:pipeline" = "acc", team = "data" }}
  }}
  s3_targets = ["s3://{BUCKET}/opus/{name}/"]
  tags       = {{ owner = "platform" }}
}}
"#
    );
    let (n1, n2) = (name.clone(), name.clone());
    let ep = endpoint.clone();
    TestCase::new()
        .step(
            Step::config(hcl)
                .checks([
                    check_attr(ADDR, "role_arn", ROLE),
                    check_attr(ADDR, "database", "omc_flywheel_ctx"),
                    check_attr(ADDR, "tags_all.team", "data"),
                    check_attr(ADDR, "tags_all.owner", "platform"),
                    check_attr(ADDR, "tags_all.flywheel:pipeline", "acc"),
                ])
                .emulator_check(move |ctx| {
                    let (name, ep) = (n1.clone(), ep.clone());
                    async move {
                        let c = crawler(&ctx, &name).await?;
                        ensure!(c.database_name() == Some("omc_flywheel_ctx"));
                        // The request log: the two injected failures, then a CreateCrawler that succeeded.
                        let out = std::process::Command::new("curl")
                            .args(["-sf"])
                            .arg(format!("{ep}/_flywheel/requests"))
                            .output()?;
                        let log: serde_json::Value = serde_json::from_slice(&out.stdout)?;
                        let requests = log
                            .get("requests")
                            .and_then(|r| r.as_array())
                            .cloned()
                            .unwrap_or_default();
                        let faulted: Vec<&serde_json::Value> = requests
                            .iter()
                            .filter(|r| r.get("fault").and_then(|f| f.as_u64()) == Some(fault_id))
                            .collect();
                        if faulted.len() != 2 {
                            bail!(
                                "the propagation fault should have fired twice, fired {}",
                                faulted.len()
                            );
                        }
                        let last_seq = faulted
                            .iter()
                            .filter_map(|r| r.get("seq").and_then(|s| s.as_u64()))
                            .max()
                            .unwrap_or(0);
                        let retried_ok = requests.iter().any(|r| {
                            r.get("operation").and_then(|o| o.as_str()) == Some("CreateCrawler")
                                && r.get("status").and_then(|s| s.as_u64()) == Some(200)
                                && r.get("seq")
                                    .and_then(|s| s.as_u64())
                                    .is_some_and(|s| s > last_seq)
                        });
                        ensure!(
                            retried_ok,
                            "no successful CreateCrawler after the injected failures"
                        );
                        Ok(())
                    }
                }),
        )
        .check_destroy(move |ctx| nothing_left(ctx, n2.clone()))
        .run()
        .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_invalid_configurations_fail_validate() {
    if !acceptance_enabled("crawler_invalid_configurations_fail_validate") {
        return;
    }
    let ok = Cfg::new("crw-acc-validate");
    let with = |extra: &str| ok.clone().extra(extra).hcl();
    let mut cases: Vec<(String, &str)> = vec![
        (Cfg { name: " crw-lead".into(), ..ok.clone() }.hcl(), r"Invalid name"),
        (Cfg { name: "c".repeat(246), ..ok.clone() }.hcl(), r"Invalid name"),
        (Cfg { targets: vec![], ..ok.clone() }.hcl(), r"Invalid s3_targets.*at least one"),
        (Cfg { targets: vec!["https://bucket/x/".into()], ..ok.clone() }.hcl(), r"Invalid s3_targets\[0\].*not an S3 URI"),
        (
            Cfg { targets: vec![format!("s3://{BUCKET}/a/"), "s3://Bad_Bucket/a/".into()], ..ok.clone() }.hcl(),
            r"Invalid s3_targets\[1\].*bucket name",
        ),
        (Cfg { prefix: Some("p".repeat(129)), ..ok.clone() }.hcl(), r"Invalid table_prefix.*at most 128"),
        (with("  schema_change_policy {\n    update_behavior = \"DELETE_FROM_DATABASE\"\n  }"), r"Invalid schema_change_policy\.update_behavior"),
        (with("  schema_change_policy {\n    delete_behavior = \"DROP\"\n  }"), r"Invalid schema_change_policy\.delete_behavior"),
        (with("  recrawl_policy = \"CRAWL_SOMETIMES\""), r"Invalid recrawl_policy"),
        (with("  recrawl_policy = \"CRAWL_NEW_FOLDERS_ONLY\""), r"Invalid recrawl_policy.*requires schema_change_policy"),
        (with("  schedule = \"cron(0 4 * * *)\""), r"Invalid schedule.*5 fields"),
        (with("  schedule = \"daily\""), r"Invalid schedule.*not a schedule"),
        (with("  configuration = \"{not json\""), r"Invalid configuration.*not valid JSON"),
        (
            with("  configuration = jsonencode({ Version = 1.0, CrawlerOutput = { Partitions = { Mode = \"x\" } } })"),
            r"Invalid configuration.*CrawlerOutput\.Partitions\.Mode is not a key Glue accepts",
        ),
        (with("  configuration = jsonencode({ Grouping = {} })"), r"Invalid configuration.*Version"),
        (with("  run_after_job = \"\""), r"Invalid run_after_job"),
        (
            with("  run_after_job = \"etl-x\"\n  run_after_job_states = [\"RUNNING\"]"),
            r"(?s)run_after_job_states: .*not a job run state",
        ),
        (
            with("  run_after_job_states = [\"FAILED\"]"),
            r"(?s)run_after_job_states: .*set `run_after_job`",
        ),
        (with("  tags = { \"aws:owner\" = \"x\" }"), r"reserved prefix"),
        (with("  running_crawler_timeout = \"thirty minutes\""), r"Invalid running_crawler_timeout.*not a duration"),
        (with("  running_crawler_timeout = \"48h\""), r"Invalid running_crawler_timeout.*longer than a day"),
    ];
    cases.push((
        ok.hcl().replace(
            &format!("  role_arn   = \"{ROLE}\"\n"),
            "  role_arn = \"glue-role\"\n",
        ),
        r"Invalid role_arn",
    ));
    cases.push((
        ok.hcl()
            .replace(&format!("  role_arn   = \"{ROLE}\"\n"), ""),
        r"Missing role",
    ));
    // The pipeline's database name rule: Glue lowercases names, spaces are not allowed.
    cases.push((
        ok.hcl().replace(
            "  database   = \"omc_flywheel_acc\"\n",
            "  database   = \"Bad Database!\"\n",
        ),
        r"Invalid database.*database: .*uppercase",
    ));
    cases.push((
        ok.hcl().replace(
            "  database   = \"omc_flywheel_acc\"\n",
            "  database   = \"bad database!\"\n",
        ),
        r"Invalid database.*database: .*lowercase letters, digits, underscores and hyphens",
    ));
    // A `replace` that no longer matches would leave the valid configuration: say so here
    // rather than as a missing error.
    let valid = ok.hcl();
    for (i, (hcl, pattern)) in cases.iter().enumerate() {
        assert_ne!(
            hcl, &valid,
            "case {i} ({pattern}) did not change the configuration"
        );
    }
    let mut case = TestCase::new().step(Step::config(ok.hcl()).validate_only());
    for (hcl, pattern) in cases {
        case = case.step(
            Step::config(hcl)
                .validate_only()
                .expect_error(&format!("(?s){pattern}")),
        );
    }
    case.run().await;
}

/// Adds a fault to the emulator and returns its id.
fn add_fault(fault: serde_json::Value) -> u64 {
    let endpoint = emulator_settings().endpoint;
    let out = std::process::Command::new("curl")
        .args([
            "-sf",
            "-X",
            "POST",
            "-H",
            "Content-Type: application/json",
            "-d",
            &fault.to_string(),
        ])
        .arg(format!("{endpoint}/_flywheel/faults"))
        .output()
        .expect("curl");
    assert!(
        out.status.success(),
        "adding the fault: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let added: serde_json::Value = serde_json::from_slice(&out.stdout).expect("fault JSON");
    added
        .pointer("/faults/0/id")
        .and_then(|v| v.as_u64())
        .expect("the emulator returns the fault's id")
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_failed_trigger_leaves_no_orphan() {
    if !acceptance_enabled("crawler_failed_trigger_leaves_no_orphan") {
        return;
    }
    fixture_roles().await;
    let name = unique_name("crw-acc-partial");
    add_fault(serde_json::json!({
        "service": "glue",
        "operation": "CreateTrigger",
        "status": 400,
        "code": "InvalidInputException",
        "message": "Injected: trigger rejected",
        "count": 1,
        "match": name,
    }));
    let hcl = Cfg::new(&name)
        .extra(&format!("  run_after_job = \"etl-{name}\""))
        .hcl();
    let (n1, n2) = (name.clone(), name.clone());
    TestCase::new()
        // The crawler exists when the trigger fails: it must be in the state with the error.
        .step(Step::config(hcl.clone()).expect_error("CreateTrigger failed"))
        .step(
            Step::config(hcl.clone())
                .plan_only()
                .expect_non_empty_plan()
                .pre_apply(move |ctx| {
                    let name = n1.clone();
                    async move {
                        ensure!(
                            ctx.state.resource(ADDR).is_some(),
                            "the crawler created before the failure is not in the state"
                        );
                        crawler(&ctx, &name).await?;
                        Ok(())
                    }
                }),
        )
        .step(Step::config(hcl).check(check_attr(ADDR, "managed_objects.#", "2")))
        .check_destroy(move |ctx| nothing_left(ctx, n2.clone()))
        .run()
        .await;
}

/// Creates a crawler through the SDK with another target and prefix, and the given tags.
pub(crate) async fn create_crawler_out_of_band(name: &str, tags: &[(&str, &str)]) -> Result<()> {
    let aws = clients().await;
    let tags: std::collections::HashMap<String, String> = tags
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    aws.glue
        .create_crawler()
        .name(name)
        .role(ROLE)
        .database_name("omc_flywheel_acc")
        .targets(
            aws_sdk_glue::types::CrawlerTargets::builder()
                .s3_targets(
                    aws_sdk_glue::types::S3Target::builder()
                        .path(format!("s3://{BUCKET}/elsewhere/"))
                        .build(),
                )
                .build(),
        )
        .table_prefix("stale_")
        .set_tags(Some(tags))
        .send()
        .await
        .context("CreateCrawler out of band")?;
    Ok(())
}

/// An apply killed after CreateCrawler leaves a crawler with that apply's identity, which
/// no state recorded, and its pipeline's: the next apply of the same pipeline adopts it and
/// converges it, with no error and no second crawler.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_create_adopts_a_crawler_its_pipeline_left_behind() {
    if !acceptance_enabled("crawler_create_adopts_a_crawler_its_pipeline_left_behind") {
        return;
    }
    fixture_roles().await;
    let name = unique_name("crw-acc-adopt");
    let pipeline_owner = "0123456789abcdef0123456789abcdef";
    create_crawler_out_of_band(
        &name,
        &[
            ("flywheel:managed-by", "terraform-provider-flywheel"),
            ("flywheel:owner", "fedcba9876543210fedcba9876543210"),
            ("flywheel:pipeline-owner", pipeline_owner),
        ],
    )
    .await
    .expect("left-behind crawler");
    let cfg = Cfg::new(&name)
        .extra("  tags = { team = \"data\" }")
        .extra(&pipeline_context(pipeline_owner));
    let target = cfg.targets[0].clone();
    let (n1, n2) = (name.clone(), name.clone());
    TestCase::new()
        .step(
            Step::config(cfg.hcl())
                .expect_resource_action(ADDR, &["create"])
                .checks([
                    check_attr(ADDR, "table_prefix", "addressable_"),
                    check_attr(ADDR, "tags_all.team", "data"),
                    check_attr(ADDR, "tags_all.flywheel:pipeline-owner", pipeline_owner),
                    check_attr_pair(ADDR, "owner_id", ADDR, "tags_all.flywheel:owner"),
                ])
                .emulator_check(move |ctx| {
                    let (name, target) = (n1.clone(), target.clone());
                    async move {
                        let c = crawler(&ctx, &name).await?;
                        ensure!(paths(&c) == vec![target], "targets {:?}", paths(&c));
                        ensure!(
                            c.table_prefix() == Some("addressable_"),
                            "{:?}",
                            c.table_prefix()
                        );
                        let listed = ctx.aws.glue.list_crawlers().send().await?;
                        let same = listed
                            .crawler_names()
                            .iter()
                            .filter(|n| **n == name)
                            .count();
                        ensure!(same == 1, "{same} crawlers named {name}");
                        let arn = ctx
                            .state
                            .attr(ADDR, "arn")?
                            .and_then(|v| v.as_str().map(str::to_string))
                            .context("no arn")?;
                        let tags = ctx.aws.glue.get_tags().resource_arn(arn).send().await?;
                        ensure!(
                            tags.tags().and_then(|t| t.get("team")).map(String::as_str)
                                == Some("data"),
                            "tags not converged: {tags:?}"
                        );
                        Ok(())
                    }
                }),
        )
        .check_destroy(move |ctx| nothing_left(ctx, n2.clone()))
        .run()
        .await;
}

/// A crawler of the same name that this instance did not create is neither taken over nor
/// touched, even with a copy of a flywheel crawler's tags: the apply fails naming it and
/// suggesting an import, and its definition and tags are unchanged after the destroy.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_create_refuses_a_crawler_it_did_not_create() {
    if !acceptance_enabled("crawler_create_refuses_a_crawler_it_did_not_create") {
        return;
    }
    fixture_roles().await;
    let name = unique_name("crw-acc-foreign");
    create_crawler_out_of_band(&name, crate::job::COPIED_TAGS)
        .await
        .expect("foreign crawler");
    let n = name.clone();
    TestCase::new()
        .step(Step::config(Cfg::new(&name).hcl()).expect_error(
            r#"(?s)Glue crawler "crw-acc-foreign-[^"]*" already exists.*terraform import flywheel_crawler"#,
        ))
        .check_destroy(move |ctx| {
            let name = n.clone();
            async move {
                ensure!(ctx.state.resource(ADDR).is_none(), "the foreign crawler entered the state");
                let c = crawler(&ctx, &name).await?;
                ensure!(c.table_prefix() == Some("stale_"), "the foreign crawler was changed");
                let arn = format!(
                    "arn:aws:glue:us-east-1:{}:crawler/{name}",
                    emulator_account_id().await?
                );
                let tags = ctx.aws.glue.get_tags().resource_arn(arn).send().await?;
                let tags: std::collections::BTreeMap<_, _> =
                    tags.tags().cloned().unwrap_or_default().into_iter().collect();
                let want: std::collections::BTreeMap<_, _> = crate::job::COPIED_TAGS
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                ensure!(tags == want, "the foreign crawler's tags changed: {tags:?}");
                ctx.aws.glue.delete_crawler().name(&name).send().await?;
                Ok(())
            }
        })
        .run()
        .await;
}
