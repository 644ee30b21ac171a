//! The production example, `examples/production`, applied to the emulator through its
//! documented override (`localstack.tfvars`) exactly as a user would: init, plan, apply, an
//! empty plan with and without refresh, then a direct look in the emulator for every object of
//! the seed description (3 buckets, 1 database, 1 role, 3 jobs, 4 crawlers) and of its
//! runbook's alerts (topic, rules, the data bucket's size alarm, the monthly budget), then
//! destroy and a check
//! that nothing is left.
//!
//! The example is copied with `examples/modules/` beside it, so its relative module source
//! and script paths hold. The emulator answers as account 239083076653 because the access key
//! ID is that number (LocalStack's convention), so the example's `allowed_account_ids` holds.
//! A resource type the example uses and the provider's schema lacks fails the test. The
//! example's names are fixed, so objects an earlier run or
//! `make demo` left in the emulator are swept first, and every test that applies the
//! example (this one and those in `kill.rs`) holds [`PRODUCTION`] while it runs.

use std::path::{Path, PathBuf};

use anyhow::{ensure, Context, Result};
use aws_sdk_glue::types::{DeleteBehavior, UpdateBehavior, WorkerType};

use crate::harness::emulator::EmulatorSettings;
use crate::harness::terraform::PlanOutcome;
use crate::harness::*;

/// The example's names are fixed: a test that applies it holds this for its whole run.
pub(crate) static PRODUCTION: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub(crate) const ACCOUNT: &str = "239083076653";
pub(crate) const DATABASE: &str = "omc_flywheel_prod";
pub(crate) const ROLE: &str = "omc_flywheel-prod-glue-role";
pub(crate) const DATA_BUCKET: &str = "omc-flywheel-data-us-east-1-prod";
pub(crate) const ASSETS_BUCKET: &str = "aws-glue-assets-239083076653-us-east-1";
pub(crate) const ANALYSIS_BUCKET: &str = "omc-flywheel-prod-analysis-data";
pub(crate) const BUCKETS: [&str; 3] = [DATA_BUCKET, ASSETS_BUCKET, ANALYSIS_BUCKET];

/// The alerts the example turns on: its topic, rules and the data bucket's size alarm.
pub(crate) const ALERT_TOPIC: &str = "arn:aws:sns:us-east-1:239083076653:omc-flywheel-prod-alerts";
pub(crate) const ALERT_RULES: [&str; 4] = [
    "omc-flywheel-prod-job-failed",
    "omc-flywheel-prod-job-long-run",
    "omc-flywheel-prod-crawler-failed",
    "omc-flywheel-prod-crawler-sched",
];
pub(crate) const SIZE_ALARM: &str = "omc-flywheel-prod-data-size";
pub(crate) const BUDGET: &str = "omc-flywheel-prod-monthly";
/// `long_running_minutes` in the example's alerts, given to every job.
const LONG_RUNNING_MINUTES: i32 = 240;

/// Name, workers: every job is G.1X with timeout 600 and 2 retries.
pub(crate) const JOBS: [(&str, i32); 3] = [
    ("etl-omc-flywheel-prod-addressable-ids-compaction", 8),
    ("etl-omc-flywheel-prod-infobase-attributes-compaction", 24),
    ("etl-omc-flywheel-prod-infobase-cleanroom-from-csv", 24),
];

/// Name, S3 target, table prefix; all write to the production database with schema changes
/// updated in the database and deletions logged.
pub(crate) const CRAWLERS: [(&str, &str, Option<&str>); 4] = [
    (
        "crw-omc-flywheel-prod-addressable-ids-compaction",
        "s3://omc-flywheel-data-us-east-1-prod/omc_cleanroom_data/addressable/addressable_ids_compaction_cr/",
        None,
    ),
    (
        "crw-omc-flywheel-prod-infobase-attributes-compaction",
        "s3://omc-flywheel-data-us-east-1-prod/omc_cleanroom_data/infobase_attributes/infobase_attributes_compaction_cr/",
        None,
    ),
    (
        "crw-omc-flywheel-prod-raw-input-addressable",
        "s3://omc-flywheel-data-us-east-1-prod/opus/addressable_ids/raw_input/",
        Some("addressable_"),
    ),
    (
        "crw-omc-flywheel-prod-raw-input-infobase",
        "s3://omc-flywheel-data-us-east-1-prod/opus/infobase_attributes/raw_input/",
        Some("infobase_attributes_"),
    ),
];

/// Types the production example needs from the provider.
const NEEDED_TYPES: [&str; 3] = ["flywheel_pipeline", "flywheel_job", "flywheel_crawler"];

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn production_example() {
    if !acceptance_enabled("production_example") {
        return;
    }
    let settings = emulator_settings();
    settings.check_reachable().expect("emulator");
    let _production = PRODUCTION.lock().await;
    let root = tempfile::Builder::new()
        .prefix("flywheel-acc-production_example-")
        .tempdir()
        .expect("temp dir");
    match production_case(root.path()).await {
        Ok(()) => {}
        Err(e) => {
            let kept = root.keep();
            panic!(
                "production_example failed; working files kept in {}\n\n{e:#}",
                kept.display()
            );
        }
    }
}

async fn production_case(root: &Path) -> Result<()> {
    let tf = production_terraform(root)?;
    let missing = missing_types(&tf).await?;
    ensure!(
        missing.is_empty(),
        "the provider's schema has no {}, which examples/production uses",
        missing.join(", ")
    );

    let aws = production_clients().await;
    start_clean("production_example", &aws).await?;
    let work = copy_example(&tf, root).await?;
    let endpoint = endpoint_var();
    let vars = ["-var-file=localstack.tfvars", endpoint.as_str()];
    let applied = apply_and_check(&work, &vars, &aws).await;

    // Destroy whatever was created, also after a failure.
    let destroyed = if work.state_file_exists() {
        let mut args = vec!["destroy", "-no-color", "-input=false", "-auto-approve"];
        args.extend_from_slice(&vars);
        work.run_ok(&args).await.context("terraform destroy")
    } else {
        Ok(work.run_ok(&["version"]).await?)
    };
    applied?;
    destroyed?;
    let left = leftovers(&aws).await?;
    ensure!(
        left.is_empty(),
        "left in the emulator after destroy: {left:?}"
    );
    Ok(())
}

/// The Terraform CLI for the example: its AWS calls are account 239083076653's.
pub(crate) fn production_terraform(root: &Path) -> Result<Terraform> {
    Ok(Terraform::new(root)?.with_env(&[("AWS_ACCESS_KEY_ID".into(), ACCOUNT.into())]))
}

/// SDK clients that see what the example's Terraform sees (account 239083076653).
pub(crate) async fn production_clients() -> Clients {
    let settings = EmulatorSettings {
        access_key: ACCOUNT.to_string(),
        ..emulator_settings()
    };
    Clients::new(&settings).await
}

/// `-var=endpoint=<the emulator>`; with `-var-file=localstack.tfvars`, every command's
/// variables.
pub(crate) fn endpoint_var() -> String {
    format!("-var=endpoint={}", emulator_settings().endpoint)
}

/// The example's names are fixed, so an earlier run, a failed test or `make demo` against
/// the same emulator may have left them behind: sweep them, and insist nothing is left.
pub(crate) async fn start_clean(test: &str, aws: &Clients) -> Result<()> {
    let existing = leftovers(aws).await?;
    if existing.is_empty() {
        return Ok(());
    }
    eprintln!("{test}: sweeping what an earlier run left: {existing:?}");
    sweep(aws).await?;
    let still = leftovers(aws).await?;
    ensure!(
        still.is_empty(),
        "the emulator (account {ACCOUNT}) still holds objects of the production example \
         after sweeping: {still:?}. Reset it with `curl -X POST {}/moto-api/reset`.",
        emulator_settings().endpoint
    );
    Ok(())
}

/// A copy of `examples/production` with `examples/modules/` beside it under `root`, its
/// module installed.
pub(crate) async fn copy_example(tf: &Terraform, root: &Path) -> Result<Workdir> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(
        &repo.join("examples/production"),
        &root.join("examples/production"),
    )?;
    copy_dir(
        &repo.join("examples/modules"),
        &root.join("examples/modules"),
    )?;
    let work = Workdir {
        dir: root.join("examples/production"),
        tf: tf.clone(),
    };
    // Installs the module. Not `init`: the provider comes from dev_overrides, and
    // Terraform 1.6 would look it up in a registry.
    work.run_ok(&["get", "-no-color"])
        .await
        .context("terraform get")?;
    Ok(work)
}

async fn apply_and_check(work: &Workdir, vars: &[&str], aws: &Clients) -> Result<()> {
    let planfile = work.tf.root().join("logs/production.tfplan");
    let out = format!("-out={}", planfile.display());
    let mut args: Vec<&str> = vars.to_vec();
    args.push(&out);
    let (outcome, run) = work.plan(&args).await?;
    ensure!(
        outcome == PlanOutcome::Changes,
        "the first plan should create the environment:\n{}",
        run.describe()
    );
    let plan_path = planfile.to_string_lossy().to_string();
    work.run_ok(&[
        "apply",
        "-no-color",
        "-input=false",
        "-auto-approve",
        &plan_path,
    ])
    .await
    .context("terraform apply")?;

    // Plans are honest and reads are true: nothing left to do, with or without refresh.
    for extra in [&["-refresh=false"][..], &[][..]] {
        let mut args: Vec<&str> = vars.to_vec();
        args.extend_from_slice(extra);
        let (outcome, run) = work.plan(&args).await?;
        ensure!(
            outcome == PlanOutcome::Empty,
            "the plan after apply ({}) is not empty:\n{}",
            if extra.is_empty() {
                "with refresh"
            } else {
                "-refresh=false"
            },
            run.describe()
        );
    }

    check_managed_objects(work).await?;
    check_max_dpu_hours(work).await?;
    check_emulator(aws).await
}

/// The seed's jobs' worst case, as the cost guide gives it: 80, 240 and 240 DPU-hours per
/// run (8, 24 and 24 G.1X workers for 600 minutes), at us-east-1's $0.44.
async fn check_max_dpu_hours(work: &Workdir) -> Result<()> {
    let run = work
        .run_ok(&["output", "-no-color", "-json", "max_dpu_hours"])
        .await?;
    let v: serde_json::Value = serde_json::from_str(run.stdout.trim())
        .with_context(|| format!("max_dpu_hours is not JSON:\n{}", run.stdout))?;
    for (job, per_run) in [
        ("etl-omc-flywheel-prod-addressable-ids-compaction", 80.0),
        (
            "etl-omc-flywheel-prod-infobase-attributes-compaction",
            240.0,
        ),
        ("etl-omc-flywheel-prod-infobase-cleanroom-from-csv", 240.0),
    ] {
        ensure!(
            v["per_run"][job].as_f64() == Some(per_run),
            "{job}: per run {} (want {per_run}) in {v}",
            v["per_run"][job]
        );
    }
    for (key, want) in [
        ("total_per_run", 560.0),
        ("total_per_day", 1344.0),
        ("total_cost_per_run_usd", 246.4),
    ] {
        ensure!(v[key].as_f64() == Some(want), "{key}: want {want} in {v}");
    }
    Ok(())
}

/// The `managed_objects` output names every object of the environment.
async fn check_managed_objects(work: &Workdir) -> Result<()> {
    let run = work
        .run_ok(&["output", "-no-color", "-json", "managed_objects"])
        .await?;
    let lines: Vec<String> = serde_json::from_str(run.stdout.trim())
        .with_context(|| format!("managed_objects is not a list of strings:\n{}", run.stdout))?;
    let all = lines.join("\n");
    let expected = BUCKETS
        .iter()
        .copied()
        .chain([DATABASE, ROLE])
        .chain(JOBS.iter().map(|(name, _)| *name))
        .chain(CRAWLERS.iter().map(|(name, _, _)| *name));
    for name in expected {
        ensure!(
            all.contains(name),
            "managed_objects does not mention {name}:\n{all}"
        );
    }
    Ok(())
}

/// Every object of the seed description, as the emulator itself reports it.
pub(crate) async fn check_emulator(aws: &Clients) -> Result<()> {
    check_alerts(aws).await?;
    for bucket in BUCKETS {
        aws.s3
            .head_bucket()
            .bucket(bucket)
            .send()
            .await
            .with_context(|| format!("bucket {bucket} is not in the emulator"))?;
    }
    // Lifecycle cleanup of the temporary prefixes.
    for (bucket, prefix) in [
        (ASSETS_BUCKET, "temporary/"),
        (ANALYSIS_BUCKET, "temp/"),
        (ANALYSIS_BUCKET, "spark-logs/"),
    ] {
        let rules = aws
            .s3
            .get_bucket_lifecycle_configuration()
            .bucket(bucket)
            .send()
            .await
            .with_context(|| format!("lifecycle configuration of {bucket}"))?;
        let expires = rules.rules().iter().any(|r| {
            let filter = r.filter();
            #[allow(deprecated)]
            let prefixes = [
                r.prefix(),
                filter.and_then(|f| f.prefix()),
                filter.and_then(|f| f.and()).and_then(|a| a.prefix()),
            ];
            prefixes.contains(&Some(prefix)) && r.expiration().is_some()
        });
        ensure!(
            expires,
            "{bucket} has no lifecycle rule expiring {prefix}: {:?}",
            rules.rules()
        );
    }

    aws.glue
        .get_database()
        .name(DATABASE)
        .send()
        .await
        .with_context(|| format!("database {DATABASE} is not in the emulator"))?;
    aws.iam
        .get_role()
        .role_name(ROLE)
        .send()
        .await
        .with_context(|| format!("role {ROLE} is not in the emulator"))?;

    for (name, workers) in JOBS {
        let job = aws
            .glue
            .get_job()
            .job_name(name)
            .send()
            .await
            .with_context(|| format!("job {name} is not in the emulator"))?
            .job
            .with_context(|| format!("GetJob {name} returned no job"))?;
        ensure!(
            job.worker_type() == Some(&WorkerType::G1X),
            "job {name}: worker type {:?}, expected G.1X",
            job.worker_type()
        );
        ensure!(
            job.number_of_workers() == Some(workers),
            "job {name}: {:?} workers, expected {workers}",
            job.number_of_workers()
        );
        ensure!(
            job.timeout() == Some(600),
            "job {name}: timeout {:?}, expected 600",
            job.timeout()
        );
        ensure!(
            job.max_retries() == 2,
            "job {name}: {} retries, expected 2",
            job.max_retries()
        );
        let script = format!("s3://{ASSETS_BUCKET}/scripts/{name}.py");
        let location = job.command().and_then(|c| c.script_location());
        ensure!(
            location == Some(script.as_str()),
            "job {name}: script location {location:?}, expected {script}"
        );
        aws.s3
            .head_object()
            .bucket(ASSETS_BUCKET)
            .key(format!("scripts/{name}.py"))
            .send()
            .await
            .with_context(|| format!("the script of {name} is not in {ASSETS_BUCKET}"))?;
    }

    for (name, target, prefix) in CRAWLERS {
        let crawler = aws
            .glue
            .get_crawler()
            .name(name)
            .send()
            .await
            .with_context(|| format!("crawler {name} is not in the emulator"))?
            .crawler
            .with_context(|| format!("GetCrawler {name} returned no crawler"))?;
        let targets: Vec<&str> = crawler
            .targets()
            .map(|t| t.s3_targets().iter().filter_map(|s| s.path()).collect())
            .unwrap_or_default();
        ensure!(
            targets == [target],
            "crawler {name}: targets {targets:?}, expected [{target}]"
        );
        ensure!(
            crawler.database_name() == Some(DATABASE),
            "crawler {name}: database {:?}, expected {DATABASE}",
            crawler.database_name()
        );
        ensure!(
            crawler.table_prefix().filter(|p| !p.is_empty()) == prefix,
            "crawler {name}: table prefix {:?}, expected {prefix:?}",
            crawler.table_prefix()
        );
        let policy = crawler
            .schema_change_policy()
            .with_context(|| format!("crawler {name} has no schema change policy"))?;
        ensure!(
            policy.update_behavior() == Some(&UpdateBehavior::UpdateInDatabase)
                && policy.delete_behavior() == Some(&DeleteBehavior::Log),
            "crawler {name}: schema change policy {policy:?}, expected UPDATE_IN_DATABASE / LOG"
        );
        ensure!(
            crawler.role().is_some_and(|r| r.contains(ROLE)),
            "crawler {name}: role {:?}, expected {ROLE}",
            crawler.role()
        );
    }
    Ok(())
}

/// The runbook's alerts: the topic, the four rules, the data bucket's size alarm to the
/// topic, the $3000 monthly budget notifying the topic, and NotifyDelayAfter on every job.
async fn check_alerts(aws: &Clients) -> Result<()> {
    aws.sns
        .get_topic_attributes()
        .topic_arn(ALERT_TOPIC)
        .send()
        .await
        .with_context(|| format!("topic {ALERT_TOPIC}"))?;
    for rule in ALERT_RULES {
        aws.events
            .describe_rule()
            .name(rule)
            .send()
            .await
            .with_context(|| format!("rule {rule}"))?;
    }
    let alarms = aws
        .cloudwatch
        .describe_alarms()
        .alarm_names(SIZE_ALARM)
        .send()
        .await
        .context("DescribeAlarms")?;
    let alarm = alarms
        .metric_alarms()
        .first()
        .with_context(|| format!("alarm {SIZE_ALARM} missing"))?;
    ensure!(
        alarm.alarm_actions() == [ALERT_TOPIC] && alarm.threshold() == Some(5000.0 * 1073741824.0),
        "alarm {SIZE_ALARM}: {alarm:?}"
    );
    let budget = aws
        .budgets
        .describe_budget()
        .account_id(ACCOUNT)
        .budget_name(BUDGET)
        .send()
        .await
        .with_context(|| format!("budget {BUDGET}"))?;
    let limit = budget.budget().and_then(|b| b.budget_limit());
    ensure!(
        limit.is_some_and(|l| l.amount().parse::<f64>() == Ok(3000.0) && l.unit() == "USD"),
        "budget {BUDGET}: limit {limit:?}"
    );
    let notices = aws
        .budgets
        .describe_notifications_for_budget()
        .account_id(ACCOUNT)
        .budget_name(BUDGET)
        .send()
        .await
        .context("DescribeNotificationsForBudget")?;
    ensure!(
        notices.notifications().len() == 2,
        "budget {BUDGET}: {:?}",
        notices.notifications()
    );
    for (name, _) in JOBS {
        let job = aws.glue.get_job().job_name(name).send().await?;
        let delay = job
            .job()
            .and_then(|j| j.notification_property())
            .and_then(|n| n.notify_delay_after());
        ensure!(
            delay == Some(LONG_RUNNING_MINUTES),
            "{name}: NotifyDelayAfter {delay:?}"
        );
    }
    Ok(())
}

/// Objects of the production example present in the emulator.
pub(crate) async fn leftovers(aws: &Clients) -> Result<Vec<String>> {
    let mut found = Vec::new();
    let buckets = aws.s3.list_buckets().send().await.context("ListBuckets")?;
    for b in buckets.buckets() {
        if let Some(name) = b.name() {
            if BUCKETS.contains(&name) {
                found.push(format!("bucket {name}"));
            }
        }
    }
    if aws.glue.get_database().name(DATABASE).send().await.is_ok() {
        found.push(format!("database {DATABASE}"));
    }
    if aws.iam.get_role().role_name(ROLE).send().await.is_ok() {
        found.push(format!("role {ROLE}"));
    }
    for (name, _) in JOBS {
        if let Ok(out) = aws.glue.get_job().job_name(name).send().await {
            if out.job.is_some() {
                found.push(format!("job {name}"));
            }
        }
    }
    for (name, _, _) in CRAWLERS {
        if let Ok(out) = aws.glue.get_crawler().name(name).send().await {
            if out.crawler.is_some() {
                found.push(format!("crawler {name}"));
            }
        }
    }
    if aws
        .sns
        .get_topic_attributes()
        .topic_arn(ALERT_TOPIC)
        .send()
        .await
        .is_ok()
    {
        found.push(format!("topic {ALERT_TOPIC}"));
    }
    for rule in ALERT_RULES {
        if aws.events.describe_rule().name(rule).send().await.is_ok() {
            found.push(format!("rule {rule}"));
        }
    }
    if aws
        .budgets
        .describe_budget()
        .account_id(ACCOUNT)
        .budget_name(BUDGET)
        .send()
        .await
        .is_ok()
    {
        found.push(format!("budget {BUDGET}"));
    }
    let alarms = aws
        .cloudwatch
        .describe_alarms()
        .alarm_names(SIZE_ALARM)
        .send()
        .await
        .context("DescribeAlarms")?;
    if !alarms.metric_alarms().is_empty() {
        found.push(format!("alarm {SIZE_ALARM}"));
    }
    Ok(found)
}

/// Delete every object of the production example from the emulator (a sweeper, as
/// terraform-provider-aws has for leaked test objects).
pub(crate) async fn sweep(aws: &Clients) -> Result<()> {
    for rule in ALERT_RULES {
        let _ = aws
            .events
            .remove_targets()
            .rule(rule)
            .ids("flywheel-sns")
            .send()
            .await;
        let _ = aws.events.delete_rule().name(rule).send().await;
    }
    let _ = aws.sns.delete_topic().topic_arn(ALERT_TOPIC).send().await;
    let _ = aws
        .budgets
        .delete_budget()
        .account_id(ACCOUNT)
        .budget_name(BUDGET)
        .send()
        .await;
    let _ = aws
        .cloudwatch
        .delete_alarms()
        .alarm_names(SIZE_ALARM)
        .send()
        .await;
    for (name, _, _) in CRAWLERS {
        let _ = aws.glue.delete_crawler().name(name).send().await;
    }
    for (name, _) in JOBS {
        let _ = aws.glue.delete_job().job_name(name).send().await;
    }
    let _ = aws.glue.delete_database().name(DATABASE).send().await;
    if aws.iam.get_role().role_name(ROLE).send().await.is_ok() {
        let attached = aws
            .iam
            .list_attached_role_policies()
            .role_name(ROLE)
            .send()
            .await
            .context("ListAttachedRolePolicies")?;
        for p in attached.attached_policies() {
            if let Some(arn) = p.policy_arn() {
                aws.iam
                    .detach_role_policy()
                    .role_name(ROLE)
                    .policy_arn(arn)
                    .send()
                    .await
                    .context("DetachRolePolicy")?;
            }
        }
        let inline = aws
            .iam
            .list_role_policies()
            .role_name(ROLE)
            .send()
            .await
            .context("ListRolePolicies")?;
        for name in inline.policy_names() {
            aws.iam
                .delete_role_policy()
                .role_name(ROLE)
                .policy_name(name)
                .send()
                .await
                .context("DeleteRolePolicy")?;
        }
        aws.iam
            .delete_role()
            .role_name(ROLE)
            .send()
            .await
            .context("DeleteRole")?;
    }
    for bucket in BUCKETS {
        let Ok(versions) = aws.s3.list_object_versions().bucket(bucket).send().await else {
            continue; // no such bucket
        };
        let keys = versions
            .versions()
            .iter()
            .map(|v| (v.key(), v.version_id()))
            .chain(
                versions
                    .delete_markers()
                    .iter()
                    .map(|m| (m.key(), m.version_id())),
            );
        for (key, version) in keys {
            if let Some(key) = key {
                aws.s3
                    .delete_object()
                    .bucket(bucket)
                    .key(key)
                    .set_version_id(version.map(str::to_string))
                    .send()
                    .await
                    .with_context(|| format!("DeleteObject {bucket}/{key}"))?;
            }
        }
        aws.s3
            .delete_bucket()
            .bucket(bucket)
            .send()
            .await
            .with_context(|| format!("DeleteBucket {bucket}"))?;
    }
    Ok(())
}

/// The example's `flywheel_*` types that the built provider does not have.
pub(crate) async fn missing_types(tf: &Terraform) -> Result<Vec<String>> {
    let dir = tf.workdir("schema")?;
    dir.write_config("")?;
    let run = dir
        .run_ok(&["providers", "schema", "-json", "-no-color"])
        .await?;
    let schema: serde_json::Value =
        serde_json::from_str(run.stdout.trim()).context("parsing the provider schema")?;
    let resources = schema
        .get("provider_schemas")
        .and_then(|p| p.as_object())
        .and_then(|p| p.iter().find(|(k, _)| k.ends_with("/omc/flywheel")))
        .and_then(|(_, s)| s.get("resource_schemas"))
        .and_then(|r| r.as_object())
        .with_context(|| format!("no resource schemas for omc/flywheel in:\n{}", run.stdout))?;
    Ok(NEEDED_TYPES
        .iter()
        .filter(|t| !resources.contains_key(**t))
        .map(|t| t.to_string())
        .collect())
}

/// Copy a directory tree, leaving out Terraform's working files.
fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        let name_str = name.to_string_lossy();
        if name_str == ".terraform"
            || name_str.ends_with(".tfstate")
            || name_str.contains(".tfstate.")
            || name_str == "terraform.tfvars"
            || name_str == "__pycache__"
        {
            continue;
        }
        let target: PathBuf = to.join(&name);
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_the_example_without_state() {
        let from = tempfile::tempdir().unwrap();
        let to = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(from.path().join("scripts")).unwrap();
        std::fs::create_dir_all(from.path().join(".terraform/modules")).unwrap();
        std::fs::write(from.path().join("main.tf"), "x").unwrap();
        std::fs::write(from.path().join("scripts/a.py"), "y").unwrap();
        std::fs::write(from.path().join("terraform.tfstate"), "{}").unwrap();
        std::fs::write(from.path().join("terraform.tfstate.backup"), "{}").unwrap();
        copy_dir(from.path(), to.path()).unwrap();
        assert!(to.path().join("main.tf").is_file());
        assert!(to.path().join("scripts/a.py").is_file());
        assert!(!to.path().join(".terraform").exists());
        assert!(!to.path().join("terraform.tfstate").exists());
        assert!(!to.path().join("terraform.tfstate.backup").exists());
    }

    /// The `"key" = { ... }` block of `key` in `text` (up to its closing brace at the same
    /// indentation).
    fn block<'a>(text: &'a str, key: &str) -> &'a str {
        let open = format!("\"{key}\" = {{");
        let start = text
            .find(&open)
            .unwrap_or_else(|| panic!("examples/production/main.tf has no {open}"));
        let indent = text[..start].rsplit('\n').next().unwrap_or_default();
        let end = text[start..]
            .find(&format!("\n{indent}}}"))
            .unwrap_or_else(|| panic!("{key}: block not closed"));
        &text[start..start + end]
    }

    /// The constants the test checks the emulator against are the example's own values:
    /// editing the example without them fails here, not as a confusing emulator mismatch.
    #[test]
    fn the_expected_environment_matches_the_example() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/production");
        let main = std::fs::read_to_string(dir.join("main.tf")).unwrap();
        let main = main.replace("${local.data}", &format!("s3://{DATA_BUCKET}"));
        for name in [DATABASE, ROLE, DATA_BUCKET, ASSETS_BUCKET, ANALYSIS_BUCKET] {
            assert!(
                main.contains(&format!("\"{name}\"")),
                "{name} is not in main.tf"
            );
        }
        let keys = |prefix: &str| {
            main.lines()
                .filter(|l| l.trim_start().starts_with(prefix) && l.ends_with("= {"))
                .count()
        };
        assert_eq!(keys("\"etl-"), JOBS.len(), "jobs in main.tf");
        for (job, workers) in JOBS {
            let b = block(&main, job);
            assert!(
                b.contains(&format!("number_of_workers = {workers}\n")),
                "{job}: not {workers} workers in\n{b}"
            );
        }
        assert_eq!(keys("\"crw-"), CRAWLERS.len(), "crawlers in main.tf");
        for (crawler, target, prefix) in CRAWLERS {
            let b = block(&main, crawler);
            assert!(
                b.contains(&format!("[\"{target}\"]")),
                "{crawler}: target {target} not in\n{b}"
            );
            match prefix {
                Some(p) => assert!(
                    b.contains(&format!("table_prefix    = \"{p}\"")),
                    "{crawler}: prefix {p} not in\n{b}"
                ),
                None => assert!(
                    !b.contains("table_prefix"),
                    "{crawler}: unexpected prefix in\n{b}"
                ),
            }
        }
    }
}
