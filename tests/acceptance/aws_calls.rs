//! How the provider calls AWS: a stalled answer is a retried attempt and never a hung
//! apply, a PassRole denial fails at once, a role Glue cannot assume is waited for up to
//! a cap and then blamed on its trust policy, IAM's "try again" codes are retried, and no
//! diagnostic shows a password written into an endpoint URL. Faults come from the
//! emulator's control API; each test reads the emulator's request log to see what the
//! provider actually sent.

use std::time::{Duration, Instant};

use anyhow::{anyhow, ensure, Context as _, Result};
use serde_json::Value as Json;

use crate::harness::emulator::BoxFuture;
use crate::harness::*;
use crate::job::{check_nothing_left, create_bucket, get_job, Fixture, ADDR, ROLE, SCRIPT_V1};
use crate::pipeline::control;

/// Faults armed by one test, removed when dropped so a failing test leaves none behind.
pub(crate) struct Faults(pub(crate) Vec<u64>);

impl Faults {
    /// Arms `specs` in order (the first that matches a request applies); their ids, in order.
    pub(crate) fn arm(specs: &[Json]) -> Result<Faults> {
        let added: Json = serde_json::from_str(&control(
            "POST",
            "/_flywheel/faults",
            &Json::Array(specs.to_vec()).to_string(),
        )?)?;
        let ids: Vec<u64> = added["faults"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["id"].as_u64())
            .collect();
        ensure!(ids.len() == specs.len(), "faults not armed: {added}");
        Ok(Faults(ids))
    }

    pub(crate) fn id(&self, i: usize) -> u64 {
        self.0[i]
    }

    pub(crate) fn disarm(&mut self) -> Result<()> {
        for id in std::mem::take(&mut self.0) {
            control("DELETE", &format!("/_flywheel/faults/{id}"), "")?;
        }
        Ok(())
    }
}

impl Drop for Faults {
    fn drop(&mut self) {
        let _ = self.disarm();
    }
}

/// The logged requests a fault applied to (counters included), oldest first.
pub(crate) fn requests_of(fault: u64) -> Result<Vec<Json>> {
    let log: Json = serde_json::from_str(&control("GET", "/_flywheel/requests", "")?)?;
    Ok(log["requests"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["fault"].as_u64() == Some(fault))
        .cloned()
        .collect())
}

pub(crate) fn seq(r: &Json) -> u64 {
    r["seq"].as_u64().unwrap_or(0)
}

/// A fault that only counts the requests it matches (status 0: no failure, no delay).
pub(crate) fn counter(service: &str, operation: &str, matching: &str) -> Json {
    serde_json::json!({
        "service": service, "operation": operation, "status": 0, "count": -1,
        "match": matching,
    })
}

/// The Glue error a role the service cannot assume gets.
const UNABLE_TO_ASSUME: &str =
    "Service is unable to assume provided role. Please verify role's TrustPolicy";

pub(crate) fn provider_block(settings: &str) -> String {
    format!("provider \"flywheel\" {{\n{settings}\n}}\n")
}

/// A job fixture with its assets bucket made through the SDK.
pub(crate) async fn job_fixture(dir: &std::path::Path, prefix: &str) -> Fixture {
    emulator_settings().check_reachable().expect("emulator");
    let f = Fixture::new(dir, prefix);
    std::fs::write(&f.script, SCRIPT_V1).expect("script");
    create_bucket(&clients().await, &f.bucket)
        .await
        .expect("bucket");
    f
}

pub(crate) fn nothing_left(f: &Fixture) -> impl Fn(Ctx) -> BoxFuture<Result<()>> {
    let f = f.clone();
    move |ctx| {
        let f = f.clone();
        Box::pin(async move { check_nothing_left(&ctx.aws, &f).await })
    }
}

/// An answer stalled past `http_timeout_seconds` is a retried attempt: a job read
/// (BatchGetJobs: reads are batched, see `aws::coalesce`) is asked again, and a CreateJob
/// that took effect but whose answer never came is retried, meets "already exists", and
/// is recognised as this apply's own. One job, converged.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_create_converges_when_attempts_time_out() {
    if !acceptance_enabled("job_create_converges_when_attempts_time_out") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let f = job_fixture(dir.path(), "etl-acc-stall").await;
    let faults = Faults::arm(&[
        serde_json::json!({
            "service": "glue", "operation": "BatchGetJobs", "status": 0, "delay_ms": 5000,
            "count": 1, "match": f.job,
        }),
        counter("glue", "BatchGetJobs", &f.job),
        // Moto creates the job, then the answer is held past the attempt timeout.
        serde_json::json!({
            "service": "glue", "operation": "CreateJob", "status": 500,
            "lost_response": true, "delay_ms": 5000, "count": 1, "match": f.job,
        }),
        counter("glue", "CreateJob", &f.job),
    ])
    .expect("faults");
    let ids = [faults.id(0), faults.id(1), faults.id(2), faults.id(3)];
    let config =
        provider_block("  http_timeout_seconds      = 2\n  operation_timeout_seconds = 60")
            + &f.config(8, None);
    let job = f.job.clone();
    TestCase::new()
        .step(
            Step::config(config)
                .check(check_attr(ADDR, "number_of_workers", "8"))
                .emulator_check(move |ctx| {
                    let job = job.clone();
                    async move {
                        let [stalled_get, gets, stalled_create, creates] = ids;
                        let stalled = requests_of(stalled_get)?;
                        ensure!(stalled.len() == 1, "stalled BatchGetJobs: {stalled:?}");
                        ensure!(
                            requests_of(gets)?.iter().any(|r| seq(r) > seq(&stalled[0])),
                            "BatchGetJobs was not asked again after the stalled one"
                        );
                        let lost = requests_of(stalled_create)?;
                        ensure!(
                            lost.len() == 1 && lost[0]["lost_response"] == true,
                            "stalled CreateJob: {lost:?}"
                        );
                        let retried: Vec<Json> = requests_of(creates)?
                            .into_iter()
                            .filter(|r| seq(r) > seq(&lost[0]))
                            .collect();
                        ensure!(
                            retried.len() == 1 && retried[0]["status"] == 400,
                            "CreateJob after the stalled one (expected one, answered AlreadyExists): {retried:?}"
                        );
                        let found = get_job(&ctx.aws, &job).await?.context("job")?;
                        ensure!(found.number_of_workers == Some(8), "{found:?}");
                        Ok(())
                    }
                }),
        )
        .check_destroy(nothing_left(&f))
        .run()
        .await;
    drop(faults);
}

/// Every attempt stalls: the apply fails within `operation_timeout_seconds`, naming the
/// call and the settings, instead of hanging; with the endpoint answering again the next
/// apply converges.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn stalled_endpoint_fails_within_the_operation_timeout() {
    if !acceptance_enabled("stalled_endpoint_fails_within_the_operation_timeout") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let f = job_fixture(dir.path(), "etl-acc-hang").await;
    let faults = std::rc::Rc::new(std::cell::RefCell::new(
        Faults::arm(&[serde_json::json!({
            "service": "glue", "operation": "BatchGetJobs", "status": 0, "delay_ms": 20000,
            "count": -1, "match": f.job,
        })])
        .expect("faults"),
    ));
    let stalled = faults.borrow().id(0);
    let config = provider_block("  http_timeout_seconds      = 1\n  operation_timeout_seconds = 6")
        + &f.config(8, None);
    let started = Instant::now();
    let held = faults.clone();
    TestCase::new()
        .step(Step::config(config.clone()).expect_error(&format!(
            // The last attempt ends at the attempt timeout or, on a loaded machine, at the
            // operation's: either way the call names the bound that ended it and the advice
            // names both settings.
            r#"(?s)Glue BatchGetJobs failed for "{}".*operation_timeout_seconds = 6 reached.*http_timeout_seconds"#,
            f.job
        )))
        .step(Step::config(config).pre_apply(move |_| {
            let held = held.clone();
            async move {
                let log = requests_of(stalled)?;
                ensure!(log.len() >= 3, "BatchGetJobs was not retried: {log:?}");
                let span = log.last().unwrap()["time"].as_f64().unwrap_or(0.0)
                    - log[0]["time"].as_f64().unwrap_or(0.0);
                ensure!(span < 6.0, "attempts went on for {span:.1} s: {log:?}");
                held.borrow_mut().disarm()
            }
        }))
        .check_destroy(nothing_left(&f))
        .run()
        .await;
    // Two applies and a destroy; one stalled attempt alone would have held 20 s.
    assert!(
        started.elapsed() < Duration::from_secs(300),
        "{:?}",
        started.elapsed()
    );
}

/// The principal may not pass the role to Glue: CreateJob fails at once (one request),
/// and the error names the job and what to grant.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pass_role_denial_fails_at_once() {
    if !acceptance_enabled("pass_role_denial_fails_at_once") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let f = job_fixture(dir.path(), "etl-acc-passrole").await;
    let message = format!(
        "User: arn:aws:sts::123456789012:assumed-role/deployer/tf is not authorized to perform: iam:PassRole on resource: {ROLE}"
    );
    let faults = std::rc::Rc::new(std::cell::RefCell::new(
        Faults::arm(&[serde_json::json!({
            "service": "glue", "operation": "CreateJob", "status": 400,
            "code": "AccessDeniedException", "message": message, "count": -1, "match": f.job,
        })])
        .expect("faults"),
    ));
    let denied = faults.borrow().id(0);
    let held = faults.clone();
    TestCase::new()
        .step(Step::config(f.config(8, None)).expect_error(&format!(
            r#"(?s)CreateJob failed for "{}".*may not pass the IAM role "{}".*`iam:PassRole`.*iam:PassedToService = glue\.amazonaws\.com"#,
            f.job,
            regex::escape(ROLE)
        )))
        .step(Step::config(f.config(8, None)).pre_apply(move |_| {
            let held = held.clone();
            async move {
                let log = requests_of(denied)?;
                ensure!(log.len() == 1, "CreateJob was retried: {log:?}");
                held.borrow_mut().disarm()
            }
        }))
        .check_destroy(nothing_left(&f))
        .run()
        .await;
}

/// Glue cannot assume the role yet: CreateJob is retried until it can.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn unable_to_assume_is_retried_until_it_succeeds() {
    if !acceptance_enabled("unable_to_assume_is_retried_until_it_succeeds") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let f = job_fixture(dir.path(), "etl-acc-assume").await;
    let faults = Faults::arm(&[
        serde_json::json!({
            "service": "glue", "operation": "CreateJob", "status": 400,
            "code": "InvalidInputException", "message": UNABLE_TO_ASSUME, "count": 3,
            "match": f.job,
        }),
        counter("glue", "CreateJob", &f.job),
    ])
    .expect("faults");
    let (refused, creates) = (faults.id(0), faults.id(1));
    TestCase::new()
        .step(
            Step::config(f.config(8, None))
                .check(check_attr(ADDR, "number_of_workers", "8"))
                .emulator_check(move |_| async move {
                    let refused = requests_of(refused)?;
                    ensure!(
                        refused.len() == 3,
                        "the fault fired {} times",
                        refused.len()
                    );
                    let after: Vec<Json> = requests_of(creates)?;
                    ensure!(
                        after.len() == 1
                            && after[0]["status"] == 200
                            && seq(&after[0]) > seq(&refused[2]),
                        "CreateJob after the refusals: {after:?}"
                    );
                    Ok(())
                }),
        )
        .check_destroy(nothing_left(&f))
        .run()
        .await;
    drop(faults);
}

/// Glue never can assume the role: the wait ends at the cap (here the operation timeout)
/// with an error that names the trust policy.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn unable_to_assume_forever_names_the_trust_policy() {
    if !acceptance_enabled("unable_to_assume_forever_names_the_trust_policy") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let f = job_fixture(dir.path(), "etl-acc-trust").await;
    let faults = std::rc::Rc::new(std::cell::RefCell::new(
        Faults::arm(&[serde_json::json!({
            "service": "glue", "operation": "CreateJob", "status": 400,
            "code": "InvalidInputException", "message": UNABLE_TO_ASSUME, "count": -1,
            "match": f.job,
        })])
        .expect("faults"),
    ));
    let refused = faults.borrow().id(0);
    let held = faults.clone();
    let config = provider_block("  operation_timeout_seconds = 8") + &f.config(8, None);
    TestCase::new()
        .step(Step::config(config.clone()).expect_error(&format!(
            r#"(?s)CreateJob failed for "{}".*waited for IAM propagation for at most 8 s.*trust policy.*glue\.amazonaws\.com.*sts:AssumeRole"#,
            f.job
        )))
        .step(Step::config(config).pre_apply(move |_| {
            let held = held.clone();
            async move {
                let log = requests_of(refused)?;
                ensure!(log.len() >= 3, "CreateJob was not retried: {log:?}");
                let span = log.last().unwrap()["time"].as_f64().unwrap_or(0.0)
                    - log[0]["time"].as_f64().unwrap_or(0.0);
                ensure!(span <= 8.5, "retried for {span:.1} s, past the cap");
                held.borrow_mut().disarm()
            }
        }))
        .check_destroy(nothing_left(&f))
        .run()
        .await;
}

/// IAM's ConcurrentModification and EntityTemporarilyUnmodifiable on PutRolePolicy are
/// retried, and the pipeline's role gets its policy.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn iam_concurrent_modification_is_retried() {
    if !acceptance_enabled("iam_concurrent_modification_is_retried") {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let n = crate::pipeline::Names::new("fw-cm");
    let cfg = crate::pipeline::Cfg {
        adopt_data: false,
        ..Default::default()
    };
    let faults = Faults::arm(&[
        serde_json::json!({
            "service": "iam", "operation": "PutRolePolicy", "status": 409,
            "code": "ConcurrentModification",
            "message": "Rate exceeded for the role's policy changes.", "count": 1,
            "match": n.role,
        }),
        serde_json::json!({
            "service": "iam", "operation": "PutRolePolicy", "status": 409,
            "code": "EntityTemporarilyUnmodifiable",
            "message": "Cannot perform the operation on the protected role.", "count": 1,
            "match": n.role,
        }),
        counter("iam", "PutRolePolicy", &n.role),
    ])
    .expect("faults");
    let ids = [faults.id(0), faults.id(1), faults.id(2)];
    let role = n.role.clone();
    let gone = n.role.clone();
    TestCase::new()
        .step(
            Step::config(crate::pipeline::config(&n, &cfg)).emulator_check(move |ctx| {
                let role = role.clone();
                async move {
                    let first = requests_of(ids[0])?;
                    let second = requests_of(ids[1])?;
                    ensure!(
                        first.len() == 1 && second.len() == 1,
                        "{first:?} {second:?}"
                    );
                    let ok = requests_of(ids[2])?;
                    ensure!(
                        ok.iter()
                            .any(|r| r["status"] == 200 && seq(r) > seq(&second[0])),
                        "PutRolePolicy was not retried to success: {ok:?}"
                    );
                    let names = ctx
                        .aws
                        .iam
                        .list_role_policies()
                        .role_name(&role)
                        .send()
                        .await?;
                    ensure!(!names.policy_names().is_empty(), "no inline policy");
                    Ok(())
                }
            }),
        )
        .check_destroy(move |ctx| {
            let role = gone.clone();
            async move {
                let got = ctx.aws.iam.get_role().role_name(&role).send().await;
                ensure!(got.is_err(), "role {role} still exists");
                Ok(())
            }
        })
        .run()
        .await;
    drop(faults);
}

/// A password in an endpoint URL, in the provider block or in AWS_ENDPOINT_URL, is refused
/// and never shown: the diagnostics and the provider's log show `***` instead.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn endpoint_passwords_are_never_shown() {
    if !acceptance_enabled("endpoint_passwords_are_never_shown") {
        return;
    }
    let settings = emulator_settings();
    settings.check_reachable().expect("emulator");
    let root = tempfile::Builder::new()
        .prefix("flywheel-acc-endpoint_passwords-")
        .tempdir()
        .expect("temp dir");
    if let Err(e) = passwords_case(root.path(), &settings.endpoint).await {
        let kept = root.keep();
        panic!(
            "endpoint_passwords_are_never_shown failed; working files kept in {}\n\n{e:#}",
            kept.display()
        );
    }
}

async fn passwords_case(root: &std::path::Path, endpoint: &str) -> Result<()> {
    const SECRET: &str = "hunter2-9f3a";
    let with_password = endpoint.replacen("://", &format!("://admin:{SECRET}@"), 1);
    let redacted = endpoint.replacen("://", "://***@", 1);
    let tf = Terraform::new(root)?;
    let work = tf.workdir("work")?;
    // From a variable, so that Terraform's own quote of the configuration line does not
    // show it either (a sensitive value is never printed by Terraform).
    work.write_config(
        r#"
variable "glue_endpoint" {
  type      = string
  sensitive = true
}

provider "flywheel" {
  endpoints {
    glue = var.glue_endpoint
  }
}

data "flywheel_caller_identity" "current" {}
"#,
    )?;
    work.run_ok(&["init", "-no-color", "-input=false"]).await?;
    let var = format!("TF_VAR_glue_endpoint={with_password}");
    let (name, value) = var.split_once('=').ok_or_else(|| anyhow!("var"))?;
    let run = work
        .run_with_env(
            &["plan", "-no-color", "-input=false"],
            &[(name, value), ("TF_LOG", "DEBUG")],
        )
        .await?;
    ensure!(!run.success(), "a password in endpoints.glue was accepted");
    let shown = format!(
        "{}\n{}\n{}",
        run.stdout,
        run.stderr,
        run.log().unwrap_or_default()
    );
    ensure!(!shown.contains(SECRET), "the password was shown:\n{shown}");
    ensure!(
        flat(&run.output()).contains(&format!(
            "{redacted:?} must not contain a user name or password"
        )),
        "the diagnostic does not show the redacted endpoint:\n{}",
        run.describe()
    );

    work.write_config("data \"flywheel_caller_identity\" \"current\" {}\n")?;
    let run = work
        .run_with_env(
            &["plan", "-no-color", "-input=false"],
            &[("AWS_ENDPOINT_URL", &with_password), ("TF_LOG", "DEBUG")],
        )
        .await?;
    ensure!(
        !run.success(),
        "a password in AWS_ENDPOINT_URL was accepted"
    );
    let shown = format!(
        "{}\n{}\n{}",
        run.stdout,
        run.stderr,
        run.log().unwrap_or_default()
    );
    ensure!(!shown.contains(SECRET), "the password was shown:\n{shown}");
    ensure!(
        flat(&run.output()).contains(&format!("AWS_ENDPOINT_URL = {redacted:?} must not")),
        "the diagnostic does not name AWS_ENDPOINT_URL with the redacted value:\n{}",
        run.describe()
    );
    Ok(())
}

/// Terraform boxes and wraps diagnostics: compare with runs of whitespace as one space.
fn flat(text: &str) -> String {
    crate::harness::case::unwrap_diagnostics(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
