//! `flywheel_crawler` while a run of the crawler is in progress: Glue refuses UpdateCrawler
//! and DeleteCrawler until the run ends. The apply waits (up to `running_crawler_timeout`),
//! or with `stop_running_crawler` stops the run first; past the timeout it fails naming the
//! crawler and the settings. Runs are started in the emulator with a set length
//! (`/_flywheel/crawler-runs`, test-fixtures/emulator/glue_crawler_runs.py); the request log
//! proves the refusal, the wait and the stop happened.

use anyhow::{ensure, Context, Result};
use serde_json::Value as Json;

use crate::crawler::{crawler, fixture_roles, nothing_left, ROLE};
use crate::harness::requests::{control, operation};
use crate::harness::*;

const ADDR: &str = "flywheel_crawler.c";

fn hcl(name: &str, prefix: &str, settings: &str) -> String {
    format!(
        r#"
provider "flywheel" {{}}

resource "flywheel_crawler" "c" {{
  name         = "{name}"
  role_arn     = "{ROLE}"
  database     = "omc_flywheel_acc"
  s3_targets   = ["s3://flywheel-acc-data/opus/{name}/"]
  table_prefix = "{prefix}"
{settings}
}}
"#
    )
}

/// Starts a run of the crawler in the emulator that lasts `running` seconds (or, once
/// StopCrawler is called, `stopping` more).
async fn start_run(name: &str, running: u64, stopping: u64) -> Result<()> {
    let body = serde_json::json!({
        "crawler": name,
        "running_seconds": running,
        "stopping_seconds": stopping,
        "account": emulator_account_id().await?,
    });
    control("POST", "/_flywheel/crawler-runs", &body.to_string())
        .with_context(|| format!("starting a run of crawler {name}"))?;
    Ok(())
}

/// `(operation, status)` of each Glue call naming the crawler, oldest first.
fn calls(name: &str) -> Result<Vec<(String, u64)>> {
    Ok(requests_since(0, &format!("\"{name}\""))?
        .iter()
        .map(|r: &Json| (operation(r), r["status"].as_u64().unwrap_or(0)))
        .collect())
}

/// The calls show `op` refused (400) at least once, then accepted (200), with GetCrawler
/// polls in between.
fn refused_then_done(calls: &[(String, u64)], op: &str) -> Result<()> {
    let refused = calls
        .iter()
        .position(|(o, s)| o == op && *s == 400)
        .with_context(|| format!("no refused {op} in {calls:?}"))?;
    let done = calls
        .iter()
        .rposition(|(o, s)| o == op && *s == 200)
        .with_context(|| format!("no successful {op} in {calls:?}"))?;
    ensure!(
        refused < done,
        "{op} succeeded before it was refused: {calls:?}"
    );
    let polls = calls[refused..done]
        .iter()
        .filter(|(o, _)| o == "glue:GetCrawler")
        .count();
    ensure!(polls >= 1, "no GetCrawler poll while waiting: {calls:?}");
    Ok(())
}

async fn last_crawl_status(ctx: &Ctx, name: &str) -> Result<String> {
    let c = crawler(ctx, name).await?;
    Ok(c.last_crawl()
        .and_then(|l| l.status())
        .map(|s| s.as_str().to_string())
        .unwrap_or_default())
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_running_during_apply_is_waited_for() {
    if !acceptance_enabled("crawler_running_during_apply_is_waited_for") {
        return;
    }
    fixture_roles().await;
    let name = unique_name("crw-acc-running");
    let settings = "  running_crawler_timeout = \"3m\"";
    let (n1, n2, n3, n4, n5) = (
        name.clone(),
        name.clone(),
        name.clone(),
        name.clone(),
        name.clone(),
    );
    TestCase::new()
        .step(
            Step::config(hcl(&name, "before_", settings)).check(check_attr(
                ADDR,
                "running_crawler_timeout",
                "3m",
            )),
        )
        // A run that ends by itself: the update waits for it, then goes through.
        .step(
            Step::config(hcl(&name, "after_", settings))
                .pre_apply(move |_| {
                    let name = n1.clone();
                    async move { start_run(&name, 40, 2).await }
                })
                .expect_resource_action(ADDR, &["update"])
                .emulator_check(move |ctx| {
                    let name = n2.clone();
                    async move {
                        let c = crawler(&ctx, &name).await?;
                        ensure!(c.table_prefix() == Some("after_"), "{:?}", c.table_prefix());
                        ensure!(c.version() == 2, "version {}", c.version());
                        let calls = calls(&name)?;
                        refused_then_done(&calls, "glue:UpdateCrawler")?;
                        ensure!(
                            !calls.iter().any(|(o, _)| o == "glue:StopCrawler"),
                            "stopped without stop_running_crawler: {calls:?}"
                        );
                        let last = last_crawl_status(&ctx, &name).await?;
                        ensure!(
                            last == "SUCCEEDED",
                            "the run was not left to finish: {last}"
                        );
                        Ok(())
                    }
                }),
        )
        .step(Step::import_state_verify(
            ImportStateVerify::new(ADDR).ignore(["running_crawler_timeout"]),
        ))
        // Removed from the configuration while a run is in progress: the delete waits too.
        .step(
            Step::config("provider \"flywheel\" {}\n")
                .pre_apply(move |_| {
                    let name = n3.clone();
                    async move { start_run(&name, 20, 2).await }
                })
                .expect_resource_action(ADDR, &["delete"])
                .emulator_check(move |ctx| {
                    let name = n4.clone();
                    async move {
                        refused_then_done(&calls(&name)?, "glue:DeleteCrawler")?;
                        nothing_left(ctx, name).await
                    }
                }),
        )
        .check_destroy(move |ctx| nothing_left(ctx, n5.clone()))
        .run()
        .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_running_during_apply_is_stopped_first_when_asked() {
    if !acceptance_enabled("crawler_running_during_apply_is_stopped_first_when_asked") {
        return;
    }
    fixture_roles().await;
    let name = unique_name("crw-acc-stop");
    let stop = "  stop_running_crawler    = true\n  running_crawler_timeout = \"2m\"";
    let (n1, n2, n3, n4) = (name.clone(), name.clone(), name.clone(), name.clone());
    TestCase::new()
        .step(
            Step::config(hcl(&name, "before_", stop))
                .check(check_attr(ADDR, "stop_running_crawler", "true")),
        )
        // A run of ten minutes: stopped (it takes 3 s to stop), then the update.
        .step(
            Step::config(hcl(&name, "after_", stop))
                .pre_apply(move |_| {
                    let name = n1.clone();
                    async move { start_run(&name, 600, 3).await }
                })
                .expect_resource_action(ADDR, &["update"])
                .emulator_check(move |ctx| {
                    let name = n2.clone();
                    async move {
                        let c = crawler(&ctx, &name).await?;
                        ensure!(c.table_prefix() == Some("after_"), "{:?}", c.table_prefix());
                        let calls = calls(&name)?;
                        let stop = calls
                            .iter()
                            .position(|(o, s)| o == "glue:StopCrawler" && *s == 200)
                            .with_context(|| format!("no StopCrawler: {calls:?}"))?;
                        let updated = calls
                            .iter()
                            .rposition(|(o, s)| o == "glue:UpdateCrawler" && *s == 200)
                            .context("no UpdateCrawler")?;
                        ensure!(stop < updated, "updated before the stop: {calls:?}");
                        let last = last_crawl_status(&ctx, &name).await?;
                        ensure!(last == "CANCELLED", "the run was not stopped: {last}");
                        Ok(())
                    }
                }),
        )
        // Without the stop and with 4 s to wait, a long run fails the apply, naming the
        // crawler and the settings; nothing changed.
        .step(
            Step::config(hcl(
                &name,
                "third_",
                "  running_crawler_timeout = \"4s\"",
            ))
            .pre_apply(move |_| {
                let name = n3.clone();
                async move { start_run(&name, 600, 3).await }
            })
            .expect_error(&format!(
                r#"(?s)UpdateCrawler failed for "{name}".*Cannot update Crawler while running.*running_crawler_timeout = 4s ran out.*stop_running_crawler = true"#
            )),
        )
        // The failed apply kept the state's stop_running_crawler, so the destroy stops the
        // run and deletes the crawler.
        .check_destroy(move |ctx| nothing_left(ctx, n4.clone()))
        .run()
        .await;
}

/// The wait is visible: each poll logs the crawler, its state and the time left.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn crawler_running_wait_shows_progress_in_the_log() {
    if !acceptance_enabled("crawler_running_wait_shows_progress_in_the_log") {
        return;
    }
    fixture_roles().await;
    let name = unique_name("crw-acc-runlog");
    let root = tempfile::Builder::new()
        .prefix("flywheel-acc-crawler-runlog-")
        .tempdir()
        .expect("temp dir");
    let result = progress_case(root.path(), &name).await;
    // Whatever happened, leave no crawler behind (the run is 15 s at most).
    let work = Terraform::new(root.path()).and_then(|tf| tf.workdir("work"));
    if let Ok(work) = work {
        let _ = work
            .run(&["destroy", "-auto-approve", "-no-color", "-input=false"])
            .await;
    }
    if let Err(e) = result {
        let kept = root.keep();
        panic!(
            "crawler_running_wait_shows_progress_in_the_log failed; files kept in {}\n\n{e:#}",
            kept.display()
        );
    }
}

async fn progress_case(root: &std::path::Path, name: &str) -> Result<()> {
    let work = Terraform::new(root)?.workdir("work")?;
    let apply = ["apply", "-auto-approve", "-no-color", "-input=false"];
    work.write_config(&hcl(name, "before_", ""))?;
    work.run_ok(&apply).await?;
    start_run(name, 15, 2).await?;
    work.write_config(&hcl(name, "after_", ""))?;
    let run = work.run_with_env(&apply, &[("TF_LOG", "INFO")]).await?;
    ensure!(run.success(), "{}", run.describe());
    let log = run.log().context("TF_LOG=INFO wrote no log")?;
    let waiting =
        format!("waiting for Glue crawler \\\"{name}\\\" to finish its run before UpdateCrawler");
    let plain =
        format!("waiting for Glue crawler \"{name}\" to finish its run before UpdateCrawler");
    let lines: Vec<&str> = log
        .lines()
        .filter(|l| l.contains(&waiting) || l.contains(&plain))
        .collect();
    ensure!(
        !lines.is_empty(),
        "no progress line {plain:?} in the log:\n{}",
        log.lines()
            .filter(|l| l.contains("crawler"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    ensure!(
        lines
            .iter()
            .any(|l| l.contains("of running_crawler_timeout 30m0s")),
        "the progress lines do not say the limit: {lines:#?}"
    );
    Ok(())
}
