//! A crawler's activity, for `flywheel_crawler`'s data source: its state and last crawl as
//! GetCrawler reports them, and what that crawl did to the catalog (GetCrawlerMetrics).

use aws_sdk_glue::types::{Crawler, CrawlerMetrics as GlueMetrics};

use crate::aws::retry::{call, Op};
use crate::aws::{AwsContext, AwsError};
use crate::model::runs::{CrawlerMetrics, LastCrawl};

/// The crawler's state (`READY`, `RUNNING`, `STOPPING`), empty when Glue gives none.
pub fn state(c: &Crawler) -> String {
    c.state()
        .map(|s| s.as_str().to_string())
        .unwrap_or_default()
}

/// The crawler's last crawl, `None` before its first.
pub fn last_crawl(c: &Crawler) -> Option<LastCrawl> {
    let l = c.last_crawl()?;
    let text = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_string);
    Some(LastCrawl {
        status: l
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        error_message: text(l.error_message()),
        started_on: l.start_time().and_then(super::rfc3339),
        log_group: text(l.log_group()),
        log_stream: text(l.log_stream()),
    })
}

/// The crawler's metrics, `None` when Glue lists none for it (it is gone).
pub async fn metrics(ctx: &AwsContext, name: &str) -> Result<Option<CrawlerMetrics>, AwsError> {
    let out = call(
        &ctx.retry,
        Op::new("glue", "GetCrawlerMetrics", name),
        || {
            ctx.glue
                .get_crawler_metrics()
                .crawler_name_list(name)
                .send()
        },
    )
    .await?;
    Ok(out
        .crawler_metrics_list()
        .iter()
        .find(|m| m.crawler_name() == Some(name))
        .map(translate))
}

fn translate(m: &GlueMetrics) -> CrawlerMetrics {
    CrawlerMetrics {
        tables_created: i64::from(m.tables_created()),
        tables_updated: i64::from(m.tables_updated()),
        tables_deleted: i64::from(m.tables_deleted()),
        last_runtime_seconds: Some(m.last_runtime_seconds()).filter(|s| s.is_finite()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_glue::types::{CrawlerState, LastCrawlInfo, LastCrawlStatus};
    use aws_smithy_types::DateTime;

    #[test]
    fn a_failed_crawl() {
        let c = Crawler::builder()
            .name("raw")
            .state(CrawlerState::Ready)
            .last_crawl(
                LastCrawlInfo::builder()
                    .status(LastCrawlStatus::Failed)
                    .error_message("Insufficient Lake Formation permission(s)")
                    .log_group("/aws-glue/crawlers")
                    .log_stream("raw")
                    .message_prefix("b7d1")
                    .start_time(DateTime::from_secs(1_764_675_000))
                    .build(),
            )
            .build();
        assert_eq!(state(&c), "READY");
        assert_eq!(
            last_crawl(&c),
            Some(LastCrawl {
                status: "FAILED".into(),
                error_message: Some("Insufficient Lake Formation permission(s)".into()),
                started_on: Some("2025-12-02T11:30:00Z".into()),
                log_group: Some("/aws-glue/crawlers".into()),
                log_stream: Some("raw".into()),
            })
        );
    }

    #[test]
    fn before_the_first_crawl() {
        let c = Crawler::builder().name("new").build();
        assert_eq!(last_crawl(&c), None);
        assert_eq!(state(&c), "");
        let empty = Crawler::builder()
            .last_crawl(
                LastCrawlInfo::builder()
                    .status(LastCrawlStatus::Succeeded)
                    .error_message("")
                    .build(),
            )
            .build();
        let l = last_crawl(&empty).expect("a crawl");
        assert_eq!((l.status.as_str(), l.error_message), ("SUCCEEDED", None));
    }

    #[test]
    fn metrics_translate() {
        let m = GlueMetrics::builder()
            .crawler_name("raw")
            .tables_created(3)
            .tables_updated(2)
            .tables_deleted(1)
            .last_runtime_seconds(74.5)
            .build();
        assert_eq!(
            translate(&m),
            CrawlerMetrics {
                tables_created: 3,
                tables_updated: 2,
                tables_deleted: 1,
                last_runtime_seconds: Some(74.5),
            }
        );
    }
}
