//! A crawler that is running when it must be updated or deleted. Glue refuses both while a
//! crawl runs or is stopping (`ErrorKind::Busy`: CrawlerRunningException, or
//! InvalidInputException "Cannot update Crawler while running"). [`when_ready`] makes the
//! change, and on that refusal stops the run (when the policy says so) and waits for the
//! crawler to be READY, with progress in the log, up to the policy's timeout; then it makes
//! the change again. Nothing here decides whether a change is wanted.

use std::future::Future;
use std::time::Instant;

use crate::aws::retry::{call, Op};
use crate::aws::{AwsContext, AwsError, ErrorKind};
use crate::model::crawler_run::{is_busy, poll_interval, show, WhenRunning};

/// The crawler's state (`READY`, `RUNNING`, `STOPPING`), or `None` when it does not exist.
pub async fn state(ctx: &AwsContext, name: &str) -> Result<Option<String>, AwsError> {
    match call(&ctx.retry, Op::new("glue", "GetCrawler", name), || {
        ctx.glue.get_crawler().name(name).send()
    })
    .await
    {
        Ok(out) => Ok(Some(
            out.crawler
                .and_then(|c| c.state)
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
        )),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Asks Glue to stop the crawler's run. A run that already ended (CrawlerNotRunningException)
/// or is already stopping (CrawlerStoppingException) is fine: either way the wait follows.
pub async fn stop(ctx: &AwsContext, name: &str) -> Result<(), AwsError> {
    match call(&ctx.retry, Op::new("glue", "StopCrawler", name), || {
        ctx.glue.stop_crawler().name(name).send()
    })
    .await
    {
        Ok(_) => Ok(()),
        Err(e)
            if e.is_not_found()
                || e.kind == ErrorKind::Busy
                || e.code.as_deref() == Some("CrawlerNotRunningException") =>
        {
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// Runs `change` (an UpdateCrawler or DeleteCrawler of crawler `name`, called `operation`
/// in logs and errors); while Glue refuses it because the crawler is running, stops the run
/// (once, with `policy.stop`) and waits for the crawler to be READY, then tries again. The
/// whole wait is bounded by `policy.timeout`; past it, the refusal is returned with how long
/// was waited.
pub async fn when_ready<T, F, Fut>(
    ctx: &AwsContext,
    name: &str,
    operation: &'static str,
    policy: WhenRunning,
    mut change: F,
) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    let started = Instant::now();
    let mut stop_sent = false;
    let mut polls = 0u32;
    loop {
        let refused = match change().await {
            Err(e) if e.kind == ErrorKind::Busy => e,
            other => return other,
        };
        if policy.stop && !stop_sent {
            tracing::info!(
                target_object = name,
                "Glue crawler {name:?} is running: stopping its run (stop_running_crawler = true) before {operation}"
            );
            stop(ctx, name).await?;
            stop_sent = true;
        }
        // Poll until READY (or gone: the change then answers for itself).
        let mut state: Option<String> = None;
        loop {
            let waited = started.elapsed();
            if waited >= policy.timeout {
                return Err(timed_out(refused, state.as_deref(), policy));
            }
            tracing::info!(
                target_object = name,
                state = state.as_deref().unwrap_or("RUNNING"),
                waited_s = waited.as_secs(),
                limit_s = policy.timeout.as_secs(),
                "waiting for Glue crawler {name:?} to finish its run before {operation}: {} after {} of running_crawler_timeout {}",
                state.as_deref().unwrap_or("RUNNING"),
                show(waited),
                show(policy.timeout),
            );
            polls += 1;
            tokio::time::sleep(poll_interval(polls).min(policy.timeout - waited)).await;
            match self::state(ctx, name).await? {
                Some(s) if is_busy(&s) => state = Some(s),
                _ => break,
            }
        }
    }
}

/// Glue's refusal, saying how long the provider waited and in what state it left the crawler.
fn timed_out(mut refused: AwsError, state: Option<&str>, policy: WhenRunning) -> AwsError {
    let what = if policy.stop {
        "still stopping its run"
    } else {
        "still running"
    };
    refused.message = format!(
        "{} (the crawler was {what}{} when running_crawler_timeout = {} ran out)",
        refused.message.trim(),
        state.map(|s| format!(", state {s}")).unwrap_or_default(),
        show(policy.timeout),
    );
    refused
}
