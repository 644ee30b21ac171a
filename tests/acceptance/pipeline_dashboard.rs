//! `alerts.dashboard`: added to a pipeline that already has alerts (only the dashboard is
//! written, and the job taking `alerts[0].dashboard` gets `--enable-observability-metrics`),
//! the body checked in the emulator (the identity marker, widgets whose searches find the
//! job and whose log query finds a crawler named after the pipeline, every bucket's size),
//! drift (the body edited, the dashboard deleted) named in the plan and repaired, the setting
//! removed (only the dashboard goes), destroy leaving nothing; and a dashboard of the same
//! name made by hand refused and left as it was.

use anyhow::{anyhow, ensure, Context as _, Result};
use serde_json::{json, Value as Json};

use crate::harness::requests::{log_mark, operation, requests_since};
use crate::harness::*;
use crate::pipeline::{boxed, DriftFn, Names};

const ADDR: &str = "flywheel_pipeline.test";

fn config(n: &Names, script: &str, dashboard: bool) -> String {
    format!(
        r#"
resource "flywheel_pipeline" "test" {{
  name        = "{name}"
  environment = "acc"

  alerts {{
    on_crawler_failure = false
    dashboard          = {dashboard}
  }}
  tags = {{ team = "data" }}
}}

resource "flywheel_job" "etl" {{
  name                  = "etl-{name}-acc-compaction"
  pipeline              = flywheel_pipeline.test.context
  script                = "{script}"
  number_of_workers     = 2
  observability_metrics = flywheel_pipeline.test.alerts[0].dashboard
}}
"#,
        name = n.name,
    )
}

async fn dashboard_body(aws: &Clients, name: &str) -> Result<Option<Json>> {
    match aws
        .cloudwatch
        .get_dashboard()
        .dashboard_name(name)
        .send()
        .await
    {
        Ok(out) => Ok(Some(
            serde_json::from_str(out.dashboard_body().unwrap_or_default())
                .context("the dashboard body is not JSON")?,
        )),
        Err(e) if format!("{e:?}").contains("ResourceNotFound") => Ok(None),
        Err(e) => Err(e).context("GetDashboard"),
    }
}

async fn observability(aws: &Clients, job: &str) -> Result<Option<String>> {
    let out = aws.glue.get_job().job_name(job).send().await?;
    Ok(out
        .job()
        .and_then(|j| j.default_arguments())
        .and_then(|a| a.get("--enable-observability-metrics"))
        .cloned())
}

/// The body: the marker carries the pipeline's owner_id; the job searches find the job
/// (their terms are in its name); the crawler query's regular expression matches a crawler
/// named after the pipeline; every bucket's size is drawn.
async fn check_dashboard(ctx: &Ctx, n: &Names, dash: &str) -> Result<()> {
    let body = dashboard_body(&ctx.aws, dash)
        .await?
        .ok_or_else(|| anyhow!("dashboard {dash} missing"))?;
    let widgets = body["widgets"]
        .as_array()
        .ok_or_else(|| anyhow!("no widgets in {body}"))?;
    let owner = ctx
        .state
        .attr(ADDR, "owner_id")?
        .and_then(|v| v.as_str().map(str::to_string))
        .ok_or_else(|| anyhow!("no owner_id"))?;
    let marker = widgets[0]["properties"]["markdown"]
        .as_str()
        .unwrap_or_default();
    ensure!(
        marker.contains(&format!("`flywheel:owner={owner}`")),
        "marker {marker:?}"
    );
    let job = format!("etl-{}-acc-compaction", n.name);
    let searches: Vec<String> = widgets
        .iter()
        .flat_map(|w| {
            w["properties"]["metrics"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|m| m[0]["expression"].as_str().map(str::to_string))
        .collect();
    for metric in [
        "glue.succeed.ALL",
        "glue.error.ALL",
        "glue.driver.aggregate.elapsedTime",
        "glue.ALL.s3.filesystem.read_bytes",
        "glue.ALL.s3.filesystem.write_bytes",
    ] {
        let s = searches
            .iter()
            .find(|s| s.contains(&format!("MetricName=\"{metric}\"")))
            .ok_or_else(|| anyhow!("no search for {metric} in {searches:?}"))?;
        // Every JobName term after the metric name is part of the job's name.
        let terms: Vec<&str> = s
            .split("JobRunId=\"ALL\"")
            .nth(1)
            .unwrap_or_default()
            .split('\'')
            .next()
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(|t| t.strip_prefix("JobName="))
            .map(|t| t.trim_matches('"'))
            .collect();
        ensure!(
            !terms.is_empty() && terms.iter().all(|t| job.contains(t)),
            "{metric}: terms {terms:?} do not find {job}"
        );
    }
    let query = widgets
        .iter()
        .find_map(|w| w["properties"]["query"].as_str())
        .ok_or_else(|| anyhow!("no crawler log widget"))?;
    let re = query
        .split("like /")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .ok_or_else(|| anyhow!("no stream filter in {query}"))?;
    let re = regex::Regex::new(re)?;
    ensure!(
        query.contains("SOURCE '/aws-glue/crawlers'")
            && re.is_match(&format!("crw-{}-acc-raw", n.name))
            && !re.is_match("crw-other-prod-raw"),
        "crawler query {query}"
    );
    let all = body.to_string();
    for bucket in n.buckets() {
        ensure!(
            all.contains(&format!("\"BucketSizeBytes\",\"BucketName\",\"{bucket}\"")),
            "bucket {bucket} not on the dashboard: {all}"
        );
    }
    Ok(())
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_dashboard_lifecycle() {
    if !acceptance_enabled("pipeline_dashboard_lifecycle") {
        return;
    }
    let n = Names::new("fw-dash");
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("etl.py");
    std::fs::write(&script, "print('etl')\n").expect("script");
    let script = script.display().to_string();
    let job = format!("etl-{}-acc-compaction", n.name);
    let dash = format!("{}-acc", n.name);
    let without = config(&n, &script, false);
    let with = config(&n, &script, true);
    let mark = std::rc::Rc::new(std::cell::Cell::new(0u64));

    let (nx, dx, jx, m1, m2) = (
        n.clone(),
        dash.clone(),
        job.clone(),
        mark.clone(),
        mark.clone(),
    );
    let step_add = Step::config(with.clone())
        .pre_apply(move |_| {
            let m = m1.clone();
            async move {
                m.set(log_mark()?);
                Ok(())
            }
        })
        .expect_resource_action(ADDR, &["update"])
        .expect_plan_text(&regex::escape(&format!("aws_cloudwatch_dashboard.{dash}")))
        .check(check_attr(
            ADDR,
            &format!("children.aws_cloudwatch_dashboard.{dash}"),
            "ok",
        ))
        .check(check_attr(
            "flywheel_job.etl",
            "observability_metrics",
            "true",
        ))
        .emulator_check(move |ctx| {
            let (n, dash, job, since) = (nx.clone(), dx.clone(), jx.clone(), m2.get());
            async move {
                check_dashboard(&ctx, &n, &dash).await?;
                let o = observability(&ctx.aws, &job).await?;
                ensure!(o.as_deref() == Some("true"), "{job}: {o:?}");
                // The pipeline writes only the dashboard; the job its new argument.
                let writes: Vec<String> = requests_since(since, &n.name)?
                    .iter()
                    .map(operation)
                    .filter(|o| {
                        let op = o.split(':').nth(1).unwrap_or_default();
                        !["Get", "Describe", "List", "BatchGet", "Head"]
                            .iter()
                            .any(|p| op.starts_with(p))
                    })
                    .collect();
                ensure!(
                    writes == ["monitoring:PutDashboard", "glue:UpdateJob"]
                        || writes == ["glue:UpdateJob", "monitoring:PutDashboard"],
                    "writes {writes:?}"
                );
                Ok(())
            }
        });

    let drift = |status: &str, f: DriftFn| {
        let (nx, dx) = (n.clone(), dash.clone());
        let text = format!(
            "\"{}\"\\s+= \"{}",
            regex::escape(&format!("aws_cloudwatch_dashboard.{dash}")),
            regex::escape(status)
        );
        Step::config(with.clone())
            .pre_apply(move |ctx| f(ctx))
            .expect_resource_action(ADDR, &["update"])
            .expect_plan_text(&text)
            .emulator_check(move |ctx| {
                let (n, d) = (nx.clone(), dx.clone());
                async move { check_dashboard(&ctx, &n, &d).await }
            })
    };
    let dx = dash.clone();
    let drift_body = drift(
        "differs: body changed; 2 widgets, not 6",
        boxed(move |ctx| {
            let d = dx.clone();
            async move {
                // Someone keeps the marker and one widget of their own.
                let mut body = dashboard_body(&ctx.aws, &d)
                    .await?
                    .ok_or_else(|| anyhow!("no dashboard"))?;
                let first = body["widgets"][0].clone();
                body["widgets"] = json!([first, {"type": "text", "x": 0, "y": 6, "width": 6,
                    "height": 3, "properties": {"markdown": "mine"}}]);
                ctx.aws
                    .cloudwatch
                    .put_dashboard()
                    .dashboard_name(&d)
                    .dashboard_body(body.to_string())
                    .send()
                    .await?;
                Ok(())
            }
        }),
    );
    let dx = dash.clone();
    let drift_deleted = drift(
        "missing",
        boxed(move |ctx| {
            let d = dx.clone();
            async move {
                ctx.aws
                    .cloudwatch
                    .delete_dashboards()
                    .dashboard_names(&d)
                    .send()
                    .await?;
                Ok(())
            }
        }),
    );

    let (dx, jx) = (dash.clone(), job.clone());
    let step_remove = Step::config(without.clone())
        .expect_resource_action(ADDR, &["update"])
        .emulator_check(move |ctx| {
            let (d, job) = (dx.clone(), jx.clone());
            async move {
                ensure!(
                    dashboard_body(&ctx.aws, &d).await?.is_none(),
                    "dashboard {d} left"
                );
                let o = observability(&ctx.aws, &job).await?;
                ensure!(o.is_none(), "{job}: {o:?}");
                Ok(())
            }
        });

    let (nx, dx) = (n.clone(), dash.clone());
    TestCase::new()
        .step(Step::config(without.clone()))
        .step(step_add)
        // Import reads the alerts block back from the objects (the topic, rules, alarms,
        // budget and dashboard under the pipeline's names), and plans no change.
        .step(Step::import_state_verify(ImportStateVerify::new(ADDR)))
        .step(Step::import_state_verify(
            ImportStateVerify::new(ADDR).import_block(),
        ))
        .step(drift_body)
        .step(drift_deleted)
        .step(step_remove)
        .step(Step::config(with.clone()))
        .check_destroy(move |ctx| {
            let (n, d) = (nx.clone(), dx.clone());
            async move {
                ensure!(
                    dashboard_body(&ctx.aws, &d).await?.is_none(),
                    "dashboard {d} left"
                );
                crate::pipeline::check_nothing_left(&ctx.aws, &n, false).await
            }
        })
        .run()
        .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_dashboard_observability_needs_glue_4() {
    if !acceptance_enabled("pipeline_dashboard_observability_needs_glue_4") {
        return;
    }
    let n = Names::new("fw-dshv");
    let hcl = format!(
        r#"
resource "flywheel_job" "etl" {{
  name                  = "etl-{name}"
  role_arn              = "arn:aws:iam::123456789012:role/r"
  script_location       = "s3://b/scripts/etl.py"
  glue_version          = "3.0"
  observability_metrics = true
}}
"#,
        name = n.name
    );
    TestCase::new()
        .step(
            Step::config(hcl).validate_only().expect_error(
                r"observability_metrics: observability metrics need Glue 4.0 or later",
            ),
        )
        .run()
        .await;
}

/// A dashboard already under the pipeline's name, made by hand (no identity in its body),
/// is not taken over: the apply fails naming it, and its body is kept.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_dashboard_does_not_take_over_a_dashboard_of_the_same_name() {
    if !acceptance_enabled("pipeline_dashboard_does_not_take_over_a_dashboard_of_the_same_name") {
        return;
    }
    let n = Names::new("fw-dshx");
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("etl.py");
    std::fs::write(&script, "print('etl')\n").expect("script");
    let script = script.display().to_string();
    let dash = format!("{}-acc", n.name);
    let theirs = json!({"widgets": [{"type": "text", "x": 0, "y": 0, "width": 6, "height": 3,
        "properties": {"markdown": "the team's own"}}]});
    clients()
        .await
        .cloudwatch
        .put_dashboard()
        .dashboard_name(&dash)
        .dashboard_body(theirs.to_string())
        .send()
        .await
        .expect("someone's dashboard");
    let (nx, dx, tx) = (n.clone(), dash.clone(), theirs.clone());
    TestCase::new()
        .step(
            Step::config(config(&n, &script, true)).expect_error(&format!(
                r"(?s)aws_cloudwatch_dashboard\.{} is not this resource's.*Choose another name",
                regex::escape(&dash)
            )),
        )
        .check_destroy(move |ctx| {
            let (n, d, theirs) = (nx.clone(), dx.clone(), tx.clone());
            async move {
                let kept = dashboard_body(&ctx.aws, &d)
                    .await?
                    .ok_or_else(|| anyhow!("someone's dashboard {d} was deleted"))?;
                ensure!(kept == theirs, "taken over: {kept}");
                ctx.aws
                    .cloudwatch
                    .delete_dashboards()
                    .dashboard_names(&d)
                    .send()
                    .await?;
                crate::pipeline::check_nothing_left(&ctx.aws, &n, false).await
            }
        })
        .run()
        .await;
}
