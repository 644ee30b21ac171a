//! Glue answers as AWS gives them, not as they were asked for: GetCrawler reports a
//! crawler's role by name (`path/name`) and its configuration JSON re-serialised (the
//! emulator does both, see `test-fixtures/emulator/glue_crawler_answers.py`), and plans
//! stay empty. Imports read back everything the Glue objects carry: a job's script bucket,
//! temporary directory and Spark log path, a crawler's role as an ARN. An argument set
//! explicitly to its default value stays in `arguments`.

use anyhow::{ensure, Context as _, Result};

use crate::harness::*;
use crate::job::{create_bucket, get_job, object_body, SCRIPT_V1};

const ACCOUNT: &str = "123456789012";

async fn crawler_role(aws: &Clients, name: &str) -> Result<String> {
    let c = aws
        .glue
        .get_crawler()
        .name(name)
        .send()
        .await
        .with_context(|| format!("GetCrawler {name}"))?
        .crawler
        .context("no crawler")?;
    Ok(c.role().unwrap_or_default().to_string())
}

async fn crawler_exists(aws: &Clients, name: &str) -> Result<bool> {
    match aws.glue.get_crawler().name(name).send().await {
        Ok(_) => Ok(true),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_entity_not_found_exception()) =>
        {
            Ok(false)
        }
        Err(e) => Err(e).context("GetCrawler"),
    }
}

/// A standalone crawler and one with a pipeline context whose role has a path: Glue reports
/// both roles by name, the state keeps the ARNs, and the next plans (with and without
/// refresh) are empty; the standalone one imports into a fresh state exactly.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawlers_with_roles_reported_by_name_plan_empty() {
    if !acceptance_enabled("crawlers_with_roles_reported_by_name_plan_empty") {
        return;
    }
    crate::crawler::fixture_roles().await;
    emulator_settings().check_reachable().expect("emulator");
    let a = unique_name("crw-acc-role");
    let b = format!("{a}-ctx");
    let role_a = format!("arn:aws:iam::{ACCOUNT}:role/flywheel-acc-glue-role");
    let role_b = format!("arn:aws:iam::{ACCOUNT}:role/service-role/flywheel-acc-glue");
    let config = format!(
        r#"
resource "flywheel_crawler" "a" {{
  name          = "{a}"
  role_arn      = "{role_a}"
  database      = "omc_flywheel_acc"
  s3_targets    = ["s3://flywheel-acc-data/opus/{a}/"]
  schedule      = "cron(0 4 * * ? *)"
  configuration = jsonencode({{ Version = 1.0, Grouping = {{ TableGroupingPolicy = "CombineCompatibleSchemas" }} }})
}}

resource "flywheel_crawler" "b" {{
  name       = "{b}"
  pipeline = {{
    role_arn              = "{role_b}"
    database              = "omc_flywheel_acc"
    data_bucket           = "flywheel-acc-data"
    assets_bucket         = "flywheel-acc-data"
    analysis_bucket       = "flywheel-acc-data"
    scripts_prefix        = "scripts/"
    temp_dir              = "s3://flywheel-acc-data/temporary/"
    spark_event_logs_path = "s3://flywheel-acc-data/sparkHistoryLogs/"
    tags                  = {{}}
  }}
  s3_targets    = ["s3://flywheel-acc-data/opus/{b}/"]
  configuration = <<-EOT
    {{
      "Version": 1.0,
      "CrawlerOutput": {{ "Partitions": {{ "AddOrUpdateBehavior": "InheritFromTable" }} }}
    }}
  EOT
}}
"#
    );
    let (na, nb) = (a.clone(), b.clone());
    let (ga, gb) = (a.clone(), b.clone());
    TestCase::new()
        .step(
            Step::config(config)
                .checks([
                    check_attr("flywheel_crawler.a", "role_arn", &role_a),
                    check_attr("flywheel_crawler.b", "role_arn", &role_b),
                ])
                .emulator_check(move |ctx| {
                    let (a, b) = (na.clone(), nb.clone());
                    async move {
                        let ra = crawler_role(&ctx.aws, &a).await?;
                        ensure!(ra == "flywheel-acc-glue-role", "role of {a}: {ra:?}");
                        let rb = crawler_role(&ctx.aws, &b).await?;
                        ensure!(
                            rb == "service-role/flywheel-acc-glue",
                            "role of {b}: {rb:?}"
                        );
                        Ok(())
                    }
                }),
        )
        .step(Step::import_state_verify(ImportStateVerify::new(
            "flywheel_crawler.a",
        )))
        .step(Step::import_state_verify(
            ImportStateVerify::new("flywheel_crawler.a").import_block(),
        ))
        // The pipeline object cannot be read back, and the heredoc's spelling of the
        // configuration reads back in jsonencode's.
        .step(Step::import_state_verify(
            ImportStateVerify::new("flywheel_crawler.b").ignore(["pipeline", "configuration"]),
        ))
        .check_destroy(move |ctx| {
            let (a, b) = (ga.clone(), gb.clone());
            async move {
                for n in [&a, &b] {
                    ensure!(
                        !crawler_exists(&ctx.aws, n).await?,
                        "{n} survived the destroy"
                    );
                }
                Ok(())
            }
        })
        .run()
        .await;
}

struct JobFixture {
    job: String,
    bucket: String,
    key: String,
}

impl JobFixture {
    async fn new(prefix: &str) -> JobFixture {
        let job = unique_name(prefix);
        let f = JobFixture {
            bucket: format!("{job}-assets"),
            key: format!("shared/{job}.py"),
            job,
        };
        let aws = clients().await;
        create_bucket(&aws, &f.bucket).await.expect("bucket");
        aws.s3
            .put_object()
            .bucket(&f.bucket)
            .key(&f.key)
            .body(aws_sdk_s3::primitives::ByteStream::from_static(
                SCRIPT_V1.as_bytes(),
            ))
            .send()
            .await
            .expect("existing script");
        f
    }

    /// After the destroy: the job is gone, the existing script is not; then cleans up.
    fn check_destroy(&self) -> impl Fn(Ctx) -> crate::harness::emulator::BoxFuture<Result<()>> {
        let (job, bucket, key) = (self.job.clone(), self.bucket.clone(), self.key.clone());
        move |ctx: Ctx| {
            let (job, bucket, key) = (job.clone(), bucket.clone(), key.clone());
            Box::pin(async move {
                ensure!(get_job(&ctx.aws, &job).await?.is_none(), "job {job} left");
                ensure!(
                    object_body(&ctx.aws, &bucket, &key).await?.is_some(),
                    "the existing script was deleted"
                );
                ctx.aws
                    .s3
                    .delete_object()
                    .bucket(&bucket)
                    .key(&key)
                    .send()
                    .await?;
                ctx.aws.s3.delete_bucket().bucket(&bucket).send().await?;
                Ok(())
            })
        }
    }
}

/// A standalone job with an existing script and `script_bucket` (so its temporary
/// directory and Spark logs are the bucket's defaults) imports into a fresh state exactly,
/// and an import block plans a no-op.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_import_reads_back_script_bucket_and_paths() {
    if !acceptance_enabled("job_import_reads_back_script_bucket_and_paths") {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let f = JobFixture::new("etl-acc-imp").await;
    let config = format!(
        r#"
resource "flywheel_job" "test" {{
  name              = "{job}"
  role_arn          = "arn:aws:iam::{ACCOUNT}:role/flywheel-acc-glue"
  script_location   = "s3://{bucket}/{key}"
  script_bucket     = "{bucket}"
  number_of_workers = 2
  arguments         = {{ "--input_path" = "s3://{bucket}/opus/" }}
}}

resource "flywheel_job" "paths" {{
  name                  = "{job}-p"
  role_arn              = "arn:aws:iam::{ACCOUNT}:role/flywheel-acc-glue"
  script_location       = "s3://{bucket}/{key}"
  temp_dir              = "s3://{bucket}/tmp/"
  spark_event_logs_path = "s3://{bucket}/logs/"
}}
"#,
        job = f.job,
        bucket = f.bucket,
        key = f.key,
    );
    let destroy = f.check_destroy();
    let p = format!("{}-p", f.job);
    TestCase::new()
        .step(Step::config(config).checks([
            check_attr(
                "flywheel_job.test",
                "arguments_all.--TempDir",
                format!("s3://{}/temporary/", f.bucket),
            ),
            check_attr(
                "flywheel_job.paths",
                "arguments_all.--spark-event-logs-path",
                format!("s3://{}/logs/", f.bucket),
            ),
        ]))
        .step(Step::import_state_verify(ImportStateVerify::new(
            "flywheel_job.test",
        )))
        .step(Step::import_state_verify(
            ImportStateVerify::new("flywheel_job.test").import_block(),
        ))
        .step(Step::import_state_verify(ImportStateVerify::new(
            "flywheel_job.paths",
        )))
        .step(Step::import_state_verify(
            ImportStateVerify::new("flywheel_job.paths").import_block(),
        ))
        .check_destroy(move |ctx| {
            let (d, p) = (destroy(ctx.clone()), p.clone());
            async move {
                ensure!(get_job(&ctx.aws, &p).await?.is_none(), "job {p} left");
                d.await
            }
        })
        .run()
        .await;
}

/// `--job-bookmark-option = "job-bookmark-enable"` (the built-in default) written in
/// `arguments` stays there: no diff after apply, refresh or an out-of-band change of
/// another argument, and the job keeps it. Plans show the arguments' values.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_argument_set_to_its_default_survives_refresh() {
    if !acceptance_enabled("job_argument_set_to_its_default_survives_refresh") {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let f = JobFixture::new("etl-acc-dflt").await;
    let config = |input: &str| {
        format!(
            r#"
resource "flywheel_job" "test" {{
  name            = "{job}"
  role_arn        = "arn:aws:iam::{ACCOUNT}:role/flywheel-acc-glue"
  script_location = "s3://{bucket}/{key}"
  script_bucket   = "{bucket}"
  arguments = {{
    "--job-bookmark-option" = "job-bookmark-enable"
    "--input_path"          = "{input}"
  }}
}}
"#,
            job = f.job,
            bucket = f.bucket,
            key = f.key,
        )
    };
    let (j1, j2) = (f.job.clone(), f.job.clone());
    let destroy = f.check_destroy();
    TestCase::new()
        .step(
            Step::config(config("s3://in/a/"))
                .plan_check(|plan| {
                    ensure!(
                        plan.text.contains("s3://in/a/"),
                        "the argument's value is not in the plan:\n{}",
                        plan.text
                    );
                    Ok(())
                })
                .checks([
                    check_attr("flywheel_job.test", "arguments.%", "2"),
                    check_attr(
                        "flywheel_job.test",
                        "arguments.--job-bookmark-option",
                        "job-bookmark-enable",
                    ),
                ])
                .emulator_check(move |ctx| {
                    let job = j1.clone();
                    async move {
                        let j = get_job(&ctx.aws, &job).await?.context("no job")?;
                        let args = j.default_arguments().cloned().unwrap_or_default();
                        ensure!(
                            args.get("--job-bookmark-option").map(String::as_str)
                                == Some("job-bookmark-enable"),
                            "{args:?}"
                        );
                        Ok(())
                    }
                }),
        )
        // Another argument changes: the update keeps the explicit default.
        .step(
            Step::config(config("s3://in/b/"))
                .expect_resource_action("flywheel_job.test", &["update"])
                .checks([check_attr(
                    "flywheel_job.test",
                    "arguments.--job-bookmark-option",
                    "job-bookmark-enable",
                )])
                .emulator_check(move |ctx| {
                    let job = j2.clone();
                    async move {
                        let j = get_job(&ctx.aws, &job).await?.context("no job")?;
                        let args = j.default_arguments().cloned().unwrap_or_default();
                        ensure!(
                            args.get("--input_path").map(String::as_str) == Some("s3://in/b/")
                                && args.get("--job-bookmark-option").map(String::as_str)
                                    == Some("job-bookmark-enable"),
                            "{args:?}"
                        );
                        Ok(())
                    }
                }),
        )
        // Import cannot tell a default written out from one left out: everything else
        // reads back, and the job's arguments are intact.
        .step(Step::import_state_verify(
            ImportStateVerify::new("flywheel_job.test").ignore(["arguments"]),
        ))
        .check_destroy(destroy)
        .run()
        .await;
}
