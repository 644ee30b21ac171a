//! Concurrent refreshes share batch calls (`aws::coalesce`): jobs, crawlers and triggers
//! are read with BatchGetJobs, BatchGetCrawlers and BatchGetTriggers, their tags with one
//! Resource Groups Tagging API GetResources per batch, and the uploaded scripts' ETags with
//! one ListObjectsV2 page. A steady refresh makes no single GetJob, GetCrawler, GetTrigger,
//! GetTags or HeadObject call; a refused batch degrades to single reads and the plan stays
//! empty.

use anyhow::{ensure, Result};
use serde_json::Value as Json;

use crate::aws_calls::{job_fixture, Faults};
use crate::harness::requests::{log_mark, operation, requests_since};
use crate::harness::*;
use crate::job::ROLE;

const JOBS: usize = 6;
const CRAWLERS: usize = 4;

fn config(prefix: &str, bucket: &str, script: &str) -> String {
    format!(
        r#"
provider "flywheel" {{}}

resource "flywheel_job" "many" {{
  count = {JOBS}
  name  = "{prefix}-job-${{count.index}}"
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
  script   = "{script}"
  schedule = count.index % 2 == 0 ? "cron(0 3 * * ? *)" : null
  tags     = {{ team = "data" }}
}}

resource "flywheel_crawler" "many" {{
  count      = {CRAWLERS}
  name       = "{prefix}-crawler-${{count.index}}"
  role_arn   = "{ROLE}"
  database   = "flywheel_acc"
  s3_targets = ["s3://{bucket}/opus/${{count.index}}/"]
}}
"#
    )
}

/// The calls after `mark` naming this test's objects, as `service:operation` with the
/// request's body.
fn calls_since(mark: u64, prefix: &str) -> Result<Vec<(String, Json)>> {
    Ok(requests_since(mark, prefix)?
        .into_iter()
        .map(|r| (operation(&r), r))
        .collect())
}

fn count(calls: &[(String, Json)], op: &str) -> usize {
    calls.iter().filter(|(o, _)| o == op).count()
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn concurrent_refreshes_share_batch_calls() {
    if !acceptance_enabled("concurrent_refreshes_share_batch_calls") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    // The crawlers name `job::ROLE`, which Glue requires to exist.
    crate::crawler::fixture_roles().await;
    let f = job_fixture(dir.path(), "etl-acc-batch").await;
    let prefix = f.job.clone();
    let hcl = config(&prefix, &f.bucket, &f.script.display().to_string());
    let mark = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let faults = std::rc::Rc::new(std::cell::RefCell::new(None::<Faults>));
    let (m1, m2, m3, m4) = (mark.clone(), mark.clone(), mark.clone(), mark.clone());
    let (p1, p2, p3) = (prefix.clone(), prefix.clone(), prefix.clone());
    let (fa1, fa2) = (faults.clone(), faults.clone());
    // Every other job is scheduled: 3 triggers.
    let triggers = JOBS.div_ceil(2);
    TestCase::new()
        .step(Step::config(hcl.clone()))
        // One steady refresh (a plan, one provider process): batches only, and fewer
        // batch calls than objects.
        .step(
            Step::config(hcl.clone())
                .plan_only()
                .pre_apply(move |_| {
                    let m = m1.clone();
                    async move {
                        m.set(log_mark()?);
                        Ok(())
                    }
                })
                .plan_check(move |_| {
                    let calls = calls_since(m2.get(), &p1)?;
                    let ops: Vec<&String> = calls.iter().map(|(o, _)| o).collect();
                    for single in [
                        "glue:GetJob",
                        "glue:GetCrawler",
                        "glue:GetTrigger",
                        "glue:GetTags",
                        "s3:HeadObject",
                    ] {
                        ensure!(
                            count(&calls, single) == 0,
                            "{single} in a steady refresh: {ops:?}"
                        );
                    }
                    for (batch, objects) in [
                        ("glue:BatchGetJobs", JOBS),
                        ("glue:BatchGetCrawlers", CRAWLERS),
                        ("glue:BatchGetTriggers", JOBS),
                        ("tagging:GetResources", JOBS + CRAWLERS + triggers),
                        ("s3:ListObjectsV2", JOBS),
                    ] {
                        let n = count(&calls, batch);
                        ensure!(
                            n > 0 && n < objects,
                            "{n} {batch} calls for {objects} objects: {ops:?}"
                        );
                    }
                    Ok(())
                }),
        )
        // Batch calls refused (not granted): every object is read alone, once, and the plan
        // is still empty.
        .step(
            Step::config(hcl)
                .plan_only()
                .pre_apply(move |_| {
                    let (m, fa, prefix) = (m3.clone(), fa1.clone(), p2.clone());
                    async move {
                        m.set(log_mark()?);
                        let refused = |service: &str, op: &str| {
                            serde_json::json!({
                                "service": service, "operation": op, "status": 400,
                                "code": "AccessDeniedException", "count": -1, "match": prefix,
                            })
                        };
                        *fa.borrow_mut() = Some(Faults::arm(&[
                            refused("glue", "BatchGetJobs"),
                            refused("glue", "BatchGetCrawlers"),
                            refused("glue", "BatchGetTriggers"),
                            refused("tagging", "GetResources"),
                            serde_json::json!({
                                "service": "s3", "operation": "ListObjectsV2", "status": 403,
                                "code": "AccessDenied", "count": -1, "match": prefix,
                            }),
                        ])?);
                        Ok(())
                    }
                })
                .plan_check(move |_| {
                    if let Some(mut f) = fa2.borrow_mut().take() {
                        f.disarm()?;
                    }
                    let calls = calls_since(m4.get(), &p3)?;
                    let ops: Vec<&String> = calls.iter().map(|(o, _)| o).collect();
                    ensure!(count(&calls, "glue:GetJob") == JOBS, "{ops:?}");
                    ensure!(count(&calls, "glue:GetCrawler") == CRAWLERS, "{ops:?}");
                    ensure!(count(&calls, "s3:HeadObject") == JOBS, "{ops:?}");
                    // The objects' tags, and the triggers' once found.
                    ensure!(
                        count(&calls, "glue:GetTags") == JOBS + CRAWLERS + triggers,
                        "{ops:?}"
                    );
                    // Refused once (or by the few reads already gathering), then not asked.
                    let refused = count(&calls, "glue:BatchGetJobs");
                    ensure!(
                        refused > 0 && refused < JOBS,
                        "{refused} BatchGetJobs: {ops:?}"
                    );
                    Ok(())
                }),
        )
        .run()
        .await;
}
