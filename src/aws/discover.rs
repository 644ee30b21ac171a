//! The account-wide listings behind `terraform-provider-flywheel discover`: the names of
//! every Glue job, crawler and catalog database in the region, every IAM role and every S3
//! bucket. Only List/Get calls, followed page by page; `crate::discover` decides which
//! names form an environment.
//!
//! These operations are the command's, not the provider's: `docs-gen/generate.py` leaves
//! this file out of the deployer policy and lists its actions in the adoption guide.

use std::collections::BTreeMap;

use crate::aws::retry::{call, Op};
use crate::aws::{AwsContext, AwsError, ErrorKind};

/// Every name the listings returned, in the order AWS gave them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountNames {
    pub jobs: Vec<String>,
    pub crawlers: Vec<String>,
    pub databases: Vec<String>,
    pub roles: Vec<String>,
    pub buckets: Vec<String>,
    /// The region of each bucket whose region ListBuckets gave.
    pub bucket_regions: BTreeMap<String, String>,
}

/// Lists the five kinds concurrently.
pub async fn list(ctx: &AwsContext) -> Result<AccountNames, AwsError> {
    let (jobs, crawlers, databases, roles, buckets) = futures::join!(
        jobs(ctx),
        crawlers(ctx),
        databases(ctx),
        roles(ctx),
        buckets(ctx)
    );
    let (buckets, bucket_regions) = buckets?;
    Ok(AccountNames {
        jobs: jobs?,
        crawlers: crawlers?,
        databases: databases?,
        roles: roles?,
        buckets,
        bucket_regions,
    })
}

/// An answer that repeats its own page token would never end: stop with an error.
fn repeated_token(service: &'static str, operation: &'static str) -> AwsError {
    AwsError {
        service,
        operation,
        target: "the account".into(),
        kind: ErrorKind::Fatal,
        code: None,
        message: "the service returned the same page token twice".into(),
        status: None,
    }
}

/// The next page's token: `None` at the end (absent or empty), an error when it repeats.
fn next(
    service: &'static str,
    operation: &'static str,
    current: &Option<String>,
    returned: Option<&str>,
) -> Result<Option<String>, AwsError> {
    match returned.filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) if current.as_deref() == Some(t) => Err(repeated_token(service, operation)),
        Some(t) => Ok(Some(t.to_string())),
    }
}

async fn jobs(ctx: &AwsContext) -> Result<Vec<String>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = call(&ctx.retry, Op::new("glue", "ListJobs", "jobs"), || {
            ctx.glue
                .list_jobs()
                .max_results(1000)
                .set_next_token(token.clone())
                .send()
        })
        .await?;
        out.extend(page.job_names().iter().cloned());
        match next("glue", "ListJobs", &token, page.next_token())? {
            Some(t) => token = Some(t),
            None => return Ok(out),
        }
    }
}

async fn crawlers(ctx: &AwsContext) -> Result<Vec<String>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = call(
            &ctx.retry,
            Op::new("glue", "ListCrawlers", "crawlers"),
            || {
                ctx.glue
                    .list_crawlers()
                    .max_results(1000)
                    .set_next_token(token.clone())
                    .send()
            },
        )
        .await?;
        out.extend(page.crawler_names().iter().cloned());
        match next("glue", "ListCrawlers", &token, page.next_token())? {
            Some(t) => token = Some(t),
            None => return Ok(out),
        }
    }
}

async fn databases(ctx: &AwsContext) -> Result<Vec<String>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = call(
            &ctx.retry,
            Op::new("glue", "GetDatabases", "databases"),
            || {
                ctx.glue
                    .get_databases()
                    .max_results(100)
                    .set_next_token(token.clone())
                    .send()
            },
        )
        .await?;
        out.extend(page.database_list().iter().map(|d| d.name().to_string()));
        match next("glue", "GetDatabases", &token, page.next_token())? {
            Some(t) => token = Some(t),
            None => return Ok(out),
        }
    }
}

async fn roles(ctx: &AwsContext) -> Result<Vec<String>, AwsError> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = call(&ctx.retry, Op::new("iam", "ListRoles", "roles"), || {
            ctx.iam
                .list_roles()
                .max_items(1000)
                .set_marker(marker.clone())
                .send()
        })
        .await?;
        out.extend(page.roles().iter().map(|r| r.role_name().to_string()));
        let more = if page.is_truncated() {
            page.marker()
        } else {
            None
        };
        match next("iam", "ListRoles", &marker, more)? {
            Some(t) => marker = Some(t),
            None => return Ok(out),
        }
    }
}

/// Every bucket, and the regions S3 gave: it answers with `BucketRegion` (and pages) only
/// when asked with a parameter such as `MaxBuckets`.
async fn buckets(ctx: &AwsContext) -> Result<(Vec<String>, BTreeMap<String, String>), AwsError> {
    let mut out = Vec::new();
    let mut regions = BTreeMap::new();
    let mut token: Option<String> = None;
    loop {
        let page = call(&ctx.retry, Op::new("s3", "ListBuckets", "buckets"), || {
            ctx.s3
                .list_buckets()
                .max_buckets(10_000)
                .set_continuation_token(token.clone())
                .send()
        })
        .await?;
        for b in page.buckets() {
            let Some(name) = b.name() else { continue };
            out.push(name.to_string());
            if let Some(r) = b.bucket_region() {
                regions.insert(name.to_string(), r.to_string());
            }
        }
        match next("s3", "ListBuckets", &token, page.continuation_token())? {
            Some(t) => token = Some(t),
            None => return Ok((out, regions)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_ends_on_a_missing_or_empty_token_and_refuses_a_repeated_one() {
        assert_eq!(next("glue", "ListJobs", &None, None).unwrap(), None);
        assert_eq!(next("glue", "ListJobs", &None, Some("")).unwrap(), None);
        assert_eq!(
            next("glue", "ListJobs", &None, Some("a")).unwrap(),
            Some("a".into())
        );
        let e = next("glue", "ListJobs", &Some("a".into()), Some("a")).unwrap_err();
        assert_eq!(e.operation, "ListJobs");
        assert!(e.message.contains("same page token"), "{e}");
    }
}
