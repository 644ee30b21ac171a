//! Out-of-band changes the other suites do not make: each is named by the plan (the child's
//! name appears in it) and repaired by the apply, which the harness follows with a plan that
//! must be empty; the repair is read back from the emulator.

use std::collections::HashMap;

use anyhow::{anyhow, ensure, Result};

use crate::harness::*;
use crate::job::{create_bucket, get_job, job_arn, trigger_exists, Fixture, SCRIPT_V1};

const SCHEDULE: &str = "cron(0 3 * * ? *)";

/// A change made through the SDK, then: the plan names `child`; the apply repairs it.
fn drift<M, MF, V, VF>(hcl: &str, child: &str, mutate: M, verify: V) -> [Step; 2]
where
    M: Fn(Ctx) -> MF + 'static,
    MF: std::future::Future<Output = Result<()>> + 'static,
    V: Fn(Ctx) -> VF + 'static,
    VF: std::future::Future<Output = Result<()>> + 'static,
{
    [
        Step::config(hcl.to_string())
            .pre_apply(mutate)
            .plan_only()
            .expect_non_empty_plan()
            .expect_plan_text(&regex::escape(child)),
        Step::config(hcl.to_string()).emulator_check(verify),
    ]
}

async fn job_tags(ctx: &Ctx, job: &str) -> Result<HashMap<String, String>> {
    let arn = job_arn(ctx, job)?;
    let out = ctx.aws.glue.get_tags().resource_arn(arn).send().await?;
    Ok(out.tags().cloned().unwrap_or_default())
}

/// A job's tags changed and removed, its arguments edited, and its schedule trigger changed
/// and deleted, out of band.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_drift_tags_arguments_and_trigger() {
    if !acceptance_enabled("job_drift_tags_arguments_and_trigger") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let f = Fixture::new(dir.path(), "etl-acc-drift");
    std::fs::write(&f.script, SCRIPT_V1).expect("writing the script");
    let aws = clients().await;
    create_bucket(&aws, &f.bucket).await.expect("assets bucket");
    let hcl = f.config(4, Some(SCHEDULE));
    let trigger = format!("{}-schedule", f.job);

    let tags_ok = |job: String| {
        move |ctx: Ctx| {
            let job = job.clone();
            async move {
                let tags = job_tags(&ctx, &job).await?;
                ensure!(
                    tags.get("team").map(String::as_str) == Some("data"),
                    "{tags:?}"
                );
                Ok(())
            }
        }
    };
    let (j1, j2, j3) = (f.job.clone(), f.job.clone(), f.job.clone());
    let tags_changed = drift(
        &hcl,
        &f.job,
        move |ctx| {
            let job = j1.clone();
            async move {
                let arn = job_arn(&ctx, &job)?;
                ctx.aws
                    .glue
                    .tag_resource()
                    .resource_arn(arn)
                    .tags_to_add("team", "other")
                    .send()
                    .await?;
                Ok(())
            }
        },
        tags_ok(j2.clone()),
    );
    let tags_removed = drift(
        &hcl,
        &f.job,
        move |ctx| {
            let job = j3.clone();
            async move {
                let arn = job_arn(&ctx, &job)?;
                ctx.aws
                    .glue
                    .untag_resource()
                    .resource_arn(arn)
                    .tags_to_remove("team")
                    .send()
                    .await?;
                Ok(())
            }
        },
        tags_ok(j2),
    );

    let (j4, j5) = (f.job.clone(), f.job.clone());
    let bucket = f.bucket.clone();
    let arguments_edited = drift(
        &hcl,
        &f.job,
        move |ctx| {
            let job = j4.clone();
            async move {
                let j = get_job(&ctx.aws, &job)
                    .await?
                    .ok_or_else(|| anyhow!("no job"))?;
                let mut args = j.default_arguments().cloned().unwrap_or_default();
                args.insert("--input_path".into(), "s3://elsewhere/".into());
                let update = aws_sdk_glue::types::JobUpdate::builder()
                    .role(j.role().unwrap_or_default())
                    .set_command(j.command().cloned())
                    .set_default_arguments(Some(args))
                    .set_glue_version(j.glue_version().map(str::to_string))
                    .set_worker_type(j.worker_type().cloned())
                    .set_number_of_workers(j.number_of_workers())
                    .set_timeout(j.timeout())
                    .max_retries(j.max_retries())
                    .build();
                ctx.aws
                    .glue
                    .update_job()
                    .job_name(&job)
                    .job_update(update)
                    .send()
                    .await?;
                Ok(())
            }
        },
        move |ctx| {
            let (job, bucket) = (j5.clone(), bucket.clone());
            async move {
                let j = get_job(&ctx.aws, &job)
                    .await?
                    .ok_or_else(|| anyhow!("no job"))?;
                let args = j.default_arguments().cloned().unwrap_or_default();
                let want = format!("s3://{bucket}/opus/");
                ensure!(args.get("--input_path") == Some(&want), "{args:?}");
                Ok(())
            }
        },
    );

    let trigger_ok = |t: String, job: String| {
        move |ctx: Ctx| {
            let (t, job) = (t.clone(), job.clone());
            async move {
                let tr = trigger_exists(&ctx.aws, &t)
                    .await?
                    .ok_or_else(|| anyhow!("no trigger {t}"))?;
                ensure!(tr.schedule() == Some(SCHEDULE), "{tr:?}");
                ensure!(
                    tr.actions().first().and_then(|a| a.job_name()) == Some(job.as_str()),
                    "{tr:?}"
                );
                Ok(())
            }
        }
    };
    let (t1, t2) = (trigger.clone(), trigger.clone());
    let trigger_changed = drift(
        &hcl,
        &trigger,
        move |ctx| {
            let t = t1.clone();
            async move {
                let update = aws_sdk_glue::types::TriggerUpdate::builder()
                    .schedule("cron(0 5 * * ? *)")
                    .actions(
                        aws_sdk_glue::types::Action::builder()
                            .job_name("someone-else")
                            .build(),
                    )
                    .build();
                ctx.aws
                    .glue
                    .update_trigger()
                    .name(&t)
                    .trigger_update(update)
                    .send()
                    .await?;
                Ok(())
            }
        },
        trigger_ok(trigger.clone(), f.job.clone()),
    );
    let trigger_deleted = drift(
        &hcl,
        &trigger,
        move |ctx| {
            let t = t2.clone();
            async move {
                ctx.aws.glue.delete_trigger().name(&t).send().await?;
                Ok(())
            }
        },
        trigger_ok(trigger.clone(), f.job.clone()),
    );

    let mut case = TestCase::new().step(Step::config(hcl.clone()));
    for step in [
        tags_changed,
        tags_removed,
        arguments_edited,
        trigger_changed,
        trigger_deleted,
    ]
    .into_iter()
    .flatten()
    {
        case = case.step(step);
    }
    let fx = f.clone();
    case.check_destroy(move |ctx| {
        let f = fx.clone();
        async move { crate::job::check_nothing_left(&ctx.aws, &f).await }
    })
    .run()
    .await;
}
