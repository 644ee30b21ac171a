//! Batched Glue reads: concurrent GetJob, GetCrawler and GetTrigger reads become
//! BatchGetJobs, BatchGetCrawlers and BatchGetTriggers (see `aws::coalesce`).
//!
//! The batch answers carry the same objects as the single reads, so `jobs::observed` and
//! its siblings translate both. Names a batch lists as not found are gone; names it does
//! not answer for are read one by one.

use aws_sdk_glue::types::{Crawler, Job, Trigger};

use crate::aws::coalesce::{Answer, BatchResult, Coalescer};
use crate::aws::retry::{call, Op};
use crate::aws::{AwsContext, AwsError};

/// Names per batch call. BatchGetCrawlers takes at most 100 (Glue API reference); the same
/// bound is used for jobs and triggers, whose limit is not documented.
pub const LIMIT: usize = 100;

/// The coalescers of one provider process, one per object kind.
#[derive(Debug)]
pub struct GlueReads {
    jobs: Coalescer<Job>,
    crawlers: Coalescer<Crawler>,
    triggers: Coalescer<Trigger>,
}

impl Default for GlueReads {
    fn default() -> Self {
        GlueReads {
            jobs: Coalescer::new("BatchGetJobs", LIMIT),
            crawlers: Coalescer::new("BatchGetCrawlers", LIMIT),
            triggers: Coalescer::new("BatchGetTriggers", LIMIT),
        }
    }
}

/// What a batch call is about, for the log and for error messages.
fn target(names: &[String]) -> String {
    match names {
        [one] => one.clone(),
        [first, ..] => format!("{first} and {} more", names.len() - 1),
        [] => String::new(),
    }
}

fn result<V>(
    found: Vec<V>,
    name: impl Fn(&V) -> Option<&str>,
    missing: Vec<String>,
) -> BatchResult<V> {
    BatchResult {
        found: found
            .into_iter()
            .filter_map(|v| name(&v).map(str::to_string).map(|n| (n, v)))
            .collect(),
        missing,
    }
}

impl GlueReads {
    pub async fn job(&self, ctx: &AwsContext, name: &str) -> Answer<Job> {
        self.jobs
            .get(name, |names| async move {
                let t = target(&names);
                let out = call(&ctx.retry, Op::new("glue", "BatchGetJobs", &t), || {
                    ctx.glue
                        .batch_get_jobs()
                        .set_job_names(Some(names.clone()))
                        .send()
                })
                .await?;
                Ok::<_, AwsError>(result(
                    out.jobs.unwrap_or_default(),
                    |j: &Job| j.name(),
                    out.jobs_not_found.unwrap_or_default(),
                ))
            })
            .await
    }

    pub async fn crawler(&self, ctx: &AwsContext, name: &str) -> Answer<Crawler> {
        self.crawlers
            .get(name, |names| async move {
                let t = target(&names);
                let out = call(&ctx.retry, Op::new("glue", "BatchGetCrawlers", &t), || {
                    ctx.glue
                        .batch_get_crawlers()
                        .set_crawler_names(Some(names.clone()))
                        .send()
                })
                .await?;
                Ok::<_, AwsError>(result(
                    out.crawlers.unwrap_or_default(),
                    |c: &Crawler| c.name(),
                    out.crawlers_not_found.unwrap_or_default(),
                ))
            })
            .await
    }

    pub async fn trigger(&self, ctx: &AwsContext, name: &str) -> Answer<Trigger> {
        self.triggers
            .get(name, |names| async move {
                let t = target(&names);
                let out = call(&ctx.retry, Op::new("glue", "BatchGetTriggers", &t), || {
                    ctx.glue
                        .batch_get_triggers()
                        .set_trigger_names(Some(names.clone()))
                        .send()
                })
                .await?;
                Ok::<_, AwsError>(result(
                    out.triggers.unwrap_or_default(),
                    |t: &Trigger| t.name(),
                    out.triggers_not_found.unwrap_or_default(),
                ))
            })
            .await
    }
}
