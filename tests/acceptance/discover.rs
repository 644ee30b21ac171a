//! `terraform-provider-flywheel discover` on an environment built by hand in the production
//! example's shape (through the SDK, untagged; the data bucket `<p>-data-us-east-1-prod`,
//! the console's `aws-glue-assets-<account>-<region>`, the analysis bucket
//! `<p>-prod-analysis-data`, role `<p_>-prod-glue-role`): discover only reads, and its
//! import blocks, completed by `terraform plan -generate-config-out`, validate, apply
//! without destroying or replacing anything, leave every object and every bucket object in
//! place, and the next plan is empty.

use std::collections::HashMap;

use anyhow::{bail, ensure, Context as _, Result};
use aws_sdk_glue::types::{
    CrawlerTargets, DatabaseInput, JobCommand, S3Target, SchemaChangePolicy, WorkerType,
};

use crate::harness::terraform::PlanOutcome;
use crate::harness::*;
use crate::job::{create_bucket, get_job, object_body};

/// The hand-built environment: prefix `p`, environment `prod`, names as in
/// `examples/production` (role `<p_>-prod-glue-role`, database `<p_>_prod`).
struct HandBuilt {
    p: String,
    account: String,
}

/// A hand-built job: name, Glue version, worker type, workers, arguments.
type JobSpec<'a> = (
    &'a str,
    &'a str,
    WorkerType,
    i32,
    Vec<(&'static str, String)>,
);

const OBJECT: &[u8] = b"id,attribute\n1,a\n";

impl HandBuilt {
    fn under(&self) -> String {
        self.p.replace('-', "_")
    }
    fn role(&self) -> String {
        format!("{}-prod-glue-role", self.under())
    }
    fn role_arn(&self) -> String {
        format!("arn:aws:iam::{}:role/{}", self.account, self.role())
    }
    fn database(&self) -> String {
        format!("{}_prod", self.under())
    }
    fn data(&self) -> String {
        format!("{}-data-us-east-1-prod", self.p)
    }
    /// The Glue console's default bucket, as in production: one per account and region,
    /// so not named after the test (a run that died may have left it; it is reused).
    fn assets(&self) -> String {
        format!(
            "aws-glue-assets-{}-{}",
            self.account,
            emulator_settings().region
        )
    }
    fn analysis(&self) -> String {
        format!("{}-prod-analysis-data", self.p)
    }
    /// Holds the prefix and environment but no bucket role: reported, left out.
    fn logs(&self) -> String {
        format!("{}-prod-logs", self.p)
    }
    fn buckets(&self) -> [String; 4] {
        [self.data(), self.assets(), self.analysis(), self.logs()]
    }
    fn jobs(&self) -> [String; 3] {
        [
            format!("etl-{}-prod-addressable-ids-compaction", self.p),
            format!("etl-{}-prod-infobase-attributes-compaction", self.p),
            format!("etl-{}-prod-infobase-cleanroom-from-csv", self.p),
        ]
    }
    fn crawlers(&self) -> [String; 4] {
        [
            format!("crw-{}-prod-raw-input-addressable", self.p),
            format!("crw-{}-prod-addressable-ids-compaction", self.p),
            format!("crw-{}-prod-infobase-attributes", self.p),
            format!("crw-{}-prod-cleanroom-infobase", self.p),
        ]
    }
    /// Each bucket's object, which must survive the adoption.
    fn objects(&self) -> Vec<(String, String)> {
        let mut v = vec![
            (
                self.data(),
                "opus/addressable_ids/raw_input/part-0.csv".to_string(),
            ),
            (self.analysis(), "temp/report.csv".to_string()),
        ];
        v.extend(
            self.jobs()
                .iter()
                .map(|j| (self.assets(), format!("scripts/{j}.py"))),
        );
        v
    }

    async fn build(aws: &Clients, p: &str) -> Result<HandBuilt> {
        let h = HandBuilt {
            p: p.to_string(),
            account: emulator_account_id().await?,
        };
        ensure_role(aws, &h.role()).await?;
        for b in h.buckets() {
            if b == h.assets() && aws.s3.head_bucket().bucket(&b).send().await.is_ok() {
                continue;
            }
            create_bucket(aws, &b).await?;
        }
        for (bucket, key) in h.objects() {
            aws.s3
                .put_object()
                .bucket(&bucket)
                .key(&key)
                .body(aws_sdk_s3::primitives::ByteStream::from_static(OBJECT))
                .send()
                .await
                .with_context(|| format!("PutObject s3://{bucket}/{key}"))?;
        }
        aws.glue
            .create_database()
            .database_input(DatabaseInput::builder().name(h.database()).build()?)
            .send()
            .await
            .context("CreateDatabase")?;
        let data = format!("s3://{}", h.data());
        let [ids, attributes, cleanroom] = h.jobs();
        // The first two as the Glue console builds jobs (its default arguments, then the
        // job's own); the third as a script would, with none of them.
        let assets = h.assets();
        let console = |own: Vec<(&'static str, String)>| {
            let mut args = vec![
                ("--TempDir", format!("s3://{assets}/temporary/")),
                (
                    "--spark-event-logs-path",
                    format!("s3://{assets}/sparkHistoryLogs/"),
                ),
                ("--enable-metrics", "true".into()),
                ("--enable-continuous-cloudwatch-log", "true".into()),
                ("--enable-spark-ui", "true".into()),
                ("--job-bookmark-option", "job-bookmark-enable".into()),
            ];
            args.extend(own);
            args
        };
        let jobs: [JobSpec; 3] = [
            (
                &ids,
                "4.0",
                WorkerType::G1X,
                8,
                console(vec![
                    (
                        "--input_path",
                        format!("{data}/opus/addressable_ids/raw_input/"),
                    ),
                    (
                        "--output_path",
                        format!("{data}/omc_cleanroom_data/addressable/"),
                    ),
                ]),
            ),
            (
                &attributes,
                "3.0",
                WorkerType::G2X,
                24,
                console(vec![
                    (
                        "--input_path",
                        format!("{data}/opus/infobase_attributes/raw_input/"),
                    ),
                    ("--job-language", "python".into()),
                ]),
            ),
            (
                &cleanroom,
                "4.0",
                WorkerType::G1X,
                24,
                vec![
                    ("--catalog_database", h.database()),
                    ("--catalog_table", "infobase_cleanroom".into()),
                ],
            ),
        ];
        for (job, version, worker, workers, args) in jobs {
            aws.glue
                .create_job()
                .name(job)
                .role(h.role_arn())
                .command(
                    JobCommand::builder()
                        .name("glueetl")
                        .python_version("3")
                        .script_location(format!("s3://{}/scripts/{job}.py", h.assets()))
                        .build(),
                )
                .glue_version(version)
                .worker_type(worker)
                .number_of_workers(workers)
                .timeout(600)
                .max_retries(2)
                .set_default_arguments(Some(
                    args.into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect::<HashMap<_, _>>(),
                ))
                .send()
                .await
                .with_context(|| format!("CreateJob {job}"))?;
        }
        // What the owners added by hand, which adoption must keep: a policy on the role
        // its jobs rely on, and the data bucket's own lifecycle rule and policy statement.
        aws.iam
            .put_role_policy()
            .role_name(h.role())
            .policy_name(LEGACY_POLICY)
            .policy_document(LEGACY_DOCUMENT)
            .send()
            .await
            .context("PutRolePolicy")?;
        aws.s3
            .put_bucket_lifecycle_configuration()
            .bucket(h.data())
            .lifecycle_configuration(
                aws_sdk_s3::types::BucketLifecycleConfiguration::builder()
                    .rules(
                        aws_sdk_s3::types::LifecycleRule::builder()
                            .id(OWN_RULE)
                            .status(aws_sdk_s3::types::ExpirationStatus::Enabled)
                            .filter(
                                aws_sdk_s3::types::LifecycleRuleFilter::builder()
                                    .prefix("opus/archive/")
                                    .build(),
                            )
                            .expiration(
                                aws_sdk_s3::types::LifecycleExpiration::builder()
                                    .days(365)
                                    .build(),
                            )
                            .build()?,
                    )
                    .build()?,
            )
            .send()
            .await
            .context("PutBucketLifecycleConfiguration")?;
        aws.s3
            .put_bucket_policy()
            .bucket(h.data())
            .policy(
                serde_json::json!({"Version": "2012-10-17", "Statement": [{
                    "Sid": OWN_STATEMENT, "Effect": "Allow",
                    "Principal": {"AWS": format!("arn:aws:iam::{}:root", h.account)},
                    "Action": "s3:GetObject",
                    "Resource": format!("arn:aws:s3:::{}/opus/*", h.data())}]})
                .to_string(),
            )
            .send()
            .await
            .context("PutBucketPolicy")?;
        let [raw, compacted, infobase, cleanroom_crawler] = h.crawlers();
        for (crawler, path, prefix) in [
            (
                &raw,
                format!("{data}/opus/addressable_ids/raw_input/"),
                Some("addressable_"),
            ),
            (
                &compacted,
                format!("{data}/omc_cleanroom_data/addressable/"),
                None,
            ),
            (
                &infobase,
                format!("{data}/opus/infobase_attributes/raw_input/"),
                Some("infobase_"),
            ),
            (
                &cleanroom_crawler,
                format!("{data}/omc_cleanroom_data/infobase/"),
                None,
            ),
        ] {
            aws.glue
                .create_crawler()
                .name(crawler)
                .role(h.role_arn())
                .database_name(h.database())
                .targets(
                    CrawlerTargets::builder()
                        .s3_targets(S3Target::builder().path(path).build())
                        .build(),
                )
                .set_table_prefix(prefix.map(str::to_string))
                .schema_change_policy(
                    SchemaChangePolicy::builder()
                        .update_behavior(aws_sdk_glue::types::UpdateBehavior::UpdateInDatabase)
                        .delete_behavior(aws_sdk_glue::types::DeleteBehavior::Log)
                        .build(),
                )
                .send()
                .await
                .with_context(|| format!("CreateCrawler {crawler}"))?;
        }
        Ok(h)
    }

    /// The pipeline's import ID as the adoption guide documents it.
    fn pipeline_id(&self) -> String {
        format!(
            "name={p},environment=prod,role={role},database={db},data_bucket={data},assets_bucket={assets},analysis_bucket={analysis},adopted=data_bucket+assets_bucket+analysis_bucket",
            p = self.p,
            role = self.role(),
            db = self.database(),
            data = self.data(),
            assets = self.assets(),
            analysis = self.analysis(),
        )
    }
}

/// Runs the built binary's `discover` against the emulator: (exit code, stdout, stderr).
fn discover(args: &[&str]) -> Result<(Option<i32>, String, String)> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_terraform-provider-flywheel"))
        .arg("discover")
        .args(args)
        .envs(emulator_settings().env())
        .env_remove("TF_LOG")
        .output()
        .context("running discover")?;
    Ok((
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn discover_adopts_a_hand_built_environment() {
    if !acceptance_enabled("discover_adopts_a_hand_built_environment") {
        return;
    }
    let root = tempfile::Builder::new()
        .prefix("flywheel-acc-discover-")
        .tempdir()
        .expect("temp dir");
    let aws = clients().await;
    let h = HandBuilt::build(&aws, &unique_name("disc"))
        .await
        .expect("hand-built environment");
    let result = discover_case(root.path(), &aws, &h).await;
    let cleanup = cleanup(&aws, &h).await;
    if let Err(e) = result.and(cleanup) {
        let kept = root.keep();
        panic!(
            "discover case failed; working files kept in {}\n\n{e:#}",
            kept.display()
        );
    }
}

/// What the owners added by hand: a policy on the role, a lifecycle rule and a policy
/// statement on the data bucket.
const LEGACY_POLICY: &str = "legacy-athena-access";
const LEGACY_DOCUMENT: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["athena:StartQueryExecution","athena:GetQueryResults"],"Resource":"*"}]}"#;
const OWN_RULE: &str = "archive-after-a-year";
const OWN_STATEMENT: &str = "AnalyticsAccountRead";

async fn discover_case(root: &std::path::Path, aws: &Clients, h: &HandBuilt) -> Result<()> {
    // Nothing under a prefix that names nothing: an error, not an empty file.
    let (code, out, err) = discover(&["--name-prefix", &format!("{}-absent", h.p)])?;
    ensure!(
        code == Some(1) && out.is_empty() && err.contains("discover: no job, crawler"),
        "discover of nothing: {code:?}\n{out}\n{err}"
    );

    // The environment is inferred from the database and role names.
    let mark = log_mark()?;
    let (code, imports, report) = discover(&["--name-prefix", &h.p])?;
    ensure!(code == Some(0), "discover failed: {code:?}\n{report}");
    // Read-only: every call that names one of the environment's objects (any write would)
    // reads; the listings name none, but the three bucket tag reads do.
    let mut calls = Vec::new();
    for name in [&h.p, &h.assets()] {
        let seen = requests_since(mark, name)?;
        calls.extend(seen.iter().map(crate::harness::requests::operation));
    }
    ensure!(
        calls.iter().filter(|c| *c == "s3:GetBucketTagging").count() == 3
            && calls.iter().all(|c| {
                let op = c.split_once(':').map_or("", |(_, op)| op);
                ["Get", "List", "Head"].iter().any(|v| op.starts_with(v))
            }),
        "discover's calls on the environment: {calls:?}"
    );
    let expect_block =
        |to: &str, id: &str| format!("import {{\n  to = {to}\n  id = \"{id}\"\n}}\n");
    let under = h.under();
    let mut expected = vec![expect_block(
        &format!("flywheel_pipeline.{under}_prod"),
        &h.pipeline_id(),
    )];
    let [ids, attributes, cleanroom] = h.jobs();
    for (label, job) in [
        ("addressable_ids_compaction", &ids),
        ("infobase_attributes_compaction", &attributes),
        ("infobase_cleanroom_from_csv", &cleanroom),
    ] {
        expected.push(expect_block(&format!("flywheel_job.{label}"), job));
    }
    let [raw, compacted, infobase, cleanroom_crawler] = h.crawlers();
    for (label, crawler) in [
        ("addressable_ids_compaction", &compacted),
        ("raw_input_addressable", &raw),
        ("infobase_attributes", &infobase),
        ("cleanroom_infobase", &cleanroom_crawler),
    ] {
        expected.push(expect_block(&format!("flywheel_crawler.{label}"), crawler));
    }
    for block in &expected {
        ensure!(imports.contains(block), "no\n{block}in\n{imports}");
    }
    ensure!(
        imports.matches("import {").count() == expected.len(),
        "unexpected blocks:\n{imports}"
    );
    for line in [
        "environment \"prod\" (from the database".to_string(),
        format!("found role {}", h.role()),
        format!(
            "found data_bucket {} (adopted: it carries no flywheel:owner tag)",
            h.data()
        ),
        format!("skipped bucket {}: matched no bucket role", h.logs()),
        "found 3 job(s)".to_string(),
        "found 4 crawler(s)".to_string(),
    ] {
        ensure!(
            report.contains(&line),
            "no {line:?} in the report:\n{report}"
        );
    }

    let tf = Terraform::new(root)?;
    let work = tf.workdir("work")?;
    work.write_config(&format!("provider \"flywheel\" {{}}\n\n{imports}"))?;
    let plan = work
        .run(&[
            "plan",
            "-no-color",
            "-input=false",
            "-generate-config-out=generated.tf",
        ])
        .await?;
    ensure!(plan.success(), "generate-config plan: {}", plan.describe());
    let generated = std::fs::read_to_string(work.dir.join("generated.tf"))?;
    for address in [
        format!("resource \"flywheel_pipeline\" \"{under}_prod\""),
        "resource \"flywheel_job\" \"infobase_attributes_compaction\"".to_string(),
        "resource \"flywheel_crawler\" \"raw_input_addressable\"".to_string(),
    ] {
        ensure!(
            generated.contains(&address),
            "no {address} in generated.tf:\n{generated}"
        );
    }

    // The adopted buckets stay adopted (never deleted), the role keeps its name, and
    // nothing is written as `null`.
    ensure!(
        regex::Regex::new(r"create\s+= false")?
            .find_iter(&generated)
            .count()
            == 3
            && !generated.contains("= null")
            && regex::Regex::new(&format!(r#"name\s+= "{}""#, regex::escape(&h.role())))?
                .is_match(&generated),
        "the pipeline's generated configuration:\n{generated}"
    );

    // The role's own inline policy is read back into the configuration, not removed.
    ensure!(
        regex::Regex::new(&format!(
            r#"{LEGACY_POLICY}\s+= ".*athena:StartQueryExecution"#
        ))?
        .is_match(&generated),
        "the role's own inline policy is not in the generated configuration:\n{generated}"
    );
    work.run_ok(&["validate", "-no-color"]).await?;
    work.run_ok(&["plan", "-no-color", "-input=false", "-out=adopt.tfplan"])
        .await?;
    let json = work.plan_json(&work.dir.join("adopt.tfplan")).await?;
    let changes = json["resource_changes"]
        .as_array()
        .context("resource_changes")?;
    ensure!(changes.len() == 8, "{} resource changes", changes.len());
    // Each an import planning an in-place update (never a create, destroy or replace):
    // the pipeline configures what it adds to the role, database and adopted buckets; jobs
    // and crawlers take only the owner tags.
    let mut expected = vec![(format!("flywheel_pipeline.{under}_prod"), vec!["children"])];
    for label in [
        "addressable_ids_compaction",
        "raw_input_addressable",
        "infobase_attributes",
        "cleanroom_infobase",
    ] {
        expected.push((format!("flywheel_crawler.{label}"), vec!["tags_all"]));
    }
    for label in [
        "addressable_ids_compaction",
        "infobase_attributes_compaction",
    ] {
        expected.push((format!("flywheel_job.{label}"), vec!["tags_all"]));
    }
    // A job built without the console's default arguments gains the provider's logging
    // and metrics defaults (`--TempDir`, `--spark-event-logs-path`, `--enable-metrics`,
    // `--enable-continuous-cloudwatch-log`, `--enable-spark-ui`), and its bookmark option
    // spelled out as Glue runs it without one (`job-bookmark-disable`): adopting a job
    // never changes which data its runs process.
    expected.push((
        "flywheel_job.infobase_cleanroom_from_csv".into(),
        vec!["arguments_all", "tags_all"],
    ));
    ensure!(
        changes.len() == expected.len(),
        "{} resource changes",
        changes.len()
    );
    for (address, attributes) in &expected {
        let changed = crate::generate_config::changed_attributes(&json, address)?;
        ensure!(
            changed == *attributes,
            "{address} plans changes to {changed:?}, not {attributes:?}"
        );
    }
    let added = |address: &str| -> Result<Vec<String>> {
        let rc = changes
            .iter()
            .find(|rc| rc["address"] == address)
            .context("no such change")?;
        let before = rc["change"]["before"]["arguments_all"].as_object();
        let after = rc["change"]["after"]["arguments_all"]
            .as_object()
            .context("arguments_all")?;
        Ok(after
            .keys()
            .filter(|k| before.is_none_or(|b| !b.contains_key(*k)))
            .cloned()
            .collect())
    };
    let defaults = [
        "--TempDir",
        "--enable-continuous-cloudwatch-log",
        "--enable-metrics",
        "--enable-spark-ui",
        "--job-bookmark-option",
        "--spark-event-logs-path",
    ];
    let gained = added("flywheel_job.infobase_cleanroom_from_csv")?;
    ensure!(gained == defaults, "the script-built job gains {gained:?}");
    let bookmark = changes
        .iter()
        .find(|rc| rc["address"] == "flywheel_job.infobase_cleanroom_from_csv")
        .and_then(|rc| rc["change"]["after"]["arguments_all"]["--job-bookmark-option"].as_str());
    ensure!(
        bookmark == Some("job-bookmark-disable"),
        "the script-built job's bookmarks: {bookmark:?}"
    );
    work.run_ok(&["apply", "-no-color", "-input=false", "adopt.tfplan"])
        .await?;
    let (outcome, run) = work.plan(&[]).await?;
    if outcome != PlanOutcome::Empty {
        bail!("the plan after the apply is not empty:\n{}", run.describe());
    }

    // The emulator still has every object, with its settings, and every bucket object.
    aws.iam
        .get_role()
        .role_name(h.role())
        .send()
        .await
        .context("the role is gone")?;
    aws.glue
        .get_database()
        .name(h.database())
        .send()
        .await
        .context("the database is gone")?;
    for (bucket, key) in h.objects() {
        let body = object_body(aws, &bucket, &key).await?;
        ensure!(
            body.as_deref() == Some(OBJECT),
            "s3://{bucket}/{key} changed or vanished: {body:?}"
        );
    }
    let job = get_job(aws, &attributes).await?.context("job gone")?;
    let args = job.default_arguments().cloned().unwrap_or_default();
    ensure!(
        args.len() == 8 && args.get("--job-language").map(String::as_str) == Some("python"),
        "{args:?}"
    );
    ensure!(
        job.glue_version() == Some("3.0")
            && job.worker_type() == Some(&WorkerType::G2X)
            && job.number_of_workers() == Some(24),
        "{job:?}"
    );
    ensure!(
        job.default_arguments()
            .and_then(|a| a.get("--input_path"))
            .is_some_and(|v| v.ends_with("/opus/infobase_attributes/raw_input/")),
        "{job:?}"
    );
    for j in [&ids, &cleanroom] {
        get_job(aws, j)
            .await?
            .with_context(|| format!("{j} gone"))?;
    }
    for c in [&raw, &compacted, &infobase, &cleanroom_crawler] {
        let got = aws.glue.get_crawler().name(c).send().await?;
        let crawler = got.crawler.with_context(|| format!("{c} gone"))?;
        ensure!(
            crawler.database_name() == Some(h.database().as_str()),
            "{crawler:?}"
        );
    }
    // What the owners added by hand is still there.
    let legacy = aws
        .iam
        .get_role_policy()
        .role_name(h.role())
        .policy_name(LEGACY_POLICY)
        .send()
        .await
        .context("the role's own inline policy was removed")?;
    ensure!(
        legacy.policy_document().contains("athena"),
        "the role's own policy changed: {}",
        legacy.policy_document()
    );
    let rules = aws
        .s3
        .get_bucket_lifecycle_configuration()
        .bucket(h.data())
        .send()
        .await?;
    ensure!(
        rules.rules().iter().any(|r| r.id() == Some(OWN_RULE)),
        "the data bucket's own lifecycle rule was removed: {rules:?}"
    );
    let policy = aws.s3.get_bucket_policy().bucket(h.data()).send().await?;
    ensure!(
        policy.policy().is_some_and(|p| p.contains(OWN_STATEMENT)),
        "the data bucket's own policy statement was removed: {policy:?}"
    );
    let raw_prefix = aws.glue.get_crawler().name(&raw).send().await?;
    ensure!(
        raw_prefix.crawler.and_then(|c| c.table_prefix) == Some("addressable_".into()),
        "the table prefix was lost"
    );
    Ok(())
}

/// Whatever the case left: jobs, crawlers, database, role, buckets and their objects.
async fn cleanup(aws: &Clients, h: &HandBuilt) -> Result<()> {
    for job in h.jobs() {
        let _ = aws.glue.delete_job().job_name(job).send().await;
    }
    for c in h.crawlers() {
        let _ = aws.glue.delete_crawler().name(c).send().await;
    }
    let _ = aws.glue.delete_database().name(h.database()).send().await;
    for (bucket, key) in h.objects() {
        let _ = aws.s3.delete_object().bucket(bucket).key(key).send().await;
    }
    for b in h.buckets() {
        let _ = aws.s3.delete_bucket().bucket(b).send().await;
    }
    if let Ok(policies) = aws
        .iam
        .list_role_policies()
        .role_name(h.role())
        .send()
        .await
    {
        for p in policies.policy_names() {
            let _ = aws
                .iam
                .delete_role_policy()
                .role_name(h.role())
                .policy_name(p)
                .send()
                .await;
        }
    }
    if let Ok(attached) = aws
        .iam
        .list_attached_role_policies()
        .role_name(h.role())
        .send()
        .await
    {
        for p in attached.attached_policies() {
            let _ = aws
                .iam
                .detach_role_policy()
                .role_name(h.role())
                .set_policy_arn(p.policy_arn().map(str::to_string))
                .send()
                .await;
        }
    }
    let _ = aws.iam.delete_role().role_name(h.role()).send().await;
    Ok(())
}
