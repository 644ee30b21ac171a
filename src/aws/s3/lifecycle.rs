//! Lifecycle rules: translation between S3's rules and the model's, and the write that
//! makes the pipeline's rules (IDs starting with `flywheel-`) exactly the wanted ones while
//! keeping the bucket's other rules.

use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, ExpirationStatus,
    LifecycleExpiration, LifecycleRule, LifecycleRuleFilter, Transition, TransitionStorageClass,
};

use super::buckets::{build_error, no_such_bucket};
use crate::aws::retry::{call, Op};
use crate::aws::{AwsContext, AwsError};
use crate::model::pipeline::{self as model, RULE_PREFIX};

/// One of the pipeline's enabled rules in model form; other rules (foreign or disabled)
/// are `None`, so a disabled rule of ours reads as missing.
pub(crate) fn to_model_rule(r: &LifecycleRule) -> Option<model::LifecycleRule> {
    let id = r.id().filter(|id| id.starts_with(RULE_PREFIX))?;
    if r.status() != &ExpirationStatus::Enabled {
        return None;
    }
    #[allow(deprecated)]
    let prefix = r
        .filter()
        .and_then(|f| f.prefix())
        .or(r.prefix())
        .unwrap_or("")
        .to_string();
    Some(model::LifecycleRule {
        id: id.to_string(),
        prefix,
        expiration_days: r.expiration().and_then(|e| e.days()).map(i64::from),
        abort_multipart_days: r
            .abort_incomplete_multipart_upload()
            .and_then(|a| a.days_after_initiation())
            .map(i64::from),
        intelligent_tiering_days: r
            .transitions()
            .iter()
            .find(|t| t.storage_class() == Some(&TransitionStorageClass::IntelligentTiering))
            .and_then(|t| t.days())
            .map(i64::from),
    })
}

fn days(d: i64) -> i32 {
    i32::try_from(d).unwrap_or(i32::MAX)
}

fn to_sdk_rule(bucket: &str, r: &model::LifecycleRule) -> Result<LifecycleRule, AwsError> {
    LifecycleRule::builder()
        .id(&r.id)
        .status(ExpirationStatus::Enabled)
        .filter(LifecycleRuleFilter::builder().prefix(&r.prefix).build())
        .set_expiration(
            r.expiration_days
                .map(|d| LifecycleExpiration::builder().days(days(d)).build()),
        )
        .set_abort_incomplete_multipart_upload(r.abort_multipart_days.map(|d| {
            AbortIncompleteMultipartUpload::builder()
                .days_after_initiation(days(d))
                .build()
        }))
        .set_transitions(r.intelligent_tiering_days.map(|d| {
            vec![Transition::builder()
                .days(days(d))
                .storage_class(TransitionStorageClass::IntelligentTiering)
                .build()]
        }))
        .build()
        .map_err(|e| build_error("PutBucketLifecycleConfiguration", bucket, e))
}

/// Makes the pipeline's lifecycle rules exactly `ours`, keeping the bucket's other rules.
pub async fn put_lifecycle_rules(
    ctx: &AwsContext,
    bucket: &str,
    ours: &[model::LifecycleRule],
) -> Result<(), AwsError> {
    let current = match call(
        &ctx.retry,
        Op::new("s3", "GetBucketLifecycleConfiguration", bucket),
        || {
            ctx.s3
                .get_bucket_lifecycle_configuration()
                .bucket(bucket)
                .send()
        },
    )
    .await
    {
        Ok(o) => o.rules().to_vec(),
        Err(e) if e.is_not_found() && !no_such_bucket(&e) => Vec::new(),
        Err(e) => return Err(e),
    };
    let mut rules: Vec<LifecycleRule> = current
        .into_iter()
        .filter(|r| !r.id().is_some_and(|id| id.starts_with(RULE_PREFIX)))
        .collect();
    for r in ours {
        rules.push(to_sdk_rule(bucket, r)?);
    }
    if rules.is_empty() {
        return call(
            &ctx.retry,
            Op::new("s3", "DeleteBucketLifecycle", bucket),
            || ctx.s3.delete_bucket_lifecycle().bucket(bucket).send(),
        )
        .await
        .map(|_| ());
    }
    let config = BucketLifecycleConfiguration::builder()
        .set_rules(Some(rules))
        .build()
        .map_err(|e| build_error("PutBucketLifecycleConfiguration", bucket, e))?;
    call(
        &ctx.retry,
        Op::new("s3", "PutBucketLifecycleConfiguration", bucket),
        || {
            ctx.s3
                .put_bucket_lifecycle_configuration()
                .bucket(bucket)
                .lifecycle_configuration(config.clone())
                .send()
        },
    )
    .await
    .map(|_| ())
}
