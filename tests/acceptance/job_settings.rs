//! `flywheel_job` run settings: `execution_class` (FLEX), `max_concurrent_runs`,
//! `job_run_queuing_enabled`, `auto_scaling`, `security_configuration`, `connections`,
//! `spark_conf`, `non_overridable_arguments`, `job_mode`, `source_control_details`, and Glue 5.1 without the continuous-logging
//! argument. Settings the provider does not manage, set out of band, show in the plan
//! (`unmanaged_settings`) before the apply removes them. Each is created, read from the emulator, updated in place back to its default
//! (UpdateJob resets what it is not sent, so the defaults are sent too), changed out of
//! band (a plan names it and the apply restores it), and imported.

use anyhow::{anyhow, ensure, Result};
use aws_sdk_glue::types::{
    ExecutionClass, ExecutionProperty, JobMode, JobUpdate, SourceControlAuthStrategy,
    SourceControlDetails, SourceControlProvider,
};

use crate::harness::*;
use crate::job::{create_bucket, get_job, Fixture, ADDR, SCRIPT_V1};

/// A personal access token someone sets outside Terraform: never in state or plans.
const TOKEN: &str = "glpat-never-in-terraform-state";

/// The job with FLEX, three concurrent runs, queuing and auto scaling on Glue 5.1, a
/// security configuration and a connection.
fn tuned(f: &Fixture) -> String {
    f.config(2, None).replace(
        r#"glue_version      = "4.0""#,
        &format!(
            r#"glue_version      = "5.1"
  execution_class   = "FLEX"
  max_concurrent_runs = 3
  job_run_queuing_enabled = true
  auto_scaling      = true
  security_configuration = "{sec}"
  connections       = ["{conn}"]
  spark_conf        = {{
    "spark.sql.shuffle.partitions" = "64"
    "spark.sql.adaptive.enabled"   = "true"
  }}
  non_overridable_arguments = {{ "--env" = "prod" }}
  job_mode          = "NOTEBOOK"
  source_control_details {{
    provider      = "GITLAB"
    repository    = "etl-scripts"
    owner         = "data-platform"
    branch        = "main"
    folder        = "jobs"
    auth_strategy = "AWS_SECRETS_MANAGER"
    auth_token    = "glue/gitlab-token"
  }}"#,
            sec = security_configuration(f),
            conn = connection(f),
        ),
    )
}

fn security_configuration(f: &Fixture) -> String {
    format!("{}-sec", f.job)
}

fn connection(f: &Fixture) -> String {
    format!("{}-conn", f.job)
}

/// The security configuration and connection the job names, made as a user would.
async fn create_glue_dependencies(aws: &Clients, f: &Fixture) -> Result<()> {
    use aws_sdk_glue::types::{
        ConnectionInput, ConnectionType, EncryptionConfiguration, S3Encryption, S3EncryptionMode,
    };
    aws.glue
        .create_security_configuration()
        .name(security_configuration(f))
        .encryption_configuration(
            EncryptionConfiguration::builder()
                .s3_encryption(
                    S3Encryption::builder()
                        .s3_encryption_mode(S3EncryptionMode::Sses3)
                        .build(),
                )
                .build(),
        )
        .send()
        .await?;
    aws.glue
        .create_connection()
        .connection_input(
            ConnectionInput::builder()
                .name(connection(f))
                .connection_type(ConnectionType::Network)
                .set_connection_properties(Some(Default::default()))
                .build()?,
        )
        .send()
        .await?;
    Ok(())
}

/// What GetJob holds, reduced to the settings under test.
#[derive(Debug, PartialEq)]
struct Seen {
    class: Option<String>,
    concurrent: Option<i32>,
    queuing: Option<bool>,
    auto_scaling: Option<String>,
    continuous_log: bool,
    security_configuration: Option<String>,
    connections: Vec<String>,
    version: Option<String>,
    created_on: Option<i64>,
    conf: Option<String>,
    non_overridable: Option<std::collections::HashMap<String, String>>,
    log_uri: Option<String>,
    job_mode: Option<String>,
    source_control: Option<SourceControlDetails>,
}

async fn seen(aws: &Clients, name: &str) -> Result<Seen> {
    let job = get_job(aws, name)
        .await?
        .ok_or_else(|| anyhow!("job {name} not found"))?;
    let args = job.default_arguments().cloned().unwrap_or_default();
    Ok(Seen {
        class: job.execution_class().map(|c| c.as_str().to_string()),
        concurrent: job.execution_property().map(|p| p.max_concurrent_runs()),
        queuing: job.job_run_queuing_enabled(),
        auto_scaling: args.get("--enable-auto-scaling").cloned(),
        continuous_log: args.contains_key("--enable-continuous-cloudwatch-log"),
        security_configuration: job
            .security_configuration()
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        connections: job
            .connections()
            .map(|c| c.connections().to_vec())
            .unwrap_or_default(),
        version: job.glue_version().map(str::to_string),
        created_on: job.created_on().map(|t| t.secs()),
        conf: args.get("--conf").cloned(),
        non_overridable: job.non_overridable_arguments().cloned(),
        log_uri: job.log_uri().map(str::to_string),
        job_mode: job.job_mode().map(|m| m.as_str().to_string()),
        source_control: job.source_control_details().cloned(),
    })
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_run_settings_lifecycle() {
    if !acceptance_enabled("job_run_settings_lifecycle") {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let f = Fixture::new(dir.path(), "etl-acc-runset");
    std::fs::write(&f.script, SCRIPT_V1).expect("writing the script");
    let aws = clients().await;
    create_bucket(&aws, &f.bucket).await.expect("assets bucket");
    create_glue_dependencies(&aws, &f)
        .await
        .expect("security configuration and connection");
    let created = std::rc::Rc::new(std::cell::Cell::new(None::<i64>));

    let (f1, c1) = (f.clone(), created.clone());
    let create = Step::config(tuned(&f))
        .checks([
            check_attr(ADDR, "execution_class", "FLEX"),
            check_attr(ADDR, "max_concurrent_runs", "3"),
            check_attr(ADDR, "job_run_queuing_enabled", "true"),
            check_attr(ADDR, "auto_scaling", "true"),
            check_attr(ADDR, "security_configuration", security_configuration(&f)),
            check_attr(ADDR, "connections.#", "1"),
            check_attr(ADDR, "connections.0", connection(&f)),
            check_attr(ADDR, "arguments_all.--enable-auto-scaling", "true"),
            check_no_attr(ADDR, "arguments_all.--enable-continuous-cloudwatch-log"),
            // 2 G.1X workers (the maximum, with auto scaling) for 10 hours at FLEX's $0.29;
            // unscheduled, a day is 3 concurrent runs of 2 DPUs all day.
            check_attr(ADDR, "max_dpu_hours_per_run", "20"),
            check_attr(ADDR, "max_cost_per_run_usd", "5.8"),
            check_attr(ADDR, "max_dpu_hours_per_day", "144"),
            check_attr(ADDR, "spark_conf.spark.sql.shuffle.partitions", "64"),
            check_attr(
                ADDR,
                "arguments_all.--conf",
                "spark.sql.adaptive.enabled=true --conf spark.sql.shuffle.partitions=64",
            ),
            check_attr(ADDR, "non_overridable_arguments.--env", "prod"),
            check_attr(ADDR, "job_mode", "NOTEBOOK"),
            check_attr(ADDR, "source_control_details.0.provider", "GITLAB"),
            check_attr(ADDR, "source_control_details.0.folder", "jobs"),
            check_attr(
                ADDR,
                "source_control_details.0.auth_token",
                "glue/gitlab-token",
            ),
            check_attr(ADDR, "unmanaged_settings.%", "0"),
        ])
        .emulator_check(move |ctx| {
            let (f, c) = (f1.clone(), c1.clone());
            async move {
                let s = seen(&ctx.aws, &f.job).await?;
                ensure!(s.class.as_deref() == Some("FLEX"), "{s:?}");
                ensure!(s.concurrent == Some(3), "{s:?}");
                ensure!(s.queuing == Some(true), "{s:?}");
                ensure!(s.auto_scaling.as_deref() == Some("true"), "{s:?}");
                ensure!(
                    !s.continuous_log,
                    "Glue 5 job given the deprecated argument: {s:?}"
                );
                ensure!(s.version.as_deref() == Some("5.1"), "{s:?}");
                ensure!(s.job_mode.as_deref() == Some("NOTEBOOK"), "{s:?}");
                let git = s
                    .source_control
                    .as_ref()
                    .ok_or_else(|| anyhow!("no Git: {s:?}"))?;
                ensure!(
                    git.provider() == Some(&SourceControlProvider::Gitlab)
                        && git.repository() == Some("etl-scripts")
                        && git.owner() == Some("data-platform")
                        && git.branch() == Some("main")
                        && git.folder() == Some("jobs")
                        && git.auth_strategy()
                            == Some(&SourceControlAuthStrategy::AwsSecretsManager)
                        && git.auth_token() == Some("glue/gitlab-token"),
                    "{git:?}"
                );
                ensure!(
                    s.security_configuration == Some(security_configuration(&f)),
                    "{s:?}"
                );
                ensure!(s.connections == [connection(&f)], "{s:?}");
                ensure!(
                    s.conf.as_deref()
                        == Some(
                            "spark.sql.adaptive.enabled=true --conf spark.sql.shuffle.partitions=64"
                        ),
                    "{s:?}"
                );
                ensure!(
                    s.non_overridable
                        .as_ref()
                        .and_then(|m| m.get("--env"))
                        .map(String::as_str)
                        == Some("prod"),
                    "{s:?}"
                );
                c.set(s.created_on);
                Ok(())
            }
        });

    // Back to every default: an in-place update that sends them, so nothing stays FLEX.
    let (f2, c2) = (f.clone(), created.clone());
    let back = Step::config(f.config(2, None))
        .expect_resource_action(ADDR, &["update"])
        .expect_plan_text(r#"execution_class\s*=\s*"FLEX"\s*->\s*"STANDARD""#)
        .checks([
            check_attr(ADDR, "execution_class", "STANDARD"),
            check_attr(ADDR, "max_concurrent_runs", "1"),
            check_attr(ADDR, "job_run_queuing_enabled", "false"),
            check_attr(ADDR, "auto_scaling", "false"),
            check_no_attr(ADDR, "security_configuration"),
            check_no_attr(ADDR, "connections"),
            check_no_attr(ADDR, "arguments_all.--enable-auto-scaling"),
            check_no_attr(ADDR, "arguments_all.--conf"),
            check_no_attr(ADDR, "spark_conf"),
            check_no_attr(ADDR, "non_overridable_arguments"),
            check_attr(ADDR, "job_mode", "SCRIPT"),
            check_no_attr(ADDR, "source_control_details.0.provider"),
            check_attr(
                ADDR,
                "arguments_all.--enable-continuous-cloudwatch-log",
                "true",
            ),
        ])
        .emulator_check(move |ctx| {
            let (f, c) = (f2.clone(), c2.clone());
            async move {
                let s = seen(&ctx.aws, &f.job).await?;
                ensure!(s.class.as_deref() == Some("STANDARD"), "{s:?}");
                ensure!(s.concurrent == Some(1), "{s:?}");
                ensure!(s.queuing == Some(false), "{s:?}");
                ensure!(s.auto_scaling.is_none(), "{s:?}");
                ensure!(s.security_configuration.is_none(), "{s:?}");
                ensure!(s.connections.is_empty(), "{s:?}");
                ensure!(s.continuous_log, "{s:?}");
                ensure!(s.conf.is_none(), "{s:?}");
                // Sent always, so Glue holds SCRIPT rather than nothing.
                ensure!(s.job_mode.as_deref() == Some("SCRIPT"), "{s:?}");
                ensure!(s.source_control.is_none(), "Git connection kept: {s:?}");
                ensure!(
                    s.non_overridable.as_ref().is_none_or(|m| m.is_empty()),
                    "{s:?}"
                );
                ensure!(
                    c.get().is_some() && s.created_on == c.get(),
                    "job recreated: {:?} -> {:?}",
                    c.get(),
                    s.created_on
                );
                Ok(())
            }
        });

    // Out of band: someone makes the job FLEX with 5 concurrent runs, a non-overridable
    // argument, the visual job mode, and settings the provider does not manage (a log URI,
    // Git details), keeping the rest of the definition. The plan names each; the apply
    // sends the whole definition back, which restores the mode and removes the unmanaged
    // ones.
    let f3 = f.clone();
    let f4 = f.clone();
    let drift = Step::config(f.config(2, None))
        .pre_apply(move |ctx| {
            let f = f3.clone();
            async move {
                let job = get_job(&ctx.aws, &f.job)
                    .await?
                    .ok_or_else(|| anyhow!("job gone"))?;
                let update = JobUpdate::builder()
                    .set_role(job.role().map(str::to_string))
                    .set_command(job.command().cloned())
                    .set_worker_type(job.worker_type().cloned())
                    .set_number_of_workers(job.number_of_workers())
                    .set_timeout(job.timeout())
                    .max_retries(job.max_retries())
                    .set_glue_version(job.glue_version().map(str::to_string))
                    .set_default_arguments(job.default_arguments().cloned())
                    .execution_class(ExecutionClass::Flex)
                    .execution_property(ExecutionProperty::builder().max_concurrent_runs(5).build())
                    .security_configuration(security_configuration(&f))
                    .non_overridable_arguments("--env", "dev")
                    .log_uri("s3://someone-elses-logs/")
                    .job_mode(JobMode::Visual)
                    .source_control_details(
                        SourceControlDetails::builder()
                            .provider(SourceControlProvider::Github)
                            .auth_strategy(SourceControlAuthStrategy::PersonalAccessToken)
                            .auth_token(TOKEN)
                            .repository("etl-scripts")
                            .branch("main")
                            .build(),
                    )
                    .build();
                ctx.aws
                    .glue
                    .update_job()
                    .job_name(&f.job)
                    .job_update(update)
                    .send()
                    .await?;
                Ok(())
            }
        })
        .expect_resource_action(ADDR, &["update"])
        .expect_plan_text(r"max_concurrent_runs\s*=\s*5\s*->\s*1")
        .expect_plan_text(r#"security_configuration\s*=\s*"[^"]+-sec"\s*->\s*null"#)
        .expect_plan_text(r#"execution_class\s*=\s*"FLEX"\s*->\s*"STANDARD""#)
        .expect_plan_text(r#"(?s)non_overridable_arguments\s*=\s*\{.*"--env"\s*=\s*"dev".*\}\s*->\s*null"#)
        .expect_plan_text(r#"job_mode\s*=\s*"VISUAL"\s*->\s*"SCRIPT""#)
        .expect_plan_text(r#"(?s)unmanaged_settings\s*=\s*\{.*"LogUri"\s*=\s*"s3://someone-elses-logs/".*\}"#)
        .expect_plan_text(r#"(?s)- source_control_details \{.*auth_strategy\s*=\s*"PERSONAL_ACCESS_TOKEN".*provider\s*=\s*"GITHUB".*repository\s*=\s*"etl-scripts""#)
        // The token Glue answers is never read into state, so no plan shows it.
        .plan_check(|p| {
            ensure!(
                !p.text.contains(TOKEN) && !p.json.to_string().contains(TOKEN),
                "the token is in the plan:\n{}",
                p.text
            );
            Ok(())
        })
        .emulator_check(move |ctx| {
            let f = f4.clone();
            async move {
                let s = seen(&ctx.aws, &f.job).await?;
                ensure!(
                    s.class.as_deref() == Some("STANDARD")
                        && s.concurrent == Some(1)
                        && s.security_configuration.is_none()
                        && s.non_overridable.as_ref().is_none_or(|m| m.is_empty())
                        && s.log_uri.is_none()
                        && s.job_mode.as_deref() == Some("SCRIPT")
                        && s.source_control.is_none(),
                    "not restored: {s:?}"
                );
                Ok(())
            }
        });

    // Import reads every setting back: only the local script and the pipeline differ.
    let import =
        Step::import_state_verify(ImportStateVerify::new(ADDR).id(f.job.clone()).ignore([
            "pipeline",
            "script",
            "script_sha256",
            "managed_objects",
            "script_bucket",
        ]));

    TestCase::new()
        .step(create)
        .step(back)
        .step(drift)
        .step(Step::config(tuned(&f)).expect_resource_action(ADDR, &["update"]))
        .step(import)
        .run()
        .await;
}

/// Literal mistakes in the run settings fail at validate, naming the attribute.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_run_settings_validate_offline() {
    if !acceptance_enabled("job_run_settings_validate_offline") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let f = Fixture::new(dir.path(), "etl-acc-runbad");
    std::fs::write(&f.script, SCRIPT_V1).expect("writing the script");
    let cases = [
        (
            r#"glue_version      = "4.0"
  worker_type       = "G.4X"
  execution_class   = "FLEX""#,
            r"(?s)execution_class.*G\.1X or G\.2X",
        ),
        (
            r#"glue_version      = "2.0"
  auto_scaling      = true"#,
            r"(?s)auto_scaling.*Glue 3\.0 or later",
        ),
        (
            r#"glue_version      = "4.0"
  max_concurrent_runs = 0"#,
            r"(?s)max_concurrent_runs.*at least 1",
        ),
        (
            r#"glue_version      = "4.0"
  connections       = ["vpc", "vpc"]"#,
            r"(?s)connections\[1\].*more than once",
        ),
        (
            r#"glue_version      = "4.0"
  spark_conf        = { "sql.shuffle.partitions" = "8" }"#,
            r#"(?s)spark_conf\["sql.shuffle.partitions"\].*start with \\?"spark\.\\?""#,
        ),
    ];
    let mut case = TestCase::new();
    for (replacement, error) in cases {
        let hcl = f
            .config(2, None)
            .replace(r#"glue_version      = "4.0""#, replacement);
        case = case.step(Step::config(hcl).validate_only().expect_error(error));
    }
    case.run().await;
}

/// The schedule's trigger state in the emulator (`ACTIVATED`, `DEACTIVATED`, ...).
async fn trigger_state(aws: &Clients, f: &Fixture) -> Result<Option<String>> {
    let t = crate::job::trigger_exists(aws, &format!("{}-schedule", f.job)).await?;
    Ok(t.and_then(|t| t.state().map(|s| s.as_str().to_string())))
}

/// `schedule_enabled = false` pauses the schedule (the trigger stays, deactivated), `true`
/// resumes it, and a trigger stopped out of band is a diff the apply starts again.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_schedule_pause_and_resume() {
    if !acceptance_enabled("job_schedule_pause_and_resume") {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let f = Fixture::new(dir.path(), "etl-acc-pause");
    std::fs::write(&f.script, SCRIPT_V1).expect("writing the script");
    let aws = clients().await;
    create_bucket(&aws, &f.bucket).await.expect("assets bucket");
    let schedule = Some("cron(0 3 * * ? *)");
    let running = f.config(2, schedule);
    let paused = running.replace(
        "  schedule          =",
        "  schedule_enabled  = false\n  schedule          =",
    );
    let state_is = |want: &'static str| {
        let f = f.clone();
        move |ctx: Ctx| {
            let f = f.clone();
            async move {
                let s = trigger_state(&ctx.aws, &f).await?;
                ensure!(
                    s.as_deref() == Some(want),
                    "trigger is {s:?}, expected {want}"
                );
                Ok(())
            }
        }
    };
    let f1 = f.clone();
    TestCase::new()
        .step(
            Step::config(running.clone())
                .check(check_attr(ADDR, "schedule_enabled", "true"))
                .emulator_check(state_is("ACTIVATED")),
        )
        .step(
            Step::config(paused)
                .expect_resource_action(ADDR, &["update"])
                .expect_plan_text(r"schedule_enabled\s*=\s*true\s*->\s*false")
                .check(check_attr(ADDR, "schedule", "cron(0 3 * * ? *)"))
                .check(check_attr(ADDR, "schedule_enabled", "false"))
                .emulator_check(state_is("DEACTIVATED")),
        )
        .step(
            Step::config(running.clone())
                .expect_resource_action(ADDR, &["update"])
                .emulator_check(state_is("ACTIVATED")),
        )
        .step(
            Step::config(running)
                .pre_apply(move |ctx| {
                    let f = f1.clone();
                    async move {
                        ctx.aws
                            .glue
                            .stop_trigger()
                            .name(format!("{}-schedule", f.job))
                            .send()
                            .await?;
                        Ok(())
                    }
                })
                .expect_resource_action(ADDR, &["update"])
                .expect_plan_text(r"schedule_enabled\s*=\s*false\s*->\s*true")
                .emulator_check(state_is("ACTIVATED")),
        )
        .run()
        .await;
}
