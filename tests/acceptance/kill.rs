//! A real SIGKILL of `terraform apply` on the production example, at chosen points of its
//! apply, proves the "Convergent" and "Only what this state owns" invariants together:
//! whatever the kill left behind, the documented recovery converges, with no duplicate and
//! nothing taken over without proof.
//!
//! For each point of [`POINTS`], [`kill_and_recover`]:
//! 1. starts from an emulator without the example's objects (the names are fixed, so it
//!    holds [`PRODUCTION`]);
//! 2. starts `terraform apply` in a process group of its own, with every call of account
//!    239083076653 slowed by [`SLOW_MS`] so the kill lands before the next call does (and,
//!    for a point that holds one, the calls of one operation kept from the backend);
//! 3. polls the emulator's request log until the point's call has been answered, then
//!    sends SIGKILL to the group (Terraform and its provider plugin). Calls already sent
//!    still take effect, as on AWS;
//! 4. reads what Terraform's state file recorded before it died, and recovers:
//!    - the pipeline is not recorded (killed while it was being created): the next apply
//!      fails with "Existing objects were not taken over" and an import command; the
//!      test runs it, and the apply after converges. When the kill fell between a
//!      bucket's CreateBucket and its PutBucketTagging, the untagged bucket is imported as
//!      adopted and the apply refuses to make it deletable ("needs proof"); the documented
//!      recovery, deleting that empty untagged bucket, is done only then;
//!    - the pipeline is recorded (killed while jobs and crawlers were being created): the
//!      next apply converges by itself, adopting leftovers that carry this pipeline's
//!      `flywheel:pipeline-owner`; each adopted job, script and crawler then carries its
//!      own instance's `owner_id` as `flywheel:owner`;
//! 5. then, in every case: an empty plan, exactly one of each seed object in the emulator
//!    and nothing else in the account, destroy, and nothing left but adopted buckets.
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

/// Where the killed apply dies: when the `nth` call of `operation` has been answered.
struct KillPoint {
    test: &'static str,
    service: &'static str,
    operation: &'static str,
    nth: usize,
    /// What the apply was doing then.
    phase: Phase,
    /// Calls of this operation never reach the backend before the kill: they wait
    /// [`HOLD_MS`], then fail. It stands for the call the provider was about to send.
    held: Option<&'static str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Creating the pipeline's children: its state is not written yet.
    Pipeline,
    /// The pipeline is recorded; jobs and crawlers are being created.
    JobsAndCrawlers,
}

/// The kill points, in the order the apply reaches them.
const POINTS: &[KillPoint] = &[
    // Killed between a bucket's CreateBucket and its PutBucketTagging: the buckets are left
    // untagged, the case whose recovery deletes them.
    KillPoint {
        test: "kill_after_create_bucket_before_tagging",
        service: "s3",
        operation: "CreateBucket",
        nth: 1,
        phase: Phase::Pipeline,
        held: Some("PutBucketTagging"),
    },
    KillPoint {
        test: "kill_after_create_database",
        service: "glue",
        operation: "CreateDatabase",
        nth: 1,
        phase: Phase::Pipeline,
        held: None,
    },
    KillPoint {
        test: "kill_after_create_role",
        service: "iam",
        operation: "CreateRole",
        nth: 1,
        phase: Phase::Pipeline,
        held: None,
    },
    KillPoint {
        test: "kill_after_put_bucket_tagging",
        service: "s3",
        operation: "PutBucketTagging",
        nth: 1,
        phase: Phase::Pipeline,
        held: None,
    },
    KillPoint {
        test: "kill_after_put_role_policy",
        service: "iam",
        operation: "PutRolePolicy",
        nth: 1,
        phase: Phase::Pipeline,
        held: None,
    },
    KillPoint {
        test: "kill_after_create_job",
        service: "glue",
        operation: "CreateJob",
        nth: 1,
        phase: Phase::JobsAndCrawlers,
        held: None,
    },
    KillPoint {
        test: "kill_after_put_object",
        service: "s3",
        operation: "PutObject",
        nth: 1,
        phase: Phase::JobsAndCrawlers,
        held: None,
    },
    KillPoint {
        test: "kill_after_create_crawler",
        service: "glue",
        operation: "CreateCrawler",
        nth: 1,
        phase: Phase::JobsAndCrawlers,
        held: None,
    },
];

/// The pipeline's address in the production example.
const PIPELINE: &str = "module.flywheel.flywheel_pipeline.this";
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
async fn kill_after_create_crawler() {
    kill_and_recover("kill_after_create_crawler").await;
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
            if let Err(s) = sweep(&aws).await {
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
    if !missing.is_empty() {
        return Ok(Some(format!(
            "the provider has no {} yet, which examples/production uses",
            missing.join(", ")
        )));
    }
    start_clean(test, aws).await?;
    let work = copy_example(&tf, root).await?;
    let endpoint = endpoint_var();
    let vars = ["-var-file=localstack.tfvars", endpoint.as_str()];

    let killed = {
        let work = work.clone();
        let args: Vec<String> = vars.iter().map(|v| v.to_string()).collect();
        tokio::task::spawn_blocking(move || kill_apply(&work, &args, point))
            .await
            .context("the killed apply's task panicked")??
    };
    eprintln!(
        "{test}: SIGKILL {} ms after {} #{} arrived at the emulator ({SLOW_MS} ms of it \
         waiting); the emulator answered, by then or from calls already sent: {}",
        killed.ms_after_arrival,
        point.operation,
        point.nth,
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
        (Phase::Pipeline, false) | (Phase::JobsAndCrawlers, true) => {}
        (Phase::Pipeline, true) => eprintln!(
            "{test}: the kill landed after the pipeline was recorded, later than its phase"
        ),
        (Phase::JobsAndCrawlers, false) => {
            // Terraform rewrites its local state file in place (truncate, then write) as
            // resources complete; a kill between the two leaves it empty. Anything else,
            // a readable state without a pipeline that had completed, would be a bug.
            ensure!(
                pipeline_created && state_file_empty(&work.dir),
                "killed after {} (jobs and crawlers being created), yet the state file does \
                 not record {PIPELINE}: {recorded:?}\n{}",
                point.operation,
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
    let mut left = leftovers(aws).await?;
    left.sort();
    let expected: Vec<String> = adopted.iter().map(|b| format!("bucket {b}")).collect();
    ensure!(
        left == expected,
        "after destroy the emulator holds {left:?}; only the adopted buckets {adopted:?} \
         should be left (released, not deleted)"
    );
    sweep(aws).await?;
    ownership
        .context("the leftovers were adopted, but not as jobs and crawlers of this pipeline")?;
    Ok(None)
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

/// After leftovers were adopted: every job, its script and every crawler carry their own
/// instance's `owner_id` as `flywheel:owner` (the leftover's identity, from the killed
/// apply, was replaced) and the pipeline's as `flywheel:pipeline-owner`, which is what
/// proved them this pipeline's.
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
    ensure!(problems.is_empty(), "{}", problems.join("\n"));
    Ok(())
}

/// What the killed apply left: when it died, and what the emulator did for it.
struct Killed {
    /// Time from the point's call arriving at the emulator to the SIGKILL.
    ms_after_arrival: u128,
    /// Successful writes of the killed apply (operation and path), in order, including
    /// calls that were already sent when the kill landed.
    writes: Vec<String>,
    /// The killed `terraform apply`.
    run: Run,
}

/// Runs `terraform apply`, and kills its process group once the point's call for the
/// example's account has been answered.
fn kill_apply(work: &Workdir, vars: &[String], point: &KillPoint) -> Result<Killed> {
    let (service, operation, nth) = (point.service, point.operation, point.nth);
    let since = last_seq()?;
    let faults = KillFaults::arm(point.held)?;
    let mut args = vec!["apply", "-no-color", "-input=false", "-auto-approve"];
    args.extend(vars.iter().map(String::as_str));
    let mut spawned = work.tf.spawn(&work.dir, &args, &[])?;
    let (arrived_at, killed_at) = loop {
        let calls = calls_since(since)?;
        let answered: Vec<&Json> = calls
            .iter()
            .filter(|c| {
                c["service"] == service && c["operation"] == operation && !c["status"].is_null()
            })
            .collect();
        if let Some(call) = answered.get(nth - 1) {
            spawned.kill_group();
            break (call["time"].as_f64().unwrap_or_default(), unix_now());
        }
        if spawned.child.try_wait()?.is_some() {
            let run = spawned.finish(false)?;
            bail!(
                "the apply ended before {operation} #{nth} was answered, so nothing was \
                 killed ({} such calls answered); the kill point is not in this apply:\n{}",
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
        "terraform apply was not ended by SIGKILL:\n{}",
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
            ok && ["Create", "Put", "Attach", "Tag", "Update"]
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

/// The faults of a killed apply: the held operation's calls fail after [`HOLD_MS`], and
/// every other call of the example's account only waits [`SLOW_MS`]. Removed on drop, so
/// a failing test does not leave them armed.
struct KillFaults {
    ids: Vec<u64>,
}

impl KillFaults {
    fn arm(held: Option<&str>) -> Result<Self> {
        let mut specs = Vec::new();
        if let Some(op) = held {
            // Faults apply in the order they were added: this one first.
            specs.push(serde_json::json!({
                "account": ACCOUNT, "operation": op, "status": 503, "delay_ms": HOLD_MS,
                "count": -1,
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

    // The example schedules nothing and chains no crawler to a job: no trigger at all.
    let triggers: Vec<String> = aws
        .glue
        .get_triggers()
        .send()
        .await
        .context("GetTriggers")?
        .triggers()
        .iter()
        .filter_map(|t| t.name().map(str::to_string))
        .collect();
    ensure!(triggers.is_empty(), "triggers in the account: {triggers:?}");

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
