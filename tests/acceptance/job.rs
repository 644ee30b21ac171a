//! `flywheel_job`: create, in-place updates (script and workers), a schedule added and
//! removed, import, three kinds of out-of-band drift, destroy, and offline validation.
//! The pipeline is passed as an object literal of the context shape, and the assets
//! bucket is created through the SDK, since no resource makes buckets yet.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, bail, ensure, Context as _, Result};
use aws_sdk_glue::types::JobUpdate;
use sha2::{Digest, Sha256};

use crate::harness::*;

pub(crate) const ADDR: &str = "flywheel_job.test";
pub(crate) const ROLE: &str = "arn:aws:iam::123456789012:role/flywheel-acc-glue";

pub(crate) const SCRIPT_V1: &str = "print('compaction v1')\n";
const SCRIPT_V2: &str = "print('compaction v2')\n";

pub(crate) fn sha256_hex(s: &[u8]) -> String {
    Sha256::digest(s)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A copy of a flywheel job's tags: the old constant tag and another job's identity.
pub(crate) const COPIED_TAGS: &[(&str, &str)] = &[
    ("flywheel:managed-by", "terraform-provider-flywheel"),
    ("flywheel:owner", "00000000000000000000000000c0ffee"),
    ("flywheel:pipeline", "acc"),
];

/// One test's names and files.
#[derive(Clone)]
pub(crate) struct Fixture {
    pub(crate) job: String,
    pub(crate) bucket: String,
    pub(crate) script: PathBuf,
}

impl Fixture {
    pub(crate) fn new(dir: &Path, prefix: &str) -> Fixture {
        let job = unique_name(prefix);
        Fixture {
            bucket: format!("{job}-assets"),
            script: dir.join(format!("{job}.py")),
            job,
        }
    }

    pub(crate) fn key(&self) -> String {
        format!("scripts/{}.py", self.job)
    }

    /// The job with a pipeline context whose tags carry the pipeline's identity, as a
    /// `flywheel_pipeline` exports it.
    pub(crate) fn config_with_pipeline_owner(&self, workers: u32, pipeline_owner: &str) -> String {
        self.config(workers, None).replace(
            r#"tags                  = { "flywheel:pipeline" = "acc" }"#,
            &format!(
                r#"tags                  = {{ "flywheel:pipeline" = "acc", "flywheel:pipeline-owner" = "{pipeline_owner}" }}"#
            ),
        )
    }

    /// The job with the pipeline context as a literal.
    pub(crate) fn config(&self, workers: u32, schedule: Option<&str>) -> String {
        let schedule = schedule
            .map(|s| format!("  schedule          = {s:?}\n"))
            .unwrap_or_default();
        format!(
            r#"
resource "flywheel_job" "test" {{
  name = "{job}"
  pipeline = {{
    role_arn              = "{ROLE}"
    database              = "flywheel_acc"
    data_bucket           = "{bucket}"
    assets_bucket         = "{bucket}"
    analysis_bucket       = "{bucket}"
    scripts_prefix        = "scripts/"
    temp_dir              = "s3://{bucket}/temporary/"
    spark_event_logs_path = "s3://{bucket}/sparkHistoryLogs/"
    tags                  = {{ "flywheel:pipeline" = "acc" }}
  }}
  script            = "{script}"
  number_of_workers = {workers}
  glue_version      = "4.0"
  arguments         = {{ "--input_path" = "s3://{bucket}/opus/" }}
  tags              = {{ team = "data" }}
{schedule}}}
"#,
            job = self.job,
            bucket = self.bucket,
            script = self.script.display(),
        )
    }
}

pub(crate) async fn create_bucket(aws: &Clients, bucket: &str) -> Result<()> {
    aws.s3
        .create_bucket()
        .bucket(bucket)
        .send()
        .await
        .context("CreateBucket")?;
    Ok(())
}

pub(crate) async fn object_body(aws: &Clients, bucket: &str, key: &str) -> Result<Option<Vec<u8>>> {
    match aws.s3.get_object().bucket(bucket).key(key).send().await {
        Ok(o) => Ok(Some(o.body.collect().await?.into_bytes().to_vec())),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => Ok(None),
        Err(e) => Err(anyhow!("GetObject s3://{bucket}/{key}: {e:?}")),
    }
}

pub(crate) async fn get_job(aws: &Clients, name: &str) -> Result<Option<aws_sdk_glue::types::Job>> {
    match aws.glue.get_job().job_name(name).send().await {
        Ok(o) => Ok(o.job),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_entity_not_found_exception()) =>
        {
            Ok(None)
        }
        Err(e) => Err(anyhow!("GetJob {name}: {e:?}")),
    }
}

pub(crate) async fn trigger_exists(
    aws: &Clients,
    name: &str,
) -> Result<Option<aws_sdk_glue::types::Trigger>> {
    match aws.glue.get_trigger().name(name).send().await {
        Ok(o) => Ok(o.trigger),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_entity_not_found_exception()) =>
        {
            Ok(None)
        }
        Err(e) => Err(anyhow!("GetTrigger {name}: {e:?}")),
    }
}

/// Everything the job expands into is gone, then the test's bucket is removed.
pub(crate) async fn check_nothing_left(aws: &Clients, f: &Fixture) -> Result<()> {
    ensure!(
        get_job(aws, &f.job).await?.is_none(),
        "job {} still exists",
        f.job
    );
    ensure!(
        trigger_exists(aws, &format!("{}-schedule", f.job))
            .await?
            .is_none(),
        "trigger {}-schedule still exists",
        f.job
    );
    let listed = aws.s3.list_objects_v2().bucket(&f.bucket).send().await?;
    let keys: Vec<_> = listed.contents().iter().filter_map(|o| o.key()).collect();
    ensure!(keys.is_empty(), "objects left in {}: {keys:?}", f.bucket);
    aws.s3
        .delete_bucket()
        .bucket(&f.bucket)
        .send()
        .await
        .context("DeleteBucket")?;
    Ok(())
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_lifecycle() {
    if !acceptance_enabled("job_lifecycle") {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let f = Fixture::new(dir.path(), "etl-acc-life");
    std::fs::write(&f.script, SCRIPT_V1).expect("writing the script");
    let aws = clients().await;
    create_bucket(&aws, &f.bucket).await.expect("assets bucket");

    let created_on: Arc<Mutex<Option<i64>>> = Arc::default();
    let (v1, v2) = (
        sha256_hex(SCRIPT_V1.as_bytes()),
        sha256_hex(SCRIPT_V2.as_bytes()),
    );
    let location = format!("s3://{}/{}", f.bucket, f.key());
    let trigger = format!("{}-schedule", f.job);

    let fx = f.clone();
    let seen = created_on.clone();
    let step_create = Step::config(f.config(8, None))
        .checks([
            check_attr(ADDR, "id", &f.job),
            check_attr_regex(
                ADDR,
                "arn",
                &format!(r"^arn:aws:glue:us-east-1:\d{{12}}:job/{}$", f.job),
            ),
            check_attr(ADDR, "role_arn", ROLE),
            check_attr(ADDR, "script_location", &location),
            check_attr(ADDR, "script_sha256", &v1),
            check_attr(ADDR, "worker_type", "G.1X"),
            check_attr(ADDR, "timeout_minutes", "600"),
            check_attr(ADDR, "max_retries", "2"),
            check_attr(ADDR, "arguments.%", "1"),
            check_attr(ADDR, "arguments_all.--enable-metrics", "true"),
            check_attr(
                ADDR,
                "arguments_all.--TempDir",
                format!("s3://{}/temporary/", f.bucket),
            ),
            check_attr(
                ADDR,
                "arguments_all.--job-bookmark-option",
                "job-bookmark-enable",
            ),
            check_attr(ADDR, "tags_all.team", "data"),
            check_attr(ADDR, "tags_all.flywheel:pipeline", "acc"),
            check_attr(
                ADDR,
                "tags_all.flywheel:managed-by",
                "terraform-provider-flywheel",
            ),
            check_attr(ADDR, "managed_objects.#", "2"),
            check_attr(ADDR, "managed_objects.0.type", "aws_s3_object"),
            check_attr(ADDR, "managed_objects.1.type", "aws_glue_job"),
            // 8 G.1X workers for 10 hours; without a schedule, a day is at most every
            // worker of the one run all day; at us-east-1's $0.44.
            check_attr(ADDR, "max_dpu_hours_per_run", "80"),
            check_attr(ADDR, "max_dpu_hours_per_day", "192"),
            check_attr(ADDR, "max_cost_per_run_usd", "35.2"),
        ])
        .emulator_check(move |ctx| {
            let (f, seen) = (fx.clone(), seen.clone());
            async move {
                let job = get_job(&ctx.aws, &f.job)
                    .await?
                    .ok_or_else(|| anyhow!("job not created"))?;
                ensure!(
                    job.number_of_workers() == Some(8),
                    "workers {:?}",
                    job.number_of_workers()
                );
                ensure!(job.worker_type().map(|w| w.as_str()) == Some("G.1X"));
                ensure!(job.timeout() == Some(600) && job.max_retries() == 2);
                // AWS rejects MaxCapacity beside WorkerType and NumberOfWorkers: never sent.
                ensure!(
                    job.max_capacity().is_none(),
                    "MaxCapacity {:?} was sent with NumberOfWorkers",
                    job.max_capacity()
                );
                let args = job.default_arguments().cloned().unwrap_or_default();
                ensure!(
                    args.get("--enable-continuous-cloudwatch-log")
                        .map(String::as_str)
                        == Some("true"),
                    "{args:?}"
                );
                ensure!(args.contains_key("--input_path"), "{args:?}");
                *seen.lock().map_err(|_| anyhow!("poisoned"))? = job.created_on().map(|t| t.secs());
                let body = object_body(&ctx.aws, &f.bucket, &f.key()).await?;
                ensure!(
                    body.as_deref() == Some(SCRIPT_V1.as_bytes()),
                    "script object: {body:?}"
                );
                let tags = ctx
                    .aws
                    .glue
                    .get_tags()
                    .resource_arn(job_arn(&ctx, &f.job)?)
                    .send()
                    .await?;
                ensure!(
                    tags.tags().and_then(|t| t.get("team")).map(String::as_str) == Some("data")
                );
                Ok(())
            }
        });

    // The script and the worker count change: one in-place update, not a new job.
    let fx = f.clone();
    let seen = created_on.clone();
    let script_path = f.script.clone();
    let step_update = Step::config(f.config(12, None))
        .pre_apply(move |_| {
            let p = script_path.clone();
            async move { std::fs::write(&p, SCRIPT_V2).context("editing the script") }
        })
        .expect_resource_action(ADDR, &["update"])
        .expect_plan_text("script_sha256")
        // The worst case is in the plan, before anything is applied.
        .expect_plan_text(r"max_dpu_hours_per_run\s+= 80 -> 120")
        .checks([
            check_attr(ADDR, "script_sha256", &v2),
            check_attr(ADDR, "number_of_workers", "12"),
            check_attr(ADDR, "max_dpu_hours_per_run", "120"),
            check_attr(ADDR, "max_cost_per_run_usd", "52.8"),
        ])
        .emulator_check(move |ctx| {
            let (f, seen) = (fx.clone(), seen.clone());
            async move {
                let job = get_job(&ctx.aws, &f.job)
                    .await?
                    .ok_or_else(|| anyhow!("job gone"))?;
                ensure!(
                    job.number_of_workers() == Some(12),
                    "workers {:?}",
                    job.number_of_workers()
                );
                let before = *seen.lock().map_err(|_| anyhow!("poisoned"))?;
                let now = job.created_on().map(|t| t.secs());
                ensure!(
                    before.is_some() && before == now,
                    "job was recreated: CreatedOn {before:?} -> {now:?}"
                );
                let body = object_body(&ctx.aws, &f.bucket, &f.key()).await?;
                ensure!(
                    body.as_deref() == Some(SCRIPT_V2.as_bytes()),
                    "script object: {body:?}"
                );
                Ok(())
            }
        });

    let fx = f.clone();
    let tname = trigger.clone();
    let step_schedule = Step::config(f.config(12, Some("cron(0 3 * * ? *)")))
        .expect_resource_action(ADDR, &["update"])
        .checks([
            check_attr(ADDR, "schedule", "cron(0 3 * * ? *)"),
            check_attr(ADDR, "managed_objects.#", "3"),
            check_attr(ADDR, "managed_objects.2.name", &trigger),
        ])
        .emulator_check(move |ctx| {
            let (f, tname) = (fx.clone(), tname.clone());
            async move {
                let t = trigger_exists(&ctx.aws, &tname)
                    .await?
                    .ok_or_else(|| anyhow!("no trigger {tname}"))?;
                ensure!(t.r#type().map(|x| x.as_str()) == Some("SCHEDULED"), "{t:?}");
                ensure!(t.schedule() == Some("cron(0 3 * * ? *)"), "{t:?}");
                ensure!(
                    t.actions().first().and_then(|a| a.job_name()) == Some(f.job.as_str()),
                    "{t:?}"
                );
                Ok(())
            }
        });

    let tname = trigger.clone();
    let step_unschedule = Step::config(f.config(12, None))
        .expect_resource_action(ADDR, &["update"])
        .check(check_no_attr(ADDR, "schedule"))
        .emulator_check(move |ctx| {
            let tname = tname.clone();
            async move {
                ensure!(
                    trigger_exists(&ctx.aws, &tname).await?.is_none(),
                    "trigger {tname} still exists"
                );
                Ok(())
            }
        });

    // Import: `pipeline` and the local `script` path cannot be read from AWS, and without
    // `script` the uploaded object reads as an existing one in `managed_objects`. The
    // pipeline's paths are its assets bucket's defaults, so they read back as that
    // `script_bucket` (the form a standalone job would write).
    // `script_sha256` is the hash of the local `script`: not read for a job that does not
    // upload its script, which is what an imported job is until `script` is configured.
    let ignore = [
        "pipeline",
        "script",
        "script_sha256",
        "managed_objects",
        "script_bucket",
    ];
    let step_import = Step::import_state_verify(
        ImportStateVerify::new(ADDR)
            .id(f.job.clone())
            .ignore(ignore),
    );
    let step_import_block = Step::import_state_verify(
        ImportStateVerify::new(ADDR)
            .id(f.job.clone())
            .ignore(ignore)
            .import_block(),
    );

    // Drift 1: the worker count changed out of band (UpdateJob with the whole definition).
    let fx = f.clone();
    let drift_workers = Step::config(f.config(12, None))
        .pre_apply(move |ctx| {
            let f = fx.clone();
            async move {
                let job = get_job(&ctx.aws, &f.job)
                    .await?
                    .ok_or_else(|| anyhow!("job gone"))?;
                let update = JobUpdate::builder()
                    .set_role(job.role().map(str::to_string))
                    .set_command(job.command().cloned())
                    .set_worker_type(job.worker_type().cloned())
                    .number_of_workers(3)
                    .set_timeout(job.timeout())
                    .max_retries(job.max_retries())
                    .set_glue_version(job.glue_version().map(str::to_string))
                    .set_default_arguments(job.default_arguments().cloned())
                    .build();
                ctx.aws
                    .glue
                    .update_job()
                    .job_name(&f.job)
                    .job_update(update)
                    .send()
                    .await?;
                Ok(())
            }
        })
        .expect_resource_action(ADDR, &["update"])
        .expect_plan_text(r"number_of_workers\s*=\s*3\s*->\s*12")
        .emulator_check({
            let fx = f.clone();
            move |ctx| {
                let f = fx.clone();
                async move {
                    let job = get_job(&ctx.aws, &f.job)
                        .await?
                        .ok_or_else(|| anyhow!("job gone"))?;
                    ensure!(
                        job.number_of_workers() == Some(12),
                        "not repaired: {:?}",
                        job.number_of_workers()
                    );
                    Ok(())
                }
            }
        });

    // Drift 2: the script object overwritten behind Terraform's back.
    let fx = f.clone();
    let drift_script = Step::config(f.config(12, None))
        .pre_apply(move |ctx| {
            let f = fx.clone();
            async move {
                ctx.aws
                    .s3
                    .put_object()
                    .bucket(&f.bucket)
                    .key(f.key())
                    .body(aws_sdk_s3::primitives::ByteStream::from_static(
                        b"print('tampered')\n",
                    ))
                    .send()
                    .await?;
                Ok(())
            }
        })
        .expect_resource_action(ADDR, &["update"])
        // The job names its script child by hash: the tampered object's, then the file's.
        .expect_plan_text(&format!(
            r#"script_sha256\s*=\s*"{}"\s*->\s*"{}""#,
            sha256_hex(b"print('tampered')\n"),
            sha256_hex(SCRIPT_V2.as_bytes())
        ))
        .emulator_check({
            let fx = f.clone();
            move |ctx| {
                let f = fx.clone();
                async move {
                    let body = object_body(&ctx.aws, &f.bucket, &f.key()).await?;
                    ensure!(
                        body.as_deref() == Some(SCRIPT_V2.as_bytes()),
                        "script not repaired: {body:?}"
                    );
                    Ok(())
                }
            }
        });

    // Drift 3: the job deleted out of band: the plan recreates it.
    let fx = f.clone();
    let drift_deleted = Step::config(f.config(12, None))
        .pre_apply(move |ctx| {
            let f = fx.clone();
            async move {
                ctx.aws.glue.delete_job().job_name(&f.job).send().await?;
                Ok(())
            }
        })
        .expect_resource_action(ADDR, &["create"])
        // The plan names the Glue job it recreates among the objects it manages.
        .expect_plan_text(&format!(
            r#"name\s*=\s*"{}"[\s+]*type\s*=\s*"aws_glue_job""#,
            regex::escape(&f.job)
        ))
        .emulator_check({
            let fx = f.clone();
            move |ctx| {
                let f = fx.clone();
                async move {
                    let job = get_job(&ctx.aws, &f.job)
                        .await?
                        .ok_or_else(|| anyhow!("job not recreated"))?;
                    ensure!(job.number_of_workers() == Some(12));
                    Ok(())
                }
            }
        });

    let fx = f.clone();
    TestCase::new()
        .step(step_create)
        .step(step_update)
        .step(step_schedule)
        .step(step_unschedule)
        .step(step_import)
        .step(step_import_block)
        .step(drift_workers)
        .step(drift_script)
        .step(drift_deleted)
        .check_destroy(move |ctx| {
            let f = fx.clone();
            async move { check_nothing_left(&ctx.aws, &f).await }
        })
        .run()
        .await;
}

pub(crate) fn job_arn(ctx: &Ctx, job: &str) -> Result<String> {
    let arn = ctx
        .state
        .attr(ADDR, "arn")?
        .and_then(|v| v.as_str().map(str::to_string))
        .ok_or_else(|| anyhow!("no arn in state"))?;
    ensure!(arn.ends_with(&format!("job/{job}")), "{arn}");
    Ok(arn)
}

/// An existing `script_location` is pointed at, never read (it is the user's object, so
/// `script_sha256` is null and no refresh makes a HeadObject), and never deleted.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_with_existing_script_location() {
    if !acceptance_enabled("job_with_existing_script_location") {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let f = Fixture::new(dir.path(), "etl-acc-loc");
    let aws = clients().await;
    create_bucket(&aws, &f.bucket).await.expect("bucket");
    let key = "shared/existing.py";
    aws.s3
        .put_object()
        .bucket(&f.bucket)
        .key(key)
        .body(aws_sdk_s3::primitives::ByteStream::from_static(
            SCRIPT_V1.as_bytes(),
        ))
        .send()
        .await
        .expect("existing script");
    let config = format!(
        r#"
resource "flywheel_job" "test" {{
  name              = "{job}"
  role_arn          = "{ROLE}"
  script_location   = "s3://{bucket}/{key}"
  temp_dir          = "s3://{bucket}/tmp/"
  spark_event_logs_path = "s3://{bucket}/logs/"
  worker_type       = "G.2X"
  number_of_workers = 2
}}
"#,
        job = f.job,
        bucket = f.bucket,
    );
    let fx = f.clone();
    let mark = crate::harness::requests::log_mark().expect("request log");
    let bucket = f.bucket.clone();
    TestCase::new()
        .step(Step::config(config.clone()).checks([
            check_attr(ADDR, "script_location", format!("s3://{}/{key}", f.bucket)),
            check_no_attr(ADDR, "script_sha256"),
            check_attr(
                ADDR,
                "arguments_all.--TempDir",
                format!("s3://{}/tmp/", f.bucket),
            ),
            check_attr(ADDR, "managed_objects.#", "1"),
            check_no_attr(ADDR, "arguments"),
        ]))
        // Create, then a refresh: the script object is never read.
        .step(Step::config(config).plan_only().plan_check(move |_| {
            let calls = crate::harness::requests::requests_since(mark, &bucket)?;
            let heads = calls
                .iter()
                .filter(|r| crate::harness::requests::operation(r) == "s3:HeadObject")
                .count();
            ensure!(heads == 0, "{heads} HeadObject calls on the user's script");
            Ok(())
        }))
        .check_destroy(move |ctx| {
            let f = fx.clone();
            async move {
                ensure!(get_job(&ctx.aws, &f.job).await?.is_none(), "job left");
                let body = object_body(&ctx.aws, &f.bucket, key).await?;
                ensure!(body.is_some(), "the existing script was deleted");
                ctx.aws
                    .s3
                    .delete_object()
                    .bucket(&f.bucket)
                    .key(key)
                    .send()
                    .await?;
                ctx.aws.s3.delete_bucket().bucket(&f.bucket).send().await?;
                Ok(())
            }
        })
        .run()
        .await;
}

/// Every mistake is caught by `terraform validate`, offline, naming the attribute.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_invalid_configs() {
    if !acceptance_enabled("job_invalid_configs") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("ok.py");
    std::fs::write(&script, SCRIPT_V1).expect("script");
    let script = script.display().to_string();
    let job = |body: &str| {
        format!(
            r#"
resource "flywheel_job" "test" {{
  role_arn      = "{ROLE}"
  script_bucket = "flywheel-acc-assets"
{body}
}}
"#
        )
    };
    let ok_script = format!("  script = {script:?}");
    let cases: Vec<(String, &str)> = vec![
        (format!("  name = \"bad/name\"\n{ok_script}"), r#"\bname: .*must not contain"#),
        (format!("  name = \"{}\"\n{ok_script}", "x".repeat(246)), r#"\bname: .*1 to 245 characters"#),
        (format!("  name = \"etl-x\"\n{ok_script}\n  worker_type = \"G.3X\""), r"worker_type: .*not a Glue worker type"),
        (format!("  name = \"etl-x\"\n{ok_script}\n  worker_type = \"G.025X\""), r"worker_type: .*streaming"),
        (format!("  name = \"etl-x\"\n{ok_script}\n  worker_type = \"G.8X\"\n  glue_version = \"2.0\""), r"worker_type: .*needs Glue 3\.0"),
        (format!("  name = \"etl-x\"\n{ok_script}\n  glue_version = \"1.0\""), r"glue_version: .*not a supported Glue version"),
        (format!("  name = \"etl-x\"\n{ok_script}\n  number_of_workers = 1"), r"number_of_workers must be between 2 and 299"),
        (format!("  name = \"etl-x\"\n{ok_script}\n  number_of_workers = 2.5"), r"number_of_workers must be a whole number"),
        (format!("  name = \"etl-x\"\n{ok_script}\n  timeout_minutes = 2881"), r"timeout_minutes must be between 1 and 2880"),
        (format!("  name = \"etl-x\"\n{ok_script}\n  timeout_minutes = 0"), r"timeout_minutes must be between 1 and 2880"),
        (format!("  name = \"etl-x\"\n{ok_script}\n  max_retries = 11"), r"max_retries must be between 0 and 10"),
        (format!("  name = \"etl-x\"\n{ok_script}\n  schedule = \"cron(0 3 * * *)\""), r"schedule: .*5 fields"),
        (format!("  name = \"etl-x\"\n{ok_script}\n  schedule = \"rate(7 minutes)\""), r"schedule: .*no exact Glue cron"),
        ("  name = \"etl-x\"\n  script = \"/nonexistent/flywheel/etl.py\"".to_string(), r"script: .*cannot be read"),
        ("  name = \"etl-x\"\n  script_location = \"https://bucket/etl.py\"".to_string(), r"script_location: .*not an S3 URI"),
        ("  name = \"etl-x\"\n  script_location = \"s3://bucket-name\"".to_string(), r"script_location: .*no key"),
        ("  name = \"etl-x\"".to_string(), r"script: .*Set `script`"),
        (format!("  name = \"etl-x\"\n{ok_script}\n  script_location = \"s3://b-1/x.py\""), r"script_location: .*only one"),
        (format!("  name = \"etl-x\"\n{ok_script}\n  arguments = {{ \"--JOB_NAME\" = \"x\" }}"), r#"arguments\["--JOB_NAME"\]: .*reserved"#),
        (format!("  name = \"etl-x\"\n{ok_script}\n  arguments = {{ \"input\" = \"x\" }}"), r#"arguments\["input"\]: .*must start with"#),
        (format!("  name = \"etl-x\"\n{ok_script}\n  arguments = {{ \"--conf\" = \"spark.a=1\" }}"), r#"arguments\["--conf"\]: .*spark_conf"#),
        (format!("  name = \"etl-x\"\n{ok_script}\n  arguments = {{ \"--TempDir\" = \"/tmp\" }}"), r#"arguments\["--TempDir"\]: .*not an S3 URI"#),
        (format!("  name = \"etl-x\"\n{ok_script}\n  temp_dir = \"s3://Bad_Bucket/tmp/\""), r"temp_dir: .*bucket name"),
        (format!("  name = \"etl-x\"\n{ok_script}\n  role_arn = \"glue-role\""), r"role_arn: .*not an IAM role ARN"),
        (format!("  name = \"etl-x\"\n{ok_script}\n  tags = {{ \"aws:team\" = \"x\" }}"), r#"tags\["aws:team"\]: .*reserved prefix"#),
    ];
    let mut case = TestCase::new();
    for (body, pattern) in &cases {
        // The role_arn case overrides the one in `job`: drop the duplicate line.
        let mut config = job(body);
        if body.contains("role_arn") {
            config = config.replacen(&format!("  role_arn      = \"{ROLE}\"\n"), "", 1);
        }
        case = case.step(Step::config(config).validate_only().expect_error(pattern));
    }
    // A correct configuration passes: the failures above are the mistakes, not the setup.
    case =
        case.step(Step::config(job(&format!("  name = \"etl-x\"\n{ok_script}"))).validate_only());
    case.run().await;
}

/// Glue not yet able to assume a new role: CreateJob is retried until it can.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_create_waits_for_iam_propagation() {
    if !acceptance_enabled("job_create_waits_for_iam_propagation") {
        return;
    }
    let settings = emulator_settings();
    settings.check_reachable().expect("emulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let f = Fixture::new(dir.path(), "etl-acc-iam");
    std::fs::write(&f.script, SCRIPT_V1).expect("script");
    let aws = clients().await;
    create_bucket(&aws, &f.bucket).await.expect("bucket");
    // Two CreateJob calls for this job fail the way Glue does while a role propagates.
    let fault = serde_json::json!({
        "service": "glue", "operation": "CreateJob", "status": 400,
        "code": "InvalidInputException",
        "message": "Service is unable to assume provided role. Please verify role's TrustPolicy",
        "count": 2, "match": f.job,
    });
    post_fault(&settings.endpoint, &fault)
        .await
        .expect("fault injection");
    let fx = f.clone();
    let job = f.job.clone();
    TestCase::new()
        .step(
            Step::config(f.config(8, None))
                .check(check_attr(ADDR, "number_of_workers", "8"))
                // The fault leaves the list only once it has fired both times.
                .emulator_check(move |_| {
                    let job = job.clone();
                    async move {
                        let listed = crate::pipeline::control("GET", "/_flywheel/faults", "")?;
                        let listed: serde_json::Value = serde_json::from_str(&listed)?;
                        let left: Vec<&serde_json::Value> = listed["faults"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter(|f| f["match"] == job.as_str())
                            .collect();
                        ensure!(
                            left.is_empty(),
                            "the injected fault did not fire twice: {left:?}"
                        );
                        Ok(())
                    }
                }),
        )
        .check_destroy(move |ctx| {
            let f = fx.clone();
            async move { check_nothing_left(&ctx.aws, &f).await }
        })
        .run()
        .await;
}

/// POSTs a fault to the emulator's control API (plain HTTP/1.1; no client crate needed).
async fn post_fault(endpoint: &str, fault: &serde_json::Value) -> Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (host, port) = endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .rsplit_once(':')
        .map(|(h, p)| (h.to_string(), p.parse::<u16>().unwrap_or(4566)))
        .ok_or_else(|| anyhow!("endpoint {endpoint} has no port"))?;
    let body = fault.to_string();
    let mut stream = tokio::net::TcpStream::connect((host.as_str(), port)).await?;
    let request = format!(
        "POST /_flywheel/faults HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    if !response.starts_with("HTTP/1.1 2") && !response.starts_with("HTTP/1.0 2") {
        bail!("fault injection refused: {response}");
    }
    Ok(())
}

/// Creates the fixture's job through the SDK with 3 workers and the given tags.
pub(crate) async fn create_job_out_of_band(
    aws: &Clients,
    f: &Fixture,
    tags: &[(&str, &str)],
) -> Result<()> {
    let tags: std::collections::HashMap<String, String> = tags
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    aws.glue
        .create_job()
        .name(&f.job)
        .role(ROLE)
        .command(
            aws_sdk_glue::types::JobCommand::builder()
                .name("glueetl")
                .script_location(format!("s3://{}/{}", f.bucket, f.key()))
                .python_version("3")
                .build(),
        )
        .worker_type(aws_sdk_glue::types::WorkerType::G1X)
        .number_of_workers(3)
        .glue_version("4.0")
        .set_tags(Some(tags))
        .send()
        .await
        .context("CreateJob out of band")?;
    Ok(())
}

/// An apply killed after CreateJob leaves a job with that apply's identity, which no state
/// recorded, and its pipeline's: the next apply of the same pipeline adopts it and
/// converges it, with no error and no second job.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_create_adopts_a_job_its_pipeline_left_behind() {
    if !acceptance_enabled("job_create_adopts_a_job_its_pipeline_left_behind") {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let f = Fixture::new(dir.path(), "etl-acc-adopt");
    std::fs::write(&f.script, SCRIPT_V1).expect("script");
    let aws = clients().await;
    create_bucket(&aws, &f.bucket).await.expect("bucket");
    let pipeline_owner = "0123456789abcdef0123456789abcdef";
    create_job_out_of_band(
        &aws,
        &f,
        &[
            ("flywheel:managed-by", "terraform-provider-flywheel"),
            ("flywheel:owner", "fedcba9876543210fedcba9876543210"),
            ("flywheel:pipeline-owner", pipeline_owner),
        ],
    )
    .await
    .expect("left-behind job");
    let created = get_job(&aws, &f.job)
        .await
        .expect("GetJob")
        .and_then(|j| j.created_on().map(|t| t.secs()));
    let fx = f.clone();
    let fd = f.clone();
    TestCase::new()
        .step(
            Step::config(f.config_with_pipeline_owner(8, pipeline_owner))
                .expect_resource_action(ADDR, &["create"])
                .checks([
                    check_attr(ADDR, "number_of_workers", "8"),
                    check_attr(ADDR, "script_sha256", sha256_hex(SCRIPT_V1.as_bytes())),
                    check_attr(ADDR, "tags_all.team", "data"),
                    check_attr(ADDR, "tags_all.flywheel:pipeline-owner", pipeline_owner),
                    check_attr_pair(ADDR, "owner_id", ADDR, "tags_all.flywheel:owner"),
                ])
                .emulator_check(move |ctx| {
                    let f = fx.clone();
                    async move {
                        let job = get_job(&ctx.aws, &f.job)
                            .await?
                            .ok_or_else(|| anyhow!("job gone"))?;
                        ensure!(
                            job.number_of_workers() == Some(8),
                            "not converged: {:?}",
                            job.number_of_workers()
                        );
                        let now = job.created_on().map(|t| t.secs());
                        ensure!(now == created, "job was recreated: {created:?} -> {now:?}");
                        let jobs = ctx.aws.glue.list_jobs().send().await?;
                        let same = jobs.job_names().iter().filter(|n| **n == f.job).count();
                        ensure!(same == 1, "{same} jobs named {}", f.job);
                        let tags = ctx
                            .aws
                            .glue
                            .get_tags()
                            .resource_arn(job_arn(&ctx, &f.job)?)
                            .send()
                            .await?;
                        ensure!(
                            tags.tags().and_then(|t| t.get("team")).map(String::as_str)
                                == Some("data"),
                            "tags not converged: {tags:?}"
                        );
                        let owner = ctx.state.attr(ADDR, "owner_id")?;
                        ensure!(
                            tags.tags()
                                .and_then(|t| t.get("flywheel:owner"))
                                .map(|o| serde_json::Value::String(o.clone()))
                                == owner,
                            "the job does not carry this instance's identity: {tags:?}"
                        );
                        let body = object_body(&ctx.aws, &f.bucket, &f.key()).await?;
                        ensure!(body.as_deref() == Some(SCRIPT_V1.as_bytes()), "{body:?}");
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

/// A job of the same name that this instance did not create is neither taken over nor
/// touched, even with a copy of a flywheel job's tags (the old constant tag, and an
/// identity copied from another job): the apply fails naming it and suggesting an import,
/// its definition, tags and script object are unchanged, and the destroy leaves it.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_create_refuses_a_job_it_did_not_create() {
    if !acceptance_enabled("job_create_refuses_a_job_it_did_not_create") {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let f = Fixture::new(dir.path(), "etl-acc-foreign");
    std::fs::write(&f.script, SCRIPT_V1).expect("script");
    let aws = clients().await;
    create_bucket(&aws, &f.bucket).await.expect("bucket");
    create_job_out_of_band(&aws, &f, COPIED_TAGS)
        .await
        .expect("foreign job");
    aws.s3
        .put_object()
        .bucket(&f.bucket)
        .key(f.key())
        .body(aws_sdk_s3::primitives::ByteStream::from_static(
            b"print('theirs')\n",
        ))
        .send()
        .await
        .expect("foreign script");
    let fd = f.clone();
    TestCase::new()
        .step(Step::config(f.config(8, None)).expect_error(
            r#"(?s)Glue job "etl-acc-foreign-[^"]*" already exists.*terraform import flywheel_job"#,
        ))
        .check_destroy(move |ctx| {
            let f = fd.clone();
            async move {
                ensure!(
                    ctx.state.resource(ADDR).is_none(),
                    "the foreign job entered the state"
                );
                let job = get_job(&ctx.aws, &f.job)
                    .await?
                    .ok_or_else(|| anyhow!("the foreign job was deleted"))?;
                ensure!(
                    job.number_of_workers() == Some(3),
                    "the foreign job was changed"
                );
                let location = job.command().and_then(|c| c.script_location());
                let want = format!("s3://{}/{}", f.bucket, f.key());
                ensure!(
                    location == Some(want.as_str()),
                    "script location changed: {location:?}"
                );
                let tags = ctx
                    .aws
                    .glue
                    .get_tags()
                    .resource_arn(format!(
                        "arn:aws:glue:us-east-1:{}:job/{}",
                        emulator_account_id().await?,
                        f.job
                    ))
                    .send()
                    .await?;
                let tags: std::collections::BTreeMap<_, _> = tags
                    .tags()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .collect();
                let want: std::collections::BTreeMap<_, _> = COPIED_TAGS
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                ensure!(tags == want, "the foreign job's tags changed: {tags:?}");
                let body = object_body(&ctx.aws, &f.bucket, &f.key()).await?;
                ensure!(
                    body.as_deref() == Some(&b"print('theirs')\n"[..]),
                    "the foreign job's script was overwritten: {body:?}"
                );
                ctx.aws.glue.delete_job().job_name(&f.job).send().await?;
                ctx.aws
                    .s3
                    .delete_object()
                    .bucket(&f.bucket)
                    .key(f.key())
                    .send()
                    .await?;
                ctx.aws.s3.delete_bucket().bucket(&f.bucket).send().await?;
                Ok(())
            }
        })
        .run()
        .await;
}

/// The fixture's config with the scripts under another prefix: the script moves.
fn moved_config(f: &Fixture) -> String {
    f.config(8, None).replace(
        "scripts_prefix        = \"scripts/\"",
        "scripts_prefix        = \"moved/\"",
    )
}

/// A script moved by an update whose UpdateJob then fails: both objects stay tracked, and
/// the destroy removes both.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_moved_script_is_tracked_when_the_update_fails() {
    if !acceptance_enabled("job_moved_script_is_tracked_when_the_update_fails") {
        return;
    }
    let settings = emulator_settings();
    settings.check_reachable().expect("emulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let f = Fixture::new(dir.path(), "etl-acc-move");
    std::fs::write(&f.script, SCRIPT_V1).expect("script");
    let aws = clients().await;
    create_bucket(&aws, &f.bucket).await.expect("bucket");
    let endpoint = settings.endpoint.clone();
    let job = f.job.clone();
    let moved = moved_config(&f);
    ensure_moves(&f, &moved);
    let fd = f.clone();
    TestCase::new()
        .step(Step::config(f.config(8, None)))
        .step(
            Step::config(moved)
                .pre_apply(move |_| {
                    let (endpoint, job) = (endpoint.clone(), job.clone());
                    async move {
                        post_fault(
                            &endpoint,
                            &serde_json::json!({
                                "service": "glue", "operation": "UpdateJob", "status": 400,
                                "code": "InvalidInputException", "message": "Injected: update rejected",
                                "count": 1, "match": job,
                            }),
                        )
                        .await
                    }
                })
                .expect_error("UpdateJob failed"),
        )
        .check_destroy(move |ctx| {
            let f = fd.clone();
            async move { check_nothing_left(&ctx.aws, &f).await }
        })
        .run()
        .await;
}

fn ensure_moves(f: &Fixture, moved: &str) {
    assert_ne!(f.config(8, None), moved, "the moved config must differ");
}

/// A moved script whose old object cannot be deleted: the apply fails, and the old object
/// stays in `managed_objects` so the next plan shows it and the next apply deletes it.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_moved_script_old_object_is_deleted_on_retry() {
    if !acceptance_enabled("job_moved_script_old_object_is_deleted_on_retry") {
        return;
    }
    let settings = emulator_settings();
    settings.check_reachable().expect("emulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let f = Fixture::new(dir.path(), "etl-acc-mvdel");
    std::fs::write(&f.script, SCRIPT_V1).expect("script");
    let aws = clients().await;
    create_bucket(&aws, &f.bucket).await.expect("bucket");
    let endpoint = settings.endpoint.clone();
    let old_key = f.key();
    let new_key = format!("moved/{}.py", f.job);
    let moved = moved_config(&f);
    ensure_moves(&f, &moved);
    let (fx, fd) = (f.clone(), f.clone());
    let (ok, nk) = (old_key.clone(), new_key.clone());
    TestCase::new()
        .step(Step::config(f.config(8, None)))
        .step(
            Step::config(moved.clone())
                .pre_apply(move |_| {
                    let (endpoint, key) = (endpoint.clone(), old_key.clone());
                    async move {
                        post_fault(
                            &endpoint,
                            &serde_json::json!({
                                "service": "s3", "operation": "DeleteObject", "status": 403,
                                "code": "AccessDenied", "message": "Injected: delete denied",
                                "count": 1, "match": key,
                            }),
                        )
                        .await
                    }
                })
                .expect_error("DeleteObject failed"),
        )
        .step(
            Step::config(moved)
                .expect_resource_action(ADDR, &["update"])
                .expect_plan_text("managed_objects")
                .check(check_attr(ADDR, "managed_objects.#", "2"))
                .emulator_check(move |ctx| {
                    let (f, ok, nk) = (fx.clone(), ok.clone(), nk.clone());
                    async move {
                        ensure!(
                            object_body(&ctx.aws, &f.bucket, &ok).await?.is_none(),
                            "the old script {ok} is still there"
                        );
                        ensure!(
                            object_body(&ctx.aws, &f.bucket, &nk).await?.is_some(),
                            "the new script {nk} is missing"
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
