//! Data sources `flywheel_job` and `flywheel_crawler`: the definition of an object the
//! resource made reads back as the resource holds it, and the activity reads back as the
//! emulator reports it. Run history is seeded through the emulator's control API
//! (`/_flywheel/job-runs`, `/_flywheel/crawls`, `/_flywheel/crawler-runs`;
//! test-fixtures/emulator/glue_run_history.py); each check asks the emulator itself
//! (GetJobRuns, GetCrawler, GetCrawlerMetrics) rather than trusting the state alone. A name
//! that does not exist fails the read, naming the object and the region; one Glue cannot
//! hold fails validation.

use anyhow::{ensure, Context, Result};
use aws_sdk_glue::primitives::{DateTime, DateTimeFormat};
use serde_json::{json, Value as Json};

use crate::crawler::{fixture_roles, nothing_left, ROLE as CRAWLER_ROLE};
use crate::harness::requests::control;
use crate::harness::*;
use crate::job::{get_job, ROLE as JOB_ROLE};

const JOB: &str = "flywheel_job.j";
const DATA_JOB: &str = "data.flywheel_job.j";
const CRAWLER: &str = "flywheel_crawler.c";
const DATA_CRAWLER: &str = "data.flywheel_crawler.c";

fn job_hcl(name: &str) -> String {
    format!(
        r#"
provider "flywheel" {{
  default_tags = {{ CostCenter = "acc" }}
}}

resource "flywheel_job" "j" {{
  name                  = "{name}"
  role_arn              = "{JOB_ROLE}"
  script_location       = "s3://flywheel-acc-data/scripts/{name}.py"
  temp_dir              = "s3://flywheel-acc-data/temporary/"
  spark_event_logs_path = "s3://flywheel-acc-data/sparkHistoryLogs/"
  worker_type           = "G.2X"
  number_of_workers     = 5
  timeout_minutes       = 60
  max_retries           = 1
  long_running_minutes  = 30
  spark_conf            = {{ "spark.sql.shuffle.partitions" = "64" }}
  arguments = {{
    "--input_path"          = "s3://flywheel-acc-data/opus/"
    "--job-bookmark-option" = "job-bookmark-disable"
  }}
  tags = {{ team = "data" }}
}}

data "flywheel_job" "j" {{
  name = flywheel_job.j.name
}}
"#
    )
}

/// Seeds a run of `job` in the emulator; its id.
async fn seed_run(job: &str, spec: Json) -> Result<String> {
    let mut body = spec;
    body["job"] = json!(job);
    body["account"] = json!(emulator_account_id().await?);
    let out = control("POST", "/_flywheel/job-runs", &body.to_string())
        .with_context(|| format!("seeding a run of job {job}"))?;
    let out: Json = serde_json::from_str(&out)?;
    Ok(out["id"].as_str().unwrap_or_default().to_string())
}

/// `data.<type>.<name>.<path>` as the state holds it, rendered as a scalar.
fn attr(ctx: &Ctx, address: &str, path: &str) -> Result<Option<String>> {
    Ok(ctx
        .state
        .attr(address, path)?
        .as_ref()
        .and_then(crate::harness::state::render_scalar))
}

fn rfc3339(t: Option<&DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(DateTimeFormat::DateTime).ok())
}

/// The data source's `last_run` is what the emulator's GetJobRuns lists first, with the
/// DPU-seconds Glue gives or those of the run's workers.
async fn last_run_matches(ctx: Ctx, job: String, want_state: &str) -> Result<()> {
    let runs = ctx.aws.glue.get_job_runs().job_name(&job).send().await?;
    let run = runs
        .job_runs()
        .first()
        .context("the emulator lists no run")?;
    ensure!(
        run.job_run_state().map(|s| s.as_str()) == Some(want_state),
        "the emulator's last run is {:?}",
        run.job_run_state()
    );
    let path = |p: &str| format!("last_run.{p}");
    let got = |p: &str| attr(&ctx, DATA_JOB, &path(p));
    ensure!(got("id")? == run.id().map(str::to_string), "id");
    ensure!(got("state")?.as_deref() == Some(want_state), "state");
    ensure!(
        got("started_on")? == rfc3339(run.started_on()),
        "started_on {:?}, the emulator {:?}",
        got("started_on")?,
        rfc3339(run.started_on())
    );
    ensure!(
        got("duration_seconds")? == Some(run.execution_time().to_string()),
        "duration_seconds {:?}, ExecutionTime {}",
        got("duration_seconds")?,
        run.execution_time()
    );
    ensure!(
        got("error_message")? == run.error_message().map(str::to_string),
        "error_message {:?}, the emulator {:?}",
        got("error_message")?,
        run.error_message()
    );
    let dpu_seconds = match run.dpu_seconds() {
        Some(d) => d,
        None => {
            ensure!(
                run.worker_type().map(|w| w.as_str()) == Some("G.2X"),
                "worker type {:?}",
                run.worker_type()
            );
            // G.2X: 2 DPUs per worker.
            f64::from(run.number_of_workers().unwrap_or(0)) * 2.0 * f64::from(run.execution_time())
        }
    };
    let got_dpu: f64 = got("dpu_seconds")?
        .context("dpu_seconds is null")?
        .parse()?;
    ensure!(
        (got_dpu - dpu_seconds).abs() < 1e-9,
        "dpu_seconds {got_dpu}, expected {dpu_seconds}"
    );
    Ok(())
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_data_source_reads_definition_and_last_run() {
    if !acceptance_enabled("job_data_source_reads_definition_and_last_run") {
        return;
    }
    fixture_roles().await;
    let name = unique_name("job-acc-data");
    let same = |path: &str| check_attr_pair(JOB, path, DATA_JOB, path);
    let (n1, n2, n3, n4, n5) = (
        name.clone(),
        name.clone(),
        name.clone(),
        name.clone(),
        name.clone(),
    );
    TestCase::new()
        // The definition as the resource reads it; never run: no last_run.
        .step(
            Step::config(job_hcl(&name))
                .checks([
                    check_attr(DATA_JOB, "id", &name),
                    same("arn"),
                    same("role_arn"),
                    same("script_location"),
                    same("glue_version"),
                    same("worker_type"),
                    same("number_of_workers"),
                    same("timeout_minutes"),
                    same("max_retries"),
                    same("long_running_minutes"),
                    same("execution_class"),
                    same("max_concurrent_runs"),
                    same("arguments.%"),
                    same("arguments.--input_path"),
                    same("arguments.--job-bookmark-option"),
                    same("arguments_all.%"),
                    same("spark_conf.spark.sql.shuffle.partitions"),
                    same("tags.%"),
                    same("tags.team"),
                    same("tags_all.%"),
                    same("tags_all.flywheel:owner"),
                    check_attr(DATA_JOB, "worker_type", "G.2X"),
                    check_attr(DATA_JOB, "tags_all.CostCenter", "acc"),
                    check_no_attr(DATA_JOB, "tags.CostCenter"),
                    check_no_attr(DATA_JOB, "last_run"),
                ])
                .emulator_check(move |ctx| {
                    let name = n1.clone();
                    async move {
                        // The emulator's definition, not only the resource's state.
                        let job = get_job(&ctx.aws, &name).await?.context("no job")?;
                        ensure!(
                            attr(&ctx, DATA_JOB, "arguments_all.%")?
                                == Some(job.default_arguments().map_or(0, |a| a.len()).to_string()),
                            "arguments_all differs from the emulator's DefaultArguments"
                        );
                        ensure!(
                            attr(&ctx, DATA_JOB, "number_of_workers")?
                                == job.number_of_workers().map(|n| n.to_string()),
                            "number_of_workers"
                        );
                        Ok(())
                    }
                }),
        )
        // A success, then a failure: the failure is the last run.
        .step(
            Step::config(job_hcl(&name))
                .pre_apply(move |_| {
                    let name = n2.clone();
                    async move {
                        seed_run(
                            &name,
                            json!({"state": "SUCCEEDED", "execution_time": 95,
                                   "started_on": "2026-12-01T10:00:00Z"}),
                        )
                        .await?;
                        seed_run(
                            &name,
                            json!({"state": "FAILED", "execution_time": 312,
                                   "error_message": "AnalysisException: Path does not exist: s3://flywheel-acc-data/opus/",
                                   "started_on": "2026-12-01T12:30:05Z"}),
                        )
                        .await?;
                        Ok(())
                    }
                })
                .checks([
                    check_attr(DATA_JOB, "last_run.state", "FAILED"),
                    check_attr(DATA_JOB, "last_run.started_on", "2026-12-01T12:30:05Z"),
                    check_attr(DATA_JOB, "last_run.duration_seconds", "312"),
                    // 5 G.2X workers (10 DPUs) for 312 seconds.
                    check_attr(DATA_JOB, "last_run.dpu_seconds", "3120"),
                    check_attr_regex(DATA_JOB, "last_run.id", "^jr_"),
                    check_attr_regex(DATA_JOB, "last_run.error_message", "^AnalysisException: Path does not exist"),
                ])
                .emulator_check(move |ctx| last_run_matches(ctx, n3.clone(), "FAILED")),
        )
        // A newer success with Glue's own DPU-seconds (as a FLEX run reports them).
        .step(
            Step::config(job_hcl(&name))
                .pre_apply(move |_| {
                    let name = n4.clone();
                    async move {
                        seed_run(
                            &name,
                            json!({"state": "SUCCEEDED", "execution_time": 600,
                                   "dpu_seconds": 4321.5, "started_on": "2026-12-01T14:00:00Z"}),
                        )
                        .await?;
                        Ok(())
                    }
                })
                .checks([
                    check_attr(DATA_JOB, "last_run.state", "SUCCEEDED"),
                    check_attr(DATA_JOB, "last_run.dpu_seconds", "4321.5"),
                    check_attr(DATA_JOB, "last_run.duration_seconds", "600"),
                    check_no_attr(DATA_JOB, "last_run.error_message"),
                ])
                .emulator_check(move |ctx| last_run_matches(ctx, n5.clone(), "SUCCEEDED")),
        )
        .run()
        .await;
}

fn crawler_hcl(name: &str) -> String {
    format!(
        r#"
provider "flywheel" {{}}

resource "flywheel_crawler" "c" {{
  name         = "{name}"
  role_arn     = "{CRAWLER_ROLE}"
  database     = "omc_flywheel_acc"
  s3_targets   = ["s3://flywheel-acc-data/opus/{name}/a/", "s3://flywheel-acc-data/opus/{name}/b/"]
  exclusions   = ["**/_temporary/**"]
  table_prefix = "raw_"
  schedule     = "cron(0 4 * * ? *)"
  schema_change_policy {{
    delete_behavior = "DEPRECATE_IN_DATABASE"
  }}
  tags = {{ team = "data" }}
}}

data "flywheel_crawler" "c" {{
  name = flywheel_crawler.c.name
}}
"#
    )
}

async fn seed_crawl(crawler: &str, spec: Json) -> Result<()> {
    let mut body = spec;
    body["crawler"] = json!(crawler);
    body["account"] = json!(emulator_account_id().await?);
    control("POST", "/_flywheel/crawls", &body.to_string())
        .with_context(|| format!("seeding a crawl of crawler {crawler}"))?;
    Ok(())
}

/// `state` and `last_crawl` are what the emulator's GetCrawler and GetCrawlerMetrics say.
async fn crawl_matches(ctx: Ctx, name: String) -> Result<()> {
    let c = crate::crawler::crawler(&ctx, &name).await?;
    let last = c
        .last_crawl()
        .context("the emulator reports no last crawl")?;
    let got = |p: &str| attr(&ctx, DATA_CRAWLER, &format!("last_crawl.{p}"));
    ensure!(
        got("status")?.as_deref() == last.status().map(|s| s.as_str()),
        "status {:?}, the emulator {:?}",
        got("status")?,
        last.status()
    );
    ensure!(got("error_message")? == last.error_message().map(str::to_string));
    ensure!(got("started_on")? == rfc3339(last.start_time()));
    ensure!(got("log_group")? == last.log_group().map(str::to_string));
    ensure!(got("log_stream")? == last.log_stream().map(str::to_string));
    let metrics = ctx
        .aws
        .glue
        .get_crawler_metrics()
        .crawler_name_list(&name)
        .send()
        .await?;
    let m = metrics
        .crawler_metrics_list()
        .first()
        .context("no metrics")?;
    for (field, want) in [
        ("tables_created", m.tables_created()),
        ("tables_updated", m.tables_updated()),
        ("tables_deleted", m.tables_deleted()),
    ] {
        ensure!(
            got(field)? == Some(want.to_string()),
            "{field} {:?}, the emulator {want}",
            got(field)?
        );
    }
    let runtime: f64 = got("runtime_seconds")?
        .context("runtime_seconds")?
        .parse()?;
    ensure!(
        (runtime - m.last_runtime_seconds()).abs() < 1e-9,
        "runtime_seconds {runtime}"
    );
    ensure!(
        attr(&ctx, DATA_CRAWLER, "state")?.as_deref() == c.state().map(|s| s.as_str()),
        "state"
    );
    Ok(())
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_data_source_reads_definition_state_and_last_crawl() {
    if !acceptance_enabled("crawler_data_source_reads_definition_state_and_last_crawl") {
        return;
    }
    fixture_roles().await;
    let name = unique_name("crw-acc-data");
    let same = |path: &str| check_attr_pair(CRAWLER, path, DATA_CRAWLER, path);
    let (n1, n2, n3, n4, n5, n6) = (
        name.clone(),
        name.clone(),
        name.clone(),
        name.clone(),
        name.clone(),
        name.clone(),
    );
    TestCase::new()
        // The definition as the resource reads it; never crawled: no last_crawl.
        .step(Step::config(crawler_hcl(&name)).checks([
            check_attr(DATA_CRAWLER, "id", &name),
            same("arn"),
            same("role_arn"),
            same("database"),
            same("s3_targets.#"),
            same("exclusions.0"),
            same("table_prefix"),
            same("schedule"),
            same("recrawl_policy"),
            same("schema_change_policy.update_behavior"),
            same("schema_change_policy.delete_behavior"),
            same("lineage"),
            same("tags.team"),
            same("tags_all.%"),
            check_attr(DATA_CRAWLER, "s3_targets.#", "2"),
            check_attr(DATA_CRAWLER, "schema_change_policy.delete_behavior", "DEPRECATE_IN_DATABASE"),
            check_attr(DATA_CRAWLER, "state", "READY"),
            check_no_attr(DATA_CRAWLER, "last_crawl"),
        ]))
        // A success, then a failure with its metrics: the failure is the last crawl.
        .step(
            Step::config(crawler_hcl(&name))
                .pre_apply(move |_| {
                    let name = n1.clone();
                    async move {
                        seed_crawl(
                            &name,
                            json!({"status": "SUCCEEDED", "runtime_seconds": 40,
                                   "tables_created": 4, "started_on": "2026-12-01T09:00:00Z"}),
                        )
                        .await?;
                        seed_crawl(
                            &name,
                            json!({"status": "FAILED", "runtime_seconds": 75,
                                   "error_message": "Insufficient Lake Formation permission(s) on omc_flywheel_acc",
                                   "tables_created": 1, "tables_updated": 2, "tables_deleted": 3,
                                   "started_on": "2026-12-01T10:15:00Z"}),
                        )
                        .await
                    }
                })
                .checks([
                    check_attr(DATA_CRAWLER, "state", "READY"),
                    check_attr(DATA_CRAWLER, "last_crawl.status", "FAILED"),
                    check_attr(DATA_CRAWLER, "last_crawl.started_on", "2026-12-01T10:15:00Z"),
                    check_attr_regex(DATA_CRAWLER, "last_crawl.error_message", "^Insufficient Lake Formation"),
                    check_attr(DATA_CRAWLER, "last_crawl.tables_created", "1"),
                    check_attr(DATA_CRAWLER, "last_crawl.tables_updated", "2"),
                    check_attr(DATA_CRAWLER, "last_crawl.tables_deleted", "3"),
                    check_attr(DATA_CRAWLER, "last_crawl.runtime_seconds", "75"),
                    check_attr_set(DATA_CRAWLER, "last_crawl.log_group"),
                ])
                .emulator_check(move |ctx| crawl_matches(ctx, n2.clone())),
        )
        // A success afterwards: no error message.
        .step(
            Step::config(crawler_hcl(&name))
                .pre_apply(move |_| {
                    let name = n3.clone();
                    async move {
                        seed_crawl(
                            &name,
                            json!({"status": "SUCCEEDED", "runtime_seconds": 30, "tables_updated": 5}),
                        )
                        .await
                    }
                })
                .checks([
                    check_attr(DATA_CRAWLER, "last_crawl.status", "SUCCEEDED"),
                    check_attr(DATA_CRAWLER, "last_crawl.tables_updated", "5"),
                    check_attr(DATA_CRAWLER, "last_crawl.tables_created", "0"),
                    check_no_attr(DATA_CRAWLER, "last_crawl.error_message"),
                ])
                .emulator_check(move |ctx| crawl_matches(ctx, n4.clone())),
        )
        // While a crawl runs: RUNNING, and the last crawl is still the one that ended.
        .step(
            Step::config(crawler_hcl(&name))
                .pre_apply(move |_| {
                    let name = n5.clone();
                    async move {
                        let body = json!({"crawler": name, "running_seconds": 20,
                                          "account": emulator_account_id().await?});
                        control("POST", "/_flywheel/crawler-runs", &body.to_string())?;
                        Ok(())
                    }
                })
                .checks([
                    check_attr(DATA_CRAWLER, "state", "RUNNING"),
                    check_attr(DATA_CRAWLER, "last_crawl.status", "SUCCEEDED"),
                ]),
        )
        .check_destroy(move |ctx| nothing_left(ctx, n6.clone()))
        .run()
        .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn data_sources_name_what_does_not_exist() {
    if !acceptance_enabled("data_sources_name_what_does_not_exist") {
        return;
    }
    let name = unique_name("acc-data-missing");
    let region = emulator_settings().region;
    TestCase::new()
        .step(
            Step::config(format!(
                "provider \"flywheel\" {{}}\n\ndata \"flywheel_job\" \"j\" {{\n  name = \"{name}\"\n}}\n"
            ))
            .expect_error(&format!(
                r#"Glue job not found[\s\S]*no Glue job named "{name}" in region {region}"#
            )),
        )
        .step(
            Step::config(format!(
                "provider \"flywheel\" {{}}\n\ndata \"flywheel_crawler\" \"c\" {{\n  name = \"{name}\"\n}}\n"
            ))
            .expect_error(&format!(
                r#"Glue crawler not found[\s\S]*no Glue crawler named "{name}" in region {region}"#
            )),
        )
        // A name Glue cannot hold fails `terraform validate`, before any AWS call.
        .step(
            Step::config(
                "provider \"flywheel\" {}\n\ndata \"flywheel_crawler\" \"c\" {\n  name = \" padded \"\n}\n",
            )
            .validate_only()
            .expect_error(r#"Invalid crawler name[\s\S]*must not start or end with whitespace"#),
        )
        .run()
        .await;
}
