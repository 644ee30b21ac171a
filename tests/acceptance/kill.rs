//! A real SIGKILL of `terraform apply` on the production example, at chosen points of its
//! apply, proves the "Convergent" and "Only what this state owns" invariants together:
//! whatever the kill left behind, the documented recovery converges, with no duplicate and
//! nothing taken over without proof.
//!
//! For each point of [`POINTS`], [`kill_and_recover`]:
//! 1. starts from an emulator without the example's objects (the names are fixed, so it
//!    holds [`PRODUCTION`]), and copies the example with one job scheduled and one crawler
//!    chained to it, so the apply also creates a trigger of each kind;
//! 2. starts `terraform apply` (for a destroy point: applies, then starts `terraform
//!    destroy`) in a process group of its own, with every call of account 239083076653
//!    slowed by [`SLOW_MS`] so the kill lands before the next call does (and, for a point
//!    that holds one, the calls of one operation kept from the backend);
//! 3. polls the emulator's request log until the point's call has arrived or been
//!    answered, then sends SIGKILL to the group (Terraform and its provider plugin). Calls
//!    already sent still take effect, as on AWS;
//! 4. reads what Terraform's state file recorded before it died, and recovers:
//!    - the pipeline is not recorded (killed while it was being created): the next apply
//!      fails with "Existing objects were not taken over" and an import command; the
//!      test runs it, and the apply after converges. When the kill fell between a
//!      bucket's CreateBucket and its PutBucketTagging, the untagged bucket is imported as
//!      adopted and the apply refuses to make it deletable ("needs proof"); the documented
//!      recovery, deleting that empty untagged bucket, is done only then;
//!    - the pipeline is recorded (killed while jobs and crawlers were being created, or
//!      during a destroy): the next apply converges by itself, adopting leftovers that
//!      carry this pipeline's `flywheel:pipeline-owner`; each adopted job, script,
//!      crawler and trigger then carries its own instance's `owner_id` as `flywheel:owner`;
//! 5. then, in every case: an empty plan, exactly one of each seed object (and of each
//!    trigger) in the emulator and nothing else in the account, destroy, and nothing left
//!    but adopted buckets.
//!
//! [`sigint_during_apply_stops_cleanly`] sends SIGINT (Ctrl-C) instead, and checks that
//! Terraform stops by itself with everything it created recorded.
//!
//! Terraform rewrites its local state file in place (truncate, then write) each time a
//! resource completes, so a kill can also leave it empty after the pipeline was recorded;
//! then nothing is recorded and the import path applies, whatever the point.
//!
//! Each test prints what the kill left and the outcome that applied (`--nocapture`).

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure, Context as _, Result};
use serde_json::Value as Json;

use crate::examples::{
    check_emulator, copy_example, endpoint_var, leftovers, missing_types, production_clients,
    production_terraform, start_clean, sweep, ACCOUNT, ASSETS_BUCKET, BUCKETS, CRAWLERS, DATABASE,
    JOBS, PRODUCTION, ROLE,
};
use crate::harness::terraform::PlanOutcome;
use crate::harness::*;
use crate::pipeline::{bucket_tags, control};

/// Where the killed command dies: when the `nth` call of `operation` has arrived at the
/// emulator, or has been answered.
struct KillPoint {
    test: &'static str,
    service: &'static str,
    operation: &'static str,
    nth: usize,
    on: On,
    /// What the command was doing then.
    phase: Phase,
    /// Calls of this operation never reach the backend before the kill: they wait
    /// [`HOLD_MS`], then fail. It stands for the call the provider was about to send.
    held: Option<&'static str>,
    /// The held calls reach the backend first (it acts), and only their answers wait.
    held_after_acting: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum On {
    /// The call was answered: it took effect, and the provider may have seen the answer.
    Answered,
    /// The call arrived and is still waiting ([`SLOW_MS`]): it takes effect after the
    /// kill, and no one sees its answer.
    Arrived,
    /// The backend acted on the call, and its answer is held: the object exists, and the
    /// provider never learns it.
    Acted,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Creating the pipeline's children: its state is not written yet.
    Pipeline,
    /// The pipeline is recorded; jobs, crawlers and their triggers are being created.
    JobsAndCrawlers,
    /// `terraform destroy` of the applied example.
    Destroy,
}

const fn point(
    test: &'static str,
    service: &'static str,
    operation: &'static str,
    nth: usize,
    on: On,
    phase: Phase,
) -> KillPoint {
    KillPoint {
        test,
        service,
        operation,
        nth,
        on,
        phase,
        held: None,
        held_after_acting: false,
    }
}

/// The kill points, in the order the apply (then the destroy) reaches them. The provider
/// creates a job, then uploads its script, then creates its trigger; crawlers wait for the
/// jobs (one is chained to a job), and the chained crawler's trigger is the apply's last
/// create.
const POINTS: &[KillPoint] = &[
    // Killed between a bucket's CreateBucket and its PutBucketTagging: the buckets are left
    // untagged, the case whose recovery deletes them.
    KillPoint {
        held: Some("PutBucketTagging"),
        ..point(
            "kill_after_create_bucket_before_tagging",
            "s3",
            "CreateBucket",
            1,
            On::Answered,
            Phase::Pipeline,
        )
    },
    point(
        "kill_after_create_database",
        "glue",
        "CreateDatabase",
        1,
        On::Answered,
        Phase::Pipeline,
    ),
    point(
        "kill_after_create_role",
        "iam",
        "CreateRole",
        1,
        On::Answered,
        Phase::Pipeline,
    ),
    point(
        "kill_after_put_bucket_tagging",
        "s3",
        "PutBucketTagging",
        1,
        On::Answered,
        Phase::Pipeline,
    ),
    point(
        "kill_after_put_role_policy",
        "iam",
        "PutRolePolicy",
        1,
        On::Answered,
        Phase::Pipeline,
    ),
    point(
        "kill_after_create_job",
        "glue",
        "CreateJob",
        1,
        On::Answered,
        Phase::JobsAndCrawlers,
    ),
    point(
        "kill_after_put_object",
        "s3",
        "PutObject",
        1,
        On::Answered,
        Phase::JobsAndCrawlers,
    ),
    // The scheduled job and its script exist; its trigger was about to be created.
    KillPoint {
        held: Some("CreateTrigger"),
        ..point(
            "kill_after_create_job_before_its_trigger",
            "glue",
            "CreateTrigger",
            1,
            On::Arrived,
            Phase::JobsAndCrawlers,
        )
    },
    point(
        "kill_during_create_crawler",
        "glue",
        "CreateCrawler",
        1,
        On::Arrived,
        Phase::JobsAndCrawlers,
    ),
    point(
        "kill_after_create_crawler",
        "glue",
        "CreateCrawler",
        1,
        On::Answered,
        Phase::JobsAndCrawlers,
    ),
    // The chained crawler's trigger: sent, created after the kill.
    point(
        "kill_during_create_trigger_of_crawler",
        "glue",
        "CreateTrigger",
        2,
        On::Arrived,
        Phase::JobsAndCrawlers,
    ),
    // Everything exists; the provider had not seen the last create's answer, so Terraform
    // had not recorded the last crawler. (Killing once that answer is out races the apply's
    // own end: nothing follows it.)
    KillPoint {
        held: Some("CreateTrigger"),
        held_after_acting: true,
        ..point(
            "kill_after_last_create",
            "glue",
            "CreateTrigger",
            2,
            On::Acted,
            Phase::JobsAndCrawlers,
        )
    },
    // Destroying jobs: a script is gone, its job and the others are not.
    point(
        "kill_during_destroy_after_delete_object",
        "s3",
        "DeleteObject",
        1,
        On::Answered,
        Phase::Destroy,
    ),
    // Destroying the pipeline: jobs and crawlers are gone, the database too, the buckets
    // and the role not yet.
    point(
        "kill_during_destroy_after_delete_database",
        "glue",
        "DeleteDatabase",
        1,
        On::Answered,
        Phase::Destroy,
    ),
];

/// The pipeline's address in the production example.
const PIPELINE: &str = "module.flywheel.flywheel_pipeline.this";
/// The job the kill tests schedule, and the crawler they chain to it: the example has no
/// trigger, and these make one of each kind.
const SCHEDULED_JOB: &str = "etl-omc-flywheel-prod-addressable-ids-compaction";
const CHAINED_CRAWLER: &str = "crw-omc-flywheel-prod-addressable-ids-compaction";
/// Their triggers, as the provider names them.
fn triggers() -> [String; 2] {
    [
        format!("{SCHEDULED_JOB}-schedule"),
        format!("{CHAINED_CRAWLER}-after-job"),
    ]
}
/// Added before each call of the killed apply reaches the backend, so the calls after the
/// kill point are still waiting when the kill lands.
const SLOW_MS: u64 = 150;
/// How long a held call waits before it fails (after the kill, its client is gone).
const HOLD_MS: u64 = 3000;
/// How often the request log is read while the apply runs.
const POLL: Duration = Duration::from_millis(25);
/// The killed apply's bound: past it the group is killed and the test fails.
const APPLY_BOUND: Duration = Duration::from_secs(300);

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn kill_after_create_bucket_before_tagging() {
    kill_and_recover("kill_after_create_bucket_before_tagging").await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn kill_after_create_database() {
    kill_and_recover("kill_after_create_database").await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn kill_after_create_role() {
    kill_and_recover("kill_after_create_role").await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn kill_after_put_bucket_tagging() {
    kill_and_recover("kill_after_put_bucket_tagging").await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn kill_after_put_role_policy() {
    kill_and_recover("kill_after_put_role_policy").await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn kill_after_create_job() {
    kill_and_recover("kill_after_create_job").await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn kill_after_put_object() {
    kill_and_recover("kill_after_put_object").await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn kill_after_create_job_before_its_trigger() {
    kill_and_recover("kill_after_create_job_before_its_trigger").await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn kill_during_create_crawler() {
    kill_and_recover("kill_during_create_crawler").await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn kill_after_create_crawler() {
    kill_and_recover("kill_after_create_crawler").await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn kill_during_create_trigger_of_crawler() {
    kill_and_recover("kill_during_create_trigger_of_crawler").await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn kill_after_last_create() {
    kill_and_recover("kill_after_last_create").await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn kill_during_destroy_after_delete_object() {
    kill_and_recover("kill_during_destroy_after_delete_object").await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn kill_during_destroy_after_delete_database() {
    kill_and_recover("kill_during_destroy_after_delete_database").await;
}

/// How the apply after the kill converged.
enum Outcome {
    /// The pipeline was recorded: the next apply converged by itself.
    ConvergedByItself,
    /// The pipeline was not recorded: refused, imported with the command the error gave,
    /// then converged; `emptied` are untagged empty buckets deleted on the way.
    Imported { emptied: Vec<String> },
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::ConvergedByItself => {
                write!(
                    f,
                    "the pipeline was recorded; the next apply converged by itself"
                )
            }
            Outcome::Imported { emptied } if emptied.is_empty() => write!(
                f,
                "the pipeline was not recorded; the apply refused, the import it advised \
                 was run, and the next apply converged"
            ),
            Outcome::Imported { emptied } => write!(
                f,
                "the pipeline was not recorded; the apply refused, the import it advised \
                 was run, the empty untagged bucket(s) {emptied:?} were deleted, and the \
                 next apply converged"
            ),
        }
    }
}

/// The driver: kill the apply at `test`'s point, recover, check, destroy.
async fn kill_and_recover(test: &'static str) {
    let point = POINTS
        .iter()
        .find(|p| p.test == test)
        .expect("every kill test has a point in POINTS");
    if !acceptance_enabled(test) {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let _production = PRODUCTION.lock().await;
    let root = tempfile::Builder::new()
        .prefix(&format!("flywheel-acc-{test}-"))
        .tempdir()
        .expect("temp dir");
    let aws = production_clients().await;
    match kill_case(point, root.path(), &aws).await {
        Ok(None) => {}
        Ok(Some(reason)) => eprintln!("{test}: skipped; {reason}"),
        Err(e) => {
            // Leave the emulator as the next test expects it; that test sweeps too.
            if let Err(s) = sweep_with_triggers(&aws).await {
                eprintln!("{test}: sweeping after the failure failed: {s:#}");
            }
            let kept = root.keep();
            panic!(
                "{test} failed; working files kept in {}\n\n{e:#}",
                kept.display()
            );
        }
    }
}

async fn kill_case(
    point: &'static KillPoint,
    root: &Path,
    aws: &Clients,
) -> Result<Option<String>> {
    let test = point.test;
    let tf = production_terraform(root)?;
    let missing = missing_types(&tf).await?;
    // A missing resource type is a failure, never a skip: the test would prove nothing.
    anyhow::ensure!(
        missing.is_empty(),
        "the provider has no {}, which examples/production uses",
        missing.join(", ")
    );
    start_clean_with_triggers(test, aws).await?;
    let work = copy_example(&tf, root).await?;
    add_triggers(&work)?;
    let endpoint = endpoint_var();
    let vars = ["-var-file=localstack.tfvars", endpoint.as_str()];
    let command = if point.phase == Phase::Destroy {
        // The example is applied in full first; the destroy is what gets killed.
        apply(&work, &vars)
            .await
            .and_then(|run| {
                ensure!(run.success(), "{}", run.describe());
                Ok(run)
            })
            .context("applying the example before the destroy to kill")?;
        "destroy"
    } else {
        "apply"
    };

    let killed = {
        let work = work.clone();
        let args: Vec<String> = vars.iter().map(|v| v.to_string()).collect();
        tokio::task::spawn_blocking(move || kill_command(&work, command, &args, point))
            .await
            .context("the killed command's task panicked")??
    };
    eprintln!(
        "{test}: SIGKILL to `terraform {command}` {} ms after {} #{} arrived at the emulator \
         ({SLOW_MS} ms of it waiting; killed once it had {}); the emulator answered, by then \
         or from calls already sent: {}",
        killed.ms_after_arrival,
        point.operation,
        point.nth,
        match point.on {
            On::Answered => "been answered",
            On::Arrived => "arrived",
            On::Acted => "been acted on, its answer held",
        },
        killed.writes.join(", ")
    );

    let recorded = recorded_addresses(&work.dir)?;
    eprintln!(
        "{test}: the state file records {}",
        if recorded.is_empty() {
            "nothing".to_string()
        } else {
            recorded.join(", ")
        }
    );
    // Jobs and crawlers the killed apply created but Terraform did not record.
    let unrecorded = unrecorded_jobs_and_crawlers(aws, &recorded).await?;
    if !unrecorded.is_empty() {
        eprintln!("{test}: unrecorded leftovers: {}", unrecorded.join(", "));
    }
    let pipeline_recorded = recorded.iter().any(|a| a == PIPELINE);
    let pipeline_created = killed
        .run
        .stdout
        .contains("flywheel_pipeline.this: Creation complete");
    match (point.phase, pipeline_recorded) {
        (Phase::Pipeline, false) | (Phase::JobsAndCrawlers | Phase::Destroy, true) => {}
        (Phase::Pipeline, true) => eprintln!(
            "{test}: the kill landed after the pipeline was recorded, later than its phase"
        ),
        (Phase::JobsAndCrawlers | Phase::Destroy, false) => {
            // Terraform rewrites its local state file in place (truncate, then write) as
            // resources complete; a kill between the two leaves it empty. Anything else,
            // a readable state without a pipeline that had completed (or was still being
            // destroyed), would be a bug.
            ensure!(
                (pipeline_created || point.phase == Phase::Destroy) && state_file_empty(&work.dir),
                "killed after {} ({:?}), yet the state file does not record {PIPELINE}: \
                 {recorded:?}\n{}",
                point.operation,
                point.phase,
                killed.run.describe()
            );
            eprintln!(
                "{test}: the pipeline had been recorded, but the kill landed while Terraform \
                 was rewriting its state file, which it left empty: nothing is recorded"
            );
        }
    }

    let outcome = if pipeline_recorded {
        let run = apply(&work, &vars).await?;
        ensure!(
            run.success(),
            "the pipeline was recorded before the kill, so the next apply should converge by \
             itself (adopting leftovers that carry this pipeline's flywheel:pipeline-owner):\n{}",
            run.describe()
        );
        Outcome::ConvergedByItself
    } else {
        import_and_converge(&work, &vars, aws).await?
    };
    eprintln!("{test}: outcome: {outcome}");

    let (plan, run) = work.plan(&vars).await?;
    ensure!(
        plan == PlanOutcome::Empty,
        "the plan after recovering ({outcome}) is not empty:\n{}",
        run.describe()
    );
    check_emulator(aws).await?;
    check_exactly_the_seed(aws).await?;
    // Checked now, reported after destroy, so destroy is exercised whatever it finds.
    let ownership = if unrecorded.is_empty() {
        Ok(())
    } else {
        check_jobs_and_crawlers_owned(&work, aws).await
    };

    let adopted = adopted_buckets(&work).await?;
    let mut args = vec!["destroy", "-no-color", "-input=false", "-auto-approve"];
    args.extend_from_slice(&vars);
    work.run_ok(&args).await.context("terraform destroy")?;
    let mut left = leftovers_with_triggers(aws).await?;
    left.sort();
    let expected: Vec<String> = adopted.iter().map(|b| format!("bucket {b}")).collect();
    ensure!(
        left == expected,
        "after destroy the emulator holds {left:?}; only the adopted buckets {adopted:?} \
         should be left (released, not deleted)"
    );
    sweep_with_triggers(aws).await?;
    ownership
        .context("the leftovers were adopted, but not as jobs and crawlers of this pipeline")?;
    Ok(None)
}

/// Schedules [`SCHEDULED_JOB`] and chains [`CHAINED_CRAWLER`] to it in the copied example,
/// so the apply creates a trigger of each kind.
fn add_triggers(work: &Workdir) -> Result<()> {
    let path = work.dir.join("main.tf");
    let mut text = std::fs::read_to_string(&path)?;
    for (key, line) in [
        (
            SCHEDULED_JOB,
            "schedule = \"cron(0 4 * * ? *)\"".to_string(),
        ),
        (
            CHAINED_CRAWLER,
            format!("run_after_job = {SCHEDULED_JOB:?}"),
        ),
    ] {
        let open = format!("{key:?} = {{\n");
        ensure!(
            text.matches(&open).count() == 1,
            "examples/production/main.tf no longer has one `{open}`: update the kill tests"
        );
        text = text.replace(&open, &format!("{open}      {line}\n"));
    }
    std::fs::write(&path, text)?;
    Ok(())
}

/// The example's objects in the emulator ([`leftovers`]) and the kill tests' triggers.
async fn leftovers_with_triggers(aws: &Clients) -> Result<Vec<String>> {
    let mut found = leftovers(aws).await?;
    for name in triggers() {
        if aws.glue.get_trigger().name(&name).send().await.is_ok() {
            found.push(format!("trigger {name}"));
        }
    }
    Ok(found)
}

/// [`sweep`], and the kill tests' triggers first.
async fn sweep_with_triggers(aws: &Clients) -> Result<()> {
    for name in triggers() {
        let _ = aws.glue.delete_trigger().name(&name).send().await;
    }
    sweep(aws).await
}

/// [`start_clean`], triggers included.
async fn start_clean_with_triggers(test: &str, aws: &Clients) -> Result<()> {
    for name in triggers() {
        if aws.glue.get_trigger().name(&name).send().await.is_ok() {
            eprintln!("{test}: sweeping the trigger {name} an earlier run left");
            aws.glue
                .delete_trigger()
                .name(&name)
                .send()
                .await
                .with_context(|| format!("DeleteTrigger {name}"))?;
        }
    }
    start_clean(test, aws).await
}

/// `flywheel_job.this["<name>"]` or `flywheel_crawler.this["<name>"]` in the example.
fn job_address(name: &str) -> String {
    format!("module.flywheel.flywheel_job.this[{name:?}]")
}

fn crawler_address(name: &str) -> String {
    format!("module.flywheel.flywheel_crawler.this[{name:?}]")
}

/// Jobs and crawlers in the emulator that `recorded` (the state file) does not hold.
async fn unrecorded_jobs_and_crawlers(aws: &Clients, recorded: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (name, _) in JOBS {
        let exists = aws
            .glue
            .get_job()
            .job_name(name)
            .send()
            .await
            .is_ok_and(|o| o.job.is_some());
        if exists && !recorded.contains(&job_address(name)) {
            out.push(format!("job {name}"));
        }
    }
    for (name, _, _) in CRAWLERS {
        let exists = aws
            .glue
            .get_crawler()
            .name(name)
            .send()
            .await
            .is_ok_and(|o| o.crawler.is_some());
        if exists && !recorded.contains(&crawler_address(name)) {
            out.push(format!("crawler {name}"));
        }
    }
    Ok(out)
}

/// After leftovers were adopted: every job with its script and trigger, and every crawler
/// with its trigger, carries its own instance's `owner_id` as `flywheel:owner` (the
/// leftover's identity, from the killed apply, was replaced) and the pipeline's as
/// `flywheel:pipeline-owner`, which is what proved them this pipeline's.
async fn check_jobs_and_crawlers_owned(work: &Workdir, aws: &Clients) -> Result<()> {
    let state = work.state().await?;
    let text = |addr: &str, attr: &str| -> Result<Option<String>> {
        Ok(state
            .attr(addr, attr)?
            .and_then(|v| v.as_str().map(str::to_string))
            .filter(|v| !v.is_empty()))
    };
    let pipeline_owner =
        text(PIPELINE, "owner_id")?.ok_or_else(|| anyhow!("{PIPELINE} has no owner_id"))?;
    let glue_tags = |arn: String| async move {
        let out = aws
            .glue
            .get_tags()
            .resource_arn(&arn)
            .send()
            .await
            .with_context(|| format!("GetTags {arn}"))?;
        anyhow::Ok(out.tags().cloned().unwrap_or_default())
    };
    let mut problems = Vec::new();
    let mut check = |what: String,
                     owner: &Option<String>,
                     tags: &std::collections::HashMap<String, String>| {
        let Some(owner) = owner else {
            problems.push(format!("{what}: no owner_id in state"));
            return;
        };
        if tags.get("flywheel:owner") != Some(owner) {
            problems.push(format!(
                "{what}: flywheel:owner is {:?}, its owner_id is {owner:?}",
                tags.get("flywheel:owner")
            ));
        }
        if tags.get("flywheel:pipeline-owner") != Some(&pipeline_owner) {
            problems.push(format!(
                "{what}: flywheel:pipeline-owner is {:?}, the pipeline's owner_id is {pipeline_owner:?}",
                tags.get("flywheel:pipeline-owner")
            ));
        }
    };
    for (name, _) in JOBS {
        let addr = job_address(name);
        let owner = text(&addr, "owner_id")?;
        let tags = glue_tags(format!("arn:aws:glue:us-east-1:{ACCOUNT}:job/{name}")).await?;
        check(format!("job {name}"), &owner, &tags);
        let key = format!("scripts/{name}.py");
        let script: std::collections::HashMap<String, String> = aws
            .s3
            .get_object_tagging()
            .bucket(ASSETS_BUCKET)
            .key(&key)
            .send()
            .await
            .with_context(|| format!("GetObjectTagging {key}"))?
            .tag_set()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect();
        check(format!("script {key}"), &owner, &script);
    }
    for (name, _, _) in CRAWLERS {
        let addr = crawler_address(name);
        let owner = text(&addr, "owner_id")?;
        let tags = glue_tags(format!("arn:aws:glue:us-east-1:{ACCOUNT}:crawler/{name}")).await?;
        check(format!("crawler {name}"), &owner, &tags);
    }
    let [job_trigger, crawler_trigger] = triggers();
    for (trigger, addr) in [
        (job_trigger, job_address(SCHEDULED_JOB)),
        (crawler_trigger, crawler_address(CHAINED_CRAWLER)),
    ] {
        let owner = text(&addr, "owner_id")?;
        let tags = glue_tags(format!(
            "arn:aws:glue:us-east-1:{ACCOUNT}:trigger/{trigger}"
        ))
        .await?;
        check(format!("trigger {trigger}"), &owner, &tags);
    }
    ensure!(problems.is_empty(), "{}", problems.join("\n"));
    Ok(())
}

/// What the killed apply left: when it died, and what the emulator did for it.
struct Killed {
    /// Time from the point's call arriving at the emulator to the SIGKILL.
    ms_after_arrival: u128,
    /// Successful writes of the killed command (operation and path), in order, including
    /// calls that were already sent when the kill landed.
    writes: Vec<String>,
    /// The killed `terraform apply`.
    run: Run,
}

/// Runs `terraform <command>` (apply or destroy), and kills its process group once the
/// point's call for the example's account has arrived or been answered.
fn kill_command(
    work: &Workdir,
    command: &str,
    vars: &[String],
    point: &KillPoint,
) -> Result<Killed> {
    let (service, operation, nth) = (point.service, point.operation, point.nth);
    let since = last_seq()?;
    let faults = KillFaults::arm(point.held, point.held_after_acting)?;
    let mut args = vec![command, "-no-color", "-input=false", "-auto-approve"];
    args.extend(vars.iter().map(String::as_str));
    let mut spawned = work.tf.spawn(&work.dir, &args, &[])?;
    let (arrived_at, killed_at) = loop {
        let calls = calls_since(since)?;
        let answered: Vec<&Json> = calls
            .iter()
            .filter(|c| {
                c["service"] == service
                    && c["operation"] == operation
                    && match point.on {
                        On::Arrived => true,
                        On::Answered => !c["status"].is_null(),
                        On::Acted => !c["backend_status"].is_null(),
                    }
            })
            .collect();
        if let Some(call) = answered.get(nth - 1) {
            spawned.kill_group();
            break (call["time"].as_f64().unwrap_or_default(), unix_now());
        }
        if spawned.child.try_wait()?.is_some() {
            let run = spawned.finish(false)?;
            bail!(
                "the {command} ended before {operation} #{nth} was seen, so nothing was \
                 killed ({} such calls seen); the kill point is not in this {command}:\n{}",
                answered.len(),
                run.describe()
            );
        }
        if spawned.started.elapsed() > APPLY_BOUND {
            spawned.kill_group();
            let run = spawned.finish(true)?;
            bail!(
                "{operation} #{nth} was not answered within {APPLY_BOUND:?}:\n{}",
                run.describe()
            );
        }
        std::thread::sleep(POLL);
    };
    let pgid = spawned.pgid();
    let run = spawned.finish(false)?;
    ensure!(
        run.signal == Some(9),
        "terraform {command} was not ended by SIGKILL:\n{}",
        run.describe()
    );
    // The provider plugin dies with Terraform: it is in the same group.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !crate::harness::terraform::live_group_members(pgid).is_empty() {
        ensure!(
            Instant::now() < deadline,
            "processes of the killed group {pgid} still run: {:?}",
            crate::harness::terraform::live_group_members(pgid)
        );
        std::thread::sleep(POLL);
    }
    faults.disarm()?;
    // Calls already sent still reach the backend after their client died, as on AWS: wait
    // until each has its answer, so the recovery starts from what the kill really left.
    let deadline = Instant::now() + Duration::from_secs(30);
    let calls = loop {
        let calls = calls_since(since)?;
        if calls
            .iter()
            .all(|c| !c["status"].is_null() || c["dropped"] == Json::Bool(true))
        {
            break calls;
        }
        ensure!(
            Instant::now() < deadline,
            "calls of the killed apply are still unanswered after 30 s"
        );
        std::thread::sleep(POLL);
    };
    let writes = calls
        .iter()
        .filter(|c| {
            let op = c["operation"].as_str().unwrap_or_default();
            let ok = c["status"]
                .as_u64()
                .is_some_and(|s| (200..300).contains(&s));
            ok && [
                "Create", "Put", "Attach", "Tag", "Update", "Delete", "Detach",
            ]
            .iter()
            .any(|w| op.starts_with(w))
        })
        .map(|c| {
            let op = c["operation"].as_str().unwrap_or_default();
            match c["path"].as_str().unwrap_or_default() {
                "/" | "" => op.to_string(),
                path => format!("{op} {path}"),
            }
        })
        .collect();
    Ok(Killed {
        ms_after_arrival: ((killed_at - arrived_at).max(0.0) * 1000.0) as u128,
        writes,
        run,
    })
}

fn unix_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or_default()
}

/// The emulator's request log: the highest `seq` so far (0 when empty).
fn last_seq() -> Result<u64> {
    let log: Json = serde_json::from_str(&control("GET", "/_flywheel/requests", "")?)?;
    Ok(log["requests"]
        .as_array()
        .and_then(|r| r.last())
        .and_then(|r| r["seq"].as_u64())
        .unwrap_or(0))
}

/// The calls of the example's account logged after `seq`, oldest first. The log is not
/// cleared: other tests may be counting their own calls in it.
fn calls_since(seq: u64) -> Result<Vec<Json>> {
    let log: Json = serde_json::from_str(&control(
        "GET",
        &format!("/_flywheel/requests?since={seq}"),
        "",
    )?)?;
    Ok(log["requests"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["seq"].as_u64().is_some_and(|s| s > seq) && r["account"] == ACCOUNT)
        .cloned()
        .collect())
}

/// The faults of a killed apply: the held operation's calls fail after [`HOLD_MS`] (after
/// the backend acted on them, for [`KillPoint::held_after_acting`]), and
/// every other call of the example's account only waits [`SLOW_MS`]. Removed on drop, so
/// a failing test does not leave them armed.
struct KillFaults {
    ids: Vec<u64>,
}

impl KillFaults {
    fn arm(held: Option<&str>, after_acting: bool) -> Result<Self> {
        let mut specs = Vec::new();
        if let Some(op) = held {
            // Faults apply in the order they were added: this one first.
            specs.push(serde_json::json!({
                "account": ACCOUNT, "operation": op, "status": 503, "delay_ms": HOLD_MS,
                "count": -1, "lost_response": after_acting,
            }));
        }
        specs.push(serde_json::json!({
            "account": ACCOUNT, "status": 0, "delay_ms": SLOW_MS, "count": -1,
        }));
        let body = Json::Array(specs).to_string();
        let added: Json = serde_json::from_str(&control("POST", "/_flywheel/faults", &body)?)?;
        let ids: Vec<u64> = added["faults"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["id"].as_u64())
            .collect();
        let faults = KillFaults { ids };
        ensure!(
            faults.ids.len() == 1 + usize::from(held.is_some()),
            "the emulator did not arm the faults: {added}"
        );
        Ok(faults)
    }

    fn disarm(mut self) -> Result<()> {
        for id in std::mem::take(&mut self.ids) {
            control("DELETE", &format!("/_flywheel/faults/{id}"), "")?;
        }
        Ok(())
    }
}

impl Drop for KillFaults {
    fn drop(&mut self) {
        for id in std::mem::take(&mut self.ids) {
            let _ = control("DELETE", &format!("/_flywheel/faults/{id}"), "");
        }
    }
}

/// Resource instances Terraform's state file records, read from the file itself (the
/// killed Terraform cannot be asked). No file: nothing was recorded.
fn recorded_addresses(dir: &Path) -> Result<Vec<String>> {
    let path = dir.join("terraform.tfstate");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    // Terraform creates the file empty when it takes the state lock, and fills it when the
    // first resource is done: empty means nothing recorded.
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let state: Json = serde_json::from_str(&text).with_context(|| {
        format!(
            "the state file the killed apply left is not JSON (killed while writing it?): {}",
            path.display()
        )
    })?;
    let mut out = Vec::new();
    for r in state["resources"].as_array().into_iter().flatten() {
        if r["mode"] != "managed" {
            continue;
        }
        let base = match r["module"].as_str() {
            Some(m) => format!(
                "{m}.{}.{}",
                r["type"].as_str().unwrap_or_default(),
                r["name"].as_str().unwrap_or_default()
            ),
            None => format!(
                "{}.{}",
                r["type"].as_str().unwrap_or_default(),
                r["name"].as_str().unwrap_or_default()
            ),
        };
        for i in r["instances"].as_array().into_iter().flatten() {
            match &i["index_key"] {
                Json::String(k) => out.push(format!("{base}[{k:?}]")),
                Json::Number(n) => out.push(format!("{base}[{n}]")),
                _ => out.push(base.clone()),
            }
        }
    }
    Ok(out)
}

/// Whether the state file exists and holds nothing.
fn state_file_empty(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("terraform.tfstate")).is_ok_and(|t| t.trim().is_empty())
}

async fn apply(work: &Workdir, vars: &[&str]) -> Result<Run> {
    let mut args = vec!["apply", "-no-color", "-input=false", "-auto-approve"];
    args.extend_from_slice(vars);
    work.run(&args).await
}

/// The pipeline was never recorded: the apply must refuse its leftovers and say how to
/// import them; the import and the applies after it converge.
async fn import_and_converge(work: &Workdir, vars: &[&str], aws: &Clients) -> Result<Outcome> {
    let run = apply(work, vars).await?;
    ensure!(
        !run.success(),
        "the pipeline was not recorded, yet the next apply took the killed apply's objects \
         over without an import:\n{}",
        run.describe()
    );
    let text = run.output();
    ensure!(
        text.contains("Existing objects were not taken over"),
        "the refusal does not say the objects were not taken over:\n{}",
        run.describe()
    );
    let id = regex::Regex::new(r"terraform import flywheel_pipeline\.<name> '([^']+)'")?
        .captures(&text)
        .map(|c| c[1].to_string())
        .ok_or_else(|| anyhow!("no import command in:\n{}", run.describe()))?;
    let mut args = vec!["import", "-no-color", "-input=false"];
    args.extend_from_slice(vars);
    args.extend_from_slice(&[PIPELINE, &id]);
    work.run_ok(&args).await.context("terraform import")?;

    let run = apply(work, vars).await?;
    if run.success() {
        return Ok(Outcome::Imported {
            emptied: Vec::new(),
        });
    }
    // The kill fell between a CreateBucket and its PutBucketTagging: nothing proves the
    // untagged bucket is this pipeline's, so import adopted it and the apply will not make
    // it deletable. The documented recovery: delete the empty untagged bucket.
    let text = run.output();
    ensure!(
        text.contains("needs proof"),
        "the apply after the import failed:\n{}",
        run.describe()
    );
    let refused: BTreeSet<String> =
        regex::Regex::new(r#"aws_s3_bucket\.([a-z0-9.-]+) is not this resource's"#)?
            .captures_iter(&text)
            .map(|c| c[1].to_string())
            .collect();
    ensure!(
        !refused.is_empty(),
        "the apply refused without naming a bucket:\n{}",
        run.describe()
    );
    for bucket in &refused {
        let tags = bucket_tags(aws, bucket).await?;
        ensure!(
            !tags.iter().any(|(k, _)| k == "flywheel:owner"),
            "bucket {bucket} carries an identity ({tags:?}), yet was refused as unproven"
        );
        let objects = aws
            .s3
            .list_object_versions()
            .bucket(bucket)
            .send()
            .await
            .with_context(|| format!("ListObjectVersions {bucket}"))?;
        ensure!(
            objects.versions().is_empty() && objects.delete_markers().is_empty(),
            "the untagged bucket {bucket} is not empty; it must not be deleted"
        );
        aws.s3
            .delete_bucket()
            .bucket(bucket)
            .send()
            .await
            .with_context(|| format!("DeleteBucket {bucket}"))?;
    }
    let run = apply(work, vars).await?;
    ensure!(
        run.success(),
        "the apply after deleting the empty untagged buckets {refused:?} failed:\n{}",
        run.describe()
    );
    Ok(Outcome::Imported {
        emptied: refused.into_iter().collect(),
    })
}

/// The account holds exactly the seed objects: each once, nothing else.
async fn check_exactly_the_seed(aws: &Clients) -> Result<()> {
    let want = |names: &mut dyn Iterator<Item = &str>| -> Vec<String> {
        let mut v: Vec<String> = names.map(str::to_string).collect();
        v.sort();
        v
    };
    let mut buckets: Vec<String> = aws
        .s3
        .list_buckets()
        .send()
        .await
        .context("ListBuckets")?
        .buckets()
        .iter()
        .filter_map(|b| b.name().map(str::to_string))
        .collect();
    buckets.sort();
    ensure!(
        buckets == want(&mut BUCKETS.iter().copied()),
        "buckets in the account: {buckets:?}"
    );

    let mut databases: Vec<String> = aws
        .glue
        .get_databases()
        .send()
        .await
        .context("GetDatabases")?
        .database_list()
        .iter()
        .map(|d| d.name().to_string())
        .collect();
    databases.sort();
    ensure!(
        databases == [DATABASE],
        "databases in the account: {databases:?}"
    );

    let roles: Vec<String> = aws
        .iam
        .list_roles()
        .send()
        .await
        .context("ListRoles")?
        .roles()
        .iter()
        .map(|r| r.role_name().to_string())
        .collect();
    ensure!(roles == [ROLE], "roles in the account: {roles:?}");

    let mut jobs = Vec::new();
    let mut token = None;
    loop {
        let page = aws
            .glue
            .list_jobs()
            .set_next_token(token)
            .send()
            .await
            .context("ListJobs")?;
        jobs.extend(page.job_names().iter().cloned());
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    jobs.sort();
    ensure!(
        jobs == want(&mut JOBS.iter().map(|(n, _)| *n)),
        "jobs in the account: {jobs:?}"
    );

    let mut crawlers = Vec::new();
    let mut token = None;
    loop {
        let page = aws
            .glue
            .list_crawlers()
            .set_next_token(token)
            .send()
            .await
            .context("ListCrawlers")?;
        crawlers.extend(page.crawler_names().iter().cloned());
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    crawlers.sort();
    ensure!(
        crawlers == want(&mut CRAWLERS.iter().map(|(n, _, _)| *n)),
        "crawlers in the account: {crawlers:?}"
    );

    // One scheduled job and one crawler chained to it: one trigger each, nothing else.
    let mut found: Vec<String> = aws
        .glue
        .get_triggers()
        .send()
        .await
        .context("GetTriggers")?
        .triggers()
        .iter()
        .filter_map(|t| t.name().map(str::to_string))
        .collect();
    found.sort();
    ensure!(
        found == want(&mut triggers().iter().map(String::as_str)),
        "triggers in the account: {found:?}"
    );

    let mut scripts: Vec<String> = aws
        .s3
        .list_objects_v2()
        .bucket(ASSETS_BUCKET)
        .prefix("scripts/")
        .send()
        .await
        .context("ListObjectsV2")?
        .contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_string))
        .collect();
    scripts.sort();
    let expected: Vec<String> = want(&mut JOBS.iter().map(|(n, _)| *n))
        .into_iter()
        .map(|n| format!("scripts/{n}.py"))
        .collect();
    ensure!(
        scripts == expected,
        "scripts in {ASSETS_BUCKET}: {scripts:?}"
    );
    Ok(())
}

/// Buckets the final state adopted (`create = false`): destroy releases them.
async fn adopted_buckets(work: &Workdir) -> Result<Vec<String>> {
    let state = work.state().await?;
    let mut out = Vec::new();
    for block in ["data_bucket", "assets_bucket", "analysis_bucket"] {
        let create = state.attr(PIPELINE, &format!("{block}.create"))?;
        if create.and_then(|v| v.as_bool()) == Some(false) {
            let name = state
                .attr(PIPELINE, &format!("{block}.name"))?
                .and_then(|v| v.as_str().map(str::to_string))
                .ok_or_else(|| anyhow!("{PIPELINE} has no {block}.name"))?;
            out.push(name);
        }
    }
    out.sort();
    Ok(out)
}

/// Ctrl-C in a terminal: SIGINT to the whole foreground process group (Terraform and its
/// provider plugin) in the middle of the apply, once the first job exists. Terraform asks
/// the provider to stop (StopProvider), waits for the operations in flight, records them
/// and exits non-zero; the provider must not die of the signal nor drop the operations it
/// is running. Then: everything in the emulator is recorded in state, and the next apply
/// converges with no duplicate.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn sigint_during_apply_stops_cleanly() {
    let test = "sigint_during_apply_stops_cleanly";
    if !acceptance_enabled(test) {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let _production = PRODUCTION.lock().await;
    let root = tempfile::Builder::new()
        .prefix(&format!("flywheel-acc-{test}-"))
        .tempdir()
        .expect("temp dir");
    let aws = production_clients().await;
    match sigint_case(root.path(), &aws).await {
        Ok(None) => {}
        Ok(Some(reason)) => eprintln!("{test}: skipped; {reason}"),
        Err(e) => {
            if let Err(s) = sweep_with_triggers(&aws).await {
                eprintln!("{test}: sweeping after the failure failed: {s:#}");
            }
            let kept = root.keep();
            panic!(
                "{test} failed; working files kept in {}\n\n{e:#}",
                kept.display()
            );
        }
    }
}

/// How long Terraform may take to stop after SIGINT: the calls in flight, slowed by
/// [`SLOW_MS`] each, and nothing new.
const STOP_BOUND: Duration = Duration::from_secs(60);

async fn sigint_case(root: &Path, aws: &Clients) -> Result<Option<String>> {
    let test = "sigint_during_apply_stops_cleanly";
    let tf = production_terraform(root)?;
    let missing = missing_types(&tf).await?;
    // A missing resource type is a failure, never a skip: the test would prove nothing.
    anyhow::ensure!(
        missing.is_empty(),
        "the provider has no {}, which examples/production uses",
        missing.join(", ")
    );
    start_clean_with_triggers(test, aws).await?;
    let work = copy_example(&tf, root).await?;
    add_triggers(&work)?;
    let endpoint = endpoint_var();
    let vars = ["-var-file=localstack.tfvars", endpoint.as_str()];

    let run = {
        let work = work.clone();
        let args: Vec<String> = vars.iter().map(|v| v.to_string()).collect();
        tokio::task::spawn_blocking(move || interrupt_apply(&work, &args))
            .await
            .context("the interrupted apply's task panicked")??
    };
    eprintln!(
        "{test}: terraform apply ended {:?} after it started, {}",
        run.elapsed,
        match (run.code, run.signal) {
            (Some(c), _) => format!("exit code {c}"),
            (None, s) => format!("killed by signal {s:?}"),
        }
    );
    ensure!(
        run.signal.is_none() && run.code.is_some_and(|c| c != 0),
        "an interrupted apply should exit by itself with a non-zero code:\n{}",
        run.describe()
    );
    let text = run.output();
    ensure!(
        text.contains("Interrupt received"),
        "Terraform did not see the interrupt:\n{}",
        run.describe()
    );
    // What Terraform says when a provider dies or stops answering mid-operation.
    for sign in [
        "panic",
        "crashed",
        "Plugin did not respond",
        "plugin exited",
        "Unavailable",
        "connection refused",
        "transport is closing",
        "error reading from server",
    ] {
        ensure!(
            !text.contains(sign),
            "the interrupted apply's output says {sign:?}: the provider did not stop \
             cleanly:\n{}",
            run.describe()
        );
    }

    // Everything the apply created is in state: nothing for the next apply to refuse or
    // create twice.
    let recorded = recorded_addresses(&work.dir)?;
    eprintln!("{test}: the state records {}", recorded.join(", "));
    ensure!(
        recorded.iter().any(|a| a == PIPELINE),
        "the pipeline completed before the interrupt, yet is not in state: {recorded:?}"
    );
    let unrecorded = unrecorded_jobs_and_crawlers(aws, &recorded).await?;
    ensure!(
        unrecorded.is_empty(),
        "objects the interrupted apply created are not in its state: {unrecorded:?}"
    );
    let [job_trigger, crawler_trigger] = triggers();
    for (trigger, owner) in [
        (job_trigger, job_address(SCHEDULED_JOB)),
        (crawler_trigger, crawler_address(CHAINED_CRAWLER)),
    ] {
        let exists = aws.glue.get_trigger().name(&trigger).send().await.is_ok();
        ensure!(
            !exists || recorded.contains(&owner),
            "the trigger {trigger} exists, but {owner} is not in state"
        );
    }

    let run = apply(&work, &vars).await?;
    ensure!(
        run.success(),
        "the apply after the interrupt should converge by itself:\n{}",
        run.describe()
    );
    let (plan, run) = work.plan(&vars).await?;
    ensure!(
        plan == PlanOutcome::Empty,
        "the plan after the interrupted apply's successor is not empty:\n{}",
        run.describe()
    );
    check_emulator(aws).await?;
    check_exactly_the_seed(aws).await?;
    let mut args = vec!["destroy", "-no-color", "-input=false", "-auto-approve"];
    args.extend_from_slice(&vars);
    work.run_ok(&args).await.context("terraform destroy")?;
    let left = leftovers_with_triggers(aws).await?;
    ensure!(left.is_empty(), "after destroy the emulator holds {left:?}");
    Ok(None)
}

/// Runs `terraform apply` and sends SIGINT to its process group once the first CreateJob
/// has been answered, then waits for it to stop by itself (bounded by [`STOP_BOUND`]).
fn interrupt_apply(work: &Workdir, vars: &[String]) -> Result<Run> {
    let since = last_seq()?;
    let faults = KillFaults::arm(None, false)?;
    let mut args = vec!["apply", "-no-color", "-input=false", "-auto-approve"];
    args.extend(vars.iter().map(String::as_str));
    let spawned = work.tf.spawn(&work.dir, &args, &[])?;
    let pgid = spawned.pgid();
    let mut spawned = spawned;
    loop {
        let calls = calls_since(since)?;
        if calls
            .iter()
            .any(|c| c["operation"] == "CreateJob" && !c["status"].is_null())
        {
            break;
        }
        if spawned.child.try_wait()?.is_some() {
            let run = spawned.finish(false)?;
            bail!(
                "the apply ended before any CreateJob was answered:\n{}",
                run.describe()
            );
        }
        if spawned.started.elapsed() > APPLY_BOUND {
            spawned.kill_group();
            let run = spawned.finish(true)?;
            bail!("no CreateJob within {APPLY_BOUND:?}:\n{}", run.describe());
        }
        std::thread::sleep(POLL);
    }
    let _ = std::process::Command::new("kill")
        .args(["-INT", "--", &format!("-{pgid}")])
        .status();
    let interrupted = Instant::now();
    while spawned.child.try_wait()?.is_none() {
        if interrupted.elapsed() > STOP_BOUND {
            spawned.kill_group();
            let run = spawned.finish(true)?;
            bail!(
                "terraform apply did not stop within {STOP_BOUND:?} of SIGINT:\n{}",
                run.describe()
            );
        }
        std::thread::sleep(POLL);
    }
    let run = spawned.finish(false)?;
    // The provider plugin exits with Terraform.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !crate::harness::terraform::live_group_members(pgid).is_empty() {
        ensure!(
            Instant::now() < deadline,
            "processes of the interrupted group {pgid} still run: {:?}",
            crate::harness::terraform::live_group_members(pgid)
        );
        std::thread::sleep(POLL);
    }
    faults.disarm()?;
    Ok(run)
}
