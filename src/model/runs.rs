//! What the data sources report about activity: a Glue job's last run and a crawler's last
//! crawl with its metrics. Plain values, translated from Glue's answers by
//! `aws::glue::job_runs` and `aws::glue::crawls`; nothing here decides anything.

/// A job run as GetJobRuns reports it, reduced to what `flywheel_job`'s data source shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobRun {
    pub id: String,
    /// `JobRunState`: STARTING, RUNNING, STOPPING, STOPPED, SUCCEEDED, FAILED, TIMEOUT,
    /// ERROR, WAITING or EXPIRED.
    pub state: String,
    /// RFC 3339.
    pub started_on: Option<String>,
    /// `ExecutionTime`: seconds the run consumed resources.
    pub execution_seconds: Option<i64>,
    /// See `model::cost::run_dpu_seconds`.
    pub dpu_seconds: Option<f64>,
    pub error_message: Option<String>,
}

/// GetCrawler's `LastCrawl`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LastCrawl {
    /// SUCCEEDED, CANCELLED or FAILED.
    pub status: String,
    pub error_message: Option<String>,
    /// RFC 3339.
    pub started_on: Option<String>,
    pub log_group: Option<String>,
    pub log_stream: Option<String>,
}

/// GetCrawlerMetrics for one crawler: what its last crawl did to the catalog.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CrawlerMetrics {
    pub tables_created: i64,
    pub tables_updated: i64,
    pub tables_deleted: i64,
    pub last_runtime_seconds: Option<f64>,
}
