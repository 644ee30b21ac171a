//! Glue: one module per kind of object.

pub mod batch;
pub mod crawler_runs;
pub mod crawlers;
pub mod crawls;
pub mod databases;
pub mod job_runs;
pub mod jobs;
pub mod tags;
pub mod triggers;

/// A Glue timestamp as RFC 3339 (`2026-12-02T11:30:00Z`); `None` for one out of its range.
pub(crate) fn rfc3339(t: &aws_smithy_types::DateTime) -> Option<String> {
    t.fmt(aws_smithy_types::date_time::Format::DateTime).ok()
}
