//! The harness tested against the real Terraform CLI with Terraform's built-in
//! `terraform_data` resource, so it is known to pass good cases and catch bad ones before
//! any provider test depends on it.

use std::cell::Cell;
use std::rc::Rc;

use crate::harness::*;

/// An explicit empty `required_providers`: these configs need no provider of ours.
fn data_config(body: &str) -> String {
    format!("terraform {{\n  required_providers {{}}\n}}\n\n{body}\n")
}

fn input(value: &str) -> String {
    data_config(&format!(
        "resource \"terraform_data\" \"x\" {{\n  input = {{ a = \"{value}\", l = [1, 2] }}\n}}\n\n\
         output \"a\" {{\n  value = try(terraform_data.x.output.a, null)\n}}"
    ))
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn harness_runs_every_step_kind() {
    if !acceptance_enabled("harness_runs_every_step_kind") {
        return;
    }
    let bucket = unique_name("flywheel-acc-harness");
    let (b1, b2) = (bucket.clone(), bucket.clone());
    // Struct-literal form, as terraform-plugin-testing's resource.TestCase.
    TestCase {
        steps: vec![
            Step::config(input("1"))
                .pre_apply(move |ctx| {
                    let b = b1.clone();
                    async move {
                        // Proves the S3 client reaches the emulator (path-style addressing).
                        ctx.aws.s3.create_bucket().bucket(&b).send().await?;
                        Ok(())
                    }
                })
                .checks([
                    check_attr("terraform_data.x", "input.a", "1"),
                    check_attr("terraform_data.x", "output.l.#", "2"),
                    check_attr_set("terraform_data.x", "id"),
                    check_output("a", "1"),
                ])
                .emulator_check(|ctx| async move {
                    anyhow::ensure!(ctx.state.resource("terraform_data.x").is_some());
                    Ok(())
                }),
            Step::config(input("2"))
                .plan_only()
                .expect_non_empty_plan()
                .expect_resource_action("terraform_data.x", &["update"])
                .expect_plan_text(r"terraform_data\.x will be updated in-place"),
            Step::config(input("2"))
                .expect_resource_action("terraform_data.x", &["update"])
                .check(check_output("a", "2")),
            // terraform_data cannot read its input back on import: that is what ignore is for.
            // (The output above uses try() for the same reason.)
            Step::import_state_verify(
                ImportStateVerify::new("terraform_data.x").ignore(["input", "output"]),
            ),
            Step::import_state_verify(
                ImportStateVerify::new("terraform_data.x")
                    .ignore(["input", "output"])
                    .import_block(),
            ),
            Step::config(data_config(
                "resource \"terraform_data\" \"x\" {\n  input = nonsense(\n}",
            ))
            .validate_only()
            .expect_error("(?i)argument|expression|syntax"),
        ],
        check_destroy: Some(emulator_fn(move |ctx| {
            let b = b2.clone();
            async move {
                anyhow::ensure!(
                    ctx.state.resource("terraform_data.x").is_some(),
                    "check_destroy sees the state from before the destroy"
                );
                ctx.aws.s3.delete_bucket().bucket(&b).send().await?;
                Ok(())
            }
        })),
        ..Default::default()
    }
    .run()
    .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn harness_catches_failures() {
    if !acceptance_enabled("harness_catches_failures") {
        return;
    }
    let expect_failure = |result: Result<(), String>, wanted: &[&str]| {
        let err = result.expect_err("the case should fail");
        for w in wanted {
            assert!(err.contains(w), "failure should mention {w:?}:\n{err}");
        }
    };

    // A perpetual diff is caught by the post-apply plan.
    let perpetual =
        data_config("resource \"terraform_data\" \"x\" {\n  triggers_replace = timestamp()\n}");
    expect_failure(
        TestCase::new()
            .step(Step::config(&perpetual))
            .try_run()
            .await,
        &[
            "plan (with -refresh=false) was not empty",
            "must be replaced",
        ],
    );
    TestCase::new()
        .step(Step::config(&perpetual).expect_non_empty_plan())
        .run()
        .await;

    // Every failing state check is reported, not just the first.
    expect_failure(
        TestCase::new()
            .step(
                Step::config(input("1"))
                    .check(check_attr("terraform_data.x", "input.a", "2"))
                    .check(check_attr("terraform_data.y", "input", "1")),
            )
            .try_run()
            .await,
        &[
            r#"input.a is "1", expected "2""#,
            "terraform_data.y is not in the state",
        ],
    );

    // Import verification compares attributes.
    expect_failure(
        TestCase::new()
            .step(Step::config(input("1")))
            .step(Step::import_state_verify(ImportStateVerify::new(
                "terraform_data.x",
            )))
            .try_run()
            .await,
        &["differs from the applied state", "input.a"],
    );

    // An expected error must happen, and match.
    let bad = data_config("resource \"terraform_data\" \"x\" {\n  input = nonsense(\n}");
    expect_failure(
        TestCase::new()
            .step(
                Step::config(&bad)
                    .validate_only()
                    .expect_error("no such words"),
            )
            .try_run()
            .await,
        &["does not match /no such words/"],
    );
    expect_failure(
        TestCase::new()
            .step(Step::config(input("1")).expect_error("boom"))
            .try_run()
            .await,
        &["expected an error matching /boom/", "succeeded"],
    );

    // A panicking check fails the step, and the destroy still runs.
    let destroyed = Rc::new(Cell::new(false));
    let flag = destroyed.clone();
    expect_failure(
        TestCase::new()
            .step(Step::config(input("1")).emulator_check(|_| async {
                std::env::var("FLYWHEEL_NO_SUCH_VARIABLE").expect("a check that unwraps");
                Ok(())
            }))
            .check_destroy(move |_| {
                let flag = flag.clone();
                async move {
                    flag.set(true);
                    Ok(())
                }
            })
            .try_run()
            .await,
        &["panicked", "a check that unwraps"],
    );
    assert!(destroyed.get(), "check_destroy ran after the destroy");
}

/// A case can start from a given state file: an output already in the seeded state plans
/// no change, which it would without the seed.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn harness_starts_from_an_initial_state() {
    if !acceptance_enabled("harness_starts_from_an_initial_state") {
        return;
    }
    let config = data_config("output \"a\" {\n  value = \"seeded\"\n}");
    let seeded = r#"{"version":4,"terraform_version":"1.6.6","serial":1,"lineage":"5f4dcc3b-5aa7-4d1b-9f6c-2b1e3c0a7d11","outputs":{"a":{"value":"seeded","type":"string"}},"resources":[],"check_results":null}"#;
    TestCase::new()
        .initial_state(seeded)
        .step(Step::config(config.clone()).plan_only())
        .run()
        .await;
    let without = TestCase::new()
        .step(Step::config(config).plan_only())
        .try_run()
        .await;
    assert!(
        without.is_err_and(|e| e.contains("expected an empty plan")),
        "without the seed the output is a change"
    );
}

/// A command past its timeout is killed with everything it started (here the shell and
/// `sleep` of a local-exec provisioner, as a provider plugin would be) and fails, naming
/// the command and the timeout, instead of hanging the suite.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn harness_kills_a_command_past_its_timeout() {
    use std::time::{Duration, Instant};

    use crate::harness::terraform::{live_group_members, TimedOut};

    if !acceptance_enabled("harness_kills_a_command_past_its_timeout") {
        return;
    }
    let root = tempfile::tempdir().expect("temp dir");
    let tf = Terraform::new(root.path())
        .expect("terraform")
        .with_timeout(Duration::from_secs(5));
    let work = tf.workdir("hang").expect("workdir");
    work.write_config(&data_config(
        "resource \"terraform_data\" \"hang\" {\n  provisioner \"local-exec\" {\n    \
         command = \"sleep 300\"\n  }\n}",
    ))
    .expect("config");
    let started = Instant::now();
    let err = work
        .run(&["apply", "-no-color", "-input=false", "-auto-approve"])
        .await
        .expect_err("a command past its timeout is an error");
    let elapsed = started.elapsed();
    let timed_out = err
        .downcast_ref::<TimedOut>()
        .unwrap_or_else(|| panic!("not a timeout: {err:#}"));
    let message = err.to_string();
    for wanted in [
        "`terraform apply -no-color -input=false -auto-approve`",
        "timeout of 5 s",
        "TF_ACC_COMMAND_TIMEOUT",
    ] {
        assert!(message.contains(wanted), "{wanted:?} not in:\n{message}");
    }
    assert!(timed_out.run.timed_out && timed_out.run.code.is_none());
    assert!(
        elapsed < Duration::from_secs(30),
        "stopped after {elapsed:?}"
    );
    // Nothing of the group outlives the command, the provisioner's `sleep` included.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !live_group_members(timed_out.pgid).is_empty() {
        assert!(
            Instant::now() < deadline,
            "processes of the timed-out group still run: {:?}",
            live_group_members(timed_out.pgid)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `check_no_attr` walks the provider's real schema (`terraform providers schema -json`):
/// a typo at depth 1 or 2 fails, while paths that can exist but are unset pass (map keys and
/// list indexes are free).
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn harness_no_attr_checks_the_schema_at_every_depth() {
    if !acceptance_enabled("harness_no_attr_checks_the_schema_at_every_depth") {
        return;
    }
    use crate::job::{check_nothing_left, create_bucket, Fixture, SCRIPT_V1};
    const ADDR: &str = "flywheel_job.test";
    let dir = tempfile::tempdir().expect("temp dir");
    let f = Fixture::new(dir.path(), "etl-acc-noattr");
    std::fs::write(&f.script, SCRIPT_V1).expect("writing the script");
    let aws = clients().await;
    create_bucket(&aws, &f.bucket).await.expect("assets bucket");

    for (path, wanted) in [
        ("schedul", "schedul is not in the schema of the resource"),
        (
            "pipeline.rol_arn",
            "rol_arn is not in the schema of pipeline",
        ),
        (
            "managed_objects.0.nmae",
            "nmae is not in the schema of managed_objects.0",
        ),
        ("pipline.tags.x", "pipline is not in the schema"),
    ] {
        let err = TestCase::new()
            .step(Step::config(f.config(2, None)).check(check_no_attr(ADDR, path)))
            .try_run()
            .await
            .expect_err(path);
        assert!(err.contains(wanted), "{path}: {err}");
    }
    let fx = f.clone();
    TestCase::new()
        .step(Step::config(f.config(2, None)).checks([
            check_no_attr(ADDR, "schedule"),
            check_no_attr(ADDR, "pipeline.tags.nosuch"),
            check_no_attr(ADDR, "tags.nosuch"),
            check_no_attr(ADDR, "managed_objects.9.name"),
        ]))
        .check_destroy(move |ctx| {
            let f = fx.clone();
            async move { check_nothing_left(&ctx.aws, &f).await }
        })
        .run()
        .await;
}
