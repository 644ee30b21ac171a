//! `moved` from terraform-provider-aws (Terraform 1.8+): a state that terraform-provider-aws
//! wrote for an `aws_glue_job` and an `aws_glue_crawler` (the fixtures in
//! `test-fixtures/moved/`, their names made unique) moves into `flywheel_job` and
//! `flywheel_crawler` with `moved` blocks. Nothing is replaced; the apply writes the
//! identity onto the objects, which keep their settings (checked in the emulator); the
//! plan after it is empty.
//!
//! terraform-provider-aws cannot be installed here, and `terraform plan` insists on every
//! provider the state names: a copy of this provider stands in for it under that name
//! (`TestCase::stand_in`). Terraform only asks it for its schema: the move itself is
//! answered by the target provider (MoveResourceState).

use anyhow::{ensure, Context as _, Result};
use aws_sdk_glue::types::{JobCommand, RecrawlPolicy, S3Target, SchemaChangePolicy};

use crate::harness::*;

const JOB_FIXTURE: &str = include_str!("../../test-fixtures/moved/aws_glue_job.tfstate");
const CRAWLER_FIXTURE: &str = include_str!("../../test-fixtures/moved/aws_glue_crawler.tfstate");

struct Names {
    job: String,
    crawler: String,
    bucket: String,
    role: String,
    database: String,
    account: String,
}

impl Names {
    /// The fixtures' names replaced by this run's.
    fn rename(&self, fixture: &str) -> String {
        fixture
            .replace("etl-omc-flywheel-prod-compaction", &self.job)
            .replace("crw-omc-flywheel-prod-raw", &self.crawler)
            .replace("omc-flywheel-prod-assets", &self.bucket)
            .replace("omc-flywheel-prod-data", &self.bucket)
            .replace("omc-flywheel-prod-glue-role", &self.role)
            .replace("omc_flywheel_prod", &self.database)
            .replace("000000000000", &self.account)
    }

    fn role_arn(&self) -> String {
        format!("arn:aws:iam::{}:role/{}", self.account, self.role)
    }

    /// One state holding both resources, as terraform-provider-aws left them.
    fn initial_state(&self) -> Result<String> {
        let mut job: serde_json::Value = serde_json::from_str(&self.rename(JOB_FIXTURE))?;
        let crawler: serde_json::Value = serde_json::from_str(&self.rename(CRAWLER_FIXTURE))?;
        let resource = crawler["resources"][0].clone();
        job["resources"]
            .as_array_mut()
            .context("fixture resources")?
            .push(resource);
        Ok(serde_json::to_string_pretty(&job)?)
    }

    fn config(&self) -> String {
        format!(
            r#"
resource "flywheel_job" "compaction" {{
  name              = "{job}"
  role_arn          = "{role_arn}"
  script_location   = "s3://{bucket}/scripts/{job}.py"
  script_bucket     = "{bucket}"
  glue_version      = "4.0"
  worker_type       = "G.1X"
  number_of_workers = 10
  timeout_minutes   = 2880
  max_retries       = 0
  tags              = {{ team = "data" }}
}}

moved {{
  from = aws_glue_job.compaction
  to   = flywheel_job.compaction
}}

resource "flywheel_crawler" "raw" {{
  name         = "{crawler}"
  role_arn     = "{role_arn}"
  database     = "{database}"
  s3_targets   = ["s3://{bucket}/raw/"]
  table_prefix = "raw_"
  tags         = {{ team = "data" }}

  jdbc_target {{
    connection_name = "pg"
    path            = "sales/%"
  }}
}}

moved {{
  from = aws_glue_crawler.raw
  to   = flywheel_crawler.raw
}}
"#,
            job = self.job,
            crawler = self.crawler,
            bucket = self.bucket,
            database = self.database,
            role_arn = self.role_arn(),
        )
    }

    /// The job and crawler as terraform-provider-aws created them.
    async fn build(&self, aws: &Clients) -> Result<()> {
        ensure_role(aws, &self.role_arn()).await?;
        aws.glue
            .create_database()
            .database_input(
                aws_sdk_glue::types::DatabaseInput::builder()
                    .name(&self.database)
                    .build()?,
            )
            .send()
            .await
            .context("CreateDatabase")?;
        let b = &self.bucket;
        aws.glue
            .create_job()
            .name(&self.job)
            .role(self.role_arn())
            .command(
                JobCommand::builder()
                    .name("glueetl")
                    .python_version("3")
                    .script_location(format!("s3://{b}/scripts/{}.py", self.job))
                    .build(),
            )
            .default_arguments("--TempDir", format!("s3://{b}/temporary/"))
            .default_arguments(
                "--spark-event-logs-path",
                format!("s3://{b}/sparkHistoryLogs/"),
            )
            .default_arguments("--enable-metrics", "true")
            .default_arguments("--job-bookmark-option", "job-bookmark-enable")
            .default_arguments("--job-language", "python")
            .glue_version("4.0")
            .worker_type(aws_sdk_glue::types::WorkerType::G1X)
            .number_of_workers(10)
            .timeout(2880)
            .max_retries(0)
            .tags("team", "data")
            .send()
            .await
            .context("CreateJob")?;
        aws.glue
            .create_crawler()
            .name(&self.crawler)
            .role(&self.role)
            .database_name(&self.database)
            .targets(
                aws_sdk_glue::types::CrawlerTargets::builder()
                    .s3_targets(S3Target::builder().path(format!("s3://{b}/raw/")).build())
                    // A target beyond S3 moves too: the refresh reads it from Glue.
                    .jdbc_targets(
                        aws_sdk_glue::types::JdbcTarget::builder()
                            .connection_name("pg")
                            .path("sales/%")
                            .build(),
                    )
                    .build(),
            )
            .table_prefix("raw_")
            .schema_change_policy(
                SchemaChangePolicy::builder()
                    .update_behavior(aws_sdk_glue::types::UpdateBehavior::UpdateInDatabase)
                    .delete_behavior(aws_sdk_glue::types::DeleteBehavior::Log)
                    .build(),
            )
            .recrawl_policy(
                RecrawlPolicy::builder()
                    .recrawl_behavior(aws_sdk_glue::types::RecrawlBehavior::CrawlEverything)
                    .build(),
            )
            .tags("team", "data")
            .send()
            .await
            .context("CreateCrawler")?;
        Ok(())
    }
}

async fn glue_tags(aws: &Clients, account: &str, kind: &str, name: &str) -> Result<Vec<String>> {
    let arn = format!("arn:aws:glue:us-east-1:{account}:{kind}/{name}");
    let out = aws.glue.get_tags().resource_arn(&arn).send().await?;
    let mut keys: Vec<String> = out
        .tags()
        .map(|t| t.iter().map(|(k, v)| format!("{k}={v}")).collect())
        .unwrap_or_default();
    keys.sort();
    Ok(keys)
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn moved_from_aws_glue_job_and_crawler() {
    if !acceptance_enabled("moved_from_aws_glue_job_and_crawler") {
        return;
    }
    let p = unique_name("fw-mv");
    let aws = clients().await;
    let n = std::rc::Rc::new(Names {
        job: format!("etl-{p}-compaction"),
        crawler: format!("crw-{p}-raw"),
        bucket: format!("{p}-assets"),
        role: format!("{p}-glue-role"),
        database: p.replace('-', "_"),
        account: emulator_account_id().await.expect("account"),
    });
    n.build(&aws)
        .await
        .expect("the objects terraform-provider-aws made");
    let state = n.initial_state().expect("initial state");

    let nx = n.clone();
    let moved = Step::config(n.config())
        // Moved, not replaced: in-place updates write the identity (and the organisation's
        // job defaults the configuration does not override).
        .expect_resource_action("flywheel_job.compaction", &["update"])
        .expect_resource_action("flywheel_crawler.raw", &["update"])
        .expect_plan_text(r"# \(moved from aws_glue_job\.compaction\)")
        .expect_plan_text(r"# \(moved from aws_glue_crawler\.raw\)")
        .emulator_check(move |ctx| {
            let n = nx.clone();
            async move {
                let job = ctx.aws.glue.get_job().job_name(&n.job).send().await?;
                let job = job.job().context("the job")?;
                ensure!(
                    job.number_of_workers() == Some(10),
                    "workers {:?}",
                    job.number_of_workers()
                );
                ensure!(
                    job.glue_version() == Some("4.0"),
                    "glue {:?}",
                    job.glue_version()
                );
                let tags = glue_tags(&ctx.aws, &n.account, "job", &n.job).await?;
                ensure!(
                    tags.iter().any(|t| t.starts_with("flywheel:owner=")),
                    "job tags {tags:?}"
                );
                ensure!(tags.contains(&"team=data".to_string()), "job tags {tags:?}");
                let c = ctx.aws.glue.get_crawler().name(&n.crawler).send().await?;
                let c = c.crawler().context("the crawler")?;
                let paths: Vec<_> = c
                    .targets()
                    .map(|t| t.s3_targets().iter().filter_map(|s| s.path()).collect())
                    .unwrap_or_default();
                ensure!(
                    paths == [format!("s3://{}/raw/", n.bucket)],
                    "targets {paths:?}"
                );
                let jdbc: Vec<_> = c
                    .targets()
                    .map(|t| t.jdbc_targets().iter().filter_map(|j| j.path()).collect())
                    .unwrap_or_default();
                ensure!(jdbc == ["sales/%"], "JDBC targets {jdbc:?}");
                let tags = glue_tags(&ctx.aws, &n.account, "crawler", &n.crawler).await?;
                ensure!(
                    tags.iter().any(|t| t.starts_with("flywheel:owner=")),
                    "crawler tags {tags:?}"
                );
                Ok(())
            }
        });
    let nx = n.clone();
    TestCase::new()
        .initial_state(state)
        .stand_in("hashicorp/aws")
        .step(moved)
        .check_destroy(move |ctx| {
            let n = nx.clone();
            async move {
                let job = ctx.aws.glue.get_job().job_name(&n.job).send().await;
                ensure!(job.is_err(), "the job is left");
                let c = ctx.aws.glue.get_crawler().name(&n.crawler).send().await;
                ensure!(c.is_err(), "the crawler is left");
                ctx.aws
                    .glue
                    .delete_database()
                    .name(&n.database)
                    .send()
                    .await?;
                Ok(())
            }
        })
        .run()
        .await;
}
