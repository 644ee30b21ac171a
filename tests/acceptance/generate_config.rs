//! `terraform plan -generate-config-out` on jobs and crawlers built by hand (through the
//! SDK, untagged, with non-default settings): the generated file passes `validate`, holds
//! no computed-only attribute and no value equal to a default, and plans nothing but the
//! import and the owner tags; after the apply the next plan is empty and the objects kept
//! every setting.

use anyhow::{bail, ensure, Context as _, Result};
use aws_sdk_glue::types::{
    Action, CrawlerTargets, JobCommand, RecrawlBehavior, RecrawlPolicy, S3Target,
    SchemaChangePolicy, TriggerType,
};
use serde_json::Value;

use crate::harness::*;
use crate::job::{create_bucket, get_job, trigger_exists};

const ACCOUNT: &str = "123456789012";

/// What the hand-built environment is made of.
struct HandBuilt {
    p: String,
    role: String,
    bucket: String,
}

impl HandBuilt {
    fn custom_job(&self) -> String {
        format!("{}-custom", self.p)
    }
    fn plain_job(&self) -> String {
        format!("{}-plain", self.p)
    }
    fn shell_job(&self) -> String {
        format!("{}-shell", self.p)
    }
    fn custom_crawler(&self) -> String {
        format!("{}-raw", self.p)
    }
    fn plain_crawler(&self) -> String {
        format!("{}-out", self.p)
    }
    /// A JDBC target beside an S3 target reached through a connection (block form).
    fn jdbc_crawler(&self) -> String {
        format!("{}-jdbc", self.p)
    }
    fn database(&self) -> String {
        self.p.replace('-', "_")
    }

    /// As the Glue console builds them: the job wizard's default arguments, then ours.
    async fn build(aws: &Clients, p: &str) -> Result<HandBuilt> {
        let h = HandBuilt {
            p: p.to_string(),
            role: format!("arn:aws:iam::{ACCOUNT}:role/{p}-glue-role"),
            bucket: format!("{p}-assets"),
        };
        ensure_role(aws, &h.role).await?;
        create_bucket(aws, &h.bucket).await?;
        for job in [h.custom_job(), h.plain_job(), h.shell_job()] {
            aws.s3
                .put_object()
                .bucket(&h.bucket)
                .key(format!("scripts/{job}.py"))
                .body(aws_sdk_s3::primitives::ByteStream::from_static(
                    b"print('etl')\n",
                ))
                .send()
                .await
                .context("PutObject script")?;
        }
        let b = &h.bucket;
        let console_args = |extra: &[(&str, &str)]| {
            let mut m: std::collections::HashMap<String, String> = [
                ("--TempDir", format!("s3://{b}/temporary/")),
                (
                    "--spark-event-logs-path",
                    format!("s3://{b}/sparkHistoryLogs/"),
                ),
                ("--enable-metrics", "true".into()),
                ("--enable-continuous-cloudwatch-log", "true".into()),
                ("--enable-spark-ui", "true".into()),
                ("--job-bookmark-option", "job-bookmark-enable".into()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            m.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
            m
        };
        let command = |job: &str| {
            JobCommand::builder()
                .name("glueetl")
                .python_version("3")
                .script_location(format!("s3://{b}/scripts/{job}.py"))
                .build()
        };
        aws.glue
            .create_job()
            .name(h.custom_job())
            .role(&h.role)
            .command(command(&h.custom_job()))
            .glue_version("3.0")
            .worker_type(aws_sdk_glue::types::WorkerType::G2X)
            .number_of_workers(24)
            .timeout(600)
            .max_retries(2)
            .description("infobase attributes compaction")
            .job_mode(aws_sdk_glue::types::JobMode::Notebook)
            .source_control_details(
                aws_sdk_glue::types::SourceControlDetails::builder()
                    .provider(aws_sdk_glue::types::SourceControlProvider::Github)
                    .repository("etl-scripts")
                    .branch("main")
                    .auth_strategy(
                        aws_sdk_glue::types::SourceControlAuthStrategy::AwsSecretsManager,
                    )
                    .auth_token("glue/github-token")
                    .build(),
            )
            .set_default_arguments(Some(console_args(&[
                ("--job-language", "python"),
                ("--input_path", "s3://data/opus/infobase_attributes/"),
                (
                    "--output_path",
                    "s3://data/omc_cleanroom_data/infobase_attributes/",
                ),
            ])))
            .send()
            .await
            .context("CreateJob custom")?;
        aws.glue
            .create_trigger()
            .name(format!("{}-schedule", h.custom_job()))
            .r#type(TriggerType::Scheduled)
            .schedule("cron(0 3 * * ? *)")
            .actions(Action::builder().job_name(h.custom_job()).build())
            .start_on_creation(true)
            .send()
            .await
            .context("CreateTrigger")?;
        aws.glue
            .create_job()
            .name(h.plain_job())
            .role(&h.role)
            .command(command(&h.plain_job()))
            .glue_version("4.0")
            .worker_type(aws_sdk_glue::types::WorkerType::G1X)
            .number_of_workers(10)
            .timeout(600)
            .max_retries(2)
            .set_default_arguments(Some(console_args(&[])))
            .send()
            .await
            .context("CreateJob plain")?;
        // A Python shell job as the console makes it: 1 DPU, the analytics libraries,
        // bookmarks off.
        aws.glue
            .create_job()
            .name(h.shell_job())
            .role(&h.role)
            .command(
                JobCommand::builder()
                    .name("pythonshell")
                    .python_version("3.9")
                    .script_location(format!("s3://{b}/scripts/{}.py", h.shell_job()))
                    .build(),
            )
            .glue_version("3.0")
            .max_capacity(1.0)
            .timeout(60)
            .max_retries(0)
            .set_default_arguments(Some(
                [
                    ("--TempDir", format!("s3://{b}/temporary/")),
                    ("library-set", "analytics".to_string()),
                    ("--job-bookmark-option", "job-bookmark-disable".to_string()),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            ))
            .send()
            .await
            .context("CreateJob shell")?;
        aws.glue
            .create_database()
            .database_input(
                aws_sdk_glue::types::DatabaseInput::builder()
                    .name(h.database())
                    .build()?,
            )
            .send()
            .await
            .context("CreateDatabase")?;
        aws.glue
            .create_crawler()
            .name(h.custom_crawler())
            .role(&h.role)
            .database_name(h.database())
            .targets(
                CrawlerTargets::builder()
                    .s3_targets(
                        S3Target::builder()
                            .path("s3://data/opus/addressable/")
                            .exclusions("**/_temporary/**")
                            .exclusions("**.tmp")
                            .build(),
                    )
                    .build(),
            )
            .table_prefix("addressable_")
            .recrawl_policy(
                RecrawlPolicy::builder()
                    .recrawl_behavior(RecrawlBehavior::CrawlNewFoldersOnly)
                    .build(),
            )
            .schema_change_policy(
                SchemaChangePolicy::builder()
                    .update_behavior(aws_sdk_glue::types::UpdateBehavior::Log)
                    .delete_behavior(aws_sdk_glue::types::DeleteBehavior::Log)
                    .build(),
            )
            .configuration(
                r#"{"Version":1.0,"Grouping":{"TableGroupingPolicy":"CombineCompatibleSchemas"}}"#,
            )
            .send()
            .await
            .context("CreateCrawler custom")?;
        aws.glue
            .create_crawler()
            .name(h.plain_crawler())
            .role(&h.role)
            .database_name(h.database())
            .targets(
                CrawlerTargets::builder()
                    .s3_targets(
                        S3Target::builder()
                            .path("s3://data/omc_cleanroom_data/addressable/")
                            .build(),
                    )
                    .build(),
            )
            .schema_change_policy(
                SchemaChangePolicy::builder()
                    .update_behavior(aws_sdk_glue::types::UpdateBehavior::UpdateInDatabase)
                    .delete_behavior(aws_sdk_glue::types::DeleteBehavior::Log)
                    .build(),
            )
            .send()
            .await
            .context("CreateCrawler plain")?;
        aws.glue
            .create_crawler()
            .name(h.jdbc_crawler())
            .role(&h.role)
            .database_name(h.database())
            .targets(
                CrawlerTargets::builder()
                    .s3_targets(
                        S3Target::builder()
                            .path("s3://data/opus/vpc_only/")
                            .connection_name("vpc")
                            .build(),
                    )
                    .jdbc_targets(
                        aws_sdk_glue::types::JdbcTarget::builder()
                            .connection_name("postgres")
                            .path("sales/public/%")
                            .enable_additional_metadata(
                                aws_sdk_glue::types::JdbcMetadataEntry::Comments,
                            )
                            .build(),
                    )
                    .build(),
            )
            .schema_change_policy(
                SchemaChangePolicy::builder()
                    .update_behavior(aws_sdk_glue::types::UpdateBehavior::UpdateInDatabase)
                    .delete_behavior(aws_sdk_glue::types::DeleteBehavior::Log)
                    .build(),
            )
            .send()
            .await
            .context("CreateCrawler jdbc")?;
        Ok(h)
    }

    fn imports(&self) -> String {
        [
            ("flywheel_job.custom", self.custom_job()),
            ("flywheel_job.plain", self.plain_job()),
            ("flywheel_job.shell", self.shell_job()),
            ("flywheel_crawler.raw", self.custom_crawler()),
            ("flywheel_crawler.out", self.plain_crawler()),
            ("flywheel_crawler.jdbc", self.jdbc_crawler()),
        ]
        .iter()
        .map(|(to, id)| format!("import {{\n  to = {to}\n  id = \"{id}\"\n}}\n"))
        .collect()
    }
}

/// The resource block `address` in a generated file, as text.
fn block<'a>(generated: &'a str, address: &str) -> Result<&'a str> {
    let (ty, name) = address.split_once('.').context("address")?;
    let head = format!("resource \"{ty}\" \"{name}\" {{");
    let start = generated
        .find(&head)
        .with_context(|| format!("no {address} in\n{generated}"))?;
    let rest = &generated[start..];
    let end = rest.find("\n}\n").map_or(rest.len(), |e| e + 3);
    Ok(&rest[..end])
}

/// Attributes whose planned value differs from the imported one, for `address`.
pub(crate) fn changed_attributes(plan: &Value, address: &str) -> Result<Vec<String>> {
    let rc = plan["resource_changes"]
        .as_array()
        .context("resource_changes")?
        .iter()
        .find(|rc| rc["address"] == address)
        .with_context(|| format!("{address} is not in the plan"))?;
    let actions = &rc["change"]["actions"];
    ensure!(
        *actions == serde_json::json!(["update"]) || *actions == serde_json::json!(["no-op"]),
        "{address} plans {actions}, not an in-place update"
    );
    ensure!(
        rc["change"]["importing"].is_object(),
        "{address} is not being imported"
    );
    let before = rc["change"]["before"].as_object().context("before")?;
    let after = rc["change"]["after"].as_object().context("after")?;
    let unknown = rc["change"]["after_unknown"].as_object();
    let mut out: Vec<String> = before
        .keys()
        .chain(after.keys())
        .filter(|k| {
            before.get(*k) != after.get(*k)
                || unknown.is_some_and(|u| u.get(*k).is_some_and(|v| v == true))
        })
        .cloned()
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn generated_configuration_of_hand_built_jobs_and_crawlers() {
    if !acceptance_enabled("generated_configuration_of_hand_built_jobs_and_crawlers") {
        return;
    }
    let root = tempfile::Builder::new()
        .prefix("flywheel-acc-generate-config-")
        .tempdir()
        .expect("temp dir");
    let aws = clients().await;
    let h = HandBuilt::build(&aws, &unique_name("gen"))
        .await
        .expect("hand-built jobs and crawlers");
    let result = generate_case(root.path(), &aws, &h).await;
    let cleanup = cleanup(&aws, &h).await;
    if let Err(e) = result.and(cleanup) {
        let kept = root.keep();
        panic!(
            "generate-config case failed; working files kept in {}\n\n{e:#}",
            kept.display()
        );
    }
}

async fn generate_case(root: &std::path::Path, aws: &Clients, h: &HandBuilt) -> Result<()> {
    let tf = Terraform::new(root)?;
    let work = tf.workdir("work")?;
    work.write_config(&format!("provider \"flywheel\" {{}}\n\n{}", h.imports()))?;
    let plan = work
        .run(&[
            "plan",
            "-no-color",
            "-input=false",
            "-generate-config-out=generated.tf",
        ])
        .await?;
    ensure!(plan.success(), "{}", plan.describe());
    let generated = std::fs::read_to_string(work.dir.join("generated.tf"))?;

    // Computed-only attributes never appear, and no null is written out.
    for absent in [
        "arguments_all",
        "tags_all",
        "owner_id",
        "managed_objects",
        "script_sha256",
        " arn ",
        " id ",
        "= null",
        "sensitive",
    ] {
        ensure!(
            !generated.contains(absent),
            "generated.tf holds {absent:?}:\n{generated}"
        );
    }
    // The job with every default: only what has no default.
    let plain = block(&generated, "flywheel_job.plain")?;
    for absent in [
        "worker_type",
        "number_of_workers",
        "timeout_minutes",
        "max_retries",
        "glue_version",
        "arguments",
        "temp_dir",
        "spark_event_logs_path",
        "schedule",
        "description",
        "job_mode",
        "command",
    ] {
        ensure!(!plain.contains(absent), "{absent} written out:\n{plain}");
    }
    for present in [
        format!("role_arn        = \"{}\"", h.role),
        format!("script_bucket   = \"{}\"", h.bucket),
        format!(
            "script_location = \"s3://{}/scripts/{}.py\"",
            h.bucket,
            h.plain_job()
        ),
    ] {
        ensure!(plain.contains(&present), "no {present:?}:\n{plain}");
    }
    // The job with its own settings: exactly those beyond the defaults.
    let custom = block(&generated, "flywheel_job.custom")?;
    for present in [
        "glue_version      = \"3.0\"",
        "worker_type       = \"G.2X\"",
        "number_of_workers = 24",
        "schedule          = \"cron(0 3 * * ? *)\"",
        "description       = \"infobase attributes compaction\"",
        "job_mode          = \"NOTEBOOK\"",
        "source_control_details {",
        "provider      = \"GITHUB\"",
        "repository    = \"etl-scripts\"",
        "auth_token    = \"glue/github-token\"",
        "\"--input_path\"   = \"s3://data/opus/infobase_attributes/\"",
        "\"--job-language\" = \"python\"",
    ] {
        ensure!(custom.contains(present), "no {present:?}:\n{custom}");
    }
    for absent in [
        "timeout_minutes",
        "max_retries",
        "--TempDir",
        "--enable-metrics",
        "--job-bookmark-option",
    ] {
        ensure!(!custom.contains(absent), "{absent} written out:\n{custom}");
    }
    // The Python shell job: its kind, size and arguments; its defaults and Spark's
    // attributes left out.
    let shell = block(&generated, "flywheel_job.shell")?;
    for present in [
        "command         = \"pythonshell\"",
        "max_capacity    = 1",
        "timeout_minutes = 60",
        "max_retries     = 0",
        "library-set             = \"analytics\"",
        "\"--job-bookmark-option\" = \"job-bookmark-disable\"",
        &format!("script_bucket   = \"{}\"", h.bucket),
    ] {
        ensure!(shell.contains(present), "no {present:?}:\n{shell}");
    }
    for absent in [
        "python_version",
        "glue_version",
        "worker_type",
        "number_of_workers",
        "spark_event_logs_path",
        "temp_dir",
        "--TempDir",
    ] {
        ensure!(!shell.contains(absent), "{absent} written out:\n{shell}");
    }
    // Crawlers: exclusions, prefix, recrawl policy, configuration; defaults left out.
    let raw = block(&generated, "flywheel_crawler.raw")?;
    for present in [
        "exclusions",
        "**/_temporary/**",
        "table_prefix   = \"addressable_\"",
        "recrawl_policy = \"CRAWL_NEW_FOLDERS_ONLY\"",
        "update_behavior = \"LOG\"",
        "CombineCompatibleSchemas",
    ] {
        ensure!(raw.contains(present), "no {present:?}:\n{raw}");
    }
    ensure!(
        !raw.contains("delete_behavior"),
        "the default written out:\n{raw}"
    );
    let out = block(&generated, "flywheel_crawler.out")?;
    for absent in [
        "exclusions",
        "table_prefix",
        "recrawl_policy",
        "schema_change_policy",
        "configuration",
        "tags",
    ] {
        ensure!(!out.contains(absent), "{absent} written out:\n{out}");
    }
    // Targets beyond S3, and S3 targets that need the block form.
    let jdbc = block(&generated, "flywheel_crawler.jdbc")?;
    for present in [
        "jdbc_target {",
        "connection_name            = \"postgres\"",
        "\"COMMENTS\"",
        "s3_target {",
        "connection_name = \"vpc\"",
    ] {
        ensure!(jdbc.contains(present), "no {present:?}:\n{jdbc}");
    }
    ensure!(
        !jdbc.contains("s3_targets") && !jdbc.contains("= null"),
        "the list form, or a null, written:\n{jdbc}"
    );

    work.run_ok(&["validate", "-no-color"]).await?;

    // The plan: the imports, each an in-place update of the identity and its tags only.
    work.run_ok(&["plan", "-no-color", "-input=false", "-out=adopt.tfplan"])
        .await?;
    let json = work.plan_json(&work.dir.join("adopt.tfplan")).await?;
    for address in [
        "flywheel_job.custom",
        "flywheel_job.plain",
        "flywheel_job.shell",
        "flywheel_crawler.raw",
        "flywheel_crawler.out",
        "flywheel_crawler.jdbc",
    ] {
        let changed = changed_attributes(&json, address)?;
        // The owner tags the first apply writes (`owner_id` is made at import).
        ensure!(
            changed == ["tags_all"],
            "{address} plans changes to {changed:?}, not only the owner tags in tags_all"
        );
    }
    work.run_ok(&["apply", "-no-color", "-input=false", "adopt.tfplan"])
        .await?;
    let (outcome, run) = work.plan(&[]).await?;
    if outcome != crate::harness::terraform::PlanOutcome::Empty {
        bail!("the plan after the apply is not empty:\n{}", run.describe());
    }

    // Every setting is as it was built.
    let job = get_job(aws, &h.custom_job()).await?.context("custom job")?;
    ensure!(
        job.glue_version() == Some("3.0")
            && job.job_mode().map(|m| m.as_str()) == Some("NOTEBOOK")
            && job.source_control_details().and_then(|d| d.repository()) == Some("etl-scripts")
            && job.number_of_workers() == Some(24)
            && job.worker_type().map(|w| w.as_str()) == Some("G.2X"),
        "{job:?}"
    );
    let args = job.default_arguments().cloned().unwrap_or_default();
    ensure!(
        args.get("--input_path").map(String::as_str) == Some("s3://data/opus/infobase_attributes/")
            && args.len() == 9,
        "{args:?}"
    );
    let shell = get_job(aws, &h.shell_job()).await?.context("shell job")?;
    ensure!(
        shell.command().and_then(|c| c.name()) == Some("pythonshell")
            && shell.command().and_then(|c| c.python_version()) == Some("3.9")
            && shell.glue_version() == Some("3.0")
            && shell.max_capacity() == Some(1.0)
            && shell.worker_type().is_none()
            && shell.default_arguments().map(|a| a.len()) == Some(3),
        "{shell:?}"
    );
    let trigger = trigger_exists(aws, &format!("{}-schedule", h.custom_job()))
        .await?
        .context("schedule trigger")?;
    ensure!(
        trigger.schedule() == Some("cron(0 3 * * ? *)"),
        "{trigger:?}"
    );
    let c = aws
        .glue
        .get_crawler()
        .name(h.custom_crawler())
        .send()
        .await?
        .crawler
        .context("crawler")?;
    let target = &c.targets().context("targets")?.s3_targets()[0];
    ensure!(
        target.exclusions().len() == 2 && c.table_prefix() == Some("addressable_"),
        "{c:?}"
    );

    work.run_ok(&["destroy", "-no-color", "-input=false", "-auto-approve"])
        .await?;
    Ok(())
}

/// Whatever the case left: the jobs, crawlers and trigger, the database and the bucket.
async fn cleanup(aws: &Clients, h: &HandBuilt) -> Result<()> {
    for job in [h.custom_job(), h.plain_job(), h.shell_job()] {
        let _ = aws.glue.delete_job().job_name(job).send().await;
    }
    let _ = aws
        .glue
        .delete_trigger()
        .name(format!("{}-schedule", h.custom_job()))
        .send()
        .await;
    for c in [h.custom_crawler(), h.plain_crawler(), h.jdbc_crawler()] {
        let _ = aws.glue.delete_crawler().name(c).send().await;
    }
    let _ = aws.glue.delete_database().name(h.database()).send().await;
    for job in [h.custom_job(), h.plain_job(), h.shell_job()] {
        let key = format!("scripts/{job}.py");
        let _ = aws
            .s3
            .delete_object()
            .bucket(&h.bucket)
            .key(key)
            .send()
            .await;
    }
    let _ = aws.s3.delete_bucket().bucket(&h.bucket).send().await;
    Ok(())
}
