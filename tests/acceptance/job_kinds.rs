//! `flywheel_job` kinds: a Python shell job (`command = "pythonshell"`) sized by
//! `max_capacity`, without Spark's defaults, created, read from the emulator, updated in
//! place, drifted out of band, imported and switched to Spark in place; and offline
//! validation of what each kind refuses (streaming and Ray jobs, Spark settings on a Python
//! shell job, Python shell settings on a Spark job).

use anyhow::{anyhow, ensure, Result};
use aws_sdk_glue::types::JobUpdate;

use crate::harness::*;
use crate::job::{create_bucket, get_job, Fixture, ADDR, SCRIPT_V1};

/// The fixture's job as a Python shell job: `extra` replaces its worker count and version.
fn shell(f: &Fixture, extra: &str) -> String {
    f.config(2, None).replace(
        "number_of_workers = 2\n  glue_version      = \"4.0\"",
        &format!("command           = \"pythonshell\"\n{extra}"),
    )
}

/// What the emulator holds of the job's kind and size.
#[derive(Debug)]
struct Seen {
    command: Option<String>,
    python_version: Option<String>,
    max_capacity: Option<f64>,
    worker_type: Option<String>,
    workers: Option<i32>,
    glue_version: Option<String>,
    argument_keys: Vec<String>,
    created_on: Option<i64>,
}

async fn seen(aws: &Clients, name: &str) -> Result<Seen> {
    let job = get_job(aws, name)
        .await?
        .ok_or_else(|| anyhow!("job {name} not found"))?;
    let mut argument_keys: Vec<String> = job
        .default_arguments()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    argument_keys.sort();
    Ok(Seen {
        command: job.command().and_then(|c| c.name()).map(str::to_string),
        python_version: job
            .command()
            .and_then(|c| c.python_version())
            .map(str::to_string),
        max_capacity: job.max_capacity(),
        worker_type: job.worker_type().map(|w| w.as_str().to_string()),
        workers: job.number_of_workers(),
        glue_version: job.glue_version().map(str::to_string),
        argument_keys,
        created_on: job.created_on().map(|t| t.secs()),
    })
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_python_shell_lifecycle() {
    if !acceptance_enabled("job_python_shell_lifecycle") {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let f = Fixture::new(dir.path(), "etl-acc-shell");
    std::fs::write(&f.script, SCRIPT_V1).expect("writing the script");
    let aws = clients().await;
    create_bucket(&aws, &f.bucket).await.expect("assets bucket");
    let created = std::rc::Rc::new(std::cell::Cell::new(None::<i64>));

    // Every Python shell default: 3.9 on Glue 3.0, 0.0625 DPU, --TempDir and nothing of
    // Spark's.
    let (f1, c1) = (f.clone(), created.clone());
    let create = Step::config(shell(&f, ""))
        .checks([
            check_attr(ADDR, "command", "pythonshell"),
            check_attr(ADDR, "python_version", "3.9"),
            check_attr(ADDR, "glue_version", "3.0"),
            check_attr(ADDR, "max_capacity", "0.0625"),
            check_no_attr(ADDR, "worker_type"),
            check_no_attr(ADDR, "number_of_workers"),
            check_no_attr(ADDR, "spark_event_logs_path"),
            check_attr(ADDR, "arguments_all.%", "2"),
            check_attr(
                ADDR,
                "arguments_all.--TempDir",
                format!("s3://{}/temporary/", f.bucket),
            ),
            check_no_attr(ADDR, "arguments_all.--enable-spark-ui"),
            check_no_attr(ADDR, "arguments_all.--job-bookmark-option"),
            // 0.0625 DPU for 600 minutes.
            check_attr(ADDR, "max_dpu_hours_per_run", "0.625"),
            check_attr(ADDR, "unmanaged_settings.%", "0"),
        ])
        .emulator_check(move |ctx| {
            let (f, c) = (f1.clone(), c1.clone());
            async move {
                let s = seen(&ctx.aws, &f.job).await?;
                ensure!(s.command.as_deref() == Some("pythonshell"), "{s:?}");
                ensure!(s.python_version.as_deref() == Some("3.9"), "{s:?}");
                ensure!(s.glue_version.as_deref() == Some("3.0"), "{s:?}");
                ensure!(s.max_capacity == Some(0.0625), "{s:?}");
                ensure!(s.worker_type.is_none() && s.workers.is_none(), "{s:?}");
                ensure!(s.argument_keys == ["--TempDir", "--input_path"], "{s:?}");
                c.set(s.created_on);
                Ok(())
            }
        });

    // 1 DPU: an in-place update, priced as 1 DPU for 10 hours at $0.44.
    let (f2, c2) = (f.clone(), created.clone());
    let one_dpu = shell(&f, "  max_capacity      = 1\n");
    let bigger = Step::config(one_dpu.clone())
        .expect_resource_action(ADDR, &["update"])
        .expect_plan_text(r"max_capacity\s*=\s*0\.0625\s*->\s*1")
        .checks([
            check_attr(ADDR, "max_capacity", "1"),
            check_attr(ADDR, "max_dpu_hours_per_run", "10"),
            check_attr(ADDR, "max_cost_per_run_usd", "4.4"),
        ])
        .emulator_check(move |ctx| {
            let (f, c) = (f2.clone(), c2.clone());
            async move {
                let s = seen(&ctx.aws, &f.job).await?;
                ensure!(s.max_capacity == Some(1.0), "{s:?}");
                ensure!(s.command.as_deref() == Some("pythonshell"), "{s:?}");
                ensure!(
                    c.get().is_some() && s.created_on == c.get(),
                    "job recreated: {:?} -> {:?}",
                    c.get(),
                    s.created_on
                );
                Ok(())
            }
        });

    // Out of band: someone shrinks it back to 0.0625 DPU. The plan names it; the apply
    // restores 1 DPU.
    let (f3, f4) = (f.clone(), f.clone());
    let drift = Step::config(one_dpu.clone())
        .pre_apply(move |ctx| {
            let f = f3.clone();
            async move {
                let job = get_job(&ctx.aws, &f.job)
                    .await?
                    .ok_or_else(|| anyhow!("job gone"))?;
                let update = JobUpdate::builder()
                    .set_role(job.role().map(str::to_string))
                    .set_command(job.command().cloned())
                    .max_capacity(0.0625)
                    .set_timeout(job.timeout())
                    .max_retries(job.max_retries())
                    .set_glue_version(job.glue_version().map(str::to_string))
                    .set_default_arguments(job.default_arguments().cloned())
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
        .expect_plan_text(r"max_capacity\s*=\s*0\.0625\s*->\s*1")
        .emulator_check(move |ctx| {
            let f = f4.clone();
            async move {
                let s = seen(&ctx.aws, &f.job).await?;
                ensure!(s.max_capacity == Some(1.0), "not restored: {s:?}");
                Ok(())
            }
        });

    // Import reads the kind and size back: only the local script and the pipeline differ.
    let import =
        Step::import_state_verify(ImportStateVerify::new(ADDR).id(f.job.clone()).ignore([
            "pipeline",
            "script",
            "script_sha256",
            "managed_objects",
            "script_bucket",
        ]));

    // To Spark in place (UpdateJob takes another command): workers, Spark's defaults, no
    // MaxCapacity sent.
    let (f5, c5) = (f.clone(), created.clone());
    let to_spark = Step::config(f.config(2, None))
        .expect_resource_action(ADDR, &["update"])
        .expect_plan_text(r#"command\s*=\s*"pythonshell"\s*->\s*"glueetl""#)
        .checks([
            check_attr(ADDR, "command", "glueetl"),
            check_no_attr(ADDR, "python_version"),
            check_no_attr(ADDR, "max_capacity"),
            check_attr(ADDR, "number_of_workers", "2"),
            check_attr(ADDR, "arguments_all.--enable-spark-ui", "true"),
        ])
        .emulator_check(move |ctx| {
            let (f, c) = (f5.clone(), c5.clone());
            async move {
                let s = seen(&ctx.aws, &f.job).await?;
                ensure!(s.command.as_deref() == Some("glueetl"), "{s:?}");
                ensure!(s.python_version.as_deref() == Some("3"), "{s:?}");
                ensure!(
                    s.worker_type.as_deref() == Some("G.1X") && s.workers == Some(2),
                    "{s:?}"
                );
                ensure!(s.glue_version.as_deref() == Some("4.0"), "{s:?}");
                ensure!(
                    s.argument_keys.iter().any(|k| k == "--job-bookmark-option"),
                    "{s:?}"
                );
                ensure!(s.created_on == c.get(), "job recreated: {s:?}");
                Ok(())
            }
        });

    TestCase::new()
        .step(create)
        .step(bigger)
        .step(drift)
        .step(import)
        .step(to_spark)
        .run()
        .await;
}

/// What each kind of job refuses fails at validate, naming the attribute.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn job_kinds_validate_offline() {
    if !acceptance_enabled("job_kinds_validate_offline") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let f = Fixture::new(dir.path(), "etl-acc-kindbad");
    std::fs::write(&f.script, SCRIPT_V1).expect("writing the script");
    let spark = |extra: &str| {
        f.config(2, None).replace(
            "tags              =",
            &format!("{extra}\n  tags              ="),
        )
    };
    let cases = [
        (
            spark(r#"command = "gluestreaming""#),
            r"(?s)command.*streaming jobs \(gluestreaming\) are not managed",
        ),
        (
            spark(r#"command = "glueray""#),
            r"(?s)command.*Ray jobs \(glueray\) are not managed",
        ),
        (
            spark("max_capacity = 1"),
            r"(?s)max_capacity.*for Python shell jobs",
        ),
        (
            shell(&f, "  worker_type = \"G.1X\"\n"),
            r"(?s)worker_type.*sized by max_capacity",
        ),
        (
            shell(&f, "  max_capacity = 0.5\n"),
            r"(?s)max_capacity.*0\.0625 or 1 DPU",
        ),
        (
            shell(&f, "  glue_version = \"4.0\"\n"),
            r#"(?s)glue_version.*runs on Glue 3\.0"#,
        ),
        (
            shell(&f, "  auto_scaling = true\n"),
            r"(?s)auto_scaling.*no workers to scale",
        ),
    ];
    let mut case = TestCase::new();
    for (hcl, error) in cases {
        case = case.step(Step::config(hcl).validate_only().expect_error(error));
    }
    case.run().await;
}
