//! Out-of-band changes the other suites do not make: each is named by the plan (the child's
//! name appears in it) and repaired by the apply, which the harness follows with a plan that
//! must be empty; the repair is read back from the emulator.

use std::collections::HashMap;

use anyhow::{anyhow, ensure, Result};

use crate::crawler::{crawler, nothing_left, trigger, BUCKET, ROLE};
use crate::harness::*;
use crate::job::{create_bucket, get_job, job_arn, trigger_exists, Fixture, SCRIPT_V1};
use crate::pipeline::{
    boxed, bucket_exists, bucket_policy, bucket_tags, check_nothing_left, config, encryption,
    inline_policy, lifecycle, public_access_block, role_exists, Cfg, DriftFn, Names,
};

const SCHEDULE: &str = "cron(0 3 * * ? *)";

/// A change made through the SDK, then: the plan names `child` and matches `how` (the
/// attribute that drifted, old -> new); the apply repairs it.
fn drift<M, MF, V, VF>(hcl: &str, child: &str, how: &str, mutate: M, verify: V) -> [Step; 2]
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
            .expect_plan_text(&format!(r#"name\s*=\s*"{}""#, regex::escape(child)))
            .expect_plan_text(how),
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
        r#"tags_all\s*=\s*\{[^}]*"team"\s*=\s*"other"\s*->\s*"data""#,
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
        r#"tags_all\s*=\s*\{[^}]*\+\s*"team"\s*=\s*"data""#,
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
        // The plan names the attribute and the drifted value.
        r"~\s*arguments_all\s*=\s*\{[^}]*s3://elsewhere/",
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
    // The trigger is the job's only if it starts this job: either change shows as the
    // schedule planned back.
    let schedule_back = format!(r#"schedule\s*=\s*[^\n]*"{}""#, regex::escape(SCHEDULE));
    let trigger_changed = drift(
        &hcl,
        &f.job,
        &schedule_back,
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
        &f.job,
        &format!(r"\+\s*{schedule_back}"),
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

// ---------------------------------------------------------------------------------------
// The pipeline's buckets and role, and a crawler

/// The plan text of a `children` entry going from a status matching `was` back to `ok`: the
/// plan names the child and says what it found.
fn status(address: &str, was: &str) -> String {
    format!(r#""{}"\s*=\s*"{was}"\s*->\s*"ok""#, regex::escape(address))
}

/// One apply step: `mutate` out of band; the plan updates `addr` in place and matches every
/// pattern; the apply repairs it (`verify` reads the emulator); the next plans are empty.
fn repair(hcl: &str, addr: &str, patterns: &[String], mutate: DriftFn, verify: DriftFn) -> Step {
    let mut step = Step::config(hcl.to_string())
        .pre_apply(move |ctx| mutate(ctx))
        .expect_resource_action(addr, &["update"])
        .emulator_check(move |ctx| verify(ctx));
    for p in patterns {
        step = step.expect_plan_text(p);
    }
    step
}

/// A bucket's tags with `team` set to `team`, or removed (`None`); the others kept.
async fn set_bucket_team(ctx: &Ctx, bucket: &str, team: Option<&str>) -> Result<()> {
    let mut tags: Vec<(String, String)> = bucket_tags(&ctx.aws, bucket)
        .await?
        .into_iter()
        .filter(|(k, _)| k != "team")
        .collect();
    if let Some(t) = team {
        tags.push(("team".into(), t.into()));
    }
    let mut set = Vec::new();
    for (k, v) in tags {
        set.push(aws_sdk_s3::types::Tag::builder().key(k).value(v).build()?);
    }
    let tagging = aws_sdk_s3::types::Tagging::builder()
        .set_tag_set(Some(set))
        .build()?;
    ctx.aws
        .s3
        .put_bucket_tagging()
        .bucket(bucket)
        .tagging(tagging)
        .send()
        .await?;
    Ok(())
}

async fn role_team(ctx: &Ctx, role: &str) -> Result<Option<String>> {
    let out = ctx.aws.iam.get_role().role_name(role).send().await?;
    Ok(out
        .role()
        .map(|r| r.tags())
        .unwrap_or_default()
        .iter()
        .find(|t| t.key() == "team")
        .map(|t| t.value().to_string()))
}

/// Everything a created bucket gets, read back from the emulator.
async fn created_bucket_complete(ctx: &Ctx, n: &Names, bucket: &str) -> Result<()> {
    let aws = &ctx.aws;
    ensure!(bucket_exists(aws, bucket).await?, "bucket {bucket} missing");
    ensure!(
        encryption(aws, bucket).await?.as_deref() == Some("AES256"),
        "{bucket}: encryption"
    );
    ensure!(
        public_access_block(aws, bucket).await? == Some([true; 4]),
        "{bucket}: public access block"
    );
    let policy = bucket_policy(aws, bucket)
        .await?
        .ok_or_else(|| anyhow!("{bucket}: no policy"))?
        .to_string();
    ensure!(
        policy.contains("aws:SecureTransport") && policy.contains("Deny"),
        "{bucket}: {policy}"
    );
    let ownership = aws
        .s3
        .get_bucket_ownership_controls()
        .bucket(bucket)
        .send()
        .await?;
    let rule = ownership
        .ownership_controls()
        .and_then(|c| c.rules().first())
        .map(|r| r.object_ownership().as_str().to_string());
    ensure!(
        rule.as_deref() == Some("BucketOwnerEnforced"),
        "{bucket}: object ownership {rule:?}"
    );
    let tags = bucket_tags(aws, bucket).await?;
    ensure!(
        tags.contains(&("team".into(), "data".into()))
            && tags.contains(&("flywheel:pipeline".into(), n.name.clone())),
        "{bucket}: {tags:?}"
    );
    let rules = lifecycle(aws, bucket).await?;
    ensure!(
        rules
            .iter()
            .any(|r| r.0 == "flywheel-abort-incomplete-multipart-uploads"),
        "{bucket}: {rules:?}"
    );
    Ok(())
}

/// The role with its inline policy, its one attachment and its tags.
async fn role_complete(ctx: &Ctx, n: &Names) -> Result<()> {
    let aws = &ctx.aws;
    ensure!(role_exists(aws, &n.role).await?, "role {} missing", n.role);
    let doc = inline_policy(aws, &n.role).await?.to_string();
    ensure!(
        doc.contains(&format!("arn:aws:s3:::{}/opus/*", n.data)) && !doc.contains("\"s3:*\""),
        "{doc}"
    );
    let attached = aws
        .iam
        .list_attached_role_policies()
        .role_name(&n.role)
        .send()
        .await?;
    let arns: Vec<&str> = attached
        .attached_policies()
        .iter()
        .filter_map(|p| p.policy_arn())
        .collect();
    ensure!(arns == [GLUE_SERVICE_ROLE], "{arns:?}");
    ensure!(
        role_team(ctx, &n.role).await?.as_deref() == Some("data"),
        "role tags"
    );
    Ok(())
}

const GLUE_SERVICE_ROLE: &str = "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole";

/// A pipeline's bucket tags changed and removed, its role's tags changed and removed, the
/// TLS-only statement removed from a bucket policy, a created bucket deleted (recreated
/// with all its configuration) and the role deleted (recreated with its inline policy and
/// attachment), out of band.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_drift_buckets_and_role() {
    if !acceptance_enabled("pipeline_drift_buckets_and_role") {
        return;
    }
    let n = Names::new("fw-drift");
    let cfg = Cfg {
        adopt_data: false,
        ..Cfg::default()
    };
    let hcl = config(&n, &cfg);
    const ADDR: &str = "flywheel_pipeline.test";
    let bucket_child = format!("aws_s3_bucket.{}", n.assets);
    let role_child = format!("aws_iam_role.{}", n.role);

    let (nx, ny) = (n.clone(), n.clone());
    let bucket_tags_changed = repair(
        &hcl,
        ADDR,
        &[status(
            &bucket_child,
            r#"differs: [^\n]*tag team is \\"other\\"[^\n]*"#,
        )],
        boxed(move |ctx| {
            let b = nx.assets.clone();
            async move { set_bucket_team(&ctx, &b, Some("other")).await }
        }),
        boxed(move |ctx| {
            let n = ny.clone();
            async move { created_bucket_complete(&ctx, &n, &n.assets).await }
        }),
    );
    let (nx, ny) = (n.clone(), n.clone());
    let bucket_tags_removed = repair(
        &hcl,
        ADDR,
        &[status(
            &bucket_child,
            r#"differs: [^\n]*tag team missing[^\n]*"#,
        )],
        boxed(move |ctx| {
            let b = nx.assets.clone();
            async move { set_bucket_team(&ctx, &b, None).await }
        }),
        boxed(move |ctx| {
            let n = ny.clone();
            async move { created_bucket_complete(&ctx, &n, &n.assets).await }
        }),
    );

    let role_ok = |n: Names| {
        boxed(move |ctx| {
            let n = n.clone();
            async move {
                let team = role_team(&ctx, &n.role).await?;
                ensure!(team.as_deref() == Some("data"), "role tag team {team:?}");
                Ok(())
            }
        })
    };
    let nx = n.clone();
    let role_tags_changed = repair(
        &hcl,
        ADDR,
        &[status(
            &role_child,
            r#"differs: [^\n]*tag team is \\"other\\"[^\n]*"#,
        )],
        boxed(move |ctx| {
            let r = nx.role.clone();
            async move {
                let tag = aws_sdk_iam::types::Tag::builder()
                    .key("team")
                    .value("other")
                    .build()?;
                ctx.aws
                    .iam
                    .tag_role()
                    .role_name(&r)
                    .tags(tag)
                    .send()
                    .await?;
                Ok(())
            }
        }),
        role_ok(n.clone()),
    );
    let nx = n.clone();
    let role_tags_removed = repair(
        &hcl,
        ADDR,
        &[status(
            &role_child,
            r#"differs: [^\n]*tag team missing[^\n]*"#,
        )],
        boxed(move |ctx| {
            let r = nx.role.clone();
            async move {
                ctx.aws
                    .iam
                    .untag_role()
                    .role_name(&r)
                    .tag_keys("team")
                    .send()
                    .await?;
                Ok(())
            }
        }),
        role_ok(n.clone()),
    );

    // The data bucket's policy loses its TLS-only statement (deleted when it was the only one).
    let (nx, ny) = (n.clone(), n.clone());
    let tls_statement_removed = repair(
        &hcl,
        ADDR,
        &[status(
            &format!("aws_s3_bucket_policy.{}", n.data),
            r#"(missing|differs: [^\n]*)"#,
        )],
        boxed(move |ctx| {
            let b = nx.data.clone();
            async move {
                let mut policy = bucket_policy(&ctx.aws, &b)
                    .await?
                    .ok_or_else(|| anyhow!("{b}: no policy"))?;
                let statements = policy["Statement"]
                    .as_array()
                    .cloned()
                    .ok_or_else(|| anyhow!("{b}: {policy}"))?;
                let kept: Vec<_> = statements
                    .iter()
                    .filter(|s| !s.to_string().contains("aws:SecureTransport"))
                    .cloned()
                    .collect();
                ensure!(kept.len() < statements.len(), "no TLS statement: {policy}");
                if kept.is_empty() {
                    ctx.aws.s3.delete_bucket_policy().bucket(&b).send().await?;
                } else {
                    policy["Statement"] = serde_json::Value::Array(kept);
                    ctx.aws
                        .s3
                        .put_bucket_policy()
                        .bucket(&b)
                        .policy(policy.to_string())
                        .send()
                        .await?;
                }
                Ok(())
            }
        }),
        boxed(move |ctx| {
            let n = ny.clone();
            async move { created_bucket_complete(&ctx, &n, &n.data).await }
        }),
    );

    // A created bucket deleted: the plan shows it and each of its sub-configurations missing.
    let a = &n.analysis;
    let bucket_patterns: Vec<String> = [
        "aws_s3_bucket",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_policy",
        "aws_s3_bucket_ownership_controls",
        "aws_s3_bucket_lifecycle_configuration",
    ]
    .iter()
    .map(|kind| status(&format!("{kind}.{a}"), "missing"))
    .collect();
    let (nx, ny) = (n.clone(), n.clone());
    let bucket_deleted = repair(
        &hcl,
        ADDR,
        &bucket_patterns,
        boxed(move |ctx| {
            let b = nx.analysis.clone();
            async move {
                ctx.aws.s3.delete_bucket().bucket(&b).send().await?;
                ensure!(!bucket_exists(&ctx.aws, &b).await?, "{b} not deleted");
                Ok(())
            }
        }),
        boxed(move |ctx| {
            let n = ny.clone();
            async move {
                created_bucket_complete(&ctx, &n, &n.analysis).await?;
                let rules = lifecycle(&ctx.aws, &n.analysis).await?;
                ensure!(
                    rules.contains(&("flywheel-expire-temp".into(), "temp/".into(), Some(7))),
                    "{rules:?}"
                );
                Ok(())
            }
        }),
    );

    // The role deleted (its inline policy and attachment first, as IAM requires).
    let role_patterns = vec![
        status(&role_child, "missing"),
        status(
            &format!("aws_iam_role_policy.{}:flywheel-pipeline-access", n.role),
            "missing",
        ),
        status(
            &format!(
                "aws_iam_role_policy_attachment.{}/{GLUE_SERVICE_ROLE}",
                n.role
            ),
            "missing",
        ),
    ];
    let (nx, ny) = (n.clone(), n.clone());
    let role_deleted = repair(
        &hcl,
        ADDR,
        &role_patterns,
        boxed(move |ctx| {
            let r = nx.role.clone();
            async move {
                let iam = &ctx.aws.iam;
                let inline = iam.list_role_policies().role_name(&r).send().await?;
                for p in inline.policy_names() {
                    iam.delete_role_policy()
                        .role_name(&r)
                        .policy_name(p)
                        .send()
                        .await?;
                }
                let attached = iam
                    .list_attached_role_policies()
                    .role_name(&r)
                    .send()
                    .await?;
                for p in attached.attached_policies() {
                    iam.detach_role_policy()
                        .role_name(&r)
                        .set_policy_arn(p.policy_arn().map(str::to_string))
                        .send()
                        .await?;
                }
                iam.delete_role().role_name(&r).send().await?;
                Ok(())
            }
        }),
        boxed(move |ctx| {
            let n = ny.clone();
            async move { role_complete(&ctx, &n).await }
        }),
    );

    let nx = n.clone();
    let ny = n.clone();
    TestCase::new()
        .step(Step::config(hcl.clone()).emulator_check(move |ctx| {
            let n = ny.clone();
            async move {
                for b in n.buckets() {
                    created_bucket_complete(&ctx, &n, b).await?;
                }
                role_complete(&ctx, &n).await
            }
        }))
        .step(bucket_tags_changed)
        .step(bucket_tags_removed)
        .step(role_tags_changed)
        .step(role_tags_removed)
        .step(tls_statement_removed)
        .step(bucket_deleted)
        .step(role_deleted)
        .check_destroy(move |ctx| {
            let n = nx.clone();
            async move { check_nothing_left(&ctx.aws, &n, false).await }
        })
        .run()
        .await;
}

/// A crawler's tags changed and removed, and its run-after-job trigger pointed at another
/// job, out of band.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_drift_tags_and_trigger() {
    if !acceptance_enabled("crawler_drift_tags_and_trigger") {
        return;
    }
    crate::crawler::fixture_roles().await;
    const ADDR: &str = "flywheel_crawler.c";
    let name = unique_name("crw-acc-odrift");
    let job = format!("etl-{name}");
    let trig = format!("{name}-after-job");
    let hcl = format!(
        r#"
provider "flywheel" {{}}

resource "flywheel_crawler" "c" {{
  name          = "{name}"
  role_arn      = "{ROLE}"
  database      = "omc_flywheel_acc"
  s3_targets    = ["s3://{BUCKET}/opus/{name}/raw_input/"]
  run_after_job = "{job}"
  tags          = {{ team = "data" }}
}}
"#
    );
    let crawler_arn = |ctx: &Ctx| -> Result<String> {
        ctx.state
            .attr(ADDR, "arn")?
            .and_then(|v| v.as_str().map(str::to_string))
            .ok_or_else(|| anyhow!("no arn in state"))
    };
    let tags_ok = boxed(move |ctx| async move {
        let arn = crawler_arn(&ctx)?;
        let out = ctx.aws.glue.get_tags().resource_arn(arn).send().await?;
        let tags = out.tags().cloned().unwrap_or_default();
        ensure!(
            tags.get("team").map(String::as_str) == Some("data"),
            "{tags:?}"
        );
        Ok(())
    });
    // The crawler is the child: the plan names it and the attribute that drifted.
    let name_shown = format!(r#"name\s*=\s*"{}""#, regex::escape(&name));
    let tags_changed = repair(
        &hcl,
        ADDR,
        &[
            name_shown.clone(),
            r#"tags_all\s*=\s*\{[^}]*"team"\s*=\s*"other"\s*->\s*"data""#.to_string(),
        ],
        boxed(move |ctx| async move {
            let arn = crawler_arn(&ctx)?;
            ctx.aws
                .glue
                .tag_resource()
                .resource_arn(arn)
                .tags_to_add("team", "other")
                .send()
                .await?;
            Ok(())
        }),
        tags_ok.clone(),
    );
    let tags_removed = repair(
        &hcl,
        ADDR,
        &[
            name_shown.clone(),
            r#"tags_all\s*=\s*\{[^}]*\+\s*"team"\s*=\s*"data""#.to_string(),
        ],
        boxed(move |ctx| async move {
            let arn = crawler_arn(&ctx)?;
            ctx.aws
                .glue
                .untag_resource()
                .resource_arn(arn)
                .tags_to_remove("team")
                .send()
                .await?;
            Ok(())
        }),
        tags_ok,
    );

    let (t1, t2, c1, c2, j2) = (
        trig.clone(),
        trig.clone(),
        name.clone(),
        name.clone(),
        job.clone(),
    );
    let trigger_changed = repair(
        &hcl,
        ADDR,
        &[
            name_shown,
            format!(
                r#"run_after_job\s*=\s*"someone-else"\s*->\s*"{}""#,
                regex::escape(&job)
            ),
        ],
        boxed(move |ctx| {
            let (t, c) = (t1.clone(), c1.clone());
            async move {
                use aws_sdk_glue::types::{
                    Action, Condition, JobRunState, Logical, LogicalOperator, Predicate,
                    TriggerUpdate,
                };
                let update = TriggerUpdate::builder()
                    .predicate(
                        Predicate::builder()
                            // The emulator fails without it (moto requires it; AWS does not
                            // with one condition).
                            .logical(Logical::And)
                            .conditions(
                                Condition::builder()
                                    .logical_operator(LogicalOperator::Equals)
                                    .job_name("someone-else")
                                    .state(JobRunState::Succeeded)
                                    .build(),
                            )
                            .build(),
                    )
                    .actions(Action::builder().crawler_name(&c).build())
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
        }),
        boxed(move |ctx| {
            let (t, c, job) = (t2.clone(), c2.clone(), j2.clone());
            async move {
                let tr = trigger(&ctx, &t)
                    .await?
                    .ok_or_else(|| anyhow!("trigger {t} missing"))?;
                let cond = tr
                    .predicate()
                    .map(|p| p.conditions().to_vec())
                    .unwrap_or_default();
                ensure!(
                    cond.len() == 1
                        && cond[0].job_name() == Some(job.as_str())
                        && cond[0].state().map(|s| s.as_str()) == Some("SUCCEEDED"),
                    "predicate {cond:?}"
                );
                let actions = tr.actions();
                ensure!(
                    actions.len() == 1 && actions[0].crawler_name() == Some(c.as_str()),
                    "actions {actions:?}"
                );
                crawler(&ctx, &c).await?;
                Ok(())
            }
        }),
    );

    let nd = name.clone();
    TestCase::new()
        .step(Step::config(hcl.clone()))
        .step(tags_changed)
        .step(tags_removed)
        .step(trigger_changed)
        .check_destroy(move |ctx| nothing_left(ctx, nd.clone()))
        .run()
        .await;
}
