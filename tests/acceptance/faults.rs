//! The provider under the faults a real network and AWS produce, injected by the emulator
//! (`test-fixtures/emulator/control.py`).
//!
//! - The production example at 10% random faults, for 3 seeds, with its buckets created
//!   and with them adopted: throttling, 500s, connections dropped before the service saw
//!   the request, responses lost after it acted, and requests held past the attempt
//!   timeout, on every call of its account. One apply converges, the next plan (faults
//!   still on) is empty, destroy (faults on) leaves nothing but the adopted buckets and
//!   their data.
//! - Each retry path fires: a faulted call is retried and then succeeds, per kind; and
//!   `max_retries` bounds the attempts. The attempt timeout on a GetJob and a CreateJob and
//!   the IAM propagation message on CreateJob are proven in `aws_calls.rs`
//!   (`job_create_converges_when_attempts_time_out`,
//!   `unable_to_assume_is_retried_until_it_succeeds`); here the delay kind is proven on
//!   the S3, IAM and Glue calls of a pipeline.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use anyhow::{ensure, Context as _, Result};
use serde_json::{json, Value as Json};

use crate::aws_calls::{counter, job_fixture, provider_block, requests_of, seq, Faults};
use crate::examples::{
    check_emulator, copy_example, endpoint_var, leftovers, missing_types, production_clients,
    production_terraform, start_clean, ACCOUNT, ANALYSIS_BUCKET, ASSETS_BUCKET, BUCKETS,
    DATA_BUCKET, PRODUCTION,
};
use crate::harness::terraform::PlanOutcome;
use crate::harness::*;
use crate::job::create_bucket;
use crate::pipeline::{bucket_exists, database_description, role_exists, Cfg, Names};

/// Every failure kind the emulator's mix knows.
const MIX: [&str; 5] = ["throttle", "500", "drop", "lost_response", "delay"];
/// The chance that one call of the production example's account is failed.
const RATE: f64 = 0.1;
/// Per attempt (`http_timeout_seconds`), and how long a delayed request is held: past it.
const ATTEMPT_TIMEOUT_S: u32 = 1;
const DELAY_MS: u64 = 1500;

/// The provider settings of the faulted production runs, merged into the example's provider
/// block by an override file. `max_retries` is far from reached at 10% (11 failures of one
/// call in a row: 1e-11), so a run's outcome does not depend on it.
fn production_override() -> String {
    format!(
        "provider \"flywheel\" {{\n  http_timeout_seconds      = {ATTEMPT_TIMEOUT_S}\n  \
         operation_timeout_seconds = 120\n  max_retries               = 10\n}}\n"
    )
}

/// Data the adopted buckets hold before the apply; destroy must leave exactly this.
const ADOPTED_DATA: [(&str, &str, &str); 4] = [
    (
        DATA_BUCKET,
        "opus/addressable_ids/raw_input/part-00000.csv",
        "id\n1\n",
    ),
    (
        DATA_BUCKET,
        "omc_cleanroom_data/addressable/addressable_ids_compaction_cr/part-0.parquet",
        "PAR1",
    ),
    (ASSETS_BUCKET, "sparkHistoryLogs/app-0001", "{}"),
    (ANALYSIS_BUCKET, "reports/2026-q3.csv", "total\n42\n"),
];

/// The one fault of a production run: `RATE` of every call of the example's account,
/// failing with a kind drawn from `MIX`, reproducibly from `seed`.
fn production_fault(seed: u64) -> Json {
    json!({
        "service": "*", "operation": "*", "account": ACCOUNT, "count": -1,
        "rate": RATE, "seed": seed, "mix": MIX, "delay_ms": DELAY_MS,
    })
}

macro_rules! production_under_faults {
    ($($name:ident: $seed:expr, $adopt:expr;)*) => {$(
        #[tokio::test]
        #[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
        async fn $name() {
            production_under_faults(stringify!($name), $seed, $adopt).await;
        }
    )*};
}

production_under_faults! {
    production_at_10_percent_faults_seed_1_created_buckets: 1, false;
    production_at_10_percent_faults_seed_1_adopted_buckets: 1, true;
    production_at_10_percent_faults_seed_2_created_buckets: 2, false;
    production_at_10_percent_faults_seed_2_adopted_buckets: 2, true;
    production_at_10_percent_faults_seed_3_created_buckets: 3, false;
    production_at_10_percent_faults_seed_3_adopted_buckets: 3, true;
}

async fn production_under_faults(test: &str, seed: u64, adopt: bool) {
    if !acceptance_enabled(test) {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let _production = PRODUCTION.lock().await;
    let root = tempfile::Builder::new()
        .prefix(&format!("flywheel-acc-{test}-"))
        .tempdir()
        .expect("temp dir");
    let started = Instant::now();
    match production_case(test, root.path(), seed, adopt).await {
        Ok(None) => eprintln!("{test}: passed in {:.0?}", started.elapsed()),
        Ok(Some(reason)) => eprintln!("{test}: skipped; {reason}"),
        Err(e) => {
            let kept = root.keep();
            panic!(
                "{test} failed; working files kept in {}\n\n{e:#}",
                kept.display()
            );
        }
    }
}

async fn production_case(
    test: &str,
    root: &Path,
    seed: u64,
    adopt: bool,
) -> Result<Option<String>> {
    let tf = production_terraform(root)?;
    let missing = missing_types(&tf).await?;
    if !missing.is_empty() {
        return Ok(Some(format!("the provider has no {}", missing.join(", "))));
    }
    let aws = production_clients().await;
    start_clean(test, &aws).await?;
    if adopt {
        for bucket in BUCKETS {
            create_bucket(&aws, bucket).await?;
        }
        for (bucket, key, body) in ADOPTED_DATA {
            aws.s3
                .put_object()
                .bucket(bucket)
                .key(key)
                .body(body.as_bytes().to_vec().into())
                .send()
                .await
                .with_context(|| format!("PutObject {bucket}/{key}"))?;
        }
    }
    let work = copy_example(&tf, root).await?;
    std::fs::write(work.dir.join("faults_override.tf"), production_override())?;
    let endpoint = endpoint_var();
    // Command-line variables after the file win: the production default (adopt the
    // existing buckets, never delete them) or the emulator's (create them, force destroy).
    let mut vars = vec!["-var-file=localstack.tfvars", endpoint.as_str()];
    if adopt {
        vars.extend([
            "-var=adopt_existing_buckets=true",
            "-var=force_destroy=false",
        ]);
    }

    let outcome = faulted_lifecycle(test, &work, &vars, &aws, seed).await;
    // Whatever happened, destroy what is left without faults, then report the first error.
    if outcome.is_err() && work.state_file_exists() {
        let mut args = vec!["destroy", "-no-color", "-input=false", "-auto-approve"];
        args.extend_from_slice(&vars);
        let _ = work.run(&args).await;
    }
    outcome?;

    let left = leftovers(&aws).await?;
    let expected: Vec<String> = if adopt {
        BUCKETS.iter().map(|b| format!("bucket {b}")).collect()
    } else {
        vec![]
    };
    ensure!(
        left == expected,
        "after destroy the emulator holds {left:?}, expected {expected:?}"
    );
    if adopt {
        for bucket in BUCKETS {
            let mut objects = Vec::new();
            let listed = aws
                .s3
                .list_objects_v2()
                .bucket(bucket)
                .send()
                .await
                .with_context(|| format!("ListObjectsV2 {bucket}"))?;
            for o in listed.contents() {
                let key = o.key().unwrap_or_default().to_string();
                let body = aws
                    .s3
                    .get_object()
                    .bucket(bucket)
                    .key(&key)
                    .send()
                    .await?
                    .body
                    .collect()
                    .await?
                    .into_bytes();
                objects.push((key, String::from_utf8_lossy(&body).to_string()));
            }
            let mut expected: Vec<(String, String)> = ADOPTED_DATA
                .iter()
                .filter(|(b, _, _)| *b == bucket)
                .map(|(_, k, v)| (k.to_string(), v.to_string()))
                .collect();
            expected.sort();
            ensure!(
                objects == expected,
                "adopted bucket {bucket} holds {objects:?} after destroy, expected its data {expected:?}"
            );
        }
        crate::examples::sweep(&aws).await?;
    }
    Ok(None)
}

/// Apply, plan and destroy with the fault armed; the emulator is read with it off.
async fn faulted_lifecycle(
    test: &str,
    work: &Workdir,
    vars: &[&str],
    aws: &Clients,
    seed: u64,
) -> Result<()> {
    let mut faults = Faults::arm(&[production_fault(seed)])?;
    let fault = faults.id(0);
    let mut args = vec!["apply", "-no-color", "-input=false", "-auto-approve"];
    args.extend_from_slice(vars);
    work.run_ok(&args)
        .await
        .context("the one apply under faults did not converge")?;
    let applied = fired(fault)?;
    // Reads under faults are still true: nothing left to do.
    let (outcome, run) = work.plan(vars).await?;
    ensure!(
        outcome == PlanOutcome::Empty,
        "the plan after the apply under faults is not empty:\n{}",
        run.describe()
    );
    let planned = fired(fault)?;
    faults.disarm()?;
    check_emulator(aws).await?;

    let mut faults = Faults::arm(&[production_fault(seed + 1000)])?;
    let fault = faults.id(0);
    let mut args = vec!["destroy", "-no-color", "-input=false", "-auto-approve"];
    args.extend_from_slice(vars);
    work.run_ok(&args)
        .await
        .context("terraform destroy under faults")?;
    let destroyed = fired(fault)?;
    faults.disarm()?;
    eprintln!(
        "{test}: faults fired (by kind): apply {applied:?}, plan {:?}, destroy {destroyed:?}",
        minus(&planned, &applied)
    );
    // About one call in ten failed: some in each command, for every seed used.
    for (command, fired) in [("apply", &applied), ("destroy", &destroyed)] {
        ensure!(!fired.is_empty(), "no fault fired during the {command}");
    }
    Ok(())
}

/// How many requests the fault failed so far, by kind.
fn fired(fault: u64) -> Result<BTreeMap<String, usize>> {
    let mut by_kind = BTreeMap::new();
    for r in requests_of(fault)? {
        let kind = r["fault_kind"].as_str().unwrap_or("?").to_string();
        *by_kind.entry(kind).or_insert(0) += 1;
    }
    Ok(by_kind)
}

fn minus(a: &BTreeMap<String, usize>, b: &BTreeMap<String, usize>) -> BTreeMap<String, usize> {
    a.iter()
        .map(|(k, v)| (k.clone(), v - b.get(k).copied().unwrap_or(0)))
        .filter(|(_, v)| *v > 0)
        .collect()
}

// ---------------------------------------------------------------------------------------
// Each retry path fires

/// A pipeline whose first create calls of each service fail `count` times with `kind`:
/// each is retried, the retry succeeds (or, after a response lost or held, meets the object
/// its lost attempt made), and the apply converges with one of each object.
async fn pipeline_create_retried(test: &str, kind: &'static str, count: i64) {
    if !acceptance_enabled(test) {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let n = Names::new("fw-fault");
    let cfg = Cfg {
        adopt_data: false,
        ..Default::default()
    };
    let targets = [
        ("glue", "CreateDatabase", n.database.clone()),
        ("s3", "CreateBucket", n.assets.clone()),
        ("iam", "CreateRole", n.role.clone()),
    ];
    let mut specs = Vec::new();
    for (service, operation, name) in &targets {
        specs.push(json!({
            "service": service, "operation": operation, "match": name, "count": count,
            "mix": [kind], "delay_ms": DELAY_MS,
        }));
        specs.push(counter(service, operation, name));
    }
    let faults = Faults::arm(&specs).expect("faults");
    let ids: Vec<(u64, u64)> = (0..targets.len())
        .map(|i| (faults.id(2 * i), faults.id(2 * i + 1)))
        .collect();
    let config = provider_block(&format!(
        "  http_timeout_seconds      = {ATTEMPT_TIMEOUT_S}\n  operation_timeout_seconds = 60"
    )) + &crate::pipeline::config(&n, &cfg);
    let names = n.clone();
    let gone = n.clone();
    TestCase::new()
        .step(Step::config(config).emulator_check(move |ctx| {
            let (ids, targets, n) = (ids.clone(), targets.clone(), names.clone());
            async move {
                for ((service, operation, _), (fault, calls)) in targets.iter().zip(&ids) {
                    let call = format!("{service} {operation}");
                    let failed = requests_of(*fault)?;
                    ensure!(
                        failed.len() == count as usize,
                        "{call}: the fault fired {} times, expected {count}: {failed:?}",
                        failed.len()
                    );
                    for r in &failed {
                        check_failed_as(kind, service, r).with_context(|| call.clone())?;
                    }
                    let last = seq(failed.last().unwrap());
                    let retries: Vec<Json> = requests_of(*calls)?
                        .into_iter()
                        .filter(|r| seq(r) > last)
                        .collect();
                    let first = retries
                        .first()
                        .with_context(|| format!("{call} was not retried after the fault"))?;
                    let ok = match kind {
                        // The lost attempt made the object: the retry meets it, and the
                        // provider takes it as its own (S3 in us-east-1 answers 200).
                        "lost_response" | "delay" => {
                            [200, 400, 409].contains(&first["status"].as_u64().unwrap_or(0))
                        }
                        _ => first["status"] == 200,
                    };
                    ensure!(ok, "{call}: the retry after the fault got {first}");
                }
                ensure!(
                    bucket_exists(&ctx.aws, &n.assets).await?,
                    "bucket {}",
                    n.assets
                );
                ensure!(role_exists(&ctx.aws, &n.role).await?, "role {}", n.role);
                ensure!(
                    database_description(&ctx.aws, &n.database).await?.is_some(),
                    "database {}",
                    n.database
                );
                Ok(())
            }
        }))
        .check_destroy(move |ctx| {
            let n = gone.clone();
            async move { crate::pipeline::check_nothing_left(&ctx.aws, &n, false).await }
        })
        .run()
        .await;
    drop(faults);
}

/// What the client got from a request failed with `kind`, per the emulator's log.
fn check_failed_as(kind: &str, service: &str, r: &Json) -> Result<()> {
    let reached = !r["backend_status"].is_null();
    let ok = match kind {
        "throttle" => r["status"] == if service == "s3" { 503 } else { 400 } && !reached,
        "500" => r["status"] == 500 && !reached,
        "drop" => r["dropped"] == true && !reached,
        "lost_response" => r["dropped"] == true && r["lost_response"] == true && reached,
        // Held past the attempt timeout before the service saw it.
        "delay" => r["fault_kind"] == "delay",
        _ => false,
    };
    ensure!(ok && r["fault_kind"] == kind, "not failed as {kind}: {r}");
    Ok(())
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn throttled_creates_are_retried() {
    // Glue ThrottlingException, IAM Throttling (400); S3 SlowDown (503).
    pipeline_create_retried("throttled_creates_are_retried", "throttle", 2).await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn server_errors_on_creates_are_retried() {
    pipeline_create_retried("server_errors_on_creates_are_retried", "500", 2).await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn creates_dropped_before_the_service_are_retried() {
    pipeline_create_retried("creates_dropped_before_the_service_are_retried", "drop", 1).await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn creates_whose_response_was_lost_are_retried_and_recognised() {
    pipeline_create_retried(
        "creates_whose_response_was_lost_are_retried_and_recognised",
        "lost_response",
        1,
    )
    .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn creates_held_past_the_attempt_timeout_are_retried() {
    pipeline_create_retried(
        "creates_held_past_the_attempt_timeout_are_retried",
        "delay",
        1,
    )
    .await;
}

/// A call that keeps failing ends after exactly `max_retries + 1` attempts, with an error
/// naming the call and the bound; with the fault gone the next apply converges.
async fn max_retries_bounds(
    test: &str,
    kind: &'static str,
    service: &'static str,
    operation: &'static str,
) {
    if !acceptance_enabled(test) {
        return;
    }
    const MAX_RETRIES: usize = 2;
    let dir = tempfile::tempdir().expect("temp dir");
    let f = job_fixture(dir.path(), "etl-acc-bound").await;
    let matching = if service == "s3" {
        f.key()
    } else {
        f.job.clone()
    };
    let faults = std::rc::Rc::new(std::cell::RefCell::new(
        Faults::arm(&[
            json!({
                "service": service, "operation": operation, "match": matching,
                "count": MAX_RETRIES + 2, "mix": [kind],
            }),
            counter(service, operation, &matching),
        ])
        .expect("faults"),
    ));
    let (fault, calls) = (faults.borrow().id(0), faults.borrow().id(1));
    let config = provider_block(&format!("  max_retries = {MAX_RETRIES}")) + &f.config(8, None);
    let held = faults.clone();
    TestCase::new()
        .step(Step::config(config.clone()).expect_error(&format!(
            r#"(?s){operation} failed for "[^"]*{}[^"]*".*gave up after {} attempts.*max_retries = {MAX_RETRIES} reached"#,
            regex::escape(&f.job),
            MAX_RETRIES + 1
        )))
        .step(Step::config(config).pre_apply(move |_| {
            let held = held.clone();
            async move {
                let failed = requests_of(fault)?;
                ensure!(
                    failed.len() == MAX_RETRIES + 1,
                    "{} failed attempts of {operation}, expected {}: {failed:?}",
                    failed.len(),
                    MAX_RETRIES + 1
                );
                let all = requests_of(calls)?;
                ensure!(all.is_empty(), "attempts the fault let through: {all:?}");
                held.borrow_mut().disarm()
            }
        }))
        .check_destroy(crate::aws_calls::nothing_left(&f))
        .run()
        .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn max_retries_bounds_a_throttled_script_upload() {
    max_retries_bounds(
        "max_retries_bounds_a_throttled_script_upload",
        "throttle",
        "s3",
        "PutObject",
    )
    .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn max_retries_bounds_dropped_job_creates() {
    max_retries_bounds(
        "max_retries_bounds_dropped_job_creates",
        "drop",
        "glue",
        "CreateJob",
    )
    .await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_production_fault_covers_every_kind_at_the_rate() {
        let f = production_fault(1);
        assert_eq!(f["rate"], RATE);
        assert_eq!(f["mix"].as_array().unwrap().len(), MIX.len());
        assert!(DELAY_MS > u64::from(ATTEMPT_TIMEOUT_S) * 1000);
        assert!(production_override().contains("http_timeout_seconds      = 1"));
    }
}
