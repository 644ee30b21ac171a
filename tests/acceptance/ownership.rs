//! Ownership of the objects `flywheel_job` and `flywheel_crawler` expand into: a second
//! workspace with the same configuration takes nothing over, a lost create response
//! converges in the same apply, a job without a schedule leaves a `<job>-schedule` trigger it
//! did not create, a crawler leaves (and names) a recorded trigger it can no longer prove is
//! its own, and a state written by provider 0.1.0 upgrades to one that tags its objects with
//! its identity. (Copied tags and a same-pipeline leftover are in `job.rs`
//! and `crawler.rs`.)

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{anyhow, bail, ensure, Context as _, Result};

use crate::crawler::pipeline_context;
use crate::harness::*;
use crate::job::{
    check_nothing_left, create_bucket, get_job, object_body, trigger_exists, Fixture, ADDR, ROLE,
    SCRIPT_V1,
};

const CRAWLER: &str = "flywheel_crawler.c";

/// The emulator's control API, through curl like the other modules.
fn control(
    method: &str,
    path: &str,
    body: Option<&serde_json::Value>,
) -> Result<serde_json::Value> {
    let endpoint = emulator_settings().endpoint;
    let mut cmd = std::process::Command::new("curl");
    cmd.args(["-sf", "-X", method, "-H", "Content-Type: application/json"]);
    if let Some(b) = body {
        cmd.args(["-d", &b.to_string()]);
    }
    let out = cmd
        .arg(format!("{}{path}", endpoint.trim_end_matches('/')))
        .output()?;
    ensure!(
        out.status.success(),
        "{method} {path}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null))
}

/// Arms a lost-response fault for one Glue create and returns its id.
fn lose_response(operation: &str, name: &str) -> Result<u64> {
    let added = control(
        "POST",
        "/_flywheel/faults",
        Some(&serde_json::json!({
            "service": "glue", "operation": operation, "match": name, "lost_response": true,
        })),
    )?;
    added
        .pointer("/faults/0/id")
        .and_then(|v| v.as_u64())
        .ok_or_else(|| anyhow!("no fault id in {added}"))
}

/// The calls a fault applied to, from the emulator's request log.
fn fired(fault: u64) -> Result<Vec<serde_json::Value>> {
    let log = control("GET", "/_flywheel/requests", None)?;
    Ok(log
        .get("requests")
        .and_then(|r| r.as_array())
        .into_iter()
        .flatten()
        .filter(|r| r.get("fault").and_then(|f| f.as_u64()) == Some(fault))
        .cloned()
        .collect())
}

/// The lost-response fault fired: the backend acted and the client did not get its answer.
fn ensure_lost(fault: u64, what: &str) -> Result<()> {
    let calls = fired(fault)?;
    ensure!(
        calls
            .iter()
            .any(|r| r.get("lost_response").and_then(|l| l.as_bool()) == Some(true)),
        "the lost-response fault on {what} did not fire: {calls:?}"
    );
    Ok(())
}

async fn glue_tags(ctx: &Ctx, kind: &str, name: &str) -> Result<BTreeMap<String, String>> {
    let arn = format!(
        "arn:aws:glue:us-east-1:{}:{kind}/{name}",
        emulator_account_id().await?
    );
    let out = ctx.aws.glue.get_tags().resource_arn(arn).send().await?;
    Ok(out
        .tags()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .collect())
}

async fn object_tags(ctx: &Ctx, bucket: &str, key: &str) -> Result<BTreeMap<String, String>> {
    let out = ctx
        .aws
        .s3
        .get_object_tagging()
        .bucket(bucket)
        .key(key)
        .send()
        .await?;
    Ok(out
        .tag_set()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect())
}

fn state_str(ctx: &Ctx, address: &str, path: &str) -> Result<String> {
    ctx.state
        .attr(address, path)?
        .and_then(|v| v.as_str().map(str::to_string))
        .ok_or_else(|| anyhow!("{address}.{path} is not set"))
}

/// Two workspaces with the same job configuration: the second's apply fails before it
/// changes anything, its destroy leaves the first's job, trigger and script, and the first
/// still plans empty.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn second_workspace_takes_nothing_over() {
    if !acceptance_enabled("second_workspace_takes_nothing_over") {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let f = Fixture::new(dir.path(), "etl-acc-twice");
    std::fs::write(&f.script, SCRIPT_V1).expect("script");
    create_bucket(&clients().await, &f.bucket)
        .await
        .expect("bucket");
    let config = f.config(4, Some("cron(0 3 * * ? *)"));
    let (fx, fd, second) = (f.clone(), f.clone(), config.clone());
    TestCase::new()
        .step(Step::config(config.clone()))
        .step(
            Step::config(config)
                .pre_apply(move |ctx| {
                    let (f, second) = (fx.clone(), second.clone());
                    async move {
                        let owner = state_str(&ctx, ADDR, "owner_id")?;
                        let before = glue_tags(&ctx, "job", &f.job).await?;
                        let f2 = f.clone();
                        let owner2 = owner.clone();
                        // The second workspace: its own directory and state.
                        TestCase::new()
                            .step(Step::config(second).expect_error(
                                r#"(?s)Glue job "etl-acc-twice-[^"]*" already exists.*another Terraform state.*terraform import flywheel_job"#,
                            ))
                            .check_destroy(move |ctx| {
                                let (f, owner) = (f2.clone(), owner2.clone());
                                async move {
                                    ensure!(ctx.state.resource(ADDR).is_none(), "the job entered the second state");
                                    intact(&ctx, &f, &owner).await
                                }
                            })
                            .try_run()
                            .await
                            .map_err(|e| anyhow!("second workspace: {e}"))?;
                        ensure!(
                            glue_tags(&ctx, "job", &f.job).await? == before,
                            "the job's tags changed"
                        );
                        intact(&ctx, &f, &owner).await
                    }
                })
                .plan_only(),
        )
        .check_destroy(move |ctx| {
            let f = fd.clone();
            async move { check_nothing_left(&ctx.aws, &f).await }
        })
        .run()
        .await;
}

/// The first workspace's job, trigger and script exist, unchanged, with its identity.
async fn intact(ctx: &Ctx, f: &Fixture, owner: &str) -> Result<()> {
    let job = get_job(&ctx.aws, &f.job)
        .await?
        .ok_or_else(|| anyhow!("the first workspace's job was deleted"))?;
    ensure!(job.number_of_workers() == Some(4), "the job was changed");
    let trigger = format!("{}-schedule", f.job);
    ensure!(
        trigger_exists(&ctx.aws, &trigger).await?.is_some(),
        "the first workspace's trigger was deleted"
    );
    let body = object_body(&ctx.aws, &f.bucket, &f.key()).await?;
    ensure!(
        body.as_deref() == Some(SCRIPT_V1.as_bytes()),
        "the first workspace's script was changed or deleted: {body:?}"
    );
    for (what, tags) in [
        ("job", glue_tags(ctx, "job", &f.job).await?),
        ("trigger", glue_tags(ctx, "trigger", &trigger).await?),
        ("script", object_tags(ctx, &f.bucket, &f.key()).await?),
    ] {
        ensure!(
            tags.get("flywheel:owner").map(String::as_str) == Some(owner),
            "the {what} lost the first workspace's identity: {tags:?}"
        );
    }
    Ok(())
}

/// CreateJob and CreateTrigger take effect but their answers are lost: the SDK's retry
/// meets AlreadyExists, the objects carry this apply's identity, so the same apply adopts
/// them; exactly one of each exists and the next plan is empty.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_lost_create_responses_converge() {
    if !acceptance_enabled("job_lost_create_responses_converge") {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let f = Fixture::new(dir.path(), "etl-acc-lost");
    std::fs::write(&f.script, SCRIPT_V1).expect("script");
    create_bucket(&clients().await, &f.bucket)
        .await
        .expect("bucket");
    let trigger = format!("{}-schedule", f.job);
    let job_fault = lose_response("CreateJob", &f.job).expect("fault");
    let trigger_fault = lose_response("CreateTrigger", &trigger).expect("fault");
    let (fx, fd) = (f.clone(), f.clone());
    TestCase::new()
        .step(
            Step::config(f.config(4, Some("cron(0 3 * * ? *)")))
                .check(check_attr_pair(
                    ADDR,
                    "owner_id",
                    ADDR,
                    "tags_all.flywheel:owner",
                ))
                .emulator_check(move |ctx| {
                    let (f, trigger) = (fx.clone(), trigger.clone());
                    async move {
                        ensure_lost(job_fault, "CreateJob")?;
                        ensure_lost(trigger_fault, "CreateTrigger")?;
                        let jobs = ctx.aws.glue.list_jobs().send().await?;
                        let same = jobs.job_names().iter().filter(|n| **n == f.job).count();
                        ensure!(same == 1, "{same} jobs named {}", f.job);
                        let triggers = ctx.aws.glue.list_triggers().send().await?;
                        let same = triggers
                            .trigger_names()
                            .iter()
                            .filter(|n| **n == trigger)
                            .count();
                        ensure!(same == 1, "{same} triggers named {trigger}");
                        let owner = state_str(&ctx, ADDR, "owner_id")?;
                        intact(&ctx, &f, &owner).await
                    }
                }),
        )
        .check_destroy(move |ctx| {
            let f = fd.clone();
            async move { check_nothing_left(&ctx.aws, &f).await }
        })
        .run()
        .await;
}

/// CreateCrawler and CreateTrigger (run after a job) lose their answers: one apply
/// converges, with exactly one crawler and trigger, and the next plan is empty.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_lost_create_responses_converge() {
    if !acceptance_enabled("crawler_lost_create_responses_converge") {
        return;
    }
    crate::crawler::fixture_roles().await;
    emulator_settings().check_reachable().expect("emulator");
    let name = unique_name("crw-acc-lost");
    let trigger = format!("{name}-after-job");
    let crawler_fault = lose_response("CreateCrawler", &name).expect("fault");
    let trigger_fault = lose_response("CreateTrigger", &trigger).expect("fault");
    let hcl = crawler_config(&name, Some(&format!("etl-{name}")), "");
    let (n1, n2) = (name.clone(), name.clone());
    TestCase::new()
        .step(
            Step::config(hcl)
                .check(check_attr_pair(
                    CRAWLER,
                    "owner_id",
                    CRAWLER,
                    "tags_all.flywheel:owner",
                ))
                .emulator_check(move |ctx| {
                    let (name, trigger) = (n1.clone(), trigger.clone());
                    async move {
                        ensure_lost(crawler_fault, "CreateCrawler")?;
                        ensure_lost(trigger_fault, "CreateTrigger")?;
                        let listed = ctx.aws.glue.list_crawlers().send().await?;
                        let same = listed
                            .crawler_names()
                            .iter()
                            .filter(|n| **n == name)
                            .count();
                        ensure!(same == 1, "{same} crawlers named {name}");
                        let triggers = ctx.aws.glue.list_triggers().send().await?;
                        let same = triggers
                            .trigger_names()
                            .iter()
                            .filter(|n| **n == trigger)
                            .count();
                        ensure!(same == 1, "{same} triggers named {trigger}");
                        let owner = state_str(&ctx, CRAWLER, "owner_id")?;
                        for (kind, n) in [("crawler", &name), ("trigger", &trigger)] {
                            let tags = glue_tags(&ctx, kind, n).await?;
                            ensure!(
                                tags.get("flywheel:owner") == Some(&owner),
                                "{kind} {n} does not carry the identity: {tags:?}"
                            );
                        }
                        Ok(())
                    }
                }),
        )
        .check_destroy(move |ctx| crawler_gone(ctx, n2.clone()))
        .run()
        .await;
}

/// A trigger the state recorded, whose identity was removed behind Terraform's back, is no
/// longer provably this instance's: when the configuration drops `run_after_job`, the apply
/// leaves it, changes nothing and names it; once the identity is back, the apply deletes it.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_keeps_a_recorded_trigger_it_cannot_prove_is_its_own() {
    if !acceptance_enabled("crawler_keeps_a_recorded_trigger_it_cannot_prove_is_its_own") {
        return;
    }
    crate::crawler::fixture_roles().await;
    emulator_settings().check_reachable().expect("emulator");
    let name = unique_name("crw-acc-keep");
    let trigger = format!("{name}-after-job");
    let with = crawler_config(&name, Some(&format!("etl-{name}")), "");
    let without = crawler_config(&name, None, "");
    let (t1, t2, t3, n) = (trigger.clone(), trigger.clone(), trigger, name);
    async fn trigger_arn(name: &str) -> Result<String> {
        Ok(format!(
            "arn:aws:glue:us-east-1:{}:trigger/{name}",
            emulator_account_id().await?
        ))
    }
    TestCase::new()
        .step(Step::config(with))
        .step(
            Step::config(without.clone())
                .pre_apply(move |ctx| {
                    let t = t1.clone();
                    async move {
                        ctx.aws
                            .glue
                            .untag_resource()
                            .resource_arn(trigger_arn(&t).await?)
                            .tags_to_remove("flywheel:owner")
                            .send()
                            .await?;
                        Ok(())
                    }
                })
                .expect_error(r#"(?s)Glue trigger "crw-acc-keep-[^"]*-after-job" was not deleted"#),
        )
        .step(
            Step::config(without)
                .pre_apply(move |ctx| {
                    let t = t2.clone();
                    async move {
                        ensure!(
                            trigger_exists(&ctx.aws, &t).await?.is_some(),
                            "the refused apply deleted {t}"
                        );
                        let owner = state_str(&ctx, CRAWLER, "owner_id")?;
                        ctx.aws
                            .glue
                            .tag_resource()
                            .resource_arn(trigger_arn(&t).await?)
                            .tags_to_add("flywheel:owner", owner)
                            .send()
                            .await?;
                        Ok(())
                    }
                })
                .emulator_check(move |ctx| {
                    let t = t3.clone();
                    async move {
                        ensure!(
                            trigger_exists(&ctx.aws, &t).await?.is_none(),
                            "{t} was not deleted once it carried the identity again"
                        );
                        Ok(())
                    }
                }),
        )
        .check_destroy(move |ctx| crawler_gone(ctx, n.clone()))
        .run()
        .await;
}

fn crawler_config(name: &str, run_after_job: Option<&str>, extra: &str) -> String {
    let after = run_after_job
        .map(|j| format!("  run_after_job = {j:?}\n"))
        .unwrap_or_default();
    format!(
        r#"
resource "flywheel_crawler" "c" {{
  name       = "{name}"
  role_arn   = "{ROLE}"
  database   = "omc_flywheel_acc"
  s3_targets = ["s3://flywheel-acc-data/opus/{name}/"]
{after}{extra}}}
"#
    )
}

async fn crawler_gone(ctx: Ctx, name: String) -> Result<()> {
    let gone = match ctx.aws.glue.get_crawler().name(&name).send().await {
        Ok(_) => false,
        Err(e) => e
            .as_service_error()
            .is_some_and(|s| s.is_entity_not_found_exception()),
    };
    ensure!(gone, "crawler {name} survived the destroy");
    let t = format!("{name}-after-job");
    ensure!(
        ctx.aws.glue.get_trigger().name(&t).send().await.is_err(),
        "trigger {t} survived the destroy"
    );
    Ok(())
}

/// A `<job>-schedule` trigger someone else made (untagged, never in this state) is not
/// the job's: a job without a schedule neither reads it as its schedule nor deletes it, and
/// the destroy leaves it.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_without_schedule_leaves_a_trigger_it_did_not_create() {
    if !acceptance_enabled("job_without_schedule_leaves_a_trigger_it_did_not_create") {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let f = Fixture::new(dir.path(), "etl-acc-theirs");
    std::fs::write(&f.script, SCRIPT_V1).expect("script");
    let aws = clients().await;
    create_bucket(&aws, &f.bucket).await.expect("bucket");
    let trigger = format!("{}-schedule", f.job);
    aws.glue
        .create_trigger()
        .name(&trigger)
        .r#type(aws_sdk_glue::types::TriggerType::Scheduled)
        .schedule("cron(0 5 * * ? *)")
        .actions(
            aws_sdk_glue::types::Action::builder()
                .job_name(&f.job)
                .build(),
        )
        .start_on_creation(true)
        .send()
        .await
        .expect("someone else's trigger");
    let (t1, t2, fd) = (trigger.clone(), trigger.clone(), f.clone());
    TestCase::new()
        .step(
            Step::config(f.config(4, None))
                .check(check_no_attr(ADDR, "schedule"))
                .emulator_check(move |ctx| {
                    let t = t1.clone();
                    async move {
                        ensure!(
                            trigger_exists(&ctx.aws, &t).await?.is_some(),
                            "the apply deleted {t}"
                        );
                        ensure!(
                            glue_tags(&ctx, "trigger", &t).await?.is_empty(),
                            "the apply tagged {t}"
                        );
                        Ok(())
                    }
                }),
        )
        .check_destroy(move |ctx| {
            let (f, t) = (fd.clone(), t2.clone());
            async move {
                ensure!(
                    trigger_exists(&ctx.aws, &t).await?.is_some(),
                    "the destroy deleted {t}"
                );
                ctx.aws.glue.delete_trigger().name(&t).send().await?;
                check_nothing_left(&ctx.aws, &f).await
            }
        })
        .run()
        .await;
}

/// A schedule whose `<job>-schedule` trigger someone else made: the create is refused
/// before anything is written (no job, no script upload), naming the trigger, and the
/// trigger is left as it was.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_schedule_refused_when_its_trigger_name_is_taken() {
    if !acceptance_enabled("job_schedule_refused_when_its_trigger_name_is_taken") {
        return;
    }
    crate::crawler::fixture_roles().await;
    emulator_settings().check_reachable().expect("emulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let f = Fixture::new(dir.path(), "etl-acc-taken");
    std::fs::write(&f.script, SCRIPT_V1).expect("script");
    let aws = clients().await;
    create_bucket(&aws, &f.bucket).await.expect("bucket");
    let trigger = format!("{}-schedule", f.job);
    aws.glue
        .create_trigger()
        .name(&trigger)
        .r#type(aws_sdk_glue::types::TriggerType::Scheduled)
        .schedule("cron(0 5 * * ? *)")
        .actions(
            aws_sdk_glue::types::Action::builder()
                .job_name(&f.job)
                .build(),
        )
        .start_on_creation(true)
        .send()
        .await
        .expect("someone else's trigger");
    let (t, fd) = (trigger.clone(), f.clone());
    TestCase::new()
        .step(
            Step::config(f.config(4, Some("cron(0 3 * * ? *)"))).expect_error(
                r#"(?s)Glue trigger "etl-acc-taken-[^"]*-schedule" already exists.*Nothing was changed"#,
            ),
        )
        .check_destroy(move |ctx| {
            let (f, t) = (fd.clone(), t.clone());
            async move {
                ensure!(
                    ctx.state.resource(ADDR).is_none(),
                    "the refused job entered the state"
                );
                ensure!(
                    get_job(&ctx.aws, &f.job).await?.is_none(),
                    "the job was created"
                );
                ensure!(
                    object_body(&ctx.aws, &f.bucket, &f.key()).await?.is_none(),
                    "the script was uploaded"
                );
                let seen = trigger_exists(&ctx.aws, &t)
                    .await?
                    .ok_or_else(|| anyhow!("the trigger {t} was deleted"))?;
                ensure!(
                    seen.schedule() == Some("cron(0 5 * * ? *)"),
                    "the trigger was changed: {seen:?}"
                );
                ensure!(
                    glue_tags(&ctx, "trigger", &t).await?.is_empty(),
                    "the trigger was tagged"
                );
                ctx.aws.glue.delete_trigger().name(&t).send().await?;
                check_nothing_left(&ctx.aws, &f).await
            }
        })
        .run()
        .await;
}

// ---------------------------------------------------------------------------------------
// State upgrade from 0.1.0

const FIXTURE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/state-0.1.0");
/// The names in the fixture, replaced by each run's own.
const FIXTURE_JOB: &str = "flywheel-fixture-job";
const FIXTURE_CRAWLER: &str = "flywheel-fixture-crawler";
const FIXTURE_BUCKET: &str = "flywheel-fixture-assets";
const FIXTURE_SCRIPT: &str = "/tmp/wtg-p010/fixture.py";
const FIXTURE_SCRIPT_BODY: &str = "print('fixture v1')\n";
/// The fixture's crawler address (its job is `ADDR`).
const FIXTURE_CRAWLER_ADDR: &str = "flywheel_crawler.test";
const FIXTURE_ROLE: &str = "arn:aws:iam::123456789012:role/flywheel-acc-glue";

struct Upgrade {
    job: String,
    crawler: String,
    bucket: String,
    script: String,
}

impl Upgrade {
    fn rename(&self, text: &str) -> String {
        text.replace(FIXTURE_JOB, &self.job)
            .replace(FIXTURE_CRAWLER, &self.crawler)
            .replace(FIXTURE_BUCKET, &self.bucket)
            .replace(FIXTURE_SCRIPT, &self.script)
    }

    fn file(&self, name: &str) -> String {
        let text = std::fs::read_to_string(Path::new(FIXTURE_DIR).join(name))
            .unwrap_or_else(|e| panic!("reading the fixture {name}: {e}"));
        self.rename(&text)
    }

    /// The 0.1.0 tags: the constant tag, the pipeline's and the resource's.
    fn old_tags() -> BTreeMap<String, String> {
        [
            ("flywheel:managed-by", "terraform-provider-flywheel"),
            ("flywheel:pipeline", "acc"),
            ("team", "data"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    /// What provider 0.1.0 created for the fixture's configuration, made through the SDK.
    async fn create_objects(&self, aws: &Clients) -> Result<()> {
        use aws_sdk_glue::types::*;
        let tags: std::collections::HashMap<String, String> =
            Self::old_tags().into_iter().collect();
        // The crawler names the role: on a fresh emulator no other test has made it yet.
        ensure_role(aws, FIXTURE_ROLE).await?;
        create_bucket(aws, &self.bucket).await?;
        let key = format!("scripts/{}.py", self.job);
        aws.s3
            .put_object()
            .bucket(&self.bucket)
            .key(&key)
            .body(aws_sdk_s3::primitives::ByteStream::from_static(
                FIXTURE_SCRIPT_BODY.as_bytes(),
            ))
            .content_type("text/x-python")
            .metadata(
                "flywheel-sha256",
                "31cccf1fe59d843a9add9349125771b501aacb9a5f1c79b02490056a6e83e675",
            )
            .tagging("flywheel%3Amanaged-by=terraform-provider-flywheel")
            .send()
            .await
            .context("PutObject")?;
        let b = &self.bucket;
        let args: std::collections::HashMap<String, String> = [
            ("--TempDir", format!("s3://{b}/temporary/")),
            ("--enable-continuous-cloudwatch-log", "true".into()),
            ("--enable-metrics", "true".into()),
            ("--enable-spark-ui", "true".into()),
            ("--job-bookmark-option", "job-bookmark-enable".into()),
            (
                "--spark-event-logs-path",
                format!("s3://{b}/sparkHistoryLogs/"),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        aws.glue
            .create_job()
            .name(&self.job)
            .role(FIXTURE_ROLE)
            .command(
                JobCommand::builder()
                    .name("glueetl")
                    .script_location(format!("s3://{b}/{key}"))
                    .python_version("3")
                    .build(),
            )
            .worker_type(WorkerType::G1X)
            .number_of_workers(2)
            .timeout(600)
            .max_retries(2)
            .glue_version("4.0")
            .set_default_arguments(Some(args))
            .set_tags(Some(tags.clone()))
            .send()
            .await
            .context("CreateJob")?;
        aws.glue
            .create_trigger()
            .name(format!("{}-schedule", self.job))
            .r#type(TriggerType::Scheduled)
            .schedule("cron(0 3 * * ? *)")
            .actions(Action::builder().job_name(&self.job).build())
            .start_on_creation(true)
            .set_tags(Some(tags.clone()))
            .send()
            .await
            .context("CreateTrigger schedule")?;
        aws.glue
            .create_crawler()
            .name(&self.crawler)
            .role(FIXTURE_ROLE)
            .database_name("flywheel_acc")
            .targets(
                CrawlerTargets::builder()
                    .s3_targets(S3Target::builder().path(format!("s3://{b}/opus/")).build())
                    .build(),
            )
            .schema_change_policy(
                SchemaChangePolicy::builder()
                    .update_behavior(UpdateBehavior::UpdateInDatabase)
                    .delete_behavior(DeleteBehavior::Log)
                    .build(),
            )
            .recrawl_policy(
                RecrawlPolicy::builder()
                    .recrawl_behavior(RecrawlBehavior::CrawlEverything)
                    .build(),
            )
            .set_tags(Some(tags.clone()))
            .send()
            .await
            .context("CreateCrawler")?;
        aws.glue
            .create_trigger()
            .name(format!("{}-after-job", self.crawler))
            .r#type(TriggerType::Conditional)
            .predicate(
                Predicate::builder()
                    .logical(Logical::And)
                    .conditions(
                        Condition::builder()
                            .logical_operator(LogicalOperator::Equals)
                            .job_name(&self.job)
                            .state(JobRunState::Succeeded)
                            .build(),
                    )
                    .build(),
            )
            .actions(Action::builder().crawler_name(&self.crawler).build())
            .start_on_creation(true)
            .set_tags(Some(tags))
            .send()
            .await
            .context("CreateTrigger after-job")?;
        Ok(())
    }
}

/// Whether `after_unknown` marks anything unknown in this value (it holds empty objects
/// and lists for known nested values).
fn any_true(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::Array(a) => a.iter().any(any_true),
        serde_json::Value::Object(o) => o.values().any(any_true),
        _ => false,
    }
}

/// The attributes that differ between a planned change's `before` and `after`.
fn changed_attributes(plan: &Plan, address: &str) -> Result<Vec<String>> {
    let change = plan
        .resource_change(address)
        .ok_or_else(|| anyhow!("{address} is not in the plan"))?;
    let before = change
        .pointer("/change/before")
        .cloned()
        .unwrap_or_default();
    let after = change.pointer("/change/after").cloned().unwrap_or_default();
    let unknown = change
        .pointer("/change/after_unknown")
        .cloned()
        .unwrap_or_default();
    let mut keys: Vec<String> = before
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, v)| after.get(*k) != Some(*v) || unknown.get(*k).is_some_and(any_true))
        .map(|(k, _)| k.clone())
        .collect();
    keys.sort();
    Ok(keys)
}

/// A state provider 0.1.0 wrote (the fixture) plans without error, and only adds the
/// identity: `owner_id` known after apply and the owner tag in `tags_all`. The first apply
/// writes the owner tag on the job, its trigger and script, the crawler and its trigger,
/// and changes nothing else; the next plan is empty.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn state_from_0_1_0_upgrades_to_owner_tags() {
    if !acceptance_enabled("state_from_0_1_0_upgrades_to_owner_tags") {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let job = unique_name("etl-acc-upgrade");
    let u = Upgrade {
        crawler: format!("crw-{job}"),
        bucket: format!("{job}-assets"),
        script: dir.path().join("fixture.py").display().to_string(),
        job,
    };
    std::fs::write(&u.script, FIXTURE_SCRIPT_BODY).expect("script");
    let aws = clients().await;
    u.create_objects(&aws).await.expect("0.1.0 objects");
    let state = u.file("glue.tfstate.json");
    let config = u.file("glue.tf.txt");
    let (jx, cx, bx) = (u.job.clone(), u.crawler.clone(), u.bucket.clone());
    let (jd, cd, bd) = (u.job.clone(), u.crawler.clone(), u.bucket.clone());
    TestCase::new()
        .initial_state(state)
        .step(
            Step::config(config.clone())
                .plan_only()
                .expect_non_empty_plan()
                .expect_resource_action(ADDR, &["update"])
                .expect_resource_action(FIXTURE_CRAWLER_ADDR, &["update"])
                .plan_check(|plan| {
                    for address in [ADDR, FIXTURE_CRAWLER_ADDR] {
                        let changed = changed_attributes(plan, address)?;
                        ensure!(
                            changed == ["owner_id", "tags_all"],
                            "{address}: the upgrade plans more than the identity: {changed:?}\n{}",
                            plan.text
                        );
                    }
                    ensure!(plan.text.contains("\"flywheel:owner\""), "{}", plan.text);
                    Ok(())
                }),
        )
        .step(Step::config(config).emulator_check(move |ctx| {
            let (job, crawler, bucket) = (jx.clone(), cx.clone(), bx.clone());
            async move {
                let job_owner = state_str(&ctx, ADDR, "owner_id")?;
                let crawler_owner = state_str(&ctx, FIXTURE_CRAWLER_ADDR, "owner_id")?;
                ensure!(
                    job_owner != crawler_owner,
                    "two instances share an identity"
                );
                let with = |owner: &str| {
                    let mut t = Upgrade::old_tags();
                    t.insert("flywheel:owner".into(), owner.into());
                    t
                };
                for (kind, name, owner) in [
                    ("job", job.clone(), &job_owner),
                    ("trigger", format!("{job}-schedule"), &job_owner),
                    ("crawler", crawler.clone(), &crawler_owner),
                    ("trigger", format!("{crawler}-after-job"), &crawler_owner),
                ] {
                    let tags = glue_tags(&ctx, kind, &name).await?;
                    ensure!(tags == with(owner), "{kind} {name}: {tags:?}");
                }
                let key = format!("scripts/{job}.py");
                let tags = object_tags(&ctx, &bucket, &key).await?;
                ensure!(
                    tags.get("flywheel:owner") == Some(&job_owner),
                    "script tags: {tags:?}"
                );
                let j = get_job(&ctx.aws, &job).await?.context("job gone")?;
                ensure!(j.number_of_workers() == Some(2), "the job was changed");
                let body = object_body(&ctx.aws, &bucket, &key).await?;
                ensure!(body.as_deref() == Some(FIXTURE_SCRIPT_BODY.as_bytes()));
                Ok(())
            }
        }))
        .check_destroy(move |ctx| {
            let (job, crawler, bucket) = (jd.clone(), cd.clone(), bd.clone());
            async move {
                ensure!(get_job(&ctx.aws, &job).await?.is_none(), "job left");
                ensure!(
                    trigger_exists(&ctx.aws, &format!("{job}-schedule"))
                        .await?
                        .is_none(),
                    "trigger left"
                );
                crawler_gone(ctx.clone(), crawler).await?;
                let listed = ctx.aws.s3.list_objects_v2().bucket(&bucket).send().await?;
                if listed.key_count().unwrap_or(0) > 0 {
                    bail!("objects left in {bucket}: {:?}", listed.contents());
                }
                ctx.aws.s3.delete_bucket().bucket(&bucket).send().await?;
                Ok(())
            }
        })
        .run()
        .await;
}

/// A crawler of a pipeline context whose tags carry the pipeline's identity gets it too.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_carries_its_pipeline_identity() {
    if !acceptance_enabled("crawler_carries_its_pipeline_identity") {
        return;
    }
    crate::crawler::fixture_roles().await;
    let name = unique_name("crw-acc-pipe");
    let p = "89abcdef0123456789abcdef01234567";
    let n = name.clone();
    TestCase::new()
        .step(
            Step::config(crawler_config(
                &name,
                None,
                &format!("{}\n", pipeline_context(p)),
            ))
            .check(check_attr(CRAWLER, "tags_all.flywheel:pipeline-owner", p)),
        )
        .check_destroy(move |ctx| crawler_gone(ctx, n.clone()))
        .run()
        .await;
}

/// A new pipeline's identity is unknown at plan: a job whose context tags hold an unknown
/// value plans `tags_all` as unknown, and everything else (role, script location) as known;
/// the apply tags the job with the identity, and the next plan is empty.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_with_an_unknown_pipeline_identity_plans_the_rest() {
    if !acceptance_enabled("job_with_an_unknown_pipeline_identity_plans_the_rest") {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let f = Fixture::new(dir.path(), "etl-acc-unknown");
    std::fs::write(&f.script, SCRIPT_V1).expect("script");
    create_bucket(&clients().await, &f.bucket)
        .await
        .expect("bucket");
    let p = "fedcba98765432100123456789abcdef";
    let config = format!(
        "resource \"terraform_data\" \"pipeline_owner\" {{\n  input = \"{p}\"\n}}\n{}",
        f.config(4, None).replace(
            r#"tags                  = { "flywheel:pipeline" = "acc" }"#,
            r#"tags                  = { "flywheel:pipeline" = "acc", "flywheel:pipeline-owner" = terraform_data.pipeline_owner.output }"#,
        )
    );
    let (fx, fd) = (f.clone(), f.clone());
    TestCase::new()
        .step(
            Step::config(config)
                .plan_check(|plan| {
                    let change = plan
                        .resource_change(ADDR)
                        .ok_or_else(|| anyhow!("{ADDR} is not in the plan"))?;
                    let unknown = change
                        .pointer("/change/after_unknown")
                        .cloned()
                        .unwrap_or_default();
                    ensure!(
                        unknown.get("tags_all") == Some(&serde_json::Value::Bool(true)),
                        "tags_all: {unknown}"
                    );
                    for known in ["role_arn", "script_location", "arguments_all"] {
                        ensure!(
                            !unknown.get(known).is_some_and(any_true),
                            "{known} is unknown: {unknown}"
                        );
                    }
                    Ok(())
                })
                .check(check_attr(ADDR, "tags_all.flywheel:pipeline-owner", p))
                .emulator_check(move |ctx| {
                    let f = fx.clone();
                    async move {
                        let tags = glue_tags(&ctx, "job", &f.job).await?;
                        ensure!(
                            tags.get("flywheel:pipeline-owner").map(String::as_str) == Some(p),
                            "{tags:?}"
                        );
                        Ok(())
                    }
                }),
        )
        .check_destroy(move |ctx| {
            let f = fd.clone();
            async move { check_nothing_left(&ctx.aws, &f).await }
        })
        .run()
        .await;
}
